//! A Solidity verifier for hyperforge's final Plonky2 proof. From the final circuit's
//! `CommonCircuitData` and `VerifierOnlyCircuitData` (plonky2 1.1, `KeccakGoldilocksConfig`,
//! Goldilocks with the quadratic extension, standard gates only) [`generate`] writes the source
//! of contracts that run plonky2 1.1's verifier on chain: the Keccak challenger (the FRI
//! parameters and the circuit digest first, as v1.1's transcript has them), the Poseidon
//! public-inputs hash, every gate's constraints at `zeta` in GF(p^2), the permutation argument,
//! the quotient identity and FRI (Merkle paths to the caps, coset folding, the final
//! polynomial, proof of work). [`calldata::encode`] lays a `ProofWithPublicInputs` out as the
//! verifier's `proof` bytes ([`layout`]). The bridge's verifier,
//! `contracts/src/PlonkyVerifier.sol`, is generated from the real final circuit
//! (`circuits::recursion::final_circuit`) by `cargo xtask contracts verifier`, with
//! [`generate_about`] recording the chunk shape and the circuit digest in its opening comment.
//! [`standin`] builds a small final circuit of the same shape (a small statement shrunk the
//! way plonky2's `test_size_optimized_recursion` does, with a private salt in the final step
//! so one high-rate proof yields many distinct final proofs) for this crate's own tests of the
//! generator, on anvil (`tests/it/`): every challenge and every gate's constraints equal
//! plonky2's; a differential test over twelve valid final proofs (two statements, six salts
//! each) and, for each, about a hundred tamperings made on the `ProofWithPublicInputs`
//! (public inputs, caps, openings, FRI query leaves, paths and evaluations, final
//! polynomial, proof of work, parts of another proof) then encoded, where the contract's
//! verdict must equal
//! `VerifierCircuitData::verify`'s (valid accepted, every tampering refused by both); a
//! proptest xoring 1 to 3 random bytes of a valid `verify` call input (never accepted); and a
//! proof of another circuit of the same shape refused.
//!
//! The generated file holds `PlonkyVerifier` (implements `IVerifier`; takes the
//! `PoseidonGoldilocks` contract at deployment and deploys its gate contracts itself) and
//! `PlonkyGates0`/`PlonkyGates1` (the gates' constraints, split to stay under the code size
//! limit; PoseidonGate alone fills one). The generator fails, naming it, on a gate it has no
//! constraint code for, and on circuits outside what the verifier handles: lookups, a Merkle
//! cap height other than 0, zero-knowledge (hiding) proofs, leaves short enough that plonky2
//! leaves them unhashed.
//!
//! Departures from plonky2's verifier, all on inputs plonky2 itself never produces: a field
//! element's 8 bytes are read modulo p (plonky2's deserializer reads the u64 as is); the
//! Merkle leaves are hashed as the bytes sent, so a non-canonical leaf can only fail its path.
//!
//! Measured for hyperforge's real final proof (`cargo xtask bench l1`, settlement of 4
//! chains): see ARCHITECTURE.md ("crates/solidity-verifier"). Measured on anvil 1.7
//! (`tests/it/agreement.rs`) for the stand-in's final proof (2^12 rows, rate 1/256,
//! 10 queries, arities 8 and 8, 64-coefficient final polynomial): proof 51,083 bytes, a
//! `verify` transaction 4.92M gas, of which about 0.83M are calldata and 21k the base fee.
//! Most of the rest is FRI's ten query rounds and the gate constraints; the hot loops are
//! assembly, the rest is Solidity.

pub mod calldata;
mod error;
mod gates;
mod generate;
pub mod layout;
pub mod standin;

pub use error::Error;
pub use generate::{circuit_digest_hex, generate, generate_about};
