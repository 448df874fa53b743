//! `cargo xtask bench provers`: proving throughput through the prover network, with real
//! processes on loopback: a `hyperforge sequencer` and either one `hyperforge prover` with 2
//! workers or two provers with 1 worker each.
//!
//! Each run starts a fresh sequencer (chunks of `HYPERFORGE_BENCH_TX_SLOTS` transaction
//! slots, default 28: a `2^14`-row chunk, which holds 29; one block per batch, at most
//! `HYPERFORGE_BENCH_BATCH_TXS` transfers per block, default 28: one chunk), sends
//! `HYPERFORGE_BENCH_TXS` signed transfers (default 224: eight batches) from four senders at
//! once, and waits until every batch holding them is proven. The batches seal one block
//! time (500 ms) apart, so the provers work on several at once, as under sustained load:
//! a later batch's chunks fill the gaps while an earlier batch's tree waits for its
//! children. The provers load the circuits before the clock starts (one cache for every
//! run, under the target directory; the first run builds it).
//!
//! The chunk size is a chain's choice (`[prover.chunk]`): each chunk costs its own proof plus
//! a leaf proof and a share of the steps (`2^13` rows each, whatever the chunk), so a
//! throughput chain takes large chunks and a chain that wants its quiet blocks proven soon
//! small ones. `HYPERFORGE_BENCH_TX_SLOTS=14` measures the `2^13` chunk.
//!
//! - `BENCH proven_tps_1x2` / `proven_tps_2x1`: transfers over the span from the first lease
//!   of the run's batches to the last batch proof (`hf_getBatch` timings); `BENCH
//!   proven_tps` is the two-process figure. `BENCH batch_proving_s`: the mean, over the
//!   two-process run's batches, of first lease to batch proof (one batch's latency under
//!   that load).
//! - `BENCH p2p_overhead_pct`: over the accepted jobs of the two-process run, the time from
//!   asking for a job to the coordinator's receipt of its proof minus that job's proving
//!   time (payloads over libp2p, the coordinator's lease and its check of the proof), as a
//!   percentage of their proving time (the provers' `overhead_seconds` and `job_seconds`,
//!   both of accepted jobs only: a refused proof's proving counts in neither).
//!
//! `HYPERFORGE_BENCH_BIN`: the `hyperforge` binary to run (default: the one built with this
//! bench; a copy keeps a shared target directory's rebuilds out of a long run).

use std::{
    error::Error,
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use hyperforge_execution::test_utils::transfer;
use hyperforge_primitives::{ChainId, block::ProofStatus, dev::ACCOUNTS};
use hyperforge_sequencer::api::HfApiClient;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

fn env_or(name: &str, default: u64) -> Result<u64> {
    match std::env::var(name) {
        Ok(value) => Ok(value.parse()?),
        Err(_) => Ok(default),
    }
}

/// A child killed when dropped, its stdout lines on a channel.
struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Process {
    fn spawn(mut command: Command) -> Result<Self> {
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self { child, lines })
    }

    fn line(&self, prefix: &str) -> Result<String> {
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(600))?;
            if let Some(rest) = line.strip_prefix(prefix) {
                return Ok(rest.trim().to_owned());
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The metrics text of `addr`.
fn metrics(addr: &str) -> Result<String> {
    let mut stream =
        TcpStream::connect(addr).map_err(|error| format!("metrics of {addr}: {error}"))?;
    stream
        .write_all(
            format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .map_err(|error| format!("metrics request to {addr}: {error}"))?;
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .map_err(|error| format!("metrics answer of {addr}: {error}"))?;
    Ok(text)
}

fn series(text: &str, name: &str) -> f64 {
    let prefix = format!("{name} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

/// `HYPERFORGE_BENCH_BIN`, or the binary this bench was built with.
fn hyperforge(root: &Path) -> Command {
    let binary = std::env::var_os("HYPERFORGE_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_hyperforge")),
        PathBuf::from,
    );
    let mut command = Command::new(binary);
    command.current_dir(root);
    for (key, _) in std::env::vars() {
        if key.starts_with("HYPERFORGE_") {
            command.env_remove(key);
        }
    }
    command
}

struct Run {
    tps: f64,
    overhead_pct: f64,
    jobs: f64,
    batch_seconds: f64,
}

fn run(
    runtime: &tokio::runtime::Runtime,
    cache: &Path,
    provers: usize,
    workers: usize,
    txs: u64,
    tx_slots: u64,
    batch_txs: u64,
) -> Result<Run> {
    let root = tempfile::tempdir()?;
    let chain = root.path().join("alpha");
    std::fs::create_dir_all(&chain)?;
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml"),
        chain.join("chain.toml"),
    )?;
    let sets = [
        "prover.chunk.import_slots=0".to_owned(),
        "prover.chunk.priority_slots=0".to_owned(),
        format!("prover.chunk.tx_slots={tx_slots}"),
        "prover.chunk.execute_slots=0".to_owned(),
    ];
    let mut command = hyperforge(root.path());
    command
        .args(["sequencer", "--chain"])
        .arg(&chain)
        .arg("--data-dir")
        .arg(root.path().join("seq"))
        .env("HYPERFORGE_CIRCUIT_CACHE", cache)
        .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
        .args(["--set", "sequencer.block_time_ms=500"])
        .args(["--set", "sequencer.batch_blocks=1"])
        .args(["--set", &format!("sequencer.max_block_txs={batch_txs}")])
        .args(["--set", r#"p2p.listen=["/ip4/127.0.0.1/tcp/0"]"#]);
    for set in &sets {
        command.args(["--set", set]);
    }
    let sequencer = Process::spawn(command)?;
    let rpc = sequencer.line("rpc:")?;
    let p2p = sequencer.line("p2p:")?;
    let client: HttpClient = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(30))
        .build(&rpc)?;

    let mut prover_metrics = Vec::new();
    let mut prover_processes = Vec::new();
    for index in 0..provers {
        let mut command = hyperforge(root.path());
        command
            .args(["prover", "--chain"])
            .arg(&chain)
            .args(["--bootnode", &p2p, "--workers", &workers.to_string()])
            .arg("--data-dir")
            .arg(root.path().join(format!("prover{index}")))
            .args(["--metrics-addr", "127.0.0.1:0"])
            .env("HYPERFORGE_CIRCUIT_CACHE", cache);
        for set in &sets {
            command.args(["--set", set]);
        }
        let process = Process::spawn(command)?;
        let metrics = process.line("metrics:")?;
        process.line("circuits:")?;
        prover_metrics.push(
            metrics
                .trim_start_matches("http://")
                .trim_end_matches("/metrics")
                .to_owned(),
        );
        prover_processes.push(process);
    }

    let chain_id = ChainId::new(270)?;
    let mut hashes = Vec::new();
    for i in 0..txs {
        let from = (i % 4) as usize;
        let tx = transfer(from, (i / 4) as u32, ACCOUNTS[9].address, 1, chain_id);
        let raw = format!("0x{}", alloy::hex::encode(tx.encode()));
        hashes.push(runtime.block_on(client.send_transaction(raw))?);
    }
    let mut blocks = Vec::new();
    for hash in &hashes {
        let started = Instant::now();
        loop {
            if let Some(receipt) = runtime.block_on(client.get_transaction_receipt(*hash))?
                && let Some(block) = receipt.block_number
            {
                blocks.push(block);
                break;
            }
            if started.elapsed() > Duration::from_secs(120) {
                return Err("a transfer was never included".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    blocks.sort_unstable();
    blocks.dedup();
    let (mut first_lease, mut last_proof) = (u64::MAX, 0);
    let mut latencies = Vec::new();
    for &batch in &blocks {
        let started = Instant::now();
        loop {
            let view = runtime
                .block_on(client.get_batch(batch))?
                .ok_or("batch not sealed")?;
            if view.proof_status == ProofStatus::Proven {
                let (leased, proven) = (
                    view.first_lease_at_ms.unwrap_or(u64::MAX),
                    view.proven_at_ms.unwrap_or(0),
                );
                first_lease = first_lease.min(leased);
                last_proof = last_proof.max(proven);
                latencies.push(proven.saturating_sub(leased) as f64 / 1000.0);
                break;
            }
            if started.elapsed() > Duration::from_secs(1200) {
                return Err(format!("batch {batch} was never proven").into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let span = last_proof.saturating_sub(first_lease).max(1) as f64 / 1000.0;
    let (mut job_seconds, mut overhead_seconds, mut jobs, mut refused) = (0.0, 0.0, 0.0, 0.0);
    for addr in &prover_metrics {
        let text = metrics(addr)?;
        job_seconds += series(&text, "hyperforge_prover_job_seconds_sum");
        overhead_seconds += series(&text, "hyperforge_prover_overhead_seconds_sum");
        jobs += series(&text, "hyperforge_prover_job_seconds_count");
        refused += series(&text, "hyperforge_prover_jobs_refused_total");
    }
    let batch_seconds = latencies.iter().sum::<f64>() / latencies.len().max(1) as f64;
    eprintln!(
        "{provers} prover(s) x {workers} worker(s): {txs} transfers in {} batches, {jobs} jobs accepted ({refused} refused), proven in {span:.1} s; a batch {batch_seconds:.1} s from first lease to proof",
        blocks.len()
    );
    drop(prover_processes);
    drop(sequencer);
    Ok(Run {
        tps: txs as f64 / span,
        overhead_pct: 100.0 * overhead_seconds / (job_seconds - overhead_seconds).max(1e-9),
        jobs,
        batch_seconds,
    })
}

fn main() -> Result<()> {
    if std::env::args().any(|arg| arg == "--list") {
        return Ok(());
    }
    let txs = env_or("HYPERFORGE_BENCH_TXS", 224)?;
    let tx_slots = env_or("HYPERFORGE_BENCH_TX_SLOTS", 28)?;
    let batch_txs = env_or("HYPERFORGE_BENCH_BATCH_TXS", 28)?;
    let cache =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-provers-circuits");
    let cache = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| PathBuf::from(dir).join("bench-provers-circuits"))
        .unwrap_or(cache);
    let runtime = tokio::runtime::Runtime::new()?;
    let one = run(&runtime, &cache, 1, 2, txs, tx_slots, batch_txs)?;
    let two = run(&runtime, &cache, 2, 1, txs, tx_slots, batch_txs)?;
    println!("BENCH proven_tps_1x2 {:.2} tx/s", one.tps);
    println!("BENCH proven_tps_2x1 {:.2} tx/s", two.tps);
    println!("BENCH proven_tps {:.2} tx/s", two.tps);
    println!("BENCH batch_proving_s {:.1} s", two.batch_seconds);
    println!(
        "BENCH p2p_overhead_pct {:.2} % ({} jobs; 1x2 run: {:.2} %)",
        two.overhead_pct, two.jobs, one.overhead_pct
    );
    Ok(())
}
