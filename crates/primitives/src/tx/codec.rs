//! The byte codec: decoding errors, the reader every decoder shares, digests as bytes.

use plonky2::{
    field::types::{Field, Field64, PrimeField64},
    hash::hash_types::HashOut,
};

use super::{Digest, F, Message, felt};
use crate::{Address, Amount, ChainId};

/// Why bytes are not a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended inside a field.
    #[error("malformed transaction: truncated at byte {0}")]
    Truncated(usize),
    /// Bytes follow a complete transaction.
    #[error("malformed transaction: {0} trailing bytes")]
    TrailingBytes(usize),
    /// The type tag is not one we know.
    #[error("malformed transaction: unknown type tag {0}")]
    UnknownTag(u8),
    /// A payload over the cap.
    #[error("oversized transaction: payload of {len} bytes, at most {max} allowed")]
    PayloadTooLarge {
        /// Its length.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A leaf index outside the outbox.
    #[error("malformed transaction: leaf index {0} is outside the outbox (below 1024)")]
    LeafIndex(u16),
    /// A field element at or above the Goldilocks modulus.
    #[error("malformed transaction: non-canonical field element {0}")]
    NonCanonical(u64),
    /// Chain id 0 or above 2^53.
    #[error("malformed transaction: invalid chain id {0}")]
    ChainId(u64),
    /// Parts of a record that must agree do not.
    #[error("malformed record: {0}")]
    Inconsistent(&'static str),
}

pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
    pub(crate) max_payload: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], max_payload: usize) -> Self {
        Self {
            bytes,
            at: 0,
            max_payload,
        }
    }

    /// Refuses bytes left over after a complete value.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        if self.at != self.bytes.len() {
            return Err(DecodeError::TrailingBytes(self.bytes.len() - self.at));
        }
        Ok(())
    }

    /// The next `len` bytes as a slice.
    pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated(self.at))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        Ok(self.bytes(N)?.try_into().expect("take returns N bytes"))
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(crate) fn chain_id(&mut self) -> Result<ChainId, DecodeError> {
        let id = self.u64()?;
        ChainId::new(id).map_err(|_| DecodeError::ChainId(id))
    }

    pub(crate) fn address(&mut self) -> Result<Address, DecodeError> {
        Ok(Address::from(self.array::<20>()?))
    }

    pub(crate) fn amount(&mut self) -> Result<Amount, DecodeError> {
        Ok(Amount::from_gwei(self.u64()?))
    }

    pub(crate) fn digest(&mut self) -> Result<Digest, DecodeError> {
        digest_from_bytes(&self.array()?)
    }

    pub(crate) fn payload(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.u32()? as usize;
        if len > self.max_payload {
            return Err(DecodeError::PayloadTooLarge {
                len,
                max: self.max_payload,
            });
        }
        Ok(self.bytes(len)?.to_vec())
    }

    pub(crate) fn message(&mut self) -> Result<Message, DecodeError> {
        Ok(Message {
            src_chain: self.chain_id()?,
            sender: self.address()?,
            nonce: self.u32()?,
            dst_chain: self.chain_id()?,
            recipient: self.address()?,
            value: self.amount()?,
            payload: self.payload()?,
        })
    }
}

/// A digest as 32 bytes: four big-endian u64, element 0 first.
pub fn digest_to_bytes(digest: &Digest) -> [u8; 32] {
    let mut bytes = [0; 32];
    for (chunk, element) in bytes.chunks_mut(8).zip(digest.elements) {
        chunk.copy_from_slice(&element.to_canonical_u64().to_be_bytes());
    }
    bytes
}

/// Reads [`digest_to_bytes`]'s form, refusing non-canonical elements.
pub fn digest_from_bytes(bytes: &[u8; 32]) -> Result<Digest, DecodeError> {
    let mut elements = [F::ZERO; 4];
    for (element, chunk) in elements.iter_mut().zip(bytes.chunks(8)) {
        let value = u64::from_be_bytes(chunk.try_into().expect("8-byte chunks"));
        if value >= F::ORDER {
            return Err(DecodeError::NonCanonical(value));
        }
        *element = felt(value);
    }
    Ok(HashOut { elements })
}
