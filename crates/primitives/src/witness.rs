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
    tx::{DecodeError, PriorityOp, Reader, SignedTx, digest_to_bytes},
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

/// Version byte at the start of [`BlockWitness::encode`]'s form.
const WITNESS_VERSION: u8 = 1;

impl BlockWitness {
    /// The canonical encoding, for storage and for proving jobs: a version byte, the state
    /// before (three roots as 32-byte digests, `next_account_index` u32, `imported_count`
    /// u64), the paths (count u32; each: tree u8, index u64, leaf, siblings count u8 and
    /// digests) and the slots (count u32; each: op tag u8 (1 transaction, 2 priority
    /// operation, 3 import), its length-prefixed bytes, then its changes (count u32; each:
    /// tree, index, old and new leaf, and the old and new account, each as a presence byte
    /// and 64 bytes)). Integers are big-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.paths.len() * 1_100 + self.slots.len() * 400);
        out.push(WITNESS_VERSION);
        let state = &self.state_before;
        for root in [
            state.account_root,
            state.nullifier_root,
            state.imported_root,
        ] {
            out.extend_from_slice(&digest_to_bytes(&root));
        }
        out.extend_from_slice(&state.next_account_index.to_be_bytes());
        out.extend_from_slice(&state.imported_count.to_be_bytes());
        out.extend_from_slice(&(self.paths.len() as u32).to_be_bytes());
        for path in &self.paths {
            out.push(path.tree as u8);
            out.extend_from_slice(&path.index.to_be_bytes());
            out.extend_from_slice(&digest_to_bytes(&path.leaf));
            out.push(path.siblings.len() as u8);
            for sibling in &path.siblings {
                out.extend_from_slice(&digest_to_bytes(sibling));
            }
        }
        out.extend_from_slice(&(self.slots.len() as u32).to_be_bytes());
        for slot in &self.slots {
            let (tag, bytes) = match &slot.op {
                SlotOp::Tx(tx) => (1, tx.encode()),
                SlotOp::Priority(op) => (2, op.encode()),
                SlotOp::Import(root) => (3, digest_to_bytes(root).to_vec()),
            };
            out.push(tag);
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(&bytes);
            out.extend_from_slice(&(slot.changes.len() as u32).to_be_bytes());
            for change in &slot.changes {
                out.push(change.tree as u8);
                out.extend_from_slice(&change.index.to_be_bytes());
                out.extend_from_slice(&digest_to_bytes(&change.old_leaf));
                out.extend_from_slice(&digest_to_bytes(&change.new_leaf));
                for account in [&change.old_account, &change.new_account] {
                    match account {
                        Some(account) => {
                            out.push(1);
                            out.extend_from_slice(&account.encode());
                        }
                        None => out.push(0),
                    }
                }
            }
        }
        out
    }

    /// Reads [`Self::encode`]'s form; transaction payloads may be up to `max_payload` bytes.
    /// Refuses an unknown version, tree or tag, a path longer than its tree is deep,
    /// non-canonical digests and trailing bytes. It does not check the paths against the
    /// roots: [`Self::expand`] does.
    pub fn decode(bytes: &[u8], max_payload: usize) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes, max_payload);
        let version = reader.u8()?;
        if version != WITNESS_VERSION {
            return Err(DecodeError::UnknownTag(version));
        }
        let state_before = StateCommitment {
            account_root: reader.digest()?,
            nullifier_root: reader.digest()?,
            imported_root: reader.digest()?,
            next_account_index: reader.u32()?,
            imported_count: reader.u64()?,
        };
        let count = reader.u32()? as usize;
        let mut paths = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            let tree = read_tree(&mut reader)?;
            let index = reader.u64()?;
            let leaf = reader.digest()?;
            let len = reader.u8()?;
            if len != tree.depth() {
                return Err(DecodeError::Inconsistent(
                    "a witness path's length is not its tree's depth",
                ));
            }
            let siblings = (0..len)
                .map(|_| reader.digest())
                .collect::<Result<_, _>>()?;
            paths.push(LeafPath {
                tree,
                index,
                leaf,
                siblings,
            });
        }
        let count = reader.u32()? as usize;
        let mut slots = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            let tag = reader.u8()?;
            let len = reader.u32()? as usize;
            let body = reader.bytes(len)?;
            let op = match tag {
                1 => SlotOp::Tx(Box::new(SignedTx::decode(body, max_payload)?)),
                2 => SlotOp::Priority(PriorityOp::decode(body)?),
                3 => {
                    let mut root = Reader::new(body, 0);
                    let digest = root.digest()?;
                    root.finish()?;
                    SlotOp::Import(digest)
                }
                other => return Err(DecodeError::UnknownTag(other)),
            };
            let changes_count = reader.u32()? as usize;
            let mut changes = Vec::with_capacity(changes_count.min(64));
            for _ in 0..changes_count {
                let tree = read_tree(&mut reader)?;
                let index = reader.u64()?;
                let old_leaf = reader.digest()?;
                let new_leaf = reader.digest()?;
                let old_account = read_account(&mut reader)?;
                let new_account = read_account(&mut reader)?;
                changes.push(LeafChange {
                    tree,
                    index,
                    old_leaf,
                    new_leaf,
                    old_account,
                    new_account,
                });
            }
            slots.push(SlotWitness { op, changes });
        }
        reader.finish()?;
        Ok(Self {
            state_before,
            paths,
            slots,
        })
    }

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

/// A tree id byte.
fn read_tree(reader: &mut Reader<'_>) -> Result<TreeId, DecodeError> {
    match reader.u8()? {
        1 => Ok(TreeId::Accounts),
        2 => Ok(TreeId::Nullifiers),
        3 => Ok(TreeId::Imported),
        other => Err(DecodeError::UnknownTag(other)),
    }
}

/// An optional account: a presence byte, then its 64-byte record.
fn read_account(reader: &mut Reader<'_>) -> Result<Option<Account>, DecodeError> {
    match reader.u8()? {
        0 => Ok(None),
        1 => Account::decode(reader.bytes(64)?).map(Some),
        other => Err(DecodeError::UnknownTag(other)),
    }
}
