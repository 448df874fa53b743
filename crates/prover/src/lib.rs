//! What both sides of a proving job need, without any networking state: the circuits a
//! chain's jobs use ([`ProverCircuits`]: the chunk circuit of `[prover.chunk]` and the batch
//! circuits over it, with their [`ProverCircuits::digest`]), the job kinds and their
//! canonical payloads ([`JobPayload`]), planning a sealed batch into jobs ([`plan_batch`]),
//! proving a job ([`prove`]) and checking a returned proof ([`check`]). The sequencer's
//! coordinator plans, hands out and checks; `hyperforge prover` proves. This crate is
//! synchronous and does no I/O but the circuit cache's files; proving belongs on a blocking
//! pool. It spawns nothing and has no features.
//!
//! # Jobs
//!
//! A sealed batch is proven as a tree ([`BatchPlan`]):
//!
//! - a **chunk job** ([`JobKind::Chunk`]) per chunk: the blocks' witnesses are expanded and
//!   split block by block with `ChunkShape::split`; the job carries the chunk's start
//!   `ChunkState`, its block's `BlockWitness` and the slot range, whether the chunk ends its
//!   block, and the batch's pubdata fold before it. The prover proves the chunk *and* wraps
//!   it into its batch leaf in one round trip; it returns the leaf `TreeProof`.
//! - a **step job** ([`JobKind::Step`]) per inner node: neighbours joined level by level, an
//!   odd last node carried up unchanged (as `BatchCircuits::prove_batch`); the job carries
//!   the two children's proofs; it becomes ready once both are proven.
//!
//! The top node's proof (the leaf of a one-chunk batch, else the last step) is the batch
//! proof: the coordinator stores it with the batch number (`BatchProof::to_bytes`), and the
//! settlement leaf checks that it is a whole batch. There is no root job.
//!
//! Tree proofs travel as `is_leaf (1) | plonky2 proof bytes` ([`encode_tree_proof`]).
//!
//! # Checking
//!
//! The coordinator trusts no prover. [`check`] decodes the proof for the circuit, refuses a
//! leaf where a step was expected (or the reverse), verifies it (a tree proof must also carry
//! the step circuit's verifier data), and compares its public inputs with [`Expected`]: the
//! segment computed natively from the sealed batch ([`join_segments`] mirrors the step
//! circuit); the top node's is the whole batch, which planning checked against the sealed
//! record's `BatchPublicInputs`. `ends_block` is the prover's claim in the leaf circuit,
//! so a proof that splits a block differently states another segment (and pubdata fold) and
//! is refused at its leaf. A panic inside plonky2 while checking untrusted bytes is a
//! refusal too.
//!
//! # Circuits and their digest
//!
//! [`ProverCircuits::load_or_build`] loads the chunk circuit and the batch circuits from a
//! `CircuitCache` (or builds and stores them). The digest is SHA-256 over the name and
//! verifier-data digest of the chunk, batch leaf and step circuits: a job names it, and a
//! prover whose digest
//! differs is refused before it is given work.

mod circuits;
mod codec;
mod error;
mod job;
mod plan;

pub use circuits::{ProverCircuits, chunk_shape};
pub use error::{ProverError, Rejection};
pub use job::{
    ChunkJob, Expected, JobKind, JobPayload, StepJob, check, check_batch_proof, decode_tree_proof,
    encode_tree_proof, join_segments, prove,
};
pub use plan::{BatchPlan, ChunkPlan, NodeKind, PlanNode, plan_batch};

#[cfg(test)]
mod tests;
