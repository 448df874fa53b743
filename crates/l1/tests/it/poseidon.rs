//! PoseidonGoldilocks.sol computes exactly plonky2's Poseidon: shared vectors, computed in
//! Rust and by the contract on anvil; and the bridge's hash constants (queue seeds, the empty
//! outbox root) are the Rust values.

use alloy::providers::ProviderBuilder;
use hyperforge_l1::{anvil::spawn_anvil, bindings::PoseidonGoldilocks};
use hyperforge_primitives::{
    bridge::{
        F, MESSAGE_QUEUE_SEED, OUTBOX_DEPTH, PRIORITY_SEED, PUBLIC_INPUTS_PER_BATCH,
        digest_to_b256, empty_outbox_root, hash_no_pad, two_to_one,
    },
    domain,
};
use plonky2::{
    field::types::{Field, Field64, PrimeField64},
    hash::poseidon::Poseidon,
};

use crate::harness::{digest, signer};

/// Deterministic canonical elements, with the extremes 0 and p - 1 mixed in.
fn elements(count: usize, seed: u64) -> Vec<F> {
    (0..count as u64)
        .map(|i| match (i + seed) % 5 {
            0 => F::ZERO,
            1 => F::from_canonical_u64(F::ORDER - 1),
            _ => F::from_canonical_u64(
                (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ i.wrapping_mul(0xbf58_476d_1ce4_e5b9))
                    % F::ORDER,
            ),
        })
        .collect()
}

fn words(elements: &[F]) -> Vec<alloy::primitives::U256> {
    elements
        .iter()
        .map(|e| alloy::primitives::U256::from(e.to_canonical_u64()))
        .collect()
}

#[tokio::test]
async fn solidity_poseidon_matches_plonky2_on_shared_vectors() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let provider = ProviderBuilder::new()
        .wallet(signer(&anvil, 0))
        .connect_http(anvil.endpoint_url());
    let poseidon = PoseidonGoldilocks::deploy(provider).await.unwrap();

    for (count, seed) in [
        (0, 0),
        (1, 1),
        (4, 2),
        (7, 3),
        (8, 4),
        (9, 5),
        (10, 6),
        (13, 7),
        (16, 8),
        (17, 9),
        (27, 10),
        (54, 11),
    ] {
        let input = elements(count, seed);
        let on_chain = poseidon.hashNoPad(words(&input)).call().await.unwrap();
        assert_eq!(
            on_chain,
            digest_to_b256(&hash_no_pad(&input)),
            "hash_no_pad of {count} elements"
        );
    }
    for seed in 0..4 {
        let (left, right) = (digest(seed), digest(seed + 100));
        let on_chain = poseidon
            .twoToOne(digest_to_b256(&left), digest_to_b256(&right))
            .call()
            .await
            .unwrap();
        assert_eq!(
            on_chain,
            digest_to_b256(&two_to_one(left, right)),
            "two_to_one #{seed}"
        );
    }
    for seed in 0..4 {
        let state: [F; 12] = elements(12, seed + 20).try_into().unwrap();
        let expected = <F as Poseidon>::poseidon(state);
        let on_chain = poseidon
            .permute(words(&state).try_into().unwrap())
            .call()
            .await
            .unwrap();
        assert_eq!(on_chain.to_vec(), words(&expected), "permutation #{seed}");
    }
}

#[tokio::test]
async fn solidity_poseidon_rejects_non_canonical_elements() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let provider = ProviderBuilder::new()
        .wallet(signer(&anvil, 0))
        .connect_http(anvil.endpoint_url());
    let poseidon = PoseidonGoldilocks::deploy(provider).await.unwrap();
    let p = alloy::primitives::U256::from(F::ORDER);
    let error = poseidon
        .hashNoPad(vec![alloy::primitives::U256::ZERO, p])
        .call()
        .await
        .unwrap_err();
    let decoded = error
        .as_decoded_error::<PoseidonGoldilocks::NonCanonicalElement>()
        .expect("NonCanonicalElement");
    assert_eq!(decoded.value, p);
}

#[tokio::test]
async fn bridge_seeds_and_empty_outbox_root_equal_the_rust_values() {
    let harness = crate::harness::Harness::start().await;
    let bridge = harness.operator.contract();
    let priority_seed = digest_to_b256(&PRIORITY_SEED);
    let message_seed = digest_to_b256(&MESSAGE_QUEUE_SEED);
    assert_eq!(
        priority_seed,
        digest_to_b256(&domain::seed(domain::PRIORITY_QUEUE))
    );
    assert_eq!(bridge.PRIORITY_SEED().call().await.unwrap(), priority_seed);
    assert_eq!(
        bridge.MESSAGE_QUEUE_SEED().call().await.unwrap(),
        message_seed
    );
    assert_eq!(
        bridge.EMPTY_OUTBOX_ROOT().call().await.unwrap(),
        digest_to_b256(&empty_outbox_root())
    );
    assert_eq!(
        bridge.PUBLIC_INPUTS_PER_BATCH().call().await.unwrap(),
        alloy::primitives::U256::from(PUBLIC_INPUTS_PER_BATCH)
    );
    assert_eq!(
        bridge.OUTBOX_DEPTH().call().await.unwrap(),
        alloy::primitives::U256::from(OUTBOX_DEPTH)
    );
    // c_0 and m_0, as clients read them.
    let alpha = crate::harness::chain(crate::harness::ALPHA);
    assert_eq!(
        harness
            .operator
            .priority_commitment(alpha, 0)
            .await
            .unwrap(),
        *PRIORITY_SEED
    );
    assert_eq!(
        harness.operator.message_commitment(0).await.unwrap(),
        *MESSAGE_QUEUE_SEED
    );
}
