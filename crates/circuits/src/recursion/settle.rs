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
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{
    CircuitData, CommonCircuitData, VerifierCircuitData, VerifierCircuitTarget,
    VerifierOnlyCircuitData,
};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use super::batch::{BatchCircuits, BatchProof, TreeRows, prove, verify_tree_proof};
use super::cache::{CircuitCache, CircuitKey};
use super::tree::{self, ChildTarget, TreeProof, hash_at, select_hash, verify_child};
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

#[derive(Debug)]
struct LeafTargets {
    batch: ProofWithPublicInputsTarget<D>,
    step_data: VerifierCircuitTarget,
}

#[derive(Debug)]
struct StepTargets {
    left: ChildTarget,
    right: ChildTarget,
    right_empty: BoolTarget,
    own: VerifierCircuitTarget,
}

#[derive(Debug)]
struct RootTargets {
    child: ChildTarget,
}

fn register_verifier_data(builder: &mut Builder, data: &VerifierCircuitTarget) {
    builder.register_public_inputs(&data.circuit_digest.elements);
    for hash in &data.constants_sigmas_cap.0 {
        builder.register_public_inputs(&hash.elements);
    }
}

fn leaf_builder(
    batch_common: &CommonCircuitData<GFp, D>,
    batch_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, LeafTargets) {
    let mut builder = Builder::new(tree::tree_config());
    let batch = builder.add_virtual_proof_with_pis(batch_common);
    let verifier = builder.constant_verifier_data(batch_data);
    builder.verify_proof::<Config>(&batch, &verifier, batch_common);
    let leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(batch.public_inputs.clone());
    builder.register_public_inputs(&leaf.elements);
    let zero = builder.zero();
    builder.register_public_input(zero);
    let step_data = builder.add_virtual_verifier_data(4);
    register_verifier_data(&mut builder, &step_data);
    (builder, LeafTargets { batch, step_data })
}

fn step_builder(
    common: &CommonCircuitData<GFp, D>,
    leaf_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, StepTargets) {
    let mut builder = Builder::new(tree::tree_config());
    let own = builder.add_virtual_verifier_data(4);
    let leaf = builder.constant_verifier_data(leaf_data);
    let left = verify_child(&mut builder, common, &leaf, &own);
    let right = verify_child(&mut builder, common, &leaf, &own);
    let right_empty = builder.add_virtual_bool_target_safe();
    let (l, r) = (left.app_inputs().to_vec(), right.app_inputs().to_vec());
    // An empty right subtree is still a proof (the prover repeats the left one), so the
    // heights always agree; its commitment is replaced by the empty root of that height.
    builder.connect(l[HEIGHT], r[HEIGHT]);
    let empties: Vec<HashOutTarget> = empty_subtree_roots()
        .iter()
        .map(|root| builder.constant_hash(*root))
        .collect();
    let empty = builder.random_access_hash(l[HEIGHT], empties);
    let right_commitment = select_hash(&mut builder, right_empty, empty, hash_at(&r, COMMITMENT));
    let mut pair = hash_at(&l, COMMITMENT).elements.to_vec();
    pair.extend(right_commitment.elements);
    let joined = builder.hash_n_to_hash_no_pad::<PoseidonHash>(pair);
    let one = builder.one();
    let height = builder.add(l[HEIGHT], one);
    builder.register_public_inputs(&joined.elements);
    builder.register_public_input(height);
    register_verifier_data(&mut builder, &own);
    (
        builder,
        StepTargets {
            left,
            right,
            right_empty,
            own,
        },
    )
}

fn root_builder(
    common: &CommonCircuitData<GFp, D>,
    leaf_data: &VerifierOnlyCircuitData<Config, D>,
    step_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, RootTargets) {
    let mut builder = Builder::new(tree::tree_config());
    let leaf = builder.constant_verifier_data(leaf_data);
    let step = builder.constant_verifier_data(step_data);
    let child = verify_child(&mut builder, common, &leaf, &step);
    let commitment: Vec<Target> = child.app_inputs()[COMMITMENT..COMMITMENT + 4].to_vec();
    builder.register_public_inputs(&commitment);
    (builder, RootTargets { child })
}

/// The settlement circuits over one batch circuit: leaf (wraps a batch proof), step (joins
/// two subtrees; the leaf's common data, the same circuit at every level) and root (the
/// commitment alone).
#[derive(Debug)]
pub struct SettlementCircuits {
    /// The batch root circuit's verifier data (what a leaf verifies).
    pub batch: VerifierCircuitData<GFp, Config, D>,
    /// The leaf circuit.
    pub leaf: CircuitData<GFp, Config, D>,
    /// The step circuit.
    pub step: CircuitData<GFp, Config, D>,
    /// The root circuit.
    pub root: CircuitData<GFp, Config, D>,
    /// Rows of each circuit before padding.
    pub rows: TreeRows,
    /// The cache keys of the leaf, step and root circuits.
    pub keys: [CircuitKey; 3],
    leaf_targets: LeafTargets,
    step_targets: StepTargets,
    root_targets: RootTargets,
}

impl SettlementCircuits {
    /// Builds (or loads from `cache`) the settlement circuits over `batch`'s proofs.
    pub fn build(batch: &BatchCircuits, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let batch_common = batch.root.common.clone();
        let batch_data = batch.root.verifier_only.clone();
        let key = CircuitKey::new("settle")
            .digest(&batch_data.circuit_digest)
            .number(batch_common.degree_bits() as u64);
        let make_leaf = || leaf_builder(&batch_common, &batch_data).0;
        let (leaf, step, [leaf_key, step_key]) =
            tree::load_or_find(cache, &key, &make_leaf, &|common, leaf| {
                step_builder(common, leaf).0
            })?;
        let (leaf_unbuilt, leaf_targets) = leaf_builder(&batch_common, &batch_data);
        let (step_unbuilt, step_targets) = step_builder(&leaf.common, &leaf.verifier_only);
        let (root_unbuilt, root_targets) =
            root_builder(&leaf.common, &leaf.verifier_only, &step.verifier_only);
        let rows = TreeRows {
            leaf: leaf_unbuilt.num_gates(),
            step: step_unbuilt.num_gates(),
            root: root_unbuilt.num_gates(),
        };
        let root_key = key
            .part("root")
            .digest(&leaf.verifier_only.circuit_digest)
            .digest(&step.verifier_only.circuit_digest)
            .number(rows.root as u64);
        let root = cache.load_or_build(&root_key, || root_unbuilt.build::<Config>());
        Ok(Self {
            batch: batch.root.verifier_data(),
            rows,
            keys: [leaf_key, step_key, root_key],
            leaf,
            step,
            root,
            leaf_targets,
            step_targets,
            root_targets,
        })
    }

    /// Wraps one batch proof as a leaf of the settlement tree. Every `prove_*` first
    /// verifies its inputs natively, as [`BatchCircuits`] does.
    pub fn prove_leaf(&self, batch: &BatchProof) -> Result<TreeProof, CircuitError> {
        self.batch
            .verify(batch.0.clone())
            .map_err(|e| CircuitError::Verify(format!("the batch proof: {e}")))?;
        let t = &self.leaf_targets;
        let mut witness = PartialWitness::new();
        let set = |witness: &mut PartialWitness<GFp>| -> anyhow::Result<()> {
            witness.set_proof_with_pis_target(&t.batch, &batch.0)?;
            tree::set_step_verifier_data(witness, &t.step_data, &self.step.verifier_only)
        };
        set(&mut witness).map_err(|e| CircuitError::Witness(e.to_string()))?;
        Ok(TreeProof {
            proof: prove(&self.leaf, witness)?,
            is_leaf: true,
        })
    }

    /// Joins two subtrees of one height; `right: None` is an empty subtree (the padding).
    pub fn prove_step(
        &self,
        left: &TreeProof,
        right: Option<&TreeProof>,
    ) -> Result<TreeProof, CircuitError> {
        self.verify_tree(left)?;
        if let Some(right) = right {
            self.verify_tree(right)?;
        }
        let t = &self.step_targets;
        let mut witness = PartialWitness::new();
        let set = |witness: &mut PartialWitness<GFp>| -> anyhow::Result<()> {
            tree::set_child(witness, &t.left, left)?;
            tree::set_child(witness, &t.right, right.unwrap_or(left))?;
            witness.set_bool_target(t.right_empty, right.is_none())?;
            tree::set_step_verifier_data(witness, &t.own, &self.step.verifier_only)
        };
        set(&mut witness).map_err(|e| CircuitError::Witness(e.to_string()))?;
        Ok(TreeProof {
            proof: prove(&self.step, witness)?,
            is_leaf: false,
        })
    }

    /// The settlement proof of a whole tree's top.
    pub fn prove_root(&self, top: &TreeProof) -> Result<SettlementProof, CircuitError> {
        self.verify_tree(top)?;
        let mut witness = PartialWitness::new();
        tree::set_child(&mut witness, &self.root_targets.child, top)
            .map_err(|e| CircuitError::Witness(e.to_string()))?;
        prove(&self.root, witness).map(SettlementProof)
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

    /// Verifies a leaf or step proof, and that it carries the step's verifier data.
    pub fn verify_tree(&self, proof: &TreeProof) -> Result<(), CircuitError> {
        let data = if proof.is_leaf {
            &self.leaf
        } else {
            &self.step
        };
        verify_tree_proof(data, &self.step.verifier_only, proof)
    }

    /// Verifies a settlement proof.
    pub fn verify(&self, proof: &SettlementProof) -> Result<(), CircuitError> {
        self.root
            .verify(proof.0.clone())
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }
}

/// The batch public inputs a leaf hashes: what `BatchPublicInputs::to_elements` gives.
pub fn batch_elements(proof: &BatchProof) -> Result<[GFp; PUBLIC_INPUTS_PER_BATCH], CircuitError> {
    proof
        .public_inputs()
        .try_into()
        .map_err(|_| CircuitError::ProofBytes("a batch proof has 40 public inputs".into()))
}
