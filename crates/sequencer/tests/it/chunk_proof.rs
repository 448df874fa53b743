//! The block circuit agrees with the real state transition: a block executed by
//! `execution::BlockBuilder` (deposits, a key registration, transfers to a known and to a new
//! account, a withdrawal) is proven as one chunk from its witness, and the proof's public
//! outputs are the native state root, slots hash, priority commitment and outbox root.

use hyperforge_circuits::{ChunkCircuit, ChunkShape, ChunkState};
use hyperforge_execution::{
    BlockBuilder, VerifiedTx,
    genesis::genesis_block,
    test_utils::{dev_genesis_ops, dev_key, sign, transfer},
};
use hyperforge_primitives::{
    Address, Amount, ChainId,
    bridge::{OutboxTree, PRIORITY_SEED, priority_commitment},
    dev::ACCOUNTS,
    tx::{PriorityOp, TxKind},
};
use hyperforge_state::{MemoryState, StateCommit, StateProvider};

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
    let slots = executed.witness.expand().unwrap();

    let circuit = ChunkCircuit::build(ChunkShape {
        priority_slots: 2,
        tx_slots: 3,
    });
    let start = ChunkState::block_start(chain, before);
    let proof = circuit.prove(&start, &slots).unwrap();
    circuit.verify(&proof).unwrap();
    let public = proof.public_inputs().unwrap();

    let header = executed.block.header;
    assert_eq!(public.chain_id, 270);
    assert_eq!(public.state_root_before, before.root());
    assert_eq!(
        public.state_root_after, header.state_root,
        "the native state root"
    );
    assert_eq!(
        public.slots_hash_after, header.slots_hash,
        "the header's slots hash"
    );
    assert_eq!(public.priority_count, 2);
    assert_eq!(
        public.priority_after,
        priority_commitment(*PRIORITY_SEED, &ops),
        "the bridge's queue commitment"
    );
    assert_eq!(public.outbox_count_after, 1);
    assert_eq!(
        public.outbox_root_after,
        OutboxTree::from_entries(&executed.outbox).unwrap().root(),
        "the batch's outbox root"
    );
}
