//! Errors of the witness helpers and of proving.

/// What can go wrong setting a witness or proving.
#[derive(Debug, thiserror::Error)]
pub enum CircuitError {
    /// A limb of an encoding is not below `p`: no field element holds it.
    #[error("limb {index} of {what} is {value}, not below p")]
    NonCanonicalLimb {
        /// Which encoding.
        what: &'static str,
        /// Which limb.
        index: usize,
        /// Its value.
        value: u64,
    },
    /// The message does not have the length the circuit was built for.
    #[error("the message has {got} elements, the circuit expects {expected}")]
    MessageLength {
        /// Elements the circuit expects.
        expected: usize,
        /// Elements given.
        got: usize,
    },
    /// More signatures given than the circuit holds, or fewer.
    #[error("{got} signatures given, the circuit checks {expected}")]
    SignatureCount {
        /// Signatures the circuit checks.
        expected: usize,
        /// Signatures given.
        got: usize,
    },
    /// A Merkle path of another length than the tree's depth.
    #[error("a Merkle path has {got} siblings, the tree has {expected} levels")]
    PathLength {
        /// The tree's depth.
        expected: usize,
        /// Siblings given.
        got: usize,
    },
    /// A leaf index at or above `2^depth`: it would alias another leaf.
    #[error("leaf index {index} does not fit a tree of {depth} levels")]
    PathIndex {
        /// The index.
        index: u64,
        /// The tree's depth.
        depth: usize,
    },
    /// More slots given than the chunk holds.
    #[error("{got} slots given, the chunk holds {capacity}")]
    TooManySlots {
        /// Slots of the chunk.
        capacity: usize,
        /// Slots given.
        got: usize,
    },
    /// Slots in an order the chunk's layout cannot hold (see `ChunkShape::fit`).
    #[error(
        "only the first {fit} slots fit the chunk's layout (imports, priority operations, transactions, execute slots)"
    )]
    SlotLayout {
        /// How many of the slots fit.
        fit: usize,
    },
    /// A slot of a kind this slot of the chunk does not prove.
    #[error("slot {slot}: {kind} has no slot of its kind here")]
    UnsupportedSlot {
        /// The slot's position in the chunk.
        slot: usize,
        /// What it is.
        kind: &'static str,
    },
    /// A slot's witness does not have the shape its operation implies.
    #[error("slot {slot}: malformed witness: {problem}")]
    MalformedSlot {
        /// The slot's position in the chunk.
        slot: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// A transaction's key or signature bytes are no valid encoding.
    #[error("slot {slot}: {what} does not decode: {error}")]
    Decode {
        /// The slot's position in the chunk.
        slot: usize,
        /// The key or the signature.
        what: &'static str,
        /// Why.
        error: hyperforge_crypto::DecodeError,
    },
    /// The batch's outbox already holds 1024 leaves.
    #[error("the batch's outbox is full (1024 leaves)")]
    OutboxFull,
    /// Proof bytes that do not deserialize for this circuit.
    #[error("proof bytes: {0}")]
    ProofBytes(String),
    /// plonky2 refused a witness value (a target set twice with different values).
    #[error("witness: {0}")]
    Witness(String),
    /// Proving failed: no witness satisfies the circuit for these inputs.
    #[error("proving failed: {0}")]
    Prove(String),
    /// The proof did not verify.
    #[error("verification failed: {0}")]
    Verify(String),
    /// A circuit cache file that cannot be read or written.
    #[error("circuit cache file {path}: {problem}")]
    CacheFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The leaf and step circuits of a tree found no common shape: the step does not fit
    /// `2^13` rows (a larger inner proof needs a wrap first).
    #[error("the aggregation step does not settle at one shape (leaf at 2^{degree_bits} rows)")]
    UnsettledShape {
        /// The leaf's degree in the last round.
        degree_bits: usize,
    },
    /// An aggregation of nothing.
    #[error("nothing to aggregate: {0}")]
    EmptyAggregation(&'static str),
    /// A batch tree's top proof whose segment is not a whole batch.
    #[error("not a whole batch: {0}")]
    NotABatch(String),
}
