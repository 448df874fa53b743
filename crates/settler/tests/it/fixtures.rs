//! Real proofs for the whole binary: three small chains executed natively
//! (`circuits::test_utils::TestChain`), proven chunk by chunk and aggregated into batch
//! proofs, with the public inputs a sequencer would seal, checked against the proofs.
//!
//! - alpha (270): batch 1 = a deposit (from dev account 1, 40 gwei) and a transfer; batch 2
//!   = a transfer.
//! - beta (271): batch 1 and batch 2, a transfer each.
//! - gamma (272): batch 1 = the import of [`GAMMA_IMPORT`] (a message root the bridge's
//!   queue must hold) and a transfer.
//!
//! CI time is the constraint, so nothing is made twice. The circuits come from the shared
//! circuit cache ([`shared_cache_dir`], what the nodes and `cargo xtask contracts verifier`
//! use). Every proof (batch proofs, and through [`SharedProofs`] the final proof of each
//! distinct list of batches) is proven once per machine and kept under
//! `<circuit cache>/test-fixtures/settler/`, in a file named by a key over every circuit's
//! verifier digest and the statement proven: another circuit or another statement is another
//! file. A kept proof is used only if it decodes and verifies under the loaded circuits (and a
//! batch proof only if it states the natively computed inputs); otherwise it is proven again
//! and rewritten. The settler then checks every proof natively as it would any. One lock
//! keeps two provers from running at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use hyperforge_circuits::recursion::{
    BatchProof, CircuitCache, CircuitKey, FinalProof, RecursionCircuits,
};
use hyperforge_circuits::test_utils::{TestChain, shared_cache_dir, test_address, transfer};
use hyperforge_circuits::{
    ChunkCircuit, ChunkProof, ChunkShape, ChunkState, CircuitError, Circuits,
};
use hyperforge_primitives::block::{pubdata_commitment, slots_hash_seed};
use hyperforge_primitives::bridge::{BatchPublicInputs, Digest, F, hash_no_pad};
use hyperforge_primitives::tx::{PriorityOp, SignedTx};
use hyperforge_primitives::witness::ExpandedSlot;
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

/// The chunk circuit, every recursion circuit over it and their verifier digests.
struct Loaded {
    chunk: ChunkCircuit,
    recursion: Arc<RecursionCircuits>,
    digests: Vec<(&'static str, Vec<u8>)>,
}

static LOADED: LazyLock<Loaded> = LazyLock::new(|| {
    let _guard = proving();
    let cache = shared_cache_dir().map_or_else(CircuitCache::disabled, CircuitCache::new);
    let circuits = Circuits::load_or_build(SHAPE, &cache).unwrap();
    let digests = circuits.verifier_digests();
    Loaded {
        chunk: circuits.chunk,
        recursion: Arc::new(circuits.recursion),
        digests,
    }
});

/// Every recursion circuit, loaded (or built) once per binary.
pub(crate) static CIRCUITS: LazyLock<Arc<RecursionCircuits>> =
    LazyLock::new(|| LOADED.recursion.clone());

/// Where proofs are kept between runs; `None` without a circuit cache.
fn fixture_dir() -> Option<PathBuf> {
    shared_cache_dir().map(|dir| dir.join("test-fixtures/settler"))
}

/// The file of a `kind` proof of `statement` under the loaded circuits.
fn fixture_path(kind: &str, statement: &[F]) -> Option<PathBuf> {
    let mut key = CircuitKey::new("settler-fixture").part(kind);
    for (name, digest) in &LOADED.digests {
        key = key.bytes(name.as_bytes()).bytes(digest);
    }
    for element in statement {
        key = key.number(element.to_canonical_u64());
    }
    Some(fixture_dir()?.join(key.file_name()))
}

/// The kept `kind` proof of `statement` if `accept` takes its bytes; else `prove`'s, whose
/// bytes (if any) are kept for the next run.
fn kept_or_proven<P>(
    kind: &str,
    statement: &[F],
    accept: impl Fn(Vec<u8>) -> Option<P>,
    prove: impl FnOnce() -> (P, Option<Vec<u8>>),
) -> P {
    let path = fixture_path(kind, statement);
    if let Some(path) = &path
        && let Ok(bytes) = std::fs::read(path)
    {
        if let Some(proof) = accept(bytes) {
            return proof;
        }
        eprintln!("{}: not a valid proof, proving again", path.display());
    }
    let (proof, bytes) = prove();
    if let (Some(path), Some(bytes)) = (&path, bytes) {
        // Written aside and renamed: a reader never sees half a file. A failure to keep it
        // only costs the next run the proving.
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let kept = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&temporary, &bytes))
            .and_then(|()| std::fs::rename(&temporary, path));
        if let Err(error) = kept {
            eprintln!("{}: not kept ({error})", path.display());
        }
    }
    proof
}

/// A chain's genesis state root and its proven batches, in order.
pub(crate) struct ChainFixture {
    pub(crate) genesis_root: Digest,
    pub(crate) batches: Vec<ProvenBatch>,
}

type Block = (Vec<Digest>, Vec<PriorityOp>, Vec<SignedTx>);

/// Executes `batches` (each a list of blocks) on `chain` and proves each batch.
fn prove_chain(mut chain: TestChain, batches: Vec<Vec<Block>>) -> ChainFixture {
    let genesis_root = chain.state.root();
    let chain_id = chain.chain_id;
    let chunk = &LOADED.chunk;
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
        // Natively first: each chunk's start and slots, and the sealed inputs.
        let mut at = start.clone();
        let mut parts: Vec<(ChunkState, Vec<ExpandedSlot>)> = Vec::new();
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
                parts.push((at.clone(), part.to_vec()));
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
        let sealed = inputs.to_elements();
        let batch = &CIRCUITS.batch;
        let proof = kept_or_proven(
            "batch",
            &sealed,
            |bytes| {
                let proof = BatchProof::from_bytes(bytes.clone(), batch).ok()?;
                batch.verify(&proof).ok()?;
                (proof.public_inputs() == sealed).then_some(bytes)
            },
            || {
                let _guard = proving();
                let chunks: Vec<ChunkProof> = parts
                    .iter()
                    .map(|(at, part)| chunk.prove(at, part).unwrap())
                    .collect();
                let proof = batch.prove_batch(&chunks, number).unwrap();
                let bytes = proof.to_bytes();
                (bytes.clone(), Some(bytes))
            },
        );
        let decoded = BatchProof::from_bytes(proof.clone(), batch).unwrap();
        assert_eq!(
            decoded.public_inputs(),
            sealed,
            "the fixture's sealed inputs are the proof's"
        );
        proven.push(ProvenBatch { inputs, proof });
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

static FINAL_PROOFS: LazyLock<Mutex<HashMap<Vec<F>, FinalProof>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The real aggregation, once per distinct list of batches (and kept between runs).
pub(crate) struct SharedProofs;

impl Aggregator for SharedProofs {
    fn aggregate(&self, batches: &[BatchProof]) -> Result<FinalProof, CircuitError> {
        let statement: Vec<F> = batches
            .iter()
            .flat_map(|b| b.public_inputs().iter().copied())
            .collect();
        // Held while proving: two tests settling the same list wait for one proof.
        let mut proofs = FINAL_PROOFS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(proof) = proofs.get(&statement) {
            return Ok(proof.clone());
        }
        let shrink = &CIRCUITS.shrink;
        let mut failure = None;
        let proof = kept_or_proven(
            "final",
            &statement,
            |bytes| {
                let proof = FinalProof::from_bytes(bytes, shrink).ok()?;
                shrink.verify(&proof).ok().map(|()| Some(proof))
            },
            || {
                let _guard = proving();
                match CIRCUITS.prove_final(batches) {
                    Ok(proof) => {
                        let bytes = proof.to_bytes();
                        (Some(proof), Some(bytes))
                    }
                    Err(error) => {
                        failure = Some(error);
                        (None, None)
                    }
                }
            },
        );
        let Some(proof) = proof else {
            return Err(failure.expect("a failed aggregation says why"));
        };
        proofs.insert(statement, proof.clone());
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
