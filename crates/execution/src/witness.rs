//! What the block circuit consumes: per slot, the leaves it changes and their paths.
//!
//! These types hold plain digests and accounts, nothing of RocksDB: the prover receives
//! them over the network and the circuit checks each [`LeafUpdate`] against the running root.

use hyperforge_primitives::tx::{PriorityOp, SignedTx};
use hyperforge_state::{Account, Digest, TreeId};

/// One leaf of one tree going from `old` to `new`, with the path valid before the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafUpdate {
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
    /// The siblings from the leaf up, before the change.
    pub siblings: Vec<Digest>,
}

/// What one slot of the block did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotOp {
    /// A signed L2 transaction.
    Tx(Box<SignedTx>),
    /// An L1 priority operation.
    Priority(PriorityOp),
}

/// The witness of one slot, in block order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotWitness {
    /// The operation.
    pub op: SlotOp,
    /// The tree updates it made, in order.
    pub updates: Vec<LeafUpdate>,
    /// The account root before the slot.
    pub root_before: Digest,
    /// The account root after the slot.
    pub root_after: Digest,
}

/// The witness of a block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockWitness {
    /// Every slot, in order.
    pub slots: Vec<SlotWitness>,
}
