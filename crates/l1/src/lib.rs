//! hyperforge's L1 side: alloy bindings over the bridge contracts (`sol!` over the committed
//! artifacts in `contracts/out/`), a [`BridgeClient`] that deploys the bridge and sends each
//! of its calls (register a chain with its genesis backing, deposit, register a key, settle,
//! finalize a withdrawal) and reads what it keeps (a chain's state, balance and heads, the
//! priority queue's and the message root queue's commitments, outbox roots, the value in
//! flight between chains), and an [`L1Watcher`] that turns the bridge's events into a stream
//! with a configurable confirmation depth, for sequencers to consume (priority operations,
//! and the outbox roots appended to the message root queue that every chain imports).
//! [`anvil`] finds and starts a local anvil for tests, benchmarks and the devnet.
//!
//! The encodings it converts to and from the contracts' types (digests as bytes32, priority
//! operations, outbox trees, queue seeds, the 40 public inputs of a batch) live in
//! `hyperforge_primitives::bridge`; this crate adds no encoding of its own except
//! [`dev_proof`], the binding the development verifier checks. It holds no state, knows nothing of RocksDB, libp2p or the circuits,
//! and spawns no task: the watcher is a stream its consumer polls.

pub mod anvil;
pub mod bindings;
mod client;
mod error;
mod watcher;

#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;

pub use client::{BridgeClient, ChainState, TxOutcome, WithdrawalClaim, chain_batch, dev_proof};
pub use error::{AnvilError, L1Error};
pub use watcher::{L1Event, L1Watcher, WatchedEvent, WatcherConfig};
