//! Where a cross-chain message or a withdrawal stands, read from the sequencers' JSON-RPC:
//! what `wallet execute-message`, `wallet finalize-withdrawal` and the relayer share.
//!
//! A message from chain S to chain D goes: sent in a block of S, sealed into a batch, proven,
//! settled on L1 (the bridge appends the batch's outbox root to its message root queue at
//! index I), imported by D at import index I, executed on D (`ExecuteMessage`, which writes
//! its nullifier). A withdrawal stops at settled: then `Bridge.finalizeWithdrawal` pays it.

use std::{path::Path, time::Duration};

use anyhow::{Context, bail};
use hyperforge_primitives::{
    ChainId,
    block::ProofStatus,
    bridge::{MerkleProof, OUTBOX_DEPTH, digest_from_b256},
    tx::{Digest, Message, TxKind},
};
use hyperforge_sequencer::api::{HfApiClient, OutboxEntryView};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

/// A JSON-RPC client of the sequencer at `url`.
pub(crate) fn sequencer_client(url: &str) -> anyhow::Result<HttpClient> {
    HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(30))
        .build(url)
        .with_context(|| format!("invalid JSON-RPC URL {url}"))
}

/// A chain folder's name and its sequencer's JSON-RPC URL (from `[sequencer] rpc_addr`).
pub(crate) fn chain_rpc(dir: &Path) -> anyhow::Result<(String, ChainId, String)> {
    let config = hyperforge_config::ChainConfigLoader::new(dir)
        .load()
        .with_context(|| format!("cannot load the chain in {}", dir.display()))?;
    Ok((
        config.chain.name.clone(),
        config.chain.chain_id,
        format!("http://{}", config.sequencer.rpc_addr),
    ))
}

/// The other chain folders beside `dir` (its siblings holding a `chain.toml`), by name.
pub(crate) fn sibling_chains(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let dir = dir
        .canonicalize()
        .with_context(|| format!("no chain folder {}", dir.display()))?;
    let Some(parent) = dir.parent() else {
        return Ok(Vec::new());
    };
    let mut siblings = Vec::new();
    for entry in std::fs::read_dir(parent)
        .with_context(|| format!("cannot list the chains in {}", parent.display()))?
    {
        let path = entry?.path();
        if path != dir && path.join("chain.toml").is_file() {
            siblings.push(path);
        }
    }
    siblings.sort();
    Ok(siblings)
}

/// How far a message got, as far as its destination is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MessageStage {
    /// In block `block` of the source; its batch is not sealed yet.
    Sent { block: u64 },
    /// In sealed batch `batch`, which is not settled on L1 yet (`status`: pending or proven).
    Batched { batch: u64, status: ProofStatus },
    /// Settled on L1; the source has not seen the batch's root queued on the bridge yet.
    Settled { batch: u64, l1_block: u64 },
    /// Queued at index `import_index` on the bridge; the destination has not imported it yet.
    Queued { batch: u64, import_index: u64 },
    /// Imported on the destination: `ExecuteMessage` can run.
    Executable(Box<Executable>),
    /// Executed on the destination already.
    Executed { import_index: u64, leaf_index: u16 },
}

/// Everything an `ExecuteMessage` transaction carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Executable {
    pub(crate) message: Message,
    pub(crate) import_index: u32,
    pub(crate) leaf_index: u16,
    pub(crate) siblings: [Digest; OUTBOX_DEPTH],
}

impl Executable {
    /// The transaction that executes it.
    pub(crate) fn kind(&self) -> TxKind {
        TxKind::ExecuteMessage {
            message: self.message.clone(),
            import_index: self.import_index,
            leaf_index: self.leaf_index,
            siblings: Box::new(self.siblings),
        }
    }
}

impl MessageStage {
    /// What the message waits for, in a sentence naming the chains (`source`, `destination`).
    pub(crate) fn waiting_for(&self, source: &str, destination: &str) -> String {
        match self {
            Self::Sent { block } => format!(
                "the message is in block {block} of {source}; waiting for its batch to be sealed"
            ),
            Self::Batched { batch, status } => format!(
                "the message is in batch {batch} of {source}, which is {}; waiting for it to be {}settled on L1",
                status.as_str(),
                if *status == ProofStatus::Pending {
                    "proven and "
                } else {
                    ""
                }
            ),
            Self::Settled { batch, l1_block } => format!(
                "batch {batch} of {source} settled in L1 block {l1_block}; waiting for {source} to see its message root queued on the bridge"
            ),
            Self::Queued {
                batch,
                import_index,
            } => format!(
                "batch {batch} of {source} is settled and its message root is entry {import_index} of the bridge's queue; waiting for {destination} to import it"
            ),
            Self::Executable(_) => format!("the message can execute on {destination}"),
            Self::Executed {
                import_index,
                leaf_index,
            } => format!(
                "the message (leaf {leaf_index} of import {import_index}) was executed on {destination} already"
            ),
        }
    }
}

/// The message of `view` (from the source's `hf_getMessageProof`) and how far it got, asking
/// the destination (`destination`, chain `destination_id`) whether it imported and executed it.
pub(crate) async fn message_stage(
    view: &OutboxEntryView,
    destination: &HttpClient,
    destination_id: ChainId,
) -> anyhow::Result<MessageStage> {
    let message = view
        .message
        .as_ref()
        .context("the source answered an outbox entry without its message")?
        .to_message()
        .map_err(|error| anyhow::anyhow!("the source answered a malformed message: {error}"))?;
    if message.dst_chain != destination_id {
        bail!(
            "the message is for chain {}, not for chain {destination_id}",
            message.dst_chain
        );
    }
    let (Some(batch), Some(leaf_index), Some(status)) =
        (view.batch_number, view.leaf_index, view.batch_status)
    else {
        return Ok(MessageStage::Sent {
            block: view.block_number,
        });
    };
    let Some(settlement) = &view.settlement else {
        return Ok(MessageStage::Batched { batch, status });
    };
    let Some(import_index) = view.message_root_index else {
        return Ok(MessageStage::Settled {
            batch,
            l1_block: settlement.l1_block,
        });
    };
    let leaf_index = u16::try_from(leaf_index)
        .ok()
        .filter(|index| u32::from(*index) >> OUTBOX_DEPTH == 0)
        .with_context(|| format!("the source answered leaf index {leaf_index}"))?;
    let import = u32::try_from(import_index)
        .with_context(|| format!("import index {import_index} exceeds 2^32"))?;
    let root = destination
        .get_message_root(import_index)
        .await
        .context("cannot ask the destination about the message root")?;
    if !root.is_some_and(|root| root.imported) {
        return Ok(MessageStage::Queued {
            batch,
            import_index,
        });
    }
    if destination
        .is_message_executed(import, leaf_index)
        .await
        .context("cannot ask the destination whether the message executed")?
    {
        return Ok(MessageStage::Executed {
            import_index,
            leaf_index,
        });
    }
    let siblings = siblings(view)?;
    Ok(MessageStage::Executable(Box::new(Executable {
        message,
        import_index: import,
        leaf_index,
        siblings,
    })))
}

/// The outbox path of a sealed entry's view.
fn siblings(view: &OutboxEntryView) -> anyhow::Result<[Digest; OUTBOX_DEPTH]> {
    let siblings = view
        .siblings
        .iter()
        .map(digest_from_b256)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| anyhow::anyhow!("the source answered a malformed sibling: {error}"))?;
    siblings.try_into().map_err(|siblings: Vec<Digest>| {
        anyhow::anyhow!(
            "the source answered {} siblings, an outbox path has {OUTBOX_DEPTH}",
            siblings.len()
        )
    })
}

/// The withdrawal claim and path of a settled withdrawal's view (`hf_getWithdrawalProof`), or
/// the stage it waits for, in a sentence naming the chain.
pub(crate) fn withdrawal_claim(
    view: &OutboxEntryView,
    chain: &str,
) -> anyhow::Result<Result<(u64, hyperforge_l1::WithdrawalClaim, MerkleProof), String>> {
    let withdrawal = view
        .withdrawal
        .as_ref()
        .context("the sequencer answered an outbox entry without its withdrawal")?;
    let (Some(batch), Some(leaf_index), Some(status)) =
        (view.batch_number, view.leaf_index, view.batch_status)
    else {
        return Ok(Err(format!(
            "the withdrawal is in block {} of {chain}; waiting for its batch to be sealed",
            view.block_number
        )));
    };
    if view.settlement.is_none() {
        return Ok(Err(format!(
            "the withdrawal is in batch {batch} of {chain}, which is {}; waiting for it to be settled on L1",
            status.as_str()
        )));
    }
    let amount = withdrawal
        .amount_gwei
        .parse::<u64>()
        .map(hyperforge_primitives::Amount::from_gwei)
        .with_context(|| format!("the sequencer answered amount {:?}", withdrawal.amount_gwei))?;
    let claim = hyperforge_l1::WithdrawalClaim {
        l2_sender: withdrawal.l2_sender,
        l1_recipient: withdrawal.l1_recipient,
        amount,
    };
    let path = MerkleProof {
        index: u64::from(leaf_index),
        siblings: siblings(view)?.to_vec(),
    };
    Ok(Ok((batch, claim, path)))
}
