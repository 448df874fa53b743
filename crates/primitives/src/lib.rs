//! Basic types shared by every hyperforge crate: [`ChainId`], [`Address`] (alloy's, with a
//! checksum-checking parser), [`Amount`] (a balance in gwei) and the standard anvil
//! development accounts in [`dev`].
//!
//! Transactions, priority operations and outbox entries live in [`tx`], blocks and batches
//! in [`block`], what the L1 bridge checks in [`bridge`] (the state commitment, the queues,
//! the public inputs of a batch), accounts in [`account`], the Merkle path type and tree
//! depths in [`merkle`], the domain tag of every hash in [`domain`], and what the block
//! circuit consumes in [`witness`]; each with its canonical encoding and Poseidon hashes.
//! Both the state transition (`execution`) and the circuits (`circuits`) build on these types,
//! so a prover needs no storage crate.
//!
//! This crate is pure data: no I/O, no async, no network.
//!
//! The Poseidon hashes of the hot path (transaction bodies, account leaves, slots, Merkle
//! paths) are `#[inline]`, so an optimised caller (`execution`, `state`, `circuits`) compiles
//! them, and plonky2's generic permutation under them, with its own optimisation level: the
//! dev profile builds this crate unoptimised, where one permutation costs about nine times
//! the instructions. Attributes only; no hash changes.

pub mod account;
mod address;
mod amount;
pub mod block;
pub mod bridge;
mod chain_id;
pub mod dev;
pub mod domain;
pub mod merkle;
pub mod tx;
pub mod witness;

pub use address::{AddressError, parse_address};
pub use alloy_primitives::{Address, U256};
pub use amount::{Amount, AmountError, GWEI_IN_WEI};
pub use chain_id::{ChainId, ChainIdError};
