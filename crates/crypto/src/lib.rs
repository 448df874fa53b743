//! hyperforge's signature scheme, natively: Schnorr signatures over the EcGFp5 curve
//! (T. Pornin, "EcGFp5: a Specialized Elliptic Curve", eprint 2022/274) with a Poseidon
//! challenge, chosen because it is cheap to verify inside Plonky2 (0xPARC's POD2 does the
//! same). It also derives L2 keys from Ethereum keys.
//!
//! This crate is synchronous, does no I/O, spawns nothing and has no feature flags. It is
//! not the in-circuit verifier (that gadget lives in `circuits` and reuses the constants
//! here: [`field`] for GF(p^5), [`curve`] for the curve, [`scalar::GROUP_ORDER`]), and it
//! holds no transaction types (those live in `primitives`, above this crate).
//! Signing and key derivation use constant-time scalar arithmetic and table lookups, but
//! plonky2's Goldilocks arithmetic underneath branches on rare carries, so no strict
//! constant-time guarantee is claimed; verification and decoding are variable-time (their
//! inputs are public). Secret keys are not zeroised on drop.
//!
//! # The scheme (v1)
//!
//! The circuit must reproduce this exactly.
//!
//! **Field and curve.** `p = 2^64 - 2^32 + 1`, GF(p^5) = GF(p)\[z\]/(z^5 - 3) (plonky2's
//! quintic extension of Goldilocks); curve `y^2 = x (x^2 + 2x + 263z)`; the prime-order group
//! of the paper, order `n` ([`scalar::GROUP_ORDER`], `2^318 < n < 2^319`); generator `G`
//! with encoding `w = 4`. A point is encoded as one field element `w = y/x`, the neutral
//! as `w = 0`; see [`curve`] for decoding. A GF(p^5) element is five field elements
//! `(w0, .., w4)` (coefficients of `1, z, .., z^4`), or 40 bytes: five little-endian `u64`,
//! each `< p` (decoding refuses any limb `>= p`).
//!
//! **Scalars.** Integers mod `n`; 40 bytes little-endian, decoding refuses values `>= n`.
//!
//! **Keys.** Secret key `d` in `[1, n)`. Public key `Q = d G`, carried as `w(Q)`; the neutral
//! is refused as a key. The key's hash, stored in the account leaf and carried by L1
//! `registerKey`, is `PoseidonHash::hash_no_pad(w0(Q), .., w4(Q))` (4 elements).
//!
//! **Message.** A slice of Goldilocks elements `m` (a transaction hash is 4 elements).
//!
//! **Nonce.** `k = SHA-512("hyperforge/schnorr/v1/nonce" || d || len(m) || m_0 || .. ||
//! ctr)` read as a 512-bit little-endian integer mod `n`, where `d` is its 40-byte
//! encoding, `len(m)` and each canonical `m_i` are 8-byte little-endian, and `ctr` is one
//! byte: 0, or the first value giving `k != 0` (probability of needing it: 2^-319).
//! Deterministic, so signing needs no randomness; verification does not depend on it.
//!
//! **Signing.** `R = k G`; `e = PoseidonHash::hash_no_pad(w(R) || w(Q) || m)`, four
//! elements read as the integer `e0 + e1 2^64 + e2 2^128 + e3 2^192` (below `2^256 < n`,
//! no reduction); `s = k + e d mod n`. The signature is `(w(R), s)`, 80 bytes: `w(R)`'s five
//! little-endian limbs, then `s` in 40 little-endian bytes.
//!
//! **Verification.** Refuse a limb of `w(R)` or `w(Q)` that is `>= p`, `s >= n`, a `w(R)`
//! or `w(Q)` that decodes to no point, and a neutral `R` or `Q`; recompute `e`; accept iff
//! `s G = R + e Q`. The in-circuit verifier may check the equivalent
//! `(s c1) G - c1 R - c0 Q = 0` with `e = c0 / c1 mod n` from [`split::split_challenge`]
//! (Antipa et al.), whose scalars `c0`, `c1` are below `2^160` in absolute value.
//!
//! **L2 key derivation** ([`derive`]). From an Ethereum private key `sk` (32 bytes, as
//! given; it must be a valid secp256k1 key):
//! `d = SHA-512("hyperforge/l2-key/v1/private-key" || sk || ctr) mod n`. From an EIP-191
//! `personal_sign` signature `r || s || v` of [`derive::L2_KEY_MESSAGE`]:
//! `d = SHA-512("hyperforge/l2-key/v1/eip191-signature" || r || low_s || ctr) mod n`, with
//! `r` and `low_s = min(s, order - s)` 32 bytes big-endian each as in the signature, and `v`
//! (0, 1, 27 or 28) checked but not hashed. Domains are ASCII without terminator; the
//! digest is read little-endian and `ctr` works as for nonces.
//!
//! # Example
//!
//! ```
//! use hyperforge_crypto::{GFp, SecretKey, derive};
//! use plonky2::field::types::Field;
//!
//! let eth_key = [0x11u8; 32];
//! let sk: SecretKey = derive::secret_key_from_ethereum_key(&eth_key)?;
//! let pk = sk.public_key();
//! let message = [GFp::from_canonical_u64(42); 4];
//! let signature = sk.sign(&message);
//! assert!(pk.verify(&message, &signature).is_ok());
//! assert!(pk.verify(&[GFp::ZERO; 4], &signature).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod curve;
pub mod derive;
pub mod error;
pub mod field;
pub mod scalar;
pub mod schnorr;
pub mod split;

pub use curve::Point;
pub use error::{DecodeError, DeriveError, VerifyError};
pub use field::{GFp, GFp5};
pub use plonky2::hash::hash_types::HashOut;
pub use scalar::Scalar;
pub use schnorr::{PublicKey, SecretKey, Signature, challenge, challenge_hash};
pub use split::{ChallengeSplit, SignedHalf, split_challenge};
