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

/// The signer `args` names, or anvil's dev account 0 (said plainly on stderr).
pub(crate) fn signer(args: &SignerArgs) -> anyhow::Result<PrivateKeySigner> {
    match &args.private_key {
        Some(hex) => hex
            .trim()
            .parse()
            .context("--private-key is not a 32-byte hex private key"),
        None => {
            warn_dev_key();
            let key = hyperforge_primitives::dev::ACCOUNTS[0].private_key;
            PrivateKeySigner::from_bytes(&key).context("the dev key is invalid")
        }
    }
}

/// Says that no key was given and anvil's public dev account 0 signs.
pub(crate) fn warn_dev_key() {
    eprintln!(
        "warning: no --private-key (or HYPERFORGE_PRIVATE_KEY): signing with anvil's dev account 0, {}, whose key is public: for local networks only",
        hyperforge_primitives::dev::ACCOUNTS[0].address
    );
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, synced,
/// then renamed over `path`. Used for files written after an irreversible L1 transaction, so
/// a crash leaves the old file or the new one, never half of one.
pub(crate) fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .map_err(|error| error.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // The rename itself is durable once the directory is synced.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The bridge address an ecosystem file records under `[l1] bridge`.
pub(crate) fn ecosystem_bridge(path: &Path) -> anyhow::Result<alloy::primitives::Address> {
    let bridge: String = ecosystem_l1_key(path, "bridge")?
        .with_context(|| format!("{}: no `[l1] bridge` address", path.display()))?;
    hyperforge_primitives::parse_address(&bridge)
        .with_context(|| format!("{}: `[l1] bridge`", path.display()))
}

/// The ecosystem file's `[l1] <key>`, parsed, if it records one: an error names the file and
/// the key.
pub(crate) fn ecosystem_l1_key<T>(path: &Path, key: &str) -> anyhow::Result<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {}: deploy the bridge first with `hyperforge l1 deploy`",
            path.display()
        )
    })?;
    let document: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    document
        .get("l1")
        .and_then(|l1| l1.get(key))
        .and_then(|value| value.as_str())
        .map(|value| {
            value
                .parse::<T>()
                .map_err(|error| anyhow::anyhow!("{}: `[l1] {key}`: {error}", path.display()))
        })
        .transpose()
}
