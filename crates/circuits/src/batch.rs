//! [`SignatureBatchCircuit`]: a circuit checking a fixed number of signatures, built once
//! and proven many times. The block circuit will embed `verify_schnorr` directly; this is
//! what tests and the prover benchmark use, and the shape of the prove/verify API.

use hyperforge_crypto::{GFp, PublicKey, Signature};
use plonky2::iop::generator::generate_partial_witness;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};
use plonky2::plonk::proof::ProofWithPublicInputs;

use crate::error::CircuitError;
use crate::gfp5::GateStrategy;
use crate::schnorr::{CircuitBuilderSchnorr, RowsByPart, SchnorrTargets};
use crate::{Builder, Config, D};

/// One signed message, as the native scheme holds it.
#[derive(Clone, Debug)]
pub struct SignedMessage {
    /// The signer's key.
    pub public_key: PublicKey,
    /// The message.
    pub message: Vec<GFp>,
    /// The signature.
    pub signature: Signature,
}

/// A proof of a [`SignatureBatchCircuit`].
pub type BatchProof = ProofWithPublicInputs<GFp, Config, D>;

/// A circuit verifying `count` signatures of `message_len`-element messages.
#[derive(Debug)]
pub struct SignatureBatchCircuit {
    /// The built circuit.
    pub data: CircuitData<GFp, Config, D>,
    /// One set of targets per signature.
    pub targets: Vec<SchnorrTargets>,
    /// Rows of each part of the first verification.
    pub rows_by_part: RowsByPart,
    /// Rows before padding (`num_gates` of the builder before `build`).
    pub rows: usize,
}

/// The builder of a batch circuit, before `build`, with its targets.
fn builder_for(
    count: usize,
    message_len: usize,
    strategy: GateStrategy,
) -> (Builder, Vec<SchnorrTargets>, RowsByPart) {
    let mut builder = CircuitBuilder::new(CircuitConfig::standard_recursion_config());
    let mut rows_by_part = RowsByPart::default();
    let targets = (0..count)
        .map(|i| {
            let public_key = crate::gfp5::CircuitBuilderGFp5::add_virtual_gfp5(&mut builder);
            let message = builder.add_virtual_targets(message_len);
            let signature = builder.add_virtual_signature_target();
            let rows = builder.verify_schnorr(public_key, &message, &signature, strategy);
            if i == 0 {
                rows_by_part = rows;
            }
            SchnorrTargets {
                public_key,
                message,
                signature,
            }
        })
        .collect();
    (builder, targets, rows_by_part)
}

/// Rows of a batch circuit (before padding) without building it: cheap.
pub fn count_rows(count: usize, message_len: usize, strategy: GateStrategy) -> (usize, RowsByPart) {
    let (builder, _, rows_by_part) = builder_for(count, message_len, strategy);
    (builder.num_gates(), rows_by_part)
}

impl SignatureBatchCircuit {
    /// Builds the circuit (about as costly as one proof).
    pub fn build(count: usize, message_len: usize, strategy: GateStrategy) -> Self {
        let (builder, targets, rows_by_part) = builder_for(count, message_len, strategy);
        let rows = builder.num_gates();
        Self {
            data: builder.build::<Config>(),
            targets,
            rows_by_part,
            rows,
        }
    }

    /// The witness for these signed messages (one per signature slot).
    pub fn witness(&self, items: &[SignedMessage]) -> Result<PartialWitness<GFp>, CircuitError> {
        if items.len() != self.targets.len() {
            return Err(CircuitError::SignatureCount {
                expected: self.targets.len(),
                got: items.len(),
            });
        }
        let mut witness = PartialWitness::new();
        for (targets, item) in self.targets.iter().zip(items) {
            targets.set_witness(
                &mut witness,
                &item.public_key,
                &item.message,
                &item.signature,
            )?;
        }
        Ok(witness)
    }

    /// Runs witness generation only: every hint and copy constraint, no proof. Much cheaper
    /// than [`Self::prove`]; custom-gate constraints are only checked by a proof.
    pub fn generate_witness(&self, witness: PartialWitness<GFp>) -> Result<(), CircuitError> {
        generate_partial_witness(witness, &self.data.prover_only, &self.data.common)
            .map(|_| ())
            .map_err(|e| CircuitError::Prove(e.to_string()))
    }

    /// Proves.
    pub fn prove(&self, witness: PartialWitness<GFp>) -> Result<BatchProof, CircuitError> {
        self.data
            .prove(witness)
            .map_err(|e| CircuitError::Prove(e.to_string()))
    }

    /// Verifies a proof.
    pub fn verify(&self, proof: BatchProof) -> Result<(), CircuitError> {
        self.data
            .verify(proof)
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }
}
