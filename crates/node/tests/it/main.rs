//! End-to-end tests of the `hyperforge` binary.

// Test helpers may unwrap: a panic is a failed test (clippy.toml allows it in #[test] fns only).
#![allow(clippy::unwrap_used)]

mod config_show;
mod cross_chain;
mod l1;
mod l1_follow;
mod l1_real_settlement;
mod l1_verified;
mod prover;
mod sequencer;
mod settler;
mod support;
