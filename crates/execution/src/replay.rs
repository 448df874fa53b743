//! Re-execution: blocks replayed on a fresh state (a RocksDB store or a `MemoryState`) must
//! reach the state roots their headers claim. Used to check a data directory against its own
//! blocks (the crash tests do) and by anyone re-deriving a chain's state from its published
//! blocks.

use hyperforge_primitives::{
    ChainId,
    block::{Block, Slot},
};
use hyperforge_state::{Digest, StateCommit};

use crate::{BlockBuilder, VerifiedTx};

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// Blocks must start at the store's next block and follow each other.
    #[error("block {got} does not follow block {expected_parent}")]
    OutOfOrder {
        /// The block expected before it.
        expected_parent: u64,
        /// The block given.
        got: u64,
    },
    /// A slot failed to execute.
    #[error("block {block}, slot {slot}: {error}")]
    Slot {
        /// The block.
        block: u64,
        /// The slot.
        slot: usize,
        /// Why.
        error: crate::ExecError,
    },
    /// The replayed block differs from the stored header.
    #[error("block {block}: replay gives {what} {got}, the header says {expected}")]
    Mismatch {
        /// The block.
        block: u64,
        /// Which field.
        what: &'static str,
        /// The header's value.
        expected: String,
        /// The replay's.
        got: String,
    },
    /// Storage failed.
    #[error(transparent)]
    State(#[from] hyperforge_state::StateError),
}

/// Replays `blocks` (consecutive, starting at the store's next block) on `store`, checking
/// every header (state root, slots hash, parent hash, value flows). Returns the last root.
/// The store's count of applied L1 priority operations follows the blocks' priority slots
/// (block 0's genesis operations excluded), as the sequencer's own count does.
pub fn replay<S: StateCommit>(
    store: &mut S,
    chain_id: ChainId,
    blocks: &[Block],
) -> Result<Digest, ReplayError> {
    let mut parent_hash = None;
    for block in blocks {
        let header = &block.header;
        let expected = store.head().block_number.map_or(0, |number| number + 1);
        if header.number != expected {
            return Err(ReplayError::OutOfOrder {
                expected_parent: expected.wrapping_sub(1),
                got: header.number,
            });
        }
        let parent = parent_hash.unwrap_or(header.parent_hash);
        let mut builder =
            BlockBuilder::new(&*store, chain_id).with_header(parent, header.timestamp_ms);
        for (index, slot) in block.slots.iter().enumerate() {
            let result = match slot {
                Slot::Tx(tx) => VerifiedTx::verify((**tx).clone())
                    .and_then(|verified| builder.apply_tx(&verified).map(|_| ())),
                Slot::Priority(op) if header.number == 0 => builder.apply_genesis(op).map(|_| ()),
                Slot::Priority(op) => builder.apply_priority(op).map(|_| ()),
                Slot::Import(root) => builder.apply_import(*root).map(|_| ()),
            };
            result.map_err(|error| ReplayError::Slot {
                block: header.number,
                slot: index,
                error,
            })?;
        }
        let executed = builder.finish().map_err(|error| ReplayError::Slot {
            block: header.number,
            slot: block.slots.len(),
            error,
        })?;
        let got = executed.block.header;
        let mismatch = |what, expected: String, actual: String| ReplayError::Mismatch {
            block: header.number,
            what,
            expected,
            got: actual,
        };
        for (what, expected, actual) in [
            ("state root", header.state_root, got.state_root),
            ("slots hash", header.slots_hash, got.slots_hash),
            ("parent hash", header.parent_hash, got.parent_hash),
        ] {
            if expected != actual {
                return Err(mismatch(
                    what,
                    format!("{expected:?}"),
                    format!("{actual:?}"),
                ));
            }
        }
        for (what, expected, actual) in [
            ("value out", header.value_out, got.value_out),
            ("value in", header.value_in, got.value_in),
        ] {
            if expected != actual {
                return Err(mismatch(what, expected.to_string(), actual.to_string()));
            }
        }
        store.commit_block(&executed.commit)?;
        parent_hash = Some(got.hash());
    }
    Ok(store.head().state_root())
}
