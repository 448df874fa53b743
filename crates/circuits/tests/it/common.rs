//! Shared fixtures: the one-signature circuit (built once) and signed messages.

use std::sync::OnceLock;

use hyperforge_circuits::{GateStrategy, SignatureBatchCircuit, SignedMessage};
use hyperforge_crypto::{GFp, Scalar, SecretKey};
use plonky2::field::types::Field;

/// Elements per message (a transaction hash).
pub(crate) const MESSAGE_LEN: usize = 4;

/// The one-signature circuit with the custom gate.
pub(crate) fn circuit() -> &'static SignatureBatchCircuit {
    static CIRCUIT: OnceLock<SignatureBatchCircuit> = OnceLock::new();
    CIRCUIT.get_or_init(|| SignatureBatchCircuit::build(1, MESSAGE_LEN, GateStrategy::CustomGates))
}

/// A secret key from any 64 bytes (reduced mod n; never zero for our inputs).
pub(crate) fn secret_key(seed: &[u8; 64]) -> SecretKey {
    SecretKey::from_scalar(Scalar::from_le_bytes_reduced(seed)).unwrap()
}

/// A message from four numbers.
pub(crate) fn message(m: [u64; MESSAGE_LEN]) -> Vec<GFp> {
    m.iter().map(|&x| GFp::from_noncanonical_u64(x)).collect()
}

/// `message` signed with `secret_key`.
pub(crate) fn signed(secret_key: &SecretKey, message: Vec<GFp>) -> SignedMessage {
    SignedMessage {
        public_key: secret_key.public_key(),
        signature: secret_key.sign(&message),
        message,
    }
}

/// Whether the circuit refuses: proving fails, or the proof does not verify.
pub(crate) fn refused(item: &SignedMessage) -> bool {
    let circuit = circuit();
    let Ok(witness) = circuit.witness(std::slice::from_ref(item)) else {
        return true;
    };
    match circuit.prove(witness) {
        Err(_) => true,
        Ok(proof) => circuit.verify(proof).is_err(),
    }
}

/// Whether witness generation (every hint and copy constraint) succeeds.
pub(crate) fn witness_accepts(item: &SignedMessage) -> bool {
    let circuit = circuit();
    circuit
        .witness(std::slice::from_ref(item))
        .and_then(|w| circuit.generate_witness(w))
        .is_ok()
}
