//! The typed chain configuration: one struct per `chain.toml` section.

use std::{
    net::{Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
};

use hyperforge_primitives::{
    Address, Amount, ChainId, parse_address,
    tx::{Digest, digest_from_bytes, digest_to_bytes},
};
use multiaddr::Multiaddr;
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// The file name of a chain's configuration inside its folder.
pub const CHAIN_FILE: &str = "chain.toml";

/// A chain's whole configuration, as `chains/<name>/chain.toml` and its overrides give it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// `[chain]`: what the chain is.
    pub chain: ChainSection,
    /// `[sequencer]`: block production and the JSON-RPC server.
    #[serde(default)]
    pub sequencer: SequencerConfig,
    /// `[prover]`: proof generation.
    #[serde(default)]
    pub prover: ProverConfig,
    /// `[p2p]`: the libp2p network between sequencer and provers.
    #[serde(default)]
    pub p2p: P2pConfig,
    /// `[l1]`: the settlement layer.
    #[serde(default)]
    pub l1: L1Config,
    /// `[genesis]`: the initial state.
    #[serde(default)]
    pub genesis: GenesisConfig,
}

impl ChainConfig {
    /// The sequencer's data directory; a relative `data_dir` is relative to `chain_dir`.
    pub fn data_dir(&self, chain_dir: &Path) -> PathBuf {
        chain_dir.join(&self.sequencer.data_dir)
    }

    /// Every port this chain's nodes listen on, with the key that sets it. Port 0 (any free
    /// port) is left out: it cannot clash.
    pub fn ports(&self) -> Vec<(&'static str, u16)> {
        let mut ports = vec![("sequencer.rpc_addr", self.sequencer.rpc_addr.port())];
        for addr in &self.p2p.listen {
            for protocol in addr.iter() {
                match protocol {
                    multiaddr::Protocol::Tcp(port) | multiaddr::Protocol::Udp(port) => {
                        ports.push(("p2p.listen", port));
                    }
                    _ => {}
                }
            }
        }
        ports.retain(|(_, port)| *port != 0);
        ports
    }
}

/// `[chain]`: the chain's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSection {
    /// The chain's name; it must equal the name of its folder under `chains/`.
    pub name: String,
    /// The chain id, unique among the chains settling on one bridge.
    pub chain_id: ChainId,
    /// The template the chain was made from (informational).
    #[serde(default = "default_template")]
    pub template: String,
    /// Where transaction data is published.
    #[serde(default)]
    pub da_mode: DaMode,
}

fn default_template() -> String {
    "custom".to_owned()
}

/// Where a chain publishes the data needed to rebuild its state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DaMode {
    /// State diffs are published on L1 with every batch.
    #[default]
    Rollup,
    /// Only state roots go to L1; the data stays with the chain's operators.
    Validium,
}

impl std::fmt::Display for DaMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Rollup => "rollup",
            Self::Validium => "validium",
        })
    }
}

/// `[sequencer]`: block production and the JSON-RPC server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SequencerConfig {
    /// A block is produced every this many milliseconds.
    pub block_time_ms: u64,
    /// At most this many transactions per block.
    pub max_block_txs: u32,
    /// A batch is sealed every this many blocks.
    pub batch_blocks: u32,
    /// A batch with fewer than `batch_blocks` blocks is sealed anyway once this many
    /// milliseconds passed since its first block's timestamp, so a chain that goes quiet
    /// still gets its last transactions proven and settled. `0` turns it off (a batch waits
    /// for `batch_blocks` blocks); otherwise at least `block_time_ms` (the producer checks
    /// it once per block time).
    pub batch_timeout_ms: u64,
    /// Where JSON-RPC listens (host:port; port 0 picks a free one).
    pub rpc_addr: SocketAddr,
    /// The RocksDB data directory; relative paths are relative to the chain's folder.
    pub data_dir: PathBuf,
    /// What to do when a block would be empty.
    pub empty_blocks: EmptyBlocks,
    /// The most transactions the mempool holds.
    pub mempool_max_txs: u32,
    /// The most transactions one account may have in the mempool.
    pub mempool_max_per_account: u32,
    /// How far past its next nonce (counting its consecutive pending transactions) an
    /// account may send: a bound on nonce gaps.
    pub max_future_nonces: u32,
    /// The largest encoded transaction accepted, in bytes.
    pub max_tx_bytes: u32,
    /// The most requests in one JSON-RPC batch; a larger batch is refused whole.
    pub rpc_max_batch_requests: u32,
    /// The largest JSON-RPC request body, in bytes.
    pub rpc_max_request_bytes: u32,
    /// Signature checks admission runs at once; a submission beyond that is refused as busy
    /// (code -32015) rather than queued without end.
    pub max_pending_verifications: u32,
    /// A transaction waiting on a nonce gap (not executable yet) is dropped from the mempool
    /// and the pending column after this many milliseconds.
    pub future_nonce_ttl_ms: u64,
}

/// What the block producer does when no transaction is ready.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmptyBlocks {
    /// Produce nothing until a transaction or L1 operation arrives (nothing to prove).
    #[default]
    Skip,
    /// Produce a block every `block_time_ms` regardless (a steady clock for tests).
    Produce,
}

impl Default for SequencerConfig {
    fn default() -> Self {
        Self {
            block_time_ms: 1_000,
            max_block_txs: 256,
            batch_blocks: 10,
            batch_timeout_ms: 10_000,
            rpc_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 3050)),
            data_dir: PathBuf::from("data/sequencer"),
            empty_blocks: EmptyBlocks::Skip,
            mempool_max_txs: 100_000,
            mempool_max_per_account: 1_024,
            max_future_nonces: 64,
            max_tx_bytes: 16 * 1024,
            rpc_max_batch_requests: 256,
            rpc_max_request_bytes: 8 * 1024 * 1024,
            max_pending_verifications: 1_024,
            future_nonce_ttl_ms: 10 * 60 * 1_000,
        }
    }
}

/// `[prover]`: proof generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProverConfig {
    /// `[prover.chunk]`: the slots of one chunk circuit, the unit a block is proven in.
    pub chunk: ChunkSlots,
    /// Proofs a prover node works on at once.
    pub workers: u32,
}

impl Default for ProverConfig {
    fn default() -> Self {
        Self {
            chunk: ChunkSlots::default(),
            workers: 1,
        }
    }
}

/// `[prover.chunk]`: how many slots of each kind one chunk circuit has, in block order. A
/// block is proven in chunks of this shape. Every circuit above it (the batch, settlement
/// and final circuits, and so the bridge's verifier) is built from it, so every chain that
/// settles into one bridge must use the same four numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChunkSlots {
    /// Message-root imports (about 70 rows each).
    pub import_slots: u32,
    /// Deposits and key registrations from L1 (about 100 rows each).
    pub priority_slots: u32,
    /// Signed transfers, withdrawals and messages (about 560 rows each).
    pub tx_slots: u32,
    /// Signed transactions that may also be `ExecuteMessage` (about 690 rows each).
    pub execute_slots: u32,
}

impl ChunkSlots {
    /// Rows the chunk circuit may have at most: `2^16`. The batch leaf verifies one chunk
    /// proof within its own `2^13` rows, and its verifier grows by about 400 rows per
    /// doubling of the chunk (measured: 4,420 rows over a `2^13` chunk, 4,806 over `2^14`,
    /// 5,225 over `2^16`); a `2^16` chunk proof takes some 18 s and 2 GiB on 2 cores.
    /// Larger chunks amortise the leaf and step proofs over more transactions (throughput);
    /// smaller ones prove a quiet block sooner (latency).
    pub const MAX_ROWS: u32 = 1 << 16;

    /// An upper bound of the chunk circuit's rows before padding (the figures measured in
    /// `circuits`, rounded up, plus its fixed rows).
    pub fn estimated_rows(&self) -> u64 {
        u64::from(self.import_slots) * 71
            + u64::from(self.priority_slots) * 104
            + u64::from(self.tx_slots) * 558
            + u64::from(self.execute_slots) * 684
            + 16
    }
}

impl Default for ChunkSlots {
    /// One import, two priority operations, four transactions and one `ExecuteMessage`:
    /// about 3,200 rows, a `2^12` circuit.
    fn default() -> Self {
        Self {
            import_slots: 1,
            priority_slots: 2,
            tx_slots: 4,
            execute_slots: 1,
        }
    }
}

/// `[p2p]`: the libp2p network between a chain's sequencer and its provers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct P2pConfig {
    /// Multiaddrs to listen on, like `/ip4/127.0.0.1/tcp/3150`.
    pub listen: Vec<Multiaddr>,
    /// Peers to dial at start, each ending in `/p2p/<peer id>`.
    pub bootnodes: Vec<Multiaddr>,
    /// Peer ids allowed to connect; empty allows every peer.
    pub allowed_peers: Vec<String>,
}

impl Default for P2pConfig {
    fn default() -> Self {
        let listen = "/ip4/127.0.0.1/tcp/3150"
            .parse()
            .expect("the default multiaddr is valid");
        Self {
            listen: vec![listen],
            bootnodes: Vec::new(),
            allowed_peers: Vec::new(),
        }
    }
}

/// `[l1]`: the L1 the chain settles on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct L1Config {
    /// The L1's JSON-RPC URL.
    pub rpc_url: Url,
    /// The shared bridge's address, once deployed (`hyperforge l1 register` fills it in).
    #[serde(
        deserialize_with = "deserialize_optional_address",
        skip_serializing_if = "Option::is_none"
    )]
    pub bridge: Option<Address>,
    /// The sequencer applies an L1 priority operation once this many L1 blocks are on top of
    /// the block that queued it (0: at once). Reorganisations deeper than this are not
    /// handled.
    pub confirmations: u64,
    /// How often the sequencer polls L1 for new bridge events, in milliseconds.
    pub poll_interval_ms: u64,
}

impl Default for L1Config {
    fn default() -> Self {
        let rpc_url = "http://127.0.0.1:8545"
            .parse()
            .expect("the default URL is valid");
        Self {
            rpc_url,
            bridge: None,
            confirmations: 1,
            poll_interval_ms: 1_000,
        }
    }
}

/// `[genesis]`: the chain's initial state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GenesisConfig {
    /// Accounts funded at genesis.
    pub accounts: Vec<GenesisAccount>,
}

/// One account funded at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    /// Its Ethereum address (mixed case must be a valid EIP-55 checksum).
    #[serde(deserialize_with = "deserialize_address")]
    pub address: Address,
    /// Its balance: an integer (gwei) or a string with a unit, like `"10000 ether"`.
    pub balance: Amount,
    /// The hash of its L2 public key (`0x` and 64 hex digits, four canonical big-endian
    /// Goldilocks elements), registered at genesis so the account can send at once.
    #[serde(
        default,
        deserialize_with = "deserialize_key_hash",
        skip_serializing_if = "Option::is_none"
    )]
    pub pubkey_hash: Option<KeyHash>,
}

/// An L2 public key hash as `chain.toml` writes it: `0x` and 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct KeyHash(pub Digest);

impl From<KeyHash> for String {
    fn from(hash: KeyHash) -> Self {
        format!("0x{}", hex(&digest_to_bytes(&hash.0)))
    }
}

impl std::str::FromStr for KeyHash {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text
            .strip_prefix("0x")
            .ok_or_else(|| format!("key hash `{text}` must start with 0x"))?;
        if digits.len() != 64 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "key hash `{text}` must be 0x and 64 hex digits (32 bytes)"
            ));
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|error| error.to_string())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|error| error.to_string())?;
        }
        digest_from_bytes(&bytes)
            .map(KeyHash)
            .map_err(|_| format!("key hash `{text}` has a word that is not a field element"))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn deserialize_key_hash<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<KeyHash>, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map(Some).map_err(serde::de::Error::custom)
}

fn deserialize_address<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_address(&text).map_err(serde::de::Error::custom)
}

fn deserialize_optional_address<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Address>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_address(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}
