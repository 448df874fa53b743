//! Prometheus metrics, served as text on `GET /metrics` of the JSON-RPC address.

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

/// The label of a rejection counter.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// The rejection's short name ([`crate::AdmissionError::reason`]).
    pub reason: &'static str,
}

/// Every metric of a sequencer.
#[derive(Debug)]
pub struct Metrics {
    registry: Mutex<Registry>,
    /// Transactions admitted.
    pub txs_accepted: Counter,
    /// Transactions refused, by reason.
    pub txs_rejected: Family<ReasonLabel, Counter>,
    /// Transactions included in blocks.
    pub txs_included: Counter,
    /// The latest block number.
    pub block_height: Gauge,
    /// Transactions pending.
    pub mempool_size: Gauge,
    /// Batches sealed.
    pub batches_sealed: Counter,
    /// Seconds to execute and commit one block.
    pub block_production_seconds: Histogram,
    /// L1 priority operations observed and stored (the next queue index to store).
    pub l1_priority_stored: Gauge,
    /// L1 priority operations applied in blocks (the next queue index to apply).
    pub l1_priority_applied: Gauge,
    /// Proving jobs waiting for a prover.
    pub jobs_queued: Gauge,
    /// Proving jobs leased to a prover.
    pub jobs_leased: Gauge,
    /// Proofs of jobs checked and stored.
    pub jobs_proven: Counter,
    /// Proofs of jobs refused (they did not check).
    pub jobs_refused: Counter,
    /// Batches whose batch proof is stored.
    pub batches_proven: Counter,
    /// Batches the L1 follower saw settled on the bridge.
    pub batches_settled: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let metrics = Self {
            registry: Mutex::new(Registry::with_prefix("hyperforge_sequencer")),
            txs_accepted: Counter::default(),
            txs_rejected: Family::default(),
            txs_included: Counter::default(),
            block_height: Gauge::default(),
            mempool_size: Gauge::default(),
            batches_sealed: Counter::default(),
            block_production_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            l1_priority_stored: Gauge::default(),
            l1_priority_applied: Gauge::default(),
            jobs_queued: Gauge::default(),
            jobs_leased: Gauge::default(),
            jobs_proven: Counter::default(),
            jobs_refused: Counter::default(),
            batches_proven: Counter::default(),
            batches_settled: Counter::default(),
        };
        {
            let mut registry = metrics.registry.lock().unwrap_or_else(|e| e.into_inner());
            registry.register(
                "txs_accepted",
                "Transactions admitted to the mempool",
                metrics.txs_accepted.clone(),
            );
            registry.register(
                "txs_rejected",
                "Transactions refused at admission, by reason",
                metrics.txs_rejected.clone(),
            );
            registry.register(
                "txs_included",
                "Transactions included in blocks",
                metrics.txs_included.clone(),
            );
            registry.register(
                "block_height",
                "The latest block number",
                metrics.block_height.clone(),
            );
            registry.register(
                "mempool_size",
                "Transactions pending in the mempool",
                metrics.mempool_size.clone(),
            );
            registry.register(
                "batches_sealed",
                "Batches sealed",
                metrics.batches_sealed.clone(),
            );
            registry.register(
                "block_production_seconds",
                "Time to execute and commit one block",
                metrics.block_production_seconds.clone(),
            );
            registry.register(
                "l1_priority_stored",
                "L1 priority operations observed on the bridge and stored",
                metrics.l1_priority_stored.clone(),
            );
            registry.register(
                "l1_priority_applied",
                "L1 priority operations applied in blocks",
                metrics.l1_priority_applied.clone(),
            );
            registry.register(
                "jobs_queued",
                "Proving jobs waiting for a prover",
                metrics.jobs_queued.clone(),
            );
            registry.register(
                "jobs_leased",
                "Proving jobs leased to a prover",
                metrics.jobs_leased.clone(),
            );
            registry.register(
                "jobs_proven",
                "Proofs of jobs checked and stored",
                metrics.jobs_proven.clone(),
            );
            registry.register(
                "jobs_refused",
                "Proofs of jobs refused because they did not check",
                metrics.jobs_refused.clone(),
            );
            registry.register(
                "batches_proven",
                "Batches whose batch proof is stored",
                metrics.batches_proven.clone(),
            );
            registry.register(
                "batches_settled",
                "Batches seen settled on the L1 bridge",
                metrics.batches_settled.clone(),
            );
        }
        metrics
    }
}

impl Metrics {
    /// Adds the p2p node's metrics under the `p2p_` prefix.
    pub fn register_p2p(&self, p2p: &hyperforge_p2p::P2pMetrics) {
        let mut registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        p2p.register(registry.sub_registry_with_prefix("p2p"));
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &registry);
        text
    }
}

/// A tower layer answering `GET /metrics` in front of the JSON-RPC server.
#[derive(Debug, Clone)]
pub struct MetricsLayer(pub Arc<Metrics>);

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            metrics: self.0.clone(),
        }
    }
}

/// See [`MetricsLayer`].
#[derive(Debug, Clone)]
pub struct MetricsService<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> tower::Service<HttpRequest<B>> for MetricsService<S>
where
    S: tower::Service<HttpRequest<B>, Response = HttpResponse>,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = S::Error;
    type Future = BoxFuture<Result<HttpResponse, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest<B>) -> Self::Future {
        if request.method() == http::Method::GET && request.uri().path() == "/metrics" {
            let mut response = HttpResponse::new(HttpBody::from(self.metrics.render()));
            response.headers_mut().insert(
                "content-type",
                http::HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            );
            return Box::pin(async move { Ok(response) });
        }
        Box::pin(self.inner.call(request))
    }
}
