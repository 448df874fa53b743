//! `hyperforge wallet withdraw --amount AMOUNT [--to L1_ADDRESS]`: burn on L2, claimable on
//! L1 once the batch settles.

use hyperforge_primitives::tx::TxKind;

use crate::cli::WalletWithdrawArgs;

pub(super) async fn run(args: WalletWithdrawArgs) -> anyhow::Result<()> {
    let sender = super::l2::sender(args.send.private_key.as_deref())?;
    let kind = TxKind::Withdraw {
        l1_recipient: args.to.unwrap_or(sender.address),
        amount: args.amount,
    };
    super::l2::send(&args.send, kind).await
}
