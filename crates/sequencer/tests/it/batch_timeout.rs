//! A running chain that goes quiet seals its open batch after `batch_timeout_ms`, without a
//! new block, and the proving-job coordinator plans the batch.

use std::time::{Duration, Instant};

use hyperforge_execution::test_utils::transfer;
use hyperforge_primitives::dev::ACCOUNTS;
use hyperforge_sequencer::api::HfApiClient;

use crate::common::{all_blocks, config, data_dir, digest, raw, start, wait_included};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_chain_seals_its_batch_after_the_timeout_and_the_coordinator_plans_it() {
    let root = tempfile::tempdir().unwrap();
    let config = config(&[
        "sequencer.batch_blocks=10",
        "sequencer.batch_timeout_ms=300",
    ]);
    let chain = config.chain.chain_id;
    let node = start(config, &data_dir(&root)).await;
    let client = &node.client;
    let mut hashes = Vec::new();
    for from in 0..2 {
        let tx = transfer(from, 0, ACCOUNTS[9].address, 1 + from as u64, chain);
        hashes.push(client.send_transaction(raw(&tx)).await.unwrap());
    }
    wait_included(client, &hashes).await;

    let started = Instant::now();
    let batch = loop {
        if let Some(batch) = client.get_batch(1).await.unwrap() {
            break batch;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "batch 1 not sealed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // Sealed on its own: it ends at the head, the blocks that held the transfers.
    let blocks = all_blocks(client).await;
    let head = blocks.last().unwrap().header;
    assert!(head.number <= 2, "quiet: no block beyond the transfers'");
    assert_eq!((batch.first_block, batch.last_block), (1, head.number));
    assert_eq!(
        digest(batch.public_inputs.old_state_root),
        blocks[0].header.state_root
    );
    assert_eq!(digest(batch.public_inputs.new_state_root), head.state_root);
    assert!(client.get_batch(2).await.unwrap().is_none());

    // The coordinator looks for new batches on its own tick, not after block commits: it plans
    // this one too.
    let metrics = node.handle.metrics();
    while metrics.jobs_queued.get() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the batch's jobs were never planned"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(metrics.batches_sealed.get(), 1);
    node.handle.shutdown().await.unwrap();
}
