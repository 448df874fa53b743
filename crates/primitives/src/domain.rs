//! Domain tags: the first element of every tagged hash preimage, one value per kind of hash.
//!
//! plonky2's `hash_no_pad` has no padding, so two preimages that differ only by trailing zeros
//! hash alike: every kind of hash below has a fixed length *and* a tag of its own, so no
//! preimage of one kind can be read as a preimage of another (a deposit as a withdrawal leaf,
//! a message leaf as an account leaf). Merkle nodes (`two_to_one` of two children) carry no
//! tag: every tree has a fixed depth, so a node is never taken for a leaf. Rolling
//! commitments start from a tagged seed ([`seed`]), so two commitment chains of different
//! kinds never share a value.
//!
//! The values are part of the protocol: `contracts/src/Bridge.sol` and the circuits use the
//! same numbers. Never renumber one.

use plonky2::field::types::Field;

use crate::bridge::{Digest, F, hash_no_pad};

/// `Transfer` body (also its byte-encoding tag).
pub const TX_TRANSFER: u64 = 1;
/// `Withdraw` body.
pub const TX_WITHDRAW: u64 = 2;
/// `SendMessage` body.
pub const TX_SEND_MESSAGE: u64 = 3;
/// `ExecuteMessage` body.
pub const TX_EXECUTE_MESSAGE: u64 = 4;
/// A message payload's hash.
pub const PAYLOAD: u64 = 5;

/// An L1 deposit in the priority queue.
pub const OP_DEPOSIT: u64 = 0x10;
/// An L1 key registration in the priority queue.
pub const OP_REGISTER_KEY: u64 = 0x11;

/// A withdrawal leaf of an outbox.
pub const LEAF_WITHDRAWAL: u64 = 0x20;
/// A message leaf of an outbox.
pub const LEAF_MESSAGE: u64 = 0x21;

/// A leaf of the account tree.
pub const ACCOUNT_LEAF: u64 = 0x30;
/// A leaf of the nullifier tree (an executed message).
pub const NULLIFIER_LEAF: u64 = 0x31;
/// A leaf of the imported message roots tree.
pub const IMPORTED_ROOT_LEAF: u64 = 0x32;

/// The state root over every tree.
pub const STATE_ROOT: u64 = 0x40;
/// A block header's hash.
pub const BLOCK_HEADER: u64 = 0x41;

/// Seed of a chain's L1 priority queue commitment.
pub const PRIORITY_QUEUE: u64 = 0x50;
/// Seed of the bridge's message root queue commitment.
pub const MESSAGE_QUEUE: u64 = 0x51;
/// Seed of a block's rolling slots hash.
pub const SLOTS: u64 = 0x52;
/// Seed of a batch's pubdata commitment.
pub const PUBDATA: u64 = 0x53;

/// The seed `c_0` of a rolling commitment of kind `tag`: `hash_no_pad([tag])`.
#[inline]
pub fn seed(tag: u64) -> Digest {
    hash_no_pad(&[F::from_canonical_u64(tag)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_distinct() {
        let tags = [
            TX_TRANSFER,
            TX_WITHDRAW,
            TX_SEND_MESSAGE,
            TX_EXECUTE_MESSAGE,
            PAYLOAD,
            OP_DEPOSIT,
            OP_REGISTER_KEY,
            LEAF_WITHDRAWAL,
            LEAF_MESSAGE,
            ACCOUNT_LEAF,
            NULLIFIER_LEAF,
            IMPORTED_ROOT_LEAF,
            STATE_ROOT,
            BLOCK_HEADER,
            PRIORITY_QUEUE,
            MESSAGE_QUEUE,
            SLOTS,
            PUBDATA,
        ];
        let unique: std::collections::BTreeSet<u64> = tags.into_iter().collect();
        assert_eq!(unique.len(), tags.len());
    }
}
