//! The whole life of two chains on one bridge: register, deposit, register a key, settle both
//! in one call, finalize a withdrawal; and the watcher reporting all of it.

use futures::StreamExt;
use hyperforge_l1::{L1Event, L1Watcher, WatcherConfig, WithdrawalClaim, dev_proof};
use hyperforge_primitives::{
    Amount,
    bridge::{OutboxEntry, OutboxTree, PriorityOp, ZERO_DIGEST, message_root, priority_commitment},
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
    let alpha_after = priority_commitment(ZERO_DIGEST, &alpha_ops);
    let beta_after = priority_commitment(ZERO_DIGEST, &beta_ops);
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
        dst_chain: chain(BETA),
        recipient: fresh_address(0x22),
        value: Amount::from_gwei(5),
        payload: b"hello beta".to_vec(),
    });
    let alpha_outbox = OutboxTree::from_entries([&message, &withdrawal]).unwrap();
    let beta_outbox = OutboxTree::new(vec![]).unwrap();
    let batches = [
        Harness::first_batch(ALPHA, 1, ZERO_DIGEST, alpha_after, &alpha_outbox),
        Harness::first_batch(BETA, 2, ZERO_DIGEST, beta_after, &beta_outbox),
    ];
    harness
        .operator
        .settle(&batches, dev_proof(&batches, b"aggregated proof"))
        .await
        .unwrap();

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
    let root = message_root(&[alpha_outbox.root(), beta_outbox.root()]);
    assert!(
        harness
            .operator
            .message_root_block(root)
            .await
            .unwrap()
            .is_some(),
        "the message root is recorded"
    );

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
    let alpha = harness.operator.chain(chain(ALPHA)).await.unwrap().unwrap();
    assert_eq!(alpha.balance, Amount::from_ether(2).unwrap());

    // The watcher saw all of it, in order, with the same commitments.
    let mut config = WatcherConfig::new(harness.operator.address());
    config.confirmations = 0;
    let watcher = L1Watcher::new(harness.operator.provider().clone(), config);
    let events: Vec<L1Event> = watcher
        .into_stream()
        .take(9)
        .map(|event| event.unwrap().event)
        .collect()
        .await;
    assert!(
        matches!(events[0], L1Event::ChainRegistered { chain_id, .. } if chain_id == chain(ALPHA))
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
    assert!(matches!(
        events[5],
        L1Event::BatchSettled {
            batch_number: 1,
            ..
        }
    ));
    assert!(matches!(
        events[6],
        L1Event::BatchSettled {
            batch_number: 1,
            ..
        }
    ));
    assert_eq!(
        events[7],
        L1Event::MessageRootUpdated {
            message_root: root,
            batch_count: 2
        }
    );
    assert!(matches!(
        events[8],
        L1Event::WithdrawalFinalized { leaf_index: 1, .. }
    ));
}
