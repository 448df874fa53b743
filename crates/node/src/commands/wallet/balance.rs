//! `hyperforge wallet balance (--rpc URL | --chain DIR) ADDRESS`: an account's L2 balance.

use anyhow::Context;
use hyperforge_sequencer::api::HfApiClient;

use crate::cli::WalletReadArgs;

pub(super) async fn run(args: WalletReadArgs) -> anyhow::Result<()> {
    let (client, url) = super::l2::client(&args.target)?;
    let account = client
        .get_account(args.address.to_string())
        .await
        .with_context(|| format!("cannot reach the sequencer at {url}"))?;
    match account {
        Some(account) => {
            let gwei: u64 = account
                .balance_gwei
                .parse()
                .context("the sequencer answered a balance that is not a number")?;
            println!(
                "{} ETH ({gwei} gwei) at block {}",
                ether(gwei),
                account.block_number
            );
        }
        None => println!("0 ETH (no account on this chain)"),
    }
    Ok(())
}

/// Gwei as a decimal number of ether, without trailing zeros.
fn ether(gwei: u64) -> String {
    let whole = gwei / 1_000_000_000;
    let fraction = gwei % 1_000_000_000;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:09}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}
