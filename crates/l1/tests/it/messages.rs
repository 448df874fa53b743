//! The message root queue: every settled batch with a non-empty outbox appends its root, in
//! settlement order; a chain imports the queue in order from its import head, and the bridge
//! refuses any other claim (a forged root, more roots than are queued, its own root).

use hyperforge_l1::L1Event;
use hyperforge_primitives::{
    Amount,
    bridge::{
        MESSAGE_QUEUE_SEED, OutboxEntry, OutboxTree, message_commitment, next_message_commitment,
    },
};

use crate::harness::{ALPHA, BETA, Harness, chain, digest, empty_outbox, fresh_address, name};

/// An outbox with one withdrawal of `gwei` (nothing is finalized from it here).
fn outbox(gwei: u64) -> OutboxTree {
    OutboxTree::from_entries([&OutboxEntry::Withdrawal {
        sender: fresh_address(1),
        l1_recipient: fresh_address(2),
        amount: Amount::from_gwei(gwei),
    }])
    .unwrap()
}

#[tokio::test]
async fn non_empty_outbox_roots_join_the_queue_in_settlement_order_and_are_imported_in_order() {
    let harness = Harness::start().await;
    let operator = &harness.operator;
    let (alpha_outbox, beta_outbox) = (outbox(1), outbox(2));

    // Alpha's and beta's batch 1 in one settlement: beta may import the root alpha's batch
    // appended just before it, never its own.
    let alpha_1 = harness.next_batch(ALPHA, &alpha_outbox).await;
    let mut beta_1 = harness.next_batch(BETA, &beta_outbox).await;
    let m1 = next_message_commitment(*MESSAGE_QUEUE_SEED, alpha_outbox.root());
    let m2 = next_message_commitment(m1, beta_outbox.root());
    beta_1.imports_count = 1;
    beta_1.imports_commitment_after = m1;
    let settled = harness
        .settle(&[alpha_1.clone(), beta_1.clone()])
        .await
        .unwrap();

    assert_eq!(operator.message_root_count().await.unwrap(), 2);
    assert_eq!(
        operator.message_commitment(0).await.unwrap(),
        *MESSAGE_QUEUE_SEED
    );
    assert_eq!(operator.message_commitment(1).await.unwrap(), m1);
    assert_eq!(operator.message_commitment(2).await.unwrap(), m2);
    assert_eq!(
        message_commitment(
            *MESSAGE_QUEUE_SEED,
            &[alpha_outbox.root(), beta_outbox.root()]
        ),
        m2
    );
    let events = harness.events(settled.block_number, 4).await;
    assert_eq!(
        events,
        vec![
            L1Event::BatchSettled {
                chain_id: chain(ALPHA),
                batch_number: 1,
                new_state_root: alpha_1.new_state_root,
                outbox_root: alpha_outbox.root(),
                priority_head: 0,
                import_head: 0,
            },
            L1Event::MessageRootAppended {
                index: 0,
                chain_id: chain(ALPHA),
                batch_number: 1,
                outbox_root: alpha_outbox.root(),
                commitment: m1,
            },
            L1Event::BatchSettled {
                chain_id: chain(BETA),
                batch_number: 1,
                new_state_root: beta_1.new_state_root,
                outbox_root: beta_outbox.root(),
                priority_head: 0,
                import_head: 1,
            },
            L1Event::MessageRootAppended {
                index: 1,
                chain_id: chain(BETA),
                batch_number: 1,
                outbox_root: beta_outbox.root(),
                commitment: m2,
            },
        ]
    );

    // Alpha's batch 2 imports both (its own included: every chain imports the whole queue)
    // and, with an empty outbox, appends nothing.
    let alpha_2 = harness.next_batch(ALPHA, &empty_outbox()).await;
    assert_eq!(
        (
            alpha_2.imports_count,
            alpha_2.imports_commitment_before,
            alpha_2.imports_commitment_after
        ),
        (2, *MESSAGE_QUEUE_SEED, m2)
    );
    harness.settle(&[alpha_2]).await.unwrap();
    assert_eq!(operator.message_root_count().await.unwrap(), 2);
    let alpha = operator.chain(chain(ALPHA)).await.unwrap().unwrap();
    assert_eq!(alpha.import_head, 2);
    let beta = operator.chain(chain(BETA)).await.unwrap().unwrap();
    assert_eq!(beta.import_head, 1);

    // Beta's batch 2 starts from m_1, where its import head is.
    let beta_2 = harness.next_batch(BETA, &empty_outbox()).await;
    assert_eq!(
        (
            beta_2.imports_count,
            beta_2.imports_commitment_before,
            beta_2.imports_commitment_after
        ),
        (1, m1, m2)
    );
    harness.settle(&[beta_2]).await.unwrap();
}

#[tokio::test]
async fn importing_a_forged_message_root_is_imports_mismatch() {
    let harness = Harness::start().await;
    let alpha_1 = harness.next_batch(ALPHA, &outbox(1)).await;
    harness.settle(&[alpha_1]).await.unwrap();

    // Beta claims to import a root no batch produced.
    let honest = harness.next_batch(BETA, &empty_outbox()).await;
    assert_eq!(honest.imports_count, 1);
    let mut forged = honest.clone();
    forged.imports_commitment_after = next_message_commitment(*MESSAGE_QUEUE_SEED, digest(666));
    assert_eq!(
        name(harness.settle(std::slice::from_ref(&forged)).await),
        "ImportsMismatch"
    );
    // Nor may it skip the queue's order by claiming a commitment from another point.
    let mut skipped = honest.clone();
    skipped.imports_count = 0;
    assert_eq!(
        name(harness.settle(std::slice::from_ref(&skipped)).await),
        "ImportsMismatch"
    );
    harness.settle(&[honest]).await.unwrap();
}

#[tokio::test]
async fn importing_more_roots_than_are_queued_is_too_many_imports() {
    let harness = Harness::start().await;
    // A batch never imports its own root: it is appended after the batch's checks.
    let mut own = harness.next_batch(ALPHA, &outbox(1)).await;
    own.imports_count = 1;
    own.imports_commitment_after = next_message_commitment(*MESSAGE_QUEUE_SEED, outbox(1).root());
    assert_eq!(
        name(harness.settle(std::slice::from_ref(&own)).await),
        "TooManyImports"
    );
    own.imports_count = 0;
    own.imports_commitment_after = *MESSAGE_QUEUE_SEED;
    harness.settle(&[own]).await.unwrap();

    let mut greedy = harness.next_batch(BETA, &empty_outbox()).await;
    assert_eq!(greedy.imports_count, 1);
    greedy.imports_count = 2;
    assert_eq!(name(harness.settle(&[greedy]).await), "TooManyImports");
}
