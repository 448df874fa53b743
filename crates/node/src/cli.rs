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
    /// Run a chain's sequencer: mempool, blocks, batches, JSON-RPC and metrics.
    Sequencer(SequencerArgs),
    /// Run a prover node: take proving jobs from a sequencer over libp2p, prove, submit.
    Prover(ProverArgs),
    /// Send transactions and read accounts: L2 through a sequencer's JSON-RPC, deposits on L1.
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Settle the chains' proven batches on the bridge, aggregated into one checked proof.
    Settler(SettlerArgs),
    /// Trace a cross-chain message or a withdrawal through every stage.
    #[command(subcommand)]
    Message(MessageCommand),
    /// Deliver cross-chain messages between chains (and, if asked, pay withdrawals on L1) as
    /// soon as their batches settle.
    Relayer(RelayerArgs),
    /// Follow a chain's libp2p gossip.
    #[command(subcommand)]
    P2p(P2pCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum P2pCommand {
    /// Print a chain's announcements (blocks, batches sealed, batches proven) as they arrive,
    /// each checked to come from the chain's sequencer.
    Watch(P2pWatchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct P2pWatchArgs {
    /// The chain's folder, like `chains/alpha`.
    #[arg(long, value_name = "DIR")]
    pub(crate) chain: PathBuf,
    /// Override one key of the chain's configuration (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// The sequencer's p2p multiaddr, ending in `/p2p/<peer id>` (default: the chain's first
    /// `[p2p] bootnodes`).
    #[arg(long, value_name = "MULTIADDR")]
    pub(crate) bootnode: Option<hyperforge_p2p::Multiaddr>,
    /// The topics to follow, comma-separated (default: all three).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub(crate) topics: Vec<WatchTopic>,
    /// Exit after this many announcements.
    #[arg(long, value_name = "N")]
    pub(crate) count: Option<u64>,
}

/// A chain's gossip topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WatchTopic {
    /// `hyperforge/<id>/blocks`: every committed block's header.
    Blocks,
    /// `hyperforge/<id>/batches`: every sealed batch, once planned into proving jobs.
    Batches,
    /// `hyperforge/<id>/proven`: every batch whose proof is stored.
    Proven,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MessageCommand {
    /// Every stage of a message or withdrawal (sent, batched, proven, settled, imported,
    /// executed or finalized), and the one it waits for.
    Status(MessageStatusArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MessageStatusArgs {
    /// The transaction that sent the message or made the withdrawal.
    #[arg(value_name = "HASH")]
    pub(crate) hash: alloy::primitives::B256,
    /// The chains to look on, comma-separated folders (default: every chain in `chains/`; a
    /// devnet's copies are under its data directory, `data/devnet/chains/*`).
    #[arg(long, value_name = "DIRS", value_delimiter = ',')]
    pub(crate) chains: Vec<PathBuf>,
}

/// `hyperforge relayer`: which chains, which account, how to pace.
#[derive(Debug, Args)]
pub(crate) struct RelayerArgs {
    /// The chains' folders, comma-separated, like `chains/alpha,chains/beta` (their sequencers'
    /// RPC addresses and `[l1]`).
    #[arg(long, value_name = "DIRS", value_delimiter = ',', required = true)]
    pub(crate) chains: Vec<PathBuf>,
    /// The relaying account's Ethereum private key in hex: it signs `ExecuteMessage` on every
    /// chain (its L2 key must be registered there) and pays `finalizeWithdrawal` gas on L1
    /// (default: anvil's dev account 9, whose key is public: local networks only).
    #[arg(
        long,
        value_name = "HEX",
        env = "HYPERFORGE_PRIVATE_KEY",
        hide_env_values = true
    )]
    pub(crate) private_key: Option<String>,
    /// Hold every delivery back this many milliseconds after it became possible.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub(crate) delay_ms: u64,
    /// Also pay settled withdrawals on L1 (by default only messages are delivered).
    #[arg(long)]
    pub(crate) finalize_withdrawals: bool,
    /// How often the chains are read, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub(crate) poll_interval_ms: u64,
}

/// `hyperforge settler`: which chains, which bridge, which key, how to pace.
#[derive(Debug, Args)]
pub(crate) struct SettlerArgs {
    /// The ecosystem file `l1 deploy` wrote: its `[l1] bridge` is the bridge, its `[l1]
    /// rpc_url` the L1 (unless `--l1`). Without `--chains`, every chain under `chains/`
    /// registered on that bridge is settled.
    #[arg(long, value_name = "FILE", required_unless_present = "chains")]
    pub(crate) ecosystem: Option<PathBuf>,
    /// The chains' folders, comma-separated (settlement order), like `chains/alpha,chains/beta`.
    #[arg(long, value_name = "DIRS", value_delimiter = ',')]
    pub(crate) chains: Vec<PathBuf>,
    /// The L1's JSON-RPC URL (default: the ecosystem's `[l1] rpc_url`, else the first
    /// chain's).
    #[arg(long = "l1", value_name = "URL")]
    pub(crate) l1: Option<url::Url>,
    /// The settling account's private key in hex (the bridge's `settler`; default: anvil's
    /// dev account 0, whose key is public: local networks only).
    #[arg(
        long = "key",
        alias = "private-key",
        value_name = "HEX",
        env = "HYPERFORGE_PRIVATE_KEY",
        hide_env_values = true
    )]
    pub(crate) key: Option<String>,
    /// Where the recursion circuits are cached (built on the first start, loaded after).
    #[arg(long, value_name = "DIR", default_value = "data/circuits")]
    pub(crate) circuit_cache: PathBuf,
    /// Once one chain has a proven batch, how long to wait for the others, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub(crate) settle_interval_ms: u64,
    /// How often the sequencers are asked for proven batches, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1_000)]
    pub(crate) poll_interval_ms: u64,
    /// Consecutive batches of one chain in one settlement, at most.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub(crate) max_batches_per_chain: usize,
    /// Serve Prometheus metrics on `GET /metrics` at this address (host:port).
    #[arg(long, value_name = "ADDR")]
    pub(crate) metrics_addr: Option<std::net::SocketAddr>,
    /// The bridge's verifier, `plonky2` or `dev` (default: the ecosystem's `[l1] verifier`,
    /// else `plonky2`): the encoding of the proof bytes `settle` carries.
    #[arg(long, value_name = "KIND")]
    pub(crate) verifier: Option<hyperforge_l1::VerifierKind>,
}

#[derive(Debug, Args)]
pub(crate) struct SequencerArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    /// The RocksDB data directory (default: `[sequencer] data_dir` under the chain's folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// How long a prover holds a proving job before it is handed out again, in ms (tests
    /// shorten it).
    #[arg(long, value_name = "MS", env = "HYPERFORGE_JOB_LEASE_MS", hide = true)]
    pub(crate) job_lease_ms: Option<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct ProverArgs {
    /// The chain's folder, like `chains/alpha`; repeat it to serve several chains (their
    /// `[prover.chunk]` must agree: one set of circuits proves them all).
    #[arg(long = "chain", value_name = "DIR", required = true)]
    pub(crate) chains: Vec<PathBuf>,
    /// Override one key of every chain's configuration, like `--set prover.workers=2`
    /// (repeatable; beats the environment and chain.toml).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// The sequencer's p2p multiaddr, ending in `/p2p/<peer id>`; with several `--chain`, one
    /// per chain in the same order (default: each chain's first `[p2p] bootnodes`).
    #[arg(long = "bootnode", value_name = "MULTIADDR")]
    pub(crate) bootnodes: Vec<hyperforge_p2p::Multiaddr>,
    /// Jobs proven at once (default: `[prover] workers`).
    #[arg(long, value_name = "N")]
    pub(crate) workers: Option<u32>,
    /// The node's data directory: its p2p key, and the circuit cache unless
    /// `$HYPERFORGE_CIRCUIT_CACHE` names one (default: `data/prover` under the first chain's
    /// folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Serve Prometheus metrics on `GET /metrics` at this address (port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    pub(crate) metrics_addr: Option<std::net::SocketAddr>,
    /// Test only: flip one byte of every proof submitted (a faulty prover, which the
    /// sequencer must refuse and penalise).
    #[arg(long, hide = true)]
    pub(crate) corrupt_proofs: bool,
}

/// Which sequencer to talk to.
#[derive(Debug, Args)]
pub(crate) struct RpcTargetArgs {
    /// The sequencer's JSON-RPC URL.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "chain",
        required_unless_present = "chain"
    )]
    pub(crate) rpc: Option<url::Url>,
    /// A chain folder, like `chains/alpha`: its `[sequencer] rpc_addr` is the URL.
    #[arg(long, value_name = "DIR")]
    pub(crate) chain: Option<PathBuf>,
    /// Override one key of the chain's configuration (with `--chain`).
    #[arg(long = "set", value_name = "KEY=VALUE", requires = "chain")]
    pub(crate) set: Vec<String>,
}

/// How an L2 transaction is sent.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(flatten)]
    pub(crate) target: RpcTargetArgs,
    /// The sender's Ethereum private key in hex; its L2 key is derived from it (default:
    /// anvil's dev account 0, whose key is public: local networks only).
    #[arg(
        long,
        value_name = "HEX",
        env = "HYPERFORGE_PRIVATE_KEY",
        hide_env_values = true
    )]
    pub(crate) private_key: Option<String>,
    /// Print the hash and return without waiting for inclusion.
    #[arg(long)]
    pub(crate) no_wait: bool,
    /// How long to wait for inclusion, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub(crate) timeout: u64,
}

#[derive(Debug, Args)]
pub(crate) struct WalletReadArgs {
    #[command(flatten)]
    pub(crate) target: RpcTargetArgs,
    /// The account.
    #[arg(value_name = "ADDRESS", value_parser = hyperforge_primitives::parse_address)]
    pub(crate) address: hyperforge_primitives::Address,
}

#[derive(Debug, Args)]
pub(crate) struct WalletTransferArgs {
    #[command(flatten)]
    pub(crate) send: SendArgs,
    /// The recipient.
    #[arg(long, value_name = "ADDRESS", value_parser = hyperforge_primitives::parse_address)]
    pub(crate) to: hyperforge_primitives::Address,
    /// How much: gwei as a plain integer, or with a unit like `1.5 ether`.
    #[arg(long)]
    pub(crate) amount: hyperforge_primitives::Amount,
}

#[derive(Debug, Args)]
pub(crate) struct WalletWithdrawArgs {
    #[command(flatten)]
    pub(crate) send: SendArgs,
    /// Who may finalize the withdrawal on L1 (default: the sender's address).
    #[arg(long, value_name = "ADDRESS", value_parser = hyperforge_primitives::parse_address)]
    pub(crate) to: Option<hyperforge_primitives::Address>,
    /// How much: gwei as a plain integer, or with a unit like `1.5 ether`.
    #[arg(long)]
    pub(crate) amount: hyperforge_primitives::Amount,
}

#[derive(Debug, Args)]
pub(crate) struct WalletSendMessageArgs {
    #[command(flatten)]
    pub(crate) send: SendArgs,
    /// The destination chain id.
    #[arg(long, value_name = "CHAIN_ID")]
    pub(crate) dst_chain: hyperforge_primitives::ChainId,
    /// The recipient on the destination chain.
    #[arg(long, value_name = "ADDRESS", value_parser = hyperforge_primitives::parse_address)]
    pub(crate) to: hyperforge_primitives::Address,
    /// Value carried (debited here, credited there).
    #[arg(long, default_value = "0")]
    pub(crate) amount: hyperforge_primitives::Amount,
    /// Opaque payload in hex.
    #[arg(long, value_name = "HEX", default_value = "0x")]
    pub(crate) payload: String,
}

#[derive(Debug, Args)]
pub(crate) struct WalletRegisterKeyArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) signer: SignerArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum L1Command {
    /// Deploy the bridge with its verifier (plonky2: the final proof is verified on chain; dev:
    /// UNCHECKED) and write its address into the ecosystem file.
    Deploy(L1DeployArgs),
    /// Register a chain on the bridge and write the bridge's address into its chain.toml.
    Register(L1RegisterArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum WalletCommand {
    /// Deposit ETH from L1 into an account of a chain.
    Deposit(WalletDepositArgs),
    /// An account's balance on L2.
    Balance(WalletReadArgs),
    /// An account's next nonce on L2 (counting its pending transactions).
    Nonce(WalletReadArgs),
    /// Transfer on L2.
    Transfer(WalletTransferArgs),
    /// Withdraw from L2 to L1 (claimable on L1 once the batch settles).
    Withdraw(WalletWithdrawArgs),
    /// Send a message with value to an account on another chain.
    SendMessage(WalletSendMessageArgs),
    /// Register the L2 key derived from the private key, through the L1 bridge.
    RegisterKey(WalletRegisterKeyArgs),
    /// Where a transaction, or an L1 deposit or key registration (by its queue index), stands
    /// on L2.
    Receipt(WalletReceiptArgs),
    /// Execute on this chain a message another chain sent, once its batch is settled and its
    /// root imported here (says which stage is missing before that).
    ExecuteMessage(WalletExecuteMessageArgs),
    /// Pay on L1 a withdrawal (or a failed deposit's refund) once its batch is settled.
    FinalizeWithdrawal(WalletFinalizeWithdrawalArgs),
}

#[derive(Debug, Args)]
pub(crate) struct WalletExecuteMessageArgs {
    /// The destination (`--chain` or `--rpc`) and the executing account (`--private-key`: any
    /// account with its L2 key registered there; the message credits its own recipient).
    #[command(flatten)]
    pub(crate) send: SendArgs,
    /// The transaction that sent the message on its source chain (what `wallet send-message`
    /// printed).
    #[arg(long, value_name = "HASH")]
    pub(crate) message: alloy::primitives::B256,
    /// The source chain's folder (default: every chain folder beside `--chain`'s is asked).
    #[arg(long, value_name = "DIR", conflicts_with = "source_rpc")]
    pub(crate) source_chain: Option<PathBuf>,
    /// The source chain's sequencer JSON-RPC URL.
    #[arg(long, value_name = "URL")]
    pub(crate) source_rpc: Option<url::Url>,
    /// Wait up to this many seconds for the message to become executable (0: say which stage
    /// is missing and fail).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub(crate) wait: u64,
}

#[derive(Debug, Args)]
pub(crate) struct WalletFinalizeWithdrawalArgs {
    /// The chain the withdrawal was made on (its bridge, L1 and sequencer).
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    /// The L1 account that sends `finalizeWithdrawal` (anyone may; the recipient is paid).
    #[command(flatten)]
    pub(crate) signer: SignerArgs,
    /// The withdrawal's L2 transaction hash (or a refunded deposit's receipt id).
    #[arg(long, value_name = "HASH")]
    pub(crate) tx: alloy::primitives::B256,
    /// The chain's sequencer JSON-RPC URL (default: its `[sequencer] rpc_addr`).
    #[arg(long, value_name = "URL")]
    pub(crate) rpc: Option<url::Url>,
    /// Wait up to this many seconds for the batch to settle (0: say what is missing and fail).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub(crate) wait: u64,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["hash", "priority"])))]
pub(crate) struct WalletReceiptArgs {
    #[command(flatten)]
    pub(crate) target: RpcTargetArgs,
    /// An L2 transaction's hash.
    #[arg(value_name = "HASH")]
    pub(crate) hash: Option<alloy::primitives::B256>,
    /// An L1 priority operation's index in the chain's queue (`wallet deposit` prints it).
    #[arg(long, value_name = "INDEX")]
    pub(crate) priority: Option<u64>,
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
    /// The bridge's verifier: `plonky2` (the generated PlonkyVerifier checks every settlement's
    /// final proof on chain) or `dev` (DevVerifier: binds the public inputs, checks NO proof;
    /// for fast local tests).
    #[arg(long, value_name = "KIND", default_value = "plonky2")]
    pub(crate) verifier: hyperforge_l1::VerifierKind,
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
    /// The chain's genesis state root as a bytes32 digest (default: the state root of block
    /// 0 built from the chain's `[genesis]`, what its sequencer checks).
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
