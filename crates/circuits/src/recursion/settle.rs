//! One proof for many chains: batch proofs (of any chains, in settlement order) become the
//! leaves of a Merkle tree whose root is the settlement commitment
//! (`hyperforge_primitives::bridge::settlement_commitment`). A leaf circuit verifies one
//! batch proof (the top of a batch tree, leaf or step), checks that its segment is a whole
//! batch and wraps it into `hash_no_pad(its 40 public inputs)` (`BatchPublicInputs`, the
//! batch number a witness of the settler's: the bridge rebuilds the same hash from its own
//! records), a step circuit joins two subtrees of one height (the right one may be empty:
//! the list is padded to a power of two), the root circuit exposes the commitment alone and
//! is what [`super::shrink`] compresses.

use hyperforge_crypto::GFp;
use hyperforge_primitives::bridge::{PUBLIC_INPUTS_PER_BATCH, ZERO_DIGEST, two_to_one};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::WitnessWrite;
use plonky2::plonk::circuit_data::CircuitData;
use plonky2::plonk::proof::ProofWithPublicInputs;

use super::batch::{BatchCircuits, BatchProof, whole_batch};
use super::cache::CircuitCache;
use super::tree::{
    InnerProof, TopCircuit, TreeCircuits, TreeKind, TreeProof, hash_at, select_hash,
};
use crate::error::CircuitError;
use crate::{Builder, Config, D};

/// Subtree heights the step circuit knows the empty root of: at most `2^16` batches.
pub const MAX_HEIGHT: usize = 16;

const COMMITMENT: usize = 0;
const HEIGHT: usize = 4;

/// Roots of empty subtrees: `[0; 4]` at height 0, `two_to_one(e, e)` above.
pub fn empty_subtree_roots() -> [hyperforge_primitives::tx::Digest; MAX_HEIGHT] {
    let mut roots = [ZERO_DIGEST; MAX_HEIGHT];
    for height in 1..MAX_HEIGHT {
        roots[height] = two_to_one(roots[height - 1], roots[height - 1]);
    }
    roots
}

/// A settlement proof (of the root circuit): its public inputs are the settlement
/// commitment's four elements.
#[derive(Debug, Clone)]
pub struct SettlementProof(pub ProofWithPublicInputs<GFp, Config, D>);

/// The settlement tree: its leaf checks a batch proof is a whole batch and hashes its public
/// inputs, its step joins two subtrees of one height (the root over it exposes the
/// commitment alone).
#[derive(Debug)]
pub struct SettlementTree;

/// A settlement leaf's own target: the batch number.
#[derive(Debug)]
pub struct SettlementLeafTargets {
    batch_number: Target,
}

/// A settlement step's own target: whether the right subtree is empty.
#[derive(Debug)]
pub struct SettlementStepTargets {
    right_empty: BoolTarget,
}

impl TreeKind for SettlementTree {
    const NAME: &'static str = "settle";
    const INNER: &'static str = "batch";
    type Leaf = SettlementLeafTargets;
    type Step = SettlementStepTargets;

    fn leaf(builder: &mut Builder, segment: &[Target]) -> SettlementLeafTargets {
        let (inputs, batch_number) = whole_batch(builder, segment);
        let leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(inputs);
        builder.register_public_inputs(&leaf.elements);
        let zero = builder.zero();
        builder.register_public_input(zero);
        SettlementLeafTargets { batch_number }
    }

    fn step(builder: &mut Builder, l: &[Target], r: &[Target]) -> SettlementStepTargets {
        let right_empty = builder.add_virtual_bool_target_safe();
        // An empty right subtree is still a proof (the prover repeats the left one), so the
        // heights always agree; its commitment is replaced by the empty root of that height.
        builder.connect(l[HEIGHT], r[HEIGHT]);
        let empties: Vec<HashOutTarget> = empty_subtree_roots()
            .iter()
            .map(|root| builder.constant_hash(*root))
            .collect();
        let empty = builder.random_access_hash(l[HEIGHT], empties);
        let right_commitment = select_hash(builder, right_empty, empty, hash_at(r, COMMITMENT));
        let mut pair = hash_at(l, COMMITMENT).elements.to_vec();
        pair.extend(right_commitment.elements);
        let joined = builder.hash_n_to_hash_no_pad::<PoseidonHash>(pair);
        let one = builder.one();
        let height = builder.add(l[HEIGHT], one);
        builder.register_public_inputs(&joined.elements);
        builder.register_public_input(height);
        SettlementStepTargets { right_empty }
    }
}

/// The settlement circuits over one batch tree: leaf (wraps a batch proof), step (joins two
/// subtrees; the leaf's common data, the same circuit at every level) and root (the
/// commitment alone).
#[derive(Debug)]
pub struct SettlementCircuits {
    /// The leaf and step circuits; their `inner` is the batch tree's leaf and step.
    pub tree: TreeCircuits<SettlementTree>,
    /// The root circuit over the tree's top proof.
    pub root: TopCircuit<()>,
}

impl SettlementCircuits {
    /// Builds (or loads from `cache`) the settlement circuits over `batch`'s proofs.
    pub fn build(batch: &BatchCircuits, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let tree = TreeCircuits::build_over(batch.as_inner(), cache)?;
        let root = TopCircuit::build_over(&tree, "root", cache, |builder, child| {
            builder.register_public_inputs(&child[COMMITMENT..COMMITMENT + 4]);
        });
        Ok(Self { tree, root })
    }

    /// The leaf, step and root circuits, in that order.
    pub fn circuits(&self) -> [&CircuitData<GFp, Config, D>; 3] {
        [&self.tree.leaf, &self.tree.step, &self.root.data]
    }

    /// Wraps one batch proof as a leaf of the settlement tree, with its batch number. Every
    /// `prove_*` first verifies its inputs natively, as [`BatchCircuits`] does.
    pub fn prove_leaf(&self, batch: &BatchProof) -> Result<TreeProof, CircuitError> {
        let number = GFp::from_noncanonical_u64(batch.batch_number());
        self.tree
            .prove_leaf_with(InnerProof::Tree(batch.top()), |witness, t| {
                witness.set_target(t.batch_number, number)
            })
    }

    /// Joins two subtrees of one height; `right: None` is an empty subtree (the padding).
    pub fn prove_step(
        &self,
        left: &TreeProof,
        right: Option<&TreeProof>,
    ) -> Result<TreeProof, CircuitError> {
        self.tree.prove_step_with(left, right, |witness, t| {
            witness.set_bool_target(t.right_empty, right.is_none())
        })
    }

    /// The settlement proof of a whole tree's top.
    pub fn prove_root(&self, top: &TreeProof) -> Result<SettlementProof, CircuitError> {
        self.root
            .prove_with(&self.tree, top, |_, ()| Ok(()))
            .map(SettlementProof)
    }

    /// Verifies a settlement proof.
    pub fn verify(&self, proof: &SettlementProof) -> Result<(), CircuitError> {
        self.root
            .data
            .verify(proof.0.clone())
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }

    /// One proof of `batches` in settlement order (any chains, consecutive batches of one
    /// chain allowed): a leaf each, then levels of steps, the last of an odd level joined
    /// with an empty subtree, so the list is padded to a power of two as the bridge pads it.
    pub fn prove_settlement(
        &self,
        batches: &[BatchProof],
    ) -> Result<SettlementProof, CircuitError> {
        if batches.is_empty() {
            return Err(CircuitError::EmptyAggregation(
                "a settlement has at least one batch",
            ));
        }
        let mut level: Vec<TreeProof> = batches
            .iter()
            .map(|batch| self.prove_leaf(batch))
            .collect::<Result<_, _>>()?;
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| self.prove_step(&pair[0], pair.get(1)))
                .collect::<Result<_, _>>()?;
        }
        let top = level
            .pop()
            .ok_or(CircuitError::EmptyAggregation("nothing to aggregate"))?;
        self.prove_root(&top)
    }
}

/// The batch public inputs a leaf hashes: what `BatchPublicInputs::to_elements` gives.
pub fn batch_elements(proof: &BatchProof) -> Result<[GFp; PUBLIC_INPUTS_PER_BATCH], CircuitError> {
    proof
        .public_inputs()
        .try_into()
        .map_err(|_| CircuitError::ProofBytes("a batch proof has 40 public inputs".into()))
}
