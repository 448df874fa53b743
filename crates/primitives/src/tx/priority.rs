//! L1 priority operations (deposits, key registrations): encoding, queue hash, receipt ids.

use plonky2::{hash::poseidon::PoseidonHash, plonk::config::Hasher};

use super::{DecodeError, Digest, F, Reader, address_limbs, amount_limbs, digest_to_bytes, felt};
use crate::{Address, Amount, domain};

/// An operation submitted on L1, executed in order and unsigned (the bridge authenticated it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriorityOp {
    /// Credit `amount` to `recipient`.
    Deposit {
        /// Who deposited on L1.
        l1_sender: Address,
        /// The credited L2 account.
        recipient: Address,
        /// The amount.
        amount: Amount,
    },
    /// Bind an L2 public key hash to `account` (the L1 sender).
    RegisterKey {
        /// The account, authenticated on L1 as msg.sender.
        account: Address,
        /// The L2 public key hash.
        pubkey_hash: Digest,
    },
}

impl PriorityOp {
    /// The canonical encoding: `tag (1)`, then Deposit (tag 1) `l1_sender (20) | recipient
    /// (20) | amount (8)` or RegisterKey (tag 2) `account (20) | pubkey_hash (32)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(53);
        match self {
            Self::Deposit {
                l1_sender,
                recipient,
                amount,
            } => {
                out.push(1);
                out.extend_from_slice(l1_sender.as_slice());
                out.extend_from_slice(recipient.as_slice());
                out.extend_from_slice(&amount.gwei().to_be_bytes());
            }
            Self::RegisterKey {
                account,
                pubkey_hash,
            } => {
                out.push(2);
                out.extend_from_slice(account.as_slice());
                out.extend_from_slice(&digest_to_bytes(pubkey_hash));
            }
        }
        out
    }

    /// Decodes [`PriorityOp::encode`]'s form.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes, 0);
        let op = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(op)
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match reader.u8()? {
            1 => Self::Deposit {
                l1_sender: reader.address()?,
                recipient: reader.address()?,
                amount: reader.amount()?,
            },
            2 => Self::RegisterKey {
                account: reader.address()?,
                pubkey_hash: reader.digest()?,
            },
            other => return Err(DecodeError::UnknownTag(other)),
        })
    }

    /// Its hash in the priority queue commitment:
    /// Deposit `hash_no_pad([OP_DEPOSIT, l1_sender(5), recipient(5), amount(2)])`,
    /// RegisterKey `hash_no_pad([OP_REGISTER_KEY, account(5), pubkey_hash(4)])`.
    #[inline]
    pub fn hash(&self) -> Digest {
        let elements: Vec<F> = match self {
            Self::Deposit {
                l1_sender,
                recipient,
                amount,
            } => [felt(domain::OP_DEPOSIT)]
                .into_iter()
                .chain(address_limbs(l1_sender))
                .chain(address_limbs(recipient))
                .chain(amount_limbs(*amount))
                .collect(),
            Self::RegisterKey {
                account,
                pubkey_hash,
            } => [felt(domain::OP_REGISTER_KEY)]
                .into_iter()
                .chain(address_limbs(account))
                .chain(pubkey_hash.elements)
                .collect(),
        };
        PoseidonHash::hash_no_pad(&elements)
    }
}

/// The receipt id of the L1 priority operation at `queue_index` of the chain's queue: keyed by
/// position, so two identical operations (the same deposit twice) get two receipts. Its first
/// word is `2^64 - 1`, never a word of a canonical digest, so it never collides with a
/// transaction id.
pub fn priority_receipt_id(queue_index: u64) -> [u8; 32] {
    receipt_id(0, queue_index)
}

/// The receipt id of genesis operation `position` (block 0 is not the L1 queue).
pub fn genesis_receipt_id(position: u64) -> [u8; 32] {
    receipt_id(1, position)
}

fn receipt_id(kind: u8, index: u64) -> [u8; 32] {
    let mut id = [0; 32];
    id[..8].copy_from_slice(&[0xff; 8]);
    id[15] = kind;
    id[24..].copy_from_slice(&index.to_be_bytes());
    id
}
