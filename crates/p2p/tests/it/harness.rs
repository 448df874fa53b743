//! Starting, driving and stopping nodes in tests.

use std::time::Duration;

use futures::StreamExt;
use hyperforge_p2p::{
    CircuitDigest, Client, Event, Events, Job, JobId, JobRequest, JobsRequest, Multiaddr,
    NetworkConfig, Payload, PeerId, ResponseChannel,
};
use hyperforge_primitives::ChainId;
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// How long a test waits for anything the network should do at once on loopback.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

pub(crate) fn tcp() -> Multiaddr {
    "/ip4/127.0.0.1/tcp/0".parse().expect("valid multiaddr")
}

pub(crate) fn quic() -> Multiaddr {
    "/ip4/127.0.0.1/udp/0/quic-v1"
        .parse()
        .expect("valid multiaddr")
}

pub(crate) fn chain() -> ChainId {
    ChainId::new(31337).expect("valid chain id")
}

pub(crate) fn digest(byte: u8) -> CircuitDigest {
    CircuitDigest([byte; 32])
}

pub(crate) fn job_request(circuits: CircuitDigest) -> JobRequest {
    JobRequest {
        chain_ids: vec![chain()],
        circuits,
        kinds: vec![],
    }
}

pub(crate) fn job(id: u64, witness: Vec<u8>) -> Job {
    Job {
        job_id: JobId(id),
        chain_id: chain(),
        circuits: digest(1),
        kind: 0,
        lease_ms: 60_000,
        witness: Payload(witness),
    }
}

/// A running node with its own data directory.
pub(crate) struct Node {
    pub(crate) client: Client,
    pub(crate) events: Events,
    pub(crate) peer: PeerId,
    pub(crate) addrs: Vec<Multiaddr>,
    task: JoinHandle<()>,
    pub(crate) dir: TempDir,
}

/// A configuration listening on `listen` with its key in a fresh directory.
pub(crate) fn config(listen: Vec<Multiaddr>) -> (NetworkConfig, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut config = NetworkConfig::new(listen, dir.path());
    // Tests form gossip meshes quickly.
    config.gossip_heartbeat = Duration::from_millis(200);
    (config, dir)
}

impl Node {
    pub(crate) async fn start(listen: Vec<Multiaddr>) -> Self {
        let (config, dir) = config(listen);
        Self::start_with(config, dir).await
    }

    pub(crate) async fn start_with(config: NetworkConfig, dir: TempDir) -> Self {
        let (client, events, event_loop) = hyperforge_p2p::new(config).expect("node starts");
        let task = tokio::spawn(event_loop.run());
        let addrs = tokio::time::timeout(PATIENCE, client.listen_addrs())
            .await
            .expect("listeners bind in time")
            .expect("listen addresses");
        assert!(!addrs.is_empty(), "a node listens somewhere");
        Self {
            peer: client.local_peer_id(),
            client,
            events,
            addrs,
            task,
            dir,
        }
    }

    /// The listen address of one transport (`tcp` or `quic-v1`).
    pub(crate) fn addr(&self, transport: &str) -> Multiaddr {
        self.addrs
            .iter()
            .find(|addr| addr.iter().any(|p| p.tag() == transport))
            .cloned()
            .unwrap_or_else(|| panic!("no {transport} address in {:?}", self.addrs))
    }

    /// The first event `pick` takes, skipping the others; fails the test after [`PATIENCE`].
    pub(crate) async fn next<T>(&mut self, mut pick: impl FnMut(Event) -> Option<T>) -> T {
        let waiting = async {
            loop {
                let event = self.events.next().await.expect("event stream open");
                if let Some(found) = pick(event) {
                    return found;
                }
            }
        };
        tokio::time::timeout(PATIENCE, waiting)
            .await
            .expect("the awaited event came in time")
    }

    /// The next inbound jobs request.
    pub(crate) async fn next_request(&mut self) -> (PeerId, JobsRequest, ResponseChannel) {
        self.next(|event| match event {
            Event::InboundRequest {
                peer,
                request,
                channel,
            } => Some((peer, request, channel)),
            _ => None,
        })
        .await
    }

    /// Waits until `peer` disconnects from this node.
    pub(crate) async fn disconnected(&mut self, peer: PeerId) {
        self.next(|event| match event {
            Event::PeerDisconnected { peer: gone } if gone == peer => Some(()),
            _ => None,
        })
        .await
    }

    /// Shuts the node down and waits for its event loop to end; returns its data directory.
    pub(crate) async fn stop(self) -> TempDir {
        self.client.shutdown().await.expect("shutdown");
        tokio::time::timeout(PATIENCE, self.task)
            .await
            .expect("event loop stops in time")
            .expect("event loop did not panic");
        self.dir
    }
}

/// Waits until `check` holds, polling; fails the test after [`PATIENCE`].
pub(crate) async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
