//! Chunk circuit tests: consistency with natively executed blocks, and soundness: each lie
//! fails to prove or to verify, and each test names the constraint that catches it.

use std::sync::LazyLock;

use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::{
    MESSAGE_QUEUE_SEED, OUTBOX_DEPTH, PRIORITY_SEED, ZERO_DIGEST, hash_no_pad, message_commitment,
    priority_commitment,
};
use hyperforge_primitives::tx::{Message, PriorityOp, SignedTx};
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use hyperforge_primitives::{Address, Amount, ChainId};
use plonky2::field::types::Field;

use super::priority::{Failure, PriorityOutcome, priority_outcome};
use super::*;
use crate::test_utils::{
    TestBlock, TestChain, sign_kind, sign_with, test_address, test_key, transfer, withdraw,
};
use hyperforge_primitives::bridge::OutboxEntry;
use hyperforge_primitives::bridge::OutboxTree;

/// One slot of each kind (import, priority, transaction, execute): every soundness test.
static ONE: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        import_slots: 1,
        priority_slots: 1,
        tx_slots: 1,
        execute_slots: 1,
    })
});
/// Two priority slots and four transaction slots: consistency over whole blocks.
static FOUR: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        priority_slots: 2,
        tx_slots: 4,
        ..ChunkShape::default()
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
    let txs: Vec<_> = (0..3)
        .map(|nonce| transfer(chain_id(), 0, nonce, test_address(1), 1))
        .collect();
    let (start, slots) = execute(&mut chain, &txs);
    // Two transactions fit (the transaction slot, then the execute slot), not three.
    assert!(matches!(
        ONE.witness(&start, &slots),
        Err(CircuitError::SlotLayout { fit: 2 })
    ));
    let five = [&slots[..], &slots[..2]].concat();
    assert!(matches!(
        ONE.witness(&start, &five),
        Err(CircuitError::TooManySlots {
            capacity: 4,
            got: 5
        })
    ));
    // FOUR has no import slot.
    let mut import = slots[0].clone();
    import.op = SlotOp::Import(ZERO_DIGEST);
    assert!(matches!(
        FOUR.witness(&start, &[import]),
        Err(CircuitError::SlotLayout { fit: 0 })
    ));
    let mut garbled = slots[0].clone();
    let mut bad_key = txs[0].clone();
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
        ..ChunkShape::default()
    });
    // A priority slot: one depth-32 update (64 Poseidon rows) for the credit or the read of
    // an overflowing recipient, one depth-10 append (20) for a failed deposit's refund.
    assert!(
        with_priority - one <= 110,
        "{} rows per priority slot",
        with_priority - one
    );
    // An execute slot pays for the imported-root read and the nullifier insertion (126
    // Poseidon rows of Merkle paths) on top of a transaction slot; an import slot for one
    // depth-32 update.
    let with = |import_slots, execute_slots| {
        count_rows(ChunkShape {
            import_slots,
            tx_slots: 1,
            execute_slots,
            ..ChunkShape::default()
        })
        .0
    };
    let execute = with(0, 1) - one;
    assert!(
        (marginal + 116..=marginal + 140).contains(&execute),
        "{execute} rows per execute slot"
    );
    let import = with(1, 0) - one;
    assert!(import <= 80, "{import} rows per import slot");
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
    // Every public input is bound by the proof: the chain id, the new state root, the slots
    // hash, the outbox count before.
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
    // Crediting 201 to `u64::MAX - 200` as a credit: the overflow flag (0) is the sum's carry
    // out of 64 bits, so the high limb is 2^32 and its range check refuses it (execution
    // fails such a deposit instead, see `an_overflowing_deposit_proves_its_failure_...`).
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

// Failed deposits: consumed all the same, no account changed, the amount refunded to the
// L1 sender through the outbox.

/// Proves `slots` on `ONE` with each priority slot's outcome given by `outcome`.
fn prove_with(
    start: &ChunkState,
    slots: &[ExpandedSlot],
    outcome: &dyn Fn(&ExpandedSlot) -> PriorityOutcome,
) -> Result<ChunkPublicInputs, CircuitError> {
    let witness = ONE.witness_with(start, slots, outcome)?;
    let proof = ONE
        .data
        .prove(witness)
        .map(ChunkProof)
        .map_err(|e| CircuitError::Prove(e.to_string()))?;
    ONE.verify(&proof)?;
    proof.public_inputs()
}

fn refused_with(
    start: &ChunkState,
    slots: &[ExpandedSlot],
    outcome: &dyn Fn(&ExpandedSlot) -> PriorityOutcome,
) -> bool {
    match prove_with(start, slots, outcome) {
        Ok(_) => false,
        Err(CircuitError::Prove(_) | CircuitError::Verify(_)) => true,
        Err(other) => panic!("refused before proving, by the witness API: {other}"),
    }
}

/// The refund of `deposit(recipient, gwei)`.
fn refund(recipient: Address, l1_recipient: Address, gwei: u64) -> OutboxEntry {
    OutboxEntry::Withdrawal {
        sender: recipient,
        l1_recipient,
        amount: Amount::from_gwei(gwei),
    }
}

/// Account 0 holds `u64::MAX - 200` and receives a deposit of `gwei`: the chain before the
/// block, the block, its chunk start and its slots.
fn deposit_to_a_full_balance(gwei: u64) -> (TestChain, TestBlock, ChunkState, Vec<ExpandedSlot>) {
    let mut chain = TestChain::new(chain_id(), &[u64::MAX - 200]);
    let block = chain
        .block_with(&[deposit(test_address(0), gwei)], &[])
        .unwrap();
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let slots = block.witness.expand().unwrap();
    (chain, block, start, slots)
}

#[test]
fn an_overflowing_deposit_proves_its_failure_and_its_refund() {
    // The recipient's leaf is read under the account root (a read: the same leaf after), its
    // balance plus the amount carries out of 64 bits, and the refund withdrawal leaf is
    // appended at `outbox_count`; the state root does not change.
    let (chain, block, start, slots) = deposit_to_a_full_balance(201);
    let l1 = Address::repeat_byte(0x77);
    assert_eq!(block.outbox, vec![refund(test_address(0), l1, 201)]);
    assert_eq!(priority_outcome(&slots[0]).failure, Some(Failure::Overflow));
    let end = start.after(&slots).unwrap();
    let public = prove(&ONE, &start, &slots).unwrap();
    assert_eq!(public, ChunkPublicInputs::new(&start, &end, 1, 0).unwrap());
    assert_eq!(
        public.state_root_after,
        start.state.root(),
        "nothing credited"
    );
    assert_eq!(public.state_root_after, chain.state.root());
    assert_eq!(public.priority_count, 1, "consumed");
    assert_eq!(
        public.priority_after,
        priority_commitment(*PRIORITY_SEED, [&deposit(test_address(0), 201)])
    );
    assert_eq!(public.outbox_count_after, 1);
    let native = OutboxTree::new(vec![refund(test_address(0), l1, 201).hash()])
        .unwrap()
        .root();
    assert_eq!(
        public.outbox_root_after, native,
        "the refund in the outbox root"
    );
    assert_eq!(public.slots_hash_after, block.slots_hash);
}

#[test]
fn claiming_failure_for_a_deposit_that_fits_does_not_prove() {
    // 200 onto `u64::MAX - 200` fits exactly; a prover that calls it an overflow (to keep
    // the deposit off the recipient's balance and refund it) is refused by the carry: the
    // flag is the sum's carry out of 64 bits, so the high limb `s - 2^32` wraps below zero
    // and fails its range check.
    let (_, _, start, slots) = deposit_to_a_full_balance(200);
    assert_eq!(priority_outcome(&slots[0]).failure, None);
    let lie = |_: &ExpandedSlot| PriorityOutcome {
        failure: Some(Failure::Overflow),
        refund: Some(refund(test_address(0), Address::repeat_byte(0x77), 200).hash()),
    };
    assert!(refused_with(&start, &slots, &lie));
}

#[test]
fn omitting_the_refund_of_an_overflowing_deposit_does_not_prove() {
    // Passed off as a credit (no failure, nothing refunded): the flag says no carry out, so
    // the high limb is 2^32 and fails its range check. Flagged as failed but with no append in the witness: the circuit appends
    // all the same, and the empty path it is given does not start from the outbox root
    // (`refunds (old_root - outbox_root) = 0`).
    let (_, _, start, slots) = deposit_to_a_full_balance(201);
    let as_credit = |_: &ExpandedSlot| PriorityOutcome {
        failure: None,
        refund: None,
    };
    assert!(refused_with(&start, &slots, &as_credit));
    let no_append = |_: &ExpandedSlot| PriorityOutcome {
        failure: Some(Failure::Overflow),
        refund: None,
    };
    assert!(refused_with(&start, &slots, &no_append));
}

#[test]
fn a_refund_of_another_amount_or_to_another_address_is_not_what_the_proof_appends() {
    // The circuit hashes the refund leaf from the queued deposit's own fields (bound by the
    // priority commitment): a witness that names another leaf changes nothing, the proven
    // outbox root holds the true refund, and the lie is not under it (L1 pays no withdrawal
    // that is not under the batch's outbox root).
    let (_, _, start, slots) = deposit_to_a_full_balance(201);
    let l1 = Address::repeat_byte(0x77);
    let honest = OutboxTree::new(vec![refund(test_address(0), l1, 201).hash()])
        .unwrap()
        .root();
    for lie in [
        refund(test_address(0), l1, 200),
        refund(test_address(0), Address::repeat_byte(0x78), 201),
    ] {
        let leaf = lie.hash();
        let public = prove_with(&start, &slots, &|slot| PriorityOutcome {
            refund: Some(leaf),
            ..priority_outcome(slot)
        })
        .unwrap();
        assert_eq!(public.outbox_root_after, honest);
        assert_ne!(
            public.outbox_root_after,
            OutboxTree::new(vec![leaf]).unwrap().root()
        );
    }
}

#[test]
fn a_deposit_on_a_full_account_tree_proves_its_failure_and_its_refund() {
    // `next_account_index` is the last index, which execution keeps unused: a deposit to
    // an address with no account fails and is refunded. The circuit checks the index, not
    // that the recipient has no account (the tree is keyed by index: see `priority`).
    let mut chain = TestChain::new(chain_id(), &[5]);
    chain.state.next_account_index = hyperforge_primitives::account::AccountIndex::MAX;
    let x = Address::repeat_byte(0xaa);
    let block = chain.block_with(&[deposit(x, 10)], &[]).unwrap();
    let l1 = Address::repeat_byte(0x77);
    assert_eq!(block.outbox, vec![refund(x, l1, 10)]);
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let slots = block.witness.expand().unwrap();
    assert_eq!(priority_outcome(&slots[0]).failure, Some(Failure::TreeFull));
    let end = start.after(&slots).unwrap();
    let public = prove(&ONE, &start, &slots).unwrap();
    assert_eq!(public, ChunkPublicInputs::new(&start, &end, 1, 0).unwrap());
    assert_eq!(public.state_root_after, chain.state.root());
    assert_eq!(
        public.outbox_root_after,
        OutboxTree::new(vec![refund(x, l1, 10).hash()])
            .unwrap()
            .root()
    );

    // Claiming a full tree when it is not: `full (next_account_index - (2^32 - 1)) = 0`.
    let mut chain = TestChain::new(chain_id(), &[5]);
    let block = chain.block_with(&[deposit(x, 10)], &[]).unwrap();
    let start = ChunkState::block_start(chain_id(), block.witness.state_before);
    let slots = block.witness.expand().unwrap();
    let lie = |_: &ExpandedSlot| PriorityOutcome {
        failure: Some(Failure::TreeFull),
        refund: Some(refund(x, l1, 10).hash()),
    };
    assert!(refused_with(&start, &slots, &lie));
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

// Message root imports, SendMessage and ExecuteMessage.

fn remote_chain() -> ChainId {
    ChainId::new(271).unwrap()
}

/// A message of chain 271's outbox.
fn message(nonce: u32, dst_chain: ChainId, recipient: Address, gwei: u64) -> Message {
    Message {
        src_chain: remote_chain(),
        sender: Address::repeat_byte(0xcc),
        nonce,
        dst_chain,
        recipient,
        value: Amount::from_gwei(gwei),
        payload: b"hello, chain 270".to_vec(),
    }
}

/// Chain 271's settled outbox: 40 gwei for account 1 here, 7 gwei for chain 272, 3 gwei for
/// a fresh address here.
fn remote_outbox() -> (Vec<Message>, OutboxTree) {
    let messages = vec![
        message(0, chain_id(), test_address(1), 40),
        message(1, ChainId::new(272).unwrap(), test_address(1), 7),
        message(2, chain_id(), Address::repeat_byte(0xbb), 3),
    ];
    let tree = OutboxTree::new(messages.iter().map(Message::hash).collect()).unwrap();
    (messages, tree)
}

/// `ExecuteMessage` of leaf `leaf` of the remote outbox (import `import_index`), signed by
/// test account `from` (a relayer) at `nonce`.
fn execute_message(from: usize, nonce: u32, leaf: usize, import_index: u32) -> SignedTx {
    let (messages, tree) = remote_outbox();
    let siblings: [Digest; OUTBOX_DEPTH] = tree.proof(leaf).unwrap().siblings.try_into().unwrap();
    sign_kind(
        chain_id(),
        from,
        nonce,
        TxKind::ExecuteMessage {
            message: messages[leaf].clone(),
            import_index,
            leaf_index: leaf as u16,
            siblings: Box::new(siblings),
        },
    )
}

fn send_message(from: usize, nonce: u32, dst_chain: ChainId, gwei: u64) -> SignedTx {
    sign_kind(
        chain_id(),
        from,
        nonce,
        TxKind::SendMessage {
            dst_chain,
            recipient: Address::repeat_byte(0xdd),
            value: Amount::from_gwei(gwei),
            payload: vec![1, 2, 3, 4, 5],
        },
    )
}

/// Runs one block of `chain`: imports, priority operations, transactions.
fn run(
    chain: &mut TestChain,
    roots: &[Digest],
    ops: &[PriorityOp],
    txs: &[SignedTx],
) -> (ChunkState, Vec<ExpandedSlot>, TestBlock) {
    let block = chain.block_full(roots, ops, txs).unwrap();
    let start = ChunkState::block_start(chain.chain_id, block.witness.state_before);
    (start, block.witness.expand().unwrap(), block)
}

/// A chain (relayer 0: 1000 gwei, account 1: 5) that imported the remote outbox's root in
/// an earlier block, and the start of the next block executing `txs`.
fn imported_then(txs: &[SignedTx]) -> (TestChain, ChunkState, Vec<ExpandedSlot>) {
    let mut chain = TestChain::new(chain_id(), &[1000, 5]);
    chain
        .block_full(&[remote_outbox().1.root()], &[], &[])
        .unwrap();
    let (start, slots, _) = run(&mut chain, &[], &[], txs);
    (chain, start, slots)
}

#[test]
fn an_import_a_deposit_a_transfer_and_a_message_execution_prove_the_native_state() {
    // One block filling ONE's four slots: import the remote root, a deposit, a transfer,
    // the execution of the message to a fresh address (an account opened by a message).
    let mut chain = TestChain::new(chain_id(), &[1000, 5]);
    let root = remote_outbox().1.root();
    let (start, slots, block) = run(
        &mut chain,
        &[root],
        &[deposit(test_address(1), 9)],
        &[
            transfer(chain_id(), 0, 0, test_address(1), 100),
            execute_message(0, 1, 2, 0),
        ],
    );
    let after = start.after(&slots).unwrap();
    let public = prove(&ONE, &start, &slots).unwrap();
    assert_eq!(
        public,
        ChunkPublicInputs::new(&start, &after, 1, 1).unwrap()
    );
    assert_eq!(
        public.state_root_after,
        chain.state.root(),
        "the native state root"
    );
    assert_eq!(
        public.slots_hash_after, block.slots_hash,
        "the header's slots hash"
    );
    assert_eq!(
        public.imports_after,
        message_commitment(*MESSAGE_QUEUE_SEED, [&root]),
        "the bridge's m_1"
    );
    assert_eq!(public.value_in_after, Amount::from_gwei(3));
    assert_eq!(chain.state.imported_count, 1);
    let opened = chain.account(2).unwrap();
    assert_eq!(
        (opened.address, opened.balance.gwei()),
        (Address::repeat_byte(0xbb), 3)
    );
}

#[test]
fn messages_executed_and_sent_chain_across_chunks_as_natively() {
    // One block: import, execute leaf 0 (to account 1), execute leaf 2 (a fresh account),
    // send 30 gwei to chain 271, send 20 more. ONE holds [import, execute], then [execute],
    // then [send, send] (the transaction slot, then the execute slot).
    let mut chain = TestChain::new(chain_id(), &[1000, 15]);
    let root = remote_outbox().1.root();
    let txs = [
        execute_message(0, 0, 0, 0),
        execute_message(0, 1, 2, 0),
        send_message(1, 0, remote_chain(), 30),
        send_message(1, 1, remote_chain(), 20),
    ];
    let (start, slots, block) = run(&mut chain, &[root], &[], &txs);
    let shape = ONE.shape();
    let mut chunk_start = start.clone();
    let mut at = 0;
    let mut fits = Vec::new();
    let mut last = None;
    while at < slots.len() {
        let fit = shape.fit(&slots[at..]);
        fits.push(fit);
        let end = chunk_start.after(&slots[at..at + fit]).unwrap();
        let public = prove(&ONE, &chunk_start, &slots[at..at + fit]).unwrap();
        let imports = u64::from(at == 0);
        assert_eq!(
            public,
            ChunkPublicInputs::new(&chunk_start, &end, 0, imports).unwrap()
        );
        if let Some(previous) = last.replace(public.clone()) {
            let previous: ChunkPublicInputs = previous;
            assert_eq!(previous.state_root_after, public.state_root_before);
            assert_eq!(previous.value_in_after, public.value_in_before);
        }
        chunk_start = end;
        at += fit;
    }
    assert_eq!(fits, vec![2, 1, 2]);
    let last = last.unwrap();
    assert_eq!(
        last.state_root_after,
        chain.state.root(),
        "the native state root"
    );
    assert_eq!(
        last.slots_hash_after, block.slots_hash,
        "the header's slots hash"
    );
    assert_eq!(
        last.value_in_after,
        Amount::from_gwei(43),
        "the block's value in"
    );
    assert_eq!(
        last.value_out_after,
        Amount::from_gwei(50),
        "the block's value out"
    );
    assert_eq!((block.value_in.gwei(), block.value_out.gwei()), (43, 50));
    let native = OutboxTree::from_entries(&block.outbox).unwrap().root();
    assert_eq!(last.outbox_root_after, native, "the batch's outbox root");
    assert_eq!(last.outbox_count_after, 2);
    assert_eq!(chain.account(1).unwrap().balance.gwei(), 15 + 40 - 50);
}

#[test]
fn the_chunk_layout_follows_block_order() {
    // Imports, priority operations, transactions up to the first ExecuteMessage, then any
    // transactions: a slot never goes back to an earlier kind.
    let mut chain = TestChain::new(chain_id(), &[1000, 5]);
    let root = remote_outbox().1.root();
    let (_, slots, _) = run(
        &mut chain,
        &[root, ZERO_DIGEST],
        &[deposit(test_address(0), 1)],
        &[
            transfer(chain_id(), 0, 0, test_address(1), 1),
            execute_message(0, 1, 0, 0),
            transfer(chain_id(), 0, 2, test_address(1), 1),
        ],
    );
    let shape = |import_slots, priority_slots, tx_slots, execute_slots| ChunkShape {
        import_slots,
        priority_slots,
        tx_slots,
        execute_slots,
    };
    assert_eq!(
        shape(1, 1, 1, 1).fit(&slots),
        1,
        "the second import has no slot"
    );
    assert_eq!(shape(2, 1, 1, 2).fit(&slots), 6);
    assert_eq!(shape(2, 1, 1, 1).fit(&slots), 5);
    assert_eq!(shape(2, 1, 4, 0).fit(&slots), 4, "no execute slot");
    assert_eq!(shape(0, 0, 2, 2).fit(&slots[3..]), 3);
    assert_eq!(
        shape(0, 0, 2, 1).fit(&slots[4..]),
        1,
        "after an execution, execute slots only"
    );
    assert_eq!(shape(0, 0, 0, 2).fit(&slots[4..]), 2);
    assert_eq!(shape(2, 0, 2, 2).fit(&slots), 2, "no priority slot");
}

#[test]
fn a_message_to_its_own_chain_does_not_prove() {
    // A SendMessage to chain 270 signed on chain 270, with the honest send's witness (the
    // same debit): `is_send ((dst_chain - chain_id) inv - 1) = 0` has no solution.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let (start, mut slots, _) = run(
        &mut chain,
        &[],
        &[],
        &[send_message(0, 0, remote_chain(), 30)],
    );
    assert!(
        prove(&ONE, &start, &slots).is_ok(),
        "the honest send proves"
    );
    slots[0].op = SlotOp::Tx(Box::new(send_message(0, 0, chain_id(), 30)));
    assert!(refused(&start, &slots));
}

#[test]
fn a_value_out_overflow_does_not_prove() {
    // The batch already sent u64::MAX - 10 gwei out: 30 more overflow `value_out`, whose
    // sum's high limb is refused by its range check.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let (mut start, slots, _) = run(
        &mut chain,
        &[],
        &[],
        &[send_message(0, 0, remote_chain(), 30)],
    );
    start.value_out = Amount::from_gwei(u64::MAX - 30);
    assert!(
        prove(&ONE, &start, &slots).is_ok(),
        "exactly u64::MAX proves"
    );
    start.value_out = Amount::from_gwei(u64::MAX - 10);
    assert!(refused(&start, &slots));
}

#[test]
fn an_overdrawn_message_does_not_prove() {
    // 1001 of 1000 gwei sent: the sender's debit, as a transfer's.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let (start, mut slots, _) = run(
        &mut chain,
        &[],
        &[],
        &[send_message(0, 0, remote_chain(), 1000)],
    );
    assert!(prove(&ONE, &start, &slots).is_ok());
    slots[0].op = SlotOp::Tx(Box::new(send_message(0, 0, remote_chain(), 1001)));
    assert!(refused(&start, &slots));
}

#[test]
fn a_message_with_another_payload_than_signed_does_not_prove() {
    // The payload enters the body hash (and the leaf) as its hash: another payload under the
    // honest signature changes the body hash `verify_schnorr` checks.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let honest = send_message(0, 0, remote_chain(), 30);
    let (start, mut slots, block) = run(&mut chain, &[], &[], std::slice::from_ref(&honest));
    let public = prove(&ONE, &start, &slots).unwrap();
    let native = OutboxTree::from_entries(&block.outbox).unwrap().root();
    assert_eq!(public.outbox_root_after, native, "the native message leaf");
    let mut lie = honest;
    if let TxKind::SendMessage { payload, .. } = &mut lie.body.kind {
        payload.push(6);
    }
    slots[0].op = SlotOp::Tx(Box::new(lie));
    assert!(refused(&start, &slots));
}

#[test]
fn a_message_for_another_chain_does_not_execute() {
    // Leaf 1 is for chain 272; the test chain writes the witness with its destination check
    // off: `is_execute (dst_chain - chain_id) = 0` refuses it.
    let mut chain = TestChain::new(chain_id(), &[1000, 5]);
    chain.skip_message_checks = true;
    let root = remote_outbox().1.root();
    let (start, slots, _) = run(&mut chain, &[root], &[], &[execute_message(0, 0, 1, 0)]);
    assert!(refused(&start, &slots));
}

#[test]
fn executing_a_message_twice_does_not_prove() {
    // Leaf 0 executed in block 2, then again in block 3 (the test chain's replay check off,
    // its nullifier written over itself): the nullifier update starts from the empty leaf,
    // whose root is not the running nullifier root.
    let (mut chain, start, slots) = imported_then(&[execute_message(0, 0, 0, 0)]);
    assert!(
        prove(&ONE, &start, &slots).is_ok(),
        "the first execution proves"
    );
    chain.skip_message_checks = true;
    let (start, slots, _) = run(&mut chain, &[], &[], &[execute_message(0, 1, 0, 0)]);
    assert_eq!(slots[0].updates[3].change.tree, TreeId::Nullifiers);
    assert_ne!(slots[0].updates[3].change.old_leaf, ZERO_DIGEST);
    assert!(refused(&start, &slots));
}

#[test]
fn a_message_not_under_the_root_does_not_execute() {
    // Leaf 0 claiming 41 gwei instead of 40, signed so: its leaf, walked up the honest path,
    // gives a root whose leaf is not in the imported-roots tree (the read's root is not the
    // running imported root).
    let (_, start, mut slots) = imported_then(&[execute_message(0, 0, 0, 0)]);
    let (_, tree) = remote_outbox();
    let mut richer = message(0, chain_id(), test_address(1), 41);
    richer.payload = remote_outbox().0[0].payload.clone();
    let lie = sign_kind(
        chain_id(),
        0,
        0,
        TxKind::ExecuteMessage {
            message: richer,
            import_index: 0,
            leaf_index: 0,
            siblings: Box::new(tree.proof(0).unwrap().siblings.try_into().unwrap()),
        },
    );
    slots[0].op = SlotOp::Tx(Box::new(lie));
    assert!(refused(&start, &slots));
}

#[test]
fn a_wrong_outbox_or_imported_sibling_does_not_execute() {
    // One outbox sibling (not signed: the path is witness): another root, not imported.
    let (_, start, honest) = imported_then(&[execute_message(0, 0, 0, 0)]);
    let mut slots = honest.clone();
    let SlotOp::Tx(tx) = &mut slots[0].op else {
        unreachable!()
    };
    if let TxKind::ExecuteMessage { siblings, .. } = &mut tx.body.kind {
        siblings[3] = hash_no_pad(&[GFp::TWO]);
    }
    assert!(refused(&start, &slots));
    // One sibling of the imported-roots read: its root is not the running imported root.
    let mut slots = honest.clone();
    assert_eq!(slots[0].updates[2].change.tree, TreeId::Imported);
    slots[0].updates[2].siblings[5] = hash_no_pad(&[GFp::TWO]);
    assert!(refused(&start, &slots));
    // One sibling of the nullifier path: its old root is not the running nullifier root.
    let mut slots = honest;
    slots[0].updates[3].siblings[20] = hash_no_pad(&[GFp::TWO]);
    assert!(refused(&start, &slots));
}

#[test]
fn a_root_never_imported_does_not_execute() {
    // Import index 1 where one root was imported: leaf 1 of the imported-roots tree is empty,
    // so the read of the root's leaf there fails, and `count - 1 - index` is negative.
    let (_, start, mut slots) = imported_then(&[execute_message(0, 0, 0, 0)]);
    slots[0].op = SlotOp::Tx(Box::new(execute_message(0, 0, 0, 1)));
    assert!(refused(&start, &slots));
}

#[test]
fn an_import_index_at_the_count_is_refused_by_the_range_check_alone() {
    // A start whose `imported_count` says 0 while the tree holds import 0 (no proof produces
    // such a state; it isolates the check): the read proves, only the 32-bit range check of
    // `is_execute (imported_count - 1 - import_index)` refuses.
    let (_, mut start, slots) = imported_then(&[execute_message(0, 0, 0, 0)]);
    assert!(prove(&ONE, &start, &slots).is_ok());
    start.state.imported_count = 0;
    assert!(refused(&start, &slots));
}

#[test]
fn a_value_in_overflow_does_not_execute() {
    // The batch already brought in u64::MAX - 10 gwei: 40 more overflow `value_in`.
    let (_, mut start, slots) = imported_then(&[execute_message(0, 0, 0, 0)]);
    start.value_in = Amount::from_gwei(u64::MAX - 40);
    assert!(
        prove(&ONE, &start, &slots).is_ok(),
        "exactly u64::MAX proves"
    );
    start.value_in = Amount::from_gwei(u64::MAX - 10);
    assert!(refused(&start, &slots));
}

#[test]
fn an_import_away_from_the_count_does_not_prove() {
    // The first import written at index 1 of the empty tree (its path is the same empty
    // siblings as index 0's): `is_import (index - imported_count) = 0` refuses it.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let (start, mut slots, _) = run(&mut chain, &[remote_outbox().1.root()], &[], &[]);
    assert!(prove(&ONE, &start, &slots).is_ok());
    slots[0].updates[0].change.index = 1;
    assert!(refused(&start, &slots));
}

#[test]
fn an_import_over_a_written_leaf_does_not_prove() {
    // A start whose `imported_count` says 0 while the tree holds import 0, and the next root
    // written at index 0 (over the first): the index matches the count, but the update starts
    // from the empty leaf, whose root is not the running imported root.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let (_, first, _) = run(&mut chain, &[remote_outbox().1.root()], &[], &[]);
    let (mut start, mut slots, _) = run(&mut chain, &[hash_no_pad(&[GFp::ONE])], &[], &[]);
    assert!(prove(&ONE, &start, &slots).is_ok());
    start.state.imported_count = 0;
    slots[0].updates[0].change.index = 0;
    slots[0].updates[0].siblings = first[0].updates[0].siblings.clone();
    assert!(refused(&start, &slots));
}

#[test]
fn a_misreported_import_changes_the_imports_commitment() {
    // Importing another root than the queue's next proves (the circuit cannot know the
    // queue), but `m_{i+1} = two_to_one(m_i, root)` is then not the bridge's, which `settle`
    // compares; skipping the import leaves `m_i` and a count of 0.
    let mut chain = TestChain::new(chain_id(), &[1000]);
    let root = remote_outbox().1.root();
    let (start, mut slots, _) = run(&mut chain, &[root], &[], &[]);
    let expected = message_commitment(*MESSAGE_QUEUE_SEED, [&root]);
    assert_eq!(prove(&ONE, &start, &slots).unwrap().imports_after, expected);
    slots[0].op = SlotOp::Import(hash_no_pad(&[GFp::ONE]));
    assert_ne!(prove(&ONE, &start, &slots).unwrap().imports_after, expected);
    let skipped = prove(&ONE, &start, &[]).unwrap();
    assert_eq!(
        (skipped.imports_count, skipped.imports_after),
        (0, *MESSAGE_QUEUE_SEED)
    );
}

#[test]
fn tampered_message_public_inputs_do_not_verify() {
    // The imports count and commitment after, the outbox count and root after, value out and
    // value in after: each element is bound by the proof.
    let mut chain = TestChain::new(chain_id(), &[1000, 5]);
    let (start, slots, _) = run(
        &mut chain,
        &[remote_outbox().1.root()],
        &[],
        &[
            send_message(1, 0, remote_chain(), 2),
            execute_message(0, 0, 0, 0),
        ],
    );
    let proof = ONE.prove(&start, &slots).unwrap();
    ONE.verify(&proof).unwrap();
    for index in [26, 31, 40, 41, 47, 48, 51, 52] {
        let mut tampered = proof.clone();
        tampered.0.public_inputs[index] += GFp::ONE;
        assert!(ONE.verify(&tampered).is_err(), "public input {index}");
    }
}

/// A candidate transaction of the random blocks: `(kind, a, b, gwei)`.
fn candidate(kind: u8, a: usize, b: usize, gwei: u64, nonce: u32) -> SignedTx {
    match kind {
        0 => transfer(chain_id(), a, nonce, test_address(b), gwei),
        1 => transfer(
            chain_id(),
            a,
            nonce,
            Address::repeat_byte(0x90 + b as u8),
            gwei,
        ),
        2 => withdraw(chain_id(), a, nonce, Address::repeat_byte(0xee), gwei),
        3 => send_message(a, nonce, remote_chain(), gwei),
        // Leaves 0 and 2 are for this chain, leaf 1 is not (execution refuses it).
        _ => execute_message(a, nonce, b, 0),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 6,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn random_native_blocks_prove_their_native_state_chunk_by_chunk(
        deposit_first in proptest::bool::ANY,
        candidates in proptest::collection::vec((0u8..5, 0usize..3, 0usize..3, 0u64..400), 1..6),
    ) {
        // Three accounts; the remote outbox root imported in an earlier block. The random
        // block imports a second root, maybe takes a deposit, then every candidate that
        // execution accepts after the ones before it (the others are dropped).
        let mut chain = TestChain::new(chain_id(), &[1000, 300, 20]);
        chain.block_full(&[remote_outbox().1.root()], &[], &[]).unwrap();
        let roots = [hash_no_pad(&[GFp::ONE])];
        let ops: Vec<_> = deposit_first
            .then(|| deposit(test_address(2), 50))
            .into_iter()
            .collect();
        let mut nonces = [0u32; 3];
        let mut txs = Vec::new();
        for (kind, a, b, gwei) in candidates {
            let tx = candidate(kind, a, b, gwei, nonces[a]);
            let mut trial = chain.clone();
            let mut with = txs.clone();
            with.push(tx);
            if trial.block_full(&roots, &ops, &with).is_ok() {
                txs = with;
                nonces[a] += 1;
            }
        }
        let (start, slots, block) = run(&mut chain, &roots, &ops, &txs);
        let mut chunk_start = start;
        let mut at = 0;
        let mut last = None;
        while at < slots.len() {
            let fit = ONE.shape().fit(&slots[at..]);
            proptest::prop_assert!(fit > 0);
            let chunk = &slots[at..at + fit];
            let count = |f: fn(&SlotOp) -> bool| chunk.iter().filter(|s| f(&s.op)).count() as u64;
            let priority = count(|op| matches!(op, SlotOp::Priority(_)));
            let imports = count(|op| matches!(op, SlotOp::Import(_)));
            let end = chunk_start.after(chunk).unwrap();
            let public = prove(&ONE, &chunk_start, chunk).unwrap();
            proptest::prop_assert_eq!(
                &public,
                &ChunkPublicInputs::new(&chunk_start, &end, priority, imports).unwrap()
            );
            chunk_start = end;
            at += fit;
            last = Some(public);
        }
        let last = last.unwrap();
        proptest::prop_assert_eq!(last.state_root_after, chain.state.root());
        proptest::prop_assert_eq!(last.slots_hash_after, block.slots_hash);
        proptest::prop_assert_eq!(
            last.outbox_root_after,
            OutboxTree::from_entries(&block.outbox).unwrap().root()
        );
        proptest::prop_assert_eq!(
            (last.value_out_after, last.value_in_after),
            (block.value_out, block.value_in)
        );
    }
}

#[test]
fn a_message_executed_by_its_own_recipient_credits_the_relayers_leaf() {
    // Account 1 relays leaf 0, which pays account 1: one account change (nonce + 1, balance
    // + 40), as in execution; the circuit credits the sender's updated leaf at its index.
    let (chain, start, slots) = imported_then(&[execute_message(1, 0, 0, 0)]);
    assert_eq!(
        slots[0].updates.len(),
        3,
        "sender, imported read, nullifier"
    );
    let public = prove(&ONE, &start, &slots).unwrap();
    assert_eq!(public.state_root_after, chain.state.root());
    assert_eq!(public.value_in_after, Amount::from_gwei(40));
    let account = chain.account(1).unwrap();
    assert_eq!((account.balance.gwei(), account.nonce), (45, 1));
}
