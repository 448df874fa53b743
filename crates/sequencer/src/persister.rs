//! The persister: a thread that writes reserved transactions to the store's pending column in
//! synced groups (group commit) and publishes each write's outcome on its durability channel,
//! after updating the mempool.

use std::sync::mpsc;
use std::time::Duration;

use crate::{
    mempool::Durability,
    shared::{PersistRequest, Shared},
};

/// Most pending transactions written in one synced batch.
const MAX_GROUP_COMMIT: usize = 4096;

/// Publishes the outcome of writing `requests`: durable ones become block candidates, failed
/// ones are released; then every submission waiting on them answers. The mempool is updated
/// before anyone is told, so a hash is never answered for a transaction that is not durable.
pub(crate) fn complete_persist(
    shared: &Shared,
    requests: Vec<PersistRequest>,
    result: &Result<(), String>,
) {
    {
        let mut pool = shared.mempool();
        for request in &requests {
            match result {
                Ok(()) => pool.mark_persisted(request.seq),
                Err(_) => {
                    pool.release(request.seq);
                }
            }
        }
        shared.metrics.mempool_size.set(pool.len() as i64);
    }
    let outcome = match result {
        Ok(()) => Durability::Durable,
        Err(reason) => Durability::Failed(reason.clone()),
    };
    for request in requests {
        request.durability.send_replace(outcome.clone());
    }
}

pub(crate) fn run_persister(shared: &Shared, requests: &mpsc::Receiver<PersistRequest>) {
    loop {
        let first = match requests.recv_timeout(Duration::from_millis(50)) {
            Ok(request) => request,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut group = vec![first];
        while group.len() < MAX_GROUP_COMMIT {
            match requests.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        let rows: Vec<(u64, Vec<u8>)> = group
            .iter_mut()
            .map(|request| (request.seq, std::mem::take(&mut request.bytes)))
            .collect();
        let result = shared
            .store()
            .put_pending_batch(&rows)
            .map_err(|error| format!("persisting failed: {error}"));
        if let Err(error) = &result {
            tracing::error!(%error, count = rows.len(), "pending transactions could not be stored");
        }
        complete_persist(shared, group, &result);
    }
}
