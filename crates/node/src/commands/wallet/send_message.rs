//! `hyperforge wallet send-message --dst-chain ID --to ADDRESS [--amount A] [--payload HEX]`:
//! an L2 -> L2 message, delivered once the batch settles and the destination imports the
//! message root.

use anyhow::Context;
use hyperforge_primitives::tx::{DEFAULT_MAX_PAYLOAD, TxKind};

use crate::cli::WalletSendMessageArgs;

pub(super) async fn run(args: WalletSendMessageArgs) -> anyhow::Result<()> {
    let digits = args.payload.strip_prefix("0x").unwrap_or(&args.payload);
    let payload = alloy::hex::decode(digits).context("--payload is not hex")?;
    anyhow::ensure!(
        payload.len() <= DEFAULT_MAX_PAYLOAD,
        "--payload is {} bytes, at most {DEFAULT_MAX_PAYLOAD} are allowed",
        payload.len()
    );
    let kind = TxKind::SendMessage {
        dst_chain: args.dst_chain,
        recipient: args.to,
        value: args.amount,
        payload,
    };
    super::l2::send(&args.send, kind).await
}
