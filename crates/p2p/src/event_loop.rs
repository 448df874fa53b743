//! [`EventLoop`]: the one task that owns the swarm. It serves [`Command`]s from the
//! [`Client`](crate::Client)s, turns swarm events into [`Event`]s, scores peers and redials
//! bootnodes; pending requests and dials wait in maps keyed by their id.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    time::{Duration, Instant},
};

use futures::StreamExt;
use libp2p::{
    Multiaddr, PeerId, Swarm,
    gossipsub::{self, MessageAcceptance},
    identify,
    multiaddr::Protocol,
    request_response::{self, InboundFailure, OutboundFailure, OutboundRequestId},
    swarm::{
        ConnectionId, DialError, SwarmEvent,
        dial_opts::{DialOpts, PeerCondition},
    },
};
use tokio::sync::{mpsc, oneshot};

use crate::{
    behaviour::{Behaviour, BehaviourEvent},
    client::{Acceptance, Command, Event, GossipId, RequestKind, ResponseChannel},
    codec::{CodecError, Wire},
    config::Limits,
    error::P2pError,
    metrics::P2pMetrics,
    protocol::{JobsResponse, Refusal, Topic},
    score::{Action, Offence, PeerScores},
};

/// Events held back while the application's queue is full; beyond this the loop stops
/// reading the network until the application catches up.
const HELD_EVENTS: usize = 64;
/// How often bans expire and bootnodes are redialed.
const MAINTENANCE_INTERVAL: Duration = Duration::from_millis(200);
/// The first redial of a lost bootnode waits this long, doubling up to [`MAX_REDIAL_BACKOFF`].
const FIRST_REDIAL_BACKOFF: Duration = Duration::from_millis(500);
const MAX_REDIAL_BACKOFF: Duration = Duration::from_secs(30);

struct PendingRequest {
    kind: RequestKind,
    reply: oneshot::Sender<Result<JobsResponse, P2pError>>,
}

struct Bootnode {
    peer: PeerId,
    address: Multiaddr,
    connected: bool,
    /// When to dial next; `None` while a dial is under way or the node is connected.
    next_dial: Option<Instant>,
    backoff: Duration,
}

/// The network task: run it with `tokio::spawn(event_loop.run())`. It stops on
/// [`Client::shutdown`](crate::Client::shutdown) or when every `Client` is dropped.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
    held: VecDeque<Event>,
    events_open: bool,
    pending_requests: HashMap<OutboundRequestId, PendingRequest>,
    pending_dials: HashMap<ConnectionId, (Multiaddr, oneshot::Sender<Result<PeerId, P2pError>>)>,
    unbound_listeners: HashSet<libp2p::core::transport::ListenerId>,
    listen_waiters: Vec<oneshot::Sender<Vec<Multiaddr>>>,
    bootnodes: Vec<Bootnode>,
    allowed: Option<HashSet<PeerId>>,
    scores: PeerScores,
    limits: Limits,
    metrics: P2pMetrics,
}

/// What [`EventLoop::new`] needs, gathered by [`crate::new`].
pub(crate) struct EventLoopParts {
    pub(crate) swarm: Swarm<Behaviour>,
    pub(crate) commands: mpsc::Receiver<Command>,
    pub(crate) events: mpsc::Sender<Event>,
    pub(crate) unbound_listeners: HashSet<libp2p::core::transport::ListenerId>,
    pub(crate) bootnodes: Vec<(PeerId, Multiaddr)>,
    pub(crate) allowed: Option<HashSet<PeerId>>,
    pub(crate) scores: PeerScores,
    pub(crate) limits: Limits,
    pub(crate) metrics: P2pMetrics,
}

impl EventLoop {
    pub(crate) fn new(parts: EventLoopParts) -> Self {
        let now = Instant::now();
        Self {
            swarm: parts.swarm,
            commands: parts.commands,
            events: parts.events,
            held: VecDeque::new(),
            events_open: true,
            pending_requests: HashMap::new(),
            pending_dials: HashMap::new(),
            unbound_listeners: parts.unbound_listeners,
            listen_waiters: Vec::new(),
            bootnodes: parts
                .bootnodes
                .into_iter()
                .map(|(peer, address)| Bootnode {
                    peer,
                    address,
                    connected: false,
                    next_dial: Some(now),
                    backoff: FIRST_REDIAL_BACKOFF,
                })
                .collect(),
            allowed: parts.allowed,
            scores: parts.scores,
            limits: parts.limits,
            metrics: parts.metrics,
        }
    }

    /// Runs until shut down.
    pub async fn run(mut self) {
        let mut maintenance = tokio::time::interval(MAINTENANCE_INTERVAL);
        maintenance.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let shutdown_reply = loop {
            let reading = self.held.len() < HELD_EVENTS;
            tokio::select! {
                // An owned permit (from a clone of the sender) borrows nothing from `self`.
                permit = self.events.clone().reserve_owned(), if !self.held.is_empty() => match permit {
                    Ok(permit) => {
                        if let Some(event) = self.held.pop_front() {
                            permit.send(event);
                        }
                    }
                    Err(_) => self.events_closed(),
                },
                event = self.swarm.select_next_some(), if reading => self.on_swarm_event(event),
                command = self.commands.recv() => match command {
                    Some(Command::Shutdown { reply }) => break Some(reply),
                    Some(command) => self.on_command(command),
                    None => break None,
                },
                _ = maintenance.tick() => self.maintain(),
            }
        };
        tracing::info!(target: "p2p::peers", peer = %self.swarm.local_peer_id(), "network shut down");
        // Pending callers learn of the shutdown when their oneshot senders drop with us.
        drop(self);
        if let Some(reply) = shutdown_reply {
            let _ = reply.send(());
        }
    }

    fn emit(&mut self, event: Event) {
        if self.events_open {
            self.held.push_back(event);
        }
    }

    /// Nobody reads events any more: drop what is held (inbound requests go unanswered, gossip
    /// is ignored) and stop queueing.
    fn events_closed(&mut self) {
        tracing::debug!(target: "p2p::peers", "event receiver dropped");
        self.events_open = false;
        for event in std::mem::take(&mut self.held) {
            if let Event::Gossip { id, .. } = event {
                self.report_validation(&id, MessageAcceptance::Ignore);
            }
        }
    }

    fn is_allowed(&self, peer: &PeerId) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|allowed| allowed.contains(peer))
    }

    fn refusal_of(&self, peer: &PeerId) -> Option<&'static str> {
        if !self.is_allowed(peer) {
            Some("not on the allow-list")
        } else if self.scores.is_banned(peer, Instant::now()) {
            Some("banned for its offences")
        } else {
            None
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::ListenAddrs { reply } => {
                if self.unbound_listeners.is_empty() {
                    let _ = reply.send(self.swarm.listeners().cloned().collect());
                } else {
                    self.listen_waiters.push(reply);
                }
            }
            Command::Dial { address, reply } => self.dial(address, reply),
            Command::Request {
                peer,
                kind,
                bytes,
                reply,
            } => {
                if let Some(reason) = self.refusal_of(&peer) {
                    let _ = reply.send(Err(P2pError::NotAllowed { peer, reason }));
                    return;
                }
                tracing::debug!(target: "p2p::jobs", %peer, kind = kind.as_str(), bytes = bytes.len(), "request sent");
                P2pMetrics::kind(&self.metrics.requests_outbound, kind.as_str());
                let request_id = self
                    .swarm
                    .behaviour_mut()
                    .jobs
                    .send_request(&peer, Wire::Encoded(bytes));
                self.pending_requests
                    .insert(request_id, PendingRequest { kind, reply });
            }
            Command::Respond {
                channel,
                bytes,
                reply,
            } => {
                let ResponseChannel { inner, peer } = channel;
                let outcome = self
                    .swarm
                    .behaviour_mut()
                    .jobs
                    .send_response(inner, Wire::Encoded(bytes))
                    .map_err(|_| P2pError::PeerUnreachable {
                        peer,
                        reason: "the request is no longer open (timed out or connection closed)"
                            .to_owned(),
                    });
                let _ = reply.send(outcome);
            }
            Command::Publish { topic, data, reply } => {
                let bytes = data.len();
                let outcome = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .publish(topic.ident(), data)
                    .map(|message_id| {
                        self.metrics.gossip_published.inc();
                        tracing::debug!(target: "p2p::gossip", %topic, %message_id, bytes, "published");
                    })
                    .map_err(|error| match error {
                        gossipsub::PublishError::NoPeersSubscribedToTopic => {
                            P2pError::NoSubscribers { topic: topic.name() }
                        }
                        error => P2pError::Publish {
                            topic: topic.name(),
                            reason: error.to_string(),
                        },
                    });
                let _ = reply.send(outcome);
            }
            Command::Subscribe { topic, reply } => {
                let outcome = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .subscribe(&topic.ident())
                    .map_err(|error| P2pError::Publish {
                        topic: topic.name(),
                        reason: format!("cannot subscribe: {error}"),
                    });
                tracing::debug!(target: "p2p::gossip", %topic, "subscribed");
                let _ = reply.send(outcome);
            }
            Command::Validate {
                id,
                acceptance,
                reply,
            } => {
                let acceptance = match acceptance {
                    Acceptance::Accept => MessageAcceptance::Accept,
                    Acceptance::Reject => {
                        self.offend(id.propagation_source, Offence::RejectedGossip);
                        MessageAcceptance::Reject
                    }
                    Acceptance::Ignore => MessageAcceptance::Ignore,
                };
                self.report_validation(&id, acceptance);
                let _ = reply.send(());
            }
            Command::ReportPeer {
                peer,
                offence,
                reply,
            } => {
                self.offend(peer, offence);
                let _ = reply.send(());
            }
            Command::ConnectedPeers { reply } => {
                let _ = reply.send(self.swarm.connected_peers().copied().collect());
            }
            Command::PeerScore { peer, reply } => {
                let _ = reply.send(self.scores.score(&peer, Instant::now()));
            }
            // `run` stops on a shutdown before it gets here; answering is all that is left.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    fn report_validation(&mut self, id: &GossipId, acceptance: MessageAcceptance) {
        let found = self
            .swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(&id.message_id, &id.propagation_source, acceptance);
        if !found {
            tracing::debug!(target: "p2p::gossip", message_id = %id.message_id, "validated message no longer cached");
        }
    }

    fn dial(&mut self, address: Multiaddr, reply: oneshot::Sender<Result<PeerId, P2pError>>) {
        let peer = match address.iter().last() {
            Some(Protocol::P2p(peer)) => Some(peer),
            _ => None,
        };
        if let Some(peer) = peer {
            if let Some(reason) = self.refusal_of(&peer) {
                let _ = reply.send(Err(P2pError::NotAllowed { peer, reason }));
                return;
            }
            if self.swarm.is_connected(&peer) {
                let _ = reply.send(Ok(peer));
                return;
            }
        }
        let opts = match peer {
            Some(peer) => DialOpts::peer_id(peer)
                .addresses(vec![address.clone()])
                .condition(PeerCondition::Always)
                .build(),
            None => DialOpts::unknown_peer_id().address(address.clone()).build(),
        };
        let connection_id = opts.connection_id();
        match self.swarm.dial(opts) {
            Ok(()) => {
                tracing::debug!(target: "p2p::peers", %address, "dialing");
                self.pending_dials.insert(connection_id, (address, reply));
            }
            Err(error) => {
                let _ = reply.send(Err(dial_failure(&address, &error)));
            }
        }
    }

    /// Records an offence and acts on the score.
    fn offend(&mut self, peer: PeerId, offence: Offence) {
        P2pMetrics::kind(&self.metrics.offences, offence.as_str());
        let (score, action) = self.scores.offend(peer, offence, Instant::now());
        tracing::warn!(target: "p2p::peers", %peer, %offence, score, ?action, "peer offence");
        match action {
            Action::None => {}
            Action::Disconnect => {
                if self.swarm.disconnect_peer_id(peer).is_ok() {
                    self.metrics.peers_disconnected_for_score.inc();
                }
            }
            Action::Ban => {
                if self.swarm.behaviour_mut().banned.block_peer(peer) {
                    self.metrics.peers_banned.inc();
                    tracing::warn!(target: "p2p::peers", %peer, score, "peer banned");
                }
                let _ = self.swarm.disconnect_peer_id(peer);
            }
        }
    }

    fn maintain(&mut self) {
        let now = Instant::now();
        for peer in self.scores.expire(now) {
            self.swarm.behaviour_mut().banned.unblock_peer(peer);
            tracing::info!(target: "p2p::peers", %peer, "ban ended");
        }
        let due: Vec<usize> = self
            .bootnodes
            .iter()
            .enumerate()
            .filter(|(_, bootnode)| {
                !bootnode.connected && bootnode.next_dial.is_some_and(|at| at <= now)
            })
            .map(|(index, _)| index)
            .collect();
        for index in due {
            let (peer, address) = {
                let bootnode = &mut self.bootnodes[index];
                bootnode.next_dial = None;
                (bootnode.peer, bootnode.address.clone())
            };
            if self.scores.is_banned(&peer, now) {
                self.schedule_redial(peer);
                continue;
            }
            let opts = DialOpts::peer_id(peer)
                .addresses(vec![address.clone()])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            tracing::debug!(target: "p2p::peers", %peer, %address, "dialing bootnode");
            if let Err(error) = self.swarm.dial(opts) {
                if !matches!(error, DialError::DialPeerConditionFalse(_)) {
                    tracing::debug!(target: "p2p::peers", %peer, %error, "bootnode dial refused");
                }
                self.schedule_redial(peer);
            }
        }
    }

    /// A bootnode is lost or could not be reached: dial again after its backoff, doubled.
    fn schedule_redial(&mut self, peer: PeerId) {
        if let Some(bootnode) = self.bootnodes.iter_mut().find(|b| b.peer == peer) {
            if bootnode.connected {
                return;
            }
            bootnode.next_dial = Some(Instant::now() + bootnode.backoff);
            tracing::debug!(target: "p2p::peers", %peer, backoff_ms = bootnode.backoff.as_millis(), "bootnode redial scheduled");
            bootnode.backoff = (bootnode.backoff * 2).min(MAX_REDIAL_BACKOFF);
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Jobs(event)) => self.on_jobs_event(event),
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(event)) => self.on_gossip_event(event),
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                ..
            })) => {
                tracing::debug!(target: "p2p::peers", peer = %peer_id, agent = %info.agent_version, protocol = %info.protocol_version, "identified");
            }
            SwarmEvent::Behaviour(_) => {}
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                num_established,
                ..
            } => {
                tracing::debug!(target: "p2p::peers", peer = %peer_id, address = %endpoint.get_remote_address(), "connection established");
                if let Some((_, reply)) = self.pending_dials.remove(&connection_id) {
                    let _ = reply.send(Ok(peer_id));
                }
                if let Some(bootnode) = self.bootnodes.iter_mut().find(|b| b.peer == peer_id) {
                    bootnode.connected = true;
                    bootnode.next_dial = None;
                    bootnode.backoff = FIRST_REDIAL_BACKOFF;
                }
                if num_established.get() == 1 {
                    self.metrics.peers_connected.inc();
                    tracing::info!(target: "p2p::peers", peer = %peer_id, "peer connected");
                    self.emit(Event::PeerConnected { peer: peer_id });
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                cause,
                ..
            } => {
                self.metrics.peers_connected.dec();
                tracing::info!(target: "p2p::peers", peer = %peer_id, cause = ?cause, "peer disconnected");
                if let Some(bootnode) = self.bootnodes.iter_mut().find(|b| b.peer == peer_id) {
                    bootnode.connected = false;
                }
                self.schedule_redial(peer_id);
                self.emit(Event::PeerDisconnected { peer: peer_id });
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                peer_id,
                error,
            } => {
                tracing::debug!(target: "p2p::peers", peer = ?peer_id, %error, "outgoing connection failed");
                if let Some((address, reply)) = self.pending_dials.remove(&connection_id) {
                    let _ = reply.send(Err(dial_failure(&address, &error)));
                }
                if let Some(peer) = peer_id
                    && !self.swarm.is_connected(&peer)
                {
                    self.schedule_redial(peer);
                }
            }
            SwarmEvent::IncomingConnectionError {
                send_back_addr,
                error,
                peer_id,
                ..
            } => {
                tracing::debug!(target: "p2p::peers", peer = ?peer_id, address = %send_back_addr, %error, "incoming connection refused or failed");
            }
            SwarmEvent::NewListenAddr {
                listener_id,
                address,
            } => {
                tracing::info!(target: "p2p::peers", %address, "listening");
                self.listener_settled(listener_id);
            }
            SwarmEvent::ListenerClosed {
                listener_id,
                reason,
                ..
            } => {
                tracing::warn!(target: "p2p::peers", ?listener_id, ?reason, "listener closed");
                self.listener_settled(listener_id);
            }
            SwarmEvent::ListenerError { listener_id, error } => {
                tracing::warn!(target: "p2p::peers", ?listener_id, %error, "listener error");
            }
            _ => {}
        }
    }

    fn listener_settled(&mut self, listener_id: libp2p::core::transport::ListenerId) {
        self.unbound_listeners.remove(&listener_id);
        if self.unbound_listeners.is_empty() {
            let addresses: Vec<Multiaddr> = self.swarm.listeners().cloned().collect();
            for waiter in self.listen_waiters.drain(..) {
                let _ = waiter.send(addresses.clone());
            }
        }
    }

    fn on_jobs_event(
        &mut self,
        event: request_response::Event<Wire<crate::protocol::JobsRequest>, Wire<JobsResponse>>,
    ) {
        match event {
            request_response::Event::Message {
                peer,
                message:
                    request_response::Message::Request {
                        request, channel, ..
                    },
                ..
            } => {
                let request = match request {
                    Wire::Decoded(request) => request,
                    Wire::Invalid(error) => {
                        tracing::warn!(target: "p2p::jobs", %peer, %error, "bad request");
                        P2pMetrics::kind(&self.metrics.request_failures, "inbound_invalid");
                        self.offend(peer, offence_of(&error));
                        let refusal = Refusal::BadRequest {
                            reason: error.to_string(),
                        };
                        let refusal = Wire::Decoded(JobsResponse::Refused(refusal));
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .jobs
                            .send_response(channel, refusal);
                        return;
                    }
                    Wire::Encoded(_) => return,
                };
                let kind = RequestKind::of(&request);
                P2pMetrics::kind(&self.metrics.requests_inbound, kind.as_str());
                tracing::debug!(target: "p2p::jobs", %peer, kind = kind.as_str(), "request received");
                if let Some(reason) = self.refusal_of(&peer) {
                    tracing::warn!(target: "p2p::jobs", %peer, reason, "request refused");
                    let refusal = Wire::Decoded(JobsResponse::Refused(Refusal::NotAllowed));
                    let _ = self
                        .swarm
                        .behaviour_mut()
                        .jobs
                        .send_response(channel, refusal);
                    return;
                }
                self.emit(Event::InboundRequest {
                    peer,
                    request,
                    channel: ResponseChannel {
                        inner: channel,
                        peer,
                    },
                });
            }
            request_response::Event::Message {
                peer,
                message:
                    request_response::Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => {
                let Some(pending) = self.pending_requests.remove(&request_id) else {
                    return;
                };
                let response = match response {
                    Wire::Decoded(response) => response,
                    Wire::Invalid(error) => {
                        tracing::warn!(target: "p2p::jobs", %peer, %error, "bad response");
                        P2pMetrics::kind(&self.metrics.request_failures, "outbound_invalid");
                        self.offend(peer, offence_of(&error));
                        let _ = pending.reply.send(Err(P2pError::BadResponse {
                            peer,
                            reason: format!("response {error}"),
                        }));
                        return;
                    }
                    Wire::Encoded(_) => return,
                };
                let outcome = if pending.kind.answered_by(&response) {
                    tracing::debug!(target: "p2p::jobs", %peer, kind = pending.kind.as_str(), "response received");
                    Ok(response)
                } else {
                    self.offend(peer, Offence::UnexpectedResponse);
                    Err(P2pError::BadResponse {
                        peer,
                        reason: format!(
                            "a response of another kind to a {} request",
                            pending.kind.as_str()
                        ),
                    })
                };
                let _ = pending.reply.send(outcome);
            }
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                tracing::debug!(target: "p2p::jobs", %peer, %error, "request failed");
                let reason = failure_reason(&error);
                P2pMetrics::kind(&self.metrics.request_failures, reason);
                let outcome = match error {
                    OutboundFailure::Timeout => P2pError::Timeout {
                        peer,
                        timeout_ms: self.limits.request_timeout.as_millis(),
                    },
                    OutboundFailure::DialFailure => P2pError::PeerUnreachable {
                        peer,
                        reason: "no connection could be made".to_owned(),
                    },
                    OutboundFailure::ConnectionClosed => P2pError::PeerUnreachable {
                        peer,
                        reason: "the connection closed before the answer".to_owned(),
                    },
                    OutboundFailure::UnsupportedProtocols => P2pError::RequestFailed {
                        peer,
                        reason: "the peer does not speak /hyperforge/jobs/1".to_owned(),
                    },
                    OutboundFailure::Io(error) => P2pError::RequestFailed {
                        peer,
                        reason: error.to_string(),
                    },
                };
                if let Some(pending) = self.pending_requests.remove(&request_id) {
                    let _ = pending.reply.send(Err(outcome));
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                P2pMetrics::kind(&self.metrics.request_failures, inbound_reason(&error));
                tracing::debug!(target: "p2p::jobs", %peer, %error, "inbound request failed");
            }
            request_response::Event::ResponseSent { peer, .. } => {
                tracing::trace!(target: "p2p::jobs", %peer, "response sent");
            }
        }
    }

    fn on_gossip_event(&mut self, event: gossipsub::Event) {
        match event {
            gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            } => {
                self.metrics.gossip_received.inc();
                let id = GossipId {
                    message_id,
                    propagation_source,
                };
                let topic = match message.topic.as_str().parse::<Topic>() {
                    Ok(topic) if self.events_open => topic,
                    Ok(_) => {
                        self.report_validation(&id, MessageAcceptance::Ignore);
                        return;
                    }
                    Err(error) => {
                        tracing::debug!(target: "p2p::gossip", %error, "message on a foreign topic ignored");
                        self.report_validation(&id, MessageAcceptance::Ignore);
                        return;
                    }
                };
                tracing::debug!(target: "p2p::gossip", %topic, source = %propagation_source, bytes = message.data.len(), "message received");
                self.emit(Event::Gossip {
                    topic,
                    author: message.source,
                    data: message.data,
                    id,
                });
            }
            gossipsub::Event::Subscribed { peer_id, topic, .. } => {
                tracing::debug!(target: "p2p::gossip", peer = %peer_id, %topic, "peer subscribed");
            }
            gossipsub::Event::Unsubscribed { peer_id, topic } => {
                tracing::debug!(target: "p2p::gossip", peer = %peer_id, %topic, "peer unsubscribed");
            }
            gossipsub::Event::GossipsubNotSupported { peer_id } => {
                tracing::debug!(target: "p2p::gossip", peer = %peer_id, "peer does not speak gossipsub");
            }
            gossipsub::Event::SlowPeer {
                peer_id,
                failed_messages,
            } => {
                tracing::warn!(target: "p2p::gossip", peer = %peer_id, ?failed_messages, "slow peer");
            }
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
}

fn offence_of(error: &CodecError) -> Offence {
    match error {
        CodecError::Oversized { .. } => Offence::Oversized,
        CodecError::Undecodable(_) => Offence::Undecodable,
    }
}

fn failure_reason(error: &OutboundFailure) -> &'static str {
    match error {
        OutboundFailure::DialFailure => "outbound_dial_failure",
        OutboundFailure::Timeout => "outbound_timeout",
        OutboundFailure::ConnectionClosed => "outbound_connection_closed",
        OutboundFailure::UnsupportedProtocols => "outbound_unsupported",
        OutboundFailure::Io(_) => "outbound_io",
    }
}

fn inbound_reason(error: &InboundFailure) -> &'static str {
    match error {
        InboundFailure::Timeout => "inbound_timeout",
        InboundFailure::ConnectionClosed => "inbound_connection_closed",
        InboundFailure::UnsupportedProtocols => "inbound_unsupported",
        InboundFailure::ResponseOmission => "inbound_unanswered",
        InboundFailure::Io(_) => "inbound_io",
    }
}

fn dial_failure(address: &Multiaddr, error: &DialError) -> P2pError {
    P2pError::DialFailure {
        address: address.to_string(),
        reason: error.to_string(),
    }
}
