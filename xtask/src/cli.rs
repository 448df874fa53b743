//! The `cargo xtask` command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// hyperforge's project automation.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
pub(crate) struct Cli {
    /// The project root (default: the tree this xtask was built from).
    #[arg(long, global = true, hide = true)]
    pub(crate) root: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scaffold and check chains under chains/.
    #[command(subcommand)]
    Chain(ChainCommand),
    /// Run the whole test suite as CI does: npm tools, formatting, clippy, then every test.
    Test,
    /// Install the npm tools in tools/ (anvil, solc-js) if they are missing.
    Tools,
    /// Compile contracts/src with solc-js into the committed contracts/out/<Name>.json.
    Contracts {
        /// `verifier`: first regenerate contracts/src/PlonkyVerifier.sol from the final circuit.
        #[command(subcommand)]
        command: Option<ContractsCommand>,
    },
    /// Run a benchmark; prints `BENCH <name> <value> <unit>` lines.
    Bench {
        /// What to measure.
        #[arg(value_enum)]
        target: BenchTarget,
        /// `sequencer` only: measure a release build of `hyperforge` (anvil is one) instead of
        /// the test build; the first release build takes about 25 minutes on 2 cores.
        #[arg(long)]
        release: bool,
    },
}

/// What `cargo xtask contracts` regenerates before compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub(crate) enum ContractsCommand {
    /// Write contracts/src/PlonkyVerifier.sol for the final circuit (today the stand-in of
    /// `hyperforge_solidity_verifier::standin`), then compile.
    Verifier,
}

/// What `cargo xtask bench` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum BenchTarget {
    /// Gas of each L1 bridge function on a real anvil.
    L1,
    /// Rows per in-circuit signature verification and prove time for 1, 16 and 64 signatures.
    Prover,
    /// Transfers per second through a real sequencer process, side by side with anvil.
    Sequencer,
    /// Proven transfers per second through a sequencer and prover processes over libp2p
    /// (1 prover with 2 workers against 2 provers with 1), and the network's overhead per job.
    Provers,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ChainCommand {
    /// Create chains/<name>/ from a template.
    New(ChainNewArgs),
    /// List the chains: name, chain id, template, DA mode, RPC address.
    List,
    /// Check one chain, or all, and that no two share a chain id or a port.
    Validate {
        /// The chain to check (default: every chain).
        name: Option<String>,
    },
    /// Print a chain's fully resolved configuration (defaults, file, environment) as TOML.
    Show {
        /// The chain.
        name: String,
        /// Override one key, like `--set sequencer.block_time_ms=500` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub(crate) struct ChainNewArgs {
    /// The chain's name: 1-64 ASCII letters, digits, `-` or `_`.
    pub(crate) name: String,
    /// The template, a folder under templates/ (devnet, rollup, validium, ...).
    #[arg(long, short)]
    pub(crate) template: String,
    /// The chain id (default: the lowest one from 270 up that no other chain uses).
    #[arg(long)]
    pub(crate) chain_id: Option<u64>,
    /// The JSON-RPC port (default: the lowest free one from 3050 up).
    #[arg(long)]
    pub(crate) rpc_port: Option<u16>,
    /// The libp2p port (default: the lowest free one from 3150 up).
    #[arg(long)]
    pub(crate) p2p_port: Option<u16>,
    /// Fund an account at genesis, like `--fund 0xabc...=100ether` or `=5000000 gwei`
    /// (repeatable).
    #[arg(long, value_name = "ADDRESS=AMOUNT")]
    pub(crate) fund: Vec<String>,
    /// Replace chains/<name>/ if it exists, data directory included.
    #[arg(long)]
    pub(crate) force: bool,
}
