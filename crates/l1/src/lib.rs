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
//! The bridge is deployed with a verifier ([`VerifierKind`]): `plonky2`, the generated
//! `PlonkyVerifier` that runs plonky2 1.1's verifier of the final proof on chain (its `proof`
//! bytes are [`plonky2_proof`], `hyperforge_solidity_verifier::calldata::encode`'s layout), or
//! `dev`, `DevVerifier`, which binds the public inputs and checks no proof ([`dev_proof`]):
//! UNCHECKED, for fast tests.
//!
//! The encodings it converts to and from the contracts' types (digests as bytes32, priority
//! operations, outbox trees, queue seeds, the 40 public inputs of a batch) live in
//! `hyperforge_primitives::bridge`; this crate adds no encoding of its own except
//! [`dev_proof`], the binding the development verifier checks (the final proof's layout is
//! the verifier generator's). It holds no state, knows nothing of RocksDB, libp2p or the circuits,
//! and spawns no task: the watcher is a stream its consumer polls.

pub mod anvil;
pub mod bindings;
mod client;
mod error;
mod verifier;
mod watcher;

#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;

pub use client::{
    BridgeClient, ChainState, Deployment, TxOutcome, WithdrawalClaim, chain_batch, dev_proof,
};
pub use error::{AnvilError, L1Error};
pub use verifier::{
    DeployedVerifier, FinalCommonData, FinalPlonky2Proof, UnknownVerifier, VerifierKind,
    deploy_verifier, plonky2_proof,
};
pub use watcher::{L1Event, L1Watcher, WatchedEvent, WatcherConfig};
