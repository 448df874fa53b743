//! Chunk circuit tests: consistency with natively executed blocks, and soundness: each lie
//! fails to prove or to verify, and each test names the constraint that catches it.

use std::sync::LazyLock;

use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::{PRIORITY_SEED, ZERO_DIGEST, hash_no_pad, priority_commitment};
use hyperforge_primitives::tx::{PriorityOp, SignedTx};
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use hyperforge_primitives::{Address, Amount, ChainId};
use plonky2::field::types::Field;

use super::*;
use crate::test_utils::{TestChain, sign_with, test_address, test_key, transfer, withdraw};
use hyperforge_primitives::bridge::OutboxTree;

/// One priority slot and one transaction slot: every soundness test.
static ONE: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        priority_slots: 1,
        tx_slots: 1,
    })
});
/// Two priority slots and four transaction slots: consistency over whole blocks.
static FOUR: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        priority_slots: 2,
        tx_slots: 4,
    })
});

fn chain_id() -> ChainId {
    ChainId::new(270).unwrap()
}

/// Proves and verifies; the public inputs of a proof that passed both.
fn prove(
    circuit: &ChunkCircuit,
    start: &ChunkState,
    slots: &[ExpandedSlot],
) -> Result<ChunkPublicInputs, CircuitError> {
    let proof = circuit.prove(start, slots)?;
    circuit.verify(&proof)?;
    proof.public_inputs()
}

/// Executes `txs` as one block of `chain`; the chunk start and the expanded slots.
fn execute(chain: &mut TestChain, txs: &[SignedTx]) -> (ChunkState, Vec<ExpandedSlot>) {
    let block = chain.block(txs).unwrap();
    let start = ChunkState::block_start(chain.chain_id, block.witness.state_before);
    (start, block.witness.expand().unwrap())
}

#[test]
fn chunks_of_native_blocks_expose_the_native_roots_and_slots_hash() {
    // Account 0: 1000 gwei, 1: 50, 2: 7. Block 1: an existing recipient, a fresh one, a
    // self-transfer, then padding. Block 2: a run of one sender's nonces and a credit to the
    // account block 1 opened.
    let mut chain = TestChain::new(chain_id(), &[1000, 50, 7]);
    let fresh = Address::repeat_byte(0xaa);
    let blocks = [
        vec![
            transfer(chain_id(), 0, 0, test_address(1), 100),
            transfer(chain_id(), 1, 0, fresh, 30),
            transfer(chain_id(), 2, 0, test_address(2), 7),
        ],
        vec![
            transfer(chain_id(), 0, 1, test_address(2), 1),
            transfer(chain_id(), 0, 2, fresh, 2),
            transfer(chain_id(), 0, 3, test_address(0), 0),
            transfer(chain_id(), 1, 1, test_address(0), 120),
        ],
    ];
    for txs in &blocks {
        let block = chain.block(txs).unwrap();
        let start = ChunkState::block_start(chain.chain_id, block.witness.state_before);
        let slots = block.witness.expand().unwrap();
        let after = start.after(&slots).unwrap();
        let proof = FOUR.prove(&start, &slots).unwrap();
        FOUR.verify(&proof).unwrap();
        let public = proof.public_inputs().unwrap();
        assert_eq!(
            public,
            ChunkPublicInputs::new(&start, &after, 0, 0).unwrap()
        );
        assert_eq!(public.state_root_before, block.witness.state_before.root());
        assert_eq!(
            public.state_root_after,
            chain.state.root(),
            "the native state root"
        );
        assert_eq!(
            public.slots_hash_after, block.slots_hash,
            "the header's slots hash"
        );
        assert_eq!(public.to_elements(), proof.0.public_inputs);

        let bytes = proof.to_bytes();
        let decoded = ChunkProof::from_bytes(bytes, &FOUR).unwrap();
        FOUR.verify(&decoded).unwrap();
    }
    assert_eq!(chain.state.next_account_index, 4, "one account opened");
    let opened = chain.account(3).unwrap();
    assert_eq!((opened.address, opened.balance.gwei()), (fresh, 32));
}

#[test]
fn an_empty_chunk_changes_nothing() {
    let chain = TestChain::new(chain_id(), &[5]);
    let start = ChunkState::block_start(chain_id(), chain.state);
    let public = prove(&ONE, &start, &[]).unwrap();
    assert_eq!(
        public,
        ChunkPublicInputs::new(&start, &start, 0, 0).unwrap()
    );
}

#[test]
fn the_witness_api_refuses_what_it_cannot_prove() {
    let mut chain = TestChain::new(chain_id(), &[1000, 0]);
    let tx = transfer(chain_id(), 0, 0, test_address(1), 1);
    let second = transfer(chain_id(), 0, 1, test_address(1), 1);
    let (start, slots) = execute(&mut chain, &[tx.clone(), second]);
    assert!(matches!(
        ONE.witness(&start, &slots),
        Err(CircuitError::TooManySlots {
            capacity: 2,
            got: 2
        })
    ));
    let mut import = slots[0].clone();
    import.op = SlotOp::Import(ZERO_DIGEST);
    assert!(matches!(
        ONE.witness(&start, &[import]),
        Err(CircuitError::UnsupportedSlot { slot: 0, .. })
    ));
    let mut garbled = slots[0].clone();
    let mut bad_key = tx;
    bad_key.pubkey = [0xff; 40];
    garbled.op = SlotOp::Tx(Box::new(bad_key));
    assert!(matches!(
        ONE.witness(&start, &[garbled]),
        Err(CircuitError::Decode { slot: 0, .. })
    ));
}

#[test]
fn a_signed_transfer_slot_stays_within_600_rows() {
    let (one, _) = count_rows(ChunkShape::transfers(1));
    let (two, parts) = count_rows(ChunkShape::transfers(2));
    let marginal = two - one;
    assert!(marginal <= 600, "{marginal} rows per signed transfer");
    let by_parts: usize = parts.0.iter().map(|(_, rows)| rows).sum();
    assert!(by_parts <= 600, "{parts:?}");
    let (with_priority, _) = count_rows(ChunkShape {
        priority_slots: 1,
        tx_slots: 1,
    });
    assert!(
        with_priority - one <= 100,
        "{} rows per priority slot",
        with_priority - one
    );
}

// Soundness: one honest transfer (account 0 sends 100 of its 1000 gwei to account 1, which
// holds `u64::MAX - 200`) and lies told about it.

fn honest() -> (TestChain, ChunkState, Vec<ExpandedSlot>) {
    let mut chain = TestChain::new(chain_id(), &[1000, u64::MAX - 200]);
    let before = chain.clone();
    let (start, slots) = execute(
        &mut chain,
        &[transfer(chain_id(), 0, 0, test_address(1), 100)],
    );
    (before, start, slots)
}

/// The honest slot with its transaction replaced.
fn with_tx(tx: SignedTx) -> (ChunkState, Vec<ExpandedSlot>) {
    let (_, start, mut slots) = honest();
    slots[0].op = SlotOp::Tx(Box::new(tx));
    (start, slots)
}

fn refused(start: &ChunkState, slots: &[ExpandedSlot]) -> bool {
    match prove(&ONE, start, slots) {
        Ok(_) => false,
        Err(CircuitError::Prove(_) | CircuitError::Verify(_)) => true,
        Err(other) => panic!("refused before proving, by the witness API: {other}"),
    }
}

#[test]
fn the_honest_transfer_proves() {
    let (_, start, slots) = honest();
    let public = prove(&ONE, &start, &slots).unwrap();
    assert_eq!(
        public.state_root_after,
        start.after(&slots).unwrap().state.root()
    );
}

#[test]
fn a_bad_signature_does_not_prove() {
    // The signature of another body by the right key: `verify_schnorr` over the body hash
    // recomputed in circuit (`t G - c1 R - c0 Q = 0` fails).
    let honest_tx = transfer(chain_id(), 0, 0, test_address(1), 100);
    let other = transfer(chain_id(), 0, 0, test_address(1), 101);
    let (start, slots) = with_tx(SignedTx {
        signature: other.signature,
        ..honest_tx
    });
    assert!(refused(&start, &slots));
}

#[test]
fn a_signature_by_another_key_does_not_prove() {
    // A valid signature by key 5: the key hash `hash_no_pad(w(Q))` is connected to the sender
    // leaf's `pubkey_hash`, which holds key 0's.
    let tx = sign_with(
        &test_key(5),
        chain_id(),
        test_address(0),
        0,
        test_address(1),
        100,
    );
    let (start, slots) = with_tx(tx);
    assert!(refused(&start, &slots));
}

#[test]
fn an_overdraft_does_not_prove() {
    // 1001 of 1000 gwei: the debit's high limb is `p - 1`, refused by its 32-bit range check.
    let (start, slots) = with_tx(transfer(chain_id(), 0, 0, test_address(1), 1001));
    assert!(refused(&start, &slots));
}

#[test]
fn overflowing_the_recipient_does_not_prove() {
    // u64::MAX - 200 + 201: the credit's high limb is 2^32, refused by its range check.
    let (start, slots) = with_tx(transfer(chain_id(), 0, 0, test_address(1), 201));
    assert!(refused(&start, &slots));
}

#[test]
fn a_wrong_nonce_does_not_prove() {
    // Nonce 1 for an account at nonce 0: the body's nonce is connected to the leaf's.
    let (start, slots) = with_tx(transfer(chain_id(), 0, 1, test_address(1), 100));
    assert!(refused(&start, &slots));
}

#[test]
fn a_wrong_chain_id_does_not_prove() {
    // Signed for chain 271, proven in a chunk of chain 270: the body's chain id is connected
    // to the public chain id.
    let other_chain = ChainId::new(271).unwrap();
    let (start, slots) = with_tx(transfer(other_chain, 0, 0, test_address(1), 100));
    assert!(refused(&start, &slots));
    // Nor does claiming the chunk is chain 271's: the state root is still chain 270's, and
    // the public chain id changes what the verifier accepts (see the tampering test).
}

#[test]
fn a_wrong_old_root_does_not_prove() {
    // The chunk claims to start from another account root: the sender's old root is
    // connected to the running root (`is_tx (old_root - root) = 0`).
    let (_, mut start, slots) = honest();
    start.state.account_root = hash_no_pad(&[GFp::ONE]);
    assert!(refused(&start, &slots));
}

#[test]
fn a_wrong_sibling_does_not_prove() {
    // One sibling of the sender's path: its old root is not the running root.
    let (_, start, mut slots) = honest();
    slots[0].updates[0].siblings[7] = hash_no_pad(&[GFp::TWO]);
    assert!(refused(&start, &slots));
    // One sibling of the recipient's path: its old root is not the root the sender's update
    // gave (`is_tx (recipient.old_root - sender.new_root) = 0`).
    let (_, start, mut slots) = honest();
    slots[0].updates[1].siblings[0] = hash_no_pad(&[GFp::TWO]);
    assert!(refused(&start, &slots));
}

#[test]
fn another_account_as_sender_does_not_prove() {
    // Account 1's leaf and path for a transfer from account 0: the leaf's address is
    // connected to the body's `from` (and the key hash to the signer's).
    let (chain, start, mut slots) = honest();
    let recipient = slots[0].updates[1].clone();
    slots[0].updates[0].change.index = recipient.change.index;
    slots[0].updates[0].change.old_account = chain.account(1);
    slots[0].updates[0].siblings = recipient.siblings;
    assert!(refused(&start, &slots));
}

#[test]
fn minting_into_a_fresh_account_does_not_prove() {
    // A credit to an empty leaf whose "old" account claims 1000 gwei: a fresh account's
    // fields are constrained zero (`recipient_new * field = 0`).
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let fresh = Address::repeat_byte(0xaa);
    let (start, mut slots) = execute(&mut chain, &[transfer(chain_id(), 0, 0, fresh, 10)]);
    assert!(
        prove(&ONE, &start, &slots).is_ok(),
        "the honest credit proves"
    );
    let mut rich = Account::new(fresh);
    rich.balance = Amount::from_gwei(1000);
    slots[0].updates[1].change.old_account = Some(rich);
    assert!(refused(&start, &slots));
}

#[test]
fn a_fresh_account_away_from_the_next_index_does_not_prove() {
    // Accounts 0 and 1 exist; the new one must be at 2. Leaf 3 is empty with the same
    // siblings, so only `recipient_new (index - next_account_index) = 0` refuses it.
    let mut chain = TestChain::new(chain_id(), &[1000, 0]);
    let fresh = Address::repeat_byte(0xaa);
    let (start, mut slots) = execute(&mut chain, &[transfer(chain_id(), 0, 0, fresh, 10)]);
    assert_eq!(slots[0].updates[1].change.index, 2);
    slots[0].updates[1].change.index = 3;
    assert!(refused(&start, &slots));
}

#[test]
fn passing_an_existing_account_off_as_fresh_does_not_prove() {
    // Account 1 claimed to be an empty leaf: `(1 - recipient_new) leaf` is then the empty
    // leaf, and the recipient's old root is not the sender's new root.
    let (_, start, mut slots) = honest();
    slots[0].updates[1].change.old_leaf = ZERO_DIGEST;
    slots[0].updates[1].change.old_account = None;
    assert!(refused(&start, &slots));
}

#[test]
fn a_tampered_public_input_does_not_verify() {
    let (_, start, slots) = honest();
    let proof = ONE.prove(&start, &slots).unwrap();
    ONE.verify(&proof).unwrap();
    // Every public input is bound by the proof: the new state root, the slots hash, the
    // chain id, the (pass-through) outbox count.
    for index in [0, 5, 13, 35] {
        let mut tampered = proof.clone();
        tampered.0.public_inputs[index] += GFp::ONE;
        assert!(ONE.verify(&tampered).is_err(), "public input {index}");
    }
}

// Priority operations.

fn deposit(recipient: Address, gwei: u64) -> PriorityOp {
    PriorityOp::Deposit {
        l1_sender: Address::repeat_byte(0x77),
        recipient,
        amount: Amount::from_gwei(gwei),
    }
}

#[test]
fn priority_operations_and_transfers_chain_across_chunks_as_natively() {
    // Three operations for two priority slots: the block takes two chunks, the second
    // starting where the first ended. A deposit opens account X, its key is registered,
    // a deposit tops up account 0, then X signs a transfer with the new key.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let x = Address::repeat_byte(0xaa);
    let ops = [
        deposit(x, 500),
        PriorityOp::RegisterKey {
            account: x,
            pubkey_hash: test_key(7).public_key().hash(),
        },
        deposit(test_address(0), 5),
    ];
    let txs = [sign_with(
        &test_key(7),
        chain_id(),
        x,
        0,
        test_address(0),
        20,
    )];
    let block = chain.block_with(&ops, &txs).unwrap();
    let slots = block.witness.expand().unwrap();
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let middle = start.after(&slots[..2]).unwrap();
    let end = middle.after(&slots[2..]).unwrap();

    let first = prove(&FOUR, &start, &slots[..2]).unwrap();
    assert_eq!(
        first,
        ChunkPublicInputs::new(&start, &middle, 2, 0).unwrap()
    );
    let second = prove(&FOUR, &middle, &slots[2..]).unwrap();
    assert_eq!(second, ChunkPublicInputs::new(&middle, &end, 1, 0).unwrap());
    assert_eq!(first.state_root_after, second.state_root_before);
    assert_eq!(first.priority_after, second.priority_before);
    assert_eq!(
        second.state_root_after,
        chain.state.root(),
        "the native state root"
    );
    assert_eq!(
        second.slots_hash_after, block.slots_hash,
        "the header's slots hash"
    );
    assert_eq!(
        second.priority_after,
        priority_commitment(*PRIORITY_SEED, &ops),
        "the bridge's c_{{head + 3}}"
    );
    assert_eq!(chain.account(0).unwrap().balance.gwei(), 1025);
}

#[test]
fn a_deposit_overflowing_its_recipient_does_not_prove() {
    // The credit's high limb would be 2^32: its range check refuses it (execution stops the
    // chain on such a deposit; no proof can skip it either, see below).
    let mut chain = TestChain::new(chain_id(), &[u64::MAX - 200]);
    let (start, mut slots) = {
        let block = chain
            .block_with(&[deposit(test_address(0), 200)], &[])
            .unwrap();
        let start = ChunkState::block_start(chain_id(), block.witness.state_before);
        (start, block.witness.expand().unwrap())
    };
    assert!(prove(&ONE, &start, &slots).is_ok());
    slots[0].op = SlotOp::Priority(deposit(test_address(0), 201));
    assert!(refused(&start, &slots));
}

#[test]
fn a_misreported_or_skipped_deposit_changes_the_priority_commitment() {
    // Crediting another amount than the queued deposit's proves, but the commitment after it
    // is not the bridge's `c_{head + 1}` (`settle` compares them): the circuit hashes the
    // operation it applied into `c_{i+1} = two_to_one(c_i, op_hash)`. Skipping the deposit
    // (a no-op slot) leaves `c_head` and a count of 0 where the bridge expects 1.
    let mut chain = TestChain::new(chain_id(), &[0]);
    let queued = deposit(test_address(0), 1000);
    let block = chain
        .block_with(std::slice::from_ref(&queued), &[])
        .unwrap();
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let mut slots = block.witness.expand().unwrap();
    let expected = priority_commitment(*PRIORITY_SEED, [&queued]);
    assert_eq!(
        prove(&ONE, &start, &slots).unwrap().priority_after,
        expected
    );
    slots[0].op = SlotOp::Priority(deposit(test_address(0), 2000));
    let lie = prove(&ONE, &start, &slots).unwrap();
    assert_ne!(lie.priority_after, expected);
    let skipped = prove(&ONE, &start, &[]).unwrap();
    assert_eq!(
        (skipped.priority_count, skipped.priority_after),
        (0, *PRIORITY_SEED)
    );
}

#[test]
fn a_misreported_key_registration_changes_the_root_and_the_commitment() {
    // Registering another key than the queued one: the key the circuit writes into the leaf
    // is the one it hashes into `c_{i+1}`, so the lie shows in the priority commitment the
    // bridge compares (and the state root differs from the honest one).
    let mut chain = TestChain::new(chain_id(), &[0]);
    let register = PriorityOp::RegisterKey {
        account: test_address(0),
        pubkey_hash: test_key(3).public_key().hash(),
    };
    let block = chain
        .block_with(std::slice::from_ref(&register), &[])
        .unwrap();
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let slots = block.witness.expand().unwrap();
    assert!(prove(&ONE, &start, &slots).is_ok());
    let mut other = slots.clone();
    other[0].op = SlotOp::Priority(PriorityOp::RegisterKey {
        account: test_address(0),
        pubkey_hash: test_key(4).public_key().hash(),
    });
    let public = prove(&ONE, &start, &other).unwrap();
    assert_ne!(public.state_root_after, chain.state.root());
    assert_ne!(
        public.priority_after,
        priority_commitment(*PRIORITY_SEED, [&register])
    );
}

// Withdrawals.

#[test]
fn withdrawals_append_the_native_outbox_leaves_across_chunks() {
    // Chunk 1: a transfer and a withdrawal; chunk 2 (same block, the outbox carried on): a
    // withdrawal of all but the sender's last 0 gwei. The outbox root after chunk 2 is the
    // batch's `OutboxTree` root over both leaves, which L1 checks withdrawals against; the
    // circuit appends each at index `outbox_count` over the empty leaf
    // (`is_withdraw (index - outbox_count) = 0`, old root = the running outbox root).
    let mut chain = TestChain::new(chain_id(), &[1000, 500]);
    let l1 = Address::repeat_byte(0xee);
    let txs = [
        transfer(chain_id(), 0, 0, test_address(1), 10),
        withdraw(chain_id(), 1, 0, l1, 300),
        withdraw(chain_id(), 0, 1, l1, 990),
    ];
    let block = chain.block(&txs).unwrap();
    let slots = block.witness.expand().unwrap();
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let middle = start.after(&slots[..2]).unwrap();
    let end = middle.after(&slots[2..]).unwrap();
    let first = prove(&FOUR, &start, &slots[..2]).unwrap();
    let second = prove(&FOUR, &middle, &slots[2..]).unwrap();
    assert_eq!(
        first,
        ChunkPublicInputs::new(&start, &middle, 0, 0).unwrap()
    );
    assert_eq!(second, ChunkPublicInputs::new(&middle, &end, 0, 0).unwrap());
    assert_eq!(
        (first.outbox_count_after, second.outbox_count_after),
        (1, 2)
    );
    let entries: Vec<_> = txs[1..].iter().filter_map(outbox_leaf).collect();
    let native = OutboxTree::new(entries).unwrap().root();
    assert_eq!(second.outbox_root_after, native, "the batch's outbox root");
    assert_eq!(second.state_root_after, chain.state.root());
    assert_eq!(second.slots_hash_after, block.slots_hash);
}

#[test]
fn an_overdrawn_withdrawal_does_not_prove() {
    // 1001 of 1000 gwei out to L1: the same debit as a transfer's, its high limb refused.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let l1 = Address::repeat_byte(0xee);
    let (start, mut slots) = execute(&mut chain, &[withdraw(chain_id(), 0, 0, l1, 1000)]);
    assert!(prove(&ONE, &start, &slots).is_ok());
    slots[0].op = SlotOp::Tx(Box::new(withdraw(chain_id(), 0, 0, l1, 1001)));
    assert!(refused(&start, &slots));
}

#[test]
fn a_withdrawal_passed_off_as_a_transfer_does_not_prove() {
    // A withdrawal's signature on a transfer body with the same fields (crediting L2 instead
    // of paying out on L1): the tag is signed (`tag = TX_TRANSFER + is_withdraw` in the body
    // hash), so `verify_schnorr` fails.
    let signed = withdraw(chain_id(), 0, 0, test_address(1), 100);
    let (start, slots) = with_tx(SignedTx {
        signature: signed.signature,
        ..transfer(chain_id(), 0, 0, test_address(1), 100)
    });
    assert!(refused(&start, &slots));
}
