//! Integration tests of the RocksDB store.

// Test helpers may unwrap: a panic is a failed test (clippy.toml allows it in #[test] fns only).
#![allow(clippy::unwrap_used)]

mod crash;
mod store;
