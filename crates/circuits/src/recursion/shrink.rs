//! The final shrink, as plonky2's `test_size_optimized_recursion`: the settlement proof
//! (standard recursion config) is verified by a high-rate circuit (rate bits 7, 12 queries),
//! whose proof is verified by the final circuit (37 routed wires, rate bits 8, cap height 0,
//! 20 proof-of-work bits, 10 queries, `MinSize` FRI reduction) under
//! `KeccakGoldilocksConfig`, so the final proof's Merkle paths are Keccak (cheap on the
//! EVM) while its in-circuit challenges stay Poseidon. Both circuits verify a constant
//! inner circuit and pass its public inputs (the settlement commitment) on unchanged. Only
//! standard gates.

use hyperforge_crypto::GFp;
use plonky2::fri::FriConfig;
use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{
    CircuitConfig, CircuitData, CommonCircuitData, VerifierCircuitData, VerifierOnlyCircuitData,
};
use plonky2::plonk::config::{GenericConfig, KeccakGoldilocksConfig};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use super::cache::{CircuitCache, CircuitKey};
use super::settle::{SettlementCircuits, SettlementProof};
use crate::error::CircuitError;
use crate::{Builder, Config, D};

/// The final proof's configuration: Keccak Merkle trees, Poseidon challenges.
pub type FinalConfig = KeccakGoldilocksConfig;

/// The high-rate configuration of the middle step.
pub fn high_rate_config() -> CircuitConfig {
    let standard = CircuitConfig::standard_recursion_config();
    CircuitConfig {
        fri_config: FriConfig {
            rate_bits: 7,
            proof_of_work_bits: 16,
            num_query_rounds: 12,
            ..standard.fri_config.clone()
        },
        ..standard
    }
}

/// The final configuration (plonky2's size-optimised one).
pub fn final_config() -> CircuitConfig {
    CircuitConfig {
        num_routed_wires: 37,
        fri_config: FriConfig {
            rate_bits: 8,
            cap_height: 0,
            proof_of_work_bits: 20,
            reduction_strategy: FriReductionStrategy::MinSize(None),
            num_query_rounds: 10,
        },
        ..high_rate_config()
    }
}

/// The final proof the settler sends: its public inputs are the settlement commitment.
#[derive(Debug, Clone)]
pub struct FinalProof(pub ProofWithPublicInputs<GFp, FinalConfig, D>);

impl FinalProof {
    /// plonky2's proof encoding (public inputs included): the calldata.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// Reads [`Self::to_bytes`]' form.
    pub fn from_bytes(bytes: Vec<u8>, circuits: &ShrinkCircuits) -> Result<Self, CircuitError> {
        ProofWithPublicInputs::from_bytes(bytes, &circuits.final_circuit.common)
            .map(Self)
            .map_err(|e| CircuitError::ProofBytes(e.to_string()))
    }
}

/// A circuit verifying one proof of a constant inner circuit, its public inputs passed on.
fn wrap_builder<Inner: GenericConfig<D, F = GFp>>(
    config: CircuitConfig,
    inner_common: &CommonCircuitData<GFp, D>,
    inner_data: &VerifierOnlyCircuitData<Inner, D>,
) -> (Builder, ProofWithPublicInputsTarget<D>)
where
    Inner::Hasher: plonky2::plonk::config::AlgebraicHasher<GFp>,
{
    let mut builder = Builder::new(config);
    let inner = builder.add_virtual_proof_with_pis(inner_common);
    let verifier = builder.constant_verifier_data(inner_data);
    builder.verify_proof::<Inner>(&inner, &verifier, inner_common);
    builder.register_public_inputs(&inner.public_inputs.clone());
    (builder, inner)
}

/// The two shrink circuits over a settlement root circuit.
#[derive(Debug)]
pub struct ShrinkCircuits {
    /// The settlement root circuit's verifier data (what the high-rate circuit verifies).
    pub settlement: VerifierCircuitData<GFp, Config, D>,
    /// Verifies a settlement proof, high rate.
    pub high_rate: CircuitData<GFp, Config, D>,
    /// Verifies a high-rate proof: the final circuit.
    pub final_circuit: CircuitData<GFp, FinalConfig, D>,
    high_rate_inner: ProofWithPublicInputsTarget<D>,
    final_inner: ProofWithPublicInputsTarget<D>,
}

impl ShrinkCircuits {
    /// Builds (or loads from `cache`) both circuits over `settlement`'s root circuit.
    pub fn build(settlement: &SettlementCircuits, cache: &CircuitCache) -> Self {
        let root = &settlement.root.data;
        let (high_rate_unbuilt, high_rate_inner) =
            wrap_builder::<Config>(high_rate_config(), &root.common, &root.verifier_only);
        let key = CircuitKey::new("shrink").digest(&root.verifier_only.circuit_digest);
        let high_rate = cache.load_or_build(&key.clone().part("high-rate"), || {
            high_rate_unbuilt.build::<Config>()
        });
        let (final_unbuilt, final_inner) =
            wrap_builder::<Config>(final_config(), &high_rate.common, &high_rate.verifier_only);
        let final_circuit = cache.load_or_build(
            &key.part("final")
                .digest(&high_rate.verifier_only.circuit_digest),
            || final_unbuilt.build::<FinalConfig>(),
        );
        Self {
            settlement: root.verifier_data(),
            high_rate,
            final_circuit,
            high_rate_inner,
            final_inner,
        }
    }

    /// The final proof of a settlement proof.
    pub fn shrink(&self, settlement: &SettlementProof) -> Result<FinalProof, CircuitError> {
        self.settlement
            .verify(settlement.0.clone())
            .map_err(|e| CircuitError::Verify(format!("the settlement proof: {e}")))?;
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        let mut witness = PartialWitness::new();
        witness
            .set_proof_with_pis_target(&self.high_rate_inner, &settlement.0)
            .map_err(witness_error)?;
        let high_rate = self
            .high_rate
            .prove(witness)
            .map_err(|e| CircuitError::Prove(e.to_string()))?;
        let mut witness = PartialWitness::new();
        witness
            .set_proof_with_pis_target(&self.final_inner, &high_rate)
            .map_err(witness_error)?;
        self.final_circuit
            .prove(witness)
            .map(FinalProof)
            .map_err(|e| CircuitError::Prove(e.to_string()))
    }

    /// Verifies a final proof.
    pub fn verify(&self, proof: &FinalProof) -> Result<(), CircuitError> {
        self.final_circuit
            .verify(proof.0.clone())
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }
}
