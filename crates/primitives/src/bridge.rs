//! What the L1 bridge (`contracts/src/Bridge.sol`), the execution code and the circuits agree
//! on: digests as bytes32, the state commitment, the priority queue's and the message root
//! queue's rolling commitments, the outbox tree and its proofs, and a batch's public inputs.
//!
//! The hash is plonky2 1.1's `PoseidonHash` over Goldilocks (`hash_no_pad`, `two_to_one`);
//! the element encodings of addresses (five 32-bit limbs), amounts (two 32-bit limbs) and the
//! hashes of priority operations ([`PriorityOp::hash`]) and outbox leaves
//! ([`OutboxEntry::hash`]) live in [`crate::tx`] and are re-exported here, so that one module
//! names everything the bridge checks. ARCHITECTURE.md ("contracts/ and crates/l1") lists the
//! same encodings; `crates/l1`'s tests check them against the contracts on a real anvil.
//!
//! - **Digest on L1**: a `bytes32` holding the four elements as big-endian `u64` words,
//!   element 0 in the most significant word ([`digest_to_b256`], [`digest_from_b256`], which
//!   rejects elements >= p as the contracts do).
//! - **State root** ([`StateCommitment::root`]): `hash_no_pad([STATE_ROOT, account_root(4),
//!   nullifier_root(4), imported_root(4), next_account_index, imported_count])`: one root over
//!   every tree a later batch relies on, which the bridge stores per chain.
//! - **Priority queue** (per chain): `c_0 = `[`PRIORITY_SEED`], `c_{i+1} = two_to_one(c_i,
//!   op_hash_i)` ([`next_priority_commitment`]). A batch consumes operations `[head, head +
//!   count)`; its public inputs carry `c_head` and `c_{head + count}`.
//! - **Outbox**: a binary Poseidon Merkle tree of fixed depth [`OUTBOX_DEPTH`] over the
//!   batch's outbox leaves in order, empty leaves `[0; 4]` ([`OutboxTree`]).
//! - **Message root queue** (one for the whole bridge): every settled batch with a non-empty
//!   outbox appends its outbox root, `m_0 = `[`MESSAGE_QUEUE_SEED`], `m_{i+1} = two_to_one(m_i,
//!   outbox_root_i)` ([`next_message_commitment`]). Every chain imports the queue in order into
//!   its imported-roots tree; a batch's public inputs carry how many it imported and `m` before
//!   and after, which the bridge compares with its own.
//! - **Public inputs** of a batch: [`BatchPublicInputs::to_elements`], 40 elements.

use alloy_primitives::B256;
use plonky2::{
    field::types::{Field, Field64},
    hash::{hash_types::HashOut, poseidon::PoseidonHash},
    plonk::config::Hasher,
};

pub use crate::merkle::MerkleProof;
pub use crate::tx::{Digest, OutboxEntry, PriorityOp, address_limbs, amount_limbs};
use crate::{
    Amount, ChainId, domain,
    merkle::{ACCOUNT_TREE_DEPTH, IMPORTED_TREE_DEPTH, NULLIFIER_TREE_DEPTH, empty_root},
    tx::digest_to_bytes,
};

/// The Goldilocks field.
pub type F = plonky2::field::goldilocks_field::GoldilocksField;

/// Depth of a batch's outbox tree: at most 2^10 = 1024 withdrawals and messages per batch.
/// Finalizing a withdrawal on L1 costs one Poseidon permutation per level.
pub const OUTBOX_DEPTH: usize = 10;

/// Field elements of public inputs per batch (see [`BatchPublicInputs::to_elements`]).
pub const PUBLIC_INPUTS_PER_BATCH: usize = 40;

/// The all-zero digest: the empty leaf.
pub const ZERO_DIGEST: Digest = HashOut {
    elements: [F::ZERO; 4],
};

/// `c_0` of every chain's priority queue: `hash_no_pad([PRIORITY_QUEUE])`.
pub static PRIORITY_SEED: std::sync::LazyLock<Digest> =
    std::sync::LazyLock::new(|| domain::seed(domain::PRIORITY_QUEUE));

/// `m_0` of the bridge's message root queue: `hash_no_pad([MESSAGE_QUEUE])`.
pub static MESSAGE_QUEUE_SEED: std::sync::LazyLock<Digest> =
    std::sync::LazyLock::new(|| domain::seed(domain::MESSAGE_QUEUE));

/// Why bytes or leaves are not what the bridge accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BridgeEncodingError {
    /// A bytes32 with a word >= p is no digest (the contracts revert with `NonCanonicalDigest`).
    #[error("{0} is not a digest: each of its four 64-bit words must be below p = 2^64 - 2^32 + 1")]
    NonCanonicalDigest(B256),
    /// An outbox holds at most `2^OUTBOX_DEPTH` leaves.
    #[error("an outbox holds at most {max} leaves, got {count}")]
    TooManyLeaves {
        /// Leaves given.
        count: usize,
        /// The capacity.
        max: usize,
    },
}

/// A digest as the bridge's bytes32.
pub fn digest_to_b256(digest: &Digest) -> B256 {
    B256::from(digest_to_bytes(digest))
}

/// A bridge bytes32 as a digest, refusing non-canonical words.
pub fn digest_from_b256(bytes: &B256) -> Result<Digest, BridgeEncodingError> {
    let mut elements = [F::ZERO; 4];
    for (element, word) in elements.iter_mut().zip(bytes.chunks(8)) {
        let value = u64::from_be_bytes(word.try_into().expect("8-byte words"));
        if value >= F::ORDER {
            return Err(BridgeEncodingError::NonCanonicalDigest(*bytes));
        }
        *element = F::from_canonical_u64(value);
    }
    Ok(HashOut { elements })
}

/// plonky2's `hash_no_pad`.
pub fn hash_no_pad(elements: &[F]) -> Digest {
    PoseidonHash::hash_no_pad(elements)
}

/// plonky2's `two_to_one` (equal to `hash_no_pad(left || right)`).
pub fn two_to_one(left: Digest, right: Digest) -> Digest {
    PoseidonHash::two_to_one(left, right)
}

/// The priority queue's commitment after one more operation: `two_to_one(previous, op_hash)`.
pub fn next_priority_commitment(previous: Digest, op_hash: Digest) -> Digest {
    two_to_one(previous, op_hash)
}

/// The message root queue's commitment after one more root: `two_to_one(previous, root)`.
pub fn next_message_commitment(previous: Digest, outbox_root: Digest) -> Digest {
    two_to_one(previous, outbox_root)
}

/// The message root queue's commitment after `roots`, starting from `start`
/// ([`MESSAGE_QUEUE_SEED`] for the whole queue).
pub fn message_commitment<'a>(
    start: Digest,
    roots: impl IntoIterator<Item = &'a Digest>,
) -> Digest {
    roots.into_iter().fold(start, |commitment, root| {
        next_message_commitment(commitment, *root)
    })
}

/// The commitment after `ops`, starting from `start` ([`PRIORITY_SEED`] for a fresh queue).
pub fn priority_commitment<'a>(
    start: Digest,
    ops: impl IntoIterator<Item = &'a PriorityOp>,
) -> Digest {
    ops.into_iter().fold(start, |commitment, op| {
        next_priority_commitment(commitment, op.hash())
    })
}

/// Roots of empty subtrees: `empty[0] = [0; 4]`, `empty[k + 1] = two_to_one(empty[k], empty[k])`.
fn empty_roots() -> [Digest; OUTBOX_DEPTH + 1] {
    let mut roots = [ZERO_DIGEST; OUTBOX_DEPTH + 1];
    for level in 0..OUTBOX_DEPTH {
        roots[level + 1] = two_to_one(roots[level], roots[level]);
    }
    roots
}

/// A batch's outbox: leaves at positions `0..len`, the rest empty, depth [`OUTBOX_DEPTH`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxTree {
    /// `levels[0]` are the leaves; `levels[k]` the non-empty nodes of level `k`.
    levels: Vec<Vec<Digest>>,
}

impl OutboxTree {
    /// The most leaves one outbox holds.
    pub const CAPACITY: usize = 1 << OUTBOX_DEPTH;

    /// The tree over `leaves` (outbox entry hashes, in order).
    pub fn new(leaves: Vec<Digest>) -> Result<Self, BridgeEncodingError> {
        if leaves.len() > Self::CAPACITY {
            return Err(BridgeEncodingError::TooManyLeaves {
                count: leaves.len(),
                max: Self::CAPACITY,
            });
        }
        let empty = empty_roots();
        let mut levels = vec![leaves];
        for level in 0..OUTBOX_DEPTH {
            let below = &levels[level];
            let above = below
                .chunks(2)
                .map(|pair| two_to_one(pair[0], pair.get(1).copied().unwrap_or(empty[level])))
                .collect();
            levels.push(above);
        }
        Ok(Self { levels })
    }

    /// The tree over `entries`' hashes.
    pub fn from_entries<'a>(
        entries: impl IntoIterator<Item = &'a OutboxEntry>,
    ) -> Result<Self, BridgeEncodingError> {
        Self::new(entries.into_iter().map(OutboxEntry::hash).collect())
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.levels[0].len()
    }

    /// Whether the outbox is empty.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// The root (of the empty tree, too).
    pub fn root(&self) -> Digest {
        self.levels[OUTBOX_DEPTH]
            .first()
            .copied()
            .unwrap_or(empty_roots()[OUTBOX_DEPTH])
    }

    /// Leaf `index`, if there is one.
    pub fn leaf(&self, index: usize) -> Option<Digest> {
        self.levels[0].get(index).copied()
    }

    /// The path of leaf `index`, if there is such a leaf.
    pub fn proof(&self, index: usize) -> Option<MerkleProof> {
        if index >= self.len() {
            return None;
        }
        let empty = empty_roots();
        let siblings = (0..OUTBOX_DEPTH)
            .map(|level| {
                self.levels[level]
                    .get((index >> level) ^ 1)
                    .copied()
                    .unwrap_or(empty[level])
            })
            .collect();
        Some(MerkleProof {
            index: index as u64,
            siblings,
        })
    }
}

/// The root of an empty outbox: a batch with this outbox root appends nothing to the message
/// root queue (it holds no message to import).
pub fn empty_outbox_root() -> Digest {
    empty_roots()[OUTBOX_DEPTH]
}

/// The state of a chain that its state root commits to, tree by tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateCommitment {
    /// Root of the account tree (depth 32, by account index).
    pub account_root: Digest,
    /// Root of the nullifier tree (depth 42, by message position).
    pub nullifier_root: Digest,
    /// Root of the imported message roots tree (depth 32, by import index).
    pub imported_root: Digest,
    /// The index the next new account gets: accounts are appended, never placed at will.
    pub next_account_index: u32,
    /// How many message roots the chain imported: the next import's index.
    pub imported_count: u64,
}

impl StateCommitment {
    /// The state of a chain with empty trees.
    pub fn empty() -> Self {
        Self {
            account_root: empty_root(ACCOUNT_TREE_DEPTH),
            nullifier_root: empty_root(NULLIFIER_TREE_DEPTH),
            imported_root: empty_root(IMPORTED_TREE_DEPTH),
            next_account_index: 0,
            imported_count: 0,
        }
    }

    /// The 15 elements the state root hashes.
    pub fn elements(&self) -> [F; 15] {
        let mut elements = [F::ZERO; 15];
        elements[0] = F::from_canonical_u64(domain::STATE_ROOT);
        elements[1..5].copy_from_slice(&self.account_root.elements);
        elements[5..9].copy_from_slice(&self.nullifier_root.elements);
        elements[9..13].copy_from_slice(&self.imported_root.elements);
        elements[13] = F::from_canonical_u32(self.next_account_index);
        elements[14] = F::from_canonical_u64(self.imported_count);
        elements
    }

    /// The state root: what block headers, batch public inputs and the bridge hold.
    pub fn root(&self) -> Digest {
        hash_no_pad(&self.elements())
    }
}

/// The public inputs of one batch, as the batch proof exposes them and `Bridge.settle`
/// rebuilds them (design §5 step 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPublicInputs {
    /// The chain.
    pub chain_id: ChainId,
    /// The batch, numbered from 1; below 2^53.
    pub batch_number: u64,
    /// State root before the batch.
    pub old_state_root: Digest,
    /// State root after the batch.
    pub new_state_root: Digest,
    /// Priority operations consumed from the head of the chain's queue (below 2^53).
    pub priority_ops_count: u64,
    /// The queue's rolling commitment before them, `c_head` (the bridge supplies it).
    pub priority_commitment_before: Digest,
    /// The commitment after them, `c_{head + count}`.
    pub priority_commitment_after: Digest,
    /// Message roots imported from the bridge's queue (below 2^32).
    pub imports_count: u64,
    /// The message root queue's commitment before them, `m_{imported}` (the bridge supplies it).
    pub imports_commitment_before: Digest,
    /// The commitment after them, `m_{imported + count}`.
    pub imports_commitment_after: Digest,
    /// Root of the batch's [`OutboxTree`].
    pub outbox_root: Digest,
    /// The value the batch's messages carry out of the chain (the sum of `SendMessage` values).
    pub value_out: Amount,
    /// The value the messages it executed brought in (the sum of their values).
    pub value_in: Amount,
    /// Commitment to the batch's pubdata (opaque to the bridge).
    pub pubdata_commitment: Digest,
}

impl BatchPublicInputs {
    /// The 40 elements, in this order: chain id, batch number, old state root (4), new state
    /// root (4), priority ops count, priority commitment before (4) and after (4), imports
    /// count, imports commitment before (4) and after (4), outbox root (4), value out (2: high,
    /// low 32 bits), value in (2), pubdata commitment (4). Digests contribute their elements
    /// 0..4 in order.
    pub fn to_elements(&self) -> [F; PUBLIC_INPUTS_PER_BATCH] {
        let mut elements = Vec::with_capacity(PUBLIC_INPUTS_PER_BATCH);
        elements.push(F::from_canonical_u64(self.chain_id.get()));
        elements.push(F::from_canonical_u64(self.batch_number));
        elements.extend(self.old_state_root.elements);
        elements.extend(self.new_state_root.elements);
        elements.push(F::from_canonical_u64(self.priority_ops_count));
        elements.extend(self.priority_commitment_before.elements);
        elements.extend(self.priority_commitment_after.elements);
        elements.push(F::from_canonical_u64(self.imports_count));
        elements.extend(self.imports_commitment_before.elements);
        elements.extend(self.imports_commitment_after.elements);
        elements.extend(self.outbox_root.elements);
        elements.extend(amount_limbs(self.value_out));
        elements.extend(amount_limbs(self.value_in));
        elements.extend(self.pubdata_commitment.elements);
        elements.try_into().expect("40 elements")
    }
}

/// The commitment one settlement proof exposes over the batches it settles, in settlement
/// order (any chains; consecutive batches of one chain allowed): the root of a binary
/// Merkle tree whose leaves are `hash_no_pad(batch.to_elements())` (one Poseidon sponge
/// over the 40 elements: 5 permutations), padded with `[0; 4]` leaves (empty entries) to
/// the next power of two, each node `two_to_one(left, right)` (one permutation). One batch
/// is its leaf; no batch at all is `[0; 4]` (no proof states it). `Bridge.settle` rebuilds
/// it from the batches it is given: `n` leaf hashes and `2^ceil(log2 n) - 1` node hashes;
/// the empty subtree roots are constants it may precompute.
pub fn settlement_commitment(batches: &[BatchPublicInputs]) -> Digest {
    let mut level: Vec<Digest> = batches
        .iter()
        .map(|batch| hash_no_pad(&batch.to_elements()))
        .collect();
    if level.is_empty() {
        return ZERO_DIGEST;
    }
    level.resize(level.len().next_power_of_two(), ZERO_DIGEST);
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| two_to_one(pair[0], pair[1]))
            .collect();
    }
    level[0]
}

#[cfg(test)]
mod tests {
    use plonky2::field::types::PrimeField64;

    use super::*;
    use crate::{Address, Amount};

    fn digest(seed: u64) -> Digest {
        hash_no_pad(&[F::from_canonical_u64(seed)])
    }

    #[test]
    fn digest_b256_round_trips_with_element_zero_most_significant() {
        let value = HashOut {
            elements: [1, 2, 3, 4].map(F::from_canonical_u64),
        };
        let bytes = digest_to_b256(&value);
        assert_eq!(bytes[7], 1);
        assert_eq!(bytes[31], 4);
        assert_eq!(digest_from_b256(&bytes).unwrap(), value);
    }

    #[test]
    fn digest_from_b256_rejects_words_at_or_above_p() {
        let mut bytes = [0u8; 32];
        bytes[24..].copy_from_slice(&F::ORDER.to_be_bytes());
        assert!(matches!(
            digest_from_b256(&B256::from(bytes)),
            Err(BridgeEncodingError::NonCanonicalDigest(_))
        ));
    }

    #[test]
    fn hash_no_pad_of_nothing_is_zero_and_two_to_one_is_hash_of_eight() {
        assert_eq!(hash_no_pad(&[]), ZERO_DIGEST);
        let (left, right) = (digest(1), digest(2));
        let eight: Vec<F> = left.elements.into_iter().chain(right.elements).collect();
        assert_eq!(two_to_one(left, right), hash_no_pad(&eight));
    }

    #[test]
    fn priority_commitment_folds_operation_hashes_from_zero() {
        let deposit = PriorityOp::Deposit {
            l1_sender: Address::with_last_byte(1),
            recipient: Address::with_last_byte(2),
            amount: Amount::from_gwei(7),
        };
        let key = PriorityOp::RegisterKey {
            account: Address::with_last_byte(1),
            pubkey_hash: digest(9),
        };
        let c1 = two_to_one(*PRIORITY_SEED, deposit.hash());
        let c2 = two_to_one(c1, key.hash());
        assert_eq!(priority_commitment(*PRIORITY_SEED, [&deposit, &key]), c2);
        assert_eq!(priority_commitment(c1, [&key]), c2);
    }

    #[test]
    fn deposit_hash_uses_tag_limbs_and_amount_halves() {
        let sender = Address::repeat_byte(0xab);
        let op = PriorityOp::Deposit {
            l1_sender: sender,
            recipient: Address::ZERO,
            amount: Amount::from_gwei((5 << 32) | 6),
        };
        let mut elements = vec![F::from_canonical_u64(domain::OP_DEPOSIT)];
        elements.extend([0xabababab_u64; 5].map(F::from_canonical_u64));
        elements.extend([F::ZERO; 5]);
        elements.extend([F::from_canonical_u64(5), F::from_canonical_u64(6)]);
        assert_eq!(op.hash(), hash_no_pad(&elements));
    }

    #[test]
    fn outbox_proofs_lead_to_the_root() {
        let leaves: Vec<Digest> = (0..5).map(digest).collect();
        let tree = OutboxTree::new(leaves.clone()).unwrap();
        for (index, leaf) in leaves.iter().enumerate() {
            let proof = tree.proof(index).unwrap();
            assert_eq!(proof.siblings.len(), OUTBOX_DEPTH);
            assert!(proof.verify_in(OUTBOX_DEPTH as u8, tree.root(), *leaf));
        }
        assert!(tree.proof(5).is_none());
        assert_ne!(tree.proof(0).unwrap().root_for(digest(99)), tree.root());
    }

    #[test]
    fn empty_outbox_root_is_the_empty_tree_and_a_full_one_fits() {
        assert_eq!(
            OutboxTree::new(vec![]).unwrap().root(),
            empty_roots()[OUTBOX_DEPTH]
        );
        let full = OutboxTree::new(vec![ZERO_DIGEST; OutboxTree::CAPACITY]).unwrap();
        assert_eq!(full.root(), empty_roots()[OUTBOX_DEPTH]);
        assert!(OutboxTree::new(vec![ZERO_DIGEST; OutboxTree::CAPACITY + 1]).is_err());
    }

    #[test]
    fn message_queue_folds_outbox_roots_from_its_seed() {
        let roots: Vec<Digest> = (0..3).map(digest).collect();
        let m1 = two_to_one(*MESSAGE_QUEUE_SEED, roots[0]);
        assert_eq!(message_commitment(*MESSAGE_QUEUE_SEED, &roots[..1]), m1);
        assert_eq!(
            message_commitment(m1, &roots[1..]),
            message_commitment(*MESSAGE_QUEUE_SEED, &roots)
        );
        assert_ne!(
            *MESSAGE_QUEUE_SEED, *PRIORITY_SEED,
            "seeds are domain-separated"
        );
    }

    #[test]
    fn the_state_root_commits_to_every_tree_and_counter() {
        let base = StateCommitment::empty();
        let changed = [
            StateCommitment {
                account_root: digest(1),
                ..base
            },
            StateCommitment {
                nullifier_root: digest(1),
                ..base
            },
            StateCommitment {
                imported_root: digest(1),
                ..base
            },
            StateCommitment {
                next_account_index: 1,
                ..base
            },
            StateCommitment {
                imported_count: 1,
                ..base
            },
        ];
        for state in changed {
            assert_ne!(state.root(), base.root(), "{state:?}");
        }
    }

    #[test]
    fn public_inputs_are_laid_out_in_the_documented_order() {
        let inputs = BatchPublicInputs {
            chain_id: ChainId::new(270).unwrap(),
            batch_number: 3,
            old_state_root: digest(1),
            new_state_root: digest(2),
            priority_ops_count: 4,
            priority_commitment_before: digest(3),
            priority_commitment_after: digest(4),
            imports_count: 2,
            imports_commitment_before: digest(7),
            imports_commitment_after: digest(8),
            outbox_root: digest(5),
            value_out: Amount::from_gwei((9 << 32) | 10),
            value_in: Amount::from_gwei(11),
            pubdata_commitment: digest(6),
        };
        let elements = inputs.to_elements();
        let u = |at: usize| elements[at].to_canonical_u64();
        assert_eq!((u(0), u(1)), (270, 3));
        assert_eq!(elements[2..6], digest(1).elements);
        assert_eq!(elements[6..10], digest(2).elements);
        assert_eq!(u(10), 4);
        assert_eq!(elements[11..15], digest(3).elements);
        assert_eq!(elements[15..19], digest(4).elements);
        assert_eq!(u(19), 2);
        assert_eq!(elements[20..24], digest(7).elements);
        assert_eq!(elements[24..28], digest(8).elements);
        assert_eq!(elements[28..32], digest(5).elements);
        assert_eq!((u(32), u(33), u(34), u(35)), (9, 10, 0, 11));
        assert_eq!(elements[36..40], digest(6).elements);
    }
    fn batch(chain: u64, number: u64) -> BatchPublicInputs {
        BatchPublicInputs {
            chain_id: ChainId::new(chain).unwrap(),
            batch_number: number,
            old_state_root: digest(number),
            new_state_root: digest(number + 1),
            priority_ops_count: 0,
            priority_commitment_before: *PRIORITY_SEED,
            priority_commitment_after: *PRIORITY_SEED,
            imports_count: 0,
            imports_commitment_before: *MESSAGE_QUEUE_SEED,
            imports_commitment_after: *MESSAGE_QUEUE_SEED,
            outbox_root: empty_outbox_root(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: digest(100 + number),
        }
    }

    #[test]
    fn the_settlement_commitment_is_a_padded_merkle_root_over_batch_hashes() {
        let batches = [batch(270, 1), batch(271, 1), batch(270, 2)];
        let leaf = |b: &BatchPublicInputs| hash_no_pad(&b.to_elements());
        assert_eq!(settlement_commitment(&batches[..1]), leaf(&batches[0]));
        assert_eq!(
            settlement_commitment(&batches[..2]),
            two_to_one(leaf(&batches[0]), leaf(&batches[1]))
        );
        assert_eq!(
            settlement_commitment(&batches),
            two_to_one(
                two_to_one(leaf(&batches[0]), leaf(&batches[1])),
                two_to_one(leaf(&batches[2]), ZERO_DIGEST)
            ),
            "three batches padded with one empty entry"
        );
        assert_eq!(settlement_commitment(&[]), ZERO_DIGEST);
    }

    #[test]
    fn the_settlement_commitment_binds_order_and_every_input() {
        let batches = [batch(270, 1), batch(271, 1)];
        let swapped = [batches[1].clone(), batches[0].clone()];
        assert_ne!(
            settlement_commitment(&batches),
            settlement_commitment(&swapped)
        );
        let mut renumbered = batches.clone();
        renumbered[1].batch_number = 2;
        assert_ne!(
            settlement_commitment(&batches),
            settlement_commitment(&renumbered)
        );
        assert_ne!(
            settlement_commitment(&batches[..1]),
            settlement_commitment(&batches),
            "a dropped batch"
        );
    }
}
