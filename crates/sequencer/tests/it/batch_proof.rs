//! The batch proof agrees with the real batcher: transfers go through a running sequencer,
//! its blocks (from `hf_getBlock`) are re-executed with `execution::BlockBuilder` to get
//! their witnesses, proven chunk by chunk, aggregated into one batch proof, and the proof's
//! public inputs are exactly the sealed batch's (`hf_getBatch`), as `Bridge.settle` would
//! rebuild them.

use hyperforge_circuits::recursion::{BatchCircuits, CircuitCache};
use hyperforge_circuits::{ChunkCircuit, ChunkShape, ChunkState};
use hyperforge_execution::{BlockBuilder, VerifiedTx, test_utils::transfer};
use hyperforge_primitives::{
    block::{Slot, slots_hash_seed},
    dev::ACCOUNTS,
};
use hyperforge_sequencer::api::HfApiClient;
use hyperforge_state::{MemoryState, StateCommit, StateProvider};

use crate::common::{all_blocks, config, data_dir, raw, start, wait_included};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_proof_of_a_sealed_batch_exposes_its_public_inputs() {
    let root = tempfile::tempdir().unwrap();
    let config = config(&["sequencer.batch_blocks=2", "sequencer.max_block_txs=2"]);
    let chain = config.chain.chain_id;
    let node = start(config, &data_dir(&root)).await;
    let client = &node.client;
    let mut hashes = Vec::new();
    for (from, to) in [(0, 1), (1, 9), (2, 0)] {
        let tx = transfer(from, 0, ACCOUNTS[to].address, 3 + from as u64, chain);
        hashes.push(client.send_transaction(raw(&tx)).await.unwrap());
    }
    wait_included(client, &hashes).await;
    let blocks = all_blocks(client).await;
    let head = blocks.last().unwrap().header.number;
    // The first sealed batch holding a transaction.
    let mut sealed = None;
    for number in 1..=head / 2 {
        let batch = client.get_batch(number).await.unwrap().unwrap();
        let holds_tx = (batch.first_block..=batch.last_block).any(|block| {
            blocks[block as usize]
                .slots
                .iter()
                .any(|slot| matches!(slot, Slot::Tx(_)))
        });
        if holds_tx {
            sealed = Some(batch);
            break;
        }
    }
    let batch = sealed.expect("a sealed batch with a transaction");
    node.handle.shutdown().await.unwrap();

    // Re-execute from genesis; keep the witnesses of the batch's blocks.
    let shape = ChunkShape {
        import_slots: 0,
        priority_slots: 1,
        tx_slots: 2,
        execute_slots: 0,
    };
    let chunk_circuit = ChunkCircuit::build(shape);
    let mut state = MemoryState::new();
    let mut chunks = Vec::new();
    let mut at: Option<ChunkState> = None;
    for block in &blocks[..=batch.last_block as usize] {
        let header = &block.header;
        let mut builder =
            BlockBuilder::new(&state, chain).with_header(header.parent_hash, header.timestamp_ms);
        for slot in &block.slots {
            match slot {
                Slot::Tx(tx) => {
                    builder
                        .apply_tx(&VerifiedTx::verify((**tx).clone()).unwrap())
                        .unwrap();
                }
                Slot::Priority(op) if header.number == 0 => {
                    builder.apply_genesis(op).unwrap();
                }
                Slot::Priority(op) => {
                    builder.apply_priority(op).unwrap();
                }
                Slot::Import(root) => {
                    builder.apply_import(*root).unwrap();
                }
            }
        }
        let executed = builder.finish().unwrap();
        assert_eq!(executed.block.header, *header, "the replay agrees");
        if header.number >= batch.first_block {
            let before = executed.witness.state_before;
            let mut start = match at.take() {
                Some(end) => ChunkState {
                    state: before,
                    slots_hash: slots_hash_seed(),
                    ..end
                },
                None => ChunkState::block_start(chain, before),
            };
            let expanded = executed.witness.expand().unwrap();
            for slots in shape.split(&expanded).unwrap() {
                chunks.push(chunk_circuit.prove(&start, slots).unwrap());
                start = start.after(slots).unwrap();
            }
            at = Some(start);
        }
        state.commit_block(&executed.commit).unwrap();
        assert_eq!(state.head().state.root(), header.state_root);
    }

    let circuits = BatchCircuits::build(&chunk_circuit, &CircuitCache::disabled()).unwrap();
    let proof = circuits.prove_batch(&chunks, batch.number).unwrap();
    circuits.verify(&proof).unwrap();
    let expected = batch.public_inputs.to_inputs().unwrap();
    assert_eq!(
        proof.public_inputs(),
        expected.to_elements(),
        "the sealed batch {expected:?}"
    );
}
