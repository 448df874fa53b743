//! The state transition function of a hyperchain.
//!
//! [`VerifiedTx::verify_all`] checks signatures in parallel (rayon); a [`BlockBuilder`] then
//! executes `Transfer`, `Withdraw`, `SendMessage`, `ExecuteMessage` and the L1 priority
//! operations `Deposit` and `RegisterKey` in order over the committed [`Store`] state,
//! checking chain id, nonce, registered key, balance, overflow, message inclusion and
//! nullifiers. Every rejection is a typed [`ExecError`] and leaves the block unchanged.
//! [`BlockBuilder::finish`] yields one atomic [`hyperforge_state::BlockCommit`], receipts,
//! outbox entries and the witness the block circuit consumes
//! ([`hyperforge_primitives::witness`], re-exported as [`witness`]).
//!
//! Synchronous; it spawns nothing but rayon's pool for signature checks, and knows nothing of
//! networking or of how blocks are scheduled (the sequencer's job).

mod block;
mod error;
pub mod genesis;
pub mod replay;
mod verify;

pub use hyperforge_primitives::witness;

pub use block::{BlockBuilder, ExecutedBlock, PriorityFailure, Receipt};
pub use error::ExecError;
pub use verify::VerifiedTx;

#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;

#[cfg(test)]
mod tests;
