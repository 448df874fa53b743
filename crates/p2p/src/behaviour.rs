//! The libp2p behaviour (one struct of sub-behaviours) and the swarm built around it.

use std::collections::HashSet;

use libp2p::{
    PeerId, Swarm, SwarmBuilder, allow_block_list, connection_limits, gossipsub, identify,
    identity::Keypair,
    noise, ping,
    request_response::{self, ProtocolSupport},
    swarm::{NetworkBehaviour, behaviour::toggle::Toggle},
    tcp, yamux,
};

use crate::{codec::JobsCodec, config::NetworkConfig, error::P2pError, protocol::JOBS_PROTOCOL};

/// identify's protocol version: peers of another protocol family show up in logs.
pub(crate) const IDENTIFY_PROTOCOL: &str = "/hyperforge/id/1";

/// Every sub-behaviour. The connection gates (allow-list, bans, limits) come first, so a
/// denied connection never reaches the others.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    /// With a non-empty allow-list: only those peers (and the bootnodes) connect.
    pub(crate) allowed: Toggle<allow_block_list::Behaviour<allow_block_list::AllowedPeers>>,
    /// Banned peers.
    pub(crate) banned: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    /// Connections per peer and in all.
    pub(crate) limits: connection_limits::Behaviour,
    /// `/hyperforge/jobs/1`.
    pub(crate) jobs: request_response::Behaviour<JobsCodec>,
    /// Blocks, batches, proofs.
    pub(crate) gossipsub: gossipsub::Behaviour,
    /// Peer information (agent, listen addresses).
    pub(crate) identify: identify::Behaviour,
    /// Liveness.
    pub(crate) ping: ping::Behaviour,
}

/// The peers allowed to connect: `None` when anyone may.
pub(crate) fn allowed_set(config: &NetworkConfig, bootnodes: &[PeerId]) -> Option<HashSet<PeerId>> {
    if config.allowed_peers.is_empty() {
        return None;
    }
    Some(
        config
            .allowed_peers
            .iter()
            .chain(bootnodes)
            .copied()
            .collect(),
    )
}

fn behaviour(
    key: &Keypair,
    config: &NetworkConfig,
    allowed: Option<&HashSet<PeerId>>,
) -> Result<Behaviour, P2pError> {
    let limits = &config.limits;
    let allowed = Toggle::from(allowed.map(|peers| {
        let mut behaviour =
            allow_block_list::Behaviour::<allow_block_list::AllowedPeers>::default();
        for peer in peers {
            behaviour.allow_peer(*peer);
        }
        behaviour
    }));
    let connection_limits = connection_limits::ConnectionLimits::default()
        .with_max_established_per_peer(Some(limits.max_connections_per_peer))
        .with_max_established(Some(limits.max_connections))
        .with_max_pending_incoming(Some(limits.max_pending_connections))
        .with_max_pending_outgoing(Some(limits.max_pending_connections));
    let jobs = request_response::Behaviour::with_codec(
        JobsCodec::new(limits.max_request_bytes, limits.max_response_bytes),
        [(JOBS_PROTOCOL, ProtocolSupport::Full)],
        request_response::Config::default()
            .with_request_timeout(limits.request_timeout)
            .with_max_concurrent_streams(limits.max_concurrent_streams),
    );
    let gossipsub_config = gossipsub::ConfigBuilder::default()
        .max_transmit_size(limits.gossip_transmit_bytes())
        .validation_mode(gossipsub::ValidationMode::Strict)
        .validate_messages()
        .heartbeat_interval(config.gossip_heartbeat)
        .heartbeat_initial_delay(config.gossip_heartbeat)
        .build()
        .map_err(|error| P2pError::Build(format!("gossipsub configuration: {error}")))?;
    let gossipsub = gossipsub::Behaviour::new(
        gossipsub::MessageAuthenticity::Signed(key.clone()),
        gossipsub_config,
    )
    .map_err(|error| P2pError::Build(format!("gossipsub: {error}")))?;
    let identify = identify::Behaviour::new(
        identify::Config::new(IDENTIFY_PROTOCOL.to_owned(), key.public())
            .with_agent_version(format!("hyperforge/{}", env!("CARGO_PKG_VERSION"))),
    );
    Ok(Behaviour {
        allowed,
        banned: allow_block_list::Behaviour::default(),
        limits: connection_limits::Behaviour::new(connection_limits),
        jobs,
        gossipsub,
        identify,
        ping: ping::Behaviour::default(),
    })
}

/// The swarm: TCP (noise, yamux) and QUIC on tokio.
pub(crate) fn build_swarm(
    keypair: Keypair,
    config: &NetworkConfig,
    allowed: Option<&HashSet<PeerId>>,
) -> Result<Swarm<Behaviour>, P2pError> {
    let mut built = None;
    let swarm = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|error| P2pError::Build(format!("tcp transport: {error}")))?
        .with_quic()
        .with_behaviour(|key| match behaviour(key, config, allowed) {
            Ok(behaviour) => Ok(behaviour),
            Err(error) => {
                let message = error.to_string();
                built = Some(error);
                Err(message.into())
            }
        })
        .map_err(|error| {
            built
                .take()
                .unwrap_or_else(|| P2pError::Build(error.to_string()))
        })?
        .with_swarm_config(|swarm_config| {
            swarm_config.with_idle_connection_timeout(config.idle_timeout)
        })
        .build();
    Ok(swarm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_allow_list_allows_everyone_and_a_non_empty_one_adds_the_bootnodes() {
        let mut config = NetworkConfig::new(Vec::new(), "/tmp/unused");
        let bootnode = PeerId::random();
        assert_eq!(allowed_set(&config, &[bootnode]), None);
        let prover = PeerId::random();
        config.allowed_peers.insert(prover);
        let allowed = allowed_set(&config, &[bootnode]).expect("an allow-list");
        assert_eq!(allowed, HashSet::from([prover, bootnode]));
    }
}
