//! `cargo bench --profile dev -p hyperforge-circuits --bench recursion`: the recursion
//! circuits over a chunk circuit (1 priority + 1 transaction slot by default;
//! `HYPERFORGE_BENCH_CHUNK_SLOTS=14` for 14 transaction slots): rows of each circuit, build
//! time against cache load time (the chunk circuit and every recursion circuit, through
//! `Circuits::load_or_build`), seconds per leaf and per aggregation step, batch proof
//! time for k chunks (`HYPERFORGE_BENCH_BATCH_CHUNKS=1,4`), settlement of 2 and 4 batches,
//! the shrink and the final proof's size, peak memory. Prints `BENCH <name> <value> <unit>`
//! lines.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use hyperforge_circuits::recursion::{
    BatchCircuits, BatchProof, CircuitCache, batch::pubdata_seed,
};
use hyperforge_circuits::test_utils::{TestChain, test_address, transfer};
use hyperforge_circuits::{ChunkCircuit, ChunkProof, ChunkShape, ChunkState, Circuits};
use hyperforge_primitives::ChainId;
use hyperforge_primitives::bridge::two_to_one;

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().parse().unwrap()).collect())
        .unwrap_or_else(|| default.to_vec())
}

fn bench(name: &str, value: f64, unit: &str) {
    println!("BENCH {name} {value:.3} {unit}");
}

/// `k` blocks of one transfer each, proven as one chunk each.
fn chunk_proofs(chunk: &ChunkCircuit, k: usize) -> Vec<ChunkProof> {
    let chain_id = ChainId::new(270).unwrap();
    let mut chain = TestChain::new(chain_id, &[1_000_000, 1_000_000]);
    (0..k)
        .map(|i| {
            let tx = transfer(chain_id, i % 2, (i / 2) as u32, test_address(1 - i % 2), 1);
            let block = chain.block(&[tx]).unwrap();
            let start = ChunkState::block_start(chain_id, block.witness.state_before);
            chunk
                .prove(&start, &block.witness.expand().unwrap())
                .unwrap()
        })
        .collect()
}

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let tx_slots = env_list("HYPERFORGE_BENCH_CHUNK_SLOTS", &[1])[0];
    let shape = ChunkShape {
        import_slots: 0,
        priority_slots: 1,
        tx_slots,
        execute_slots: 0,
    };
    let dir = tempfile::tempdir().unwrap();
    let cache = CircuitCache::new(dir.path());
    let started = Instant::now();
    let built = Circuits::load_or_build(shape, &cache).unwrap();
    let build_s = started.elapsed().as_secs_f64();
    let built_digests = built.verifier_digests();
    drop(built);
    // Everything below proves with the circuits read back from the cache.
    let started = Instant::now();
    let loaded = Circuits::load_or_build(shape, &cache).unwrap();
    let load_s = started.elapsed().as_secs_f64();
    assert_eq!(
        loaded.verifier_digests(),
        built_digests,
        "the cache loads what it saved"
    );
    let Circuits {
        chunk,
        recursion: circuits,
    } = loaded;
    println!(
        "chunk circuit: {shape:?}, 2^{} rows",
        chunk.data.common.degree_bits()
    );
    let cache_bytes: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    bench("circuit_build_s", build_s, "s");
    bench("circuit_cache_load_s", load_s, "s");
    bench(
        "circuit_cache_mib",
        cache_bytes as f64 / (1 << 20) as f64,
        "MiB",
    );

    let batch = &circuits.batch;
    let settle = &circuits.settlement;
    println!("| circuit | rows before padding | degree bits |");
    println!("|---|---:|---:|");
    for (name, rows, data) in [
        ("batch leaf", batch.rows.leaf, &batch.leaf.common),
        ("batch step", batch.rows.step, &batch.step.common),
        (
            "settle leaf",
            settle.tree.rows.leaf,
            &settle.tree.leaf.common,
        ),
        (
            "settle step",
            settle.tree.rows.step,
            &settle.tree.step.common,
        ),
        ("settle root", settle.root.rows, &settle.root.data.common),
        ("shrink high rate", 0, &circuits.shrink.high_rate.common),
        ("final", 0, &circuits.shrink.final_circuit.common),
    ] {
        println!("| {name} | {rows} | {} |", data.degree_bits());
    }
    bench("agg_step_rows", batch.rows.step as f64, "rows");

    let ks = env_list("HYPERFORGE_BENCH_BATCH_CHUNKS", &[1, 4]);
    let max_k = ks.iter().copied().max().unwrap_or(1).max(2);
    let chunks = chunk_proofs(&chunk, max_k);

    // One leaf and one step, timed alone.
    let started = Instant::now();
    let left = batch.prove_leaf(&chunks[0], pubdata_seed(), true).unwrap();
    bench("agg_leaf_s", started.elapsed().as_secs_f64(), "s");
    let after_first = two_to_one(
        pubdata_seed(),
        chunks[0].public_inputs().unwrap().slots_hash_after,
    );
    let right = batch.prove_leaf(&chunks[1], after_first, true).unwrap();
    let started = Instant::now();
    batch.prove_step(&left, &right).unwrap();
    bench("agg_step_s", started.elapsed().as_secs_f64(), "s");

    let mut batch_proofs: Vec<BatchProof> = Vec::new();
    for &k in &ks {
        let started = Instant::now();
        let proof = batch.prove_batch(&chunks[..k], 1).unwrap();
        bench(
            &format!("batch_proof_{k}_chunks_s"),
            started.elapsed().as_secs_f64(),
            "s",
        );
        batch.verify(&proof).unwrap();
        batch_proofs.push(proof);
    }
    let one_batch = batch_proofs.swap_remove(0);

    let mut settlement = None;
    for n in [2, 4] {
        let batches = vec![one_batch.clone(); n];
        let started = Instant::now();
        let proof = settle.prove_settlement(&batches).unwrap();
        bench(
            &format!("settle_{n}_batches_s"),
            started.elapsed().as_secs_f64(),
            "s",
        );
        settlement = Some(proof);
    }
    let started = Instant::now();
    let last = circuits.shrink.shrink(&settlement.unwrap()).unwrap();
    bench("shrink_s", started.elapsed().as_secs_f64(), "s");
    circuits.shrink.verify(&last).unwrap();
    bench("final_proof_bytes", last.to_bytes().len() as f64, "bytes");
    let common = &circuits.shrink.final_circuit.common;
    println!(
        "final circuit: degree bits {}, {} public inputs, config {:?}",
        common.degree_bits(),
        common.num_public_inputs,
        common.config
    );
    println!(
        "final FRI: reduction arity bits {:?}, quotient degree factor {}, partial products {}, constants {}",
        common.fri_params.reduction_arity_bits,
        common.quotient_degree_factor,
        common.num_partial_products,
        common.num_constants
    );
    for gate in &common.gates {
        println!("  gate {}", gate.0.id());
    }
    if let Some(mib) = peak_memory_mib() {
        bench("prover_peak_memory_mib", mib, "MiB");
    }
    drop(BatchCircuits::build(&chunk, &CircuitCache::disabled()));
}
