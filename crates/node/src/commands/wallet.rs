//! `hyperforge wallet ...`: L2 transactions through a sequencer's JSON-RPC, L1 deposits and
//! key registrations through the bridge.

mod balance;
mod deposit;
mod execute_message;
mod finalize_withdrawal;
pub(crate) mod l2;
mod nonce;
mod receipt;
mod register_key;
mod send_message;
mod transfer;
mod withdraw;

use crate::cli::WalletCommand;

pub(crate) fn run(command: WalletCommand) -> anyhow::Result<()> {
    match command {
        WalletCommand::Deposit(args) => super::l1::block_on(deposit::run(args)),
        WalletCommand::Balance(args) => super::l1::block_on(balance::run(args)),
        WalletCommand::Nonce(args) => super::l1::block_on(nonce::run(args)),
        WalletCommand::Transfer(args) => super::l1::block_on(transfer::run(args)),
        WalletCommand::Withdraw(args) => super::l1::block_on(withdraw::run(args)),
        WalletCommand::SendMessage(args) => super::l1::block_on(send_message::run(args)),
        WalletCommand::RegisterKey(args) => super::l1::block_on(register_key::run(args)),
        WalletCommand::Receipt(args) => super::l1::block_on(receipt::run(args)),
        WalletCommand::ExecuteMessage(args) => super::l1::block_on(execute_message::run(args)),
        WalletCommand::FinalizeWithdrawal(args) => {
            super::l1::block_on(finalize_withdrawal::run(args))
        }
    }
}
