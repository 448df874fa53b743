//! What the two aggregation trees (a batch's chunks, a settlement's batches) share: the
//! fixed shape of their leaf and step circuits, the verification of a child that is either
//! a leaf or a step proof, and the padding that keeps every step at one size.

use hyperforge_crypto::GFp;
use plonky2::gates::gate::GateRef;
use plonky2::gates::noop::NoopGate;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::plonk::circuit_data::{
    CircuitConfig, CircuitData, CommonCircuitData, VerifierCircuitTarget, VerifierOnlyCircuitData,
};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use super::cache::{CircuitCache, CircuitKey};
use crate::error::CircuitError;
use crate::{Builder, Config, D};

/// Rows of every leaf and step circuit of an aggregation tree: `2^13`, which two
/// verifications of a `2^13`-row proof fit (plonky2's recursive verifier settles there).
pub const STEP_DEGREE_BITS: usize = 13;

/// Field elements of a circuit's verifier data as public inputs: the circuit digest (4) and
/// the 16 hashes of the constants-and-sigmas cap (cap height 4).
pub const VERIFIER_DATA_ELEMENTS: usize = 4 + 4 * 16;

/// A proof of a tree: a leaf (which wraps what the tree aggregates) or a step (which joins
/// two of them), both of the tree's one common circuit data.
#[derive(Debug, Clone)]
pub struct TreeProof {
    /// The proof, its last [`VERIFIER_DATA_ELEMENTS`] public inputs the step circuit's
    /// verifier data.
    pub proof: ProofWithPublicInputs<GFp, Config, D>,
    /// Whether it is a leaf proof.
    pub is_leaf: bool,
}

impl TreeProof {
    /// The public inputs before the verifier data.
    pub fn app_inputs(&self) -> &[GFp] {
        let len = self.proof.public_inputs.len();
        &self.proof.public_inputs[..len - VERIFIER_DATA_ELEMENTS]
    }
}

/// Adds `NoopGate`s so that the built circuit has `2^degree_bits` rows (the builder adds a
/// few gates of its own at build time, so pad to half plus one).
pub(crate) fn pad_to(builder: &mut Builder, degree_bits: usize) {
    let min_gates = (1 << (degree_bits - 1)) + 1;
    while builder.num_gates() < min_gates {
        builder.add_gate(NoopGate, vec![]);
    }
}

/// Adds every gate type of `gates` to the builder's gate set, so its common data lists them.
pub(crate) fn add_gates(builder: &mut Builder, gates: &[GateRef<GFp, D>]) {
    for gate in gates {
        builder.add_gate_to_gate_set(gate.clone());
    }
}

/// The verifier data a proof's last public inputs carry (the layout of
/// `add_verifier_data_public_inputs`: digest, then the cap).
pub(crate) fn verifier_data_of(proof: &ProofWithPublicInputsTarget<D>) -> VerifierCircuitTarget {
    let inputs = &proof.public_inputs;
    let start = inputs.len() - VERIFIER_DATA_ELEMENTS;
    let hash = |at: usize| HashOutTarget {
        elements: [0, 1, 2, 3].map(|i| inputs[at + i]),
    };
    VerifierCircuitTarget {
        circuit_digest: hash(start),
        constants_sigmas_cap: plonky2::hash::hash_types::MerkleCapTarget(
            (0..16).map(|i| hash(start + 4 + 4 * i)).collect(),
        ),
    }
}

/// A child proof of a tree's common data, verified in circuit.
#[derive(Debug, Clone)]
pub(crate) struct ChildTarget {
    pub(crate) proof: ProofWithPublicInputsTarget<D>,
    pub(crate) is_leaf: BoolTarget,
}

impl ChildTarget {
    /// Its public inputs before the verifier data.
    pub(crate) fn app_inputs(&self) -> &[Target] {
        let len = self.proof.public_inputs.len();
        &self.proof.public_inputs[..len - VERIFIER_DATA_ELEMENTS]
    }
}

/// Verifies a child of `common`'s shape: against `leaf` if its flag is set, else against
/// `step`; either way its carried verifier data must be `step`. In a step circuit `step` is
/// the circuit's own verifier data public inputs, which whoever verifies the step checks
/// (the root circuits hold it as a constant), so a step child is a proof of this very
/// circuit and a leaf child one of the leaf circuit.
pub(crate) fn verify_child(
    builder: &mut Builder,
    common: &CommonCircuitData<GFp, D>,
    leaf: &VerifierCircuitTarget,
    step: &VerifierCircuitTarget,
) -> ChildTarget {
    let proof = builder.add_virtual_proof_with_pis(common);
    let is_leaf = builder.add_virtual_bool_target_safe();
    let carried = verifier_data_of(&proof);
    builder.connect_hashes(carried.circuit_digest, step.circuit_digest);
    builder.connect_merkle_caps(&carried.constants_sigmas_cap, &step.constants_sigmas_cap);
    let verifier = builder.select_verifier_data(is_leaf, leaf, step);
    builder.verify_proof::<Config>(&proof, &verifier, common);
    ChildTarget { proof, is_leaf }
}

/// `if b { x } else { y }` on digests.
pub(crate) fn select_hash(
    builder: &mut Builder,
    b: BoolTarget,
    x: HashOutTarget,
    y: HashOutTarget,
) -> HashOutTarget {
    HashOutTarget {
        elements: [0, 1, 2, 3].map(|i| builder.select(b, x.elements[i], y.elements[i])),
    }
}

/// Reads a digest at `at` of a public input slice.
pub(crate) fn hash_at(inputs: &[Target], at: usize) -> HashOutTarget {
    HashOutTarget {
        elements: [0, 1, 2, 3].map(|i| inputs[at + i]),
    }
}

/// Builds the circuit `make` describes for a target common data, padded to
/// [`STEP_DEGREE_BITS`] with `extra` gates in its gate set.
pub(crate) fn build_padded(
    mut builder: Builder,
    extra: &[GateRef<GFp, D>],
) -> CircuitData<GFp, Config, D> {
    add_gates(&mut builder, extra);
    pad_to(&mut builder, STEP_DEGREE_BITS);
    builder.build::<Config>()
}

/// The leaf and step circuits of a tree, built so that they share one common data, found
/// as intmax2 does: build both against a guess, take the union of their gates, repeat until
/// both reproduce the guess and the step was built against the final leaf (a few rounds:
/// the gate set and the degree settle at once).
pub(crate) fn fixed_point(
    leaf: &dyn Fn() -> Builder,
    step: &dyn Fn(&CommonCircuitData<GFp, D>, &VerifierOnlyCircuitData<Config, D>) -> Builder,
) -> Result<(TreeCircuit, TreeCircuit), CircuitError> {
    let mut leaf_data = build_padded(leaf(), &[]);
    for round in 0..8 {
        let guess = leaf_data.common.clone();
        let step_data = build_padded(step(&guess, &leaf_data.verifier_only), &guess.gates);
        tracing::debug!(
            target: "circuits::recursion",
            round,
            degree_bits = step_data.common.degree_bits(),
            gates = step_data.common.gates.len(),
            "aggregation step common data"
        );
        if step_data.common == guess {
            return Ok((leaf_data, step_data));
        }
        leaf_data = build_padded(leaf(), &step_data.common.gates);
    }
    Err(CircuitError::UnsettledShape {
        degree_bits: leaf_data.common.degree_bits(),
    })
}

/// Loads a tree's leaf and step circuits from `cache`, or finds them ([`fixed_point`]) and
/// stores them. The leaf's key adds its rows before padding to `family`, the step's the
/// leaf's verifier digest and its own rows: a change of either circuit's code that moves
/// a gate is another key. Returns both circuits and their keys.
pub(crate) fn load_or_find(
    cache: &CircuitCache,
    family: &CircuitKey,
    leaf: &dyn Fn() -> Builder,
    step: &dyn Fn(&CommonCircuitData<GFp, D>, &VerifierOnlyCircuitData<Config, D>) -> Builder,
) -> Result<TreeCircuits, CircuitError> {
    let leaf_key = family
        .clone()
        .part("leaf")
        .number(leaf().num_gates() as u64);
    let step_key_of = |leaf_data: &CircuitData<GFp, Config, D>| {
        family
            .clone()
            .part("step")
            .digest(&leaf_data.verifier_only.circuit_digest)
            .number(step(&leaf_data.common, &leaf_data.verifier_only).num_gates() as u64)
    };
    if let Some(leaf_data) = cache.load::<Config>(&leaf_key) {
        let step_key = step_key_of(&leaf_data);
        if let Some(step_data) = cache.load::<Config>(&step_key)
            && step_data.common == leaf_data.common
        {
            return Ok((leaf_data, step_data, [leaf_key, step_key]));
        }
    }
    let (leaf_data, step_data) = fixed_point(leaf, step)?;
    let step_key = step_key_of(&leaf_data);
    cache.store(&leaf_key, &leaf_data);
    cache.store(&step_key, &step_data);
    Ok((leaf_data, step_data, [leaf_key, step_key]))
}

/// One built tree circuit.
pub(crate) type TreeCircuit = CircuitData<GFp, Config, D>;

/// A tree's leaf and step circuits and their cache keys.
pub(crate) type TreeCircuits = (TreeCircuit, TreeCircuit, [CircuitKey; 2]);

/// Sets a child's proof, flag and (through the proof's public inputs) carried verifier data.
pub(crate) fn set_child(
    witness: &mut plonky2::iop::witness::PartialWitness<GFp>,
    target: &ChildTarget,
    child: &TreeProof,
) -> anyhow::Result<()> {
    use plonky2::iop::witness::WitnessWrite;
    witness.set_proof_with_pis_target(&target.proof, &child.proof)?;
    witness.set_bool_target(target.is_leaf, child.is_leaf)
}

/// Sets the verifier data public inputs of a leaf or step circuit to the step's.
pub(crate) fn set_step_verifier_data(
    witness: &mut plonky2::iop::witness::PartialWitness<GFp>,
    target: &VerifierCircuitTarget,
    step: &VerifierOnlyCircuitData<Config, D>,
) -> anyhow::Result<()> {
    use plonky2::iop::witness::WitnessWrite;
    witness.set_verifier_data_target(target, step)
}

/// The standard recursion configuration of every tree circuit.
pub(crate) fn tree_config() -> CircuitConfig {
    CircuitConfig::standard_recursion_config()
}
