//! `hyperforge wallet ...`

mod deposit;

use crate::cli::WalletCommand;

pub(crate) fn run(command: WalletCommand) -> anyhow::Result<()> {
    match command {
        WalletCommand::Deposit(args) => super::l1::block_on(deposit::run(args)),
    }
}
