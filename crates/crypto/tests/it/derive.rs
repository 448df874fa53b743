//! L2 key derivation from an Ethereum key, checked on the first anvil dev account and
//! against alloy's EIP-191 signer.

use alloy::signers::SignerSync;
use alloy::signers::local::PrivateKeySigner;
use hyperforge_crypto::derive::{
    L2_KEY_MESSAGE, eip191_hash, ethereum_address_of_key, recover_l2_key_message_signer,
    secret_key_from_eip191_signature, secret_key_from_ethereum_key, sign_l2_key_message,
};
use hyperforge_crypto::{DeriveError, GFp, SecretKey};
use plonky2::field::types::{Field, PrimeField64};

/// anvil's first dev account (public knowledge; never use it outside a devnet).
const ANVIL_KEY_0: [u8; 32] = [
    0xac, 0x09, 0x74, 0xbe, 0xc3, 0x9a, 0x17, 0xe3, 0x6b, 0xa4, 0xa6, 0xb4, 0xd2, 0x38, 0xff, 0x94,
    0x4b, 0xac, 0xb4, 0x78, 0xcb, 0xed, 0x5e, 0xfc, 0xae, 0x78, 0x4d, 0x7b, 0xf4, 0xf2, 0xff, 0x80,
];
const ANVIL_ADDRESS_0: &str = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266";

/// Pinned: the L2 public key hash of anvil account 0, derived from its private key.
const ANVIL_0_KEY_HASH_FROM_PRIVATE_KEY: [u64; 4] = [
    1195299881438628017,
    8210693181636828426,
    5377496026163556661,
    12422527950693749603,
];
/// Pinned: its `personal_sign` of the L2 key message (RFC 6979, so always the same).
const ANVIL_0_L2_MESSAGE_SIGNATURE: &str = "87d3f594bba41ed76460710e984d8485d5f96c69c07d4d963303f110f6a278524447ed886d3ed54306d2561fb9d01ba558b73c3b79bf8f4e9332f9101001368e1b";
/// Pinned: the L2 public key hash derived from that signature.
const ANVIL_0_KEY_HASH_FROM_SIGNATURE: [u64; 4] = [
    9227553082012731550,
    5564741864435940988,
    11573511898451726606,
    3916365029367228112,
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_hash(sk: &SecretKey) -> [u64; 4] {
    sk.public_key()
        .hash()
        .elements
        .map(|e| e.to_canonical_u64())
}

fn round_trips(sk: &SecretKey) {
    let m = [GFp::from_canonical_u64(2026); 4];
    assert_eq!(sk.public_key().verify(&m, &sk.sign(&m)), Ok(()));
}

#[test]
fn anvil_account_key_from_private_key_is_stable() {
    let sk = secret_key_from_ethereum_key(&ANVIL_KEY_0).expect("valid key");
    assert_eq!(key_hash(&sk), ANVIL_0_KEY_HASH_FROM_PRIVATE_KEY);
    assert_eq!(secret_key_from_ethereum_key(&ANVIL_KEY_0), Ok(sk.clone()));
    round_trips(&sk);
}

#[test]
fn anvil_account_key_from_signature_is_stable() {
    let sig = sign_l2_key_message(&ANVIL_KEY_0).expect("signs");
    assert_eq!(hex(&sig), ANVIL_0_L2_MESSAGE_SIGNATURE);
    let sk = secret_key_from_eip191_signature(&sig).expect("valid signature");
    assert_eq!(key_hash(&sk), ANVIL_0_KEY_HASH_FROM_SIGNATURE);
    round_trips(&sk);
    // The two routes give two different keys.
    assert_ne!(
        ANVIL_0_KEY_HASH_FROM_SIGNATURE,
        ANVIL_0_KEY_HASH_FROM_PRIVATE_KEY
    );
}

#[test]
fn signature_matches_alloys_personal_sign() {
    let signer = PrivateKeySigner::from_slice(&ANVIL_KEY_0).expect("key");
    assert_eq!(hex(signer.address().as_slice()), ANVIL_ADDRESS_0);
    let theirs = signer
        .sign_message_sync(L2_KEY_MESSAGE.as_bytes())
        .expect("alloy signs");
    let ours = sign_l2_key_message(&ANVIL_KEY_0).expect("signs");
    assert_eq!(theirs.as_bytes(), ours);
    assert_eq!(
        eip191_hash(L2_KEY_MESSAGE.as_bytes()),
        alloy::primitives::eip191_hash_message(L2_KEY_MESSAGE).0
    );
}

#[test]
fn signer_of_the_l2_key_message_is_recovered() {
    let sig = sign_l2_key_message(&ANVIL_KEY_0).expect("signs");
    let address = recover_l2_key_message_signer(&sig).expect("recovers");
    assert_eq!(hex(&address), ANVIL_ADDRESS_0);
    assert_eq!(
        ethereum_address_of_key(&ANVIL_KEY_0).map(|a| hex(&a)),
        Ok(ANVIL_ADDRESS_0.into())
    );
}

#[test]
fn equivalent_signature_forms_derive_the_same_key() {
    let sig = sign_l2_key_message(&ANVIL_KEY_0).expect("signs");
    let expected = secret_key_from_eip191_signature(&sig).expect("valid");
    // v as 0/1 instead of 27/28.
    let mut v01 = sig;
    v01[64] -= 27;
    assert_eq!(secret_key_from_eip191_signature(&v01), Ok(expected.clone()));
    assert_eq!(
        recover_l2_key_message_signer(&v01).map(|a| hex(&a)),
        Ok(ANVIL_ADDRESS_0.into())
    );
    // The high-s twin (s' = order - s, parity flipped) is the same signature.
    let order: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let mut twin = sig;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = order[i] as i16 - sig[32 + i] as i16 - borrow;
        twin[32 + i] = d.rem_euclid(256) as u8;
        borrow = (d < 0) as i16;
    }
    twin[64] = if sig[64] == 27 { 28 } else { 27 };
    assert_eq!(secret_key_from_eip191_signature(&twin), Ok(expected));
    assert_eq!(
        recover_l2_key_message_signer(&twin).map(|a| hex(&a)),
        Ok(ANVIL_ADDRESS_0.into())
    );
}

#[test]
fn invalid_ethereum_inputs_are_refused() {
    assert_eq!(
        secret_key_from_ethereum_key(&[0; 32]),
        Err(DeriveError::InvalidEthereumKey)
    );
    assert_eq!(
        secret_key_from_ethereum_key(&[0xff; 32]),
        Err(DeriveError::InvalidEthereumKey)
    );
    assert_eq!(
        sign_l2_key_message(&[0; 32]),
        Err(DeriveError::InvalidEthereumKey)
    );
    let sig = sign_l2_key_message(&ANVIL_KEY_0).expect("signs");
    let mut bad_v = sig;
    bad_v[64] = 29;
    assert_eq!(
        secret_key_from_eip191_signature(&bad_v),
        Err(DeriveError::InvalidRecoveryId(29))
    );
    let mut zero_r = sig;
    zero_r[..32].fill(0);
    assert_eq!(
        secret_key_from_eip191_signature(&zero_r),
        Err(DeriveError::InvalidSignature)
    );
    let mut big_s = sig;
    big_s[32..64].fill(0xff);
    assert_eq!(
        secret_key_from_eip191_signature(&big_s),
        Err(DeriveError::InvalidSignature)
    );
}

#[test]
fn different_ethereum_keys_derive_different_l2_keys() {
    let mut other = ANVIL_KEY_0;
    other[31] ^= 1;
    let a = secret_key_from_ethereum_key(&ANVIL_KEY_0).expect("valid");
    let b = secret_key_from_ethereum_key(&other).expect("valid");
    assert_ne!(a.public_key(), b.public_key());
}
