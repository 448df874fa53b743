//! Field-element encodings: address and amount limbs, payload hashes.

use plonky2::{field::types::Field, hash::poseidon::PoseidonHash, plonk::config::Hasher};

use super::{Digest, F};
use crate::{Address, Amount, domain};

/// A canonical field element from a value known to be below the modulus.
#[inline]
pub(crate) fn felt(value: u64) -> F {
    F::from_canonical_u64(value)
}

/// An address as five 32-bit limbs, most significant first.
#[inline]
pub fn address_limbs(address: &Address) -> [F; 5] {
    let mut limbs = [F::ZERO; 5];
    for (limb, chunk) in limbs.iter_mut().zip(address.as_slice().chunks(4)) {
        *limb = F::from_canonical_u32(u32::from_be_bytes(chunk.try_into().expect("4-byte chunks")));
    }
    limbs
}

/// An amount as two 32-bit limbs: high, low.
#[inline]
pub fn amount_limbs(amount: Amount) -> [F; 2] {
    let gwei = amount.gwei();
    [felt(gwei >> 32), felt(gwei & 0xffff_ffff)]
}

/// The hash of a payload: `hash_no_pad([PAYLOAD, len] | 32-bit big-endian limbs, zero-padded)`.
#[inline]
pub fn payload_hash(payload: &[u8]) -> Digest {
    let mut elements = vec![felt(domain::PAYLOAD), felt(payload.len() as u64)];
    for chunk in payload.chunks(4) {
        let mut limb = [0u8; 4];
        limb[..chunk.len()].copy_from_slice(chunk);
        elements.push(F::from_canonical_u32(u32::from_be_bytes(limb)));
    }
    PoseidonHash::hash_no_pad(&elements)
}
