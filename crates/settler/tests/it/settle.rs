//! Two chains settle in one `settle`; a final proof that does not verify, or that states
//! another settlement, is never sent.

use std::sync::Arc;

use alloy::providers::Provider;
use hyperforge_circuits::CircuitError;
use hyperforge_circuits::recursion::{BatchProof, FinalProof};
use hyperforge_primitives::bridge::settlement_commitment;
use hyperforge_settler::{Aggregator, BatchRef, RoundOutcome, SettlerError};

use crate::fixtures::{ALPHA, ALPHA_CHAIN, BETA, BETA_CHAIN, chain, final_proof_of};
use crate::harness::{Harness, metric, settled, source};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_chains_with_a_proven_batch_each_settle_in_one_settle_transaction() {
    let harness = Harness::start().await;
    harness.alpha().await;
    harness.register(BETA, BETA_CHAIN.genesis_root).await;
    let (a1, b1) = (&ALPHA_CHAIN.batches[0], &BETA_CHAIN.batches[0]);
    let settler = harness.settler(vec![source(ALPHA, &[(1, a1)]), source(BETA, &[(1, b1)])]);

    let report = settler.round().await.unwrap();
    assert!(report.refusals.is_empty(), "{:?}", report.refusals);
    let settlement = settled(&report);
    assert_eq!(
        settlement.batches,
        [
            BatchRef {
                chain_id: chain(ALPHA),
                batch_number: 1
            },
            BatchRef {
                chain_id: chain(BETA),
                batch_number: 1
            }
        ]
    );
    for (id, batch) in [(ALPHA, a1), (BETA, b1)] {
        let state = harness.state(id).await;
        assert_eq!(state.batch_number, 1);
        assert_eq!(state.state_root, batch.inputs.new_state_root, "chain {id}");
        assert_eq!(
            harness.operator.outbox_root(chain(id), 1).await.unwrap(),
            batch.inputs.outbox_root
        );
    }
    assert_eq!(harness.state(ALPHA).await.priority_head, 1, "the deposit");

    // The final proof travels in the calldata, for anyone to re-check.
    let tx = harness
        .operator
        .provider()
        .get_transaction_by_hash(settlement.outcome.hash)
        .await
        .unwrap()
        .unwrap();
    let calldata = alloy::consensus::Transaction::input(&tx).to_vec();
    let proof = final_proof_of(&[a1, b1]).to_bytes();
    assert!(
        calldata.windows(proof.len()).any(|window| window == proof),
        "the calldata carries the final proof"
    );

    assert_eq!(metric(&settler, "settlements_sent_total"), Some(1));
    assert_eq!(
        metric(&settler, "batches_settled_total{chain=\"270\"}"),
        Some(1)
    );
    assert_eq!(
        metric(&settler, "batches_settled_total{chain=\"271\"}"),
        Some(1)
    );
    assert_eq!(
        metric(&settler, "gas_used_total"),
        Some(settlement.outcome.gas_used)
    );
    assert!(
        settler
            .metrics()
            .render()
            .contains("hyperforge_settler_aggregation_seconds_count 1")
    );

    // Nothing more is proven: the next round settles nothing.
    assert_eq!(settler.round().await.unwrap().outcome, RoundOutcome::Idle);
}

/// An aggregator that answers every request with the same proof.
struct Fixed(FinalProof);

impl Aggregator for Fixed {
    fn aggregate(&self, _: &[BatchProof]) -> Result<FinalProof, CircuitError> {
        Ok(self.0.clone())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_final_proof_of_another_settlement_or_that_does_not_verify_is_never_sent() {
    let harness = Harness::start().await;
    harness.register(BETA, BETA_CHAIN.genesis_root).await;
    let (b1, b2) = (&BETA_CHAIN.batches[0], &BETA_CHAIN.batches[1]);
    let other = final_proof_of(&[b2]);

    // A real proof, of another settlement.
    let settler = harness
        .settler(vec![source(BETA, &[(1, b1)])])
        .with_aggregator(Arc::new(Fixed(other.clone())));
    let error = settler.round().await.unwrap_err();
    assert!(
        matches!(&error, SettlerError::FinalProofRefused { problem, .. } if problem.contains("another settlement commitment")),
        "{error}"
    );

    // The same proof claiming beta batch 1's commitment: it no longer verifies.
    let mut lying = other;
    lying.0.public_inputs = settlement_commitment(std::slice::from_ref(&b1.inputs))
        .elements
        .to_vec();
    let settler = harness
        .settler(vec![source(BETA, &[(1, b1)])])
        .with_aggregator(Arc::new(Fixed(lying)));
    let error = settler.round().await.unwrap_err();
    assert!(
        matches!(&error, SettlerError::FinalProofRefused { problem, .. } if problem.contains("does not verify")),
        "{error}"
    );
    assert_eq!(
        harness.state(BETA).await.batch_number,
        0,
        "nothing was sent"
    );
    assert_eq!(metric(&settler, "settlements_sent_total"), Some(0));
}
