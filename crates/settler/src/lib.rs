//! The settler: the newest proven batches of every chain of an ecosystem, checked against
//! the shared bridge, aggregated into one final proof, verified, and settled with one
//! `Bridge.settle` (design §5 step 6).
//!
//! A [`Settler`] runs rounds. Each round reads the bridge's per-chain state (last batch,
//! state root, queue heads), asks each chain's [`ProvenBatches`] source for the proven
//! batches after the bridge's last ([`RpcBatches`]: the sequencer's `hf_getBatch` and
//! `hf_getBatchProof`; [`MemoryBatches`]: batches held in memory), waits up to
//! `settle_interval` for more chains to have one, and checks every candidate before
//! spending a proof on it ([`checks`]): the batch proof verifies and states exactly the
//! sealed public inputs, and those agree with the bridge (batch number, old state root,
//! priority and imports commitments before and after, value in and out). A chain failing a
//! check is logged with the check and skipped from that batch on; the others settle. The
//! rest is aggregated on the blocking pool ([`Aggregator`], the settlement tree and shrink
//! of `circuits`), the final proof is verified natively and its commitment compared with
//! the batches' (a proof that fails either is never sent), and `settle` is sent with
//! [`bridge_proof`]'s bytes (the bridge's verifier's encoding: `PlonkyVerifier`'s, or the
//! development one for `DevVerifier`). A revert is reported with the bridge's error name and the
//! batches; an L1 that is down is retried with backoff.
//!
//! **It keeps no state of its own.** Every round starts from the bridge, so a restarted
//! settler goes on without settling anything twice or skipping anything, and a batch
//! someone else settled is skipped, not re-sent.
//!
//! What it is not: a prover (aggregation runs in process today; jobs for prover nodes are
//! the next [`Aggregator`]), nor a relayer. It spawns no task of its own except the blocking
//! proof work and, with [`metrics::serve`], the metrics server its caller starts.

pub mod aggregate;
pub mod checks;
mod error;
pub mod metrics;
pub mod rpc;
mod settler;
pub mod source;

pub use aggregate::{Aggregator, bridge_proof};
pub use checks::{Check, Refusal};
pub use error::{BatchRef, SettlerError, SourceError};
pub use metrics::SettlerMetrics;
pub use rpc::RpcBatches;
pub use settler::{L1Connection, RoundOutcome, RoundReport, Settlement, Settler, SettlerConfig};
pub use source::{MemoryBatches, ProvenBatch, ProvenBatches};
