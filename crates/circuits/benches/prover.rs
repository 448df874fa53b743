//! `cargo xtask bench prover`: rows per signature verification (with and without the custom
//! GF(p^5) gate) and prove time for circuits checking 1, 16 and 64 signatures
//! (standard recursion config, `PoseidonGoldilocksConfig`, `D = 2`). Prints a table and
//! `BENCH <name> <value> <unit>` lines. `HYPERFORGE_BENCH_SIGNATURES=1,16` picks the sizes.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use hyperforge_circuits::batch::count_rows;
use hyperforge_circuits::{MulStrategy, SignatureBatchCircuit, SignedMessage};
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
    println!("rows per signature verification (before padding)");
    println!("{:<70} {:>10} {:>10}", "part", "custom", "base");
    let (custom_1, custom_parts) = count_rows(1, MESSAGE_LEN, MulStrategy::CustomGate);
    let (base_1, base_parts) = count_rows(1, MESSAGE_LEN, MulStrategy::ArithmeticGates);
    for ((name, custom), (_, base)) in custom_parts.0.iter().zip(&base_parts.0) {
        println!("{name:<70} {custom:>10} {base:>10}");
    }
    let (custom_2, _) = count_rows(2, MESSAGE_LEN, MulStrategy::CustomGate);
    let (base_2, _) = count_rows(2, MESSAGE_LEN, MulStrategy::ArithmeticGates);
    println!(
        "{:<70} {custom_1:>10} {base_1:>10}",
        "circuit with 1 signature"
    );
    println!(
        "{:<70} {:>10} {:>10}",
        "marginal: 2 signatures - 1",
        custom_2 - custom_1,
        base_2 - base_1
    );
    println!("BENCH sig_gates {} rows", custom_2 - custom_1);
    println!("BENCH sig_gates_base {} rows", base_2 - base_1);

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
        let circuit = SignatureBatchCircuit::build(count, MESSAGE_LEN, MulStrategy::CustomGate);
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
