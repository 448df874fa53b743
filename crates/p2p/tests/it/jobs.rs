//! `/hyperforge/jobs/1`: a job or none at once, the proof as a request of its own, refusals.

use hyperforge_p2p::{
    JobsRequest, JobsResponse, P2pError, Payload, ProofReceipt, ProofSubmission, Refusal,
};

use crate::harness::{Node, chain, digest, job, job_request, quic, tcp};

/// A prover asks twice and a third time with other circuits: a job, none, a refusal naming
/// both digests.
async fn job_or_none_or_refusal(transport: &str) {
    let listen = if transport == "tcp" { tcp() } else { quic() };
    // The sequencer listens on both transports at once; the prover only on the one tested.
    let mut sequencer = Node::start(vec![tcp(), quic()]).await;
    let prover = Node::start(vec![listen]).await;
    let seq_peer = prover
        .client
        .dial(sequencer.addr(transport))
        .await
        .expect("prover reaches the sequencer");
    assert_eq!(seq_peer, sequencer.peer);

    let asking = tokio::spawn({
        let client = prover.client.clone();
        async move {
            let first = client.request_job(seq_peer, job_request(digest(1))).await;
            let second = client.request_job(seq_peer, job_request(digest(1))).await;
            let third = client.request_job(seq_peer, job_request(digest(9))).await;
            (first, second, third)
        }
    });
    let answers = [
        JobsResponse::Job(Box::new(job(7, vec![1, 2, 3]))),
        JobsResponse::NoJob,
        JobsResponse::Refused(Refusal::CircuitMismatch {
            expected: digest(1),
            got: digest(9),
        }),
    ];
    for answer in answers {
        let (peer, request, channel) = sequencer.next_request().await;
        assert_eq!(peer, prover.peer);
        assert!(matches!(request, JobsRequest::Job(ref r) if r.chain_ids == vec![chain()]));
        sequencer
            .client
            .respond(channel, answer)
            .await
            .expect("answer sent");
    }
    let (first, second, third) = asking.await.expect("requests ran");
    assert_eq!(first.expect("a job"), Some(job(7, vec![1, 2, 3])));
    assert_eq!(second.expect("an answer"), None);
    match third {
        Err(error @ P2pError::Refused { .. }) => {
            let message = error.to_string();
            assert!(message.contains(&digest(1).to_string()), "{message}");
            assert!(message.contains(&digest(9).to_string()), "{message}");
        }
        other => panic!("expected a circuit-mismatch refusal, got {other:?}"),
    }
    prover.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn a_job_request_is_answered_at_once_with_a_job_none_or_a_refusal_over_tcp() {
    job_or_none_or_refusal("tcp").await;
}

#[tokio::test]
async fn quic_carries_jobs_as_well_as_tcp() {
    job_or_none_or_refusal("quic-v1").await;
}

#[tokio::test]
async fn a_proof_comes_back_later_as_its_own_request_and_gets_a_verdict() {
    let mut sequencer = Node::start(vec![tcp()]).await;
    let prover = Node::start(vec![tcp()]).await;
    let seq_peer = prover
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("dialed");

    let client = prover.client.clone();
    let taking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    let (_, _, channel) = sequencer.next_request().await;
    let witness = (0..=255u8).collect::<Vec<u8>>();
    sequencer
        .client
        .respond(
            channel,
            JobsResponse::Job(Box::new(job(11, witness.clone()))),
        )
        .await
        .expect("answered");
    let taken = taking.await.expect("ran").expect("answer").expect("a job");
    // No request is open while the prover works: the sequencer has nothing pending.
    let proof: Vec<u8> = taken.witness.0.iter().rev().copied().collect();

    for (proof, verdict) in [
        (
            vec![0u8; 3],
            ProofReceipt::Rejected {
                reason: "does not verify".to_owned(),
            },
        ),
        (proof.clone(), ProofReceipt::Accepted),
    ] {
        let client = prover.client.clone();
        let submission = ProofSubmission {
            job_id: taken.job_id,
            chain_id: taken.chain_id,
            circuits: taken.circuits,
            proof: Payload(proof.clone()),
        };
        let submitting =
            tokio::spawn(async move { client.submit_proof(seq_peer, submission).await });
        let (peer, request, channel) = sequencer.next_request().await;
        assert_eq!(peer, prover.peer);
        let JobsRequest::Proof(received) = request else {
            panic!("expected a proof submission, got {request:?}");
        };
        assert_eq!(received.job_id, taken.job_id);
        assert_eq!(received.proof.0, proof);
        sequencer
            .client
            .respond(channel, JobsResponse::Receipt(verdict.clone()))
            .await
            .expect("answered");
        assert_eq!(submitting.await.expect("ran").expect("a verdict"), verdict);
    }

    let inbound = sequencer.client.metrics().requests_inbound.clone();
    let count = |kind| {
        inbound
            .get_or_create(&hyperforge_p2p::KindLabel { kind })
            .get()
    };
    assert_eq!((count("job"), count("proof")), (1, 2));
    prover.stop().await;
    sequencer.stop().await;
}

#[tokio::test]
async fn an_answer_of_the_wrong_kind_is_a_bad_response_and_an_offence() {
    let mut sequencer = Node::start(vec![tcp()]).await;
    let prover = Node::start(vec![tcp()]).await;
    let seq_peer = prover
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("dialed");
    let client = prover.client.clone();
    let asking =
        tokio::spawn(async move { client.request_job(seq_peer, job_request(digest(1))).await });
    let (_, _, channel) = sequencer.next_request().await;
    sequencer
        .client
        .respond(channel, JobsResponse::Receipt(ProofReceipt::Accepted))
        .await
        .expect("answered");
    assert!(matches!(
        asking.await.expect("ran"),
        Err(P2pError::BadResponse { peer, .. }) if peer == seq_peer
    ));
    assert!(prover.client.peer_score(seq_peer).await.expect("score") < 0.0);
    prover.stop().await;
    sequencer.stop().await;
}
