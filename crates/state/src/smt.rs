//! Poseidon sparse Merkle trees of fixed depth, over any node source. The path type
//! ([`MerkleProof`]) and the empty-subtree roots are `hyperforge_primitives::merkle`'s, the one
//! definition every tree of the protocol shares.
//!
//! Levels count from the leaves: level 0 holds the leaves, level `depth` the root. A node that
//! was never written holds the root of an empty subtree of its height, [`EmptyHashes`], so a
//! tree of depth 32 costs storage only for the paths actually used. The empty leaf is
//! `HashOut::ZERO`; an internal node is `PoseidonHash::two_to_one(left, right)`.

use std::collections::{BTreeMap, BTreeSet};

pub use hyperforge_primitives::merkle::{EmptyHashes, MerkleProof, NodeKey};
use plonky2::{hash::poseidon::PoseidonHash, plonk::config::Hasher};

use crate::StateError;

/// A Poseidon digest over Goldilocks: four field elements.
pub type Digest = hyperforge_primitives::bridge::Digest;

/// Reads nodes; `None` means "never written", i.e. the empty subtree root.
pub trait NodeSource {
    /// The stored node at `key`, if any. A failed read is an error, never an empty node:
    /// taking it for one would give a wrong root.
    fn node(&self, key: NodeKey) -> Result<Option<Digest>, StateError>;
}

/// A sparse Merkle tree's shape: its depth and the empty hashes that go with it.
#[derive(Debug, Clone)]
pub struct SparseMerkleTree {
    depth: u8,
    empty: EmptyHashes,
}

impl SparseMerkleTree {
    /// A tree of `depth` levels below the root (at most 64).
    pub fn new(depth: u8) -> Self {
        assert!(
            (1..=64).contains(&depth),
            "tree depth {depth} is out of range 1..=64"
        );
        Self {
            depth,
            empty: EmptyHashes::new(depth),
        }
    }

    /// The depth.
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// The number of leaves.
    pub fn capacity(&self) -> u128 {
        1u128 << self.depth
    }

    /// The root of the empty tree.
    pub fn empty_root(&self) -> Digest {
        self.empty.at(self.depth)
    }

    /// The node at `key`, or the empty root of its height.
    pub fn node(&self, source: &impl NodeSource, key: NodeKey) -> Result<Digest, StateError> {
        Ok(source.node(key)?.unwrap_or_else(|| self.empty.at(key.0)))
    }

    /// The root.
    pub fn root(&self, source: &impl NodeSource) -> Result<Digest, StateError> {
        self.node(source, (self.depth, 0))
    }

    /// The leaf at `index`.
    pub fn leaf(&self, source: &impl NodeSource, index: u64) -> Result<Digest, StateError> {
        self.node(source, (0, index))
    }

    /// The Merkle path of the leaf at `index`.
    pub fn prove(&self, source: &impl NodeSource, index: u64) -> Result<MerkleProof, StateError> {
        let siblings = (0..self.depth)
            .map(|level| self.node(source, (level, (index >> level) ^ 1)))
            .collect::<Result<_, _>>()?;
        Ok(MerkleProof { index, siblings })
    }

    /// Sets one leaf given its current path (from [`Self::prove`]), and returns the nodes on
    /// the path up to the root, root included: no node is read, `depth` hashes are made.
    pub fn update_along(&self, proof: &MerkleProof, leaf: Digest) -> Vec<(NodeKey, Digest)> {
        proof.nodes_for(leaf)
    }

    /// Sets leaves and recomputes every node above them, hashing each shared upper node once
    /// however many leaves below it changed. Returns the written nodes, root included, for
    /// the caller to store; later `updates` of the same index win.
    pub fn update(
        &self,
        source: &impl NodeSource,
        updates: &[(u64, Digest)],
    ) -> Result<BTreeMap<NodeKey, Digest>, StateError> {
        let mut written: BTreeMap<NodeKey, Digest> = BTreeMap::new();
        let mut dirty: BTreeSet<u64> = BTreeSet::new();
        for (index, leaf) in updates {
            debug_assert!(
                u128::from(*index) < self.capacity(),
                "leaf index {index} out of range"
            );
            written.insert((0, *index), *leaf);
            dirty.insert(*index);
        }
        for level in 0..self.depth {
            let parents: BTreeSet<u64> = dirty.iter().map(|index| index >> 1).collect();
            for &parent in &parents {
                let child = |index: u64| match written.get(&(level, index)) {
                    Some(digest) => Ok(*digest),
                    None => self.node(source, (level, index)),
                };
                let hash = PoseidonHash::two_to_one(child(parent << 1)?, child((parent << 1) | 1)?);
                written.insert((level + 1, parent), hash);
            }
            dirty = parents;
        }
        Ok(written)
    }
}

/// Nodes held in memory, for overlays and tests.
impl NodeSource for BTreeMap<NodeKey, Digest> {
    fn node(&self, key: NodeKey) -> Result<Option<Digest>, StateError> {
        Ok(self.get(&key).copied())
    }
}

#[cfg(test)]
mod tests {
    use plonky2::field::{goldilocks_field::GoldilocksField, types::Field};
    use proptest::prelude::*;

    use super::*;

    fn leaf(n: u64) -> Digest {
        PoseidonHash::hash_no_pad(&[GoldilocksField::from_canonical_u64(n)])
    }

    /// The root by brute force over every leaf of a small tree.
    fn naive_root(depth: u8, leaves: &BTreeMap<u64, Digest>) -> Digest {
        let mut level: Vec<Digest> = (0..1u64 << depth)
            .map(|i| leaves.get(&i).copied().unwrap_or(Digest::ZERO))
            .collect();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| PoseidonHash::two_to_one(pair[0], pair[1]))
                .collect();
        }
        level[0]
    }

    #[test]
    fn empty_tree_root_matches_naive_root() {
        let tree = SparseMerkleTree::new(4);
        assert_eq!(
            tree.root(&BTreeMap::new()).unwrap(),
            naive_root(4, &BTreeMap::new())
        );
    }

    #[test]
    fn membership_and_non_membership_proofs_verify_and_reject_tampering() {
        let tree = SparseMerkleTree::new(32);
        let mut nodes = BTreeMap::new();
        nodes.extend(
            tree.update(&nodes, &[(7, leaf(1)), (1 << 31, leaf(2))])
                .unwrap(),
        );
        let root = tree.root(&nodes).unwrap();

        let proof = tree.prove(&nodes, 7).unwrap();
        assert!(proof.verify(root, leaf(1)));
        assert!(!proof.verify(root, leaf(3)), "wrong leaf");
        let empty = tree.prove(&nodes, 8).unwrap();
        assert!(empty.verify_empty(root));
        assert!(!proof.verify_empty(root), "occupied slot is not empty");
        let mut forged = proof.clone();
        forged.siblings[5] = leaf(9);
        assert!(!forged.verify(root, leaf(1)), "tampered sibling");
    }

    #[test]
    fn update_along_a_path_equals_update() {
        let tree = SparseMerkleTree::new(8);
        let mut nodes = BTreeMap::new();
        nodes.extend(
            tree.update(&nodes, &[(3, leaf(1)), (200, leaf(2))])
                .unwrap(),
        );
        let proof = tree.prove(&nodes, 200).unwrap();
        let along: BTreeMap<NodeKey, Digest> =
            tree.update_along(&proof, leaf(7)).into_iter().collect();
        assert_eq!(along, tree.update(&nodes, &[(200, leaf(7))]).unwrap());
    }

    proptest! {
        #[test]
        fn batched_updates_equal_one_by_one_and_naive(updates in proptest::collection::vec((0u64..64, 0u64..1000), 1..40)) {
            let tree = SparseMerkleTree::new(6);
            let updates: Vec<(u64, Digest)> = updates.into_iter().map(|(i, v)| (i, leaf(v))).collect();

            let mut batched = BTreeMap::new();
            batched.extend(tree.update(&batched, &updates).unwrap());

            let mut one_by_one = BTreeMap::new();
            for update in &updates {
                let written = tree.update(&one_by_one, std::slice::from_ref(update)).unwrap();
                one_by_one.extend(written);
            }
            let leaves: BTreeMap<u64, Digest> = updates.iter().copied().collect();
            let root = tree.root(&batched).unwrap();
            prop_assert_eq!(root, tree.root(&one_by_one).unwrap());
            prop_assert_eq!(root, naive_root(6, &leaves));
            for (index, value) in &leaves {
                prop_assert!(tree.prove(&batched, *index).unwrap().verify(root, *value));
            }
        }
    }
}
