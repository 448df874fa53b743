//! The block circuit agrees with the real state transition: blocks executed by
//! `execution::BlockBuilder` are proven as chunks from their witness, and the proofs' public
//! outputs are the native state root, slots hash, priority and imports commitments, outbox
//! root and value flows. One block has deposits, a key registration, transfers to a known and
//! to a new account and a withdrawal; then chain 271 sends two messages to chain 270, whose
//! next block imports chain 271's outbox root and executes both (one opening an account).
//! A deposit that overflows its recipient is proven failed, with its refund in the outbox.

use std::sync::LazyLock;

use hyperforge_circuits::{ChunkCircuit, ChunkShape, ChunkState};
use hyperforge_execution::{
    BlockBuilder, ExecutedBlock, VerifiedTx,
    genesis::genesis_block,
    test_utils::{dev_genesis_ops, dev_key, sign, transfer},
};
use hyperforge_primitives::{
    Address, Amount, ChainId,
    bridge::{
        MESSAGE_QUEUE_SEED, OutboxEntry, OutboxTree, PRIORITY_SEED, message_commitment,
        priority_commitment,
    },
    dev::ACCOUNTS,
    tx::{PriorityOp, SignedTx, TxKind},
};
use hyperforge_state::{MemoryState, StateCommit, StateProvider};

/// One circuit for every block here: an import slot, two priority slots, three transaction
/// slots, two execute slots.
static CIRCUIT: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        import_slots: 1,
        priority_slots: 2,
        tx_slots: 3,
        execute_slots: 2,
    })
});

/// A chain after a genesis funding dev accounts 0 and 1 with 1000 gwei and registering
/// their keys, and the genesis block's hash.
fn chain_after_genesis(chain: ChainId) -> (MemoryState, hyperforge_primitives::tx::Digest) {
    let mut state = MemoryState::new();
    let block0 = genesis_block(&state, chain, &dev_genesis_ops(2, 1_000)).unwrap();
    state.commit_block(&block0.commit).unwrap();
    (state, block0.block.hash())
}

/// Proves `executed` (a block of `chain` on `before`) as one chunk and checks the public
/// outputs against the header.
fn prove_block(
    chain: ChainId,
    before: hyperforge_primitives::bridge::StateCommitment,
    executed: &ExecutedBlock,
) -> hyperforge_circuits::ChunkPublicInputs {
    let slots = executed.witness.expand().unwrap();
    let start = ChunkState::block_start(chain, before);
    assert_eq!(CIRCUIT.shape().fit(&slots), slots.len(), "one chunk");
    let proof = CIRCUIT.prove(&start, &slots).unwrap();
    CIRCUIT.verify(&proof).unwrap();
    let public = proof.public_inputs().unwrap();
    let header = executed.block.header;
    assert_eq!(public.chain_id, chain.get());
    assert_eq!(public.state_root_before, before.root());
    assert_eq!(
        public.state_root_after, header.state_root,
        "the native state root"
    );
    assert_eq!(
        public.slots_hash_after, header.slots_hash,
        "the header's slots hash"
    );
    assert_eq!(public.priority_count, u64::from(header.priority_count));
    assert_eq!(public.imports_count, u64::from(header.import_count));
    assert_eq!(
        (public.value_out_after, public.value_in_after),
        (header.value_out, header.value_in),
        "the header's value flows"
    );
    assert_eq!(public.outbox_count_after, executed.outbox.len() as u64);
    assert_eq!(
        public.outbox_root_after,
        OutboxTree::from_entries(&executed.outbox).unwrap().root(),
        "the batch's outbox root"
    );
    public
}

#[test]
fn a_chunk_of_a_natively_executed_block_proves_the_native_roots_and_commitments() {
    let chain = ChainId::new(270).unwrap();
    let genesis = dev_genesis_ops(2, 1_000);
    let mut state = MemoryState::new();
    let block0 = genesis_block(&state, chain, &genesis).unwrap();
    state.commit_block(&block0.commit).unwrap();

    // Block 1: two L1 operations, then three signed transactions.
    let ops = [
        PriorityOp::Deposit {
            l1_sender: ACCOUNTS[5].address,
            recipient: ACCOUNTS[1].address,
            amount: Amount::from_gwei(40),
        },
        PriorityOp::RegisterKey {
            account: ACCOUNTS[2].address,
            pubkey_hash: dev_key(2).public_key().hash(),
        },
    ];
    let txs = [
        transfer(0, 0, ACCOUNTS[1].address, 100, chain),
        transfer(1, 0, Address::with_last_byte(0x77), 30, chain),
        sign(
            &dev_key(0),
            chain,
            ACCOUNTS[0].address,
            1,
            TxKind::Withdraw {
                l1_recipient: ACCOUNTS[0].address,
                amount: Amount::from_gwei(25),
            },
        ),
    ];
    let before = state.head().state;
    let mut builder = BlockBuilder::new(&state, chain).with_header(block0.block.hash(), 1);
    for op in &ops {
        builder.apply_priority(op).unwrap();
    }
    for tx in txs {
        builder.apply_tx(&VerifiedTx::verify(tx).unwrap()).unwrap();
    }
    let executed = builder.finish().unwrap();
    let public = prove_block(chain, before, &executed);
    assert_eq!(public.priority_count, 2);
    assert_eq!(
        public.priority_after,
        priority_commitment(*PRIORITY_SEED, &ops),
        "the bridge's queue commitment"
    );
    assert_eq!(public.outbox_count_after, 1);
}

#[test]
fn a_deposit_that_overflows_its_recipient_is_proven_failed_and_refunded() {
    // Account 0 holds `u64::MAX - 10`: a deposit of 20 to it fails (a failed receipt, no
    // credit) and is refunded to its L1 sender through the outbox; a deposit of 5 to account
    // 1 fits; then account 0 withdraws. The chunk proof shows the native state root (nothing
    // credited to account 0) and the outbox root over the refund, then the withdrawal.
    let chain = ChainId::new(270).unwrap();
    let mut state = MemoryState::new();
    let block0 = genesis_block(&state, chain, &dev_genesis_ops(2, u64::MAX - 10)).unwrap();
    state.commit_block(&block0.commit).unwrap();
    let ops = [
        PriorityOp::Deposit {
            l1_sender: ACCOUNTS[5].address,
            recipient: ACCOUNTS[0].address,
            amount: Amount::from_gwei(20),
        },
        PriorityOp::Deposit {
            l1_sender: ACCOUNTS[5].address,
            recipient: ACCOUNTS[1].address,
            amount: Amount::from_gwei(5),
        },
    ];
    let withdraw = sign(
        &dev_key(0),
        chain,
        ACCOUNTS[0].address,
        0,
        TxKind::Withdraw {
            l1_recipient: ACCOUNTS[0].address,
            amount: Amount::from_gwei(25),
        },
    );
    let before = state.head().state;
    let mut builder = BlockBuilder::new(&state, chain).with_header(block0.block.hash(), 1);
    let failed = builder.apply_priority(&ops[0]).unwrap().clone();
    assert!(failed.failure.is_some(), "the overflowing deposit fails");
    assert!(builder.apply_priority(&ops[1]).unwrap().failure.is_none());
    builder
        .apply_tx(&VerifiedTx::verify(withdraw).unwrap())
        .unwrap();
    let executed = builder.finish().unwrap();
    assert_eq!(
        executed.outbox[0],
        OutboxEntry::Withdrawal {
            sender: ACCOUNTS[0].address,
            l1_recipient: ACCOUNTS[5].address,
            amount: Amount::from_gwei(20),
        },
        "the refund, before the withdrawal"
    );
    let public = prove_block(chain, before, &executed);
    assert_eq!(public.priority_count, 2, "both consumed");
    assert_eq!(
        public.priority_after,
        priority_commitment(*PRIORITY_SEED, &ops)
    );
    assert_eq!(public.outbox_count_after, 2);
}

fn send(from: usize, nonce: u32, dst_chain: ChainId, recipient: Address, gwei: u64) -> SignedTx {
    sign(
        &dev_key(from),
        ChainId::new(271).unwrap(),
        ACCOUNTS[from].address,
        nonce,
        TxKind::SendMessage {
            dst_chain,
            recipient,
            value: Amount::from_gwei(gwei),
            payload: b"from chain 271".to_vec(),
        },
    )
}

#[test]
fn messages_sent_by_one_chain_and_executed_by_another_prove_the_native_roots_and_flows() {
    // Chain 271: dev account 0 sends 25 gwei to dev account 1 on chain 270 and 10 gwei to a
    // fresh address there; its chunk proves the outbox root and value out of the header.
    let (remote, target) = (ChainId::new(271).unwrap(), ChainId::new(270).unwrap());
    let (remote_state, genesis_hash) = chain_after_genesis(remote);
    let fresh = Address::with_last_byte(0x99);
    let before = remote_state.head().state;
    let mut builder = BlockBuilder::new(&remote_state, remote).with_header(genesis_hash, 1);
    for tx in [
        send(0, 0, target, ACCOUNTS[1].address, 25),
        send(0, 1, target, fresh, 10),
    ] {
        builder.apply_tx(&VerifiedTx::verify(tx).unwrap()).unwrap();
    }
    let sent = builder.finish().unwrap();
    let public = prove_block(remote, before, &sent);
    assert_eq!(public.value_out_after, Amount::from_gwei(35));
    let outbox = OutboxTree::from_entries(&sent.outbox).unwrap();

    // Chain 270: import chain 271's settled outbox root, a deposit, a transfer, then dev
    // account 0 relays both messages.
    let (mut state, genesis_hash) = chain_after_genesis(target);
    let before = state.head().state;
    let mut builder = BlockBuilder::new(&state, target).with_header(genesis_hash, 1);
    let root = outbox.root();
    assert_eq!(builder.apply_import(root).unwrap(), 0);
    builder
        .apply_priority(&PriorityOp::Deposit {
            l1_sender: ACCOUNTS[5].address,
            recipient: ACCOUNTS[0].address,
            amount: Amount::from_gwei(3),
        })
        .unwrap();
    builder
        .apply_tx(&VerifiedTx::verify(transfer(1, 0, ACCOUNTS[0].address, 1, target)).unwrap())
        .unwrap();
    for (leaf, entry) in sent.outbox.iter().enumerate() {
        let OutboxEntry::Message(message) = entry else {
            panic!("chain 271 sent messages only");
        };
        let siblings = outbox.proof(leaf).unwrap().siblings.try_into().unwrap();
        let tx = sign(
            &dev_key(0),
            target,
            ACCOUNTS[0].address,
            leaf as u32,
            TxKind::ExecuteMessage {
                message: message.clone(),
                import_index: 0,
                leaf_index: leaf as u16,
                siblings: Box::new(siblings),
            },
        );
        builder.apply_tx(&VerifiedTx::verify(tx).unwrap()).unwrap();
    }
    let executed = builder.finish().unwrap();
    let public = prove_block(target, before, &executed);
    assert_eq!(public.value_in_after, Amount::from_gwei(35));
    assert_eq!(
        public.imports_after,
        message_commitment(*MESSAGE_QUEUE_SEED, [&root]),
        "the bridge's message root queue commitment"
    );
    state.commit_block(&executed.commit).unwrap();
    let head = state.head().state;
    assert_eq!((head.imported_count, head.next_account_index), (1, 3));
    assert_eq!(head.root(), public.state_root_after);
}
