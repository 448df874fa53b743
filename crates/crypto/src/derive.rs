//! L2 keys derived from Ethereum keys, deterministically and with domain separation, so
//! every Ethereum account (the anvil dev accounts included) has an L2 key with no extra step.
//!
//! Two routes, each giving a different key (they are not meant to agree):
//! - from the Ethereum private key itself ([`secret_key_from_ethereum_key`]), for tools that
//!   hold the key (dev accounts, tests, the CLI wallet);
//! - from an EIP-191 `personal_sign` signature of [`L2_KEY_MESSAGE`]
//!   ([`secret_key_from_eip191_signature`]), the way zkSync Lite let browser wallets derive
//!   an L2 key without exporting the Ethereum key. Wallets sign with RFC 6979 deterministic
//!   ECDSA, so the signature, and hence the key, is the same every time.
//!   [`sign_l2_key_message`] makes that signature from a private key.

use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};

use crate::error::DeriveError;
use crate::schnorr::{SecretKey, hash_to_nonzero_scalar};

/// Domain of the derivation from an Ethereum private key.
pub const PRIVATE_KEY_DOMAIN: &[u8] = b"hyperforge/l2-key/v1/private-key";

/// Domain of the derivation from an EIP-191 signature.
pub const SIGNATURE_DOMAIN: &[u8] = b"hyperforge/l2-key/v1/eip191-signature";

/// The message a wallet signs (EIP-191 `personal_sign`) to derive its L2 key.
pub const L2_KEY_MESSAGE: &str = "hyperforge: sign to derive your L2 key\n\nThis does not cost gas and does not send a transaction.";

/// `keccak256("\x19Ethereum Signed Message:\n" || len(message) || message)` (EIP-191, version
/// 0x45), the digest `personal_sign` signs.
pub fn eip191_hash(message: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(b"\x19Ethereum Signed Message:\n");
    hasher.update(message.len().to_string().as_bytes());
    hasher.update(message);
    hasher.finalize().into()
}

/// `d = SHA-512(PRIVATE_KEY_DOMAIN || eth_key || ctr) mod n` (first `ctr` byte giving a
/// non-zero `d`). Refuses bytes that are not a secp256k1 secret key.
pub fn secret_key_from_ethereum_key(eth_key: &[u8; 32]) -> Result<SecretKey, DeriveError> {
    SigningKey::from_slice(eth_key).map_err(|_| DeriveError::InvalidEthereumKey)?;
    let d = hash_to_nonzero_scalar(PRIVATE_KEY_DOMAIN, &[eth_key]);
    SecretKey::from_scalar(d).map_err(|_| DeriveError::InvalidEthereumKey)
}

/// The EIP-191 signature of [`L2_KEY_MESSAGE`] by `eth_key`: `r || s || v`, RFC 6979
/// deterministic ECDSA, low `s`, `v = 27 + y parity` (what `personal_sign` returns).
pub fn sign_l2_key_message(eth_key: &[u8; 32]) -> Result<[u8; 65], DeriveError> {
    let key = SigningKey::from_slice(eth_key).map_err(|_| DeriveError::InvalidEthereumKey)?;
    let digest = eip191_hash(L2_KEY_MESSAGE.as_bytes());
    let (mut signature, mut recovery) = key
        .sign_prehash_recoverable(&digest)
        .map_err(|_| DeriveError::InvalidEthereumKey)?;
    if let Some(low) = signature.normalize_s() {
        signature = low;
        recovery = RecoveryId::new(!recovery.is_y_odd(), recovery.is_x_reduced());
    }
    let mut out = [0u8; 65];
    out[..64].copy_from_slice(&signature.to_bytes());
    out[64] = 27 + u8::from(recovery.is_y_odd());
    Ok(out)
}

/// Parses `r || s || v`, with `v` in {0, 1, 27, 28}, and brings `s` to the low half (the
/// high-`s` twin is the same signature for Ethereum's purposes).
fn parse_signature(signature: &[u8; 65]) -> Result<(EcdsaSignature, RecoveryId), DeriveError> {
    let parsed =
        EcdsaSignature::from_slice(&signature[..64]).map_err(|_| DeriveError::InvalidSignature)?;
    let y_odd = match signature[64] {
        0 | 27 => false,
        1 | 28 => true,
        v => return Err(DeriveError::InvalidRecoveryId(v)),
    };
    Ok(match parsed.normalize_s() {
        Some(low) => (low, RecoveryId::new(!y_odd, false)),
        None => (parsed, RecoveryId::new(y_odd, false)),
    })
}

/// `d = SHA-512(SIGNATURE_DOMAIN || r || low_s || ctr) mod n` (first `ctr` byte giving a
/// non-zero `d`), where `low_s` is `min(s, order - s)`. `v` is checked but not hashed, so
/// wallets that answer `v` in {0, 1} or {27, 28}, or a high `s`, give the same key.
/// Check the signer first with [`recover_l2_key_message_signer`] when it matters.
pub fn secret_key_from_eip191_signature(signature: &[u8; 65]) -> Result<SecretKey, DeriveError> {
    let (parsed, _) = parse_signature(signature)?;
    let d = hash_to_nonzero_scalar(SIGNATURE_DOMAIN, &[&parsed.to_bytes()]);
    SecretKey::from_scalar(d).map_err(|_| DeriveError::InvalidSignature)
}

/// The Ethereum address that signed [`L2_KEY_MESSAGE`] with this signature.
pub fn recover_l2_key_message_signer(signature: &[u8; 65]) -> Result<[u8; 20], DeriveError> {
    let (parsed, recovery) = parse_signature(signature)?;
    let digest = eip191_hash(L2_KEY_MESSAGE.as_bytes());
    let key = VerifyingKey::recover_from_prehash(&digest, &parsed, recovery)
        .map_err(|_| DeriveError::UnrecoverableSignature)?;
    Ok(ethereum_address(&key))
}

/// The Ethereum address of a private key.
pub fn ethereum_address_of_key(eth_key: &[u8; 32]) -> Result<[u8; 20], DeriveError> {
    let key = SigningKey::from_slice(eth_key).map_err(|_| DeriveError::InvalidEthereumKey)?;
    Ok(ethereum_address(key.verifying_key()))
}

fn ethereum_address(key: &VerifyingKey) -> [u8; 20] {
    let point = key.to_encoded_point(false);
    let hash: [u8; 32] = Keccak256::digest(&point.as_bytes()[1..]).into();
    let mut address = [0u8; 20];
    address.copy_from_slice(&hash[12..]);
    address
}
