//! The running sequencer: shared state, the group-commit persister, the block loop, the L1
//! follower (when `[l1] bridge` is set), the JSON-RPC server, and an orderly shutdown.
//!
//! The store needs no lock (RocksDB is shared; `Store::commit` swaps the head after the
//! synced write), so no reader ever waits on a commit's fsync. The mempool is a std mutex:
//! the block producer holds it across a commit (admission must see the new state and the
//! mempool without the included transactions together), so it is only ever taken on blocking
//! threads (admission, the producer, the persister and the RPC reads that need it run on
//! tokio's blocking pool), never by a task on the async executor.

use std::{
    net::SocketAddr,
    path::Path,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    time::Duration,
};

use hyperforge_config::ChainConfig;
use hyperforge_execution::VerifiedTx;
use hyperforge_primitives::{
    ChainId,
    block::BlockHeader,
    tx::{DEFAULT_MAX_PAYLOAD, Digest, SignedTx},
};
use hyperforge_state::{StateError, Store};
use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use tokio::sync::watch;

use crate::{
    error::{AdmissionError, SequencerError},
    follower::run_follower,
    genesis::ensure_genesis,
    mempool::{Admitted, Durability, Mempool, MempoolLimits},
    metrics::{Metrics, MetricsLayer},
    producer::{produce_block, read_block},
};

/// Most pending transactions written in one synced batch.
const MAX_GROUP_COMMIT: usize = 4096;

struct PersistRequest {
    seq: u64,
    bytes: Vec<u8>,
    /// Where the persister publishes the outcome, for every submission waiting on it.
    durability: watch::Sender<Durability>,
}

/// What the RPC handlers and the block loop share.
pub(crate) struct Shared {
    pub(crate) config: ChainConfig,
    pub(crate) chain_id: ChainId,
    /// Block 0's state root: what the bridge must have registered.
    pub(crate) genesis_root: Digest,
    pub(crate) metrics: Arc<Metrics>,
    store: Store,
    mempool: Mutex<Mempool>,
    persist: Mutex<Option<mpsc::Sender<PersistRequest>>>,
    /// Admissions running on the blocking pool (`max_pending_verifications` permits).
    verifications: Arc<tokio::sync::Semaphore>,
    shutting_down: AtomicBool,
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

    /// The store (reads never wait for a commit).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Whether shutdown began (no more admissions).
    pub(crate) fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Admits a transaction: decode, check signature and rules, persist, then answer its hash.
    pub(crate) async fn admit(self: &Arc<Self>, raw: &str) -> Result<[u8; 32], AdmissionError> {
        let result = self.admit_inner(raw).await;
        match &result {
            Ok(_) => {
                self.metrics.txs_accepted.inc();
            }
            Err(error) => {
                self.metrics
                    .txs_rejected
                    .get_or_create(&crate::metrics::ReasonLabel {
                        reason: error.reason(),
                    })
                    .inc();
            }
        }
        result
    }

    async fn admit_inner(self: &Arc<Self>, raw: &str) -> Result<[u8; 32], AdmissionError> {
        if self.is_shutting_down() {
            return Err(AdmissionError::ShuttingDown);
        }
        let max = self.config.sequencer.max_tx_bytes as usize;
        let digits = raw.strip_prefix("0x").unwrap_or(raw);
        if digits.len() / 2 > max {
            return Err(AdmissionError::Oversized {
                len: digits.len() / 2,
                max,
            });
        }
        let bytes = alloy_primitives::hex::decode(digits)
            .map_err(|error| AdmissionError::Malformed(format!("not hex: {error}")))?;
        let tx = SignedTx::decode(&bytes, DEFAULT_MAX_PAYLOAD)?;
        if tx.body.chain_id != self.chain_id {
            return Err(AdmissionError::WrongChain {
                expected: self.chain_id,
                got: tx.body.chain_id,
            });
        }
        let id = tx.id();
        // A bounded number of admissions on the blocking pool: beyond it, a clear "busy".
        let permit = self
            .verifications
            .clone()
            .try_acquire_owned()
            .map_err(|_| AdmissionError::Busy {
                max: self.config.sequencer.max_pending_verifications as usize,
            })?;
        let shared = self.clone();
        let mut durability = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            shared.admit_blocking(tx, bytes)
        })
        .await
        .map_err(|error| AdmissionError::Malformed(format!("admission task: {error}")))??;
        // The persister publishes every outcome; a closed channel means it is gone.
        let outcome = durability
            .wait_for(|state| *state != Durability::Persisting)
            .await
            .map(|state| state.clone())
            .unwrap_or(Durability::Failed("the persister stopped".into()));
        match outcome {
            Durability::Durable => Ok(id),
            Durability::Failed(reason) => Err(AdmissionError::Storage(StateError::Corrupt(
                format!("the transaction could not be stored: {reason}"),
            ))),
            Durability::Persisting => unreachable!("waited for another state"),
        }
    }
}

impl Shared {
    /// Admission's work on a blocking thread: cheap checks first (a resubmission is answered
    /// as its first copy's write turns out, without a second signature check; the sender's
    /// account, registered key and nonce), then the signature, then the mempool's rules under
    /// its lock, then the write is queued. Returns where the write's outcome will appear.
    fn admit_blocking(
        &self,
        tx: SignedTx,
        bytes: Vec<u8>,
    ) -> Result<watch::Receiver<Durability>, AdmissionError> {
        if let Some(waiting) = self.mempool().durability(&tx.id()) {
            return Ok(waiting);
        }
        self.precheck(&tx)?;
        let verified = Arc::new(VerifiedTx::verify(tx)?);
        let sender = verified.tx().body.from;
        let admitted = {
            let mut pool = self.mempool();
            let store = self.store();
            let account = match store.account_index(&sender)? {
                Some(index) => store.account(index)?,
                None => None,
            };
            let admitted = pool.admit(verified, account.as_ref())?;
            self.metrics.mempool_size.set(pool.len() as i64);
            admitted
        };
        match admitted {
            Admitted::New { seq, durability } => {
                let waiting = durability.subscribe();
                let request = PersistRequest {
                    seq,
                    bytes,
                    durability,
                };
                let unsent = match self
                    .persist
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                {
                    Some(persist) => persist.send(request).err().map(|error| error.0),
                    None => Some(request),
                };
                if let Some(request) = unsent {
                    complete_persist(self, vec![request], &Err("the persister stopped".into()));
                }
                Ok(waiting)
            }
            // The same transaction again: answer as the first submission's write turns out.
            Admitted::Known(waiting) => Ok(waiting),
        }
    }

    /// The checks that cost no signature verification: the sender has an account, its
    /// registered key is the transaction's, and the nonce is not used. The mempool checks
    /// them again, with the rest, under its lock.
    fn precheck(&self, tx: &SignedTx) -> Result<(), AdmissionError> {
        let store = self.store();
        let sender = tx.body.from;
        let account = match store.account_index(&sender)? {
            Some(index) => store.account(index)?,
            None => None,
        }
        .ok_or(AdmissionError::UnknownAccount(sender))?;
        let key = hyperforge_crypto::PublicKey::from_bytes(&tx.pubkey).map_err(|error| {
            AdmissionError::BadSignature(format!("bad signature: public key: {error}"))
        })?;
        if !account.has_key() || account.pubkey_hash != key.hash() {
            return Err(AdmissionError::UnregisteredKey(sender));
        }
        if tx.body.nonce < account.nonce {
            return Err(AdmissionError::NonceTooLow {
                next: account.nonce,
                got: tx.body.nonce,
            });
        }
        Ok(())
    }
}

/// Publishes the outcome of writing `requests`: durable ones become block candidates, failed
/// ones are released; then every submission waiting on them answers. The mempool is updated
/// before anyone is told, so a hash is never answered for a transaction that is not durable.
fn complete_persist(shared: &Shared, requests: Vec<PersistRequest>, result: &Result<(), String>) {
    {
        let mut pool = shared.mempool();
        for request in &requests {
            match result {
                Ok(()) => pool.mark_persisted(request.seq),
                Err(_) => {
                    pool.release(request.seq);
                }
            }
        }
        shared.metrics.mempool_size.set(pool.len() as i64);
    }
    let outcome = match result {
        Ok(()) => Durability::Durable,
        Err(reason) => Durability::Failed(reason.clone()),
    };
    for request in requests {
        request.durability.send_replace(outcome.clone());
    }
}

/// A sequencer whose state is open, genesis applied and pending transactions restored, ready
/// to [`start`](Sequencer::start).
#[derive(Debug)]
pub struct Sequencer {
    pub(crate) shared: Arc<Shared>,
    pub(crate) head: BlockHeader,
}

impl Sequencer {
    /// Opens (or creates) the chain's state in `data_dir`, applies or checks genesis, and
    /// restores the pending transactions left by a previous run.
    pub fn open(config: ChainConfig, data_dir: &Path) -> Result<Self, SequencerError> {
        let mut store = Store::open(data_dir)?;
        let dir = data_dir.display().to_string();
        let genesis = ensure_genesis(&mut store, &config, &dir)?;
        let head_number = store.head().block_number.unwrap_or(0);
        let head = match head_number {
            0 => genesis.header,
            number => {
                read_block(&store, number)?
                    .ok_or_else(|| {
                        SequencerError::Corrupt(format!("head block {number} is missing"))
                    })?
                    .header
            }
        };
        let limits = MempoolLimits {
            max_txs: config.sequencer.mempool_max_txs as usize,
            max_per_account: config.sequencer.mempool_max_per_account as usize,
            max_future_nonces: config.sequencer.max_future_nonces,
        };
        let mut mempool = Mempool::new(limits, 0);
        restore_pending(&store, &mut mempool)?;
        let metrics = Arc::new(Metrics::default());
        metrics.block_height.set(head.number as i64);
        metrics.mempool_size.set(mempool.len() as i64);
        let priority_applied = store.head().priority_applied;
        metrics.l1_priority_applied.set(priority_applied as i64);
        tracing::info!(
            chain = %config.chain.name,
            head = head.number,
            pending = mempool.len(),
            priority_applied,
            "state opened"
        );
        let chain_id = config.chain.chain_id;
        let config_limits = config.sequencer.clone();
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                chain_id,
                genesis_root: genesis.header.state_root,
                metrics,
                store,
                mempool: Mutex::new(mempool),
                persist: Mutex::new(None),
                verifications: Arc::new(tokio::sync::Semaphore::new(
                    config_limits.max_pending_verifications as usize,
                )),
                shutting_down: AtomicBool::new(false),
            }),
            head,
        })
    }

    /// The latest block's header.
    pub fn head(&self) -> &BlockHeader {
        &self.head
    }

    /// Starts the persister, the block loop and the JSON-RPC server on `rpc_addr` (port 0
    /// picks a free one).
    pub async fn start(self, rpc_addr: SocketAddr) -> Result<SequencerHandle, SequencerError> {
        let shared = self.shared;
        let (persist_tx, persist_rx) = mpsc::channel();
        *shared.persist.lock().unwrap_or_else(|e| e.into_inner()) = Some(persist_tx);
        let persister = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("persister".into())
                .spawn(move || run_persister(&shared, &persist_rx))
                .map_err(|source| SequencerError::Rpc {
                    addr: rpc_addr,
                    source,
                })?
        };

        let server = Server::builder()
            .set_http_middleware(
                tower::ServiceBuilder::new().layer(MetricsLayer(shared.metrics.clone())),
            )
            .set_config(
                ServerConfig::builder()
                    .max_request_body_size(shared.config.sequencer.rpc_max_request_bytes)
                    .max_response_body_size(32 * 1024 * 1024)
                    .max_connections(1024)
                    .set_batch_request_config(jsonrpsee::server::BatchRequestConfig::Limit(
                        shared.config.sequencer.rpc_max_batch_requests,
                    ))
                    .build(),
            )
            .build(rpc_addr)
            .await
            .map_err(|source| SequencerError::Rpc {
                addr: rpc_addr,
                source,
            })?;
        let local_addr = server.local_addr().map_err(|source| SequencerError::Rpc {
            addr: rpc_addr,
            source,
        })?;
        let rpc = server.start(crate::rpc::module(shared.clone()));

        let (stop_tx, stop_rx) = watch::channel(false);
        let follower = shared
            .config
            .l1
            .bridge
            .map(|bridge| tokio::spawn(run_follower(shared.clone(), bridge, stop_rx.clone())));
        if follower.is_none() {
            tracing::info!("no `[l1] bridge`: L1 priority operations are not followed");
        }
        let producer = tokio::spawn(run_producer(shared.clone(), self.head, stop_rx));
        tracing::info!(rpc = %format!("http://{local_addr}"), "sequencer ready");
        Ok(SequencerHandle {
            shared,
            rpc_addr: local_addr,
            rpc,
            stop: stop_tx,
            producer: Some(producer),
            follower,
            persister: Some(persister),
        })
    }
}

/// Puts the pending transactions of a previous run back into the mempool.
fn restore_pending(store: &Store, mempool: &mut Mempool) -> Result<(), SequencerError> {
    let pending = store.pending()?;
    if pending.is_empty() {
        return Ok(());
    }
    let mut forget = Vec::new();
    let mut decoded = Vec::new();
    for (seq, bytes) in pending {
        match SignedTx::decode(&bytes, DEFAULT_MAX_PAYLOAD) {
            Ok(tx) => decoded.push((seq, tx)),
            Err(error) => {
                tracing::warn!(seq, %error, "forgetting an undecodable pending transaction");
                forget.push(seq);
            }
        }
    }
    let (seqs, txs): (Vec<u64>, Vec<SignedTx>) = decoded.into_iter().unzip();
    for (seq, verified) in seqs.into_iter().zip(VerifiedTx::verify_all(txs)) {
        let verified = match verified {
            Ok(verified) => verified,
            Err(error) => {
                tracing::warn!(seq, %error, "forgetting a pending transaction that does not verify");
                forget.push(seq);
                continue;
            }
        };
        let sender = verified.tx().body.from;
        let account_nonce = match store.account_index(&sender)? {
            Some(index) => store.account(index)?.map_or(0, |account| account.nonce),
            None => 0,
        };
        if verified.tx().body.nonce < account_nonce || store.receipt(&verified.id())?.is_some() {
            forget.push(seq);
            continue;
        }
        mempool.restore(seq, Arc::new(verified));
    }
    if !forget.is_empty() {
        store.delete_pending(&forget)?;
    }
    Ok(())
}

fn run_persister(shared: &Shared, requests: &mpsc::Receiver<PersistRequest>) {
    loop {
        let first = match requests.recv_timeout(Duration::from_millis(50)) {
            Ok(request) => request,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut group = vec![first];
        while group.len() < MAX_GROUP_COMMIT {
            match requests.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        let rows: Vec<(u64, Vec<u8>)> = group
            .iter_mut()
            .map(|request| (request.seq, std::mem::take(&mut request.bytes)))
            .collect();
        let result = shared
            .store()
            .put_pending_batch(&rows)
            .map_err(|error| format!("persisting failed: {error}"));
        if let Err(error) = &result {
            tracing::error!(%error, count = rows.len(), "pending transactions could not be stored");
        }
        complete_persist(shared, group, &result);
    }
}

async fn run_producer(
    shared: Arc<Shared>,
    mut head: BlockHeader,
    mut stop: watch::Receiver<bool>,
) -> Result<(), SequencerError> {
    let period = Duration::from_millis(shared.config.sequencer.block_time_ms);
    // The first block comes one period after start, like every later one.
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.changed() => return Ok(()),
        }
        let task_shared = shared.clone();
        let parent = head;
        let produced = tokio::task::spawn_blocking(move || produce_block(&task_shared, &parent))
            .await
            .map_err(|error| SequencerError::Corrupt(format!("block task: {error}")))?;
        match produced {
            Ok(Some(header)) => head = header,
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "block production failed; stopping");
                return Err(error);
            }
        }
        if *stop.borrow() {
            return Ok(());
        }
    }
}

/// A running sequencer.
#[derive(Debug)]
pub struct SequencerHandle {
    shared: Arc<Shared>,
    rpc_addr: SocketAddr,
    rpc: ServerHandle,
    stop: watch::Sender<bool>,
    producer: Option<tokio::task::JoinHandle<Result<(), SequencerError>>>,
    follower: Option<tokio::task::JoinHandle<Result<(), SequencerError>>>,
    persister: Option<std::thread::JoinHandle<()>>,
}

impl SequencerHandle {
    /// Where JSON-RPC (HTTP and WebSocket) and `GET /metrics` listen.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// Resolves when the block loop or the L1 follower stops by itself (an error); pending
    /// forever otherwise.
    pub async fn failed(&mut self) -> SequencerError {
        let (what, result) = match (self.producer.as_mut(), self.follower.as_mut()) {
            (None, None) => return std::future::pending().await,
            (Some(producer), None) => ("block loop", producer.await),
            (None, Some(follower)) => ("L1 follower", follower.await),
            (Some(producer), Some(follower)) => tokio::select! {
                result = producer => ("block loop", result),
                result = follower => ("L1 follower", result),
            },
        };
        match what {
            "block loop" => self.producer = None,
            _ => self.follower = None,
        }
        match result {
            Ok(Err(error)) => error,
            Ok(Ok(())) => SequencerError::Corrupt(format!("the {what} stopped")),
            Err(error) => SequencerError::Corrupt(format!("{what}: {error}")),
        }
    }

    /// Stops in order: refuse new transactions, let the block in progress finish, stop the
    /// RPC server, drain the persister, and close the store (everything is synced already).
    pub async fn shutdown(mut self) -> Result<(), SequencerError> {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
        let _ = self.stop.send(true);
        let produced = match self.producer.take() {
            Some(producer) => producer.await,
            None => Ok(Ok(())),
        };
        if let Some(follower) = self.follower.take() {
            match follower.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "the L1 follower had stopped"),
                Err(error) => tracing::warn!(%error, "the L1 follower task failed"),
            }
        }
        let _ = self.rpc.stop();
        self.rpc.clone().stopped().await;
        self.shared
            .persist
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(persister) = self.persister.take() {
            let _ = tokio::task::spawn_blocking(move || persister.join()).await;
        }
        // The RPC server's connection tasks may let go of the shared state a moment after
        // `stopped` resolves; wait for them (bounded), so that the store, and its lock on the
        // data directory, is closed when this returns.
        for _ in 0..500 {
            if Arc::strong_count(&self.shared) == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tracing::info!("sequencer stopped");
        match produced {
            Ok(result) => result,
            Err(error) => Err(SequencerError::Corrupt(format!("block loop: {error}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use hyperforge_config::{ChainConfigLoader, Overrides};
    use hyperforge_execution::test_utils::transfer;
    use hyperforge_primitives::dev::ACCOUNTS;

    use super::*;

    /// Alpha's sequencer with a persister the test plays itself.
    fn open_with_manual_persister(dir: &Path) -> (Arc<Shared>, mpsc::Receiver<PersistRequest>) {
        let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha");
        let config = ChainConfigLoader::new(chain)
            .with_env(false)
            .with_overrides(Overrides::new())
            .load()
            .unwrap();
        let sequencer = Sequencer::open(config, dir).unwrap();
        let (persist, requests) = mpsc::channel();
        *sequencer.shared.persist.lock().unwrap() = Some(persist);
        (sequencer.shared, requests)
    }

    fn raw(nonce: u32) -> String {
        let tx = transfer(0, nonce, ACCOUNTS[1].address, 5, ChainId::new(270).unwrap());
        format!("0x{}", alloy_primitives::hex::encode(tx.encode()))
    }

    /// Submits `raw` twice, the second while the first is being persisted; returns both
    /// submissions and the first's write request.
    async fn submit_twice(
        shared: &Arc<Shared>,
        requests: &mpsc::Receiver<PersistRequest>,
        raw: &str,
    ) -> (
        tokio::task::JoinHandle<Result<[u8; 32], AdmissionError>>,
        tokio::task::JoinHandle<Result<[u8; 32], AdmissionError>>,
        PersistRequest,
    ) {
        let submit = |raw: String| {
            let shared = shared.clone();
            tokio::spawn(async move { shared.admit(&raw).await })
        };
        let first = submit(raw.to_owned());
        let request = loop {
            if let Ok(request) = requests.try_recv() {
                break request;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let second = submit(raw.to_owned());
        // The resubmission verifies and finds the reservation, then waits for the write.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !first.is_finished() && !second.is_finished(),
            "no answer before the write"
        );
        assert!(
            requests.try_recv().is_err(),
            "the same transaction is written once"
        );
        (first, second, request)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_resubmission_is_answered_only_once_the_first_write_succeeded() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, requests) = open_with_manual_persister(dir.path());
        let (first, second, request) = submit_twice(&shared, &requests, &raw(0)).await;
        shared
            .store()
            .put_pending_batch(&[(request.seq, request.bytes.clone())])
            .unwrap();
        complete_persist(&shared, vec![request], &Ok(()));
        let (first, second) = (
            first.await.unwrap().unwrap(),
            second.await.unwrap().unwrap(),
        );
        assert_eq!(first, second);
        assert_eq!(shared.mempool().is_persisted(&first), Some(true));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn admission_beyond_the_verification_bound_is_refused_as_busy() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, requests) = open_with_manual_persister(dir.path());
        let permits = shared.config.sequencer.max_pending_verifications as usize;
        let held = shared
            .verifications
            .clone()
            .try_acquire_many_owned(permits as u32)
            .unwrap();
        let error = shared.admit(&raw(0)).await.unwrap_err();
        assert!(
            matches!(error, AdmissionError::Busy { max } if max == permits),
            "{error}"
        );
        assert_eq!(error.code(), crate::api::codes::BUSY);
        assert!(shared.mempool().is_empty(), "nothing reserved");
        drop(held);
        let submission = tokio::spawn({
            let shared = shared.clone();
            async move { shared.admit(&raw(0)).await }
        });
        let request = loop {
            if let Ok(request) = requests.try_recv() {
                break request;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        complete_persist(&shared, vec![request], &Ok(()));
        submission.await.unwrap().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_cheap_checks_refuse_before_the_signature_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _requests) = open_with_manual_persister(dir.path());
        // A stranger's transaction with a garbage signature: refused as an unknown account,
        // the check that needs no signature verification.
        let mut tx = hyperforge_execution::test_utils::transfer(
            0,
            0,
            ACCOUNTS[1].address,
            5,
            ChainId::new(270).unwrap(),
        );
        tx.body.from = hyperforge_primitives::Address::with_last_byte(0x99);
        tx.signature = [0; hyperforge_primitives::tx::SIGNATURE_LEN];
        let raw = format!("0x{}", alloy_primitives::hex::encode(tx.encode()));
        let error = shared.admit(&raw).await.unwrap_err();
        assert!(
            matches!(error, AdmissionError::UnknownAccount(_)),
            "{error}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_submission_whose_write_failed_is_never_answered_with_a_hash() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, requests) = open_with_manual_persister(dir.path());
        let (first, second, request) = submit_twice(&shared, &requests, &raw(0)).await;
        complete_persist(&shared, vec![request], &Err("disk full".into()));
        for submission in [first, second] {
            let error = submission.await.unwrap().unwrap_err();
            assert!(
                matches!(error, AdmissionError::Storage(_))
                    && error.to_string().contains("disk full"),
                "{error}"
            );
        }
        assert!(shared.mempool().is_empty(), "the reservation was released");
        assert!(shared.store().pending().unwrap().is_empty());
    }
}
