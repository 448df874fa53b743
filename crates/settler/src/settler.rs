//! [`Settler`]: rounds of read the bridge, collect proven batches, check them, aggregate,
//! verify, settle.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use hyperforge_circuits::recursion::{BatchProof, FinalProof, RecursionCircuits};
use hyperforge_l1::{BridgeClient, ChainState, TxOutcome, VerifierKind};
use hyperforge_primitives::{
    ChainId,
    bridge::{BatchPublicInputs, settlement_commitment},
};

use url::Url;

use crate::aggregate::{Aggregator, bridge_proof};
use crate::checks::{BridgeView, ChainView, Pool, Refusal, check_chain, verify_batch_proof};
use crate::error::{BatchRef, SettlerError, list};
use crate::metrics::{ChainLabel, RefusalLabel, RevertLabel, SettlerMetrics};
use crate::source::{ProvenBatch, ProvenBatches};

/// How the settler paces itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlerConfig {
    /// Once one chain has a proven batch ready, how long to wait for the others before
    /// settling the ready ones (`settle_interval_ms`).
    pub settle_interval: Duration,
    /// How often sources are asked again while nothing (or not everything) is ready.
    pub poll_interval: Duration,
    /// Consecutive batches of one chain in one settlement, at most.
    pub max_batches_per_chain: usize,
    /// Batches in one settlement, at most (each costs the bridge about 300k gas).
    pub max_batches: usize,
    /// The first pause after a failed round (L1 down, a revert); doubled after each
    /// further failure up to [`Self::max_backoff`], reset by a round that succeeds.
    pub min_backoff: Duration,
    /// The longest pause after failed rounds.
    pub max_backoff: Duration,
    /// The bridge's verifier: which encoding `settle`'s proof bytes take ([`bridge_proof`]).
    pub verifier: VerifierKind,
}

impl Default for SettlerConfig {
    fn default() -> Self {
        Self {
            settle_interval: Duration::from_secs(10),
            poll_interval: Duration::from_secs(1),
            max_batches_per_chain: 4,
            max_batches: 16,
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            verifier: VerifierKind::Plonky2,
        }
    }
}

/// The L1 account that settles and the bridge it settles into.
#[derive(Debug, Clone)]
pub struct L1Connection {
    /// The L1's JSON-RPC URL.
    pub url: Url,
    /// The bridge's `settler` account.
    pub signer: PrivateKeySigner,
    /// The bridge.
    pub bridge: Address,
}

impl L1Connection {
    /// A fresh client: its provider fetches the account's nonce anew on its first send.
    pub fn client(&self) -> BridgeClient {
        BridgeClient::connect(self.url.clone(), self.signer.clone(), self.bridge)
    }
}

/// A settlement that was mined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// The batches, in settlement order.
    pub batches: Vec<BatchRef>,
    /// Their public inputs.
    pub inputs: Vec<BatchPublicInputs>,
    /// The `settle` transaction.
    pub outcome: TxOutcome,
    /// How long the aggregation took.
    pub aggregation: Duration,
}

/// How a round ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundOutcome {
    /// No chain had a proven batch after the bridge's last.
    Idle,
    /// Every candidate was refused.
    AllRefused,
    /// The bridge moved for these chains between the round's start and the send (another
    /// settler): nothing was sent; the next round starts from the bridge's new state.
    Superseded(Vec<ChainId>),
    /// One `settle` was mined.
    Settled(Settlement),
}

/// What a round did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundReport {
    /// The batches refused before aggregation, each with its check.
    pub refusals: Vec<Refusal>,
    /// How it ended.
    pub outcome: RoundOutcome,
}

/// The settler of one bridge and a set of chains. It keeps no state of its own: every round
/// starts from what the bridge holds, so a restarted settler (even one killed between
/// sending and mining) goes on from there, never settling a batch twice (the bridge
/// refuses a replay) nor skipping one (it asks for the bridge's last + 1).
pub struct Settler {
    l1: L1Connection,
    bridge: BridgeClient,
    circuits: Arc<RecursionCircuits>,
    aggregator: Arc<dyn Aggregator>,
    sources: Vec<Arc<dyn ProvenBatches>>,
    config: SettlerConfig,
    metrics: Arc<SettlerMetrics>,
}

impl std::fmt::Debug for Settler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chains: Vec<ChainId> = self.sources.iter().map(|s| s.chain_id()).collect();
        f.debug_struct("Settler")
            .field("bridge", &self.bridge.address())
            .field("chains", &chains)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Settler {
    /// A settler of `sources`' chains (one source per chain; settlement order is this
    /// order) into `l1`'s bridge, checking batch proofs and final proofs with `circuits` and
    /// aggregating with them too (see [`Self::with_aggregator`]).
    pub fn new(
        l1: L1Connection,
        circuits: Arc<RecursionCircuits>,
        sources: Vec<Arc<dyn ProvenBatches>>,
        config: SettlerConfig,
    ) -> Result<Self, SettlerError> {
        let mut seen = std::collections::BTreeSet::new();
        for source in &sources {
            if !seen.insert(source.chain_id()) {
                return Err(SettlerError::DuplicateChain(source.chain_id()));
            }
        }
        Ok(Self {
            bridge: l1.client(),
            l1,
            aggregator: circuits.clone(),
            circuits,
            sources,
            config,
            metrics: Arc::new(SettlerMetrics::default()),
        })
    }

    /// Aggregates with `aggregator` instead of the circuits in process (final proofs are
    /// still verified with the circuits before anything is sent).
    pub fn with_aggregator(mut self, aggregator: Arc<dyn Aggregator>) -> Self {
        self.aggregator = aggregator;
        self
    }

    /// Records into `metrics` (shared with a `/metrics` server).
    pub fn with_metrics(mut self, metrics: Arc<SettlerMetrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// The metrics.
    pub fn metrics(&self) -> &Arc<SettlerMetrics> {
        &self.metrics
    }

    /// The client the settler reads the bridge with.
    pub fn bridge(&self) -> &BridgeClient {
        &self.bridge
    }

    /// Runs rounds until `shutdown` completes: after a settlement the next round starts at
    /// once, after an idle one `poll_interval` later, after a failed one (L1 down, a revert,
    /// a refused final proof) with backoff. A round in progress is dropped at shutdown
    /// (aggregation on the blocking pool finishes in the background; a `settle` already
    /// sent is found on the bridge by the next start).
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut backoff = self.config.min_backoff;
        loop {
            let pause = tokio::select! {
                () = &mut shutdown => return,
                report = self.round() => match report {
                    Ok(report) => {
                        backoff = self.config.min_backoff;
                        match report.outcome {
                            RoundOutcome::Settled(_) | RoundOutcome::Superseded(_) => Duration::ZERO,
                            RoundOutcome::Idle | RoundOutcome::AllRefused => self.config.poll_interval,
                        }
                    }
                    Err(error) => {
                        tracing::error!(target: "settler::round", %error, retry_in_ms = backoff.as_millis() as u64, "round failed");
                        let pause = backoff;
                        backoff = (backoff * 2).min(self.config.max_backoff);
                        pause
                    }
                },
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// One round: read the bridge; collect each chain's next proven batches (waiting up to
    /// `settle_interval` for more chains once one is ready); check each batch (proof, public
    /// inputs, agreement with the bridge), refusing a chain's batches from the first that
    /// fails; aggregate the rest on the blocking pool; verify the final proof natively and
    /// check its commitment; check that the bridge has not moved; send `settle`.
    pub async fn round(&self) -> Result<RoundReport, SettlerError> {
        let result = self.round_inner().await;
        if let Err(SettlerError::L1(_)) = &result {
            self.metrics.l1_errors.inc();
        }
        result
    }

    async fn round_inner(&self) -> Result<RoundReport, SettlerError> {
        let states = self.read_states().await?;
        let ready = self.collect(&states).await;
        if ready.is_empty() {
            return Ok(RoundReport {
                refusals: Vec::new(),
                outcome: RoundOutcome::Idle,
            });
        }
        let view = self.read_view(&states, &ready).await?;

        let mut refusals = Vec::new();
        let mut accepted: Vec<(ProvenBatch, BatchProof)> = Vec::new();
        let mut pool = Pool {
            in_flight: view.in_flight.gwei(),
        };
        for (chain_id, batches) in ready {
            let Some(chain_view) = view.chains.get(&chain_id) else {
                continue;
            };
            let proofs = self.verify_proofs(&batches).await;
            let candidates = batches.into_iter().zip(proofs).collect();
            let (ok, refusal) = check_chain(chain_id, chain_view, &view, candidates, &mut pool);
            if let Some(refusal) = refusal {
                tracing::warn!(
                    target: "settler::checks",
                    chain = %chain_id,
                    batch = refusal.batch.batch_number,
                    check = refusal.check.name(),
                    detail = %refusal.detail,
                    settling_before = ok.len(),
                    "batch refused: the chain is skipped this round from this batch on"
                );
                self.metrics
                    .batches_refused
                    .get_or_create(&RefusalLabel {
                        chain: chain_id.get(),
                        check: refusal.check.name(),
                    })
                    .inc();
                refusals.push(refusal);
            }
            accepted.extend(ok);
        }
        if accepted.is_empty() {
            return Ok(RoundReport {
                refusals,
                outcome: RoundOutcome::AllRefused,
            });
        }

        let (batches, proofs): (Vec<ProvenBatch>, Vec<BatchProof>) = accepted.into_iter().unzip();
        let inputs: Vec<BatchPublicInputs> = batches.into_iter().map(|b| b.inputs).collect();
        let refs: Vec<BatchRef> = inputs
            .iter()
            .map(|inputs| BatchRef {
                chain_id: inputs.chain_id,
                batch_number: inputs.batch_number,
            })
            .collect();
        tracing::info!(target: "settler::round", batches = %list(&refs), "aggregating");
        let started = Instant::now();
        let final_proof = self.aggregate(proofs, &refs).await?;
        let aggregation = started.elapsed();
        self.metrics
            .aggregation_seconds
            .observe(aggregation.as_secs_f64());
        self.check_final(&final_proof, &inputs, &refs).await?;

        let moved = self.moved_since(&states, &refs).await?;
        if !moved.is_empty() {
            tracing::warn!(target: "settler::round", chains = ?moved, "the bridge moved while aggregating: nothing sent, starting over");
            return Ok(RoundReport {
                refusals,
                outcome: RoundOutcome::Superseded(moved),
            });
        }

        let proof = bridge_proof(
            self.config.verifier,
            &final_proof,
            &self.circuits.shrink.final_circuit.common,
            &inputs,
        )
        .map_err(|error| SettlerError::FinalProofRefused {
            batches: refs.clone(),
            problem: format!("it has no encoding for the bridge's verifier: {error}"),
        })?;
        // A client of its own for each send: alloy's providers cache the account's nonce,
        // and anything else sending from the settler's account (an `l1 register`, another
        // settler) would leave a long-lived one failing with "nonce too low" for ever.
        let outcome = match self.l1.client().settle(&inputs, proof).await {
            Ok(outcome) => outcome,
            Err(error) => {
                return Err(match error.revert_name() {
                    Some(name) => {
                        self.metrics
                            .settle_reverts
                            .get_or_create(&RevertLabel { error: name })
                            .inc();
                        SettlerError::Reverted {
                            name,
                            batches: refs,
                            error: Box::new(error),
                        }
                    }
                    None => SettlerError::from(error),
                });
            }
        };
        self.metrics.settlements_sent.inc();
        self.metrics.gas_used.inc_by(outcome.gas_used);
        for batch in &refs {
            self.metrics
                .batches_settled
                .get_or_create(&ChainLabel {
                    chain: batch.chain_id.get(),
                })
                .inc();
        }
        tracing::info!(
            target: "settler::round",
            batches = %list(&refs),
            tx = %outcome.hash,
            block = outcome.block_number,
            gas = outcome.gas_used,
            aggregation_s = aggregation.as_secs_f64(),
            "settled"
        );
        Ok(RoundReport {
            refusals,
            outcome: RoundOutcome::Settled(Settlement {
                batches: refs,
                inputs,
                outcome,
                aggregation,
            }),
        })
    }

    /// Every served chain's state on the bridge; an unregistered chain is left out (and
    /// logged: its batches could not settle).
    async fn read_states(&self) -> Result<BTreeMap<ChainId, ChainState>, SettlerError> {
        let mut states = BTreeMap::new();
        for source in &self.sources {
            let chain_id = source.chain_id();
            match self.bridge.chain(chain_id).await? {
                Some(state) => {
                    states.insert(chain_id, state);
                }
                None => {
                    tracing::warn!(target: "settler::round", chain = %chain_id, "the chain is not registered on the bridge: skipped");
                }
            }
        }
        Ok(states)
    }

    /// Each chain's run of proven batches after the bridge's last, in source order. Returns
    /// as soon as nothing at all is ready; once something is, asks the other chains again
    /// every `poll_interval` until all have a batch, `max_batches` are collected or
    /// `settle_interval` has passed.
    async fn collect(
        &self,
        states: &BTreeMap<ChainId, ChainState>,
    ) -> Vec<(ChainId, Vec<ProvenBatch>)> {
        let mut ready: BTreeMap<usize, Vec<ProvenBatch>> = BTreeMap::new();
        let mut deadline: Option<Instant> = None;
        let waiting = self
            .sources
            .iter()
            .filter(|source| states.contains_key(&source.chain_id()))
            .count();
        loop {
            let mut budget = self
                .config
                .max_batches
                .saturating_sub(ready.values().map(Vec::len).sum());
            for (index, source) in self.sources.iter().enumerate() {
                let Some(state) = states.get(&source.chain_id()) else {
                    continue;
                };
                if budget == 0 || ready.contains_key(&index) {
                    continue;
                }
                let limit = self.config.max_batches_per_chain.min(budget);
                let run = self
                    .fetch_run(source.as_ref(), state.batch_number, limit)
                    .await;
                if !run.is_empty() {
                    budget -= run.len();
                    ready.insert(index, run);
                }
            }
            if ready.is_empty() {
                break;
            }
            if ready.len() == waiting || budget == 0 {
                break;
            }
            let deadline =
                *deadline.get_or_insert_with(|| Instant::now() + self.config.settle_interval);
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            tokio::time::sleep(self.config.poll_interval.min(deadline - now)).await;
        }
        ready
            .into_iter()
            .map(|(index, run)| (self.sources[index].chain_id(), run))
            .collect()
    }

    /// Up to `limit` consecutive proven batches after `last`; a failing source ends the run
    /// (logged; the chain is asked again later).
    async fn fetch_run(
        &self,
        source: &dyn ProvenBatches,
        last: u64,
        limit: usize,
    ) -> Vec<ProvenBatch> {
        let mut run = Vec::new();
        let mut after = last;
        while run.len() < limit {
            match source.next_proven(after).await {
                Ok(Some(batch)) => {
                    run.push(batch);
                    after += 1;
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(target: "settler::source", chain = %source.chain_id(), batch = after + 1, %error, "cannot read the proven batch");
                    self.metrics
                        .source_errors
                        .get_or_create(&ChainLabel {
                            chain: source.chain_id().get(),
                        })
                        .inc();
                    break;
                }
            }
        }
        run
    }

    /// The bridge's commitments the candidates' checks need.
    async fn read_view(
        &self,
        states: &BTreeMap<ChainId, ChainState>,
        ready: &[(ChainId, Vec<ProvenBatch>)],
    ) -> Result<BridgeView, SettlerError> {
        let message_root_count = self.bridge.message_root_count().await?;
        let mut view = BridgeView {
            message_root_count,
            in_flight: self.bridge.in_flight().await?,
            ..BridgeView::default()
        };
        for (chain_id, batches) in ready {
            let Some(state) = states.get(chain_id) else {
                continue;
            };
            let (priority, imports) = BridgeView::needed(state, message_root_count, batches);
            let mut priority_commitments = BTreeMap::new();
            for n in priority {
                let commitment = self.bridge.priority_commitment(*chain_id, n).await?;
                priority_commitments.insert(n, commitment);
            }
            for n in imports {
                if let std::collections::btree_map::Entry::Vacant(entry) =
                    view.message_commitments.entry(n)
                {
                    entry.insert(self.bridge.message_commitment(n).await?);
                }
            }
            view.chains.insert(
                *chain_id,
                ChainView {
                    state: state.clone(),
                    priority_commitments,
                },
            );
        }
        Ok(view)
    }

    /// Decodes and verifies each batch proof on the blocking pool.
    async fn verify_proofs(&self, batches: &[ProvenBatch]) -> Vec<Result<BatchProof, String>> {
        let mut proofs = Vec::with_capacity(batches.len());
        for batch in batches {
            let circuits = self.circuits.clone();
            let bytes = batch.proof.clone();
            let verified =
                tokio::task::spawn_blocking(move || verify_batch_proof(&circuits.batch, &bytes))
                    .await
                    .unwrap_or_else(|error| Err(format!("the verification task failed: {error}")));
            proofs.push(verified);
        }
        proofs
    }

    async fn aggregate(
        &self,
        proofs: Vec<BatchProof>,
        refs: &[BatchRef],
    ) -> Result<FinalProof, SettlerError> {
        let aggregator = self.aggregator.clone();
        tokio::task::spawn_blocking(move || aggregator.aggregate(&proofs))
            .await?
            .map_err(|error| SettlerError::Aggregation {
                batches: refs.to_vec(),
                error,
            })
    }

    /// The final proof verifies natively and states the settlement commitment of
    /// `inputs`, the one the bridge recomputes; else nothing is sent.
    async fn check_final(
        &self,
        final_proof: &FinalProof,
        inputs: &[BatchPublicInputs],
        refs: &[BatchRef],
    ) -> Result<(), SettlerError> {
        let refused = |problem: String| SettlerError::FinalProofRefused {
            batches: refs.to_vec(),
            problem,
        };
        let commitment = settlement_commitment(inputs);
        if final_proof.0.public_inputs != commitment.elements {
            return Err(refused(
                "it states another settlement commitment than the batches'".into(),
            ));
        }
        let circuits = self.circuits.clone();
        let proof = final_proof.clone();
        tokio::task::spawn_blocking(move || circuits.shrink.verify(&proof))
            .await?
            .map_err(|error| refused(format!("it does not verify: {error}")))
    }

    /// The chains of `refs` whose last batch or state root on the bridge is no longer what
    /// the round started from.
    async fn moved_since(
        &self,
        states: &BTreeMap<ChainId, ChainState>,
        refs: &[BatchRef],
    ) -> Result<Vec<ChainId>, SettlerError> {
        let mut chains: Vec<ChainId> = refs.iter().map(|r| r.chain_id).collect();
        chains.dedup();
        let mut moved = Vec::new();
        for chain_id in chains {
            let now = self.bridge.chain(chain_id).await?;
            let before = states.get(&chain_id);
            let same = match (before, &now) {
                (Some(before), Some(now)) => {
                    before.batch_number == now.batch_number && before.state_root == now.state_root
                }
                _ => false,
            };
            if !same {
                moved.push(chain_id);
            }
        }
        Ok(moved)
    }
}
