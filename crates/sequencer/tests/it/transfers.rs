//! Transfers go into blocks, blocks into batches, and every answer agrees with a replay.

use alloy_primitives::U256;
use hyperforge_execution::test_utils::transfer;
use hyperforge_primitives::{GWEI_IN_WEI, dev::ACCOUNTS};
use hyperforge_sequencer::{
    api::{BlockNumberOrTag, EthApiClient, HfApiClient},
    replay::replay,
};
use hyperforge_state::{MerkleProof, Store};

use crate::common::{all_blocks, config, data_dir, digest, raw, start, wait_included};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_land_in_blocks_and_batches_that_replay_to_the_same_roots() {
    let root = tempfile::tempdir().unwrap();
    let config = config(&["sequencer.batch_blocks=2", "sequencer.max_block_txs=8"]);
    let chain_id = config.chain.chain_id;
    let node = start(config.clone(), &data_dir(&root)).await;
    let client = &node.client;
    let recipient = ACCOUNTS[9].address;

    // 4 senders x 6 transfers of 1..=6 gwei, sent concurrently in nonce order per sender.
    let mut tasks = Vec::new();
    for from in 0..4 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut hashes = Vec::new();
            for nonce in 0..6 {
                let tx = transfer(from, nonce, recipient, u64::from(nonce) + 1, chain_id);
                hashes.push(client.send_transaction(raw(&tx)).await.unwrap());
            }
            hashes
        }));
    }
    let mut hashes = Vec::new();
    for task in tasks {
        hashes.extend(task.await.unwrap());
    }
    wait_included(client, &hashes).await;

    let before = 100 * 1_000_000_000u64;
    let bob = client
        .get_account(recipient.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob.balance_gwei, (before + 4 * 21).to_string());
    let alice = client
        .get_account(ACCOUNTS[0].address.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(alice.nonce, 6);
    assert_eq!(alice.balance_gwei, (before - 21).to_string());
    let wei = client
        .get_balance(recipient.to_string(), None)
        .await
        .unwrap();
    assert_eq!(
        wei,
        format!("{:#x}", U256::from(before + 84) * U256::from(GWEI_IN_WEI))
    );
    assert_eq!(
        client
            .get_transaction_count(ACCOUNTS[0].address.to_string(), None)
            .await
            .unwrap(),
        "0x6"
    );
    assert_eq!(client.chain_id().await.unwrap(), "0x10e");
    assert_eq!(client.net_version().await.unwrap(), "270");
    assert!(
        client
            .get_account(ACCOUNTS[8].address.to_string())
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        client
            .get_account("0x000000000000000000000000000000000000dEaD".into())
            .await
            .unwrap()
            .is_none()
    );

    // The account proof leads from the leaf to the account root, which the state root covers.
    let proof = client
        .get_account_proof(recipient.to_string())
        .await
        .unwrap()
        .unwrap();
    let path = MerkleProof {
        index: u64::from(proof.account.index),
        siblings: proof
            .siblings
            .iter()
            .map(|sibling| digest(*sibling))
            .collect(),
    };
    assert_eq!(path.siblings.len(), 32);
    assert!(path.verify(digest(proof.account_root), digest(proof.leaf)));
    assert_eq!(proof.state().unwrap().root(), digest(proof.state_root));

    // Each transaction is in exactly one block, and the blocks replay to the same roots.
    let blocks = all_blocks(client).await;
    let mut included: Vec<_> = blocks
        .iter()
        .flat_map(|block| &block.slots)
        .filter_map(|slot| match slot {
            hyperforge_primitives::block::Slot::Tx(tx) => {
                Some(alloy_primitives::B256::from(tx.id()))
            }
            _ => None,
        })
        .collect();
    included.sort();
    let mut sent = hashes.clone();
    sent.sort();
    assert_eq!(included, sent);
    assert!(
        blocks
            .iter()
            .all(|block| block.slots.len() <= 8 || block.header.number == 0)
    );
    let replayed = tempfile::tempdir().unwrap();
    let mut store = Store::open(replayed.path()).unwrap();
    let root_after = replay(&mut store, chain_id, &blocks).unwrap();
    assert_eq!(root_after, blocks.last().unwrap().header.state_root);

    // Batches: consecutive, each chaining the previous one's roots.
    let head = blocks.last().unwrap().header.number;
    let mut previous_root = blocks[0].header.state_root;
    for number in 1..=head / 2 {
        let batch = client.get_batch(number).await.unwrap().unwrap();
        assert_eq!(
            batch.proof_status,
            hyperforge_primitives::block::ProofStatus::Pending
        );
        assert!(
            client.get_batch_proof(number).await.unwrap().is_none(),
            "a pending batch has no proof"
        );
        assert_eq!(
            (batch.first_block, batch.last_block),
            (2 * number - 1, 2 * number)
        );
        let inputs = &batch.public_inputs;
        assert_eq!(inputs.chain_id, 270);
        assert_eq!(digest(inputs.old_state_root), previous_root);
        assert_eq!(
            digest(inputs.new_state_root),
            blocks[batch.last_block as usize].header.state_root
        );
        assert_eq!(inputs.priority_ops_count, 0);
        previous_root = digest(inputs.new_state_root);
    }
    assert!(client.get_batch(head / 2 + 1).await.unwrap().is_none());
    assert!(
        client
            .get_block(BlockNumberOrTag::Number(head + 1).into())
            .await
            .unwrap()
            .is_none()
    );

    // eth_getBlockByNumber answers alloy's (Ethereum's) block shape, with the slots' hashes.
    let last = blocks.last().unwrap();
    let ethereum = client
        .get_block_by_number(BlockNumberOrTag::Latest.into(), None)
        .await
        .unwrap()
        .unwrap();
    let ethereum: alloy::rpc::types::Block<alloy_primitives::B256> =
        serde_json::from_value(ethereum).unwrap();
    assert_eq!(ethereum.header.inner.number, head);
    assert_eq!(
        ethereum.header.hash,
        hyperforge_primitives::bridge::digest_to_b256(&last.hash())
    );
    assert_eq!(
        ethereum.transactions.len(),
        last.slots.len(),
        "one hash per slot"
    );

    // The metrics count what happened.
    let metrics = get_metrics(&node.url).await;
    assert!(
        metrics.contains("hyperforge_sequencer_txs_accepted_total 24"),
        "{metrics}"
    );
    assert!(
        metrics.contains("hyperforge_sequencer_txs_included_total 24"),
        "{metrics}"
    );
    assert!(metrics.contains(&format!("hyperforge_sequencer_block_height {head}")));
    node.handle.shutdown().await.unwrap();
}

/// `GET /metrics` over a plain TCP connection (no HTTP client crate needed).
pub(crate) async fn get_metrics(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_port_serves_websocket_clients() {
    let root = tempfile::tempdir().unwrap();
    let config = config(&[]);
    let chain_id = config.chain.chain_id;
    let node = start(config, &data_dir(&root)).await;
    let ws = jsonrpsee::ws_client::WsClientBuilder::default()
        .build(node.url.replace("http://", "ws://"))
        .await
        .unwrap();
    assert_eq!(ws.chain_id().await.unwrap(), "0x10e");
    let hash = ws
        .send_transaction(raw(&transfer(5, 0, ACCOUNTS[9].address, 7, chain_id)))
        .await
        .unwrap();
    wait_included(&node.client, &[hash]).await;
    let receipt = ws.get_transaction_receipt(hash).await.unwrap().unwrap();
    assert_eq!(
        receipt.status,
        hyperforge_sequencer::api::ReceiptStatus::Included
    );
    drop(ws);
    node.handle.shutdown().await.unwrap();
}
