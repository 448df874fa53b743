//! The job kinds, their payloads (canonical bytes), [`prove`] and [`check`].

use std::ops::Range;

use hyperforge_circuits::{
    ChunkPublicInputs, ChunkState,
    recursion::{BatchCircuits, BatchProof, SegmentPublicInputs, TreeProof},
};
use hyperforge_primitives::{
    bridge::BatchPublicInputs,
    tx::{DEFAULT_MAX_PAYLOAD, Digest},
    witness::BlockWitness,
};

use crate::{
    circuits::ProverCircuits,
    codec::{Reader, Writer},
    error::{ProverError, Rejection},
};

/// The two kinds of job, as the `kind` byte of a p2p job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// Prove one chunk and wrap it into its batch leaf: returns the leaf proof.
    Chunk = 0,
    /// Join two adjacent tree proofs: returns the step proof.
    Step = 1,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [JobKind; 2] = [Self::Chunk, Self::Step];

    /// The wire byte.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// Reads the wire byte.
    pub fn from_u8(byte: u8) -> Result<Self, ProverError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_u8() == byte)
            .ok_or(ProverError::UnknownKind(byte))
    }

    /// A short name (logs, metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chunk => "chunk",
            Self::Step => "step",
        }
    }
}

/// A chunk job: where the chunk starts, the witness of its block and which of the block's
/// expanded slots it proves, whether it is the block's last chunk and the batch's pubdata
/// fold before it. Payload: block (8) | start state | slots from (4) | to (4) | ends block
/// (1) | pubdata before (32) | block witness (length-prefixed, `BlockWitness::encode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkJob {
    /// The block the chunk belongs to.
    pub block: u64,
    /// Where the chunk starts.
    pub start: ChunkState,
    /// The chunk's slots: indices into the block's `BlockWitness::expand`.
    pub slots: Range<usize>,
    /// Whether it is its block's last chunk.
    pub ends_block: bool,
    /// The batch's pubdata fold before the chunk.
    pub pubdata_before: Digest,
    /// The block's witness.
    pub witness: BlockWitness,
}

/// A step job: two adjacent tree proofs, left first. Payload: left, right (each
/// length-prefixed tree proof bytes, [`encode_tree_proof`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepJob {
    /// The left child's proof bytes.
    pub left: Vec<u8>,
    /// The right child's proof bytes.
    pub right: Vec<u8>,
}

/// One job's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobPayload {
    /// A chunk job.
    Chunk(Box<ChunkJob>),
    /// A step job.
    Step(StepJob),
}

impl JobPayload {
    /// Its kind.
    pub fn kind(&self) -> JobKind {
        match self {
            Self::Chunk(_) => JobKind::Chunk,
            Self::Step(_) => JobKind::Step,
        }
    }

    /// The canonical bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::default();
        match self {
            Self::Chunk(job) => {
                writer
                    .u64(job.block)
                    .chunk_state(&job.start)
                    .u32(job.slots.start as u32)
                    .u32(job.slots.end as u32)
                    .u8(u8::from(job.ends_block))
                    .digest(&job.pubdata_before)
                    .bytes(&job.witness.encode());
            }
            Self::Step(job) => {
                writer.bytes(&job.left).bytes(&job.right);
            }
        }
        writer.out
    }

    /// Reads [`Self::encode`]'s form for a job of `kind`.
    pub fn decode(kind: JobKind, bytes: &[u8]) -> Result<Self, ProverError> {
        match kind {
            JobKind::Chunk => {
                let mut reader = Reader::new(bytes, "chunk job");
                let block = reader.u64()?;
                let start = reader.chunk_state()?;
                let from = reader.u32()? as usize;
                let to = reader.u32()? as usize;
                if from > to {
                    return Err(reader.error(format!("slots {from}..{to}")));
                }
                let ends_block = reader.bool()?;
                let pubdata_before = reader.digest()?;
                let witness = BlockWitness::decode(reader.bytes()?, DEFAULT_MAX_PAYLOAD)
                    .map_err(|error| reader.error(format!("block witness: {error}")))?;
                reader.finish()?;
                Ok(Self::Chunk(Box::new(ChunkJob {
                    block,
                    start,
                    slots: from..to,
                    ends_block,
                    pubdata_before,
                    witness,
                })))
            }
            JobKind::Step => {
                let mut reader = Reader::new(bytes, "step job");
                let left = reader.bytes()?.to_vec();
                let right = reader.bytes()?.to_vec();
                reader.finish()?;
                Ok(Self::Step(StepJob { left, right }))
            }
        }
    }
}

/// A tree proof's bytes: is leaf (1) | plonky2's proof encoding ([`TreeProof::to_bytes`]).
pub fn encode_tree_proof(proof: &TreeProof) -> Vec<u8> {
    proof.to_bytes()
}

/// Reads [`encode_tree_proof`]'s form (the leaf and step circuits share one common data).
pub fn decode_tree_proof(batch: &BatchCircuits, bytes: &[u8]) -> Result<TreeProof, ProverError> {
    TreeProof::from_bytes(bytes, &batch.leaf.common).map_err(|error| ProverError::Malformed {
        what: "tree proof",
        problem: error.to_string(),
    })
}

/// Proves a job: `kind` and `payload` as the coordinator sent them. Returns the proof bytes
/// ([`encode_tree_proof`]).
/// Slow: call it on a blocking thread.
pub fn prove(circuits: &ProverCircuits, kind: u8, payload: &[u8]) -> Result<Vec<u8>, ProverError> {
    let kind = JobKind::from_u8(kind)?;
    match JobPayload::decode(kind, payload)? {
        JobPayload::Chunk(job) => {
            let witness_error = |problem: String| ProverError::Witness {
                block: job.block,
                problem,
            };
            let slots = job
                .witness
                .expand()
                .map_err(|error| witness_error(error.to_string()))?;
            let chunk_slots = slots.get(job.slots.clone()).ok_or_else(|| {
                witness_error(format!(
                    "slots {:?} of a block of {}",
                    job.slots,
                    slots.len()
                ))
            })?;
            let chunk = circuits.chunk.prove(&job.start, chunk_slots)?;
            let leaf = circuits
                .batch
                .prove_leaf(&chunk, job.pubdata_before, job.ends_block)?;
            Ok(encode_tree_proof(&leaf))
        }
        JobPayload::Step(job) => {
            let left = decode_tree_proof(&circuits.batch, &job.left)?;
            let right = decode_tree_proof(&circuits.batch, &job.right)?;
            let step = circuits.batch.prove_step(&left, &right)?;
            Ok(encode_tree_proof(&step))
        }
    }
}

/// What a returned proof must state, computed natively by the coordinator from the sealed
/// batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A leaf proof (chunk job) of this segment.
    Leaf(SegmentPublicInputs),
    /// A step proof of this segment.
    Step(SegmentPublicInputs),
}

/// Checks a returned proof: it decodes for the circuit, is of the expected level, verifies,
/// and states exactly the expected public inputs.
pub fn check(
    circuits: &ProverCircuits,
    expected: &Expected,
    proof: &[u8],
) -> Result<(), Rejection> {
    refusing_panics(|| check_inner(circuits, expected, proof))
}

/// Runs a check of untrusted bytes: plonky2 decodes and verifies them, and a panic in there
/// must be a refusal of this proof, not the end of the coordinator.
fn refusing_panics(check: impl FnOnce() -> Result<(), Rejection>) -> Result<(), Rejection> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check))
        .unwrap_or_else(|_| Err(Rejection::Undecodable("the verifier panicked".into())))
}

fn check_inner(
    circuits: &ProverCircuits,
    expected: &Expected,
    proof: &[u8],
) -> Result<(), Rejection> {
    let batch = &circuits.batch;
    let level = |is_leaf: bool| if is_leaf { "leaf" } else { "step" };
    let (Expected::Leaf(segment) | Expected::Step(segment)) = expected;
    let want_leaf = matches!(expected, Expected::Leaf(_));
    let tree = decode_tree_proof(batch, proof)
        .map_err(|error| Rejection::Undecodable(error.to_string()))?;
    if tree.is_leaf != want_leaf {
        return Err(Rejection::WrongLevel {
            expected: level(want_leaf),
            got: level(tree.is_leaf),
        });
    }
    batch
        .verify_tree(&tree)
        .map_err(|error| Rejection::DoesNotVerify(error.to_string()))?;
    let stated =
        BatchCircuits::segment(&tree).map_err(|error| Rejection::Undecodable(error.to_string()))?;
    if &stated != segment {
        return Err(Rejection::WrongPublicInputs(describe_segment_difference(
            segment, &stated,
        )));
    }
    Ok(())
}

/// Checks a stored batch proof (`BatchProof::to_bytes`, what `hf_getBatchProof` serves):
/// it decodes, its top proof verifies and is a whole batch, and it states exactly `inputs`.
pub fn check_batch_proof(
    circuits: &ProverCircuits,
    inputs: &BatchPublicInputs,
    proof: &[u8],
) -> Result<(), Rejection> {
    refusing_panics(|| {
        let batch = &circuits.batch;
        let proof = BatchProof::from_bytes(proof.to_vec(), batch)
            .map_err(|error| Rejection::Undecodable(error.to_string()))?;
        batch
            .verify(&proof)
            .map_err(|error| Rejection::DoesNotVerify(error.to_string()))?;
        if proof.public_inputs() != inputs.to_elements().as_slice() {
            return Err(Rejection::WrongPublicInputs(format!(
                "the batch proof does not state batch {}'s sealed public inputs",
                inputs.batch_number
            )));
        }
        Ok(())
    })
}

fn describe_segment_difference(
    expected: &SegmentPublicInputs,
    got: &SegmentPublicInputs,
) -> String {
    if expected.ends_block != got.ends_block {
        format!(
            "ends_block is {}, the sealed batch's block ends say {}",
            got.ends_block, expected.ends_block
        )
    } else if expected.pubdata_before != got.pubdata_before
        || expected.pubdata_after != got.pubdata_after
    {
        "another pubdata fold".to_owned()
    } else {
        "another range of the chain (roots, queues, outbox or value flows)".to_owned()
    }
}

/// The segment of two adjacent segments, as the batch step circuit joins them: the left's
/// "before" fields, the right's "after" fields, counts summed, where the right one ends.
pub fn join_segments(
    left: &SegmentPublicInputs,
    right: &SegmentPublicInputs,
) -> SegmentPublicInputs {
    let (l, r) = (&left.range, &right.range);
    SegmentPublicInputs {
        range: ChunkPublicInputs {
            chain_id: l.chain_id,
            state_root_before: l.state_root_before,
            state_root_after: r.state_root_after,
            slots_hash_before: l.slots_hash_before,
            slots_hash_after: r.slots_hash_after,
            priority_count: l.priority_count + r.priority_count,
            priority_before: l.priority_before,
            priority_after: r.priority_after,
            imports_count: l.imports_count + r.imports_count,
            imports_before: l.imports_before,
            imports_after: r.imports_after,
            outbox_count_before: l.outbox_count_before,
            outbox_root_before: l.outbox_root_before,
            outbox_count_after: r.outbox_count_after,
            outbox_root_after: r.outbox_root_after,
            value_out_before: l.value_out_before,
            value_out_after: r.value_out_after,
            value_in_before: l.value_in_before,
            value_in_after: r.value_in_after,
        },
        ends_block: right.ends_block,
        pubdata_before: left.pubdata_before,
        pubdata_after: right.pubdata_after,
    }
}
