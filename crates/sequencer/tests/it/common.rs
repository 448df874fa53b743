//! A sequencer on a temporary data directory, configured from `chains/alpha`.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use hyperforge_config::{ChainConfig, ChainConfigLoader, Overrides};
use hyperforge_primitives::{block::Block, tx::SignedTx};
use hyperforge_sequencer::{
    Sequencer, SequencerHandle,
    api::{BlockNumberOrTag, HfApiClient},
};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

/// `chains/alpha` with fast blocks, batches sealed by block count alone (no timeout: the tests
/// count on their batch boundaries, and may slow the blocks down) and overrides.
pub(crate) fn config(overrides: &[&str]) -> ChainConfig {
    let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha");
    let mut layer = Overrides::new();
    for flag in [
        "sequencer.rpc_addr=127.0.0.1:0",
        "sequencer.block_time_ms=20",
        "sequencer.batch_timeout_ms=0",
        r#"p2p.listen=["/ip4/127.0.0.1/tcp/0"]"#,
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
            if receipt.as_ref().is_some_and(|receipt| {
                receipt.status == hyperforge_sequencer::api::ReceiptStatus::Included
            }) {
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

/// Every block from genesis to the head, rebuilt from `hf_getBlock`.
pub(crate) async fn all_blocks(client: &HttpClient) -> Vec<Block> {
    let head = client
        .get_block(BlockNumberOrTag::Latest.into())
        .await
        .unwrap()
        .unwrap()
        .number;
    let mut blocks = Vec::new();
    for number in 0..=head {
        let view = client
            .get_block(BlockNumberOrTag::Number(number).into())
            .await
            .unwrap()
            .unwrap();
        blocks.push(view.to_block().unwrap());
    }
    blocks
}

pub(crate) fn digest(bytes: alloy_primitives::B256) -> hyperforge_primitives::tx::Digest {
    hyperforge_primitives::bridge::digest_from_b256(&bytes).unwrap()
}
