//! Helpers for tests and benchmarks: [`TestChain`], an in-memory chain that executes signed
//! transfers, withdrawals and priority operations with `execution`'s rules
//! (`crates/execution/src/block.rs`) and records the same compact [`BlockWitness`] (per slot
//! its leaf changes, plus each touched leaf's committed path), which `BlockWitness::expand`
//! turns into what the chunk circuit proves.
//!
//! `circuits` may not depend on `execution` or `state`, not even for tests (the crate graph
//! counts dev-dependencies), so this re-implements those paths with primitives types.

use std::collections::BTreeMap;

use hyperforge_crypto::{Scalar, SecretKey};
use hyperforge_primitives::account::{Account, AccountIndex};
use hyperforge_primitives::block::{next_slots_hash, slots_hash_seed};
use hyperforge_primitives::bridge::{StateCommitment, ZERO_DIGEST, two_to_one};
use hyperforge_primitives::merkle::{ACCOUNT_TREE_DEPTH, EmptyHashes, NodeKey, TreeId};
use hyperforge_primitives::tx::{Digest, PriorityOp, SignedTx, TxBody, TxKind};
use hyperforge_primitives::witness::{BlockWitness, LeafChange, LeafPath, SlotOp, SlotWitness};
use hyperforge_primitives::{Address, Amount, ChainId};

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
    /// The account tree is full.
    TreeFull,
}

/// One sparse Merkle tree of the account depth, in memory.
#[derive(Debug, Clone)]
struct Tree {
    nodes: BTreeMap<NodeKey, Digest>,
    empty: EmptyHashes,
}

impl Tree {
    fn node(&self, level: u8, index: u64) -> Digest {
        self.nodes
            .get(&(level, index))
            .copied()
            .unwrap_or_else(|| self.empty.at(level))
    }

    fn root(&self) -> Digest {
        self.node(ACCOUNT_TREE_DEPTH, 0)
    }

    fn siblings(&self, index: u64) -> Vec<Digest> {
        (0..ACCOUNT_TREE_DEPTH)
            .map(|level| self.node(level, (index >> level) ^ 1))
            .collect()
    }

    fn write(&mut self, index: u64, leaf: Digest) {
        let mut node = leaf;
        self.nodes.insert((0, index), node);
        for level in 0..ACCOUNT_TREE_DEPTH {
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

/// An in-memory chain of accounts that executes transfers block by block.
#[derive(Debug, Clone)]
pub struct TestChain {
    /// The chain.
    pub chain_id: ChainId,
    /// The committed state.
    pub state: StateCommitment,
    accounts: BTreeMap<AccountIndex, Account>,
    by_address: BTreeMap<Address, AccountIndex>,
    tree: Tree,
}

/// An executed block: its witness and its rolling slots hash.
#[derive(Debug, Clone)]
pub struct TestBlock {
    /// What the chunk circuit consumes.
    pub witness: BlockWitness,
    /// The header's `slots_hash`.
    pub slots_hash: Digest,
}

impl TestChain {
    /// A chain whose test accounts `0..balances.len()` hold these balances and their keys.
    pub fn new(chain_id: ChainId, balances: &[u64]) -> Self {
        let mut chain = Self {
            chain_id,
            state: StateCommitment::empty(),
            accounts: BTreeMap::new(),
            by_address: BTreeMap::new(),
            tree: Tree {
                nodes: BTreeMap::new(),
                empty: EmptyHashes::new(ACCOUNT_TREE_DEPTH),
            },
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
        let committed = self.tree.clone();
        let mut witness = BlockWitness {
            state_before: self.state,
            paths: Vec::new(),
            slots: Vec::new(),
        };
        let mut slots_hash = slots_hash_seed();
        let mut recorded = std::collections::BTreeSet::new();
        let slots = ops
            .iter()
            .map(|op| (SlotOp::Priority(op.clone()), op.hash()))
            .chain(
                txs.iter()
                    .map(|tx| (SlotOp::Tx(Box::new(tx.clone())), tx.body.hash())),
            );
        for (op, hash) in slots {
            let writes = match &op {
                SlotOp::Tx(tx) => self.check(tx)?,
                SlotOp::Priority(op) => vec![self.check_priority(op)?],
                SlotOp::Import(_) => unreachable!("no imports here"),
            };
            let mut changes = Vec::with_capacity(writes.len());
            for (index, before, after) in writes {
                let leaf_index = u64::from(index);
                if recorded.insert(leaf_index) {
                    witness.paths.push(LeafPath {
                        tree: TreeId::Accounts,
                        index: leaf_index,
                        leaf: committed.node(0, leaf_index),
                        siblings: committed.siblings(leaf_index),
                    });
                }
                changes.push(LeafChange {
                    tree: TreeId::Accounts,
                    index: leaf_index,
                    old_leaf: before.map_or(ZERO_DIGEST, |account| account.leaf()),
                    new_leaf: after.leaf(),
                    old_account: before,
                    new_account: Some(after),
                });
                if before.is_none() {
                    self.state.next_account_index = index + 1;
                }
                self.put(index, after);
            }
            slots_hash = next_slots_hash(slots_hash, hash);
            witness.slots.push(SlotWitness { op, changes });
        }
        self.state.account_root = self.tree.root();
        Ok(TestBlock {
            witness,
            slots_hash,
        })
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

    /// The writes a transfer makes, as execution checks it: `(index, before, after)`.
    #[allow(clippy::type_complexity)]
    fn check(
        &self,
        tx: &SignedTx,
    ) -> Result<Vec<(AccountIndex, Option<Account>, Account)>, Refused> {
        let body = &tx.body;
        let (to, amount, withdraw) = match body.kind {
            TxKind::Transfer { to, amount } => (to, amount, false),
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => (l1_recipient, amount, true),
            _ => panic!("the test chain executes transfers and withdrawals only"),
        };
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
        sender_after.balance = sender
            .balance
            .checked_sub(amount)
            .ok_or(Refused::InsufficientBalance)?;
        if withdraw {
            return Ok(vec![(sender_index, Some(sender), sender_after)]);
        }
        if to == body.from {
            sender_after.balance = sender.balance;
            return Ok(vec![(sender_index, Some(sender), sender_after)]);
        }
        let (index, before, after) = self.credit(to, amount)?;
        Ok(vec![
            (sender_index, Some(sender), sender_after),
            (index, before, after),
        ])
    }
}
