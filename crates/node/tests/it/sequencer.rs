//! `hyperforge sequencer` and `hyperforge wallet`, run as a user runs them: separate
//! processes on loopback, a real data directory, `kill -9` at random moments.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy::primitives::B256;
use hyperforge_execution::test_utils::transfer;
use hyperforge_primitives::{ChainId, dev::ACCOUNTS};
use hyperforge_sequencer::{
    api::{BlockNumberOrTag, EthApiClient, HfApiClient},
    replay::replay,
};
use hyperforge_state::Store;
use jsonrpsee::http_client::HttpClient;

use crate::support::{SequencerProcess, hyperforge};

const ALICE_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/// A copy of `chains/alpha` in a temporary folder (the test must not write into the repo).
fn alpha_copy(root: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml");
    let dir = root.join("alpha");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(source, dir.join("chain.toml")).unwrap();
    dir
}

/// The chain's sequencer on a free port, from a temporary copy of the chain.
fn spawn_sequencer(chain: &Path, data_dir: &Path, block_time_ms: u32) -> SequencerProcess {
    let mut command = hyperforge(chain);
    command
        .args(["sequencer", "--chain"])
        .arg(chain)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
        .args(["--set", &format!("sequencer.block_time_ms={block_time_ms}")]);
    SequencerProcess::spawn(command)
}

#[test]
fn a_wallet_transfer_is_included_and_shows_in_the_balance() {
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let node = spawn_sequencer(&chain, &root.path().join("db"), 100);
    let addr = node.url.trim_start_matches("http://").to_owned();

    // --chain: the RPC address comes from the chain's configuration (plus --set here,
    // because the test's sequencer listens on a free port).
    let output = hyperforge(root.path())
        .args(["wallet", "transfer", "--chain"])
        .arg(&chain)
        .args(["--set", &format!("sequencer.rpc_addr={addr}")])
        .args(["--private-key", ALICE_KEY, "--to", BOB, "--amount", "1000"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("0x"), "{stdout}");
    assert!(stdout.contains("included in block"), "{stdout}");

    let output = hyperforge(root.path())
        .args(["wallet", "balance", "--rpc", &node.url, BOB])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("100.000001 ETH (100000001000 gwei)"),
        "{stdout}"
    );

    let output = hyperforge(root.path())
        .args([
            "wallet",
            "nonce",
            "--rpc",
            &node.url,
            &ACCOUNTS[0].address.to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "1");

    // A refusal is one line naming the problem: this transfer cannot be paid.
    let output = hyperforge(root.path())
        .args([
            "wallet",
            "transfer",
            "--rpc",
            &node.url,
            "--private-key",
            ALICE_KEY,
        ])
        .args(["--to", BOB, "--amount", "20000 ether", "--no-wait"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: the sequencer refused the transaction"),
        "{stderr}"
    );
    assert!(stderr.contains("insufficient balance"), "{stderr}");
    assert!(stderr.trim_end().ends_with("(code -32010)"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");

    // Without a key the wallet says plainly that anvil's public dev key signs.
    let output = hyperforge(root.path())
        .args(["wallet", "transfer", "--rpc", &node.url])
        .args(["--to", BOB, "--amount", "1", "--no-wait"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("signing with anvil's dev account 0")
            && stderr.contains("whose key is public"),
        "{stderr}"
    );

    assert!(node.terminate().success(), "SIGTERM is a clean exit");
}

/// Sends transfers from `from` until the sequencer stops answering; returns the hashes it
/// answered.
async fn stream_transfers(client: HttpClient, from: usize, chain: ChainId) -> Vec<B256> {
    let mut acked = Vec::new();
    let Ok(nonce) = client
        .get_transaction_count(
            ACCOUNTS[from].address.to_string(),
            Some(BlockNumberOrTag::Pending.into()),
        )
        .await
    else {
        return acked;
    };
    let mut nonce = u32::from_str_radix(nonce.trim_start_matches("0x"), 16).unwrap();
    loop {
        let tx = transfer(from, nonce, ACCOUNTS[9].address, 1, chain);
        let raw = format!("0x{}", alloy::hex::encode(tx.encode()));
        match client.send_transaction(raw).await {
            Ok(hash) => {
                acked.push(hash);
                nonce += 1;
            }
            Err(_) => return acked,
        }
    }
}

#[test]
fn killed_at_random_moments_it_loses_nothing_and_replays_to_the_same_root() {
    let root = tempfile::tempdir().unwrap();
    let chain = alpha_copy(root.path());
    let data_dir = root.path().join("db");
    let chain_id = ChainId::new(270).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let acked: Arc<Mutex<Vec<B256>>> = Arc::default();

    // Kill moments spread over a block's life (blocks every 30 ms), varied per run.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    for round in 0..5u64 {
        let node = spawn_sequencer(&chain, &data_dir, 30);
        let senders: Vec<_> = (0..3)
            .map(|from| runtime.spawn(stream_transfers(node.client(), from, chain_id)))
            .collect();
        let delay = 150 + (seed.wrapping_mul(round + 7).wrapping_add(round * 7919)) % 400;
        std::thread::sleep(Duration::from_millis(delay));
        node.kill();
        for sender in senders {
            let hashes = runtime.block_on(sender).unwrap();
            acked.lock().unwrap().extend(hashes);
        }
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 50,
        "only {} transfers were answered",
        acked.len()
    );
    eprintln!("{} transfers answered across 5 kills", acked.len());

    let node = spawn_sequencer(&chain, &data_dir, 30);
    let client = node.client();
    runtime.block_on(async {
        // Every answered transaction is pending or included; wait for all to be included.
        let started = Instant::now();
        for hash in &acked {
            loop {
                let receipt = client.get_transaction_receipt(*hash).await.unwrap();
                let receipt =
                    receipt.unwrap_or_else(|| panic!("answered transaction {hash} was lost"));
                if receipt.status == hyperforge_sequencer::api::ReceiptStatus::Included {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "{hash} stays pending"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        // No transaction twice, and every answered one in a block.
        let head = client.block_number().await.unwrap();
        let head = u64::from_str_radix(head.trim_start_matches("0x"), 16).unwrap();
        let mut blocks = Vec::new();
        let mut seen = HashSet::new();
        for number in 0..=head {
            let view = client
                .get_block(BlockNumberOrTag::Number(number).into())
                .await
                .unwrap()
                .unwrap();
            for slot in &view.transactions {
                assert!(seen.insert(slot.hash), "{} is in two blocks", slot.hash);
            }
            blocks.push(view.to_block().unwrap());
        }
        for hash in &acked {
            assert!(
                seen.contains(hash),
                "answered transaction {hash} is in no block"
            );
        }
        // The head's state root is what a replay of every block from genesis gives.
        let replayed = tempfile::tempdir().unwrap();
        let mut store = Store::open(replayed.path()).unwrap();
        let root = replay(&mut store, chain_id, &blocks).unwrap();
        assert_eq!(root, blocks.last().unwrap().header.state_root);
    });
    assert!(node.terminate().success());
}
