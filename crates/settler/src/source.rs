//! Where proven batches come from: one [`ProvenBatches`] per chain. The settler asks each
//! for the batch after the bridge's last settled one, so a source keeps no cursor: what it
//! serves is keyed by batch number alone, and nothing it says is trusted (the settler checks
//! the proof and every public input against the bridge before using it).

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures::future::BoxFuture;
use hyperforge_primitives::{ChainId, bridge::BatchPublicInputs};

use crate::error::SourceError;

/// A sealed batch with its batch proof, as a chain's sequencer serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenBatch {
    /// The public inputs the sequencer sealed (`hf_getBatch`'s `publicInputs`).
    pub inputs: BatchPublicInputs,
    /// The batch proof, in plonky2's encoding (`BatchProof::to_bytes`).
    pub proof: Vec<u8>,
}

/// The proven batches of one chain.
pub trait ProvenBatches: Send + Sync {
    /// The chain served.
    fn chain_id(&self) -> ChainId;

    /// Batch `after + 1`, if it is sealed and proven; `None` if it is not (yet).
    fn next_proven(&self, after: u64) -> BoxFuture<'_, Result<Option<ProvenBatch>, SourceError>>;
}

/// Proven batches held in memory, keyed by the number they are served under: batches made
/// in the same process (tests, the settler benchmark), or read from files. What is served
/// under a number is whatever was put there: a source, like any, may lie, and the settler's
/// checks do not care where a batch came from.
#[derive(Debug)]
pub struct MemoryBatches {
    chain_id: ChainId,
    batches: Mutex<BTreeMap<u64, ProvenBatch>>,
}

impl MemoryBatches {
    /// An empty source for `chain_id`.
    pub fn new(chain_id: ChainId) -> Self {
        Self {
            chain_id,
            batches: Mutex::new(BTreeMap::new()),
        }
    }

    /// Serves `batch` as batch `number` (replacing what was there).
    pub fn insert(&self, number: u64, batch: ProvenBatch) {
        self.batches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(number, batch);
    }

    /// Serves `batch` under its own batch number.
    pub fn push(&self, batch: ProvenBatch) {
        self.insert(batch.inputs.batch_number, batch);
    }
}

impl ProvenBatches for MemoryBatches {
    fn chain_id(&self) -> ChainId {
        self.chain_id
    }

    fn next_proven(&self, after: u64) -> BoxFuture<'_, Result<Option<ProvenBatch>, SourceError>> {
        let found = after.checked_add(1).and_then(|number| {
            self.batches
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&number)
                .cloned()
        });
        Box::pin(async move { Ok(found) })
    }
}
