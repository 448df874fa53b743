//! Schnorr signatures over EcGFp5 with a Poseidon challenge; the scheme is defined in the
//! crate documentation (`lib.rs`), which the in-circuit verifier follows to the letter.

use core::fmt;

use plonky2::field::extension::quintic::QuinticExtension;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha512};

use crate::curve::Point;
use crate::error::{DecodeError, VerifyError};
use crate::field::{self, GFp, GFp5};
use crate::scalar::Scalar;

/// Domain separation prefix of the deterministic nonce hash.
pub const NONCE_DOMAIN: &[u8] = b"hyperforge/schnorr/v1/nonce";

/// `SHA-512(domain || parts... || ctr)` read as a little-endian integer mod `n`, for the
/// first one-byte counter `ctr = 0, 1, ..` that gives a non-zero scalar (a zero has
/// probability about 2^-319, so `ctr` is 0 in practice).
pub(crate) fn hash_to_nonzero_scalar(domain: &[u8], parts: &[&[u8]]) -> Scalar {
    for ctr in 0..=u8::MAX {
        let mut hasher = Sha512::new();
        hasher.update(domain);
        for part in parts {
            hasher.update(part);
        }
        hasher.update([ctr]);
        let s = Scalar::from_le_bytes_reduced(&hasher.finalize());
        if !s.is_zero() {
            return s;
        }
    }
    // 256 zero digests in a row cannot happen; one is still a valid (if silly) answer.
    Scalar::ONE
}

/// The message as bytes for the nonce hash: its length as a `u64`, then each element's
/// canonical value, all little-endian.
fn message_bytes(message: &[GFp]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 * (message.len() + 1));
    out.extend_from_slice(&(message.len() as u64).to_le_bytes());
    for m in message {
        out.extend_from_slice(&m.to_canonical_u64().to_le_bytes());
    }
    out
}

/// The canonical elements of a GF(p^5) encoding.
fn elements(w: &GFp5) -> [GFp; 5] {
    field::to_canonical_limbs(w).map(GFp::from_canonical_u64)
}

/// `PoseidonHash::hash_no_pad(w(R) || w(Q) || message)`.
pub fn challenge_hash(r: &GFp5, q: &GFp5, message: &[GFp]) -> HashOut<GFp> {
    let mut input = Vec::with_capacity(10 + message.len());
    input.extend_from_slice(&elements(r));
    input.extend_from_slice(&elements(q));
    input.extend_from_slice(message);
    PoseidonHash::hash_no_pad(&input)
}

/// The challenge `e = e0 + e1 2^64 + e2 2^128 + e3 2^192` of [`challenge_hash`]'s four
/// elements; it is below `2^256 < n`, so no reduction happens.
pub fn challenge(r: &GFp5, q: &GFp5, message: &[GFp]) -> Scalar {
    let h = challenge_hash(r, q, message);
    Scalar::from_u256_limbs(h.elements.map(|e| e.to_canonical_u64()))
}

/// A secret key `d` in `[1, n)`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Scalar);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A key from a scalar; refuses zero.
    pub fn from_scalar(d: Scalar) -> Result<Self, DecodeError> {
        if d.is_zero() {
            Err(DecodeError::ZeroSecretKey)
        } else {
            Ok(Self(d))
        }
    }

    /// Decodes the canonical 40-byte little-endian encoding; refuses `0` and values `>= n`.
    pub fn from_bytes(bytes: &[u8; 40]) -> Result<Self, DecodeError> {
        Self::from_scalar(Scalar::from_bytes(bytes)?)
    }

    /// The canonical 40-byte encoding of `d`.
    pub fn to_bytes(&self) -> [u8; 40] {
        self.0.to_bytes()
    }

    /// The scalar `d`.
    pub fn scalar(&self) -> &Scalar {
        &self.0
    }

    /// A uniformly random key: 64 random bytes reduced modulo `n` (bias below 2^-190),
    /// drawn again in the (2^-319) case of zero.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        loop {
            let mut wide = [0u8; 64];
            rng.fill_bytes(&mut wide);
            let d = Scalar::from_le_bytes_reduced(&wide);
            if !d.is_zero() {
                return Self(d);
            }
        }
    }

    /// `Q = d G`.
    pub fn public_key(&self) -> PublicKey {
        let point = Point::mul_generator(&self.0);
        // d is in [1, n) and n is prime, so Q is not the neutral.
        PublicKey {
            point,
            w: point.encode(),
        }
    }

    /// The deterministic nonce `k` for `message` (see the crate docs).
    pub fn nonce(&self, message: &[GFp]) -> Scalar {
        hash_to_nonzero_scalar(NONCE_DOMAIN, &[&self.0.to_bytes(), &message_bytes(message)])
    }

    /// Signs `message`: `k` = [`Self::nonce`], `R = k G`, `e` = [`challenge`]`(w(R), w(Q), m)`,
    /// `s = k + e d mod n`.
    pub fn sign(&self, message: &[GFp]) -> Signature {
        self.sign_with_public_key(&self.public_key(), message)
    }

    /// [`Self::sign`] when the caller already holds `Q` (saves one scalar multiplication).
    /// `public_key` must be this key's.
    pub fn sign_with_public_key(&self, public_key: &PublicKey, message: &[GFp]) -> Signature {
        let k = self.nonce(message);
        let r = Point::mul_generator(&k).encode();
        let e = challenge(&r, &public_key.w, message);
        Signature {
            r,
            s: k + e * self.0,
        }
    }
}

/// A public key `Q = d G`, never the neutral; kept with its encoding `w(Q)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    point: Point,
    w: GFp5,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({:?})", self.to_limbs())
    }
}

impl PublicKey {
    /// The key encoded by `w`; refuses invalid encodings and the neutral.
    pub fn from_encoding(w: &GFp5) -> Result<Self, DecodeError> {
        let point = Point::decode(w)?;
        if point.is_neutral() {
            return Err(DecodeError::NeutralPublicKey);
        }
        Ok(Self { point, w: *w })
    }

    /// The key from five field elements (`w(Q)` coefficients, as the circuit sees them).
    pub fn from_elements(elements: [GFp; 5]) -> Result<Self, DecodeError> {
        Self::from_encoding(&QuinticExtension(elements))
    }

    /// The key from five `u64` limbs; refuses limbs `>= p`, invalid encodings, the neutral.
    pub fn from_limbs(limbs: [u64; 5]) -> Result<Self, DecodeError> {
        Self::from_encoding(&field::from_canonical_limbs(limbs)?)
    }

    /// Decodes the 40-byte encoding (five little-endian `u64` limbs); refuses limbs `>= p`,
    /// invalid encodings and the neutral.
    pub fn from_bytes(bytes: &[u8; 40]) -> Result<Self, DecodeError> {
        Self::from_encoding(&field::from_bytes(bytes)?)
    }

    /// The encoding `w(Q)`.
    pub fn encoding(&self) -> GFp5 {
        self.w
    }

    /// `w(Q)` as five canonical field elements.
    pub fn to_elements(&self) -> [GFp; 5] {
        elements(&self.w)
    }

    /// `w(Q)` as five canonical limbs.
    pub fn to_limbs(&self) -> [u64; 5] {
        field::to_canonical_limbs(&self.w)
    }

    /// `w(Q)` as 40 bytes (five little-endian `u64` limbs).
    pub fn to_bytes(&self) -> [u8; 40] {
        field::to_bytes(&self.w)
    }

    /// The point `Q`.
    pub fn point(&self) -> &Point {
        &self.point
    }

    /// `PoseidonHash::hash_no_pad(w(Q))`: what an account leaf stores and what L1
    /// `registerKey` carries.
    pub fn hash(&self) -> HashOut<GFp> {
        PoseidonHash::hash_no_pad(&self.to_elements())
    }

    /// The key hash of an encoding, without decoding the point (no square root): equal to
    /// `PublicKey::from_bytes(bytes)?.hash()` whenever that decodes. For cheap checks before
    /// a signature is verified; it does not say the encoding is a valid key.
    pub fn hash_of_bytes(bytes: &[u8; 40]) -> Result<HashOut<GFp>, DecodeError> {
        Ok(PoseidonHash::hash_no_pad(&elements(&field::from_bytes(
            bytes,
        )?)))
    }

    /// Checks `s G = R + e Q` with `e` = [`challenge`]`(w(R), w(Q), message)`.
    /// `R` must decode and must not be the neutral; `s < n` and canonical `w(R)` are
    /// guaranteed by [`Signature`]'s constructors.
    pub fn verify(&self, message: &[GFp], signature: &Signature) -> Result<(), VerifyError> {
        let r = Point::decode(&signature.r).map_err(|_| VerifyError::RNotOnCurve)?;
        if r.is_neutral() {
            return Err(VerifyError::NeutralR);
        }
        let e = challenge(&signature.r, &self.w, message);
        // s G - e Q == R
        let lhs = Point::mul_generator_add_vartime(&signature.s, &-self.point, &e);
        if lhs == r {
            Ok(())
        } else {
            Err(VerifyError::Mismatch)
        }
    }
}

/// A signature `(w(R), s)`: `w(R)` a canonical field element, `s < n`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Signature {
    r: GFp5,
    s: Scalar,
}

impl Signature {
    /// Length of the byte encoding: `w(R)` (40) then `s` (40).
    pub const BYTES: usize = 80;

    /// A signature from `w(R)` (any field element) and `s`.
    pub fn new(r: GFp5, s: Scalar) -> Self {
        Self { r, s }
    }

    /// A signature from `w(R)`'s five limbs and `s`'s five limbs; refuses limbs `>= p` and
    /// `s >= n`.
    pub fn from_limbs(r: [u64; 5], s: [u64; 5]) -> Result<Self, DecodeError> {
        Ok(Self {
            r: field::from_canonical_limbs(r)?,
            s: Scalar::from_canonical_limbs(s)?,
        })
    }

    /// Decodes `w(R)` (five little-endian `u64`) `|| s` (40 bytes little-endian); refuses
    /// limbs `>= p` and `s >= n`. Whether `R` is a point is checked by verification.
    pub fn from_bytes(bytes: &[u8; 80]) -> Result<Self, DecodeError> {
        let mut r = [0u8; 40];
        let mut s = [0u8; 40];
        r.copy_from_slice(&bytes[..40]);
        s.copy_from_slice(&bytes[40..]);
        Ok(Self {
            r: field::from_bytes(&r)?,
            s: Scalar::from_bytes(&s)?,
        })
    }

    /// The 80-byte encoding.
    pub fn to_bytes(&self) -> [u8; 80] {
        let mut out = [0u8; 80];
        out[..40].copy_from_slice(&field::to_bytes(&self.r));
        out[40..].copy_from_slice(&self.s.to_bytes());
        out
    }

    /// `w(R)`.
    pub fn r(&self) -> GFp5 {
        self.r
    }

    /// `w(R)` as five canonical field elements.
    pub fn r_elements(&self) -> [GFp; 5] {
        elements(&self.r)
    }

    /// `s`.
    pub fn s(&self) -> Scalar {
        self.s
    }
}

#[cfg(test)]
mod tests {
    use plonky2::field::types::Sample;

    use super::*;

    #[test]
    fn challenge_reads_the_hash_as_a_little_endian_integer() {
        let (r, q) = (GFp5::rand(), GFp5::rand());
        let m = [GFp::from_canonical_u64(7); 4];
        let h = challenge_hash(&r, &q, &m);
        let e = challenge(&r, &q, &m);
        assert_eq!(e.to_limbs()[..4], h.elements.map(|x| x.to_canonical_u64()));
        assert_eq!(e.to_limbs()[4], 0);
    }

    #[test]
    fn message_bytes_are_length_prefixed() {
        let m = [GFp::from_canonical_u64(1), GFp::from_canonical_u64(2)];
        let b = message_bytes(&m);
        assert_eq!(b.len(), 24);
        assert_eq!(b[..8], 2u64.to_le_bytes());
        assert_eq!(b[8..16], 1u64.to_le_bytes());
    }
}
