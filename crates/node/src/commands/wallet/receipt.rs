//! `hyperforge wallet receipt (--rpc URL | --chain DIR) (HASH | --priority INDEX)`: where an
//! L2 transaction, or an L1 priority operation by its queue index, stands on L2. Two identical
//! deposits are two queue indices, so two receipts.

use anyhow::Context;
use hyperforge_sequencer::api::{HfApiClient, ReceiptStatus};

use crate::cli::WalletReceiptArgs;

pub(super) async fn run(args: WalletReceiptArgs) -> anyhow::Result<()> {
    let (client, url) = super::l2::client(&args.target)?;
    let (what, receipt) = match (args.hash, args.priority) {
        (_, Some(index)) => (
            format!("L1 priority operation {index}"),
            client.get_priority_receipt(index).await,
        ),
        (Some(hash), None) => (
            format!("transaction {hash}"),
            client.get_transaction_receipt(hash).await,
        ),
        (None, None) => anyhow::bail!("name a transaction hash or --priority INDEX"),
    };
    let receipt = receipt.with_context(|| format!("cannot reach the sequencer at {url}"))?;
    let Some(receipt) = receipt else {
        println!("{what}: unknown to the sequencer (not applied yet, or never sent)");
        return Ok(());
    };
    let place = match (receipt.block_number, receipt.position) {
        (Some(block), Some(position)) => format!(" in block {block}, slot {position}"),
        _ => String::new(),
    };
    match receipt.status {
        ReceiptStatus::Included => println!("{what}: included{place}"),
        ReceiptStatus::Pending => println!("{what}: pending"),
        ReceiptStatus::Failed => println!(
            "{what}: failed{place}: {}",
            receipt.error.as_deref().unwrap_or("no reason given")
        ),
    }
    Ok(())
}
