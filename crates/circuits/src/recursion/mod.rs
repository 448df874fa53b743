//! Recursive aggregation: chunk proofs into one batch proof ([`batch`]), batch proofs of
//! many chains into one settlement proof ([`settle`]), and that into the compact final
//! proof the bridge receives ([`shrink`]); every circuit built once and cached on disk
//! ([`cache`]). The design, the public inputs of each circuit and the numbers are in the
//! crate docs ("Recursion").

pub mod batch;
pub mod cache;
pub mod settle;
pub mod shrink;
pub mod tree;

use hyperforge_crypto::GFp;
use plonky2::plonk::circuit_data::CircuitData;

pub use batch::{BatchCircuits, BatchProof, BatchTree, SegmentPublicInputs};
pub use cache::{CircuitCache, CircuitKey};
pub use settle::{SettlementCircuits, SettlementProof, SettlementTree};
pub use shrink::{FinalConfig, FinalProof, ShrinkCircuits};
pub use tree::{Inner, InnerProof, TopCircuit, TreeCircuits, TreeKind, TreeProof, TreeRows};

use crate::error::CircuitError;
use crate::{ChunkCircuit, D};

/// Every recursion circuit over one chunk circuit, in pipeline order.
#[derive(Debug)]
pub struct RecursionCircuits {
    /// Chunk proofs into a batch proof.
    pub batch: BatchCircuits,
    /// Batch proofs into a settlement proof.
    pub settlement: SettlementCircuits,
    /// A settlement proof into the final proof.
    pub shrink: ShrinkCircuits,
}

impl RecursionCircuits {
    /// Builds (or loads from `cache`) every circuit over `chunk`'s proofs.
    pub fn build(chunk: &ChunkCircuit, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let batch = BatchCircuits::build(chunk, cache)?;
        let settlement = SettlementCircuits::build(&batch, cache)?;
        let shrink = ShrinkCircuits::build(&settlement, cache);
        Ok(Self {
            batch,
            settlement,
            shrink,
        })
    }

    /// The final proof of `batches` (batch proofs in settlement order).
    pub fn prove_final(&self, batches: &[BatchProof]) -> Result<FinalProof, CircuitError> {
        let settlement = self.settlement.prove_settlement(batches)?;
        self.shrink.shrink(&settlement)
    }

    /// The verifier digest of every circuit, by name, in pipeline order: two nodes run the
    /// same circuits if these agree.
    pub fn verifier_digests(&self) -> Vec<(&'static str, Vec<u8>)> {
        use plonky2::plonk::config::GenericHashOut;
        let names = [
            "batch-leaf",
            "batch-step",
            "settle-leaf",
            "settle-step",
            "settle-root",
            "shrink-high-rate",
        ];
        let poseidon = self
            .batch
            .circuits()
            .into_iter()
            .chain(self.settlement.circuits())
            .chain([&self.shrink.high_rate])
            .map(|data| data.verifier_only.circuit_digest.to_bytes());
        let keccak = self
            .shrink
            .final_circuit
            .verifier_only
            .circuit_digest
            .0
            .to_vec();
        names
            .into_iter()
            .zip(poseidon)
            .chain([("final", keccak)])
            .collect()
    }
}

/// The final circuit for proofs of `chunk`'s shape: what a Solidity verifier checks. Its
/// common data (degree, [`shrink::final_config`], gates) is the same for every chunk shape;
/// its verifier data (the constants-and-sigmas cap, cap height 0: one Keccak digest, and
/// the circuit digest) pins the whole recursion tree below it. Builds (or loads) every
/// circuit below it too.
pub fn final_circuit(
    chunk: &ChunkCircuit,
    cache: &CircuitCache,
) -> Result<CircuitData<GFp, FinalConfig, D>, CircuitError> {
    RecursionCircuits::build(chunk, cache).map(|circuits| circuits.shrink.final_circuit)
}

#[cfg(test)]
mod tests;
