//! Turning checked batch proofs into what `Bridge.settle` receives: the final proof
//! ([`Aggregator`], run on the blocking pool) and its encoding as the bridge's proof bytes
//! ([`bridge_proof`]).

use alloy::primitives::Bytes;
use hyperforge_circuits::CircuitError;
use hyperforge_circuits::recursion::{BatchProof, FinalProof, RecursionCircuits};
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

/// The proof bytes `settle` carries for `final_proof` of `batches`.
///
/// **This is the development encoding**, the only one the bridge accepts today: the bridge
/// is deployed with `DevVerifier`, which checks a Keccak binding of the settlement
/// commitment (`hyperforge_l1::dev_proof`) and nothing else, so nothing is verified on
/// chain. The final proof itself follows in the calldata, where anyone can re-check it; the
/// settler verified it natively before calling this. Once the bridge verifies Plonky2 proofs
/// (`PlonkyVerifier.sol`), this becomes that verifier's encoding.
pub fn bridge_proof(final_proof: &FinalProof, batches: &[BatchPublicInputs]) -> Bytes {
    hyperforge_l1::dev_proof(batches, &final_proof.to_bytes())
}
