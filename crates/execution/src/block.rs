//! The state transition function: a block built on top of the committed state.
//!
//! A [`BlockBuilder`] reads the committed state from a [`StateProvider`] (the RocksDB
//! [`Store`](hyperforge_state::Store), or a `MemoryState`) and keeps every change in
//! memory. Each operation is checked completely before anything changes, so a rejected one
//! leaves the block exactly as it was. [`BlockBuilder::finish`] turns the changes into one
//! [`BlockCommit`] for [`Store::commit`](hyperforge_state::Store::commit), plus receipts,
//! outbox entries and the witness.
//!
//! A block runs its slots in this order: message roots imported from the bridge's queue
//! ([`BlockBuilder::apply_import`]), L1 priority operations, L2 transactions. Imports append to
//! the imported-roots tree; `ExecuteMessage` proves its message under an imported root and
//! inserts a nullifier at the message's position; the block's header carries the value its
//! messages sent out and brought in, which the batch exposes to the bridge.

use std::{
    cell::RefCell,
    collections::{BTreeMap, HashMap},
};

use hyperforge_primitives::{
    Address, Amount, ChainId,
    block::{Block, BlockHeader, Slot, next_slots_hash, slots_hash_seed},
    bridge::OUTBOX_DEPTH,
    tx::{
        Message, OutboxEntry, PriorityOp, TxKind, digest_to_bytes, genesis_receipt_id,
        imported_root_leaf, nullifier_key, nullifier_leaf, outbox_path, priority_receipt_id,
    },
    witness::{BlockWitness, LeafChange, LeafPath, SlotOp, SlotWitness},
};
use hyperforge_state::{
    Account, AccountIndex, BlockCommit, Digest, Head, SparseMerkleTree, StateError, StateProvider,
    TreeId,
    smt::{NodeKey, NodeSource},
};

use crate::{ExecError, VerifiedTx};

/// What one executed operation left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction id, or the priority operation's receipt id
    /// ([`hyperforge_primitives::tx::priority_receipt_id`]), as bytes.
    pub id: [u8; 32],
    /// The block.
    pub block: u64,
    /// The slot within the block.
    pub position: u32,
    /// The outbox entry it made, by position in the block's outbox.
    pub outbox_index: Option<u32>,
    /// Why an L1 priority operation was consumed without effect (`None`: it applied).
    pub failure: Option<PriorityFailure>,
}

/// Why an L1 priority operation was consumed without effect. The bridge requires the queue to
/// be consumed in order, not every operation to succeed: a failed deposit leaves a refund in
/// the outbox instead, claimable on L1 by the depositor like any withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityFailure {
    /// The credit would take the recipient's balance past 2^64 - 1 gwei.
    Overflow = 1,
    /// The recipient has no account and the account tree is full.
    TreeFull = 2,
}

impl std::fmt::Display for PriorityFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Overflow => {
                "the credit would take the recipient's balance past 2^64 - 1 gwei; refunded to the L1 sender through the outbox"
            }
            Self::TreeFull => "the account tree is full; a deposit is refunded through the outbox",
        })
    }
}

const RECEIPT_LEN: usize = 50;

impl Receipt {
    /// The storage encoding: id | block (8) | position (4) | outbox flag (1) | outbox index (4)
    /// | failure (1: 0 none, else [`PriorityFailure`]).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(RECEIPT_LEN);
        bytes.extend_from_slice(&self.id);
        bytes.extend_from_slice(&self.block.to_be_bytes());
        bytes.extend_from_slice(&self.position.to_be_bytes());
        bytes.push(u8::from(self.outbox_index.is_some()));
        bytes.extend_from_slice(&self.outbox_index.unwrap_or(0).to_be_bytes());
        bytes.push(self.failure.map_or(0, |failure| failure as u8));
        bytes
    }

    /// Decodes [`Receipt::encode`]'s form; `None` if the bytes are not a receipt.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != RECEIPT_LEN {
            return None;
        }
        let id = bytes[..32].try_into().ok()?;
        let block = u64::from_be_bytes(bytes[32..40].try_into().ok()?);
        let position = u32::from_be_bytes(bytes[40..44].try_into().ok()?);
        let outbox_index = u32::from_be_bytes(bytes[45..49].try_into().ok()?);
        let outbox_index = match bytes[44] {
            0 => None,
            1 => Some(outbox_index),
            _ => return None,
        };
        let failure = match bytes[49] {
            0 => None,
            1 => Some(PriorityFailure::Overflow),
            2 => Some(PriorityFailure::TreeFull),
            _ => return None,
        };
        Some(Self {
            id,
            block,
            position,
            outbox_index,
            failure,
        })
    }
}

/// A finished block: what to commit, and what it produced.
#[derive(Debug, Clone)]
pub struct ExecutedBlock {
    /// The block itself (its encoding is `commit.block`).
    pub block: Block,
    /// Everything to write, atomically.
    pub commit: BlockCommit,
    /// One receipt per executed operation.
    pub receipts: Vec<Receipt>,
    /// The outbox entries, in order.
    pub outbox: Vec<OutboxEntry>,
    /// The block circuit's witness.
    pub witness: BlockWitness,
}

/// Builds one block over a committed state.
///
/// The state is a trait object, not a type parameter: the builder is the hot path of block
/// production, and as plain (non-generic) code it is compiled, optimised, in this crate, not
/// instantiated again in every caller (the sequencer's dev builds are not optimised). One
/// virtual call per state read is nothing beside the read.
pub struct BlockBuilder<'a> {
    store: &'a dyn StateProvider,
    chain_id: ChainId,
    number: u64,
    head: Head,
    accounts: HashMap<AccountIndex, Account>,
    new_addresses: BTreeMap<Address, AccountIndex>,
    /// Leaves this block changed, by tree and index: their latest value.
    leaves: BTreeMap<(TreeId, u64), Digest>,
    /// Leaves this block only read (their committed value, path recorded in the witness),
    /// kept apart from `leaves` so that a read writes no node and commits nothing.
    reads: BTreeMap<(TreeId, u64), Digest>,
    /// Messages executed in this block: nullifier key -> message hash.
    nullifiers: BTreeMap<u64, Digest>,
    /// Roots imported in this block, by import index.
    imports: BTreeMap<u64, Digest>,
    value_out: Amount,
    value_in: Amount,
    outbox: Vec<OutboxEntry>,
    receipts: Vec<Receipt>,
    slots: Vec<Slot>,
    slots_hash: Digest,
    parent_hash: Digest,
    timestamp_ms: u64,
    witness: BlockWitness,
    /// Committed nodes read so far (see [`CachedNodes`]).
    nodes: NodeCache,
}

impl std::fmt::Debug for BlockBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockBuilder")
            .field("number", &self.number)
            .field("slots", &self.slots.len())
            .finish()
    }
}

/// Committed tree nodes the block read, by tree and key (`None`: never written). The state
/// does not change while a block is built, so each node is read from the store once: the
/// witness path of every leaf the block changes shares its upper nodes with the other paths,
/// and the final hashing in [`BlockBuilder::finish`] needs exactly the siblings those paths
/// already read.
type NodeCache = RefCell<HashMap<(TreeId, NodeKey), Option<Digest>>>;

/// One tree's committed nodes, read through the block's [`NodeCache`].
struct CachedNodes<'b> {
    store: &'b dyn StateProvider,
    tree: TreeId,
    cache: &'b NodeCache,
}

impl NodeSource for CachedNodes<'_> {
    fn node(&self, key: NodeKey) -> Result<Option<Digest>, StateError> {
        if let Some(node) = self.cache.borrow().get(&(self.tree, key)) {
            return Ok(*node);
        }
        let node = self.store.node(self.tree, key)?;
        self.cache.borrow_mut().insert((self.tree, key), node);
        Ok(node)
    }
}

/// A message that passed every check, to execute.
struct ExecutedMessage {
    /// The import holding it, and that import's root.
    import_index: u64,
    root: Digest,
    /// Its nullifier key and its hash.
    key: u64,
    hash: Digest,
}

/// A credit to make, checked but not applied.
struct Credit {
    index: AccountIndex,
    before: Option<Account>,
    after: Account,
}

impl<'a> BlockBuilder<'a> {
    /// A new block on top of `store`'s head, for chain `chain_id`.
    pub fn new(store: &'a dyn StateProvider, chain_id: ChainId) -> Self {
        let head = store.head();
        Self {
            store,
            chain_id,
            number: head.block_number.map_or(0, |number| number + 1),
            head,
            accounts: HashMap::new(),
            new_addresses: BTreeMap::new(),
            leaves: BTreeMap::new(),
            reads: BTreeMap::new(),
            nullifiers: BTreeMap::new(),
            imports: BTreeMap::new(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            outbox: Vec::new(),
            receipts: Vec::new(),
            slots: Vec::new(),
            slots_hash: slots_hash_seed(),
            parent_hash: Digest::ZERO,
            timestamp_ms: 0,
            witness: BlockWitness {
                state_before: head.state,
                paths: Vec::new(),
                slots: Vec::new(),
            },
            nodes: NodeCache::default(),
        }
    }

    /// Sets the header fields execution does not decide: the previous block's hash (`[0; 4]`
    /// for genesis, the default) and the production time in milliseconds since the epoch.
    pub fn with_header(mut self, parent_hash: Digest, timestamp_ms: u64) -> Self {
        self.parent_hash = parent_hash;
        self.timestamp_ms = timestamp_ms;
        self
    }

    /// The block's number.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The state root with this block's changes so far.
    ///
    /// The block keeps only the changed leaves while it runs and hashes the trees once in
    /// [`BlockBuilder::finish`]; this computes the roots now (one path per changed leaf).
    pub fn state_root(&self) -> Result<Digest, ExecError> {
        let mut state = self.head.state;
        state.account_root = self.root(TreeId::Accounts)?;
        state.nullifier_root = self.root(TreeId::Nullifiers)?;
        state.imported_root = self.root(TreeId::Imported)?;
        Ok(state.root())
    }

    /// The root of `tree` with this block's changes.
    fn root(&self, tree_id: TreeId) -> Result<Digest, ExecError> {
        let (tree, committed) = self.tree(tree_id);
        let updates = self.updates_of(tree_id);
        if updates.is_empty() {
            return Ok(committed);
        }
        let written = tree.update(&self.nodes(tree_id), &updates)?;
        Ok(written
            .get(&(tree.depth(), 0))
            .copied()
            .unwrap_or(committed))
    }

    /// `tree_id`'s committed nodes, each read from the store at most once per block.
    fn nodes(&self, tree_id: TreeId) -> CachedNodes<'_> {
        CachedNodes {
            store: self.store,
            tree: tree_id,
            cache: &self.nodes,
        }
    }

    fn tree(&self, tree_id: TreeId) -> (&'a SparseMerkleTree, Digest) {
        let state = &self.head.state;
        let committed = match tree_id {
            TreeId::Accounts => state.account_root,
            TreeId::Nullifiers => state.nullifier_root,
            TreeId::Imported => state.imported_root,
        };
        (self.store.tree(tree_id), committed)
    }

    fn updates_of(&self, tree_id: TreeId) -> Vec<(u64, Digest)> {
        self.leaves
            .range((tree_id, 0)..=(tree_id, u64::MAX))
            .map(|((_, index), leaf)| (*index, *leaf))
            .collect()
    }

    /// Operations executed so far.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing was executed yet.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The index of `address`'s account, seeing this block's new accounts.
    pub fn account_index(&self, address: &Address) -> Result<Option<AccountIndex>, ExecError> {
        match self.new_addresses.get(address) {
            Some(index) => Ok(Some(*index)),
            None => Ok(self.store.account_index(address)?),
        }
    }

    /// The account at `index`, seeing this block's changes.
    pub fn account(&self, index: AccountIndex) -> Result<Option<Account>, ExecError> {
        match self.accounts.get(&index) {
            Some(account) => Ok(Some(*account)),
            None => Ok(self.store.account(index)?),
        }
    }

    /// `address`'s account, seeing this block's changes.
    pub fn account_by_address(&self, address: &Address) -> Result<Option<Account>, ExecError> {
        match self.account_index(address)? {
            Some(index) => self.account(index),
            None => Ok(None),
        }
    }

    /// How many message roots the chain imported, this block's included: the next import's
    /// index.
    pub fn imported_count(&self) -> u64 {
        self.head.state.imported_count
    }

    /// Imports the next entry of the bridge's message root queue (a settled batch's outbox
    /// root) into the imported-roots tree, at index [`Self::imported_count`], so messages under
    /// it can execute. The caller feeds the queue in order, each entry once: the batch's
    /// imports commitment, which the bridge checks, covers exactly that sequence.
    pub fn apply_import(&mut self, root: Digest) -> Result<u64, ExecError> {
        let index = self.head.state.imported_count;
        if u128::from(index) + 1 >= self.store.tree(TreeId::Imported).capacity() {
            return Err(ExecError::TreeFull);
        }
        let mut updates = Vec::with_capacity(1);
        self.write_imported(index, root, &mut updates)?;
        self.imports.insert(index, root);
        self.head.state.imported_count = index + 1;
        let slot = Slot::Import(root);
        let hash = slot.hash();
        self.push_slot(slot, hash);
        self.witness.slots.push(SlotWitness {
            op: SlotOp::Import(root),
            changes: updates,
        });
        Ok(index)
    }

    /// The value the block's messages sent out so far, and what executed messages brought in.
    pub fn value_flows(&self) -> (Amount, Amount) {
        (self.value_out, self.value_in)
    }

    /// Executes one signed transaction, or rejects it and changes nothing.
    pub fn apply_tx(&mut self, verified: &VerifiedTx) -> Result<&Receipt, ExecError> {
        let tx = verified.tx();
        let body = &tx.body;
        if body.chain_id != self.chain_id {
            return Err(ExecError::WrongChainId {
                expected: self.chain_id,
                got: body.chain_id,
            });
        }
        let sender_index = self
            .account_index(&body.from)?
            .ok_or(ExecError::UnknownAccount(body.from))?;
        let sender = self
            .account(sender_index)?
            .ok_or(ExecError::UnknownAccount(body.from))?;
        if !sender.has_key() || sender.pubkey_hash != verified.pubkey_hash() {
            return Err(ExecError::UnregisteredKey(body.from));
        }
        if body.nonce < sender.nonce {
            return Err(ExecError::NonceTooLow {
                expected: sender.nonce,
                got: body.nonce,
            });
        }
        if body.nonce > sender.nonce {
            return Err(ExecError::NonceTooHigh {
                expected: sender.nonce,
                got: body.nonce,
            });
        }
        let mut sender_after = sender;
        sender_after.nonce = sender
            .nonce
            .checked_add(1)
            .ok_or(ExecError::NonceExhausted)?;
        let debit = |amount: Amount| {
            sender
                .balance
                .checked_sub(amount)
                .ok_or(ExecError::InsufficientBalance {
                    address: body.from,
                    have: sender.balance,
                    need: amount,
                })
        };

        // Check everything first; nothing below changes the block until all checks passed.
        let mut credit = None;
        let mut outbox = None;
        let mut nullifier = None;
        let (mut value_out, mut value_in) = (self.value_out, self.value_in);
        let flow_overflow = |amount: Amount| ExecError::Overflow {
            address: body.from,
            amount,
        };
        match &body.kind {
            TxKind::Transfer { to, amount } => {
                sender_after.balance = debit(*amount)?;
                if *to == body.from {
                    sender_after.balance = sender.balance;
                } else {
                    credit = Some(self.check_credit(to, *amount)?);
                }
            }
            TxKind::Withdraw { amount, .. } => {
                sender_after.balance = debit(*amount)?;
                outbox = body.outbox_entry();
            }
            TxKind::SendMessage {
                dst_chain, value, ..
            } => {
                if *dst_chain == self.chain_id {
                    return Err(ExecError::MessageToSelf);
                }
                sender_after.balance = debit(*value)?;
                value_out = value_out
                    .checked_add(*value)
                    .ok_or_else(|| flow_overflow(*value))?;
                outbox = body.outbox_entry();
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                siblings,
            } => {
                nullifier =
                    Some(self.check_message(message, *import_index, *leaf_index, siblings)?);
                value_in = value_in
                    .checked_add(message.value)
                    .ok_or_else(|| flow_overflow(message.value))?;
                if message.recipient == body.from {
                    sender_after.balance =
                        sender
                            .balance
                            .checked_add(message.value)
                            .ok_or(ExecError::Overflow {
                                address: message.recipient,
                                amount: message.value,
                            })?;
                } else {
                    credit = Some(self.check_credit(&message.recipient, message.value)?);
                }
            }
        }

        let mut updates = Vec::with_capacity(3);
        self.write_account(sender_index, Some(sender), sender_after, &mut updates)?;
        if let Some(credit) = credit {
            self.apply_credit(credit, &mut updates)?;
        }
        if let Some(executed) = nullifier {
            self.read_import(executed.import_index, executed.root, &mut updates)?;
            self.write_nullifier(executed.key, executed.hash, &mut updates)?;
        }
        (self.value_out, self.value_in) = (value_out, value_in);
        let outbox_index = outbox.map(|entry| {
            self.outbox.push(entry);
            (self.outbox.len() - 1) as u32
        });
        self.push_slot(Slot::Tx(Box::new(tx.clone())), verified.hash());
        self.witness.slots.push(SlotWitness {
            op: SlotOp::Tx(Box::new(tx.clone())),
            changes: updates,
        });
        Ok(self.push_receipt(verified.id(), outbox_index))
    }

    /// The queue index of the next L1 priority operation: how many the chain applied.
    pub fn priority_applied(&self) -> u64 {
        self.head.priority_applied
    }

    /// Executes the next operation of the chain's L1 priority queue (index
    /// [`Self::priority_applied`]), which it always consumes: an operation that cannot apply
    /// (a deposit past the largest balance, a full account tree) changes no account and gets
    /// a receipt saying why; a failed deposit leaves a withdrawal of its amount to its L1
    /// sender in the outbox (the refund), so its value stays claimable on L1. Only a storage
    /// failure is an error.
    pub fn apply_priority(&mut self, op: &PriorityOp) -> Result<&Receipt, ExecError> {
        let index = self.head.priority_applied;
        let mut updates = Vec::with_capacity(1);
        let failure = match self.priority_effect(op) {
            Ok(credit) => {
                self.apply_credit(credit, &mut updates)?;
                None
            }
            Err(ExecError::Overflow { .. }) => {
                // The circuit proves the overflow from the recipient's balance: record the
                // leaf as read (unchanged) for the witness.
                self.read_recipient(op, &mut updates)?;
                Some(PriorityFailure::Overflow)
            }
            Err(ExecError::TreeFull) => Some(PriorityFailure::TreeFull),
            Err(error) => return Err(error),
        };
        let refund = match (failure, op) {
            (Some(_), PriorityOp::Deposit { .. }) => {
                self.outbox.extend(op.refund_entry());
                Some((self.outbox.len() - 1) as u32)
            }
            _ => None,
        };
        self.head.priority_applied = index + 1;
        self.push_slot(Slot::Priority(op.clone()), op.hash());
        self.witness.slots.push(SlotWitness {
            op: SlotOp::Priority(op.clone()),
            changes: updates,
        });
        self.push_receipt(priority_receipt_id(index), refund);
        let receipt = self.receipts.last_mut().expect("just pushed");
        receipt.failure = failure;
        Ok(receipt)
    }

    /// Executes a genesis operation of block 0 (not part of the L1 queue: not counted in
    /// [`Self::priority_applied`]). A genesis that cannot apply is an error.
    pub fn apply_genesis(&mut self, op: &PriorityOp) -> Result<&Receipt, ExecError> {
        let position = self.slots.len() as u64;
        let credit = self.priority_effect(op)?;
        let mut updates = Vec::with_capacity(1);
        self.apply_credit(credit, &mut updates)?;
        self.push_slot(Slot::Priority(op.clone()), op.hash());
        self.witness.slots.push(SlotWitness {
            op: SlotOp::Priority(op.clone()),
            changes: updates,
        });
        Ok(self.push_receipt(genesis_receipt_id(position), None))
    }

    /// What a priority operation does to its account, checked, not applied.
    fn priority_effect(&self, op: &PriorityOp) -> Result<Credit, ExecError> {
        match op {
            PriorityOp::Deposit {
                recipient, amount, ..
            } => self.check_credit(recipient, *amount),
            PriorityOp::RegisterKey {
                account,
                pubkey_hash,
            } => {
                let credit = self.check_credit(account, Amount::ZERO)?;
                let mut after = credit.after;
                after.pubkey_hash = *pubkey_hash;
                Ok(Credit { after, ..credit })
            }
        }
    }

    /// Ends the block: hashes the changed leaves into the trees (each shared node once), and
    /// returns everything to commit, with the receipts, outbox and witness.
    pub fn finish(mut self) -> Result<ExecutedBlock, ExecError> {
        let mut nodes: Vec<(TreeId, NodeKey, Digest)> = Vec::new();
        for tree_id in TreeId::ALL {
            let updates = self.updates_of(tree_id);
            if updates.is_empty() {
                continue;
            }
            let (tree, _) = self.tree(tree_id);
            let written = tree.update(&self.nodes(tree_id), &updates)?;
            let root = written
                .get(&(tree.depth(), 0))
                .copied()
                .ok_or_else(|| StateError::Corrupt("a tree update wrote no root".into()))?;
            let state = &mut self.head.state;
            match tree_id {
                TreeId::Accounts => state.account_root = root,
                TreeId::Nullifiers => state.nullifier_root = root,
                TreeId::Imported => state.imported_root = root,
            }
            nodes.extend(
                written
                    .into_iter()
                    .map(|(key, digest)| (tree_id, key, digest)),
            );
        }
        let priority_count = self
            .slots
            .iter()
            .filter(|slot| matches!(slot, Slot::Priority(_)))
            .count();
        let block = Block {
            header: BlockHeader {
                number: self.number,
                parent_hash: self.parent_hash,
                timestamp_ms: self.timestamp_ms,
                state_root: self.head.state_root(),
                slots_hash: self.slots_hash,
                slot_count: self.slots.len() as u32,
                priority_count: priority_count as u32,
                import_count: self.imports.len() as u32,
                value_out: self.value_out,
                value_in: self.value_in,
            },
            slots: self.slots,
        };
        let commit = BlockCommit {
            number: self.number,
            block: block.encode(),
            receipts: self
                .receipts
                .iter()
                .map(|receipt| (receipt.id, receipt.encode()))
                .collect(),
            accounts: self.accounts.into_iter().collect(),
            new_addresses: self.new_addresses.into_iter().collect(),
            nodes,
            nullifiers: self.nullifiers.into_iter().collect(),
            outbox: self
                .outbox
                .iter()
                .map(|entry| digest_to_bytes(&entry.hash()).to_vec())
                .collect(),
            imports: self.imports.into_iter().collect(),
            batch: None,
            // The sequencer encodes the witness into the commit when it keeps it.
            witness: Vec::new(),
            pending_done: Vec::new(),
            head: Head {
                block_number: Some(self.number),
                chain_id: self.chain_id.get(),
                ..self.head
            },
        };
        Ok(ExecutedBlock {
            block,
            commit,
            receipts: self.receipts,
            outbox: self.outbox,
            witness: self.witness,
        })
    }

    /// Appends a slot whose hash ([`Slot::hash`]) the caller already has.
    fn push_slot(&mut self, slot: Slot, hash: Digest) {
        self.slots_hash = next_slots_hash(self.slots_hash, hash);
        self.slots.push(slot);
    }

    fn push_receipt(&mut self, id: [u8; 32], outbox_index: Option<u32>) -> &Receipt {
        let position = (self.receipts.len()) as u32;
        self.receipts.push(Receipt {
            id,
            block: self.number,
            position,
            outbox_index,
            failure: None,
        });
        self.receipts.last().expect("just pushed")
    }

    /// Checks that `address` can receive `amount`, opening an account if it has none.
    fn check_credit(&self, address: &Address, amount: Amount) -> Result<Credit, ExecError> {
        let (index, before) = match self.account_index(address)? {
            Some(index) => (index, self.account(index)?),
            None => {
                let index = self.head.state.next_account_index;
                // The last index stays unused: `next_account_index` must not overflow.
                if index == AccountIndex::MAX {
                    return Err(ExecError::TreeFull);
                }
                (index, None)
            }
        };
        let mut after = before.unwrap_or_else(|| Account::new(*address));
        after.balance = after
            .balance
            .checked_add(amount)
            .ok_or(ExecError::Overflow {
                address: *address,
                amount,
            })?;
        Ok(Credit {
            index,
            before,
            after,
        })
    }

    fn apply_credit(
        &mut self,
        credit: Credit,
        updates: &mut Vec<LeafChange>,
    ) -> Result<(), ExecError> {
        if credit.before.is_none() {
            self.new_addresses
                .insert(credit.after.address, credit.index);
            self.head.state.next_account_index = credit.index + 1;
        }
        self.write_account(credit.index, credit.before, credit.after, updates)
    }

    /// Checks a message's destination, its imported root, its inclusion path and that its
    /// position was never executed.
    fn check_message(
        &self,
        message: &Message,
        import_index: u32,
        leaf_index: u16,
        siblings: &[Digest; OUTBOX_DEPTH],
    ) -> Result<ExecutedMessage, ExecError> {
        if message.dst_chain != self.chain_id {
            return Err(ExecError::WrongDestination {
                expected: self.chain_id,
                got: message.dst_chain,
            });
        }
        let import = u64::from(import_index);
        let root = match self.imports.get(&import) {
            Some(root) => *root,
            None => self
                .store
                .imported_root(import)?
                .ok_or(ExecError::UnknownMessageRoot(import_index))?,
        };
        let hash = message.hash();
        if !outbox_path(leaf_index, siblings).verify_in(OUTBOX_DEPTH as u8, root, hash) {
            return Err(ExecError::MessageNotInRoot);
        }
        // Keyed by position (import, leaf), not by hash: nothing to grind.
        let key = nullifier_key(import_index, leaf_index);
        if self.nullifiers.contains_key(&key) || self.store.nullifier(key)?.is_some() {
            return Err(ExecError::MessageAlreadyExecuted);
        }
        Ok(ExecutedMessage {
            import_index: import,
            root,
            key,
            hash,
        })
    }

    /// Records, for the witness, that a slot read the imported root at `index`: an unchanged
    /// leaf change, whose expanded path is the membership proof the circuit checks.
    fn read_import(
        &mut self,
        index: u64,
        root: Digest,
        changes: &mut Vec<LeafChange>,
    ) -> Result<(), ExecError> {
        let change = self.write_imported(index, root, changes)?;
        debug_assert_eq!(change.old_leaf, change.new_leaf, "a read changes nothing");
        Ok(())
    }

    /// Records, for the witness, that a failed deposit read its recipient's account (an
    /// overflow is only possible for an account that exists): an unchanged leaf change,
    /// whose expanded path proves the balance that overflowed. Nothing is written: roots,
    /// nodes and the commit stay as if the slot read nothing.
    fn read_recipient(
        &mut self,
        op: &PriorityOp,
        changes: &mut Vec<LeafChange>,
    ) -> Result<(), ExecError> {
        let address = match op {
            PriorityOp::Deposit { recipient, .. } => recipient,
            PriorityOp::RegisterKey { account, .. } => account,
        };
        let index = self
            .account_index(address)?
            .ok_or(ExecError::UnknownAccount(*address))?;
        let account = self
            .account(index)?
            .ok_or(ExecError::UnknownAccount(*address))?;
        let leaf = self.read_leaf(TreeId::Accounts, u64::from(index))?;
        debug_assert_eq!(leaf, account.leaf(), "the read leaf is the account's");
        changes.push(LeafChange {
            tree: TreeId::Accounts,
            index: u64::from(index),
            old_leaf: leaf,
            new_leaf: leaf,
            old_account: Some(account),
            new_account: Some(account),
        });
        Ok(())
    }

    /// The current value of a leaf, recording its committed path for the witness on its first
    /// touch in this block, without marking it changed.
    fn read_leaf(&mut self, tree_id: TreeId, index: u64) -> Result<Digest, ExecError> {
        if let Some(leaf) = self
            .leaves
            .get(&(tree_id, index))
            .or_else(|| self.reads.get(&(tree_id, index)))
        {
            return Ok(*leaf);
        }
        let leaf = self.committed_leaf(tree_id, index)?;
        self.reads.insert((tree_id, index), leaf);
        Ok(leaf)
    }

    /// A leaf's committed value; records its path in the witness (call once per leaf).
    fn committed_leaf(&mut self, tree_id: TreeId, index: u64) -> Result<Digest, ExecError> {
        let (tree, _) = self.tree(tree_id);
        let nodes = self.nodes(tree_id);
        let old = tree.leaf(&nodes, index)?;
        let proof = tree.prove(&nodes, index)?;
        self.witness.paths.push(LeafPath {
            tree: tree_id,
            index,
            leaf: old,
            siblings: proof.siblings,
        });
        Ok(old)
    }

    /// Sets the imported-roots leaf at `index` to `root`'s leaf and records the change.
    fn write_imported(
        &mut self,
        index: u64,
        root: Digest,
        changes: &mut Vec<LeafChange>,
    ) -> Result<LeafChange, ExecError> {
        let (old_leaf, new_leaf) =
            self.write_leaf(TreeId::Imported, index, imported_root_leaf(&root))?;
        let change = LeafChange {
            tree: TreeId::Imported,
            index,
            old_leaf,
            new_leaf,
            old_account: None,
            new_account: None,
        };
        changes.push(change.clone());
        Ok(change)
    }

    fn write_account(
        &mut self,
        index: AccountIndex,
        before: Option<Account>,
        after: Account,
        changes: &mut Vec<LeafChange>,
    ) -> Result<(), ExecError> {
        let (old_leaf, new_leaf) =
            self.write_leaf(TreeId::Accounts, u64::from(index), after.leaf())?;
        self.accounts.insert(index, after);
        changes.push(LeafChange {
            tree: TreeId::Accounts,
            index: u64::from(index),
            old_leaf,
            new_leaf,
            old_account: before,
            new_account: Some(after),
        });
        Ok(())
    }

    fn write_nullifier(
        &mut self,
        key: u64,
        hash: Digest,
        changes: &mut Vec<LeafChange>,
    ) -> Result<(), ExecError> {
        let (old_leaf, new_leaf) =
            self.write_leaf(TreeId::Nullifiers, key, nullifier_leaf(&hash))?;
        self.nullifiers.insert(key, hash);
        changes.push(LeafChange {
            tree: TreeId::Nullifiers,
            index: key,
            old_leaf,
            new_leaf,
            old_account: None,
            new_account: None,
        });
        Ok(())
    }

    /// Sets a leaf; no hashing here. The first change of a leaf in this block records its
    /// committed path for the witness (reads only). Returns the old and new leaf.
    fn write_leaf(
        &mut self,
        tree_id: TreeId,
        index: u64,
        leaf: Digest,
    ) -> Result<(Digest, Digest), ExecError> {
        let old = match self
            .leaves
            .get(&(tree_id, index))
            .or_else(|| self.reads.get(&(tree_id, index)))
        {
            Some(old) => *old,
            None => self.committed_leaf(tree_id, index)?,
        };
        self.leaves.insert((tree_id, index), leaf);
        Ok((old, leaf))
    }
}
