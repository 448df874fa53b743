//! The settler end to end on a real anvil: `cargo xtask bench settler` (or `cargo bench -p
//! hyperforge-settler --bench settler --profile dev`).
//!
//! For 1, 2 and 4 chains (each a small chain executed natively, its batch 1 of one transfer
//! proven chunk by chunk into a real batch proof beforehand), one settler round on a fresh
//! bridge with every batch already proven: the checks, the aggregation (settlement tree and
//! shrink, in process), the native verification and the mined `settle`. Prints
//! `BENCH aggregation_seconds_<n>` (the aggregation alone), `BENCH settle_seconds_<n>` (the
//! whole round: from every batch proven to `settle` mined) and `BENCH gas_settle_<n>` (the
//! receipt's gasUsed, with the DevVerifier: the final proof's ~51 kB of calldata included,
//! no on-chain proof verification).

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyperforge_circuits::recursion::{CircuitCache, RecursionCircuits};
use hyperforge_circuits::test_utils::{TestChain, test_address, transfer};
use hyperforge_circuits::{ChunkCircuit, ChunkShape, ChunkState};
use hyperforge_l1::{BridgeClient, anvil::spawn_anvil};
use hyperforge_primitives::block::pubdata_commitment;
use hyperforge_primitives::bridge::BatchPublicInputs;
use hyperforge_primitives::{Amount, ChainId, bridge::Digest};
use hyperforge_settler::{
    L1Connection, MemoryBatches, ProvenBatch, ProvenBatches, RoundOutcome, Settler, SettlerConfig,
};

/// The smallest chunk holding a transfer.
const SHAPE: ChunkShape = ChunkShape {
    import_slots: 0,
    priority_slots: 0,
    tx_slots: 1,
    execute_slots: 0,
};

/// Batch 1 of chain `id`: one transfer, proven; with the chain's genesis root.
fn proven_batch(
    circuits: &RecursionCircuits,
    chunk: &ChunkCircuit,
    id: u64,
) -> Result<(Digest, ProvenBatch), Box<dyn Error>> {
    let chain_id = ChainId::new(id)?;
    let mut chain = TestChain::new(chain_id, &[1000, 50]);
    let genesis = chain.state.root();
    let start = ChunkState::block_start(chain_id, chain.state);
    let block = chain
        .block(&[transfer(chain_id, 0, 0, test_address(1), 10)])
        .map_err(|refused| format!("{refused:?}"))?;
    let slots = block.witness.expand()?;
    let mut at = start.clone();
    let mut chunks = Vec::new();
    for part in chunk.shape().split(&slots)? {
        chunks.push(chunk.prove(&at, part)?);
        at = at.after(part)?;
    }
    let inputs = BatchPublicInputs {
        chain_id,
        batch_number: 1,
        old_state_root: genesis,
        new_state_root: chain.state.root(),
        priority_ops_count: 0,
        priority_commitment_before: start.priority_commitment,
        priority_commitment_after: at.priority_commitment,
        imports_count: 0,
        imports_commitment_before: start.imports_commitment,
        imports_commitment_after: at.imports_commitment,
        outbox_root: at.outbox_root()?,
        value_out: Amount::ZERO,
        value_in: Amount::ZERO,
        pubdata_commitment: pubdata_commitment(&[block.slots_hash]),
    };
    let proof = circuits.batch.prove_batch(&chunks, 1)?;
    if proof.public_inputs() != inputs.to_elements() {
        return Err("the batch proof does not state the native public inputs".into());
    }
    Ok((
        genesis,
        ProvenBatch {
            inputs,
            proof: proof.to_bytes(),
        },
    ))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let chunk = ChunkCircuit::build(SHAPE);
    let circuits = Arc::new(RecursionCircuits::build(&chunk, &CircuitCache::disabled())?);
    eprintln!("circuits built in {:.1} s", started.elapsed().as_secs_f64());
    let mut batches = Vec::new();
    for id in 270..274 {
        batches.push(proven_batch(&circuits, &chunk, id)?);
    }
    eprintln!("4 batch proofs made");

    println!("| chains | aggregation (s) | round to settle mined (s) | settle gas |");
    println!("|---|---|---|---|");
    let mut lines = Vec::new();
    for n in [1usize, 2, 4] {
        let anvil = spawn_anvil()?;
        let signer: alloy::signers::local::PrivateKeySigner = anvil.keys()[0].clone().into();
        let operator = BridgeClient::deploy(anvil.endpoint_url(), signer.clone(), None).await?;
        let mut sources: Vec<Arc<dyn ProvenBatches>> = Vec::new();
        for (genesis, batch) in &batches[..n] {
            let chain_id = batch.inputs.chain_id;
            operator
                .register_chain(chain_id, *genesis, operator.sender(), Amount::ZERO)
                .await?;
            let source = MemoryBatches::new(chain_id);
            source.push(batch.clone());
            sources.push(Arc::new(source));
        }
        let config = SettlerConfig {
            settle_interval: Duration::ZERO,
            verifier: hyperforge_l1::VerifierKind::Dev,
            ..SettlerConfig::default()
        };
        let l1 = L1Connection {
            url: anvil.endpoint_url(),
            signer,
            bridge: operator.address(),
        };
        let settler = Settler::new(l1, circuits.clone(), sources, config)?;
        let round = Instant::now();
        let report = settler.round().await?;
        let elapsed = round.elapsed();
        let RoundOutcome::Settled(settlement) = report.outcome else {
            return Err(format!("{n} chains did not settle: {:?}", report.refusals).into());
        };
        if settlement.batches.len() != n {
            return Err(format!("{n} chains settled {} batches", settlement.batches.len()).into());
        }
        let aggregation = settlement.aggregation.as_secs_f64();
        println!(
            "| {n} | {aggregation:.1} | {:.1} | {} |",
            elapsed.as_secs_f64(),
            settlement.outcome.gas_used
        );
        lines.push(format!("BENCH aggregation_seconds_{n} {aggregation:.2} s"));
        lines.push(format!(
            "BENCH settle_seconds_{n} {:.2} s",
            elapsed.as_secs_f64()
        ));
        lines.push(format!(
            "BENCH gas_settle_{n} {} gas",
            settlement.outcome.gas_used
        ));
    }
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
