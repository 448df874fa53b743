//! A sequencer on a temporary data directory, configured from `chains/alpha`.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use hyperforge_config::{ChainConfig, ChainConfigLoader, Overrides};
use hyperforge_primitives::{
    block::Block,
    tx::{DEFAULT_MAX_PAYLOAD, SignedTx},
};
use hyperforge_sequencer::{
    Sequencer, SequencerHandle,
    api::{BlockId, HfApiClient},
};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

/// `chains/alpha` with fast blocks and overrides.
pub(crate) fn config(overrides: &[&str]) -> ChainConfig {
    let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha");
    let mut layer = Overrides::new();
    for flag in [
        "sequencer.rpc_addr=127.0.0.1:0",
        "sequencer.block_time_ms=20",
    ]
    .iter()
    .chain(overrides)
    {
        layer.parse_flag(flag).unwrap();
    }
    ChainConfigLoader::new(chain)
        .with_env(false)
        .with_overrides(layer)
        .load()
        .unwrap()
}

/// A running sequencer and a client for it.
pub(crate) struct Node {
    pub(crate) handle: SequencerHandle,
    pub(crate) client: HttpClient,
    pub(crate) url: String,
}

pub(crate) async fn start(config: ChainConfig, dir: &Path) -> Node {
    let addr = config.sequencer.rpc_addr;
    let handle = Sequencer::open(config, dir)
        .unwrap()
        .start(addr)
        .await
        .unwrap();
    let url = format!("http://{}", handle.rpc_addr());
    let client = HttpClientBuilder::default().build(&url).unwrap();
    Node {
        handle,
        client,
        url,
    }
}

pub(crate) fn data_dir(root: &tempfile::TempDir) -> PathBuf {
    root.path().join("db")
}

pub(crate) fn raw(tx: &SignedTx) -> String {
    format!("0x{}", alloy_primitives::hex::encode(tx.encode()))
}

/// Waits until every hash has a receipt with status `included`.
pub(crate) async fn wait_included(client: &HttpClient, hashes: &[alloy_primitives::B256]) {
    let started = Instant::now();
    for hash in hashes {
        loop {
            let receipt = client.get_transaction_receipt(*hash).await.unwrap();
            if receipt
                .as_ref()
                .is_some_and(|receipt| receipt.status == "included")
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{hash} not included: {receipt:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Every block from genesis to the head, decoded from `hf_getBlock`'s raw slots.
pub(crate) async fn all_blocks(client: &HttpClient) -> Vec<Block> {
    let head = client
        .get_block(BlockId::Tag("latest".into()))
        .await
        .unwrap()
        .unwrap()
        .number;
    let mut blocks = Vec::new();
    for number in 0..=head {
        let view = client
            .get_block(BlockId::Number(number))
            .await
            .unwrap()
            .unwrap();
        let slots = view
            .transactions
            .iter()
            .map(|slot| {
                let bytes = alloy_primitives::hex::decode(&slot.raw).unwrap();
                match slot.kind.as_str() {
                    "transaction" => hyperforge_primitives::block::Slot::Tx(Box::new(
                        SignedTx::decode(&bytes, DEFAULT_MAX_PAYLOAD).unwrap(),
                    )),
                    _ => hyperforge_primitives::block::Slot::Priority(
                        hyperforge_primitives::tx::PriorityOp::decode(&bytes).unwrap(),
                    ),
                }
            })
            .collect();
        let header = hyperforge_primitives::block::BlockHeader {
            number: view.number,
            parent_hash: digest(view.parent_hash),
            timestamp_ms: view.timestamp_ms,
            state_root: digest(view.state_root),
            nullifier_root: digest(view.nullifier_root),
            slots_hash: digest(view.slots_hash),
            slot_count: view.transactions.len() as u32,
            priority_count: view
                .transactions
                .iter()
                .filter(|slot| slot.kind == "priority")
                .count() as u32,
        };
        let block = Block {
            header,
            message_roots: view
                .message_roots
                .iter()
                .map(|root| digest(*root))
                .collect(),
            slots,
        };
        assert_eq!(
            hyperforge_primitives::bridge::digest_to_b256(&block.hash()),
            view.hash,
            "block {number}'s hash does not match its fields"
        );
        blocks.push(block);
    }
    blocks
}

pub(crate) fn digest(bytes: alloy_primitives::B256) -> hyperforge_primitives::tx::Digest {
    hyperforge_primitives::bridge::digest_from_b256(&bytes).unwrap()
}
