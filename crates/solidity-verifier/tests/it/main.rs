//! The generated verifier on a real anvil against plonky2's own verifier, for the stand-in's
//! final circuit (`hyperforge_solidity_verifier::standin`), one deployed verifier for all:
//!
//! - `agreement`: every challenge and every gate's constraints equal plonky2's values; a valid
//!   proof is accepted; named byte-level lies and a proof of another circuit are refused.
//! - `differential`: on the fixture's twelve valid proofs (two statements, six salts of the
//!   stand-in's final circuit each, pairwise distinct) and on each one's
//!   tamperings at the plonky2 structure level (public inputs, caps, openings, FRI query
//!   leaves, paths and evaluations, final polynomial, proof of work, parts of another proof),
//!   the contract's verdict equals `VerifierCircuitData::verify`'s.
//! - `flips`: a property test: 1 to 3 random bytes of a valid proof's `verify` call input
//!   xored with random masks are never accepted.
//!
//! The fixture (circuit data and proofs, minutes to build) is kept between runs (`fixture`).

use std::path::PathBuf;

mod agreement;
mod chain;
mod differential;
mod fixture;
mod flips;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
