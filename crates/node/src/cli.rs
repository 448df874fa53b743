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
