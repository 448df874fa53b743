//! Peer scoring, after Lighthouse's peer manager.
//!
//! Every peer starts at 0. Each [`Offence`] subtracts its penalty; a minute after the last
//! offence the score starts decaying back towards 0 with a half-life (10 minutes), so an
//! occasional fault is forgotten and a stream of them is not (faults within a minute of each
//! other add up in full). Thresholds (Lighthouse's numbers):
//!
//! | score | action |
//! |---|---|
//! | `<= -20` | disconnect (the peer may dial again; its score is remembered) |
//! | `<= -50` | ban: disconnect and refuse every connection for `ban_duration` (30 minutes) |
//!
//! Penalties: a proof that does not verify, an undecodable or oversized message, and a
//! response of the wrong kind are "low tolerance" faults (-10: the second disconnects, the
//! fifth bans); a gossip message the application rejects is "mid tolerance" (-5; a forwarder
//! may have relayed someone else's message). When a ban ends the score restarts at the
//! disconnect threshold: one more offence disconnects again, three more ban again.

use std::{
    collections::HashMap,
    fmt,
    time::{Duration, Instant},
};

use libp2p::PeerId;
use serde::{Deserialize, Serialize};

/// What a peer did wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Offence {
    /// It submitted a proof that does not verify (reported by the application).
    InvalidProof,
    /// It sent bytes that do not decode as a protocol message.
    Undecodable,
    /// It sent a message over the size limit.
    Oversized,
    /// It answered a request with a response of another kind.
    UnexpectedResponse,
    /// It sent or forwarded a gossip message the application rejected.
    RejectedGossip,
    /// Anything else the application holds against it (a low-tolerance fault).
    Misbehaviour,
}

impl Offence {
    /// Every offence, for metrics labels.
    pub const ALL: [Offence; 6] = [
        Self::InvalidProof,
        Self::Undecodable,
        Self::Oversized,
        Self::UnexpectedResponse,
        Self::RejectedGossip,
        Self::Misbehaviour,
    ];

    /// The points it costs.
    pub fn penalty(self) -> f64 {
        match self {
            Self::RejectedGossip => 5.0,
            Self::InvalidProof
            | Self::Undecodable
            | Self::Oversized
            | Self::UnexpectedResponse
            | Self::Misbehaviour => 10.0,
        }
    }

    /// A short name (logs, metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidProof => "invalid_proof",
            Self::Undecodable => "undecodable",
            Self::Oversized => "oversized",
            Self::UnexpectedResponse => "unexpected_response",
            Self::RejectedGossip => "rejected_gossip",
            Self::Misbehaviour => "misbehaviour",
        }
    }
}

impl fmt::Display for Offence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scoring thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreConfig {
    /// At or below this score a peer is disconnected.
    pub disconnect_at: f64,
    /// At or below this score a peer is banned.
    pub ban_at: f64,
    /// How long a ban lasts.
    pub ban_duration: Duration,
    /// The score halves towards 0 in this time (zero: no decay).
    pub halflife: Duration,
    /// The score does not decay until this long after the peer's last offence.
    pub decay_delay: Duration,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        Self {
            disconnect_at: -20.0,
            ban_at: -50.0,
            ban_duration: Duration::from_secs(30 * 60),
            halflife: Duration::from_secs(10 * 60),
            decay_delay: Duration::from_secs(60),
        }
    }
}

/// What to do with a peer after an offence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing yet.
    None,
    /// Close its connections.
    Disconnect,
    /// Close its connections and refuse it until the ban ends.
    Ban,
}

#[derive(Debug, Clone)]
struct PeerScore {
    score: f64,
    updated: Instant,
    banned_until: Option<Instant>,
}

/// The scores of every peer that ever offended (a peer with no entry scores 0).
#[derive(Debug)]
pub(crate) struct PeerScores {
    config: ScoreConfig,
    peers: HashMap<PeerId, PeerScore>,
}

impl PeerScores {
    pub(crate) fn new(config: ScoreConfig) -> Self {
        Self {
            config,
            peers: HashMap::new(),
        }
    }

    fn decayed(&self, entry: &PeerScore, now: Instant) -> f64 {
        let halflife = self.config.halflife.as_secs_f64();
        if halflife <= 0.0 {
            return entry.score;
        }
        let elapsed = now
            .saturating_duration_since(entry.updated)
            .saturating_sub(self.config.decay_delay)
            .as_secs_f64();
        entry.score * 0.5f64.powf(elapsed / halflife)
    }

    /// The peer's score now.
    pub(crate) fn score(&self, peer: &PeerId, now: Instant) -> f64 {
        self.peers
            .get(peer)
            .map_or(0.0, |entry| self.decayed(entry, now))
    }

    /// Whether the peer is banned now.
    pub(crate) fn is_banned(&self, peer: &PeerId, now: Instant) -> bool {
        self.peers
            .get(peer)
            .and_then(|entry| entry.banned_until)
            .is_some_and(|until| until > now)
    }

    /// Records an offence; returns the new score and what to do.
    pub(crate) fn offend(&mut self, peer: PeerId, offence: Offence, now: Instant) -> (f64, Action) {
        let score = self.score(&peer, now) - offence.penalty();
        let already_banned = self.is_banned(&peer, now);
        let entry = self.peers.entry(peer).or_insert(PeerScore {
            score: 0.0,
            updated: now,
            banned_until: None,
        });
        entry.score = score;
        entry.updated = now;
        let action = if score <= self.config.ban_at {
            if !already_banned {
                entry.banned_until = Some(now + self.config.ban_duration);
            }
            Action::Ban
        } else if score <= self.config.disconnect_at {
            Action::Disconnect
        } else {
            Action::None
        };
        (score, action)
    }

    /// Ends the bans that are over, returning those peers; their score restarts at the
    /// disconnect threshold. Also forgets peers whose score decayed to nothing.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<PeerId> {
        let mut unbanned = Vec::new();
        let disconnect_at = self.config.disconnect_at;
        for (peer, entry) in &mut self.peers {
            if entry.banned_until.is_some_and(|until| until <= now) {
                entry.banned_until = None;
                entry.score = disconnect_at;
                entry.updated = now;
                unbanned.push(*peer);
            }
        }
        let forgotten: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, entry)| entry.banned_until.is_none() && self.decayed(entry, now) > -0.1)
            .map(|(peer, _)| *peer)
            .collect();
        for peer in forgotten {
            self.peers.remove(&peer);
        }
        unbanned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_low_tolerance_offence_disconnects_and_fifth_bans() {
        let mut scores = PeerScores::new(ScoreConfig {
            halflife: Duration::ZERO,
            ..ScoreConfig::default()
        });
        let peer = PeerId::random();
        let now = Instant::now();
        let actions: Vec<Action> = (0..5)
            .map(|_| scores.offend(peer, Offence::InvalidProof, now).1)
            .collect();
        assert_eq!(
            actions,
            [
                Action::None,
                Action::Disconnect,
                Action::Disconnect,
                Action::Disconnect,
                Action::Ban
            ]
        );
        assert!(scores.is_banned(&peer, now));
        assert!(!scores.is_banned(&PeerId::random(), now));
    }

    #[test]
    fn scores_decay_with_the_halflife_so_rare_faults_are_forgotten() {
        let config = ScoreConfig::default();
        let mut scores = PeerScores::new(config.clone());
        let peer = PeerId::random();
        let start = Instant::now();
        scores.offend(peer, Offence::InvalidProof, start);
        // No decay within the delay: a second fault then adds up in full.
        assert_eq!(scores.score(&peer, start + config.decay_delay), -10.0);
        let later = start + config.decay_delay + Duration::from_secs(600);
        assert!((scores.score(&peer, later) + 5.0).abs() < 1e-9);
        // Ten minutes after one fault a second one does not disconnect.
        assert_eq!(
            scores.offend(peer, Offence::InvalidProof, later).1,
            Action::None
        );
        // Back-to-back faults do.
        assert_eq!(
            scores.offend(peer, Offence::Undecodable, later).1,
            Action::Disconnect
        );
    }

    #[test]
    fn a_ban_ends_after_its_duration_with_the_score_at_the_disconnect_threshold() {
        let config = ScoreConfig {
            ban_duration: Duration::from_secs(60),
            halflife: Duration::ZERO,
            ..ScoreConfig::default()
        };
        let mut scores = PeerScores::new(config.clone());
        let peer = PeerId::random();
        let now = Instant::now();
        for _ in 0..5 {
            scores.offend(peer, Offence::Oversized, now);
        }
        assert!(scores.expire(now + Duration::from_secs(59)).is_empty());
        assert!(scores.is_banned(&peer, now + Duration::from_secs(59)));
        let end = now + Duration::from_secs(60);
        assert_eq!(scores.expire(end), vec![peer]);
        assert!(!scores.is_banned(&peer, end));
        assert_eq!(scores.score(&peer, end), config.disconnect_at);
        assert_eq!(
            scores.offend(peer, Offence::RejectedGossip, end).1,
            Action::Disconnect
        );
    }

    #[test]
    fn rejected_gossip_costs_half_a_low_tolerance_fault() {
        let mut scores = PeerScores::new(ScoreConfig {
            halflife: Duration::ZERO,
            ..ScoreConfig::default()
        });
        let peer = PeerId::random();
        let now = Instant::now();
        let actions: Vec<Action> = (0..4)
            .map(|_| scores.offend(peer, Offence::RejectedGossip, now).1)
            .collect();
        assert_eq!(
            actions,
            [Action::None, Action::None, Action::None, Action::Disconnect]
        );
    }
}
