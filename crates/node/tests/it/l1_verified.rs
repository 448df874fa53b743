//! The bridge verifies a real final proof on anvil: two chains' batches, executed natively and
//! proven through chunks, batch proofs, the settlement proof and the shrink
//! (`l1_real_settlement`, proven once for the test binary), settle into a bridge deployed with
//! the committed `PlonkyVerifier` on anvil's default block gas limit. The same proof with a
//! batch's public inputs changed (another new state root) or with one of its bytes flipped is
//! refused with the bridge's `InvalidProof` and changes nothing; the real ones are accepted
//! and move both chains' state roots.

use std::sync::LazyLock;

use alloy::primitives::Bytes;
use hyperforge_l1::{BridgeClient, L1Error, VerifierKind, anvil::spawn_anvil, plonky2_proof};
use hyperforge_primitives::bridge::two_to_one;
use plonky2::field::{goldilocks_field::GoldilocksField, types::Field};

use crate::l1_real_settlement::{RealSettlement, prove};

static SETTLEMENT: LazyLock<RealSettlement> = LazyLock::new(|| prove(2));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_settles_real_batches_under_a_real_final_proof_and_refuses_changed_ones() {
    let settlement = tokio::task::spawn_blocking(|| &*SETTLEMENT).await.unwrap();
    let common = &settlement.circuits.shrink.final_circuit.common;
    let batches = &settlement.batches;
    let proof = plonky2_proof(&settlement.proof.0, common, batches).unwrap();

    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let (client, deployment) = BridgeClient::deploy_with_verifier(
        anvil.endpoint_url(),
        anvil.keys()[0].clone().into(),
        None,
        VerifierKind::Plonky2,
    )
    .await
    .unwrap();
    let final_digest = &settlement
        .circuits
        .shrink
        .final_circuit
        .verifier_only
        .circuit_digest;
    assert_eq!(
        deployment
            .verifier
            .circuit_digest
            .map(|d| d.0[..25].to_vec()),
        Some(final_digest.0.to_vec()),
        "the committed PlonkyVerifier is for another circuit: run `cargo xtask contracts verifier`"
    );
    for (name, gas) in &deployment.verifier.gas {
        assert!(*gas < 30_000_000, "{name} deployment {gas} gas");
    }
    for chain in &settlement.chains {
        client
            .register_chain(
                chain.chain_id,
                chain.genesis_root,
                client.sender(),
                chain.backing,
            )
            .await
            .unwrap();
    }

    // The proof does not state the changed batches: the local check says so before sending.
    let mut changed = batches.clone();
    changed[1].new_state_root = two_to_one(changed[1].new_state_root, changed[1].old_state_root);
    assert!(matches!(
        plonky2_proof(&settlement.proof.0, common, &changed),
        Err(L1Error::ProofStatement { .. })
    ));
    // Sent all the same, the bridge's verifier refuses it.
    let refused = client.settle(&changed, proof.clone()).await.unwrap_err();
    assert_eq!(refused.revert_name(), Some("InvalidProof"), "{refused}");
    let mut other_value = batches.clone();
    other_value[0].new_state_root.elements[3] += GoldilocksField::ONE;
    let refused = client
        .settle(&other_value, proof.clone())
        .await
        .unwrap_err();
    assert_eq!(refused.revert_name(), Some("InvalidProof"), "{refused}");
    // A flipped byte of the proof.
    let mut flipped = proof.to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let refused = client
        .settle(batches, Bytes::from(flipped))
        .await
        .unwrap_err();
    assert_eq!(refused.revert_name(), Some("InvalidProof"), "{refused}");
    for chain in &settlement.chains {
        let state = client.chain(chain.chain_id).await.unwrap().unwrap();
        assert_eq!(
            (state.state_root, state.batch_number),
            (chain.genesis_root, 0),
            "a refused settlement changes nothing"
        );
    }

    // The real batches under the real proof.
    let outcome = client.settle(batches, proof).await.unwrap();
    eprintln!(
        "settle of 2 chains with the real verifier: {} gas",
        outcome.gas_used
    );
    for batch in batches {
        let state = client.chain(batch.chain_id).await.unwrap().unwrap();
        assert_eq!(
            (state.state_root, state.batch_number),
            (batch.new_state_root, 1),
            "the bridge moved chain {}'s state root",
            batch.chain_id
        );
        assert_eq!(
            client.outbox_root(batch.chain_id, 1).await.unwrap(),
            batch.outbox_root
        );
    }
    assert_eq!(
        client.message_root_count().await.unwrap(),
        1,
        "the first chain's withdrawal made its outbox root the queue's first entry"
    );
}
