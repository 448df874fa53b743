//! `hyperforge wallet nonce (--rpc URL | --chain DIR) ADDRESS`: the next nonce, counting the
//! account's pending transactions.

use anyhow::Context;
use hyperforge_sequencer::api::{BlockNumberOrTag, EthApiClient};

use crate::cli::WalletReadArgs;

pub(super) async fn run(args: WalletReadArgs) -> anyhow::Result<()> {
    let (client, url) = super::l2::client(&args.target)?;
    let nonce = client
        .get_transaction_count(
            args.address.to_string(),
            Some(BlockNumberOrTag::Pending.into()),
        )
        .await
        .with_context(|| format!("cannot reach the sequencer at {url}"))?;
    println!("{}", super::l2::quantity(&nonce)?);
    Ok(())
}
