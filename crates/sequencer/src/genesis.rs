//! Genesis: block 0, made from `[genesis]` of `chain.toml`, applied once per data directory.
//!
//! Each genesis account becomes a deposit from the zero address, followed by a key
//! registration when the account names a `pubkey_hash`. Block 0 has timestamp 0 and parent
//! `[0; 4]`, so its hash and state root depend on the configuration only: the same
//! `chain.toml` gives the same genesis root on every machine (what `l1 register` needs:
//! [`genesis_root`]). The genesis balances are backed on L1: `l1 register` sends their sum
//! ([`genesis_backing`]) with the registration, so the bridge holds, for every chain, at least
//! what its accounts hold.

use hyperforge_config::ChainConfig;
use hyperforge_execution::genesis::genesis_block;
use hyperforge_primitives::{
    Address, Amount,
    block::{Block, Slot},
    tx::{DEFAULT_MAX_PAYLOAD, PriorityOp},
};
use hyperforge_state::{Digest, Store};

use crate::error::SequencerError;

/// The operations of block 0, in order.
pub fn genesis_ops(config: &ChainConfig) -> Vec<PriorityOp> {
    let mut ops = Vec::new();
    for account in &config.genesis.accounts {
        ops.push(PriorityOp::Deposit {
            l1_sender: Address::ZERO,
            recipient: account.address,
            amount: account.balance,
        });
        if let Some(hash) = account.pubkey_hash {
            ops.push(PriorityOp::RegisterKey {
                account: account.address,
                pubkey_hash: hash.0,
            });
        }
    }
    ops
}

/// Applies genesis to an empty store, or checks that the store's block 0 is this genesis.
/// Returns block 0.
pub fn ensure_genesis(
    store: &mut Store,
    config: &ChainConfig,
    data_dir: &str,
) -> Result<Block, SequencerError> {
    let ops = genesis_ops(config);
    if store.head().block_number.is_none() {
        let executed = genesis_block(store, config.chain.chain_id, &ops)
            .map_err(|error| SequencerError::Genesis(error.to_string()))?;
        store.commit(&executed.commit)?;
        tracing::info!(
            accounts = config.genesis.accounts.len(),
            hash = %alloy_primitives::hex::encode(hyperforge_primitives::tx::digest_to_bytes(&executed.block.hash())),
            "genesis applied"
        );
        return Ok(executed.block);
    }
    let chain_id = store.head().chain_id;
    if chain_id != config.chain.chain_id.get() {
        return Err(SequencerError::DataDirMismatch {
            dir: data_dir.to_owned(),
            expected: format!("chain {}", config.chain.chain_id),
            found: format!("the state of chain {chain_id}"),
        });
    }
    let bytes = store
        .block(0)?
        .ok_or_else(|| SequencerError::Corrupt("the head exists but block 0 does not".into()))?;
    let block = Block::decode(&bytes, DEFAULT_MAX_PAYLOAD)
        .map_err(|error| SequencerError::Corrupt(format!("block 0: {error}")))?;
    let stored: Vec<PriorityOp> = block
        .slots
        .iter()
        .filter_map(|slot| match slot {
            Slot::Priority(op) => Some(op.clone()),
            Slot::Tx(_) | Slot::Import(_) => None,
        })
        .collect();
    if stored != ops {
        return Err(SequencerError::DataDirMismatch {
            dir: data_dir.to_owned(),
            expected: format!("a genesis of {} operations", ops.len()),
            found: format!("another genesis ({} operations in block 0)", stored.len()),
        });
    }
    Ok(block)
}

/// The sum of the genesis balances: the ETH `l1 register` deposits with the registration so
/// that the bridge backs every gwei the chain starts with.
pub fn genesis_backing(config: &ChainConfig) -> Result<Amount, SequencerError> {
    config
        .genesis
        .accounts
        .iter()
        .try_fold(Amount::ZERO, |sum, account| {
            sum.checked_add(account.balance)
        })
        .ok_or_else(|| SequencerError::Genesis("the genesis balances add up past 2^64 gwei".into()))
}

/// The state root of block 0 for `config`: what the bridge must register for this chain.
/// Computed in memory (no database).
pub fn genesis_root(config: &ChainConfig) -> Result<Digest, SequencerError> {
    hyperforge_execution::genesis::genesis_root(config.chain.chain_id, &genesis_ops(config))
        .map_err(|error| SequencerError::Genesis(error.to_string()))
}
