//! The settler's Prometheus metrics (prometheus-client, as the sequencer's), rendered as
//! text and served on `GET /metrics` by [`serve`].

use std::sync::{Arc, Mutex};

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A per-chain label.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChainLabel {
    /// The chain id.
    pub chain: u64,
}

/// The label of a refused batch: its chain and the check it failed.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RefusalLabel {
    /// The chain id.
    pub chain: u64,
    /// [`crate::Check::name`].
    pub check: &'static str,
}

/// The label of a reverted settlement: the bridge's error name.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RevertLabel {
    /// Like `BatchAlreadySettled`.
    pub error: &'static str,
}

/// Every metric of a settler.
#[derive(Debug)]
pub struct SettlerMetrics {
    registry: Mutex<Registry>,
    /// `settle` transactions mined.
    pub settlements_sent: Counter,
    /// Batches settled, per chain.
    pub batches_settled: Family<ChainLabel, Counter>,
    /// Gas used by the settlements mined (calldata and the base included).
    pub gas_used: Counter,
    /// Seconds to aggregate one settlement (settlement tree and shrink).
    pub aggregation_seconds: Histogram,
    /// L1 requests that failed (each round that met one is retried with backoff).
    pub l1_errors: Counter,
    /// Settlements the bridge refused, by its error name.
    pub settle_reverts: Family<RevertLabel, Counter>,
    /// Batches refused before aggregation, per chain and check.
    pub batches_refused: Family<RefusalLabel, Counter>,
    /// Source requests that failed, per chain (the chain waits for the next round).
    pub source_errors: Family<ChainLabel, Counter>,
}

impl Default for SettlerMetrics {
    fn default() -> Self {
        let metrics = Self {
            registry: Mutex::new(Registry::with_prefix("hyperforge_settler")),
            settlements_sent: Counter::default(),
            batches_settled: Family::default(),
            gas_used: Counter::default(),
            // 1 s to about 4.5 hours.
            aggregation_seconds: Histogram::new(exponential_buckets(1.0, 2.0, 14)),
            l1_errors: Counter::default(),
            settle_reverts: Family::default(),
            batches_refused: Family::default(),
            source_errors: Family::default(),
        };
        {
            let mut registry = metrics.registry.lock().unwrap_or_else(|e| e.into_inner());
            registry.register(
                "settlements_sent",
                "Settle transactions mined",
                metrics.settlements_sent.clone(),
            );
            registry.register(
                "batches_settled",
                "Batches settled, per chain",
                metrics.batches_settled.clone(),
            );
            registry.register(
                "gas_used",
                "Gas used by the settlements mined",
                metrics.gas_used.clone(),
            );
            registry.register(
                "aggregation_seconds",
                "Time to aggregate one settlement into its final proof",
                metrics.aggregation_seconds.clone(),
            );
            registry.register(
                "l1_errors",
                "L1 requests that failed",
                metrics.l1_errors.clone(),
            );
            registry.register(
                "settle_reverts",
                "Settlements the bridge refused, by error name",
                metrics.settle_reverts.clone(),
            );
            registry.register(
                "batches_refused",
                "Batches refused before aggregation, per chain and check",
                metrics.batches_refused.clone(),
            );
            registry.register(
                "source_errors",
                "Failed requests for proven batches, per chain",
                metrics.source_errors.clone(),
            );
        }
        metrics
    }
}

impl SettlerMetrics {
    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &registry);
        text
    }
}

/// Answers `GET /metrics` on `listener` with [`SettlerMetrics::render`] (anything else:
/// 404), one request per connection, until the task is dropped.
pub async fn serve(listener: TcpListener, metrics: Arc<SettlerMetrics>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: do not spin.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            // The request line and headers; a metrics scrape sends no body.
            let mut request = Vec::with_capacity(1024);
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let (status, content_type, body) = if request.starts_with(b"GET /metrics ") {
                (
                    "200 OK",
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    metrics.render(),
                )
            } else {
                ("404 Not Found", "text/plain", "GET /metrics\n".to_owned())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(addr: std::net::SocketAddr, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test]
    async fn get_metrics_answers_the_counters_and_anything_else_is_not_found() {
        let metrics = Arc::new(SettlerMetrics::default());
        metrics.settlements_sent.inc();
        metrics
            .batches_settled
            .get_or_create(&ChainLabel { chain: 270 })
            .inc_by(2);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(serve(listener, metrics));
        let answer = get(addr, "/metrics").await;
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.contains("hyperforge_settler_settlements_sent_total 1"));
        assert!(answer.contains("hyperforge_settler_batches_settled_total{chain=\"270\"} 2"));
        assert!(get(addr, "/").await.starts_with("HTTP/1.1 404"));
        server.abort();
    }
}
