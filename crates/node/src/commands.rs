//! One module per noun, one file per verb.

mod config;
mod l1;
mod message;
mod p2p;
mod prover;
mod relayer;
mod sequencer;
mod settler;
mod wallet;

use hyperforge_config::{ChainConfig, ChainConfigLoader, Overrides};

use crate::cli::{ChainArgs, Command};

/// Runs one command.
pub(crate) fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Config(command) => config::run(command),
        Command::L1(command) => l1::run(command),
        Command::Sequencer(args) => sequencer::run(args),
        Command::Prover(args) => prover::run(args),
        Command::Wallet(command) => wallet::run(command),
        Command::Settler(args) => settler::run(args),
        Command::Relayer(args) => relayer::run(args),
        Command::Message(command) => message::run(command),
        Command::P2p(command) => p2p::run(command),
    }
}

/// Loads the chain that `args` names, with its `--set` flags as the last layer.
pub(crate) fn load_chain(args: &ChainArgs) -> anyhow::Result<ChainConfig> {
    let mut overrides = Overrides::new();
    for flag in &args.set {
        overrides.parse_flag(flag)?;
    }
    let config = ChainConfigLoader::new(&args.chain)
        .with_overrides(overrides)
        .load()?;
    tracing::debug!(target: "node::config", chain = %config.chain.name, "configuration loaded");
    Ok(config)
}
