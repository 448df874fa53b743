//! [`L1Watcher`]: the bridge's events as a stream, each reported once its block is
//! `confirmations` blocks deep.
//!
//! The watcher polls `eth_blockNumber` and `eth_getLogs` (HTTP is enough, no subscription) and
//! yields events in chain order: registrations (with the genesis backing), priority operations
//! per chain (with the queue's rolling commitment), settled batches (with the chain's priority
//! and import heads after them), the outbox roots appended to the bridge's message root queue
//! (with the queue's commitment after each), finalized withdrawals. A sequencer consumes
//! priority operations and message roots from it, the roots in queue order, which is the
//! order in which its chain must import them.
//!
//! What one watcher guarantees about the logs L1 answers with:
//! - **Each event once, in chain order.** A range of blocks is fetched in one request before
//!   any of it is delivered, and the position (block, log index) of the last delivered event
//!   is kept: nothing at or before it is delivered again, whatever the node answers (a
//!   range read again, a log repeated). So delivered positions strictly increase. A new
//!   watcher (a restart) knows nothing of what an earlier one delivered: its consumer
//!   recognises what it has already stored.
//! - **No log holds it back.** A log that does not decode (an unknown topic, another
//!   version's event, a value hyperforge refuses, such as chain id 0) is skipped with a
//!   warning naming its block, log index and topic0, and never read again. A log without a
//!   block number or log index (a pending log) is skipped: it is read again once it is in a
//!   block, since it can only be mined after the confirmed blocks. A range the node refuses
//!   (too many logs) is asked for again in halves, down to one block.
//! - **Reorganisations.** The confirmation depth is the defence: choose it deeper than any
//!   reorganisation L1 may see. A log reported `removed` is never delivered. One at or before
//!   the delivered position means something already delivered is no longer on L1: the
//!   watcher reports it as an error naming it and stops there ([`L1Watcher::diverged`];
//!   every later call returns the same error), so the consumer can stop instead of silently
//!   diverging.

use std::{collections::VecDeque, time::Duration};

use alloy::{
    primitives::{Address, B256},
    providers::{DynProvider, Provider},
    rpc::types::{Filter, Log},
    sol_types::SolEventInterface,
};
use futures::Stream;
use hyperforge_primitives::{
    Amount, ChainId,
    bridge::{Digest, PriorityOp, digest_from_b256},
};

use crate::{L1Error, bindings::Bridge::BridgeEvents};

/// How the watcher follows the bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatcherConfig {
    /// The bridge.
    pub bridge: Address,
    /// The first L1 block to read.
    pub from_block: u64,
    /// An event is reported once this many blocks are on top of its block (0: at once).
    pub confirmations: u64,
    /// Pause between polls when there is nothing new.
    pub poll_interval: Duration,
    /// At most this many blocks per `eth_getLogs` request.
    pub max_block_range: u64,
}

impl WatcherConfig {
    /// Watches `bridge` from block 0, 1 confirmation, polling every second.
    pub fn new(bridge: Address) -> Self {
        Self {
            bridge,
            from_block: 0,
            confirmations: 1,
            poll_interval: Duration::from_secs(1),
            max_block_range: 10_000,
        }
    }
}

/// One bridge event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum L1Event {
    /// A chain was registered.
    ChainRegistered {
        /// The chain.
        chain_id: ChainId,
        /// Its genesis state root.
        genesis_root: Digest,
        /// Its admin.
        admin: Address,
        /// The ETH sent with the registration, backing the genesis balances.
        genesis_balance: Amount,
    },
    /// A priority operation was queued for `chain_id`.
    PriorityOp {
        /// The chain.
        chain_id: ChainId,
        /// Its position in the chain's queue (from 0).
        index: u64,
        /// The operation.
        op: PriorityOp,
        /// The queue's rolling commitment after it, `c_{index + 1}`.
        commitment: Digest,
    },
    /// A batch of `chain_id` was settled.
    BatchSettled {
        /// The chain.
        chain_id: ChainId,
        /// The batch.
        batch_number: u64,
        /// The state root after it.
        new_state_root: Digest,
        /// Its outbox root.
        outbox_root: Digest,
        /// The chain's priority queue head after it.
        priority_head: u64,
        /// How many message root queue entries the chain has imported after it.
        import_head: u64,
    },
    /// A settled batch's non-empty outbox root was appended to the message root queue
    /// (reported right after that batch's `BatchSettled`).
    MessageRootAppended {
        /// Its position in the queue (from 0): the chain that imports it next has imported
        /// `index` roots.
        index: u64,
        /// The chain whose batch produced it.
        chain_id: ChainId,
        /// That batch.
        batch_number: u64,
        /// The outbox root chains import.
        outbox_root: Digest,
        /// The queue's commitment after it, `m_{index + 1}`.
        commitment: Digest,
    },
    /// A withdrawal was paid on L1.
    WithdrawalFinalized {
        /// The chain.
        chain_id: ChainId,
        /// The batch whose outbox held it.
        batch_number: u64,
        /// Its leaf.
        leaf_index: u64,
        /// Who was paid.
        l1_recipient: Address,
        /// How much.
        amount: Amount,
    },
}

/// An event with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedEvent {
    /// The L1 block.
    pub block_number: u64,
    /// The position of the log in the block.
    pub log_index: u64,
    /// The L1 transaction that emitted it (zero if the node did not say).
    pub transaction_hash: B256,
    /// The event.
    pub event: L1Event,
}

/// Follows the bridge; turn it into a stream with [`L1Watcher::into_stream`].
#[derive(Debug)]
pub struct L1Watcher {
    provider: DynProvider,
    config: WatcherConfig,
    next_block: u64,
    /// How many blocks the next `eth_getLogs` asks for: halved when a request fails, doubled
    /// (up to `max_block_range`) when one succeeds.
    span: u64,
    /// The position of the last event pushed into `pending`: nothing at or before it is
    /// pushed again.
    delivered: Option<LogPosition>,
    /// Set once L1 reports removed a log this watcher delivered; the watcher stops there.
    diverged: Option<RemovedLog>,
    pending: VecDeque<WatchedEvent>,
}

/// Where a log is: its block, then its index in the block (chain order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LogPosition {
    block: u64,
    index: u64,
}

/// A delivered log that L1 later reported removed (a reorganisation deeper than the
/// confirmation depth).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "L1 reports the bridge log at block {block}, log index {index} (topic0 {topic0}) removed by a reorganisation after the watcher delivered it: the reorganisation is deeper than the confirmation depth, and the watcher stops here"
)]
struct RemovedLog {
    block: u64,
    index: u64,
    topic0: String,
}

impl RemovedLog {
    fn error(&self) -> L1Error {
        L1Error::LogRemoved {
            block_number: self.block,
            log_index: self.index,
            topic0: self.topic0.clone(),
        }
    }
}

impl L1Watcher {
    /// A watcher reading through `provider`.
    pub fn new(provider: DynProvider, config: WatcherConfig) -> Self {
        let next_block = config.from_block;
        let span = config.max_block_range.max(1);
        Self {
            provider,
            config,
            next_block,
            span,
            delivered: None,
            diverged: None,
            pending: VecDeque::new(),
        }
    }

    /// The next block the watcher will read.
    pub fn next_block(&self) -> u64 {
        self.next_block
    }

    /// Whether L1 reported removed a log this watcher had already delivered (a
    /// reorganisation deeper than the confirmation depth). From then on every
    /// [`L1Watcher::next_event`] returns that error, naming the log: what was delivered no
    /// longer matches L1, and the consumer must stop rather than go on from it.
    pub fn diverged(&self) -> bool {
        self.diverged.is_some()
    }

    /// The next confirmed event; waits (polling) until there is one. On an RPC error nothing
    /// of the failed read was delivered, and the next call reads the same blocks again
    /// (fewer at a time while requests fail). Cancel safe: dropping the future loses no
    /// event and delivers none twice.
    pub async fn next_event(&mut self) -> Result<WatchedEvent, L1Error> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Ok(event);
            }
            match self.poll().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(self.config.poll_interval).await,
                Err(error) => {
                    // Report it, but do not hammer a failing node: the next call retries later.
                    tracing::warn!(target: "l1::watcher", %error, "polling the bridge failed");
                    tokio::time::sleep(self.config.poll_interval).await;
                    return Err(error);
                }
            }
        }
    }

    /// Reads the next confirmed range into `pending`; false when there is none yet. Called
    /// only when `pending` is empty. A range is fetched in one request before anything of it
    /// is pushed, so a failed request delivers nothing.
    async fn poll(&mut self) -> Result<bool, L1Error> {
        if let Some(removed) = &self.diverged {
            return Err(removed.error());
        }
        let head = self.provider.get_block_number().await?;
        let Some(confirmed) = head.checked_sub(self.config.confirmations) else {
            return Ok(false);
        };
        if confirmed < self.next_block {
            return Ok(false);
        }
        let max_span = self.config.max_block_range.max(1);
        let span = self.span.clamp(1, max_span);
        let from = self.next_block;
        let to = confirmed.min(from.saturating_add(span - 1));
        let filter = Filter::new()
            .address(self.config.bridge)
            .from_block(from)
            .to_block(to);
        let logs = match self.provider.get_logs(&filter).await {
            Ok(logs) => logs,
            Err(error) => {
                // Nodes refuse ranges with too many logs: ask for fewer blocks next time, so
                // no range can hold the watcher back for good.
                self.span = (span / 2).max(1);
                return Err(error.into());
            }
        };
        self.span = span.saturating_mul(2).min(max_span);
        let count = logs.len();
        self.accept(from, to, logs)?;
        tracing::debug!(target: "l1::watcher", from, to, logs = count, "read bridge logs");
        self.next_block = to.saturating_add(1);
        Ok(true)
    }

    /// Pushes the events of the logs of blocks `from..=to` that were not delivered yet, in
    /// chain order. Skips (with a warning naming it) a log without a block number or log index
    /// (pending: it is read again once it is in a block), one outside the range, a removed one
    /// that was never delivered, and one that does not decode. Fails, and stops the watcher,
    /// on a removed log at or before the delivered position.
    fn accept(&mut self, from: u64, to: u64, logs: Vec<Log>) -> Result<(), L1Error> {
        let mut positioned = Vec::with_capacity(logs.len());
        for log in logs {
            let (Some(block), Some(index)) = (log.block_number, log.log_index) else {
                tracing::warn!(
                    target: "l1::watcher",
                    block = ?log.block_number,
                    log_index = ?log.log_index,
                    topic0 = %topic0(&log),
                    "skipping a bridge log without a block number or log index (pending): it is read once it is in a block"
                );
                continue;
            };
            // A removed log is checked against the delivered position wherever it is.
            if !log.removed && !(from..=to).contains(&block) {
                tracing::warn!(
                    target: "l1::watcher",
                    block, log_index = index, topic0 = %topic0(&log), from, to,
                    "skipping a bridge log outside the requested blocks"
                );
                continue;
            }
            positioned.push((LogPosition { block, index }, log));
        }
        positioned.sort_by_key(|(position, _)| *position);

        let delivered_before = self.delivered;
        let removed_delivered = positioned
            .iter()
            .find(|(position, log)| log.removed && Some(*position) <= delivered_before);
        if let Some((position, log)) = removed_delivered {
            let removed = RemovedLog {
                block: position.block,
                index: position.index,
                topic0: topic0(log),
            };
            tracing::error!(target: "l1::watcher", error = %removed, "the bridge's events diverged from what was delivered");
            let error = removed.error();
            self.diverged = Some(removed);
            return Err(error);
        }

        for (position, log) in positioned {
            let (block, log_index) = (position.block, position.index);
            if log.removed {
                tracing::warn!(
                    target: "l1::watcher",
                    block, log_index, topic0 = %topic0(&log),
                    "skipping a bridge log removed by a reorganisation (not delivered)"
                );
                continue;
            }
            if self
                .delivered
                .is_some_and(|delivered| position <= delivered)
            {
                tracing::debug!(target: "l1::watcher", block, log_index, "skipping a bridge log already delivered");
                continue;
            }
            match decode(&log) {
                Ok(event) => {
                    self.pending.push_back(WatchedEvent {
                        block_number: block,
                        log_index,
                        transaction_hash: log.transaction_hash.unwrap_or_default(),
                        event,
                    });
                    self.delivered = Some(position);
                }
                Err(error) => tracing::warn!(
                    target: "l1::watcher",
                    block, log_index, topic0 = %topic0(&log), %error,
                    "skipping a bridge log that does not decode (another version's event?)"
                ),
            }
        }
        Ok(())
    }

    /// The events as a stream (it never ends; errors are items, and the stream goes on).
    pub fn into_stream(self) -> impl Stream<Item = Result<WatchedEvent, L1Error>> {
        futures::stream::unfold(self, |mut watcher| async move {
            let item = watcher.next_event().await;
            Some((item, watcher))
        })
    }
}

/// A log's first topic (its event signature), for warnings.
fn topic0(log: &Log) -> String {
    log.topic0()
        .map_or_else(|| "none".to_owned(), ToString::to_string)
}

/// The event a bridge log carries; an error for a log of unknown shape or with a value
/// hyperforge does not accept.
fn decode(log: &Log) -> Result<L1Event, L1Error> {
    let decoded = BridgeEvents::decode_log(&log.inner)?;
    let event = match decoded.data {
        BridgeEvents::ChainRegistered(e) => L1Event::ChainRegistered {
            chain_id: ChainId::new(e.chainId)?,
            genesis_root: digest_from_b256(&e.genesisRoot)?,
            admin: e.admin,
            genesis_balance: Amount::from_gwei(e.genesisBalanceGwei),
        },
        BridgeEvents::DepositQueued(e) => L1Event::PriorityOp {
            chain_id: ChainId::new(e.chainId)?,
            index: e.index,
            op: PriorityOp::Deposit {
                l1_sender: e.l1Sender,
                recipient: e.l2Recipient,
                amount: Amount::from_gwei(e.amountGwei),
            },
            commitment: digest_from_b256(&e.commitment)?,
        },
        BridgeEvents::KeyRegistrationQueued(e) => L1Event::PriorityOp {
            chain_id: ChainId::new(e.chainId)?,
            index: e.index,
            op: PriorityOp::RegisterKey {
                account: e.l1Sender,
                pubkey_hash: digest_from_b256(&e.l2PubKeyHash)?,
            },
            commitment: digest_from_b256(&e.commitment)?,
        },
        BridgeEvents::BatchSettled(e) => L1Event::BatchSettled {
            chain_id: ChainId::new(e.chainId)?,
            batch_number: e.batchNumber,
            new_state_root: digest_from_b256(&e.newStateRoot)?,
            outbox_root: digest_from_b256(&e.outboxRoot)?,
            priority_head: e.priorityHead,
            import_head: e.importHead,
        },
        BridgeEvents::MessageRootAppended(e) => L1Event::MessageRootAppended {
            index: e.index,
            chain_id: ChainId::new(e.chainId)?,
            batch_number: e.batchNumber,
            outbox_root: digest_from_b256(&e.outboxRoot)?,
            commitment: digest_from_b256(&e.commitment)?,
        },
        BridgeEvents::WithdrawalFinalized(e) => L1Event::WithdrawalFinalized {
            chain_id: ChainId::new(e.chainId)?,
            batch_number: e.batchNumber,
            leaf_index: e.leafIndex.saturating_to(),
            l1_recipient: e.l1Recipient,
            amount: Amount::from_gwei(e.amountGwei),
        },
    };
    Ok(event)
}
