//! One typed error per failure: timeout, unreachable peer, dial failure, publish, shutdown;
//! and a full event queue that does not block commands.

use std::time::Duration;

use hyperforge_p2p::{JobsResponse, Multiaddr, P2pError, PeerId, Topic};

use crate::harness::{Node, chain, config, digest, job_request, tcp};

#[tokio::test]
async fn an_unanswered_request_times_out_with_the_timeout_named() {
    let mut sequencer = Node::start(vec![tcp()]).await;
    let (mut prover_config, dir) = config(vec![tcp()]);
    prover_config.limits.request_timeout = Duration::from_millis(500);
    let prover = Node::start_with(prover_config, dir).await;
    let seq_peer = prover
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("dialed");
    let client = prover.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    // The sequencer holds the request without answering.
    let (_, _, channel) = sequencer.next_request().await;
    let outcome = asking.await.expect("ran");
    match outcome {
        Err(P2pError::Timeout { peer, timeout_ms }) => {
            assert_eq!((peer, timeout_ms), (seq_peer, 500));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    drop(channel);
    prover.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn dialing_nothing_and_asking_a_stranger_fail_with_their_own_errors() {
    let node = Node::start(vec![tcp()]).await;
    // A port nobody listens on: bind one, learn it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let nowhere: Multiaddr = format!("/ip4/127.0.0.1/tcp/{port}").parse().expect("valid");
    match node.client.dial(nowhere.clone()).await {
        Err(P2pError::DialFailure { address, .. }) => assert_eq!(address, nowhere.to_string()),
        other => panic!("expected a dial failure, got {other:?}"),
    }
    // A peer with no known address cannot be asked.
    let stranger = PeerId::random();
    assert!(matches!(
        node.client.request_job(stranger, job_request(digest(1))).await,
        Err(P2pError::PeerUnreachable { peer, .. }) if peer == stranger
    ));
    // No subscriber yet: publishing says so.
    assert!(matches!(
        node.client
            .publish(Topic::Proven(chain()), b"x".to_vec())
            .await,
        Err(P2pError::NoSubscribers { topic }) if topic == Topic::Proven(chain()).name()
    ));
    let client = node.client.clone();
    node.stop().await;
    assert!(matches!(
        client.connected_peers().await,
        Err(P2pError::Shutdown)
    ));
    assert!(matches!(
        client.request_job(stranger, job_request(digest(1))).await,
        Err(P2pError::Shutdown)
    ));
    client.shutdown().await.expect("a second shutdown is fine");
}

/// With an event queue of one that nobody reads, the loop holds events back but still
/// answers commands; once the application reads again, every held request comes through and
/// is served. Also: dialing an address without `/p2p/<id>` learns the peer id.
#[tokio::test]
async fn a_full_event_queue_does_not_block_commands_and_loses_no_request() {
    let (mut seq_config, dir) = config(vec![tcp()]);
    seq_config.event_capacity = 1;
    let mut sequencer = Node::start_with(seq_config, dir).await;
    let prover = Node::start(vec![tcp()]).await;
    let bare: Multiaddr = sequencer
        .addr("tcp")
        .iter()
        .filter(|protocol| !matches!(protocol, libp2p::multiaddr::Protocol::P2p(_)))
        .collect();
    let seq_peer = prover.client.dial(bare).await.expect("dialed");
    assert_eq!(seq_peer, sequencer.peer);

    let mut asking = Vec::new();
    for _ in 0..3 {
        let client = prover.client.clone();
        asking.push(tokio::spawn(async move {
            client.request_job(seq_peer, job_request(digest(1))).await
        }));
    }
    // Nobody reads the sequencer's events for a while; its commands still answer.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let peers = tokio::time::timeout(Duration::from_secs(5), sequencer.client.connected_peers())
        .await
        .expect("commands are served while events wait")
        .expect("peers");
    assert!(peers.contains(&prover.peer));

    for _ in 0..3 {
        let (_, _, channel) = sequencer.next_request().await;
        sequencer
            .client
            .respond(channel, JobsResponse::NoJob)
            .await
            .expect("answered");
    }
    for request in asking {
        assert_eq!(request.await.expect("ran").expect("served"), None);
    }
    prover.stop().await;
    sequencer.stop().await;
}
