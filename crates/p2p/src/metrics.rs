//! Counters of the network, for the node to register in its Prometheus registry.
//!
//! The metrics share their values across clones, so the node registers a clone of
//! [`Client::metrics`](crate::Client::metrics) while the event loop updates the original.

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge},
    registry::Registry,
};

/// A label naming one kind of something (request kind, offence, direction).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    /// The kind.
    pub kind: &'static str,
}

/// The network's metrics.
#[derive(Debug, Clone, Default)]
pub struct P2pMetrics {
    /// Peers with at least one established connection.
    pub peers_connected: Gauge,
    /// Jobs requests received, by kind (`job`, `proof`).
    pub requests_inbound: Family<KindLabel, Counter>,
    /// Jobs requests sent, by kind (`job`, `proof`).
    pub requests_outbound: Family<KindLabel, Counter>,
    /// Requests that failed, by direction and reason.
    pub request_failures: Family<KindLabel, Counter>,
    /// Gossip messages received.
    pub gossip_received: Counter,
    /// Gossip messages published.
    pub gossip_published: Counter,
    /// Offences recorded, by kind.
    pub offences: Family<KindLabel, Counter>,
    /// Peers disconnected for their score.
    pub peers_disconnected_for_score: Counter,
    /// Peers banned.
    pub peers_banned: Counter,
}

impl P2pMetrics {
    /// Registers every metric under `registry` (prefix them with a sub-registry, e.g. `p2p`).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "peers_connected",
            "Peers with an established connection",
            self.peers_connected.clone(),
        );
        registry.register(
            "requests_inbound",
            "Jobs requests received, by kind",
            self.requests_inbound.clone(),
        );
        registry.register(
            "requests_outbound",
            "Jobs requests sent, by kind",
            self.requests_outbound.clone(),
        );
        registry.register(
            "request_failures",
            "Jobs requests that failed, by reason",
            self.request_failures.clone(),
        );
        registry.register(
            "gossip_received",
            "Gossip messages received",
            self.gossip_received.clone(),
        );
        registry.register(
            "gossip_published",
            "Gossip messages published",
            self.gossip_published.clone(),
        );
        registry.register("offences", "Peer offences, by kind", self.offences.clone());
        registry.register(
            "peers_disconnected_for_score",
            "Peers disconnected for their score",
            self.peers_disconnected_for_score.clone(),
        );
        registry.register("peers_banned", "Peers banned", self.peers_banned.clone());
    }

    pub(crate) fn kind(family: &Family<KindLabel, Counter>, kind: &'static str) {
        family.get_or_create(&KindLabel { kind }).inc();
    }
}

#[cfg(test)]
mod tests {
    use prometheus_client::encoding::text::encode;

    use super::*;

    #[test]
    fn registered_metrics_show_in_the_text_format() {
        let metrics = P2pMetrics::default();
        let mut registry = Registry::default();
        metrics.register(registry.sub_registry_with_prefix("p2p"));
        metrics.peers_connected.set(3);
        P2pMetrics::kind(&metrics.offences, "invalid_proof");
        let mut text = String::new();
        encode(&mut text, &registry).expect("encodes");
        assert!(text.contains("p2p_peers_connected 3"), "{text}");
        assert!(
            text.contains("p2p_offences_total{kind=\"invalid_proof\"} 1"),
            "{text}"
        );
    }
}
