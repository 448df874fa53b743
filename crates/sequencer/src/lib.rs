//! A chain's sequencer: it admits signed transactions into a mempool, orders and executes them
//! into blocks on the RocksDB state, seals every `batch_blocks` blocks into a batch whose
//! public inputs it computes natively, has every sealed batch proven by prover nodes over
//! libp2p ([`jobs`]: the coordinator plans the jobs, leases them, checks every returned proof
//! and stores the batch proof), and serves JSON-RPC (`hf_*` plus a read-only `eth_*` subset,
//! HTTP and WebSocket on one port) and Prometheus metrics on `GET /metrics`.
//!
//! Durability: a transaction's hash is answered only after it is written, synced, to the
//! store's pending column (concurrent submissions share one write: group commit). A block is
//! committed in one synced write together with the removal of the pending transactions it
//! consumed and, when it ends a batch, the batch record. So a process killed at any moment
//! restarts with every answered transaction either in a block or pending, never both.
//!
//! L1 priority operations follow the same rule: when `[l1] bridge` is set, the L1 follower (a
//! task on [`hyperforge_l1::L1Watcher`]) stores each operation of this chain's queue, synced
//! and by queue index, before a block may apply it; the block
//! producer applies the stored operations strictly in queue order at the start of each block
//! (before transactions; a block with only priority operations is produced even with
//! `empty_blocks = "skip"`), and the count applied is part of the head, committed with the
//! block. A restart re-follows L1 from the stored cursor and skips what is stored; the
//! producer resumes at the committed count, so every operation is applied exactly once. An
//! operation that cannot apply (a balance overflow, a full account tree) stops block
//! production with an error naming it: the bridge's queue commitment covers it, so skipping
//! it would make every later batch unsettleable. Each sealed batch's priority commitment is
//! checked against the commitment the bridge reported for the last operation it consumed.
//! Entries of the bridge's message root queue (the outbox roots of settled batches of every
//! chain) are stored the same way and imported, in queue order, by the next block (produced
//! for them alone if need be), so `ExecuteMessage` can prove against them; each sealed batch's
//! imports commitment is checked against the one the bridge reported.
//!
//! Parts: [`Sequencer`] opens the state (genesis once, see [`genesis`]) and restores the
//! mempool; [`SequencerHandle`] is the running node; [`api`] defines the methods, the JSON
//! views, the error codes and a typed client; [`mempool`] holds the admission rules. Inside:
//! `shared` (the context, a leaf), `reader`, `admission`, `persister`, `producer`,
//! `batcher`, `follower`, `rpc`, `jobs`; `service` only starts and joins the tasks (ARCHITECTURE.md
//! shows who uses whom).

mod admission;
pub mod api;
mod batcher;
mod error;
mod follower;
pub mod genesis;
pub mod jobs;
pub mod mempool;
mod message_roots;
pub mod metrics;
mod persister;
mod priority;
mod producer;
mod reader;
pub use hyperforge_execution::replay;
mod rpc;
mod service;
pub mod settlement;
mod shared;

pub use error::{AdmissionError, SequencerError};
pub use jobs::{JobsConfig, ProvingTimes};
pub use service::{Sequencer, SequencerHandle};
