//! Cross-chain flows with the real binary: two sequencers (alpha, beta) following one bridge on
//! a real anvil. The bridge has the dev verifier, so the test settles batches itself with dev
//! proofs (the bridge still checks every root, queue and value flow; real proofs of the same
//! flow run in the devnet's `cross-chain` scenario). A message alpha -> beta is refused by
//! `wallet execute-message` with the stage it waits for until alpha's batch settles and beta
//! imports its root, then executes with that one command (the recipient's balance on beta
//! moves) and a second execution is refused; a withdrawal on beta is finalized on L1 by
//! `wallet finalize-withdrawal` once beta's batch settles (the L1 balance moves) and a second
//! finalize is refused; `hf_getBatch` shows the batches settled with the L1 transaction. Then
//! `hyperforge relayer` delivers a second message and pays a second withdrawal on its own. A
//! settlement whose new state root is not the one the sequencer sealed (the dev verifier lets
//! it through) stops the sequencer with an error naming both roots.

use std::{
    future::IntoFuture,
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
};

use alloy::{
    primitives::U256,
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use hyperforge_l1::{BridgeClient, anvil::spawn_anvil, dev_proof};
use hyperforge_primitives::{ChainId, block::ProofStatus, bridge::BatchPublicInputs};
use hyperforge_sequencer::api::HfApiClient;
use jsonrpsee::http_client::HttpClient;

use crate::support::{SequencerProcess as Sequencer, hyperforge, run, wait_for};

/// A free loopback port (bound and released: the sequencer binds it next).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A copy of `chains/<name>` under `root/chains`, its RPC on a free port and its L1 at `l1`.
fn chain_copy(root: &Path, name: &str, l1: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../chains")
        .join(name)
        .join("chain.toml");
    let dir = root.join("chains").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let text: String = std::fs::read_to_string(source)
        .unwrap()
        .lines()
        .map(|line| {
            if line.starts_with("rpc_addr = ") {
                format!("rpc_addr = \"127.0.0.1:{}\"", free_port())
            } else if line.starts_with("rpc_url = ") {
                format!("rpc_url = \"{l1}\"")
            } else {
                line.to_owned()
            }
        })
        .map(|line| line + "\n")
        .collect();
    std::fs::write(dir.join("chain.toml"), text).unwrap();
    dir
}

fn spawn_sequencer(root: &Path, name: &str) -> Sequencer {
    let mut command = hyperforge(root);
    command
        .args(["sequencer", "--chain", &format!("chains/{name}")])
        .args(["--set", "sequencer.block_time_ms=100"])
        .args(["--set", "sequencer.batch_blocks=1"])
        .args(["--set", "l1.poll_interval_ms=50"]);
    Sequencer::spawn(command)
}

/// A child process killed when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `command`, asserts it fails, and returns its stderr.
fn run_failing(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        !output.status.success(),
        "unexpected success: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

fn key_hex(signer: &PrivateKeySigner) -> String {
    format!("0x{}", alloy::hex::encode(signer.to_bytes()))
}

/// Batches `from..=to` of the chain behind `client`, as sealed.
fn sealed(
    runtime: &tokio::runtime::Runtime,
    client: &HttpClient,
    from: u64,
    to: u64,
) -> Vec<BatchPublicInputs> {
    (from..=to)
        .map(|number| {
            let batch = wait_for("the batch sealed", || {
                runtime.block_on(client.get_batch(number)).unwrap()
            });
            batch.public_inputs.to_inputs().unwrap()
        })
        .collect()
}

/// The batch holding block `block` of the chain behind `client`.
fn batch_of(runtime: &tokio::runtime::Runtime, client: &HttpClient, block: u64) -> u64 {
    let mut number = 1;
    loop {
        let batch = wait_for("the batch sealed", || {
            runtime.block_on(client.get_batch(number)).unwrap()
        });
        if batch.last_block >= block {
            return number;
        }
        number += 1;
    }
}

/// The hash `wallet send-message|withdraw` printed, and the block it was included in.
fn sent(stdout: &str) -> (alloy::primitives::B256, u64) {
    let mut lines = stdout.lines();
    let hash = lines.next().unwrap().trim().parse().unwrap();
    let block = lines
        .find_map(|line| line.strip_prefix("included in block "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (hash, block)
}

#[test]
fn a_message_executes_on_beta_and_a_withdrawal_is_paid_on_l1_each_once() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let l1 = anvil.endpoint_url().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let alpha_dir = chain_copy(root, "alpha", &l1);
    chain_copy(root, "beta", &l1);

    run(hyperforge(root).args(["l1", "deploy", "--l1", &l1, "--verifier", "dev"]));
    for name in ["alpha", "beta"] {
        run(hyperforge(root).args(["l1", "register", "--chain", &format!("chains/{name}")]));
    }
    let bridge = hyperforge_config::ChainConfigLoader::new(&alpha_dir)
        .with_env(false)
        .load()
        .unwrap()
        .l1
        .bridge
        .unwrap();
    let operator =
        BridgeClient::connect(anvil.endpoint_url(), anvil.keys()[0].clone().into(), bridge);
    let alpha = spawn_sequencer(root, "alpha");
    let beta = spawn_sequencer(root, "beta");
    let (alpha_client, beta_client) = (alpha.client(), beta.client());

    // Dev account 1 sends 1,000 gwei from alpha to a fresh account on beta.
    let sender = PrivateKeySigner::from(anvil.keys()[1].clone());
    let executor = PrivateKeySigner::from(anvil.keys()[2].clone());
    let payer = PrivateKeySigner::from(anvil.keys()[3].clone());
    let recipient = PrivateKeySigner::random().address();
    let stdout = run(hyperforge(root)
        .args(["wallet", "send-message", "--chain", "chains/alpha"])
        .args(["--private-key", &key_hex(&sender), "--dst-chain", "271"])
        .args(["--amount", "1000", "--to", &recipient.to_checksum(None)]));
    let (message, block) = sent(&stdout);
    let execute = |wait: &str| {
        let mut command = hyperforge(root);
        command
            .args(["wallet", "execute-message", "--chain", "chains/beta"])
            .args(["--private-key", &key_hex(&executor), "--wait", wait])
            .args(["--message", &message.to_string()]);
        command
    };

    // Not settled yet: refused, naming the stage.
    let batch = batch_of(&runtime, &alpha_client, block);
    let refused = run_failing(&mut execute("0"));
    assert!(
        refused.contains("not executable yet")
            && refused.contains(&format!("batch {batch} of alpha"))
            && refused.contains("settled on L1"),
        "{refused}"
    );
    let proof = runtime
        .block_on(alpha_client.get_message_proof(message))
        .unwrap()
        .unwrap();
    assert_eq!(proof.batch_number, Some(batch));
    assert!(proof.settlement.is_none() && proof.message_root_index.is_none());
    assert_eq!(proof.message.as_ref().unwrap().value_gwei, "1000");
    // A message is not a withdrawal.
    let wrong = runtime
        .block_on(alpha_client.get_withdrawal_proof(message))
        .unwrap_err()
        .to_string();
    assert!(wrong.contains("hf_getMessageProof"), "{wrong}");

    // Alpha's batches up to the message's settle; alpha's follower marks them settled.
    let batches = sealed(&runtime, &alpha_client, 1, batch);
    let settled = runtime
        .block_on(operator.settle(&batches, dev_proof(&batches, b"")))
        .unwrap();
    let alpha_settled = batch;
    let view = wait_for("alpha sees its batch settled", || {
        runtime
            .block_on(alpha_client.get_batch(batch))
            .unwrap()
            .filter(|view| view.settlement.is_some())
    });
    assert_eq!(view.proving, "settled");
    assert_eq!(view.proof_status, ProofStatus::Settled);
    let settlement = view.settlement.unwrap();
    assert_eq!(settlement.l1_transaction, settled.hash);
    assert_eq!(settlement.l1_block, settled.block_number);

    // One command: it waits for beta to import the root, then executes.
    let stdout = run(&mut execute("60"));
    assert!(stdout.contains("executing message"), "{stdout}");
    let balance = runtime
        .block_on(beta_client.get_account(recipient.to_string()))
        .unwrap()
        .expect("the message opened the recipient's account on beta");
    assert_eq!(balance.balance_gwei, "1000");
    let again = run_failing(&mut execute("0"));
    assert!(again.contains("executed on beta already"), "{again}");

    // A withdrawal on beta to a fresh L1 account, paid once beta's batches settle.
    let l1_recipient = PrivateKeySigner::random().address();
    let stdout = run(hyperforge(root)
        .args(["wallet", "withdraw", "--chain", "chains/beta"])
        .args(["--private-key", &key_hex(&executor), "--amount", "500"])
        .args(["--to", &l1_recipient.to_checksum(None)]));
    let (withdrawal, block) = sent(&stdout);
    let finalize = |wait: &str| {
        let mut command = hyperforge(root);
        command
            .args(["wallet", "finalize-withdrawal", "--chain", "chains/beta"])
            .args(["--tx", &withdrawal.to_string(), "--wait", wait])
            // Not the operator's account: its client keeps its own nonce.
            .args(["--private-key", &key_hex(&payer)]);
        command
    };
    let refused = run_failing(&mut finalize("0"));
    assert!(
        refused.contains("not finalizable yet") && refused.contains("settled on L1"),
        "{refused}"
    );
    let batch = batch_of(&runtime, &beta_client, block);
    let batches = sealed(&runtime, &beta_client, 1, batch);
    runtime
        .block_on(operator.settle(&batches, dev_proof(&batches, b"")))
        .unwrap();
    let stdout = run(&mut finalize("60"));
    assert!(
        stdout.starts_with("finalized: 500 gwei paid to"),
        "{stdout}"
    );
    let provider = ProviderBuilder::new().connect_http(anvil.endpoint_url());
    let paid = runtime
        .block_on(provider.get_balance(l1_recipient).into_future())
        .unwrap();
    assert_eq!(paid, U256::from(500_000_000_000u64));
    let again = run_failing(&mut finalize("0"));
    assert!(again.contains("WithdrawalAlreadyFinalized"), "{again}");
    let chain = runtime
        .block_on(operator.chain(ChainId::new(271).unwrap()))
        .unwrap()
        .unwrap();
    assert_eq!(chain.batch_number, batch);
    let beta_settled = batch;

    // The relayer delivers the next message and withdrawal with no wallet step.
    let relayer = KillOnDrop(
        hyperforge(root)
            .args(["relayer", "--chains", "chains/alpha,chains/beta"])
            .args(["--finalize-withdrawals", "--poll-interval-ms", "100"])
            .env("RUST_LOG", "warn")
            .spawn()
            .unwrap(),
    );
    let stdout = run(hyperforge(root)
        .args(["wallet", "send-message", "--chain", "chains/alpha"])
        .args(["--private-key", &key_hex(&sender), "--dst-chain", "271"])
        .args(["--amount", "250", "--to", &recipient.to_checksum(None)]));
    let (_, block) = sent(&stdout);
    let batch = batch_of(&runtime, &alpha_client, block);
    let batches = sealed(&runtime, &alpha_client, alpha_settled + 1, batch);
    runtime
        .block_on(operator.settle(&batches, dev_proof(&batches, b"")))
        .unwrap();
    wait_for("the relayer executed the second message on beta", || {
        let account = runtime
            .block_on(beta_client.get_account(recipient.to_string()))
            .unwrap()?;
        (account.balance_gwei == "1250").then_some(())
    });
    let stdout = run(hyperforge(root)
        .args(["wallet", "withdraw", "--chain", "chains/beta"])
        .args(["--private-key", &key_hex(&executor), "--amount", "70"])
        .args(["--to", &l1_recipient.to_checksum(None)]));
    let (_, block) = sent(&stdout);
    let batch = batch_of(&runtime, &beta_client, block);
    let batches = sealed(&runtime, &beta_client, beta_settled + 1, batch);
    runtime
        .block_on(operator.settle(&batches, dev_proof(&batches, b"")))
        .unwrap();
    wait_for("the relayer paid the second withdrawal on L1", || {
        let paid = runtime
            .block_on(provider.get_balance(l1_recipient).into_future())
            .unwrap();
        (paid == U256::from(570_000_000_000u64)).then_some(())
    });
    drop(relayer);

    assert!(alpha.terminate().success());
    assert!(beta.terminate().success());
}

#[test]
fn a_settlement_with_a_root_the_sequencer_never_sealed_stops_it_naming_both() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let l1 = anvil.endpoint_url().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let alpha_dir = chain_copy(root, "alpha", &l1);
    run(hyperforge(root).args(["l1", "deploy", "--l1", &l1, "--verifier", "dev"]));
    run(hyperforge(root).args(["l1", "register", "--chain", "chains/alpha"]));
    let config = hyperforge_config::ChainConfigLoader::new(&alpha_dir)
        .with_env(false)
        .load()
        .unwrap();
    let bridge = config.l1.bridge.unwrap();
    let operator =
        BridgeClient::connect(anvil.endpoint_url(), anvil.keys()[0].clone().into(), bridge);
    let child = hyperforge(root)
        .args(["sequencer", "--chain", "chains/alpha"])
        .args(["--set", "sequencer.block_time_ms=100"])
        .args(["--set", "sequencer.batch_blocks=1"])
        .args(["--set", "l1.poll_interval_ms=50"])
        // Errors only: stderr is read once the node has stopped.
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Killed when dropped, should the test fail first.
    let mut alpha = Sequencer {
        child,
        url: format!("http://{}", config.sequencer.rpc_addr),
    };
    wait_for("alpha answers", || {
        runtime
            .block_on(hyperforge_sequencer::api::EthApiClient::block_number(
                &alpha.client(),
            ))
            .ok()
    });
    let sender = PrivateKeySigner::from(anvil.keys()[1].clone());
    let stdout = run(hyperforge(root)
        .args(["wallet", "transfer", "--chain", "chains/alpha"])
        .args(["--private-key", &key_hex(&sender), "--amount", "5"])
        .args([
            "--to",
            &PrivateKeySigner::random().address().to_checksum(None),
        ]));
    let (_, block) = sent(&stdout);
    let batch = batch_of(&runtime, &alpha.client(), block);
    let mut batches = sealed(&runtime, &alpha.client(), 1, batch);
    // The dev verifier binds the public inputs but checks no proof: the bridge accepts a last
    // batch whose new state root is a lie, and alpha's follower must not follow it.
    let sealed_root = batches.last().unwrap().new_state_root;
    let lie = hyperforge_primitives::bridge::hash_no_pad(&sealed_root.elements);
    batches.last_mut().unwrap().new_state_root = lie;
    runtime
        .block_on(operator.settle(&batches, dev_proof(&batches, b"")))
        .unwrap();
    let status = wait_for("alpha stops", || alpha.child.try_wait().unwrap());
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut alpha.child.stderr.take().unwrap(), &mut stderr).unwrap();
    let (lie, sealed_root) = (
        hyperforge_primitives::bridge::digest_to_b256(&lie).to_string(),
        hyperforge_primitives::bridge::digest_to_b256(&sealed_root).to_string(),
    );
    assert!(
        stderr.contains(&format!(
            "the bridge settled batch {batch} with new state root {lie}"
        )) && stderr.contains(&sealed_root),
        "{stderr}"
    );
}
