//! `hyperforge relayer --chains chains/alpha,chains/beta`: delivers cross-chain messages
//! between those chains until SIGINT or SIGTERM.
//!
//! Each round it reads every chain's new blocks (`hf_getBlock`), keeps the messages they send
//! to another chain of the set (and, with `--finalize-withdrawals`, their withdrawals), and
//! asks where each stands ([`crate::messages`]): once a message's batch is settled and its
//! root imported on the destination, it signs `ExecuteMessage` there from its own account
//! (`--private-key`, default anvil's dev account 9, which the devnet template funds and
//! registers at genesis); once a withdrawal's batch is settled, it calls
//! `Bridge.finalizeWithdrawal` on L1 (the chain's `[l1]`). `--delay-ms` holds every delivery
//! back that long after it became possible, so manual execution can be tested.
//!
//! It keeps no state: a restart reads the chains from block 1 again and skips what was
//! executed (the destination's nullifier) or finalized (the bridge refuses a second payment,
//! which counts as done).

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use alloy::primitives::B256;
use anyhow::Context;
use hyperforge_config::{ChainConfig, ChainConfigLoader};
use hyperforge_l1::BridgeClient;
use hyperforge_primitives::{ChainId, block::Slot, tx::TxKind};
use hyperforge_sequencer::api::{BlockNumberOrTag, EthApiClient, HfApiClient};
use jsonrpsee::http_client::HttpClient;

use crate::{
    cli::{RelayerArgs, SignerArgs},
    commands::wallet::l2::{Sender, quantity, sender, submit},
    messages::{MessageStage, message_stage, sequencer_client, withdrawal_claim},
};

/// One chain the relayer serves.
struct Chain {
    name: String,
    chain_id: ChainId,
    url: String,
    client: HttpClient,
    config: ChainConfig,
    /// The next block to read.
    next_block: u64,
}

/// A message or withdrawal not delivered yet.
#[derive(Debug, Clone)]
struct Pending {
    /// The chain (index into the chains) that made it.
    source: usize,
    /// Where it goes: the destination chain's index, `None` for L1.
    destination: Option<usize>,
    /// When it first became deliverable (the delay counts from there).
    ready_since: Option<Instant>,
    /// The `ExecuteMessage` sent for it, while not included.
    sent: Option<B256>,
}

pub(crate) fn run(args: RelayerArgs) -> anyhow::Result<()> {
    let mut chains = Vec::new();
    for dir in &args.chains {
        let config = ChainConfigLoader::new(dir)
            .load()
            .with_context(|| format!("cannot load the chain in {}", dir.display()))?;
        let url = format!("http://{}", config.sequencer.rpc_addr);
        chains.push(Chain {
            name: config.chain.name.clone(),
            chain_id: config.chain.chain_id,
            client: sequencer_client(&url)?,
            url,
            config,
            next_block: 1,
        });
    }
    anyhow::ensure!(!chains.is_empty(), "name the chains with --chains DIR,DIR");
    // One account on every chain and on L1: anvil's dev account 9 unless told otherwise.
    let key = args.private_key.clone().unwrap_or_else(|| {
        format!(
            "0x{}",
            alloy::hex::encode(hyperforge_primitives::dev::ACCOUNTS[9].private_key.0)
        )
    });
    let relayer = sender(Some(&key))?;
    let l1_signer = crate::commands::l1::signer(&SignerArgs {
        private_key: Some(key),
    })?;
    let delay = Duration::from_millis(args.delay_ms);
    let poll = Duration::from_millis(args.poll_interval_ms.max(10));
    super::l1::block_on(async move {
        tracing::info!(
            target: "node::relayer",
            chains = %chains.iter().map(|chain| chain.name.as_str()).collect::<Vec<_>>().join(","),
            account = %relayer.address,
            finalize_withdrawals = args.finalize_withdrawals,
            delay_ms = args.delay_ms,
            "relaying {} chains",
            chains.len()
        );
        let mut pending: BTreeMap<B256, Pending> = BTreeMap::new();
        let shutdown = super::sequencer::shutdown_signal();
        tokio::pin!(shutdown);
        loop {
            let round = async {
                for index in 0..chains.len() {
                    if let Err(error) =
                        read_blocks(&mut chains, index, args.finalize_withdrawals, &mut pending)
                            .await
                    {
                        tracing::warn!(target: "node::relayer", chain = %chains[index].name, error = %format!("{error:#}"), "cannot read new blocks; trying again next round");
                    }
                }
                deliver(&chains, &relayer, &l1_signer, delay, &mut pending).await;
            };
            tokio::select! {
                () = round => {}
                signal = &mut shutdown => {
                    tracing::info!(target: "node::relayer", signal = signal?, "stopping");
                    return Ok(());
                }
            }
            tokio::select! {
                () = tokio::time::sleep(poll) => {}
                signal = &mut shutdown => {
                    tracing::info!(target: "node::relayer", signal = signal?, "stopping");
                    return Ok(());
                }
            }
        }
    })
}

/// Reads chain `index`'s blocks since the last round; keeps what it must deliver.
async fn read_blocks(
    chains: &mut [Chain],
    index: usize,
    withdrawals: bool,
    pending: &mut BTreeMap<B256, Pending>,
) -> anyhow::Result<()> {
    let head = quantity(&EthApiClient::block_number(&chains[index].client).await?)?;
    while chains[index].next_block <= head {
        let number = chains[index].next_block;
        let view = chains[index]
            .client
            .get_block(BlockNumberOrTag::Number(number).into())
            .await?
            .with_context(|| format!("block {number} is missing"))?;
        let block = view
            .to_block()
            .map_err(|error| anyhow::anyhow!("block {number} does not check: {error}"))?;
        for (slot, shown) in block.slots.iter().zip(&view.transactions) {
            let Slot::Tx(tx) = slot else { continue };
            let destination = match &tx.body.kind {
                TxKind::SendMessage { dst_chain, .. } => {
                    match chains.iter().position(|chain| chain.chain_id == *dst_chain) {
                        Some(destination) => Some(destination),
                        None => {
                            tracing::warn!(target: "node::relayer", tx = %shown.hash, dst_chain = %dst_chain, "a message to a chain this relayer does not serve: skipped");
                            continue;
                        }
                    }
                }
                TxKind::Withdraw { .. } if withdrawals => None,
                _ => continue,
            };
            tracing::debug!(target: "node::relayer", tx = %shown.hash, block = number, "to deliver");
            pending.insert(
                shown.hash,
                Pending {
                    source: index,
                    destination,
                    ready_since: None,
                    sent: None,
                },
            );
        }
        chains[index].next_block = number + 1;
    }
    Ok(())
}

/// One pass over what is pending: deliver what can be, drop what is done.
async fn deliver(
    chains: &[Chain],
    relayer: &Sender,
    l1_signer: &alloy::signers::local::PrivateKeySigner,
    delay: Duration,
    pending: &mut BTreeMap<B256, Pending>,
) {
    let mut done = Vec::new();
    for (hash, item) in pending.iter_mut() {
        let source = &chains[item.source];
        let outcome = match item.destination {
            Some(destination) => {
                deliver_message(*hash, item, source, &chains[destination], relayer, delay).await
            }
            None => deliver_withdrawal(*hash, item, source, l1_signer, delay).await,
        };
        match outcome {
            Ok(true) => done.push(*hash),
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(target: "node::relayer", tx = %hash, chain = %source.name, error = %format!("{error:#}"), "delivery failed; trying again next round")
            }
        }
    }
    for hash in done {
        pending.remove(&hash);
    }
}

/// `Ok(true)` once the message is executed on its destination.
async fn deliver_message(
    hash: B256,
    item: &mut Pending,
    source: &Chain,
    destination: &Chain,
    relayer: &Sender,
    delay: Duration,
) -> anyhow::Result<bool> {
    let view = source
        .client
        .get_message_proof(hash)
        .await?
        .context("the source no longer knows the message")?;
    match message_stage(&view, &destination.client, destination.chain_id).await? {
        MessageStage::Executed { .. } => {
            tracing::info!(target: "node::relayer", tx = %hash, from = %source.name, to = %destination.name, "message executed");
            Ok(true)
        }
        MessageStage::Executable(executable) => {
            let since = *item.ready_since.get_or_insert_with(Instant::now);
            if since.elapsed() < delay {
                return Ok(false);
            }
            if let Some(sent) = item.sent {
                // Sent already: wait for it unless the destination forgot it.
                if destination
                    .client
                    .get_transaction_receipt(sent)
                    .await?
                    .is_some()
                {
                    return Ok(false);
                }
            }
            let sent = submit(
                &destination.client,
                &destination.url,
                relayer,
                executable.kind(),
            )
            .await?;
            item.sent = Some(sent);
            tracing::info!(target: "node::relayer", tx = %hash, from = %source.name, to = %destination.name, execute_tx = %sent, import = executable.import_index, leaf = executable.leaf_index, "message sent for execution");
            Ok(false)
        }
        stage => {
            tracing::debug!(target: "node::relayer", tx = %hash, "{}", stage.waiting_for(&source.name, &destination.name));
            Ok(false)
        }
    }
}

/// `Ok(true)` once the withdrawal is paid on L1.
async fn deliver_withdrawal(
    hash: B256,
    item: &mut Pending,
    source: &Chain,
    l1_signer: &alloy::signers::local::PrivateKeySigner,
    delay: Duration,
) -> anyhow::Result<bool> {
    let view = source
        .client
        .get_withdrawal_proof(hash)
        .await?
        .context("the chain no longer knows the withdrawal")?;
    let (batch, claim, path) = match withdrawal_claim(&view, &source.name)? {
        Ok(claim) => claim,
        Err(waiting) => {
            tracing::debug!(target: "node::relayer", tx = %hash, "{waiting}");
            return Ok(false);
        }
    };
    let since = *item.ready_since.get_or_insert_with(Instant::now);
    if since.elapsed() < delay {
        return Ok(false);
    }
    let bridge = crate::commands::l1::chain_bridge(&source.config)?;
    let client = BridgeClient::connect(source.config.l1.rpc_url.clone(), l1_signer.clone(), bridge);
    match client
        .finalize_withdrawal(source.chain_id, batch, &claim, &path)
        .await
    {
        Ok(outcome) => {
            tracing::info!(target: "node::relayer", tx = %hash, chain = %source.name, l1_tx = %outcome.hash, amount_gwei = claim.amount.gwei(), recipient = %claim.l1_recipient, "withdrawal finalized");
            Ok(true)
        }
        Err(error) if error.revert_name() == Some("WithdrawalAlreadyFinalized") => {
            tracing::info!(target: "node::relayer", tx = %hash, chain = %source.name, "withdrawal finalized already");
            Ok(true)
        }
        Err(error) => Err(error.into()),
    }
}
