//! What the two aggregation trees (a batch's chunks, a settlement's batches) share: the
//! fixed shape of their leaf and step circuits, the verification of a child that is either
//! a leaf or a step proof, the padding that keeps every step at one size, and
//! [`TreeCircuits`]: a tree's leaf and step circuits, built, cached and proven the same way
//! for every [`TreeKind`] (which supplies only what its leaf and step compute), plus
//! [`TopCircuit`], a circuit over a tree's top proof (the settlement root).

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

    /// Its bytes: is leaf (1) | plonky2's proof encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![u8::from(self.is_leaf)];
        out.extend_from_slice(&self.proof.to_bytes());
        out
    }

    /// Reads [`Self::to_bytes`]' form for a tree of `common` (its leaf and step share it).
    pub fn from_bytes(
        bytes: &[u8],
        common: &CommonCircuitData<GFp, D>,
    ) -> Result<Self, CircuitError> {
        let malformed =
            |problem: String| CircuitError::ProofBytes(format!("tree proof: {problem}"));
        let (&flag, rest) = bytes
            .split_first()
            .ok_or_else(|| malformed("empty".into()))?;
        let is_leaf = match flag {
            0 => false,
            1 => true,
            other => return Err(malformed(format!("level flag {other}"))),
        };
        let proof = ProofWithPublicInputs::from_bytes(rest.to_vec(), common)
            .map_err(|error| malformed(error.to_string()))?;
        if proof.public_inputs.len() < VERIFIER_DATA_ELEMENTS {
            return Err(malformed(format!(
                "{} public inputs, fewer than the {VERIFIER_DATA_ELEMENTS} of the verifier data",
                proof.public_inputs.len()
            )));
        }
        Ok(Self { proof, is_leaf })
    }
}

/// What a tree's leaf verifies.
#[derive(Debug, Clone)]
pub enum Inner {
    /// Proofs of one circuit (the chunk circuit, under the batch tree).
    Circuit(Box<VerifierCircuitData<GFp, Config, D>>),
    /// The top proofs of another tree, leaf or step (the batch tree, under the settlement
    /// tree): both circuits share one common data.
    Tree {
        /// That tree's leaf circuit.
        leaf: Box<VerifierCircuitData<GFp, Config, D>>,
        /// Its step circuit, whose verifier data every proof of the tree carries.
        step: Box<VerifierCircuitData<GFp, Config, D>>,
    },
}

impl Inner {
    /// The common data of the proofs it verifies.
    pub fn common(&self) -> &CommonCircuitData<GFp, D> {
        match self {
            Self::Circuit(data) => &data.common,
            Self::Tree { leaf, .. } => &leaf.common,
        }
    }

    /// The verifier digests it pins, for cache keys.
    fn digests(&self) -> Vec<&plonky2::hash::hash_types::HashOut<GFp>> {
        match self {
            Self::Circuit(data) => vec![&data.verifier_only.circuit_digest],
            Self::Tree { leaf, step } => vec![
                &leaf.verifier_only.circuit_digest,
                &step.verifier_only.circuit_digest,
            ],
        }
    }
}

/// A proof a leaf wraps: of the inner circuit, or an inner tree's top proof.
#[derive(Debug, Clone, Copy)]
pub enum InnerProof<'a> {
    /// A proof of [`Inner::Circuit`].
    Circuit(&'a ProofWithPublicInputs<GFp, Config, D>),
    /// A leaf or step proof of [`Inner::Tree`].
    Tree(&'a TreeProof),
}

/// The verified inner proof of a leaf circuit.
#[derive(Debug)]
enum InnerTarget {
    Circuit(ProofWithPublicInputsTarget<D>),
    Tree(ChildTarget),
}

impl InnerTarget {
    /// The inner proof's public inputs (an inner tree proof's before its verifier data).
    fn app_inputs(&self) -> &[Target] {
        match self {
            Self::Circuit(proof) => &proof.public_inputs,
            Self::Tree(child) => child.app_inputs(),
        }
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
/// (the circuits over a tree's top proof hold it as a constant), so a step child is a proof
/// of this very circuit and a leaf child one of the leaf circuit.
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
/// constant inner circuit, or an inner tree's leaf or step circuit), then [`Self::leaf`]
/// registers its public inputs, then the leaf registers the step's verifier data; a step
/// verifies its two children, then [`Self::step`] registers the joined public inputs, then
/// the step registers its own verifier data.
pub trait TreeKind {
    /// The family name of the tree's cache keys (and of its circuits' files).
    const NAME: &'static str;
    /// What a leaf wraps, as an error message names it.
    const INNER: &'static str;
    /// The leaf's own targets, beyond the inner proof.
    type Leaf: std::fmt::Debug;
    /// The step's own targets, beyond its children.
    type Step: std::fmt::Debug;

    /// Registers a leaf's public inputs over the verified inner proof's (`inner`: an inner
    /// tree proof's before its verifier data).
    fn leaf(builder: &mut Builder, inner: &[Target]) -> Self::Leaf;

    /// Registers the public inputs joining two children's (`left` first, before their
    /// verifier data).
    fn step(builder: &mut Builder, left: &[Target], right: &[Target]) -> Self::Step;
}

/// Rows of a tree's circuits before padding (both are padded to one size, at least `2^13`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRows {
    /// The leaf circuit.
    pub leaf: usize,
    /// The step circuit.
    pub step: usize,
}

#[derive(Debug)]
struct LeafTargets<E> {
    inner: InnerTarget,
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

/// Registers a verifier data target as public inputs, digest first, then the cap (the
/// layout [`verifier_data_of`] reads).
fn register_verifier_data(builder: &mut Builder, data: &VerifierCircuitTarget) {
    builder.register_public_inputs(&data.circuit_digest.elements);
    for hash in &data.constants_sigmas_cap.0 {
        builder.register_public_inputs(&hash.elements);
    }
}

/// Verifies an inner proof of `inner` in `builder`: against the constant inner circuit, or
/// as a child of the inner tree (its leaf's and step's verifier data constants).
fn verify_inner(builder: &mut Builder, inner: &Inner) -> InnerTarget {
    match inner {
        Inner::Circuit(data) => {
            let proof = builder.add_virtual_proof_with_pis(&data.common);
            let verifier = builder.constant_verifier_data(&data.verifier_only);
            builder.verify_proof::<Config>(&proof, &verifier, &data.common);
            InnerTarget::Circuit(proof)
        }
        Inner::Tree { leaf, step } => {
            let leaf_data = builder.constant_verifier_data(&leaf.verifier_only);
            let step_data = builder.constant_verifier_data(&step.verifier_only);
            InnerTarget::Tree(verify_child(builder, &leaf.common, &leaf_data, &step_data))
        }
    }
}

fn leaf_builder<K: TreeKind>(inner: &Inner) -> (Builder, LeafTargets<K::Leaf>) {
    let mut builder = Builder::new(tree_config());
    let inner = verify_inner(&mut builder, inner);
    let inputs = inner.app_inputs().to_vec();
    let own = K::leaf(&mut builder, &inputs);
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

/// The two circuits of one aggregation tree over its inner proofs: the leaf (wraps an inner
/// proof) and the step (joins two leaf or step proofs; the same common data as the leaf, so
/// the same circuit at every level). [`super::BatchCircuits`] is one; the settlement tree
/// adds a root over it ([`super::SettlementCircuits`]).
#[derive(Debug)]
pub struct TreeCircuits<K: TreeKind> {
    /// What a leaf verifies.
    pub inner: Inner,
    /// The leaf circuit.
    pub leaf: CircuitData<GFp, Config, D>,
    /// The step circuit.
    pub step: CircuitData<GFp, Config, D>,
    /// Rows of each circuit before padding.
    pub rows: TreeRows,
    /// The cache keys of the leaf and step circuits.
    pub keys: [CircuitKey; 2],
    leaf_targets: LeafTargets<K::Leaf>,
    step_targets: StepTargets<K::Step>,
}

impl<K: TreeKind> TreeCircuits<K> {
    /// Builds (or loads from `cache`) the tree's circuits over `inner`'s proofs. The leaf
    /// and step circuits are found together ([`load_or_find`]); each circuit is cached
    /// under a key of the family [`TreeKind::NAME`] over the inner circuits' digests.
    pub(crate) fn build_over(inner: Inner, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let mut key = CircuitKey::new(K::NAME);
        for digest in inner.digests() {
            key = key.digest(digest);
        }
        let key = key.number(inner.common().degree_bits() as u64);
        let make_leaf = || leaf_builder::<K>(&inner).0;
        let (leaf, step, keys) = load_or_find(cache, &key, &make_leaf, &|common, leaf| {
            step_builder::<K>(common, leaf).0
        })?;
        let (leaf_unbuilt, leaf_targets) = leaf_builder::<K>(&inner);
        let (step_unbuilt, step_targets) = step_builder::<K>(&leaf.common, &leaf.verifier_only);
        let rows = TreeRows {
            leaf: leaf_unbuilt.num_gates(),
            step: step_unbuilt.num_gates(),
        };
        Ok(Self {
            inner,
            rows,
            keys,
            leaf,
            step,
            leaf_targets,
            step_targets,
        })
    }

    /// The leaf and step circuits, in that order.
    pub fn circuits(&self) -> [&CircuitData<GFp, Config, D>; 2] {
        [&self.leaf, &self.step]
    }

    /// The leaf's and step's verifier data: what a circuit over this tree's proofs verifies
    /// ([`Inner::Tree`]).
    pub fn as_inner(&self) -> Inner {
        Inner::Tree {
            leaf: Box::new(self.leaf.verifier_data()),
            step: Box::new(self.step.verifier_data()),
        }
    }

    /// A leaf proof of `inner` (verified natively first: a coordinator checks every proof
    /// it is given, and plonky2's witness generators would panic on an invalid one), its
    /// own targets set by `set`.
    pub(crate) fn prove_leaf_with(
        &self,
        inner: InnerProof<'_>,
        set: impl FnOnce(&mut PartialWitness<GFp>, &K::Leaf) -> anyhow::Result<()>,
    ) -> Result<TreeProof, CircuitError> {
        let verified = |e: String| CircuitError::Verify(format!("the {} proof: {e}", K::INNER));
        match (&self.inner, inner) {
            (Inner::Circuit(data), InnerProof::Circuit(proof)) => data
                .verify(proof.clone())
                .map_err(|e| verified(e.to_string()))?,
            (Inner::Tree { leaf, step }, InnerProof::Tree(proof)) => {
                let data = if proof.is_leaf { leaf } else { step };
                verify_tree_proof(|p| data.verify(p), &step.verifier_only, proof)
                    .map_err(|e| verified(e.to_string()))?
            }
            _ => {
                return Err(CircuitError::Witness(format!(
                    "a {} leaf wraps a {} proof of another kind",
                    K::NAME,
                    K::INNER
                )));
            }
        }
        let t = &self.leaf_targets;
        let proof = prove_with(&self.leaf, |witness| {
            match (&t.inner, inner) {
                (InnerTarget::Circuit(target), InnerProof::Circuit(proof)) => {
                    witness.set_proof_with_pis_target(target, proof)?;
                }
                (InnerTarget::Tree(target), InnerProof::Tree(proof)) => {
                    set_child(witness, target, proof)?;
                }
                _ => anyhow::bail!("the inner proof's kind is not the leaf's"),
            }
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

    /// Verifies a leaf or step proof, and that it carries the step's verifier data.
    pub fn verify_tree(&self, proof: &TreeProof) -> Result<(), CircuitError> {
        let data = if proof.is_leaf {
            &self.leaf
        } else {
            &self.step
        };
        verify_tree_proof(|p| data.verify(p), &self.step.verifier_only, proof)
    }
}

/// A circuit over a tree's top proof (leaf or step): it verifies it and registers what
/// `own` computes from its public inputs (the settlement root).
#[derive(Debug)]
pub struct TopCircuit<E> {
    /// The circuit.
    pub data: CircuitData<GFp, Config, D>,
    /// Its rows before padding.
    pub rows: usize,
    /// Its cache key.
    pub key: CircuitKey,
    child: ChildTarget,
    own: E,
}

impl<E> TopCircuit<E> {
    /// Builds (or loads from `cache`) the circuit over `tree`'s top proofs, keyed by `name`
    /// and both of the tree's verifier digests; `own` registers its public inputs over the
    /// top proof's (before their verifier data).
    pub(crate) fn build_over<K: TreeKind>(
        tree: &TreeCircuits<K>,
        name: &str,
        cache: &CircuitCache,
        own: impl FnOnce(&mut Builder, &[Target]) -> E,
    ) -> Self {
        let mut builder = Builder::new(tree_config());
        let leaf = builder.constant_verifier_data(&tree.leaf.verifier_only);
        let step = builder.constant_verifier_data(&tree.step.verifier_only);
        let child = verify_child(&mut builder, &tree.leaf.common, &leaf, &step);
        let own = own(&mut builder, child.app_inputs());
        let rows = builder.num_gates();
        let key = CircuitKey::new(K::NAME)
            .part(name)
            .digest(&tree.leaf.verifier_only.circuit_digest)
            .digest(&tree.step.verifier_only.circuit_digest)
            .number(rows as u64);
        let data = cache.load_or_build(&key, || builder.build::<Config>());
        Self {
            data,
            rows,
            key,
            child,
            own,
        }
    }

    /// Its proof over `top` (verified natively first, with `tree`), its own targets set by
    /// `set`.
    pub(crate) fn prove_with<K: TreeKind>(
        &self,
        tree: &TreeCircuits<K>,
        top: &TreeProof,
        set: impl FnOnce(&mut PartialWitness<GFp>, &E) -> anyhow::Result<()>,
    ) -> Result<ProofWithPublicInputs<GFp, Config, D>, CircuitError> {
        tree.verify_tree(top)?;
        prove_with(&self.data, |witness| {
            set_child(witness, &self.child, top)?;
            set(witness, &self.own)
        })
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

/// Verifies `proof` with `verify` (its leaf or step circuit) and checks its last public
/// inputs are `step`'s verifier data (plonky2's `check_cyclic_proof_verifier_data`).
fn verify_tree_proof(
    verify: impl FnOnce(ProofWithPublicInputs<GFp, Config, D>) -> anyhow::Result<()>,
    step: &VerifierOnlyCircuitData<Config, D>,
    proof: &TreeProof,
) -> Result<(), CircuitError> {
    verify(proof.proof.clone()).map_err(|e| CircuitError::Verify(e.to_string()))?;
    let inputs = &proof.proof.public_inputs;
    if inputs.len() < VERIFIER_DATA_ELEMENTS {
        return Err(CircuitError::Verify(
            "the proof has fewer public inputs than a verifier data".into(),
        ));
    }
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
