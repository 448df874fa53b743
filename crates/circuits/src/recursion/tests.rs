//! Recursion tests over real chunk proofs of natively executed blocks: batch proofs of 1, 2,
//! 3 and 5 chunks expose the native batch public inputs; settlement proofs of 2 and 3
//! batches (two chains, consecutive batches of one) state the native settlement
//! commitment, and the final proof verifies; each lie fails to prove or to verify. Every
//! circuit is built once for the test binary (into a temporary cache, which the cache test
//! then loads).

use std::sync::LazyLock;

use hyperforge_primitives::block::{pubdata_commitment, slots_hash_seed};
use hyperforge_primitives::bridge::{
    BatchPublicInputs, MESSAGE_QUEUE_SEED, settlement_commitment, two_to_one,
};
use hyperforge_primitives::tx::{Digest, PriorityOp, SignedTx};
use hyperforge_primitives::{Address, Amount, ChainId};
use plonky2::field::types::Field;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;

use super::batch::pubdata_seed;
use super::*;
use crate::error::CircuitError;
use crate::test_utils::{TestChain, test_address, transfer, withdraw};
use crate::{ChunkProof, ChunkShape, ChunkState};
use hyperforge_crypto::GFp;

/// One priority slot and one transaction slot: the smallest chunk with both kinds.
static CHUNK: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        import_slots: 0,
        priority_slots: 1,
        tx_slots: 1,
        execute_slots: 0,
    })
});

static CIRCUITS: LazyLock<RecursionCircuits> = LazyLock::new(|| {
    RecursionCircuits::build(&CHUNK, &CircuitCache::disabled()).expect("circuits")
});

#[test]
fn every_tree_step_has_the_leaf_common_data_at_2_13_rows_and_standard_gates_only() {
    let circuits = &*CIRCUITS;
    for (leaf, step) in [
        (&circuits.batch.leaf, &circuits.batch.step),
        (
            &circuits.settlement.tree.leaf,
            &circuits.settlement.tree.step,
        ),
    ] {
        assert_eq!(leaf.common, step.common, "one shape at every level");
        assert_eq!(step.common.degree_bits(), tree::STEP_DEGREE_BITS);
    }
    let custom = [
        "DoubleGate",
        "AddAffine",
        "FixedTable",
        "GFp5MulAdd",
        "RangeCheck",
    ];
    for data in [
        &circuits.batch.leaf.common,
        &circuits.settlement.tree.step.common,
        &circuits.settlement.root.data.common,
        &circuits.shrink.high_rate.common,
        &circuits.shrink.final_circuit.common,
    ] {
        for gate in &data.gates {
            let id = gate.0.id();
            assert!(!custom.iter().any(|c| id.contains(c)), "custom gate {id}");
        }
    }
}

fn chain_id(id: u64) -> ChainId {
    ChainId::new(id).unwrap()
}

/// Blocks executed natively and proven chunk by chunk, with what the batcher would seal.
struct Run {
    chunks: Vec<ChunkProof>,
    /// Chunks of each block.
    per_block: Vec<usize>,
    /// The header's slots hash of each block.
    slots_hashes: Vec<Digest>,
    /// The state root after each block.
    roots_after: Vec<Digest>,
    /// Where each block ends (running values of a batch that starts at the first block).
    ends: Vec<ChunkState>,
    start: ChunkState,
}

impl Run {
    fn execute(chain: &mut TestChain, blocks: &[(Vec<PriorityOp>, Vec<SignedTx>)]) -> Self {
        let start = ChunkState::block_start(chain.chain_id, chain.state);
        let mut run = Run {
            chunks: Vec::new(),
            per_block: Vec::new(),
            slots_hashes: Vec::new(),
            roots_after: Vec::new(),
            ends: Vec::new(),
            start: start.clone(),
        };
        let mut at = start;
        for (ops, txs) in blocks {
            let block = chain.block_with(ops, txs).unwrap();
            at = ChunkState {
                state: block.witness.state_before,
                slots_hash: slots_hash_seed(),
                ..at
            };
            let slots = block.witness.expand().unwrap();
            let chunks = CHUNK.shape().split(&slots).unwrap();
            run.per_block.push(chunks.len());
            for chunk in chunks {
                run.chunks.push(CHUNK.prove(&at, chunk).unwrap());
                at = at.after(chunk).unwrap();
            }
            assert_eq!(at.slots_hash, block.slots_hash);
            run.slots_hashes.push(block.slots_hash);
            run.roots_after.push(chain.state.root());
            run.ends.push(at.clone());
        }
        run
    }

    /// The batch public inputs of the first `blocks` blocks as batch `number`, natively.
    fn batch(&self, blocks: usize, number: u64) -> BatchPublicInputs {
        let end = &self.ends[blocks - 1];
        let priority_ops_count = self.chunks[..self.chunks_of(blocks)]
            .iter()
            .map(|c| c.public_inputs().unwrap().priority_count)
            .sum();
        BatchPublicInputs {
            chain_id: self.start.chain_id,
            batch_number: number,
            old_state_root: self.start.state.root(),
            new_state_root: self.roots_after[blocks - 1],
            priority_ops_count,
            priority_commitment_before: self.start.priority_commitment,
            priority_commitment_after: end.priority_commitment,
            imports_count: 0,
            imports_commitment_before: *MESSAGE_QUEUE_SEED,
            imports_commitment_after: *MESSAGE_QUEUE_SEED,
            outbox_root: end.outbox_root().unwrap(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: pubdata_commitment(&self.slots_hashes[..blocks]),
        }
    }

    fn chunks_of(&self, blocks: usize) -> usize {
        self.per_block[..blocks].iter().sum()
    }
}

/// Chain 270 (accounts 1000, 50, 7 gwei): blocks A, B, C of one transfer each (one chunk
/// each; B opens an account), then D: a deposit and a withdrawal (chunk 3), a transfer
/// (chunk 4). Chain 271: block A' of the same transfer as A, so the same state roots.
struct Scenario {
    run: Run,
    other: Run,
    /// Leaf proofs of chain 270's chunks as one batch.
    leaves: Vec<TreeProof>,
}

fn blocks_270() -> Vec<(Vec<PriorityOp>, Vec<SignedTx>)> {
    let c = chain_id(270);
    let fresh = Address::repeat_byte(0xaa);
    vec![
        (vec![], vec![transfer(c, 0, 0, test_address(1), 100)]),
        (vec![], vec![transfer(c, 1, 0, fresh, 30)]),
        (vec![], vec![transfer(c, 2, 0, test_address(0), 7)]),
        (
            vec![PriorityOp::Deposit {
                l1_sender: Address::repeat_byte(0x55),
                recipient: test_address(1),
                amount: Amount::from_gwei(40),
            }],
            vec![
                withdraw(c, 0, 1, Address::repeat_byte(0x66), 25),
                transfer(c, 1, 1, test_address(0), 5),
            ],
        ),
    ]
}

static SCENARIO: LazyLock<Scenario> = LazyLock::new(|| {
    let run = Run::execute(
        &mut TestChain::new(chain_id(270), &[1000, 50, 7]),
        &blocks_270(),
    );
    assert_eq!(run.per_block, [1, 1, 1, 2]);
    let other = Run::execute(
        &mut TestChain::new(chain_id(271), &[1000, 50, 7]),
        &[(
            vec![],
            vec![transfer(chain_id(271), 0, 0, test_address(1), 100)],
        )],
    );
    let batch = &CIRCUITS.batch;
    let mut pubdata = pubdata_seed();
    let mut leaves = Vec::new();
    for (i, chunk) in run.chunks.iter().enumerate() {
        let ends_block = i != 3;
        leaves.push(batch.prove_leaf(chunk, pubdata, ends_block).unwrap());
        if ends_block {
            pubdata = two_to_one(pubdata, chunk.public_inputs().unwrap().slots_hash_after);
        }
    }
    Scenario { run, other, leaves }
});

fn step(left: &TreeProof, right: &TreeProof) -> TreeProof {
    let proof = CIRCUITS.batch.prove_step(left, right).unwrap();
    CIRCUITS.batch.verify_tree(&proof).unwrap();
    proof
}

/// The batch proof of `top`, verified, and checks it states `expected`.
fn root(top: &TreeProof, expected: &BatchPublicInputs) -> BatchProof {
    let batch = &CIRCUITS.batch;
    let proof = batch
        .batch_proof(top.clone(), expected.batch_number)
        .unwrap();
    batch.verify(&proof).unwrap();
    assert_eq!(
        proof.public_inputs(),
        expected.to_elements(),
        "{expected:?}"
    );
    proof
}

fn tampered(mut proof: TreeProof) -> TreeProof {
    proof.proof.proof.openings.wires[0] += Field::ONE;
    proof
}

#[test]
fn batch_proofs_of_1_2_3_and_5_chunks_expose_the_native_batch_public_inputs() {
    let Scenario { run, leaves, .. } = &*SCENARIO;
    for leaf in leaves {
        CIRCUITS.batch.verify_tree(leaf).unwrap();
    }
    let one = root(&leaves[0], &run.batch(1, 1));
    let s01 = step(&leaves[0], &leaves[1]);
    root(&s01, &run.batch(2, 1));
    // Three chunks: the odd one is carried up and joined one level higher.
    let s012 = step(&s01, &leaves[2]);
    root(&s012, &run.batch(3, 1));
    let s23 = step(&leaves[2], &leaves[3]);
    let s0123 = step(&s01, &s23);
    let five = root(&step(&s0123, &leaves[4]), &run.batch(4, 7));
    assert_eq!(
        BatchCircuits::segment(&s23).unwrap().range.priority_count,
        1,
        "the deposit"
    );

    // The whole API over two chunks, and the proof bytes.
    let two = CIRCUITS.batch.prove_batch(&run.chunks[..2], 2).unwrap();
    CIRCUITS.batch.verify(&two).unwrap();
    assert_eq!(two.public_inputs(), run.batch(2, 2).to_elements());
    for proof in [one, five] {
        let decoded = BatchProof::from_bytes(proof.to_bytes(), &CIRCUITS.batch).unwrap();
        CIRCUITS.batch.verify(&decoded).unwrap();
    }
}

#[test]
fn a_gap_between_chunks_and_chunks_out_of_order_are_refused() {
    let leaves = &SCENARIO.leaves;
    let batch = &CIRCUITS.batch;
    assert!(matches!(
        batch.prove_step(&leaves[0], &leaves[2]),
        Err(CircuitError::Prove(_))
    ));
    assert!(matches!(
        batch.prove_step(&leaves[1], &leaves[0]),
        Err(CircuitError::Prove(_))
    ));
}

#[test]
fn chunks_of_two_chains_are_refused() {
    let Scenario { run, other, .. } = &*SCENARIO;
    let batch = &CIRCUITS.batch;
    // Chain 271's block A' ends in chain 270's state after A: only the chain id differs
    // once the pubdata fold of the next leaf follows A'.
    let theirs = other.chunks[0].public_inputs().unwrap();
    let ours = run.chunks[1].public_inputs().unwrap();
    assert_eq!(theirs.state_root_after, ours.state_root_before);
    let left = batch
        .prove_leaf(&other.chunks[0], pubdata_seed(), true)
        .unwrap();
    let folded = two_to_one(pubdata_seed(), theirs.slots_hash_after);
    let right = batch.prove_leaf(&run.chunks[1], folded, true).unwrap();
    assert!(matches!(
        batch.prove_step(&left, &right),
        Err(CircuitError::Prove(_))
    ));
}

#[test]
fn a_tampered_chunk_or_step_proof_and_a_proof_of_another_circuit_are_refused() {
    let Scenario { run, leaves, .. } = &*SCENARIO;
    let batch = &CIRCUITS.batch;
    let mut chunk = run.chunks[0].clone();
    chunk.0.proof.openings.wires[0] += Field::ONE;
    assert!(CHUNK.verify(&chunk).is_err());
    assert!(batch.prove_leaf(&chunk, pubdata_seed(), true).is_err());

    let bad_leaf = tampered(leaves[0].clone());
    assert!(batch.verify_tree(&bad_leaf).is_err());
    assert!(batch.prove_step(&bad_leaf, &leaves[1]).is_err());
    assert!(batch.batch_proof(bad_leaf, 1).is_err());

    // A leaf proof claimed to be of the step circuit, the other way round: both circuits
    // share the common data, only the verifier data tells them apart.
    let as_step = TreeProof {
        is_leaf: false,
        ..leaves[0].clone()
    };
    assert!(batch.verify_tree(&as_step).is_err());
    assert!(batch.prove_step(&as_step, &leaves[1]).is_err());
    assert!(batch.batch_proof(as_step, 1).is_err());
}

#[test]
fn a_batch_that_does_not_start_and_end_at_block_boundaries_is_refused() {
    let Scenario { run, leaves, .. } = &*SCENARIO;
    let batch = &CIRCUITS.batch;
    // Chunk 4 starts in the middle of block D; chunk 3 does not end it: a batch can
    // neither start nor stop there. Natively, and in the settlement leaf's circuit.
    for (leaf, problem) in [
        (&leaves[4], "does not start a block"),
        (&leaves[3], "does not end a block"),
    ] {
        match batch.batch_proof(leaf.clone(), 1) {
            Err(CircuitError::NotABatch(reason)) => assert!(reason.contains(problem), "{reason}"),
            other => panic!("not a batch accepted: {other:?}"),
        }
        let unchecked = BatchProof::unchecked(leaf.clone(), 1);
        assert!(matches!(
            CIRCUITS.settlement.prove_leaf(&unchecked),
            Err(CircuitError::Prove(_))
        ));
    }
    // Nor can a leaf claim it does and the next chunk still continue the block.
    let pubdata = BatchCircuits::segment(&leaves[3]).unwrap().pubdata_before;
    let ends_early = batch.prove_leaf(&run.chunks[3], pubdata, true).unwrap();
    assert!(batch.prove_step(&ends_early, &leaves[4]).is_err());
}

#[test]
fn a_batch_proof_claiming_another_root_fails_and_its_number_is_what_the_settlement_hashes() {
    let Scenario { run, leaves, .. } = &*SCENARIO;
    let batch = &CIRCUITS.batch;
    let proof = root(&leaves[0], &run.batch(1, 3));
    let mut other_root = leaves[0].clone();
    other_root.proof.public_inputs[6] += GFp::ONE;
    let lying = BatchProof::new(other_root, 3).unwrap();
    assert!(batch.verify(&lying).is_err());
    assert!(CIRCUITS.settlement.prove_leaf(&lying).is_err());
    // The number is the settler's witness: the leaf hashes the batch public inputs with it,
    // which the bridge rebuilds from its own records.
    let settle = &CIRCUITS.settlement;
    let hashed = |proof: &BatchProof| settle.prove_leaf(proof).unwrap().app_inputs()[..4].to_vec();
    let as_3 = hashed(&proof);
    assert_eq!(
        as_3,
        PoseidonHash::hash_no_pad(&run.batch(1, 3).to_elements()).elements
    );
    let as_4 = hashed(&BatchProof::new(leaves[0].clone(), 4).unwrap());
    assert_ne!(as_3, as_4);
    // And the bytes round trip, number included.
    let decoded = BatchProof::from_bytes(proof.to_bytes(), batch).unwrap();
    assert_eq!(decoded.batch_number(), 3);
    assert_eq!(decoded.public_inputs(), proof.public_inputs());
    assert!(BatchProof::from_bytes(vec![0; 5], batch).is_err());
}

/// Settlement: batch 1 of chain 270 (block A), batch 1 of chain 271 (A'), batch 2 of chain
/// 270 (block B alone: its chunk starts where batch 1 ended, with empty running values).
fn settlement_batches() -> Vec<(BatchProof, BatchPublicInputs)> {
    let Scenario { run, other, leaves } = &*SCENARIO;
    let batch = &CIRCUITS.batch;
    let first = root(&leaves[0], &run.batch(1, 1));
    let theirs = root(
        &batch
            .prove_leaf(&other.chunks[0], pubdata_seed(), true)
            .unwrap(),
        &other.batch(1, 1),
    );
    let second_leaf = batch
        .prove_leaf(&run.chunks[1], pubdata_seed(), true)
        .unwrap();
    let mut second_inputs = run.batch(2, 2);
    second_inputs.old_state_root = run.roots_after[0];
    second_inputs.pubdata_commitment = pubdata_commitment(&run.slots_hashes[1..2]);
    let second = root(&second_leaf, &second_inputs);
    vec![
        (first, run.batch(1, 1)),
        (theirs, other.batch(1, 1)),
        (second, second_inputs),
    ]
}

fn commitment_of(proof: &SettlementProof) -> Vec<GFp> {
    proof.0.public_inputs.clone()
}

#[test]
fn settlements_of_two_chains_and_of_consecutive_batches_state_the_native_commitment() {
    let settle = &CIRCUITS.settlement;
    let batches = settlement_batches();
    let inputs: Vec<BatchPublicInputs> = batches.iter().map(|(_, i)| i.clone()).collect();
    let leaves: Vec<TreeProof> = batches
        .iter()
        .map(|(proof, _)| settle.prove_leaf(proof).unwrap())
        .collect();
    let pair = settle.prove_step(&leaves[0], Some(&leaves[1])).unwrap();
    settle.tree.verify_tree(&pair).unwrap();
    let two = settle.prove_root(&pair).unwrap();
    settle.verify(&two).unwrap();
    assert_eq!(
        commitment_of(&two),
        settlement_commitment(&inputs[..2]).elements
    );

    // Three batches are padded to four: the last pair is batch 3 and an empty entry.
    let padded = settle.prove_step(&leaves[2], None).unwrap();
    let top = settle.prove_step(&pair, Some(&padded)).unwrap();
    let three = settle.prove_root(&top).unwrap();
    settle.verify(&three).unwrap();
    let native = settlement_commitment(&inputs);
    assert_eq!(commitment_of(&three), native.elements);

    // Lies: another order, a batch dropped as if it were padding, subtrees of two heights.
    let swapped = settle.prove_step(&leaves[1], Some(&leaves[0])).unwrap();
    assert_ne!(
        commitment_of(&settle.prove_root(&swapped).unwrap()),
        settlement_commitment(&inputs[..2]).elements
    );
    let dropped = settle.prove_step(&leaves[0], None).unwrap();
    assert_ne!(
        commitment_of(&settle.prove_root(&dropped).unwrap()),
        settlement_commitment(&inputs[..2]).elements
    );
    assert!(settle.prove_step(&pair, Some(&leaves[2])).is_err());
    let mut claimed = three.clone();
    claimed.0.public_inputs[0] += GFp::ONE;
    assert!(settle.verify(&claimed).is_err());
    assert!(settle.prove_root(&tampered(top.clone())).is_err());
    let leaf_as_step = TreeProof {
        is_leaf: false,
        ..leaves[0].clone()
    };
    assert!(settle.prove_root(&leaf_as_step).is_err());

    // The final proof: same commitment, Keccak configuration, bytes round trip.
    let shrink = &CIRCUITS.shrink;
    let last = shrink.shrink(&three).unwrap();
    shrink.verify(&last).unwrap();
    assert_eq!(last.0.public_inputs, native.elements);
    let bytes = last.to_bytes();
    let decoded = FinalProof::from_bytes(bytes, shrink).unwrap();
    shrink.verify(&decoded).unwrap();
    let mut lying = last.clone();
    lying.0.public_inputs[3] += GFp::ONE;
    assert!(shrink.verify(&lying).is_err());
}

#[test]
fn a_single_batch_settles_through_the_whole_api() {
    let (proof, inputs) = settlement_batches().swap_remove(1);
    let settlement = CIRCUITS.settlement.prove_settlement(&[proof]).unwrap();
    CIRCUITS.settlement.verify(&settlement).unwrap();
    assert_eq!(
        commitment_of(&settlement),
        settlement_commitment(&[inputs]).elements
    );
    assert!(matches!(
        CIRCUITS.settlement.prove_settlement(&[]),
        Err(CircuitError::EmptyAggregation(_))
    ));
}

#[test]
fn the_cache_loads_what_it_saved_misses_on_another_circuit_and_rebuilds_a_corrupt_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = CircuitCache::new(dir.path());
    let built = BatchCircuits::build(&CHUNK, &cache).unwrap();
    let loaded = BatchCircuits::build(&CHUNK, &cache).unwrap();
    for (a, b) in [
        (&built.leaf, &loaded.leaf),
        (&built.step, &loaded.step),
        (&built.step, &CIRCUITS.batch.step),
    ] {
        assert_eq!(a.verifier_only, b.verifier_only);
        assert_eq!(a.common, b.common);
    }
    // The loaded circuits prove, and their proofs verify against the freshly built ones.
    let leaf = loaded
        .prove_leaf(&SCENARIO.run.chunks[0], pubdata_seed(), true)
        .unwrap();
    let proof = loaded.batch_proof(leaf, 1).unwrap();
    CIRCUITS.batch.verify(&proof).unwrap();
    assert_eq!(
        proof.public_inputs(),
        SCENARIO.run.batch(1, 1).to_elements()
    );

    // Another parameter is another key: nothing to load.
    let key = CircuitKey::new("batch").part("leaf").number(99);
    assert!(cache.try_load::<crate::Config>(&key).unwrap().is_none());

    // A truncated file is an error naming it, then rebuilt and rewritten.
    let step_file = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_string_lossy().contains("batch-step"))
        .unwrap();
    let length = std::fs::metadata(&step_file).unwrap().len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&step_file)
        .unwrap();
    file.set_len(length / 2).unwrap();
    drop(file);
    let step_key = built.keys[1].clone();
    assert_eq!(cache.path(&step_key).unwrap(), step_file);
    match cache.try_load::<crate::Config>(&step_key) {
        Err(CircuitError::CacheFile { path, problem }) => {
            assert_eq!(path, step_file);
            assert!(problem.contains("truncated"), "{problem}");
        }
        other => panic!("a truncated file loaded: {:?}", other.map(|d| d.is_some())),
    }
    let rebuilt = BatchCircuits::build(&CHUNK, &cache).unwrap();
    assert_eq!(rebuilt.step.verifier_only, built.step.verifier_only);
    assert_eq!(std::fs::metadata(&step_file).unwrap().len(), length);
    // Flipped bytes: the checksum catches them.
    let mut bytes = std::fs::read(&step_file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&step_file, bytes).unwrap();
    assert!(matches!(
        cache.try_load::<crate::Config>(&step_key),
        Err(CircuitError::CacheFile { .. })
    ));
}
