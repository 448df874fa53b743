//! A real settlement for the verified bridge, shared by the anvil test (`l1_verified.rs`) and
//! the gas benchmark (`benches/l1_verified.rs`): chains executed natively
//! (`circuits::test_utils::TestChain`: signed transfers and a withdrawal), each block proven
//! chunk by chunk with the chunk circuit of the example chains' `[prover.chunk]` shape, each
//! chain's block sealed as its batch 1 (batch proof), the batches aggregated into one
//! settlement proof and shrunk to the final proof the bridge's `PlonkyVerifier` checks. The
//! recursion circuits come from the circuit cache (`$HYPERFORGE_CIRCUIT_CACHE`, default
//! `~/.cache/hyperforge/circuits`, the one `cargo xtask contracts verifier` fills).

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};

use hyperforge_circuits::recursion::cache::Circuits;
use hyperforge_circuits::recursion::{CircuitCache, FinalProof, RecursionCircuits};
use hyperforge_circuits::test_utils::{TestChain, test_address, transfer, withdraw};
use hyperforge_circuits::{ChunkShape, ChunkState};
use hyperforge_config::ChainConfigLoader;
use hyperforge_primitives::block::pubdata_commitment;
use hyperforge_primitives::bridge::{BatchPublicInputs, Digest};
use hyperforge_primitives::{Address, Amount, ChainId};

/// Genesis balances of every chain's test accounts, in gwei.
pub(crate) const GENESIS_GWEI: [u64; 3] = [1_000_000, 50_000, 7_000];

/// One chain of the settlement, as the bridge registers it.
pub(crate) struct SettledChain {
    /// The chain.
    pub(crate) chain_id: ChainId,
    /// Its genesis state root (what `registerChain` records).
    pub(crate) genesis_root: Digest,
    /// The ETH behind its genesis balances.
    pub(crate) backing: Amount,
}

/// Batches of several chains and the final proof of their settlement.
pub(crate) struct RealSettlement {
    /// The chains, in settlement order.
    pub(crate) chains: Vec<SettledChain>,
    /// Each chain's batch 1, in settlement order.
    pub(crate) batches: Vec<BatchPublicInputs>,
    /// The final proof over them.
    pub(crate) proof: FinalProof,
    /// The circuits it was made with (the final circuit's common data lays it out).
    pub(crate) circuits: RecursionCircuits,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The circuit cache `cargo xtask contracts verifier` uses.
pub(crate) fn circuit_cache() -> CircuitCache {
    let dir = std::env::var_os("HYPERFORGE_CIRCUIT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME or HYPERFORGE_CIRCUIT_CACHE"))
                .join(".cache/hyperforge/circuits")
        });
    CircuitCache::new(dir)
}

/// The example chain alpha's `[prover.chunk]`: the shape the committed verifier is for.
pub(crate) fn chunk_shape() -> ChunkShape {
    let alpha = ChainConfigLoader::new(root().join("chains/alpha"))
        .with_env(false)
        .load()
        .unwrap();
    let slots = alpha.prover.chunk;
    ChunkShape {
        import_slots: slots.import_slots as usize,
        priority_slots: slots.priority_slots as usize,
        tx_slots: slots.tx_slots as usize,
        execute_slots: slots.execute_slots as usize,
    }
}

/// Executes and proves one block on each of `chains` chains (ids 270, 271, ...): a transfer
/// to account 1, and on the first chain also a withdrawal (a non-empty outbox), each block
/// its chain's batch 1; then the settlement of those batches and its final proof.
pub(crate) fn prove(chains: usize) -> RealSettlement {
    let Circuits {
        chunk,
        recursion: circuits,
    } = Circuits::load_or_build(chunk_shape(), &circuit_cache()).unwrap();
    let mut settled = Vec::new();
    let mut batches = Vec::new();
    let mut batch_proofs = Vec::new();
    for i in 0..chains {
        let chain_id = ChainId::new(270 + i as u64).unwrap();
        let mut chain = TestChain::new(chain_id, &GENESIS_GWEI);
        let genesis = chain.state;
        let mut txs = vec![transfer(chain_id, 0, 0, test_address(1), 100 + i as u64)];
        if i == 0 {
            txs.push(withdraw(chain_id, 1, 0, Address::repeat_byte(0x77), 2_000));
        }
        let block = chain.block(&txs).unwrap();
        let slots = block.witness.expand().unwrap();
        let start = ChunkState::block_start(chain_id, genesis);
        let mut at = start.clone();
        let mut chunks = Vec::new();
        for part in chunk.shape().split(&slots).unwrap() {
            chunks.push(chunk.prove(&at, part).unwrap());
            at = at.after(part).unwrap();
        }
        let inputs = BatchPublicInputs {
            chain_id,
            batch_number: 1,
            old_state_root: genesis.root(),
            new_state_root: chain.state.root(),
            priority_ops_count: 0,
            priority_commitment_before: start.priority_commitment,
            priority_commitment_after: at.priority_commitment,
            imports_count: 0,
            imports_commitment_before: start.imports_commitment,
            imports_commitment_after: at.imports_commitment,
            outbox_root: at.outbox_root().unwrap(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: pubdata_commitment(&[block.slots_hash]),
        };
        let proof = circuits.batch.prove_batch(&chunks, 1).unwrap();
        assert_eq!(
            proof.public_inputs(),
            inputs.to_elements(),
            "the batch proof exposes the native batch public inputs"
        );
        settled.push(SettledChain {
            chain_id,
            genesis_root: genesis.root(),
            backing: Amount::from_gwei(GENESIS_GWEI.iter().sum()),
        });
        batches.push(inputs);
        batch_proofs.push(proof);
    }
    let proof = circuits.prove_final(&batch_proofs).unwrap();
    circuits.shrink.verify(&proof).unwrap();
    RealSettlement {
        chains: settled,
        batches,
        proof,
        circuits,
    }
}
