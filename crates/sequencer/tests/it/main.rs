//! End-to-end tests of the sequencer library: a real server on loopback, a real RocksDB in a
//! temporary directory, and the typed JSON-RPC client.

#![allow(clippy::unwrap_used)]

mod batch_proof;
mod batch_timeout;
mod chunk_proof;
mod common;
mod l1_follower;
mod rejections;
mod restart;
mod transfers;
