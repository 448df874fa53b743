//! Who may connect: the allow-list, scoring and bans, bootnodes, and the node key.

use std::time::Duration;

use hyperforge_p2p::{Event, JobsResponse, NetworkConfig, Offence, P2pError, ScoreConfig};

use crate::harness::{Node, config, digest, eventually, job_request, tcp};

async fn is_connected(node: &Node, peer: hyperforge_p2p::PeerId) -> bool {
    node.client
        .connected_peers()
        .await
        .expect("peers")
        .contains(&peer)
}

#[tokio::test]
async fn a_peer_not_on_the_allow_list_cannot_connect_or_take_jobs() {
    let allowed = Node::start(vec![tcp()]).await;
    let stranger = Node::start(vec![tcp()]).await;
    let (mut seq_config, dir) = config(vec![tcp()]);
    seq_config.allowed_peers.insert(allowed.peer);
    let mut sequencer = Node::start_with(seq_config, dir).await;
    let seq_addr = sequencer.addr("tcp");

    // The allowed prover connects and is served.
    let seq_peer = allowed.client.dial(seq_addr.clone()).await.expect("dialed");
    let client = allowed.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    let (peer, _, channel) = sequencer.next_request().await;
    assert_eq!(peer, allowed.peer);
    sequencer
        .client
        .respond(channel, JobsResponse::NoJob)
        .await
        .expect("answered");
    assert_eq!(asking.await.expect("ran").expect("served"), None);

    // The stranger's connection is refused as soon as its peer id is known, so its request
    // fails and the sequencer's application never hears of it.
    let _ = stranger.client.dial(seq_addr).await;
    let refused = stranger
        .client
        .request_job(seq_peer, job_request(digest(1)))
        .await;
    assert!(
        matches!(
            refused,
            Err(P2pError::PeerUnreachable { .. } | P2pError::RequestFailed { .. })
        ),
        "the stranger was served: {refused:?}"
    );
    assert!(!is_connected(&sequencer, stranger.peer).await);
    assert!(is_connected(&sequencer, allowed.peer).await);
    // Nor does the sequencer send it anything.
    assert!(matches!(
        sequencer.client.request_job(stranger.peer, job_request(digest(1))).await,
        Err(P2pError::NotAllowed { peer, .. }) if peer == stranger.peer
    ));

    stranger.stop().await;
    allowed.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn repeated_offences_disconnect_then_ban_for_a_while() {
    let (mut seq_config, dir) = config(vec![tcp()]);
    seq_config.scoring = ScoreConfig {
        ban_duration: Duration::from_secs(2),
        halflife: Duration::ZERO,
        ..ScoreConfig::default()
    };
    let mut sequencer = Node::start_with(seq_config, dir).await;
    let mut prover = Node::start(vec![tcp()]).await;
    let seq_addr = sequencer.addr("tcp");
    let seq_peer = prover.client.dial(seq_addr.clone()).await.expect("dialed");
    sequencer
        .next(|event| {
            matches!(event, Event::PeerConnected { peer } if peer == prover.peer).then_some(())
        })
        .await;

    // One bad proof: scored, still connected.
    sequencer
        .client
        .report_peer(prover.peer, Offence::InvalidProof)
        .await
        .expect("reported");
    assert_eq!(
        sequencer
            .client
            .peer_score(prover.peer)
            .await
            .expect("score"),
        -10.0
    );
    assert!(is_connected(&sequencer, prover.peer).await);

    // The second: disconnected, but it may come back.
    sequencer
        .client
        .report_peer(prover.peer, Offence::InvalidProof)
        .await
        .expect("reported");
    sequencer.disconnected(prover.peer).await;
    // Redial only once the prover has seen the connection go, or its dial finds it still up.
    prover.disconnected(seq_peer).await;
    prover
        .client
        .dial(seq_addr.clone())
        .await
        .expect("a disconnected peer may dial again");
    let (seq_client, prover_peer) = (sequencer.client.clone(), prover.peer);
    eventually("the prover is back", || {
        let seq_client = seq_client.clone();
        async move {
            seq_client
                .connected_peers()
                .await
                .expect("peers")
                .contains(&prover_peer)
        }
    })
    .await;

    // Three more reach -50: banned, and refused while the ban lasts.
    for _ in 0..3 {
        sequencer
            .client
            .report_peer(prover.peer, Offence::InvalidProof)
            .await
            .expect("reported");
    }
    assert_eq!(
        sequencer
            .client
            .peer_score(prover.peer)
            .await
            .expect("score"),
        -50.0
    );
    sequencer.disconnected(prover.peer).await;
    prover.disconnected(seq_peer).await;
    let _ = prover.client.dial(seq_addr.clone()).await;
    let refused = prover
        .client
        .request_job(seq_peer, job_request(digest(1)))
        .await;
    assert!(refused.is_err(), "a banned peer was served: {refused:?}");
    assert!(!is_connected(&sequencer, prover.peer).await);
    assert_eq!(sequencer.client.metrics().peers_banned.get(), 1);

    // After the ban the prover is served again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    prover
        .client
        .dial(seq_addr)
        .await
        .expect("dialed after the ban");
    let client = prover.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    let (peer, _, channel) = sequencer.next_request().await;
    assert_eq!(peer, prover.peer);
    sequencer
        .client
        .respond(channel, JobsResponse::NoJob)
        .await
        .expect("answered");
    assert_eq!(asking.await.expect("ran").expect("served"), None);

    prover.stop().await;
    sequencer.stop().await;
}

/// A sequencer restarted from the same data directory on the same port keeps its peer id,
/// and a prover that has it as a bootnode dials it again by itself.
#[tokio::test]
async fn the_node_key_persists_across_restarts_and_a_lost_bootnode_is_redialed() {
    let first = Node::start(vec![tcp()]).await;
    let seq_addr = first.addr("tcp");
    let seq_peer = first.peer;

    let (mut prover_config, prover_dir) = config(vec![tcp()]);
    prover_config.bootnodes = vec![seq_addr.clone()];
    let mut prover = Node::start_with(prover_config, prover_dir).await;
    prover
        .next(|event| {
            matches!(event, Event::PeerConnected { peer } if peer == seq_peer).then_some(())
        })
        .await;

    let dir = first.stop().await;
    prover.disconnected(seq_peer).await;

    // The same directory and port (the address without its /p2p suffix).
    let listen: hyperforge_p2p::Multiaddr = seq_addr
        .iter()
        .filter(|protocol| !matches!(protocol, libp2p::multiaddr::Protocol::P2p(_)))
        .collect();
    let config = NetworkConfig::new(vec![listen], dir.path());
    let mut second = Node::start_with(config, dir).await;
    assert_eq!(second.peer, seq_peer, "the peer id survived the restart");

    prover
        .next(|event| {
            matches!(event, Event::PeerConnected { peer } if peer == seq_peer).then_some(())
        })
        .await;
    let client = prover.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    let (peer, _, channel) = second.next_request().await;
    assert_eq!(peer, prover.peer);
    second
        .client
        .respond(channel, JobsResponse::NoJob)
        .await
        .expect("answered");
    assert_eq!(asking.await.expect("ran").expect("served"), None);

    prover.stop().await;
    second.stop().await;
}
