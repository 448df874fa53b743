//! The chunk circuit on disk: [`ChunkCircuit::load_or_build`] reads a built chunk circuit
//! of a shape from a [`CircuitCache`], or builds and stores it.
//!
//! **What is stored.** The `CircuitData` (prover and verifier data), with
//! [`CustomGateSerializer`] and [`CustomGeneratorSerializer`] (every custom gate, gate
//! generator and hint), in the cache's file format (magic, length, checksum; the circuit
//! digest recomputed from the verifier data on load).
//!
//! **The witness targets are rebuilt, not stored.** The targets a witness sets (thousands
//! per slot, in nested per-slot structures) come from running the circuit's construction
//! again, without `build`: [`count_rows`](super::count_rows)' work, a small fraction of a
//! build (no FFTs, no commitment; a whole load of the 14-slot circuit takes 0.46 s against
//! a 2.8 s build). Construction is deterministic (targets are
//! numbered in creation order; plonky2's builder only looks up in its hash maps while
//! gates are added), so the rebuilt targets are the ones the stored circuit was built with,
//! as long as the code is the same; the key makes sure it is. Serializing the targets instead
//! would need a format for every slot's target structure, kept in step with the circuit by
//! hand, for no gain in safety: a target file can be as stale as a circuit file.
//!
//! **The key** ([`ChunkCircuit::cache_key`]): the four slot counts, the rows of the rebuilt
//! construction, [`CHUNK_CIRCUIT_VERSION`], the crate version (through [`CircuitKey`]), the
//! protocol constants the circuit bakes in (domain tags, tree depths), and a Poseidon digest
//! of the source of every file the circuit is built from ([`source_digest`]): any edit to the
//! circuit's code, even a comment, is another key, so a stale circuit is never read, only
//! rebuilt (the old file stays behind). What the key cannot see (a change in a dependency
//! such as plonky2's builder, or in a native hash of `hyperforge_primitives` the circuit
//! mirrors) needs a bump of [`CHUNK_CIRCUIT_VERSION`].
//!
//! **Checks on load.** Beyond the file's own checks, the loaded circuit must fit the rebuilt
//! targets: its public input targets are exactly the rebuilt ones (53, in order) and its
//! degree holds the rebuilt rows. A file that fails anything is a warning and a rebuild
//! (and the file is rewritten), never a panic and never a circuit used as is.

use std::sync::LazyLock;

use hyperforge_crypto::GFp;
use hyperforge_primitives::bridge::OUTBOX_DEPTH;
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::{
    ACCOUNT_TREE_DEPTH, IMPORTED_TREE_DEPTH, NULLIFIER_TREE_DEPTH,
};
use hyperforge_primitives::tx::Digest;
use plonky2::field::types::Field;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::circuit_data::CircuitData;
use plonky2::plonk::config::Hasher;

use super::{ChunkCircuit, ChunkShape, ChunkTargets, PUBLIC_INPUTS_PER_CHUNK, unbuilt};
use crate::error::CircuitError;
use crate::gates::{CustomGateSerializer, CustomGeneratorSerializer};
use crate::recursion::{CircuitCache, CircuitKey};
use crate::{Config, D};

/// Bumped whenever the chunk circuit changes in a way its key does not see (a dependency's
/// behaviour; see the module docs).
pub const CHUNK_CIRCUIT_VERSION: u64 = 1;

/// Every source file the chunk circuit is built from: the chunk and its slots, the gadgets,
/// the custom gates and their serializers.
const CIRCUIT_SOURCES: [(&str, &[u8]); 20] = [
    ("chunk.rs", include_bytes!("../chunk.rs")),
    ("chunk/credit.rs", include_bytes!("credit.rs")),
    ("chunk/import.rs", include_bytes!("import.rs")),
    ("chunk/priority.rs", include_bytes!("priority.rs")),
    ("chunk/tx.rs", include_bytes!("tx.rs")),
    ("account.rs", include_bytes!("../account.rs")),
    ("amount.rs", include_bytes!("../amount.rs")),
    ("bigint.rs", include_bytes!("../bigint.rs")),
    ("curve.rs", include_bytes!("../curve.rs")),
    ("gfp5.rs", include_bytes!("../gfp5.rs")),
    ("merkle.rs", include_bytes!("../merkle.rs")),
    ("schnorr.rs", include_bytes!("../schnorr.rs")),
    ("gates/mod.rs", include_bytes!("../gates/mod.rs")),
    ("gates/alg.rs", include_bytes!("../gates/alg.rs")),
    (
        "gates/curve_ops.rs",
        include_bytes!("../gates/curve_ops.rs"),
    ),
    (
        "gates/fixed_table.rs",
        include_bytes!("../gates/fixed_table.rs"),
    ),
    (
        "gates/generator.rs",
        include_bytes!("../gates/generator.rs"),
    ),
    (
        "gates/gfp5_mul_add.rs",
        include_bytes!("../gates/gfp5_mul_add.rs"),
    ),
    (
        "gates/range_check.rs",
        include_bytes!("../gates/range_check.rs"),
    ),
    (
        "gates/serialization.rs",
        include_bytes!("../gates/serialization.rs"),
    ),
];

/// A Poseidon digest of the source of every file the chunk circuit is built from (each
/// file's name and length, then its bytes four to an element), computed once.
pub fn source_digest() -> Digest {
    static DIGEST: LazyLock<Digest> = LazyLock::new(|| {
        let mut elements = Vec::new();
        for (name, bytes) in CIRCUIT_SOURCES {
            for part in [name.as_bytes(), bytes] {
                elements.push(GFp::from_canonical_u64(part.len() as u64));
                elements.extend(part.chunks(4).map(|word| {
                    let mut padded = [0u8; 4];
                    padded[..word.len()].copy_from_slice(word);
                    GFp::from_canonical_u32(u32::from_le_bytes(padded))
                }));
            }
        }
        PoseidonHash::hash_no_pad(&elements)
    });
    *DIGEST
}

/// The protocol constants the circuit bakes in as constants.
fn baked_constants() -> [u64; 16] {
    [
        domain::TX_TRANSFER,
        domain::TX_WITHDRAW,
        domain::TX_SEND_MESSAGE,
        domain::TX_EXECUTE_MESSAGE,
        domain::OP_DEPOSIT,
        domain::OP_REGISTER_KEY,
        domain::LEAF_WITHDRAWAL,
        domain::LEAF_MESSAGE,
        domain::ACCOUNT_LEAF,
        domain::NULLIFIER_LEAF,
        domain::IMPORTED_ROOT_LEAF,
        domain::STATE_ROOT,
        u64::from(ACCOUNT_TREE_DEPTH),
        u64::from(NULLIFIER_TREE_DEPTH),
        u64::from(IMPORTED_TREE_DEPTH),
        OUTBOX_DEPTH as u64,
    ]
}

impl ChunkCircuit {
    /// The cache key of the chunk circuit of `shape` whose construction has `rows` rows
    /// (see the module docs for what it covers).
    pub fn cache_key(shape: ChunkShape, rows: usize) -> CircuitKey {
        let mut key = CircuitKey::new("chunk")
            .number(CHUNK_CIRCUIT_VERSION)
            .number(shape.import_slots as u64)
            .number(shape.priority_slots as u64)
            .number(shape.tx_slots as u64)
            .number(shape.execute_slots as u64)
            .number(rows as u64)
            .digest(&source_digest());
        for constant in baked_constants() {
            key = key.number(constant);
        }
        key
    }

    /// The chunk circuit of `shape` from `cache` (the targets rebuilt, the rest read), or
    /// built and stored if the cache has no usable file for it: a missing file is silent,
    /// an unreadable or inconsistent one a warning, and both are rebuilt.
    pub fn load_or_build(shape: ChunkShape, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let (builder, targets, rows_by_part) = unbuilt(shape);
        let rows = builder.num_gates();
        let key = Self::cache_key(shape, rows);
        let data = match Self::read(cache, &key, &targets, rows) {
            Ok(Some(data)) => {
                tracing::debug!(target: "circuits::cache", file = key.file_name(), "chunk circuit loaded");
                data
            }
            found => {
                if let Err(error) = found {
                    tracing::warn!(target: "circuits::cache", %error, "rebuilding the chunk circuit");
                }
                let data = builder.build::<Config>();
                cache.store_with(
                    &key,
                    &data,
                    &CustomGateSerializer,
                    &CustomGeneratorSerializer::default(),
                );
                data
            }
        };
        Ok(Self {
            data,
            rows,
            rows_by_part,
            shape,
            targets,
        })
    }

    /// The chunk circuit of `shape` from `cache` only: `Ok(None)` if there is no file (or no
    /// cache directory), an error naming the file if it does not read back or does not fit
    /// the circuit's rebuilt targets. Builds nothing.
    pub fn try_load(shape: ChunkShape, cache: &CircuitCache) -> Result<Option<Self>, CircuitError> {
        let (builder, targets, rows_by_part) = unbuilt(shape);
        let rows = builder.num_gates();
        let key = Self::cache_key(shape, rows);
        Ok(Self::read(cache, &key, &targets, rows)?.map(|data| Self {
            data,
            rows,
            rows_by_part,
            shape,
            targets,
        }))
    }

    /// Reads `key`'s file and checks it fits the rebuilt targets.
    fn read(
        cache: &CircuitCache,
        key: &CircuitKey,
        targets: &ChunkTargets,
        rows: usize,
    ) -> Result<Option<CircuitData<GFp, Config, D>>, CircuitError> {
        let Some(data) = cache.try_load_with::<Config>(
            key,
            &CustomGateSerializer,
            &CustomGeneratorSerializer::default(),
        )?
        else {
            return Ok(None);
        };
        let unfit = |problem: String| CircuitError::CacheFile {
            path: cache.path(key).unwrap_or_default(),
            problem,
        };
        if data.common.num_public_inputs != PUBLIC_INPUTS_PER_CHUNK
            || data.prover_only.public_inputs != targets.public_inputs
        {
            return Err(unfit(
                "its public inputs are not the chunk circuit's targets (another circuit)".into(),
            ));
        }
        if data.common.degree() < rows {
            return Err(unfit(format!(
                "2^{} rows, fewer than the circuit's {rows}",
                data.common.degree_bits()
            )));
        }
        Ok(Some(data))
    }
}

#[cfg(test)]
mod tests;
