//! Why a transaction is refused, and why the sequencer cannot start or go on.

use hyperforge_execution::ExecError;
use hyperforge_primitives::{Address, Amount, ChainId, tx::DecodeError};
use hyperforge_state::StateError;

use crate::api::codes;

/// A transaction refused at the door. Nothing was stored for it.
#[derive(Debug, thiserror::Error)]
pub enum AdmissionError {
    /// The bytes are not hex or not a transaction.
    #[error("malformed transaction: {0}")]
    Malformed(String),
    /// Larger than the configured limit.
    #[error("oversized transaction: {len} bytes, at most {max} accepted")]
    Oversized {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// For another chain.
    #[error("wrong chain id: this is chain {expected}, the transaction is for chain {got}")]
    WrongChain {
        /// This chain.
        expected: ChainId,
        /// The transaction's.
        got: ChainId,
    },
    /// Bad public key or signature.
    #[error("{0}")]
    BadSignature(String),
    /// The sender has no account.
    #[error("unknown account {0}: it has never received funds on this chain")]
    UnknownAccount(Address),
    /// The signer is not the sender's registered key.
    #[error("unregistered key: {0} has no L2 key matching the transaction's public key")]
    UnregisteredKey(Address),
    /// A used nonce.
    #[error("nonce too low: the account's next nonce is {next}, got {got}")]
    NonceTooLow {
        /// The account's next nonce.
        next: u32,
        /// The transaction's.
        got: u32,
    },
    /// A nonce too far past the account's pending run.
    #[error(
        "nonce too high: the account's next nonce (counting its pending transactions) is {next}, got {got}: at most {max_ahead} ahead accepted"
    )]
    NonceTooHigh {
        /// The account's next nonce.
        next: u32,
        /// The transaction's.
        got: u32,
        /// The bound.
        max_ahead: u32,
    },
    /// Another transaction holds this nonce.
    #[error(
        "nonce {nonce} is taken by pending transaction 0x{}: transactions pay no fee, so the first one stays (no replacement)",
        alloy_primitives::hex::encode(pending)
    )]
    NonceTaken {
        /// The nonce.
        nonce: u32,
        /// The pending transaction's hash.
        pending: [u8; 32],
    },
    /// The balance does not cover it.
    #[error(
        "insufficient balance: {sender} has {have}, its pending transactions take {pending}, this one {need}"
    )]
    InsufficientBalance {
        /// The sender.
        sender: Address,
        /// Its committed balance.
        have: Amount,
        /// What its pending transactions take.
        pending: Amount,
        /// What this one takes.
        need: Amount,
    },
    /// The mempool is full.
    #[error("mempool full: {max} transactions pending, try again later")]
    MempoolFull {
        /// The cap.
        max: usize,
    },
    /// The sender has too many pending.
    #[error("{sender} has {max} pending transactions, the most one account may have")]
    AccountLimit {
        /// The sender.
        sender: Address,
        /// The cap.
        max: usize,
    },
    /// Shutting down.
    #[error("the sequencer is shutting down")]
    ShuttingDown,
    /// Too many signature checks running.
    #[error("busy: {max} signature checks are running, try again shortly")]
    Busy {
        /// The bound (`sequencer.max_pending_verifications`).
        max: usize,
    },
    /// Storage failed.
    #[error("storage error: {0}")]
    Storage(#[from] StateError),
}

impl AdmissionError {
    /// The stable JSON-RPC error code.
    pub fn code(&self) -> i32 {
        match self {
            Self::Malformed(_) => codes::MALFORMED,
            Self::Oversized { .. } => codes::OVERSIZED,
            Self::WrongChain { .. } => codes::WRONG_CHAIN,
            Self::BadSignature(_) => codes::BAD_SIGNATURE,
            Self::UnknownAccount(_) => codes::UNKNOWN_ACCOUNT,
            Self::UnregisteredKey(_) => codes::UNREGISTERED_KEY,
            Self::NonceTooLow { .. } => codes::NONCE_TOO_LOW,
            Self::NonceTooHigh { .. } => codes::NONCE_TOO_HIGH,
            Self::NonceTaken { .. } => codes::NONCE_TAKEN,
            Self::InsufficientBalance { .. } => codes::INSUFFICIENT_BALANCE,
            Self::MempoolFull { .. } => codes::MEMPOOL_FULL,
            Self::AccountLimit { .. } => codes::ACCOUNT_LIMIT,
            Self::ShuttingDown => codes::SHUTTING_DOWN,
            Self::Busy { .. } => codes::BUSY,
            Self::Storage(_) => codes::INTERNAL,
        }
    }

    /// A short name for metrics labels and logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Oversized { .. } => "oversized",
            Self::WrongChain { .. } => "wrong_chain",
            Self::BadSignature(_) => "bad_signature",
            Self::UnknownAccount(_) => "unknown_account",
            Self::UnregisteredKey(_) => "unregistered_key",
            Self::NonceTooLow { .. } => "nonce_too_low",
            Self::NonceTooHigh { .. } => "nonce_too_high",
            Self::NonceTaken { .. } => "nonce_taken",
            Self::InsufficientBalance { .. } => "insufficient_balance",
            Self::MempoolFull { .. } => "mempool_full",
            Self::AccountLimit { .. } => "account_limit",
            Self::ShuttingDown => "shutting_down",
            Self::Busy { .. } => "busy",
            Self::Storage(_) => "storage",
        }
    }
}

impl From<DecodeError> for AdmissionError {
    fn from(error: DecodeError) -> Self {
        Self::Malformed(error.to_string())
    }
}

impl From<ExecError> for AdmissionError {
    fn from(error: ExecError) -> Self {
        match error {
            ExecError::Malformed(error) => error.into(),
            ExecError::BadSignature(reason) => {
                Self::BadSignature(format!("bad signature: {reason}"))
            }
            ExecError::WrongChainId { expected, got } => Self::WrongChain { expected, got },
            ExecError::State(error) => Self::Storage(error),
            other => Self::Malformed(other.to_string()),
        }
    }
}

/// Why the sequencer cannot start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum SequencerError {
    /// The state could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The genesis in `chain.toml` cannot be applied.
    #[error("genesis: {0}")]
    Genesis(String),
    /// The data directory belongs to another chain or genesis.
    #[error(
        "the data directory {dir} holds {found}, but chain.toml says {expected}: use another --data-dir or remove it"
    )]
    DataDirMismatch {
        /// The data directory.
        dir: String,
        /// What chain.toml says.
        expected: String,
        /// What the directory holds.
        found: String,
    },
    /// A stored record does not decode.
    #[error("corrupt record in the data directory: {0}")]
    Corrupt(String),
    /// The JSON-RPC server could not start.
    #[error("JSON-RPC server on {addr}: {source}")]
    Rpc {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// A block could not be built (a bug or a storage failure).
    #[error("block production: {0}")]
    Block(#[from] ExecError),
    /// A batch's priority commitment differs from the bridge's for the operations it consumed.
    #[error(
        "batch {batch}: its priority operations give commitment {computed}, the bridge reported {reported} after operation {count}"
    )]
    PriorityCommitment {
        /// The batch.
        batch: u64,
        /// From the batch's blocks.
        computed: String,
        /// What the bridge reported (stored by the follower).
        reported: String,
        /// Operations consumed up to the batch's end.
        count: u64,
    },
    /// A batch's imports commitment differs from the bridge's message root queue.
    #[error(
        "batch {batch}: its imported message roots give commitment {computed}, the bridge reported {reported} after entry {count}"
    )]
    ImportsCommitment {
        /// The batch.
        batch: u64,
        /// From the batch's blocks.
        computed: String,
        /// What the bridge reported (stored by the follower).
        reported: String,
        /// Entries imported up to the batch's end.
        count: u64,
    },
    /// An entry of the bridge's message root queue cannot be imported (the imported-roots
    /// tree is full): every later batch must import it first, so the chain stops before it.
    #[error("the message root of chain {chain}'s batch {batch} cannot be imported: {error}")]
    Import {
        /// The chain that settled it.
        chain: u64,
        /// Its batch there.
        batch: u64,
        /// Why.
        error: ExecError,
    },
    /// The bridge registered this chain with another genesis root.
    #[error(
        "the bridge registered this chain with genesis root {registered}, but chain.toml gives {local}: no batch could ever settle (register the chain with `hyperforge l1 register`, which computes the root)"
    )]
    GenesisRootMismatch {
        /// On the bridge.
        registered: String,
        /// From `[genesis]`.
        local: String,
    },
    /// The bridge's priority queue for this chain, or its message root queue, disagrees with
    /// the stored one.
    #[error(
        "the bridge's queues disagree with this data directory ({0}): another bridge, or an L1 reorganisation deeper than `[l1] confirmations`"
    )]
    L1Queue(String),
    /// The p2p node could not start.
    #[error("p2p: {0}")]
    P2p(#[from] hyperforge_p2p::P2pError),
}
