//! Admission: a submitted transaction, from its hex to its answered hash. Cheap checks first,
//! then a bounded signature check and the mempool's rules on the blocking pool, then the
//! persister's write, whose outcome the answer waits for.

use std::sync::{Arc, mpsc};

use hyperforge_execution::VerifiedTx;
use hyperforge_primitives::tx::{DEFAULT_MAX_PAYLOAD, SignedTx};
use hyperforge_state::StateError;
use tokio::sync::watch;

use crate::{
    error::AdmissionError,
    mempool::{Admitted, Durability},
    persister::complete_persist,
    shared::{AdmitRequest, PersistRequest, Shared},
};

/// Most submissions the admitter takes the mempool's lock for at once.
const MAX_ADMIT_GROUP: usize = 1024;

/// The admitter: the one thread through which admission takes the mempool's lock. It takes
/// the lock once for every submission waiting (a group), applies the mempool's rules against
/// the committed state, queues the writes of the new ones, and answers each. One thread, so
/// admissions never convoy on the lock, and never on the async executor. It ends when the
/// last sender is dropped.
pub(crate) fn run_admitter(shared: &Shared, requests: &mpsc::Receiver<AdmitRequest>) {
    while let Ok(first) = requests.recv() {
        let mut group = vec![first];
        while group.len() < MAX_ADMIT_GROUP {
            match requests.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(group.len());
        {
            let mut pool = shared.mempool();
            let store = shared.store();
            for request in group {
                let sender = request.verified.tx().body.from;
                let admitted = (|| {
                    let account = match store.account_index(&sender)? {
                        Some(index) => store.account(index)?,
                        None => None,
                    };
                    pool.admit(request.verified, account.as_ref())
                })();
                answers.push((admitted, request.bytes, request.reply));
            }
            shared.metrics.mempool_size.set(pool.len() as i64);
        }
        for (admitted, bytes, reply) in answers {
            let answer = admitted.map(|admitted| shared.queue_write(admitted, bytes));
            let _ = reply.send(answer);
        }
    }
}

impl Shared {
    /// Admits a transaction: decode, check signature and rules, persist, then answer its hash.
    pub(crate) async fn admit(self: &Arc<Self>, raw: &str) -> Result<[u8; 32], AdmissionError> {
        let result = self.admit_inner(raw).await;
        match &result {
            Ok(_) => {
                self.metrics.txs_accepted.inc();
            }
            Err(error) => {
                self.metrics
                    .txs_rejected
                    .get_or_create(&crate::metrics::ReasonLabel {
                        reason: error.reason(),
                    })
                    .inc();
            }
        }
        result
    }

    async fn admit_inner(self: &Arc<Self>, raw: &str) -> Result<[u8; 32], AdmissionError> {
        if self.is_shutting_down() {
            return Err(AdmissionError::ShuttingDown);
        }
        let max = self.config.sequencer.max_tx_bytes as usize;
        let digits = raw.strip_prefix("0x").unwrap_or(raw);
        if digits.len() / 2 > max {
            return Err(AdmissionError::Oversized {
                len: digits.len() / 2,
                max,
            });
        }
        let bytes = alloy_primitives::hex::decode(digits)
            .map_err(|error| AdmissionError::Malformed(format!("not hex: {error}")))?;
        let tx = SignedTx::decode(&bytes, DEFAULT_MAX_PAYLOAD)?;
        if tx.body.chain_id != self.chain_id {
            return Err(AdmissionError::WrongChain {
                expected: self.chain_id,
                got: tx.body.chain_id,
            });
        }
        // A bounded number of admissions on the blocking pool: beyond it, a clear "busy".
        let permit = self
            .verifications
            .clone()
            .try_acquire_owned()
            .map_err(|_| AdmissionError::Busy {
                max: self.config.sequencer.max_pending_verifications as usize,
            })?;
        // The signature on the blocking pool (no lock held), after the cheap checks.
        let shared = self.clone();
        let verified = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            shared.precheck(&tx)?;
            Ok::<_, AdmissionError>(Arc::new(VerifiedTx::verify(tx)?))
        })
        .await
        .map_err(|error| AdmissionError::Malformed(format!("admission task: {error}")))??;
        let id = verified.id();
        // The mempool's rules on the admitter thread, which takes the lock once for many.
        let (reply, answer) = tokio::sync::oneshot::channel();
        let request = AdmitRequest {
            verified,
            bytes,
            reply,
        };
        let sent = match self
            .admit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            Some(admitter) => admitter.send(request).is_ok(),
            None => false,
        };
        if !sent {
            return Err(AdmissionError::ShuttingDown);
        }
        let mut durability = answer.await.map_err(|_| AdmissionError::ShuttingDown)??;
        // The persister publishes every outcome; a closed channel means it is gone.
        let outcome = durability
            .wait_for(|state| *state != Durability::Persisting)
            .await
            .map(|state| state.clone())
            .unwrap_or(Durability::Failed("the persister stopped".into()));
        match outcome {
            Durability::Durable => Ok(id),
            Durability::Failed(reason) => Err(AdmissionError::Storage(StateError::Corrupt(
                format!("the transaction could not be stored: {reason}"),
            ))),
            Durability::Persisting => unreachable!("waited for another state"),
        }
    }
}

impl Shared {
    /// Starts the admitter thread (see [`run_admitter`]).
    pub(crate) fn start_admitter(self: &Arc<Self>) -> std::io::Result<std::thread::JoinHandle<()>> {
        let (admit, requests) = mpsc::channel();
        *self.admit.lock().unwrap_or_else(|e| e.into_inner()) = Some(admit);
        let shared = self.clone();
        std::thread::Builder::new()
            .name("admitter".into())
            .spawn(move || run_admitter(&shared, &requests))
    }

    /// Queues the write of a new reservation (or, if the persister is gone, releases it as
    /// failed); returns where the outcome appears.
    fn queue_write(&self, admitted: Admitted, bytes: Vec<u8>) -> watch::Receiver<Durability> {
        match admitted {
            Admitted::New { seq, durability } => {
                let waiting = durability.subscribe();
                let request = PersistRequest {
                    seq,
                    bytes,
                    durability,
                };
                let unsent = match self
                    .persist
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                {
                    Some(persist) => persist.send(request).err().map(|error| error.0),
                    None => Some(request),
                };
                if let Some(request) = unsent {
                    complete_persist(self, vec![request], &Err("the persister stopped".into()));
                }
                waiting
            }
            // The same transaction again: answer as the first submission's write turns out.
            Admitted::Known(waiting) => waiting,
        }
    }

    /// The checks that cost no signature verification: the sender has an account, its
    /// registered key is the transaction's, and the nonce is not used. The mempool checks
    /// them again, with the rest, under its lock.
    fn precheck(&self, tx: &SignedTx) -> Result<(), AdmissionError> {
        let store = self.store();
        let sender = tx.body.from;
        let account = match store.account_index(&sender)? {
            Some(index) => store.account(index)?,
            None => None,
        }
        .ok_or(AdmissionError::UnknownAccount(sender))?;
        let key_hash =
            hyperforge_crypto::PublicKey::hash_of_bytes(&tx.pubkey).map_err(|error| {
                AdmissionError::BadSignature(format!("bad signature: public key: {error}"))
            })?;
        if !account.has_key() || account.pubkey_hash != key_hash {
            return Err(AdmissionError::UnregisteredKey(sender));
        }
        if tx.body.nonce < account.nonce {
            return Err(AdmissionError::NonceTooLow {
                next: account.nonce,
                got: tx.body.nonce,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use hyperforge_config::{ChainConfigLoader, Overrides};
    use hyperforge_execution::test_utils::transfer;
    use std::{sync::mpsc, time::Duration};

    use hyperforge_primitives::{ChainId, dev::ACCOUNTS};

    use super::*;
    use crate::Sequencer;

    /// Alpha's sequencer with a persister the test plays itself.
    fn open_with_manual_persister(dir: &Path) -> (Arc<Shared>, mpsc::Receiver<PersistRequest>) {
        open_with(dir, &[])
    }

    fn open_with(dir: &Path, flags: &[&str]) -> (Arc<Shared>, mpsc::Receiver<PersistRequest>) {
        let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha");
        let mut overrides = Overrides::new();
        for flag in flags {
            overrides.parse_flag(flag).unwrap();
        }
        let config = ChainConfigLoader::new(chain)
            .with_env(false)
            .with_overrides(overrides)
            .load()
            .unwrap();
        let sequencer = Sequencer::open(config, dir).unwrap();
        let (persist, requests) = mpsc::channel();
        *sequencer.shared.persist.lock().unwrap() = Some(persist);
        sequencer.shared.start_admitter().unwrap();
        (sequencer.shared, requests)
    }

    fn raw(nonce: u32) -> String {
        let tx = transfer(0, nonce, ACCOUNTS[1].address, 5, ChainId::new(270).unwrap());
        format!("0x{}", alloy_primitives::hex::encode(tx.encode()))
    }

    /// Submits `raw` twice, the second while the first is being persisted; returns both
    /// submissions and the first's write request.
    async fn submit_twice(
        shared: &Arc<Shared>,
        requests: &mpsc::Receiver<PersistRequest>,
        raw: &str,
    ) -> (
        tokio::task::JoinHandle<Result<[u8; 32], AdmissionError>>,
        tokio::task::JoinHandle<Result<[u8; 32], AdmissionError>>,
        PersistRequest,
    ) {
        let submit = |raw: String| {
            let shared = shared.clone();
            tokio::spawn(async move { shared.admit(&raw).await })
        };
        let first = submit(raw.to_owned());
        let request = loop {
            if let Ok(request) = requests.try_recv() {
                break request;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let second = submit(raw.to_owned());
        // The resubmission verifies and finds the reservation, then waits for the write.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !first.is_finished() && !second.is_finished(),
            "no answer before the write"
        );
        assert!(
            requests.try_recv().is_err(),
            "the same transaction is written once"
        );
        (first, second, request)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_resubmission_is_answered_only_once_the_first_write_succeeded() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, requests) = open_with_manual_persister(dir.path());
        let (first, second, request) = submit_twice(&shared, &requests, &raw(0)).await;
        shared
            .store()
            .put_pending_batch(&[(request.seq, request.bytes.clone())])
            .unwrap();
        complete_persist(&shared, vec![request], &Ok(()));
        let (first, second) = (
            first.await.unwrap().unwrap(),
            second.await.unwrap().unwrap(),
        );
        assert_eq!(first, second);
        assert_eq!(shared.mempool().is_persisted(&first), Some(true));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn admission_beyond_the_verification_bound_is_refused_as_busy() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, requests) = open_with_manual_persister(dir.path());
        let permits = shared.config.sequencer.max_pending_verifications as usize;
        let held = shared
            .verifications
            .clone()
            .try_acquire_many_owned(permits as u32)
            .unwrap();
        let error = shared.admit(&raw(0)).await.unwrap_err();
        assert!(
            matches!(error, AdmissionError::Busy { max } if max == permits),
            "{error}"
        );
        assert_eq!(error.code(), crate::api::codes::BUSY);
        assert!(shared.mempool().is_empty(), "nothing reserved");
        drop(held);
        let submission = tokio::spawn({
            let shared = shared.clone();
            async move { shared.admit(&raw(0)).await }
        });
        let request = loop {
            if let Ok(request) = requests.try_recv() {
                break request;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        complete_persist(&shared, vec![request], &Ok(()));
        submission.await.unwrap().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_cheap_checks_refuse_before_the_signature_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _requests) = open_with_manual_persister(dir.path());
        // A stranger's transaction with a garbage signature: refused as an unknown account,
        // the check that needs no signature verification.
        let mut tx = hyperforge_execution::test_utils::transfer(
            0,
            0,
            ACCOUNTS[1].address,
            5,
            ChainId::new(270).unwrap(),
        );
        tx.body.from = hyperforge_primitives::Address::with_last_byte(0x99);
        tx.signature = [0; hyperforge_primitives::tx::SIGNATURE_LEN];
        let raw = format!("0x{}", alloy_primitives::hex::encode(tx.encode()));
        let error = shared.admit(&raw).await.unwrap_err();
        assert!(
            matches!(error, AdmissionError::UnknownAccount(_)),
            "{error}"
        );
    }

    /// Admits `raw` through `shared` and plays the persister's successful write.
    async fn admit_durably(
        shared: &Arc<Shared>,
        requests: &mpsc::Receiver<PersistRequest>,
        raw: &str,
    ) -> Result<[u8; 32], AdmissionError> {
        let submission = tokio::spawn({
            let (shared, raw) = (shared.clone(), raw.to_owned());
            async move { shared.admit(&raw).await }
        });
        loop {
            if submission.is_finished() {
                return submission.await.unwrap();
            }
            if let Ok(request) = requests.try_recv() {
                shared
                    .store()
                    .put_pending_batch(&[(request.seq, request.bytes.clone())])
                    .unwrap();
                complete_persist(shared, vec![request], &Ok(()));
                return submission.await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_per_sender_cap_holds_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let flags = ["sequencer.mempool_max_per_account=2"];
        {
            let (shared, requests) = open_with(dir.path(), &flags);
            for nonce in 0..2 {
                admit_durably(&shared, &requests, &raw(nonce))
                    .await
                    .unwrap();
            }
            // Stop the admitter, so that the store (and its lock) closes with `shared`.
            shared.admit.lock().unwrap().take();
            while Arc::strong_count(&shared) > 1 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        let (shared, requests) = open_with(dir.path(), &flags);
        assert_eq!(shared.mempool().len(), 2, "both restored");
        let error = admit_durably(&shared, &requests, &raw(2))
            .await
            .unwrap_err();
        assert!(
            matches!(error, AdmissionError::AccountLimit { max: 2, .. }),
            "{error}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_submission_whose_write_failed_is_never_answered_with_a_hash() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, requests) = open_with_manual_persister(dir.path());
        let (first, second, request) = submit_twice(&shared, &requests, &raw(0)).await;
        complete_persist(&shared, vec![request], &Err("disk full".into()));
        for submission in [first, second] {
            let error = submission.await.unwrap().unwrap_err();
            assert!(
                matches!(error, AdmissionError::Storage(_))
                    && error.to_string().contains("disk full"),
                "{error}"
            );
        }
        assert!(shared.mempool().is_empty(), "the reservation was released");
        assert!(shared.store().pending().unwrap().is_empty());
    }
}
