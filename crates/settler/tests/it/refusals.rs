//! Each bad input of the issue is refused before aggregation, with the chain and the check
//! named, while beta (at its batch 2) settles in the same round; the bad chain's state on
//! the bridge does not move.

use hyperforge_primitives::{
    Amount, ChainId,
    bridge::{BatchPublicInputs, F, MESSAGE_QUEUE_SEED, PRIORITY_SEED, hash_no_pad},
};
use hyperforge_settler::{BatchRef, Check, MemoryBatches};
use plonky2::field::types::Field;
use std::sync::Arc;

use crate::fixtures::{
    ALPHA, ALPHA_CHAIN, BETA, BETA_CHAIN, DEPOSIT_GWEI, GAMMA, GAMMA_CHAIN, chain,
};
use crate::harness::{Harness, metric, only_refusal, settled, source};

/// Runs one round with `bad` first and beta's batch 2 second; returns the refusal after
/// checking that beta settled alone and `bad`'s chain did not move.
async fn refused_while_beta_settles(harness: &Harness, bad: Arc<MemoryBatches>) -> (Check, String) {
    use hyperforge_settler::ProvenBatches;
    harness.beta_at_batch_2().await;
    let bad_chain: ChainId = bad.chain_id();
    let before = harness.operator.chain(bad_chain).await.unwrap().unwrap();
    let settler = harness.settler(vec![bad, source(BETA, &[(2, &BETA_CHAIN.batches[1])])]);
    let report = settler.round().await.unwrap();
    assert_eq!(
        settled(&report).batches,
        [BatchRef {
            chain_id: chain(BETA),
            batch_number: 2
        }],
        "the other chain settles"
    );
    let refusal = only_refusal(&report);
    assert_eq!(
        refusal.batch,
        BatchRef {
            chain_id: bad_chain,
            batch_number: 1
        }
    );
    assert_eq!(
        metric(
            &settler,
            &format!(
                "batches_refused_total{{chain=\"{}\",check=\"{}\"}}",
                bad_chain,
                refusal.check.name()
            )
        ),
        Some(1)
    );
    let after = harness.operator.chain(bad_chain).await.unwrap().unwrap();
    assert_eq!(before, after, "the refused chain did not move");
    (refusal.check, refusal.detail.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_proof_that_does_not_verify_is_refused() {
    let harness = Harness::start().await;
    harness.alpha().await;
    let mut batch = ALPHA_CHAIN.batches[0].clone();
    let middle = batch.proof.len() / 2;
    batch.proof[middle] ^= 0x01;
    let (check, _) = refused_while_beta_settles(&harness, source(ALPHA, &[(1, &batch)])).await;
    assert_eq!(check, Check::BatchProof);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_public_inputs_the_proof_does_not_state_are_refused() {
    let harness = Harness::start().await;
    harness.alpha().await;
    // A sequencer claiming another new root than its (valid) proof.
    let mut batch = ALPHA_CHAIN.batches[0].clone();
    batch.inputs.new_state_root = hash_no_pad(&[F::from_canonical_u64(7)]);
    let (check, _) = refused_while_beta_settles(&harness, source(ALPHA, &[(1, &batch)])).await;
    assert_eq!(check, Check::PublicInputs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_from_another_state_root_than_the_bridges_is_refused() {
    let harness = Harness::start().await;
    // Alpha registered with another genesis root than its batches start from.
    harness
        .register(ALPHA, hash_no_pad(&[F::from_canonical_u64(270_000)]))
        .await;
    harness.deposit_alpha(DEPOSIT_GWEI).await;
    let (check, detail) =
        refused_while_beta_settles(&harness, source(ALPHA, &[(1, &ALPHA_CHAIN.batches[0])])).await;
    assert_eq!(check, Check::OldStateRoot, "{detail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_out_of_order_is_refused() {
    let harness = Harness::start().await;
    harness.alpha().await;
    // Asked for batch 1, the source serves (the valid proof of) batch 2.
    let (check, detail) =
        refused_while_beta_settles(&harness, source(ALPHA, &[(1, &ALPHA_CHAIN.batches[1])])).await;
    assert_eq!(check, Check::BatchNumber);
    assert!(
        detail.contains("number 2, the bridge's next is 1"),
        "{detail}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_priority_commitment_disagrees_with_the_bridges_queue_is_refused() {
    let harness = Harness::start().await;
    harness.register(ALPHA, ALPHA_CHAIN.genesis_root).await;
    // The bridge queued a deposit of another amount than the one the batch consumed.
    harness.deposit_alpha(DEPOSIT_GWEI + 1).await;
    let (check, _) =
        refused_while_beta_settles(&harness, source(ALPHA, &[(1, &ALPHA_CHAIN.batches[0])])).await;
    assert_eq!(check, Check::PriorityAfter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_imports_commitment_disagrees_with_the_message_root_queue_is_refused() {
    let harness = Harness::start().await;
    harness.register(GAMMA, GAMMA_CHAIN.genesis_root).await;
    // Another chain's settled batch puts a root into the queue; gamma imported another.
    let delta = 273;
    let genesis = hash_no_pad(&[F::from_canonical_u64(273_000)]);
    harness.register(delta, genesis).await;
    let queued = BatchPublicInputs {
        chain_id: chain(delta),
        batch_number: 1,
        old_state_root: genesis,
        new_state_root: hash_no_pad(&[F::from_canonical_u64(273_001)]),
        priority_ops_count: 0,
        priority_commitment_before: *PRIORITY_SEED,
        priority_commitment_after: *PRIORITY_SEED,
        imports_count: 0,
        imports_commitment_before: *MESSAGE_QUEUE_SEED,
        imports_commitment_after: *MESSAGE_QUEUE_SEED,
        outbox_root: hash_no_pad(&[F::from_canonical_u64(273_002)]),
        value_out: Amount::ZERO,
        value_in: Amount::ZERO,
        pubdata_commitment: hash_no_pad(&[F::from_canonical_u64(273_003)]),
    };
    harness.settle_elsewhere(&[queued]).await;
    assert_eq!(harness.operator.message_root_count().await.unwrap(), 1);
    let (check, _) =
        refused_while_beta_settles(&harness, source(GAMMA, &[(1, &GAMMA_CHAIN.batches[0])])).await;
    assert_eq!(check, Check::ImportsAfter);
}
