//! What the two aggregation trees (a batch's chunks, a settlement's batches) share: the
//! fixed shape of their leaf and step circuits, the verification of a child that is either
//! a leaf or a step proof, the padding that keeps every step at one size, and
//! [`TreeCircuits`]: a tree's three circuits, built, cached and proven the same way for
//! every [`TreeKind`] (which supplies only what its leaf, step and root compute).

use hyperforge_crypto::GFp;
use plonky2::gates::gate::GateRef;
use plonky2::gates::noop::NoopGate;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{
    CircuitConfig, CircuitData, CommonCircuitData, VerifierCircuitData, VerifierCircuitTarget,
    VerifierOnlyCircuitData,
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

/// Builds `builder`'s circuit (a leaf or step built against a guessed common data), padded to
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
) -> Result<LeafAndStep, CircuitError> {
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
pub(crate) type LeafAndStep = (TreeCircuit, TreeCircuit, [CircuitKey; 2]);

/// Sets a child's proof, flag and (through the proof's public inputs) carried verifier data.
pub(crate) fn set_child(
    witness: &mut PartialWitness<GFp>,
    target: &ChildTarget,
    child: &TreeProof,
) -> anyhow::Result<()> {
    witness.set_proof_with_pis_target(&target.proof, &child.proof)?;
    witness.set_bool_target(target.is_leaf, child.is_leaf)
}

/// Sets the verifier data public inputs of a leaf or step circuit to the step's.
pub(crate) fn set_step_verifier_data(
    witness: &mut PartialWitness<GFp>,
    target: &VerifierCircuitTarget,
    step: &VerifierOnlyCircuitData<Config, D>,
) -> anyhow::Result<()> {
    witness.set_verifier_data_target(target, step)
}

/// The standard recursion configuration of every tree circuit.
pub(crate) fn tree_config() -> CircuitConfig {
    CircuitConfig::standard_recursion_config()
}

/// What one aggregation tree computes; [`TreeCircuits`] does the rest. Each circuit is
/// built in one order whatever the kind: a leaf verifies the inner proof (against the
/// constant inner circuit), then [`Self::leaf`] registers its public inputs, then the
/// leaf registers the step's verifier data; a step verifies its two children, then
/// [`Self::step`] registers the joined public inputs, then the step registers its own
/// verifier data; a root verifies its child, then [`Self::root`] registers the root's
/// public inputs.
pub trait TreeKind {
    /// The family name of the tree's cache keys (and of its circuits' files).
    const NAME: &'static str;
    /// What a leaf wraps, as an error message names it.
    const INNER: &'static str;
    /// The proof of the root circuit.
    type Proof: From<ProofWithPublicInputs<GFp, Config, D>>
        + AsRef<ProofWithPublicInputs<GFp, Config, D>>;
    /// The leaf's own targets, beyond the inner proof.
    type Leaf: std::fmt::Debug;
    /// The step's own targets, beyond its children.
    type Step: std::fmt::Debug;
    /// The root's own targets, beyond its child.
    type Root: std::fmt::Debug;

    /// Registers a leaf's public inputs over the verified `inner` proof.
    fn leaf(builder: &mut Builder, inner: &ProofWithPublicInputsTarget<D>) -> Self::Leaf;

    /// Registers the public inputs joining two children's (`left` first, before their
    /// verifier data).
    fn step(builder: &mut Builder, left: &[Target], right: &[Target]) -> Self::Step;

    /// Registers the root's public inputs over its child's (before the verifier data).
    fn root(builder: &mut Builder, child: &[Target]) -> Self::Root;
}

/// Rows of a tree's circuits before padding (leaf and step are padded to `2^13`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRows {
    /// The leaf circuit.
    pub leaf: usize,
    /// The step circuit.
    pub step: usize,
    /// The root circuit.
    pub root: usize,
}

#[derive(Debug)]
struct LeafTargets<E> {
    inner: ProofWithPublicInputsTarget<D>,
    step_data: VerifierCircuitTarget,
    own: E,
}

#[derive(Debug)]
struct StepTargets<E> {
    left: ChildTarget,
    right: ChildTarget,
    step_data: VerifierCircuitTarget,
    own: E,
}

#[derive(Debug)]
struct RootTargets<E> {
    child: ChildTarget,
    own: E,
}

/// Registers a verifier data target as public inputs, digest first, then the cap (the
/// layout [`verifier_data_of`] reads).
fn register_verifier_data(builder: &mut Builder, data: &VerifierCircuitTarget) {
    builder.register_public_inputs(&data.circuit_digest.elements);
    for hash in &data.constants_sigmas_cap.0 {
        builder.register_public_inputs(&hash.elements);
    }
}

fn leaf_builder<K: TreeKind>(
    inner_common: &CommonCircuitData<GFp, D>,
    inner_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, LeafTargets<K::Leaf>) {
    let mut builder = Builder::new(tree_config());
    let inner = builder.add_virtual_proof_with_pis(inner_common);
    let verifier = builder.constant_verifier_data(inner_data);
    builder.verify_proof::<Config>(&inner, &verifier, inner_common);
    let own = K::leaf(&mut builder, &inner);
    // Free: the prover sets the step's verifier data, which every step checks it carries.
    let step_data = builder.add_virtual_verifier_data(4);
    register_verifier_data(&mut builder, &step_data);
    let targets = LeafTargets {
        inner,
        step_data,
        own,
    };
    (builder, targets)
}

fn step_builder<K: TreeKind>(
    common: &CommonCircuitData<GFp, D>,
    leaf_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, StepTargets<K::Step>) {
    let mut builder = Builder::new(tree_config());
    let step_data = builder.add_virtual_verifier_data(4);
    let leaf = builder.constant_verifier_data(leaf_data);
    let left = verify_child(&mut builder, common, &leaf, &step_data);
    let right = verify_child(&mut builder, common, &leaf, &step_data);
    let own = K::step(&mut builder, left.app_inputs(), right.app_inputs());
    register_verifier_data(&mut builder, &step_data);
    let targets = StepTargets {
        left,
        right,
        step_data,
        own,
    };
    (builder, targets)
}

fn root_builder<K: TreeKind>(
    common: &CommonCircuitData<GFp, D>,
    leaf_data: &VerifierOnlyCircuitData<Config, D>,
    step_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, RootTargets<K::Root>) {
    let mut builder = Builder::new(tree_config());
    let leaf = builder.constant_verifier_data(leaf_data);
    let step = builder.constant_verifier_data(step_data);
    let child = verify_child(&mut builder, common, &leaf, &step);
    let own = K::root(&mut builder, child.app_inputs());
    (builder, RootTargets { child, own })
}

/// The three circuits of one aggregation tree over one inner circuit: the leaf (wraps an
/// inner proof), the step (joins two leaf or step proofs; the same common data as the
/// leaf, so the same circuit at every level) and the root (exposes the tree's public
/// inputs). [`super::BatchCircuits`] and [`super::SettlementCircuits`] are its two kinds.
#[derive(Debug)]
pub struct TreeCircuits<K: TreeKind> {
    /// The inner circuit's verifier data (what a leaf verifies).
    pub inner: VerifierCircuitData<GFp, Config, D>,
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
    leaf_targets: LeafTargets<K::Leaf>,
    step_targets: StepTargets<K::Step>,
    root_targets: RootTargets<K::Root>,
}

impl<K: TreeKind> TreeCircuits<K> {
    /// Builds (or loads from `cache`) the tree's circuits over `inner`'s proofs. The leaf
    /// and step circuits are found together ([`load_or_find`]); each circuit is cached
    /// under a key of the family [`TreeKind::NAME`] over the inner circuit's digest.
    pub(crate) fn build_over(
        inner: VerifierCircuitData<GFp, Config, D>,
        cache: &CircuitCache,
    ) -> Result<Self, CircuitError> {
        let (inner_common, inner_data) = (&inner.common, &inner.verifier_only);
        let key = CircuitKey::new(K::NAME)
            .digest(&inner_data.circuit_digest)
            .number(inner_common.degree_bits() as u64);
        let make_leaf = || leaf_builder::<K>(inner_common, inner_data).0;
        let (leaf, step, [leaf_key, step_key]) =
            load_or_find(cache, &key, &make_leaf, &|common, leaf| {
                step_builder::<K>(common, leaf).0
            })?;
        let (leaf_unbuilt, leaf_targets) = leaf_builder::<K>(inner_common, inner_data);
        let (step_unbuilt, step_targets) = step_builder::<K>(&leaf.common, &leaf.verifier_only);
        let (root_unbuilt, root_targets) =
            root_builder::<K>(&leaf.common, &leaf.verifier_only, &step.verifier_only);
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
            inner,
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

    /// The leaf, step and root circuits, in that order.
    pub fn circuits(&self) -> [&CircuitData<GFp, Config, D>; 3] {
        [&self.leaf, &self.step, &self.root]
    }

    /// A leaf proof of `inner` (verified natively first: a coordinator checks every proof
    /// it is given, and plonky2's witness generators would panic on an invalid one), its
    /// own targets set by `set`.
    pub(crate) fn prove_leaf_with(
        &self,
        inner: &ProofWithPublicInputs<GFp, Config, D>,
        set: impl FnOnce(&mut PartialWitness<GFp>, &K::Leaf) -> anyhow::Result<()>,
    ) -> Result<TreeProof, CircuitError> {
        self.inner
            .verify(inner.clone())
            .map_err(|e| CircuitError::Verify(format!("the {} proof: {e}", K::INNER)))?;
        let t = &self.leaf_targets;
        let proof = prove_with(&self.leaf, |witness| {
            witness.set_proof_with_pis_target(&t.inner, inner)?;
            set(witness, &t.own)?;
            set_step_verifier_data(witness, &t.step_data, &self.step.verifier_only)
        })?;
        Ok(TreeProof {
            proof,
            is_leaf: true,
        })
    }

    /// A step proof joining `left` and `right` (`None`: `left` again, verified once), both
    /// verified natively first, its own targets set by `set`.
    pub(crate) fn prove_step_with(
        &self,
        left: &TreeProof,
        right: Option<&TreeProof>,
        set: impl FnOnce(&mut PartialWitness<GFp>, &K::Step) -> anyhow::Result<()>,
    ) -> Result<TreeProof, CircuitError> {
        self.verify_tree(left)?;
        if let Some(right) = right {
            self.verify_tree(right)?;
        }
        let t = &self.step_targets;
        let proof = prove_with(&self.step, |witness| {
            set_child(witness, &t.left, left)?;
            set_child(witness, &t.right, right.unwrap_or(left))?;
            set(witness, &t.own)?;
            set_step_verifier_data(witness, &t.step_data, &self.step.verifier_only)
        })?;
        Ok(TreeProof {
            proof,
            is_leaf: false,
        })
    }

    /// The root proof over `top` (verified natively first), its own targets set by `set`.
    pub(crate) fn prove_root_with(
        &self,
        top: &TreeProof,
        set: impl FnOnce(&mut PartialWitness<GFp>, &K::Root) -> anyhow::Result<()>,
    ) -> Result<K::Proof, CircuitError> {
        self.verify_tree(top)?;
        let t = &self.root_targets;
        prove_with(&self.root, |witness| {
            set_child(witness, &t.child, top)?;
            set(witness, &t.own)
        })
        .map(K::Proof::from)
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

    /// Verifies a root proof.
    pub fn verify(&self, proof: &K::Proof) -> Result<(), CircuitError> {
        self.root
            .verify(proof.as_ref().clone())
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }
}

/// Proves `data` with the witness `set` assigns.
fn prove_with(
    data: &CircuitData<GFp, Config, D>,
    set: impl FnOnce(&mut PartialWitness<GFp>) -> anyhow::Result<()>,
) -> Result<ProofWithPublicInputs<GFp, Config, D>, CircuitError> {
    let mut witness = PartialWitness::new();
    set(&mut witness).map_err(|e| CircuitError::Witness(e.to_string()))?;
    data.prove(witness)
        .map_err(|e| CircuitError::Prove(e.to_string()))
}

/// Verifies `proof` against `data` and checks its last public inputs are `step`'s verifier
/// data (plonky2's `check_cyclic_proof_verifier_data`).
fn verify_tree_proof(
    data: &CircuitData<GFp, Config, D>,
    step: &VerifierOnlyCircuitData<Config, D>,
    proof: &TreeProof,
) -> Result<(), CircuitError> {
    data.verify(proof.proof.clone())
        .map_err(|e| CircuitError::Verify(e.to_string()))?;
    let inputs = &proof.proof.public_inputs;
    let carried = &inputs[inputs.len() - VERIFIER_DATA_ELEMENTS..];
    let mut expected = step.circuit_digest.elements.to_vec();
    for hash in &step.constants_sigmas_cap.0 {
        expected.extend(hash.elements);
    }
    if carried != expected.as_slice() {
        return Err(CircuitError::Verify(
            "the proof carries another step circuit's verifier data".into(),
        ));
    }
    Ok(())
}
