//! Basic types shared by every hyperforge crate: [`ChainId`], [`Address`] (alloy's, with a
//! checksum-checking parser), [`Amount`] (a balance in gwei) and the standard anvil
//! development accounts in [`dev`].
//!
//! Transactions, priority operations and outbox entries live in [`tx`], blocks and batches
//! in [`block`], what the L1 bridge checks in [`bridge`]; each with its canonical encoding
//! and Poseidon hashes.
//!
//! This crate is pure data: no I/O, no async, no network.

mod address;
mod amount;
pub mod block;
pub mod bridge;
mod chain_id;
pub mod dev;
pub mod tx;

pub use address::{AddressError, parse_address};
pub use alloy_primitives::{Address, U256};
pub use amount::{Amount, AmountError, GWEI_IN_WEI};
pub use chain_id::{ChainId, ChainIdError};
