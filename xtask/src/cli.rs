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
    /// Start a local multi-chain network: anvil, the bridge, every chain's sequencer and
    /// provers, the settler and the relayer; Ctrl-C stops it. `--scenario NAME` runs a checked
    /// flow on a fresh one instead.
    Devnet(DevnetArgs),
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

/// `cargo xtask devnet`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct DevnetArgs {
    /// `status`: ask a running devnet how it is doing; `add-chain`: add a chain to it
    /// (without one: start a devnet).
    #[command(subcommand)]
    pub(crate) command: Option<DevnetCommand>,
    /// The chains to run, by name (default: every chain in chains/).
    #[arg(long, value_delimiter = ',')]
    pub(crate) chains: Option<Vec<String>>,
    /// Prover nodes per chain.
    #[arg(long, default_value_t = 1)]
    pub(crate) provers: u32,
    /// Where the network's state and logs live (default: data/devnet).
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Start over: remove the data directory first.
    #[arg(long)]
    pub(crate) fresh: bool,
    /// Restart a child that exits (default: report it and keep the others running).
    #[arg(long)]
    pub(crate) restart: bool,
    /// Use this L1 JSON-RPC URL instead of starting anvil.
    #[arg(long, value_name = "URL")]
    pub(crate) l1: Option<String>,
    /// The bridge's verifier: `plonky2` checks every settlement's proof on L1; `dev` checks
    /// none (UNCHECKED, for fast experiments).
    #[arg(long, default_value = "plonky2", value_parser = ["plonky2", "dev"])]
    pub(crate) verifier: String,
    /// The port anvil listens on (127.0.0.1); 0: anvil picks a free one.
    #[arg(long, default_value_t = 8545)]
    pub(crate) l1_port: u16,
    /// Replace each chain's RPC and p2p ports: chain `i` (in `--chains` order) gets `N + 2i`
    /// and `N + 2i + 1`; `auto`: free loopback ports (default: the chains' own).
    #[arg(long, value_name = "N|auto")]
    pub(crate) port_base: Option<PortBase>,
    /// Run a scripted flow on a fresh network of its own (its data directory, default
    /// data/devnet-scenario-<NAME>, is removed first; free ports), check every step, stop
    /// the network; exits 0 only when every check held. `list` names the scenarios.
    #[arg(long, value_name = "NAME|list")]
    pub(crate) scenario: Option<String>,
    /// Start no relayer: cross-chain messages wait for `hyperforge wallet execute-message`.
    #[arg(long)]
    pub(crate) no_relay: bool,
    /// The relayer waits this long after a message becomes executable before executing it
    /// (time to execute it by hand first).
    #[arg(long, value_name = "MS", conflicts_with = "no_relay")]
    pub(crate) relay_delay_ms: Option<u64>,
    /// The relayer also finalizes settled withdrawals on L1 (paid by dev account 9).
    #[arg(long, conflicts_with = "no_relay")]
    pub(crate) finalize_withdrawals: bool,
    /// How long a prover holds a proving job before the sequencer hands it to another, in
    /// ms (default: the sequencer's, 120 s).
    #[arg(long, value_name = "MS")]
    pub(crate) job_lease_ms: Option<u64>,
    /// Once one chain has a proven batch, how long the settler waits for the others' before
    /// it settles, in ms.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub(crate) settle_interval_ms: u64,
}

/// `cargo xtask devnet <command>`.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum DevnetCommand {
    /// Per chain its height and last batch sealed, proven and settled; the L1 block. Reads
    /// the data directory a running devnet writes.
    Status {
        /// The devnet's data directory (default: data/devnet).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Add chains/<NAME> (made with `cargo xtask chain new <NAME> --template devnet`) to the
    /// devnet running in the data directory: registered on the bridge, its sequencer and
    /// provers started, the settler and the relayer restarted over every chain. A resumed
    /// devnet starts it again.
    AddChain {
        /// The chain, a folder under chains/.
        name: String,
        /// The devnet's data directory (default: data/devnet).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Prover nodes for this chain (default: the devnet's --provers).
        #[arg(long)]
        provers: Option<u32>,
        /// How long to wait for the devnet's answer, in seconds.
        #[arg(long, value_name = "S", default_value_t = 300)]
        timeout_s: u64,
    },
}

/// `--port-base`: a first port, or free ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortBase {
    /// Free loopback ports the system picks.
    Auto,
    /// Consecutive ports from this one.
    Fixed(u16),
}

impl std::str::FromStr for PortBase {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "auto" {
            return Ok(Self::Auto);
        }
        match text.parse::<u16>() {
            Ok(port) if port > 0 => Ok(Self::Fixed(port)),
            _ => Err(format!(
                "`{text}` is neither `auto` nor a port from 1 to 65535"
            )),
        }
    }
}

/// What `cargo xtask contracts` regenerates before compiling.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub(crate) enum ContractsCommand {
    /// Write contracts/src/PlonkyVerifier.sol for the real final circuit over chunks of the
    /// `[prover.chunk]` shape of the chains in chains/ (all must agree), then compile. The
    /// recursion circuits are cached in $HYPERFORGE_CIRCUIT_CACHE (default
    /// ~/.cache/hyperforge/circuits).
    Verifier {
        /// Use this chain's `[prover.chunk]` (a folder holding chain.toml) instead.
        #[arg(long, value_name = "DIR")]
        chain: Option<PathBuf>,
    },
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
    /// Aggregation seconds, time to a mined `settle` and its gas for 1, 2 and 4 chains.
    Settler,
    /// Seconds until a fresh 2-chain devnet is ready, binaries built.
    Devnet,
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
