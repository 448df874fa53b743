//! Recursion tests over real chunk proofs of natively executed blocks: batch proofs of 1, 2,
//! 3 and 5 chunks expose the native batch public inputs; settlement proofs of 2 and 3
//! batches (two chains, consecutive batches of one) state the native settlement
//! commitment, and the final proof verifies; each lie fails to prove or to verify. Every
//! circuit is built once for the test binary (into a temporary cache, which the cache test
//! then loads).

use std::sync::LazyLock;

use hyperforge_primitives::block::{pubdata_commitment, slots_hash_seed};
use hyperforge_primitives::bridge::{
    BatchPublicInputs, OutboxTree, PRIORITY_SEED, settlement_commitment,
};
use hyperforge_primitives::tx::{Digest, PriorityOp};
use hyperforge_primitives::{Address, Amount, ChainId};

use super::batch::pubdata_seed;
use super::*;
use crate::test_utils::{TestChain, test_address, transfer, withdraw};
use crate::{ChunkProof, ChunkShape, ChunkState};

/// One priority slot and one transaction slot: the smallest chunk with both kinds.
static CHUNK: LazyLock<ChunkCircuit> = LazyLock::new(|| {
    ChunkCircuit::build(ChunkShape {
        priority_slots: 1,
        tx_slots: 1,
    })
});

static CACHE_DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a temporary directory"));

static CIRCUITS: LazyLock<RecursionCircuits> = LazyLock::new(|| {
    RecursionCircuits::build(&CHUNK, &CircuitCache::new(CACHE_DIR.path())).expect("circuits")
});

#[test]
fn every_tree_step_has_the_leaf_common_data_at_2_13_rows_and_standard_gates_only() {
    let circuits = &*CIRCUITS;
    for (leaf, step) in [
        (&circuits.batch.leaf, &circuits.batch.step),
        (&circuits.settlement.leaf, &circuits.settlement.step),
    ] {
        assert_eq!(leaf.common, step.common, "one shape at every level");
        assert_eq!(step.common.degree_bits(), tree::STEP_DEGREE_BITS);
    }
    let custom = [
        "DoubleGate",
        "AddAffine",
        "FixedTable",
        "GFp5MulAdd",
        "RangeCheck",
    ];
    for data in [
        &circuits.batch.leaf.common,
        &circuits.batch.root.common,
        &circuits.settlement.step.common,
        &circuits.settlement.root.common,
        &circuits.shrink.high_rate.common,
        &circuits.shrink.final_circuit.common,
    ] {
        for gate in &data.gates {
            let id = gate.0.id();
            assert!(!custom.iter().any(|c| id.contains(c)), "custom gate {id}");
        }
    }
}
