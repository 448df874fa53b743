//! Helpers for tests and benchmarks: [`TestChain`], an in-memory chain that executes message
//! root imports, priority operations and every signed transaction kind with `execution`'s
//! rules (`crates/execution/src/block.rs`: the same checks, the same leaf changes in the same
//! order, an `ExecuteMessage`'s imported-root read included) and records the same compact
//! [`BlockWitness`] (per slot its leaf changes, plus each touched leaf's committed path), which
//! `BlockWitness::expand` turns into what the chunk circuit proves.
//!
//! `circuits` may not depend on `execution` or `state`, not even for tests (the crate graph
//! counts dev-dependencies), so this re-implements those paths with primitives types.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use hyperforge_crypto::{Scalar, SecretKey};
use hyperforge_primitives::account::{Account, AccountIndex};
use hyperforge_primitives::block::{next_slots_hash, slots_hash_seed};
use hyperforge_primitives::bridge::{
    OUTBOX_DEPTH, OutboxEntry, StateCommitment, ZERO_DIGEST, two_to_one,
};
use hyperforge_primitives::merkle::{
    ACCOUNT_TREE_DEPTH, EmptyHashes, IMPORTED_TREE_DEPTH, NULLIFIER_TREE_DEPTH, NodeKey, TreeId,
};
use hyperforge_primitives::tx::{
    Digest, PriorityOp, SignedTx, TxBody, TxKind, imported_root_leaf, nullifier_key,
    nullifier_leaf, outbox_path,
};
use hyperforge_primitives::witness::{BlockWitness, LeafChange, LeafPath, SlotOp, SlotWitness};
use hyperforge_primitives::{Address, Amount, ChainId};

/// The circuit cache directory tests share with `cargo xtask contracts verifier` and the
/// nodes: `$HYPERFORGE_CIRCUIT_CACHE`, else `$HOME/.cache/hyperforge/circuits`; `None` when
/// neither is set (a test then builds every circuit and keeps nothing).
pub fn shared_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HYPERFORGE_CIRCUIT_CACHE") {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/hyperforge/circuits"))
}

/// The test key of account `i`.
pub fn test_key(i: usize) -> SecretKey {
    SecretKey::from_scalar(Scalar::from_u64(1_000_003 * (i as u64 + 1))).expect("non-zero")
}

/// The address of test account `i`.
pub fn test_address(i: usize) -> Address {
    Address::repeat_byte(0x10 + i as u8)
}

/// Signs a transfer of `gwei` from test account `from` to `to`.
pub fn transfer(chain_id: ChainId, from: usize, nonce: u32, to: Address, gwei: u64) -> SignedTx {
    sign_with(
        &test_key(from),
        chain_id,
        test_address(from),
        nonce,
        to,
        gwei,
    )
}

/// Signs a withdrawal of `gwei` from test account `from` to `l1_recipient`.
pub fn withdraw(
    chain_id: ChainId,
    from: usize,
    nonce: u32,
    l1_recipient: Address,
    gwei: u64,
) -> SignedTx {
    let body = TxBody {
        chain_id,
        from: test_address(from),
        nonce,
        kind: TxKind::Withdraw {
            l1_recipient,
            amount: Amount::from_gwei(gwei),
        },
    };
    let key = test_key(from);
    let signature = key.sign(&body.hash().elements);
    SignedTx {
        body,
        pubkey: key.public_key().to_bytes(),
        signature: signature.to_bytes(),
    }
}

/// Signs a body of any kind from test account `from`.
pub fn sign_kind(chain_id: ChainId, from: usize, nonce: u32, kind: TxKind) -> SignedTx {
    let body = TxBody {
        chain_id,
        from: test_address(from),
        nonce,
        kind,
    };
    let key = test_key(from);
    let signature = key.sign(&body.hash().elements);
    SignedTx {
        body,
        pubkey: key.public_key().to_bytes(),
        signature: signature.to_bytes(),
    }
}

/// Signs a transfer body with any key.
pub fn sign_with(
    key: &SecretKey,
    chain_id: ChainId,
    from: Address,
    nonce: u32,
    to: Address,
    gwei: u64,
) -> SignedTx {
    let body = TxBody {
        chain_id,
        from,
        nonce,
        kind: TxKind::Transfer {
            to,
            amount: Amount::from_gwei(gwei),
        },
    };
    let signature = key.sign(&body.hash().elements);
    SignedTx {
        body,
        pubkey: key.public_key().to_bytes(),
        signature: signature.to_bytes(),
    }
}

/// Why the test chain refused a transaction (the subset of `ExecError` transfers can hit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Another chain's transaction.
    WrongChainId,
    /// No account for the sender.
    UnknownAccount,
    /// The key is not the registered one.
    UnregisteredKey,
    /// Not the account's nonce.
    WrongNonce,
    /// The nonce is `u32::MAX`.
    NonceExhausted,
    /// The balance does not cover the amount.
    InsufficientBalance,
    /// The recipient's balance would overflow.
    Overflow,
    /// The account tree (or the imported-roots tree) is full.
    TreeFull,
    /// A message to the sending chain itself.
    MessageToSelf,
    /// A message for another chain.
    WrongDestination,
    /// No imported root at that import index.
    UnknownMessageRoot,
    /// The message is not under the imported root.
    MessageNotInRoot,
    /// The message's position was executed before.
    AlreadyExecuted,
}

/// One sparse Merkle tree, in memory.
#[derive(Debug, Clone)]
struct Tree {
    depth: u8,
    nodes: BTreeMap<NodeKey, Digest>,
    empty: EmptyHashes,
}

impl Tree {
    fn new(depth: u8) -> Self {
        Self {
            depth,
            nodes: BTreeMap::new(),
            empty: EmptyHashes::new(depth),
        }
    }

    fn node(&self, level: u8, index: u64) -> Digest {
        self.nodes
            .get(&(level, index))
            .copied()
            .unwrap_or_else(|| self.empty.at(level))
    }

    fn root(&self) -> Digest {
        self.node(self.depth, 0)
    }

    fn siblings(&self, index: u64) -> Vec<Digest> {
        (0..self.depth)
            .map(|level| self.node(level, (index >> level) ^ 1))
            .collect()
    }

    fn write(&mut self, index: u64, leaf: Digest) {
        let mut node = leaf;
        self.nodes.insert((0, index), node);
        for level in 0..self.depth {
            let position = index >> level;
            let sibling = self.node(level, position ^ 1);
            node = if position & 1 == 0 {
                two_to_one(node, sibling)
            } else {
                two_to_one(sibling, node)
            };
            self.nodes.insert((level + 1, position >> 1), node);
        }
    }
}

/// An in-memory chain that executes blocks: its accounts, nullifiers and imported roots.
#[derive(Debug, Clone)]
pub struct TestChain {
    /// The chain.
    pub chain_id: ChainId,
    /// The committed state.
    pub state: StateCommitment,
    /// For soundness tests only: skip the destination and replay checks of `ExecuteMessage`
    /// (the inclusion is still checked), so that a witness of a message for another chain or
    /// of a replay can be written, and shown refused by the circuit.
    pub skip_message_checks: bool,
    accounts: BTreeMap<AccountIndex, Account>,
    by_address: BTreeMap<Address, AccountIndex>,
    imports: BTreeMap<u64, Digest>,
    nullifiers: BTreeSet<u64>,
    tree: Tree,
    nullifier_tree: Tree,
    imported_tree: Tree,
}

/// An executed block: its witness, its rolling slots hash, its outbox and value flows.
#[derive(Debug, Clone)]
pub struct TestBlock {
    /// What the chunk circuit consumes.
    pub witness: BlockWitness,
    /// The header's `slots_hash`.
    pub slots_hash: Digest,
    /// The block's outbox entries, in order.
    pub outbox: Vec<OutboxEntry>,
    /// The value its messages sent out.
    pub value_out: Amount,
    /// The value the messages it executed brought in.
    pub value_in: Amount,
}

/// What checking a slot gives: its leaf changes, its outbox entry, its value flows.
struct Effect {
    changes: Vec<LeafChange>,
    outbox: Option<OutboxEntry>,
    value_out: Amount,
    value_in: Amount,
}

fn account_change(index: AccountIndex, before: Option<Account>, after: Account) -> LeafChange {
    LeafChange {
        tree: TreeId::Accounts,
        index: u64::from(index),
        old_leaf: before.map_or(ZERO_DIGEST, |account| account.leaf()),
        new_leaf: after.leaf(),
        old_account: before,
        new_account: Some(after),
    }
}

impl TestChain {
    /// A chain whose test accounts `0..balances.len()` hold these balances and their keys.
    pub fn new(chain_id: ChainId, balances: &[u64]) -> Self {
        let mut chain = Self {
            chain_id,
            state: StateCommitment::empty(),
            skip_message_checks: false,
            accounts: BTreeMap::new(),
            by_address: BTreeMap::new(),
            imports: BTreeMap::new(),
            nullifiers: BTreeSet::new(),
            tree: Tree::new(ACCOUNT_TREE_DEPTH),
            nullifier_tree: Tree::new(NULLIFIER_TREE_DEPTH),
            imported_tree: Tree::new(IMPORTED_TREE_DEPTH),
        };
        for (i, &gwei) in balances.iter().enumerate() {
            let account = Account {
                address: test_address(i),
                pubkey_hash: test_key(i).public_key().hash(),
                balance: Amount::from_gwei(gwei),
                nonce: 0,
            };
            chain.put(i as AccountIndex, account);
        }
        chain.state.next_account_index = balances.len() as u32;
        chain.state.account_root = chain.tree.root();
        chain
    }

    /// The account at `index`.
    pub fn account(&self, index: AccountIndex) -> Option<Account> {
        self.accounts.get(&index).copied()
    }

    fn put(&mut self, index: AccountIndex, account: Account) {
        self.tree.write(u64::from(index), account.leaf());
        self.accounts.insert(index, account);
        self.by_address.insert(account.address, index);
    }

    /// Executes `txs` as one block (every one must apply) and commits it.
    pub fn block(&mut self, txs: &[SignedTx]) -> Result<TestBlock, Refused> {
        self.block_with(&[], txs)
    }

    /// Executes priority operations `ops`, then `txs`, as one block and commits it.
    pub fn block_with(
        &mut self,
        ops: &[PriorityOp],
        txs: &[SignedTx],
    ) -> Result<TestBlock, Refused> {
        self.block_full(&[], ops, txs)
    }

    /// Executes message root imports `roots`, then priority operations `ops`, then `txs`
    /// (a block's order), as one block, and commits it.
    pub fn block_full(
        &mut self,
        roots: &[Digest],
        ops: &[PriorityOp],
        txs: &[SignedTx],
    ) -> Result<TestBlock, Refused> {
        let committed = [
            self.tree.clone(),
            self.nullifier_tree.clone(),
            self.imported_tree.clone(),
        ];
        let mut witness = BlockWitness {
            state_before: self.state,
            paths: Vec::new(),
            slots: Vec::new(),
        };
        let mut block = TestBlock {
            witness: BlockWitness {
                state_before: self.state,
                paths: Vec::new(),
                slots: Vec::new(),
            },
            slots_hash: slots_hash_seed(),
            outbox: Vec::new(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
        };
        let mut recorded = BTreeSet::new();
        let slots = roots
            .iter()
            .map(|root| (SlotOp::Import(*root), imported_root_leaf(root)))
            .chain(
                ops.iter()
                    .map(|op| (SlotOp::Priority(op.clone()), op.hash())),
            )
            .chain(
                txs.iter()
                    .map(|tx| (SlotOp::Tx(Box::new(tx.clone())), tx.body.hash())),
            );
        for (op, hash) in slots {
            let effect = match &op {
                SlotOp::Tx(tx) => self.check(tx, block.value_out, block.value_in)?,
                SlotOp::Priority(op) => {
                    let (changes, outbox) = self.apply_priority(op)?;
                    Effect {
                        changes,
                        outbox,
                        value_out: block.value_out,
                        value_in: block.value_in,
                    }
                }
                SlotOp::Import(root) => {
                    let index = self.state.imported_count;
                    if index + 1 >= 1 << IMPORTED_TREE_DEPTH {
                        return Err(Refused::TreeFull);
                    }
                    self.imports.insert(index, *root);
                    self.state.imported_count = index + 1;
                    Effect {
                        changes: vec![LeafChange {
                            tree: TreeId::Imported,
                            index,
                            old_leaf: ZERO_DIGEST,
                            new_leaf: imported_root_leaf(root),
                            old_account: None,
                            new_account: None,
                        }],
                        outbox: None,
                        value_out: block.value_out,
                        value_in: block.value_in,
                    }
                }
            };
            for change in &effect.changes {
                if recorded.insert((change.tree, change.index)) {
                    let tree = &committed[change.tree.position()];
                    witness.paths.push(LeafPath {
                        tree: change.tree,
                        index: change.index,
                        leaf: tree.node(0, change.index),
                        siblings: tree.siblings(change.index),
                    });
                }
                match change.tree {
                    TreeId::Accounts => {
                        let after = change
                            .new_account
                            .expect("an account change has an account");
                        let index = change.index as AccountIndex;
                        if change.old_account.is_none() {
                            self.state.next_account_index = index + 1;
                        }
                        self.put(index, after);
                    }
                    TreeId::Nullifiers => {
                        self.nullifiers.insert(change.index);
                        self.nullifier_tree.write(change.index, change.new_leaf);
                    }
                    TreeId::Imported => self.imported_tree.write(change.index, change.new_leaf),
                }
            }
            block.outbox.extend(effect.outbox);
            block.value_out = effect.value_out;
            block.value_in = effect.value_in;
            block.slots_hash = next_slots_hash(block.slots_hash, hash);
            witness.slots.push(SlotWitness {
                op,
                changes: effect.changes,
            });
        }
        self.state.account_root = self.tree.root();
        self.state.nullifier_root = self.nullifier_tree.root();
        self.state.imported_root = self.imported_tree.root();
        block.witness = witness;
        Ok(block)
    }

    /// A credit of `amount` to `address`, opening an account if it has none.
    fn credit(
        &self,
        address: Address,
        amount: Amount,
    ) -> Result<(AccountIndex, Option<Account>, Account), Refused> {
        let (index, before) = match self.by_address.get(&address) {
            Some(&index) => (index, Some(self.accounts[&index])),
            None if self.state.next_account_index == AccountIndex::MAX => {
                return Err(Refused::TreeFull);
            }
            None => (self.state.next_account_index, None),
        };
        let mut after = before.unwrap_or_else(|| Account::new(address));
        after.balance = after.balance.checked_add(amount).ok_or(Refused::Overflow)?;
        Ok((index, before, after))
    }

    /// What a priority operation does, as `execution`'s `apply_priority`: a credit, or a
    /// failure that changes no account (an overflow reads the recipient's leaf, unchanged;
    /// a full tree reads nothing) and refunds a deposit through the outbox.
    fn apply_priority(
        &self,
        op: &PriorityOp,
    ) -> Result<(Vec<LeafChange>, Option<OutboxEntry>), Refused> {
        let failure = match self.check_priority(op) {
            Ok((index, before, after)) => {
                return Ok((vec![account_change(index, before, after)], None));
            }
            Err(failure @ (Refused::Overflow | Refused::TreeFull)) => failure,
            Err(other) => return Err(other),
        };
        let PriorityOp::Deposit {
            l1_sender,
            recipient,
            amount,
        } = op
        else {
            return Ok((Vec::new(), None));
        };
        let changes = match failure {
            Refused::Overflow => {
                let index = *self
                    .by_address
                    .get(recipient)
                    .ok_or(Refused::UnknownAccount)?;
                let account = self.accounts[&index];
                vec![account_change(index, Some(account), account)]
            }
            _ => Vec::new(),
        };
        let refund = OutboxEntry::Withdrawal {
            sender: *recipient,
            l1_recipient: *l1_sender,
            amount: *amount,
        };
        Ok((changes, Some(refund)))
    }

    /// The write a priority operation makes, as `execution`'s `apply_priority`.
    fn check_priority(
        &self,
        op: &PriorityOp,
    ) -> Result<(AccountIndex, Option<Account>, Account), Refused> {
        match op {
            PriorityOp::Deposit {
                recipient, amount, ..
            } => self.credit(*recipient, *amount),
            PriorityOp::RegisterKey {
                account,
                pubkey_hash,
            } => {
                let (index, before, mut after) = self.credit(*account, Amount::ZERO)?;
                after.pubkey_hash = *pubkey_hash;
                Ok((index, before, after))
            }
        }
    }

    /// The leaf changes a transaction makes, as `execution`'s `apply_tx` checks it, with the
    /// block's value flows after it.
    fn check(&self, tx: &SignedTx, value_out: Amount, value_in: Amount) -> Result<Effect, Refused> {
        let body = &tx.body;
        if body.chain_id != self.chain_id {
            return Err(Refused::WrongChainId);
        }
        let sender_index = *self
            .by_address
            .get(&body.from)
            .ok_or(Refused::UnknownAccount)?;
        let sender = self.accounts[&sender_index];
        let key = hyperforge_crypto::PublicKey::from_bytes(&tx.pubkey)
            .map_err(|_| Refused::UnregisteredKey)?;
        if !sender.has_key() || sender.pubkey_hash != key.hash() {
            return Err(Refused::UnregisteredKey);
        }
        if body.nonce != sender.nonce {
            return Err(Refused::WrongNonce);
        }
        let mut sender_after = sender;
        sender_after.nonce = sender.nonce.checked_add(1).ok_or(Refused::NonceExhausted)?;
        let debit = |amount: Amount| {
            sender
                .balance
                .checked_sub(amount)
                .ok_or(Refused::InsufficientBalance)
        };
        let mut effect = Effect {
            changes: Vec::new(),
            outbox: None,
            value_out,
            value_in,
        };
        let mut credit = None;
        let mut reads = Vec::new();
        match &body.kind {
            TxKind::Transfer { to, amount } => {
                sender_after.balance = debit(*amount)?;
                if *to == body.from {
                    sender_after.balance = sender.balance;
                } else {
                    credit = Some(self.credit(*to, *amount)?);
                }
            }
            TxKind::Withdraw { amount, .. } => {
                sender_after.balance = debit(*amount)?;
                effect.outbox = body.outbox_entry();
            }
            TxKind::SendMessage {
                dst_chain, value, ..
            } => {
                if *dst_chain == self.chain_id {
                    return Err(Refused::MessageToSelf);
                }
                sender_after.balance = debit(*value)?;
                effect.value_out = value_out.checked_add(*value).ok_or(Refused::Overflow)?;
                effect.outbox = body.outbox_entry();
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                siblings,
            } => {
                if message.dst_chain != self.chain_id && !self.skip_message_checks {
                    return Err(Refused::WrongDestination);
                }
                let import = u64::from(*import_index);
                let root = *self
                    .imports
                    .get(&import)
                    .ok_or(Refused::UnknownMessageRoot)?;
                let hash = message.hash();
                if !outbox_path(*leaf_index, siblings).verify_in(OUTBOX_DEPTH as u8, root, hash) {
                    return Err(Refused::MessageNotInRoot);
                }
                let key = nullifier_key(*import_index, *leaf_index);
                if self.nullifiers.contains(&key) && !self.skip_message_checks {
                    return Err(Refused::AlreadyExecuted);
                }
                effect.value_in = value_in
                    .checked_add(message.value)
                    .ok_or(Refused::Overflow)?;
                if message.recipient == body.from {
                    sender_after.balance = sender
                        .balance
                        .checked_add(message.value)
                        .ok_or(Refused::Overflow)?;
                } else {
                    credit = Some(self.credit(message.recipient, message.value)?);
                }
                let leaf = imported_root_leaf(&root);
                reads.push(LeafChange {
                    tree: TreeId::Imported,
                    index: import,
                    old_leaf: leaf,
                    new_leaf: leaf,
                    old_account: None,
                    new_account: None,
                });
                reads.push(LeafChange {
                    tree: TreeId::Nullifiers,
                    index: key,
                    old_leaf: self.nullifier_tree.node(0, key),
                    new_leaf: nullifier_leaf(&hash),
                    old_account: None,
                    new_account: None,
                });
            }
        }
        effect
            .changes
            .push(account_change(sender_index, Some(sender), sender_after));
        if let Some((index, before, after)) = credit {
            effect.changes.push(account_change(index, before, after));
        }
        effect.changes.extend(reads);
        Ok(effect)
    }
}
