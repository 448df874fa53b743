//! The errors of the prover library.

use hyperforge_circuits::CircuitError;

/// Why a job could not be planned, proven or decoded.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    /// A payload or proof's bytes do not decode.
    #[error("malformed {what}: {problem}")]
    Malformed {
        /// What was being decoded (`chunk job`, `tree proof`, ...).
        what: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// An unknown job kind.
    #[error("unknown job kind {0}")]
    UnknownKind(u8),
    /// A block witness does not expand or does not fit the chunk shape.
    #[error("block {block}: {problem}")]
    Witness {
        /// The block.
        block: u64,
        /// What is wrong.
        problem: String,
    },
    /// A batch with no blocks, or blocks that do not chain.
    #[error("batch {batch}: {problem}")]
    Plan {
        /// The batch.
        batch: u64,
        /// What is wrong.
        problem: String,
    },
    /// The circuits failed (building, proving).
    #[error(transparent)]
    Circuit(#[from] CircuitError),
}

/// Why a returned proof is refused. Each is the prover's fault: the coordinator penalises it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The bytes are not a proof of the expected circuit's shape.
    #[error("the proof does not decode: {0}")]
    Undecodable(String),
    /// A leaf proof where a step was expected, or the other way round.
    #[error("a {got} proof where a {expected} proof was expected")]
    WrongLevel {
        /// What the job asked for.
        expected: &'static str,
        /// What came back.
        got: &'static str,
    },
    /// The proof does not verify against the circuit.
    #[error("the proof does not verify: {0}")]
    DoesNotVerify(String),
    /// The proof verifies but states other public inputs than the sealed batch gives.
    #[error("the proof states other public inputs than the sealed batch: {0}")]
    WrongPublicInputs(String),
}
