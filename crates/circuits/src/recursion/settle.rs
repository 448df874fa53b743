//! One proof for many chains: batch proofs (of any chains, in settlement order) become the
//! leaves of a Merkle tree whose root is the settlement commitment
//! (`hyperforge_primitives::bridge::settlement_commitment`). A leaf circuit wraps one batch
//! proof into `hash_no_pad(its 40 public inputs)`, a step circuit joins two subtrees of one
//! height (the right one may be empty: the list is padded to a power of two), the root
//! circuit exposes the commitment alone and is what [`super::shrink`] compresses.

use hyperforge_crypto::GFp;
use hyperforge_primitives::bridge::{PUBLIC_INPUTS_PER_BATCH, ZERO_DIGEST, two_to_one};
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::WitnessWrite;
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use super::batch::{BatchCircuits, BatchProof};
use super::cache::CircuitCache;
use super::tree::{TreeCircuits, TreeKind, TreeProof, hash_at, select_hash};
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

impl From<ProofWithPublicInputs<GFp, Config, D>> for SettlementProof {
    fn from(proof: ProofWithPublicInputs<GFp, Config, D>) -> Self {
        Self(proof)
    }
}

impl AsRef<ProofWithPublicInputs<GFp, Config, D>> for SettlementProof {
    fn as_ref(&self) -> &ProofWithPublicInputs<GFp, Config, D> {
        &self.0
    }
}

/// The settlement tree: its leaf hashes a batch proof's public inputs, its step joins two
/// subtrees of one height, its root exposes the commitment alone.
#[derive(Debug)]
pub struct SettlementTree;

/// A settlement step's own target: whether the right subtree is empty.
#[derive(Debug)]
pub struct SettlementStepTargets {
    right_empty: BoolTarget,
}

impl TreeKind for SettlementTree {
    const NAME: &'static str = "settle";
    const INNER: &'static str = "batch";
    type Proof = SettlementProof;
    type Leaf = ();
    type Step = SettlementStepTargets;
    type Root = ();

    fn leaf(builder: &mut Builder, batch: &ProofWithPublicInputsTarget<D>) {
        let leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(batch.public_inputs.clone());
        builder.register_public_inputs(&leaf.elements);
        let zero = builder.zero();
        builder.register_public_input(zero);
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

    fn root(builder: &mut Builder, child: &[Target]) {
        builder.register_public_inputs(&child[COMMITMENT..COMMITMENT + 4]);
    }
}

/// The settlement circuits over one batch circuit: leaf (wraps a batch proof), step (joins
/// two subtrees; the leaf's common data, the same circuit at every level) and root (the
/// commitment alone). Its `inner` is the batch root circuit's verifier data.
pub type SettlementCircuits = TreeCircuits<SettlementTree>;

impl SettlementCircuits {
    /// Builds (or loads from `cache`) the settlement circuits over `batch`'s proofs.
    pub fn build(batch: &BatchCircuits, cache: &CircuitCache) -> Result<Self, CircuitError> {
        Self::build_over(batch.root.verifier_data(), cache)
    }

    /// Wraps one batch proof as a leaf of the settlement tree. Every `prove_*` first
    /// verifies its inputs natively, as [`BatchCircuits`] does.
    pub fn prove_leaf(&self, batch: &BatchProof) -> Result<TreeProof, CircuitError> {
        self.prove_leaf_with(&batch.0, |_, ()| Ok(()))
    }

    /// Joins two subtrees of one height; `right: None` is an empty subtree (the padding).
    pub fn prove_step(
        &self,
        left: &TreeProof,
        right: Option<&TreeProof>,
    ) -> Result<TreeProof, CircuitError> {
        self.prove_step_with(left, right, |witness, t| {
            witness.set_bool_target(t.right_empty, right.is_none())
        })
    }

    /// The settlement proof of a whole tree's top.
    pub fn prove_root(&self, top: &TreeProof) -> Result<SettlementProof, CircuitError> {
        self.prove_root_with(top, |_, ()| Ok(()))
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
