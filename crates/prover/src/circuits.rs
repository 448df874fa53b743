//! [`ProverCircuits`]: the chunk circuit of a chain's `[prover.chunk]` shape and the batch
//! circuits over it, with the digest that names them.

use std::time::Instant;

use hyperforge_circuits::{
    ChunkCircuit, ChunkShape,
    recursion::{BatchCircuits, CircuitCache},
};
use hyperforge_config::ChunkSlots;
use plonky2::plonk::config::GenericHashOut;
use sha2::{Digest as _, Sha256};

use crate::error::ProverError;

/// The chunk shape `[prover.chunk]` describes.
pub fn chunk_shape(slots: &ChunkSlots) -> ChunkShape {
    ChunkShape {
        import_slots: slots.import_slots as usize,
        priority_slots: slots.priority_slots as usize,
        tx_slots: slots.tx_slots as usize,
        execute_slots: slots.execute_slots as usize,
    }
}

/// Every circuit a job uses: the chunk circuit and the batch tree over it.
#[derive(Debug)]
pub struct ProverCircuits {
    /// The chunk circuit.
    pub chunk: ChunkCircuit,
    /// The batch leaf and step circuits.
    pub batch: BatchCircuits,
    digest: [u8; 32],
}

impl ProverCircuits {
    /// Loads the chunk circuit and the batch circuits over it from `cache`, building (and
    /// storing) what is missing. Slow the first time (seconds to minutes): call it on a
    /// blocking thread.
    pub fn load_or_build(shape: ChunkShape, cache: &CircuitCache) -> Result<Self, ProverError> {
        let started = Instant::now();
        let chunk = ChunkCircuit::load_or_build(shape, cache)?;
        let batch = BatchCircuits::build(&chunk, cache)?;
        let digest = digest_of(&chunk, &batch);
        tracing::info!(target: "prover::circuits", ?shape, seconds = started.elapsed().as_secs_f64(), digest = %hex(&digest), "circuits ready");
        Ok(Self {
            chunk,
            batch,
            digest,
        })
    }

    /// The digest both sides compare: SHA-256 over the name and the verifier-data digest of
    /// every circuit a job uses (chunk, batch leaf, step), in that order. Two nodes
    /// with equal digests verify each other's proofs.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }
}

fn digest_of(chunk: &ChunkCircuit, batch: &BatchCircuits) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"hyperforge/jobs/circuits/2");
    let [leaf, step] = batch.circuits();
    for (name, data) in [
        ("chunk", &chunk.data),
        ("batch-leaf", leaf),
        ("batch-step", step),
    ] {
        hasher.update((name.len() as u32).to_be_bytes());
        hasher.update(name.as_bytes());
        hasher.update(data.verifier_only.circuit_digest.to_bytes());
    }
    hasher.finalize().into()
}

/// `0x` hex of bytes (logs).
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}
