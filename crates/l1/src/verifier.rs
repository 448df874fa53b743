//! The bridge's verifier: which one ([`VerifierKind`]), deploying it ([`deploy_verifier`]),
//! and a final Plonky2 proof laid out as the `proof` bytes `settle` passes it
//! ([`plonky2_proof`]).

use std::{fmt, str::FromStr};

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes},
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
};
use hyperforge_primitives::bridge::{BatchPublicInputs, settlement_commitment};
use plonky2::{
    field::{goldilocks_field::GoldilocksField, types::PrimeField64},
    plonk::{
        circuit_data::CommonCircuitData, config::KeccakGoldilocksConfig,
        proof::ProofWithPublicInputs,
    },
};

use crate::{
    L1Error,
    bindings::{DevVerifier, PlonkyVerifier, PoseidonGoldilocks},
};

/// A final proof: plonky2 1.1, Goldilocks with the quadratic extension, Keccak Merkle trees
/// (`circuits::recursion::FinalProof`'s inner type).
pub type FinalPlonky2Proof = ProofWithPublicInputs<GoldilocksField, KeccakGoldilocksConfig, 2>;

/// The final circuit's common data (what the proof's layout follows).
pub type FinalCommonData = CommonCircuitData<GoldilocksField, 2>;

/// Which verifier a bridge is deployed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifierKind {
    /// `PlonkyVerifier`: plonky2 1.1's verifier of the final proof, on chain.
    #[default]
    Plonky2,
    /// `DevVerifier`: binds the public inputs and checks no proof. UNCHECKED.
    Dev,
}

impl VerifierKind {
    /// The name `--verifier` takes and the ecosystem file records.
    pub fn name(self) -> &'static str {
        match self {
            Self::Plonky2 => "plonky2",
            Self::Dev => "dev",
        }
    }

    /// Whether the bridge checks settlement proofs on chain with it.
    pub fn checks_proofs(self) -> bool {
        self == Self::Plonky2
    }
}

impl fmt::Display for VerifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `--verifier` was neither `plonky2` nor `dev`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown verifier `{0}`: expected `plonky2` or `dev`")]
pub struct UnknownVerifier(pub String);

impl FromStr for VerifierKind {
    type Err = UnknownVerifier;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "plonky2" => Ok(Self::Plonky2),
            "dev" => Ok(Self::Dev),
            other => Err(UnknownVerifier(other.to_owned())),
        }
    }
}

/// A deployed verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedVerifier {
    /// Which one.
    pub kind: VerifierKind,
    /// Its address (what the bridge calls).
    pub address: Address,
    /// For `plonky2`: the `PoseidonGoldilocks` it hashes public inputs with.
    pub poseidon: Option<Address>,
    /// For `plonky2`: the digest of the final circuit it verifies (`CIRCUIT_DIGEST`: plonky2's
    /// 25-byte Keccak digest, zero-padded).
    pub circuit_digest: Option<B256>,
    /// Gas of each deployment transaction, by what it deployed (calldata and base included).
    /// `PlonkyVerifier`'s includes its two gate contracts, which its constructor deploys.
    pub gas: Vec<(&'static str, u64)>,
}

/// Sends a contract creation of `code`; its address and gas.
async fn create(provider: &DynProvider, code: Bytes) -> Result<(Address, u64), L1Error> {
    let request = TransactionRequest::default().with_deploy_code(code);
    let receipt = provider
        .send_transaction(request)
        .await?
        .get_receipt()
        .await?;
    if !receipt.status() {
        return Err(L1Error::Reverted(receipt.transaction_hash));
    }
    let address = receipt
        .contract_address
        .ok_or(L1Error::NoContractAddress(receipt.transaction_hash))?;
    Ok((address, receipt.gas_used))
}

/// Deploys a verifier of `kind` from the provider's account.
pub async fn deploy_verifier(
    provider: &DynProvider,
    kind: VerifierKind,
) -> Result<DeployedVerifier, L1Error> {
    match kind {
        VerifierKind::Dev => {
            let (address, gas) = create(provider, DevVerifier::BYTECODE.clone()).await?;
            tracing::warn!(target: "l1::client", verifier = %address, "DevVerifier deployed: UNCHECKED, proofs are not verified");
            Ok(DeployedVerifier {
                kind,
                address,
                poseidon: None,
                circuit_digest: None,
                gas: vec![("DevVerifier", gas)],
            })
        }
        VerifierKind::Plonky2 => {
            let (poseidon, poseidon_gas) =
                create(provider, PoseidonGoldilocks::BYTECODE.clone()).await?;
            let code = PlonkyVerifier::deploy_builder(provider.clone(), poseidon)
                .calldata()
                .clone();
            let (address, verifier_gas) = create(provider, code).await?;
            let circuit_digest = PlonkyVerifier::new(address, provider.clone())
                .CIRCUIT_DIGEST()
                .call()
                .await?;
            tracing::info!(target: "l1::client", verifier = %address, %poseidon, %circuit_digest, "PlonkyVerifier deployed");
            Ok(DeployedVerifier {
                kind,
                address,
                poseidon: Some(poseidon),
                circuit_digest: Some(circuit_digest),
                gas: vec![
                    ("PoseidonGoldilocks", poseidon_gas),
                    ("PlonkyVerifier", verifier_gas),
                ],
            })
        }
    }
}

/// The settle proof `PlonkyVerifier` checks: `proof` in the verifier's layout
/// (`hyperforge_solidity_verifier::calldata::encode` for the final circuit of `common`).
/// Refuses a proof whose public inputs are not the settlement commitment of `batches` (the
/// bridge recomputes it and would refuse the settlement with `InvalidProof`).
pub fn plonky2_proof(
    proof: &FinalPlonky2Proof,
    common: &FinalCommonData,
    batches: &[BatchPublicInputs],
) -> Result<Bytes, L1Error> {
    let commitment = settlement_commitment(batches);
    let expected: Vec<u64> = commitment
        .elements
        .iter()
        .map(|x| x.to_canonical_u64())
        .collect();
    let calldata = hyperforge_solidity_verifier::calldata::encode(proof, common)?;
    if calldata.public_inputs != expected {
        return Err(L1Error::ProofStatement {
            proven: calldata.public_inputs,
            expected,
        });
    }
    Ok(calldata.proof.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_kinds_parse_from_their_names_and_plonky2_is_the_default() {
        for kind in [VerifierKind::Plonky2, VerifierKind::Dev] {
            assert_eq!(kind.name().parse::<VerifierKind>(), Ok(kind));
        }
        assert_eq!(VerifierKind::default(), VerifierKind::Plonky2);
        assert!(VerifierKind::Plonky2.checks_proofs());
        assert!(!VerifierKind::Dev.checks_proofs());
        assert_eq!(
            "groth16".parse::<VerifierKind>(),
            Err(UnknownVerifier("groth16".into()))
        );
    }
}
