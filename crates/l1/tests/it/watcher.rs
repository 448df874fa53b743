//! The watcher waits for its confirmation depth before it reports an event, and delivers
//! each event once whatever L1 answers: failed requests, logs answered twice, logs that do not
//! decode, removed (reorganised) logs, pending logs without a block number, ranges the node
//! refuses. The odd answers come from a proxy in front of anvil ([`crate::proxy`]).

use std::time::Duration;

use alloy::{
    providers::{Provider, ext::AnvilApi},
    rpc::types::Filter,
    sol_types::SolEvent,
};
use hyperforge_l1::{L1Event, L1Watcher, WatcherConfig, bindings::Bridge::ChainRegistered};
use serde_json::Value;

use crate::{
    harness::{ALPHA, BETA, Harness, chain},
    proxy::{Answer, Captured, GetLogs, Proxy, quantity, to_quantity},
};

#[tokio::test]
async fn events_wait_for_the_confirmation_depth() {
    let harness = Harness::start().await;
    let provider = harness.operator.provider().clone();
    let head = alloy::providers::Provider::get_block_number(&provider)
        .await
        .unwrap();
    let mut config = WatcherConfig::new(harness.operator.address());
    config.confirmations = 3;
    config.from_block = head - 1; // the blocks of both registrations (automine: one block each)
    config.poll_interval = Duration::from_millis(20);
    let mut watcher = L1Watcher::new(provider.clone(), config);

    let early = tokio::time::timeout(Duration::from_millis(300), watcher.next_event()).await;
    assert!(
        early.is_err(),
        "nothing is reported before 3 blocks are on top: {early:?}"
    );

    provider.anvil_mine(Some(2), None).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), watcher.next_event())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(first.event, L1Event::ChainRegistered { chain_id, .. } if chain_id == chain(ALPHA))
    );
    let too_early = tokio::time::timeout(Duration::from_millis(300), watcher.next_event()).await;
    assert!(too_early.is_err(), "beta's registration is one block short");

    provider.anvil_mine(Some(1), None).await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(5), watcher.next_event())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(second.event, L1Event::ChainRegistered { chain_id, .. } if chain_id == chain(BETA))
    );
}

/// What a watcher yielded: an event as (block, registered chain id), or an error's message.
type Item = Result<(u64, u64), String>;

/// The blocks of alpha's and beta's registrations (one block each, automine).
async fn registration_blocks(harness: &Harness) -> (u64, u64) {
    let head = harness.block_number().await;
    (head - 1, head)
}

/// A watcher through `proxy` from block `from`, reporting at once.
fn watcher(harness: &Harness, proxy: &Proxy, from: u64, max_block_range: u64) -> L1Watcher {
    let mut config = WatcherConfig::new(harness.operator.address());
    config.from_block = from;
    config.confirmations = 0;
    config.poll_interval = Duration::from_millis(20);
    config.max_block_range = max_block_range;
    L1Watcher::new(proxy.provider(), config)
}

/// Everything `watcher` yields until it has been quiet for 500 ms (at most 100 items: a
/// watcher that fails forever ends too).
async fn drain(watcher: &mut L1Watcher) -> Vec<Item> {
    let mut items = Vec::new();
    while items.len() < 100 {
        let Ok(item) = tokio::time::timeout(Duration::from_millis(500), watcher.next_event()).await
        else {
            break;
        };
        items.push(item.map_err(|error| error.to_string()).map(|event| {
            let L1Event::ChainRegistered { chain_id, .. } = event.event else {
                panic!("only registrations here: {event:?}");
            };
            (event.block_number, chain_id.get())
        }));
    }
    items
}

/// Only the events of `items`.
fn events(items: &[Item]) -> Vec<(u64, u64)> {
    items.iter().filter_map(|item| item.clone().ok()).collect()
}

/// A copy of `log` at log index `index` of its block.
fn at_index(log: &Value, index: u64) -> Value {
    let mut log = log.clone();
    log["logIndex"] = to_quantity(index);
    log
}

/// A copy of a `ChainRegistered` log that registers `chain_id` (an indexed topic).
fn registering(log: &Value, chain_id: u64) -> Value {
    let mut log = log.clone();
    log["topics"][1] = Value::String(format!("{chain_id:#066x}"));
    log
}

fn log_index(log: &Value) -> u64 {
    quantity(&log["logIndex"])
}

/// The log index of alpha's registration, as anvil reports it.
async fn alpha_log_index(harness: &Harness, alpha: u64) -> u64 {
    let filter = Filter::new()
        .address(harness.operator.address())
        .from_block(alpha)
        .to_block(alpha);
    let logs = harness.operator.provider().get_logs(&filter).await.unwrap();
    logs[0].log_index.unwrap()
}

#[tokio::test]
async fn a_range_that_fails_halfway_is_not_delivered_twice() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    // After alpha's registration, in the same answer, a log that decodes but carries a value
    // the watcher refuses (chain id 0): the old watcher had pushed alpha, failed on it, and
    // read the whole range again, delivering alpha again, failing again, forever.
    let proxy = Proxy::start(&harness.url, |call: GetLogs<'_>| {
        if let Some(first) = call.logs.first().cloned() {
            let malformed = at_index(&registering(&first, 0), log_index(&first) + 100);
            call.logs.insert(1, malformed);
        }
        Answer::Logs
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 10_000);
    let items = drain(&mut watcher).await;
    assert_eq!(items, vec![Ok((alpha, ALPHA)), Ok((beta, BETA))]);
}

#[tokio::test]
async fn failed_requests_are_read_again_without_duplicates() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    // One block per request; the first and the third eth_getLogs fail.
    let proxy = Proxy::start(&harness.url, |call: GetLogs<'_>| match call.call {
        0 | 2 => Answer::Fail("injected failure"),
        _ => Answer::Logs,
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 1);
    let items = drain(&mut watcher).await;
    assert_eq!(events(&items), vec![(alpha, ALPHA), (beta, BETA)]);
    assert_eq!(items.len(), 4, "two failures reported: {items:?}");
}

#[tokio::test]
async fn a_log_answered_twice_is_delivered_once() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    // Every answer twice over, the copies out of order.
    let proxy = Proxy::start(&harness.url, |call: GetLogs<'_>| {
        let copies: Vec<Value> = call.logs.iter().rev().cloned().collect();
        call.logs.extend(copies);
        Answer::Logs
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 10_000);
    let items = drain(&mut watcher).await;
    assert_eq!(items, vec![Ok((alpha, ALPHA)), Ok((beta, BETA))]);
}

#[tokio::test]
async fn an_undecodable_log_is_skipped_with_a_warning_naming_it() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    let index = alpha_log_index(&harness, alpha).await;
    let unknown_topic = format!("{:#066x}", 0x5eed_u64);
    let topic = unknown_topic.clone();
    let proxy = Proxy::start(&harness.url, move |call: GetLogs<'_>| {
        if let Some(first) = call.logs.first().cloned() {
            // A future version's event, and a known event with its data cut off.
            let mut future = at_index(&first, index + 100);
            future["topics"][0] = Value::String(topic.clone());
            let mut cut = at_index(&first, index + 101);
            cut["data"] = Value::String("0x".into());
            call.logs.insert(1, future);
            call.logs.insert(2, cut);
        }
        Answer::Logs
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 10_000);
    let (captured, _guard) = Captured::start();
    let items = drain(&mut watcher).await;
    assert_eq!(items, vec![Ok((alpha, ALPHA)), Ok((beta, BETA))]);

    let lines = captured.lines();
    let names = |index: u64, topic: &str| {
        lines.iter().any(|line| {
            line.contains("does not decode")
                && line.contains(&format!("block={alpha} "))
                && line.contains(&format!("log_index={index} "))
                && line.contains(&format!("topic0={topic}"))
        })
    };
    assert!(
        names(index + 100, &unknown_topic),
        "a warning names the unknown log: {lines:#?}"
    );
    let known_topic = ChainRegistered::SIGNATURE_HASH.to_string();
    assert!(
        names(index + 101, &known_topic),
        "a warning names the cut log: {lines:#?}"
    );
}

#[tokio::test]
async fn a_removed_log_is_never_delivered() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    let proxy = Proxy::start(&harness.url, |call: GetLogs<'_>| {
        if let Some(first) = call.logs.first().cloned() {
            let mut removed = at_index(&registering(&first, 999), log_index(&first) + 100);
            removed["removed"] = Value::Bool(true);
            call.logs.insert(1, removed);
        }
        Answer::Logs
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 10_000);
    let items = drain(&mut watcher).await;
    assert_eq!(items, vec![Ok((alpha, ALPHA)), Ok((beta, BETA))]);
    assert!(!watcher.diverged());
}

#[tokio::test]
async fn a_removed_log_already_delivered_stops_the_watcher_naming_it() {
    let harness = Harness::start().await;
    let (alpha, _) = registration_blocks(&harness).await;
    // One block per request: alpha's registration is delivered, then the answer for beta's
    // block reports it removed (a reorganisation deeper than the confirmation depth).
    let mut alpha_log = None;
    let proxy = Proxy::start(&harness.url, move |call: GetLogs<'_>| {
        let from = quantity(&call.filter["fromBlock"]);
        if from == alpha {
            alpha_log = call.logs.first().cloned();
        } else if let Some(log) = &alpha_log {
            let mut removed = log.clone();
            removed["removed"] = Value::Bool(true);
            call.logs.push(removed);
        }
        Answer::Logs
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 1);
    let first = watcher.next_event().await.unwrap();
    assert_eq!(first.block_number, alpha);
    let error = watcher.next_event().await.unwrap_err();
    assert!(
        matches!(error, hyperforge_l1::L1Error::LogRemoved { block_number, .. } if block_number == alpha),
        "{error}"
    );
    let error = error.to_string();
    assert!(
        error.contains(&format!("block {alpha}, log index {} ", first.log_index))
            && error.contains("removed"),
        "{error}"
    );
    assert!(watcher.diverged());
    // It does not go on from there: beta's registration is not delivered.
    let again = watcher.next_event().await.unwrap_err().to_string();
    assert_eq!(again, error);
}

#[tokio::test]
async fn a_log_without_a_block_number_is_skipped_until_it_has_one() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    let mined = beta + 1;
    // A pending registration of chain 999 in the answer for alpha's and beta's blocks; it is
    // in the next block when that block is read.
    let mut template = None;
    let proxy = Proxy::start(&harness.url, move |call: GetLogs<'_>| {
        let from = quantity(&call.filter["fromBlock"]);
        if from == alpha
            && let Some(first) = call.logs.first().cloned()
        {
            let mut pending = registering(&first, 999);
            for field in ["blockNumber", "logIndex", "blockHash", "transactionIndex"] {
                pending[field] = Value::Null;
            }
            call.logs.insert(1, pending.clone());
            template = Some(pending);
        } else if from == mined
            && let Some(pending) = &template
        {
            let mut now_mined = pending.clone();
            now_mined["blockNumber"] = to_quantity(mined);
            now_mined["logIndex"] = to_quantity(0);
            now_mined["transactionIndex"] = to_quantity(0);
            call.logs.push(now_mined);
        }
        Answer::Logs
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 10_000);
    let items = drain(&mut watcher).await;
    assert_eq!(items, vec![Ok((alpha, ALPHA)), Ok((beta, BETA))]);
    assert_eq!(watcher.next_block(), beta + 1, "the cursor is where it was");

    harness
        .operator
        .provider()
        .anvil_mine(Some(1), None)
        .await
        .unwrap();
    let items = drain(&mut watcher).await;
    assert_eq!(items, vec![Ok((mined, 999))]);
}

#[tokio::test]
async fn a_range_the_node_refuses_is_asked_for_in_smaller_parts() {
    let harness = Harness::start().await;
    let (alpha, beta) = registration_blocks(&harness).await;
    // Like a node with a limit on results: any request for more than one block is refused.
    let proxy = Proxy::start(&harness.url, |call: GetLogs<'_>| {
        if call.filter["fromBlock"] == call.filter["toBlock"] {
            Answer::Logs
        } else {
            Answer::Fail("query returned more than 10000 results")
        }
    })
    .await;
    let mut watcher = watcher(&harness, &proxy, alpha, 10_000);
    let items = drain(&mut watcher).await;
    assert_eq!(events(&items), vec![(alpha, ALPHA), (beta, BETA)]);
}
