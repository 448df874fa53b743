//! Settlements: the bridge's `BatchSettled` events for this chain, as the L1 follower sees
//! them, recorded with the batch (status `settled`, the L1 transaction and block).
//!
//! The bridge is the source of truth: a batch is `settled` here only once its event is
//! confirmed on L1 (`[l1] confirmations`), whoever sent the settlement. The event must agree
//! with the batch this node sealed (new state root and outbox root); a settled batch this node
//! never sealed, or one with other roots, stops the node: its data is not the chain the bridge
//! follows.

use alloy_primitives::B256;
use hyperforge_primitives::{
    block::ProofStatus,
    bridge::{Digest, digest_to_b256},
};
use hyperforge_state::Store;

use crate::{error::SequencerError, reader::read_batch};

/// Where the bridge settled a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The L1 block of the `settle` transaction.
    pub l1_block: u64,
    /// The `settle` transaction.
    pub l1_transaction: B256,
}

impl Settlement {
    const LEN: usize = 8 + 32;

    /// The stored form: L1 block (8, BE) | transaction hash (32).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.extend_from_slice(&self.l1_block.to_be_bytes());
        out.extend_from_slice(self.l1_transaction.as_slice());
        out
    }

    /// Reads the stored form; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::LEN {
            return None;
        }
        let (block, hash) = bytes.split_at(8);
        Some(Self {
            l1_block: u64::from_be_bytes(block.try_into().ok()?),
            l1_transaction: B256::from_slice(hash),
        })
    }
}

/// The settlement of batch `number`, if the follower saw one.
pub(crate) fn read_settlement(
    store: &Store,
    number: u64,
) -> Result<Option<Settlement>, SequencerError> {
    match store.settlement(number)? {
        None => Ok(None),
        Some(bytes) => Settlement::decode(&bytes).map(Some).ok_or_else(|| {
            SequencerError::Corrupt(format!("the settlement record of batch {number}"))
        }),
    }
}

/// Why a settlement event cannot be recorded: each stops the node.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SettlementError {
    #[error(
        "the bridge settled batch {batch} of this chain, which this node never sealed: its data directory is behind the chain the bridge follows"
    )]
    NotSealed { batch: u64 },
    #[error(
        "the bridge settled batch {batch} with {what} {settled}, but this node sealed it with {sealed}: its data is not the chain the bridge follows"
    )]
    Mismatch {
        batch: u64,
        what: &'static str,
        settled: B256,
        sealed: B256,
    },
    #[error(transparent)]
    Store(#[from] SequencerError),
}

/// Records that the bridge settled `batch` with these roots in `settlement`, with the L1
/// cursor, in one synced write; `Ok(false)` if it was recorded already.
pub(crate) fn store_settlement(
    store: &Store,
    batch: u64,
    new_state_root: &Digest,
    outbox_root: &Digest,
    settlement: Settlement,
    l1_cursor: u64,
) -> Result<bool, SettlementError> {
    let Some(mut record) = read_batch(store, batch)? else {
        return Err(SettlementError::NotSealed { batch });
    };
    let inputs = &record.public_inputs;
    for (what, settled, sealed) in [
        ("new state root", new_state_root, &inputs.new_state_root),
        ("outbox root", outbox_root, &inputs.outbox_root),
    ] {
        if settled != sealed {
            return Err(SettlementError::Mismatch {
                batch,
                what,
                settled: digest_to_b256(settled),
                sealed: digest_to_b256(sealed),
            });
        }
    }
    if record.proof_status == ProofStatus::Settled && read_settlement(store, batch)?.is_some() {
        return Ok(false);
    }
    record.proof_status = ProofStatus::Settled;
    store
        .put_settlement(batch, &record.encode(), &settlement.encode(), l1_cursor)
        .map_err(SequencerError::from)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settlement_round_trips_and_nothing_else_decodes() {
        let settlement = Settlement {
            l1_block: 77,
            l1_transaction: B256::repeat_byte(0xab),
        };
        assert_eq!(Settlement::decode(&settlement.encode()), Some(settlement));
        assert_eq!(Settlement::decode(&settlement.encode()[1..]), None);
        assert_eq!(Settlement::decode(&[]), None);
    }
}
