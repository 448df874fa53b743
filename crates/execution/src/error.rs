//! Why a transaction or priority operation is rejected.

use hyperforge_primitives::{Address, Amount, ChainId, tx::DecodeError};
use hyperforge_state::StateError;

/// A rejected transaction. A rejection leaves the state exactly as it was.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The bytes are not a transaction (includes oversized payloads).
    #[error(transparent)]
    Malformed(#[from] DecodeError),
    /// The public key does not decode, or the signature does not verify.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The transaction is for another chain.
    #[error("wrong chain id: this is chain {expected}, the transaction is for chain {got}")]
    WrongChainId {
        /// This chain.
        expected: ChainId,
        /// The transaction's.
        got: ChainId,
    },
    /// The nonce was already used.
    #[error("nonce too low: the account's next nonce is {expected}, got {got}")]
    NonceTooLow {
        /// The account's nonce.
        expected: u32,
        /// The transaction's.
        got: u32,
    },
    /// The nonce skips ahead.
    #[error("nonce too high: the account's next nonce is {expected}, got {got}")]
    NonceTooHigh {
        /// The account's nonce.
        expected: u32,
        /// The transaction's.
        got: u32,
    },
    /// The nonce cannot grow any more.
    #[error("nonce overflow: the account has used all 2^32 nonces")]
    NonceExhausted,
    /// The sender cannot pay.
    #[error("insufficient balance: {address} has {have}, needs {need}")]
    InsufficientBalance {
        /// The sender.
        address: Address,
        /// What it has.
        have: Amount,
        /// What it needs.
        need: Amount,
    },
    /// A credit would take a balance past 2^64 - 1 gwei.
    #[error("overflow: crediting {amount} to {address} exceeds the largest balance")]
    Overflow {
        /// The credited account.
        address: Address,
        /// The credit.
        amount: Amount,
    },
    /// The sender has no account.
    #[error("unknown account {0}")]
    UnknownAccount(Address),
    /// The sender has no L2 key, or another one than the transaction's.
    #[error("unregistered key: {0} has no L2 key matching the transaction's public key")]
    UnregisteredKey(Address),
    /// The message proof does not lead to the claimed root.
    #[error("message not in root: the inclusion proof does not lead to the message root")]
    MessageNotInRoot,
    /// No message root was imported at that index (yet).
    #[error("unknown message root: no message root was imported at index {0} (yet)")]
    UnknownMessageRoot(u32),
    /// The message was executed before.
    #[error("message already executed")]
    MessageAlreadyExecuted,
    /// The message is for another chain.
    #[error("message for chain {got}, this is chain {expected}")]
    WrongDestination {
        /// This chain.
        expected: ChainId,
        /// The message's destination.
        got: ChainId,
    },
    /// A message to this very chain: use a transfer.
    #[error("a message must go to another chain: use a transfer")]
    MessageToSelf,
    /// The account tree is full.
    #[error("the account tree is full")]
    TreeFull,
    /// The state could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}
