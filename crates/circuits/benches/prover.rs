//! `cargo xtask bench prover`: rows per signature verification (with and without the custom
//! GF(p^5) gate) and prove time for circuits checking 1, 16 and 64 signatures; then the
//! chunk circuit: rows per slot of each kind (transaction, execute, priority, import) by
//! part, how many slots fit 2^13 rows, prove time per chunk of signed transfers at 4, 14 and
//! 16 transaction slots, then at 4 and 11 (the most that fit 2^13) execute slots, of the
//! same transfers (what one universal slot kind would cost) and of message executions
//! (standard recursion config, `PoseidonGoldilocksConfig`, `D = 2`); the chunk circuit's
//! build time against its cache load time; and the end-to-end figure: a batch of 64 signed
//! transfers proven from its chunk proofs to its batch proof (`BENCH proven_signed_tps`;
//! `BENCH chunk_signed_tps` is the best chunk alone). Prints tables and
//! `BENCH <name> <value> <unit>` lines. `HYPERFORGE_BENCH_SIGNATURES=1,16`,
//! `HYPERFORGE_BENCH_CHUNK_SLOTS=4,16`, `HYPERFORGE_BENCH_EXECUTE_SLOTS=4,11` and
//! `HYPERFORGE_BENCH_E2E_SLOTS=14` (transaction slots of the end-to-end chunk, at most the
//! 14 that fit the batch leaf's 2^13 rows) pick the sizes.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use hyperforge_circuits::batch::count_rows;
use hyperforge_circuits::chunk::{ChunkShape, count_rows as count_chunk_rows};
use hyperforge_circuits::recursion::{BatchCircuits, CircuitCache};
use hyperforge_circuits::schnorr::RowsByPart;
use hyperforge_circuits::test_utils::{TestChain, sign_kind, test_address, transfer};
use hyperforge_circuits::{
    ChunkCircuit, ChunkState, GateStrategy, SignatureBatchCircuit, SignedMessage,
};
use hyperforge_crypto::{GFp, Scalar, SecretKey};
use hyperforge_primitives::bridge::OutboxTree;
use hyperforge_primitives::tx::{Message, TxKind};
use hyperforge_primitives::{Address, Amount, ChainId};
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
    end_to_end();
}

fn sizes(variable: &str, default: &str) -> Vec<usize> {
    std::env::var(variable)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect()
}

/// Rows of a chunk of `shape` before padding, and the parts of its first slot of each kind.
fn shape_rows(
    import_slots: usize,
    priority_slots: usize,
    tx_slots: usize,
    execute_slots: usize,
) -> (usize, RowsByPart) {
    count_chunk_rows(ChunkShape {
        import_slots,
        priority_slots,
        tx_slots,
        execute_slots,
    })
}

/// The most slots of one kind (`slots(n)` is the shape) whose chunk fits `2^bits` rows.
fn most_that_fit(bits: usize, slots: impl Fn(usize) -> ChunkShape) -> usize {
    let mut n = 0;
    while count_chunk_rows(slots(n + 1)).0 <= 1 << bits {
        n += 1;
    }
    n
}

fn chunks() {
    // Rows: the marginal cost of one more slot of each kind, and the parts of one slot.
    let (empty, _) = shape_rows(0, 0, 0, 0);
    let kinds = [
        (
            "transaction slot (Transfer, Withdraw, SendMessage)",
            shape_rows(0, 0, 1, 0),
            shape_rows(0, 0, 2, 0),
        ),
        (
            "execute slot (any transaction, ExecuteMessage too)",
            shape_rows(0, 0, 0, 1),
            shape_rows(0, 0, 0, 2),
        ),
        (
            "priority slot (Deposit, RegisterKey)",
            shape_rows(0, 1, 0, 0),
            shape_rows(0, 2, 0, 0),
        ),
        (
            "import slot (message root)",
            shape_rows(1, 0, 0, 0),
            shape_rows(2, 0, 0, 0),
        ),
    ];
    println!();
    println!(
        "rows per chunk slot by part (before padding; rows of shared gates counted where first opened)"
    );
    let mut marginal = Vec::new();
    for (name, (one, parts), (two, _)) in &kinds {
        println!("{name}");
        for (part, rows) in &parts.0 {
            println!("    {part:<66} {rows:>6}");
        }
        println!("    {:<66} {:>6}", "marginal (two slots - one)", two - one);
        marginal.push(two - one);
    }
    println!(
        "{:<70} {empty:>6}",
        "fixed: an empty chunk (state roots, public inputs)"
    );
    println!(
        "{:<70} {:>6}",
        "lower bound of a transfer: two depth-32 updates (Poseidon rows)", 128
    );
    println!("BENCH gates_per_signed_transfer {} rows", marginal[0]);
    println!("BENCH gates_per_execute_slot {} rows", marginal[1]);
    println!("BENCH gates_per_priority_op {} rows", marginal[2]);
    println!("BENCH gates_per_import {} rows", marginal[3]);
    let fit_tx = most_that_fit(13, ChunkShape::transfers);
    let fit_execute = most_that_fit(13, |n| ChunkShape {
        execute_slots: n,
        ..ChunkShape::default()
    });
    println!("BENCH tx_slots_in_2_13 {fit_tx} slots");
    println!("BENCH execute_slots_in_2_13 {fit_execute} slots");

    let chain_id = ChainId::new(270).unwrap();
    println!();
    println!(
        "{:<34} {:>6} {:>8} {:>8} {:>10} {:>10} {:>10} {:>12}",
        "chunk", "slots", "rows", "degree", "build ms", "prove ms", "verify ms", "proven tx/s"
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
        let transfers = measure(
            &count.to_string(),
            "signed transfers, transaction slots",
            ChunkShape::transfers(count),
            &start_state,
            &slots,
            chain.state.root(),
        );
        tps = f64::max(tps, transfers);
    }
    // The best chunk size measured (rows pad to a power of two: the largest chunk is not
    // always the fastest per transaction); chunks alone, no aggregation.
    println!("BENCH chunk_signed_tps {tps:.2} tx/s");

    for count in sizes("HYPERFORGE_BENCH_EXECUTE_SLOTS", "4,11") {
        // The same transfers in execute slots (what one universal slot kind would cost),
        // then `count` message executions of a remote outbox imported the block before.
        let mut chain = TestChain::new(chain_id, &vec![1_000; count + 1]);
        let txs: Vec<_> = (0..count)
            .map(|i| transfer(chain_id, i, 0, test_address(i + 1), 1 + i as u64))
            .collect();
        let block = chain.block(&txs).unwrap();
        let slots = block.witness.expand().unwrap();
        let start_state = ChunkState::block_start(chain_id, block.witness.state_before);
        let shape = ChunkShape {
            execute_slots: count,
            ..ChunkShape::default()
        };
        measure(
            &format!("universal_{count}"),
            "signed transfers, execute slots",
            shape,
            &start_state,
            &slots,
            chain.state.root(),
        );

        let messages: Vec<Message> = (0..count)
            .map(|i| Message {
                src_chain: ChainId::new(271).unwrap(),
                sender: Address::repeat_byte(0xcc),
                nonce: i as u32,
                dst_chain: chain_id,
                recipient: test_address(i + 1),
                value: Amount::from_gwei(5),
                payload: vec![0xab; 32],
            })
            .collect();
        let outbox = OutboxTree::new(messages.iter().map(Message::hash).collect()).unwrap();
        chain.block_full(&[outbox.root()], &[], &[]).unwrap();
        let txs: Vec<_> = messages
            .iter()
            .enumerate()
            .map(|(i, message)| {
                let siblings = outbox.proof(i).unwrap().siblings.try_into().unwrap();
                sign_kind(
                    chain_id,
                    0,
                    1 + i as u32,
                    TxKind::ExecuteMessage {
                        message: message.clone(),
                        import_index: 0,
                        leaf_index: i as u16,
                        siblings: Box::new(siblings),
                    },
                )
            })
            .collect();
        let block = chain.block(&txs).unwrap();
        let slots = block.witness.expand().unwrap();
        let start_state = ChunkState::block_start(chain_id, block.witness.state_before);
        measure(
            &format!("execute_{count}"),
            "message executions, execute slots",
            shape,
            &start_state,
            &slots,
            chain.state.root(),
        );
    }
}

/// Builds, proves and verifies one chunk; prints a row and `BENCH chunk_prove_<key>`;
/// returns proven transactions a second.
fn measure(
    key: &str,
    name: &str,
    shape: ChunkShape,
    start_state: &ChunkState,
    slots: &[hyperforge_primitives::witness::ExpandedSlot],
    root_after: hyperforge_primitives::tx::Digest,
) -> f64 {
    let start = Instant::now();
    let circuit = ChunkCircuit::build(shape);
    let build_ms = start.elapsed().as_secs_f64() * 1e3;
    let start = Instant::now();
    let proof = circuit.prove(start_state, slots).unwrap();
    let prove_ms = start.elapsed().as_secs_f64() * 1e3;
    let start = Instant::now();
    circuit.verify(&proof).unwrap();
    let verify_ms = start.elapsed().as_secs_f64() * 1e3;
    assert_eq!(proof.public_inputs().unwrap().state_root_after, root_after);
    let tps = slots.len() as f64 / (prove_ms / 1e3);
    println!(
        "{name:<34} {:>6} {:>8} {:>8} {build_ms:>10.0} {prove_ms:>10.0} {verify_ms:>10.1} {tps:>12.2}",
        shape.capacity(),
        circuit.rows,
        format!("2^{}", circuit.data.common.degree_bits()),
    );
    println!("BENCH chunk_prove_{key} {prove_ms:.0} ms");
    println!(
        "BENCH chunk_proof_bytes_{key} {} bytes",
        proof.to_bytes().len()
    );
    tps
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

/// The chunk circuit of the end-to-end shape built, stored and loaded through a cache; then
/// a batch of 64 signed transfers (one block, accounts `i -> i + 1`) proven end to end: every
/// chunk proof, then the batch tree (leaves, steps, root), timed together (circuits built
/// beforehand, as a prover node loads them at startup).
fn end_to_end() {
    const TRANSFERS: usize = 64;
    let slots = sizes("HYPERFORGE_BENCH_E2E_SLOTS", "14")[0];
    let shape = ChunkShape::transfers(slots);
    let dir = tempfile::tempdir().unwrap();
    let cache = CircuitCache::new(dir.path());

    let start = Instant::now();
    let built = ChunkCircuit::build(shape);
    let build_s = start.elapsed().as_secs_f64();
    let key = ChunkCircuit::cache_key(shape, built.rows);
    let start = Instant::now();
    cache
        .try_store_with(
            &key,
            &built.data,
            &hyperforge_circuits::gates::CustomGateSerializer,
            &hyperforge_circuits::gates::CustomGeneratorSerializer::default(),
        )
        .unwrap();
    let store_s = start.elapsed().as_secs_f64();
    let file_bytes = std::fs::metadata(cache.path(&key).unwrap()).unwrap().len();
    drop(built);
    // The part of a load that reruns the circuit's construction for the targets.
    let start = Instant::now();
    count_chunk_rows(shape);
    let targets_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let chunk = ChunkCircuit::try_load(shape, &cache).unwrap().unwrap();
    let load_s = start.elapsed().as_secs_f64();
    println!();
    println!(
        "chunk circuit {shape:?} (2^{} rows): build {build_s:.2} s, store {store_s:.2} s, load {load_s:.2} s (construction for the targets {targets_s:.2} s), file {:.0} MiB",
        chunk.data.common.degree_bits(),
        file_bytes as f64 / (1 << 20) as f64
    );
    println!("BENCH chunk_circuit_build_s {build_s:.3} s");
    println!("BENCH chunk_circuit_load_s {load_s:.3} s");
    println!(
        "BENCH chunk_circuit_cache_mib {:.1} MiB",
        file_bytes as f64 / (1 << 20) as f64
    );

    let start = Instant::now();
    let batch = BatchCircuits::build(&chunk, &cache).unwrap();
    println!(
        "batch circuits over it: built in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let chain_id = ChainId::new(270).unwrap();
    let mut chain = TestChain::new(chain_id, &vec![1_000; TRANSFERS + 1]);
    let txs: Vec<_> = (0..TRANSFERS)
        .map(|i| transfer(chain_id, i, 0, test_address(i + 1), 1 + i as u64))
        .collect();
    let block = chain.block(&txs).unwrap();
    let expanded = block.witness.expand().unwrap();
    let runs = shape.split(&expanded).unwrap();

    let started = Instant::now();
    let mut at = ChunkState::block_start(chain_id, block.witness.state_before);
    let mut proofs = Vec::with_capacity(runs.len());
    for run in &runs {
        proofs.push(chunk.prove(&at, run).unwrap());
        at = at.after(run).unwrap();
    }
    let chunks_s = started.elapsed().as_secs_f64();
    let proof = batch.prove_batch(&proofs, 1).unwrap();
    let total_s = started.elapsed().as_secs_f64();
    batch.verify(&proof).unwrap();
    assert_eq!(at.state.root(), chain.state.root());
    let tps = TRANSFERS as f64 / total_s;
    println!(
        "{TRANSFERS} signed transfers in {} chunks of {slots} slots: chunk proofs {chunks_s:.1} s, batch tree {:.1} s, total {total_s:.1} s",
        runs.len(),
        total_s - chunks_s
    );
    println!("BENCH e2e_chunk_proofs_s {chunks_s:.2} s");
    println!("BENCH e2e_batch_tree_s {:.2} s", total_s - chunks_s);
    println!("BENCH proven_signed_tps {tps:.2} tx/s");
}
