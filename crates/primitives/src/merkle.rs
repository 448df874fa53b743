//! The one Merkle path type every tree uses (account, nullifier and imported-roots trees, a
//! batch's outbox), the empty-subtree roots, and the fixed depths of the trees.
//!
//! Levels count from the leaves: level 0 holds the leaves, level `depth` the root. An internal
//! node is `two_to_one(left, right)`; the empty leaf is `[0; 4]`. Bit `k` of a leaf's index
//! says whether its ancestor at level `k` is a right child (1) or a left child (0). Every tree
//! has a fixed depth, so a path of another length is never a path of that tree
//! ([`MerkleProof::verify_in`] refuses it).

use plonky2::{hash::poseidon::PoseidonHash, plonk::config::Hasher};

use crate::bridge::{Digest, ZERO_DIGEST};

/// Where a node is: its level (0 = leaves) and its index within the level.
pub type NodeKey = (u8, u64);

/// Depth of the account tree: 2^32 accounts, keyed by account index.
pub const ACCOUNT_TREE_DEPTH: u8 = 32;
/// Depth of the nullifier tree: keyed by [`crate::tx::nullifier_key`], `import index (32
/// bits) | leaf index (10 bits)`, a position, never a hash (nothing to grind).
pub const NULLIFIER_TREE_DEPTH: u8 = 42;
/// Depth of the imported message roots tree: keyed by import index (the position in the
/// bridge's message root queue).
pub const IMPORTED_TREE_DEPTH: u8 = 32;

/// Which tree a leaf belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TreeId {
    /// Accounts, by index.
    Accounts = 1,
    /// Executed cross-chain messages, by position.
    Nullifiers = 2,
    /// Message roots imported from L1, by import index.
    Imported = 3,
}

impl TreeId {
    /// Every tree of a chain's state.
    pub const ALL: [TreeId; 3] = [Self::Accounts, Self::Nullifiers, Self::Imported];

    /// The tree's fixed depth.
    pub fn depth(self) -> u8 {
        match self {
            Self::Accounts => ACCOUNT_TREE_DEPTH,
            Self::Nullifiers => NULLIFIER_TREE_DEPTH,
            Self::Imported => IMPORTED_TREE_DEPTH,
        }
    }

    /// The tree's position in [`TreeId::ALL`].
    pub fn position(self) -> usize {
        self as usize - 1
    }
}

/// The roots of empty subtrees of every height up to a depth.
#[derive(Debug, Clone)]
pub struct EmptyHashes(Vec<Digest>);

impl EmptyHashes {
    /// Empty roots for heights `0..=depth`.
    #[inline]
    pub fn new(depth: u8) -> Self {
        let mut hashes = vec![ZERO_DIGEST];
        for level in 0..depth as usize {
            hashes.push(PoseidonHash::two_to_one(hashes[level], hashes[level]));
        }
        Self(hashes)
    }

    /// The root of an empty subtree whose leaves are `level` levels below it.
    pub fn at(&self, level: u8) -> Digest {
        self.0[level as usize]
    }
}

/// The root of an empty tree of `depth` levels.
pub fn empty_root(depth: u8) -> Digest {
    EmptyHashes::new(depth).at(depth)
}

/// A Merkle path: the leaf's index and its siblings from the leaf level up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleProof {
    /// The leaf's index.
    pub index: u64,
    /// The sibling at each level, leaves first.
    pub siblings: Vec<Digest>,
}

impl MerkleProof {
    /// The root this path gives for `leaf`.
    #[inline]
    pub fn root_for(&self, leaf: Digest) -> Digest {
        self.siblings
            .iter()
            .enumerate()
            .fold(leaf, |node, (level, sibling)| {
                if (self.index >> level) & 1 == 0 {
                    PoseidonHash::two_to_one(node, *sibling)
                } else {
                    PoseidonHash::two_to_one(*sibling, node)
                }
            })
    }

    /// The nodes on the path with `leaf` at `self.index`, leaf first, root last: what setting
    /// the leaf writes (`siblings.len()` hashes).
    #[inline]
    pub fn nodes_for(&self, leaf: Digest) -> Vec<(NodeKey, Digest)> {
        let mut written = Vec::with_capacity(self.siblings.len() + 1);
        let mut node = leaf;
        written.push(((0, self.index), node));
        for (level, sibling) in self.siblings.iter().enumerate() {
            node = if (self.index >> level) & 1 == 0 {
                PoseidonHash::two_to_one(node, *sibling)
            } else {
                PoseidonHash::two_to_one(*sibling, node)
            };
            // The root of a depth-64 tree sits 64 shifts up: `>>` by 64 would overflow.
            let parent = self.index.checked_shr(level as u32 + 1).unwrap_or(0);
            written.push(((level as u8 + 1, parent), node));
        }
        written
    }

    /// Membership: `leaf` sits at `self.index` under `root`.
    #[inline]
    pub fn verify(&self, root: Digest, leaf: Digest) -> bool {
        self.root_for(leaf) == root
    }

    /// Membership in a tree of exactly `depth` levels: the path has `depth` siblings and every
    /// bit of the index is used (no index at or above `2^depth`, which would alias another).
    #[inline]
    pub fn verify_in(&self, depth: u8, root: Digest, leaf: Digest) -> bool {
        self.siblings.len() == usize::from(depth)
            && self.index.checked_shr(u32::from(depth)).unwrap_or(0) == 0
            && self.verify(root, leaf)
    }

    /// Non-membership: the slot `self.index` is empty under `root`.
    #[inline]
    pub fn verify_empty(&self, root: Digest) -> bool {
        self.verify(root, ZERO_DIGEST)
    }
}

#[cfg(test)]
mod tests {
    use plonky2::field::types::Field;

    use super::*;
    use crate::bridge::{F, hash_no_pad};

    #[test]
    fn verify_in_refuses_other_lengths_and_unused_index_bits() {
        let leaf = hash_no_pad(&[F::ONE]);
        let empty = EmptyHashes::new(4);
        let proof = MerkleProof {
            index: 5,
            siblings: (0..4).map(|level| empty.at(level)).collect(),
        };
        let root = proof.root_for(leaf);
        assert!(proof.verify_in(4, root, leaf));
        assert!(!proof.verify_in(3, root, leaf), "a shorter tree");
        let mut aliased = proof.clone();
        aliased.index += 16;
        assert!(aliased.verify(root, leaf), "bit 4 is never read ...");
        assert!(!aliased.verify_in(4, root, leaf), "... so it must be zero");
        let mut longer = proof.clone();
        longer.siblings.push(ZERO_DIGEST);
        assert!(!longer.verify_in(4, longer.root_for(leaf), leaf));
    }
}
