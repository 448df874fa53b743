//! The watcher waits for its confirmation depth before it reports an event.

use std::time::Duration;

use alloy::providers::ext::AnvilApi;
use hyperforge_l1::{L1Event, L1Watcher, WatcherConfig};

use crate::harness::{ALPHA, BETA, Harness, chain};

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
