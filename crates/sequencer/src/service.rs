//! The running sequencer: opens the state, starts the tasks (the group-commit persister, the
//! block loop, the L1 follower when `[l1] bridge` is set, the JSON-RPC server, the p2p node
//! of `[p2p]` and the proving-job coordinator on it) and joins them in an orderly shutdown. It holds no logic of its own: admission is `admission`, the
//! shared context `shared`, writes of pending transactions `persister`, blocks `producer`,
//! batches `batcher`, reads `reader`.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    time::Duration,
};

use hyperforge_config::ChainConfig;
use hyperforge_execution::VerifiedTx;
use hyperforge_p2p::{Client, Multiaddr, NetworkConfig};
use hyperforge_primitives::{
    block::BlockHeader,
    tx::{DEFAULT_MAX_PAYLOAD, SignedTx},
};
use hyperforge_state::Store;
use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use tokio::sync::watch;

use crate::{
    error::SequencerError,
    follower::run_follower,
    genesis::ensure_genesis,
    jobs::{Coordinator, JobsConfig, run_announcer, run_coordinator},
    mempool::{Mempool, MempoolLimits},
    metrics::{Metrics, MetricsLayer},
    persister::run_persister,
    producer::produce_block,
    reader::read_block,
    shared::Shared,
};

/// A sequencer whose state is open, genesis applied and pending transactions restored, ready
/// to [`start`](Sequencer::start).
#[derive(Debug)]
pub struct Sequencer {
    pub(crate) shared: Arc<Shared>,
    pub(crate) head: BlockHeader,
    data_dir: PathBuf,
    jobs: JobsConfig,
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
                admit: Mutex::new(None),
                verifications: Arc::new(tokio::sync::Semaphore::new(
                    config_limits.max_pending_verifications as usize,
                )),
                shutting_down: AtomicBool::new(false),
                batch_records: Mutex::new(()),
                changed: tokio::sync::Notify::new(),
            }),
            head,
            data_dir: data_dir.to_path_buf(),
            jobs: JobsConfig::new(data_dir.join("circuits")),
        })
    }

    /// How the proving-job coordinator runs (default: [`JobsConfig::new`] with the circuit
    /// cache in `circuits/` under the data directory).
    pub fn with_jobs(mut self, jobs: JobsConfig) -> Self {
        self.jobs = jobs;
        self
    }

    /// The latest block's header.
    pub fn head(&self) -> &BlockHeader {
        &self.head
    }

    /// Starts the persister, the block loop, the JSON-RPC server on `rpc_addr` (port 0
    /// picks a free one), the p2p node on `[p2p] listen` (its key in the data directory) and
    /// the proving-job coordinator.
    pub async fn start(self, rpc_addr: SocketAddr) -> Result<SequencerHandle, SequencerError> {
        let shared = self.shared;
        let network = NetworkConfig::from_chain(&shared.config.p2p, &self.data_dir)?;
        let (p2p, p2p_events, event_loop) = hyperforge_p2p::new(network)?;
        shared.metrics.register_p2p(p2p.metrics());
        let p2p_task = tokio::spawn(event_loop.run());
        let p2p_addrs = p2p.listen_addrs().await?;
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
        let admitter = shared
            .start_admitter()
            .map_err(|source| SequencerError::Rpc {
                addr: rpc_addr,
                source,
            })?;

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
        let (coordinator, announcements) = Coordinator::new(shared.clone(), p2p.clone(), self.jobs);
        tokio::spawn(run_announcer(p2p.clone(), announcements, stop_rx.clone()));
        let jobs = tokio::spawn(run_coordinator(
            Arc::new(coordinator),
            p2p_events,
            stop_rx.clone(),
        ));
        let producer = tokio::spawn(run_producer(shared.clone(), self.head, stop_rx));
        tracing::info!(rpc = %format!("http://{local_addr}"), p2p = ?p2p_addrs.iter().map(ToString::to_string).collect::<Vec<_>>(), "sequencer ready");
        Ok(SequencerHandle {
            shared,
            rpc_addr: local_addr,
            p2p_addrs,
            p2p,
            p2p_task: Some(p2p_task),
            jobs: Some(jobs),
            rpc,
            stop: stop_tx,
            producer: Some(producer),
            follower,
            persister: Some(persister),
            admitter: Some(admitter),
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
    p2p_addrs: Vec<Multiaddr>,
    p2p: Client,
    p2p_task: Option<tokio::task::JoinHandle<()>>,
    jobs: Option<tokio::task::JoinHandle<Result<(), SequencerError>>>,
    rpc: ServerHandle,
    stop: watch::Sender<bool>,
    producer: Option<tokio::task::JoinHandle<Result<(), SequencerError>>>,
    follower: Option<tokio::task::JoinHandle<Result<(), SequencerError>>>,
    persister: Option<std::thread::JoinHandle<()>>,
    admitter: Option<std::thread::JoinHandle<()>>,
}

impl SequencerHandle {
    /// Where JSON-RPC (HTTP and WebSocket) and `GET /metrics` listen.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// The p2p node's listen addresses, each ending in `/p2p/<peer id>` (provers dial one).
    pub fn p2p_addrs(&self) -> &[Multiaddr] {
        &self.p2p_addrs
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
        if let Some(jobs) = self.jobs.take() {
            match jobs.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "the job coordinator had stopped"),
                Err(error) => tracing::warn!(%error, "the job coordinator task failed"),
            }
        }
        let _ = self.p2p.shutdown().await;
        if let Some(p2p_task) = self.p2p_task.take() {
            let _ = p2p_task.await;
        }
        let _ = self.rpc.stop();
        self.rpc.clone().stopped().await;
        // The admitter first (it queues writes), then the persister.
        self.shared
            .admit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(admitter) = self.admitter.take() {
            let _ = tokio::task::spawn_blocking(move || admitter.join()).await;
        }
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
