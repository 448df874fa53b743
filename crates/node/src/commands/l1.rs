//! `hyperforge l1 ...`: the shared bridge on L1.

mod deploy;
mod register;

use std::path::Path;

use alloy::signers::local::PrivateKeySigner;
use anyhow::Context;

use crate::cli::{L1Command, SignerArgs};

pub(crate) fn run(command: L1Command) -> anyhow::Result<()> {
    match command {
        L1Command::Deploy(args) => block_on(deploy::run(args)),
        L1Command::Register(args) => block_on(register::run(args)),
    }
}

/// Runs an L1 command on a small runtime of its own.
pub(crate) fn block_on<T>(future: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?
        .block_on(future)
}

/// The bridge a chain's `[l1] bridge` names, or what to do about it.
pub(crate) fn chain_bridge(
    config: &hyperforge_config::ChainConfig,
) -> anyhow::Result<alloy::primitives::Address> {
    config.l1.bridge.with_context(|| {
        format!(
            "chain {} has no `[l1] bridge`: register it first with `hyperforge l1 register`",
            config.chain.name
        )
    })
}

/// The signer `args` names, or anvil's dev account 0.
pub(crate) fn signer(args: &SignerArgs) -> anyhow::Result<PrivateKeySigner> {
    match &args.private_key {
        Some(hex) => hex
            .trim()
            .parse()
            .context("--private-key is not a 32-byte hex private key"),
        None => {
            let key = hyperforge_primitives::dev::ACCOUNTS[0].private_key;
            PrivateKeySigner::from_bytes(&key).context("the dev key is invalid")
        }
    }
}

/// The bridge address an ecosystem file records under `[l1] bridge`.
pub(crate) fn ecosystem_bridge(path: &Path) -> anyhow::Result<alloy::primitives::Address> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {}: deploy the bridge first with `hyperforge l1 deploy`",
            path.display()
        )
    })?;
    let document: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    let bridge = document
        .get("l1")
        .and_then(|l1| l1.get("bridge"))
        .and_then(|bridge| bridge.as_str())
        .with_context(|| format!("{}: no `[l1] bridge` address", path.display()))?;
    hyperforge_primitives::parse_address(bridge)
        .with_context(|| format!("{}: `[l1] bridge`", path.display()))
}
