//! The L1 follower: a task that reads the bridge's events through [`L1Watcher`] and stores
//! this chain's priority operations (deposits, key registrations) before the block producer
//! may apply them.
//!
//! - Each operation is checked against the stored queue (`c_{i+1} = two_to_one(c_i,
//!   op_hash)`, `c_0 = PRIORITY_SEED`, the bridge's convention) and written synced and idempotently
//!   under its queue index, with the L1 block it came from as the **cursor** in the same
//!   write. Events arrive in L1 order, so every event of a block before the cursor is
//!   stored; a restart re-follows the bridge from the cursor (0 when there is none) and the
//!   operations it reads again are recognised as stored and skipped.
//! - `MessageRootAppended` (of any chain): an entry of the bridge's message root queue, checked
//!   against the stored queue (`m_{i+1} = two_to_one(m_i, outbox_root)`, `m_0 =
//!   MESSAGE_QUEUE_SEED`) and stored the same way by queue index; the next block imports it,
//!   so `ExecuteMessage` transactions proven against it can run.
//! - `ChainRegistered` for this chain must carry the genesis root of this `chain.toml`;
//!   otherwise no batch of this chain could ever settle, and the follower stops the node.
//! - An L1 RPC failure is retried (the watcher reads the same range again, after a pause that
//!   doubles up to 10 s while failures last); a stored queue
//!   that disagrees with L1 (another operation under an index, a commitment that does not
//!   chain) stops the node: it means another bridge, or a reorganisation deeper than
//!   `[l1] confirmations`.

use std::{sync::Arc, time::Duration};

use alloy::providers::{Provider, ProviderBuilder};
use hyperforge_l1::{L1Event, L1Watcher, WatchedEvent, WatcherConfig};
use hyperforge_primitives::{Address, bridge::digest_to_b256};
use hyperforge_state::StateError;
use tokio::sync::watch;

use crate::{
    error::SequencerError,
    message_roots::{MessageRootRecord, store_message_root},
    priority::{RecordError, store_priority_op},
    service::Shared,
};

/// The longest pause between L1 polls while they fail.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

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
    loop {
        let from_block = blocking(&shared, |shared| {
            let store = shared.store_read();
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
                Ok(()) => {}
                Err(Handled::Retry(error)) => {
                    tracing::warn!(target: "seq::l1", %error, from_block, "re-following L1 from the stored cursor");
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

enum Handled {
    /// Read L1 again from the cursor.
    Retry(SequencerError),
    /// Stop the node.
    Fatal(SequencerError),
}

async fn handle_event(shared: &Arc<Shared>, event: WatchedEvent) -> Result<(), Handled> {
    let block_number = event.block_number;
    match event.event {
        L1Event::ChainRegistered {
            chain_id,
            genesis_root,
            ..
        } if chain_id == shared.chain_id => {
            if genesis_root != shared.genesis_root {
                return Err(Handled::Fatal(SequencerError::GenesisRootMismatch {
                    registered: digest_to_b256(&genesis_root).to_string(),
                    local: digest_to_b256(&shared.genesis_root).to_string(),
                }));
            }
            tracing::info!(target: "seq::l1", l1_block = block_number, "chain registration on the bridge matches the genesis root");
            Ok(())
        }
        L1Event::PriorityOp {
            chain_id,
            index,
            op,
            commitment,
        } if chain_id == shared.chain_id => {
            let stored = blocking(shared, move |shared| {
                let store = shared.store_read();
                let new = store_priority_op(&store, index, &op, commitment, block_number);
                if let Ok(true) = new {
                    shared.metrics.l1_priority_stored.set(index as i64 + 1);
                }
                Ok(new.map(|new| (new, op)))
            })
            .await
            .map_err(Handled::Fatal)?;
            match stored {
                Ok((true, op)) => {
                    tracing::info!(target: "seq::l1", index, l1_block = block_number, ?op, "L1 priority operation stored");
                    Ok(())
                }
                Ok((false, _)) => {
                    tracing::debug!(target: "seq::l1", index, "L1 priority operation already stored");
                    Ok(())
                }
                Err(error) => Err(record_failure(error)),
            }
        }
        L1Event::MessageRootAppended {
            index,
            chain_id,
            batch_number,
            outbox_root,
            commitment,
        } => {
            let record = MessageRootRecord {
                outbox_root,
                chain_id,
                batch_number,
                commitment,
            };
            let stored = blocking(shared, move |shared| {
                Ok(store_message_root(
                    &shared.store_read(),
                    index,
                    &record,
                    block_number,
                ))
            })
            .await
            .map_err(Handled::Fatal)?;
            match stored {
                Ok(true) => {
                    tracing::info!(target: "seq::l1", index, src_chain = %chain_id, batch = batch_number, root = %digest_to_b256(&outbox_root), l1_block = block_number, "L1 message root stored");
                    Ok(())
                }
                Ok(false) => Ok(()),
                Err(error) => Err(record_failure(error)),
            }
        }
        _ => Ok(()),
    }
}

/// What to do about an L1 record that could not be stored: a gap means an event was missed
/// (read L1 again from the cursor); a conflict or a commitment that does not chain means
/// another bridge or a deep reorganisation (stop).
fn record_failure(error: RecordError) -> Handled {
    match error {
        RecordError::State(error @ StateError::QueueGap { .. }) => {
            Handled::Retry(SequencerError::State(error))
        }
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
