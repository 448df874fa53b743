//! The batch proof: a binary tree over a batch's chunk proofs, in order. A leaf wraps one
//! chunk proof into a [`SegmentPublicInputs`] (the chunk's range plus where blocks end and
//! the pubdata fold), a step joins two adjacent segments, the root checks that the whole is
//! a batch and exposes exactly `BatchPublicInputs::to_elements`. The crate docs ("Recursion")
//! explain the design.

use hyperforge_crypto::GFp;
use hyperforge_primitives::block::slots_hash_seed;
use hyperforge_primitives::bridge::{PUBLIC_INPUTS_PER_BATCH, empty_outbox_root, two_to_one};
use hyperforge_primitives::domain;
use hyperforge_primitives::tx::Digest;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{
    CircuitData, CommonCircuitData, VerifierCircuitData, VerifierCircuitTarget,
    VerifierOnlyCircuitData,
};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use super::cache::{CircuitCache, CircuitKey};
use super::tree::{
    self, ChildTarget, TreeProof, VERIFIER_DATA_ELEMENTS, hash_at, select_hash, verify_child,
};
use crate::chunk::PUBLIC_INPUTS_PER_CHUNK;
use crate::error::CircuitError;
use crate::{Builder, ChunkCircuit, ChunkProof, ChunkPublicInputs, Config, D};

/// Field elements of a segment's public inputs (before the verifier data).
pub const PUBLIC_INPUTS_PER_SEGMENT: usize = PUBLIC_INPUTS_PER_CHUNK + 9;

// Offsets in the chunk layout (`ChunkPublicInputs::to_elements`), shared by segments.
const CHAIN: usize = 0;
const STATE_BEFORE: usize = 1;
const STATE_AFTER: usize = 5;
const SLOTS_BEFORE: usize = 9;
const SLOTS_AFTER: usize = 13;
const PRIORITY_COUNT: usize = 17;
const PRIORITY_BEFORE: usize = 18;
const PRIORITY_AFTER: usize = 22;
const IMPORTS_COUNT: usize = 26;
const IMPORTS_BEFORE: usize = 27;
const IMPORTS_AFTER: usize = 31;
const OUTBOX_BEFORE: usize = 35; // count, root (4)
const OUTBOX_AFTER: usize = 40; // count, root (4)
const VALUE_OUT_BEFORE: usize = 45;
const VALUE_OUT_AFTER: usize = 47;
const VALUE_IN_BEFORE: usize = 49;
const VALUE_IN_AFTER: usize = 51;
// The segment's own fields after the chunk layout.
const ENDS_BLOCK: usize = 53;
const PUBDATA_BEFORE: usize = 54;
const PUBDATA_AFTER: usize = 58;

/// `hash_no_pad([PUBDATA])`: the pubdata fold before a batch's first block.
pub fn pubdata_seed() -> Digest {
    domain::seed(domain::PUBDATA)
}

/// The public inputs of a run of consecutive chunks: the range of all of them in the chunk
/// layout (`before` fields of the first, `after` fields of the last, counts summed), whether
/// the run's last chunk ends its block, and the batch's pubdata fold before and after the
/// run (`fold = two_to_one(fold, slots_hash)` at each block end, [`pubdata_seed`] first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentPublicInputs {
    /// The run's range, as one chunk's public inputs would state it.
    pub range: ChunkPublicInputs,
    /// Whether the run's last chunk is its block's last: the next run starts a block.
    pub ends_block: bool,
    /// The pubdata fold before the run.
    pub pubdata_before: Digest,
    /// And after it (folded with `slots_hash_after` if it ends a block).
    pub pubdata_after: Digest,
}

impl SegmentPublicInputs {
    /// A single chunk's segment.
    pub fn of_chunk(range: ChunkPublicInputs, pubdata_before: Digest, ends_block: bool) -> Self {
        let pubdata_after = if ends_block {
            two_to_one(pubdata_before, range.slots_hash_after)
        } else {
            pubdata_before
        };
        Self {
            range,
            ends_block,
            pubdata_before,
            pubdata_after,
        }
    }

    /// The 62 elements: the chunk layout (53), `ends_block`, pubdata before (4), after (4).
    pub fn to_elements(&self) -> Vec<GFp> {
        let mut out = self.range.to_elements();
        out.push(GFp::from_bool(self.ends_block));
        out.extend(self.pubdata_before.elements);
        out.extend(self.pubdata_after.elements);
        out
    }

    /// Reads [`Self::to_elements`]' layout.
    pub fn from_elements(elements: &[GFp]) -> Result<Self, CircuitError> {
        if elements.len() != PUBLIC_INPUTS_PER_SEGMENT {
            return Err(CircuitError::ProofBytes(format!(
                "{} public inputs, a segment has {PUBLIC_INPUTS_PER_SEGMENT}",
                elements.len()
            )));
        }
        let digest = |at: usize| Digest {
            elements: [0, 1, 2, 3].map(|i| elements[at + i]),
        };
        Ok(Self {
            range: ChunkPublicInputs::from_elements(&elements[..PUBLIC_INPUTS_PER_CHUNK])?,
            ends_block: elements[ENDS_BLOCK] == GFp::ONE,
            pubdata_before: digest(PUBDATA_BEFORE),
            pubdata_after: digest(PUBDATA_AFTER),
        })
    }
}

/// A batch proof: its public inputs are exactly `BatchPublicInputs::to_elements`.
#[derive(Debug, Clone)]
pub struct BatchProof(pub ProofWithPublicInputs<GFp, Config, D>);

impl BatchProof {
    /// Its 40 public inputs.
    pub fn public_inputs(&self) -> &[GFp] {
        &self.0.public_inputs
    }

    /// plonky2's proof encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// Reads [`Self::to_bytes`]' form for `circuits`.
    pub fn from_bytes(bytes: Vec<u8>, circuits: &BatchCircuits) -> Result<Self, CircuitError> {
        ProofWithPublicInputs::from_bytes(bytes, &circuits.root.common)
            .map(Self)
            .map_err(|e| CircuitError::ProofBytes(e.to_string()))
    }
}

#[derive(Debug)]
struct LeafTargets {
    chunk: ProofWithPublicInputsTarget<D>,
    pubdata_before: HashOutTarget,
    ends_block: BoolTarget,
    step_data: VerifierCircuitTarget,
}

#[derive(Debug)]
struct StepTargets {
    left: ChildTarget,
    right: ChildTarget,
    own: VerifierCircuitTarget,
}

#[derive(Debug)]
struct RootTargets {
    child: ChildTarget,
    batch_number: Target,
}

/// Registers a verifier data target as public inputs, digest first, then the cap (the
/// layout [`tree::verifier_data_of`] reads).
fn register_verifier_data(builder: &mut Builder, data: &VerifierCircuitTarget) {
    builder.register_public_inputs(&data.circuit_digest.elements);
    for hash in &data.constants_sigmas_cap.0 {
        builder.register_public_inputs(&hash.elements);
    }
}

fn leaf_builder(
    chunk_common: &CommonCircuitData<GFp, D>,
    chunk_data: &VerifierOnlyCircuitData<Config, D>,
) -> (Builder, LeafTargets) {
    let mut builder = Builder::new(tree::tree_config());
    let chunk = builder.add_virtual_proof_with_pis(chunk_common);
    let chunk_verifier = builder.constant_verifier_data(chunk_data);
    builder.verify_proof::<Config>(&chunk, &chunk_verifier, chunk_common);
    let pubdata_before = builder.add_virtual_hash();
    let ends_block = builder.add_virtual_bool_target_safe();
    let slots_after = hash_at(&chunk.public_inputs, SLOTS_AFTER);
    let mut to_fold = pubdata_before.elements.to_vec();
    to_fold.extend(slots_after.elements);
    let folded = builder.hash_n_to_hash_no_pad::<PoseidonHash>(to_fold);
    let pubdata_after = select_hash(&mut builder, ends_block, folded, pubdata_before);
    let chunk_inputs = chunk.public_inputs.clone();
    builder.register_public_inputs(&chunk_inputs);
    builder.register_public_input(ends_block.target);
    builder.register_public_inputs(&pubdata_before.elements);
    builder.register_public_inputs(&pubdata_after.elements);
    // Free: the prover sets the step's verifier data, which every step checks it carries.
    let step_data = builder.add_virtual_verifier_data(4);
    register_verifier_data(&mut builder, &step_data);
    let targets = LeafTargets {
        chunk,
        pubdata_before,
        ends_block,
        step_data,
    };
    (builder, targets)
}

/// The joined segment of two adjacent ones: the left's "before" fields, the right's
/// "after" ones, counts summed, after every continuity check.
fn join(builder: &mut Builder, left: &[Target], right: &[Target]) -> Vec<Target> {
    builder.connect(left[CHAIN], right[CHAIN]);
    let connect_hash = |builder: &mut Builder, l: usize, r: usize| {
        builder.connect_hashes(hash_at(left, l), hash_at(right, r));
    };
    connect_hash(builder, STATE_AFTER, STATE_BEFORE);
    // A block ends after the left run: the right one starts a block at the seed; else it
    // continues the left's slots hash.
    let seed = builder.constant_hash(slots_hash_seed());
    let left_ends = BoolTarget::new_unsafe(left[ENDS_BLOCK]);
    let expected = select_hash(builder, left_ends, seed, hash_at(left, SLOTS_AFTER));
    builder.connect_hashes(expected, hash_at(right, SLOTS_BEFORE));
    connect_hash(builder, PUBDATA_AFTER, PUBDATA_BEFORE);
    connect_hash(builder, PRIORITY_AFTER, PRIORITY_BEFORE);
    connect_hash(builder, IMPORTS_AFTER, IMPORTS_BEFORE);
    for i in 0..5 {
        builder.connect(left[OUTBOX_AFTER + i], right[OUTBOX_BEFORE + i]);
    }
    for i in 0..2 {
        builder.connect(left[VALUE_OUT_AFTER + i], right[VALUE_OUT_BEFORE + i]);
        builder.connect(left[VALUE_IN_AFTER + i], right[VALUE_IN_BEFORE + i]);
    }
    let priority_count = builder.add(left[PRIORITY_COUNT], right[PRIORITY_COUNT]);
    let imports_count = builder.add(left[IMPORTS_COUNT], right[IMPORTS_COUNT]);

    let mut out = Vec::with_capacity(PUBLIC_INPUTS_PER_SEGMENT);
    out.push(left[CHAIN]);
    out.extend(&left[STATE_BEFORE..STATE_BEFORE + 4]);
    out.extend(&right[STATE_AFTER..STATE_AFTER + 4]);
    out.extend(&left[SLOTS_BEFORE..SLOTS_BEFORE + 4]);
    out.extend(&right[SLOTS_AFTER..SLOTS_AFTER + 4]);
    out.push(priority_count);
    out.extend(&left[PRIORITY_BEFORE..PRIORITY_BEFORE + 4]);
    out.extend(&right[PRIORITY_AFTER..PRIORITY_AFTER + 4]);
    out.push(imports_count);
    out.extend(&left[IMPORTS_BEFORE..IMPORTS_BEFORE + 4]);
    out.extend(&right[IMPORTS_AFTER..IMPORTS_AFTER + 4]);
    out.extend(&left[OUTBOX_BEFORE..OUTBOX_BEFORE + 5]);
    out.extend(&right[OUTBOX_AFTER..OUTBOX_AFTER + 5]);
    out.extend(&left[VALUE_OUT_BEFORE..VALUE_OUT_BEFORE + 2]);
    out.extend(&right[VALUE_OUT_AFTER..VALUE_OUT_AFTER + 2]);
    out.extend(&left[VALUE_IN_BEFORE..VALUE_IN_BEFORE + 2]);
    out.extend(&right[VALUE_IN_AFTER..VALUE_IN_AFTER + 2]);
    out.push(right[ENDS_BLOCK]);
    out.extend(&left[PUBDATA_BEFORE..PUBDATA_BEFORE + 4]);
    out.extend(&right[PUBDATA_AFTER..PUBDATA_AFTER + 4]);
    out
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
    let joined = join(&mut builder, left.app_inputs(), right.app_inputs());
    builder.register_public_inputs(&joined);
    register_verifier_data(&mut builder, &own);
    (builder, StepTargets { left, right, own })
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
    let s = child.app_inputs().to_vec();
    // A batch: its first block starts at the slots seed, its last ends; the pubdata fold,
    // the outbox and the value flows start empty.
    let slots_seed = builder.constant_hash(slots_hash_seed());
    builder.connect_hashes(hash_at(&s, SLOTS_BEFORE), slots_seed);
    let one = builder.one();
    builder.connect(s[ENDS_BLOCK], one);
    let pubdata = builder.constant_hash(pubdata_seed());
    builder.connect_hashes(hash_at(&s, PUBDATA_BEFORE), pubdata);
    let zero = builder.zero();
    builder.connect(s[OUTBOX_BEFORE], zero);
    let empty_outbox = builder.constant_hash(empty_outbox_root());
    builder.connect_hashes(hash_at(&s, OUTBOX_BEFORE + 1), empty_outbox);
    for i in 0..2 {
        builder.connect(s[VALUE_OUT_BEFORE + i], zero);
        builder.connect(s[VALUE_IN_BEFORE + i], zero);
    }
    let batch_number = builder.add_virtual_target();
    // `BatchPublicInputs::to_elements`.
    builder.register_public_input(s[CHAIN]);
    builder.register_public_input(batch_number);
    builder.register_public_inputs(&s[STATE_BEFORE..STATE_BEFORE + 4]);
    builder.register_public_inputs(&s[STATE_AFTER..STATE_AFTER + 4]);
    builder.register_public_input(s[PRIORITY_COUNT]);
    builder.register_public_inputs(&s[PRIORITY_BEFORE..PRIORITY_BEFORE + 4]);
    builder.register_public_inputs(&s[PRIORITY_AFTER..PRIORITY_AFTER + 4]);
    builder.register_public_input(s[IMPORTS_COUNT]);
    builder.register_public_inputs(&s[IMPORTS_BEFORE..IMPORTS_BEFORE + 4]);
    builder.register_public_inputs(&s[IMPORTS_AFTER..IMPORTS_AFTER + 4]);
    builder.register_public_inputs(&s[OUTBOX_AFTER + 1..OUTBOX_AFTER + 5]);
    builder.register_public_inputs(&s[VALUE_OUT_AFTER..VALUE_OUT_AFTER + 2]);
    builder.register_public_inputs(&s[VALUE_IN_AFTER..VALUE_IN_AFTER + 2]);
    builder.register_public_inputs(&s[PUBDATA_AFTER..PUBDATA_AFTER + 4]);
    debug_assert_eq!(builder.num_public_inputs(), PUBLIC_INPUTS_PER_BATCH);
    (
        builder,
        RootTargets {
            child,
            batch_number,
        },
    )
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

/// The three circuits of a batch proof for one chunk circuit: the leaf (wraps a chunk
/// proof), the step (joins two leaf or step proofs; the same common data as the leaf, so
/// the same circuit at every level) and the root (exposes the batch public inputs).
#[derive(Debug)]
pub struct BatchCircuits {
    /// The chunk circuit's verifier data (what a leaf verifies).
    pub chunk: VerifierCircuitData<GFp, Config, D>,
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

impl BatchCircuits {
    /// Builds (or loads from `cache`) the batch circuits over `chunk`'s proofs. The leaf and
    /// step circuits are found together (their common data is a fixed point, see
    /// [`tree`]); each is cached under a key over the chunk circuit's digest.
    pub fn build(chunk: &ChunkCircuit, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let chunk_common = chunk.data.common.clone();
        let chunk_data = chunk.data.verifier_only.clone();
        let key = CircuitKey::new("batch")
            .digest(&chunk_data.circuit_digest)
            .number(chunk_common.degree_bits() as u64);
        let make_leaf = || leaf_builder(&chunk_common, &chunk_data).0;
        let (leaf, step, [leaf_key, step_key]) =
            tree::load_or_find(cache, &key, &make_leaf, &|common, leaf| {
                step_builder(common, leaf).0
            })?;
        let (leaf_unbuilt, leaf_targets) = leaf_builder(&chunk_common, &chunk_data);
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
            chunk: chunk.data.verifier_data(),
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

    /// Every `prove_*` first verifies its inputs natively (a coordinator checks every proof
    /// it is given): an invalid proof is refused with an error here, where plonky2's
    /// witness generators would panic on it.
    ///
    /// Wraps one chunk proof: `pubdata_before` is the batch's pubdata fold before it,
    /// `ends_block` whether it is its block's last chunk.
    pub fn prove_leaf(
        &self,
        chunk: &ChunkProof,
        pubdata_before: Digest,
        ends_block: bool,
    ) -> Result<TreeProof, CircuitError> {
        self.chunk
            .verify(chunk.0.clone())
            .map_err(|e| CircuitError::Verify(format!("the chunk proof: {e}")))?;
        let t = &self.leaf_targets;
        let mut witness = PartialWitness::new();
        let set = |witness: &mut PartialWitness<GFp>| -> anyhow::Result<()> {
            witness.set_proof_with_pis_target(&t.chunk, &chunk.0)?;
            witness.set_hash_target(t.pubdata_before, pubdata_before)?;
            witness.set_bool_target(t.ends_block, ends_block)?;
            tree::set_step_verifier_data(witness, &t.step_data, &self.step.verifier_only)
        };
        set(&mut witness).map_err(|e| CircuitError::Witness(e.to_string()))?;
        let proof = prove(&self.leaf, witness)?;
        Ok(TreeProof {
            proof,
            is_leaf: true,
        })
    }

    /// Joins two adjacent segments, `left` first.
    pub fn prove_step(
        &self,
        left: &TreeProof,
        right: &TreeProof,
    ) -> Result<TreeProof, CircuitError> {
        self.verify_tree(left)?;
        self.verify_tree(right)?;
        let t = &self.step_targets;
        let mut witness = PartialWitness::new();
        let set = |witness: &mut PartialWitness<GFp>| -> anyhow::Result<()> {
            tree::set_child(witness, &t.left, left)?;
            tree::set_child(witness, &t.right, right)?;
            tree::set_step_verifier_data(witness, &t.own, &self.step.verifier_only)
        };
        set(&mut witness).map_err(|e| CircuitError::Witness(e.to_string()))?;
        let proof = prove(&self.step, witness)?;
        Ok(TreeProof {
            proof,
            is_leaf: false,
        })
    }

    /// The batch proof of a segment that covers a whole batch.
    pub fn prove_root(
        &self,
        top: &TreeProof,
        batch_number: u64,
    ) -> Result<BatchProof, CircuitError> {
        self.verify_tree(top)?;
        let t = &self.root_targets;
        let mut witness = PartialWitness::new();
        let set = |witness: &mut PartialWitness<GFp>| -> anyhow::Result<()> {
            tree::set_child(witness, &t.child, top)?;
            witness.set_target(t.batch_number, GFp::from_noncanonical_u64(batch_number))
        };
        set(&mut witness).map_err(|e| CircuitError::Witness(e.to_string()))?;
        prove(&self.root, witness).map(BatchProof)
    }

    /// The whole batch proof of `chunks` (in order): a leaf per chunk, then steps joining
    /// neighbours level by level (an odd last proof is carried up to the next level
    /// unchanged, so any number of chunks works without padding), then the root. A chunk
    /// ends its block if it is the last or the next one starts at the slots seed.
    pub fn prove_batch(
        &self,
        chunks: &[ChunkProof],
        batch_number: u64,
    ) -> Result<BatchProof, CircuitError> {
        if chunks.is_empty() {
            return Err(CircuitError::EmptyAggregation(
                "a batch has at least one chunk",
            ));
        }
        let inputs: Vec<ChunkPublicInputs> = chunks
            .iter()
            .map(ChunkProof::public_inputs)
            .collect::<Result<_, _>>()?;
        let mut pubdata = pubdata_seed();
        let mut level = Vec::with_capacity(chunks.len());
        for (i, chunk) in chunks.iter().enumerate() {
            let ends_block = inputs
                .get(i + 1)
                .is_none_or(|next| next.slots_hash_before == slots_hash_seed());
            level.push(self.prove_leaf(chunk, pubdata, ends_block)?);
            if ends_block {
                pubdata = two_to_one(pubdata, inputs[i].slots_hash_after);
            }
        }
        let top = reduce(level, |left, right| self.prove_step(left, right))?;
        self.prove_root(&top, batch_number)
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

    /// Verifies a batch proof.
    pub fn verify(&self, proof: &BatchProof) -> Result<(), CircuitError> {
        self.root
            .verify(proof.0.clone())
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }

    /// The segment a leaf or step proof states.
    pub fn segment(proof: &TreeProof) -> Result<SegmentPublicInputs, CircuitError> {
        SegmentPublicInputs::from_elements(proof.app_inputs())
    }
}

/// Folds a level of proofs into one, joining neighbours; an odd last one moves up as is.
pub(crate) fn reduce(
    mut level: Vec<TreeProof>,
    join: impl Fn(&TreeProof, &TreeProof) -> Result<TreeProof, CircuitError>,
) -> Result<TreeProof, CircuitError> {
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut pairs = level.chunks_exact(2);
        for pair in &mut pairs {
            next.push(join(&pair[0], &pair[1])?);
        }
        if let [last] = pairs.remainder() {
            next.push(last.clone());
        }
        level = next;
    }
    level
        .pop()
        .ok_or(CircuitError::EmptyAggregation("nothing to aggregate"))
}

pub(crate) fn prove(
    data: &CircuitData<GFp, Config, D>,
    witness: PartialWitness<GFp>,
) -> Result<ProofWithPublicInputs<GFp, Config, D>, CircuitError> {
    data.prove(witness)
        .map_err(|e| CircuitError::Prove(e.to_string()))
}

/// Verifies `proof` against `data` and checks its last public inputs are `step`'s verifier
/// data (plonky2's `check_cyclic_proof_verifier_data`).
pub(crate) fn verify_tree_proof(
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
