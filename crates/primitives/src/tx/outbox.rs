//! Outbox entries (withdrawals, messages) and what executing a message touches: nullifier
//! keys and leaves, imported-root leaves, the outbox path.

use plonky2::{hash::poseidon::PoseidonHash, plonk::config::Hasher};

use super::{Digest, Message, address_limbs, amount_limbs, felt};
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
