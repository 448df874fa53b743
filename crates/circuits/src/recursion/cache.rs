//! The circuit cache: building a recursion circuit costs about as much as proving with it,
//! so each built `CircuitData` (prover and verifier data) is written to a directory under a
//! [`CircuitKey`] and read back on the next start.
//!
//! A key is a Poseidon digest over the circuit's name, [`CACHE_VERSION`], the crate version
//! and whatever the circuit is built from (the verifier digests of the circuits it verifies,
//! their degree): a changed parameter or inner circuit is another key, so a stale file is
//! never read, only left behind. The file is `<name>-<key hex>.bin`, written to a temporary
//! file and renamed into place. A file that does not read back (truncated, corrupt, of
//! another plonky2) is an error naming it ([`CircuitCache::try_load`]); [`CircuitCache::load`]
//! logs that error as a warning and the circuit is rebuilt and the file rewritten, never a
//! panic.
//!
//! The recursion circuits use plonky2's standard gates and generators only (custom gates
//! stay in the chunk circuit), so plonky2's `DefaultGateSerializer` and
//! `DefaultGeneratorSerializer` cover them; no `*_or_dummy` helper is used (its
//! `DummyProofGenerator` would serialize its dummy circuit with the default serializer).
//! The chunk circuit is stored with the `*_with` functions and the custom serializers
//! ([`crate::gates::CustomGateSerializer`], [`crate::gates::CustomGeneratorSerializer`]):
//! see [`crate::ChunkCircuit::load_or_build`].
//!
//! Beyond the checksum, a file must be internally consistent to load: its verifier data's
//! circuit digest is recomputed from the constants-and-sigmas cap and the degree (as
//! plonky2's build computes it) and must equal both stored digests, so a file whose verifier
//! data and prover data disagree is refused rather than used.
//!
//! [`Circuits`] bundles the chunk circuit of a shape and every recursion circuit over it,
//! all loaded or built through one cache: what a prover node, the coordinator and the
//! settler load at startup.

use std::path::{Path, PathBuf};

use hyperforge_crypto::GFp;
use hyperforge_primitives::tx::Digest;
use plonky2::field::types::Field;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::circuit_data::CircuitData;
use plonky2::plonk::config::{GenericConfig, GenericHashOut, Hasher};
use plonky2::util::serialization::{
    DefaultGateSerializer, DefaultGeneratorSerializer, GateSerializer, WitnessGeneratorSerializer,
};

use crate::error::CircuitError;
use crate::recursion::RecursionCircuits;
use crate::{ChunkCircuit, ChunkShape, D};

/// A gate serializer for circuits over `GFp`.
pub type Gates<'a> = &'a dyn GateSerializer<GFp, D>;
/// A generator serializer for circuits over `GFp`.
pub type Generators<'a> = &'a dyn WitnessGeneratorSerializer<GFp, D>;

/// plonky2's default generator serializer for this crate's configuration.
fn default_generators() -> DefaultGeneratorSerializer<crate::Config, D> {
    DefaultGeneratorSerializer {
        _phantom: std::marker::PhantomData,
    }
}

/// Bumped whenever a recursion circuit changes in a way its key's inputs do not show.
pub const CACHE_VERSION: u64 = 1;

/// What a cached circuit is built from, hashed into its file name.
#[derive(Debug, Clone)]
pub struct CircuitKey {
    name: String,
    elements: Vec<GFp>,
}

impl CircuitKey {
    /// A key for the circuit family `name`, with the cache and crate versions.
    pub fn new(name: &str) -> Self {
        let key = Self {
            name: name.to_owned(),
            elements: Vec::new(),
        };
        key.bytes(name.as_bytes())
            .number(CACHE_VERSION)
            .bytes(env!("CARGO_PKG_VERSION").as_bytes())
    }

    /// The key of one part (`leaf`, `step`, ...) of the family.
    pub fn part(mut self, part: &str) -> Self {
        self.name = format!("{}-{part}", self.name);
        self.bytes(part.as_bytes())
    }

    /// Adds a digest (an inner circuit's verifier digest).
    pub fn digest(mut self, digest: &Digest) -> Self {
        self.elements.extend(digest.elements);
        self
    }

    /// Adds a number (a degree, a count).
    pub fn number(mut self, number: u64) -> Self {
        self.elements.push(GFp::from_noncanonical_u64(number));
        self
    }

    /// Adds bytes, length first, then one element per byte.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.elements
            .push(GFp::from_canonical_u64(bytes.len() as u64));
        self.elements
            .extend(bytes.iter().map(|&b| GFp::from_canonical_u8(b)));
        self
    }

    /// The file name: the name and the key's digest in hex.
    pub fn file_name(&self) -> String {
        use plonky2::field::types::PrimeField64;
        let digest = PoseidonHash::hash_no_pad(&self.elements);
        let hex: String = digest
            .elements
            .iter()
            .map(|e| format!("{:016x}", e.to_canonical_u64()))
            .collect();
        format!("{}-{hex}.bin", self.name)
    }
}

/// A directory of built circuits, or none (build every time).
#[derive(Debug, Clone, Default)]
pub struct CircuitCache {
    dir: Option<PathBuf>,
}

impl CircuitCache {
    /// A cache in `dir` (created on the first store).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
        }
    }

    /// No cache: every circuit is built.
    pub fn disabled() -> Self {
        Self { dir: None }
    }

    /// Where `key`'s file is, if there is a directory.
    pub fn path(&self, key: &CircuitKey) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(key.file_name()))
    }

    /// Reads `key`'s circuit: `Ok(None)` if there is no file, an error naming the file if
    /// it does not read back.
    pub fn try_load<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
    ) -> Result<Option<CircuitData<GFp, C, D>>, CircuitError> {
        self.try_load_with(key, &DefaultGateSerializer, &default_generators())
    }

    /// [`Self::try_load`] with these serializers (a circuit with custom gates).
    pub fn try_load_with<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        gates: Gates<'_>,
        generators: Generators<'_>,
    ) -> Result<Option<CircuitData<GFp, C, D>>, CircuitError> {
        let Some(path) = self.path(key) else {
            return Ok(None);
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(CircuitError::CacheFile {
                    path,
                    problem: error.to_string(),
                });
            }
        };
        decode_with(&bytes, gates, generators)
            .map(Some)
            .map_err(|problem| CircuitError::CacheFile {
                path: path.clone(),
                problem,
            })
    }

    /// Reads `key`'s circuit if there is a readable file; a file that does not read back
    /// is logged and treated as missing.
    pub fn load<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
    ) -> Option<CircuitData<GFp, C, D>> {
        self.load_with(key, &DefaultGateSerializer, &default_generators())
    }

    /// [`Self::load`] with these serializers.
    pub fn load_with<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        gates: Gates<'_>,
        generators: Generators<'_>,
    ) -> Option<CircuitData<GFp, C, D>> {
        match self.try_load_with(key, gates, generators) {
            Ok(found) => {
                if found.is_some() {
                    tracing::debug!(target: "circuits::cache", file = key.file_name(), "circuit loaded");
                }
                found
            }
            Err(error) => {
                tracing::warn!(target: "circuits::cache", %error, "rebuilding the circuit");
                None
            }
        }
    }

    /// Writes `key`'s circuit; a failure is logged (the cache is an optimisation).
    pub fn store<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        data: &CircuitData<GFp, C, D>,
    ) {
        self.store_with(key, data, &DefaultGateSerializer, &default_generators());
    }

    /// [`Self::store`] with these serializers.
    pub fn store_with<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        data: &CircuitData<GFp, C, D>,
        gates: Gates<'_>,
        generators: Generators<'_>,
    ) {
        if let Err(error) = self.try_store_with(key, data, gates, generators) {
            tracing::warn!(target: "circuits::cache", %error, "circuit not cached");
        }
    }

    /// Writes `key`'s circuit to a temporary file renamed into place.
    pub fn try_store<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        data: &CircuitData<GFp, C, D>,
    ) -> Result<(), CircuitError> {
        self.try_store_with(key, data, &DefaultGateSerializer, &default_generators())
    }

    /// [`Self::try_store`] with these serializers.
    pub fn try_store_with<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        data: &CircuitData<GFp, C, D>,
        gates: Gates<'_>,
        generators: Generators<'_>,
    ) -> Result<(), CircuitError> {
        let Some(path) = self.path(key) else {
            return Ok(());
        };
        let io = |path: &Path, error: std::io::Error| CircuitError::CacheFile {
            path: path.to_owned(),
            problem: error.to_string(),
        };
        let bytes =
            encode_with(data, gates, generators).map_err(|problem| CircuitError::CacheFile {
                path: path.clone(),
                problem,
            })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&temporary, bytes).map_err(|e| io(&temporary, e))?;
        std::fs::rename(&temporary, &path).map_err(|e| io(&path, e))
    }

    /// Loads `key`'s circuit, or builds and stores it.
    pub fn load_or_build<C: GenericConfig<D, F = GFp> + 'static>(
        &self,
        key: &CircuitKey,
        build: impl FnOnce() -> CircuitData<GFp, C, D>,
    ) -> CircuitData<GFp, C, D> {
        if let Some(data) = self.load(key) {
            return data;
        }
        let data = build();
        self.store(key, &data);
        data
    }
}

/// The file's first bytes.
const MAGIC: &[u8; 8] = b"HFCIRC01";

/// FNV-1a over the payload: a truncated or flipped file is caught before plonky2 reads it
/// (a corrupt length inside plonky2's encoding could otherwise ask for any allocation).
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A circuit's bytes: the magic `HFCIRC01`, payload length and checksum (little-endian `u64`s), then
/// plonky2's encoding with its standard serializers.
pub fn encode<C: GenericConfig<D, F = GFp> + 'static>(
    data: &CircuitData<GFp, C, D>,
) -> Result<Vec<u8>, String> {
    encode_with(data, &DefaultGateSerializer, &default_generators())
}

/// [`encode`] with these serializers.
pub fn encode_with<C: GenericConfig<D, F = GFp> + 'static>(
    data: &CircuitData<GFp, C, D>,
    gates: Gates<'_>,
    generators: Generators<'_>,
) -> Result<Vec<u8>, String> {
    let payload = data
        .to_bytes(gates, generators)
        .map_err(|e| format!("serializing: {e:?}"))?;
    let mut out = Vec::with_capacity(payload.len() + 24);
    out.extend(MAGIC);
    out.extend((payload.len() as u64).to_le_bytes());
    out.extend(checksum(&payload).to_le_bytes());
    out.extend(payload);
    Ok(out)
}

/// Reads [`encode`]'s bytes.
pub fn decode<C: GenericConfig<D, F = GFp> + 'static>(
    bytes: &[u8],
) -> Result<CircuitData<GFp, C, D>, String> {
    decode_with(bytes, &DefaultGateSerializer, &default_generators())
}

/// [`decode`] with these serializers; also refuses a circuit whose stored digests are not
/// the one its verifier data implies ([`check_digest`]).
pub fn decode_with<C: GenericConfig<D, F = GFp> + 'static>(
    bytes: &[u8],
    gates: Gates<'_>,
    generators: Generators<'_>,
) -> Result<CircuitData<GFp, C, D>, String> {
    let header = bytes
        .get(..24)
        .ok_or_else(|| format!("{} bytes, shorter than the header", bytes.len()))?;
    if &header[..8] != MAGIC {
        return Err("not a circuit cache file (magic)".into());
    }
    let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or_default());
    let payload = &bytes[24..];
    if payload.len() as u64 != word(8) {
        return Err(format!(
            "truncated: {} payload bytes, the header says {}",
            payload.len(),
            word(8)
        ));
    }
    if checksum(payload) != word(16) {
        return Err("checksum mismatch".into());
    }
    let data = CircuitData::from_bytes(payload, gates, generators)
        .map_err(|e| format!("does not decode as a circuit ({e:?})"))?;
    check_digest(&data)?;
    Ok(data)
}

/// The circuit digest as plonky2's build computes it (no domain separator: none of this
/// crate's circuits sets one): `hash_no_pad(constants-sigmas cap, hash_pad([]), degree
/// bits)`; it must equal the verifier's and the prover's stored digests.
pub fn check_digest<C: GenericConfig<D, F = GFp> + 'static>(
    data: &CircuitData<GFp, C, D>,
) -> Result<(), String> {
    let parts = [
        data.verifier_only.constants_sigmas_cap.flatten(),
        C::Hasher::hash_pad(&[]).to_vec(),
        vec![GFp::from_canonical_usize(data.common.degree_bits())],
    ]
    .concat();
    let digest = C::Hasher::hash_no_pad(&parts);
    if digest != data.verifier_only.circuit_digest || digest != data.prover_only.circuit_digest {
        return Err("the stored circuit digest is not the one its verifier data implies".into());
    }
    Ok(())
}

/// The chunk circuit of one shape and every recursion circuit over it.
#[derive(Debug)]
pub struct Circuits {
    /// The chunk circuit.
    pub chunk: ChunkCircuit,
    /// The batch, settlement and shrink circuits over the chunk's proofs.
    pub recursion: RecursionCircuits,
}

impl Circuits {
    /// Loads every circuit for chunks of `shape` from `cache`, building (and storing) what
    /// is missing, stale or unreadable: [`ChunkCircuit::load_or_build`], then
    /// [`RecursionCircuits::build`] over it (keyed by the chunk's verifier digest).
    pub fn load_or_build(shape: ChunkShape, cache: &CircuitCache) -> Result<Self, CircuitError> {
        let chunk = ChunkCircuit::load_or_build(shape, cache)?;
        let recursion = RecursionCircuits::build(&chunk, cache)?;
        Ok(Self { chunk, recursion })
    }

    /// The verifier digest of every circuit by name, the chunk circuit's first: two nodes
    /// run the same circuits if these agree.
    pub fn verifier_digests(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut out = vec![(
            "chunk",
            self.chunk.data.verifier_only.circuit_digest.to_bytes(),
        )];
        out.extend(self.recursion.verifier_digests());
        out
    }
}

#[cfg(test)]
mod tests {
    use plonky2::plonk::circuit_data::CircuitConfig;
    use plonky2::plonk::config::KeccakGoldilocksConfig;

    use super::*;
    use crate::Builder;

    /// A tiny circuit in configuration `C`.
    fn tiny<C: GenericConfig<D, F = GFp> + 'static>() -> CircuitData<GFp, C, D> {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let x = builder.add_virtual_target();
        let y = builder.mul(x, x);
        builder.register_public_input(y);
        builder.build::<C>()
    }

    #[test]
    fn the_recomputed_digest_is_plonky2s_in_both_hashers() {
        check_digest(&tiny::<crate::Config>()).unwrap();
        let keccak = tiny::<KeccakGoldilocksConfig>();
        check_digest(&keccak).unwrap();
        let read: CircuitData<GFp, KeccakGoldilocksConfig, D> =
            decode(&encode(&keccak).unwrap()).unwrap();
        assert_eq!(read.verifier_only, keccak.verifier_only);
    }

    #[test]
    fn a_prover_digest_that_is_not_the_verifiers_is_refused() {
        let mut data = tiny::<crate::Config>();
        data.prover_only.circuit_digest.elements[3] += GFp::ONE;
        let bytes = encode(&data).unwrap();
        let error = decode::<crate::Config>(&bytes).map(|_| ()).unwrap_err();
        assert!(error.contains("digest"), "{error}");
    }
}
