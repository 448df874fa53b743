//! `hyperforge wallet deposit --chain chains/<name> --amount <amount>`: an L1 deposit into the
//! chain's priority queue, credited to `--to` (default: the sender) on L2.

use anyhow::Context;
use hyperforge_l1::BridgeClient;

use crate::{cli::WalletDepositArgs, commands::load_chain};

pub(super) async fn run(args: WalletDepositArgs) -> anyhow::Result<()> {
    let config = load_chain(&args.chain)?;
    let bridge = crate::commands::l1::chain_bridge(&config)?;
    let signer = crate::commands::l1::signer(&args.signer)?;
    let recipient = args.to.unwrap_or(signer.address());
    let client = BridgeClient::connect(config.l1.rpc_url.clone(), signer, bridge);
    let outcome = client
        .deposit(config.chain.chain_id, recipient, args.amount)
        .await
        .with_context(|| format!("deposit to chain {} failed", config.chain.chain_id))?;
    tracing::info!(target: "node::wallet", tx = %outcome.hash, gas = outcome.gas_used, "deposit sent");
    let queue = outcome
        .queue_index
        .map_or_else(String::new, |index| format!(", queue index {index}"));
    println!(
        "deposited {} gwei to {recipient} on chain {} (L1 tx {}, block {}{queue})",
        args.amount.gwei(),
        config.chain.chain_id,
        outcome.hash,
        outcome.block_number
    );
    Ok(())
}
