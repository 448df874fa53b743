//! The L1 follower: a task that reads the bridge's events through [`L1Watcher`] and stores
//! this chain's priority operations (deposits, key registrations) before the block producer
//! may apply them.
//!
//! - Each operation is checked against the stored queue (`c_{i+1} = two_to_one(c_i,
//!   op_hash)`, `c_0 = PRIORITY_SEED`, the bridge's convention) and written synced and idempotently
//!   under its queue index, with the L1 block it came from as the **cursor** in the same
//!   write. Events arrive in L1 order, each once per watcher (see [`L1Watcher`]), so every
//!   event of a block before the cursor is stored; a restart re-follows the bridge from the
//!   cursor (0 when there is none) and the operations it reads again are recognised as
//!   stored and skipped. **The cursor never moves backwards:** an event from a block before
//!   it (one read again) leaves it where it is.
//! - `MessageRootAppended` (of any chain): an entry of the bridge's message root queue, checked
//!   against the stored queue (`m_{i+1} = two_to_one(m_i, outbox_root)`, `m_0 =
//!   MESSAGE_QUEUE_SEED`) and stored the same way by queue index; the next block imports it,
//!   so `ExecuteMessage` transactions proven against it can run.
//! - `BatchSettled` for this chain marks the batch `settled`, with the L1 transaction and
//!   block, in the same synced write as the cursor (see [`crate::settlement`]); roots that
//!   disagree with the sealed batch stop the node.
//! - `ChainRegistered` for this chain must carry the genesis root of this `chain.toml`;
//!   otherwise no batch of this chain could ever settle, and the follower stops the node.
//! - An L1 RPC failure is retried (the watcher reads the same range again, after a pause that
//!   doubles up to 10 s while failures last). Logs the watcher cannot use (undecodable,
//!   pending, removed before delivery) it skips with a warning, so none holds the follower.
//! - A gap in a queue (an entry after one never seen) re-follows L1 from the cursor; the same
//!   gap [`MAX_GAP_REFOLLOWS`] times in a row with nothing stored in between means the entry's
//!   log is not coming (the watcher skipped it: see its warnings), and stops the node naming
//!   the entry, rather than re-reading L1 forever.
//! - A stored queue that disagrees with L1 (another operation under an index, a commitment
//!   that does not chain), or the watcher reporting removed a log it had delivered, stops the
//!   node: it means another bridge, or a reorganisation deeper than `[l1] confirmations`.

use std::{sync::Arc, time::Duration};

use alloy::providers::{Provider, ProviderBuilder};
use hyperforge_l1::{L1Event, L1Watcher, WatchedEvent, WatcherConfig};
use hyperforge_primitives::{
    Address, ChainId,
    bridge::{Digest, PriorityOp, digest_to_b256},
};
use hyperforge_state::{StateError, Store};
use tokio::sync::watch;

use crate::{
    error::SequencerError,
    message_roots::{MessageRootRecord, store_message_root},
    priority::{RecordError, store_priority_op},
    settlement::{Settlement, SettlementError, store_settlement},
    shared::Shared,
};

/// The longest pause between L1 polls while they fail.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How many times in a row the same queue gap re-follows L1 before the follower gives up.
const MAX_GAP_REFOLLOWS: u32 = 3;

/// Follows the bridge at `bridge` until `stop` changes; an `Err` is a reason to stop the node.
pub(crate) async fn run_follower(
    shared: Arc<Shared>,
    bridge: Address,
    mut stop: watch::Receiver<bool>,
) -> Result<(), SequencerError> {
    let l1 = &shared.config.l1;
    let provider = ProviderBuilder::new()
        .connect_http(l1.rpc_url.clone())
        .erased();
    let poll_interval = Duration::from_millis(l1.poll_interval_ms);
    let mut gaps = GapTracker::default();
    loop {
        let from_block = blocking(&shared, |shared| {
            let store = shared.store();
            let stored = store.priority_len()?;
            shared.metrics.l1_priority_stored.set(stored as i64);
            store.l1_cursor()
        })
        .await?
        .unwrap_or(0);
        let mut config = WatcherConfig::new(bridge);
        config.from_block = from_block;
        config.confirmations = l1.confirmations;
        config.poll_interval = poll_interval;
        let mut watcher = L1Watcher::new(provider.clone(), config);
        let mut backoff = poll_interval;
        tracing::info!(
            target: "seq::l1",
            %bridge,
            from_block,
            confirmations = l1.confirmations,
            "following the L1 bridge"
        );
        loop {
            let event = tokio::select! {
                event = watcher.next_event() => event,
                _ = stop.changed() => return Ok(()),
            };
            let event = match event {
                Ok(event) => {
                    backoff = poll_interval;
                    event
                }
                Err(error @ hyperforge_l1::L1Error::LogRemoved { .. }) => {
                    // A delivered log is no longer on L1: what was stored from it may be
                    // wrong, and going on would diverge silently.
                    let error = SequencerError::L1Queue(error.to_string());
                    tracing::error!(target: "seq::l1", %error, "the L1 follower stops the sequencer");
                    return Err(error);
                }
                Err(_) => {
                    // The watcher logged it and waited one interval; wait longer while L1
                    // stays unreachable. The next call reads the same range again.
                    tokio::select! {
                        () = tokio::time::sleep(backoff.saturating_sub(poll_interval)) => {}
                        _ = stop.changed() => return Ok(()),
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF.max(poll_interval));
                    continue;
                }
            };
            match handle_event(&shared, event).await {
                Ok(stored) => {
                    if stored {
                        gaps.progress();
                    }
                }
                Err(Handled::Gap(gap)) => {
                    if let Err(error) = gaps.refollow(gap, from_block) {
                        tracing::error!(target: "seq::l1", %error, "the L1 follower stops the sequencer");
                        return Err(error);
                    }
                    tracing::warn!(target: "seq::l1", error = %gap.error(), from_block, "re-following L1 from the stored cursor");
                    tokio::select! {
                        () = tokio::time::sleep(poll_interval) => {}
                        _ = stop.changed() => return Ok(()),
                    }
                    break;
                }
                Err(Handled::Fatal(error)) => {
                    tracing::error!(target: "seq::l1", %error, "the L1 follower stops the sequencer");
                    return Err(error);
                }
            }
        }
    }
}

/// An entry of an L1 queue that arrived before the one the store expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gap {
    queue: &'static str,
    expected: u64,
    got: u64,
}

impl Gap {
    fn error(self) -> StateError {
        StateError::QueueGap {
            queue: self.queue,
            expected: self.expected,
            got: self.got,
        }
    }
}

/// Counts re-follows for the same gap, so a log that never comes stops the follower instead
/// of re-reading L1 forever.
#[derive(Debug, Default)]
struct GapTracker {
    last: Option<(&'static str, u64)>,
    refollows: u32,
}

impl GapTracker {
    /// Something new was stored: any earlier gap was filled.
    fn progress(&mut self) {
        self.last = None;
        self.refollows = 0;
    }

    /// `gap` was met reading from `from_block`: another re-follow, or the reason to stop.
    fn refollow(&mut self, gap: Gap, from_block: u64) -> Result<(), SequencerError> {
        let key = (gap.queue, gap.expected);
        if self.last == Some(key) {
            self.refollows += 1;
        } else {
            self.last = Some(key);
            self.refollows = 1;
        }
        if self.refollows > MAX_GAP_REFOLLOWS {
            return Err(SequencerError::L1Queue(format!(
                "{} {} never arrived: L1 was read again from block {from_block} {MAX_GAP_REFOLLOWS} times and gave {} {} next each time (the watcher skipped its log: see its warnings)",
                gap.queue, gap.expected, gap.queue, gap.got
            )));
        }
        Ok(())
    }
}

enum Handled {
    /// An entry is missing before this one: read L1 again from the cursor.
    Gap(Gap),
    /// Stop the node.
    Fatal(SequencerError),
}

/// What storing one event did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// This chain's registration, with our genesis root.
    Registered,
    /// One of this chain's priority operations; `new` if it was not stored yet.
    PriorityOp {
        index: u64,
        op: PriorityOp,
        new: bool,
    },
    /// An entry of the message root queue; `new` if it was not stored yet.
    MessageRoot {
        index: u64,
        record: MessageRootRecord,
        new: bool,
    },
    /// One of this chain's batches settled on L1; `new` if it was not recorded yet.
    Settled {
        batch: u64,
        settlement: Settlement,
        new: bool,
    },
    /// Nothing this chain keeps.
    Ignored,
}

/// Stores `event` and logs what it did; `Ok(true)` if something new was stored.
async fn handle_event(shared: &Arc<Shared>, event: WatchedEvent) -> Result<bool, Handled> {
    let block_number = event.block_number;
    let outcome = blocking(shared, move |shared| {
        let store = shared.store();
        let _records = shared.batch_records();
        let outcome = store_event(store, shared.chain_id, shared.genesis_root, &event);
        if let Ok(Outcome::PriorityOp {
            index, new: true, ..
        }) = &outcome
        {
            shared.metrics.l1_priority_stored.set(*index as i64 + 1);
        }
        Ok(outcome)
    })
    .await
    .map_err(Handled::Fatal)??;
    match outcome {
        Outcome::Registered => {
            tracing::info!(target: "seq::l1", l1_block = block_number, "chain registration on the bridge matches the genesis root");
            Ok(false)
        }
        Outcome::PriorityOp {
            index,
            op,
            new: true,
        } => {
            tracing::info!(target: "seq::l1", index, l1_block = block_number, ?op, "L1 priority operation stored");
            Ok(true)
        }
        Outcome::PriorityOp { index, .. } => {
            tracing::debug!(target: "seq::l1", index, "L1 priority operation already stored");
            Ok(false)
        }
        Outcome::MessageRoot {
            index,
            record,
            new: true,
        } => {
            tracing::info!(target: "seq::l1", index, src_chain = %record.chain_id, batch = record.batch_number, root = %digest_to_b256(&record.outbox_root), l1_block = block_number, "L1 message root stored");
            Ok(true)
        }
        Outcome::Settled {
            batch,
            settlement,
            new: true,
        } => {
            shared.metrics.batches_settled.inc();
            tracing::info!(target: "seq::l1", batch, l1_block = settlement.l1_block, l1_tx = %settlement.l1_transaction, "batch settled on L1");
            Ok(false)
        }
        Outcome::MessageRoot { .. } | Outcome::Settled { .. } | Outcome::Ignored => Ok(false),
    }
}

/// Checks and stores what `event` carries for chain `chain_id` (genesis root
/// `genesis_root`), synced, with the L1 cursor: the event's block, or the stored cursor if
/// that is later (an event read again never moves the cursor back).
fn store_event(
    store: &Store,
    chain_id: ChainId,
    genesis_root: Digest,
    event: &WatchedEvent,
) -> Result<Outcome, Handled> {
    let cursor = || -> Result<u64, Handled> {
        let stored = store
            .l1_cursor()
            .map_err(|error| Handled::Fatal(error.into()))?;
        Ok(stored.map_or(event.block_number, |stored| stored.max(event.block_number)))
    };
    match &event.event {
        L1Event::ChainRegistered {
            chain_id: registered,
            genesis_root: root,
            ..
        } if *registered == chain_id => {
            if *root != genesis_root {
                return Err(Handled::Fatal(SequencerError::GenesisRootMismatch {
                    registered: digest_to_b256(root).to_string(),
                    local: digest_to_b256(&genesis_root).to_string(),
                }));
            }
            Ok(Outcome::Registered)
        }
        L1Event::PriorityOp {
            chain_id: queued,
            index,
            op,
            commitment,
        } if *queued == chain_id => {
            let new = store_priority_op(store, *index, op, *commitment, cursor()?)
                .map_err(record_failure)?;
            Ok(Outcome::PriorityOp {
                index: *index,
                op: op.clone(),
                new,
            })
        }
        L1Event::MessageRootAppended {
            index,
            chain_id: source,
            batch_number,
            outbox_root,
            commitment,
        } => {
            let record = MessageRootRecord {
                outbox_root: *outbox_root,
                chain_id: *source,
                batch_number: *batch_number,
                commitment: *commitment,
            };
            let new =
                store_message_root(store, *index, &record, cursor()?).map_err(record_failure)?;
            Ok(Outcome::MessageRoot {
                index: *index,
                record,
                new,
            })
        }
        L1Event::BatchSettled {
            chain_id: settled,
            batch_number,
            new_state_root,
            outbox_root,
            ..
        } if *settled == chain_id => {
            let settlement = Settlement {
                l1_block: event.block_number,
                l1_transaction: event.transaction_hash,
            };
            let new = store_settlement(
                store,
                *batch_number,
                new_state_root,
                outbox_root,
                settlement,
                cursor()?,
            )
            .map_err(|error| match error {
                SettlementError::Store(error) => Handled::Fatal(error),
                error => Handled::Fatal(SequencerError::L1Queue(error.to_string())),
            })?;
            Ok(Outcome::Settled {
                batch: *batch_number,
                settlement,
                new,
            })
        }
        _ => Ok(Outcome::Ignored),
    }
}

/// What to do about an L1 record that could not be stored: a gap means an event was missed
/// (read L1 again from the cursor); a conflict or a commitment that does not chain means
/// another bridge or a deep reorganisation (stop).
fn record_failure(error: RecordError) -> Handled {
    match error {
        RecordError::State(StateError::QueueGap {
            queue,
            expected,
            got,
        }) => Handled::Gap(Gap {
            queue,
            expected,
            got,
        }),
        RecordError::State(error @ StateError::QueueConflict { .. }) => {
            Handled::Fatal(SequencerError::L1Queue(error.to_string()))
        }
        RecordError::State(error) => Handled::Fatal(error.into()),
        error @ RecordError::Commitment { .. } => {
            Handled::Fatal(SequencerError::L1Queue(error.to_string()))
        }
    }
}

/// Runs store work off the async executor.
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&Shared) -> Result<T, StateError> + Send + 'static,
) -> Result<T, SequencerError> {
    let shared = shared.clone();
    tokio::task::spawn_blocking(move || work(&shared))
        .await
        .map_err(|error| SequencerError::Corrupt(format!("L1 follower task: {error}")))?
        .map_err(SequencerError::State)
}

#[cfg(test)]
mod tests {
    use hyperforge_primitives::{
        Amount,
        bridge::{
            F, MESSAGE_QUEUE_SEED, PRIORITY_SEED, hash_no_pad, next_message_commitment,
            next_priority_commitment,
        },
    };
    use plonky2::field::types::Field;

    use super::*;

    fn chain(id: u64) -> ChainId {
        ChainId::new(id).unwrap()
    }

    fn deposit(gwei: u64) -> PriorityOp {
        PriorityOp::Deposit {
            l1_sender: Address::with_last_byte(1),
            recipient: Address::with_last_byte(2),
            amount: Amount::from_gwei(gwei),
        }
    }

    fn digest(seed: u64) -> Digest {
        hash_no_pad(&[F::from_canonical_u64(seed)])
    }

    /// Priority operation `index` of chain 270 (the previous commitment `previous`) at
    /// `block`.
    fn priority_op(block: u64, index: u64, op: PriorityOp, previous: Digest) -> WatchedEvent {
        WatchedEvent {
            block_number: block,
            log_index: 0,
            transaction_hash: Default::default(),
            event: L1Event::PriorityOp {
                chain_id: chain(270),
                index,
                commitment: next_priority_commitment(previous, op.hash()),
                op,
            },
        }
    }

    fn store_at(store: &Store, event: &WatchedEvent) -> Result<Outcome, Handled> {
        store_event(store, chain(270), digest(1), event)
    }

    fn outcome(result: Result<Outcome, Handled>) -> Outcome {
        match result {
            Ok(outcome) => outcome,
            Err(Handled::Gap(gap)) => panic!("unexpected gap {gap:?}"),
            Err(Handled::Fatal(error)) => panic!("unexpected stop: {error}"),
        }
    }

    #[test]
    fn the_stored_cursor_never_moves_backwards() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = priority_op(10, 0, deposit(5), *PRIORITY_SEED);
        assert!(matches!(
            outcome(store_at(&store, &first)),
            Outcome::PriorityOp {
                index: 0,
                new: true,
                ..
            }
        ));
        assert_eq!(store.l1_cursor().unwrap(), Some(10));

        // The same operation again from an earlier block (read again, or reported without
        // its block by an older watcher): recognised, and the cursor stays.
        let mut again = first.clone();
        again.block_number = 0;
        assert!(matches!(
            outcome(store_at(&store, &again)),
            Outcome::PriorityOp {
                index: 0,
                new: false,
                ..
            }
        ));
        assert_eq!(store.l1_cursor().unwrap(), Some(10));

        // A new message root reported from an earlier block does not move it back either.
        let outbox_root = digest(7);
        let root = WatchedEvent {
            block_number: 4,
            log_index: 1,
            transaction_hash: Default::default(),
            event: L1Event::MessageRootAppended {
                index: 0,
                chain_id: chain(271),
                batch_number: 1,
                outbox_root,
                commitment: next_message_commitment(*MESSAGE_QUEUE_SEED, outbox_root),
            },
        };
        assert!(matches!(
            outcome(store_at(&store, &root)),
            Outcome::MessageRoot {
                index: 0,
                new: true,
                ..
            }
        ));
        assert_eq!(store.l1_cursor().unwrap(), Some(10));

        // A later block moves it on.
        let c1 = next_priority_commitment(*PRIORITY_SEED, deposit(5).hash());
        let second = priority_op(12, 1, deposit(6), c1);
        assert!(matches!(
            outcome(store_at(&store, &second)),
            Outcome::PriorityOp {
                index: 1,
                new: true,
                ..
            }
        ));
        assert_eq!(store.l1_cursor().unwrap(), Some(12));
    }

    #[test]
    fn a_missing_entry_is_a_gap_and_other_chains_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let c1 = next_priority_commitment(*PRIORITY_SEED, deposit(5).hash());
        let second = priority_op(12, 1, deposit(6), c1);
        match store_at(&store, &second) {
            Err(Handled::Gap(gap)) => assert_eq!((gap.expected, gap.got), (0, 1)),
            Err(Handled::Fatal(error)) => panic!("a gap is not a reason to stop: {error}"),
            Ok(outcome) => panic!("stored past a gap: {outcome:?}"),
        }
        assert_eq!(store.l1_cursor().unwrap(), None, "nothing written");

        let mut other = priority_op(12, 0, deposit(5), *PRIORITY_SEED);
        if let L1Event::PriorityOp { chain_id, .. } = &mut other.event {
            *chain_id = chain(271);
        }
        assert_eq!(outcome(store_at(&store, &other)), Outcome::Ignored);
        assert_eq!(store.priority_len().unwrap(), 0);
    }

    #[test]
    fn another_genesis_root_stops_the_follower() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let registration = |root| WatchedEvent {
            block_number: 3,
            log_index: 0,
            transaction_hash: Default::default(),
            event: L1Event::ChainRegistered {
                chain_id: chain(270),
                genesis_root: root,
                admin: Address::ZERO,
                genesis_balance: Amount::ZERO,
            },
        };
        assert_eq!(
            outcome(store_at(&store, &registration(digest(1)))),
            Outcome::Registered
        );
        assert!(matches!(
            store_at(&store, &registration(digest(2))),
            Err(Handled::Fatal(SequencerError::GenesisRootMismatch { .. }))
        ));
    }

    #[test]
    fn a_gap_that_outlasts_its_refollows_stops_the_follower_naming_it() {
        let gap = Gap {
            queue: "L1 priority operation",
            expected: 4,
            got: 5,
        };
        let mut gaps = GapTracker::default();
        for _ in 0..MAX_GAP_REFOLLOWS {
            gaps.refollow(gap, 20).unwrap();
        }
        let error = gaps.refollow(gap, 20).unwrap_err().to_string();
        assert!(
            error.contains("L1 priority operation 4 never arrived")
                && error.contains("from block 20"),
            "{error}"
        );

        // Progress in between, or another gap, starts the count again.
        let mut gaps = GapTracker::default();
        for _ in 0..MAX_GAP_REFOLLOWS {
            gaps.refollow(gap, 20).unwrap();
        }
        gaps.progress();
        gaps.refollow(gap, 20).unwrap();
        let other = Gap {
            expected: 5,
            got: 6,
            ..gap
        };
        for _ in 0..MAX_GAP_REFOLLOWS {
            gaps.refollow(other, 20).unwrap();
        }
        gaps.refollow(gap, 20).unwrap();
    }
}
