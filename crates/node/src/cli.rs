//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Launch and run hyperchains: ZK rollups that settle into one shared L1 bridge.
#[derive(Debug, Parser)]
#[command(name = "hyperforge", version, about)]
pub(crate) struct Cli {
    /// Log format on stderr (filter with RUST_LOG, default `info`).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "HYPERFORGE_LOG_FORMAT")]
    pub(crate) log_format: LogFormat,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Inspect a chain's configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The shared L1 bridge: deploy it, register chains on it.
    #[command(subcommand)]
    L1(L1Command),
    /// Send L1 deposits (more of the wallet comes with the sequencer).
    #[command(subcommand)]
    Wallet(WalletCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum L1Command {
    /// Deploy the bridge (and its development verifier) and write its address into the ecosystem file.
    Deploy(L1DeployArgs),
    /// Register a chain on the bridge and write the bridge's address into its chain.toml.
    Register(L1RegisterArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum WalletCommand {
    /// Deposit ETH from L1 into an account of a chain.
    Deposit(WalletDepositArgs),
}

/// The L1 account that signs.
#[derive(Debug, Args)]
pub(crate) struct SignerArgs {
    /// Its private key in hex (default: anvil's dev account 0, whose key is public: local
    /// networks only).
    #[arg(
        long,
        value_name = "HEX",
        env = "HYPERFORGE_PRIVATE_KEY",
        hide_env_values = true
    )]
    pub(crate) private_key: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct L1DeployArgs {
    /// The L1's JSON-RPC URL.
    #[arg(long = "l1", value_name = "URL")]
    pub(crate) l1: url::Url,
    #[command(flatten)]
    pub(crate) signer: SignerArgs,
    /// The only account allowed to settle (default: the deployer).
    #[arg(long, value_name = "ADDRESS", value_parser = hyperforge_primitives::parse_address)]
    pub(crate) settler: Option<hyperforge_primitives::Address>,
    /// The ecosystem file to write the bridge's address into (created if missing).
    #[arg(long, value_name = "FILE", default_value = "ecosystem.toml")]
    pub(crate) ecosystem: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct L1RegisterArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) signer: SignerArgs,
    /// The ecosystem file `l1 deploy` wrote (its `[l1] bridge` is the bridge).
    #[arg(long, value_name = "FILE", default_value = "ecosystem.toml")]
    pub(crate) ecosystem: PathBuf,
    /// The chain's genesis state root as a bytes32 digest (default: zero, until the state
    /// crate computes genesis roots).
    #[arg(long, value_name = "BYTES32")]
    pub(crate) genesis_root: Option<alloy::primitives::B256>,
}

#[derive(Debug, Args)]
pub(crate) struct WalletDepositArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) signer: SignerArgs,
    /// How much, like `1 ether` or `250 gwei` (whole gwei).
    #[arg(long)]
    pub(crate) amount: hyperforge_primitives::Amount,
    /// The L2 account credited (default: the sender's address).
    #[arg(long, value_name = "ADDRESS", value_parser = hyperforge_primitives::parse_address)]
    pub(crate) to: Option<hyperforge_primitives::Address>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print the fully resolved configuration (defaults < chain.toml < HYPERFORGE_* env < --set).
    Show(ConfigShowArgs),
}

/// Which chain, and the command-line layer of its configuration.
#[derive(Debug, Args)]
pub(crate) struct ChainArgs {
    /// The chain's folder, like `chains/alpha`.
    #[arg(long, value_name = "DIR")]
    pub(crate) chain: PathBuf,

    /// Override one key, like `--set sequencer.block_time_ms=500` (repeatable; beats the
    /// environment and chain.toml).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ConfigShowArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Toml)]
    pub(crate) format: OutputFormat,
}

/// How structured output is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// TOML, as in chain.toml.
    Toml,
    /// JSON.
    Json,
}
