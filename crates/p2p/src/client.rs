//! [`Client`]: the handle the application holds, and the [`Command`]s it sends the event
//! loop. Encoding and size checks happen here, in the caller's task, so the event loop only
//! moves bytes.

use futures::Stream;
use libp2p::{Multiaddr, PeerId, gossipsub::MessageId, request_response};
use tokio::sync::{mpsc, oneshot};

use crate::{
    codec::{self, Wire},
    config::Limits,
    error::P2pError,
    metrics::P2pMetrics,
    protocol::{
        Job, JobRequest, JobsRequest, JobsResponse, ProofReceipt, ProofSubmission, Refusal, Topic,
    },
    score::Offence,
};

/// Which request of the jobs protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    Job,
    Proof,
}

impl RequestKind {
    pub(crate) fn of(request: &JobsRequest) -> Self {
        match request {
            JobsRequest::Job(_) => Self::Job,
            JobsRequest::Proof(_) => Self::Proof,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Job => "job",
            Self::Proof => "proof",
        }
    }

    /// Whether `response` answers this kind of request.
    pub(crate) fn answered_by(self, response: &JobsResponse) -> bool {
        matches!(
            (self, response),
            (_, JobsResponse::Refused(_))
                | (Self::Job, JobsResponse::Job(_) | JobsResponse::NoJob)
                | (Self::Proof, JobsResponse::Receipt(_))
        )
    }
}

/// An inbound request's answer slot: give it back with [`Client::respond`]. Dropping it
/// closes the peer's stream without an answer.
#[derive(Debug)]
pub struct ResponseChannel {
    pub(crate) inner: request_response::ResponseChannel<Wire<JobsResponse>>,
    pub(crate) peer: PeerId,
}

impl ResponseChannel {
    /// The peer waiting for the answer.
    pub fn peer(&self) -> PeerId {
        self.peer
    }
}

/// How the application judged a gossip message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// Valid: forward it to the mesh.
    Accept,
    /// Invalid: drop it and penalise the peer that sent it.
    Reject,
    /// Not of interest (old, duplicate): drop it, no penalty.
    Ignore,
}

/// Names one received gossip message for [`Client::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GossipId {
    pub(crate) message_id: MessageId,
    pub(crate) propagation_source: PeerId,
}

impl GossipId {
    /// The peer that forwarded the message to us.
    pub fn propagation_source(&self) -> PeerId {
        self.propagation_source
    }
}

/// What a jobs request is, as the application receives it.
pub type InboundRequest = JobsRequest;

/// What the network tells the application.
#[derive(Debug)]
pub enum Event {
    /// A peer sent a jobs request: answer it with [`Client::respond`].
    InboundRequest {
        /// The requester.
        peer: PeerId,
        /// The request.
        request: InboundRequest,
        /// Where the answer goes.
        channel: ResponseChannel,
    },
    /// A gossip message arrived: judge it with [`Client::validate`]; it is forwarded only
    /// once accepted.
    Gossip {
        /// Its topic.
        topic: Topic,
        /// The peer that signed it.
        author: Option<PeerId>,
        /// The payload.
        data: Vec<u8>,
        /// What to pass to [`Client::validate`].
        id: GossipId,
    },
    /// The first connection to a peer is established.
    PeerConnected {
        /// The peer.
        peer: PeerId,
    },
    /// The last connection to a peer closed.
    PeerDisconnected {
        /// The peer.
        peer: PeerId,
    },
}

/// The events of one node, in order. Read them: when the queue is full the event loop stops
/// reading the network (but keeps serving commands).
#[derive(Debug)]
pub struct Events {
    pub(crate) receiver: mpsc::Receiver<Event>,
}

impl Stream for Events {
    type Item = Event;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Event>> {
        self.receiver.poll_recv(cx)
    }
}

/// What a [`Client`] asks the event loop.
#[derive(Debug)]
pub(crate) enum Command {
    ListenAddrs {
        reply: oneshot::Sender<Vec<Multiaddr>>,
    },
    Dial {
        address: Multiaddr,
        reply: oneshot::Sender<Result<PeerId, P2pError>>,
    },
    Request {
        peer: PeerId,
        kind: RequestKind,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Result<JobsResponse, P2pError>>,
    },
    Respond {
        channel: ResponseChannel,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Result<(), P2pError>>,
    },
    Publish {
        topic: Topic,
        data: Vec<u8>,
        reply: oneshot::Sender<Result<(), P2pError>>,
    },
    Subscribe {
        topic: Topic,
        reply: oneshot::Sender<Result<bool, P2pError>>,
    },
    Validate {
        id: GossipId,
        acceptance: Acceptance,
        reply: oneshot::Sender<()>,
    },
    ReportPeer {
        peer: PeerId,
        offence: Offence,
        reply: oneshot::Sender<()>,
    },
    ConnectedPeers {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    PeerScore {
        peer: PeerId,
        reply: oneshot::Sender<f64>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// The application's handle on the network: cheap to clone, every call a command to the
/// event loop with a oneshot for its answer. Once the node is shut down every call returns
/// [`P2pError::Shutdown`].
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) local_peer_id: PeerId,
    pub(crate) limits: Limits,
    pub(crate) metrics: P2pMetrics,
}

impl Client {
    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, P2pError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| P2pError::Shutdown)?;
        answer.await.map_err(|_| P2pError::Shutdown)
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    /// The limits this node enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The network's metrics (register a clone in the node's registry).
    pub fn metrics(&self) -> &P2pMetrics {
        &self.metrics
    }

    /// The addresses the node listens on, once every configured listener is bound (port 0
    /// resolved), each ending in `/p2p/<peer id>`.
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, P2pError> {
        let addresses = self.ask(|reply| Command::ListenAddrs { reply }).await?;
        Ok(addresses
            .into_iter()
            .map(|address| {
                address
                    .with_p2p(self.local_peer_id)
                    .unwrap_or_else(|address| address)
            })
            .collect())
    }

    /// Dials `address` and waits for the connection; returns the peer's id.
    pub async fn dial(&self, address: Multiaddr) -> Result<PeerId, P2pError> {
        self.ask(|reply| Command::Dial { address, reply }).await?
    }

    async fn request(&self, peer: PeerId, request: &JobsRequest) -> Result<JobsResponse, P2pError> {
        let bytes = codec::encode(request)?;
        check_size("request", bytes.len(), self.limits.max_request_bytes).inspect_err(|error| {
            tracing::warn!(target: "p2p::jobs", %peer, %error, "request not sent");
        })?;
        let kind = RequestKind::of(request);
        self.ask(|reply| Command::Request {
            peer,
            kind,
            bytes,
            reply,
        })
        .await?
    }

    /// Asks `peer` for a job: `Some(job)`, or `None` when it has no work now.
    pub async fn request_job(
        &self,
        peer: PeerId,
        request: JobRequest,
    ) -> Result<Option<Job>, P2pError> {
        match self.request(peer, &JobsRequest::Job(request)).await? {
            JobsResponse::Job(job) => Ok(Some(*job)),
            JobsResponse::NoJob => Ok(None),
            JobsResponse::Refused(refusal) => Err(P2pError::Refused {
                peer,
                refusal: Box::new(refusal),
            }),
            // The event loop checks the kind; this is only reached if that check changes.
            JobsResponse::Receipt(_) => Err(P2pError::BadResponse {
                peer,
                reason: "a proof receipt answering a job request".to_owned(),
            }),
        }
    }

    /// Hands the proof of a job to `peer` (the coordinator); returns its verdict.
    pub async fn submit_proof(
        &self,
        peer: PeerId,
        submission: ProofSubmission,
    ) -> Result<ProofReceipt, P2pError> {
        match self.request(peer, &JobsRequest::Proof(submission)).await? {
            JobsResponse::Receipt(receipt) => Ok(receipt),
            JobsResponse::Refused(refusal) => Err(P2pError::Refused {
                peer,
                refusal: Box::new(refusal),
            }),
            JobsResponse::Job(_) | JobsResponse::NoJob => Err(P2pError::BadResponse {
                peer,
                reason: "a job answering a proof submission".to_owned(),
            }),
        }
    }

    /// Sends raw bytes as a jobs request, for tests of what a misbehaving peer can send.
    #[cfg(feature = "test-utils")]
    pub async fn request_raw(
        &self,
        peer: PeerId,
        bytes: Vec<u8>,
    ) -> Result<JobsResponse, P2pError> {
        self.ask(|reply| Command::Request {
            peer,
            kind: RequestKind::Job,
            bytes,
            reply,
        })
        .await?
    }

    /// Answers an inbound request with raw bytes, for tests of what a misbehaving peer can
    /// send.
    #[cfg(feature = "test-utils")]
    pub async fn respond_raw(
        &self,
        channel: ResponseChannel,
        bytes: Vec<u8>,
    ) -> Result<(), P2pError> {
        self.ask(|reply| Command::Respond {
            channel,
            bytes,
            reply,
        })
        .await?
    }

    /// Answers an inbound request. An answer over the response limit is not sent: the
    /// requester gets [`Refusal::Oversized`] instead and this returns
    /// [`P2pError::Oversized`].
    pub async fn respond(
        &self,
        channel: ResponseChannel,
        response: JobsResponse,
    ) -> Result<(), P2pError> {
        let bytes = codec::encode(&response)?;
        let limit = self.limits.max_response_bytes;
        let (bytes, outcome) = match check_size("response", bytes.len(), limit) {
            Ok(()) => (bytes, Ok(())),
            Err(error) => {
                tracing::warn!(target: "p2p::jobs", peer = %channel.peer, %error, "answer refused instead");
                let refusal = JobsResponse::Refused(Refusal::Oversized {
                    size: bytes.len(),
                    limit,
                });
                (codec::encode(&refusal)?, Err(error))
            }
        };
        self.ask(|reply| Command::Respond {
            channel,
            bytes,
            reply,
        })
        .await??;
        outcome
    }

    /// Publishes `data` on `topic` (signed with the node key).
    pub async fn publish(&self, topic: Topic, data: Vec<u8>) -> Result<(), P2pError> {
        check_size("gossip message", data.len(), self.limits.max_gossip_bytes).inspect_err(
            |error| {
                tracing::warn!(target: "p2p::gossip", %topic, %error, "not published");
            },
        )?;
        self.ask(|reply| Command::Publish { topic, data, reply })
            .await?
    }

    /// Subscribes to `topic`; `false` if already subscribed.
    pub async fn subscribe(&self, topic: Topic) -> Result<bool, P2pError> {
        self.ask(|reply| Command::Subscribe { topic, reply })
            .await?
    }

    /// Judges a received gossip message: accepted ones are forwarded, rejected ones dropped
    /// and their sender penalised ([`Offence::RejectedGossip`]).
    pub async fn validate(&self, id: GossipId, acceptance: Acceptance) -> Result<(), P2pError> {
        self.ask(|reply| Command::Validate {
            id,
            acceptance,
            reply,
        })
        .await
    }

    /// Records an offence of `peer` (e.g. a proof that did not verify); repeated offences
    /// disconnect and then ban it (see [`score`](crate::score)).
    pub async fn report_peer(&self, peer: PeerId, offence: Offence) -> Result<(), P2pError> {
        self.ask(|reply| Command::ReportPeer {
            peer,
            offence,
            reply,
        })
        .await
    }

    /// The peers with an established connection.
    pub async fn connected_peers(&self) -> Result<Vec<PeerId>, P2pError> {
        self.ask(|reply| Command::ConnectedPeers { reply }).await
    }

    /// A peer's current score (0 for a peer that never offended).
    pub async fn peer_score(&self, peer: PeerId) -> Result<f64, P2pError> {
        self.ask(|reply| Command::PeerScore { peer, reply }).await
    }

    /// Stops the event loop and closes every connection; returns once it has stopped.
    pub async fn shutdown(&self) -> Result<(), P2pError> {
        match self.ask(|reply| Command::Shutdown { reply }).await {
            Ok(()) | Err(P2pError::Shutdown) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

fn check_size(what: &'static str, size: usize, limit: usize) -> Result<(), P2pError> {
    if size > limit {
        return Err(P2pError::Oversized { what, size, limit });
    }
    Ok(())
}
