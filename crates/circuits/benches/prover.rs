//! `cargo xtask bench prover`: rows per signature verification (with and without the custom
//! GF(p^5) gate) and prove time for circuits checking 1, 16 and 64 signatures; then the
//! chunk circuit: rows per transaction and priority slot by part, and prove time per chunk
//! of signed transfers at 4, 14 (the most that fit 2^13 rows) and 16 slots (standard recursion config,
//! `PoseidonGoldilocksConfig`, `D = 2`). Prints tables and `BENCH <name> <value> <unit>`
//! lines. `HYPERFORGE_BENCH_SIGNATURES=1,16` and `HYPERFORGE_BENCH_CHUNK_SLOTS=4,16` pick
//! the sizes.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use hyperforge_circuits::batch::count_rows;
use hyperforge_circuits::chunk::{ChunkShape, count_rows as count_chunk_rows};
use hyperforge_circuits::test_utils::{TestChain, test_address, transfer};
use hyperforge_circuits::{
    ChunkCircuit, ChunkState, GateStrategy, SignatureBatchCircuit, SignedMessage,
};
use hyperforge_crypto::{GFp, Scalar, SecretKey};
use hyperforge_primitives::ChainId;
use plonky2::field::types::Field;

const MESSAGE_LEN: usize = 4;

fn signed(i: u64) -> SignedMessage {
    let secret_key = SecretKey::from_scalar(Scalar::from_u64(1_000_003 * (i + 1))).unwrap();
    let message: Vec<GFp> = (0..MESSAGE_LEN as u64)
        .map(|j| GFp::from_canonical_u64(i * 31 + j))
        .collect();
    SignedMessage {
        public_key: secret_key.public_key(),
        signature: secret_key.sign(&message),
        message,
    }
}

fn main() {
    signatures();
    chunks();
}

fn sizes(variable: &str, default: &str) -> Vec<usize> {
    std::env::var(variable)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect()
}

fn chunks() {
    // Rows: the marginal cost of one more slot of each kind, and the parts of the first.
    let rows = |priority_slots, tx_slots| {
        count_chunk_rows(ChunkShape {
            priority_slots,
            tx_slots,
        })
    };
    let (base, _) = rows(0, 1);
    let (two, _) = rows(0, 2);
    let (with_priority, parts) = rows(1, 1);
    let (empty, _) = rows(0, 0);
    let transfer_rows = two - base;
    let priority_rows = with_priority - base;
    println!();
    println!(
        "rows per chunk slot by part, transaction slot then priority slot (before padding; \
         rows of shared gates counted where first opened)"
    );
    for (part, rows) in &parts.0 {
        println!("{part:<70} {rows:>6}");
    }
    println!(
        "{:<70} {transfer_rows:>6}",
        "marginal: transaction slot (signed transfer)"
    );
    println!(
        "{:<70} {priority_rows:>6}",
        "marginal: priority slot (deposit, key registration)"
    );
    println!(
        "{:<70} {empty:>6}",
        "fixed: an empty chunk (state roots, public inputs)"
    );
    println!("BENCH gates_per_signed_transfer {transfer_rows} rows");
    println!("BENCH gates_per_priority_op {priority_rows} rows");

    let chain_id = ChainId::new(270).unwrap();
    println!();
    println!(
        "{:>10} {:>10} {:>8} {:>10} {:>10} {:>10} {:>12}",
        "tx slots", "rows", "degree", "build ms", "prove ms", "verify ms", "proven tx/s"
    );
    let mut tps = 0.0;
    for count in sizes("HYPERFORGE_BENCH_CHUNK_SLOTS", "4,14,16") {
        // Account i sends to account i + 1: `count` full slots, all signed transfers.
        let mut chain = TestChain::new(chain_id, &vec![1_000; count + 1]);
        let txs: Vec<_> = (0..count)
            .map(|i| transfer(chain_id, i, 0, test_address(i + 1), 1 + i as u64))
            .collect();
        let block = chain.block(&txs).unwrap();
        let slots = block.witness.expand().unwrap();
        let start_state = ChunkState::block_start(chain_id, block.witness.state_before);
        let start = Instant::now();
        let circuit = ChunkCircuit::build(ChunkShape::transfers(count));
        let build_ms = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        let proof = circuit.prove(&start_state, &slots).unwrap();
        let prove_ms = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        circuit.verify(&proof).unwrap();
        let verify_ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(
            proof.public_inputs().unwrap().state_root_after,
            chain.state.root()
        );
        let chunk_tps = count as f64 / (prove_ms / 1e3);
        tps = f64::max(tps, chunk_tps);
        println!(
            "{count:>10} {:>10} {:>8} {build_ms:>10.0} {prove_ms:>10.0} {verify_ms:>10.1} {chunk_tps:>12.2}",
            circuit.rows,
            format!("2^{}", circuit.data.common.degree_bits()),
        );
        println!("BENCH chunk_prove_{count} {prove_ms:.0} ms");
        println!(
            "BENCH chunk_proof_bytes_{count} {} bytes",
            proof.to_bytes().len()
        );
    }
    // The best chunk size measured (rows pad to a power of two: the largest chunk is not
    // always the fastest per transaction).
    println!("BENCH proven_signed_tps {tps:.2} tx/s");
}

fn signatures() {
    // Rows: one signature, and the marginal cost of one more (constants are shared).
    let strategies = [
        ("custom gates", GateStrategy::CustomGates),
        ("mul-add gate", GateStrategy::MulAddGate),
        ("arithmetic only", GateStrategy::ArithmeticGates),
    ];
    let counts: Vec<_> = strategies
        .iter()
        .map(|&(_, strategy)| {
            let (one, parts) = count_rows(1, MESSAGE_LEN, strategy);
            let (two, _) = count_rows(2, MESSAGE_LEN, strategy);
            (one, two - one, parts)
        })
        .collect();
    println!("rows per signature verification (before padding)");
    print!("{:<70}", "part");
    for (name, _) in &strategies {
        print!(" {name:>16}");
    }
    println!();
    for (i, (part, _)) in counts[0].2.0.iter().enumerate() {
        print!("{part:<70}");
        for (_, _, parts) in &counts {
            print!(" {:>16}", parts.0[i].1);
        }
        println!();
    }
    print!("{:<70}", "circuit with 1 signature");
    for (one, _, _) in &counts {
        print!(" {one:>16}");
    }
    println!();
    print!("{:<70}", "marginal: 2 signatures - 1");
    for (_, marginal, _) in &counts {
        print!(" {marginal:>16}");
    }
    println!();
    println!("BENCH sig_gates {} rows", counts[0].1);
    println!("BENCH sig_gates_mul_add {} rows", counts[1].1);
    println!("BENCH sig_gates_base {} rows", counts[2].1);

    let sizes = sizes("HYPERFORGE_BENCH_SIGNATURES", "1,16,64");
    println!();
    println!(
        "{:>10} {:>10} {:>8} {:>10} {:>10} {:>10} {:>12}",
        "signatures", "rows", "degree", "build ms", "prove ms", "verify ms", "prove ms/sig"
    );
    let mut per_sig = 0.0;
    for &count in &sizes {
        let items: Vec<SignedMessage> = (0..count as u64).map(signed).collect();
        let start = Instant::now();
        let circuit = SignatureBatchCircuit::build(count, MESSAGE_LEN, GateStrategy::CustomGates);
        let build_ms = start.elapsed().as_secs_f64() * 1e3;
        let witness = circuit.witness(&items).unwrap();
        let start = Instant::now();
        let proof = circuit.prove(witness).unwrap();
        let prove_ms = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        circuit.verify(proof).unwrap();
        let verify_ms = start.elapsed().as_secs_f64() * 1e3;
        per_sig = prove_ms / count as f64;
        println!(
            "{count:>10} {:>10} {:>8} {build_ms:>10.0} {prove_ms:>10.0} {verify_ms:>10.1} {per_sig:>12.1}",
            circuit.rows,
            format!("2^{}", circuit.data.common.degree_bits()),
        );
        println!("BENCH sig_prove_{count} {prove_ms:.0} ms");
    }
    // Per signature at the largest size measured (fixed costs amortised best there).
    println!("BENCH sig_prove_per_sig {per_sig:.1} ms");
}
