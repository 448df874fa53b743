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
//! # Representation
//!
//! - **GF(p^5)** ([`gfp5`]): five Goldilocks targets, the coefficients of `1, z, .., z^4`
//!   with `z^5 = 3`, as `hyperforge_crypto::field` (plonky2's quintic extension). A point
//!   encoding `w` is one such element: its limbs are field elements, so always canonical;
//!   limbs `>= p` are refused where they enter, by the witness helpers.
//! - **Points** ([`curve`]): fractional `(x, u)` coordinates `(X : Z : U : T)` with the
//!   paper's complete formulas (eprint 2022/274), as `hyperforge_crypto::curve`; window
//!   tables hold the affine `(x, u)` odd multiples `P, 3P, .., 15P`.
//! - **Scalars** ([`bigint`]): little-endian 16-bit limbs; the scalars that drive table
//!   lookups are odd signed 4-bit digits ([`curve::SignedScalarTarget`]: index and sign per
//!   digit, an even scalar as the odd one above it minus one) whose limbs are derived from
//!   them; identities mod `n` are checked as integer identities with hinted quotients and
//!   carries.
//! - **Signatures** ([`schnorr`]): `w(R)` plus `s` in 20 limbs; [`SchnorrTargets`] bundles a
//!   key, a message and a signature with helpers that set them from the native types.
//!
//! # Gates
//!
//! Custom gates (in [`gates`], each with its generator and plonky2's `test_low_degree` /
//! `test_eval_fns` tests); every unused slot of a row is all zeros and satisfies them:
//!
//! - [`gates::DoubleGate`]: a whole doubling in `(x, u)` coordinates, two per row (point in
//!   and out routed, the five intermediate products as advice: 130 of 135 wires), degree 2.
//! - [`gates::AddAffine2Gate`]: two chained signed mixed additions `P + s1 Q1 + s2 Q2`
//!   (`s = +-1`, checked), one per row, degree 3; [`gates::AddAffineGate`] is one of them.
//! - [`gates::FixedTableGate`]: a lookup into a constant 8-entry table of points baked into
//!   the gate (multilinear selectors of the index bits), six per row, degree 4: the
//!   fixed-base tables of `G` and `2^160 G`.
//! - [`gates::GFp5MulAddGate`]: `c = a b + d` in GF(p^5), four per row, degree 2, for every
//!   other multiplication (decoding, table normalisation, divisions).
//! - [`gates::RangeCheckGate`]: fifteen 16-bit range checks per row (base-4 digits as
//!   advice), degree 4, where plonky2's `BaseSumGate` spends a row on each.
//!
//! [`GateStrategy`] selects them; its other variants (the multiply-add gate only, or
//! plonky2's gates only, where a multiplication is 25 `ArithmeticGate` operations) exist to
//! measure what the custom gates save. Linear GF(p^5) operations (`alpha a + beta b` with
//! constants `k` or `k z`) use `ArithmeticGate`, variable-base table lookups plonky2's
//! `RandomAccessGate` (eight 8-entry lookups per row; it checks the index is below 8), the
//! challenge `PoseidonGate`. Hints (decoding's root and square root, divisions, the
//! challenge split and digit recoding, quotients, carries) are `SimpleGenerator`s in the
//! file of the gadget that checks them; they never refuse, they produce values the
//! constraints then reject, so soundness tests exercise constraints rather than hints.
//!
//! # Where the rows go
//!
//! One verification, 4-element message, measured by `cargo xtask bench prover` (rows
//! before padding; the marginal cost of one more signature in a batch):
//!
//! | part | custom gates | multiply-add gate only | plonky2 gates only |
//! |---|---:|---:|---:|
//! | decode `R` and `Q` | 4 | 4 | 12 |
//! | `s < n` (range checks, `s + d = n - 1`) | 8 | 45 | 45 |
//! | challenge: Poseidon, canonical 16-bit limbs | 7 | 22 | 22 |
//! | split check `c0 = e c1 mod n` (with `c1 != 0`) | 39 | 78 | 77 |
//! | `t = s c1 mod n` | 29 | 55 | 55 |
//! | variable-base tables (`-Q`, `-R`: 8 odd multiples each) | 24 | 77 | 221 |
//! | fixed-base tables (`G`, `2^160 G`: constants) | 0 | 0 | 0 |
//! | scalar multiplication: 160 doublings, 163 additions, 160 lookups | 276 | 1,447 | 4,150 |
//! | **total (marginal per signature)** | **381** | **1,717** | **4,569** |
//!
//! With the custom gates the scalar multiplication is 80 rows of doublings, 82 of
//! additions (two per row), 14 of fixed-base lookups and 100 of variable-base lookups (ten
//! 8-entry random accesses per point): those lookups are now the largest single part.
//! Constants cost no rows: they fill spare constant slots of the `RandomAccessGate` rows.

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
pub use gfp5::{CircuitBuilderGFp5, GFp5Target, GateStrategy};
pub use schnorr::{CircuitBuilderSchnorr, SchnorrTargets, SignatureTarget};

/// The extension degree of the proof system's challenges.
pub const D: usize = 2;
/// The plonky2 configuration of every circuit here.
pub type Config = PoseidonGoldilocksConfig;
/// The circuit builder the gadgets extend.
pub type Builder = CircuitBuilder<hyperforge_crypto::GFp, D>;
