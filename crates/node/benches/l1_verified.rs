//! Gas of the bridge with the real verifier, on anvil (`cargo xtask bench l1` runs it after
//! `crates/l1/benches/gas.rs`; alone: `cargo bench --profile dev -p hyperforge --bench
//! l1_verified`). Proves a real settlement of 4 chains' batches first (about a minute and a
//! half beyond the circuit cache: see `tests/it/l1_real_settlement.rs`), then prints:
//!
//! - `BENCH final_proof_bytes <n> bytes`: the `proof` bytes `PlonkyVerifier` takes;
//! - `BENCH gas_verify <v> gas`: `PlonkyVerifier.verify` on that proof, execution only (the
//!   estimate of the call less the 21000 base and its calldata);
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
