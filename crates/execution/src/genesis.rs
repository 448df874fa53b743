//! Genesis: block 0 of a chain, from its genesis operations (a deposit per funded account,
//! then its key registration), over any [`StateProvider`]. Block 0 has timestamp 0 and parent
//! `[0; 4]`, so its state root depends on the operations alone: [`genesis_root`] computes it in
//! memory, without a database, for `l1 register`.

use hyperforge_primitives::{ChainId, bridge::Digest, tx::PriorityOp};
use hyperforge_state::{MemoryState, StateProvider};

use crate::{BlockBuilder, ExecError, ExecutedBlock};

/// Block 0 from `ops`, on an empty state (its head records `chain_id`, as every block's does). Any operation that
/// cannot apply is an error (genesis is configuration, not the L1 queue).
pub fn genesis_block(
    state: &dyn StateProvider,
    chain_id: ChainId,
    ops: &[PriorityOp],
) -> Result<ExecutedBlock, ExecError> {
    let mut builder = BlockBuilder::new(state, chain_id);
    for op in ops {
        builder.apply_genesis(op)?;
    }
    builder.finish()
}

/// The state root of block 0 for `ops`: what the bridge registers for the chain.
pub fn genesis_root(chain_id: ChainId, ops: &[PriorityOp]) -> Result<Digest, ExecError> {
    Ok(genesis_block(&MemoryState::new(), chain_id, ops)?
        .block
        .header
        .state_root)
}
