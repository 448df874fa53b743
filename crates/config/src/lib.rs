//! Chain configuration for hyperforge.
//!
//! A chain lives in a folder `chains/<name>/` whose `chain.toml` describes it. [`ChainConfig`]
//! is the typed form, one struct per subsystem. [`ChainConfigLoader`] resolves it with
//! figment, each layer overriding the one before:
//!
//! 1. built-in defaults (`Default` impls of the section structs, listed in `chain.toml` terms
//!    by `cargo xtask chain show`),
//! 2. `chains/<name>/chain.toml`,
//! 3. environment variables `HYPERFORGE_<SECTION>__<KEY>` (`__` nests, so
//!    `HYPERFORGE_SEQUENCER__RPC_ADDR` sets `[sequencer] rpc_addr`); variables without `__`,
//!    like `HYPERFORGE_LOG`, are not configuration and are ignored here,
//! 4. command-line flags, as `key=value` pairs ([`Overrides`]).
//!
//! Unknown keys are errors, and every error is a [`ConfigError`] that names where the bad
//! value came from (file, environment variable or flag), the key and the problem.
//! [`ChainSet`] loads every chain in a folder and refuses chain ids and ports used twice.
//!
//! This crate only reads files: it never writes, binds sockets or spawns tasks.

mod chain;
mod error;
mod load;
mod set;
mod validate;

pub use chain::{
    CHAIN_FILE, ChainConfig, ChainSection, ChunkSlots, DaMode, EmptyBlocks, GenesisAccount,
    GenesisConfig, KeyHash, L1Config, P2pConfig, ProverConfig, SequencerConfig,
};
pub use error::{ConfigError, Problem};
pub use load::{ChainConfigLoader, ENV_PREFIX, Overrides};
pub use set::{ChainEntry, ChainSet};
pub use validate::{MAX_CHAIN_NAME_LEN, validate_chain_name};

#[cfg(test)]
mod tests;
