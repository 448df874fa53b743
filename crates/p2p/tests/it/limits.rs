//! Size limits: checked before sending with an error naming size and limit; what a peer
//! sends past them (or garbage) costs it its score.

use hyperforge_p2p::{
    JobsRequest, JobsResponse, P2pError, Payload, ProofSubmission, Refusal, Topic,
};

use crate::harness::{Node, chain, config, digest, eventually, job, job_request, tcp};

const LIMIT: usize = 64 * 1024;

async fn small_limit_node() -> Node {
    let (mut config, dir) = config(vec![tcp()]);
    config.limits.max_request_bytes = LIMIT;
    config.limits.max_response_bytes = LIMIT;
    config.limits.max_gossip_bytes = LIMIT;
    Node::start_with(config, dir).await
}

#[tokio::test]
async fn an_oversized_request_is_refused_before_sending_with_its_size_and_the_limit() {
    let mut sequencer = small_limit_node().await;
    let prover = small_limit_node().await;
    let seq_peer = prover
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("dialed");
    let submission = |bytes: usize| ProofSubmission {
        job_id: hyperforge_p2p::JobId(1),
        chain_id: chain(),
        circuits: digest(1),
        proof: Payload(vec![7; bytes]),
    };
    let error = prover
        .client
        .submit_proof(seq_peer, submission(LIMIT))
        .await
        .expect_err("over the limit once encoded");
    match &error {
        P2pError::Oversized { what, size, limit } => {
            assert_eq!((*what, *limit), ("request", LIMIT));
            assert!(*size > LIMIT);
        }
        other => panic!("expected Oversized, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains(&LIMIT.to_string()), "{message}");

    // Nothing was sent: the first request the sequencer sees is the small one after it.
    let client = prover.client.clone();
    let small =
        tokio::spawn(async move { client.submit_proof(seq_peer, submission(LIMIT / 2)).await });
    let (_, request, channel) = sequencer.next_request().await;
    assert!(matches!(request, JobsRequest::Proof(ref p) if p.proof.0.len() == LIMIT / 2));
    sequencer
        .client
        .respond(
            channel,
            JobsResponse::Receipt(hyperforge_p2p::ProofReceipt::Accepted),
        )
        .await
        .expect("answered");
    small.await.expect("ran").expect("the small proof is taken");
    prover.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn an_oversized_answer_reaches_the_requester_as_a_refusal_naming_the_limit() {
    let mut sequencer = small_limit_node().await;
    let prover = small_limit_node().await;
    let seq_peer = prover
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("dialed");
    let client = prover.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    let (_, _, channel) = sequencer.next_request().await;
    let refused = sequencer
        .client
        .respond(channel, JobsResponse::Job(Box::new(job(1, vec![0; LIMIT]))))
        .await;
    assert!(matches!(
        refused,
        Err(P2pError::Oversized {
            what: "response",
            limit: LIMIT,
            ..
        })
    ));
    match asking.await.expect("ran") {
        Err(P2pError::Refused { refusal, .. }) => match *refusal {
            Refusal::Oversized { size, limit } => assert!(size > limit && limit == LIMIT),
            other => panic!("expected an oversized refusal, got {other:?}"),
        },
        other => panic!("expected an oversized refusal, got {other:?}"),
    }
    prover.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn an_oversized_gossip_message_is_refused_before_publishing() {
    let node = small_limit_node().await;
    let error = node
        .client
        .publish(Topic::Blocks(chain()), vec![0; LIMIT + 1])
        .await
        .expect_err("over the gossip limit");
    assert!(matches!(
        error,
        P2pError::Oversized { what: "gossip message", size, limit: LIMIT } if size == LIMIT + 1
    ));
    node.stop().await;
}

#[tokio::test]
async fn garbage_and_oversized_bytes_on_the_wire_cost_score_and_disconnect_the_sender() {
    let sequencer = small_limit_node().await;
    let rogue = Node::start(vec![tcp()]).await;
    let seq_peer = rogue
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("dialed");

    // Not CBOR of a request: the sequencer's codec refuses it; no InboundRequest reaches the
    // application.
    let first = rogue
        .client
        .request_raw(seq_peer, b"\xff\x00garbage".to_vec())
        .await;
    assert!(
        matches!(first, Ok(JobsResponse::Refused(Refusal::BadRequest { .. }))),
        "garbage was not refused: {first:?}"
    );
    // The sequencer scores the failure when its connection task reports it, which may be
    // just after the rogue's request failed.
    let (seq_client, rogue_peer) = (sequencer.client.clone(), rogue.peer);
    eventually("the garbage is scored", || {
        let seq_client = seq_client.clone();
        async move { seq_client.peer_score(rogue_peer).await.expect("score") == -10.0 }
    })
    .await;
    assert!(
        sequencer
            .client
            .connected_peers()
            .await
            .expect("peers")
            .contains(&rogue.peer)
    );

    // The rogue skips its own size check; the sequencer reads one byte past its limit and
    // stops: a second low-tolerance offence, and the rogue is disconnected.
    let second = rogue
        .client
        .request_raw(seq_peer, vec![0x40; LIMIT + 100])
        .await;
    match second {
        Ok(JobsResponse::Refused(Refusal::BadRequest { reason })) => {
            assert!(reason.contains(&LIMIT.to_string()), "{reason}")
        }
        // The refusal and the disconnection race; either way nothing was served.
        Err(P2pError::PeerUnreachable { .. } | P2pError::RequestFailed { .. }) => {}
        other => panic!("oversized bytes were not refused: {other:?}"),
    }
    let mut sequencer = sequencer;
    sequencer.disconnected(rogue.peer).await;
    let score = sequencer
        .client
        .peer_score(rogue.peer)
        .await
        .expect("score");
    assert_eq!(score, -20.0);
    let offences = sequencer.client.metrics().offences.clone();
    for kind in ["undecodable", "oversized"] {
        assert_eq!(
            offences
                .get_or_create(&hyperforge_p2p::KindLabel { kind })
                .get(),
            1,
            "{kind}"
        );
    }
    rogue.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn a_garbage_answer_is_a_bad_response_and_costs_the_responder_score() {
    let mut rogue = Node::start(vec![tcp()]).await;
    let prover = Node::start(vec![tcp()]).await;
    let rogue_peer = prover.client.dial(rogue.addr("tcp")).await.expect("dialed");
    let client = prover.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(rogue_peer, job_request(digest(1))).await });
    let (_, _, channel) = rogue.next_request().await;
    rogue
        .client
        .respond_raw(channel, b"\xa1\x63Job\x01".to_vec())
        .await
        .expect("sent");
    assert!(matches!(
        asking.await.expect("ran"),
        Err(P2pError::BadResponse { peer, .. }) if peer == rogue_peer
    ));
    let score = prover.client.peer_score(rogue_peer).await.expect("score");
    assert_eq!(score, -10.0);
    prover.stop().await;
    rogue.stop().await;
}
