//! Integration tests of hyperforge-l1 on a real anvil (started through alloy's Anvil binding,
//! see `hyperforge_l1::anvil`; `cargo xtask tools` installs it).

// Helpers outside #[test] functions unwrap too: a panic is a failed test, as clippy.toml allows in tests.
#![allow(clippy::unwrap_used)]

mod backing;
mod harness;
mod lifecycle;
mod messages;
mod poseidon;
mod poseidon_sol;
mod proxy;
mod rejections;
mod watcher;
