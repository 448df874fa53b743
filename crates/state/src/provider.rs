//! [`StateProvider`]: what the state transition reads, as a trait (like reth's
//! `StateProvider`), with the RocksDB [`Store`] as one implementation and [`MemoryState`], a
//! plain in-memory one, as another; [`StateCommit`] applies a block's [`BlockCommit`] to
//! either. Genesis and replay run over any of them, so computing a genesis root or checking a
//! chain needs no database.

use std::collections::BTreeMap;

use hyperforge_primitives::{Address, merkle::NodeKey};

use crate::{
    Account, AccountIndex, BlockCommit, Digest, Head, SparseMerkleTree, StateError, Store, TreeId,
    smt::NodeSource,
};

/// The committed state a block is built on.
pub trait StateProvider {
    /// The last committed block and the state after it.
    fn head(&self) -> Head;
    /// A tree's shape (depth, empty hashes).
    fn tree(&self, tree: TreeId) -> &SparseMerkleTree;
    /// A committed node of `tree`; `None`: never written (the empty subtree's root).
    fn node(&self, tree: TreeId, key: NodeKey) -> Result<Option<Digest>, StateError>;
    /// The account at `index`.
    fn account(&self, index: AccountIndex) -> Result<Option<Account>, StateError>;
    /// The index of `address`'s account.
    fn account_index(&self, address: &Address) -> Result<Option<AccountIndex>, StateError>;
    /// The message hash executed under nullifier `key`.
    fn nullifier(&self, key: u64) -> Result<Option<Digest>, StateError>;
    /// The message root imported at `index`.
    fn imported_root(&self, index: u64) -> Result<Option<Digest>, StateError>;
}

/// A state a block's changes can be committed to.
pub trait StateCommit: StateProvider {
    /// Applies `commit` (the next block) atomically; refuses one that does not follow the head.
    fn commit_block(&mut self, commit: &BlockCommit) -> Result<Head, StateError>;
}

/// The committed nodes of one tree of a [`StateProvider`], as a [`NodeSource`].
#[derive(Debug)]
pub struct TreeNodes<'a, P: ?Sized> {
    provider: &'a P,
    tree: TreeId,
}

impl<'a, P: StateProvider + ?Sized> TreeNodes<'a, P> {
    /// The nodes of `tree` in `provider`.
    pub fn new(provider: &'a P, tree: TreeId) -> Self {
        Self { provider, tree }
    }
}

impl<P: StateProvider + ?Sized> NodeSource for TreeNodes<'_, P> {
    fn node(&self, key: NodeKey) -> Result<Option<Digest>, StateError> {
        self.provider.node(self.tree, key)
    }
}

impl StateProvider for Store {
    fn head(&self) -> Head {
        Store::head(self)
    }

    fn tree(&self, tree: TreeId) -> &SparseMerkleTree {
        Store::tree(self, tree)
    }

    fn node(&self, tree: TreeId, key: NodeKey) -> Result<Option<Digest>, StateError> {
        self.nodes(tree).node(key)
    }

    fn account(&self, index: AccountIndex) -> Result<Option<Account>, StateError> {
        Store::account(self, index)
    }

    fn account_index(&self, address: &Address) -> Result<Option<AccountIndex>, StateError> {
        Store::account_index(self, address)
    }

    fn nullifier(&self, key: u64) -> Result<Option<Digest>, StateError> {
        Store::nullifier(self, key)
    }

    fn imported_root(&self, index: u64) -> Result<Option<Digest>, StateError> {
        Store::imported_root(self, index)
    }
}

impl StateCommit for Store {
    fn commit_block(&mut self, commit: &BlockCommit) -> Result<Head, StateError> {
        self.commit(commit)
    }
}

/// A chain's state in memory: the trees' nodes, accounts, nullifiers and imports, and the
/// head. Blocks, receipts and the other records the sequencer keeps are not state and are not
/// kept.
#[derive(Debug, Clone)]
pub struct MemoryState {
    trees: [SparseMerkleTree; 3],
    nodes: BTreeMap<(TreeId, NodeKey), Digest>,
    accounts: BTreeMap<AccountIndex, Account>,
    addresses: BTreeMap<Address, AccountIndex>,
    nullifiers: BTreeMap<u64, Digest>,
    imported: BTreeMap<u64, Digest>,
    head: Head,
}

impl Default for MemoryState {
    fn default() -> Self {
        Self {
            trees: TreeId::ALL.map(|tree| SparseMerkleTree::new(tree.depth())),
            nodes: BTreeMap::new(),
            accounts: BTreeMap::new(),
            addresses: BTreeMap::new(),
            nullifiers: BTreeMap::new(),
            imported: BTreeMap::new(),
            head: Head::empty(),
        }
    }
}

impl MemoryState {
    /// An empty state, before genesis.
    pub fn new() -> Self {
        Self::default()
    }
}

impl StateProvider for MemoryState {
    fn head(&self) -> Head {
        self.head
    }

    fn tree(&self, tree: TreeId) -> &SparseMerkleTree {
        &self.trees[tree.position()]
    }

    fn node(&self, tree: TreeId, key: NodeKey) -> Result<Option<Digest>, StateError> {
        Ok(self.nodes.get(&(tree, key)).copied())
    }

    fn account(&self, index: AccountIndex) -> Result<Option<Account>, StateError> {
        Ok(self.accounts.get(&index).copied())
    }

    fn account_index(&self, address: &Address) -> Result<Option<AccountIndex>, StateError> {
        Ok(self.addresses.get(address).copied())
    }

    fn nullifier(&self, key: u64) -> Result<Option<Digest>, StateError> {
        Ok(self.nullifiers.get(&key).copied())
    }

    fn imported_root(&self, index: u64) -> Result<Option<Digest>, StateError> {
        Ok(self.imported.get(&index).copied())
    }
}

impl StateCommit for MemoryState {
    fn commit_block(&mut self, commit: &BlockCommit) -> Result<Head, StateError> {
        let expected = self.head.block_number.map_or(0, |number| number + 1);
        if commit.number != expected {
            return Err(StateError::OutOfOrder {
                head: self.head.block_number,
                got: commit.number,
            });
        }
        self.nodes.extend(
            commit
                .nodes
                .iter()
                .map(|(tree, key, digest)| ((*tree, *key), *digest)),
        );
        self.accounts.extend(commit.accounts.iter().copied());
        self.addresses.extend(commit.new_addresses.iter().copied());
        self.nullifiers.extend(commit.nullifiers.iter().copied());
        self.imported.extend(commit.imports.iter().copied());
        self.head = commit.head;
        Ok(self.head)
    }
}
