//! The bridge's message root queue as the sequencer stores it: one record per queue index in
//! the store's `l1_message_roots` column, written (synced) by the L1 follower before any block
//! may import it, and imported by the block producer in queue order, every entry once.
//!
//! Every chain imports every entry (each is a settled batch's non-empty outbox root, from any
//! chain), so messages sent to it from anywhere can execute. A record is the queue's rolling
//! commitment after the entry, `m_{index + 1}` as the bridge reported it, then the entry:
//! `commitment (32) | outbox root (32) | source chain (8) | batch number (8)`. The follower
//! checks `m_{index + 1} = two_to_one(m_index, outbox_root)` against the record before it
//! (`m_0 = MESSAGE_QUEUE_SEED`) before storing, so the stored records are one verified chain,
//! and a batch's imports commitment (which `Bridge.settle` compares with its own) is checked
//! against it when the batch is sealed.

use hyperforge_primitives::{
    ChainId,
    bridge::{MESSAGE_QUEUE_SEED, next_message_commitment},
    tx::{Digest, digest_from_bytes, digest_to_bytes},
};
use hyperforge_state::{StateError, Store};

use crate::priority::RecordError;

/// One entry of the bridge's message root queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MessageRootRecord {
    /// The settled batch's outbox root: what blocks import.
    pub(crate) outbox_root: Digest,
    /// The chain that settled it.
    pub(crate) chain_id: ChainId,
    /// Its batch number there.
    pub(crate) batch_number: u64,
    /// The queue's commitment after it.
    pub(crate) commitment: Digest,
}

const RECORD_LEN: usize = 32 + 32 + 8 + 8;

impl MessageRootRecord {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(RECORD_LEN);
        bytes.extend_from_slice(&digest_to_bytes(&self.commitment));
        bytes.extend_from_slice(&digest_to_bytes(&self.outbox_root));
        bytes.extend_from_slice(&self.chain_id.get().to_be_bytes());
        bytes.extend_from_slice(&self.batch_number.to_be_bytes());
        bytes
    }

    pub(crate) fn decode(index: u64, bytes: &[u8]) -> Result<Self, StateError> {
        let corrupt =
            |what: String| StateError::Corrupt(format!("message root record {index}: {what}"));
        if bytes.len() != RECORD_LEN {
            return Err(corrupt(format!("{} bytes", bytes.len())));
        }
        let digest = |at: usize| {
            digest_from_bytes(bytes[at..at + 32].try_into().expect("32 bytes"))
                .map_err(|error| corrupt(error.to_string()))
        };
        let word = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        Ok(Self {
            commitment: digest(0)?,
            outbox_root: digest(32)?,
            chain_id: ChainId::new(word(64)).map_err(|error| corrupt(error.to_string()))?,
            batch_number: word(72),
        })
    }
}

/// The queue commitment `m_count` after the first `count` entries, from the stored records;
/// `None` if record `count - 1` is not stored.
pub(crate) fn message_commitment_after(
    store: &Store,
    count: u64,
) -> Result<Option<Digest>, StateError> {
    let Some(last) = count.checked_sub(1) else {
        return Ok(Some(*MESSAGE_QUEUE_SEED));
    };
    store
        .l1_message_root(last)?
        .map(|bytes| MessageRootRecord::decode(last, &bytes).map(|record| record.commitment))
        .transpose()
}

/// At most `max` stored entries from queue index `from` on, in order.
pub(crate) fn message_roots_from(
    store: &Store,
    from: u64,
    max: usize,
) -> Result<Vec<MessageRootRecord>, StateError> {
    store
        .l1_message_root_range(from, max)?
        .iter()
        .map(|(index, bytes)| MessageRootRecord::decode(*index, bytes))
        .collect()
}

/// Stores entry `index` (idempotently, synced, with the L1 cursor `l1_block`) after checking
/// its commitment against the stored queue. Returns whether it was new.
pub(crate) fn store_message_root(
    store: &Store,
    index: u64,
    record: &MessageRootRecord,
    l1_block: u64,
) -> Result<bool, RecordError> {
    let previous = message_commitment_after(store, index)?.ok_or(StateError::QueueGap {
        queue: "L1 message root",
        expected: store.l1_message_roots_len()?,
        got: index,
    })?;
    let computed = next_message_commitment(previous, record.outbox_root);
    if computed != record.commitment {
        return Err(RecordError::Commitment {
            queue: "message root queue",
            index,
            reported: record.commitment,
            computed,
        });
    }
    Ok(store.put_l1_message_roots(&[(index, record.encode())], Some(l1_block))? == 1)
}

#[cfg(test)]
mod tests {
    use hyperforge_primitives::bridge::{F, hash_no_pad};
    use plonky2::field::types::Field;

    use super::*;

    fn record(previous: Digest, seed: u64, batch_number: u64) -> MessageRootRecord {
        let outbox_root = hash_no_pad(&[F::from_canonical_u64(seed)]);
        MessageRootRecord {
            outbox_root,
            chain_id: ChainId::new(271).unwrap(),
            batch_number,
            commitment: next_message_commitment(previous, outbox_root),
        }
    }

    #[test]
    fn entries_are_stored_once_in_order_with_the_bridge_commitment_chain() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = record(*MESSAGE_QUEUE_SEED, 1, 1);
        let second = record(first.commitment, 2, 2);
        assert!(store_message_root(&store, 0, &first, 10).unwrap());
        assert!(!store_message_root(&store, 0, &first, 10).unwrap());
        // A commitment that does not chain (another bridge, a forged root) is refused.
        let forged = record(*MESSAGE_QUEUE_SEED, 2, 2);
        let error = store_message_root(&store, 1, &forged, 11).unwrap_err();
        assert!(
            matches!(error, RecordError::Commitment { index: 1, .. }),
            "{error}"
        );
        let error = store_message_root(&store, 2, &second, 11).unwrap_err();
        assert!(
            matches!(error, RecordError::State(StateError::QueueGap { .. })),
            "{error}"
        );
        assert!(store_message_root(&store, 1, &second, 11).unwrap());
        assert_eq!(
            message_commitment_after(&store, 2).unwrap(),
            Some(second.commitment)
        );
        assert_eq!(
            message_roots_from(&store, 0, 10).unwrap(),
            vec![first, second]
        );
        let bytes = store.l1_message_root(1).unwrap().unwrap();
        assert_eq!(MessageRootRecord::decode(1, &bytes).unwrap(), second);
        assert!(MessageRootRecord::decode(1, &bytes[1..]).is_err());
    }
}
