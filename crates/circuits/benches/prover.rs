//! `cargo xtask bench prover`: rows per signature verification (with and without the custom
//! GF(p^5) gate) and prove time for circuits checking 1, 16 and 64 signatures
//! (standard recursion config, `PoseidonGoldilocksConfig`, `D = 2`). Prints a table and
//! `BENCH <name> <value> <unit>` lines. `HYPERFORGE_BENCH_SIGNATURES=1,16` picks the sizes.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use hyperforge_circuits::batch::count_rows;
use hyperforge_circuits::{GateStrategy, SignatureBatchCircuit, SignedMessage};
use hyperforge_crypto::{GFp, Scalar, SecretKey};
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

    let sizes: Vec<usize> = std::env::var("HYPERFORGE_BENCH_SIGNATURES")
        .unwrap_or_else(|_| "1,16,64".to_string())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
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
