//! L2 transactions, L1 priority operations and outbox entries: their canonical binary
//! encoding, their field-element encoding and their hashes. One file per concern (`body`,
//! `priority`, `outbox`, the byte `codec`, the `field` encodings), everything re-exported
//! here.
//!
//! ## Binary encoding (big-endian)
//!
//! ```text
//! signed tx  = body | pubkey (40) | signature (80)
//! body       = tag (1) | chain_id (8) | from (20) | nonce (4) | kind fields
//! Transfer       tag 1: to (20) | amount (8)
//! Withdraw       tag 2: l1_recipient (20) | amount (8)
//! SendMessage    tag 3: dst_chain (8) | recipient (20) | value (8) | payload_len (4) | payload
//! ExecuteMessage tag 4: message (see below) | import_index (4) | leaf_index (2) | 10 x sibling (32)
//! message    = src_chain (8) | sender (20) | nonce (4) | dst_chain (8) | recipient (20) | value (8)
//!            | payload_len (4) | payload
//! ```
//!
//! Digests are 32 bytes: four canonical Goldilocks elements as big-endian u64, element 0 first
//! (the bridge's bytes32 form). Decoding rejects unknown tags, truncated input, trailing bytes,
//! payloads over a configurable cap, chain id 0, non-canonical field elements and a leaf index
//! outside the outbox. An inclusion path has exactly [`OUTBOX_DEPTH`] siblings: a shorter or
//! longer one does not decode.
//!
//! ## Hashes
//!
//! A transaction is signed over, and identified by, its body hash:
//! `PoseidonHash::hash_no_pad(body elements)`, where addresses are five 32-bit limbs (most
//! significant first), amounts two 32-bit limbs (high, low), chain ids, nonces and indices one
//! element; the first element is the kind's [`domain`] tag:
//!
//! ```text
//! common       = [tag, chain_id, from(5), nonce]
//! Transfer       common | to(5) | amount(2)
//! Withdraw       common | l1_recipient(5) | amount(2)
//! SendMessage    common | dst_chain | recipient(5) | value(2) | payload_hash(4)
//! ExecuteMessage common | message_hash(4) | import_index | leaf_index
//! ```
//!
//! `payload_hash = hash_no_pad([PAYLOAD, len] | payload as 32-bit big-endian limbs, zero-padded)`.
//! Outbox leaves (what L1 and other chains check):
//! withdrawal `hash_no_pad([LEAF_WITHDRAWAL, sender(5), l1_recipient(5), amount(2)])`,
//! message `hash_no_pad([LEAF_MESSAGE, src_chain, sender(5), nonce, dst_chain, recipient(5),
//! value(2), payload_hash(4)])`. The nonce is the sending transaction's: two messages with the
//! same contents are two leaves, and both execute.
//!
//! ## Executing a message
//!
//! A message is executed under an **imported** message root: import `i` of the destination
//! chain is the `i`-th entry of the bridge's message root queue (a settled batch's outbox
//! root). `ExecuteMessage` names `import_index` and the message's `leaf_index` in that outbox;
//! its nullifier sits at [`nullifier_key`]`(import_index, leaf_index)`, a position rather than
//! a hash, so no one can grind a colliding key to block a message.

mod body;
mod codec;
mod field;
mod outbox;
mod priority;

use plonky2::{field::goldilocks_field::GoldilocksField as F, hash::hash_types::HashOut};

use crate::bridge::OUTBOX_DEPTH;

pub use body::{Message, SignedTx, TxBody, TxKind};
pub(crate) use codec::Reader;
pub use codec::{DecodeError, digest_from_bytes, digest_to_bytes};
pub(crate) use field::felt;
pub use field::{address_limbs, amount_limbs, payload_hash};
pub use outbox::{OutboxEntry, imported_root_leaf, nullifier_key, nullifier_leaf, outbox_path};
pub use priority::{PriorityOp, genesis_receipt_id, priority_receipt_id};

/// A Poseidon digest: four Goldilocks elements.
pub type Digest = HashOut<F>;

/// The default cap on a message payload.
pub const DEFAULT_MAX_PAYLOAD: usize = 4 * 1024;
/// Encoded size of an EcGFp5 public key.
pub const PUBKEY_LEN: usize = 40;
/// Encoded size of a Schnorr signature.
pub const SIGNATURE_LEN: usize = 80;

#[cfg(test)]
mod tests {
    use plonky2::field::types::Field64;
    use proptest::prelude::*;

    use super::*;
    use crate::{Address, Amount, ChainId, merkle::NULLIFIER_TREE_DEPTH};

    fn chain(id: u64) -> ChainId {
        ChainId::new(id).unwrap()
    }

    fn sample(kind: TxKind) -> SignedTx {
        SignedTx {
            body: TxBody {
                chain_id: chain(270),
                from: Address::with_last_byte(1),
                nonce: 3,
                kind,
            },
            pubkey: [7; PUBKEY_LEN],
            signature: [9; SIGNATURE_LEN],
        }
    }

    fn message() -> Message {
        Message {
            src_chain: chain(271),
            sender: Address::with_last_byte(2),
            nonce: 4,
            dst_chain: chain(270),
            recipient: Address::with_last_byte(3),
            value: Amount::from_gwei(5),
            payload: b"hello".to_vec(),
        }
    }

    fn every_kind() -> Vec<SignedTx> {
        vec![
            sample(TxKind::Transfer {
                to: Address::with_last_byte(2),
                amount: Amount::from_gwei(10),
            }),
            sample(TxKind::Withdraw {
                l1_recipient: Address::with_last_byte(2),
                amount: Amount::from_gwei(10),
            }),
            sample(TxKind::SendMessage {
                dst_chain: chain(271),
                recipient: Address::with_last_byte(4),
                value: Amount::from_gwei(1),
                payload: vec![1, 2, 3],
            }),
            sample(TxKind::ExecuteMessage {
                message: message(),
                import_index: 7,
                leaf_index: 5,
                siblings: Box::new([message().hash(); OUTBOX_DEPTH]),
            }),
        ]
    }

    #[test]
    fn every_kind_round_trips() {
        for tx in every_kind() {
            assert_eq!(SignedTx::decode(&tx.encode(), DEFAULT_MAX_PAYLOAD), Ok(tx));
        }
    }

    #[test]
    fn decoding_names_each_malformation() {
        let bytes = every_kind()[0].encode();
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            SignedTx::decode(&trailing, 64),
            Err(DecodeError::TrailingBytes(1))
        );
        assert_eq!(
            SignedTx::decode(&bytes[..bytes.len() - 1], 64),
            Err(DecodeError::Truncated(bytes.len() - 80))
        );
        let mut unknown = bytes.clone();
        unknown[0] = 9;
        assert_eq!(
            SignedTx::decode(&unknown, 64),
            Err(DecodeError::UnknownTag(9))
        );
        let mut zero_chain = bytes.clone();
        zero_chain[1..9].copy_from_slice(&[0; 8]);
        assert_eq!(
            SignedTx::decode(&zero_chain, 64),
            Err(DecodeError::ChainId(0))
        );
        assert_eq!(SignedTx::decode(&[], 64), Err(DecodeError::Truncated(0)));

        let big = sample(TxKind::SendMessage {
            dst_chain: chain(271),
            recipient: Address::ZERO,
            value: Amount::ZERO,
            payload: vec![0; 65],
        });
        assert_eq!(
            SignedTx::decode(&big.encode(), 64),
            Err(DecodeError::PayloadTooLarge { len: 65, max: 64 })
        );

        let execute = every_kind()[3].encode();
        let siblings_at = execute.len() - 80 - 40 - OUTBOX_DEPTH * 32;
        let mut non_canonical = execute.clone();
        non_canonical[siblings_at..siblings_at + 8].copy_from_slice(&[0xff; 8]);
        assert_eq!(
            SignedTx::decode(&non_canonical, 64),
            Err(DecodeError::NonCanonical(u64::MAX))
        );
        let mut outside = execute.clone();
        outside[siblings_at - 2..siblings_at].copy_from_slice(&1024u16.to_be_bytes());
        assert_eq!(
            SignedTx::decode(&outside, 64),
            Err(DecodeError::LeafIndex(1024))
        );
    }

    #[test]
    fn an_inclusion_path_of_another_length_does_not_decode() {
        let execute = every_kind()[3].encode();
        let (body, signed) = execute.split_at(execute.len() - 120);
        let mut shorter = body[..body.len() - 32].to_vec();
        shorter.extend_from_slice(signed);
        assert!(matches!(
            SignedTx::decode(&shorter, 64),
            Err(DecodeError::Truncated(_))
        ));
        let mut longer = body.to_vec();
        longer.extend_from_slice(&[0; 32]);
        longer.extend_from_slice(signed);
        assert_eq!(
            SignedTx::decode(&longer, 64),
            Err(DecodeError::TrailingBytes(32))
        );
    }

    #[test]
    fn identical_messages_of_two_transactions_are_two_leaves() {
        let first = message();
        let second = Message {
            nonce: first.nonce + 1,
            ..first.clone()
        };
        assert_ne!(first.hash(), second.hash());
    }

    #[test]
    fn nullifier_keys_are_positions_and_never_collide() {
        assert_eq!(nullifier_key(0, 0), 0);
        assert_eq!(nullifier_key(0, 1023), 1023);
        assert_eq!(nullifier_key(1, 0), 1024);
        assert!(nullifier_key(u32::MAX, 1023) < 1 << NULLIFIER_TREE_DEPTH);
    }

    #[test]
    fn every_hash_kind_has_its_own_tag() {
        // A deposit and a withdrawal leaf once shared a layout: now they differ by tag.
        let (a, b) = (Address::with_last_byte(1), Address::with_last_byte(2));
        let deposit = PriorityOp::Deposit {
            l1_sender: a,
            recipient: b,
            amount: Amount::from_gwei(5),
        };
        let withdrawal = OutboxEntry::Withdrawal {
            sender: a,
            l1_recipient: b,
            amount: Amount::from_gwei(5),
        };
        assert_ne!(deposit.hash(), withdrawal.hash());
        let root = message().hash();
        assert_ne!(nullifier_leaf(&root), imported_root_leaf(&root));
    }

    #[test]
    fn hashes_bind_every_field() {
        let txs = every_kind();
        let base = txs[0].body.hash();
        let mut other_chain = txs[0].body.clone();
        other_chain.chain_id = chain(271);
        let mut other_nonce = txs[0].body.clone();
        other_nonce.nonce += 1;
        assert_ne!(
            other_chain.hash(),
            base,
            "the chain id is signed: no replay across chains"
        );
        assert_ne!(other_nonce.hash(), base);
        assert_ne!(txs[1].body.hash(), base, "kinds differ by tag");
        assert_ne!(
            payload_hash(&[0]),
            payload_hash(&[0, 0]),
            "the length is hashed"
        );
        let mut paid = message();
        paid.value = Amount::from_gwei(6);
        assert_ne!(paid.hash(), message().hash());
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = SignedTx::decode(&bytes, 64);
        }

        #[test]
        fn digest_bytes_round_trip(elements in proptest::array::uniform4(0u64..F::ORDER)) {
            let digest = HashOut { elements: elements.map(felt) };
            prop_assert_eq!(digest_from_bytes(&digest_to_bytes(&digest)), Ok(digest));
        }
    }
}
