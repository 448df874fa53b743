//! Every refusal answers a stable code and a message naming the problem, and loses nothing
//! already accepted.

use hyperforge_execution::test_utils::{dev_key, sign, transfer};
use hyperforge_primitives::{Amount, ChainId, dev::ACCOUNTS, tx::TxKind};
use hyperforge_sequencer::api::{HfApiClient, UNSERVED_ETH_METHODS, codes};
use jsonrpsee::core::ClientError;

use crate::common::{config, data_dir, raw, start, wait_included};

fn refusal(result: Result<alloy_primitives::B256, ClientError>) -> (i32, String) {
    match result {
        Err(ClientError::Call(error)) => (error.code(), error.message().to_owned()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_transaction_gets_its_code_and_accepted_ones_stay() {
    let root = tempfile::tempdir().unwrap();
    // Slow blocks: what is accepted stays pending while the refusals are tried.
    let config = config(&[
        "sequencer.block_time_ms=600000",
        "sequencer.max_future_nonces=4",
        "sequencer.max_tx_bytes=512",
    ]);
    let chain = config.chain.chain_id;
    let node = start(config, &data_dir(&root)).await;
    let client = &node.client;
    let bob = ACCOUNTS[9].address;

    let accepted = client
        .send_transaction(raw(&transfer(0, 0, bob, 5, chain)))
        .await
        .unwrap();
    // The same transaction again: the same hash, nothing new.
    assert_eq!(
        client
            .send_transaction(raw(&transfer(0, 0, bob, 5, chain)))
            .await
            .unwrap(),
        accepted
    );

    let cases: Vec<(String, i32, &str)> = vec![
        ("0xzz".into(), codes::MALFORMED, "not hex"),
        ("0x0102".into(), codes::MALFORMED, "truncated"),
        (
            format!("0x{}", "00".repeat(600)),
            codes::OVERSIZED,
            "600 bytes, at most 512",
        ),
        (
            raw(&transfer(0, 1, bob, 1, ChainId::new(999).unwrap())),
            codes::WRONG_CHAIN,
            "chain 999",
        ),
        (
            {
                let mut tx = transfer(0, 1, bob, 1, chain);
                tx.signature[45] ^= 1;
                raw(&tx)
            },
            codes::BAD_SIGNATURE,
            "signature",
        ),
        (
            {
                // A valid signature from an address with no account.
                let key = dev_key(0);
                let stranger = alloy_primitives::Address::repeat_byte(0x42);
                raw(&sign(
                    &key,
                    chain,
                    stranger,
                    0,
                    TxKind::Transfer {
                        to: bob,
                        amount: Amount::from_gwei(1),
                    },
                ))
            },
            codes::UNKNOWN_ACCOUNT,
            "unknown account",
        ),
        (
            {
                // Account 1 signed by account 2's key.
                let key = dev_key(2);
                raw(&sign(
                    &key,
                    chain,
                    ACCOUNTS[1].address,
                    0,
                    TxKind::Transfer {
                        to: bob,
                        amount: Amount::from_gwei(1),
                    },
                ))
            },
            codes::UNREGISTERED_KEY,
            "unregistered key",
        ),
        (
            raw(&transfer(0, 0, bob, 6, chain)),
            codes::NONCE_TAKEN,
            "no replacement",
        ),
        (
            raw(&transfer(0, 9, bob, 1, chain)),
            codes::NONCE_TOO_HIGH,
            "at most 4 ahead",
        ),
        (
            raw(&transfer(3, 0, bob, 20_000 * 1_000_000_000, chain)),
            codes::INSUFFICIENT_BALANCE,
            "insufficient balance",
        ),
    ];
    for (raw, code, words) in cases {
        let (got, message) = refusal(client.send_transaction(raw.clone()).await);
        assert_eq!(got, code, "{message}");
        assert!(
            message.contains(words),
            "`{message}` should mention `{words}`"
        );
    }

    // Every other method of the eth_* namespace points to the hyperforge one to use.
    for (method, instead) in UNSERVED_ETH_METHODS {
        let error = jsonrpsee::core::client::ClientT::request::<String, _>(
            client,
            method,
            jsonrpsee::rpc_params![],
        )
        .await
        .unwrap_err();
        match error {
            ClientError::Call(error) => {
                assert_eq!(error.code(), codes::METHOD_NOT_FOUND, "{method}");
                assert!(
                    error.message().contains(instead),
                    "{method}: {}",
                    error.message()
                );
            }
            other => panic!("{method}: {other:?}"),
        }
    }

    // The accepted transaction is untouched by all of that.
    let receipt = client
        .get_transaction_receipt(accepted)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        receipt.status,
        hyperforge_sequencer::api::ReceiptStatus::Pending
    );
    node.handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_nonce_is_refused_after_inclusion() {
    let root = tempfile::tempdir().unwrap();
    let config = config(&[]);
    let chain = config.chain.chain_id;
    let node = start(config, &data_dir(&root)).await;
    let hash = node
        .client
        .send_transaction(raw(&transfer(4, 0, ACCOUNTS[9].address, 1, chain)))
        .await
        .unwrap();
    wait_included(&node.client, &[hash]).await;
    let (code, message) = refusal(
        node.client
            .send_transaction(raw(&transfer(4, 0, ACCOUNTS[9].address, 2, chain)))
            .await,
    );
    assert_eq!(code, codes::NONCE_TOO_LOW, "{message}");
    assert!(message.contains("next nonce is 1"), "{message}");
    node.handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_rpc_batch_over_the_limit_is_refused_whole() {
    use jsonrpsee::core::{client::ClientT, params::BatchRequestBuilder};
    let root = tempfile::tempdir().unwrap();
    let node = start(
        config(&["sequencer.rpc_max_batch_requests=4"]),
        &data_dir(&root),
    )
    .await;
    let batch = |size: usize| {
        let mut batch = BatchRequestBuilder::new();
        for _ in 0..size {
            batch
                .insert("eth_chainId", jsonrpsee::rpc_params![])
                .unwrap();
        }
        batch
    };
    let answered = node.client.batch_request::<String>(batch(4)).await.unwrap();
    assert_eq!(answered.num_successful_calls(), 4);
    assert!(node.client.batch_request::<String>(batch(5)).await.is_err());
    // What the server answers, read raw: one error object naming the limit.
    let calls: Vec<String> = (0..5)
        .map(|id| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"eth_chainId","params":[]}}"#))
        .collect();
    let answer = post(node.handle.rpc_addr(), &format!("[{}]", calls.join(","))).await;
    assert!(
        answer.contains("The batch request was too large") && answer.contains("4"),
        "{answer}"
    );
    node.handle.shutdown().await.unwrap();
}

/// POSTs `body` as JSON to `addr` over plain HTTP/1.1 and returns the whole response.
async fn post(addr: std::net::SocketAddr, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_transaction_never_reads_as_unknown_while_blocks_commit() {
    // Receipts are read mempool first, then store: a block stores its receipts before it
    // releases its transactions, so no read falls between the two and answers `null`.
    let root = tempfile::tempdir().unwrap();
    let config = config(&["sequencer.block_time_ms=20"]);
    let chain = config.chain.chain_id;
    let node = start(config, &data_dir(&root)).await;
    let mut tasks = Vec::new();
    for from in 0..3 {
        let client = node.client.clone();
        tasks.push(tokio::spawn(async move {
            let mut reads = 0;
            for nonce in 0..15 {
                let hash = client
                    .send_transaction(raw(&transfer(from, nonce, ACCOUNTS[9].address, 1, chain)))
                    .await
                    .unwrap();
                loop {
                    let receipt = client.get_transaction_receipt(hash).await.unwrap();
                    reads += 1;
                    let receipt = receipt.expect("an answered hash is never unknown");
                    if receipt.status == hyperforge_sequencer::api::ReceiptStatus::Included {
                        break;
                    }
                }
            }
            reads
        }));
    }
    let mut reads = 0;
    for task in tasks {
        reads += task.await.unwrap();
    }
    assert!(reads >= 45, "{reads} receipt reads");
    node.handle.shutdown().await.unwrap();
}
