//! `hyperforge prover --chain chains/<name> [--bootnode <multiaddr>] [--workers N]
//! [--data-dir D]`: a prover node. It dials the chain's sequencer (`--bootnode`, or `[p2p]
//! bootnodes` of chain.toml); `--chain` repeated (with one `--bootnode` each) serves several
//! chains whose `[prover.chunk]` agree, each worker asking the chains for a job in turn. It loads (or builds) the circuits of `[prover.chunk]` from the
//! circuit cache (`$HYPERFORGE_CIRCUIT_CACHE`, or `circuits/` in the data directory), and
//! runs `--workers` loops that each ask for a job, prove it on tokio's blocking pool (never
//! on the executor), and submit the proof. With no sequencer reachable a worker backs off
//! (doubling up to 5 s) while the network redials the bootnode with its own backoff. An idle
//! worker asks again every 200 ms, or at once when the sequencer announces a sealed batch on
//! gossip (`hyperforge/<id>/batches`, checked to come from that sequencer: see
//! [`crate::gossip`]). A
//! refusal that retrying cannot cure (other circuits, not allowed) ends the process with an
//! error naming it. SIGINT/SIGTERM: the workers stop after their current job, the network
//! closes.
//!
//! stdout: `peer: <peer id>` once the node key is loaded, `metrics: http://<addr>/metrics`
//! when `--metrics-addr` is given, `circuits: <digest>` once the circuits are ready.
//! `/metrics`: jobs proven and refused, prove seconds, and per accepted job its seconds from
//! asking to receipt and the part of them that was not proving; peers connected.
//!
//! Test-only: the hidden `--corrupt-proofs` flips one byte in the middle of every proof
//! it submits (what a faulty or lying prover sends), so tests can watch the sequencer refuse
//! and penalise it.

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context;
use hyperforge_circuits::recursion::CircuitCache;
use hyperforge_p2p::{
    ChainNews, CircuitDigest, Client, JobRequest, Multiaddr, NetworkConfig, P2pError, PeerId,
    ProofReceipt, ProofSubmission, Refusal, Topic,
};
use hyperforge_primitives::ChainId;
use hyperforge_prover::{JobKind, ProverCircuits};
use prometheus_client::{
    encoding::text::encode,
    metrics::{
        counter::Counter,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    sync::watch,
};

use crate::{cli::ProverArgs, commands::load_chain, gossip};

/// The longest wait between two requests while the sequencer cannot be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The first wait.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
/// The wait after "no job": a job request costs the sequencer a map lookup.
const IDLE_POLL: Duration = Duration::from_millis(200);

/// The prover's metrics.
struct ProverMetrics {
    registry: Mutex<Registry>,
    jobs_proven: Counter,
    jobs_refused: Counter,
    prove_seconds: Histogram,
    job_seconds: Histogram,
    overhead_seconds: Histogram,
    peers: Gauge,
}

impl ProverMetrics {
    fn new(client: &Client) -> Self {
        let metrics = Self {
            registry: Mutex::new(Registry::with_prefix("hyperforge_prover")),
            jobs_proven: Counter::default(),
            jobs_refused: Counter::default(),
            prove_seconds: Histogram::new(exponential_buckets(0.25, 2.0, 12)),
            job_seconds: Histogram::new(exponential_buckets(0.25, 2.0, 12)),
            overhead_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 14)),
            peers: Gauge::default(),
        };
        {
            let mut registry = metrics.registry.lock().unwrap_or_else(|e| e.into_inner());
            registry.register(
                "jobs_proven",
                "Jobs proven and accepted by the coordinator",
                metrics.jobs_proven.clone(),
            );
            registry.register(
                "jobs_refused",
                "Proofs the coordinator refused",
                metrics.jobs_refused.clone(),
            );
            registry.register(
                "prove_seconds",
                "Time to prove one job",
                metrics.prove_seconds.clone(),
            );
            registry.register(
                "job_seconds",
                "From asking for a job to the coordinator's receipt of its proof (proving included)",
                metrics.job_seconds.clone(),
            );
            registry.register(
                "overhead_seconds",
                "Per accepted job, its job_seconds minus its prove_seconds: asking, the payloads over libp2p, the coordinator's check",
                metrics.overhead_seconds.clone(),
            );
            registry.register("peers", "Peers connected", metrics.peers.clone());
            client
                .metrics()
                .register(registry.sub_registry_with_prefix("p2p"));
        }
        metrics
    }

    fn render(&self) -> String {
        let mut text = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        let _ = encode(&mut text, &registry);
        text
    }
}

/// A chain this prover serves: its id, its sequencer's peer, its folder's name.
struct Target {
    chain_id: ChainId,
    sequencer: PeerId,
    name: String,
}

/// What every worker shares.
struct Worker {
    client: Client,
    /// The chains served, asked for work in turn.
    targets: Vec<Target>,
    /// Where the next round of asking starts (spreads the workers over the chains).
    next_target: std::sync::atomic::AtomicUsize,
    circuits: Arc<ProverCircuits>,
    digest: CircuitDigest,
    corrupt: bool,
    metrics: Arc<ProverMetrics>,
    /// Notified when a served chain's sequencer announces a sealed batch.
    work_ready: Arc<tokio::sync::Notify>,
}

pub(crate) fn run(args: ProverArgs) -> anyhow::Result<()> {
    let mut configs = Vec::with_capacity(args.chains.len());
    for dir in &args.chains {
        let config = load_chain(&crate::cli::ChainArgs {
            chain: dir.clone(),
            set: args.set.clone(),
        })?;
        configs.push((dir.clone(), config));
    }
    let (first_dir, config) = &configs[0];
    for (dir, other) in &configs[1..] {
        anyhow::ensure!(
            other.prover.chunk == config.prover.chunk,
            "{} and {} have different `[prover.chunk]` ({:?} and {:?}): one prover's circuits cannot prove both; run a prover per shape",
            first_dir.display(),
            dir.display(),
            config.prover.chunk,
            other.prover.chunk
        );
    }
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| first_dir.join("data/prover"));
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let cache_dir = std::env::var_os("HYPERFORGE_CIRCUIT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("circuits"));
    anyhow::ensure!(
        args.bootnodes.is_empty() || args.bootnodes.len() == configs.len(),
        "{} --bootnode for {} --chain: give one per chain, in the same order, or none (each chain's `[p2p] bootnodes`)",
        args.bootnodes.len(),
        configs.len()
    );
    let mut bootnodes: Vec<Multiaddr> = Vec::with_capacity(configs.len());
    let mut targets = Vec::with_capacity(configs.len());
    for (index, (dir, config)) in configs.iter().enumerate() {
        let bootnode = super::p2p::sequencer_address(dir, config, args.bootnodes.get(index))?;
        targets.push(Target {
            chain_id: config.chain.chain_id,
            sequencer: super::p2p::peer_of(&bootnode)?,
            name: config.chain.name.clone(),
        });
        bootnodes.push(bootnode);
    }
    let workers = args.workers.unwrap_or(config.prover.workers).max(1);
    let shape = hyperforge_prover::chunk_shape(&config.prover.chunk);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    runtime.block_on(async move {
        let mut network = NetworkConfig::new(Vec::new(), &data_dir);
        network.bootnodes = bootnodes;
        let (client, mut events, event_loop) = hyperforge_p2p::new(network)?;
        let p2p_task = tokio::spawn(event_loop.run());
        println!("peer: {}", client.local_peer_id());
        let metrics = Arc::new(ProverMetrics::new(&client));
        if let Some(addr) = args.metrics_addr {
            let bound = serve_metrics(addr, metrics.clone()).await?;
            println!("metrics: http://{bound}/metrics");
        }
        // Each chain's sealed batches wake the idle workers; other gossip is judged and
        // forwarded, never acted on.
        let work_ready = Arc::new(tokio::sync::Notify::new());
        let sequencers: HashMap<ChainId, PeerId> = targets
            .iter()
            .map(|target| (target.chain_id, target.sequencer))
            .collect();
        for target in &targets {
            client.subscribe(Topic::Batches(target.chain_id)).await?;
        }
        let peers_metrics = metrics.clone();
        let peers_client = client.clone();
        let wake = work_ready.clone();
        tokio::spawn(async move {
            use futures::StreamExt;
            while let Some(event) = events.next().await {
                match event {
                    hyperforge_p2p::Event::Gossip {
                        topic,
                        author,
                        data,
                        id,
                    } => {
                        let verdict =
                            gossip::judge(&peers_client, &sequencers, topic, author, &data, id)
                                .await;
                        if let Some(Ok(ChainNews::BatchSealed { record, jobs })) = verdict {
                            tracing::debug!(target: "prover::jobs", chain = record.public_inputs.chain_id.get(), batch = record.number(), jobs, "batch announced");
                            wake.notify_waiters();
                        }
                    }
                    hyperforge_p2p::Event::PeerConnected { peer } => {
                        tracing::info!(target: "prover::net", %peer, "connected");
                        peers_metrics.peers.inc();
                    }
                    hyperforge_p2p::Event::PeerDisconnected { peer } => {
                        tracing::info!(target: "prover::net", %peer, "disconnected");
                        peers_metrics.peers.dec();
                    }
                    hyperforge_p2p::Event::InboundRequest { .. } => {}
                }
            }
        });

        tracing::info!(target: "prover::circuits", ?shape, cache = %cache_dir.display(), "loading the circuits");
        let (stop_tx, stop) = watch::channel(false);
        let load = tokio::task::spawn_blocking(move || {
            ProverCircuits::load_or_build(shape, &CircuitCache::new(cache_dir))
        });
        let circuits = tokio::select! {
            loaded = load => Arc::new(loaded.context("the circuit task failed")??),
            signal = super::sequencer::shutdown_signal() => {
                tracing::info!(signal = signal?, "shutting down");
                client.shutdown().await?;
                let _ = p2p_task.await;
                return Ok(());
            }
        };
        let digest = CircuitDigest(circuits.digest());
        println!("circuits: {digest}");
        let served = targets
            .iter()
            .map(|target| format!("{} ({})", target.name, target.sequencer))
            .collect::<Vec<_>>()
            .join(", ");
        let worker = Arc::new(Worker {
            client: client.clone(),
            targets,
            next_target: std::sync::atomic::AtomicUsize::new(0),
            circuits,
            digest,
            corrupt: args.corrupt_proofs,
            metrics,
            work_ready,
        });
        let mut tasks = tokio::task::JoinSet::new();
        for index in 0..workers {
            tasks.spawn(work(worker.clone(), index, stop.clone()));
        }
        tracing::info!(target: "prover::jobs", workers, chains = %served, "prover running");
        let outcome = tokio::select! {
            signal = super::sequencer::shutdown_signal() => {
                tracing::info!(signal = signal?, "shutting down after the current jobs");
                let _ = stop_tx.send(true);
                while tasks.join_next().await.is_some() {}
                Ok(())
            }
            Some(ended) = tasks.join_next() => {
                let _ = stop_tx.send(true);
                match ended {
                    Ok(result) => result,
                    Err(error) => Err(anyhow::anyhow!("a worker failed: {error}")),
                }
            }
        };
        client.shutdown().await?;
        let _ = p2p_task.await;
        outcome
    })
}

/// One worker: ask, prove, submit, until stopped. Returns an error on a refusal that
/// retrying cannot cure.
async fn work(
    worker: Arc<Worker>,
    index: u32,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut backoff = MIN_BACKOFF;
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        let asked_at = Instant::now();
        // Ask each chain in turn, starting after where the last round started, until one
        // has a job.
        let count = worker.targets.len();
        let start = worker
            .next_target
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut taken = None;
        let mut unreachable = 0;
        for offset in 0..count {
            let target = &worker.targets[(start + offset) % count];
            let request = JobRequest {
                chain_ids: vec![target.chain_id],
                circuits: worker.digest,
                kinds: Vec::new(),
            };
            match worker.client.request_job(target.sequencer, request).await {
                Ok(Some(job)) => {
                    taken = Some((target, job));
                    break;
                }
                Ok(None) => {}
                Err(P2pError::Refused { refusal, .. })
                    if matches!(
                        *refusal,
                        Refusal::CircuitMismatch { .. } | Refusal::NotAllowed
                    ) =>
                {
                    return Err(anyhow::anyhow!(
                        "the sequencer of {} ({}) refused this prover: {refusal}",
                        target.name,
                        target.sequencer
                    ));
                }
                Err(error) => {
                    tracing::debug!(target: "prover::jobs", worker = index, chain = %target.name, %error, "no job");
                    unreachable += 1;
                }
            }
        }
        let Some((target, job)) = taken else {
            if unreachable == count {
                wait(&mut stop, &mut backoff).await;
            } else {
                backoff = MIN_BACKOFF;
                tokio::select! {
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = worker.work_ready.notified() => {}
                    _ = stop.changed() => {}
                }
            }
            continue;
        };
        backoff = MIN_BACKOFF;
        let kind = JobKind::from_u8(job.kind)
            .map(JobKind::as_str)
            .unwrap_or("unknown");
        tracing::info!(target: "prover::jobs", worker = index, chain = %target.name, job = %job.job_id, kind, bytes = job.witness.0.len(), "job taken");
        let started = Instant::now();
        let circuits = worker.circuits.clone();
        let (job_kind, payload) = (job.kind, job.witness.0);
        let proven = tokio::task::spawn_blocking(move || {
            hyperforge_prover::prove(&circuits, job_kind, &payload)
        })
        .await
        .context("the proving task failed")?;
        let seconds = started.elapsed().as_secs_f64();
        let mut proof = match proven {
            Ok(proof) => proof,
            Err(error) => {
                // The job's witness is the coordinator's: nothing to submit. Its lease
                // expires and it is handed out again.
                tracing::warn!(target: "prover::jobs", worker = index, job = %job.job_id, %error, "cannot prove the job");
                continue;
            }
        };
        worker.metrics.prove_seconds.observe(seconds);
        if worker.corrupt {
            let middle = proof.len() / 2;
            if let Some(byte) = proof.get_mut(middle) {
                *byte ^= 0x01;
            }
        }
        let submission = ProofSubmission {
            job_id: job.job_id,
            chain_id: job.chain_id,
            circuits: worker.digest,
            proof: proof.into(),
        };
        match worker
            .client
            .submit_proof(target.sequencer, submission)
            .await
        {
            Ok(ProofReceipt::Accepted) => {
                worker.metrics.jobs_proven.inc();
                let total = asked_at.elapsed().as_secs_f64();
                worker.metrics.job_seconds.observe(total);
                worker
                    .metrics
                    .overhead_seconds
                    .observe((total - seconds).max(0.0));
                tracing::info!(target: "prover::jobs", worker = index, job = %job.job_id, kind, seconds, "proof accepted");
            }
            Ok(ProofReceipt::Rejected { reason }) => {
                worker.metrics.jobs_refused.inc();
                tracing::warn!(target: "prover::jobs", worker = index, job = %job.job_id, %reason, "proof refused");
            }
            Err(error) => {
                tracing::warn!(target: "prover::jobs", worker = index, job = %job.job_id, %error, "proof not delivered");
            }
        }
    }
}

/// Sleeps `backoff` (or until stopped), then doubles it up to [`MAX_BACKOFF`].
async fn wait(stop: &mut watch::Receiver<bool>, backoff: &mut Duration) {
    tokio::select! {
        _ = tokio::time::sleep(*backoff) => {}
        _ = stop.changed() => {}
    }
    *backoff = (*backoff * 2).min(MAX_BACKOFF);
}

/// Serves `GET /metrics` (any path answers the metrics) on `addr`; returns the bound address.
async fn serve_metrics(
    addr: SocketAddr,
    metrics: Arc<ProverMetrics>,
) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot serve metrics on {addr}"))?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let metrics = metrics.clone();
            tokio::spawn(async move {
                // Read the whole request head (bounded: 8 KiB, 2 s) before answering, so the
                // client is done writing when the connection closes; the answer does not
                // depend on the request.
                let mut head = Vec::new();
                let _ = tokio::time::timeout(Duration::from_secs(2), async {
                    let mut buffer = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                })
                .await;
                let body = metrics.render();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Ok(bound)
}
