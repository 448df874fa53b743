//! The L1 follower on a real anvil, behind a proxy that fails every third `eth_getLogs` and
//! adds to every answer holding a deposit the logs a node may send: a pending copy without a
//! block number, a log that decodes but carries chain id 0, one with an unknown topic, a
//! removed one and the deposit again. Every deposit is applied once, and the follower keeps
//! following.

use std::time::{Duration, Instant};

use alloy::{primitives::Address, signers::local::PrivateKeySigner, sol_types::SolEvent};
use hyperforge_l1::{BridgeClient, anvil::spawn_anvil, bindings::Bridge::DepositQueued};
use hyperforge_primitives::Amount;
use hyperforge_sequencer::{
    api::HfApiClient,
    genesis::{genesis_backing, genesis_root},
};
use jsonrpsee::http_client::HttpClient;
use serde_json::Value;

use hyperforge_l1::test_utils::{Answer, GetLogs, Proxy, quantity, to_quantity};

use crate::common::{config, data_dir, start};

/// The L2 balance of `address` in gwei (0 without an account).
async fn balance(client: &HttpClient, address: Address) -> u64 {
    client
        .get_account(address.to_string())
        .await
        .unwrap()
        .map_or(0, |account| account.balance_gwei.parse().unwrap())
}

async fn wait_for_balance(client: &HttpClient, address: Address, gwei: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = balance(client, address).await;
        if now == gwei {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the deposits did not arrive: {now} gwei, expected {gwei}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The odd logs a node may add next to `deposit`.
fn odd_copies(deposit: &Value) -> Vec<Value> {
    let index = quantity(&deposit["logIndex"]);
    let at = |offset: u64| {
        let mut log = deposit.clone();
        log["logIndex"] = to_quantity(index + offset);
        log
    };
    let mut pending = deposit.clone();
    for field in ["blockNumber", "logIndex", "blockHash", "transactionIndex"] {
        pending[field] = Value::Null;
    }
    let mut chain_zero = at(100);
    chain_zero["topics"][1] = Value::String(format!("{:#066x}", 0));
    let mut unknown = at(101);
    unknown["topics"][0] = Value::String(format!("{:#066x}", 0x5eed));
    let mut removed = at(102);
    removed["removed"] = Value::Bool(true);
    vec![pending, chain_zero, unknown, removed, deposit.clone()]
}

#[tokio::test]
async fn deposits_apply_once_whatever_logs_l1_sends_along() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let operator = BridgeClient::deploy(anvil.endpoint_url(), signer, None)
        .await
        .unwrap();
    let topic = DepositQueued::SIGNATURE_HASH.to_string();
    let mut calls = 0;
    let proxy = Proxy::start(&anvil.endpoint_url(), move |call: GetLogs<'_>| {
        calls += 1;
        if calls % 3 == 0 {
            return Answer::Fail("injected failure");
        }
        // Right after each deposit, where a node would answer them.
        let logs = std::mem::take(call.logs);
        for log in logs {
            let odd = (log["topics"][0] == Value::String(topic.clone())).then(|| odd_copies(&log));
            call.logs.push(log);
            call.logs.extend(odd.into_iter().flatten());
        }
        Answer::Logs
    })
    .await;

    let bridge = operator.address().to_string();
    let rpc_url = format!("l1.rpc_url={}", proxy.url);
    let bridge = format!("l1.bridge={bridge}");
    let config = config(&[
        &bridge,
        &rpc_url,
        "l1.confirmations=0",
        "l1.poll_interval_ms=20",
    ]);
    let chain_id = config.chain.chain_id;
    operator
        .register_chain(
            chain_id,
            genesis_root(&config).unwrap(),
            operator.sender(),
            genesis_backing(&config).unwrap(),
        )
        .await
        .unwrap();

    let root = tempfile::tempdir().unwrap();
    let mut node = start(config, &data_dir(&root)).await;
    let recipient = Address::repeat_byte(0x42);
    operator
        .deposit(chain_id, recipient, Amount::from_gwei(5_000))
        .await
        .unwrap();
    wait_for_balance(&node.client, recipient, 5_000).await;
    // A later deposit still arrives: nothing in the first answer held the follower.
    operator
        .deposit(chain_id, recipient, Amount::from_gwei(7_000))
        .await
        .unwrap();
    wait_for_balance(&node.client, recipient, 12_000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(balance(&node.client, recipient).await, 12_000);
    let failed = tokio::time::timeout(Duration::from_millis(10), node.handle.failed()).await;
    assert!(failed.is_err(), "the sequencer stopped: {failed:?}");
    node.handle.shutdown().await.unwrap();
}
