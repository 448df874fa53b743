//! `hyperforge wallet transfer --to ADDRESS --amount AMOUNT`: an L2 transfer.

use hyperforge_primitives::tx::TxKind;

use crate::cli::WalletTransferArgs;

pub(super) async fn run(args: WalletTransferArgs) -> anyhow::Result<()> {
    let kind = TxKind::Transfer {
        to: args.to,
        amount: args.amount,
    };
    super::l2::send(&args.send, kind).await
}
