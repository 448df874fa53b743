//! A prover in a second OS process (`examples/peer.rs`) takes a job and hands its proof back.

use std::{path::PathBuf, process::Stdio};

use hyperforge_p2p::{JobsRequest, JobsResponse, ProofReceipt};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

use crate::harness::{Node, PATIENCE, job, tcp};

/// `target/<profile>/examples/peer`, which `cargo test` builds next to the test binary.
fn example_binary() -> PathBuf {
    let test_binary = std::env::current_exe().expect("test binary path");
    let profile_dir = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary in target/<profile>/deps");
    let binary = profile_dir
        .join("examples")
        .join(format!("peer{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run the tests with `cargo test -p hyperforge-p2p`, which builds the examples",
        binary.display()
    );
    binary
}

#[tokio::test]
async fn a_prover_in_another_process_takes_a_job_and_its_proof_is_accepted() {
    let mut coordinator = Node::start(vec![tcp()]).await;
    let data_dir = tempfile::tempdir().expect("temporary directory");
    let mut child = Command::new(example_binary())
        .arg(coordinator.addr("tcp").to_string())
        .arg(data_dir.path())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("example starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
    let first = tokio::time::timeout(PATIENCE, lines.next_line())
        .await
        .expect("the peer reports in time")
        .expect("stdout readable")
        .expect("a first line");
    let child_peer: hyperforge_p2p::PeerId = first
        .strip_prefix("peer ")
        .expect("`peer <id>` first")
        .parse()
        .expect("a peer id");

    let witness: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let (peer, request, channel) = coordinator.next_request().await;
    assert_eq!(peer, child_peer, "the request comes from the other process");
    assert!(matches!(request, JobsRequest::Job(_)));
    coordinator
        .client
        .respond(
            channel,
            JobsResponse::Job(Box::new(job(42, witness.clone()))),
        )
        .await
        .expect("answered");

    let (peer, request, channel) = coordinator.next_request().await;
    assert_eq!(peer, child_peer);
    let JobsRequest::Proof(submission) = request else {
        panic!("expected the proof, got {request:?}");
    };
    assert_eq!(submission.job_id, hyperforge_p2p::JobId(42));
    let expected: Vec<u8> = witness.iter().rev().copied().collect();
    let verdict = if submission.proof.0 == expected {
        ProofReceipt::Accepted
    } else {
        ProofReceipt::Rejected {
            reason: "wrong proof".to_owned(),
        }
    };
    assert_eq!(verdict, ProofReceipt::Accepted);
    coordinator
        .client
        .respond(channel, JobsResponse::Receipt(verdict))
        .await
        .expect("answered");

    let status = tokio::time::timeout(PATIENCE, child.wait())
        .await
        .expect("the peer exits in time")
        .expect("exit status");
    assert!(status.success(), "the peer failed: {status}");
    coordinator.stop().await;
}
