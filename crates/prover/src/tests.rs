//! Jobs of a real batch, proven job by job through the payload bytes, and every lie a
//! prover can tell about them refused by [`check`]. The circuits (one transaction slot per
//! chunk) are built once for the test binary.

#![allow(clippy::unwrap_used)]

use std::sync::LazyLock;

use hyperforge_circuits::{
    ChunkShape,
    recursion::{BatchProof, CircuitCache},
    test_utils::{TestChain, test_address, transfer},
};
use hyperforge_primitives::{
    Amount, ChainId,
    block::{BatchRecord, ProofStatus, pubdata_commitment},
    bridge::{BatchPublicInputs, MESSAGE_QUEUE_SEED, PRIORITY_SEED, empty_outbox_root},
    witness::BlockWitness,
};

use super::*;

const SHAPE: ChunkShape = ChunkShape {
    import_slots: 0,
    priority_slots: 0,
    tx_slots: 1,
    execute_slots: 0,
};

static CIRCUITS: LazyLock<ProverCircuits> =
    LazyLock::new(|| ProverCircuits::load_or_build(SHAPE, &CircuitCache::disabled()).unwrap());

/// Batch 1 of chain 270: block 1 of two transfers (two chunks), block 2 of one.
struct Batch {
    record: BatchRecord,
    witnesses: Vec<BlockWitness>,
    plan: BatchPlan,
    /// The proof of each node, then the batch proof.
    proofs: Vec<Vec<u8>>,
    batch_proof: Vec<u8>,
}

fn chain() -> ChainId {
    ChainId::new(270).unwrap()
}

fn sealed() -> (BatchRecord, Vec<BlockWitness>) {
    let c = chain();
    let mut test_chain = TestChain::new(c, &[1000, 50, 7]);
    let old_root = test_chain.state.root();
    let a = test_chain
        .block(&[
            transfer(c, 0, 0, test_address(1), 100),
            transfer(c, 1, 0, test_address(2), 30),
        ])
        .unwrap();
    let b = test_chain
        .block(&[transfer(c, 2, 0, test_address(0), 5)])
        .unwrap();
    let record = BatchRecord {
        first_block: 1,
        last_block: 2,
        public_inputs: BatchPublicInputs {
            chain_id: c,
            batch_number: 1,
            old_state_root: old_root,
            new_state_root: test_chain.state.root(),
            priority_ops_count: 0,
            priority_commitment_before: *PRIORITY_SEED,
            priority_commitment_after: *PRIORITY_SEED,
            imports_count: 0,
            imports_commitment_before: *MESSAGE_QUEUE_SEED,
            imports_commitment_after: *MESSAGE_QUEUE_SEED,
            outbox_root: empty_outbox_root(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: pubdata_commitment(&[a.slots_hash, b.slots_hash]),
        },
        proof_status: ProofStatus::Pending,
    };
    (record, vec![a.witness, b.witness])
}

/// The payload of node `node` as the coordinator would send it.
fn node_payload(batch: &Batch, node: usize, proofs: &[Vec<u8>]) -> JobPayload {
    match batch.plan.nodes[node].kind {
        NodeKind::Leaf { chunk } => {
            let plan = &batch.plan.chunks[chunk];
            let witness = batch.witnesses[(plan.block - batch.record.first_block) as usize].clone();
            JobPayload::Chunk(Box::new(plan.job(witness)))
        }
        NodeKind::Step { left, right } => JobPayload::Step(StepJob {
            left: proofs[left].clone(),
            right: proofs[right].clone(),
        }),
    }
}

/// Proves a payload the way a prover node does: from its bytes.
fn prove_payload(payload: &JobPayload) -> Vec<u8> {
    let bytes = payload.encode();
    assert_eq!(
        &JobPayload::decode(payload.kind(), &bytes).unwrap(),
        payload,
        "payloads round-trip"
    );
    prove(&CIRCUITS, payload.kind().as_u8(), &bytes).unwrap()
}

static BATCH: LazyLock<Batch> = LazyLock::new(|| {
    let (record, witnesses) = sealed();
    let plan = plan_batch(SHAPE, &record, &witnesses).unwrap();
    let mut batch = Batch {
        record,
        witnesses,
        plan,
        proofs: Vec::new(),
        batch_proof: Vec::new(),
    };
    let mut proofs = Vec::new();
    // Nodes are in dependency order: leaves, then steps over earlier nodes.
    for node in 0..batch.plan.nodes.len() {
        let proof = prove_payload(&node_payload(&batch, node, &proofs));
        proofs.push(proof);
    }
    batch.batch_proof = BatchProof::bytes_of(1, &proofs[batch.plan.top]);
    batch.proofs = proofs;
    batch
});

#[test]
fn a_batch_of_two_blocks_plans_three_chunks_and_two_steps() {
    let (record, witnesses) = sealed();
    let plan = plan_batch(SHAPE, &record, &witnesses).unwrap();
    let blocks: Vec<(u64, bool)> = plan
        .chunks
        .iter()
        .map(|c| (c.block, c.ends_block))
        .collect();
    assert_eq!(blocks, [(1, false), (1, true), (2, true)]);
    assert_eq!(plan.nodes[3].kind, NodeKind::Step { left: 0, right: 1 });
    assert_eq!(plan.nodes[4].kind, NodeKind::Step { left: 3, right: 2 });
    assert_eq!(plan.top, 4);
    assert_eq!(
        plan.nodes[4].segment.pubdata_after,
        record.public_inputs.pubdata_commitment
    );
}

#[test]
fn witnesses_that_do_not_lead_to_the_sealed_record_are_not_planned() {
    let (mut record, witnesses) = sealed();
    record.public_inputs.new_state_root = record.public_inputs.old_state_root;
    let error = plan_batch(SHAPE, &record, &witnesses).unwrap_err();
    assert!(
        error.to_string().contains("sealed public inputs"),
        "{error}"
    );
    let (record, mut witnesses) = sealed();
    witnesses.pop();
    assert!(plan_batch(SHAPE, &record, &witnesses).is_err());
}

#[test]
fn every_honest_proof_checks_and_the_batch_proof_states_the_sealed_inputs() {
    let batch = &*BATCH;
    for (node, proof) in batch.plan.nodes.iter().zip(&batch.proofs) {
        check(&CIRCUITS, &node.expected(), proof).unwrap();
    }
    // The top node's proof with the number is the batch proof of the sealed inputs.
    let proof = BatchProof::from_bytes(batch.batch_proof.clone(), &CIRCUITS.batch).unwrap();
    CIRCUITS.batch.verify(&proof).unwrap();
    assert_eq!(
        proof.public_inputs(),
        batch.record.public_inputs.to_elements().as_slice()
    );
}

#[test]
fn a_leaf_that_ends_the_block_elsewhere_is_refused() {
    let batch = &*BATCH;
    // Chunk 0 does not end block 1; a prover claims it does.
    let JobPayload::Chunk(mut job) = node_payload(batch, 0, &[]) else {
        panic!("node 0 is a leaf")
    };
    job.ends_block = true;
    let lie = prove_payload(&JobPayload::Chunk(job));
    let refusal = check(&CIRCUITS, &batch.plan.nodes[0].expected(), &lie).unwrap_err();
    assert!(
        matches!(refusal, Rejection::WrongPublicInputs(_)),
        "{refusal}"
    );
    assert!(refusal.to_string().contains("ends_block"), "{refusal}");
}

#[test]
fn the_proof_of_another_chunk_is_refused() {
    let batch = &*BATCH;
    let refusal = check(&CIRCUITS, &batch.plan.nodes[0].expected(), &batch.proofs[1]).unwrap_err();
    assert!(
        matches!(refusal, Rejection::WrongPublicInputs(_)),
        "{refusal}"
    );
}

#[test]
fn a_proof_with_a_flipped_byte_is_refused() {
    let batch = &*BATCH;
    for (expected, proof) in [
        (batch.plan.nodes[0].expected(), &batch.proofs[0]),
        (batch.plan.nodes[4].expected(), &batch.proofs[4]),
    ] {
        let mut corrupt = proof.clone();
        let middle = corrupt.len() / 2;
        corrupt[middle] ^= 0x01;
        check(&CIRCUITS, &expected, &corrupt).unwrap_err();
        check(&CIRCUITS, &expected, &corrupt[..middle]).unwrap_err();
    }
}

#[test]
fn a_proof_of_the_wrong_level_is_refused() {
    let batch = &*BATCH;
    // A step proof where the leaf was asked for.
    let refusal = check(&CIRCUITS, &batch.plan.nodes[0].expected(), &batch.proofs[3]).unwrap_err();
    assert!(matches!(refusal, Rejection::WrongLevel { .. }), "{refusal}");
    // A leaf proof relabelled a step: it does not verify against the step circuit.
    let mut relabelled = batch.proofs[2].clone();
    relabelled[0] = 0;
    let expected = Expected::Step(batch.plan.nodes[2].segment.clone());
    let refusal = check(&CIRCUITS, &expected, &relabelled).unwrap_err();
    assert!(matches!(refusal, Rejection::DoesNotVerify(_)), "{refusal}");
}

#[test]
fn a_step_over_the_children_in_the_wrong_order_is_refused() {
    let batch = &*BATCH;
    // Children swapped: the step circuit itself refuses to join them.
    let swapped = JobPayload::Step(StepJob {
        left: batch.proofs[1].clone(),
        right: batch.proofs[0].clone(),
    });
    assert!(prove(&CIRCUITS, 1, &swapped.encode()).is_err());
    // A step over the wrong pair (chunks 1 and 2) is a valid proof of another segment.
    let other = prove_payload(&JobPayload::Step(StepJob {
        left: batch.proofs[1].clone(),
        right: batch.proofs[2].clone(),
    }));
    let refusal = check(&CIRCUITS, &batch.plan.nodes[3].expected(), &other).unwrap_err();
    assert!(
        matches!(refusal, Rejection::WrongPublicInputs(_)),
        "{refusal}"
    );
}

#[test]
fn a_part_of_the_batch_in_the_top_place_is_refused() {
    let batch = &*BATCH;
    // The step over chunks 0 and 1 is a whole block, a whole batch of its own, but not the
    // sealed one: refused where the top proof is due.
    let top = &batch.plan.nodes[batch.plan.top];
    let refusal = check(&CIRCUITS, &top.expected(), &batch.proofs[3]).unwrap_err();
    assert!(
        matches!(refusal, Rejection::WrongPublicInputs(_)),
        "{refusal}"
    );
}

#[test]
fn malformed_payloads_are_errors() {
    for kind in JobKind::ALL {
        assert!(JobPayload::decode(kind, &[1, 2, 3]).is_err());
        assert!(prove(&CIRCUITS, kind.as_u8(), &[]).is_err());
    }
    assert!(matches!(
        prove(&CIRCUITS, 9, &[]),
        Err(ProverError::UnknownKind(9))
    ));
}
