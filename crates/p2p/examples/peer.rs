//! Example of a prover-side peer in its own process: dials a coordinator, takes one job,
//! "proves" it (the witness reversed: a stand-in transformation the test can check) and
//! submits the proof as a second request.
//!
//! `cargo run -p hyperforge-p2p --example peer -- <coordinator multiaddr> <data dir>`
//!
//! Prints `peer <peer id>` once listening, then `job <id>` and `receipt <verdict>`; exits 0
//! when the proof is accepted, 1 otherwise.

use std::{process::ExitCode, time::Duration};

use hyperforge_p2p::{
    CircuitDigest, JobRequest, NetworkConfig, Payload, ProofReceipt, ProofSubmission,
};
use hyperforge_primitives::ChainId;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let coordinator: hyperforge_p2p::Multiaddr =
        args.next().ok_or("missing coordinator address")?.parse()?;
    let data_dir = args.next().ok_or("missing data directory")?;
    let listen = "/ip4/127.0.0.1/tcp/0".parse()?;
    let (client, _events, event_loop) =
        hyperforge_p2p::new(NetworkConfig::new(vec![listen], data_dir))?;
    let task = tokio::spawn(event_loop.run());
    client.listen_addrs().await?;
    println!("peer {}", client.local_peer_id());

    let coordinator = client.dial(coordinator).await?;
    let request = JobRequest {
        chain_ids: vec![ChainId::new(31337)?],
        circuits: CircuitDigest([1; 32]),
        kinds: vec![],
    };
    let job = loop {
        match client.request_job(coordinator, request.clone()).await? {
            Some(job) => break job,
            None => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    println!("job {}", job.job_id);
    let proof: Vec<u8> = job.witness.0.iter().rev().copied().collect();
    let receipt = client
        .submit_proof(
            coordinator,
            ProofSubmission {
                job_id: job.job_id,
                chain_id: job.chain_id,
                circuits: job.circuits,
                proof: Payload(proof),
            },
        )
        .await?;
    println!("receipt {receipt:?}");
    client.shutdown().await?;
    task.await?;
    Ok(receipt == ProofReceipt::Accepted)
}
