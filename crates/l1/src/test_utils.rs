//! Test helpers (feature `test-utils`): a JSON-RPC proxy in front of anvil, on 127.0.0.1:0,
//! that lets a test rewrite or fail the answers to `eth_getLogs` (and forwards every other
//! request as it is), so watcher and follower tests can feed L1 logs that misbehave. It stops
//! when dropped. A test helper: it panics on what a test did not expect.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::{Arc, Mutex};

use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    task::JoinSet,
};
use url::Url;

/// One `eth_getLogs` call as the proxy sees it.
pub struct GetLogs<'a> {
    /// How many `eth_getLogs` came before it.
    pub call: usize,
    /// The filter.
    pub filter: &'a Value,
    /// anvil's answer, which the hook may change.
    pub logs: &'a mut Vec<Value>,
}

/// What the proxy answers to an `eth_getLogs`.
pub enum Answer {
    /// The (possibly rewritten) logs.
    Logs,
    /// A JSON-RPC error with this message.
    Fail(&'static str),
}

type Hook = Box<dyn FnMut(GetLogs<'_>) -> Answer + Send>;

struct State {
    hook: Hook,
    calls: usize,
}

/// The proxy; it stops when dropped (also when a test panics).
pub struct Proxy {
    pub url: Url,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Aborting the server drops its JoinSet, which aborts every connection task.
        self.server.abort();
    }
}

impl Proxy {
    /// A proxy to `upstream` that passes every `eth_getLogs` answer through `hook`.
    pub async fn start(
        upstream: &Url,
        hook: impl FnMut(GetLogs<'_>) -> Answer + Send + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let upstream = ProviderBuilder::new()
            .connect_http(upstream.clone())
            .erased();
        let state = Arc::new(Mutex::new(State {
            hook: Box::new(hook),
            calls: 0,
        }));
        let server = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                connections.spawn(serve(stream, upstream.clone(), state.clone()));
            }
        });
        Self { url, server }
    }

    /// A provider reading through the proxy.
    pub fn provider(&self) -> DynProvider {
        ProviderBuilder::new()
            .connect_http(self.url.clone())
            .erased()
    }
}

/// HTTP/1.1 with keep-alive, one JSON-RPC request per HTTP request, as alloy's client sends.
async fn serve(stream: TcpStream, upstream: DynProvider, state: Arc<Mutex<State>>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    loop {
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            match read.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.unwrap_or(0)];
        if read.read_exact(&mut body).await.is_err() {
            return;
        }
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let answer = match request {
            Value::Array(requests) => {
                let mut answers = Vec::new();
                for request in requests {
                    answers.push(answer(request, &upstream, &state).await);
                }
                Value::Array(answers)
            }
            request => answer(request, &upstream, &state).await,
        };
        let answer = answer.to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if write.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn answer(request: Value, upstream: &DynProvider, state: &Mutex<State>) -> Value {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let params = request.get("params").cloned().unwrap_or(json!([]));
    let result: Result<Value, _> = upstream
        .raw_request(method.clone().into(), params.clone())
        .await;
    let mut result = match result {
        Ok(result) => result,
        Err(error) => return failure(id, &error.to_string()),
    };
    if method == "eth_getLogs" {
        let mut state = state.lock().unwrap();
        let call = state.calls;
        state.calls += 1;
        let mut logs = match result.take() {
            Value::Array(logs) => logs,
            other => panic!("eth_getLogs answered {other}"),
        };
        let filter = &params[0];
        match (state.hook)(GetLogs {
            call,
            filter,
            logs: &mut logs,
        }) {
            Answer::Logs => result = Value::Array(logs),
            Answer::Fail(message) => return failure(id, message),
        }
    }
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

fn failure(id: Value, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32005, "message": message } })
}

/// A block number of a log or filter (`"0x1a"`).
pub fn quantity(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// `n` as a JSON-RPC quantity.
pub fn to_quantity(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}
