//! In-circuit verification against the native verifier: valid signatures prove and verify,
//! every kind of forgery makes proving fail.

use hyperforge_circuits::{CircuitError, SignedMessage};
use hyperforge_crypto::field::{self, P};
use hyperforge_crypto::scalar::GROUP_ORDER;
use hyperforge_crypto::{GFp5, Scalar, Signature};
use plonky2::field::types::Field;
use plonky2::iop::witness::PartialWitness;
use proptest::prelude::*;

use crate::common::{self, circuit, message, refused, secret_key, signed, witness_accepts};

fn alice() -> SignedMessage {
    signed(&secret_key(&[7; 64]), message([1, 2, 3, 4]))
}

#[test]
fn valid_signature_proves_and_the_proof_verifies() {
    let item = alice();
    assert!(
        item.public_key
            .verify(&item.message, &item.signature)
            .is_ok()
    );
    let circuit = circuit();
    let proof = circuit.prove(circuit.witness(&[item]).unwrap()).unwrap();
    circuit.verify(proof).unwrap();
}

#[test]
fn wrong_s_is_refused() {
    let mut item = alice();
    item.signature = Signature::new(item.signature.r(), item.signature.s() + Scalar::ONE);
    assert!(
        item.public_key
            .verify(&item.message, &item.signature)
            .is_err()
    );
    assert!(refused(&item));
}

#[test]
fn wrong_r_is_refused() {
    let mut item = alice();
    let other = signed(&secret_key(&[7; 64]), message([9, 9, 9, 9]));
    item.signature = Signature::new(other.signature.r(), item.signature.s());
    assert!(
        item.public_key
            .verify(&item.message, &item.signature)
            .is_err()
    );
    assert!(refused(&item));
}

#[test]
fn wrong_message_is_refused() {
    let mut item = alice();
    item.message[3] += plonky2::field::goldilocks_field::GoldilocksField::ONE;
    assert!(
        item.public_key
            .verify(&item.message, &item.signature)
            .is_err()
    );
    assert!(refused(&item));
}

#[test]
fn wrong_public_key_is_refused() {
    let mut item = alice();
    item.public_key = secret_key(&[8; 64]).public_key();
    assert!(
        item.public_key
            .verify(&item.message, &item.signature)
            .is_err()
    );
    assert!(refused(&item));
}

#[test]
fn signature_from_another_key_is_refused() {
    let alice = alice();
    let mallory = signed(&secret_key(&[9; 64]), alice.message.clone());
    let forged = SignedMessage {
        public_key: alice.public_key,
        message: alice.message,
        signature: mallory.signature,
    };
    assert!(
        forged
            .public_key
            .verify(&forged.message, &forged.signature)
            .is_err()
    );
    assert!(refused(&forged));
}

/// Sets raw limbs and reports whether the circuit refuses them.
fn raw_refused(public_key: [u64; 5], r: [u64; 5], s: [u64; 5]) -> bool {
    let item = alice();
    let circuit = circuit();
    let mut witness = PartialWitness::new();
    circuit.targets[0]
        .set_witness_limbs(&mut witness, public_key, &item.message, r, s)
        .unwrap();
    match circuit.prove(witness) {
        Err(_) => true,
        Ok(proof) => circuit.verify(proof).is_err(),
    }
}

fn limbs(item: &SignedMessage) -> ([u64; 5], [u64; 5], [u64; 5]) {
    (
        item.public_key.to_limbs(),
        field::to_canonical_limbs(&item.signature.r()),
        item.signature.s().to_limbs(),
    )
}

#[test]
fn raw_limbs_of_a_valid_signature_are_accepted() {
    // The control for the raw-limb refusals below: the same path accepts the honest limbs.
    let (pk, r, s) = limbs(&alice());
    assert!(!raw_refused(pk, r, s));
}

#[test]
fn s_plus_n_is_refused() {
    // (s + n) G = s G: only the range check s < n refuses it. s + n < 2^320 fits the limbs.
    let (pk, r, s) = limbs(&alice());
    let mut sum = [0u64; 5];
    let mut carry = 0u128;
    for i in 0..5 {
        let v = s[i] as u128 + GROUP_ORDER[i] as u128 + carry;
        sum[i] = v as u64;
        carry = v >> 64;
    }
    assert_eq!(carry, 0);
    assert!(raw_refused(pk, r, sum));
}

#[test]
fn neutral_r_is_refused() {
    let (pk, _, s) = limbs(&alice());
    assert!(raw_refused(pk, [0; 5], s));
}

#[test]
fn neutral_public_key_is_refused() {
    let (_, r, s) = limbs(&alice());
    assert!(raw_refused([0; 5], r, s));
}

#[test]
fn r_that_encodes_no_point_is_refused() {
    let (pk, mut r, s) = limbs(&alice());
    // Find a w near R's that decodes to nothing natively.
    loop {
        r[0] = (r[0] + 1) % P;
        if hyperforge_crypto::Point::decode(&field::gfp5(r)).is_err() {
            break;
        }
    }
    assert!(raw_refused(pk, r, s));
}

#[test]
fn limbs_not_below_p_are_refused_by_the_witness_helper() {
    let item = alice();
    let (pk, r, s) = limbs(&item);
    let circuit = circuit();
    let mut witness = PartialWitness::new();
    let mut bad_r = r;
    bad_r[2] = P; // a non-canonical encoding of 0
    let err = circuit.targets[0]
        .set_witness_limbs(&mut witness, pk, &item.message, bad_r, s)
        .unwrap_err();
    assert!(matches!(
        err,
        CircuitError::NonCanonicalLimb { index: 2, .. }
    ));
    let mut bad_pk = pk;
    bad_pk[0] = u64::MAX;
    let err = circuit.targets[0]
        .set_witness_limbs(&mut PartialWitness::new(), bad_pk, &item.message, r, s)
        .unwrap_err();
    assert!(matches!(
        err,
        CircuitError::NonCanonicalLimb { index: 0, .. }
    ));
}

#[test]
fn wrong_message_length_is_an_error() {
    let mut item = alice();
    item.message.push(GFp5::ZERO.0[0]);
    assert!(matches!(
        circuit().witness(&[item]),
        Err(CircuitError::MessageLength {
            expected: 4,
            got: 5
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn circuit_agrees_with_native_verification(
        seed in any::<[u8; 32]>(),
        m in any::<[u64; common::MESSAGE_LEN]>(),
        tamper in 0usize..4,
    ) {
        let mut wide = [0u8; 64];
        wide[..32].copy_from_slice(&seed);
        let key = secret_key(&wide);
        let mut item = signed(&key, message(m));
        prop_assert!(witness_accepts(&item));
        // Tamper with one part; the native and the circuit verdicts must agree.
        match tamper {
            0 => item.message[0] = item.message[0].double() + GFp5::ONE.0[0],
            1 => item.signature = Signature::new(item.signature.r(), item.signature.s() + item.signature.s()),
            2 => item.public_key = secret_key(&[seed[0] ^ 0x5a; 64]).public_key(),
            _ => {}
        }
        let native = item.public_key.verify(&item.message, &item.signature).is_ok();
        prop_assert_eq!(witness_accepts(&item), native);
    }
}

#[test]
fn gate_strategies_measured_for_comparison_verify_too() {
    // The bench counts rows of these variants: they must be real verifiers as well.
    use hyperforge_circuits::{GateStrategy, SignatureBatchCircuit};
    let item = alice();
    let mut forged = alice();
    forged.signature = Signature::new(forged.signature.r(), forged.signature.s() + Scalar::ONE);
    for strategy in [GateStrategy::MulAddGate, GateStrategy::ArithmeticGates] {
        let circuit = SignatureBatchCircuit::build(1, common::MESSAGE_LEN, strategy);
        let proof = circuit
            .prove(circuit.witness(std::slice::from_ref(&item)).unwrap())
            .unwrap();
        circuit.verify(proof).unwrap();
        let witness = circuit.witness(std::slice::from_ref(&forged)).unwrap();
        assert!(circuit.generate_witness(witness).is_err(), "{strategy:?}");
    }
}
