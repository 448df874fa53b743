//! The mempool: verified transactions waiting for a block, per sender in nonce order.
//!
//! Admission rules, each with its own error (and JSON-RPC code, see [`crate::api::codes`]):
//! the sender must have an account whose registered key signed; the nonce must be at least
//! the account's next nonce and at most `max_future_nonces` past the next nonce counting its
//! consecutive pending transactions (a bound on gaps, not on queue depth); one transaction per
//! (sender, nonce): **no replacement**, since L2 transactions pay no fee there is nothing to
//! outbid with, so the first one seen wins and sending the very same transaction again is
//! answered with its hash (idempotent retries); the balance must cover this transaction and
//! every pending one of the sender; at most `mempool_max_per_account` per sender and
//! `mempool_max_txs` in all.
//!
//! An admitted transaction is first *reserved* (it holds its nonce), then persisted, then
//! marked persisted: only persisted transactions go into blocks, so a block never holds a
//! transaction whose hash was not answered yet, and a transaction whose persisting failed is
//! released without trace. Each reservation carries a [`Durability`] channel: the persister
//! publishes the outcome of the write on it, and every submission of the same transaction
//! (the first and any resubmission that arrives meanwhile) waits for that outcome before it
//! answers: a hash is only ever answered once the transaction is durable.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use hyperforge_execution::VerifiedTx;
use hyperforge_primitives::{Address, Amount, tx::TxKind};
use hyperforge_state::Account;
use tokio::sync::watch;

use crate::error::AdmissionError;

/// The mempool's bounds (from `[sequencer]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MempoolLimits {
    /// Transactions in all.
    pub max_txs: usize,
    /// Transactions per sender.
    pub max_per_account: usize,
    /// How far past the account's next nonce a transaction may be.
    pub max_future_nonces: u32,
}

/// One pending transaction.
#[derive(Debug, Clone)]
pub struct PoolTx {
    /// Arrival sequence: its key in the store's pending column.
    pub seq: u64,
    /// The transaction, signature checked.
    pub tx: Arc<VerifiedTx>,
    /// What it takes from the sender's balance at most.
    pub debit: Amount,
    /// Whether it is durable (only durable ones go into blocks).
    pub persisted: bool,
    /// The outcome of its write, for resubmissions to wait on.
    pub durability: watch::Receiver<Durability>,
    /// When it arrived (for a transaction restored at start-up: when it was restored).
    pub arrived: Instant,
}

/// Where the write of a reserved transaction stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Durability {
    /// Being written.
    Persisting,
    /// Synced to the store: its hash may be answered.
    Durable,
    /// The write failed; the reservation was released. Why.
    Failed(String),
}

/// The result of a successful admission.
#[derive(Debug)]
pub enum Admitted {
    /// Newly reserved under this arrival sequence: persist it, then call
    /// [`Mempool::mark_persisted`] (or [`Mempool::release`] if persisting failed) and publish
    /// the outcome on `durability`.
    New {
        /// The arrival sequence.
        seq: u64,
        /// Where the outcome of the write goes.
        durability: watch::Sender<Durability>,
    },
    /// The same transaction is already pending, persisted or being persisted: wait for the
    /// outcome of its write before answering.
    Known(watch::Receiver<Durability>),
}

/// Pending transactions.
#[derive(Debug)]
pub struct Mempool {
    limits: MempoolLimits,
    by_sender: HashMap<Address, BTreeMap<u32, PoolTx>>,
    by_id: HashMap<[u8; 32], (Address, u32)>,
    order: BTreeMap<u64, (Address, u32)>,
    next_seq: u64,
}

/// What a transaction can take from its sender's balance.
pub fn debit_of(tx: &VerifiedTx) -> Amount {
    match &tx.tx().body.kind {
        TxKind::Transfer { amount, .. } | TxKind::Withdraw { amount, .. } => *amount,
        TxKind::SendMessage { value, .. } => *value,
        TxKind::ExecuteMessage { .. } => Amount::ZERO,
    }
}

impl Mempool {
    /// An empty mempool; arrival sequences start at `next_seq`.
    pub fn new(limits: MempoolLimits, next_seq: u64) -> Self {
        Self {
            limits,
            by_sender: HashMap::new(),
            by_id: HashMap::new(),
            order: BTreeMap::new(),
            next_seq,
        }
    }

    /// How many transactions are pending.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Whether the transaction with this id is pending.
    pub fn contains(&self, id: &[u8; 32]) -> bool {
        self.by_id.contains_key(id)
    }

    /// Whether the pending transaction with this id is durable yet; `None` if not pending.
    pub fn is_persisted(&self, id: &[u8; 32]) -> Option<bool> {
        self.get(id).map(|pool_tx| pool_tx.persisted)
    }

    /// The durability channel of the pending transaction with this id, if it is pending.
    pub fn durability(&self, id: &[u8; 32]) -> Option<watch::Receiver<Durability>> {
        self.get(id).map(|pool_tx| pool_tx.durability.clone())
    }

    fn get(&self, id: &[u8; 32]) -> Option<&PoolTx> {
        let (sender, nonce) = self.by_id.get(id)?;
        self.by_sender.get(sender).and_then(|txs| txs.get(nonce))
    }

    /// The sender's next nonce counting pending transactions: `committed` plus the run of
    /// consecutive pending nonces from it.
    pub fn pending_nonce(&self, sender: &Address, committed: u32) -> u32 {
        let mut next = committed;
        if let Some(txs) = self.by_sender.get(sender) {
            for nonce in txs.range(committed..).map(|(nonce, _)| *nonce) {
                if nonce != next {
                    break;
                }
                next = next.saturating_add(1);
            }
        }
        next
    }

    /// Checks `tx` against the sender's committed `account` and the pending transactions, and
    /// reserves it. Changes nothing when it fails.
    pub fn admit(
        &mut self,
        tx: Arc<VerifiedTx>,
        account: Option<&Account>,
    ) -> Result<Admitted, AdmissionError> {
        let body = &tx.tx().body;
        let sender = body.from;
        let nonce = body.nonce;
        if let Some(known) = self.get(&tx.id()) {
            return Ok(Admitted::Known(known.durability.clone()));
        }
        let account = account.ok_or(AdmissionError::UnknownAccount(sender))?;
        if !account.has_key() || account.pubkey_hash != tx.pubkey_hash() {
            return Err(AdmissionError::UnregisteredKey(sender));
        }
        if nonce < account.nonce {
            return Err(AdmissionError::NonceTooLow {
                next: account.nonce,
                got: nonce,
            });
        }
        // The bound is on the gap: a sender may queue any number of consecutive nonces (up
        // to its cap), but at most `max_future_nonces` past its next executable one.
        let next = self.pending_nonce(&sender, account.nonce);
        let limit = u64::from(next) + u64::from(self.limits.max_future_nonces);
        if u64::from(nonce) > limit {
            return Err(AdmissionError::NonceTooHigh {
                next,
                got: nonce,
                max_ahead: self.limits.max_future_nonces,
            });
        }
        let pending = self.by_sender.get(&sender);
        if let Some(other) = pending.and_then(|txs| txs.get(&nonce)) {
            return Err(AdmissionError::NonceTaken {
                nonce,
                pending: other.tx.id(),
            });
        }
        let pending_count = pending.map_or(0, BTreeMap::len);
        if pending_count >= self.limits.max_per_account {
            return Err(AdmissionError::AccountLimit {
                sender,
                max: self.limits.max_per_account,
            });
        }
        if self.len() >= self.limits.max_txs {
            return Err(AdmissionError::MempoolFull {
                max: self.limits.max_txs,
            });
        }
        let debit = debit_of(&tx);
        let pending_debits = pending
            .into_iter()
            .flat_map(BTreeMap::values)
            .try_fold(Amount::ZERO, |sum, pool_tx| sum.checked_add(pool_tx.debit));
        let need = pending_debits.and_then(|sum| sum.checked_add(debit));
        if need.is_none_or(|need| need > account.balance) {
            return Err(AdmissionError::InsufficientBalance {
                sender,
                have: account.balance,
                pending: pending_debits.unwrap_or(Amount::from_gwei(u64::MAX)),
                need: debit,
            });
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let (durability, waiting) = watch::channel(Durability::Persisting);
        self.insert(PoolTx {
            seq,
            tx,
            debit,
            persisted: false,
            durability: waiting,
            arrived: Instant::now(),
        });
        Ok(Admitted::New { seq, durability })
    }

    /// Puts back a transaction found in the store at start-up, already persisted under `seq`.
    pub fn restore(&mut self, seq: u64, tx: Arc<VerifiedTx>) {
        self.next_seq = self.next_seq.max(seq + 1);
        let debit = debit_of(&tx);
        let (_, durable) = watch::channel(Durability::Durable);
        self.insert(PoolTx {
            seq,
            tx,
            debit,
            persisted: true,
            durability: durable,
            arrived: Instant::now(),
        });
    }

    fn insert(&mut self, pool_tx: PoolTx) {
        let body = &pool_tx.tx.tx().body;
        let key = (body.from, body.nonce);
        self.by_id.insert(pool_tx.tx.id(), key);
        self.order.insert(pool_tx.seq, key);
        self.by_sender
            .entry(key.0)
            .or_default()
            .insert(key.1, pool_tx);
    }

    /// Marks a reserved transaction durable: from now on it may go into a block.
    pub fn mark_persisted(&mut self, seq: u64) {
        if let Some((sender, nonce)) = self.order.get(&seq)
            && let Some(pool_tx) = self
                .by_sender
                .get_mut(sender)
                .and_then(|txs| txs.get_mut(nonce))
        {
            pool_tx.persisted = true;
        }
    }

    /// Removes a transaction (persisting failed, or it was included or dropped).
    pub fn release(&mut self, seq: u64) -> Option<PoolTx> {
        let (sender, nonce) = self.order.remove(&seq)?;
        let txs = self.by_sender.get_mut(&sender)?;
        let pool_tx = txs.remove(&nonce)?;
        if txs.is_empty() {
            self.by_sender.remove(&sender);
        }
        self.by_id.remove(&pool_tx.tx.id());
        Some(pool_tx)
    }

    /// Persisted transactions that arrived more than `ttl` ago and still wait on a nonce gap:
    /// their nonce is past the sender's next nonce counting its consecutive pending ones from
    /// `committed(sender)`, its committed nonce. Oldest first.
    pub fn expired_future(
        &self,
        ttl: Duration,
        mut committed: impl FnMut(&Address) -> u32,
    ) -> Vec<u64> {
        let now = Instant::now();
        let mut expired = Vec::new();
        for (seq, (sender, nonce)) in &self.order {
            let Some(pool_tx) = self.by_sender.get(sender).and_then(|txs| txs.get(nonce)) else {
                continue;
            };
            // Arrival sequences grow with time: the rest arrived later.
            if now.duration_since(pool_tx.arrived) < ttl {
                break;
            }
            if pool_tx.persisted && *nonce > self.pending_nonce(sender, committed(sender)) {
                expired.push(*seq);
            }
        }
        expired
    }

    /// Up to `max` persisted transactions for the next block: senders in order of their
    /// earliest arrival, each sender's run of consecutive nonces from its lowest pending one.
    pub fn candidates(&self, max: usize) -> Vec<PoolTx> {
        let mut picked = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (sender, _) in self.order.values() {
            if picked.len() >= max {
                break;
            }
            if !seen.insert(*sender) {
                continue;
            }
            let Some(txs) = self.by_sender.get(sender) else {
                continue;
            };
            let mut expected = None;
            for (nonce, pool_tx) in txs {
                if picked.len() >= max
                    || !pool_tx.persisted
                    || expected.is_some_and(|expected| expected != *nonce)
                {
                    break;
                }
                picked.push(pool_tx.clone());
                expected = nonce.checked_add(1);
            }
        }
        picked
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_execution::test_utils::{dev_key, transfer};
    use hyperforge_primitives::{ChainId, dev::ACCOUNTS};

    use super::*;

    const LIMITS: MempoolLimits = MempoolLimits {
        max_txs: 8,
        max_per_account: 4,
        max_future_nonces: 3,
    };

    fn chain() -> ChainId {
        ChainId::new(270).unwrap()
    }

    fn account(index: usize, nonce: u32, gwei: u64) -> Account {
        let mut account = Account::new(ACCOUNTS[index].address);
        account.pubkey_hash = dev_key(index).public_key().hash();
        account.nonce = nonce;
        account.balance = Amount::from_gwei(gwei);
        account
    }

    fn tx(from: usize, nonce: u32, gwei: u64) -> Arc<VerifiedTx> {
        Arc::new(
            VerifiedTx::verify(transfer(from, nonce, ACCOUNTS[9].address, gwei, chain())).unwrap(),
        )
    }

    fn admit(pool: &mut Mempool, tx: Arc<VerifiedTx>, account: &Account) -> u64 {
        match pool.admit(tx, Some(account)).unwrap() {
            Admitted::New { seq, .. } => {
                pool.mark_persisted(seq);
                seq
            }
            Admitted::Known(_) => panic!("new transaction reported as known"),
        }
    }

    #[test]
    fn rejections_name_the_rule() {
        let mut pool = Mempool::new(LIMITS, 0);
        let alice = account(0, 5, 100);
        assert!(matches!(
            pool.admit(tx(0, 5, 1), None),
            Err(AdmissionError::UnknownAccount(_))
        ));
        let mut keyless = alice;
        keyless.pubkey_hash = Default::default();
        assert!(matches!(
            pool.admit(tx(0, 5, 1), Some(&keyless)),
            Err(AdmissionError::UnregisteredKey(_))
        ));
        assert!(matches!(
            pool.admit(tx(1, 5, 1), Some(&alice)),
            Err(AdmissionError::UnregisteredKey(_))
        ));
        assert!(matches!(
            pool.admit(tx(0, 4, 1), Some(&alice)),
            Err(AdmissionError::NonceTooLow { next: 5, got: 4 })
        ));
        assert!(matches!(
            pool.admit(tx(0, 9, 1), Some(&alice)),
            Err(AdmissionError::NonceTooHigh {
                next: 5,
                got: 9,
                ..
            })
        ));
        assert!(matches!(
            pool.admit(tx(0, 5, 101), Some(&alice)),
            Err(AdmissionError::InsufficientBalance { .. })
        ));
        assert!(pool.is_empty(), "no rejection leaves anything behind");
    }

    #[test]
    fn the_first_transaction_for_a_nonce_wins_and_resending_it_is_idempotent() {
        let mut pool = Mempool::new(LIMITS, 0);
        let alice = account(0, 0, 100);
        let first = tx(0, 0, 1);
        admit(&mut pool, first.clone(), &alice);
        assert!(matches!(
            pool.admit(first, Some(&alice)).unwrap(),
            Admitted::Known(_)
        ));
        assert!(matches!(
            pool.admit(tx(0, 0, 2), Some(&alice)),
            Err(AdmissionError::NonceTaken { nonce: 0, .. })
        ));
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn pending_debits_count_against_the_balance() {
        let mut pool = Mempool::new(LIMITS, 0);
        let alice = account(0, 0, 10);
        admit(&mut pool, tx(0, 0, 6), &alice);
        assert!(matches!(
            pool.admit(tx(0, 1, 5), Some(&alice)),
            Err(AdmissionError::InsufficientBalance { .. })
        ));
        admit(&mut pool, tx(0, 1, 4), &alice);
    }

    #[test]
    fn the_future_bound_is_on_the_gap_past_the_pending_run() {
        let limits = MempoolLimits {
            max_txs: 100,
            max_per_account: 100,
            max_future_nonces: 2,
        };
        let mut pool = Mempool::new(limits, 0);
        let alice = account(0, 0, 100);
        for nonce in 0..6 {
            admit(&mut pool, tx(0, nonce, 1), &alice);
        }
        admit(&mut pool, tx(0, 8, 1), &alice);
        assert!(matches!(
            pool.admit(tx(0, 9, 1), Some(&alice)),
            Err(AdmissionError::NonceTooHigh {
                next: 6,
                got: 9,
                max_ahead: 2
            })
        ));
    }

    #[test]
    fn caps_per_account_and_in_all() {
        let limits = MempoolLimits {
            max_txs: 5,
            max_per_account: 2,
            max_future_nonces: 10,
        };
        let mut pool = Mempool::new(limits, 0);
        let alice = account(0, 0, 100);
        admit(&mut pool, tx(0, 0, 1), &alice);
        admit(&mut pool, tx(0, 1, 1), &alice);
        assert!(matches!(
            pool.admit(tx(0, 2, 1), Some(&alice)),
            Err(AdmissionError::AccountLimit { max: 2, .. })
        ));
        for from in 1..=3 {
            let sender = account(from, 0, 100);
            if pool.len() < 5 {
                admit(&mut pool, tx(from, 0, 1), &sender);
            } else {
                assert!(matches!(
                    pool.admit(tx(from, 0, 1), Some(&sender)),
                    Err(AdmissionError::MempoolFull { max: 5 })
                ));
            }
        }
        assert_eq!(pool.len(), 5);
    }

    #[test]
    fn candidates_follow_arrival_and_nonce_order_and_skip_gaps_and_unpersisted() {
        let mut pool = Mempool::new(LIMITS, 0);
        let alice = account(0, 0, 100);
        let bob = account(1, 0, 100);
        admit(&mut pool, tx(0, 1, 1), &alice);
        admit(&mut pool, tx(1, 0, 1), &bob);
        admit(&mut pool, tx(0, 0, 1), &alice);
        admit(&mut pool, tx(0, 3, 1), &alice);
        let unpersisted = pool.admit(tx(1, 1, 1), Some(&bob)).unwrap();
        let picked: Vec<_> = pool
            .candidates(10)
            .iter()
            .map(|pool_tx| (pool_tx.tx.tx().body.from, pool_tx.tx.tx().body.nonce))
            .collect();
        let (a, b) = (ACCOUNTS[0].address, ACCOUNTS[1].address);
        assert_eq!(picked, vec![(a, 0), (a, 1), (b, 0)]);
        assert_eq!(pool.candidates(1).len(), 1);
        assert_eq!(pool.pending_nonce(&a, 0), 2);
        assert_eq!(pool.pending_nonce(&b, 0), 2);
        if let Admitted::New { seq, .. } = unpersisted {
            assert!(pool.release(seq).is_some());
        }
        assert_eq!(pool.pending_nonce(&b, 0), 1);
    }
}
