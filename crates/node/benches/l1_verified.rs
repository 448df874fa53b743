//! Gas of the bridge with the real verifier, on anvil (`cargo xtask bench l1` runs it after
//! `crates/l1/benches/gas.rs`; alone: `cargo bench --profile dev -p hyperforge --bench
//! l1_verified`). Proves a real settlement of 4 chains' batches first (about a minute and a
//! half beyond the circuit cache: see `tests/it/l1_real_settlement.rs`), then prints:
//!
//! - `BENCH final_proof_bytes <n> bytes`: the `proof` bytes `PlonkyVerifier` takes;
//! - `BENCH gas_verify <v> gas`: `PlonkyVerifier.verify` on that proof, execution only (the
//!   estimate of the call less the 21000 base and its calldata);
//! - `BENCH gas_verify_challenges <v> gas`: of those, the transcript alone (`challenges`:
//!   the public-inputs hash and every Fiat-Shamir challenge, proof of work included);
//!   `BENCH gas_verify_gates <v> gas`: the constraints of every gate at `zeta` (both gate
//!   contracts' `evalPart`, execution only); the rest is the quotient identity and FRI's
//!   query rounds;
//! - `BENCH gas_settle_4_verified <v> gas`: the receipt's gasUsed of `settle` of the 4
//!   batches under it, calldata and base included;
//! - `BENCH gas_deploy_plonky_verifier <v> gas` and `BENCH gas_deploy_bridge <v> gas`: the
//!   deployment transactions (each must fit anvil's default 30M-gas block).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/it/l1_real_settlement.rs"]
mod l1_real_settlement;

use std::error::Error;

use alloy::{
    network::TransactionBuilder, primitives::U256, providers::Provider,
    rpc::types::TransactionRequest, sol_types::SolCall,
};
use hyperforge_l1::{
    BridgeClient, VerifierKind, anvil::spawn_anvil, bindings::PlonkyVerifier, plonky2_proof,
};
use plonky2::field::types::PrimeField64;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

alloy::sol! {
    #[sol(rpc)]
    interface IPlonkyParts {
        function challenges(uint256[] publicInputs, bytes proof) external view returns (uint256[] memory);
        function gateContract(uint256 index) external view returns (address);
        function evalPart(uint256[] wires, uint256[] consts, uint256[4] pi) external pure returns (uint256[] memory);
    }
}

/// Gas of executing `input` at `to`: the estimate less the base and the calldata.
async fn execution_gas(
    provider: &alloy::providers::DynProvider,
    to: alloy::primitives::Address,
    input: Vec<u8>,
) -> Result<u64> {
    let estimate = provider
        .estimate_gas(
            TransactionRequest::default()
                .to(to)
                .with_input(input.clone()),
        )
        .await?;
    Ok(estimate - 21_000 - calldata_gas(&input))
}

/// EIP-2028 calldata gas: 4 per zero byte, 16 per other byte.
fn calldata_gas(input: &[u8]) -> u64 {
    input
        .iter()
        .map(|byte| if *byte == 0 { 4 } else { 16 })
        .sum()
}

fn main() -> Result<()> {
    let started = std::time::Instant::now();
    let settlement = l1_real_settlement::prove(4);
    eprintln!(
        "proved the settlement of 4 chains in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tokio::runtime::Runtime::new()?.block_on(run(&settlement))
}

async fn run(settlement: &l1_real_settlement::RealSettlement) -> Result<()> {
    let common = &settlement.circuits.shrink.final_circuit.common;
    let proof = plonky2_proof(&settlement.proof.0, common, &settlement.batches)?;
    println!("BENCH final_proof_bytes {} bytes", proof.len());
    println!(
        "BENCH final_proof_plonky2_bytes {} bytes",
        settlement.proof.to_bytes().len()
    );

    let anvil = spawn_anvil()?;
    let (client, deployment) = BridgeClient::deploy_with_verifier(
        anvil.endpoint_url(),
        anvil.keys()[0].clone().into(),
        None,
        VerifierKind::Plonky2,
    )
    .await?;
    for (name, gas) in &deployment.verifier.gas {
        let name = match *name {
            "PlonkyVerifier" => "plonky_verifier",
            "PoseidonGoldilocks" => "poseidon",
            other => other,
        };
        println!("BENCH gas_deploy_{name} {gas} gas");
    }
    println!("BENCH gas_deploy_bridge {} gas", deployment.bridge_gas);

    let public_inputs: Vec<U256> = settlement
        .proof
        .0
        .public_inputs
        .iter()
        .map(|x| U256::from(x.to_canonical_u64()))
        .collect();
    let verify_inputs = public_inputs.clone();
    let input = PlonkyVerifier::verifyCall {
        publicInputs: public_inputs.clone(),
        proof: proof.clone(),
    }
    .abi_encode();
    let verifier = PlonkyVerifier::new(deployment.verifier.address, client.provider().clone());
    assert!(
        verifier.verify(public_inputs, proof.clone()).call().await?,
        "the verifier refuses the real proof"
    );
    let estimate = client
        .provider()
        .estimate_gas(
            TransactionRequest::default()
                .to(deployment.verifier.address)
                .with_input(input.clone()),
        )
        .await?;
    println!(
        "BENCH gas_verify {} gas",
        estimate - 21_000 - calldata_gas(&input)
    );

    let provider = client.provider();
    let challenges = IPlonkyParts::challengesCall {
        publicInputs: verify_inputs.clone(),
        proof: proof.clone(),
    }
    .abi_encode();
    println!(
        "BENCH gas_verify_challenges {} gas",
        execution_gas(provider, deployment.verifier.address, challenges).await?
    );
    let parts = IPlonkyParts::new(deployment.verifier.address, provider.clone());
    let openings = &settlement.proof.0.proof.openings;
    let words = |xs: &[plonky2::field::extension::quadratic::QuadraticExtension<
        plonky2::field::goldilocks_field::GoldilocksField,
    >]| {
        xs.iter()
            .flat_map(|x| x.0.map(|c| U256::from(c.to_canonical_u64())))
            .collect::<Vec<_>>()
    };
    let pi_hash = settlement.proof.0.get_public_inputs_hash();
    let mut gates_gas = 0;
    let mut seen = Vec::new();
    for index in 0..common.gates.len() {
        let at = parts.gateContract(U256::from(index)).call().await?;
        if seen.contains(&at) {
            continue;
        }
        seen.push(at);
        let input = IPlonkyParts::evalPartCall {
            wires: words(&openings.wires),
            consts: words(&openings.constants),
            pi: pi_hash.elements.map(|x| U256::from(x.to_canonical_u64())),
        }
        .abi_encode();
        gates_gas += execution_gas(provider, at, input).await?;
    }
    println!("BENCH gas_verify_gates {gates_gas} gas");

    for chain in &settlement.chains {
        client
            .register_chain(
                chain.chain_id,
                chain.genesis_root,
                client.sender(),
                chain.backing,
            )
            .await?;
    }
    let outcome = client.settle(&settlement.batches, proof).await?;
    println!("BENCH gas_settle_4_verified {} gas", outcome.gas_used);
    Ok(())
}
