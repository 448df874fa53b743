//! The block producer and the batcher: one block from the message roots and priority
//! operations L1 reported (stored by the L1 follower; each queue in order, imports first, then
//! operations) and the mempool, committed atomically with the pending transactions it
//! consumed, the new counts of L1 records it processed (in the head) and, every
//! `batch_blocks` blocks, the sealed batch.
//!
//! A batch is also sealed once `batch_timeout_ms` passed since its first block's timestamp
//! (a header field, so the clock survives a restart): with the block that commits after that,
//! or, on a tick that produces no block, on its own (the committed blocks since the last batch,
//! the record and the head's last-batch fields in one synced write). A quiet chain so gets its
//! last transactions proven without waiting for more blocks.

use std::{collections::HashSet, time::Instant};

use hyperforge_config::EmptyBlocks;
use hyperforge_execution::ExecError;
use hyperforge_primitives::{
    Address,
    block::{BatchRecord, BlockHeader},
    bridge::OutboxTree,
    tx::{PriorityOp, TxKind},
};

use crate::{
    batcher::{seal_batch, seal_committed_batch},
    error::SequencerError,
    message_roots::message_roots_from,
    priority::PriorityRecord,
    reader::read_header,
    shared::Shared,
};

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// Builds and commits the next block if there is anything to put in it (or empty blocks are
/// wanted). Returns the new head header. When no block is produced, seals the open batch on
/// its own if it timed out ([`seal_timed_out_batch`]).
///
/// Entries of the bridge's message root queue not imported yet are imported first, in queue
/// order from the state's `imported_count` (a block is produced for them even when empty
/// blocks are skipped, so `ExecuteMessage` can use them). Stored L1 priority operations come
/// next, in queue order from the head's `priority_applied`, up to `max_block_txs` slots;
/// transactions fill the rest. An operation that cannot apply is an error
/// ([`SequencerError::PriorityOp`]): nothing is committed.
pub(crate) fn produce_block(
    shared: &Shared,
    parent: &BlockHeader,
) -> Result<Option<BlockHeader>, SequencerError> {
    let started = Instant::now();
    expire_future_txs(shared)?;
    let config = &shared.config.sequencer;
    let max_slots = config.max_block_txs as usize;
    let candidates = shared.mempool().candidates(max_slots);
    let store = shared.store();
    let head = store.head();
    let priority_applied = head.priority_applied;
    let priority = store.priority_range(priority_applied, max_slots)?;
    let new_roots = message_roots_from(store, head.state.imported_count, MAX_ROOTS_PER_BLOCK)?;
    if candidates.is_empty()
        && priority.is_empty()
        && new_roots.is_empty()
        && config.empty_blocks == EmptyBlocks::Skip
    {
        seal_timed_out_batch(shared)?;
        return Ok(None);
    }
    let number = parent.number + 1;
    let batch_blocks = u64::from(config.batch_blocks);
    // The open batch starts after the last sealed one, whatever batch size sealed it: a
    // changed `batch_blocks` applies from the next batch on and never renumbers.
    let first_of_batch = head.last_batch_block + 1;

    // The outbox tree of a batch holds at most CAPACITY entries: keep outbox-making
    // transactions pending once the current batch is full.
    let mut outbox_used = 0;
    for earlier in first_of_batch..number {
        outbox_used += store.outbox(earlier)?.len();
    }
    let timestamp = now_ms().max(parent.timestamp_ms);
    let mut builder = hyperforge_execution::BlockBuilder::new(store, shared.chain_id)
        .with_header(parent.hash(), timestamp);
    for record in &new_roots {
        builder
            .apply_import(record.outbox_root)
            .map_err(|error| SequencerError::Import {
                chain: record.chain_id.get(),
                batch: record.batch_number,
                error,
            })?;
    }
    // Each deposit may fail and leave a refund in the outbox: keep operations queued rather
    // than overflow the batch's outbox.
    let room = OutboxTree::CAPACITY.saturating_sub(outbox_used);
    let priority = &priority[..priority.len().min(room)];
    let (priority_count, priority_failed) = apply_priority_ops(&mut builder, priority)?;
    outbox_used += priority_failed as usize;
    let mut done = Vec::with_capacity(candidates.len());
    let mut included = 0u64;
    let mut blocked: HashSet<Address> = HashSet::new();
    for candidate in &candidates {
        if included + priority_count >= max_slots as u64 {
            break;
        }
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
                    tx = %alloy_primitives::hex::encode(candidate.tx.id()),
                    %error,
                    "dropping a pending transaction that can no longer execute"
                );
                blocked.insert(body.from);
                done.push(candidate.seq);
            }
        }
    }
    if included == 0
        && priority_count == 0
        && new_roots.is_empty()
        && config.empty_blocks == EmptyBlocks::Skip
    {
        drop(builder);
        if !done.is_empty() {
            shared.store().delete_pending(&done)?;
            let mut pool = shared.mempool();
            for seq in &done {
                pool.release(*seq);
            }
        }
        seal_timed_out_batch(shared)?;
        return Ok(None);
    }
    let mut executed = builder.finish()?;
    executed.commit.pending_done = done.clone();
    // Kept until the block's batch is proven: the proving jobs are made from it.
    executed.commit.witness = executed.witness.encode();
    let by_count = number + 1 - first_of_batch >= batch_blocks;
    let by_time =
        !by_count && number > first_of_batch && timed_out(shared, first_of_batch, timestamp)?;
    let sealed = if by_count || by_time {
        let record = seal_batch(
            shared,
            store,
            &executed,
            first_of_batch,
            head.last_batch + 1,
        )?;
        executed.commit.batch = Some((record.number(), record.encode()));
        executed.commit.head.last_batch = record.number();
        executed.commit.head.last_batch_block = number;
        Some(record)
    } else {
        None
    };

    let header = executed.block.header;
    {
        // The mempool is held across the commit, so admission (which takes it before reading
        // the store) never sees the new state with the included transactions still pending.
        // This runs on a blocking thread, as everything else that takes the mempool.
        let mut pool = shared.mempool();
        shared.store().commit(&executed.commit)?;
        for seq in &done {
            pool.release(*seq);
        }
        shared.metrics.mempool_size.set(pool.len() as i64);
    }
    let metrics = &shared.metrics;
    metrics.txs_included.inc_by(included);
    metrics.block_height.set(number as i64);
    metrics
        .l1_priority_applied
        .set((priority_applied + priority_count) as i64);
    metrics
        .block_production_seconds
        .observe(started.elapsed().as_secs_f64());
    tracing::info!(
        number,
        txs = included,
        l1_ops = priority_count,
        message_roots = new_roots.len(),
        ms = started.elapsed().as_millis() as u64,
        "block committed"
    );
    if let Some(record) = sealed {
        log_sealed(shared, &record, if by_count { "count" } else { "timeout" });
    }
    shared.changed.notify_one();
    Ok(Some(header))
}

/// Whether the open batch from the committed block `first` is due by time at `now` (ms since
/// the Unix epoch): `batch_timeout_ms` is set and has passed since that block's timestamp.
fn timed_out(shared: &Shared, first: u64, now: u64) -> Result<bool, SequencerError> {
    let timeout = shared.config.sequencer.batch_timeout_ms;
    if timeout == 0 {
        return Ok(false);
    }
    let opened = read_header(shared.store(), first)?.timestamp_ms;
    Ok(now.saturating_sub(opened) >= timeout)
}

/// Seals the committed blocks after the last batch as the next batch, on their own, if there
/// is at least one and the batch timed out. The record and the head's last-batch fields go in
/// one synced write ([`hyperforge_state::Store::seal_batch`]): a crash leaves both or neither,
/// and a restarted node numbers on from the head. Returns the sealed batch.
fn seal_timed_out_batch(shared: &Shared) -> Result<Option<BatchRecord>, SequencerError> {
    let store = shared.store();
    let head = store.head();
    let Some(last) = head.block_number else {
        return Ok(None);
    };
    let first = head.last_batch_block + 1;
    if last < first || !timed_out(shared, first, now_ms())? {
        return Ok(None);
    }
    let record = seal_committed_batch(shared, store, first, head.last_batch + 1)?;
    store.seal_batch(record.number(), last, &record.encode())?;
    log_sealed(shared, &record, "timeout");
    shared.changed.notify_one();
    Ok(Some(record))
}

/// Counts and logs a sealed batch; `by` says what sealed it (its block count or the timeout).
fn log_sealed(shared: &Shared, record: &BatchRecord, by: &'static str) {
    shared.metrics.batches_sealed.inc();
    tracing::info!(
        batch = record.number(),
        blocks = %format!("{}..={}", record.first_block, record.last_block),
        by,
        "batch sealed (proof pending)"
    );
}

/// Drops transactions that waited on a nonce gap for longer than `future_nonce_ttl_ms`, from
/// the mempool and the pending column (they would otherwise hold mempool room forever).
fn expire_future_txs(shared: &Shared) -> Result<(), SequencerError> {
    let ttl = std::time::Duration::from_millis(shared.config.sequencer.future_nonce_ttl_ms);
    let mut pool = shared.mempool();
    let store = shared.store();
    let expired = pool.expired_future(ttl, |sender| {
        // A failed read never expires anything: u32::MAX puts no nonce past the run.
        match store.account_index(sender) {
            Ok(Some(index)) => store
                .account(index)
                .ok()
                .flatten()
                .map_or(u32::MAX, |account| account.nonce),
            Ok(None) => 0,
            Err(_) => u32::MAX,
        }
    });
    if expired.is_empty() {
        return Ok(());
    }
    store.delete_pending(&expired)?;
    for seq in &expired {
        pool.release(*seq);
    }
    shared.metrics.mempool_size.set(pool.len() as i64);
    tracing::info!(
        count = expired.len(),
        ttl_ms = ttl.as_millis() as u64,
        "dropped transactions that waited on a nonce gap past the time-to-live"
    );
    Ok(())
}

/// The most queued L1 message roots one block processes.
const MAX_ROOTS_PER_BLOCK: usize = 64;

/// Applies the stored L1 operations `records` (queue indices from the builder's
/// `priority_applied`, consecutive) to `builder`, in order. Every one is consumed: one that
/// cannot apply gets a failed receipt (a deposit, a refund in the outbox) and the chain goes
/// on. Returns how many, and how many failed.
fn apply_priority_ops(
    builder: &mut hyperforge_execution::BlockBuilder<'_>,
    records: &[(u64, Vec<u8>)],
) -> Result<(u64, u64), SequencerError> {
    let mut failed = 0;
    for (index, bytes) in records {
        let expected = builder.priority_applied();
        if *index != expected {
            return Err(SequencerError::Corrupt(format!(
                "priority record {index} where {expected} was expected"
            )));
        }
        let record = PriorityRecord::decode(*index, bytes)?;
        let receipt = builder.apply_priority(&record.op)?;
        if let Some(failure) = receipt.failure {
            failed += 1;
            tracing::warn!(
                index,
                op = %describe(&record.op),
                %failure,
                "L1 priority operation consumed without effect"
            );
        }
    }
    Ok((records.len() as u64, failed))
}

fn describe(op: &PriorityOp) -> String {
    match op {
        PriorityOp::Deposit {
            l1_sender,
            recipient,
            amount,
        } => format!(
            "deposit of {} gwei from {l1_sender} to {recipient}",
            amount.gwei()
        ),
        PriorityOp::RegisterKey { account, .. } => format!("key registration of {account}"),
    }
}

#[cfg(test)]
mod tests {
    use std::{path::Path, sync::Arc};

    use hyperforge_config::{ChainConfig, ChainConfigLoader, Overrides};
    use hyperforge_primitives::{
        Amount, ChainId,
        bridge::{
            MESSAGE_QUEUE_SEED, PRIORITY_SEED, ZERO_DIGEST, message_commitment,
            next_message_commitment, next_priority_commitment, priority_commitment,
        },
        dev::ACCOUNTS,
        tx::Digest,
    };

    use super::*;
    use crate::{
        Sequencer,
        message_roots::message_commitment_after,
        message_roots::{MessageRootRecord, store_message_root},
        priority::commitment_after,
        priority::store_priority_op,
        reader::{read_batch, read_block},
    };

    fn config(overrides: &[&str]) -> ChainConfig {
        let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha");
        let mut layer = Overrides::new();
        for flag in overrides {
            layer.parse_flag(flag).unwrap();
        }
        ChainConfigLoader::new(chain)
            .with_env(false)
            .with_overrides(layer)
            .load()
            .unwrap()
    }

    fn open(config: ChainConfig, dir: &Path) -> (Arc<Shared>, BlockHeader) {
        let sequencer = Sequencer::open(config, dir).unwrap();
        (sequencer.shared, sequencer.head)
    }

    fn deposit(to: u8, gwei: u64) -> PriorityOp {
        PriorityOp::Deposit {
            l1_sender: Address::with_last_byte(0xee),
            recipient: Address::with_last_byte(to),
            amount: Amount::from_gwei(gwei),
        }
    }

    /// Stores `ops` as the L1 follower would, after what is stored.
    fn queue(shared: &Shared, ops: &[PriorityOp]) {
        let store = shared.store();
        for (index, op) in (store.priority_len().unwrap()..).zip(ops) {
            let commitment = commitment_after(store, index).unwrap().unwrap();
            let commitment = next_priority_commitment(commitment, op.hash());
            store_priority_op(store, index, op, commitment, 1).unwrap();
        }
    }

    fn balance(shared: &Shared, byte: u8) -> Option<u64> {
        let store = shared.store();
        let index = store
            .account_index(&Address::with_last_byte(byte))
            .unwrap()?;
        Some(store.account(index).unwrap().unwrap().balance.gwei())
    }

    #[test]
    fn priority_ops_alone_make_a_block_in_queue_order_and_count_in_the_head() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&["sequencer.batch_blocks=2"]), dir.path());
        assert_eq!(shared.config.sequencer.empty_blocks, EmptyBlocks::Skip);
        assert!(produce_block(&shared, &genesis).unwrap().is_none());

        let register = PriorityOp::RegisterKey {
            account: Address::with_last_byte(7),
            pubkey_hash: next_priority_commitment(ZERO_DIGEST, ZERO_DIGEST),
        };
        let ops = [deposit(7, 5), register, deposit(7, 6)];
        queue(&shared, &ops);
        let first = produce_block(&shared, &genesis).unwrap().unwrap();
        assert_eq!((first.number, first.priority_count), (1, 3));
        assert_eq!(shared.store().head().priority_applied, 3);
        assert_eq!(balance(&shared, 7), Some(11));
        let block = read_block(shared.store(), 1).unwrap().unwrap();
        assert_eq!(block.slots.len(), ops.len(), "priority operations only");
        let slots: Vec<_> = block.priority_ops().cloned().collect();
        assert_eq!(slots, ops);
        // Nothing new: nothing produced, nothing applied twice.
        assert!(produce_block(&shared, &first).unwrap().is_none());

        queue(&shared, &[deposit(8, 1)]);
        let second = produce_block(&shared, &first).unwrap().unwrap();
        assert_eq!(shared.store().head().priority_applied, 4);
        let batch = read_batch(shared.store(), 1).unwrap().unwrap();
        let inputs = batch.public_inputs;
        assert_eq!((batch.first_block, batch.last_block), (1, second.number));
        assert_eq!(inputs.priority_ops_count, 4);
        assert_eq!(inputs.priority_commitment_before, *PRIORITY_SEED);
        let all = [ops.to_vec(), vec![deposit(8, 1)]].concat();
        assert_eq!(
            inputs.priority_commitment_after,
            priority_commitment(*PRIORITY_SEED, &all)
        );
        assert_eq!(inputs.imports_count, 0);
        assert_eq!(inputs.imports_commitment_before, *MESSAGE_QUEUE_SEED);
        assert_eq!(inputs.imports_commitment_after, *MESSAGE_QUEUE_SEED);
        assert_eq!(shared.metrics.l1_priority_applied.get(), 4);
    }

    #[test]
    fn the_applied_count_survives_a_restart_and_nothing_applies_twice() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&[]), dir.path());
        queue(&shared, &[deposit(9, 100)]);
        produce_block(&shared, &genesis).unwrap().unwrap();
        drop(shared);
        let (shared, head) = open(config(&[]), dir.path());
        assert_eq!(head.number, 1);
        assert_eq!(shared.store().head().priority_applied, 1);
        assert!(produce_block(&shared, &head).unwrap().is_none());
        assert_eq!(balance(&shared, 9), Some(100));
    }

    #[test]
    fn priority_ops_share_the_slot_limit_and_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&["sequencer.max_block_txs=2"]), dir.path());
        queue(&shared, &[deposit(1, 1), deposit(2, 2), deposit(3, 3)]);
        let first = produce_block(&shared, &genesis).unwrap().unwrap();
        assert_eq!(first.priority_count, 2);
        assert_eq!(balance(&shared, 3), None);
        let second = produce_block(&shared, &first).unwrap().unwrap();
        assert_eq!(second.priority_count, 1);
        assert_eq!(balance(&shared, 3), Some(3));
    }

    #[test]
    fn a_deposit_that_cannot_apply_is_consumed_as_failed_and_refunded_and_the_chain_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(&["sequencer.batch_blocks=1"]);
        let rich = config.genesis.accounts[0].address;
        config.genesis.accounts[0].balance = Amount::from_gwei(u64::MAX - 5);
        let (shared, genesis) = open(config, dir.path());
        let depositor = Address::with_last_byte(0xee);
        let overflow = PriorityOp::Deposit {
            l1_sender: depositor,
            recipient: rich,
            amount: Amount::from_gwei(10),
        };
        queue(&shared, &[deposit(4, 1), overflow.clone(), deposit(4, 2)]);
        let block = produce_block(&shared, &genesis).unwrap().unwrap();
        assert_eq!(block.priority_count, 3, "all three consumed, in order");
        let store = shared.store();
        assert_eq!(store.head().priority_applied, 3);
        assert_eq!(
            balance(&shared, 4),
            Some(3),
            "the operations after it applied"
        );
        let store = shared.store();
        let index = store.account_index(&rich).unwrap().unwrap();
        assert_eq!(
            store.account(index).unwrap().unwrap().balance,
            Amount::from_gwei(u64::MAX - 5),
            "the failed deposit changed nothing"
        );
        let bytes = store
            .receipt(&hyperforge_primitives::tx::priority_receipt_id(1))
            .unwrap()
            .unwrap();
        let receipt = hyperforge_execution::Receipt::decode(&bytes).unwrap();
        assert_eq!(
            receipt.failure,
            Some(hyperforge_execution::PriorityFailure::Overflow)
        );
        // The refund: a withdrawal of the amount to the L1 sender, in the batch's outbox.
        let refund = hyperforge_primitives::tx::OutboxEntry::Withdrawal {
            sender: rich,
            l1_recipient: depositor,
            amount: Amount::from_gwei(10),
        };
        assert_eq!(receipt.outbox_index, Some(0));
        let inputs = read_batch(store, 1).unwrap().unwrap().public_inputs;
        assert_eq!(
            inputs.outbox_root,
            OutboxTree::from_entries([&refund]).unwrap().root()
        );
        assert_eq!(inputs.priority_ops_count, 3);
    }

    #[test]
    fn two_identical_deposits_get_two_receipts() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&[]), dir.path());
        queue(&shared, &[deposit(6, 7), deposit(6, 7)]);
        produce_block(&shared, &genesis).unwrap().unwrap();
        let store = shared.store();
        let receipts: Vec<_> = (0..2)
            .map(|index| {
                let bytes = store
                    .receipt(&hyperforge_primitives::tx::priority_receipt_id(index))
                    .unwrap()
                    .expect("one receipt per queue index");
                hyperforge_execution::Receipt::decode(&bytes).unwrap()
            })
            .collect();
        assert_ne!(receipts[0].position, receipts[1].position);
        assert_eq!(balance(&shared, 6), Some(14));
    }

    /// Stores entries of the bridge's message root queue as the follower would.
    fn queue_roots(shared: &Shared, roots: &[Digest]) {
        let store = shared.store();
        for (index, root) in (store.l1_message_roots_len().unwrap()..).zip(roots) {
            let previous = message_commitment_after(store, index).unwrap().unwrap();
            let record = MessageRootRecord {
                outbox_root: *root,
                chain_id: ChainId::new(271).unwrap(),
                batch_number: index + 1,
                commitment: next_message_commitment(previous, *root),
            };
            store_message_root(store, index, &record, 2).unwrap();
        }
    }

    #[test]
    fn queued_message_roots_are_imported_once_in_order_and_committed_by_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&["sequencer.batch_blocks=2"]), dir.path());
        let roots = [deposit(1, 1).hash(), deposit(2, 2).hash()];
        // The same root twice (two settlements of identical outboxes): both are imported.
        queue_roots(&shared, &[roots[0], roots[1], roots[0]]);
        let first = produce_block(&shared, &genesis).unwrap().unwrap();
        assert_eq!((first.import_count, first.slot_count), (3, 3));
        let block = read_block(shared.store(), first.number).unwrap().unwrap();
        assert_eq!(
            block.imports().copied().collect::<Vec<_>>(),
            vec![roots[0], roots[1], roots[0]]
        );
        let store = shared.store();
        assert_eq!(store.head().state.imported_count, 3);
        assert_eq!(store.imported_root(1).unwrap(), Some(roots[1]));
        // Nothing new: nothing to produce, nothing imported twice.
        assert!(produce_block(&shared, &first).unwrap().is_none());
        queue_roots(&shared, &[roots[1]]);
        let second = produce_block(&shared, &first).unwrap().unwrap();
        assert_eq!(second.import_count, 1);
        let inputs = read_batch(shared.store(), 1)
            .unwrap()
            .unwrap()
            .public_inputs;
        assert_eq!(inputs.imports_count, 4);
        assert_eq!(inputs.imports_commitment_before, *MESSAGE_QUEUE_SEED);
        assert_eq!(
            inputs.imports_commitment_after,
            message_commitment(
                *MESSAGE_QUEUE_SEED,
                &[roots[0], roots[1], roots[0], roots[1]]
            ),
            "the bridge's m_4"
        );
        assert_eq!(inputs.new_state_root, shared.store().head().state_root());
    }

    #[test]
    fn a_changed_batch_size_continues_the_numbering_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, mut head) = open(config(&["sequencer.batch_blocks=1"]), dir.path());
        for gwei in 1..=2 {
            queue(&shared, &[deposit(3, gwei)]);
            head = produce_block(&shared, &head).unwrap().unwrap();
        }
        assert_eq!(shared.store().head().last_batch, 2);
        drop(shared);
        // Restarted with batches of 3 blocks: batch 3 covers blocks 3..=5, then batch 4.
        let (shared, mut head) = open(config(&["sequencer.batch_blocks=3"]), dir.path());
        for gwei in 3..=8 {
            queue(&shared, &[deposit(3, gwei)]);
            head = produce_block(&shared, &head).unwrap().unwrap();
        }
        let store = shared.store();
        let ranges: Vec<_> = (1..=4)
            .map(|number| {
                let batch = read_batch(store, number).unwrap().unwrap();
                (batch.first_block, batch.last_block)
            })
            .collect();
        assert_eq!(ranges, [(1, 1), (2, 2), (3, 5), (6, 8)]);
        let (third, fourth) = (
            read_batch(store, 3).unwrap().unwrap().public_inputs,
            read_batch(store, 4).unwrap().unwrap().public_inputs,
        );
        assert_eq!(third.new_state_root, fourth.old_state_root);
        assert_eq!(
            fourth.priority_commitment_before,
            third.priority_commitment_after
        );
        assert_eq!(
            (store.head().last_batch, store.head().last_batch_block),
            (4, 8)
        );
    }

    #[test]
    fn transactions_waiting_on_a_nonce_gap_expire_and_leave_the_pending_column() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&["sequencer.future_nonce_ttl_ms=200"]), dir.path());
        let store = shared.store();
        let sender = store
            .account(store.account_index(&ACCOUNTS[0].address).unwrap().unwrap())
            .unwrap()
            .unwrap();
        // Nonce 0 is executable; 3, 4 and 5 wait on the gap at 1 and 2.
        for nonce in [0, 3, 4, 5] {
            let tx = hyperforge_execution::test_utils::transfer(
                0,
                nonce,
                ACCOUNTS[1].address,
                1,
                shared.chain_id,
            );
            let bytes = tx.encode();
            let verified = Arc::new(hyperforge_execution::VerifiedTx::verify(tx).unwrap());
            let mut pool = shared.mempool();
            let crate::mempool::Admitted::New { seq, .. } =
                pool.admit(verified, Some(&sender)).unwrap()
            else {
                panic!("a new transaction");
            };
            store.put_pending(seq, &bytes).unwrap();
            pool.mark_persisted(seq);
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
        let block = produce_block(&shared, &genesis).unwrap().unwrap();
        assert_eq!(block.slot_count, 1, "nonce 0 included");
        assert!(shared.mempool().is_empty(), "3, 4 and 5 expired");
        assert!(
            store.pending().unwrap().is_empty(),
            "and left the pending column"
        );
    }

    #[test]
    fn a_batch_whose_slots_miss_the_bridge_commitment_is_not_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&["sequencer.batch_blocks=1"]), dir.path());
        // A record whose commitment is not the chain of its operations (the follower
        // refuses these; written straight into the store here).
        let record = PriorityRecord {
            op: deposit(5, 1),
            commitment: next_priority_commitment(*PRIORITY_SEED, deposit(5, 2).hash()),
        };
        shared
            .store()
            .put_priority(&[(0, record.encode())], None)
            .unwrap();
        let error = produce_block(&shared, &genesis).unwrap_err();
        assert!(
            matches!(error, SequencerError::PriorityCommitment { batch: 1, .. }),
            "{error}"
        );
        assert_eq!(shared.store().head().block_number, Some(0));
    }

    /// Admits `tx` into the mempool and the pending column, as admission would.
    fn submit(shared: &Shared, tx: &hyperforge_primitives::tx::SignedTx) {
        let store = shared.store();
        let index = store.account_index(&tx.body.from).unwrap().unwrap();
        let sender = store.account(index).unwrap().unwrap();
        let verified = Arc::new(hyperforge_execution::VerifiedTx::verify(tx.clone()).unwrap());
        let mut pool = shared.mempool();
        let crate::mempool::Admitted::New { seq, .. } =
            pool.admit(verified, Some(&sender)).unwrap()
        else {
            panic!("a new transaction");
        };
        store.put_pending(seq, &tx.encode()).unwrap();
        pool.mark_persisted(seq);
    }

    fn transfer(from: usize, gwei: u64, shared: &Shared) -> hyperforge_primitives::tx::SignedTx {
        hyperforge_execution::test_utils::transfer(
            from,
            0,
            ACCOUNTS[9].address,
            gwei,
            shared.chain_id,
        )
    }

    /// Sleeps until `batch_timeout_ms` passed since `header`'s timestamp.
    fn wait_for_timeout(shared: &Shared, header: &BlockHeader) {
        let due = header.timestamp_ms + shared.config.sequencer.batch_timeout_ms;
        while now_ms() < due {
            std::thread::sleep(std::time::Duration::from_millis(
                due.saturating_sub(now_ms()) + 1,
            ));
        }
    }

    const TIMED: [&str; 2] = [
        "sequencer.batch_blocks=10",
        "sequencer.batch_timeout_ms=300",
    ];

    #[test]
    fn a_quiet_batch_is_sealed_on_its_own_after_the_timeout_as_by_count_and_numbering_survives_a_restart()
     {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(config(&TIMED), dir.path());
        assert_eq!(shared.config.sequencer.empty_blocks, EmptyBlocks::Skip);
        let txs = [transfer(0, 5, &shared), transfer(1, 7, &shared)];
        submit(&shared, &txs[0]);
        let first = produce_block(&shared, &genesis).unwrap().unwrap();
        submit(&shared, &txs[1]);
        let second = produce_block(&shared, &first).unwrap().unwrap();
        assert_eq!(second.number, 2);
        // Quiet, before the timeout: nothing sealed.
        assert!(produce_block(&shared, &second).unwrap().is_none());
        assert!(read_batch(shared.store(), 1).unwrap().is_none());

        wait_for_timeout(&shared, &first);
        assert!(
            produce_block(&shared, &second).unwrap().is_none(),
            "no block, the batch alone"
        );
        let store = shared.store();
        let batch = read_batch(store, 1).unwrap().unwrap();
        assert_eq!((batch.first_block, batch.last_block), (1, 2));
        let inputs = &batch.public_inputs;
        assert_eq!(inputs.batch_number, 1);
        assert_eq!(inputs.old_state_root, genesis.state_root);
        assert_eq!(inputs.new_state_root, store.head().state_root());
        assert_eq!(inputs.new_state_root, second.state_root);
        let head = store.head();
        assert_eq!(head.block_number, Some(2), "no block was produced");
        assert_eq!((head.last_batch, head.last_batch_block), (1, 2));
        assert_eq!(shared.metrics.batches_sealed.get(), 1);
        // Nothing left to seal.
        assert!(produce_block(&shared, &second).unwrap().is_none());
        assert!(read_batch(store, 2).unwrap().is_none());

        // The same transactions in the same blocks sealed by count: the same public inputs.
        let other = tempfile::tempdir().unwrap();
        let (counted, counted_genesis) = open(
            config(&["sequencer.batch_blocks=2", "sequencer.batch_timeout_ms=0"]),
            other.path(),
        );
        submit(&counted, &txs[0]);
        let counted_first = produce_block(&counted, &counted_genesis).unwrap().unwrap();
        submit(&counted, &txs[1]);
        produce_block(&counted, &counted_first).unwrap().unwrap();
        let by_count = read_batch(counted.store(), 1).unwrap().unwrap();
        assert_eq!(by_count, batch);

        // More transactions: the next batch starts at the next block, and its clock (the
        // first block's timestamp) survives a restart between the block and the seal.
        submit(&shared, &transfer(2, 9, &shared));
        let third = produce_block(&shared, &second).unwrap().unwrap();
        assert_eq!(third.number, 3);
        drop(shared);
        let (shared, head) = open(config(&TIMED), dir.path());
        assert_eq!(head, third);
        wait_for_timeout(&shared, &third);
        assert!(produce_block(&shared, &head).unwrap().is_none());
        let store = shared.store();
        let next = read_batch(store, 2).unwrap().unwrap();
        assert_eq!((next.first_block, next.last_block), (3, 3));
        let (before, after) = (&batch.public_inputs, &next.public_inputs);
        assert_eq!(after.batch_number, 2);
        assert_eq!(after.old_state_root, before.new_state_root);
        assert_eq!(after.new_state_root, store.head().state_root());
        assert_eq!(
            after.priority_commitment_before,
            before.priority_commitment_after
        );
        assert_eq!(
            after.imports_commitment_before,
            before.imports_commitment_after
        );
        assert_eq!(
            (store.head().last_batch, store.head().last_batch_block),
            (2, 3)
        );
    }

    #[test]
    fn a_batch_past_the_timeout_is_sealed_with_the_next_block() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(
            config(&[TIMED[0], TIMED[1], "sequencer.empty_blocks=produce"]),
            dir.path(),
        );
        let first = produce_block(&shared, &genesis).unwrap().unwrap();
        wait_for_timeout(&shared, &first);
        let second = produce_block(&shared, &first).unwrap().unwrap();
        let store = shared.store();
        let batch = read_batch(store, 1).unwrap().unwrap();
        assert_eq!((batch.first_block, batch.last_block), (1, 2));
        assert_eq!(batch.public_inputs.new_state_root, second.state_root);
        let third = produce_block(&shared, &second).unwrap().unwrap();
        assert_eq!(third.number, 3);
        assert!(
            read_batch(store, 2).unwrap().is_none(),
            "a new batch from block 3"
        );
        assert_eq!(store.head().last_batch_block, 2);
    }

    #[test]
    fn without_a_timeout_a_quiet_batch_waits_for_batch_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, genesis) = open(
            config(&["sequencer.batch_blocks=3", "sequencer.batch_timeout_ms=0"]),
            dir.path(),
        );
        submit(&shared, &transfer(0, 5, &shared));
        let first = produce_block(&shared, &genesis).unwrap().unwrap();
        submit(&shared, &transfer(1, 5, &shared));
        let second = produce_block(&shared, &first).unwrap().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(350));
        assert!(produce_block(&shared, &second).unwrap().is_none());
        let store = shared.store();
        assert!(read_batch(store, 1).unwrap().is_none());
        assert_eq!(store.head().last_batch, 0);
        submit(&shared, &transfer(2, 5, &shared));
        produce_block(&shared, &second).unwrap().unwrap();
        let batch = read_batch(store, 1).unwrap().unwrap();
        assert_eq!((batch.first_block, batch.last_block), (1, 3));
    }
}
