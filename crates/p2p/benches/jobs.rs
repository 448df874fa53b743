//! Round trips of `/hyperforge/jobs/1` between two nodes on loopback (one process, tokio
//! multi-thread runtime): a job request answered with no job or with a job carrying a
//! witness, and a proof submission, over TCP and QUIC. `cargo bench -p hyperforge-p2p
//! --bench jobs --profile dev` (the application answering is a task on the serving node).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt;
use hyperforge_p2p::{
    CircuitDigest, Client, Event, EventLoop, Job, JobId, JobRequest, JobsRequest, JobsResponse,
    Multiaddr, NetworkConfig, Payload, PeerId, ProofReceipt, ProofSubmission,
};
use hyperforge_primitives::ChainId;
use tokio::runtime::Runtime;

struct Pair {
    prover: Client,
    sequencer: Client,
    sequencer_peer: PeerId,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _dirs: Vec<tempfile::TempDir>,
}

fn start(listen: &str) -> (Client, hyperforge_p2p::Events, EventLoop, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let listen: Multiaddr = listen.parse().expect("valid multiaddr");
    let (client, events, event_loop) =
        hyperforge_p2p::new(NetworkConfig::new(vec![listen], dir.path())).expect("node starts");
    (client, events, event_loop, dir)
}

/// Two nodes, the sequencer answering job requests with `answer` and proofs with Accepted.
async fn pair(listen: &str, answer: JobsResponse) -> Pair {
    let (sequencer, mut events, seq_loop, seq_dir) = start(listen);
    let (prover, _prover_events, prover_loop, prover_dir) = start(listen);
    let mut tasks = vec![
        tokio::spawn(seq_loop.run()),
        tokio::spawn(prover_loop.run()),
    ];
    let responder = sequencer.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(event) = events.next().await {
            if let Event::InboundRequest {
                request, channel, ..
            } = event
            {
                let response = match request {
                    JobsRequest::Job(_) => answer.clone(),
                    JobsRequest::Proof(_) => JobsResponse::Receipt(ProofReceipt::Accepted),
                };
                if responder.respond(channel, response).await.is_err() {
                    break;
                }
            }
        }
    }));
    let address = sequencer.listen_addrs().await.expect("listening")[0].clone();
    let sequencer_peer = prover.dial(address).await.expect("dialed");
    // The prover's events are not needed: drop them so the event loop stops queueing.
    drop(_prover_events);
    Pair {
        prover,
        sequencer,
        sequencer_peer,
        tasks,
        _dirs: vec![seq_dir, prover_dir],
    }
}

impl Pair {
    async fn stop(self) {
        self.prover.shutdown().await.expect("shutdown");
        self.sequencer.shutdown().await.expect("shutdown");
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

fn chain() -> ChainId {
    ChainId::new(31337).expect("valid chain id")
}

fn job_with(bytes: usize) -> JobsResponse {
    JobsResponse::Job(Box::new(Job {
        job_id: JobId(1),
        chain_id: chain(),
        circuits: CircuitDigest([1; 32]),
        kind: 0,
        lease_ms: 60_000,
        witness: Payload(vec![0x5a; bytes]),
    }))
}

fn benches(c: &mut Criterion) {
    let runtime = Runtime::new().expect("tokio runtime");
    let request = JobRequest {
        chain_ids: vec![chain()],
        circuits: CircuitDigest([1; 32]),
        kinds: vec![],
    };
    let transports = [
        ("tcp", "/ip4/127.0.0.1/tcp/0"),
        ("quic", "/ip4/127.0.0.1/udp/0/quic-v1"),
    ];

    let mut group = c.benchmark_group("request_job");
    group
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
    for (name, listen) in transports {
        for (label, witness) in [("none", None), ("256KiB", Some(256 * 1024))] {
            let answer = witness.map_or(JobsResponse::NoJob, job_with);
            let pair = runtime.block_on(pair(listen, answer));
            if let Some(bytes) = witness {
                group.throughput(Throughput::Bytes(bytes as u64));
            } else {
                group.throughput(Throughput::Elements(1));
            }
            group.bench_with_input(BenchmarkId::new(name, label), &(), |b, ()| {
                b.iter(|| {
                    runtime
                        .block_on(
                            pair.prover
                                .request_job(pair.sequencer_peer, request.clone()),
                        )
                        .expect("answered")
                })
            });
            runtime.block_on(pair.stop());
        }
    }
    group.finish();

    let mut group = c.benchmark_group("submit_proof");
    group
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
    let proof = Payload(vec![0xa5; 200 * 1024]);
    group.throughput(Throughput::Bytes(proof.0.len() as u64));
    for (name, listen) in transports {
        let pair = runtime.block_on(pair(listen, JobsResponse::NoJob));
        group.bench_with_input(BenchmarkId::new(name, "200KiB"), &(), |b, ()| {
            b.iter(|| {
                let submission = ProofSubmission {
                    job_id: JobId(1),
                    chain_id: chain(),
                    circuits: CircuitDigest([1; 32]),
                    proof: proof.clone(),
                };
                runtime
                    .block_on(pair.prover.submit_proof(pair.sequencer_peer, submission))
                    .expect("answered")
            })
        });
        runtime.block_on(pair.stop());
    }
    group.finish();
}

criterion_group!(jobs, benches);
criterion_main!(jobs);
