//! The state transition function: a block built on top of the committed state.
//!
//! A [`BlockBuilder`] reads the committed state from the [`Store`] and keeps every change in
//! memory. Each operation is checked completely before anything changes, so a rejected one
//! leaves the block exactly as it was. [`BlockBuilder::finish`] turns the changes into one
//! [`BlockCommit`] for [`Store::commit`], plus receipts, outbox entries and the witness.

use std::collections::{BTreeMap, HashMap};

use hyperforge_primitives::{
    Address, Amount, ChainId,
    block::{Block, BlockHeader, Slot, next_slots_hash},
    bridge::ZERO_DIGEST,
    tx::{Message, OutboxEntry, PriorityOp, TxKind, digest_to_bytes},
};
use hyperforge_state::{
    Account, AccountIndex, BlockCommit, Digest, Head, MerkleProof, SparseMerkleTree, StateError,
    Store, TreeId, smt::NodeKey,
};
use plonky2::field::types::PrimeField64;

use crate::{
    ExecError, VerifiedTx,
    witness::{BlockWitness, LeafChange, LeafPath, SlotOp, SlotWitness},
};

/// What one executed operation left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction id, or the priority operation's hash, as bytes.
    pub id: [u8; 32],
    /// The block.
    pub block: u64,
    /// The slot within the block.
    pub position: u32,
    /// The outbox entry it made, by position in the block's outbox.
    pub outbox_index: Option<u32>,
}

impl Receipt {
    /// The storage encoding: id | block (8) | position (4) | outbox flag (1) | outbox index (4).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(49);
        bytes.extend_from_slice(&self.id);
        bytes.extend_from_slice(&self.block.to_be_bytes());
        bytes.extend_from_slice(&self.position.to_be_bytes());
        bytes.push(u8::from(self.outbox_index.is_some()));
        bytes.extend_from_slice(&self.outbox_index.unwrap_or(0).to_be_bytes());
        bytes
    }

    /// Decodes [`Receipt::encode`]'s form; `None` if the bytes are not a receipt.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 49 {
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
        Some(Self {
            id,
            block,
            position,
            outbox_index,
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

/// Builds one block over the committed state.
pub struct BlockBuilder<'a> {
    store: &'a Store,
    chain_id: ChainId,
    number: u64,
    head: Head,
    accounts: HashMap<AccountIndex, Account>,
    new_addresses: BTreeMap<Address, AccountIndex>,
    /// Leaves this block changed, by tree and index: their latest value.
    leaves: BTreeMap<(TreeId, u64), Digest>,
    nullifiers: BTreeMap<u64, Digest>,
    message_roots: Vec<Digest>,
    outbox: Vec<OutboxEntry>,
    receipts: Vec<Receipt>,
    slots: Vec<Slot>,
    slots_hash: Digest,
    parent_hash: Digest,
    timestamp_ms: u64,
    witness: BlockWitness,
}

impl std::fmt::Debug for BlockBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockBuilder")
            .field("number", &self.number)
            .field("slots", &self.slots.len())
            .finish()
    }
}

/// A credit to make, checked but not applied.
struct Credit {
    index: AccountIndex,
    before: Option<Account>,
    after: Account,
}

impl<'a> BlockBuilder<'a> {
    /// A new block on top of `store`'s head, for chain `chain_id`.
    pub fn new(store: &'a Store, chain_id: ChainId) -> Self {
        let head = store.head();
        Self {
            store,
            chain_id,
            number: head.block_number.map_or(0, |number| number + 1),
            head,
            accounts: HashMap::new(),
            new_addresses: BTreeMap::new(),
            leaves: BTreeMap::new(),
            nullifiers: BTreeMap::new(),
            message_roots: Vec::new(),
            outbox: Vec::new(),
            receipts: Vec::new(),
            slots: Vec::new(),
            slots_hash: ZERO_DIGEST,
            parent_hash: ZERO_DIGEST,
            timestamp_ms: 0,
            witness: BlockWitness {
                account_root_before: head.state_root,
                nullifier_root_before: head.nullifier_root,
                paths: Vec::new(),
                slots: Vec::new(),
            },
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

    /// The account root with this block's changes so far.
    ///
    /// The block keeps only the changed leaves while it runs and hashes the tree once in
    /// [`BlockBuilder::finish`]; this computes the root now (one path per changed leaf).
    pub fn state_root(&self) -> Result<Digest, ExecError> {
        self.root(TreeId::Accounts)
    }

    /// The root of `tree` with this block's changes.
    fn root(&self, tree_id: TreeId) -> Result<Digest, ExecError> {
        let (tree, committed) = self.tree(tree_id);
        let updates = self.updates_of(tree_id);
        if updates.is_empty() {
            return Ok(committed);
        }
        let written = tree.update(&self.store.nodes(tree_id), &updates)?;
        Ok(written
            .get(&(tree.depth(), 0))
            .copied()
            .unwrap_or(committed))
    }

    fn tree(&self, tree_id: TreeId) -> (&'a SparseMerkleTree, Digest) {
        match tree_id {
            TreeId::Accounts => (self.store.account_tree(), self.head.state_root),
            TreeId::Nullifiers => (self.store.nullifier_tree(), self.head.nullifier_root),
        }
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

    /// Imports a global message root settled on L1, so messages proven against it execute.
    pub fn import_message_root(&mut self, root: Digest) {
        if !self.message_roots.contains(&root) {
            self.message_roots.push(root);
        }
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
        match &body.kind {
            TxKind::Transfer { to, amount } => {
                sender_after.balance = debit(*amount)?;
                if *to == body.from {
                    sender_after.balance = sender.balance;
                } else {
                    credit = Some(self.check_credit(to, *amount)?);
                }
            }
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => {
                sender_after.balance = debit(*amount)?;
                outbox = Some(OutboxEntry::Withdrawal {
                    sender: body.from,
                    l1_recipient: *l1_recipient,
                    amount: *amount,
                });
            }
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => {
                if *dst_chain == self.chain_id {
                    return Err(ExecError::MessageToSelf);
                }
                sender_after.balance = debit(*value)?;
                outbox = Some(OutboxEntry::Message(Message {
                    src_chain: self.chain_id,
                    sender: body.from,
                    dst_chain: *dst_chain,
                    recipient: *recipient,
                    value: *value,
                    payload: payload.clone(),
                }));
            }
            TxKind::ExecuteMessage {
                message,
                message_root,
                index,
                siblings,
            } => {
                nullifier = Some(self.check_message(message, message_root, *index, siblings)?);
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
        if let Some((key, hash)) = nullifier {
            self.write_nullifier(key, hash, &mut updates)?;
        }
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

    /// Executes one L1 priority operation. Deposits only fail on overflow; the caller decides
    /// what to do with such an operation (the bridge already holds the funds).
    pub fn apply_priority(&mut self, op: &PriorityOp) -> Result<&Receipt, ExecError> {
        let mut updates = Vec::with_capacity(1);
        match op {
            PriorityOp::Deposit {
                recipient, amount, ..
            } => {
                let credit = self.check_credit(recipient, *amount)?;
                self.apply_credit(credit, &mut updates)?;
            }
            PriorityOp::RegisterKey {
                account,
                pubkey_hash,
            } => {
                let credit = self.check_credit(account, Amount::ZERO)?;
                let mut after = credit.after;
                after.pubkey_hash = *pubkey_hash;
                self.apply_credit(Credit { after, ..credit }, &mut updates)?;
            }
        }
        let hash = op.hash();
        self.push_slot(Slot::Priority(op.clone()), hash);
        self.witness.slots.push(SlotWitness {
            op: SlotOp::Priority(op.clone()),
            changes: updates,
        });
        Ok(self.push_receipt(digest_to_bytes(&hash), None))
    }

    /// Ends the block: hashes the changed leaves into the trees (each shared node once), and
    /// returns everything to commit, with the receipts, outbox and witness.
    pub fn finish(mut self) -> Result<ExecutedBlock, ExecError> {
        let mut nodes: Vec<(TreeId, NodeKey, Digest)> = Vec::new();
        for tree_id in [TreeId::Accounts, TreeId::Nullifiers] {
            let updates = self.updates_of(tree_id);
            if updates.is_empty() {
                continue;
            }
            let (tree, _) = self.tree(tree_id);
            let written = tree.update(&self.store.nodes(tree_id), &updates)?;
            let root = written
                .get(&(tree.depth(), 0))
                .copied()
                .ok_or_else(|| StateError::Corrupt("a tree update wrote no root".into()))?;
            match tree_id {
                TreeId::Accounts => self.head.state_root = root,
                TreeId::Nullifiers => self.head.nullifier_root = root,
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
                state_root: self.head.state_root,
                nullifier_root: self.head.nullifier_root,
                slots_hash: self.slots_hash,
                slot_count: self.slots.len() as u32,
                priority_count: priority_count as u32,
            },
            message_roots: self.message_roots.clone(),
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
            message_roots: self.message_roots,
            batch: None,
            pending_done: Vec::new(),
            head: Head {
                block_number: Some(self.number),
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
        });
        self.receipts.last().expect("just pushed")
    }

    /// Checks that `address` can receive `amount`, opening an account if it has none.
    fn check_credit(&self, address: &Address, amount: Amount) -> Result<Credit, ExecError> {
        let (index, before) = match self.account_index(address)? {
            Some(index) => (index, self.account(index)?),
            None => {
                let index = self.head.next_account_index;
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
            self.head.next_account_index = credit.index + 1;
        }
        self.write_account(credit.index, credit.before, credit.after, updates)
    }

    /// Checks a message's destination, root, inclusion proof and nullifier.
    fn check_message(
        &self,
        message: &Message,
        root: &Digest,
        index: u64,
        siblings: &[Digest],
    ) -> Result<(u64, Digest), ExecError> {
        if message.dst_chain != self.chain_id {
            return Err(ExecError::WrongDestination {
                expected: self.chain_id,
                got: message.dst_chain,
            });
        }
        if !self.message_roots.contains(root) && !self.store.message_root_known(root)? {
            return Err(ExecError::UnknownMessageRoot);
        }
        let hash = message.hash();
        let proof = MerkleProof {
            index,
            siblings: siblings.to_vec(),
        };
        if siblings.is_empty() || !proof.verify(*root, hash) {
            return Err(ExecError::MessageNotInRoot);
        }
        // The nullifier tree is keyed by the hash's first element: a collision between two
        // messages has probability 2^-64 per pair, and would only refuse the second.
        let key = hash.elements[0].to_canonical_u64();
        if self.nullifiers.contains_key(&key) || self.store.nullifier(key)?.is_some() {
            return Err(ExecError::MessageAlreadyExecuted);
        }
        Ok((key, hash))
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
        let (old_leaf, new_leaf) = self.write_leaf(TreeId::Nullifiers, key, hash)?;
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
        let old = match self.leaves.get(&(tree_id, index)) {
            Some(old) => *old,
            None => {
                let (tree, _) = self.tree(tree_id);
                let nodes = self.store.nodes(tree_id);
                let old = tree.leaf(&nodes, index)?;
                let proof = tree.prove(&nodes, index)?;
                self.witness.paths.push(LeafPath {
                    tree: tree_id,
                    index,
                    leaf: old,
                    siblings: proof.siblings,
                });
                old
            }
        };
        self.leaves.insert((tree_id, index), leaf);
        Ok((old, leaf))
    }
}
