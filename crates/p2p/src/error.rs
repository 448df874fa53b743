//! The errors of the network crate.

use std::path::PathBuf;

use libp2p::PeerId;

use crate::protocol::Refusal;

/// What went wrong, one variant per failure a caller may handle differently.
#[derive(Debug, thiserror::Error)]
pub enum P2pError {
    /// The peer did not answer within the request timeout.
    #[error("peer {peer} did not answer within {timeout_ms} ms")]
    Timeout {
        /// The peer.
        peer: PeerId,
        /// The timeout.
        timeout_ms: u128,
    },
    /// No connection to the peer could be made or kept for the request.
    #[error("peer {peer} is unreachable: {reason}")]
    PeerUnreachable {
        /// The peer.
        peer: PeerId,
        /// What the transport said.
        reason: String,
    },
    /// A message over its limit was not sent.
    #[error("{what} of {size} bytes is over the {limit}-byte limit")]
    Oversized {
        /// Which kind of message (`request`, `response`, `gossip message`).
        what: &'static str,
        /// The message's encoded size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The peer is not on the allow-list, or is banned.
    #[error("peer {peer} is not allowed: {reason}")]
    NotAllowed {
        /// The peer.
        peer: PeerId,
        /// Not on the allow-list, or banned.
        reason: &'static str,
    },
    /// Dialing an address failed.
    #[error("dialing {address} failed: {reason}")]
    DialFailure {
        /// The address.
        address: String,
        /// What the transport said.
        reason: String,
    },
    /// The peer refused the request.
    #[error("peer {peer} refused: {refusal}")]
    Refused {
        /// The peer.
        peer: PeerId,
        /// Its reason (boxed: the digests of a circuit mismatch are large).
        refusal: Box<Refusal>,
    },
    /// The peer's answer was not a protocol message of the expected kind (it is penalised).
    #[error("peer {peer} answered with a bad message: {reason}")]
    BadResponse {
        /// The peer.
        peer: PeerId,
        /// What was wrong.
        reason: String,
    },
    /// The request failed on the stream (the peer is not penalised for it).
    #[error("request to {peer} failed: {reason}")]
    RequestFailed {
        /// The peer.
        peer: PeerId,
        /// What the stream said.
        reason: String,
    },
    /// A gossip message could not be published.
    #[error("publishing on {topic} failed: {reason}")]
    Publish {
        /// The topic.
        topic: String,
        /// gossipsub's reason (no subscribed peers, duplicate, queues full).
        reason: String,
    },
    /// Nobody connected is subscribed to the topic: there is no one to send to.
    #[error("no peer is subscribed to {topic}")]
    NoSubscribers {
        /// The topic.
        topic: String,
    },
    /// The event loop has stopped: the node is shut down.
    #[error("the network is shut down")]
    Shutdown,
    /// The node key file cannot be read, parsed or written.
    #[error("node key {}: {reason}", path.display())]
    NodeKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An address is malformed or cannot be used.
    #[error("bad address {address}: {reason}")]
    BadAddress {
        /// The address.
        address: String,
        /// Why.
        reason: String,
    },
    /// A configured peer id is malformed.
    #[error("bad peer id `{peer}`: {reason}")]
    BadPeerId {
        /// The text given.
        peer: String,
        /// Why.
        reason: String,
    },
    /// A message could not be encoded (memory could not be reserved).
    #[error("cannot encode the message: {0}")]
    Encode(String),
    /// The transport or a behaviour could not be built.
    #[error("cannot build the network: {0}")]
    Build(String),
}
