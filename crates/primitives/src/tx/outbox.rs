//! Outbox entries (withdrawals, messages) and what executing a message touches: nullifier
//! keys and leaves, imported-root leaves, the outbox path.

use plonky2::{hash::poseidon::PoseidonHash, plonk::config::Hasher};

use super::{Digest, Message, PriorityOp, TxBody, TxKind, address_limbs, amount_limbs, felt};
use crate::{
    Address, Amount,
    bridge::OUTBOX_DEPTH,
    domain,
    merkle::{MerkleProof, NULLIFIER_TREE_DEPTH},
};

/// An entry of the outbox: what L1 or another chain can claim once the batch settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxEntry {
    /// An L2 -> L1 withdrawal.
    Withdrawal {
        /// The L2 sender.
        sender: Address,
        /// Who may finalize it on L1.
        l1_recipient: Address,
        /// The amount.
        amount: Amount,
    },
    /// An L2 -> L2 message.
    Message(Message),
}

impl TxBody {
    /// The outbox entry this transaction makes when it executes: the withdrawal of a
    /// `Withdraw`, the message of a `SendMessage` (from its chain, sender and nonce); none
    /// for the other kinds.
    pub fn outbox_entry(&self) -> Option<OutboxEntry> {
        match &self.kind {
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => Some(OutboxEntry::Withdrawal {
                sender: self.from,
                l1_recipient: *l1_recipient,
                amount: *amount,
            }),
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => Some(OutboxEntry::Message(Message {
                src_chain: self.chain_id,
                sender: self.from,
                nonce: self.nonce,
                dst_chain: *dst_chain,
                recipient: *recipient,
                value: *value,
                payload: payload.clone(),
            })),
            _ => None,
        }
    }
}

impl PriorityOp {
    /// The refund a deposit makes when it cannot be credited: a withdrawal of its amount from
    /// the recipient to the L1 sender. None for a key registration.
    pub fn refund_entry(&self) -> Option<OutboxEntry> {
        match self {
            Self::Deposit {
                l1_sender,
                recipient,
                amount,
            } => Some(OutboxEntry::Withdrawal {
                sender: *recipient,
                l1_recipient: *l1_sender,
                amount: *amount,
            }),
            Self::RegisterKey { .. } => None,
        }
    }
}

impl OutboxEntry {
    /// Its leaf in the outbox tree.
    #[inline]
    pub fn hash(&self) -> Digest {
        match self {
            Self::Withdrawal {
                sender,
                l1_recipient,
                amount,
            } => {
                let mut elements = vec![felt(domain::LEAF_WITHDRAWAL)];
                elements.extend(address_limbs(sender));
                elements.extend(address_limbs(l1_recipient));
                elements.extend(amount_limbs(*amount));
                PoseidonHash::hash_no_pad(&elements)
            }
            Self::Message(message) => message.hash(),
        }
    }
}

/// The nullifier tree key of the message at `leaf_index` of import `import_index`:
/// `import_index * 2^OUTBOX_DEPTH + leaf_index`, below `2^NULLIFIER_TREE_DEPTH`.
pub fn nullifier_key(import_index: u32, leaf_index: u16) -> u64 {
    const _: () = assert!(32 + OUTBOX_DEPTH == NULLIFIER_TREE_DEPTH as usize);
    (u64::from(import_index) << OUTBOX_DEPTH) | u64::from(leaf_index)
}

/// The nullifier leaf of an executed message: `hash_no_pad([NULLIFIER_LEAF, message_hash(4)])`.
#[inline]
pub fn nullifier_leaf(message_hash: &Digest) -> Digest {
    let mut elements = vec![felt(domain::NULLIFIER_LEAF)];
    elements.extend(message_hash.elements);
    PoseidonHash::hash_no_pad(&elements)
}

/// The leaf of an imported message root: `hash_no_pad([IMPORTED_ROOT_LEAF, root(4)])`.
#[inline]
pub fn imported_root_leaf(root: &Digest) -> Digest {
    let mut elements = vec![felt(domain::IMPORTED_ROOT_LEAF)];
    elements.extend(root.elements);
    PoseidonHash::hash_no_pad(&elements)
}

/// The outbox path of an `ExecuteMessage`, as a [`MerkleProof`].
pub fn outbox_path(leaf_index: u16, siblings: &[Digest; OUTBOX_DEPTH]) -> MerkleProof {
    MerkleProof {
        index: u64::from(leaf_index),
        siblings: siblings.to_vec(),
    }
}

#[cfg(test)]
mod entry_tests {
    use super::*;
    use crate::ChainId;

    fn body(kind: TxKind) -> TxBody {
        TxBody {
            chain_id: ChainId::new(270).expect("valid"),
            from: Address::repeat_byte(1),
            nonce: 7,
            kind,
        }
    }

    #[test]
    fn withdrawals_messages_and_failed_deposits_make_their_entries_and_nothing_else_does() {
        let amount = Amount::from_gwei(5);
        assert_eq!(
            body(TxKind::Withdraw {
                l1_recipient: Address::repeat_byte(2),
                amount,
            })
            .outbox_entry(),
            Some(OutboxEntry::Withdrawal {
                sender: Address::repeat_byte(1),
                l1_recipient: Address::repeat_byte(2),
                amount,
            })
        );
        let dst_chain = ChainId::new(271).expect("valid");
        assert_eq!(
            body(TxKind::SendMessage {
                dst_chain,
                recipient: Address::repeat_byte(3),
                value: amount,
                payload: vec![9, 9],
            })
            .outbox_entry(),
            Some(OutboxEntry::Message(Message {
                src_chain: ChainId::new(270).expect("valid"),
                sender: Address::repeat_byte(1),
                nonce: 7,
                dst_chain,
                recipient: Address::repeat_byte(3),
                value: amount,
                payload: vec![9, 9],
            }))
        );
        assert_eq!(
            body(TxKind::Transfer {
                to: Address::repeat_byte(4),
                amount,
            })
            .outbox_entry(),
            None
        );
        let deposit = PriorityOp::Deposit {
            l1_sender: Address::repeat_byte(5),
            recipient: Address::repeat_byte(6),
            amount,
        };
        assert_eq!(
            deposit.refund_entry(),
            Some(OutboxEntry::Withdrawal {
                sender: Address::repeat_byte(6),
                l1_recipient: Address::repeat_byte(5),
                amount,
            })
        );
        let register = PriorityOp::RegisterKey {
            account: Address::repeat_byte(7),
            pubkey_hash: Digest::default(),
        };
        assert_eq!(register.refund_entry(), None);
    }
}
