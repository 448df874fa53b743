//! `hyperforge message status <hash>`: every stage of a message or a withdrawal, with the
//! time, block, batch or L1 transaction of each, and the stage it waits for.
//!
//! The transaction is looked for on every chain named by `--chains` (default: every folder of
//! `chains/` holding a `chain.toml`). A message goes sent, batched, proven, settled, its root
//! queued on the bridge, imported by the destination, executed there; a withdrawal goes sent,
//! batched, proven, settled, finalized on L1.

use std::path::PathBuf;

use alloy::{
    primitives::{B256, U256},
    providers::{Provider, ProviderBuilder},
};
use anyhow::{Context, bail};
use hyperforge_primitives::ChainId;
use hyperforge_sequencer::api::{BlockNumberOrTag, HfApiClient, OutboxEntryView};
use jsonrpsee::http_client::HttpClient;

use crate::{
    cli::{MessageCommand, MessageStatusArgs},
    messages::{MessageStage, chain_rpc, message_stage, sequencer_client},
};

pub(crate) fn run(command: MessageCommand) -> anyhow::Result<()> {
    match command {
        MessageCommand::Status(args) => super::l1::block_on(status(args)),
    }
}

/// A chain the transaction may be on.
struct Known {
    dir: PathBuf,
    name: String,
    chain_id: ChainId,
    client: HttpClient,
}

async fn status(args: MessageStatusArgs) -> anyhow::Result<()> {
    let dirs = if args.chains.is_empty() {
        let mut dirs = Vec::new();
        for entry in std::fs::read_dir("chains").context(
            "no chains/ folder here: name the chains with --chains DIR,DIR (a devnet's are under its data dir)",
        )? {
            let path = entry?.path();
            if path.join("chain.toml").is_file() {
                dirs.push(path);
            }
        }
        dirs.sort();
        dirs
    } else {
        args.chains.clone()
    };
    let mut known = Vec::new();
    for dir in dirs {
        let (name, chain_id, url) = chain_rpc(&dir)?;
        known.push(Known {
            client: sequencer_client(&url)?,
            dir,
            name,
            chain_id,
        });
    }
    for (index, chain) in known.iter().enumerate() {
        if let Some(view) = ask(chain, args.hash, true).await? {
            return message(&known, index, &view).await;
        }
        if let Some(view) = ask(chain, args.hash, false).await? {
            return withdrawal(&known[index], &view).await;
        }
    }
    let names: Vec<&str> = known.iter().map(|chain| chain.name.as_str()).collect();
    bail!(
        "no chain has {} in a block as a message or a withdrawal (asked: {})",
        args.hash,
        names.join(", ")
    )
}

/// The message (`message`) or withdrawal view of `hash` on `chain`; `None` if it has none.
async fn ask(chain: &Known, hash: B256, message: bool) -> anyhow::Result<Option<OutboxEntryView>> {
    let answer = if message {
        chain.client.get_message_proof(hash).await
    } else {
        chain.client.get_withdrawal_proof(hash).await
    };
    match answer {
        Ok(view) => Ok(view),
        // Known, but of the other kind (or no outbox entry at all).
        Err(jsonrpsee::core::ClientError::Call(object)) if object.code() == -32602 => Ok(None),
        Err(error) => Err(anyhow::Error::new(error).context(format!(
            "cannot ask {} ({})",
            chain.name,
            chain.dir.display()
        ))),
    }
}

/// `HH:MM:SS.mmm` (UTC) of a Unix time in milliseconds.
fn clock(ms: u64) -> String {
    let day = ms % 86_400_000;
    format!(
        "{:02}:{:02}:{:02}.{:03} UTC",
        day / 3_600_000,
        day / 60_000 % 60,
        day / 1_000 % 60,
        day % 1_000
    )
}

/// `+1.2 s` after `start`, or nothing when either is unknown.
fn after(start: Option<u64>, at: Option<u64>) -> String {
    match (start, at) {
        (Some(start), Some(at)) => format!(
            "{} (+{:.1} s)",
            clock(at),
            at.saturating_sub(start) as f64 / 1e3
        ),
        (_, Some(at)) => clock(at),
        _ => String::new(),
    }
}

/// The stages an entry of `chain` shares, whatever its kind; the time it was sent.
async fn common_stages(chain: &Known, view: &OutboxEntryView) -> anyhow::Result<Option<u64>> {
    let block = chain
        .client
        .get_block(BlockNumberOrTag::Number(view.block_number).into())
        .await?;
    let sent_at = block.map(|block| block.timestamp_ms);
    println!(
        "  {:<10} block {} of {:<24} {}",
        "sent",
        view.block_number,
        chain.name,
        after(None, sent_at)
    );
    let Some(number) = view.batch_number else {
        println!("  {:<10} waiting for the batch to be sealed", "batched");
        return Ok(sent_at);
    };
    let batch = chain
        .client
        .get_batch(number)
        .await?
        .with_context(|| format!("{} lost batch {number}", chain.name))?;
    println!(
        "  {:<10} batch {number} (blocks {}-{}), leaf {:<12} {}",
        "batched",
        batch.first_block,
        batch.last_block,
        view.leaf_index.unwrap_or_default(),
        after(sent_at, batch.sealed_at_ms)
    );
    match batch.proven_at_ms {
        Some(at) => println!(
            "  {:<10} batch {number:<30} {}",
            "proven",
            after(sent_at, Some(at))
        ),
        None => println!("  {:<10} {}", "proven", batch.proving),
    }
    match &batch.settlement {
        Some(settlement) => {
            println!(
                "  {:<10} L1 tx {} in L1 block {}",
                "settled", settlement.l1_transaction, settlement.l1_block
            );
        }
        None => println!("  {:<10} waiting", "settled"),
    }
    Ok(sent_at)
}

async fn message(known: &[Known], source: usize, view: &OutboxEntryView) -> anyhow::Result<()> {
    let chain = &known[source];
    let shown = view
        .message
        .as_ref()
        .context("a message view without its message")?;
    let destination = known
        .iter()
        .find(|chain| chain.chain_id.get() == shown.dst_chain_id);
    let destination_name = destination.map_or_else(
        || format!("chain {}", shown.dst_chain_id),
        |chain| chain.name.clone(),
    );
    println!(
        "message {} from {} to {destination_name}: {} gwei to {}",
        view.transaction_hash, chain.name, shown.value_gwei, shown.recipient
    );
    common_stages(chain, view).await?;
    match view.message_root_index {
        Some(index) => println!(
            "  {:<10} entry {index} of the bridge's message root queue",
            "queued"
        ),
        None => println!("  {:<10} waiting", "queued"),
    }
    let Some(destination) = destination else {
        println!(
            "waiting for: nothing this command can see (chain {} is not among --chains)",
            shown.dst_chain_id
        );
        return Ok(());
    };
    let stage = message_stage(view, &destination.client, destination.chain_id).await?;
    let (imported, executed) = match &stage {
        MessageStage::Executable(_) => ("yes", "waiting"),
        MessageStage::Executed { .. } => ("yes", "yes"),
        _ => ("waiting", "waiting"),
    };
    println!("  {:<10} on {destination_name}: {imported}", "imported");
    println!("  {:<10} on {destination_name}: {executed}", "executed");
    match stage {
        MessageStage::Executed { .. } => println!("done"),
        stage => println!(
            "waiting for: {}",
            stage.waiting_for(&chain.name, &destination_name)
        ),
    }
    Ok(())
}

async fn withdrawal(chain: &Known, view: &OutboxEntryView) -> anyhow::Result<()> {
    let shown = view
        .withdrawal
        .as_ref()
        .context("a withdrawal view without its withdrawal")?;
    println!(
        "withdrawal {} from {}: {} gwei to {} on L1",
        view.transaction_hash, chain.name, shown.amount_gwei, shown.l1_recipient
    );
    common_stages(chain, view).await?;
    let (Some(batch), Some(leaf), Some(_)) =
        (view.batch_number, view.leaf_index, view.settlement.as_ref())
    else {
        println!("  {:<10} waiting", "finalized");
        println!("waiting for: the batch to settle on L1");
        return Ok(());
    };
    let config = hyperforge_config::ChainConfigLoader::new(&chain.dir).load()?;
    let bridge = crate::commands::l1::chain_bridge(&config)?;
    let provider = ProviderBuilder::new().connect_http(config.l1.rpc_url.clone());
    let contract = hyperforge_l1::bindings::Bridge::new(bridge, provider.erased());
    let finalized = contract
        .isWithdrawalFinalized(chain.chain_id.get(), batch, U256::from(leaf))
        .call()
        .await
        .with_context(|| format!("cannot ask the bridge at {bridge}"))?;
    if finalized {
        println!("  {:<10} yes", "finalized");
        println!("done");
    } else {
        println!("  {:<10} waiting", "finalized");
        println!(
            "waiting for: `hyperforge wallet finalize-withdrawal --chain {} --tx {}`",
            chain.dir.display(),
            view.transaction_hash
        );
    }
    Ok(())
}
