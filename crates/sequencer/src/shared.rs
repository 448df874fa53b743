//! [`Shared`]: what the RPC handlers, admission, the persister, the block producer and the L1
//! follower share. A leaf module: it depends on none of them.
//!
//! The store needs no lock (RocksDB is shared; `Store::commit` swaps the head after the
//! synced write), so no reader ever waits on a commit's fsync. The mempool is a std mutex:
//! the block producer holds it across a commit (admission must see the new state and the
//! mempool without the included transactions together), so it is only ever taken on blocking
//! threads (admission, the producer, the persister and the RPC reads that need it run on
//! tokio's blocking pool), never by a task on the async executor.

use std::sync::{
    Arc, Mutex, MutexGuard,
    atomic::{AtomicBool, Ordering},
    mpsc,
};

use hyperforge_config::ChainConfig;
use hyperforge_primitives::{ChainId, tx::Digest};
use hyperforge_state::Store;

use tokio::sync::watch;

use crate::{
    mempool::{Durability, Mempool},
    metrics::Metrics,
};

/// A verified submission for the admitter thread: the mempool's rules, then the write.
pub(crate) struct AdmitRequest {
    pub(crate) verified: Arc<hyperforge_execution::VerifiedTx>,
    pub(crate) bytes: Vec<u8>,
    /// Where the write's outcome will appear, or why the mempool refused.
    pub(crate) reply: tokio::sync::oneshot::Sender<
        Result<watch::Receiver<Durability>, crate::error::AdmissionError>,
    >,
}

/// A reserved transaction for the persister to write (synced) to the pending column.
pub(crate) struct PersistRequest {
    pub(crate) seq: u64,
    pub(crate) bytes: Vec<u8>,
    /// Where the persister publishes the outcome, for every submission waiting on it.
    pub(crate) durability: watch::Sender<Durability>,
}

/// What the RPC handlers and the block loop share.
pub(crate) struct Shared {
    pub(crate) config: ChainConfig,
    pub(crate) chain_id: ChainId,
    /// Block 0's state root: what the bridge must have registered.
    pub(crate) genesis_root: Digest,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) store: Store,
    pub(crate) mempool: Mutex<Mempool>,
    /// Where admission sends writes; `None` before start and after shutdown.
    pub(crate) persist: Mutex<Option<mpsc::Sender<PersistRequest>>>,
    /// Where verified submissions go to the admitter thread, the one place admission takes
    /// the mempool's lock; `None` before start and after shutdown.
    pub(crate) admit: Mutex<Option<mpsc::Sender<AdmitRequest>>>,
    /// Admissions running on the blocking pool (`max_pending_verifications` permits).
    pub(crate) verifications: Arc<tokio::sync::Semaphore>,
    /// Set when shutdown begins.
    pub(crate) shutting_down: AtomicBool,
    /// Held across a read-modify-write of a batch record (the job coordinator marks it
    /// proven, the L1 follower settled): neither undoes the other.
    pub(crate) batch_records: Mutex<()>,
    /// Notified when a block is committed or a batch sealed: the job coordinator plans
    /// and announces at once instead of at its next tick.
    pub(crate) changed: tokio::sync::Notify,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("chain_id", &self.chain_id)
            .finish()
    }
}

impl Shared {
    /// The mempool (taken before the store when both are needed).
    pub(crate) fn mempool(&self) -> MutexGuard<'_, Mempool> {
        self.mempool.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lock on batch records' read-modify-writes (blocking threads only).
    pub(crate) fn batch_records(&self) -> MutexGuard<'_, ()> {
        self.batch_records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The store (reads never wait for a commit).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Whether shutdown began (no more admissions).
    pub(crate) fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}
