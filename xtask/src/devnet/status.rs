//! `cargo xtask devnet status`: asks a running devnet, from another terminal, how far each
//! chain is (height; last batch sealed, proven and settled), the L1 block, and every
//! cross-chain message between its chains not executed yet, with the stage it is at.
//!
//! Where the nodes listen comes from the data directory's `devnet.toml`, which `devnet`
//! writes at each start and when `devnet add-chain` adds a chain (the ports may have been
//! replaced by `--port-base`). A node that does
//! not answer is shown as down, with why.
//!
//! The sequencer has no "latest batch" method, so the batches are found with `hf_getBatch`:
//! the last sealed by an exponential then binary search over the batch numbers (sealed
//! batches are 1..=n); the last settled by bisection too (the bridge settles a chain's
//! batches in order, `BatchOutOfOrder`), the last proven by walking back from the last
//! sealed to the last settled, 64 batches per JSON-RPC batch request (provers may finish out
//! of order, so no bisection there).
//!
//! HTTP goes through `ureq` (blocking, plain HTTP only here: no TLS stack, no async
//! runtime in xtask).

use std::{fmt::Write as _, path::Path, time::Duration};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::{DevnetState, STATE_FILE};

/// Batches asked per JSON-RPC batch request when walking back for the last proven one.
const WALK: u64 = 64;

pub(crate) fn run(data_dir: &Path) -> anyhow::Result<()> {
    let state_file = data_dir.join(STATE_FILE);
    if !state_file.exists() {
        bail!(
            "no devnet in {}: start one with `cargo xtask devnet` (or pass its --data-dir)",
            data_dir.display()
        );
    }
    let state = DevnetState::read(&state_file)?;
    print!("{}", report(data_dir, &state, &Rpc::new()));
    Ok(())
}

/// The status table of `state`'s network.
fn report(data_dir: &Path, state: &DevnetState, rpc: &Rpc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "hyperforge devnet ({})", data_dir.display());
    let l1 = if state.l1.is_empty() {
        "unknown (not started yet)".to_owned()
    } else {
        match rpc.block_number(&state.l1) {
            Ok(block) => format!("{}  block {block}", state.l1),
            Err(error) => format!("{}  DOWN ({error:#})", state.l1),
        }
    };
    let _ = writeln!(out, "  L1       {l1}");
    let _ = writeln!(out, "  bridge   {}", state.bridge);
    let _ = writeln!(
        out,
        "\n  {:<10} {:>8}  {:<24} {:>7} {:>7} {:>7} {:>7}",
        "chain", "id", "rpc", "height", "sealed", "proven", "settled"
    );
    for (name, chain) in &state.chains {
        match chain_status(rpc, &chain.rpc) {
            Ok(status) => {
                let _ = writeln!(
                    out,
                    "  {:<10} {:>8}  {:<24} {:>7} {:>7} {:>7} {:>7}",
                    name,
                    chain.chain_id,
                    chain.rpc,
                    status.height,
                    status.sealed,
                    status.proven,
                    status.settled
                );
            }
            Err(error) => {
                let _ = writeln!(
                    out,
                    "  {:<10} {:>8}  {:<24} DOWN ({error:#})",
                    name, chain.chain_id, chain.rpc
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n  batches: the newest number in each state (0: none yet)"
    );
    match pending_messages(rpc, state) {
        Ok(pending) if pending.is_empty() => {
            let _ = writeln!(out, "  cross-chain messages: none pending");
        }
        Ok(pending) => {
            let _ = writeln!(out, "  cross-chain messages pending ({}):", pending.len());
            for message in pending {
                let _ = writeln!(
                    out,
                    "    {} {} -> {}: {}",
                    message.hash, message.source, message.destination, message.stage
                );
            }
        }
        Err(error) => {
            let _ = writeln!(out, "  cross-chain messages: cannot tell ({error:#})");
        }
    }
    out
}

/// A message sent between two chains of the devnet and not executed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PendingMessage {
    hash: String,
    source: String,
    destination: String,
    /// Where it stands: `sent`, `batched`, `proven`, `settled`, `imported`.
    stage: &'static str,
}

/// Every message a chain of `state` sent to another and that is not executed there yet,
/// found by reading every block (`hf_getBlock`, 64 per batch request) and asking the source
/// (`hf_getMessageProof`) and the destination (`hf_getMessageRoot`, `hf_isMessageExecuted`).
fn pending_messages(rpc: &Rpc, state: &DevnetState) -> anyhow::Result<Vec<PendingMessage>> {
    use hyperforge_primitives::tx::{DEFAULT_MAX_PAYLOAD, SignedTx, TxKind};

    let by_id: std::collections::BTreeMap<u64, (&String, &super::RunningChain)> = state
        .chains
        .iter()
        .map(|(name, chain)| (chain.chain_id, (name, chain)))
        .collect();
    let mut pending = Vec::new();
    for (name, chain) in &state.chains {
        let Ok(height) = rpc.block_number(&chain.rpc) else {
            continue;
        };
        let mut from = 1;
        while from <= height {
            let to = (from + WALK - 1).min(height);
            let blocks =
                rpc.call_batch(&chain.rpc, "hf_getBlock", (from..=to).map(|n| json!([n])))?;
            for block in blocks {
                let slots = block.get("transactions").and_then(Value::as_array);
                for slot in slots.into_iter().flatten() {
                    if slot.get("kind").and_then(Value::as_str) != Some("transaction") {
                        continue;
                    }
                    let raw = slot.get("raw").and_then(Value::as_str).unwrap_or_default();
                    let Ok(bytes) = alloy_hex(raw) else { continue };
                    let Ok(tx) = SignedTx::decode(&bytes, DEFAULT_MAX_PAYLOAD) else {
                        continue;
                    };
                    let TxKind::SendMessage { dst_chain, .. } = tx.body.kind else {
                        continue;
                    };
                    let Some((destination, target)) = by_id.get(&dst_chain.get()) else {
                        continue;
                    };
                    let hash = slot.get("hash").cloned().unwrap_or(Value::Null);
                    let view = rpc.call(&chain.rpc, "hf_getMessageProof", json!([hash]))?;
                    let stage = message_stage(rpc, &view, &target.rpc)?;
                    if let Some(stage) = stage {
                        pending.push(PendingMessage {
                            hash: hash.as_str().unwrap_or_default().to_owned(),
                            source: name.clone(),
                            destination: (*destination).clone(),
                            stage,
                        });
                    }
                }
            }
            from = to + 1;
        }
    }
    Ok(pending)
}

/// The stage of the message `view` (`hf_getMessageProof`'s answer) shows, asking its
/// destination at `destination`; `None` once it is executed there.
fn message_stage(
    rpc: &Rpc,
    view: &Value,
    destination: &str,
) -> anyhow::Result<Option<&'static str>> {
    if view.get("batchNumber").is_none_or(Value::is_null) {
        return Ok(Some("sent"));
    }
    if view.get("settlement").is_none_or(Value::is_null) {
        return Ok(Some(
            match view.get("batchStatus").and_then(Value::as_str) {
                Some("proven") => "proven",
                _ => "batched",
            },
        ));
    }
    let Some(index) = view.get("messageRootIndex").and_then(Value::as_u64) else {
        return Ok(Some("settled"));
    };
    let root = rpc.call(destination, "hf_getMessageRoot", json!([index]))?;
    if root.get("imported").and_then(Value::as_bool) != Some(true) {
        return Ok(Some("settled"));
    }
    let leaf = view
        .get("leafIndex")
        .and_then(Value::as_u64)
        .unwrap_or_default();
    let executed = rpc.call(destination, "hf_isMessageExecuted", json!([index, leaf]))?;
    Ok((executed.as_bool() != Some(true)).then_some("imported"))
}

/// The bytes of a `0x` hex string.
fn alloy_hex(text: &str) -> anyhow::Result<Vec<u8>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    (0..digits.len())
        .step_by(2)
        .map(|at| {
            digits
                .get(at..at + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .with_context(|| format!("{text:?} is not hex"))
        })
        .collect()
}

/// How far one chain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ChainStatus {
    height: u64,
    sealed: u64,
    proven: u64,
    settled: u64,
}

/// The proof status `hf_getBatch` shows, as a rank: 0 pending, 1 proven, 2 settled.
fn rank(batch: &Value) -> anyhow::Result<u8> {
    match batch.get("proofStatus").and_then(Value::as_str) {
        Some("pending") => Ok(0),
        Some("proven") => Ok(1),
        Some("settled") => Ok(2),
        other => bail!("unexpected proofStatus {other:?} in {batch}"),
    }
}

fn chain_status(rpc: &Rpc, url: &str) -> anyhow::Result<ChainStatus> {
    let height = rpc.block_number(url)?;
    let batch = |number: u64| -> anyhow::Result<Option<Value>> {
        let value = rpc.call(url, "hf_getBatch", json!([number]))?;
        Ok((!value.is_null()).then_some(value))
    };
    // Sealed: batches 1..=n exist.
    let sealed = last_true(|number| Ok(batch(number)?.is_some()))?;
    // Settled: a prefix of the sealed batches.
    let settled = last_true_below(sealed, |number| {
        Ok(batch(number)?.map(|batch| rank(&batch)).transpose()? == Some(2))
    })?;
    // Proven (or settled): the newest, walking back.
    let mut proven = settled;
    let mut high = sealed;
    'walk: while high > settled {
        let low = high.saturating_sub(WALK).max(settled) + 1;
        let numbers: Vec<u64> = (low..=high).rev().collect();
        let batches = rpc.call_batch(url, "hf_getBatch", numbers.iter().map(|n| json!([n])))?;
        for (number, batch) in numbers.iter().zip(&batches) {
            if !batch.is_null() && rank(batch)? >= 1 {
                proven = *number;
                break 'walk;
            }
        }
        high = low - 1;
    }
    Ok(ChainStatus {
        height,
        sealed,
        proven,
        settled,
    })
}

/// The largest `n >= 0` with `holds(1..=n)`, for a predicate true on a prefix of 1, 2, ...
pub(super) fn last_true(mut holds: impl FnMut(u64) -> anyhow::Result<bool>) -> anyhow::Result<u64> {
    let mut high = 1;
    while holds(high)? {
        high = high.checked_mul(2).context("the batch numbers never end")?;
    }
    // holds(high) is false; the answer is below it.
    last_true_below(high - 1, holds)
}

/// The largest `n` in `0..=max` with `holds(1..=n)`, for a predicate true on a prefix.
fn last_true_below(
    max: u64,
    mut holds: impl FnMut(u64) -> anyhow::Result<bool>,
) -> anyhow::Result<u64> {
    // Invariant: holds(low) (or low = 0) and !holds(high + 1) (or high = max).
    let (mut low, mut high) = (0, max);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if holds(middle)? {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    Ok(low)
}

/// A JSON-RPC client over plain HTTP, short timeouts (a node that hangs counts as down).
pub(super) struct Rpc {
    agent: ureq::Agent,
}

impl Rpc {
    pub(super) fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(3)))
            .build()
            .new_agent();
        Self { agent }
    }

    /// `eth_blockNumber` as a number.
    pub(super) fn block_number(&self, url: &str) -> anyhow::Result<u64> {
        let value = self.call(url, "eth_blockNumber", json!([]))?;
        let hex = value
            .as_str()
            .and_then(|text| text.strip_prefix("0x"))
            .with_context(|| format!("eth_blockNumber answered {value}"))?;
        u64::from_str_radix(hex, 16).with_context(|| format!("eth_blockNumber answered {value}"))
    }

    pub(super) fn call(&self, url: &str, method: &str, params: Value) -> anyhow::Result<Value> {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let answer: Value = self
            .agent
            .post(url)
            .send_json(&request)
            .map_err(describe)?
            .body_mut()
            .read_json()
            .with_context(|| format!("{method}: the answer is not JSON"))?;
        result(method, answer)
    }

    /// `method` once per `params`, in one batch request; answers in the order asked.
    fn call_batch(
        &self,
        url: &str,
        method: &str,
        params: impl Iterator<Item = Value>,
    ) -> anyhow::Result<Vec<Value>> {
        let requests: Vec<Value> = params
            .enumerate()
            .map(|(id, params)| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .collect();
        let answers: Vec<Value> = self
            .agent
            .post(url)
            .send_json(&requests)
            .map_err(describe)?
            .body_mut()
            .read_json()
            .with_context(|| format!("{method}: the batch answer is not a JSON array"))?;
        let mut ordered = vec![Value::Null; requests.len()];
        for answer in answers {
            let id = answer
                .get("id")
                .and_then(Value::as_u64)
                .and_then(|id| usize::try_from(id).ok())
                .filter(|id| *id < ordered.len())
                .with_context(|| format!("{method}: an answer with an unknown id: {answer}"))?;
            ordered[id] = result(method, answer)?;
        }
        Ok(ordered)
    }
}

/// The `result` of a JSON-RPC answer, or its error.
fn result(method: &str, mut answer: Value) -> anyhow::Result<Value> {
    if let Some(error) = answer.get("error") {
        bail!("{method} failed: {error}");
    }
    answer
        .get_mut("result")
        .map(Value::take)
        .with_context(|| format!("{method}: no result in {answer}"))
}

/// A transport error in a few words (`connection refused`, `timeout`).
fn describe(error: ureq::Error) -> anyhow::Error {
    match error {
        ureq::Error::Io(io) => anyhow::anyhow!("{}", io.kind()),
        other => anyhow::anyhow!("{other}"),
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    #[test]
    fn the_searches_find_the_end_of_a_prefix() {
        for n in [0u64, 1, 2, 3, 7, 8, 9, 1000] {
            let mut asked = 0;
            let found = last_true(|number| {
                asked += 1;
                Ok(number <= n)
            })
            .unwrap();
            assert_eq!(found, n);
            // Logarithmic: a status query stays cheap on a long-lived chain.
            assert!(
                asked <= 2 * (64 - n.leading_zeros()) + 2,
                "{n}: {asked} calls"
            );
            for max in [n, n + 5] {
                assert_eq!(last_true_below(max, |number| Ok(number <= n)).unwrap(), n);
            }
        }
        assert_eq!(last_true_below(4, |_| Ok(true)).unwrap(), 4);
    }

    #[test]
    fn a_proof_status_outside_the_three_is_refused() {
        assert_eq!(rank(&json!({"proofStatus": "settled"})).unwrap(), 2);
        assert!(rank(&json!({"proofStatus": "final"})).is_err());
        assert!(rank(&json!({})).is_err());
    }

    #[test]
    fn a_node_that_is_not_there_is_shown_as_down() {
        // A port that was free a moment ago: nothing listens on it.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let mut state = DevnetState {
            bridge: "0x00".into(),
            l1: url.clone(),
            ..DevnetState::default()
        };
        state.chains.insert(
            "alpha".into(),
            super::super::RunningChain {
                chain_id: 270,
                rpc: url,
                p2p: String::new(),
            },
        );
        let report = report(Path::new("d"), &state, &Rpc::new());
        assert_eq!(
            report.matches("DOWN (connection refused)").count(),
            2,
            "{report}"
        );
    }

    #[test]
    fn an_error_answer_is_an_error_not_a_result() {
        let answer = json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "no"}});
        assert!(result("m", answer).is_err());
        let answer = json!({"jsonrpc": "2.0", "id": 1, "result": null});
        assert_eq!(result("m", answer).unwrap(), Value::Null);
    }
}
