//! The generated verifier against plonky2's own values: every challenge and every gate's
//! constraints, the first valid proof accepted, and named byte-level lies (at the layout's
//! offsets) and a proof of another circuit refused.

use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use hyperforge_solidity_verifier::calldata::{Calldata, encode};
use hyperforge_solidity_verifier::layout::{DIGEST, Layout};
use hyperforge_solidity_verifier::standin::{D, F, NUM_PUBLIC_INPUTS};
use plonky2::field::extension::Extendable;
use plonky2::field::types::{Field, PrimeField64, Sample};
use plonky2::hash::hash_types::HashOut;
use plonky2::plonk::vars::EvaluationVars;

use crate::chain::{IPlonkyGates, IPlonkyVerifier, chain, pis};
use crate::fixture::fixture;

type Ext = <F as Extendable<D>>::Extension;

fn words(xs: &[Ext]) -> Vec<U256> {
    xs.iter()
        .flat_map(|x| x.0.map(|c| U256::from(c.to_canonical_u64())))
        .collect()
}

/// The stand-in's final circuit has the real final circuit's shape (what the generator is
/// tested on is what it is used on).
#[tokio::test(flavor = "multi_thread")]
async fn the_stand_in_final_circuit_has_the_final_shape() {
    let common = &tokio::task::spawn_blocking(fixture)
        .await
        .expect("fixture")
        .common;
    assert_eq!(common.degree_bits(), 12);
    assert_eq!(common.fri_params.reduction_arity_bits, vec![3, 3]);
    assert_eq!(common.config.num_routed_wires, 37);
    assert_eq!(common.fri_params.config.rate_bits, 8);
    assert_eq!(common.fri_params.config.cap_height, 0);
    assert_eq!(common.num_public_inputs, NUM_PUBLIC_INPUTS);
}

/// Every challenge and every gate's constraints equal plonky2's, the first valid proof is
/// accepted (and its gas measured), and each named byte-level lie is refused.
#[tokio::test(flavor = "multi_thread")]
async fn the_generated_verifier_agrees_with_plonky2() {
    let chain = chain().await;
    let f = fixture();
    let proof = &f.proofs[0];
    let valid = encode(proof, &f.common).expect("encode");
    eprintln!("proof bytes: {}", valid.proof.len());

    // The challenges, one by one.
    let ours = IPlonkyVerifier::new(chain.verifier, chain.provider.clone())
        .challenges(pis(&valid), Bytes::from(valid.proof.clone()))
        .call()
        .await
        .expect("challenges");
    let pi_hash = proof.get_public_inputs_hash();
    let theirs = proof
        .get_challenges(pi_hash, &f.verifier_only.circuit_digest, &f.common)
        .expect("challenges");
    let mut expected: Vec<u64> = Vec::new();
    expected.extend(theirs.plonk_betas.iter().map(|x| x.to_canonical_u64()));
    expected.extend(theirs.plonk_gammas.iter().map(|x| x.to_canonical_u64()));
    expected.extend(theirs.plonk_alphas.iter().map(|x| x.to_canonical_u64()));
    expected.extend(theirs.plonk_zeta.0.iter().map(|x| x.to_canonical_u64()));
    expected.extend(
        theirs
            .fri_challenges
            .fri_alpha
            .0
            .iter()
            .map(|x| x.to_canonical_u64()),
    );
    for b in &theirs.fri_challenges.fri_betas {
        expected.extend(b.0.iter().map(|x| x.to_canonical_u64()));
    }
    expected.push(theirs.fri_challenges.fri_pow_response.to_canonical_u64());
    expected.extend(
        theirs
            .fri_challenges
            .fri_query_indices
            .iter()
            .map(|&x| x as u64),
    );
    let ours: Vec<u64> = ours.iter().map(|x| x.to::<u64>()).collect();
    assert_eq!(ours, expected, "challenges");

    // Every gate's constraints at random openings.
    let verifier = IPlonkyVerifier::new(chain.verifier, chain.provider.clone());
    let num_selectors = f.common.selectors_info.num_selectors();
    for (index, gate) in f.common.gates.iter().enumerate() {
        let wires: Vec<Ext> = (0..f.common.config.num_wires)
            .map(|_| Ext::rand())
            .collect();
        let consts: Vec<Ext> = (0..f.common.num_constants - num_selectors)
            .map(|_| Ext::rand())
            .collect();
        let pi = HashOut::<F>::rand();
        let vars = EvaluationVars {
            local_constants: &consts,
            local_wires: &wires,
            public_inputs_hash: &pi,
        };
        let want = words(&gate.0.eval_unfiltered(vars));
        let at = verifier
            .gateContract(U256::from(index))
            .call()
            .await
            .expect("gateContract");
        let got = IPlonkyGates::new(at, chain.provider.clone())
            .evalGate(
                U256::from(index),
                words(&wires),
                words(&consts),
                pi.elements.map(|x| U256::from(x.to_canonical_u64())),
            )
            .call()
            .await
            .expect("evalGate");
        assert_eq!(got, want, "gate {index}: {}", gate.0.id());
    }

    // The proof.
    assert!(chain.verdict(&valid).await, "the valid proof is refused");
    let gas = chain
        .provider
        .estimate_gas(
            TransactionRequest::default().to(chain.verifier).input(
                alloy::sol_types::SolCall::abi_encode(&IPlonkyVerifier::verifyCall {
                    publicInputs: pis(&valid),
                    proof: Bytes::from(valid.proof.clone()),
                })
                .into(),
            ),
        )
        .await
        .expect("estimate");
    eprintln!("BENCH gas_verify_total {gas} gas (calldata included)");
    let challenges_gas = chain
        .provider
        .estimate_gas(
            TransactionRequest::default().to(chain.verifier).input(
                alloy::sol_types::SolCall::abi_encode(&IPlonkyVerifier::challengesCall {
                    publicInputs: pis(&valid),
                    proof: Bytes::from(valid.proof.clone()),
                })
                .into(),
            ),
        )
        .await
        .expect("estimate");
    eprintln!("gas of the challenges alone (calldata included): {challenges_gas}");
    for part in [0usize, f.common.gates.len() - 1] {
        let at = verifier
            .gateContract(U256::from(part))
            .call()
            .await
            .expect("gateContract");
        let o = &proof.proof.openings;
        let input = alloy::sol_types::SolCall::abi_encode(&IPlonkyGates::evalPartCall {
            wires: words(&o.wires),
            consts: words(&o.constants),
            pi: pi_hash.elements.map(|x| U256::from(x.to_canonical_u64())),
        });
        let gas = chain
            .provider
            .estimate_gas(TransactionRequest::default().to(at).input(input.into()))
            .await
            .expect("estimate");
        eprintln!("gas of the gate contract holding gate {part}: {gas}");
    }
    let calldata_gas: u64 = valid
        .proof
        .iter()
        .map(|&b| if b == 0 { 4 } else { 16 })
        .sum();
    eprintln!("proof calldata gas about {calldata_gas}");

    // Each lie is refused.
    let layout = Layout::new(&f.common).expect("layout");
    let mut lies: Vec<(&str, Calldata)> = Vec::new();
    let mut lie = valid.clone();
    lie.public_inputs[0] += 1;
    lies.push(("a changed public input", lie));
    lies.push((
        "a changed wire opening",
        bump(&valid, 3 * DIGEST + 16 * layout.o_wires),
    ));
    lies.push(("a changed wires cap", flip(&valid, 3)));
    let first_path = layout.off_queries + 8 * layout.leaf_lens[0];
    lies.push((
        "a changed Merkle path element",
        flip(&valid, first_path + 5),
    ));
    let mut step = layout.off_queries
        + layout
            .leaf_lens
            .iter()
            .map(|l| 8 * l + DIGEST * layout.lde_bits)
            .sum::<usize>();
    step += 16 << f.common.fri_params.reduction_arity_bits[0];
    lies.push(("a changed FRI query path", flip(&valid, step + 1)));
    lies.push((
        "a changed FRI final polynomial coefficient",
        bump(&valid, layout.off_final_poly),
    ));
    lies.push((
        "a wrong proof-of-work witness",
        bump(&valid, layout.off_pow),
    ));
    lies.push((
        "a proof of another circuit",
        encode(&f.other, &f.common).expect("encode other"),
    ));
    assert!(
        !f.plonky2_accepts(&f.other),
        "plonky2 itself must refuse the other circuit's proof"
    );
    for (what, lie) in &lies {
        assert!(!chain.verdict(lie).await, "{what} is accepted");
    }
}

/// `calldata` with the proof's field element at byte `at` increased by one (mod p).
fn bump(calldata: &Calldata, at: usize) -> Calldata {
    let mut lie = calldata.clone();
    let mut word = [0u8; 8];
    word.copy_from_slice(&lie.proof[at..at + 8]);
    let value = (F::from_canonical_u64(u64::from_le_bytes(word)) + F::ONE).to_canonical_u64();
    lie.proof[at..at + 8].copy_from_slice(&value.to_le_bytes());
    lie
}

/// `calldata` with one bit of the proof's byte `at` flipped.
fn flip(calldata: &Calldata, at: usize) -> Calldata {
    let mut lie = calldata.clone();
    lie.proof[at] ^= 0x10;
    lie
}
