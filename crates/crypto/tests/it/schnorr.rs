//! Sign/verify round trips, and every way a signature, message or key can be wrong
//! failing with the error that names it.

use hyperforge_crypto::curve::{GENERATOR_ENCODING, Point};
use hyperforge_crypto::field::{self, GFp, P};
use hyperforge_crypto::scalar::{GROUP_ORDER, Scalar};
use hyperforge_crypto::{
    DecodeError, PublicKey, SecretKey, Signature, VerifyError, challenge, split_challenge,
};
use plonky2::field::types::{Field, PrimeField64};
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;
use proptest::prelude::*;

/// A deterministic stand-in for a CSPRNG (splitmix64), to exercise `generate`.
struct TestRng(u64);

impl rand_core::RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for TestRng {}

fn key(seed: u8) -> SecretKey {
    let mut bytes = [0u8; 40];
    bytes[0] = seed;
    bytes[1] = 0x5a;
    SecretKey::from_bytes(&bytes).expect("small key")
}

fn message(values: &[u64]) -> Vec<GFp> {
    values.iter().map(|v| GFp::from_canonical_u64(*v)).collect()
}

/// The signature with `w(R)`'s limb `index` replaced.
fn with_r_limb(sig: &Signature, index: usize, value: u64) -> [u8; 80] {
    let mut bytes = sig.to_bytes();
    bytes[8 * index..8 * index + 8].copy_from_slice(&value.to_le_bytes());
    bytes
}

#[test]
fn signature_round_trips_and_is_deterministic() {
    let sk = key(1);
    let pk = sk.public_key();
    let m = message(&[1, 2, 3, 4]);
    let sig = sk.sign(&m);
    assert_eq!(pk.verify(&m, &sig), Ok(()));
    assert_eq!(sk.sign(&m), sig, "same key and message, same signature");
    assert_eq!(sk.sign_with_public_key(&pk, &m), sig);
    assert_ne!(
        sk.sign(&message(&[1, 2, 3, 5])).r(),
        sig.r(),
        "another message, another nonce"
    );
    let decoded = Signature::from_bytes(&sig.to_bytes()).expect("round trip");
    assert_eq!(decoded, sig);
    assert_eq!(pk.verify(&m, &decoded), Ok(()));
    // Empty and long messages are messages too.
    for m in [message(&[]), message(&(0..40).collect::<Vec<_>>())] {
        assert_eq!(pk.verify(&m, &sk.sign(&m)), Ok(()));
    }
}

#[test]
fn tampered_message_fails() {
    let sk = key(2);
    let m = message(&[10, 20, 30, 40]);
    let sig = sk.sign(&m);
    for tampered in [
        message(&[10, 20, 30, 41]),
        message(&[10, 20, 30]),
        message(&[10, 20, 30, 40, 0]),
    ] {
        assert_eq!(
            sk.public_key().verify(&tampered, &sig),
            Err(VerifyError::Mismatch)
        );
    }
}

#[test]
fn tampered_s_fails() {
    let sk = key(3);
    let m = message(&[7; 4]);
    let sig = sk.sign(&m);
    for delta in [Scalar::ONE, -Scalar::ONE, Scalar::from_u64(1 << 40)] {
        let tampered = Signature::new(sig.r(), sig.s() + delta);
        assert_eq!(
            sk.public_key().verify(&m, &tampered),
            Err(VerifyError::Mismatch)
        );
    }
}

#[test]
fn tampered_r_fails() {
    let sk = key(4);
    let pk = sk.public_key();
    let m = message(&[8; 4]);
    let sig = sk.sign(&m);
    // Another valid point.
    let other_r = (Point::GENERATOR + Point::decode(&sig.r()).expect("R decodes")).encode();
    assert_eq!(
        pk.verify(&m, &Signature::new(other_r, sig.s())),
        Err(VerifyError::Mismatch)
    );
    // Its negation (same x, same canonical form otherwise).
    assert_eq!(
        pk.verify(&m, &Signature::new(-sig.r(), sig.s())),
        Err(VerifyError::Mismatch)
    );
    // No point at all: the paper's first invalid encoding.
    let invalid = Signature::from_limbs(
        [
            13557832913345268708,
            15669280705791538619,
            8534654657267986396,
            12533218303838131749,
            5058070698878426028,
        ],
        sig.s().to_limbs(),
    )
    .expect("canonical");
    assert_eq!(pk.verify(&m, &invalid), Err(VerifyError::RNotOnCurve));
    // The neutral.
    let neutral = Signature::from_limbs([0; 5], sig.s().to_limbs()).expect("canonical");
    assert_eq!(pk.verify(&m, &neutral), Err(VerifyError::NeutralR));
}

#[test]
fn non_canonical_r_is_refused() {
    let sk = key(5);
    let sig = sk.sign(&message(&[9; 4]));
    for index in 0..5 {
        let bytes = with_r_limb(&sig, index, P);
        assert_eq!(
            Signature::from_bytes(&bytes),
            Err(DecodeError::NonCanonicalFieldElement { index })
        );
    }
    // A valid R written non-canonically: G's encoding (4, 0, 0, 0, 0) with p added to a limb.
    for index in 0..5 {
        let mut limbs = GENERATOR_ENCODING;
        limbs[index] += P;
        assert_eq!(
            Signature::from_limbs(limbs, sig.s().to_limbs()),
            Err(DecodeError::NonCanonicalFieldElement { index })
        );
    }
}

#[test]
fn s_at_or_above_the_group_order_is_refused() {
    let sk = key(6);
    let sig = sk.sign(&message(&[1]));
    let mut bytes = sig.to_bytes();
    let order: Vec<u8> = GROUP_ORDER.iter().flat_map(|l| l.to_le_bytes()).collect();
    bytes[40..].copy_from_slice(&order);
    assert_eq!(
        Signature::from_bytes(&bytes),
        Err(DecodeError::ScalarOutOfRange)
    );
    bytes[40..].copy_from_slice(&[0xff; 40]);
    assert_eq!(
        Signature::from_bytes(&bytes),
        Err(DecodeError::ScalarOutOfRange)
    );
    // s + n is the same residue as s, and still refused.
    let s_plus_n = {
        let (s, n) = (sig.s().to_limbs(), GROUP_ORDER);
        let mut out = [0u64; 5];
        let mut carry = 0u128;
        for i in 0..5 {
            let z = s[i] as u128 + n[i] as u128 + carry;
            out[i] = z as u64;
            carry = z >> 64;
        }
        assert_eq!(carry, 0, "s + n < 2^320");
        out
    };
    assert_eq!(
        Signature::from_limbs(field::to_canonical_limbs(&sig.r()), s_plus_n),
        Err(DecodeError::ScalarOutOfRange)
    );
}

#[test]
fn wrong_key_and_other_signer_fail() {
    let (alice, bob) = (key(7), key(8));
    let m = message(&[1, 1, 2, 3]);
    let sig = alice.sign(&m);
    assert_eq!(
        bob.public_key().verify(&m, &sig),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        alice.public_key().verify(&m, &bob.sign(&m)),
        Err(VerifyError::Mismatch)
    );
    // The negated key (same x) is a different key.
    let negated = PublicKey::from_encoding(&-alice.public_key().encoding()).expect("valid");
    assert_eq!(negated.verify(&m, &sig), Err(VerifyError::Mismatch));
}

#[test]
fn bad_public_key_encodings_are_refused() {
    let pk = key(9).public_key();
    assert_eq!(PublicKey::from_bytes(&pk.to_bytes()), Ok(pk));
    assert_eq!(PublicKey::from_limbs(pk.to_limbs()), Ok(pk));
    assert_eq!(PublicKey::from_elements(pk.to_elements()), Ok(pk));
    assert_eq!(
        PublicKey::from_limbs([0; 5]),
        Err(DecodeError::NeutralPublicKey)
    );
    assert_eq!(
        PublicKey::from_bytes(&[0; 40]),
        Err(DecodeError::NeutralPublicKey)
    );
    let mut limbs = pk.to_limbs();
    limbs[3] = u64::MAX;
    assert_eq!(
        PublicKey::from_limbs(limbs),
        Err(DecodeError::NonCanonicalFieldElement { index: 3 })
    );
    // The key Q = G (d = 1) written non-canonically, limb by limb; and 0 written as p.
    assert!(PublicKey::from_limbs(GENERATOR_ENCODING).is_ok());
    for index in 0..5 {
        let mut limbs = GENERATOR_ENCODING;
        limbs[index] += P;
        assert_eq!(
            PublicKey::from_limbs(limbs),
            Err(DecodeError::NonCanonicalFieldElement { index })
        );
        let mut bytes = [0u8; 40];
        for (chunk, limb) in bytes.chunks_exact_mut(8).zip(limbs) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        assert_eq!(
            PublicKey::from_bytes(&bytes),
            Err(DecodeError::NonCanonicalFieldElement { index })
        );
    }
    let mut limbs = [0; 5];
    limbs[0] = P;
    assert_eq!(
        PublicKey::from_limbs(limbs),
        Err(DecodeError::NonCanonicalFieldElement { index: 0 })
    );
    assert_eq!(
        PublicKey::from_limbs([
            135036726621282077,
            17283229938160287622,
            13113167081889323961,
            1653240450380825271,
            520025869628727862
        ]),
        Err(DecodeError::NotOnCurve)
    );
}

#[test]
fn tampered_public_key_fails() {
    let sk = key(10);
    let m = message(&[5; 4]);
    let sig = sk.sign(&m);
    let mut rejected = 0;
    for index in 0..5 {
        let mut limbs = sk.public_key().to_limbs();
        limbs[index] = (limbs[index] + 1) % P;
        match PublicKey::from_limbs(limbs) {
            Ok(pk) => assert_eq!(pk.verify(&m, &sig), Err(VerifyError::Mismatch)),
            Err(e) => assert_eq!(e, DecodeError::NotOnCurve),
        }
        rejected += 1;
    }
    assert_eq!(rejected, 5);
}

#[test]
fn secret_keys_are_in_range() {
    assert_eq!(
        SecretKey::from_bytes(&[0; 40]),
        Err(DecodeError::ZeroSecretKey)
    );
    assert_eq!(
        SecretKey::from_bytes(&[0xff; 40]),
        Err(DecodeError::ScalarOutOfRange)
    );
    let minus_one = (-Scalar::ONE).to_bytes();
    let sk = SecretKey::from_bytes(&minus_one).expect("n - 1 is a key");
    assert_eq!(sk.public_key().point(), &-Point::GENERATOR);
    assert_eq!(
        format!("{sk:?}"),
        "SecretKey(..)",
        "secrets stay out of logs"
    );
    let random = SecretKey::generate(&mut TestRng(7));
    let m = message(&[3]);
    assert_eq!(random.public_key().verify(&m, &random.sign(&m)), Ok(()));
}

#[test]
fn public_key_hash_is_poseidon_of_the_encoding() {
    let pk = key(11).public_key();
    assert_eq!(pk.hash(), PoseidonHash::hash_no_pad(&pk.to_elements()));
}

#[test]
fn challenge_split_verifies_real_signatures() {
    // The circuit's form of the check: (s c1) G - c1 R - c0 Q = 0 with e = c0 / c1.
    let sk = key(12);
    let pk = sk.public_key();
    let m = message(&[4, 3, 2, 1]);
    let sig = sk.sign(&m);
    let e = challenge(&sig.r(), &pk.encoding(), &m);
    let split = split_challenge(&e);
    let (c0, c1) = (split.c0.to_scalar(), split.c1.to_scalar());
    let r = Point::decode(&sig.r()).expect("R decodes");
    let lhs = Point::mul_generator(&(sig.s() * c1)) - r.mul(&c1) - pk.point().mul(&c0);
    assert!(lhs.is_neutral());
}

/// Pinned known answer of the scheme (v1), for the circuit's agreement tests and against
/// accidental changes: key `d = 0x5a01` (bytes 01 5a 00 ..), message `[1, 2, 3, 4]`.
#[test]
fn known_answer_signature() {
    let sk = key(1);
    let m = message(&[1, 2, 3, 4]);
    let sig = sk.sign(&m);
    let pk = sk.public_key();
    assert_eq!(
        pk.to_limbs(),
        [
            10849571368975191649,
            15721796692181397728,
            14656486184281290780,
            11052167813328897354,
            8837114981081790937
        ]
    );
    assert_eq!(
        pk.hash().elements.map(|e| e.to_canonical_u64()),
        [
            4387084063074905492,
            5511661791092852532,
            1172138852650548582,
            4450560409751380669
        ]
    );
    assert_eq!(
        field::to_canonical_limbs(&sig.r()),
        [
            13430859685259099917,
            16800965108041832506,
            609358668910989039,
            7478334651782535361,
            7594078367079434868
        ]
    );
    assert_eq!(
        sig.s().to_limbs(),
        [
            258712177416644724,
            14314275379612668531,
            684342170433014741,
            1384398517044259351,
            8427824944127122903
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn random_keys_and_messages_round_trip(
        key_bytes in proptest::collection::vec(any::<u8>(), 64),
        values in proptest::collection::vec(0..P, 0..12),
        flip in any::<prop::sample::Index>(),
    ) {
        let sk = SecretKey::from_scalar(Scalar::from_le_bytes_reduced(&key_bytes))
            .unwrap_or_else(|_| key(13));
        let pk = sk.public_key();
        let m = message(&values);
        let sig = sk.sign(&m);
        prop_assert_eq!(pk.verify(&m, &sig), Ok(()));
        prop_assert_eq!(
            PublicKey::from_bytes(&pk.to_bytes()).and_then(|pk| Ok(pk.verify(&m, &Signature::from_bytes(&sig.to_bytes())?))),
            Ok(Ok(()))
        );
        if !m.is_empty() {
            let mut tampered = m.clone();
            let i = flip.index(m.len());
            tampered[i] += GFp::ONE;
            prop_assert_eq!(pk.verify(&tampered, &sig), Err(VerifyError::Mismatch));
        }
    }
}

#[test]
fn the_key_hash_of_an_encoding_needs_no_decoding_and_equals_the_keys_hash() {
    for seed in 0..4 {
        let public = key(seed).public_key();
        assert_eq!(
            PublicKey::hash_of_bytes(&public.to_bytes()).unwrap(),
            public.hash()
        );
    }
    // Limbs at or above p are no encoding at all.
    assert!(PublicKey::hash_of_bytes(&[0xff; 40]).is_err());
}
