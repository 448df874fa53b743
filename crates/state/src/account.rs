//! Accounts and their leaves in the account tree.
//!
//! An account lives at a leaf index of the depth-32 account tree. Its leaf is
//! `PoseidonHash::hash_no_pad` of 12 Goldilocks elements:
//!
//! | elements | field |
//! |---|---|
//! | 0..5 | Ethereum address, five 32-bit big-endian limbs, most significant first |
//! | 5..9 | L2 public key hash (four elements; all zero while no key is registered) |
//! | 9, 10 | balance in gwei: high 32 bits, low 32 bits |
//! | 11 | nonce (32 bits) |
//!
//! Every element is below 2^32 except the key hash, so the circuit range-checks limbs of 32
//! bits and never relies on a 64-bit check of one element.

use hyperforge_primitives::{
    Address, Amount,
    tx::{address_limbs, amount_limbs, digest_from_bytes, digest_to_bytes},
};
use plonky2::{
    field::{goldilocks_field::GoldilocksField, types::Field},
    hash::poseidon::PoseidonHash,
    plonk::config::Hasher,
};

use crate::{Digest, StateError};

/// The index of an account's leaf.
pub type AccountIndex = u32;

/// One account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Its Ethereum address: the account's name on L1 and L2.
    pub address: Address,
    /// The hash of its registered L2 public key, or zero if none is registered.
    pub pubkey_hash: Digest,
    /// Its balance.
    pub balance: Amount,
    /// The nonce its next transaction must carry.
    pub nonce: u32,
}

/// The encoded size of an account.
const ENCODED_LEN: usize = 20 + 32 + 8 + 4;

impl Account {
    /// A new, empty account for `address`.
    pub fn new(address: Address) -> Self {
        Self {
            address,
            pubkey_hash: Digest::ZERO,
            balance: Amount::ZERO,
            nonce: 0,
        }
    }

    /// Whether an L2 key is registered.
    pub fn has_key(&self) -> bool {
        self.pubkey_hash != Digest::ZERO
    }

    /// The 12 field elements the leaf hashes.
    pub fn leaf_elements(&self) -> [GoldilocksField; 12] {
        let mut elements = [GoldilocksField::ZERO; 12];
        elements[..5].copy_from_slice(&address_limbs(&self.address));
        elements[5..9].copy_from_slice(&self.pubkey_hash.elements);
        elements[9..11].copy_from_slice(&amount_limbs(self.balance));
        elements[11] = GoldilocksField::from_canonical_u32(self.nonce);
        elements
    }

    /// The leaf: `hash_no_pad` of [`Self::leaf_elements`].
    pub fn leaf(&self) -> Digest {
        PoseidonHash::hash_no_pad(&self.leaf_elements())
    }

    /// The storage encoding: address, key hash (bytes32 form), balance (u64 LE), nonce (u32 LE).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(ENCODED_LEN);
        bytes.extend_from_slice(self.address.as_slice());
        bytes.extend_from_slice(&encode_digest(&self.pubkey_hash));
        bytes.extend_from_slice(&self.balance.gwei().to_le_bytes());
        bytes.extend_from_slice(&self.nonce.to_le_bytes());
        bytes
    }

    /// Reads [`Self::encode`]'s output.
    pub fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        if bytes.len() != ENCODED_LEN {
            return Err(StateError::Corrupt(format!(
                "account record of {} bytes, expected {ENCODED_LEN}",
                bytes.len()
            )));
        }
        let address = Address::from_slice(&bytes[..20]);
        let pubkey_hash = decode_digest(&bytes[20..52])?;
        let balance = Amount::from_gwei(u64::from_le_bytes(
            bytes[52..60].try_into().expect("8 bytes"),
        ));
        let nonce = u32::from_le_bytes(bytes[60..64].try_into().expect("4 bytes"));
        Ok(Self {
            address,
            pubkey_hash,
            balance,
            nonce,
        })
    }
}

/// A digest as 32 bytes, in the one form used everywhere (the bridge's bytes32: four
/// big-endian u64, element 0 first).
pub fn encode_digest(digest: &Digest) -> [u8; 32] {
    digest_to_bytes(digest)
}

/// Reads [`encode_digest`]'s output, refusing a wrong length and non-canonical elements.
pub fn decode_digest(bytes: &[u8]) -> Result<Digest, StateError> {
    let bytes: &[u8; 32] = bytes.try_into().map_err(|_| {
        StateError::Corrupt(format!("digest of {} bytes, expected 32", bytes.len()))
    })?;
    digest_from_bytes(bytes).map_err(|error| StateError::Corrupt(error.to_string()))
}

#[cfg(test)]
mod tests {
    use plonky2::field::types::PrimeField64;

    use super::*;

    #[test]
    fn account_encoding_round_trips_and_rejects_wrong_length() {
        let account = Account {
            address: hyperforge_primitives::dev::ACCOUNTS[1].address,
            pubkey_hash: PoseidonHash::hash_no_pad(&[GoldilocksField::ONE]),
            balance: Amount::from_gwei(u64::MAX),
            nonce: 7,
        };
        assert_eq!(Account::decode(&account.encode()).unwrap(), account);
        assert!(matches!(
            Account::decode(&account.encode()[1..]),
            Err(StateError::Corrupt(_))
        ));
    }

    #[test]
    fn leaf_limbs_are_all_below_two_to_the_32_but_the_key_hash() {
        let mut account = Account::new(Address::repeat_byte(0xff));
        account.balance = Amount::from_gwei(u64::MAX);
        account.nonce = u32::MAX;
        let elements = account.leaf_elements();
        for (i, element) in elements
            .iter()
            .enumerate()
            .filter(|(i, _)| !(5..9).contains(i))
        {
            assert!(
                element.to_canonical_u64() <= u64::from(u32::MAX),
                "element {i}"
            );
        }
        assert_ne!(
            account.leaf(),
            Account::new(Address::repeat_byte(0xff)).leaf()
        );
    }

    #[test]
    fn non_canonical_digest_is_refused() {
        let bytes = [0xff; 32];
        assert!(matches!(decode_digest(&bytes), Err(StateError::Corrupt(_))));
    }
}
