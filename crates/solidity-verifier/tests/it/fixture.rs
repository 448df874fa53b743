//! The stand-in's final circuit data and proofs: one valid final proof per entry of
//! [`STATEMENTS`], all of one final circuit (one deployed verifier), and a proof of another
//! circuit of the same shape (of the first statement).
//!
//! Building the stand-in chain and proving every statement takes minutes, so the fixture is
//! kept between runs: in `$PLONKY_VERIFIER_FIXTURE_DIR` if set, else under the shared circuit
//! cache (`$HYPERFORGE_CIRCUIT_CACHE`, else `~/.cache/hyperforge/circuits`) in
//! `test-fixtures/solidity-verifier/<key>`, the key a Keccak digest of a version string, of
//! `src/standin.rs`, of [`STATEMENTS`] and of plonky2's entries in `Cargo.lock`: another
//! stand-in, another list of statements or another plonky2 is another directory. A kept
//! fixture is used only if it decodes, holds one proof per statement, each proof verifies
//! under plonky2 and opens with its statement's `x, y`, and the other circuit's proof does
//! not verify; otherwise it is rebuilt.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hyperforge_solidity_verifier::standin::{D, F, FinalConfig, StandIn};
use plonky2::field::types::{Field64, PrimeField64};
use plonky2::plonk::circuit_data::{
    CommonCircuitData, VerifierCircuitData, VerifierOnlyCircuitData,
};
use plonky2::plonk::proof::ProofWithPublicInputs;
use plonky2::util::serialization::DefaultGateSerializer;

/// A final proof of the stand-in.
pub(crate) type Proof = ProofWithPublicInputs<F, FinalConfig, D>;

/// The inner statements `(x, y)` proved, distinct: small values, then `p - 1` and 2^63.
///
/// Each costs a full proof of the chain, 40-70 s on our 2 shared cores (the high-rate step
/// is 30-40 s of it): a cold fixture of twelve took 15 minutes, one of two takes 130-190 s,
/// what one proof and the other circuit's (which proved its own high-rate proof) cost before.
/// Adding a statement is all a longer differential test needs (the key covers the list, so
/// the fixture is rebuilt).
pub(crate) const STATEMENTS: [(u64, u64); 2] = [(5, 7), (F::ORDER - 1, 1 << 63)];

pub(crate) struct Fixture {
    pub(crate) common: CommonCircuitData<F, D>,
    pub(crate) verifier_only: VerifierOnlyCircuitData<FinalConfig, D>,
    /// One valid final proof per entry of [`STATEMENTS`], in order.
    pub(crate) proofs: Vec<Proof>,
    /// A final proof of another circuit of the same shape.
    pub(crate) other: Proof,
}

impl Fixture {
    fn verifier_data(&self) -> VerifierCircuitData<F, FinalConfig, D> {
        VerifierCircuitData {
            verifier_only: self.verifier_only.clone(),
            common: self.common.clone(),
        }
    }

    /// plonky2's verdict on `proof`: `VerifierCircuitData::verify`.
    pub(crate) fn plonky2_accepts(&self, proof: &Proof) -> bool {
        self.verifier_data().verify(proof.clone()).is_ok()
    }

    /// Whether the fixture is what this file would build: one proof per statement, each
    /// accepted by plonky2 and carrying its statement, and the other circuit's proof refused.
    fn is_sound(&self) -> bool {
        self.proofs.len() == STATEMENTS.len()
            && self
                .proofs
                .iter()
                .zip(STATEMENTS)
                .all(|(proof, statement)| {
                    opens_with(proof, statement) && self.plonky2_accepts(proof)
                })
            && !self.plonky2_accepts(&self.other)
    }
}

fn opens_with(proof: &Proof, (x, y): (u64, u64)) -> bool {
    let pis: Vec<u64> = proof
        .public_inputs
        .iter()
        .map(|v| v.to_canonical_u64())
        .collect();
    pis.starts_with(&[x, y])
}

fn proof_file(index: usize) -> String {
    format!("proof-{index:02}.bin")
}

/// Where the fixture is kept; `None` without a cache directory.
fn fixture_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PLONKY_VERIFIER_FIXTURE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let cache = match std::env::var_os("HYPERFORGE_CIRCUIT_CACHE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/hyperforge/circuits"),
    };
    let lock = std::fs::read_to_string(crate::root().join("Cargo.lock")).ok()?;
    let plonky2: Vec<&str> = lock
        .split("[[package]]")
        .filter(|package| package.contains("name = \"plonky2"))
        .collect();
    let mut key = b"hyperforge/solidity-verifier/standin-fixture/2\n".to_vec();
    key.extend_from_slice(include_str!("../../src/standin.rs").as_bytes());
    key.extend_from_slice(format!("{STATEMENTS:?}\n").as_bytes());
    key.extend_from_slice(plonky2.concat().as_bytes());
    let digest = alloy::primitives::keccak256(&key);
    Some(
        cache
            .join("test-fixtures/solidity-verifier")
            .join(alloy::hex::encode(&digest[..16])),
    )
}

/// The kept fixture in `dir`, if it reads back and is sound.
fn load_fixture(dir: &Path) -> Option<Fixture> {
    let gates = DefaultGateSerializer;
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    let common = CommonCircuitData::from_bytes(read("common.bin")?, &gates).ok()?;
    let verifier_only = VerifierOnlyCircuitData::from_bytes(read("verifier.bin")?).ok()?;
    let proofs = (0..STATEMENTS.len())
        .map(|index| ProofWithPublicInputs::from_bytes(read(&proof_file(index))?, &common).ok())
        .collect::<Option<Vec<_>>>()?;
    let other = ProofWithPublicInputs::from_bytes(read("other.bin")?, &common).ok()?;
    let fixture = Fixture {
        common,
        verifier_only,
        proofs,
        other,
    };
    fixture.is_sound().then_some(fixture)
}

/// Writes the fixture into `dir`, each file aside and renamed, `common.bin` (what a reader
/// looks for first) last. A failure only costs the next run the proving.
fn keep_fixture(dir: &Path, fixture: &Fixture) -> std::io::Result<()> {
    let gates = DefaultGateSerializer;
    let invalid = |e| std::io::Error::other(format!("{e:?}"));
    std::fs::create_dir_all(dir)?;
    let mut files = vec![(
        "verifier.bin".to_owned(),
        fixture.verifier_only.to_bytes().map_err(invalid)?,
    )];
    for (index, proof) in fixture.proofs.iter().enumerate() {
        files.push((proof_file(index), proof.to_bytes()));
    }
    files.push(("other.bin".to_owned(), fixture.other.to_bytes()));
    files.push((
        "common.bin".to_owned(),
        fixture.common.to_bytes(&gates).map_err(invalid)?,
    ));
    for (name, bytes) in files {
        let temporary = dir.join(format!("{name}.tmp{}", std::process::id()));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, dir.join(&name))?;
    }
    Ok(())
}

/// Builds the chain once and proves every statement with it.
fn build_fixture() -> Fixture {
    let total = Instant::now();
    let chain = StandIn::build(0);
    eprintln!("stand-in: chain built in {:.1?}", total.elapsed());
    let mut proofs = Vec::with_capacity(STATEMENTS.len());
    let mut proving = Duration::ZERO;
    let mut first_high_rate = None;
    for (index, &(x, y)) in STATEMENTS.iter().enumerate() {
        let started = Instant::now();
        let high_rate = chain.prove_high_rate(x, y).expect("prove high rate");
        proofs.push(chain.prove_final(&high_rate).expect("prove final"));
        first_high_rate.get_or_insert(high_rate);
        let took = started.elapsed();
        proving += took;
        eprintln!("stand-in: proof {index} of ({x}, {y}) in {took:.1?}");
    }
    eprintln!(
        "stand-in: {} proofs in {proving:.1?}, {:.1?} a proof",
        proofs.len(),
        proving / STATEMENTS.len() as u32
    );
    let started = Instant::now();
    let high_rate = first_high_rate.expect("a statement");
    let other = chain.prove_other(1, &high_rate).expect("prove other");
    eprintln!(
        "stand-in: other circuit built and proved in {:.1?}; whole fixture in {:.1?}",
        started.elapsed(),
        total.elapsed()
    );
    Fixture {
        common: chain.last.common.clone(),
        verifier_only: chain.last.verifier_only.clone(),
        proofs,
        other,
    }
}

/// The fixture, loaded if kept and sound, else built (and kept if there is a cache).
pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = fixture_dir();
        if let Some(fixture) = dir.as_deref().and_then(load_fixture) {
            return fixture;
        }
        let fixture = build_fixture();
        assert!(fixture.is_sound(), "the fixture just built is not sound");
        if let Some(dir) = &dir
            && let Err(error) = keep_fixture(dir, &fixture)
        {
            eprintln!("{}: fixture not kept ({error})", dir.display());
        }
        fixture
    })
}
