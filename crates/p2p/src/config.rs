//! What a node is started with: [`NetworkConfig`] (addresses, bootnodes, allow-list, where the
//! node key lives) and [`Limits`], every size and count the network enforces, in one place.

use std::{collections::HashSet, path::PathBuf, time::Duration};

use hyperforge_config::P2pConfig;
use libp2p::{Multiaddr, PeerId, multiaddr::Protocol};

use crate::{error::P2pError, score::ScoreConfig};

/// Every limit of the network, in one place. The sender checks the same numbers the receiver
/// enforces, so an honest node never sends what its peer would drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded jobs request (a proof submission carries a proof).
    pub max_request_bytes: usize,
    /// Largest encoded jobs response (a job carries a witness and child proofs).
    pub max_response_bytes: usize,
    /// Largest gossip message payload (a block with its transactions).
    pub max_gossip_bytes: usize,
    /// A request not answered in this time fails with [`P2pError::Timeout`].
    pub request_timeout: Duration,
    /// Concurrent request-response streams per connection (inbound and outbound).
    pub max_concurrent_streams: usize,
    /// Established connections per peer.
    pub max_connections_per_peer: u32,
    /// Established connections in all.
    pub max_connections: u32,
    /// Connections being set up (handshakes) in each direction.
    pub max_pending_connections: u32,
}

impl Limits {
    /// Room gossipsub needs around a payload (signature, public key, topic, sequence number,
    /// protobuf framing): its `max_transmit_size` is the payload limit plus this.
    pub const GOSSIP_ENVELOPE_BYTES: usize = 4 * 1024;

    /// gossipsub's `max_transmit_size` for these limits.
    pub fn gossip_transmit_bytes(&self) -> usize {
        self.max_gossip_bytes + Self::GOSSIP_ENVELOPE_BYTES
    }
}

impl Default for Limits {
    /// Raised on purpose from libp2p's defaults (1 MiB requests, 10 MiB responses, 64 KiB
    /// gossip, 10 s timeout): a recursive proof is ~100-200 KiB, an aggregation job carries
    /// two of them plus verifier data, a chunk job a witness of Merkle paths (~1 KiB per
    /// account touched); a block of 5,000 transfers is ~1 MiB.
    fn default() -> Self {
        Self {
            max_request_bytes: 8 * 1024 * 1024,
            max_response_bytes: 32 * 1024 * 1024,
            max_gossip_bytes: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            max_concurrent_streams: 64,
            max_connections_per_peer: 2,
            max_connections: 256,
            max_pending_connections: 64,
        }
    }
}

/// How to start a node.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// Addresses to listen on (`/ip4/127.0.0.1/tcp/0`, `/ip4/127.0.0.1/udp/0/quic-v1`).
    pub listen: Vec<Multiaddr>,
    /// Peers dialed at start and redialed with backoff, each ending in `/p2p/<peer id>`.
    pub bootnodes: Vec<Multiaddr>,
    /// Peers allowed to connect; empty allows every peer. Bootnodes are always allowed.
    pub allowed_peers: HashSet<PeerId>,
    /// The file holding the node's ed25519 key (created on first start).
    pub key_path: PathBuf,
    /// Sizes, timeouts and connection counts.
    pub limits: Limits,
    /// Peer scoring thresholds.
    pub scoring: ScoreConfig,
    /// The gossipsub heartbeat (mesh maintenance); the first one comes after one interval.
    pub gossip_heartbeat: Duration,
    /// Connections with nothing to do are closed after this.
    pub idle_timeout: Duration,
    /// Commands queued to the event loop before callers wait.
    pub command_capacity: usize,
    /// Events queued to the application before the event loop stops reading the network.
    pub event_capacity: usize,
}

impl NetworkConfig {
    /// The file name of the node key inside a data directory.
    pub const KEY_FILE: &'static str = "p2p-node.key";

    /// A configuration listening on `listen`, with the node key in `data_dir`.
    pub fn new(listen: Vec<Multiaddr>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen,
            bootnodes: Vec::new(),
            allowed_peers: HashSet::new(),
            key_path: data_dir.into().join(Self::KEY_FILE),
            limits: Limits::default(),
            scoring: ScoreConfig::default(),
            gossip_heartbeat: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(120),
            command_capacity: 64,
            event_capacity: 256,
        }
    }

    /// The configuration `[p2p]` of a chain's `chain.toml` describes, with the node key in
    /// `data_dir`.
    pub fn from_chain(p2p: &P2pConfig, data_dir: impl Into<PathBuf>) -> Result<Self, P2pError> {
        let mut config = Self::new(
            p2p.listen.iter().map(convert).collect::<Result<_, _>>()?,
            data_dir,
        );
        config.bootnodes = p2p
            .bootnodes
            .iter()
            .map(convert)
            .collect::<Result<_, _>>()?;
        config.allowed_peers = p2p
            .allowed_peers
            .iter()
            .map(|peer| {
                peer.parse::<PeerId>().map_err(|error| P2pError::BadPeerId {
                    peer: peer.clone(),
                    reason: error.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        for bootnode in &config.bootnodes {
            peer_of(bootnode)?;
        }
        Ok(config)
    }
}

/// hyperforge-config uses multiaddr 0.18 and libp2p 0.57 uses 0.19: the text form is the
/// same, so convert through it.
fn convert(address: &impl std::fmt::Display) -> Result<Multiaddr, P2pError> {
    let text = address.to_string();
    text.parse::<Multiaddr>()
        .map_err(|error| P2pError::BadAddress {
            address: text,
            reason: error.to_string(),
        })
}

/// The peer id an address ends with (`/p2p/<id>`).
pub(crate) fn peer_of(address: &Multiaddr) -> Result<PeerId, P2pError> {
    match address.iter().last() {
        Some(Protocol::P2p(peer)) => Ok(peer),
        _ => Err(P2pError::BadAddress {
            address: address.to_string(),
            reason: "a bootnode must end in /p2p/<peer id>".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_config_converts_and_refuses_bad_peer_ids() {
        let peer = PeerId::random();
        let mut p2p = P2pConfig {
            bootnodes: vec![
                format!("/ip4/127.0.0.1/tcp/4000/p2p/{peer}")
                    .parse()
                    .expect("valid multiaddr"),
            ],
            allowed_peers: vec![peer.to_string()],
            ..P2pConfig::default()
        };
        let config = NetworkConfig::from_chain(&p2p, "/tmp/x").expect("converts");
        assert_eq!(config.listen[0].to_string(), "/ip4/127.0.0.1/tcp/3150");
        assert_eq!(peer_of(&config.bootnodes[0]).expect("has a peer id"), peer);
        assert!(config.allowed_peers.contains(&peer));
        assert_eq!(
            config.key_path,
            PathBuf::from("/tmp/x").join(NetworkConfig::KEY_FILE)
        );

        p2p.allowed_peers = vec!["not-a-peer".to_owned()];
        let error = NetworkConfig::from_chain(&p2p, "/tmp/x").expect_err("bad peer id");
        assert!(error.to_string().contains("not-a-peer"), "{error}");
    }

    #[test]
    fn gossip_transmit_size_leaves_room_for_the_envelope() {
        let limits = Limits::default();
        assert!(limits.gossip_transmit_bytes() > limits.max_gossip_bytes);
        assert!(limits.max_request_bytes > 1024 * 1024);
        assert!(limits.max_response_bytes > 10 * 1024 * 1024);
    }
}
