//! hyperforge's circuits for plonky2 1.x. Today: the in-circuit verifier of the signature
//! scheme of `hyperforge_crypto` (Schnorr over EcGFp5 with a Poseidon challenge), its
//! GF(p^5) and curve gadgets, and a custom gate for GF(p^5) multiplication. Later: the
//! block circuit, recursive aggregation and the prove/verify API of the prover role.
//!
//! This crate is synchronous and does no I/O; proving uses plonky2's rayon parallelism and
//! belongs on a blocking pool. It knows nothing about RocksDB, tokio or the network. No
//! feature flags. Everything is for `GoldilocksField`, `D = 2`, `PoseidonGoldilocksConfig`
//! and the standard recursion config (80 routed wires, 135 in all).
//!
//! (Representation, gates and rows: see the sections below.)

pub mod batch;
pub mod bigint;
pub mod curve;
pub mod error;
pub mod gates;
pub mod gfp5;
pub mod schnorr;

use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::config::PoseidonGoldilocksConfig;

pub use batch::{SignatureBatchCircuit, SignedMessage};
pub use curve::{AffinePointTarget, CircuitBuilderEcGFp5, PointTarget};
pub use error::CircuitError;
pub use gfp5::{CircuitBuilderGFp5, GFp5Target, MulStrategy};
pub use schnorr::{CircuitBuilderSchnorr, SchnorrTargets, SignatureTarget};

/// The extension degree of the proof system's challenges.
pub const D: usize = 2;
/// The plonky2 configuration of every circuit here.
pub type Config = PoseidonGoldilocksConfig;
/// The circuit builder the gadgets extend.
pub type Builder = CircuitBuilder<hyperforge_crypto::GFp, D>;
