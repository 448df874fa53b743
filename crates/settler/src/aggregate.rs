//! Turning checked batch proofs into what `Bridge.settle` receives: the final proof
//! ([`Aggregator`], run on the blocking pool) and its encoding as the bridge's proof bytes
//! ([`bridge_proof`]).

use alloy::primitives::Bytes;
use hyperforge_circuits::CircuitError;
use hyperforge_circuits::recursion::{BatchProof, FinalProof, RecursionCircuits};
use hyperforge_l1::{FinalCommonData, L1Error, VerifierKind};
use hyperforge_primitives::bridge::BatchPublicInputs;

/// Aggregates batch proofs (in settlement order) into the final proof. Synchronous and
/// CPU-bound: the settler calls it on the blocking pool. [`RecursionCircuits`] does it
/// in process; jobs for connected prover nodes are the next implementation.
pub trait Aggregator: Send + Sync {
    /// The final proof of `batches`.
    fn aggregate(&self, batches: &[BatchProof]) -> Result<FinalProof, CircuitError>;
}

impl Aggregator for RecursionCircuits {
    fn aggregate(&self, batches: &[BatchProof]) -> Result<FinalProof, CircuitError> {
        self.prove_final(batches)
    }
}

/// The proof bytes `settle` carries for `final_proof` of `batches`, in the encoding of the
/// bridge's verifier (`[l1] verifier` of the ecosystem file):
///
/// - [`VerifierKind::Plonky2`]: `PlonkyVerifier`'s layout of the final proof
///   ([`hyperforge_l1::plonky2_proof`], for the final circuit's common data `common`),
///   verified on chain.
/// - [`VerifierKind::Dev`]: **the development encoding**: `DevVerifier` checks a Keccak
///   binding of the settlement commitment ([`hyperforge_l1::dev_proof`]) and nothing else,
///   so nothing is verified on chain; the final proof follows in the calldata, where anyone
///   can re-check it.
///
/// Either way the settler verified the proof natively before calling this.
pub fn bridge_proof(
    verifier: VerifierKind,
    final_proof: &FinalProof,
    common: &FinalCommonData,
    batches: &[BatchPublicInputs],
) -> Result<Bytes, L1Error> {
    match verifier {
        VerifierKind::Plonky2 => hyperforge_l1::plonky2_proof(&final_proof.0, common, batches),
        VerifierKind::Dev => Ok(hyperforge_l1::dev_proof(batches, &final_proof.to_bytes())),
    }
}
