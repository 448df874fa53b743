//! Every gwei on the bridge backs a balance: the genesis backing of a registration, deposits,
//! value carried by messages between chains (in flight from the settlement of the sending
//! batch until that of the batch that brings it in) and withdrawals. After every step the
//! bridge's ETH is the sum of the chains' balances plus the value in flight.

use alloy::{
    primitives::U256,
    providers::{Provider, ext::AnvilApi},
};
use hyperforge_l1::{L1Event, WithdrawalClaim};
use hyperforge_primitives::{
    Amount,
    bridge::{MESSAGE_QUEUE_SEED, OutboxEntry, OutboxTree, next_message_commitment},
    tx::Message,
};

use crate::harness::{
    ALPHA, BETA, Harness, chain, digest, empty_outbox, fresh_address, genesis, name,
};

const GAMMA: u64 = 272;

fn ether(n: u64) -> Amount {
    Amount::from_ether(n).unwrap()
}

#[tokio::test]
async fn registering_a_chain_with_a_genesis_backing_makes_it_the_chain_balance() {
    let harness = Harness::start().await;
    let operator = &harness.operator;
    let registered = operator
        .register_chain(chain(GAMMA), genesis(GAMMA), operator.sender(), ether(3))
        .await
        .unwrap();
    assert_eq!(harness.balance(GAMMA).await, ether(3));
    harness.assert_backed(&[ALPHA, BETA, GAMMA]).await;
    assert_eq!(
        harness.events(registered.block_number, 1).await,
        vec![L1Event::ChainRegistered {
            chain_id: chain(GAMMA),
            genesis_root: genesis(GAMMA),
            admin: operator.sender(),
            genesis_balance: ether(3),
        }]
    );

    // The genesis balances are withdrawable without any deposit.
    let claim = WithdrawalClaim {
        l2_sender: fresh_address(1),
        l1_recipient: fresh_address(0x42),
        amount: ether(1),
    };
    let outbox = OutboxTree::from_entries([&OutboxEntry::Withdrawal {
        sender: claim.l2_sender,
        l1_recipient: claim.l1_recipient,
        amount: claim.amount,
    }])
    .unwrap();
    let batch = harness.next_batch(GAMMA, &outbox).await;
    harness.settle(&[batch]).await.unwrap();
    operator
        .finalize_withdrawal(chain(GAMMA), 1, &claim, &outbox.proof(0).unwrap())
        .await
        .unwrap();
    assert_eq!(
        operator.balance_of(claim.l1_recipient).await.unwrap(),
        claim.amount.wei()
    );
    assert_eq!(harness.balance(GAMMA).await, ether(2));
    harness.assert_backed(&[ALPHA, BETA, GAMMA]).await;
}

#[tokio::test]
async fn registering_a_chain_with_a_backing_not_in_whole_gwei_is_not_whole_gwei() {
    let harness = Harness::start().await;
    let operator = &harness.operator;
    assert_eq!(
        name(
            operator
                .register_chain_wei(
                    chain(GAMMA),
                    genesis(GAMMA),
                    operator.sender(),
                    U256::from(1_500_000_000u64)
                )
                .await
        ),
        "NotWholeGwei"
    );
    assert!(operator.chain(chain(GAMMA)).await.unwrap().is_none());
}

/// What alpha sends beta in the tests below: 0.5 ether.
const SENT_GWEI: u64 = 500_000_000;

/// Alpha is funded with 2 ether, then its batch 1 sends 0.5 ether to beta in a message.
/// Returns alpha's outbox.
async fn alpha_sends_to_beta(harness: &Harness) -> OutboxTree {
    let user = harness.user(1);
    user.deposit(chain(ALPHA), fresh_address(1), ether(2))
        .await
        .unwrap();
    harness.assert_backed(&[ALPHA, BETA]).await;
    let message = OutboxEntry::Message(Message {
        src_chain: chain(ALPHA),
        sender: fresh_address(1),
        nonce: 0,
        dst_chain: chain(BETA),
        recipient: fresh_address(2),
        value: Amount::from_gwei(SENT_GWEI),
        payload: b"for beta".to_vec(),
    });
    let outbox = OutboxTree::from_entries([&message]).unwrap();
    let mut batch = harness.next_batch(ALPHA, &outbox).await;
    batch.value_out = Amount::from_gwei(SENT_GWEI);
    harness.settle(&[batch]).await.unwrap();
    outbox
}

/// Beta's batch 1 imports alpha's root and brings the 0.5 ether in; its outbox withdraws
/// `withdrawals` to L1 (all from fresh_address(2), to fresh_address(0x40 + i)).
async fn beta_receives(
    harness: &Harness,
    withdrawals: &[Amount],
) -> (Vec<WithdrawalClaim>, OutboxTree) {
    let claims: Vec<WithdrawalClaim> = withdrawals
        .iter()
        .zip(0u8..)
        .map(|(amount, i)| WithdrawalClaim {
            l2_sender: fresh_address(2),
            l1_recipient: fresh_address(0x40 + i),
            amount: *amount,
        })
        .collect();
    let entries: Vec<OutboxEntry> = claims
        .iter()
        .map(|claim| OutboxEntry::Withdrawal {
            sender: claim.l2_sender,
            l1_recipient: claim.l1_recipient,
            amount: claim.amount,
        })
        .collect();
    let outbox = OutboxTree::from_entries(&entries).unwrap();
    let mut batch = harness.next_batch(BETA, &outbox).await;
    batch.value_in = Amount::from_gwei(SENT_GWEI);
    harness.settle(&[batch]).await.unwrap();
    (claims, outbox)
}

#[tokio::test]
async fn value_moves_with_messages_from_chain_to_chain_and_out_to_l1() {
    let harness = Harness::start().await;
    let operator = &harness.operator;
    let sent = Amount::from_gwei(SENT_GWEI);

    // Alpha sends: its balance goes down, the value is in flight, its root is queued.
    let start = harness.block_number().await + 1;
    let alpha_outbox = alpha_sends_to_beta(&harness).await;
    let m1 = next_message_commitment(*MESSAGE_QUEUE_SEED, alpha_outbox.root());
    assert_eq!(
        harness.balance(ALPHA).await,
        Amount::from_gwei(1_500_000_000)
    );
    assert_eq!(operator.in_flight().await.unwrap(), sent);
    assert_eq!(harness.balance(BETA).await, Amount::ZERO);
    harness.assert_backed(&[ALPHA, BETA]).await;
    let events = harness.events(start, 3).await;
    assert_eq!(
        events[2],
        L1Event::MessageRootAppended {
            index: 0,
            chain_id: chain(ALPHA),
            batch_number: 1,
            outbox_root: alpha_outbox.root(),
            commitment: m1,
        }
    );
    assert_eq!(operator.message_commitment(1).await.unwrap(), m1);

    // Beta imports alpha's root and brings the value in.
    let (claims, beta_outbox) = beta_receives(&harness, &[sent]).await;
    let beta = operator.chain(chain(BETA)).await.unwrap().unwrap();
    assert_eq!((beta.import_head, beta.balance), (1, sent));
    assert_eq!(operator.in_flight().await.unwrap(), Amount::ZERO);
    harness.assert_backed(&[ALPHA, BETA]).await;

    // The recipient on beta withdraws it to L1, from beta's balance.
    let recipient = claims[0].l1_recipient;
    operator
        .finalize_withdrawal(chain(BETA), 1, &claims[0], &beta_outbox.proof(0).unwrap())
        .await
        .unwrap();
    assert_eq!(operator.balance_of(recipient).await.unwrap(), sent.wei());
    assert_eq!(harness.balance(BETA).await, Amount::ZERO);
    assert_eq!(
        harness.balance(ALPHA).await,
        Amount::from_gwei(1_500_000_000)
    );
    harness.assert_backed(&[ALPHA, BETA]).await;
}

#[tokio::test]
async fn value_in_beyond_the_value_in_flight_is_insufficient_in_flight() {
    let harness = Harness::start().await;
    alpha_sends_to_beta(&harness).await;
    let mut batch = harness.next_batch(BETA, &empty_outbox()).await;
    batch.value_in = Amount::from_gwei(SENT_GWEI + 1);
    assert_eq!(
        name(harness.settle(std::slice::from_ref(&batch)).await),
        "InsufficientInFlight"
    );
    // Nothing in flight at all: a chain cannot mint value by claiming it received some.
    let mut alpha = harness.next_batch(ALPHA, &empty_outbox()).await;
    alpha.value_in = Amount::from_gwei(1);
    batch.value_in = Amount::from_gwei(SENT_GWEI);
    assert_eq!(
        name(harness.settle(&[batch, alpha]).await),
        "InsufficientInFlight"
    );
}

#[tokio::test]
async fn value_out_beyond_the_chain_balance_is_insufficient_chain_balance() {
    let harness = Harness::start().await;
    harness
        .user(1)
        .deposit(chain(ALPHA), fresh_address(1), ether(2))
        .await
        .unwrap();
    let mut batch = harness.next_batch(ALPHA, &empty_outbox()).await;
    batch.value_out = Amount::from_gwei(2_000_000_001);
    assert_eq!(
        name(harness.settle(std::slice::from_ref(&batch)).await),
        "InsufficientChainBalance"
    );
    // Beta holds nothing: it cannot send alpha's deposits.
    let mut beta = harness.next_batch(BETA, &empty_outbox()).await;
    beta.value_out = Amount::from_gwei(1);
    assert_eq!(
        name(harness.settle(&[beta]).await),
        "InsufficientChainBalance"
    );
    batch.value_out = ether(2);
    harness.settle(&[batch]).await.unwrap();
    assert_eq!(harness.balance(ALPHA).await, Amount::ZERO);
    assert_eq!(harness.operator.in_flight().await.unwrap(), ether(2));
    harness.assert_backed(&[ALPHA, BETA]).await;
}

#[tokio::test]
async fn a_withdrawal_beyond_the_chain_backing_is_insufficient_chain_balance() {
    let harness = Harness::start().await;
    alpha_sends_to_beta(&harness).await;
    // Beta's outbox pays out 1 gwei more than it ever received.
    let (claims, outbox) = beta_receives(
        &harness,
        &[Amount::from_gwei(SENT_GWEI), Amount::from_gwei(1)],
    )
    .await;
    let operator = &harness.operator;
    operator
        .finalize_withdrawal(chain(BETA), 1, &claims[0], &outbox.proof(0).unwrap())
        .await
        .unwrap();
    assert_eq!(
        name(
            operator
                .finalize_withdrawal(chain(BETA), 1, &claims[1], &outbox.proof(1).unwrap())
                .await
        ),
        "InsufficientChainBalance"
    );
    harness.assert_backed(&[ALPHA, BETA]).await;
}

#[tokio::test]
async fn value_overflowing_the_value_in_flight_or_a_chain_balance_is_refused_by_name() {
    let harness = Harness::start().await;
    let user = harness.user(1);
    // 2^63 gwei each, more ETH than exists but not more than anvil can hand out.
    let half = Amount::from_gwei(1 << 63);
    harness
        .operator
        .provider()
        .anvil_set_balance(user.sender(), U256::from(1u8) << 100)
        .await
        .unwrap();
    for id in [ALPHA, BETA] {
        user.deposit(chain(id), fresh_address(1), half)
            .await
            .unwrap();
    }
    let mut alpha = harness
        .next_batch(ALPHA, &OutboxTree::new(vec![digest(1)]).unwrap())
        .await;
    alpha.value_out = half;
    let mut beta = harness
        .next_batch(BETA, &OutboxTree::new(vec![digest(2)]).unwrap())
        .await;
    beta.value_out = half;
    assert_eq!(
        name(harness.settle(&[alpha.clone(), beta]).await),
        "InFlightOverflow"
    );

    // 2^63 in flight, then alpha gets 2^63 more and brings the 2^63 in.
    harness.settle(&[alpha]).await.unwrap();
    user.deposit(chain(ALPHA), fresh_address(1), half)
        .await
        .unwrap();
    let mut again = harness.next_batch(ALPHA, &empty_outbox()).await;
    again.value_in = half;
    assert_eq!(name(harness.settle(&[again]).await), "ChainBalanceOverflow");
    harness.assert_backed(&[ALPHA, BETA]).await;
    assert!(
        harness
            .operator
            .provider()
            .get_balance(harness.operator.address())
            .await
            .unwrap()
            > U256::from(u64::MAX) * U256::from(1_000_000_000u64),
        "the bridge holds more than u64::MAX gwei in all"
    );
}
