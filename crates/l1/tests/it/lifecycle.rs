//! The whole life of two chains on one bridge: register, deposit, register a key, settle both
//! in one call (alpha's non-empty outbox joins the message root queue, beta's empty one does
//! not), finalize a withdrawal; and the watcher reporting all of it.

use hyperforge_l1::{L1Event, WithdrawalClaim};
use hyperforge_primitives::{
    Amount,
    bridge::{
        MESSAGE_QUEUE_SEED, OutboxEntry, OutboxTree, PRIORITY_SEED, PriorityOp,
        next_message_commitment, priority_commitment,
    },
};

use crate::harness::{ALPHA, BETA, Harness, chain, digest, fresh_address};

#[tokio::test]
async fn two_chains_register_deposit_settle_together_and_withdraw() {
    let harness = Harness::start().await;
    let user = harness.user(1);
    let l2_account = fresh_address(0x11);

    // Priority operations: a deposit to alpha; a key and a deposit on beta.
    user.deposit(chain(ALPHA), l2_account, Amount::from_ether(3).unwrap())
        .await
        .unwrap();
    user.register_key(chain(BETA), digest(7)).await.unwrap();
    user.deposit(chain(BETA), l2_account, Amount::from_gwei(2))
        .await
        .unwrap();
    let alpha_ops = [PriorityOp::Deposit {
        l1_sender: user.sender(),
        recipient: l2_account,
        amount: Amount::from_ether(3).unwrap(),
    }];
    let beta_ops = [
        PriorityOp::RegisterKey {
            account: user.sender(),
            pubkey_hash: digest(7),
        },
        PriorityOp::Deposit {
            l1_sender: user.sender(),
            recipient: l2_account,
            amount: Amount::from_gwei(2),
        },
    ];
    let alpha_after = priority_commitment(*PRIORITY_SEED, &alpha_ops);
    let beta_after = priority_commitment(*PRIORITY_SEED, &beta_ops);
    assert_eq!(
        harness
            .operator
            .priority_commitment(chain(ALPHA), 1)
            .await
            .unwrap(),
        alpha_after
    );
    assert_eq!(
        harness
            .operator
            .priority_commitment(chain(BETA), 2)
            .await
            .unwrap(),
        beta_after
    );

    // Alpha's first batch withdraws 1 ether to an L1 account and sends a message to beta.
    let l1_recipient = fresh_address(0x42);
    let claim = WithdrawalClaim {
        l2_sender: l2_account,
        l1_recipient,
        amount: Amount::from_ether(1).unwrap(),
    };
    let withdrawal = OutboxEntry::Withdrawal {
        sender: l2_account,
        l1_recipient,
        amount: claim.amount,
    };
    let message = OutboxEntry::Message(hyperforge_primitives::tx::Message {
        src_chain: chain(ALPHA),
        sender: l2_account,
        nonce: 0,
        dst_chain: chain(BETA),
        recipient: fresh_address(0x22),
        value: Amount::from_gwei(5),
        payload: b"hello beta".to_vec(),
    });
    let alpha_outbox = OutboxTree::from_entries([&message, &withdrawal]).unwrap();
    let beta_outbox = OutboxTree::new(vec![]).unwrap();
    let mut alpha_batch = Harness::first_batch(ALPHA, 1, alpha_after, &alpha_outbox);
    alpha_batch.value_out = Amount::from_gwei(5);
    let batches = [
        alpha_batch,
        Harness::first_batch(BETA, 2, beta_after, &beta_outbox),
    ];
    harness.settle(&batches).await.unwrap();

    for batch in &batches {
        let state = harness
            .operator
            .chain(batch.chain_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (state.state_root, state.batch_number, state.priority_head),
            (batch.new_state_root, 1, batch.priority_ops_count)
        );
        assert_eq!(
            harness
                .operator
                .outbox_root(batch.chain_id, 1)
                .await
                .unwrap(),
            batch.outbox_root
        );
    }
    // Only alpha's outbox holds anything to import.
    let m1 = next_message_commitment(*MESSAGE_QUEUE_SEED, alpha_outbox.root());
    assert_eq!(harness.operator.message_root_count().await.unwrap(), 1);
    assert_eq!(harness.operator.message_commitment(1).await.unwrap(), m1);
    assert_eq!(
        harness.operator.in_flight().await.unwrap(),
        Amount::from_gwei(5),
        "the message's value is in flight"
    );
    harness.assert_backed(&[ALPHA, BETA]).await;

    // Anyone may finalize; the recipient is paid once.
    let before = user.balance_of(l1_recipient).await.unwrap();
    let proof = alpha_outbox.proof(1).unwrap();
    user.finalize_withdrawal(chain(ALPHA), 1, &claim, &proof)
        .await
        .unwrap();
    assert_eq!(
        user.balance_of(l1_recipient).await.unwrap() - before,
        claim.amount.wei()
    );
    assert!(
        user.is_withdrawal_finalized(chain(ALPHA), 1, 1)
            .await
            .unwrap()
    );
    assert_eq!(
        harness.balance(ALPHA).await,
        Amount::from_gwei(2_000_000_000 - 5)
    );
    harness.assert_backed(&[ALPHA, BETA]).await;

    // The watcher saw all of it, in order, with the same commitments.
    let events = harness.events(0, 9).await;
    assert!(
        matches!(events[0], L1Event::ChainRegistered { chain_id, genesis_balance, .. }
            if chain_id == chain(ALPHA) && genesis_balance == Amount::ZERO)
    );
    assert_eq!(
        events[2],
        L1Event::PriorityOp {
            chain_id: chain(ALPHA),
            index: 0,
            op: alpha_ops[0].clone(),
            commitment: alpha_after
        }
    );
    assert_eq!(
        events[4],
        L1Event::PriorityOp {
            chain_id: chain(BETA),
            index: 1,
            op: beta_ops[1].clone(),
            commitment: beta_after
        }
    );
    assert_eq!(
        events[5],
        L1Event::BatchSettled {
            chain_id: chain(ALPHA),
            batch_number: 1,
            new_state_root: batches[0].new_state_root,
            outbox_root: alpha_outbox.root(),
            priority_head: 1,
            import_head: 0,
        }
    );
    assert_eq!(
        events[6],
        L1Event::MessageRootAppended {
            index: 0,
            chain_id: chain(ALPHA),
            batch_number: 1,
            outbox_root: alpha_outbox.root(),
            commitment: m1,
        }
    );
    assert!(matches!(
        events[7],
        L1Event::BatchSettled {
            batch_number: 1,
            priority_head: 2,
            import_head: 0,
            ..
        }
    ));
    assert!(matches!(
        events[8],
        L1Event::WithdrawalFinalized { leaf_index: 1, .. }
    ));
}
