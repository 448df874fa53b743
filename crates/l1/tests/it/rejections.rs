//! Every way the bridge refuses, each surfaced by the client with the custom error's name
//! (the message root queue's and the value accounting's refusals are in `messages` and
//! `backing`).

use alloy::primitives::{B256, U256};
use hyperforge_l1::{WithdrawalClaim, dev_proof};
use hyperforge_primitives::{
    Amount,
    bridge::{
        OutboxEntry, OutboxTree, PRIORITY_SEED, PriorityOp, StateCommitment, ZERO_DIGEST,
        priority_commitment,
    },
    merkle::{NULLIFIER_TREE_DEPTH, empty_root},
};

use crate::harness::{ALPHA, BETA, Harness, chain, digest, empty_outbox, fresh_address, name};

/// Settles alpha's (empty) batch 1.
async fn settle_first(harness: &Harness) -> hyperforge_primitives::bridge::BatchPublicInputs {
    let batch = Harness::empty_first_batch(ALPHA);
    harness
        .operator
        .settle(
            std::slice::from_ref(&batch),
            dev_proof(std::slice::from_ref(&batch), b""),
        )
        .await
        .unwrap();
    batch
}

#[tokio::test]
async fn settle_with_a_wrong_old_root_is_state_root_mismatch() {
    let harness = Harness::start().await;
    let mut batch = Harness::empty_first_batch(ALPHA);
    batch.old_state_root = digest(1);
    let proof = dev_proof(std::slice::from_ref(&batch), b"");
    assert_eq!(
        name(harness.operator.settle(&[batch], proof).await),
        "StateRootMismatch"
    );
}

#[tokio::test]
async fn settle_skipping_a_batch_number_is_batch_out_of_order() {
    let harness = Harness::start().await;
    let mut batch = Harness::empty_first_batch(ALPHA);
    batch.batch_number = 2;
    let proof = dev_proof(std::slice::from_ref(&batch), b"");
    assert_eq!(
        name(harness.operator.settle(&[batch], proof).await),
        "BatchOutOfOrder"
    );
}

#[tokio::test]
async fn settle_with_other_priority_ops_is_priority_ops_mismatch() {
    let harness = Harness::start().await;
    let user = harness.user(1);
    user.deposit(chain(ALPHA), fresh_address(1), Amount::from_gwei(10))
        .await
        .unwrap();
    // The batch claims a deposit of 11 gwei instead of 10.
    let claimed = PriorityOp::Deposit {
        l1_sender: user.sender(),
        recipient: fresh_address(1),
        amount: Amount::from_gwei(11),
    };
    let after = priority_commitment(*PRIORITY_SEED, [&claimed]);
    let batch = Harness::first_batch(ALPHA, 1, after, &empty_outbox());
    let proof = dev_proof(std::slice::from_ref(&batch), b"");
    assert_eq!(
        name(
            harness
                .operator
                .settle(std::slice::from_ref(&batch), proof)
                .await
        ),
        "PriorityOpsMismatch"
    );
    // Consuming more operations than were queued is refused too.
    let mut greedy = batch;
    greedy.priority_ops_count = 2;
    let proof = dev_proof(std::slice::from_ref(&greedy), b"");
    assert_eq!(
        name(harness.operator.settle(&[greedy], proof).await),
        "TooManyPriorityOps"
    );
}

#[tokio::test]
async fn replayed_settle_is_batch_already_settled() {
    let harness = Harness::start().await;
    let batch = settle_first(&harness).await;
    let proof = dev_proof(std::slice::from_ref(&batch), b"");
    assert_eq!(
        name(harness.operator.settle(&[batch], proof).await),
        "BatchAlreadySettled"
    );
}

#[tokio::test]
async fn settle_with_tampered_public_inputs_is_invalid_proof() {
    let harness = Harness::start().await;
    let batches = [
        Harness::empty_first_batch(ALPHA),
        Harness::empty_first_batch(BETA),
    ];
    let proof = dev_proof(&batches, b"");
    let mut tampered = batches.clone();
    tampered[1].new_state_root = digest(666);
    assert_eq!(
        name(harness.operator.settle(&tampered, proof.clone()).await),
        "InvalidProof"
    );
    tampered = batches.clone();
    tampered[0].outbox_root = digest(667);
    assert_eq!(
        name(harness.operator.settle(&tampered, proof.clone()).await),
        "InvalidProof"
    );
    tampered = batches.clone();
    tampered[1].pubdata_commitment = digest(668);
    assert_eq!(
        name(harness.operator.settle(&tampered, proof.clone()).await),
        "InvalidProof"
    );
    harness.operator.settle(&batches, proof).await.unwrap();
}

#[tokio::test]
async fn a_batch_from_a_state_with_a_reset_nullifier_tree_is_state_root_mismatch() {
    let harness = Harness::start().await;
    // Batch 1 leaves alpha with accounts and executed messages (a non-empty nullifier tree).
    let spent = StateCommitment {
        account_root: digest(30),
        nullifier_root: digest(31),
        next_account_index: 2,
        ..StateCommitment::empty()
    };
    let mut first = harness.next_batch(ALPHA, &empty_outbox()).await;
    first.new_state_root = spent.root();
    harness.settle(std::slice::from_ref(&first)).await.unwrap();

    // Batch 2 claims to start from the same state with an empty nullifier tree: replaying
    // executed messages would be possible from there, so the bridge refuses it.
    let reset = StateCommitment {
        nullifier_root: empty_root(NULLIFIER_TREE_DEPTH),
        ..spent
    };
    let mut second = harness.next_batch(ALPHA, &empty_outbox()).await;
    assert_eq!(second.old_state_root, spent.root());
    second.old_state_root = reset.root();
    assert_eq!(
        name(harness.settle(std::slice::from_ref(&second)).await),
        "StateRootMismatch"
    );
    second.old_state_root = spent.root();
    harness.settle(&[second]).await.unwrap();
}

#[tokio::test]
async fn settle_by_anyone_but_the_settler_is_not_settler() {
    let harness = Harness::start().await;
    let batch = Harness::empty_first_batch(ALPHA);
    let proof = dev_proof(std::slice::from_ref(&batch), b"");
    assert_eq!(
        name(harness.user(1).settle(&[batch], proof).await),
        "NotSettler"
    );
}

/// Alpha gets 1 ether and settles batch 1 whose outbox pays 0.25 ether to an L1 account.
async fn settle_a_withdrawal(harness: &Harness) -> (WithdrawalClaim, OutboxTree) {
    let user = harness.user(1);
    user.deposit(
        chain(ALPHA),
        fresh_address(1),
        Amount::from_ether(1).unwrap(),
    )
    .await
    .unwrap();
    let claim = WithdrawalClaim {
        l2_sender: fresh_address(1),
        l1_recipient: fresh_address(0x42),
        amount: Amount::from_gwei(250_000_000),
    };
    let entry = OutboxEntry::Withdrawal {
        sender: claim.l2_sender,
        l1_recipient: claim.l1_recipient,
        amount: claim.amount,
    };
    let outbox = OutboxTree::from_entries([&entry]).unwrap();
    let after = harness
        .operator
        .priority_commitment(chain(ALPHA), 1)
        .await
        .unwrap();
    let batch = Harness::first_batch(ALPHA, 1, after, &outbox);
    harness
        .operator
        .settle(
            std::slice::from_ref(&batch),
            dev_proof(std::slice::from_ref(&batch), b""),
        )
        .await
        .unwrap();
    (claim, outbox)
}

#[tokio::test]
async fn finalizing_a_withdrawal_twice_is_withdrawal_already_finalized() {
    let harness = Harness::start().await;
    let (claim, outbox) = settle_a_withdrawal(&harness).await;
    let proof = outbox.proof(0).unwrap();
    harness
        .user(2)
        .finalize_withdrawal(chain(ALPHA), 1, &claim, &proof)
        .await
        .unwrap();
    assert_eq!(
        name(
            harness
                .user(2)
                .finalize_withdrawal(chain(ALPHA), 1, &claim, &proof)
                .await
        ),
        "WithdrawalAlreadyFinalized"
    );
}

#[tokio::test]
async fn withdrawal_proof_for_a_batch_not_settled_is_batch_not_settled() {
    let harness = Harness::start().await;
    let (claim, outbox) = settle_a_withdrawal(&harness).await;
    let proof = outbox.proof(0).unwrap();
    assert_eq!(
        name(
            harness
                .user(2)
                .finalize_withdrawal(chain(ALPHA), 2, &claim, &proof)
                .await
        ),
        "BatchNotSettled"
    );
    assert_eq!(
        name(
            harness
                .user(2)
                .finalize_withdrawal(chain(BETA), 1, &claim, &proof)
                .await
        ),
        "BatchNotSettled"
    );
}

#[tokio::test]
async fn withdrawal_with_a_wrong_amount_is_invalid_withdrawal_proof() {
    let harness = Harness::start().await;
    let (mut claim, outbox) = settle_a_withdrawal(&harness).await;
    claim.amount = Amount::from_ether(1).unwrap();
    let proof = outbox.proof(0).unwrap();
    assert_eq!(
        name(
            harness
                .user(2)
                .finalize_withdrawal(chain(ALPHA), 1, &claim, &proof)
                .await
        ),
        "InvalidWithdrawalProof"
    );
}

#[tokio::test]
async fn withdrawal_proof_with_9_or_11_siblings_is_wrong_proof_length() {
    let harness = Harness::start().await;
    let (claim, outbox) = settle_a_withdrawal(&harness).await;
    let proof = outbox.proof(0).unwrap();
    let mut short = proof.clone();
    short.siblings.pop();
    let mut long = proof.clone();
    long.siblings.push(ZERO_DIGEST);
    for wrong in [short, long] {
        assert_eq!(
            name(
                harness
                    .user(2)
                    .finalize_withdrawal(chain(ALPHA), 1, &claim, &wrong)
                    .await
            ),
            "WrongProofLength",
            "{} siblings",
            wrong.siblings.len()
        );
    }
    harness
        .user(2)
        .finalize_withdrawal(chain(ALPHA), 1, &claim, &proof)
        .await
        .unwrap();
}

#[tokio::test]
async fn withdrawal_leaf_index_of_1024_or_more_is_leaf_index_out_of_range() {
    let harness = Harness::start().await;
    let (claim, outbox) = settle_a_withdrawal(&harness).await;
    let mut proof = outbox.proof(0).unwrap();
    proof.index = 1024;
    assert_eq!(
        name(
            harness
                .user(2)
                .finalize_withdrawal(chain(ALPHA), 1, &claim, &proof)
                .await
        ),
        "LeafIndexOutOfRange"
    );
}

#[tokio::test]
async fn deposit_not_in_whole_gwei_is_not_whole_gwei() {
    let harness = Harness::start().await;
    let wei = U256::from(1_000_000_001u64);
    assert_eq!(
        name(
            harness
                .user(1)
                .deposit_wei(chain(ALPHA), fresh_address(1), wei)
                .await
        ),
        "NotWholeGwei"
    );
    assert_eq!(
        name(
            harness
                .user(1)
                .deposit_wei(chain(ALPHA), fresh_address(1), U256::ZERO)
                .await
        ),
        "ZeroDeposit"
    );
}

#[tokio::test]
async fn calls_for_an_unregistered_chain_are_unknown_chain() {
    let harness = Harness::start().await;
    let user = harness.user(1);
    assert_eq!(
        name(
            user.deposit(chain(999), fresh_address(1), Amount::from_gwei(1))
                .await
        ),
        "UnknownChain"
    );
    assert_eq!(
        name(user.register_key(chain(999), digest(1)).await),
        "UnknownChain"
    );
    let mut batch = Harness::empty_first_batch(ALPHA);
    batch.chain_id = chain(999);
    let proof = dev_proof(std::slice::from_ref(&batch), b"");
    assert_eq!(
        name(harness.operator.settle(&[batch], proof).await),
        "UnknownChain"
    );
}

#[tokio::test]
async fn registration_rules_are_enforced_by_name() {
    let harness = Harness::start().await;
    let operator = &harness.operator;
    assert_eq!(
        name(
            operator
                .register_chain(chain(ALPHA), digest(1), operator.sender(), Amount::ZERO)
                .await
        ),
        "ChainAlreadyRegistered"
    );
    assert_eq!(
        name(
            harness
                .user(1)
                .register_chain(chain(272), digest(1), operator.sender(), Amount::ZERO)
                .await
        ),
        "NotOwner"
    );
    let mut non_canonical = [0xff; 32];
    non_canonical[..8].copy_from_slice(&[0; 8]);
    assert_eq!(
        name(
            harness
                .user(1)
                .register_key_raw(chain(ALPHA), B256::from(non_canonical))
                .await
        ),
        "NonCanonicalDigest"
    );
}

#[tokio::test]
async fn the_verifier_gets_the_settlement_commitment_of_the_batches_in_order() {
    let harness = Harness::start().await;
    // Three batches (two consecutive ones of alpha) pad the commitment's tree to four leaves.
    let alpha_1 = Harness::empty_first_batch(ALPHA);
    let beta_1 = Harness::empty_first_batch(BETA);
    let alpha_2 = hyperforge_primitives::bridge::BatchPublicInputs {
        batch_number: 2,
        old_state_root: alpha_1.new_state_root,
        new_state_root: digest(ALPHA * 1000 + 2),
        ..alpha_1.clone()
    };
    let batches = [alpha_1.clone(), beta_1.clone(), alpha_2.clone()];
    // A proof of the same batches in another order, or of fewer of them, binds another
    // commitment: the bridge refuses it.
    let swapped = dev_proof(&[beta_1, alpha_1.clone(), alpha_2], b"");
    assert_eq!(
        name(harness.operator.settle(&batches, swapped).await),
        "InvalidProof"
    );
    let fewer = dev_proof(&batches[..2], b"");
    assert_eq!(
        name(harness.operator.settle(&batches, fewer).await),
        "InvalidProof"
    );
    harness
        .operator
        .settle(&batches, dev_proof(&batches, b""))
        .await
        .unwrap();
}
