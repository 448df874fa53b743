//! What the block circuit consumes: per slot, the leaves it changes, and the committed paths
//! of every leaf the block touches.
//!
//! Block production does not hash per slot: it records each leaf change and, the first time a
//! leaf changes, that leaf's path in the committed tree (reads only), then hashes the trees
//! once per block. [`BlockWitness::expand`] turns that compact witness into what the circuit
//! checks slot by slot (each update's siblings and the running roots). Expansion costs one
//! path of hashes per leaf change and belongs to the proving pipeline, off the sequencer's hot
//! path. These types hold plain digests and accounts, nothing of RocksDB: the `execution`
//! crate writes them, the `circuits` crate reads them, and neither depends on the other.

use std::collections::BTreeMap;

use crate::{
    account::Account,
    bridge::{Digest, StateCommitment},
    merkle::{MerkleProof, NodeKey, TreeId},
    tx::{PriorityOp, SignedTx},
};

/// One leaf of one tree going from `old_leaf` to `new_leaf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafChange {
    /// The tree.
    pub tree: TreeId,
    /// The leaf index.
    pub index: u64,
    /// The leaf before.
    pub old_leaf: Digest,
    /// The leaf after.
    pub new_leaf: Digest,
    /// The account before (account tree only; `None` for an empty slot or another tree).
    pub old_account: Option<Account>,
    /// The account after (account tree only).
    pub new_account: Option<Account>,
}

/// A touched leaf's path in the committed tree (before the block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafPath {
    /// The tree.
    pub tree: TreeId,
    /// The leaf index.
    pub index: u64,
    /// The committed leaf.
    pub leaf: Digest,
    /// Its siblings from the leaf level up.
    pub siblings: Vec<Digest>,
}

/// What one slot of the block did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotOp {
    /// A signed L2 transaction.
    Tx(Box<SignedTx>),
    /// An L1 priority operation.
    Priority(PriorityOp),
    /// A message root imported from the bridge's queue.
    Import(Digest),
}

/// The witness of one slot, in block order. An `ExecuteMessage` reads the imported root it
/// proves against: that read is a change of the imported-roots tree whose old and new leaf
/// are equal, so its expanded path is the membership proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotWitness {
    /// The operation.
    pub op: SlotOp,
    /// The leaf changes it made, in order.
    pub changes: Vec<LeafChange>,
}

/// The witness of a block, compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockWitness {
    /// The state before the block, tree by tree.
    pub state_before: StateCommitment,
    /// The committed path of every leaf the block changes, in first-change order.
    pub paths: Vec<LeafPath>,
    /// Every slot, in order.
    pub slots: Vec<SlotWitness>,
}

/// One leaf update with the path valid just before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafUpdate {
    /// The change.
    pub change: LeafChange,
    /// The siblings from the leaf up, just before the change.
    pub siblings: Vec<Digest>,
}

/// One slot as the circuit checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedSlot {
    /// The operation.
    pub op: SlotOp,
    /// Its updates, each with its path.
    pub updates: Vec<LeafUpdate>,
    /// The roots of the trees before the slot, by [`TreeId::position`].
    pub roots_before: [Digest; 3],
    /// The roots after the slot.
    pub roots_after: [Digest; 3],
}

/// Why a witness does not expand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// A recorded path does not lead to the root before the block.
    #[error("the path of leaf {index} does not lead to the root before the block")]
    BadPath {
        /// The leaf.
        index: u64,
    },
    /// A change touches a leaf without a recorded path.
    #[error("leaf {index} changes but has no recorded path")]
    MissingPath {
        /// The leaf.
        index: u64,
    },
    /// A change's old leaf is not the leaf at that point.
    #[error("leaf {index}: the change starts from another leaf than the tree holds")]
    WrongOldLeaf {
        /// The leaf.
        index: u64,
    },
}

impl BlockWitness {
    /// The per-slot witness: each update's siblings just before it and the running roots.
    /// Checks every recorded path against the roots before the block.
    pub fn expand(&self) -> Result<Vec<ExpandedSlot>, WitnessError> {
        let state = &self.state_before;
        let mut trees = [
            Nodes::new(TreeId::Accounts, state.account_root),
            Nodes::new(TreeId::Nullifiers, state.nullifier_root),
            Nodes::new(TreeId::Imported, state.imported_root),
        ];
        for path in &self.paths {
            let nodes = &mut trees[path.tree.position()];
            let proof = MerkleProof {
                index: path.index,
                siblings: path.siblings.clone(),
            };
            if !proof.verify(nodes.root, path.leaf) {
                return Err(WitnessError::BadPath { index: path.index });
            }
            nodes.seed(path);
        }
        let mut expanded = Vec::with_capacity(self.slots.len());
        let roots = |trees: &[Nodes; 3]| [trees[0].root, trees[1].root, trees[2].root];
        for slot in &self.slots {
            let roots_before = roots(&trees);
            let mut updates = Vec::with_capacity(slot.changes.len());
            for change in &slot.changes {
                let nodes = &mut trees[change.tree.position()];
                let siblings = nodes.siblings(change.index)?;
                if nodes.leaf(change.index) != Some(change.old_leaf) {
                    return Err(WitnessError::WrongOldLeaf {
                        index: change.index,
                    });
                }
                let proof = MerkleProof {
                    index: change.index,
                    siblings: siblings.clone(),
                };
                nodes.write_path(&proof, change.new_leaf);
                updates.push(LeafUpdate {
                    change: change.clone(),
                    siblings,
                });
            }
            expanded.push(ExpandedSlot {
                op: slot.op.clone(),
                updates,
                roots_before,
                roots_after: roots(&trees),
            });
        }
        Ok(expanded)
    }
}

/// The nodes of one tree that the witness knows, updated as the slots run.
struct Nodes {
    nodes: BTreeMap<NodeKey, Digest>,
    root: Digest,
    depth: u8,
}

impl Nodes {
    fn new(tree: TreeId, root: Digest) -> Self {
        Self {
            nodes: BTreeMap::new(),
            root,
            depth: tree.depth(),
        }
    }

    /// Records a committed path's leaf and siblings (never over a node already written).
    fn seed(&mut self, path: &LeafPath) {
        self.nodes.entry((0, path.index)).or_insert(path.leaf);
        for (level, sibling) in path.siblings.iter().enumerate() {
            let index = (path.index >> level) ^ 1;
            self.nodes.entry((level as u8, index)).or_insert(*sibling);
        }
    }

    fn leaf(&self, index: u64) -> Option<Digest> {
        self.nodes.get(&(0, index)).copied()
    }

    fn siblings(&self, index: u64) -> Result<Vec<Digest>, WitnessError> {
        (0..self.depth)
            .map(|level| {
                self.nodes
                    .get(&(level, (index >> level) ^ 1))
                    .copied()
                    .ok_or(WitnessError::MissingPath { index })
            })
            .collect()
    }

    /// Sets the leaf and rehashes its path up to the root.
    fn write_path(&mut self, proof: &MerkleProof, leaf: Digest) {
        for (key, digest) in proof.nodes_for(leaf) {
            self.root = digest;
            self.nodes.insert(key, digest);
        }
    }
}
