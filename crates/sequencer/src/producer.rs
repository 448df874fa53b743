//! The block producer and the batcher: one block from the mempool, committed atomically with
//! the pending transactions it consumed and, every `batch_blocks` blocks, the sealed batch.

use std::{collections::HashSet, time::Instant};

use hyperforge_config::EmptyBlocks;
use hyperforge_execution::{ExecError, ExecutedBlock};
use hyperforge_primitives::{
    Address,
    block::{BatchRecord, Block, BlockHeader, ProofStatus, pubdata_commitment},
    bridge::{BatchPublicInputs, OutboxTree, ZERO_DIGEST, next_priority_commitment},
    tx::{DEFAULT_MAX_PAYLOAD, Digest, TxKind, digest_from_bytes},
};
use hyperforge_state::Store;

use crate::{error::SequencerError, service::Shared};

/// Reads and decodes block `number`.
pub(crate) fn read_block(store: &Store, number: u64) -> Result<Option<Block>, SequencerError> {
    let Some(bytes) = store.block(number)? else {
        return Ok(None);
    };
    Block::decode(&bytes, DEFAULT_MAX_PAYLOAD)
        .map(Some)
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

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// Builds and commits the next block if there is anything to put in it (or empty blocks are
/// wanted). Returns the new head header.
pub(crate) fn produce_block(
    shared: &Shared,
    parent: &BlockHeader,
) -> Result<Option<BlockHeader>, SequencerError> {
    let started = Instant::now();
    let config = &shared.config.sequencer;
    let candidates = shared.mempool().candidates(config.max_block_txs as usize);
    if candidates.is_empty() && config.empty_blocks == EmptyBlocks::Skip {
        return Ok(None);
    }
    let number = parent.number + 1;
    let batch_blocks = u64::from(config.batch_blocks);
    let first_of_batch = number - (number - 1) % batch_blocks;

    let store = shared.store_read();
    // The outbox tree of a batch holds at most CAPACITY entries: keep outbox-making
    // transactions pending once the current batch is full.
    let mut outbox_used = 0;
    for earlier in first_of_batch..number {
        outbox_used += store.outbox(earlier)?.len();
    }
    let timestamp = now_ms().max(parent.timestamp_ms);
    let mut builder = hyperforge_execution::BlockBuilder::new(&store, shared.chain_id)
        .with_header(parent.hash(), timestamp);
    let mut done = Vec::with_capacity(candidates.len());
    let mut included = 0u64;
    let mut blocked: HashSet<Address> = HashSet::new();
    for candidate in &candidates {
        let body = &candidate.tx.tx().body;
        if blocked.contains(&body.from) {
            continue;
        }
        let makes_outbox = matches!(
            body.kind,
            TxKind::Withdraw { .. } | TxKind::SendMessage { .. }
        );
        if makes_outbox && outbox_used >= OutboxTree::CAPACITY {
            blocked.insert(body.from);
            continue;
        }
        match builder.apply_tx(&candidate.tx) {
            Ok(receipt) => {
                if receipt.outbox_index.is_some() {
                    outbox_used += 1;
                }
                included += 1;
                done.push(candidate.seq);
            }
            Err(ExecError::NonceTooHigh { .. }) => {
                blocked.insert(body.from);
            }
            Err(ExecError::State(error)) => return Err(error.into()),
            Err(error) => {
                // Admission rules out every other failure unless the state changed under the
                // transaction (a key re-registered from L1): it can never execute, drop it.
                tracing::warn!(
                    tx = %crate::genesis::hex(&candidate.tx.id()),
                    %error,
                    "dropping a pending transaction that can no longer execute"
                );
                blocked.insert(body.from);
                done.push(candidate.seq);
            }
        }
    }
    if included == 0 && config.empty_blocks == EmptyBlocks::Skip {
        drop(builder);
        drop(store);
        if !done.is_empty() {
            shared.store_read().delete_pending(&done)?;
            let mut pool = shared.mempool();
            for seq in &done {
                pool.release(*seq);
            }
        }
        return Ok(None);
    }
    let mut executed = builder.finish()?;
    executed.commit.pending_done = done.clone();
    let sealed = if number.is_multiple_of(batch_blocks) {
        let record = seal_batch(
            shared,
            &store,
            &executed,
            first_of_batch,
            number / batch_blocks,
        )?;
        executed.commit.batch = Some((record.number(), record.encode()));
        Some(record)
    } else {
        None
    };
    drop(store);

    let header = executed.block.header;
    {
        // Mempool first, then the store: the order admission takes them in.
        let mut pool = shared.mempool();
        shared.store_write().commit(&executed.commit)?;
        for seq in &done {
            pool.release(*seq);
        }
        shared.metrics.mempool_size.set(pool.len() as i64);
    }
    let metrics = &shared.metrics;
    metrics.txs_included.inc_by(included);
    metrics.block_height.set(number as i64);
    metrics
        .block_production_seconds
        .observe(started.elapsed().as_secs_f64());
    tracing::info!(
        number,
        txs = header.slot_count,
        ms = started.elapsed().as_millis() as u64,
        "block committed"
    );
    if let Some(record) = sealed {
        metrics.batches_sealed.inc();
        tracing::info!(
            batch = record.number(),
            blocks = %format!("{}..={}", record.first_block, record.last_block),
            "batch sealed (proof pending)"
        );
    }
    Ok(Some(header))
}

/// The record of batch `batch_number`: blocks `first..=executed`'s number, public inputs
/// computed natively.
fn seal_batch(
    shared: &Shared,
    store: &Store,
    executed: &ExecutedBlock,
    first: u64,
    batch_number: u64,
) -> Result<BatchRecord, SequencerError> {
    let last = executed.block.header.number;
    let before = read_block(store, first - 1)?
        .ok_or_else(|| SequencerError::Corrupt(format!("block {} is missing", first - 1)))?;
    let priority_before = match batch_number {
        1 => ZERO_DIGEST,
        _ => {
            read_batch(store, batch_number - 1)?
                .ok_or_else(|| {
                    SequencerError::Corrupt(format!("batch {} is missing", batch_number - 1))
                })?
                .public_inputs
                .priority_commitment_after
        }
    };
    let mut blocks = Vec::new();
    for number in first..last {
        blocks.push(
            read_block(store, number)?
                .ok_or_else(|| SequencerError::Corrupt(format!("block {number} is missing")))?,
        );
    }
    blocks.push(executed.block.clone());

    let mut outbox: Vec<Digest> = Vec::new();
    for number in first..last {
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
    outbox.extend(executed.outbox.iter().map(|entry| entry.hash()));
    let outbox_root = OutboxTree::new(outbox)
        .map_err(|error| SequencerError::Corrupt(format!("batch outbox: {error}")))?
        .root();

    let mut priority_after = priority_before;
    let mut priority_count = 0;
    for block in &blocks {
        for slot in &block.slots {
            if let hyperforge_primitives::block::Slot::Priority(op) = slot {
                priority_after = next_priority_commitment(priority_after, op.hash());
                priority_count += 1;
            }
        }
    }
    let slots_hashes: Vec<Digest> = blocks.iter().map(|block| block.header.slots_hash).collect();
    Ok(BatchRecord {
        first_block: first,
        last_block: last,
        public_inputs: BatchPublicInputs {
            chain_id: shared.chain_id,
            batch_number,
            old_state_root: before.header.state_root,
            new_state_root: executed.block.header.state_root,
            priority_ops_count: priority_count,
            priority_commitment_before: priority_before,
            priority_commitment_after: priority_after,
            outbox_root,
            pubdata_commitment: pubdata_commitment(&slots_hashes),
        },
        proof_status: ProofStatus::Pending,
    })
}
