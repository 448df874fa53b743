//! `hyperforge wallet finalize-withdrawal --chain chains/<name> --tx <hash>`: pays on L1 a
//! withdrawal (or a failed deposit's refund, by its receipt id) once its batch is settled,
//! with the Merkle path the chain's sequencer serves (`hf_getWithdrawalProof`).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hyperforge_l1::BridgeClient;
use hyperforge_sequencer::api::HfApiClient;

use crate::{
    cli::WalletFinalizeWithdrawalArgs,
    commands::load_chain,
    messages::{sequencer_client, withdrawal_claim},
};

pub(super) async fn run(args: WalletFinalizeWithdrawalArgs) -> anyhow::Result<()> {
    let config = load_chain(&args.chain)?;
    let bridge = crate::commands::l1::chain_bridge(&config)?;
    let url = match &args.rpc {
        Some(url) => url.to_string(),
        None => format!("http://{}", config.sequencer.rpc_addr),
    };
    let sequencer = sequencer_client(&url)?;
    let name = config.chain.name.clone();
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    let (batch, claim, path) = loop {
        let view = sequencer
            .get_withdrawal_proof(args.tx)
            .await
            .map_err(|error| match error {
                jsonrpsee::core::ClientError::Call(object) => {
                    anyhow::anyhow!(
                        "{name} refused: {} (code {})",
                        object.message(),
                        object.code()
                    )
                }
                other => anyhow::Error::new(other)
                    .context(format!("cannot reach the sequencer of {name} at {url}")),
            })?
            .with_context(|| format!("{name} has no withdrawal {} in a block", args.tx))?;
        match withdrawal_claim(&view, &name)? {
            Ok(claim) => break claim,
            Err(waiting) => {
                if Instant::now() >= deadline {
                    if args.wait == 0 {
                        bail!("not finalizable yet: {waiting} (`--wait SECONDS` waits for it)");
                    }
                    bail!("not finalizable after {} s: {waiting}", args.wait);
                }
                tracing::info!(target: "node::wallet", "{waiting}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    };
    let signer = crate::commands::l1::signer(&args.signer)?;
    let client = BridgeClient::connect(config.l1.rpc_url.clone(), signer, bridge);
    let outcome = client
        .finalize_withdrawal(config.chain.chain_id, batch, &claim, &path)
        .await
        .with_context(|| {
            format!(
                "finalizing the withdrawal at leaf {} of batch {batch} of {name} failed",
                path.index
            )
        })?;
    tracing::info!(target: "node::wallet", tx = %outcome.hash, gas = outcome.gas_used, "withdrawal finalized");
    println!(
        "finalized: {} gwei paid to {} on L1 (batch {batch} of {name}, leaf {}; L1 tx {}, block {})",
        claim.amount.gwei(),
        claim.l1_recipient,
        path.index,
        outcome.hash,
        outcome.block_number
    );
    Ok(())
}
