//! What can go wrong on L1.

use alloy::{node_bindings::NodeError, primitives::TxHash, sol_types::SolInterface};
use hyperforge_primitives::{ChainIdError, bridge::BridgeEncodingError};

use crate::bindings::Bridge::BridgeErrors;

/// An error of the L1 client or watcher.
#[derive(Debug, thiserror::Error)]
pub enum L1Error {
    /// The bridge refused the call with one of its custom errors (see [`L1Error::revert_name`]).
    #[error("the bridge refused the call: {name} ({0:?})", name = revert_name(.0))]
    Revert(BridgeErrors),
    /// Any other failure of a contract call: RPC, gas estimation, an unknown revert.
    #[error("L1 call failed: {0}")]
    Contract(#[source] alloy::contract::Error),
    /// A JSON-RPC request failed.
    #[error("L1 RPC failed: {0}")]
    Rpc(#[from] alloy::transports::TransportError),
    /// Waiting for a transaction's receipt failed.
    #[error("L1 transaction failed: {0}")]
    Pending(#[from] alloy::providers::PendingTransactionError),
    /// The transaction was mined but reverted.
    #[error("L1 transaction {0} reverted")]
    Reverted(TxHash),
    /// The bridge returned or logged a value that is not a valid digest.
    #[error("the bridge returned a malformed value: {0}")]
    Encoding(#[from] BridgeEncodingError),
    /// The bridge logged a chain id hyperforge does not accept.
    #[error("the bridge logged an invalid chain id: {0}")]
    ChainId(#[from] ChainIdError),
    /// A log of the bridge that does not decode.
    #[error("cannot decode a bridge log: {0}")]
    Log(#[from] alloy::sol_types::Error),
    /// A contract creation was mined without a contract address.
    #[error("the deployment {0} created no contract")]
    NoContractAddress(TxHash),
    /// A final proof does not have the final circuit's shape.
    #[error("cannot lay the final proof out for PlonkyVerifier: {0}")]
    ProofEncoding(#[from] hyperforge_solidity_verifier::Error),
    /// A final proof's public inputs are not the settlement commitment of the batches it is
    /// sent with: the bridge would refuse it (`InvalidProof`).
    #[error(
        "the final proof proves the settlement commitment {proven:?}, the batches' is {expected:?}"
    )]
    ProofStatement {
        /// The proof's public inputs.
        proven: Vec<u64>,
        /// The batches' settlement commitment.
        expected: Vec<u64>,
    },
    /// L1 reports removed a bridge log the watcher already delivered: a reorganisation deeper
    /// than the confirmation depth. The watcher stops here.
    #[error(
        "L1 reports the bridge log at block {block_number}, log index {log_index} (topic0 {topic0}) removed by a reorganisation after the watcher delivered it: the reorganisation is deeper than the confirmation depth, and the watcher stops here"
    )]
    LogRemoved {
        /// The log's block.
        block_number: u64,
        /// Its index in the block.
        log_index: u64,
        /// Its first topic (the event's signature hash).
        topic0: String,
    },
}

impl L1Error {
    /// The name of the bridge's custom error, like `BatchAlreadySettled`, if it reverted with one.
    pub fn revert_name(&self) -> Option<&'static str> {
        match self {
            Self::Revert(error) => Some(revert_name(error)),
            _ => None,
        }
    }
}

fn revert_name(error: &BridgeErrors) -> &'static str {
    BridgeErrors::name_by_selector(error.selector()).unwrap_or("unknown error")
}

impl From<alloy::contract::Error> for L1Error {
    fn from(error: alloy::contract::Error) -> Self {
        match error.as_decoded_interface_error::<BridgeErrors>() {
            Some(decoded) => Self::Revert(decoded),
            None => Self::Contract(error),
        }
    }
}

/// Why no anvil runs.
#[derive(Debug, thiserror::Error)]
pub enum AnvilError {
    /// No binary was found.
    #[error(
        "no anvil found: run `cargo xtask tools` (installs it into tools/), or set HYPERFORGE_ANVIL"
    )]
    NotFound,
    /// It did not start.
    #[error("anvil did not start: {0}")]
    Spawn(#[from] NodeError),
}
