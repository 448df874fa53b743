//! The sequencer follows the L1 bridge, end to end with the real binary and a real anvil: a
//! fresh Ethereum account registers its L2 key and deposits through `hyperforge wallet` on
//! L1, the sequencer applies both (once, across `kill -9`s while an operation is queued on
//! L1 and while it is stored but not yet applied), the account then transfers on L2, every
//! batch's priority count and commitments are the bridge's own, the bridge accepts every batch
//! in a settlement, and the sequencer imports the message root (outbox root) of its batch with
//! a withdrawal from the bridge's queue. A bridge that registered another genesis root stops
//! the sequencer.

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::U256,
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use hyperforge_config::{ChainConfigLoader, Overrides};
use hyperforge_l1::{BridgeClient, anvil::spawn_anvil, dev_proof};
use hyperforge_primitives::{
    ChainId,
    block::Slot,
    bridge::{ZERO_DIGEST, digest_to_b256, empty_outbox_root},
    parse_address,
};
use hyperforge_sequencer::{
    api::{BlockNumberOrTag, EthApiClient, HfApiClient},
    genesis::genesis_root,
    replay::replay,
};
use hyperforge_state::Store;

use crate::support::{SequencerProcess as Sequencer, hyperforge, run, wait_for};

const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const GWEI_PER_ETHER: u64 = 1_000_000_000;

/// The chain's sequencer on a free port, following the L1 at `l1` with no confirmations.
fn spawn_sequencer(root: &Path, data_dir: &Path, l1: &str, block_time_ms: u64) -> Sequencer {
    let mut command = hyperforge(root);
    command
        .args(["sequencer", "--chain", "chains/alpha", "--data-dir"])
        .arg(data_dir)
        .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
        .args(["--set", &format!("sequencer.block_time_ms={block_time_ms}")])
        .args(["--set", "sequencer.batch_blocks=1"])
        // One block per batch: no timeout needed (and none could be below the slow runs'
        // block time).
        .args(["--set", "sequencer.batch_timeout_ms=0"])
        .args(["--set", &format!("l1.rpc_url={l1}")])
        .args(["--set", "l1.confirmations=0"])
        .args(["--set", "l1.poll_interval_ms=50"]);
    Sequencer::spawn(command)
}

/// `hyperforge wallet balance` in gwei (0 without an account).
fn l2_balance(root: &Path, node: &Sequencer, address: &str) -> u64 {
    let stdout = run(hyperforge(root).args(["wallet", "balance", "--rpc", &node.url, address]));
    match stdout.split_once(" gwei)") {
        Some((before, _)) => before.rsplit('(').next().unwrap().parse().unwrap(),
        None => {
            assert!(stdout.starts_with("0 ETH (no account"), "{stdout}");
            0
        }
    }
}

#[test]
fn deposits_and_key_registrations_from_l1_apply_once_and_the_account_transfers() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let l1 = anvil.endpoint_url().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let chain_dir = root.join("chains/alpha");
    std::fs::create_dir_all(&chain_dir).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml"),
        chain_dir.join("chain.toml"),
    )
    .unwrap();
    let data_dir: PathBuf = root.join("db");
    let rpc = format!("l1.rpc_url={l1}");
    let chain_id = ChainId::new(270).unwrap();

    // The bridge, and alpha registered on it with the genesis root its sequencer computes.
    run(hyperforge(root).args(["l1", "deploy", "--l1", &l1, "--verifier", "dev"]));
    let registered =
        run(hyperforge(root).args(["l1", "register", "--chain", "chains/alpha", "--set", &rpc]));
    let config = ChainConfigLoader::new(&chain_dir)
        .with_env(false)
        .with_overrides(Overrides::new())
        .load()
        .unwrap();
    let bridge = config.l1.bridge.expect("l1 register wrote the bridge");
    let genesis = genesis_root(&config).unwrap();
    assert_ne!(genesis, ZERO_DIGEST);
    assert!(
        registered.contains(&digest_to_b256(&genesis).to_string()),
        "{registered}"
    );
    let operator =
        BridgeClient::connect(anvil.endpoint_url(), anvil.keys()[0].clone().into(), bridge);
    let on_l1 = runtime.block_on(operator.chain(chain_id)).unwrap().unwrap();
    assert_eq!(on_l1.state_root, genesis);

    // A fresh Ethereum account, funded on L1 by a plain transfer from anvil's account 0.
    let fresh = PrivateKeySigner::random();
    let fresh_address = fresh.address().to_checksum(None);
    let fresh_key = format!("0x{}", alloy::hex::encode(fresh.to_bytes()));
    runtime.block_on(async {
        let funder = PrivateKeySigner::from(anvil.keys()[0].clone());
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(funder))
            .connect_http(anvil.endpoint_url());
        let request = TransactionRequest::default()
            .with_to(fresh.address())
            .with_value(U256::from(10u64) * U256::from(10u64).pow(U256::from(18u64)));
        let receipt = provider
            .send_transaction(request)
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        assert!(receipt.status());
    });
    let wallet_l1 = |command: &str, extra: &[&str]| {
        run(hyperforge(root)
            .args(["wallet", command, "--chain", "chains/alpha", "--set", &rpc])
            .args(["--private-key", &fresh_key])
            .args(extra));
    };

    // 1. The key registration is queued and applied while the sequencer runs.
    let node = spawn_sequencer(root, &data_dir, &l1, 100);
    wallet_l1("register-key", &[]);
    let client = node.client();
    wait_for("the key registration applied on L2", || {
        runtime
            .block_on(client.get_account(fresh_address.clone()))
            .unwrap()
            .filter(|account| account.pubkey_hash.is_some())
    });

    // 2. kill -9, then a deposit queued on L1 while the sequencer is down.
    node.kill();
    wallet_l1("deposit", &["--amount", "1 ether"]);

    // 3. Restarted with blocks far apart: the follower stores the deposit, no block applies
    //    it yet; kill -9 again in that state.
    let node = spawn_sequencer(root, &data_dir, &l1, 600_000);
    wait_for("the deposit stored by the L1 follower", || {
        (node.metric("l1_priority_stored") == Some(2)).then_some(())
    });
    assert_eq!(node.metric("l1_priority_applied"), Some(1));
    node.kill();

    // 4. Restarted with fast blocks: applied, once.
    let node = spawn_sequencer(root, &data_dir, &l1, 100);
    wait_for("the deposit credited on L2", || {
        (l2_balance(root, &node, &fresh_address) > 0).then_some(())
    });
    assert_eq!(l2_balance(root, &node, &fresh_address), GWEI_PER_ETHER);

    // 5. A deposit while it runs: the time from the mined L1 transaction to the balance.
    let sent = Instant::now();
    wallet_l1("deposit", &["--amount", "0.5 ether"]);
    let mined = sent.elapsed();
    wait_for("the second deposit credited on L2", || {
        (l2_balance(root, &node, &fresh_address) > GWEI_PER_ETHER).then_some(())
    });
    let credited = sent.elapsed();
    eprintln!(
        "deposit: `wallet deposit` returned (L1 transaction mined) after {mined:?}, credited on L2 after {credited:?} (blocks 100 ms, L1 polled every 50 ms, 0 confirmations)"
    );
    assert_eq!(
        l2_balance(root, &node, &fresh_address),
        3 * GWEI_PER_ETHER / 2
    );

    // 6. The fresh account transfers on L2 with the key it registered on L1.
    let stdout = run(hyperforge(root)
        .args(["wallet", "transfer", "--rpc", &node.url])
        .args([
            "--private-key",
            &fresh_key,
            "--to",
            BOB,
            "--amount",
            "0.25 ether",
        ]));
    assert!(stdout.contains("included in block"), "{stdout}");
    assert_eq!(
        l2_balance(root, &node, &fresh_address),
        5 * GWEI_PER_ETHER / 4
    );
    // ... and withdraws, so that a batch has an outbox for the bridge's message root queue.
    let stdout = run(hyperforge(root)
        .args(["wallet", "withdraw", "--rpc", &node.url])
        .args(["--private-key", &fresh_key, "--amount", "0.25 ether"]));
    assert!(stdout.contains("included in block"), "{stdout}");

    // 7. Every block: the three L1 operations once each; every batch (one per block): its
    //    priority count and both commitments are the bridge's.
    let client = node.client();
    runtime.block_on(async {
        let head = client.block_number().await.unwrap();
        let head = u64::from_str_radix(head.trim_start_matches("0x"), 16).unwrap();
        let mut blocks = Vec::new();
        for number in 0..=head {
            let view = client
                .get_block(BlockNumberOrTag::Number(number).into())
                .await
                .unwrap()
                .unwrap();
            blocks.push(view.to_block().unwrap());
        }
        let l1_ops: Vec<_> = blocks[1..]
            .iter()
            .flat_map(|block| &block.slots)
            .filter_map(|slot| match slot {
                Slot::Priority(op) => Some(op.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(l1_ops.len(), 3, "{l1_ops:?}");

        let queued = operator.chain(chain_id).await.unwrap().unwrap();
        assert_eq!(queued.priority_length, 3);
        let mut consumed = 0;
        let mut settle = Vec::new();
        for number in 1..=head {
            let batch = client
                .get_batch(number)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("batch {number} is sealed"));
            let inputs = batch.public_inputs;
            let before = operator
                .priority_commitment(chain_id, consumed)
                .await
                .unwrap();
            consumed += inputs.priority_ops_count;
            let after = operator
                .priority_commitment(chain_id, consumed)
                .await
                .unwrap();
            assert_eq!(
                (
                    inputs.priority_commitment_before,
                    inputs.priority_commitment_after
                ),
                (digest_to_b256(&before), digest_to_b256(&after)),
                "batch {number}"
            );
            assert_eq!(inputs.imports_count, 0, "nothing settled yet");
            settle.push(inputs.to_inputs().unwrap());
        }
        assert_eq!(consumed, 3);

        // The bridge accepts every batch (roots chain from the registered genesis root, the
        // priority commitments are its queue's), and appends the one non-empty outbox root to
        // its message root queue; the chain imports it in a block of its own.
        operator
            .settle(&settle, dev_proof(&settle, b""))
            .await
            .unwrap();
        let settled = operator.chain(chain_id).await.unwrap().unwrap();
        assert_eq!((settled.batch_number, settled.priority_head), (head, 3));
        assert_eq!(settled.state_root, blocks.last().unwrap().header.state_root);
        let outboxes: Vec<_> = settle
            .iter()
            .map(|batch| batch.outbox_root)
            .filter(|root| *root != empty_outbox_root())
            .collect();
        assert_eq!(outboxes.len(), 1, "one batch withdrew");
        assert_eq!(operator.message_root_count().await.unwrap(), 1);
        let mut polls = 0;
        let imported = loop {
            polls += 1;
            assert!(polls < 3_600, "the message root was never imported");
            let latest = client
                .get_block(BlockNumberOrTag::Latest.into())
                .await
                .unwrap()
                .unwrap()
                .to_block()
                .unwrap();
            if latest.imports().any(|root| *root == outboxes[0]) {
                break latest;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(imported.header.number > head);
        for number in head + 1..=imported.header.number {
            let view = client
                .get_block(BlockNumberOrTag::Number(number).into())
                .await
                .unwrap()
                .unwrap();
            blocks.push(view.to_block().unwrap());
        }

        // Replaying the blocks on a fresh store gives the head's root.
        let replayed = tempfile::tempdir().unwrap();
        let mut store = Store::open(replayed.path()).unwrap();
        let root = replay(&mut store, chain_id, &blocks).unwrap();
        assert_eq!(root, blocks.last().unwrap().header.state_root);
        assert_eq!(store.head().priority_applied, 3);
    });
    assert_eq!(parse_address(&fresh_address).unwrap(), fresh.address());
    assert!(node.terminate().success(), "SIGTERM is a clean exit");
}

#[test]
fn a_bridge_registration_with_another_genesis_root_stops_the_sequencer() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let l1 = anvil.endpoint_url().to_string();
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    std::fs::create_dir_all(root.join("chains/alpha")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml"),
        root.join("chains/alpha/chain.toml"),
    )
    .unwrap();
    run(hyperforge(root).args(["l1", "deploy", "--l1", &l1, "--verifier", "dev"]));
    let wrong = format!("0x{}1", "0".repeat(63));
    run(hyperforge(root)
        .args(["l1", "register", "--chain", "chains/alpha"])
        .args([
            "--set",
            &format!("l1.rpc_url={l1}"),
            "--genesis-root",
            &wrong,
        ]));

    let child = hyperforge(root)
        .args(["sequencer", "--chain", "chains/alpha", "--data-dir"])
        .arg(root.join("db"))
        .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
        .args(["--set", &format!("l1.rpc_url={l1}")])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Killed when dropped, should the test fail first.
    let mut node = Sequencer {
        child,
        url: String::new(),
    };
    let status = wait_for("the sequencer exits", || node.child.try_wait().unwrap());
    let mut stderr = String::new();
    node.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!status.success());
    assert!(
        stderr.contains(&format!(
            "the bridge registered this chain with genesis root {wrong}"
        )),
        "{stderr}"
    );
}

/// alpha's chain.toml with a single genesis account (dev account 0) holding `gwei`.
fn single_account_chain(root: &Path, gwei: u64) -> PathBuf {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml"),
    )
    .unwrap();
    let (head, accounts) = original.split_once("accounts = [").unwrap();
    let first = accounts
        .lines()
        .find(|line| line.contains("address"))
        .unwrap()
        .replace(
            "balance = \"100 ether\"",
            &format!("balance = \"{gwei} gwei\""),
        );
    let dir = root.join("chains/alpha");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("chain.toml"),
        format!("{head}accounts = [\n{first}\n]\n"),
    )
    .unwrap();
    dir
}

#[test]
fn a_deposit_that_cannot_apply_on_l2_is_consumed_as_failed_and_refunded_on_l1() {
    // `l1 register` backs the genesis on L1, which keeps every L2 balance below 2^64 gwei; a
    // chain registered without backing can still overflow one, so the protocol must not halt.
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let l1 = anvil.endpoint_url().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let rich = parse_address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").unwrap();
    let chain_dir = single_account_chain(root, u64::MAX - 5);
    let config = ChainConfigLoader::new(&chain_dir)
        .with_env(false)
        .with_overrides(Overrides::new())
        .load()
        .unwrap();
    assert_eq!(config.genesis.accounts[0].address, rich);
    let chain_id = config.chain.chain_id;
    run(hyperforge(root).args(["l1", "deploy", "--l1", &l1, "--verifier", "dev"]));
    let ecosystem: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("ecosystem.toml")).unwrap()).unwrap();
    let bridge = parse_address(ecosystem["l1"]["bridge"].as_str().unwrap()).unwrap();
    let operator =
        BridgeClient::connect(anvil.endpoint_url(), anvil.keys()[0].clone().into(), bridge);
    runtime
        .block_on(operator.register_chain(
            chain_id,
            genesis_root(&config).unwrap(),
            operator.sender(),
            hyperforge_primitives::Amount::ZERO,
        ))
        .unwrap();

    let bridge_flag = format!("l1.bridge={bridge}");
    let mut command = hyperforge(root);
    command
        .args(["sequencer", "--chain", "chains/alpha", "--data-dir"])
        .arg(root.join("db"))
        .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
        .args(["--set", "sequencer.block_time_ms=100"])
        .args(["--set", "sequencer.batch_blocks=1"])
        .args(["--set", &format!("l1.rpc_url={l1}")])
        .args(["--set", &bridge_flag])
        .args(["--set", "l1.confirmations=0"])
        .args(["--set", "l1.poll_interval_ms=50"]);
    let node = Sequencer::spawn(command);
    let client = node.client();

    // Dev account 1 deposits 10 gwei to the account that already holds 2^64 - 6.
    let depositor = PrivateKeySigner::from(anvil.keys()[1].clone());
    let depositor_key = format!("0x{}", alloy::hex::encode(depositor.to_bytes()));
    // Twice, identically: two queue indices, two receipts.
    for index in 0..2 {
        let deposited = run(hyperforge(root)
            .args(["wallet", "deposit", "--chain", "chains/alpha"])
            .args(["--set", &format!("l1.rpc_url={l1}"), "--set", &bridge_flag])
            .args(["--private-key", &depositor_key, "--amount", "10", "--to"])
            .arg(rich.to_checksum(None)));
        assert!(
            deposited.contains(&format!("queue index {index}")),
            "{deposited}"
        );
    }
    wait_for("both deposits consumed on L2", || {
        runtime.block_on(client.get_priority_receipt(1)).unwrap()
    });
    for index in ["0", "1"] {
        let shown = run(hyperforge(root).args([
            "wallet",
            "receipt",
            "--rpc",
            &node.url,
            "--priority",
            index,
        ]));
        assert!(
            shown.starts_with(&format!("L1 priority operation {index}: failed in block"))
                && shown.contains("past 2^64 - 1 gwei"),
            "{shown}"
        );
    }
    let receipt = runtime
        .block_on(client.get_priority_receipt(0))
        .unwrap()
        .unwrap();
    assert_eq!(
        receipt.status,
        hyperforge_sequencer::api::ReceiptStatus::Failed,
        "{receipt:?}"
    );
    assert!(
        receipt
            .error
            .as_deref()
            .unwrap()
            .contains("past 2^64 - 1 gwei"),
        "{receipt:?}"
    );
    let block = receipt.block_number.unwrap();
    // The chain goes on: the account kept its balance, and later blocks are produced.
    let account = runtime
        .block_on(client.get_account(rich.to_string()))
        .unwrap()
        .unwrap();
    assert_eq!(account.balance_gwei, (u64::MAX - 5).to_string());

    // Settle every batch up to the deposit's (one block each), then claim the refund.
    let batches: Vec<_> = (1..=block)
        .map(|number| {
            let batch = wait_for("the batch sealed", || {
                runtime.block_on(client.get_batch(number)).unwrap()
            });
            batch.public_inputs.to_inputs().unwrap()
        })
        .collect();
    runtime
        .block_on(operator.settle(&batches, dev_proof(&batches, b"")))
        .unwrap();
    let proof = runtime
        .block_on(client.get_outbox_proof(block, receipt.outbox_index.unwrap()))
        .unwrap()
        .expect("the refund is in the batch's outbox");
    let before = runtime
        .block_on(operator.balance_of(depositor.address()))
        .unwrap();
    let claim = hyperforge_l1::WithdrawalClaim {
        l2_sender: rich,
        l1_recipient: depositor.address(),
        amount: hyperforge_primitives::Amount::from_gwei(10),
    };
    let path = hyperforge_primitives::bridge::MerkleProof {
        index: u64::from(proof.leaf_index),
        siblings: proof
            .siblings
            .iter()
            .map(|sibling| hyperforge_primitives::bridge::digest_from_b256(sibling).unwrap())
            .collect(),
    };
    runtime
        .block_on(operator.finalize_withdrawal(chain_id, block, &claim, &path))
        .unwrap();
    let after = runtime
        .block_on(operator.balance_of(depositor.address()))
        .unwrap();
    assert_eq!(
        after - before,
        U256::from(10_000_000_000u64),
        "10 gwei refunded"
    );
    let chain = runtime.block_on(operator.chain(chain_id)).unwrap().unwrap();
    assert_eq!(
        chain.balance,
        hyperforge_primitives::Amount::from_gwei(10),
        "the second refund is still claimable"
    );
    assert!(node.terminate().success());
}
