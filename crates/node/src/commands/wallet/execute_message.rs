//! `hyperforge wallet execute-message --chain chains/<dst> --message <hash>`: executes on the
//! destination a message another chain sent (its `send-message` transaction hash), once its
//! batch is settled and the destination imported the batch's outbox root; before that it says
//! which stage is missing (or, with `--wait`, waits for it).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hyperforge_primitives::ChainId;
use hyperforge_sequencer::api::{EthApiClient, HfApiClient, OutboxEntryView};
use jsonrpsee::http_client::HttpClient;

use crate::{
    cli::WalletExecuteMessageArgs,
    messages::{MessageStage, chain_rpc, message_stage, sequencer_client, sibling_chains},
};

pub(super) async fn run(args: WalletExecuteMessageArgs) -> anyhow::Result<()> {
    let (destination, url) = super::l2::client(&args.send.target)?;
    let destination_id = super::l2::quantity(
        &EthApiClient::chain_id(&destination)
            .await
            .with_context(|| format!("cannot reach the destination's sequencer at {url}"))?,
    )?;
    let destination_id =
        ChainId::new(destination_id).context("the destination answered chain id 0")?;
    let destination_name = args
        .send
        .target
        .chain
        .as_deref()
        .and_then(|dir| chain_rpc(dir).ok())
        .map_or_else(|| format!("chain {destination_id}"), |(name, ..)| name);
    let (source_name, source, view) = find_message(&args).await?;
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    let mut view = view;
    let executable = loop {
        match message_stage(&view, &destination, destination_id).await? {
            MessageStage::Executable(executable) => break executable,
            stage @ MessageStage::Executed { .. } => {
                bail!("{}", stage.waiting_for(&source_name, &destination_name))
            }
            stage => {
                let waiting = stage.waiting_for(&source_name, &destination_name);
                if Instant::now() >= deadline {
                    if args.wait == 0 {
                        bail!("not executable yet: {waiting} (`--wait SECONDS` waits for it)");
                    }
                    bail!("not executable after {} s: {waiting}", args.wait);
                }
                tracing::info!(target: "node::wallet", "{waiting}");
                tokio::time::sleep(Duration::from_millis(500)).await;
                view = source
                    .get_message_proof(args.message)
                    .await
                    .context("cannot read the message from its source")?
                    .context("the source no longer knows the message")?;
            }
        }
    };
    println!(
        "executing message {} from {source_name} (import {}, leaf {}) on {destination_name}",
        args.message, executable.import_index, executable.leaf_index
    );
    super::l2::send(&args.send, executable.kind()).await
}

/// The message and the chain that sent it: `--source-rpc`, `--source-chain`, or else every
/// chain folder beside the destination's.
async fn find_message(
    args: &WalletExecuteMessageArgs,
) -> anyhow::Result<(String, HttpClient, OutboxEntryView)> {
    let candidates: Vec<(String, String)> = match (&args.source_rpc, &args.source_chain) {
        (Some(url), _) => vec![(format!("the source at {url}"), url.to_string())],
        (None, Some(dir)) => {
            let (name, _, url) = chain_rpc(dir)?;
            vec![(name, url)]
        }
        (None, None) => {
            let Some(dir) = &args.send.target.chain else {
                bail!("name the source chain with --source-chain DIR or --source-rpc URL");
            };
            sibling_chains(dir)?
                .iter()
                .filter_map(|dir| chain_rpc(dir).ok())
                .map(|(name, _, url)| (name, url))
                .collect()
        }
    };
    let mut unreachable = Vec::new();
    for (name, url) in &candidates {
        let client = sequencer_client(url)?;
        match client.get_message_proof(args.message).await {
            Ok(Some(view)) => return Ok((name.clone(), client, view)),
            Ok(None) => {}
            Err(jsonrpsee::core::ClientError::Call(object)) => {
                bail!(
                    "{name} refused: {} (code {})",
                    object.message(),
                    object.code()
                )
            }
            Err(error) => unreachable.push(format!("{name} ({url}): {error}")),
        }
    }
    let asked: Vec<&str> = candidates.iter().map(|(name, _)| name.as_str()).collect();
    let mut message = format!(
        "no source chain has message {} in a block (asked: {})",
        args.message,
        if asked.is_empty() {
            "none".to_owned()
        } else {
            asked.join(", ")
        }
    );
    if !unreachable.is_empty() {
        message.push_str(&format!("; unreachable: {}", unreachable.join("; ")));
    }
    bail!(message)
}
