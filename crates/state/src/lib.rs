//! The state of one hyperchain, on RocksDB.
//!
//! - [`smt`]: Poseidon sparse Merkle trees of fixed depth over any [`smt::NodeSource`], with
//!   membership and non-membership proofs and batched updates that hash each shared upper
//!   node once. Pure: usable over in-memory nodes too.
//! - [`Account`]: the account record and its leaf (`hyperforge_primitives::account`, where the
//!   leaf format is documented).
//! - [`Store`]: RocksDB with one column family per kind of record ([`store::cf`]) and
//!   [`Store::commit`], which writes everything a block changes, and the new [`Head`], in one
//!   synced write batch. Reopening after a crash yields the last committed block and root.
//!
//! - [`StateProvider`] / [`StateCommit`]: what the state transition reads and writes, over
//!   the [`Store`] or a [`MemoryState`] (tests, genesis roots, replay without a database).
//!
//! The crate is synchronous and spawns nothing; it knows nothing of transactions (the
//! `execution` crate decides what a block changes), of networking or of async runtimes.

mod account;
mod error;
pub mod provider;
pub mod smt;
pub mod store;

pub use account::{Account, AccountIndex, decode_digest, encode_digest};
pub use error::StateError;
pub use provider::{MemoryState, StateCommit, StateProvider, TreeNodes};
pub use smt::{Digest, MerkleProof, SparseMerkleTree};
pub use store::{
    ACCOUNT_TREE_DEPTH, BlockCommit, Head, IMPORTED_TREE_DEPTH, NULLIFIER_TREE_DEPTH, Store, TreeId,
};
