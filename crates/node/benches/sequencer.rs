//! `cargo xtask bench sequencer`: transfers per second through a real `hyperforge sequencer`
//! process, side by side with anvil driven by the same load generator.
//!
//! The generator signs `N` transfers from `S` funded senders up front (not timed), then sends
//! them over loopback HTTP as JSON-RPC batches of `B` from `C` concurrent connections, in
//! nonce order per sender, and times two moments: when the last batch is answered
//! (**accepted/s**) and when every sender's committed nonce reached its last transfer
//! (**included/s**). The sequencer (100 ms blocks) gets `hf_sendTransaction`; anvil (100 ms
//! interval mining, a block gas limit of 10^10) gets `eth_sendRawTransaction` with signed
//! EIP-1559 transfers. `BENCH seq_tps` and
//! `BENCH anvil_tps` are included/s; `BENCH seq_vs_anvil` is their ratio.
//!
//! Environment: `HYPERFORGE_BENCH_TXS` (N, default 20000), `HYPERFORGE_BENCH_SENDERS` (S,
//! default 100), `HYPERFORGE_BENCH_BATCH` (B, default 50), `HYPERFORGE_BENCH_CONNECTIONS` (C,
//! default 8), `HYPERFORGE_ANVIL` (the anvil binary; `cargo xtask bench sequencer` sets it),
//! `HYPERFORGE_BENCH_SEQUENCER` (another `hyperforge` binary to measure, e.g. a release build
//! in `target/release/hyperforge`; default: the one this bench was built with, dev profile).

use std::{
    error::Error,
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy::{
    eips::Encodable2718,
    network::{Ethereum, EthereumWallet, NetworkTransactionBuilder, TransactionBuilder},
    node_bindings::Anvil,
    primitives::{Address as EthAddress, U256},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use hyperforge_config::KeyHash;
use hyperforge_crypto::derive::{ethereum_address_of_key, secret_key_from_ethereum_key};
use hyperforge_primitives::{
    Address, Amount, ChainId,
    tx::{SignedTx, TxBody, TxKind},
};
use jsonrpsee::{
    core::{client::ClientT, params::BatchRequestBuilder},
    http_client::{HttpClient, HttpClientBuilder},
    rpc_params,
};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

const CHAIN_ID: u64 = 990;

struct Load {
    txs: usize,
    senders: usize,
    batch: usize,
    connections: usize,
}

fn env_or(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(text) => Ok(text
            .parse()
            .map_err(|_| format!("{name}={text} is not a number"))?),
        Err(_) => Ok(default),
    }
}

fn main() -> Result<()> {
    let load = Load {
        txs: env_or("HYPERFORGE_BENCH_TXS", 20_000)?,
        senders: env_or("HYPERFORGE_BENCH_SENDERS", 100)?,
        batch: env_or("HYPERFORGE_BENCH_BATCH", 50)?,
        connections: env_or("HYPERFORGE_BENCH_CONNECTIONS", 8)?,
    };
    let per_sender = load.txs.div_ceil(load.senders);
    let total = per_sender * load.senders;
    let runtime = tokio::runtime::Runtime::new()?;

    let seq = runtime.block_on(bench_sequencer(&load, per_sender))?;
    eprintln!(
        "sequencer: {:.0} accepted/s, {:.0} included/s",
        seq.accepted_per_s(total),
        seq.included_per_s(total)
    );
    let anvil = runtime.block_on(bench_anvil(&load, per_sender))?;

    println!();
    println!(
        "{total} transfers, {} senders, batches of {}, {} connections, loopback",
        load.senders, load.batch, load.connections
    );
    println!(
        "{:<22} {:>12} {:>12} {:>10} {:>14} {:>14}",
        "target", "accepted/s", "included/s", "refused", "batch p50 ms", "batch p99 ms"
    );
    for (name, run) in [("hyperforge sequencer", &seq), ("anvil", &anvil)] {
        println!(
            "{name:<22} {:>12.0} {:>12.0} {:>10} {:>14.1} {:>14.1}",
            run.accepted_per_s(total),
            run.included_per_s(total),
            run.refused,
            run.latency_ms(0.50),
            run.latency_ms(0.99)
        );
    }
    println!();
    let ratio = seq.included_per_s(total) / anvil.included_per_s(total);
    println!("BENCH seq_tps {:.0} tx/s", seq.included_per_s(total));
    println!("BENCH seq_accept_tps {:.0} tx/s", seq.accepted_per_s(total));
    println!("BENCH anvil_tps {:.0} tx/s", anvil.included_per_s(total));
    println!(
        "BENCH anvil_accept_tps {:.0} tx/s",
        anvil.accepted_per_s(total)
    );
    println!("BENCH seq_vs_anvil {ratio:.2}");
    // Admission latency: the round trip of one JSON-RPC batch of `batch` submissions (the
    // sequencer answers each once it is synced to disk).
    println!("BENCH seq_admission_p50 {:.1} ms", seq.latency_ms(0.50));
    println!("BENCH seq_admission_p99 {:.1} ms", seq.latency_ms(0.99));
    println!("BENCH anvil_admission_p99 {:.1} ms", anvil.latency_ms(0.99));
    if seq.refused > 0 || anvil.refused > 0 {
        return Err(format!(
            "refusals: sequencer {}, anvil {} (see stderr)",
            seq.refused, anvil.refused
        )
        .into());
    }
    Ok(())
}

struct Run {
    accepted: Duration,
    included: Duration,
    refused: usize,
    /// The round trip of every submission batch, sorted.
    latencies: Vec<Duration>,
}

impl Run {
    /// The `quantile` (0..=1) of the batch round trips, in milliseconds.
    fn latency_ms(&self, quantile: f64) -> f64 {
        let Some(last) = self.latencies.len().checked_sub(1) else {
            return 0.0;
        };
        let at = ((last as f64) * quantile).round() as usize;
        self.latencies[at.min(last)].as_secs_f64() * 1_000.0
    }

    fn accepted_per_s(&self, total: usize) -> f64 {
        total as f64 / self.accepted.as_secs_f64()
    }

    fn included_per_s(&self, total: usize) -> f64 {
        total as f64 / self.included.as_secs_f64()
    }
}

/// Sends `raws` (in order) with `method`, `batch` per request from `connections` concurrent
/// clients, then waits until every sender's `eth_getTransactionCount(latest)` reached its
/// final nonce.
async fn drive(
    url: &str,
    method: &'static str,
    raws: Vec<String>,
    senders: &[String],
    final_nonce: u64,
    load: &Load,
) -> Result<Run> {
    let chunks: Vec<Vec<String>> = raws.chunks(load.batch).map(<[String]>::to_vec).collect();
    let queue = Arc::new(Mutex::new(chunks.into_iter().rev().collect::<Vec<_>>()));
    let refused = Arc::new(Mutex::new(Vec::<String>::new()));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..load.connections {
        let client = client(url)?;
        let queue = queue.clone();
        let refused = refused.clone();
        let latencies = latencies.clone();
        workers.push(tokio::spawn(async move {
            loop {
                let Some(chunk) = queue.lock().map_err(|_| "queue poisoned")?.pop() else {
                    return Ok::<(), Box<dyn Error + Send + Sync>>(());
                };
                let mut batch = BatchRequestBuilder::new();
                for raw in chunk {
                    batch.insert(method, rpc_params![raw])?;
                }
                let sent = Instant::now();
                let response = client.batch_request::<serde_json::Value>(batch).await?;
                latencies
                    .lock()
                    .map_err(|_| "latencies poisoned")?
                    .push(sent.elapsed());
                for result in response.into_iter() {
                    if let Err(error) = result {
                        refused
                            .lock()
                            .map_err(|_| "refusals poisoned")?
                            .push(error.message().to_owned());
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    let accepted = started.elapsed();
    let client = client(url)?;
    loop {
        let mut batch = BatchRequestBuilder::new();
        for sender in senders {
            batch.insert("eth_getTransactionCount", rpc_params![sender, "latest"])?;
        }
        let response = client.batch_request::<String>(batch).await?;
        let mut done = true;
        for result in response.into_iter() {
            let nonce = result.map_err(|error| error.message().to_owned())?;
            if u64::from_str_radix(nonce.trim_start_matches("0x"), 16)? < final_nonce {
                done = false;
                break;
            }
        }
        if done {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err("transfers not included after 600 s".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let included = started.elapsed();
    let refused = refused.lock().map_err(|_| "refusals poisoned")?.clone();
    if let Some(first) = refused.first() {
        eprintln!("{} refused by {url}, first: {first}", refused.len());
    }
    let mut latencies = latencies.lock().map_err(|_| "latencies poisoned")?.clone();
    latencies.sort();
    Ok(Run {
        accepted,
        included,
        refused: refused.len(),
        latencies,
    })
}

fn client(url: &str) -> Result<HttpClient> {
    Ok(HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(120))
        .max_request_size(64 * 1024 * 1024)
        .max_response_size(64 * 1024 * 1024)
        .build(url)?)
}

/// The `index`-th bench key: a valid secp256k1 scalar, the same on every run.
fn bench_key(index: usize) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[0] = 0x42;
    key[24..].copy_from_slice(&(index as u64 + 1).to_be_bytes());
    key
}

async fn bench_sequencer(load: &Load, per_sender: usize) -> Result<Run> {
    let root = tempfile::tempdir()?;
    let chain_id = ChainId::new(CHAIN_ID)?;
    let mut senders = Vec::new();
    let mut genesis = String::new();
    for index in 0..load.senders {
        let key = bench_key(index);
        let address = Address::from(ethereum_address_of_key(&key)?);
        let l2 = secret_key_from_ethereum_key(&key)?;
        genesis.push_str(&format!(
            "    {{ address = \"{}\", balance = \"1000 ether\", pubkey_hash = \"{}\" }},\n",
            address.to_checksum(None),
            String::from(KeyHash(l2.public_key().hash()))
        ));
        senders.push((address, l2));
    }
    let chain_dir = root.path().join("bench");
    std::fs::create_dir_all(&chain_dir)?;
    std::fs::write(
        chain_dir.join("chain.toml"),
        format!(
            "[chain]\nname = \"bench\"\nchain_id = {CHAIN_ID}\n\n[sequencer]\nblock_time_ms = 100\n\
             max_block_txs = 8192\nbatch_blocks = 10\nrpc_addr = \"127.0.0.1:0\"\n\
             mempool_max_txs = 200000\nmempool_max_per_account = 4096\n\n\
             [genesis]\naccounts = [\n{genesis}]\n"
        ),
    )?;

    eprintln!(
        "signing {} hyperforge transfers...",
        per_sender * load.senders
    );
    let recipient = Address::repeat_byte(0x77);
    let mut raws = Vec::with_capacity(per_sender * load.senders);
    for nonce in 0..per_sender {
        for (address, key) in &senders {
            let body = TxBody {
                chain_id,
                from: *address,
                nonce: nonce as u32,
                kind: TxKind::Transfer {
                    to: recipient,
                    amount: Amount::from_gwei(1),
                },
            };
            let signature = key.sign(&body.hash().elements);
            let tx = SignedTx {
                body,
                pubkey: key.public_key().to_bytes(),
                signature: signature.to_bytes(),
            };
            raws.push(format!("0x{}", alloy::hex::encode(tx.encode())));
        }
    }

    let mut process = SequencerProcess::spawn(&chain_dir, &root.path().join("db"))?;
    let addresses: Vec<String> = senders
        .iter()
        .map(|(address, _)| address.to_string())
        .collect();
    eprintln!("driving the sequencer at {}...", process.url);
    let run = drive(
        &process.url,
        "hf_sendTransaction",
        raws,
        &addresses,
        per_sender as u64,
        load,
    )
    .await;
    process.stop();
    run
}

async fn bench_anvil(load: &Load, per_sender: usize) -> Result<Run> {
    let binary = hyperforge_l1::anvil::find_anvil()
        .ok_or("no anvil: run `cargo xtask tools` or set HYPERFORGE_ANVIL")?;
    let anvil = Anvil::at(binary)
        .host("127.0.0.1")
        .port(0u16)
        .arg("--accounts")
        .arg(load.senders.to_string())
        // Interval mining at the sequencer's block time, with room for every transfer: with
        // automine (one block per transaction) anvil 1.7.1 stalls once thousands are queued.
        .args(["--block-time", "0.1", "--gas-limit", "10000000000"])
        .try_spawn()?;
    let url = anvil.endpoint();
    eprintln!("signing {} anvil transfers...", per_sender * load.senders);
    let keys: Vec<PrivateKeySigner> = anvil
        .keys()
        .iter()
        .take(load.senders)
        .map(|key| PrivateKeySigner::from(key.clone()))
        .collect();
    if keys.len() < load.senders {
        return Err(format!("anvil funded {} accounts, not {}", keys.len(), load.senders).into());
    }
    let recipient = EthAddress::repeat_byte(0x77);
    let wallets: Vec<EthereumWallet> = keys.iter().cloned().map(EthereumWallet::from).collect();
    let mut raws = Vec::with_capacity(per_sender * load.senders);
    for nonce in 0..per_sender {
        for (key, wallet) in keys.iter().zip(&wallets) {
            let request = TransactionRequest::default()
                .with_from(key.address())
                .with_to(recipient)
                .with_value(U256::from(1_000_000_000u64))
                .with_nonce(nonce as u64)
                .with_chain_id(anvil.chain_id())
                .with_gas_limit(21_000)
                .with_max_fee_per_gas(20_000_000_000)
                .with_max_priority_fee_per_gas(1_000_000_000);
            let envelope =
                <TransactionRequest as NetworkTransactionBuilder<Ethereum>>::build(request, wallet)
                    .await?;
            raws.push(format!("0x{}", alloy::hex::encode(envelope.encoded_2718())));
        }
    }
    let addresses: Vec<String> = keys.iter().map(|key| key.address().to_string()).collect();
    eprintln!("driving anvil at {url}...");
    drive(
        &url,
        "eth_sendRawTransaction",
        raws,
        &addresses,
        per_sender as u64,
        load,
    )
    .await
}

/// The real binary, as the bench's own build made it.
struct SequencerProcess {
    child: Child,
    url: String,
}

impl SequencerProcess {
    fn spawn(chain: &Path, data_dir: &Path) -> Result<Self> {
        let binary = std::env::var_os("HYPERFORGE_BENCH_SEQUENCER")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_hyperforge").into());
        let mut child = Command::new(binary)
            .args(["sequencer", "--chain"])
            .arg(chain)
            .arg("--data-dir")
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line
            .trim()
            .strip_prefix("rpc: ")
            .ok_or_else(|| format!("unexpected first line {line:?}"))?
            .to_owned();
        Ok(Self { child, url })
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for SequencerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
