//! Proving over libp2p with real processes on 127.0.0.1: a `hyperforge sequencer` and
//! `hyperforge prover`s. Two provers prove a batch of signed transfers and its proof verifies
//! against the batch's public inputs; a prover killed with SIGKILL mid-job loses its lease to
//! another; a prover that corrupts its proofs is refused and penalised while an honest one
//! proves the batch; a sequencer killed while jobs are leased restarts and the batch is still
//! proven; a peer not on the allow-list takes no job, and a prover built for other circuits is
//! refused with an error naming both digests; one prover serves two chains whose circuits
//! agree, and refuses chains whose circuits differ.
//!
//! Shapes are minimal (one transaction slot per chunk, one block per batch) and every process
//! of every test shares one circuit cache (under the target directory), so the batch
//! circuits are built once. The tests run one at a time: each runs several provers on a
//! 2-core machine.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, MutexGuard, mpsc},
    time::Duration,
};

use hyperforge_execution::test_utils::transfer;
use hyperforge_primitives::{ChainId, block::ProofStatus, dev::ACCOUNTS};
use hyperforge_sequencer::api::HfApiClient;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

use crate::support::{hyperforge, wait_for};

/// One transaction slot and nothing else: the cheapest chunk circuit.
const SHAPE: [&str; 4] = [
    "prover.chunk.import_slots=0",
    "prover.chunk.priority_slots=0",
    "prover.chunk.tx_slots=1",
    "prover.chunk.execute_slots=0",
];

static SERIAL: Mutex<()> = Mutex::new(());

/// One test at a time (a failed one does not poison the others).
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn circuit_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("prover-it-circuits")
}

/// A copy of `chains/alpha` in a temporary folder.
fn alpha_copy(root: &Path) -> PathBuf {
    chain_copy(root, "alpha")
}

/// A copy of `chains/<name>` in a temporary folder.
fn chain_copy(root: &Path, name: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../chains")
        .join(name)
        .join("chain.toml");
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(source, dir.join("chain.toml")).unwrap();
    dir
}

/// A child process whose stdout lines arrive on a channel and whose stderr is kept (and
/// echoed); SIGKILLed when dropped.
struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Process {
    fn spawn(mut command: Command) -> Self {
        let mut child = command
            .env("HYPERFORGE_CIRCUIT_CACHE", circuit_cache())
            .env("RUST_LOG", "info,p2p=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let kept = stderr.clone();
        let mut pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                eprint!("{text}");
                kept.lock().unwrap().push_str(&text);
            }
        });
        Self {
            child,
            lines,
            stderr,
        }
    }

    /// The next stdout line starting with `prefix`, without it.
    fn line(&self, prefix: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(180))
                .unwrap_or_else(|_| panic!("no `{prefix}` line"));
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.trim().to_owned();
            }
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /metrics` of `addr`: the value of the first line starting with `series` (name and
/// labels as printed).
fn scrape(addr: &str, series: &str) -> Option<u64> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .write_all(
            format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let prefix = format!("{series} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .map(|value| value as u64)
}

struct SequencerNode {
    process: Process,
    rpc: String,
    p2p: String,
}

impl SequencerNode {
    fn spawn(chain: &Path, data_dir: &Path, listen: &str, extra: &[(&str, String)]) -> Self {
        let mut command = hyperforge(chain);
        command
            .args(["sequencer", "--chain"])
            .arg(chain)
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
            .args(["--set", "sequencer.block_time_ms=1000"])
            .args(["--set", "sequencer.batch_blocks=1"])
            .args(["--set", &format!("p2p.listen=[\"{listen}\"]")]);
        for set in SHAPE {
            command.args(["--set", set]);
        }
        for (key, value) in extra {
            command.env(key, value);
        }
        let process = Process::spawn(command);
        let rpc = process.line("rpc:");
        let p2p = process.line("p2p:");
        Self { process, rpc, p2p }
    }

    fn client(&self) -> HttpClient {
        HttpClientBuilder::default()
            .request_timeout(Duration::from_secs(10))
            .build(&self.rpc)
            .unwrap()
    }

    fn metric(&self, series: &str) -> u64 {
        scrape(
            self.rpc.trim_start_matches("http://"),
            &format!("hyperforge_sequencer_{series}"),
        )
        .unwrap_or(0)
    }
}

struct ProverNode {
    process: Process,
    peer: String,
    metrics: String,
}

impl ProverNode {
    fn spawn(chain: &Path, bootnode: &str, data_dir: &Path, args: &[&str], sets: &[&str]) -> Self {
        let mut command = hyperforge(chain);
        command
            .args(["prover", "--chain"])
            .arg(chain)
            .args(["--bootnode", bootnode, "--data-dir"])
            .arg(data_dir)
            .args(["--metrics-addr", "127.0.0.1:0"])
            .args(args);
        for set in SHAPE.iter().chain(sets) {
            command.args(["--set", set]);
        }
        let process = Process::spawn(command);
        let peer = process.line("peer:");
        let metrics = process
            .line("metrics:")
            .trim_start_matches("http://")
            .trim_end_matches("/metrics")
            .to_owned();
        Self {
            process,
            peer,
            metrics,
        }
    }

    fn metric(&self, series: &str) -> u64 {
        scrape(&self.metrics, &format!("hyperforge_prover_{series}")).unwrap_or(0)
    }
}

/// Sends a transfer of 1 gwei from dev account `from` (its next nonce) to account 9 and
/// waits for its block; returns the block number (= its batch: one block per batch).
fn transfer_included(
    runtime: &tokio::runtime::Runtime,
    node: &SequencerNode,
    from: usize,
    nonce: u32,
) -> u64 {
    transfers_included(runtime, node, &[(from, nonce)])[0]
}

/// Sends the transfers of 1 gwei (from dev account, nonce) to account 9 at once, then waits
/// for their blocks; returns each one's block number.
fn transfers_included(
    runtime: &tokio::runtime::Runtime,
    node: &SequencerNode,
    transfers: &[(usize, u32)],
) -> Vec<u64> {
    let client = node.client();
    let chain_id: u64 = runtime
        .block_on(hyperforge_sequencer::api::EthApiClient::net_version(
            &client,
        ))
        .unwrap()
        .parse()
        .unwrap();
    let hashes: Vec<_> = transfers
        .iter()
        .map(|&(from, nonce)| {
            let tx = transfer(
                from,
                nonce,
                ACCOUNTS[9].address,
                1,
                ChainId::new(chain_id).unwrap(),
            );
            let raw = format!("0x{}", alloy::hex::encode(tx.encode()));
            runtime.block_on(client.send_transaction(raw)).unwrap()
        })
        .collect();
    hashes
        .into_iter()
        .map(|hash| {
            wait_for("the transfer's block", || {
                let receipt = runtime
                    .block_on(client.get_transaction_receipt(hash))
                    .ok()??;
                receipt.block_number
            })
        })
        .collect()
}

/// Waits until batch `number` is proven; returns its public inputs and proof bytes.
fn proven(
    runtime: &tokio::runtime::Runtime,
    node: &SequencerNode,
    number: u64,
) -> hyperforge_sequencer::api::BatchProofView {
    let client = node.client();
    wait_for(&format!("batch {number} proven"), || {
        let batch = runtime.block_on(client.get_batch(number)).ok()??;
        if batch.proof_status != ProofStatus::Proven {
            return None;
        }
        runtime.block_on(client.get_batch_proof(number)).ok()?
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

const TCP0: &str = "/ip4/127.0.0.1/tcp/0";

#[test]
fn two_provers_prove_a_batch_of_transfers_and_its_proof_verifies() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let runtime = runtime();
    let node = SequencerNode::spawn(&chain, &root.path().join("seq"), TCP0, &[]);
    let provers: Vec<ProverNode> = (0..2)
        .map(|i| {
            ProverNode::spawn(
                &chain,
                &node.p2p,
                &root.path().join(format!("prover{i}")),
                &[],
                &[],
            )
        })
        .collect();
    assert_ne!(provers[0].peer, provers[1].peer);
    // A peer following the chain's gossip, as anyone may.
    let mut watch = hyperforge(&chain);
    watch
        .args(["p2p", "watch", "--chain"])
        .arg(&chain)
        .args(["--bootnode", &node.p2p]);
    for set in SHAPE {
        watch.args(["--set", set]);
    }
    let watcher = Process::spawn(watch);
    let sequencer_peer = node.p2p.rsplit_once("/p2p/").unwrap().1.to_owned();
    assert_eq!(watcher.line("connected:"), sequencer_peer);
    let first = transfer_included(&runtime, &node, 0, 0);
    let last = transfer_included(&runtime, &node, 1, 0).max(first);
    let view = proven(&runtime, &node, last);

    let batch = runtime
        .block_on(node.client().get_batch(last))
        .unwrap()
        .unwrap();
    assert!(batch.sealed_at_ms.is_some() && batch.first_lease_at_ms.is_some());
    assert!(batch.proven_at_ms >= batch.first_lease_at_ms);
    // The proof verifies against the batch's public inputs, in this process.
    let circuits = hyperforge_prover::ProverCircuits::load_or_build(
        hyperforge_circuits::ChunkShape::transfers(1),
        &hyperforge_circuits::recursion::CircuitCache::new(circuit_cache()),
    )
    .unwrap();
    assert_eq!(view.circuits.0, circuits.digest());
    let proof = alloy::hex::decode(view.proof.trim_start_matches("0x")).unwrap();
    let inputs = batch.public_inputs.to_inputs().unwrap();
    hyperforge_prover::check_batch_proof(&circuits, &inputs, &proof).unwrap();
    let mut other = inputs;
    other.batch_number += 1;
    assert!(hyperforge_prover::check_batch_proof(&circuits, &other, &proof).is_err());
    for number in first..=last {
        proven(&runtime, &node, number);
    }
    // The watcher saw the block, the batch sealed and the batch proven, each accepted as the
    // sequencer's: the block's hash and state root are those the RPC gives.
    let header = runtime
        .block_on(
            node.client()
                .get_block(hyperforge_sequencer::api::BlockNumberOrTag::Number(last).into()),
        )
        .unwrap()
        .unwrap();
    let block = watcher.line(&format!("block {last} "));
    assert!(
        block.starts_with(&format!("hash {:#x} ", header.hash)),
        "{block} is not block {last} {:#x}",
        header.hash
    );
    let sealed = watcher.line(&format!("batch {last} blocks {last}..={last} sealed"));
    assert!(sealed.contains("jobs "), "{sealed}");
    let announced = watcher.line(&format!("batch {last} blocks {last}..={last} proven"));
    assert!(
        announced.contains(&format!("circuits {}", view.circuits)),
        "{announced}"
    );
    wait_for("the provers' proofs counted", || {
        let proven: u64 = provers.iter().map(|p| p.metric("jobs_proven_total")).sum();
        (proven >= 2).then_some(())
    });
    assert_eq!(node.metric("jobs_refused_total"), 0);
}

#[test]
fn a_prover_killed_mid_job_loses_its_lease_and_the_batch_is_still_proven() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let runtime = runtime();
    let lease = [("HYPERFORGE_JOB_LEASE_MS", "4000".to_owned())];
    let node = SequencerNode::spawn(&chain, &root.path().join("seq"), TCP0, &lease);
    let batch = transfer_included(&runtime, &node, 0, 0);
    let doomed = ProverNode::spawn(&chain, &node.p2p, &root.path().join("doomed"), &[], &[]);
    wait_for("a job leased to the first prover", || {
        (node.metric("jobs_leased") >= 1).then_some(())
    });
    // Proving a chunk and its leaf takes seconds: this is mid-job.
    doomed.process.kill();
    let rescuer = ProverNode::spawn(&chain, &node.p2p, &root.path().join("rescuer"), &[], &[]);
    proven(&runtime, &node, batch);
    // The leaf (leased again after the lease expired), which is the batch proof. The
    // receipt reaches the prover after the batch is marked proven: wait for it.
    wait_for("the rescuer's proof counted", || {
        (rescuer.metric("jobs_proven_total") >= 1).then_some(())
    });
}

#[test]
fn a_prover_sending_corrupt_proofs_is_refused_and_penalised_and_another_proves_the_batch() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let runtime = runtime();
    let node = SequencerNode::spawn(&chain, &root.path().join("seq"), TCP0, &[]);
    let batch = transfer_included(&runtime, &node, 0, 0);
    let liar = ProverNode::spawn(
        &chain,
        &node.p2p,
        &root.path().join("liar"),
        &["--corrupt-proofs"],
        &[],
    );
    wait_for("the corrupt proof refused", || {
        (liar.metric("jobs_refused_total") >= 1).then_some(())
    });
    assert!(node.metric("jobs_refused_total") >= 1);
    assert!(node.metric("p2p_offences_total{kind=\"invalid_proof\"}") >= 1);
    let honest = ProverNode::spawn(&chain, &node.p2p, &root.path().join("honest"), &[], &[]);
    proven(&runtime, &node, batch);
    assert_eq!(liar.metric("jobs_proven_total"), 0);
    wait_for("the honest prover's proofs counted", || {
        (honest.metric("jobs_proven_total") >= 1).then_some(())
    });
}

#[test]
fn a_sequencer_restarted_with_jobs_leased_keeps_proven_work_and_proves_the_batch() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let runtime = runtime();
    let data_dir = root.path().join("seq");
    // A fixed port, so the prover redials the restarted sequencer (same key, same peer id).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("/ip4/127.0.0.1/tcp/{port}");
    let node = SequencerNode::spawn(&chain, &data_dir, &listen, &[]);
    // Two transfers sent at once share a block, whose batch is then two chunks: two leaf
    // jobs and the step over them (one job if a block boundary fell between them).
    let blocks = transfers_included(&runtime, &node, &[(0, 0), (1, 0)]);
    let batch = blocks[1];
    let jobs_after_restart = if blocks[0] == blocks[1] { 2 } else { 1 };
    let prover = ProverNode::spawn(&chain, &node.p2p, &root.path().join("prover"), &[], &[]);
    // The first leaf proven, the second leased (one worker): kill the sequencer then.
    wait_for("a proven job and a leased one", || {
        (node.metric("jobs_proven_total") >= 1 && node.metric("jobs_leased") >= 1).then_some(())
    });
    let p2p = node.p2p.clone();
    node.process.kill();
    let node = SequencerNode::spawn(&chain, &data_dir, &listen, &[]);
    assert_eq!(node.p2p, p2p, "same address and peer id after the restart");
    proven(&runtime, &node, batch);
    // Only the second leaf and the step were proven again: the first leaf's proof survived
    // the restart.
    assert_eq!(node.metric("jobs_proven_total"), jobs_after_restart);
    // The prover's receipt for a later job may time out while the restarted sequencer loads
    // its circuits (the proof is taken all the same): only the first is sure to be counted.
    assert!(prover.metric("jobs_proven_total") >= 1);
}

#[test]
fn a_peer_off_the_allow_list_takes_no_job_and_other_circuits_are_refused_by_digest() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let runtime = runtime();
    // The allowed prover's key exists before the sequencer starts, so its id can be listed.
    let allowed_dir = root.path().join("allowed");
    std::fs::create_dir_all(&allowed_dir).unwrap();
    let allowed = hyperforge_p2p::load_or_create_node_key(
        &allowed_dir.join(hyperforge_p2p::NetworkConfig::KEY_FILE),
    )
    .unwrap()
    .public()
    .to_peer_id();
    let allow = [("HYPERFORGE_P2P__ALLOWED_PEERS", format!("[\"{allowed}\"]"))];
    let node = SequencerNode::spawn(&chain, &root.path().join("seq"), TCP0, &allow);
    let batch = transfer_included(&runtime, &node, 0, 0);

    // Allowed, but built for two transaction slots per chunk: refused with both digests.
    let mut other = ProverNode::spawn(
        &chain,
        &node.p2p,
        &allowed_dir,
        &[],
        &["prover.chunk.tx_slots=2"],
    );
    assert_eq!(other.peer, allowed.to_string());
    let status = wait_for("the prover with other circuits exits", || {
        other.process.child.try_wait().unwrap()
    });
    assert!(!status.success());
    let stderr = other.process.stderr.lock().unwrap().clone();
    assert!(
        stderr.contains("circuit mismatch: the jobs expect 0x"),
        "{stderr}"
    );
    assert!(stderr.matches("0x").count() >= 2, "{stderr}");

    // Not on the list: the sequencer never lets it connect, so it takes nothing.
    let stranger = ProverNode::spawn(&chain, &node.p2p, &root.path().join("stranger"), &[], &[]);
    std::thread::sleep(Duration::from_secs(8));
    assert_eq!(stranger.metric("jobs_proven_total"), 0);
    assert_eq!(node.metric("jobs_leased"), 0);
    assert_eq!(node.metric("jobs_proven_total"), 0);
    let record = runtime
        .block_on(node.client().get_batch(batch))
        .unwrap()
        .unwrap();
    assert_eq!(record.proof_status, ProofStatus::Pending);
    assert!(record.first_lease_at_ms.is_none());
}

#[test]
fn one_prover_serves_two_chains_with_the_same_circuits() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    let runtime = runtime();
    let alpha_dir = alpha_copy(root.path());
    let beta_dir = chain_copy(root.path(), "beta");
    let alpha = SequencerNode::spawn(&alpha_dir, &root.path().join("alpha-seq"), TCP0, &[]);
    let beta = SequencerNode::spawn(&beta_dir, &root.path().join("beta-seq"), TCP0, &[]);
    let mut command = hyperforge(root.path());
    command
        .args(["prover", "--chain"])
        .arg(&alpha_dir)
        .arg("--chain")
        .arg(&beta_dir)
        .args(["--bootnode", &alpha.p2p, "--bootnode", &beta.p2p])
        .arg("--data-dir")
        .arg(root.path().join("prover"))
        .args(["--metrics-addr", "127.0.0.1:0"]);
    for set in SHAPE {
        command.args(["--set", set]);
    }
    let prover = Process::spawn(command);
    let metrics = prover
        .line("metrics:")
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .to_owned();
    let on_alpha = transfer_included(&runtime, &alpha, 0, 0);
    let on_beta = transfer_included(&runtime, &beta, 0, 0);
    proven(&runtime, &alpha, on_alpha);
    proven(&runtime, &beta, on_beta);
    let proven_jobs = scrape(&metrics, "hyperforge_prover_jobs_proven_total").unwrap_or(0);
    assert!(proven_jobs >= 2, "{proven_jobs} jobs proven");
    assert!(alpha.metric("batches_proven_total") >= 1);
    assert!(beta.metric("batches_proven_total") >= 1);
}

#[test]
fn a_prover_refuses_chains_whose_circuits_differ_before_building_any() {
    let root = tempfile::tempdir().unwrap();
    let alpha_dir = alpha_copy(root.path());
    let beta_dir = chain_copy(root.path(), "beta");
    let text = std::fs::read_to_string(beta_dir.join("chain.toml")).unwrap();
    std::fs::write(
        beta_dir.join("chain.toml"),
        text.replace("tx_slots = 4", "tx_slots = 3"),
    )
    .unwrap();
    let output = hyperforge(root.path())
        .args(["prover", "--chain"])
        .arg(&alpha_dir)
        .arg("--chain")
        .arg(&beta_dir)
        .arg("--data-dir")
        .arg(root.path().join("prover"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("different `[prover.chunk]`") && stderr.contains("beta"),
        "{stderr}"
    );
}
