//! Real proofs, made once per test binary: three small chains executed natively
//! (`circuits::test_utils::TestChain`), proven chunk by chunk and aggregated into batch
//! proofs, with the public inputs a sequencer would seal, checked against the proofs.
//!
//! - alpha (270): batch 1 = a deposit (from dev account 1, 40 gwei) and a transfer; batch 2
//!   = a transfer.
//! - beta (271): batch 1 and batch 2, a transfer each.
//! - gamma (272): batch 1 = the import of [`GAMMA_IMPORT`] (a message root the bridge's
//!   queue must hold) and a transfer.
//!
//! Final proofs are made through [`SharedProofs`], which proves each distinct list of
//! batches once and hands the same (real, natively re-verified by the settler) proof to
//! every test that settles the same list: CI time is the constraint. One lock keeps two
//! provers from running at once.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use hyperforge_circuits::recursion::{BatchProof, CircuitCache, FinalProof, RecursionCircuits};
use hyperforge_circuits::test_utils::{TestChain, test_address, transfer};
use hyperforge_circuits::{ChunkCircuit, ChunkProof, ChunkShape, ChunkState, CircuitError};
use hyperforge_primitives::block::{pubdata_commitment, slots_hash_seed};
use hyperforge_primitives::bridge::{BatchPublicInputs, Digest, F, hash_no_pad};
use hyperforge_primitives::tx::{PriorityOp, SignedTx};
use hyperforge_primitives::{Address, Amount, ChainId, dev::ACCOUNTS};
use hyperforge_settler::{Aggregator, ProvenBatch};
use plonky2::field::types::{Field, PrimeField64};

pub(crate) const ALPHA: u64 = 270;
pub(crate) const BETA: u64 = 271;
pub(crate) const GAMMA: u64 = 272;

/// The amount alpha's batch 1 deposits.
pub(crate) const DEPOSIT_GWEI: u64 = 40;

pub(crate) fn chain(id: u64) -> ChainId {
    ChainId::new(id).unwrap()
}

/// Who deposits into alpha on L1: anvil's dev account 1.
pub(crate) fn depositor() -> Address {
    ACCOUNTS[1].address
}

/// Alpha's deposit recipient.
pub(crate) fn deposit_recipient() -> Address {
    test_address(1)
}

/// The message root gamma's batch 1 imports.
pub(crate) static GAMMA_IMPORT: LazyLock<Digest> =
    LazyLock::new(|| hash_no_pad(&[F::from_canonical_u64(0x1337)]));

/// One slot of each kind the fixtures use: the smallest chunk circuit for them (2^10 rows).
const SHAPE: ChunkShape = ChunkShape {
    import_slots: 1,
    priority_slots: 1,
    tx_slots: 1,
    execute_slots: 0,
};

/// One prover at a time in this binary.
static PROVING: Mutex<()> = Mutex::new(());

fn proving() -> std::sync::MutexGuard<'static, ()> {
    PROVING.lock().unwrap_or_else(|e| e.into_inner())
}

static CHUNK: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    let _guard = proving();
    ChunkCircuit::build(SHAPE)
});

/// Every recursion circuit, built once (no cache: the binary builds them once anyway).
pub(crate) static CIRCUITS: LazyLock<Arc<RecursionCircuits>> = LazyLock::new(|| {
    let chunk = &*CHUNK;
    let _guard = proving();
    Arc::new(RecursionCircuits::build(chunk, &CircuitCache::disabled()).unwrap())
});

/// A chain's genesis state root and its proven batches, in order.
pub(crate) struct ChainFixture {
    pub(crate) genesis_root: Digest,
    pub(crate) batches: Vec<ProvenBatch>,
}

type Block = (Vec<Digest>, Vec<PriorityOp>, Vec<SignedTx>);

/// Executes `batches` (each a list of blocks) on `chain` and proves each batch.
fn prove_chain(mut chain: TestChain, batches: Vec<Vec<Block>>) -> ChainFixture {
    let circuits = &*CIRCUITS;
    let chunk = &*CHUNK;
    let _guard = proving();
    let genesis_root = chain.state.root();
    let chain_id = chain.chain_id;
    let mut end: Option<ChunkState> = None;
    let mut proven = Vec::new();
    for (index, blocks) in batches.into_iter().enumerate() {
        let number = index as u64 + 1;
        let start = match end.take() {
            // A batch starts where the last ended, with its own outbox and value flows.
            Some(end) => ChunkState {
                slots_hash: slots_hash_seed(),
                outbox: Vec::new(),
                value_out: Amount::ZERO,
                value_in: Amount::ZERO,
                ..end
            },
            None => ChunkState::block_start(chain_id, chain.state),
        };
        let mut at = start.clone();
        let mut chunks: Vec<ChunkProof> = Vec::new();
        let mut slots_hashes = Vec::new();
        let mut priority_ops_count = 0;
        let mut imports_count = 0;
        for (roots, ops, txs) in &blocks {
            let block = chain.block_full(roots, ops, txs).unwrap();
            priority_ops_count += ops.len() as u64;
            imports_count += roots.len() as u64;
            at = ChunkState {
                state: block.witness.state_before,
                slots_hash: slots_hash_seed(),
                ..at
            };
            let slots = block.witness.expand().unwrap();
            for part in chunk.shape().split(&slots).unwrap() {
                chunks.push(chunk.prove(&at, part).unwrap());
                at = at.after(part).unwrap();
            }
            assert_eq!(at.slots_hash, block.slots_hash);
            slots_hashes.push(block.slots_hash);
        }
        let inputs = BatchPublicInputs {
            chain_id,
            batch_number: number,
            old_state_root: start.state.root(),
            new_state_root: chain.state.root(),
            priority_ops_count,
            priority_commitment_before: start.priority_commitment,
            priority_commitment_after: at.priority_commitment,
            imports_count,
            imports_commitment_before: start.imports_commitment,
            imports_commitment_after: at.imports_commitment,
            outbox_root: at.outbox_root().unwrap(),
            value_out: at.value_out,
            value_in: at.value_in,
            pubdata_commitment: pubdata_commitment(&slots_hashes),
        };
        let proof = circuits.batch.prove_batch(&chunks, number).unwrap();
        assert_eq!(
            proof.public_inputs(),
            inputs.to_elements(),
            "the fixture's sealed inputs are the proof's"
        );
        proven.push(ProvenBatch {
            inputs,
            proof: proof.to_bytes(),
        });
        end = Some(at);
    }
    ChainFixture {
        genesis_root,
        batches: proven,
    }
}

pub(crate) static ALPHA_CHAIN: LazyLock<ChainFixture> = LazyLock::new(|| {
    let c = chain(ALPHA);
    let deposit = PriorityOp::Deposit {
        l1_sender: depositor(),
        recipient: deposit_recipient(),
        amount: Amount::from_gwei(DEPOSIT_GWEI),
    };
    prove_chain(
        TestChain::new(c, &[1000, 50, 7]),
        vec![
            vec![(
                vec![],
                vec![deposit],
                vec![transfer(c, 0, 0, test_address(1), 100)],
            )],
            vec![(vec![], vec![], vec![transfer(c, 1, 0, test_address(0), 5)])],
        ],
    )
});

pub(crate) static BETA_CHAIN: LazyLock<ChainFixture> = LazyLock::new(|| {
    let c = chain(BETA);
    prove_chain(
        TestChain::new(c, &[1000, 50, 7]),
        vec![
            vec![(
                vec![],
                vec![],
                vec![transfer(c, 0, 0, test_address(1), 100)],
            )],
            vec![(vec![], vec![], vec![transfer(c, 1, 0, test_address(2), 3)])],
        ],
    )
});

pub(crate) static GAMMA_CHAIN: LazyLock<ChainFixture> = LazyLock::new(|| {
    let c = chain(GAMMA);
    prove_chain(
        TestChain::new(c, &[1000, 50, 7]),
        vec![vec![(
            vec![*GAMMA_IMPORT],
            vec![],
            vec![transfer(c, 0, 0, test_address(2), 9)],
        )]],
    )
});

static FINAL_PROOFS: LazyLock<Mutex<HashMap<Vec<Vec<u64>>, FinalProof>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The real aggregation, once per distinct list of batches in this binary.
pub(crate) struct SharedProofs;

impl Aggregator for SharedProofs {
    fn aggregate(&self, batches: &[BatchProof]) -> Result<FinalProof, CircuitError> {
        let key: Vec<Vec<u64>> = batches
            .iter()
            .map(|b| {
                b.public_inputs()
                    .iter()
                    .map(|e| e.to_canonical_u64())
                    .collect()
            })
            .collect();
        if let Some(proof) = FINAL_PROOFS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(proof.clone());
        }
        let circuits = &*CIRCUITS;
        let proof = {
            let _guard = proving();
            circuits.prove_final(batches)?
        };
        FINAL_PROOFS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, proof.clone());
        Ok(proof)
    }
}

/// The final proof of `batches` (through [`SharedProofs`]).
pub(crate) fn final_proof_of(batches: &[&ProvenBatch]) -> FinalProof {
    let proofs: Vec<BatchProof> = batches
        .iter()
        .map(|b| BatchProof::from_bytes(b.proof.clone(), &CIRCUITS.batch).unwrap())
        .collect();
    SharedProofs.aggregate(&proofs).unwrap()
}
