//! The RocksDB store: column families, atomic block commits, recovery.
//!
//! Every block is committed as one RocksDB `WriteBatch` written with `sync`: tree nodes,
//! accounts, the address index, the block, its receipts, outbox entries, nullifiers, a sealed
//! batch if any, the removal of its transactions from the pending set, and the new [`Head`]
//! in `meta`. RocksDB applies a write batch atomically and its WAL replays it whole or not at
//! all, so reopening after a crash yields the last committed block and root, never half of one.
//!
//! L1 priority operations are recorded in `priority` by queue index as they are observed
//! ([`Store::put_priority`]: synced, idempotent, in queue order, with the L1 cursor in the same
//! write), before any block applies them. How many of them the chain applied is part of the
//! [`Head`] (`priority_applied`), so it moves atomically with the block that applied them.
//! The bridge's message root queue is recorded the same way in `l1_message_roots`
//! ([`Store::put_l1_message_roots`]); how many of its entries blocks imported is the state's
//! `imported_count`, and each imported root sits in `imported` by import index.

use std::path::Path;

pub use hyperforge_primitives::merkle::{
    ACCOUNT_TREE_DEPTH, IMPORTED_TREE_DEPTH, NULLIFIER_TREE_DEPTH, TreeId,
};
use hyperforge_primitives::{Address, bridge::StateCommitment};
use rocksdb::{ColumnFamilyDescriptor, DB, IteratorMode, Options, WriteBatch, WriteOptions};

use crate::{
    Account, AccountIndex, Digest, StateError,
    account::{decode_account, decode_digest, encode_digest},
    smt::{MerkleProof, NodeKey, NodeSource, SparseMerkleTree},
};

/// Column family names.
pub mod cf {
    /// Sparse Merkle tree nodes: `tree id (1) | level (1) | index (8, BE)` -> digest.
    pub const NODES: &str = "nodes";
    /// `account index (4, BE)` -> account record.
    pub const ACCOUNTS: &str = "accounts";
    /// `address (20)` -> account index (4, BE).
    pub const ADDRESS_INDEX: &str = "address_index";
    /// `block number (8, BE)` -> encoded block.
    pub const BLOCKS: &str = "blocks";
    /// `transaction hash (32)` -> encoded receipt.
    pub const RECEIPTS: &str = "receipts";
    /// `batch number (8, BE)` -> encoded batch.
    pub const BATCHES: &str = "batches";
    /// `block number (8, BE) | position (4, BE)` -> encoded outbox entry.
    pub const OUTBOX: &str = "outbox";
    /// `nullifier key (8, BE)`, the executed message's position -> its message hash.
    pub const NULLIFIERS: &str = "nullifiers";
    /// `arrival sequence (8, BE)` -> encoded transaction, until a block includes it.
    pub const PENDING: &str = "pending";
    /// `import index (8, BE)` -> the message root imported there (32).
    pub const IMPORTED: &str = "imported";
    /// `L1 priority queue index (8, BE)` -> the operation as observed on L1 (opaque bytes),
    /// stored before a block may apply it.
    pub const PRIORITY: &str = "priority";
    /// `queue index (8, BE)` -> an entry of the bridge's message root queue as observed on L1
    /// (opaque bytes), stored before a block may import it.
    pub const L1_MESSAGE_ROOTS: &str = "l1_message_roots";
    /// `block number (8, BE)` -> the block circuit's witness of that block (opaque bytes),
    /// written with the block, kept until its batch is proven.
    pub const WITNESSES: &str = "witnesses";
    /// `batch number (8, BE)` -> the digest of the circuits (32) and the batch's proof
    /// (opaque bytes), once proven and checked.
    pub const BATCH_PROOFS: &str = "batch_proofs";
    /// `job id (8, BE)` -> a proving job's state (opaque bytes: the coordinator's), until its
    /// batch is proven.
    pub const JOBS: &str = "jobs";
    /// `batch number (8, BE)` -> where the batch's proving stands (opaque bytes: timings).
    pub const PROVING: &str = "proving";
    /// `batch number (8, BE)` -> how the bridge settled the batch (opaque bytes: the L1
    /// transaction and block the L1 follower saw).
    pub const SETTLEMENTS: &str = "settlements";
    /// Named singletons, like the head.
    pub const META: &str = "meta";
    /// Every column family.
    pub const ALL: [&str; 18] = [
        NODES,
        ACCOUNTS,
        ADDRESS_INDEX,
        BLOCKS,
        RECEIPTS,
        BATCHES,
        OUTBOX,
        NULLIFIERS,
        PENDING,
        IMPORTED,
        PRIORITY,
        L1_MESSAGE_ROOTS,
        WITNESSES,
        BATCH_PROOFS,
        JOBS,
        PROVING,
        SETTLEMENTS,
        META,
    ];
}

/// A stored batch proof: the digest of the circuits it verifies against, and its bytes.
pub type StoredBatchProof = ([u8; 32], Vec<u8>);

const HEAD_KEY: &[u8] = b"head";
const L1_CURSOR_KEY: &[u8] = b"l1_cursor";
/// Head records of earlier formats (the account root alone as the state root).
const OLD_HEAD_LENS: [usize; 2] = [77, 93];
const HEAD_LEN: usize = 9 + 3 * 32 + 4 + 8 + 8 + 8 + 8 + 8;

/// The last committed block and the state after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The last committed block; `None` before genesis.
    pub block_number: Option<u64>,
    /// The trees' roots and counters: what the state root commits to.
    pub state: StateCommitment,
    /// How many L1 priority operations (queue indices `0..priority_applied`) blocks applied:
    /// the queue index the next block starts from. Genesis operations do not count.
    pub priority_applied: u64,
    /// The last sealed batch (0: none yet).
    pub last_batch: u64,
    /// The last block of that batch (0, genesis, before any): the next batch starts after it,
    /// whatever the configured batch size was when it was sealed.
    pub last_batch_block: u64,
    /// The chain the store belongs to (0 before genesis), committed with block 0.
    pub chain_id: u64,
}

impl Head {
    /// The head of an empty store.
    pub fn empty() -> Self {
        Self {
            block_number: None,
            state: StateCommitment::empty(),
            priority_applied: 0,
            last_batch: 0,
            last_batch_block: 0,
            chain_id: 0,
        }
    }

    /// The state root: the root over every tree.
    pub fn state_root(&self) -> Digest {
        self.state.root()
    }

    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEAD_LEN);
        match self.block_number {
            Some(number) => {
                bytes.push(1);
                bytes.extend_from_slice(&number.to_be_bytes());
            }
            None => bytes.extend_from_slice(&[0; 9]),
        }
        let state = &self.state;
        bytes.extend_from_slice(&encode_digest(&state.account_root));
        bytes.extend_from_slice(&encode_digest(&state.nullifier_root));
        bytes.extend_from_slice(&encode_digest(&state.imported_root));
        bytes.extend_from_slice(&state.next_account_index.to_be_bytes());
        bytes.extend_from_slice(&state.imported_count.to_be_bytes());
        bytes.extend_from_slice(&self.priority_applied.to_be_bytes());
        bytes.extend_from_slice(&self.last_batch.to_be_bytes());
        bytes.extend_from_slice(&self.last_batch_block.to_be_bytes());
        bytes.extend_from_slice(&self.chain_id.to_be_bytes());
        bytes
    }

    fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        if OLD_HEAD_LENS.contains(&bytes.len()) {
            return Err(StateError::Corrupt(
                "the data directory was written by an older hyperforge whose state root covered                  the account tree alone; start this chain from a fresh data directory"
                    .into(),
            ));
        }
        if bytes.len() != HEAD_LEN {
            return Err(StateError::Corrupt(format!(
                "head record of {} bytes, expected {HEAD_LEN}",
                bytes.len()
            )));
        }
        let block_number = match bytes[0] {
            0 => None,
            1 => Some(u64::from_be_bytes(bytes[1..9].try_into().expect("8 bytes"))),
            tag => return Err(StateError::Corrupt(format!("head record with tag {tag}"))),
        };
        let u64_at = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        Ok(Self {
            block_number,
            state: StateCommitment {
                account_root: decode_digest(&bytes[9..41])?,
                nullifier_root: decode_digest(&bytes[41..73])?,
                imported_root: decode_digest(&bytes[73..105])?,
                next_account_index: u32::from_be_bytes(
                    bytes[105..109].try_into().expect("4 bytes"),
                ),
                imported_count: u64_at(109),
            },
            priority_applied: u64_at(117),
            last_batch: u64_at(125),
            last_batch_block: u64_at(133),
            chain_id: u64_at(141),
        })
    }
}

/// Everything one block changes, committed atomically by [`Store::commit`].
#[derive(Debug, Clone)]
pub struct BlockCommit {
    /// The block's number: the head's plus one (0 for genesis).
    pub number: u64,
    /// The encoded block.
    pub block: Vec<u8>,
    /// Receipts by transaction hash.
    pub receipts: Vec<([u8; 32], Vec<u8>)>,
    /// Accounts written, with their index.
    pub accounts: Vec<(AccountIndex, Account)>,
    /// Addresses that got an index in this block.
    pub new_addresses: Vec<(Address, AccountIndex)>,
    /// Tree nodes written.
    pub nodes: Vec<(TreeId, NodeKey, Digest)>,
    /// Nullifiers recorded: (key in the nullifier tree, message hash).
    pub nullifiers: Vec<(u64, Digest)>,
    /// Outbox entries, in order.
    pub outbox: Vec<Vec<u8>>,
    /// Message roots imported in this block, by import index.
    pub imports: Vec<(u64, Digest)>,
    /// A batch sealed with this block: (batch number, encoded batch).
    pub batch: Option<(u64, Vec<u8>)>,
    /// The block circuit's witness of this block, encoded (empty: none is kept).
    pub witness: Vec<u8>,
    /// Pending transactions (by arrival sequence) this block included or dropped.
    pub pending_done: Vec<u64>,
    /// The head after this block.
    pub head: Head,
}

impl BlockCommit {
    /// A commit of block `number` that changes nothing but the head.
    pub fn new(number: u64, head: Head) -> Self {
        Self {
            number,
            block: Vec::new(),
            receipts: Vec::new(),
            accounts: Vec::new(),
            new_addresses: Vec::new(),
            nodes: Vec::new(),
            nullifiers: Vec::new(),
            outbox: Vec::new(),
            imports: Vec::new(),
            batch: None,
            witness: Vec::new(),
            pending_done: Vec::new(),
            head,
        }
    }
}

/// Chain state in RocksDB.
pub struct Store {
    db: DB,
    /// The trees' shapes, by [`TreeId::position`].
    trees: [SparseMerkleTree; 3],
    /// The committed head. Its lock is held only to copy or replace the value, never across
    /// a write to disk, so readers never wait on a commit's fsync. One writer commits blocks.
    head: std::sync::RwLock<Head>,
    /// Serialises commits (the head check and the write), without blocking readers.
    commit_lock: std::sync::Mutex<()>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.db.path())
            .field("head", &self.head())
            .finish()
    }
}

impl Store {
    /// Opens (or creates) the store in `path`, recovering the last committed head.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StateError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        let descriptors = cf::ALL
            .iter()
            .map(|name| ColumnFamilyDescriptor::new(*name, Options::default()));
        let db = DB::open_cf_descriptors(&options, path, descriptors)?;
        let trees = TreeId::ALL.map(|tree| SparseMerkleTree::new(tree.depth()));
        let head = match db.get_cf(handle(&db, cf::META), HEAD_KEY)? {
            Some(bytes) => Head::decode(&bytes)?,
            None => Head::empty(),
        };
        tracing::debug!(target: "state::store", ?head, "store opened");
        Ok(Self {
            db,
            trees,
            head: std::sync::RwLock::new(head),
            commit_lock: std::sync::Mutex::new(()),
        })
    }

    /// The last committed block and roots.
    pub fn head(&self) -> Head {
        *self
            .head
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A tree's shape.
    pub fn tree(&self, tree: TreeId) -> &SparseMerkleTree {
        &self.trees[tree.position()]
    }

    /// The account tree's shape.
    pub fn account_tree(&self) -> &SparseMerkleTree {
        self.tree(TreeId::Accounts)
    }

    /// The nullifier tree's shape.
    pub fn nullifier_tree(&self) -> &SparseMerkleTree {
        self.tree(TreeId::Nullifiers)
    }

    /// The account at `index`.
    pub fn account(&self, index: AccountIndex) -> Result<Option<Account>, StateError> {
        self.read(cf::ACCOUNTS, &index.to_be_bytes())
    }

    /// The index of `address`'s account.
    pub fn account_index(&self, address: &Address) -> Result<Option<AccountIndex>, StateError> {
        self.read(cf::ADDRESS_INDEX, address.as_slice())
    }

    /// The Merkle path of the account leaf at `index`.
    pub fn account_proof(&self, index: AccountIndex) -> Result<MerkleProof, StateError> {
        self.prove(TreeId::Accounts, u64::from(index))
    }

    /// The Merkle path of leaf `index` of `tree`.
    pub fn prove(&self, tree: TreeId, index: u64) -> Result<MerkleProof, StateError> {
        self.tree(tree).prove(&self.nodes(tree), index)
    }

    /// The message hash recorded under nullifier `key`, if any.
    pub fn nullifier(&self, key: u64) -> Result<Option<Digest>, StateError> {
        self.read(cf::NULLIFIERS, &key.to_be_bytes())
    }

    /// The message root imported at `import_index`, if the chain imported that far.
    pub fn imported_root(&self, import_index: u64) -> Result<Option<Digest>, StateError> {
        self.read(cf::IMPORTED, &import_index.to_be_bytes())
    }

    /// The encoded block `number`.
    pub fn block(&self, number: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::BLOCKS, &number.to_be_bytes())
    }

    /// The encoded receipt of transaction `hash`.
    pub fn receipt(&self, hash: &[u8; 32]) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::RECEIPTS, hash)
    }

    /// The encoded batch `number`.
    pub fn batch(&self, number: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::BATCHES, &number.to_be_bytes())
    }

    /// The encoded witness of block `number`, if it is kept.
    pub fn witness(&self, number: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::WITNESSES, &number.to_be_bytes())
    }

    /// The proof of batch `number` and the digest of the circuits it verifies against, once
    /// [`Store::put_batch_proof`] stored them.
    pub fn batch_proof(&self, number: u64) -> Result<Option<StoredBatchProof>, StateError> {
        let Some(mut bytes) = self.get(cf::BATCH_PROOFS, &number.to_be_bytes())? else {
            return Ok(None);
        };
        if bytes.len() < 32 {
            return Err(StateError::Corrupt(format!(
                "{}: batch {number}'s proof record has {} bytes",
                cf::BATCH_PROOFS,
                bytes.len()
            )));
        }
        let proof = bytes.split_off(32);
        let circuits = bytes.try_into().expect("32 bytes");
        Ok(Some((circuits, proof)))
    }

    /// Stores batch `number`'s checked proof (with the digest of the circuits it verifies
    /// against) together with its updated record (its proof status), and drops the
    /// witnesses of `blocks` (the batch's blocks: proven, they are not needed again), in one
    /// synced write.
    pub fn put_batch_proof(
        &self,
        number: u64,
        circuits: &[u8; 32],
        proof: &[u8],
        record: &[u8],
        blocks: std::ops::RangeInclusive<u64>,
    ) -> Result<(), StateError> {
        let db = &self.db;
        let mut batch = WriteBatch::default();
        let mut value = Vec::with_capacity(32 + proof.len());
        value.extend_from_slice(circuits);
        value.extend_from_slice(proof);
        batch.put_cf(handle(db, cf::BATCH_PROOFS), number.to_be_bytes(), value);
        batch.put_cf(handle(db, cf::BATCHES), number.to_be_bytes(), record);
        let (first, last) = blocks.into_inner();
        if first <= last {
            batch.delete_range_cf(
                handle(db, cf::WITNESSES),
                first.to_be_bytes(),
                (last + 1).to_be_bytes(),
            );
        }
        db.write_opt(batch, &synced())?;
        Ok(())
    }

    /// Writes proving jobs' states by job id (`sync`: wait for the disk, for a proof).
    pub fn put_jobs(&self, jobs: &[(u64, Vec<u8>)], sync: bool) -> Result<(), StateError> {
        let mut batch = WriteBatch::default();
        for (id, state) in jobs {
            batch.put_cf(handle(&self.db, cf::JOBS), id.to_be_bytes(), state);
        }
        let mut options = WriteOptions::default();
        options.set_sync(sync);
        self.db.write_opt(batch, &options)?;
        Ok(())
    }

    /// The proving jobs with ids in `from..to`, by id.
    pub fn jobs(&self, from: u64, to: u64) -> Result<Vec<(u64, Vec<u8>)>, StateError> {
        let mut jobs = Vec::new();
        let start = from.to_be_bytes();
        for item in self.db.iterator_cf(
            handle(&self.db, cf::JOBS),
            IteratorMode::From(&start, rocksdb::Direction::Forward),
        ) {
            let (key, value) = item?;
            let key: [u8; 8] = (*key)
                .try_into()
                .map_err(|_| StateError::Corrupt("job key".into()))?;
            let id = u64::from_be_bytes(key);
            if id >= to {
                break;
            }
            jobs.push((id, value.into_vec()));
        }
        Ok(jobs)
    }

    /// Deletes the proving jobs with ids in `from..to`.
    pub fn delete_jobs(&self, from: u64, to: u64) -> Result<(), StateError> {
        let mut batch = WriteBatch::default();
        batch.delete_range_cf(
            handle(&self.db, cf::JOBS),
            from.to_be_bytes(),
            to.to_be_bytes(),
        );
        self.db.write_opt(batch, &synced())?;
        Ok(())
    }

    /// Where batch `number`'s proving stands, as the coordinator wrote it.
    pub fn proving(&self, number: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::PROVING, &number.to_be_bytes())
    }

    /// Records where batch `number`'s proving stands.
    pub fn put_proving(&self, number: u64, record: &[u8]) -> Result<(), StateError> {
        self.db
            .put_cf(handle(&self.db, cf::PROVING), number.to_be_bytes(), record)?;
        Ok(())
    }

    /// Replaces the record of the sealed batch `number` (its proof or settlement status).
    pub fn update_batch(&self, number: u64, record: &[u8]) -> Result<(), StateError> {
        if self.batch(number)?.is_none() {
            return Err(StateError::UnknownBatch(number));
        }
        self.db.put_cf_opt(
            handle(&self.db, cf::BATCHES),
            number.to_be_bytes(),
            record,
            &synced(),
        )?;
        Ok(())
    }

    /// How the bridge settled batch `number`, as [`Store::put_settlement`] recorded it.
    pub fn settlement(&self, number: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::SETTLEMENTS, &number.to_be_bytes())
    }

    /// Records that the bridge settled the sealed batch `number`: its updated record (status
    /// settled), the settlement (`settlement`, the L1 follower's bytes) and the L1 cursor, in
    /// one synced write.
    pub fn put_settlement(
        &self,
        number: u64,
        record: &[u8],
        settlement: &[u8],
        l1_cursor: u64,
    ) -> Result<(), StateError> {
        if self.batch(number)?.is_none() {
            return Err(StateError::UnknownBatch(number));
        }
        let mut batch = WriteBatch::default();
        batch.put_cf(handle(&self.db, cf::BATCHES), number.to_be_bytes(), record);
        batch.put_cf(
            handle(&self.db, cf::SETTLEMENTS),
            number.to_be_bytes(),
            settlement,
        );
        self.write_with_cursor(batch, Some(l1_cursor))
    }

    /// The outbox entries of block `number`, in order.
    pub fn outbox(&self, number: u64) -> Result<Vec<Vec<u8>>, StateError> {
        let prefix = number.to_be_bytes();
        let mut entries = Vec::new();
        let iterator = self.db.iterator_cf(
            handle(&self.db, cf::OUTBOX),
            IteratorMode::From(&prefix, rocksdb::Direction::Forward),
        );
        for item in iterator {
            let (key, value) = item?;
            if !key.starts_with(&prefix) {
                break;
            }
            entries.push(value.into_vec());
        }
        Ok(entries)
    }

    /// Persists a pending transaction durably (synced) before its hash is handed out.
    pub fn put_pending(&self, sequence: u64, transaction: &[u8]) -> Result<(), StateError> {
        self.db.put_cf_opt(
            handle(&self.db, cf::PENDING),
            sequence.to_be_bytes(),
            transaction,
            &synced(),
        )?;
        Ok(())
    }

    /// Persists several pending transactions with one synced write (group commit): each is
    /// durable once this returns.
    pub fn put_pending_batch(&self, transactions: &[(u64, Vec<u8>)]) -> Result<(), StateError> {
        let mut batch = WriteBatch::default();
        for (sequence, transaction) in transactions {
            batch.put_cf(
                handle(&self.db, cf::PENDING),
                sequence.to_be_bytes(),
                transaction,
            );
        }
        self.db.write_opt(batch, &synced())?;
        Ok(())
    }

    /// Forgets pending transactions that can never execute (synced).
    pub fn delete_pending(&self, sequences: &[u64]) -> Result<(), StateError> {
        let mut batch = WriteBatch::default();
        for sequence in sequences {
            batch.delete_cf(handle(&self.db, cf::PENDING), sequence.to_be_bytes());
        }
        self.db.write_opt(batch, &synced())?;
        Ok(())
    }

    /// Every pending transaction, by arrival sequence.
    pub fn pending(&self) -> Result<Vec<(u64, Vec<u8>)>, StateError> {
        let mut pending = Vec::new();
        for item in self
            .db
            .iterator_cf(handle(&self.db, cf::PENDING), IteratorMode::Start)
        {
            let (key, value) = item?;
            let key: [u8; 8] = (*key)
                .try_into()
                .map_err(|_| StateError::Corrupt("pending key".into()))?;
            pending.push((u64::from_be_bytes(key), value.into_vec()));
        }
        Ok(pending)
    }

    /// Records L1 priority operations `(queue index, record)` and, if given, the L1 block to
    /// resume following from, in one synced write; durable once this returns.
    ///
    /// Idempotent: an index already stored with the same record is left as it is. Refuses an
    /// index stored with a different record ([`StateError::QueueConflict`]) and a gap in
    /// the queue ([`StateError::QueueGap`]): records are stored in queue order, so the
    /// stored indices are always `0..priority_len()`. Returns how many records were new.
    pub fn put_priority(
        &self,
        records: &[(u64, Vec<u8>)],
        l1_cursor: Option<u64>,
    ) -> Result<usize, StateError> {
        self.put_queue(L1Queue::Priority, records, l1_cursor)
    }

    /// Records entries of the bridge's message root queue `(queue index, record)`, as
    /// [`Store::put_priority`] does for priority operations.
    pub fn put_l1_message_roots(
        &self,
        records: &[(u64, Vec<u8>)],
        l1_cursor: Option<u64>,
    ) -> Result<usize, StateError> {
        self.put_queue(L1Queue::MessageRoots, records, l1_cursor)
    }

    fn put_queue(
        &self,
        queue: L1Queue,
        records: &[(u64, Vec<u8>)],
        l1_cursor: Option<u64>,
    ) -> Result<usize, StateError> {
        let family = queue.family();
        let mut next = self.queue_len(family)?;
        let mut batch = WriteBatch::default();
        let mut new = 0;
        for (index, record) in records {
            if *index < next {
                let stored = self.get(family, &index.to_be_bytes())?;
                if stored.as_deref() != Some(record.as_slice()) {
                    return Err(StateError::QueueConflict {
                        queue: queue.name(),
                        index: *index,
                    });
                }
                continue;
            }
            if *index > next {
                return Err(StateError::QueueGap {
                    queue: queue.name(),
                    expected: next,
                    got: *index,
                });
            }
            batch.put_cf(handle(&self.db, family), index.to_be_bytes(), record);
            next += 1;
            new += 1;
        }
        self.write_with_cursor(batch, l1_cursor)?;
        Ok(new)
    }

    /// Writes `batch`, synced, with the L1 cursor if there is one (nothing if both are empty).
    fn write_with_cursor(
        &self,
        mut batch: WriteBatch,
        l1_cursor: Option<u64>,
    ) -> Result<(), StateError> {
        if let Some(cursor) = l1_cursor {
            batch.put_cf(
                handle(&self.db, cf::META),
                L1_CURSOR_KEY,
                cursor.to_be_bytes(),
            );
        }
        if !batch.is_empty() {
            self.db.write_opt(batch, &synced())?;
        }
        Ok(())
    }

    /// How many L1 priority operations are stored (indices `0..priority_len()`).
    pub fn priority_len(&self) -> Result<u64, StateError> {
        self.queue_len(cf::PRIORITY)
    }

    /// The stored L1 priority operation at queue index `index`.
    pub fn priority(&self, index: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::PRIORITY, &index.to_be_bytes())
    }

    /// At most `max` stored L1 priority operations from queue index `from` on, in order.
    pub fn priority_range(&self, from: u64, max: usize) -> Result<Vec<(u64, Vec<u8>)>, StateError> {
        self.queue_range(cf::PRIORITY, from, max)
    }

    /// How many entries of the bridge's message root queue are stored.
    pub fn l1_message_roots_len(&self) -> Result<u64, StateError> {
        self.queue_len(cf::L1_MESSAGE_ROOTS)
    }

    /// The stored entry `index` of the bridge's message root queue.
    pub fn l1_message_root(&self, index: u64) -> Result<Option<Vec<u8>>, StateError> {
        self.get(cf::L1_MESSAGE_ROOTS, &index.to_be_bytes())
    }

    /// At most `max` stored entries of the message root queue from `from` on, in order.
    pub fn l1_message_root_range(
        &self,
        from: u64,
        max: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, StateError> {
        self.queue_range(cf::L1_MESSAGE_ROOTS, from, max)
    }

    fn queue_len(&self, family: &str) -> Result<u64, StateError> {
        let mut iterator = self
            .db
            .iterator_cf(handle(&self.db, family), IteratorMode::End);
        match iterator.next() {
            None => Ok(0),
            Some(item) => Ok(queue_index(family, &item?.0)? + 1),
        }
    }

    fn queue_range(
        &self,
        family: &str,
        from: u64,
        max: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, StateError> {
        let start = from.to_be_bytes();
        let mut records = Vec::new();
        let iterator = self.db.iterator_cf(
            handle(&self.db, family),
            IteratorMode::From(&start, rocksdb::Direction::Forward),
        );
        for item in iterator.take(max) {
            let (key, value) = item?;
            records.push((queue_index(family, &key)?, value.into_vec()));
        }
        Ok(records)
    }

    /// The L1 block to resume following the bridge from, as [`Store::put_priority`] or
    /// [`Store::set_l1_cursor`] last recorded it.
    pub fn l1_cursor(&self) -> Result<Option<u64>, StateError> {
        self.read(cf::META, L1_CURSOR_KEY)
    }

    /// Records the L1 block to resume following the bridge from (synced).
    pub fn set_l1_cursor(&self, cursor: u64) -> Result<(), StateError> {
        self.db.put_cf_opt(
            handle(&self.db, cf::META),
            L1_CURSOR_KEY,
            cursor.to_be_bytes(),
            &synced(),
        )?;
        Ok(())
    }

    /// A node source for one tree, reading committed nodes.
    pub fn nodes(&self, tree: TreeId) -> StoreNodes<'_> {
        StoreNodes { store: self, tree }
    }

    /// Commits one block atomically and durably. Refuses a block that does not follow the head.
    ///
    /// Takes `&self`: RocksDB is safe to share, readers see the previous head until the write
    /// batch is durable, then the new one; concurrent commits are serialised.
    pub fn commit(&self, commit: &BlockCommit) -> Result<Head, StateError> {
        let _committing = self
            .commit_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let head = self.head();
        let expected = head.block_number.map_or(0, |number| number + 1);
        if commit.number != expected {
            return Err(StateError::OutOfOrder {
                head: head.block_number,
                got: commit.number,
            });
        }
        let db = &self.db;
        let mut batch = WriteBatch::default();
        for (tree, key, digest) in &commit.nodes {
            batch.put_cf(
                handle(db, cf::NODES),
                node_key(*tree, *key),
                encode_digest(digest),
            );
        }
        for (index, account) in &commit.accounts {
            batch.put_cf(
                handle(db, cf::ACCOUNTS),
                index.to_be_bytes(),
                account.encode(),
            );
        }
        for (address, index) in &commit.new_addresses {
            batch.put_cf(
                handle(db, cf::ADDRESS_INDEX),
                address.as_slice(),
                index.to_be_bytes(),
            );
        }
        batch.put_cf(
            handle(db, cf::BLOCKS),
            commit.number.to_be_bytes(),
            &commit.block,
        );
        for (hash, receipt) in &commit.receipts {
            batch.put_cf(handle(db, cf::RECEIPTS), hash, receipt);
        }
        for (position, entry) in commit.outbox.iter().enumerate() {
            let mut key = commit.number.to_be_bytes().to_vec();
            key.extend_from_slice(&(position as u32).to_be_bytes());
            batch.put_cf(handle(db, cf::OUTBOX), key, entry);
        }
        for (key, message) in &commit.nullifiers {
            batch.put_cf(
                handle(db, cf::NULLIFIERS),
                key.to_be_bytes(),
                encode_digest(message),
            );
        }
        for (index, root) in &commit.imports {
            batch.put_cf(
                handle(db, cf::IMPORTED),
                index.to_be_bytes(),
                encode_digest(root),
            );
        }
        if let Some((number, encoded)) = &commit.batch {
            batch.put_cf(handle(db, cf::BATCHES), number.to_be_bytes(), encoded);
        }
        if !commit.witness.is_empty() {
            batch.put_cf(
                handle(db, cf::WITNESSES),
                commit.number.to_be_bytes(),
                &commit.witness,
            );
        }
        for sequence in &commit.pending_done {
            batch.delete_cf(handle(db, cf::PENDING), sequence.to_be_bytes());
        }
        batch.put_cf(handle(db, cf::META), HEAD_KEY, commit.head.encode());
        db.write_opt(batch, &synced())?;
        *self
            .head
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = commit.head;
        tracing::debug!(target: "state::store", number = commit.number, "block committed");
        Ok(commit.head)
    }

    fn get(&self, family: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.db.get_cf(handle(&self.db, family), key)?)
    }

    /// The record under `key` of `family`, decoded as `V`; a record that does not decode is
    /// [`StateError::Corrupt`], naming the column family.
    fn read<V: Record>(&self, family: &str, key: &[u8]) -> Result<Option<V>, StateError> {
        self.get(family, key)?
            .map(|bytes| {
                V::decode(&bytes).map_err(|what| {
                    StateError::Corrupt(format!("{family}: {what} ({} bytes)", bytes.len()))
                })
            })
            .transpose()
    }

    /// Seals batch `number` over committed blocks ending at the head block: stores its
    /// encoded `record` and the head's `last_batch` and `last_batch_block` in one synced
    /// write, so a crash leaves either both or neither. The rest of the head is unchanged.
    /// Refuses ([`StateError::BatchOutOfOrder`]) a batch that is not the one after the head's
    /// last, that does not end at the head block, or that would hold no block.
    pub fn seal_batch(
        &self,
        number: u64,
        last_block: u64,
        record: &[u8],
    ) -> Result<Head, StateError> {
        let _committing = self
            .commit_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let head = self.head();
        if number != head.last_batch + 1
            || head.block_number != Some(last_block)
            || last_block <= head.last_batch_block
        {
            return Err(StateError::BatchOutOfOrder {
                number,
                last_block,
                last_batch: head.last_batch,
                last_batch_block: head.last_batch_block,
                head: head.block_number,
            });
        }
        let sealed = Head {
            last_batch: number,
            last_batch_block: last_block,
            ..head
        };
        let db = &self.db;
        let mut batch = WriteBatch::default();
        batch.put_cf(handle(db, cf::BATCHES), number.to_be_bytes(), record);
        batch.put_cf(handle(db, cf::META), HEAD_KEY, sealed.encode());
        db.write_opt(batch, &synced())?;
        *self
            .head
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = sealed;
        tracing::debug!(target: "state::store", number, last_block, "batch sealed on its own");
        Ok(sealed)
    }
}

/// A value as a column family stores it: one decoding, one error, instead of a `try_into`
/// and a `Corrupt` at every read.
trait Record: Sized {
    /// Decodes the stored bytes, or says what they are not.
    fn decode(bytes: &[u8]) -> Result<Self, String>;
}

impl Record for u64 {
    fn decode(bytes: &[u8]) -> Result<Self, String> {
        Ok(u64::from_be_bytes(
            bytes
                .try_into()
                .map_err(|_| "not an 8-byte number".to_owned())?,
        ))
    }
}

impl Record for u32 {
    fn decode(bytes: &[u8]) -> Result<Self, String> {
        Ok(u32::from_be_bytes(
            bytes
                .try_into()
                .map_err(|_| "not a 4-byte number".to_owned())?,
        ))
    }
}

impl Record for Digest {
    fn decode(bytes: &[u8]) -> Result<Self, String> {
        decode_digest(bytes).map_err(|error| error.to_string())
    }
}

impl Record for Account {
    fn decode(bytes: &[u8]) -> Result<Self, String> {
        decode_account(bytes).map_err(|error| error.to_string())
    }
}

/// Committed nodes of one tree.
#[derive(Debug, Clone, Copy)]
pub struct StoreNodes<'a> {
    store: &'a Store,
    tree: TreeId,
}

impl NodeSource for StoreNodes<'_> {
    fn node(&self, key: NodeKey) -> Result<Option<Digest>, StateError> {
        let bytes = self.store.get(cf::NODES, &node_key(self.tree, key))?;
        bytes.map(|bytes| decode_digest(&bytes)).transpose()
    }
}

/// The L1 queues a sequencer records before using them.
#[derive(Debug, Clone, Copy)]
enum L1Queue {
    Priority,
    MessageRoots,
}

impl L1Queue {
    fn family(self) -> &'static str {
        match self {
            Self::Priority => cf::PRIORITY,
            Self::MessageRoots => cf::L1_MESSAGE_ROOTS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Priority => "L1 priority operation",
            Self::MessageRoots => "L1 message root",
        }
    }
}

fn queue_index(family: &str, key: &[u8]) -> Result<u64, StateError> {
    let key: [u8; 8] = key
        .try_into()
        .map_err(|_| StateError::Corrupt(format!("{family} key of {} bytes", key.len())))?;
    Ok(u64::from_be_bytes(key))
}

fn node_key(tree: TreeId, (level, index): NodeKey) -> [u8; 10] {
    let mut key = [0; 10];
    key[0] = tree as u8;
    key[1] = level;
    key[2..].copy_from_slice(&index.to_be_bytes());
    key
}

fn handle<'a>(db: &'a DB, family: &str) -> &'a rocksdb::ColumnFamily {
    db.cf_handle(family)
        .expect("every column family is created on open")
}

fn synced() -> WriteOptions {
    let mut options = WriteOptions::default();
    options.set_sync(true);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: u64) -> (u64, Vec<u8>) {
        (index, format!("op {index}").into_bytes())
    }

    #[test]
    fn priority_records_are_idempotent_ordered_and_durable() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            assert_eq!(store.priority_len().unwrap(), 0);
            assert_eq!(store.l1_cursor().unwrap(), None);
            assert_eq!(
                store
                    .put_priority(&[record(0), record(1)], Some(7))
                    .unwrap(),
                2
            );
            // The same records again (a re-read L1 range): nothing new, no error.
            assert_eq!(
                store
                    .put_priority(&[record(0), record(1), record(2)], Some(9))
                    .unwrap(),
                1
            );
            assert_eq!(store.put_priority(&[record(2)], None).unwrap(), 0);
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.priority_len().unwrap(), 3);
        assert_eq!(store.l1_cursor().unwrap(), Some(9));
        assert_eq!(store.priority(1).unwrap(), Some(record(1).1));
        assert_eq!(store.priority(3).unwrap(), None);
        assert_eq!(
            store.priority_range(1, 10).unwrap(),
            vec![record(1), record(2)]
        );
        assert_eq!(store.priority_range(0, 1).unwrap(), vec![record(0)]);
        assert!(store.priority_range(3, 10).unwrap().is_empty());
        store.set_l1_cursor(11).unwrap();
        assert_eq!(store.l1_cursor().unwrap(), Some(11));
    }

    #[test]
    fn a_different_record_or_a_gap_is_refused_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put_priority(&[record(0)], Some(1)).unwrap();
        let error = store
            .put_priority(&[(0, b"another".to_vec())], Some(5))
            .unwrap_err();
        assert!(
            matches!(error, StateError::QueueConflict { index: 0, .. }),
            "{error}"
        );
        let error = store
            .put_priority(&[record(1), record(3)], Some(5))
            .unwrap_err();
        assert!(
            matches!(
                error,
                StateError::QueueGap {
                    expected: 2,
                    got: 3,
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(store.priority_len().unwrap(), 1);
        assert_eq!(store.l1_cursor().unwrap(), Some(1));
    }

    #[test]
    fn the_head_commits_every_root_and_counter_and_old_heads_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut head = Head::empty();
        {
            let store = Store::open(dir.path()).unwrap();
            head.block_number = Some(0);
            head.priority_applied = 4;
            head.state.imported_count = 2;
            head.state.next_account_index = 9;
            head.state.imported_root = store.account_tree().empty_root();
            head.last_batch = 3;
            head.last_batch_block = 12;
            head.chain_id = 270;
            store.commit(&BlockCommit::new(0, head)).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.head(), head);
        assert_eq!(store.head().state_root(), head.state.root());
        for len in OLD_HEAD_LENS {
            let error = Head::decode(&vec![0; len]).unwrap_err();
            assert!(error.to_string().contains("older hyperforge"), "{error}");
        }
        assert!(Head::decode(&head.encode()[..HEAD_LEN - 1]).is_err());
    }

    #[test]
    fn message_roots_are_queued_once_in_queue_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store
                .put_l1_message_roots(&[record(0), record(1)], Some(3))
                .unwrap(),
            2
        );
        assert_eq!(
            store.put_l1_message_roots(&[record(1)], Some(5)).unwrap(),
            0
        );
        assert!(matches!(
            store.put_l1_message_roots(&[record(3)], None),
            Err(StateError::QueueGap { expected: 2, .. })
        ));
        assert_eq!(store.l1_message_roots_len().unwrap(), 2);
        assert_eq!(store.l1_cursor().unwrap(), Some(5));
        assert_eq!(store.l1_message_root(1).unwrap(), Some(record(1).1));
        assert_eq!(store.l1_message_root_range(1, 10).unwrap(), vec![record(1)]);
        assert_eq!(store.priority_len().unwrap(), 0, "the queues are apart");
    }

    #[test]
    fn a_batch_sealed_on_its_own_moves_the_head_with_its_record_and_only_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut head = Head::empty();
        {
            let store = Store::open(dir.path()).unwrap();
            for number in 0..=3 {
                head.block_number = Some(number);
                store.commit(&BlockCommit::new(number, head)).unwrap();
            }
            // Not the next batch, not ending at the head, or holding no block: refused.
            for (number, last) in [(2, 3), (1, 2), (1, 0)] {
                assert!(matches!(
                    store.seal_batch(number, last, b"batch"),
                    Err(StateError::BatchOutOfOrder { .. })
                ));
            }
            assert_eq!(store.batch(1).unwrap(), None);
            let sealed = store.seal_batch(1, 3, b"batch 1").unwrap();
            assert_eq!((sealed.last_batch, sealed.last_batch_block), (1, 3));
            assert_eq!(sealed.block_number, Some(3));
            assert!(matches!(
                store.seal_batch(2, 3, b"again"),
                Err(StateError::BatchOutOfOrder { .. })
            ));
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.batch(1).unwrap(), Some(b"batch 1".to_vec()));
        assert_eq!(
            store.head(),
            Head {
                last_batch: 1,
                last_batch_block: 3,
                ..head
            }
        );
    }
}
