//! Reads of sealed records: blocks, block headers and batches, decoded, with a record that does
//! not decode reported as [`SequencerError::Corrupt`] naming it.

use hyperforge_primitives::{
    block::{BatchRecord, Block, BlockHeader},
    tx::DEFAULT_MAX_PAYLOAD,
};
use hyperforge_state::Store;

use crate::error::SequencerError;

/// Reads and decodes block `number`.
pub(crate) fn read_block(store: &Store, number: u64) -> Result<Option<Block>, SequencerError> {
    let Some(bytes) = store.block(number)? else {
        return Ok(None);
    };
    Block::decode(&bytes, DEFAULT_MAX_PAYLOAD)
        .map(Some)
        .map_err(|error| SequencerError::Corrupt(format!("block {number}: {error}")))
}

/// Reads block `number`'s header alone.
pub(crate) fn read_header(store: &Store, number: u64) -> Result<BlockHeader, SequencerError> {
    let bytes = store
        .block(number)?
        .ok_or_else(|| SequencerError::Corrupt(format!("block {number} is missing")))?;
    Block::decode_header(&bytes)
        .map_err(|error| SequencerError::Corrupt(format!("block {number}: {error}")))
}

/// Reads and decodes batch `number`.
pub(crate) fn read_batch(
    store: &Store,
    number: u64,
) -> Result<Option<BatchRecord>, SequencerError> {
    let Some(bytes) = store.batch(number)? else {
        return Ok(None);
    };
    BatchRecord::decode(&bytes)
        .map(Some)
        .map_err(|error| SequencerError::Corrupt(format!("batch {number}: {error}")))
}
