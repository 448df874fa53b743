//! What can go wrong while settling.

use hyperforge_circuits::CircuitError;
use hyperforge_l1::L1Error;
use hyperforge_primitives::ChainId;

/// A batch of one chain, for messages: `chain 270 batch 3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BatchRef {
    /// The chain.
    pub chain_id: ChainId,
    /// The batch number.
    pub batch_number: u64,
}

impl std::fmt::Display for BatchRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "chain {} batch {}", self.chain_id, self.batch_number)
    }
}

/// Batches as one line: `chain 270 batch 3, chain 271 batch 1`.
pub(crate) fn list(batches: &[BatchRef]) -> String {
    batches
        .iter()
        .map(BatchRef::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a source of proven batches gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The sequencer's JSON-RPC failed (unreachable, timed out, an error answer).
    #[error("the sequencer's JSON-RPC failed: {0}")]
    Rpc(#[from] jsonrpsee::core::ClientError),
    /// The sequencer answered something that is not a batch (a malformed digest, amount or
    /// chain id, proof bytes that are not hex).
    #[error("the sequencer's answer for batch {batch_number} is malformed: {problem}")]
    Malformed {
        /// The batch asked for.
        batch_number: u64,
        /// What is wrong.
        problem: String,
    },
    /// The sequencer says the batch is proven but serves no proof for it.
    #[error("batch {0} is proven but the sequencer serves no proof for it")]
    MissingProof(u64),
}

/// Why a round of the settler did not settle.
#[derive(Debug, thiserror::Error)]
pub enum SettlerError {
    /// L1 did not answer or failed a request: retried with backoff.
    #[error("L1 failed: {0}")]
    L1(#[source] Box<L1Error>),
    /// The bridge refused the settlement with one of its custom errors.
    #[error("the bridge refused the settlement of {batches} with {name}: {error}", batches = list(.batches))]
    Reverted {
        /// The bridge's error name, like `BatchAlreadySettled`.
        name: &'static str,
        /// The batches sent, in settlement order.
        batches: Vec<BatchRef>,
        /// The whole error.
        #[source]
        error: Box<L1Error>,
    },
    /// Aggregating the batch proofs failed.
    #[error("aggregating {batches} failed: {error}", batches = list(.batches))]
    Aggregation {
        /// The batches aggregated.
        batches: Vec<BatchRef>,
        /// Why.
        #[source]
        error: CircuitError,
    },
    /// The final proof does not verify, or states another settlement commitment than the
    /// batches': it is never sent.
    #[error("the final proof of {batches} is refused before sending: {problem}", batches = list(.batches))]
    FinalProofRefused {
        /// The batches aggregated.
        batches: Vec<BatchRef>,
        /// What is wrong.
        problem: String,
    },
    /// Two sources serve the same chain.
    #[error("chain {0} has two sources")]
    DuplicateChain(ChainId),
    /// A blocking task (proof verification or aggregation) panicked or was cancelled.
    #[error("a blocking task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<L1Error> for SettlerError {
    fn from(error: L1Error) -> Self {
        Self::L1(Box::new(error))
    }
}
