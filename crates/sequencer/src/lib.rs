//! A chain's sequencer: it admits signed transactions into a mempool, orders and executes them
//! into blocks on the RocksDB state, seals every `batch_blocks` blocks into a batch whose
//! public inputs it computes natively (proof status `pending` until provers exist), and
//! serves JSON-RPC (`hf_*` plus a read-only `eth_*` subset, HTTP and WebSocket on one port)
//! and Prometheus metrics on `GET /metrics`.
//!
//! Durability: a transaction's hash is answered only after it is written, synced, to the
//! store's pending column (concurrent submissions share one write: group commit). A block is
//! committed in one synced write together with the removal of the pending transactions it
//! consumed and, when it ends a batch, the batch record. So a process killed at any moment
//! restarts with every answered transaction either in a block or pending, never both.
//!
//! Parts: [`Sequencer`] opens the state (genesis once, see [`genesis`]) and restores the
//! mempool; [`SequencerHandle`] is the running node; [`api`] defines the methods, the JSON
//! views, the error codes and a typed client; [`mempool`] holds the admission rules.

pub mod api;
mod error;
pub mod genesis;
pub mod mempool;
pub mod metrics;
mod producer;
pub mod replay;
mod rpc;
mod service;

pub use error::{AdmissionError, SequencerError};
pub use service::{Sequencer, SequencerHandle};
