//! Rules a configuration must follow beyond its types.

use std::{collections::HashSet, path::Path};

use hyperforge_primitives::Amount;
use multiaddr::{Multiaddr, Protocol};

use crate::{ChainConfig, ChunkSlots};

/// The longest chain name allowed.
pub const MAX_CHAIN_NAME_LEN: usize = 64;

/// The deepest confirmation depth `[l1] confirmations` accepts (about 33 hours of Ethereum
/// blocks): beyond it a typo is likelier than intent.
pub(crate) const MAX_L1_CONFIRMATIONS: u64 = 10_000;

/// Checks a chain name: 1 to 64 ASCII letters, digits, `-` or `_`, starting with a letter or
/// digit. A name is a folder name, a log field and part of a URL, so nothing else is allowed.
pub fn validate_chain_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the chain name is empty".to_owned());
    }
    if name.len() > MAX_CHAIN_NAME_LEN {
        return Err(format!(
            "the chain name is {} characters long; at most {MAX_CHAIN_NAME_LEN} are allowed",
            name.len()
        ));
    }
    if name.contains(['/', '\\']) {
        return Err(format!("the chain name `{name}` contains a path separator"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "the chain name `{name}` contains `{bad}`: only ASCII letters, digits, `-` and `_` are allowed"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "the chain name `{name}` must start with a letter or a digit"
        ));
    }
    Ok(())
}

/// Every rule `config` breaks, as (dotted key, problem), in file order.
pub(crate) fn check(config: &ChainConfig, chain_dir: &Path) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut fail = |key: &str, problem: String| problems.push((key.to_owned(), problem));

    if let Err(problem) = validate_chain_name(&config.chain.name) {
        fail("chain.name", problem);
    } else if let Some(folder) = chain_dir.file_name().and_then(|name| name.to_str())
        && folder != config.chain.name
    {
        fail(
            "chain.name",
            format!(
                "`{}` differs from the chain's folder name `{folder}`",
                config.chain.name
            ),
        );
    }

    let sequencer = &config.sequencer;
    if !(1..=3_600_000).contains(&sequencer.block_time_ms) {
        fail(
            "sequencer.block_time_ms",
            format!("{} is out of range 1..=3600000", sequencer.block_time_ms),
        );
    }
    if sequencer.max_block_txs == 0 {
        fail("sequencer.max_block_txs", "must be at least 1".to_owned());
    }
    if sequencer.batch_blocks == 0 {
        fail("sequencer.batch_blocks", "must be at least 1".to_owned());
    }
    if sequencer.batch_timeout_ms != 0 && sequencer.batch_timeout_ms < sequencer.block_time_ms {
        fail(
            "sequencer.batch_timeout_ms",
            format!(
                "{} is below sequencer.block_time_ms ({}): use at least one block time, or 0 to turn the timeout off",
                sequencer.batch_timeout_ms, sequencer.block_time_ms
            ),
        );
    }
    if sequencer.data_dir.as_os_str().is_empty() {
        fail("sequencer.data_dir", "is empty".to_owned());
    }
    for (key, value) in [
        ("sequencer.mempool_max_txs", sequencer.mempool_max_txs),
        (
            "sequencer.mempool_max_per_account",
            sequencer.mempool_max_per_account,
        ),
    ] {
        if value == 0 {
            fail(key, "must be at least 1".to_owned());
        }
    }
    if sequencer.mempool_max_per_account > sequencer.mempool_max_txs {
        fail(
            "sequencer.mempool_max_per_account",
            format!(
                "{} exceeds sequencer.mempool_max_txs ({})",
                sequencer.mempool_max_per_account, sequencer.mempool_max_txs
            ),
        );
    }
    if !(256..=1 << 20).contains(&sequencer.max_tx_bytes) {
        fail(
            "sequencer.max_tx_bytes",
            format!("{} is out of range 256..=1048576", sequencer.max_tx_bytes),
        );
    }
    for (key, value) in [
        (
            "sequencer.rpc_max_batch_requests",
            sequencer.rpc_max_batch_requests,
        ),
        (
            "sequencer.max_pending_verifications",
            sequencer.max_pending_verifications,
        ),
    ] {
        if value == 0 {
            fail(key, "must be at least 1".to_owned());
        }
    }
    if sequencer.rpc_max_request_bytes < 2 * sequencer.max_tx_bytes + 1_024 {
        fail(
            "sequencer.rpc_max_request_bytes",
            format!(
                "{} cannot carry one transaction of sequencer.max_tx_bytes ({}) as hex",
                sequencer.rpc_max_request_bytes, sequencer.max_tx_bytes
            ),
        );
    }
    if sequencer.future_nonce_ttl_ms == 0 {
        fail(
            "sequencer.future_nonce_ttl_ms",
            "must be at least 1".to_owned(),
        );
    }

    let prover = &config.prover;
    let chunk = &prover.chunk;
    if chunk.tx_slots + chunk.execute_slots == 0 {
        fail(
            "prover.chunk.tx_slots",
            "a chunk needs at least one transaction slot (tx_slots or execute_slots)".to_owned(),
        );
    }
    if chunk.estimated_rows() > u64::from(ChunkSlots::MAX_ROWS) {
        fail(
            "prover.chunk",
            format!(
                "{} import, {} priority, {} transaction and {} execute slots need about {} rows, \
                 over the {} rows of the largest chunk circuit",
                chunk.import_slots,
                chunk.priority_slots,
                chunk.tx_slots,
                chunk.execute_slots,
                chunk.estimated_rows(),
                ChunkSlots::MAX_ROWS
            ),
        );
    }
    if prover.workers == 0 {
        fail("prover.workers", "must be at least 1".to_owned());
    }

    for addr in &config.p2p.listen {
        if !matches!(
            addr.iter().next(),
            Some(
                Protocol::Ip4(_)
                    | Protocol::Ip6(_)
                    | Protocol::Dns(_)
                    | Protocol::Dns4(_)
                    | Protocol::Dns6(_)
            )
        ) {
            fail(
                "p2p.listen",
                format!("`{addr}` does not start with /ip4, /ip6 or /dns"),
            );
        }
    }
    for addr in &config.p2p.bootnodes {
        if !matches!(addr.iter().last(), Some(Protocol::P2p(_))) {
            fail(
                "p2p.bootnodes",
                format!("`{addr}` does not end with /p2p/<peer id>"),
            );
        }
    }
    for peer in &config.p2p.allowed_peers {
        if format!("/p2p/{peer}").parse::<Multiaddr>().is_err() {
            fail(
                "p2p.allowed_peers",
                format!("`{peer}` is not a libp2p peer id"),
            );
        }
    }

    if !matches!(config.l1.rpc_url.scheme(), "http" | "https" | "ws" | "wss") {
        fail(
            "l1.rpc_url",
            format!("`{}` is not an http(s) or ws(s) URL", config.l1.rpc_url),
        );
    }
    if config.l1.confirmations > MAX_L1_CONFIRMATIONS {
        fail(
            "l1.confirmations",
            format!(
                "{} is out of range 0..={MAX_L1_CONFIRMATIONS}",
                config.l1.confirmations
            ),
        );
    }
    if !(10..=600_000).contains(&config.l1.poll_interval_ms) {
        fail(
            "l1.poll_interval_ms",
            format!("{} is out of range 10..=600000", config.l1.poll_interval_ms),
        );
    }

    let mut seen = HashSet::new();
    let mut total = Amount::ZERO;
    for account in &config.genesis.accounts {
        if account.address.is_zero() {
            fail(
                "genesis.accounts",
                "the zero address cannot hold a balance".to_owned(),
            );
        }
        if !seen.insert(account.address) {
            fail(
                "genesis.accounts",
                format!("{} is listed twice", account.address),
            );
        }
        match total.checked_add(account.balance) {
            Some(sum) => total = sum,
            None => {
                fail(
                    "genesis.accounts",
                    "the balances add up to more than 2^64 - 1 gwei".to_owned(),
                );
                break;
            }
        }
    }
    problems
}
