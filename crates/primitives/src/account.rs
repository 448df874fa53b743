//! Accounts and their leaves in the account tree.
//!
//! An account lives at a leaf index of the depth-32 account tree. Its leaf is `hash_no_pad`
//! of 13 Goldilocks elements:
//!
//! | elements | field |
//! |---|---|
//! | 0 | the tag [`domain::ACCOUNT_LEAF`] |
//! | 1..6 | Ethereum address, five 32-bit big-endian limbs, most significant first |
//! | 6..10 | L2 public key hash (four elements; all zero while no key is registered) |
//! | 10, 11 | balance in gwei: high 32 bits, low 32 bits |
//! | 12 | nonce (32 bits) |
//!
//! Every element is below 2^32 except the key hash, so the circuit range-checks limbs of 32
//! bits and never relies on a 64-bit check of one element.

use plonky2::{
    field::types::Field,
    hash::{hash_types::HashOut, poseidon::PoseidonHash},
    plonk::config::Hasher,
};

use crate::{
    Address, Amount,
    bridge::{Digest, F},
    domain,
    tx::{DecodeError, address_limbs, amount_limbs, digest_from_bytes, digest_to_bytes},
};

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
            pubkey_hash: HashOut::ZERO,
            balance: Amount::ZERO,
            nonce: 0,
        }
    }

    /// Whether an L2 key is registered.
    pub fn has_key(&self) -> bool {
        self.pubkey_hash != HashOut::ZERO
    }

    /// The 13 field elements the leaf hashes (see the module docs).
    #[inline]
    pub fn leaf_elements(&self) -> [F; 13] {
        let mut elements = [F::ZERO; 13];
        elements[0] = F::from_canonical_u64(domain::ACCOUNT_LEAF);
        elements[1..6].copy_from_slice(&address_limbs(&self.address));
        elements[6..10].copy_from_slice(&self.pubkey_hash.elements);
        elements[10..12].copy_from_slice(&amount_limbs(self.balance));
        elements[12] = F::from_canonical_u32(self.nonce);
        elements
    }

    /// The leaf: `hash_no_pad` of [`Self::leaf_elements`].
    #[inline]
    pub fn leaf(&self) -> Digest {
        PoseidonHash::hash_no_pad(&self.leaf_elements())
    }

    /// The storage encoding: address, key hash (bytes32 form), balance (u64 LE), nonce (u32 LE).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(ENCODED_LEN);
        bytes.extend_from_slice(self.address.as_slice());
        bytes.extend_from_slice(&digest_to_bytes(&self.pubkey_hash));
        bytes.extend_from_slice(&self.balance.gwei().to_le_bytes());
        bytes.extend_from_slice(&self.nonce.to_le_bytes());
        bytes
    }

    /// Reads [`Self::encode`]'s output.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != ENCODED_LEN {
            return Err(DecodeError::Inconsistent("an account record has 64 bytes"));
        }
        let address = Address::from_slice(&bytes[..20]);
        let pubkey_hash = digest_from_bytes(bytes[20..52].try_into().expect("32 bytes"))?;
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

#[cfg(test)]
mod tests {
    use plonky2::field::types::PrimeField64;

    use super::*;

    #[test]
    fn account_encoding_round_trips_and_rejects_wrong_length() {
        let account = Account {
            address: crate::dev::ACCOUNTS[1].address,
            pubkey_hash: PoseidonHash::hash_no_pad(&[F::ONE]),
            balance: Amount::from_gwei(u64::MAX),
            nonce: 7,
        };
        assert_eq!(Account::decode(&account.encode()).unwrap(), account);
        assert!(Account::decode(&account.encode()[1..]).is_err());
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
            .filter(|(i, _)| !(6..10).contains(i))
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
}
