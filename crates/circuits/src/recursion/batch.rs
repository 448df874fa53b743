//! The batch proof: a binary tree over a batch's chunk proofs, in order. A leaf wraps one
//! chunk proof into a [`SegmentPublicInputs`] (the chunk's range plus where blocks end and
//! the pubdata fold), a step joins two adjacent segments. The batch proof is the tree's top
//! proof with the batch number ([`BatchProof`]): no circuit of its own. Whoever uses it
//! checks that its segment is a whole batch ([`SegmentPublicInputs::batch_inputs`]
//! natively, [`whole_batch`] in the settlement leaf, which also registers exactly
//! `BatchPublicInputs::to_elements`). The crate docs ("Recursion") explain the design.

use hyperforge_crypto::GFp;
use hyperforge_primitives::block::slots_hash_seed;
use hyperforge_primitives::bridge::{
    BatchPublicInputs, PUBLIC_INPUTS_PER_BATCH, empty_outbox_root, two_to_one,
};
use hyperforge_primitives::domain;
use hyperforge_primitives::tx::Digest;
use hyperforge_primitives::{Amount, ChainId};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::WitnessWrite;

use super::cache::CircuitCache;
use super::tree::{Inner, InnerProof, TreeCircuits, TreeKind, TreeProof, hash_at, select_hash};
use crate::chunk::PUBLIC_INPUTS_PER_CHUNK;
use crate::error::CircuitError;
use crate::{Builder, ChunkCircuit, ChunkProof, ChunkPublicInputs};

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

    /// The public inputs of batch `batch_number` if the segment is a whole batch, as
    /// [`whole_batch`] checks in circuit: its first block starts at the slots seed and its
    /// last ends, the pubdata fold starts at [`pubdata_seed`], the outbox empty and both
    /// value flows at zero.
    pub fn batch_inputs(&self, batch_number: u64) -> Result<BatchPublicInputs, CircuitError> {
        let r = &self.range;
        let problem = if r.slots_hash_before != slots_hash_seed() {
            Some("its first chunk does not start a block")
        } else if !self.ends_block {
            Some("its last chunk does not end a block")
        } else if self.pubdata_before != pubdata_seed() {
            Some("its pubdata fold does not start at the seed")
        } else if r.outbox_count_before != 0 || r.outbox_root_before != empty_outbox_root() {
            Some("its outbox does not start empty")
        } else if r.value_out_before != Amount::ZERO || r.value_in_before != Amount::ZERO {
            Some("its value flows do not start at zero")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(CircuitError::NotABatch(problem.into()));
        }
        let chain_id = ChainId::new(r.chain_id).map_err(|error| {
            CircuitError::NotABatch(format!("chain id {}: {error}", r.chain_id))
        })?;
        Ok(BatchPublicInputs {
            chain_id,
            batch_number,
            old_state_root: r.state_root_before,
            new_state_root: r.state_root_after,
            priority_ops_count: r.priority_count,
            priority_commitment_before: r.priority_before,
            priority_commitment_after: r.priority_after,
            imports_count: r.imports_count,
            imports_commitment_before: r.imports_before,
            imports_commitment_after: r.imports_after,
            outbox_root: r.outbox_root_after,
            value_out: r.value_out_after,
            value_in: r.value_in_after,
            pubdata_commitment: self.pubdata_after,
        })
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

/// A batch proof: the top proof of the batch's tree (a leaf for one chunk, else a step),
/// whose segment is a whole batch, with the batch number. The tree does not state the
/// number: the settlement leaf takes it as a witness into the batch's public inputs, which
/// the bridge rebuilds from its own records, so a wrong number settles nothing.
#[derive(Debug, Clone)]
pub struct BatchProof {
    top: TreeProof,
    batch_number: u64,
    public_inputs: Vec<GFp>,
}

impl BatchProof {
    /// The batch proof of `top`, if its segment is a whole batch (the proof itself is not
    /// verified here: [`BatchCircuits::verify`] does).
    pub fn new(top: TreeProof, batch_number: u64) -> Result<Self, CircuitError> {
        let segment = SegmentPublicInputs::from_elements(top.app_inputs())?;
        let public_inputs = segment.batch_inputs(batch_number)?.to_elements().to_vec();
        Ok(Self {
            top,
            batch_number,
            public_inputs,
        })
    }

    /// A batch proof of `top` without the whole-batch check: for tests that show the
    /// settlement circuit refusing what the native check would.
    #[cfg(test)]
    pub(crate) fn unchecked(top: TreeProof, batch_number: u64) -> Self {
        Self {
            top,
            batch_number,
            public_inputs: Vec::new(),
        }
    }

    /// The tree's top proof.
    pub fn top(&self) -> &TreeProof {
        &self.top
    }

    /// The batch number.
    pub fn batch_number(&self) -> u64 {
        self.batch_number
    }

    /// Its 40 public inputs: `BatchPublicInputs::to_elements` of its segment and number.
    pub fn public_inputs(&self) -> &[GFp] {
        &self.public_inputs
    }

    /// batch number (8, big-endian) | the top proof ([`TreeProof::to_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        Self::bytes_of(self.batch_number, &self.top.to_bytes())
    }

    /// [`Self::to_bytes`]' form from the parts: the number and the top proof's bytes.
    pub fn bytes_of(batch_number: u64, top: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + top.len());
        out.extend_from_slice(&batch_number.to_be_bytes());
        out.extend_from_slice(top);
        out
    }

    /// Reads [`Self::to_bytes`]' form for `circuits`.
    pub fn from_bytes(bytes: Vec<u8>, circuits: &BatchCircuits) -> Result<Self, CircuitError> {
        if bytes.len() < 8 {
            return Err(CircuitError::ProofBytes(format!(
                "a batch proof of {} bytes has no batch number",
                bytes.len()
            )));
        }
        let (number, top) = bytes.split_at(8);
        let mut word = [0; 8];
        word.copy_from_slice(number);
        let top = TreeProof::from_bytes(top, &circuits.leaf.common)?;
        Self::new(top, u64::from_be_bytes(word))
    }
}

/// The batch tree: its leaf wraps a chunk proof into a segment, its step joins two
/// adjacent segments, its root checks that the whole is a batch.
#[derive(Debug)]
pub struct BatchTree;

/// A batch leaf's own targets.
#[derive(Debug)]
pub struct BatchLeafTargets {
    pubdata_before: HashOutTarget,
    ends_block: BoolTarget,
}

impl TreeKind for BatchTree {
    const NAME: &'static str = "batch";
    const INNER: &'static str = "chunk";
    type Leaf = BatchLeafTargets;
    type Step = ();

    fn leaf(builder: &mut Builder, chunk: &[Target]) -> BatchLeafTargets {
        let pubdata_before = builder.add_virtual_hash();
        let ends_block = builder.add_virtual_bool_target_safe();
        let slots_after = hash_at(chunk, SLOTS_AFTER);
        let mut to_fold = pubdata_before.elements.to_vec();
        to_fold.extend(slots_after.elements);
        let folded = builder.hash_n_to_hash_no_pad::<PoseidonHash>(to_fold);
        let pubdata_after = select_hash(builder, ends_block, folded, pubdata_before);
        builder.register_public_inputs(chunk);
        builder.register_public_input(ends_block.target);
        builder.register_public_inputs(&pubdata_before.elements);
        builder.register_public_inputs(&pubdata_after.elements);
        BatchLeafTargets {
            pubdata_before,
            ends_block,
        }
    }

    fn step(builder: &mut Builder, left: &[Target], right: &[Target]) {
        let joined = join(builder, left, right);
        builder.register_public_inputs(&joined);
    }
}

/// What a whole batch's segment `s` registers, in circuit: the checks of
/// [`SegmentPublicInputs::batch_inputs`] (its first block starts at the slots seed, its last
/// ends; the pubdata fold, the outbox and the value flows start empty), then the batch's
/// public inputs, exactly `BatchPublicInputs::to_elements`, returned with the batch number
/// (a free target: its prover sets it). The settlement leaf's.
pub(crate) fn whole_batch(builder: &mut Builder, s: &[Target]) -> (Vec<Target>, Target) {
    let slots_seed = builder.constant_hash(slots_hash_seed());
    builder.connect_hashes(hash_at(s, SLOTS_BEFORE), slots_seed);
    let one = builder.one();
    builder.connect(s[ENDS_BLOCK], one);
    let pubdata = builder.constant_hash(pubdata_seed());
    builder.connect_hashes(hash_at(s, PUBDATA_BEFORE), pubdata);
    let zero = builder.zero();
    builder.connect(s[OUTBOX_BEFORE], zero);
    let empty_outbox = builder.constant_hash(empty_outbox_root());
    builder.connect_hashes(hash_at(s, OUTBOX_BEFORE + 1), empty_outbox);
    for i in 0..2 {
        builder.connect(s[VALUE_OUT_BEFORE + i], zero);
        builder.connect(s[VALUE_IN_BEFORE + i], zero);
    }
    let batch_number = builder.add_virtual_target();
    // `BatchPublicInputs::to_elements`.
    let mut out = vec![s[CHAIN], batch_number];
    out.extend(&s[STATE_BEFORE..STATE_BEFORE + 4]);
    out.extend(&s[STATE_AFTER..STATE_AFTER + 4]);
    out.push(s[PRIORITY_COUNT]);
    out.extend(&s[PRIORITY_BEFORE..PRIORITY_BEFORE + 4]);
    out.extend(&s[PRIORITY_AFTER..PRIORITY_AFTER + 4]);
    out.push(s[IMPORTS_COUNT]);
    out.extend(&s[IMPORTS_BEFORE..IMPORTS_BEFORE + 4]);
    out.extend(&s[IMPORTS_AFTER..IMPORTS_AFTER + 4]);
    out.extend(&s[OUTBOX_AFTER + 1..OUTBOX_AFTER + 5]);
    out.extend(&s[VALUE_OUT_AFTER..VALUE_OUT_AFTER + 2]);
    out.extend(&s[VALUE_IN_AFTER..VALUE_IN_AFTER + 2]);
    out.extend(&s[PUBDATA_AFTER..PUBDATA_AFTER + 4]);
    debug_assert_eq!(out.len(), PUBLIC_INPUTS_PER_BATCH);
    (out, batch_number)
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

/// The two circuits of a batch proof for one chunk circuit: the leaf (wraps a chunk proof)
/// and the step (joins two leaf or step proofs; the same common data as the leaf, so the
/// same circuit at every level). Its `inner` is the chunk circuit's verifier data.
pub type BatchCircuits = TreeCircuits<BatchTree>;

impl BatchCircuits {
    /// Builds (or loads from `cache`) the batch circuits over `chunk`'s proofs. The leaf and
    /// step circuits are found together (their common data is a fixed point, see
    /// [`super::tree`]); each is cached under a key over the chunk circuit's digest.
    pub fn build(chunk: &ChunkCircuit, cache: &CircuitCache) -> Result<Self, CircuitError> {
        Self::build_over(Inner::Circuit(Box::new(chunk.data.verifier_data())), cache)
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
        self.prove_leaf_with(InnerProof::Circuit(&chunk.0), |witness, t| {
            witness.set_hash_target(t.pubdata_before, pubdata_before)?;
            witness.set_bool_target(t.ends_block, ends_block)
        })
    }

    /// Joins two adjacent segments, `left` first.
    pub fn prove_step(
        &self,
        left: &TreeProof,
        right: &TreeProof,
    ) -> Result<TreeProof, CircuitError> {
        self.prove_step_with(left, Some(right), |_, ()| Ok(()))
    }

    /// The batch proof of `top` as batch `batch_number`: verified, and its segment a whole
    /// batch.
    pub fn batch_proof(
        &self,
        top: TreeProof,
        batch_number: u64,
    ) -> Result<BatchProof, CircuitError> {
        self.verify_tree(&top)?;
        BatchProof::new(top, batch_number)
    }

    /// Verifies a batch proof: its top proof verifies and carries the step's verifier data
    /// (its segment is a whole batch by construction of [`BatchProof`]).
    pub fn verify(&self, proof: &BatchProof) -> Result<(), CircuitError> {
        self.verify_tree(proof.top())
    }

    /// The whole batch proof of `chunks` (in order): a leaf per chunk, then steps joining
    /// neighbours level by level (an odd last proof is carried up to the next level
    /// unchanged, so any number of chunks works without padding); the top proof is the
    /// batch proof. A chunk ends its block if it is the last or the next one starts at the
    /// slots seed.
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
        self.batch_proof(top, batch_number)
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
