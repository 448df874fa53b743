//! The chunk circuit's cache: every generator of a real chunk circuit round-trips; a
//! circuit read from the cache proves a chunk that the freshly built circuit verifies (same
//! digest); a corrupt, truncated, inconsistent or stale file is refused and rebuilt; every
//! parameter of the key changes the file.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use hyperforge_primitives::ChainId;
use plonky2::iop::generator::WitnessGeneratorRef;
use plonky2::util::serialization::{Buffer, WitnessGeneratorSerializer};

use super::*;
use crate::ChunkState;
use crate::gates::generator_ids;
use crate::recursion::cache::{decode_with, encode_with};
use crate::test_utils::{TestChain, test_address, transfer};

/// One import, one priority and one transaction slot: every hint of the chunk circuit.
const SHAPE: ChunkShape = ChunkShape {
    import_slots: 1,
    priority_slots: 1,
    tx_slots: 1,
    execute_slots: 0,
};

static FRESH: LazyLock<ChunkCircuit> = LazyLock::new(|| ChunkCircuit::build(SHAPE));

/// A cache in a new temporary directory holding `FRESH` under its key.
fn cache_with_fresh() -> (tempfile::TempDir, CircuitCache, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cache = CircuitCache::new(dir.path());
    let key = ChunkCircuit::cache_key(SHAPE, FRESH.rows);
    cache
        .try_store_with(
            &key,
            &FRESH.data,
            &CustomGateSerializer,
            &CustomGeneratorSerializer::default(),
        )
        .unwrap();
    let path = cache.path(&key).unwrap();
    assert!(path.exists());
    (dir, cache, path)
}

/// Proves a block of one transfer with `prover`; the proof and its native end.
fn prove_transfer(prover: &ChunkCircuit) -> (crate::ChunkProof, ChunkState) {
    let chain_id = ChainId::new(270).unwrap();
    let mut chain = TestChain::new(chain_id, &[1_000, 1_000]);
    let block = chain
        .block(&[transfer(chain_id, 0, 0, test_address(1), 7)])
        .unwrap();
    let slots = block.witness.expand().unwrap();
    let start = ChunkState::block_start(chain_id, block.witness.state_before);
    let end = start.after(&slots).unwrap();
    (prover.prove(&start, &slots).unwrap(), end)
}

fn write_generator(generator: &WitnessGeneratorRef<GFp, D>) -> Vec<u8> {
    let mut bytes = Vec::new();
    CustomGeneratorSerializer::default()
        .write_generator(&mut bytes, generator, &FRESH.data.common)
        .unwrap();
    bytes
}

#[test]
fn every_generator_of_the_chunk_circuit_round_trips() {
    // The first generator of each id (with its real targets and hint data).
    let mut first: BTreeMap<String, &WitnessGeneratorRef<GFp, D>> = BTreeMap::new();
    for generator in &FRESH.data.prover_only.generators {
        first.entry(generator.0.id()).or_insert(generator);
    }
    let known: HashSet<String> = generator_ids().into_iter().collect();
    for (id, generator) in &first {
        assert!(known.contains(id), "{id} is not in the serializer");
        let bytes = write_generator(generator);
        let read = CustomGeneratorSerializer::default()
            .read_generator(&mut Buffer::new(&bytes), &FRESH.data.common)
            .unwrap();
        assert_eq!(&read.0.id(), id);
        assert_eq!(read.0.watch_list(), generator.0.watch_list(), "{id}");
        assert_eq!(write_generator(&read), bytes, "{id}: the same bytes again");
    }
    // Every custom generator of the chunk circuit was exercised.
    for id in [
        "hyperforge::DoubleGenerator",
        "hyperforge::AddAffine2Generator",
        "hyperforge::FixedTableGenerator",
        "GFp5MulAddGenerator",
        "hyperforge::RangeCheckGenerator",
        "hyperforge::AmountCarryHint",
        "hyperforge::CarryHint",
        "hyperforge::DecodeHint",
        "hyperforge::DivisionHint",
        "hyperforge::U64LimbsHint",
        "hyperforge::ScalarHint",
        "hyperforge::InverseHint",
    ] {
        assert!(first.contains_key(id), "the chunk circuit has no {id}");
    }
}

#[test]
fn a_cached_chunk_circuit_proves_what_the_fresh_one_verifies() {
    let (_dir, cache, _) = cache_with_fresh();
    let loaded = ChunkCircuit::try_load(SHAPE, &cache)
        .unwrap()
        .expect("the file is there");
    assert_eq!(loaded.data.verifier_only, FRESH.data.verifier_only);
    assert_eq!(loaded.data.common, FRESH.data.common);
    assert_eq!((loaded.rows, loaded.shape()), (FRESH.rows, SHAPE));
    // The loaded circuit's prover with the rebuilt targets: a proof the fresh one accepts.
    let (proof, end) = prove_transfer(&loaded);
    FRESH.verify(&proof).unwrap();
    let inputs = proof.public_inputs().unwrap();
    assert_eq!(inputs.state_root_after, end.state.root());
    assert_eq!(inputs.slots_hash_after, end.slots_hash);
    // And load_or_build takes the file as it is.
    let again = ChunkCircuit::load_or_build(SHAPE, &cache).unwrap();
    assert_eq!(again.data.verifier_only, FRESH.data.verifier_only);
}

#[test]
fn a_corrupt_file_is_refused_and_rebuilt() {
    let (_dir, cache, path) = cache_with_fresh();
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let error = ChunkCircuit::try_load(SHAPE, &cache).unwrap_err();
    assert!(error.to_string().contains("checksum"), "{error}");
    // Truncated: refused too.
    let good = encode_with(
        &FRESH.data,
        &CustomGateSerializer,
        &CustomGeneratorSerializer::default(),
    )
    .unwrap();
    std::fs::write(&path, &good[..good.len() - 100]).unwrap();
    let error = ChunkCircuit::try_load(SHAPE, &cache).unwrap_err();
    assert!(error.to_string().contains("truncated"), "{error}");
    // load_or_build warns, rebuilds the same circuit and rewrites the file.
    let rebuilt = ChunkCircuit::load_or_build(SHAPE, &cache).unwrap();
    assert_eq!(rebuilt.data.verifier_only, FRESH.data.verifier_only);
    let reloaded = ChunkCircuit::try_load(SHAPE, &cache).unwrap().unwrap();
    assert_eq!(reloaded.data.verifier_only, FRESH.data.verifier_only);
}

#[test]
fn a_file_whose_digest_is_not_its_verifier_data_is_refused() {
    let (_dir, cache, path) = cache_with_fresh();
    let serializers = (&CustomGateSerializer, &CustomGeneratorSerializer::default());
    let bytes = std::fs::read(&path).unwrap();
    let mut data: CircuitData<GFp, Config, D> =
        decode_with(&bytes, serializers.0, serializers.1).unwrap();
    // A well-formed file (valid checksum) that claims another circuit digest.
    data.verifier_only.circuit_digest.elements[0] += GFp::ONE;
    std::fs::write(
        &path,
        encode_with(&data, serializers.0, serializers.1).unwrap(),
    )
    .unwrap();
    let error = ChunkCircuit::try_load(SHAPE, &cache).unwrap_err();
    assert!(error.to_string().contains("digest"), "{error}");
}

#[test]
fn another_circuit_under_the_key_is_refused_and_rebuilt() {
    // An empty chunk's circuit (cheap to build) in the file of `SHAPE`'s key.
    let (_dir, cache, path) = cache_with_fresh();
    let other =
        ChunkCircuit::load_or_build(ChunkShape::default(), &CircuitCache::disabled()).unwrap();
    std::fs::write(
        &path,
        encode_with(
            &other.data,
            &CustomGateSerializer,
            &CustomGeneratorSerializer::default(),
        )
        .unwrap(),
    )
    .unwrap();
    let error = ChunkCircuit::try_load(SHAPE, &cache).unwrap_err();
    assert!(error.to_string().contains("public inputs"), "{error}");
}

#[test]
fn every_parameter_of_the_key_changes_the_file() {
    let base = ChunkCircuit::cache_key(SHAPE, 1000).file_name();
    assert_eq!(ChunkCircuit::cache_key(SHAPE, 1000).file_name(), base);
    assert!(base.starts_with("chunk-"));
    let mut names = HashSet::from([base]);
    for shape in [
        ChunkShape {
            import_slots: 2,
            ..SHAPE
        },
        ChunkShape {
            priority_slots: 2,
            ..SHAPE
        },
        ChunkShape {
            tx_slots: 2,
            ..SHAPE
        },
        ChunkShape {
            execute_slots: 1,
            ..SHAPE
        },
    ] {
        assert!(names.insert(ChunkCircuit::cache_key(shape, 1000).file_name()));
    }
    assert!(names.insert(ChunkCircuit::cache_key(SHAPE, 1001).file_name()));
    // With no directory nothing is read and the circuit is built.
    assert!(
        ChunkCircuit::try_load(SHAPE, &CircuitCache::disabled())
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_source_digest_covers_every_circuit_file() {
    let names: Vec<&str> = CIRCUIT_SOURCES.iter().map(|(name, _)| *name).collect();
    for file in [
        "chunk/tx.rs",
        "schnorr.rs",
        "gates/curve_ops.rs",
        "gates/serialization.rs",
    ] {
        assert!(names.contains(&file), "{file}");
    }
    assert!(CIRCUIT_SOURCES.iter().all(|(_, bytes)| !bytes.is_empty()));
    assert_eq!(source_digest(), source_digest());
}
