//! Errors: [`DecodeError`] for encodings that are not canonical or not valid,
//! [`VerifyError`] for signatures that are well-formed but do not verify, and
//! [`DeriveError`] for Ethereum inputs to L2 key derivation.

/// An encoding (bytes or field elements) that does not decode to a valid value. Every value
/// has exactly one accepted encoding; anything else is refused with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A GF(p^5) coefficient is `>= p` (only the reduced form is accepted).
    #[error("field element coefficient {index} is not canonical (>= p)")]
    NonCanonicalFieldElement {
        /// Which of the five coefficients (0 = constant term).
        index: usize,
    },
    /// A canonical field element that is not the encoding `w` of any group element.
    #[error("not the encoding of a curve point")]
    NotOnCurve,
    /// A scalar `>= n`, the group order.
    #[error("scalar is not below the group order n")]
    ScalarOutOfRange,
    /// A secret key equal to zero.
    #[error("secret key is zero")]
    ZeroSecretKey,
    /// The public key is the neutral element (encoding 0).
    #[error("public key is the neutral point")]
    NeutralPublicKey,
}

/// A well-formed signature that is not valid for this key and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// `w(R)` is canonical but is not the encoding of any point.
    #[error("signature R is not the encoding of a curve point")]
    RNotOnCurve,
    /// `R` is the neutral point (`w(R) = 0`), which no honest signer produces.
    #[error("signature R is the neutral point")]
    NeutralR,
    /// The equation `s*G = R + e*Q` does not hold.
    #[error("signature does not match the public key and message")]
    Mismatch,
}

/// An Ethereum input to L2 key derivation that is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeriveError {
    /// The 32 bytes are not a secp256k1 secret key (zero, or not below the curve order).
    #[error("not a valid Ethereum (secp256k1) private key")]
    InvalidEthereumKey,
    /// `r` or `s` of the ECDSA signature is zero or not below the curve order.
    #[error("not a valid ECDSA signature (r or s out of range)")]
    InvalidSignature,
    /// The recovery byte `v` is none of 0, 1, 27, 28.
    #[error("invalid signature recovery byte v = {0}")]
    InvalidRecoveryId(u8),
    /// No public key can be recovered from this signature.
    #[error("no signer can be recovered from this signature")]
    UnrecoverableSignature,
}
