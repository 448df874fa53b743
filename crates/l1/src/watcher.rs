//! [`L1Watcher`]: the bridge's events as a stream, each reported once its block is
//! `confirmations` blocks deep.
//!
//! The watcher polls `eth_blockNumber` and `eth_getLogs` (HTTP is enough, no subscription) and
//! yields events in chain order: registrations (with the genesis backing), priority operations
//! per chain (with the queue's rolling commitment), settled batches (with the chain's priority
//! and import heads after them), the outbox roots appended to the bridge's message root queue
//! (with the queue's commitment after each), finalized withdrawals. A sequencer consumes
//! priority operations and message roots from it, the roots in queue order, which is the
//! order in which its chain must import them. Reorganisations deeper than the confirmation
//! depth are not handled: choose the depth accordingly.

use std::{collections::VecDeque, time::Duration};

use alloy::{
    primitives::Address,
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
    /// The event.
    pub event: L1Event,
}

/// Follows the bridge; turn it into a stream with [`L1Watcher::into_stream`].
#[derive(Debug)]
pub struct L1Watcher {
    provider: DynProvider,
    config: WatcherConfig,
    next_block: u64,
    pending: VecDeque<WatchedEvent>,
}

impl L1Watcher {
    /// A watcher reading through `provider`.
    pub fn new(provider: DynProvider, config: WatcherConfig) -> Self {
        let next_block = config.from_block;
        Self {
            provider,
            config,
            next_block,
            pending: VecDeque::new(),
        }
    }

    /// The next block the watcher will read.
    pub fn next_block(&self) -> u64 {
        self.next_block
    }

    /// The next confirmed event; waits (polling) until there is one. On an RPC error the
    /// same range is read again at the next call.
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

    /// Reads the next confirmed range into `pending`; false when there is none yet.
    async fn poll(&mut self) -> Result<bool, L1Error> {
        let head = self.provider.get_block_number().await?;
        let Some(confirmed) = head.checked_sub(self.config.confirmations) else {
            return Ok(false);
        };
        if confirmed < self.next_block {
            return Ok(false);
        }
        let to = confirmed.min(
            self.next_block
                .saturating_add(self.config.max_block_range.max(1) - 1),
        );
        let filter = Filter::new()
            .address(self.config.bridge)
            .from_block(self.next_block)
            .to_block(to);
        let logs = self.provider.get_logs(&filter).await?;
        for log in &logs {
            if let Some(event) = decode(log)? {
                self.pending.push_back(event);
            }
        }
        tracing::debug!(target: "l1::watcher", from = self.next_block, to, logs = logs.len(), "read bridge logs");
        self.next_block = to + 1;
        Ok(true)
    }

    /// The events as a stream (it never ends; errors are items, and the stream goes on).
    pub fn into_stream(self) -> impl Stream<Item = Result<WatchedEvent, L1Error>> {
        futures::stream::unfold(self, |mut watcher| async move {
            let item = watcher.next_event().await;
            Some((item, watcher))
        })
    }
}

fn decode(log: &Log) -> Result<Option<WatchedEvent>, L1Error> {
    let Ok(decoded) = BridgeEvents::decode_log(&log.inner) else {
        tracing::warn!(target: "l1::watcher", topics = ?log.topics(), "skipping a bridge log of unknown shape");
        return Ok(None);
    };
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
    Ok(Some(WatchedEvent {
        block_number: log.block_number.unwrap_or_default(),
        log_index: log.log_index.unwrap_or_default(),
        event,
    }))
}
