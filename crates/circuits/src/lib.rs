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
//!   tables hold affine `(x, u)` entries (the neutral is `(0, 0)`).
//! - **Scalars** ([`bigint`]): little-endian 16-bit limbs, or 4-bit digits for the scalars
//!   that drive table lookups; identities mod `n` are checked as integer identities with
//!   hinted quotients and carries.
//! - **Signatures** ([`schnorr`]): `w(R)` plus `s` in 20 limbs; [`SchnorrTargets`] bundles a
//!   key, a message and a signature with helpers that set them from the native types.
//!
//! # Gates
//!
//! Three custom gates (in [`gates`], each with its generator and plonky2's
//! `test_low_degree` / `test_eval_fns` tests), all degree 2 except the range check (4):
//!
//! - [`gates::DoubleGate`]: a whole doubling in `(x, u)` coordinates, two per row (point in
//!   and out routed, the five intermediate products as advice wires: 130 of 135 wires).
//! - [`gates::AddAffineGate`]: a whole mixed addition `P + (x2, u2)`, one per row (50 routed
//!   wires, four intermediate products as advice).
//! - [`gates::GFp5MulAddGate`]: `c = a b + d` in GF(p^5), four per row, for every other
//!   multiplication (decoding, table normalisation, divisions).
//! - [`gates::RangeCheckGate`]: fifteen 16-bit range checks per row (base-4 digits as
//!   advice), where plonky2's `BaseSumGate` spends a row on each.
//!
//! [`GateStrategy`] selects them; its other variants (the multiply-add gate only, or
//! plonky2's gates only, where a multiplication is 25 `ArithmeticGate` operations) exist to
//! measure what the custom gates save. Linear GF(p^5) operations (`alpha a + beta b` with
//! constants `k` or `k z`) use `ArithmeticGate`, table lookups plonky2's `RandomAccessGate`
//! (four 16-entry lookups per row, and it checks the digit is below 16), the challenge
//! `PoseidonGate`. Hints (decoding's root and square root, divisions, the challenge split,
//! quotients, carries) are `SimpleGenerator`s in the file of the gadget that checks them;
//! they never refuse, they produce values the constraints then reject, so soundness tests
//! exercise constraints rather than hints.
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
//! | split check `c0 = e c1 mod n` (with `c1 != 0`) | 32 | 71 | 70 |
//! | `t = s c1 mod n` | 29 | 55 | 55 |
//! | variable-base tables (`Q`, `R`: 16 affine entries each) | 42 | 135 | 405 |
//! | fixed-base tables (`G`, `2^160 G`: constants) | 0 | 0 | 0 |
//! | scalar multiplication: 160 doublings, 159 additions, 160 lookups | 637 | 1,578 | 4,251 |
//! | **total (marginal per signature)** | **752** | **1,896** | **4,845** |
//!
//! With the custom gates the scalar multiplication is 80 rows of doublings, 159 of
//! additions and 400 of lookups (10 random accesses of a 16-entry column each): lookups
//! are now the largest part. Constants cost no rows: they fill the spare constant slots
//! of the `RandomAccessGate` rows. The next saving would be signed odd digits (8-entry
//! tables, eight lookups per row, the sign folded into the addition gate): about 200 rows.

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
