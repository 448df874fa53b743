//! Errors of the state store.

/// Why a state operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// RocksDB failed (I/O, corruption it detected, a lock held by another process, ...).
    #[error("rocksdb: {0}")]
    Db(#[from] rocksdb::Error),
    /// A batch record was to be updated before the batch was sealed.
    #[error("batch {0} is not sealed")]
    UnknownBatch(u64),
    /// A record did not decode: the database was written by something else, or is damaged.
    #[error("corrupt state record: {0}")]
    Corrupt(String),
    /// A commit does not follow the current head.
    #[error("block {got} does not follow the head block {head:?}")]
    OutOfOrder {
        /// The head's block number (`None` before genesis).
        head: Option<u64>,
        /// The committed block's number.
        got: u64,
    },
    /// An L1 queue record differs from the one stored under its queue index.
    #[error("{queue} {index} differs from the one stored under that index")]
    QueueConflict {
        /// Which queue.
        queue: &'static str,
        /// The index.
        index: u64,
    },
    /// L1 queue records must be stored in queue order, without gaps.
    #[error("{queue} {got} arrived before {expected}")]
    QueueGap {
        /// Which queue.
        queue: &'static str,
        /// The next index the store expects.
        expected: u64,
        /// The index given.
        got: u64,
    },
    /// The account tree is full.
    #[error("the account tree is full ({0} accounts)")]
    TreeFull(u64),
    /// A batch sealed on its own is not the next one, or does not end at the head block after
    /// the last sealed one.
    #[error(
        "batch {number} ending at block {last_block} does not follow batch {last_batch} (ending at block {last_batch_block}) with the head at block {head:?}"
    )]
    BatchOutOfOrder {
        /// The batch to seal.
        number: u64,
        /// Its last block.
        last_block: u64,
        /// The head's last sealed batch.
        last_batch: u64,
        /// That batch's last block.
        last_batch_block: u64,
        /// The head block (`None` before genesis).
        head: Option<u64>,
    },
}
