//! Merkle paths in circuit, for the fixed-depth Poseidon trees of `hyperforge_primitives::merkle`
//! (level 0 the leaves, node `two_to_one(left, right)`, bit `k` of the index = the ancestor
//! at level `k` is a right child).
//!
//! plonky2's `verify_merkle_proof` only checks membership; a state transition needs the root
//! *after* a write. [`CircuitBuilderMerkle::add_merkle_update`] walks the old and the new leaf up
//! the same siblings with the same index bits: two `PoseidonGate` rows per level, the gate's
//! own swap wire ordering each pair (the gate constrains it boolean), so a depth-32 update is
//! 64 rows and a membership proof 32. The index *is* its `depth` bits: each one drives the
//! swap of one level (so it is used, and boolean by the gate's `swap (swap - 1) = 0`), and
//! there is no bit above them, so no index at or above `2^depth` (which would alias another
//! leaf) exists in circuit. Where the index's value matters (a new account at
//! `next_account_index`), [`CircuitBuilderMerkle::index_from_bits`] recomposes it with
//! `ArithmeticGate` operations, cheaper than plonky2's `split_le`, whose generator panics on an
//! index that does not fit instead of letting the constraints refuse it.

use plonky2::field::types::Field;
use plonky2::hash::hash_types::{HashOut, HashOutTarget, NUM_HASH_OUT_ELTS};
use plonky2::hash::hashing::PlonkyPermutation;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::config::AlgebraicHasher;

use crate::Builder;
use crate::error::CircuitError;
use hyperforge_crypto::GFp;

/// A leaf write (or a read, with `old_leaf == new_leaf`) in circuit: the index bits and the
/// siblings, with the roots before and after.
#[derive(Clone, Debug)]
pub struct MerkleUpdateTarget {
    /// Bit `k` of the leaf index, little-endian (boolean: each drives a `PoseidonGate` swap).
    pub index_bits: Vec<BoolTarget>,
    /// The siblings from the leaf level up.
    pub siblings: Vec<HashOutTarget>,
    /// The leaf before.
    pub old_leaf: HashOutTarget,
    /// The leaf after.
    pub new_leaf: HashOutTarget,
    /// The root the siblings give for `old_leaf`.
    pub old_root: HashOutTarget,
    /// The root the siblings give for `new_leaf`.
    pub new_root: HashOutTarget,
}

impl MerkleUpdateTarget {
    /// Sets the index and the siblings (the leaves come from whatever computes them).
    pub fn set_path(
        &self,
        witness: &mut PartialWitness<GFp>,
        index: u64,
        siblings: &[HashOut<GFp>],
    ) -> Result<(), CircuitError> {
        if siblings.len() != self.siblings.len() {
            return Err(CircuitError::PathLength {
                expected: self.siblings.len(),
                got: siblings.len(),
            });
        }
        let depth = self.index_bits.len();
        if index.checked_shr(depth as u32).unwrap_or(0) != 0 {
            return Err(CircuitError::PathIndex { index, depth });
        }
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        for (level, &bit) in self.index_bits.iter().enumerate() {
            witness
                .set_bool_target(bit, (index >> level) & 1 == 1)
                .map_err(witness_error)?;
        }
        for (&target, sibling) in self.siblings.iter().zip(siblings) {
            witness
                .set_hash_target(target, *sibling)
                .map_err(witness_error)?;
        }
        Ok(())
    }
}

/// Merkle paths on a circuit builder.
pub trait CircuitBuilderMerkle {
    /// `sum bits[k] 2^k` (one `ArithmeticGate` operation a bit).
    fn index_from_bits(&mut self, bits: &[BoolTarget]) -> Target;
    /// The root `siblings` give for `leaf` at the index of `bits`: one Poseidon row a level.
    fn merkle_root(
        &mut self,
        leaf: HashOutTarget,
        bits: &[BoolTarget],
        siblings: &[HashOutTarget],
    ) -> HashOutTarget;
    /// The roots before and after `old_leaf` becomes `new_leaf`: two Poseidon rows a level.
    fn merkle_update_roots(
        &mut self,
        old_leaf: HashOutTarget,
        new_leaf: HashOutTarget,
        bits: &[BoolTarget],
        siblings: &[HashOutTarget],
    ) -> (HashOutTarget, HashOutTarget);
    /// A write of a depth-`depth` tree with a new virtual index and siblings.
    fn add_merkle_update(
        &mut self,
        old_leaf: HashOutTarget,
        new_leaf: HashOutTarget,
        depth: usize,
    ) -> MerkleUpdateTarget;
    /// A read (membership): the root `siblings` give for `leaf`, with a new virtual index
    /// and siblings; `old_root == new_root`.
    fn add_merkle_read(&mut self, leaf: HashOutTarget, depth: usize) -> MerkleUpdateTarget;
}

/// `depth` bits, boolean only once [`hash_level`] drives a swap with each.
fn add_virtual_index_bits(builder: &mut Builder, depth: usize) -> Vec<BoolTarget> {
    (0..depth)
        .map(|_| BoolTarget::new_unsafe(builder.add_virtual_target()))
        .collect()
}

/// One level: `two_to_one(node, sibling)`, or `two_to_one(sibling, node)` if `bit`.
fn hash_level(
    builder: &mut Builder,
    node: HashOutTarget,
    sibling: HashOutTarget,
    bit: BoolTarget,
) -> HashOutTarget {
    let zero = builder.zero();
    let mut inputs =
        <PoseidonHash as AlgebraicHasher<GFp>>::AlgebraicPermutation::new(std::iter::repeat(zero));
    inputs.set_from_slice(&node.elements, 0);
    inputs.set_from_slice(&sibling.elements, NUM_HASH_OUT_ELTS);
    let outputs = PoseidonHash::permute_swapped(inputs, bit, builder);
    let mut elements = [zero; NUM_HASH_OUT_ELTS];
    elements.copy_from_slice(&outputs.squeeze()[..NUM_HASH_OUT_ELTS]);
    HashOutTarget { elements }
}

impl CircuitBuilderMerkle for Builder {
    fn index_from_bits(&mut self, bits: &[BoolTarget]) -> Target {
        let one = self.one();
        let mut index = self.zero();
        for bit in bits.iter().rev() {
            index = self.arithmetic(GFp::TWO, GFp::ONE, index, one, bit.target);
        }
        index
    }

    fn merkle_root(
        &mut self,
        leaf: HashOutTarget,
        bits: &[BoolTarget],
        siblings: &[HashOutTarget],
    ) -> HashOutTarget {
        assert_eq!(bits.len(), siblings.len(), "one bit per level");
        bits.iter()
            .zip(siblings)
            .fold(leaf, |node, (&bit, &sibling)| {
                hash_level(self, node, sibling, bit)
            })
    }

    fn merkle_update_roots(
        &mut self,
        old_leaf: HashOutTarget,
        new_leaf: HashOutTarget,
        bits: &[BoolTarget],
        siblings: &[HashOutTarget],
    ) -> (HashOutTarget, HashOutTarget) {
        let old_root = self.merkle_root(old_leaf, bits, siblings);
        let new_root = self.merkle_root(new_leaf, bits, siblings);
        (old_root, new_root)
    }

    fn add_merkle_update(
        &mut self,
        old_leaf: HashOutTarget,
        new_leaf: HashOutTarget,
        depth: usize,
    ) -> MerkleUpdateTarget {
        let index_bits = add_virtual_index_bits(self, depth);
        let siblings: Vec<HashOutTarget> = (0..depth).map(|_| self.add_virtual_hash()).collect();
        let (old_root, new_root) =
            self.merkle_update_roots(old_leaf, new_leaf, &index_bits, &siblings);
        MerkleUpdateTarget {
            index_bits,
            siblings,
            old_leaf,
            new_leaf,
            old_root,
            new_root,
        }
    }

    fn add_merkle_read(&mut self, leaf: HashOutTarget, depth: usize) -> MerkleUpdateTarget {
        let index_bits = add_virtual_index_bits(self, depth);
        let siblings: Vec<HashOutTarget> = (0..depth).map(|_| self.add_virtual_hash()).collect();
        let root = self.merkle_root(leaf, &index_bits, &siblings);
        MerkleUpdateTarget {
            index_bits,
            siblings,
            old_leaf: leaf,
            new_leaf: leaf,
            old_root: root,
            new_root: root,
        }
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_primitives::bridge::{F, hash_no_pad};
    use hyperforge_primitives::merkle::{EmptyHashes, MerkleProof};
    use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};
    use std::sync::LazyLock;

    use super::*;
    use crate::{Config, D};

    const DEPTH: usize = 8;

    /// A depth-8 update circuit with the old and new leaf and both roots as public inputs.
    struct UpdateCircuit {
        data: CircuitData<GFp, Config, D>,
        update: MerkleUpdateTarget,
    }

    static UPDATE: LazyLock<UpdateCircuit> = LazyLock::new(|| {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let old_leaf = builder.add_virtual_hash();
        let new_leaf = builder.add_virtual_hash();
        let update = builder.add_merkle_update(old_leaf, new_leaf, DEPTH);
        builder.register_public_inputs(&update.old_leaf.elements);
        builder.register_public_inputs(&update.new_leaf.elements);
        builder.register_public_inputs(&update.old_root.elements);
        builder.register_public_inputs(&update.new_root.elements);
        UpdateCircuit {
            data: builder.build::<Config>(),
            update,
        }
    });

    fn leaf(seed: u64) -> HashOut<F> {
        hash_no_pad(&[F::from_canonical_u64(seed)])
    }

    /// A path of a sparse tree holding leaf 1 at index 2 besides the leaf at `index`.
    fn siblings_for(index: u64) -> Vec<HashOut<F>> {
        let empty = EmptyHashes::new(DEPTH as u8);
        let mut siblings: Vec<_> = (0..DEPTH as u8).map(|level| empty.at(level)).collect();
        if index != 2 {
            // The first level where index and 2 part ways holds the subtree with leaf 1.
            let level = (63 - (index ^ 2).leading_zeros()) as usize;
            let mut node = leaf(1);
            for l in 0..level {
                node = if (2u64 >> l) & 1 == 0 {
                    hash_no_pad(&[node.elements, empty.at(l as u8).elements].concat())
                } else {
                    hash_no_pad(&[empty.at(l as u8).elements, node.elements].concat())
                };
            }
            siblings[level] = node;
        }
        siblings
    }

    /// Proves an update with these values; returns the public roots on success.
    fn prove(
        index: u64,
        siblings: &[HashOut<F>],
        old: HashOut<F>,
        new: HashOut<F>,
    ) -> anyhow::Result<(Vec<F>, Vec<F>)> {
        let circuit = &*UPDATE;
        let mut witness = PartialWitness::new();
        circuit.update.set_path(&mut witness, index, siblings)?;
        witness.set_hash_target(circuit.update.old_leaf, old)?;
        witness.set_hash_target(circuit.update.new_leaf, new)?;
        let proof = circuit.data.prove(witness)?;
        let inputs = proof.public_inputs.clone();
        circuit.data.verify(proof)?;
        Ok((inputs[8..12].to_vec(), inputs[12..16].to_vec()))
    }

    #[test]
    fn update_computes_both_roots_as_the_native_path_does() {
        for index in [0u64, 5, 200, 255] {
            let siblings = siblings_for(index);
            let proof = MerkleProof {
                index,
                siblings: siblings.clone(),
            };
            let (old, new) = (leaf(10 + index), leaf(20 + index));
            let (old_root, new_root) = prove(index, &siblings, old, new).unwrap();
            assert_eq!(old_root, proof.root_for(old).elements.to_vec(), "{index}");
            assert_eq!(new_root, proof.root_for(new).elements.to_vec(), "{index}");
        }
    }

    #[test]
    fn an_index_beyond_the_depth_is_no_path() {
        // A path of 8 levels has 8 index bits: index 5 + 256 would alias leaf 5.
        let siblings = siblings_for(5);
        let mut witness = PartialWitness::new();
        assert!(matches!(
            UPDATE.update.set_path(&mut witness, 5 + 256, &siblings),
            Err(CircuitError::PathIndex { .. })
        ));
    }

    #[test]
    fn update_rows_are_two_poseidon_rows_per_level() {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let (old, new) = (builder.add_virtual_hash(), builder.add_virtual_hash());
        builder.zero();
        let start = builder.num_gates();
        builder.add_merkle_update(old, new, 32);
        assert_eq!(builder.num_gates() - start, 2 * 32);
        let start = builder.num_gates();
        builder.add_merkle_read(old, 42);
        assert_eq!(builder.num_gates() - start, 42);
    }

    #[test]
    fn index_from_bits_recomposes_the_index() {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let leaf_target = builder.add_virtual_hash();
        let read = builder.add_merkle_read(leaf_target, DEPTH);
        let index = builder.index_from_bits(&read.index_bits);
        builder.register_public_input(index);
        let data = builder.build::<Config>();
        let mut witness = PartialWitness::new();
        read.set_path(&mut witness, 201, &siblings_for(201))
            .unwrap();
        witness.set_hash_target(leaf_target, leaf(3)).unwrap();
        let proof = data.prove(witness).unwrap();
        assert_eq!(proof.public_inputs, vec![F::from_canonical_u64(201)]);
    }
}
