//! A Solidity verifier for hyperforge's final Plonky2 proof. From the final circuit's
//! `CommonCircuitData` and `VerifierOnlyCircuitData` (plonky2 1.1, `KeccakGoldilocksConfig`,
//! Goldilocks with the quadratic extension, standard gates only) [`generate`] writes the source
//! of a contract that runs plonky2 1.1's verifier on chain: the Keccak challenger (with the FRI
//! parameters in the transcript), the Poseidon public-inputs hash, every gate's constraints at
//! `zeta` in GF(p^2), the permutation argument, the quotient check and FRI (Merkle paths, coset
//! folding, the final polynomial, proof of work). [`calldata::encode`] lays a
//! `ProofWithPublicInputs` out as that contract's proof bytes. [`standin`] builds a final
//! circuit of the same shape as hyperforge's (a small statement shrunk the way plonky2's
//! `test_size_optimized_recursion` does).

pub mod calldata;
mod error;
mod gates;
mod generate;
pub mod layout;
pub mod standin;

pub use error::Error;
pub use generate::generate;
