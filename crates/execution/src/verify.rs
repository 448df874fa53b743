//! Signature checks, done before execution and in parallel.

use hyperforge_crypto::{PublicKey, Signature};
use hyperforge_primitives::tx::SignedTx;
use hyperforge_state::Digest;
use rayon::prelude::*;

use crate::ExecError;

/// A transaction whose signature verified against the public key it carries. Whether that
/// key is the sender's registered key is checked at execution, against the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTx {
    tx: SignedTx,
    hash: Digest,
    id: [u8; 32],
    pubkey_hash: Digest,
}

impl VerifiedTx {
    /// Checks `tx`'s signature over its body hash.
    pub fn verify(tx: SignedTx) -> Result<Self, ExecError> {
        let body_hash = tx.body.hash();
        let pubkey = PublicKey::from_bytes(&tx.pubkey)
            .map_err(|error| ExecError::BadSignature(format!("public key: {error}")))?;
        let signature = Signature::from_bytes(&tx.signature)
            .map_err(|error| ExecError::BadSignature(format!("signature: {error}")))?;
        pubkey
            .verify(&body_hash.elements, &signature)
            .map_err(|error| ExecError::BadSignature(error.to_string()))?;
        let id = hyperforge_primitives::tx::digest_to_bytes(&body_hash);
        Ok(Self {
            pubkey_hash: pubkey.hash(),
            hash: body_hash,
            id,
            tx,
        })
    }

    /// Verifies many transactions on all cores; results in input order.
    pub fn verify_all(txs: Vec<SignedTx>) -> Vec<Result<Self, ExecError>> {
        txs.into_par_iter().map(Self::verify).collect()
    }

    /// The transaction.
    pub fn tx(&self) -> &SignedTx {
        &self.tx
    }

    /// Its body hash, which it is signed over and named by.
    pub fn hash(&self) -> Digest {
        self.hash
    }

    /// Its id (body hash as bytes).
    pub fn id(&self) -> [u8; 32] {
        self.id
    }

    /// The hash of the public key that signed it.
    pub fn pubkey_hash(&self) -> Digest {
        self.pubkey_hash
    }
}
