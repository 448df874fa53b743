//! The RocksDB store: column families, atomic block commits, recovery.
//!
//! Every block is committed as one RocksDB `WriteBatch` written with `sync`: tree nodes,
//! accounts, the address index, the block, its receipts, outbox entries, nullifiers, a sealed
//! batch if any, the removal of its transactions from the pending set, and the new [`Head`]
//! in `meta`. RocksDB applies a write batch atomically and its WAL replays it whole or not at
//! all, so reopening after a crash yields the last committed block and root, never half of one.

use std::path::Path;

use hyperforge_primitives::Address;
use rocksdb::{ColumnFamilyDescriptor, DB, IteratorMode, Options, WriteBatch, WriteOptions};

use crate::{
    Account, AccountIndex, Digest, StateError,
    account::{decode_digest, encode_digest},
    smt::{MerkleProof, NodeKey, NodeSource, SparseMerkleTree},
};

/// Depth of the account tree: 2^32 accounts, keyed by [`AccountIndex`].
pub const ACCOUNT_TREE_DEPTH: u8 = 32;
/// Depth of the nullifier tree, keyed by the first element of a message hash.
pub const NULLIFIER_TREE_DEPTH: u8 = 64;

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
    /// `nullifier key (8, BE)` -> message hash.
    pub const NULLIFIERS: &str = "nullifiers";
    /// `arrival sequence (8, BE)` -> encoded transaction, until a block includes it.
    pub const PENDING: &str = "pending";
    /// `message root (32)` -> the block (8, BE) that imported it from L1.
    pub const MESSAGE_ROOTS: &str = "message_roots";
    /// Named singletons, like the head.
    pub const META: &str = "meta";
    /// Every column family.
    pub const ALL: [&str; 11] = [
        NODES,
        ACCOUNTS,
        ADDRESS_INDEX,
        BLOCKS,
        RECEIPTS,
        BATCHES,
        OUTBOX,
        NULLIFIERS,
        PENDING,
        MESSAGE_ROOTS,
        META,
    ];
}

const HEAD_KEY: &[u8] = b"head";

/// Which tree a node belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TreeId {
    /// Accounts, by index.
    Accounts = 1,
    /// Executed cross-chain messages.
    Nullifiers = 2,
}

/// The last committed block and the roots after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The last committed block; `None` before genesis.
    pub block_number: Option<u64>,
    /// The account tree's root.
    pub state_root: Digest,
    /// The nullifier tree's root.
    pub nullifier_root: Digest,
    /// The index the next new account gets.
    pub next_account_index: AccountIndex,
}

impl Head {
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(77);
        match self.block_number {
            Some(number) => {
                bytes.push(1);
                bytes.extend_from_slice(&number.to_be_bytes());
            }
            None => bytes.extend_from_slice(&[0; 9]),
        }
        bytes.extend_from_slice(&encode_digest(&self.state_root));
        bytes.extend_from_slice(&encode_digest(&self.nullifier_root));
        bytes.extend_from_slice(&self.next_account_index.to_be_bytes());
        bytes
    }

    fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        if bytes.len() != 77 {
            return Err(StateError::Corrupt(format!(
                "head record of {} bytes, expected 77",
                bytes.len()
            )));
        }
        let block_number = match bytes[0] {
            0 => None,
            1 => Some(u64::from_be_bytes(bytes[1..9].try_into().expect("8 bytes"))),
            tag => return Err(StateError::Corrupt(format!("head record with tag {tag}"))),
        };
        Ok(Self {
            block_number,
            state_root: decode_digest(&bytes[9..41])?,
            nullifier_root: decode_digest(&bytes[41..73])?,
            next_account_index: u32::from_be_bytes(bytes[73..77].try_into().expect("4 bytes")),
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
    /// Global message roots imported from L1 in this block.
    pub message_roots: Vec<Digest>,
    /// A batch sealed with this block: (batch number, encoded batch).
    pub batch: Option<(u64, Vec<u8>)>,
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
            message_roots: Vec::new(),
            batch: None,
            pending_done: Vec::new(),
            head,
        }
    }
}

/// Chain state in RocksDB.
pub struct Store {
    db: DB,
    accounts: SparseMerkleTree,
    nullifiers: SparseMerkleTree,
    head: Head,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.db.path())
            .field("head", &self.head)
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
        let accounts = SparseMerkleTree::new(ACCOUNT_TREE_DEPTH);
        let nullifiers = SparseMerkleTree::new(NULLIFIER_TREE_DEPTH);
        let head = match db.get_cf(handle(&db, cf::META), HEAD_KEY)? {
            Some(bytes) => Head::decode(&bytes)?,
            None => Head {
                block_number: None,
                state_root: accounts.empty_root(),
                nullifier_root: nullifiers.empty_root(),
                next_account_index: 0,
            },
        };
        tracing::debug!(target: "state::store", ?head, "store opened");
        Ok(Self {
            db,
            accounts,
            nullifiers,
            head,
        })
    }

    /// The last committed block and roots.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The account tree's shape.
    pub fn account_tree(&self) -> &SparseMerkleTree {
        &self.accounts
    }

    /// The nullifier tree's shape.
    pub fn nullifier_tree(&self) -> &SparseMerkleTree {
        &self.nullifiers
    }

    /// The account at `index`.
    pub fn account(&self, index: AccountIndex) -> Result<Option<Account>, StateError> {
        self.get(cf::ACCOUNTS, &index.to_be_bytes())?
            .map(|bytes| Account::decode(&bytes))
            .transpose()
    }

    /// The index of `address`'s account.
    pub fn account_index(&self, address: &Address) -> Result<Option<AccountIndex>, StateError> {
        self.get(cf::ADDRESS_INDEX, address.as_slice())?
            .map(|bytes| {
                let bytes: [u8; 4] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| StateError::Corrupt("account index".into()))?;
                Ok(u32::from_be_bytes(bytes))
            })
            .transpose()
    }

    /// The Merkle path of the account leaf at `index`.
    pub fn account_proof(&self, index: AccountIndex) -> Result<MerkleProof, StateError> {
        self.accounts
            .prove(&self.nodes(TreeId::Accounts), u64::from(index))
    }

    /// The message hash recorded under nullifier `key`, if any.
    pub fn nullifier(&self, key: u64) -> Result<Option<Digest>, StateError> {
        self.get(cf::NULLIFIERS, &key.to_be_bytes())?
            .map(|bytes| decode_digest(&bytes))
            .transpose()
    }

    /// Whether the global message root `root` was imported from L1.
    pub fn message_root_known(&self, root: &Digest) -> Result<bool, StateError> {
        Ok(self.get(cf::MESSAGE_ROOTS, &encode_digest(root))?.is_some())
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

    /// A node source for one tree, reading committed nodes.
    pub fn nodes(&self, tree: TreeId) -> StoreNodes<'_> {
        StoreNodes { store: self, tree }
    }

    /// Commits one block atomically and durably. Refuses a block that does not follow the head.
    pub fn commit(&mut self, commit: &BlockCommit) -> Result<Head, StateError> {
        let expected = self.head.block_number.map_or(0, |number| number + 1);
        if commit.number != expected {
            return Err(StateError::OutOfOrder {
                head: self.head.block_number,
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
        for root in &commit.message_roots {
            batch.put_cf(
                handle(db, cf::MESSAGE_ROOTS),
                encode_digest(root),
                commit.number.to_be_bytes(),
            );
        }
        if let Some((number, encoded)) = &commit.batch {
            batch.put_cf(handle(db, cf::BATCHES), number.to_be_bytes(), encoded);
        }
        for sequence in &commit.pending_done {
            batch.delete_cf(handle(db, cf::PENDING), sequence.to_be_bytes());
        }
        batch.put_cf(handle(db, cf::META), HEAD_KEY, commit.head.encode());
        db.write_opt(batch, &synced())?;
        self.head = commit.head;
        tracing::debug!(target: "state::store", number = commit.number, "block committed");
        Ok(self.head)
    }

    fn get(&self, family: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.db.get_cf(handle(&self.db, family), key)?)
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
