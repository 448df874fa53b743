//! L1 priority operations as the sequencer stores them: one record per queue index in the
//! store's `priority` column, written (synced) by the L1 follower before any block may apply
//! it, and read by the block producer in queue order.
//!
//! A record is the queue's rolling commitment after the operation, `c_{index + 1}` as the
//! bridge reported it (32 bytes, the bytes32 form), then the operation's canonical encoding.
//! The follower checks `c_{index + 1} = two_to_one(c_index, op_hash)` against the record
//! before it (`c_0 = PRIORITY_SEED`) before storing, so the stored records are one verified
//! chain.

use hyperforge_primitives::{
    bridge::{PRIORITY_SEED, next_priority_commitment},
    tx::{Digest, PriorityOp, digest_from_bytes, digest_to_bytes},
};
use hyperforge_state::{StateError, Store};

/// One stored L1 priority operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PriorityRecord {
    /// The operation.
    pub(crate) op: PriorityOp,
    /// The bridge's queue commitment after it.
    pub(crate) commitment: Digest,
}

impl PriorityRecord {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut bytes = digest_to_bytes(&self.commitment).to_vec();
        bytes.extend_from_slice(&self.op.encode());
        bytes
    }

    pub(crate) fn decode(index: u64, bytes: &[u8]) -> Result<Self, StateError> {
        let corrupt =
            |what: String| StateError::Corrupt(format!("priority record {index}: {what}"));
        let (commitment, op) = bytes
            .split_first_chunk::<32>()
            .ok_or_else(|| corrupt(format!("{} bytes", bytes.len())))?;
        Ok(Self {
            op: PriorityOp::decode(op).map_err(|error| corrupt(error.to_string()))?,
            commitment: digest_from_bytes(commitment)
                .map_err(|error| corrupt(error.to_string()))?,
        })
    }
}

/// The queue commitment `c_count` after the first `count` operations, from the stored
/// records; `None` if record `count - 1` is not stored.
pub(crate) fn commitment_after(store: &Store, count: u64) -> Result<Option<Digest>, StateError> {
    let Some(last) = count.checked_sub(1) else {
        return Ok(Some(*PRIORITY_SEED));
    };
    store
        .priority(last)?
        .map(|bytes| PriorityRecord::decode(last, &bytes).map(|record| record.commitment))
        .transpose()
}

/// Why a record reported by L1 (a priority operation, a message root) cannot be stored.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RecordError {
    /// The bridge's commitment does not extend the stored chain by this record.
    #[error(
        "{queue} entry {index}: the bridge reports commitment {reported:?}, but the stored queue and the entry give {computed:?}"
    )]
    Commitment {
        /// Which queue.
        queue: &'static str,
        /// The queue index.
        index: u64,
        /// What the bridge reported.
        reported: Digest,
        /// What the stored records and the operation give.
        computed: Digest,
    },
    /// Storage refused it (a gap, a different operation under the index, I/O).
    #[error(transparent)]
    State(#[from] StateError),
}

/// Stores operation `index` (idempotently, synced, with the L1 cursor `l1_block`) after
/// checking its commitment against the stored queue. Returns whether it was new.
pub(crate) fn store_priority_op(
    store: &Store,
    index: u64,
    op: &PriorityOp,
    commitment: Digest,
    l1_block: u64,
) -> Result<bool, RecordError> {
    let previous = commitment_after(store, index)?.ok_or(StateError::QueueGap {
        queue: "L1 priority operation",
        expected: store.priority_len()?,
        got: index,
    })?;
    let computed = next_priority_commitment(previous, op.hash());
    if computed != commitment {
        return Err(RecordError::Commitment {
            queue: "priority queue",
            index,
            reported: commitment,
            computed,
        });
    }
    let record = PriorityRecord {
        op: op.clone(),
        commitment,
    };
    Ok(store.put_priority(&[(index, record.encode())], Some(l1_block))? == 1)
}

#[cfg(test)]
mod tests {
    use hyperforge_primitives::{Address, Amount};

    use super::*;

    fn deposit(gwei: u64) -> PriorityOp {
        PriorityOp::Deposit {
            l1_sender: Address::with_last_byte(1),
            recipient: Address::with_last_byte(2),
            amount: Amount::from_gwei(gwei),
        }
    }

    #[test]
    fn operations_are_stored_once_in_order_with_the_bridge_commitment_chain() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let c1 = next_priority_commitment(*PRIORITY_SEED, deposit(5).hash());
        let c2 = next_priority_commitment(c1, deposit(6).hash());
        assert!(store_priority_op(&store, 0, &deposit(5), c1, 10).unwrap());
        assert!(!store_priority_op(&store, 0, &deposit(5), c1, 10).unwrap());
        // A wrong commitment (another queue, another hash) is refused before storing.
        let error = store_priority_op(&store, 1, &deposit(6), c1, 11).unwrap_err();
        assert!(
            matches!(error, RecordError::Commitment { index: 1, .. }),
            "{error}"
        );
        // A gap is refused.
        let error = store_priority_op(&store, 2, &deposit(7), c2, 11).unwrap_err();
        assert!(
            matches!(error, RecordError::State(StateError::QueueGap { .. })),
            "{error}"
        );
        assert!(store_priority_op(&store, 1, &deposit(6), c2, 11).unwrap());
        // Another operation under a stored index.
        let other = next_priority_commitment(c1, deposit(9).hash());
        let error = store_priority_op(&store, 1, &deposit(9), other, 12).unwrap_err();
        assert!(
            matches!(
                error,
                RecordError::State(StateError::QueueConflict { index: 1, .. })
            ),
            "{error}"
        );
        assert_eq!(store.priority_len().unwrap(), 2);
        assert_eq!(store.l1_cursor().unwrap(), Some(11));
        assert_eq!(commitment_after(&store, 2).unwrap(), Some(c2));
        assert_eq!(commitment_after(&store, 0).unwrap(), Some(*PRIORITY_SEED));
        assert_eq!(commitment_after(&store, 3).unwrap(), None);
        let bytes = store.priority(1).unwrap().unwrap();
        assert_eq!(
            PriorityRecord::decode(1, &bytes).unwrap(),
            PriorityRecord {
                op: deposit(6),
                commitment: c2
            }
        );
        assert!(PriorityRecord::decode(1, &bytes[..20]).is_err());
    }
}
