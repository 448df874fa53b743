//! hyperforge's libp2p network: how a chain's sequencer, its provers and the settler talk.
//!
//! [`new`] builds a node from a [`NetworkConfig`] and returns, as in rust-libp2p's
//! file-sharing example, a [`Client`] (a cloneable handle holding a bounded command
//! channel), the node's [`Events`] stream and the [`EventLoop`] to spawn: the one task that
//! owns the swarm. Each command carries a oneshot for its answer; pending requests and dials
//! wait in maps keyed by their id; there are no locks and no unbounded channels.
//!
//! - Transports: TCP with noise and yamux, and QUIC (`/udp/<port>/quic-v1`), on tokio.
//! - `/hyperforge/jobs/1` ([`protocol`]): request-response with CBOR messages. A prover asks
//!   for a job ([`Client::request_job`]) and is answered at once with a job or none; the proof
//!   comes back later as a request of its own ([`Client::submit_proof`]). The serving side
//!   gets [`Event::InboundRequest`] and answers with [`Client::respond`].
//! - Gossipsub with signed messages (`ValidationMode::Strict`) and application validation:
//!   every [`Event::Gossip`] is forwarded only once [`Client::validate`] accepts it. Topics
//!   per chain (`hyperforge/<chain id>/blocks|batches|proven`) and `hyperforge/ecosystem`;
//!   what a sequencer announces on them, and the check a listener applies (only the chain's
//!   sequencer speaks for it), is [`announce`].
//! - identify and ping; connection limits per peer and in all.
//! - Sizes ([`Limits`], one place): raised above libp2p's defaults on purpose and checked
//!   before sending, so an oversized message is a [`P2pError::Oversized`] naming size and
//!   limit, never a silently closed stream.
//! - Peers: static bootnodes dialed at start and redialed with backoff; a non-empty
//!   allow-list (plus the bootnodes) admits only those peers; peer scoring ([`score`]) that
//!   disconnects and then bans peers that send undecodable or oversized data, gossip the
//!   application rejects, or proofs that do not verify ([`Client::report_peer`]).
//! - The node key ([`load_or_create_node_key`]) lives in the data directory, so the peer id
//!   survives restarts.
//!
//! This crate knows nothing of state, L1 or circuits: job witnesses and proofs are opaque
//! bytes that the coordinator and the prover give meaning to. Logs use the targets
//! `p2p::jobs`, `p2p::gossip` and `p2p::peers`; [`P2pMetrics`] counts peers, requests and
//! offences for the node's registry.
//!
//! Tasks: the caller spawns the [`EventLoop`]; libp2p's TCP and QUIC transports run each
//! connection as a tokio task of their own (where messages are encoded and decoded).
//!
//! Feature `test-utils`: `Client::request_raw` and `Client::respond_raw` send arbitrary bytes
//! as a jobs request or answer (what a misbehaving peer could send).

pub mod announce;
mod behaviour;
mod client;
mod codec;
mod config;
mod error;
mod event_loop;
mod key;
mod metrics;
pub mod protocol;
pub mod score;

use std::collections::HashSet;

pub use announce::{Announcement, AnnouncementError, ChainNews};
pub use client::{Acceptance, Client, Event, Events, GossipId, InboundRequest, ResponseChannel};
pub use config::{Limits, NetworkConfig};
pub use error::P2pError;
pub use event_loop::EventLoop;
pub use key::load_or_create_node_key;
pub use libp2p::{Multiaddr, PeerId};
pub use metrics::{KindLabel, P2pMetrics};
pub use protocol::{
    CircuitDigest, Job, JobId, JobRequest, JobsRequest, JobsResponse, Payload, ProofReceipt,
    ProofSubmission, Refusal, Topic,
};
pub use score::{Offence, ScoreConfig};
use tokio::sync::mpsc;

/// Builds a node: loads (or creates) its key, starts listening on every configured address
/// and returns its [`Client`], its [`Events`] and the [`EventLoop`] to spawn. Call it inside
/// a tokio runtime (the QUIC listener starts here).
pub fn new(config: NetworkConfig) -> Result<(Client, Events, EventLoop), P2pError> {
    let keypair = load_or_create_node_key(&config.key_path)?;
    let local_peer_id = keypair.public().to_peer_id();
    let bootnodes = config
        .bootnodes
        .iter()
        .map(|address| Ok((config::peer_of(address)?, address.clone())))
        .collect::<Result<Vec<_>, P2pError>>()?;
    let bootnode_peers: Vec<PeerId> = bootnodes.iter().map(|(peer, _)| *peer).collect();
    let allowed = behaviour::allowed_set(&config, &bootnode_peers);
    let mut swarm = behaviour::build_swarm(keypair, &config, allowed.as_ref())?;
    let mut unbound_listeners = HashSet::new();
    for address in &config.listen {
        let listener = swarm
            .listen_on(address.clone())
            .map_err(|error| P2pError::BadAddress {
                address: address.to_string(),
                reason: format!("cannot listen: {error}"),
            })?;
        unbound_listeners.insert(listener);
    }
    for (peer, address) in &bootnodes {
        swarm.add_peer_address(*peer, address.clone());
    }
    tracing::info!(target: "p2p::peers", peer = %local_peer_id, bootnodes = bootnodes.len(), allow_list = allowed.as_ref().map_or(0, HashSet::len), "network starting");
    let (commands_tx, commands) = mpsc::channel(config.command_capacity.max(1));
    let (events, events_rx) = mpsc::channel(config.event_capacity.max(1));
    let metrics = P2pMetrics::default();
    let client = Client {
        commands: commands_tx,
        local_peer_id,
        limits: config.limits.clone(),
        metrics: metrics.clone(),
    };
    let event_loop = EventLoop::new(event_loop::EventLoopParts {
        swarm,
        commands,
        events,
        unbound_listeners,
        bootnodes,
        allowed,
        scores: score::PeerScores::new(config.scoring.clone()),
        limits: config.limits,
        metrics,
    });
    Ok((
        client,
        Events {
            receiver: events_rx,
        },
        event_loop,
    ))
}
