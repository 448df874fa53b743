//! The stand-in's final circuit data and proofs: the valid final proofs of [`PROOFS`], each
//! of a statement of [`STATEMENTS`] with a salt, all of one final circuit (one deployed
//! verifier), and a proof of another circuit of the same shape (of the first statement).
//!
//! Building the stand-in chain and proving every statement takes minutes, so the fixture is
//! kept between runs: in `$PLONKY_VERIFIER_FIXTURE_DIR` if set, else under the shared circuit
//! cache (`$HYPERFORGE_CIRCUIT_CACHE`, else `~/.cache/hyperforge/circuits`) in
//! `test-fixtures/solidity-verifier/<key>`, the key a Keccak digest of a version string, of
//! `src/standin.rs` (its comment lines left out), of [`STATEMENTS`] and [`PROOFS`] and of
//! plonky2's entries in `Cargo.lock`: another stand-in, another list of statements or salts
//! or another plonky2 is another directory. A kept fixture is used only if it decodes, holds
//! one proof per entry of [`PROOFS`], each proof verifies under plonky2 and opens with its
//! statement's `x, y`, no two proofs share a wires cap (so no two share challenges), and the
//! other circuit's proof does not verify; otherwise it is rebuilt.

use std::collections::BTreeSet;
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
/// is 30-40 s of it): a cold fixture of twelve statements took 15 minutes. The dozen proofs
/// come from salts instead ([`PROOFS`]).
pub(crate) const STATEMENTS: [(u64, u64); 2] = [(5, 7), (F::ORDER - 1, 1 << 63)];

/// The fixture's valid final proofs, in order: `(statement, salt)`, the statement an index
/// into [`STATEMENTS`], the salt the final circuit's private one (`StandIn::prove_final`).
///
/// A salt is another valid final proof of the same high-rate proof (other commitments,
/// challenges and query positions) for the final step's cost, 11-23 s, not a chain's. The
/// statements alternate, so each proof's successor (the donor of the differential test's
/// "part of another proof" tamperings) has other public inputs. Proofs `0` and `1` (salt 0)
/// are each statement's first.
pub(crate) const PROOFS: [(usize, u64); 12] = [
    (0, 0),
    (1, 0),
    (0, 1),
    (1, 1),
    (0, 2),
    (1, 2),
    (0, 3),
    (1, 3),
    (0, 4),
    (1, 4),
    (0, 5),
    (1, 5),
];

/// The statement `(x, y)` proof `index` of [`PROOFS`] proves.
pub(crate) fn statement(index: usize) -> (u64, u64) {
    STATEMENTS[PROOFS[index].0]
}

pub(crate) struct Fixture {
    pub(crate) common: CommonCircuitData<F, D>,
    pub(crate) verifier_only: VerifierOnlyCircuitData<FinalConfig, D>,
    /// One valid final proof per entry of [`PROOFS`], in order.
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

    /// Whether the fixture is what this file would build: one proof per entry of [`PROOFS`],
    /// each accepted by plonky2 and carrying its statement, no two with the same wires cap,
    /// and the other circuit's proof refused.
    fn is_sound(&self) -> bool {
        let caps: BTreeSet<_> = self
            .proofs
            .iter()
            .map(|proof| {
                proof
                    .proof
                    .wires_cap
                    .0
                    .iter()
                    .map(|h| h.0)
                    .collect::<Vec<_>>()
            })
            .collect();
        self.proofs.len() == PROOFS.len()
            && caps.len() == PROOFS.len()
            && self.proofs.iter().enumerate().all(|(index, proof)| {
                opens_with(proof, statement(index)) && self.plonky2_accepts(proof)
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
    let mut key = b"hyperforge/solidity-verifier/standin-fixture/3\n".to_vec();
    // The stand-in's code, not its comments: a doc edit is no other circuit.
    for line in include_str!("../../src/standin.rs").lines() {
        if !line.trim_start().starts_with("//") {
            key.extend_from_slice(line.as_bytes());
            key.push(b'\n');
        }
    }
    key.extend_from_slice(format!("{STATEMENTS:?}\n{PROOFS:?}\n").as_bytes());
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
    let proofs = (0..PROOFS.len())
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

/// Builds the chain once, proves every statement up to the high-rate step with it, and
/// shrinks each high-rate proof once per salt of [`PROOFS`].
fn build_fixture() -> Fixture {
    let total = Instant::now();
    let chain = StandIn::build(0);
    eprintln!("stand-in: chain built in {:.1?}", total.elapsed());
    let mut high_rates = Vec::with_capacity(STATEMENTS.len());
    for (index, &(x, y)) in STATEMENTS.iter().enumerate() {
        let started = Instant::now();
        high_rates.push(chain.prove_high_rate(x, y).expect("prove high rate"));
        eprintln!(
            "stand-in: statement {index} ({x}, {y}) up to the high-rate step in {:.1?}",
            started.elapsed()
        );
    }
    let mut proofs = Vec::with_capacity(PROOFS.len());
    let mut shrinking = Duration::ZERO;
    for (index, &(statement, salt)) in PROOFS.iter().enumerate() {
        let started = Instant::now();
        proofs.push(
            chain
                .prove_final(&high_rates[statement], salt)
                .expect("prove final"),
        );
        let took = started.elapsed();
        shrinking += took;
        eprintln!(
            "stand-in: final proof {index} (statement {statement}, salt {salt}) in {took:.1?}"
        );
    }
    eprintln!(
        "stand-in: {} final proofs in {shrinking:.1?}, {:.1?} a proof",
        proofs.len(),
        shrinking / PROOFS.len() as u32
    );
    let started = Instant::now();
    let other = chain.prove_other(1, &high_rates[0]).expect("prove other");
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
