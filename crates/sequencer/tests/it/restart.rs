//! A restarted sequencer finds its blocks and its pending transactions where it left them.

use hyperforge_execution::test_utils::transfer;
use hyperforge_primitives::dev::ACCOUNTS;
use hyperforge_sequencer::{
    Sequencer, SequencerError,
    api::{BlockNumberOrTag, HfApiClient},
};

use crate::common::{config, data_dir, raw, start, wait_included};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_transactions_and_blocks_survive_a_restart() {
    let root = tempfile::tempdir().unwrap();
    let dir = data_dir(&root);
    let bob = ACCOUNTS[9].address;

    // First run: one block with a transfer, then three transfers left pending.
    let fast = config(&[]);
    let chain = fast.chain.chain_id;
    let node = start(fast.clone(), &dir).await;
    let first = node
        .client
        .send_transaction(raw(&transfer(0, 0, bob, 1, chain)))
        .await
        .unwrap();
    wait_included(&node.client, &[first]).await;
    node.handle.shutdown().await.unwrap();

    let slow = config(&["sequencer.block_time_ms=600000"]);
    let node = start(slow.clone(), &dir).await;
    let head = node
        .client
        .get_block(BlockNumberOrTag::Latest.into())
        .await
        .unwrap()
        .unwrap();
    assert!(head.number >= 1);
    let mut pending = Vec::new();
    for nonce in 1..4 {
        pending.push(
            node.client
                .send_transaction(raw(&transfer(0, nonce, bob, 1, chain)))
                .await
                .unwrap(),
        );
    }
    node.handle.shutdown().await.unwrap();

    // Second start, still slow: the same head, the three still pending.
    let node = start(slow, &dir).await;
    let again = node
        .client
        .get_block(BlockNumberOrTag::Latest.into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, head);
    for hash in &pending {
        let receipt = node
            .client
            .get_transaction_receipt(*hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            receipt.status,
            hyperforge_sequencer::api::ReceiptStatus::Pending
        );
    }
    node.handle.shutdown().await.unwrap();

    // Third start with fast blocks: they are included.
    let node = start(fast, &dir).await;
    wait_included(&node.client, &pending).await;
    node.handle.shutdown().await.unwrap();
}

#[test]
fn a_data_dir_of_another_genesis_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let dir = data_dir(&root);
    drop(Sequencer::open(config(&[]), &dir).unwrap());
    let other = config(&["genesis.accounts=[]"]);
    let error = Sequencer::open(other, &dir).unwrap_err();
    assert!(
        matches!(error, SequencerError::DataDirMismatch { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("another genesis"), "{error}");
}

#[test]
fn a_data_dir_of_another_chain_with_the_same_genesis_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let dir = data_dir(&root);
    drop(Sequencer::open(config(&[]), &dir).unwrap());
    // Same accounts, so the same genesis root: only the chain id tells them apart.
    let other = config(&["chain.chain_id=999"]);
    let error = Sequencer::open(other, &dir).unwrap_err();
    assert!(
        matches!(error, SequencerError::DataDirMismatch { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("holds the state of chain 270")
            && error.to_string().contains("chain 999"),
        "{error}"
    );
}
