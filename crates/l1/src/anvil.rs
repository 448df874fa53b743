//! Finding and starting a local anvil (the L1 of tests, benchmarks and the devnet).
//!
//! The binary is, in order: `$HYPERFORGE_ANVIL`, an `anvil` on PATH, or the one `cargo xtask
//! tools` installs from npm into `tools/node_modules`. The node always listens on
//! 127.0.0.1 on a port the OS picks, and dies with its [`AnvilInstance`].

use std::path::PathBuf;

use alloy::node_bindings::{Anvil, AnvilInstance};

use crate::AnvilError;

/// Where `cargo xtask tools` puts the anvil binary, relative to the project root.
pub const NPM_ANVIL: &str = "tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

/// The anvil binary to run, if one is found.
pub fn find_anvil() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("HYPERFORGE_ANVIL") {
        return Some(PathBuf::from(explicit));
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("anvil"))
            .find(|file| file.is_file())
    });
    if on_path.is_some() {
        return on_path;
    }
    let npm = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(NPM_ANVIL);
    npm.is_file().then_some(npm)
}

/// Starts anvil on 127.0.0.1, on a free port, with the standard dev accounts.
pub fn spawn_anvil() -> Result<AnvilInstance, AnvilError> {
    let binary = find_anvil().ok_or(AnvilError::NotFound)?;
    tracing::debug!(target: "l1::anvil", binary = %binary.display(), "starting anvil");
    Ok(Anvil::at(binary).host("127.0.0.1").port(0u16).try_spawn()?)
}
