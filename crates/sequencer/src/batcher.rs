//! The batcher: seals the blocks since the last batch into a batch record (with the block
//! that completes it, or on their own once committed when the batch timed out), with the public
//! inputs computed natively (roots, both queues' counts and commitments, checked against what
//! the bridge reported, the outbox root, value flows, the pubdata commitment), and serves a
//! sealed batch's outbox.

use hyperforge_execution::ExecutedBlock;
use hyperforge_primitives::{
    Amount,
    block::{BatchRecord, Block, BlockHeader, ProofStatus, pubdata_commitment},
    bridge::{
        BatchPublicInputs, MESSAGE_QUEUE_SEED, OutboxTree, PRIORITY_SEED, digest_to_b256,
        message_commitment, next_priority_commitment,
    },
    tx::{Digest, PriorityOp, digest_from_bytes},
};
use hyperforge_state::Store;

use crate::{
    error::SequencerError,
    message_roots::message_commitment_after,
    priority::commitment_after,
    reader::{read_batch, read_block, read_header},
    shared::Shared,
};

/// The stored outbox leaves of blocks `first..=last`, in order.
fn outbox_leaves(store: &Store, first: u64, last: u64) -> Result<Vec<Digest>, SequencerError> {
    let mut outbox: Vec<Digest> = Vec::new();
    for number in first..=last {
        for entry in store.outbox(number)? {
            let bytes: [u8; 32] = entry
                .as_slice()
                .try_into()
                .map_err(|_| SequencerError::Corrupt(format!("outbox entry of block {number}")))?;
            outbox.push(digest_from_bytes(&bytes).map_err(|error| {
                SequencerError::Corrupt(format!("outbox entry of block {number}: {error}"))
            })?);
        }
    }
    Ok(outbox)
}

/// The outbox tree of the sealed batch of blocks `first..=last`.
pub(crate) fn batch_outbox(
    store: &Store,
    first: u64,
    last: u64,
) -> Result<OutboxTree, SequencerError> {
    OutboxTree::new(outbox_leaves(store, first, last)?)
        .map_err(|error| SequencerError::Corrupt(format!("batch outbox: {error}")))
}

/// The record of batch `batch_number`: blocks `first..=executed`'s number (the executed block
/// not committed yet: it commits with the record), public inputs computed natively.
pub(crate) fn seal_batch(
    shared: &Shared,
    store: &Store,
    executed: &ExecutedBlock,
    first: u64,
    batch_number: u64,
) -> Result<BatchRecord, SequencerError> {
    batch_record(shared, store, first, batch_number, Some(executed))
}

/// The record of batch `batch_number`: the committed blocks `first..=` the head block (the
/// batch sealed on its own, by time), public inputs computed natively. They are exactly what
/// [`seal_batch`] gives for the same blocks: the record does not depend on how a batch ends.
pub(crate) fn seal_committed_batch(
    shared: &Shared,
    store: &Store,
    first: u64,
    batch_number: u64,
) -> Result<BatchRecord, SequencerError> {
    batch_record(shared, store, first, batch_number, None)
}

/// The record of batch `batch_number` over blocks `first..`: the committed ones up to the head,
/// then `executed` if given.
fn batch_record(
    shared: &Shared,
    store: &Store,
    first: u64,
    batch_number: u64,
    executed: Option<&ExecutedBlock>,
) -> Result<BatchRecord, SequencerError> {
    // The last block, the last committed one, and the head after the last block.
    let (last, last_committed, head_after) = match executed {
        Some(executed) => {
            let number = executed.block.header.number;
            (number, number - 1, executed.commit.head)
        }
        None => {
            let head = store.head();
            let number = head.block_number.unwrap_or(0);
            (number, number, head)
        }
    };
    if last < first {
        return Err(SequencerError::Corrupt(format!(
            "batch {batch_number} would hold no block (from block {first}, head {last})"
        )));
    }
    let before = read_header(store, first - 1)?;
    let (priority_before, imports_before) = match batch_number {
        1 => (*PRIORITY_SEED, *MESSAGE_QUEUE_SEED),
        _ => {
            let previous = read_batch(store, batch_number - 1)?
                .ok_or_else(|| {
                    SequencerError::Corrupt(format!("batch {} is missing", batch_number - 1))
                })?
                .public_inputs;
            (
                previous.priority_commitment_after,
                previous.imports_commitment_after,
            )
        }
    };
    // Per block: its header, priority operations and imports. Only blocks that hold priority
    // operations or imports are decoded whole (the others' transactions would be hashed for
    // nothing).
    let mut blocks: Vec<(BlockHeader, Vec<PriorityOp>, Vec<Digest>)> = Vec::new();
    let l1_parts = |block: &Block| -> (Vec<PriorityOp>, Vec<Digest>) {
        (
            block.priority_ops().cloned().collect(),
            block.imports().copied().collect(),
        )
    };
    for number in first..=last_committed {
        let header = read_header(store, number)?;
        let (ops, imports) = if header.priority_count == 0 && header.import_count == 0 {
            (Vec::new(), Vec::new())
        } else {
            l1_parts(
                &read_block(store, number)?
                    .ok_or_else(|| SequencerError::Corrupt(format!("block {number} is missing")))?,
            )
        };
        blocks.push((header, ops, imports));
    }
    let mut outbox = outbox_leaves(store, first, last_committed)?;
    if let Some(executed) = executed {
        let (ops, imports) = l1_parts(&executed.block);
        blocks.push((executed.block.header, ops, imports));
        outbox.extend(executed.outbox.iter().map(|entry| entry.hash()));
    }
    let new_state_root = blocks
        .last()
        .map(|(header, _, _)| header.state_root)
        .ok_or_else(|| SequencerError::Corrupt(format!("batch {batch_number} has no block")))?;
    let outbox_root = OutboxTree::new(outbox)
        .map_err(|error| SequencerError::Corrupt(format!("batch outbox: {error}")))?
        .root();

    let mut priority_after = priority_before;
    let mut priority_count = 0;
    let mut imported: Vec<Digest> = Vec::new();
    let (mut value_out, mut value_in) = (Amount::ZERO, Amount::ZERO);
    for (header, ops, imports) in &blocks {
        for op in ops {
            priority_after = next_priority_commitment(priority_after, op.hash());
            priority_count += 1;
        }
        imported.extend(imports);
        // Bounded by the ETH on the bridge (< 2^64 gwei), so never reached in practice; an
        // overflow would make the batch unprovable, so it is an error, never a wrap.
        let overflow = |what| {
            SequencerError::Corrupt(format!("batch {batch_number}: {what} overflows 2^64 gwei"))
        };
        value_out = value_out
            .checked_add(header.value_out)
            .ok_or_else(|| overflow("value out"))?;
        value_in = value_in
            .checked_add(header.value_in)
            .ok_or_else(|| overflow("value in"))?;
    }
    let imports_after = message_commitment(imports_before, &imported);
    // The bridge's commitment after the last imported root (stored, already checked to chain
    // from m_0 by the follower) must be what the batch's imports give.
    let imported_total = head_after.state.imported_count;
    match message_commitment_after(store, imported_total)? {
        Some(reported) if reported != imports_after => {
            return Err(SequencerError::ImportsCommitment {
                batch: batch_number,
                computed: digest_to_b256(&imports_after).to_string(),
                reported: digest_to_b256(&reported).to_string(),
                count: imported_total,
            });
        }
        Some(_) => {}
        None => {
            return Err(SequencerError::Corrupt(format!(
                "batch {batch_number}: message root {} was imported but its L1 record is not stored",
                imported_total - 1
            )));
        }
    }
    // The bridge's own commitment after the last operation consumed (stored, already checked
    // to chain from c_0 by the follower) must be what the batch's slots give.
    let consumed = head_after.priority_applied;
    match commitment_after(store, consumed)? {
        Some(reported) if reported != priority_after => {
            return Err(SequencerError::PriorityCommitment {
                batch: batch_number,
                computed: digest_to_b256(&priority_after).to_string(),
                reported: digest_to_b256(&reported).to_string(),
                count: consumed,
            });
        }
        Some(_) => {}
        None => tracing::warn!(
            batch = batch_number,
            consumed,
            "the L1 record of the last consumed priority operation is not stored; the batch's commitment is not checked"
        ),
    }
    let slots_hashes: Vec<Digest> = blocks
        .iter()
        .map(|(header, _, _)| header.slots_hash)
        .collect();
    Ok(BatchRecord {
        first_block: first,
        last_block: last,
        public_inputs: BatchPublicInputs {
            chain_id: shared.chain_id,
            batch_number,
            old_state_root: before.state_root,
            new_state_root,
            priority_ops_count: priority_count,
            priority_commitment_before: priority_before,
            priority_commitment_after: priority_after,
            imports_count: imported.len() as u64,
            imports_commitment_before: imports_before,
            imports_commitment_after: imports_after,
            outbox_root,
            value_out,
            value_in,
            pubdata_commitment: pubdata_commitment(&slots_hashes),
        },
        proof_status: ProofStatus::Pending,
    })
}
