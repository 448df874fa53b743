//! What the L2 wallet commands share: the sequencer client, the sender's keys, signing, and
//! waiting for inclusion with a spinner.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hyperforge_crypto::{
    SecretKey,
    derive::{ethereum_address_of_key, secret_key_from_ethereum_key},
};
use hyperforge_primitives::{
    Address, ChainId,
    tx::{SignedTx, TxBody, TxKind},
};
use hyperforge_sequencer::api::{
    BlockNumberOrTag, EthApiClient, HfApiClient, ReceiptStatus, ReceiptView,
};
use indicatif::{ProgressBar, ProgressStyle};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

use crate::{
    cli::{RpcTargetArgs, SendArgs},
    commands::load_chain,
};

/// A JSON-RPC client for the sequencer `target` names.
pub(super) fn client(target: &RpcTargetArgs) -> anyhow::Result<(HttpClient, String)> {
    let url = match (&target.rpc, &target.chain) {
        (Some(url), _) => url.to_string(),
        (None, Some(chain)) => {
            let config = load_chain(&crate::cli::ChainArgs {
                chain: chain.clone(),
                set: target.set.clone(),
            })?;
            format!("http://{}", config.sequencer.rpc_addr)
        }
        (None, None) => bail!("name the sequencer with --rpc URL or --chain DIR"),
    };
    let client = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(30))
        .build(&url)
        .with_context(|| format!("invalid JSON-RPC URL {url}"))?;
    Ok((client, url))
}

/// The sender: its Ethereum address and the L2 key derived from its Ethereum key.
pub(crate) struct Sender {
    pub(crate) address: Address,
    pub(crate) key: SecretKey,
}

pub(crate) fn sender(private_key: Option<&str>) -> anyhow::Result<Sender> {
    let bytes: [u8; 32] = match private_key {
        Some(text) => {
            let text = text.trim();
            let digits = text.strip_prefix("0x").unwrap_or(text);
            alloy::hex::decode(digits)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .context("--private-key is not a 32-byte hex private key")?
        }
        None => {
            crate::commands::l1::warn_dev_key();
            hyperforge_primitives::dev::ACCOUNTS[0].private_key.0
        }
    };
    let key = secret_key_from_ethereum_key(&bytes).context("--private-key is not a valid key")?;
    let address =
        Address::from(ethereum_address_of_key(&bytes).context("--private-key is not a valid key")?);
    Ok(Sender { address, key })
}

/// Signs `kind` with the next nonce, sends it, prints its hash and (unless `--no-wait`)
/// waits for inclusion.
pub(super) async fn send(args: &SendArgs, kind: TxKind) -> anyhow::Result<()> {
    let (client, url) = client(&args.target)?;
    let sender = sender(args.private_key.as_deref())?;
    let hash = submit(&client, &url, &sender, kind).await?;
    println!("{hash}");
    if args.no_wait {
        return Ok(());
    }
    let receipt = wait_for_inclusion(&client, hash, Duration::from_secs(args.timeout)).await?;
    if let Some(block) = receipt.block_number {
        println!("included in block {block}");
    }
    Ok(())
}

/// Signs `kind` from `sender` with its next nonce (pending transactions counted) for the
/// chain of the sequencer behind `client` (at `url`), and sends it; its hash once accepted.
pub(crate) async fn submit(
    client: &HttpClient,
    url: &str,
    sender: &Sender,
    kind: TxKind,
) -> anyhow::Result<alloy::primitives::B256> {
    let chain_id = quantity(
        &EthApiClient::chain_id(client)
            .await
            .with_context(|| format!("cannot reach the sequencer at {url}"))?,
    )?;
    let chain_id = ChainId::new(chain_id).context("the sequencer answered chain id 0")?;
    let nonce = quantity(
        &EthApiClient::get_transaction_count(
            client,
            sender.address.to_string(),
            Some(BlockNumberOrTag::Pending.into()),
        )
        .await?,
    )?;
    let body = TxBody {
        chain_id,
        from: sender.address,
        nonce: u32::try_from(nonce).context("the account's nonce exceeds 2^32")?,
        kind,
    };
    let signature = sender.key.sign(&body.hash().elements);
    let tx = SignedTx {
        body,
        pubkey: sender.key.public_key().to_bytes(),
        signature: signature.to_bytes(),
    };
    let raw = format!("0x{}", alloy::hex::encode(tx.encode()));
    client.send_transaction(raw).await.map_err(refusal)
}

async fn wait_for_inclusion(
    client: &HttpClient,
    hash: alloy::primitives::B256,
    timeout: Duration,
) -> anyhow::Result<ReceiptView> {
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message("waiting for inclusion");
    spinner.enable_steady_tick(Duration::from_millis(100));
    let started = Instant::now();
    let result = loop {
        match client.get_transaction_receipt(hash).await {
            Ok(Some(receipt)) if receipt.status == ReceiptStatus::Included => break Ok(receipt),
            Ok(Some(_)) => {}
            Ok(None) => {
                break Err(anyhow::anyhow!(
                    "the sequencer no longer knows transaction {hash}"
                ));
            }
            Err(error) => break Err(anyhow::Error::new(error).context("cannot read the receipt")),
        }
        if started.elapsed() > timeout {
            break Err(anyhow::anyhow!(
                "transaction {hash} still pending after {} s",
                timeout.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    spinner.finish_and_clear();
    result
}

/// A JSON-RPC error as one line: the sequencer's own message and its code.
fn refusal(error: jsonrpsee::core::ClientError) -> anyhow::Error {
    match error {
        jsonrpsee::core::ClientError::Call(object) => anyhow::anyhow!(
            "the sequencer refused the transaction: {} (code {})",
            object.message(),
            object.code()
        ),
        other => anyhow::Error::new(other).context("cannot reach the sequencer"),
    }
}

/// Parses a `0x` hex quantity.
pub(crate) fn quantity(text: &str) -> anyhow::Result<u64> {
    let digits = text
        .strip_prefix("0x")
        .with_context(|| format!("`{text}` is not a hex quantity"))?;
    u64::from_str_radix(digits, 16).with_context(|| format!("`{text}` is not a hex quantity"))
}
