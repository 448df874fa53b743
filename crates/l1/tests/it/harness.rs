//! A bridge on a fresh anvil, two registered chains, and helpers to build batches from what
//! the bridge holds, settle them and check that the bridge's ETH backs every balance.

use std::time::Duration;

use alloy::{
    node_bindings::AnvilInstance,
    primitives::{Address, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
};
use futures::StreamExt;
use hyperforge_l1::{
    BridgeClient, L1Error, L1Event, L1Watcher, TxOutcome, WatcherConfig, anvil::spawn_anvil,
    dev_proof,
};
use hyperforge_primitives::{
    Amount, ChainId, GWEI_IN_WEI,
    bridge::{
        BatchPublicInputs, Digest, F, MESSAGE_QUEUE_SEED, OutboxTree, PRIORITY_SEED, hash_no_pad,
    },
};
use plonky2::field::types::Field;
use url::Url;

/// The two chains every test registers (with no genesis backing).
pub(crate) const ALPHA: u64 = 270;
pub(crate) const BETA: u64 = 271;

pub(crate) fn chain(id: u64) -> ChainId {
    ChainId::new(id).unwrap()
}

/// A digest made from a number, for roots the tests invent.
pub(crate) fn digest(seed: u64) -> Digest {
    hash_no_pad(&[F::from_canonical_u64(seed)])
}

pub(crate) fn genesis(id: u64) -> Digest {
    digest(id * 1000)
}

pub(crate) fn empty_outbox() -> OutboxTree {
    OutboxTree::new(vec![]).unwrap()
}

/// The revert name of a call the bridge must refuse.
pub(crate) fn name(result: Result<TxOutcome, L1Error>) -> &'static str {
    let error = result.expect_err("the bridge should refuse");
    error
        .revert_name()
        .unwrap_or_else(|| panic!("not a bridge revert: {error}"))
}

/// anvil (killed on drop), the bridge deployed by dev account 0, chains ALPHA and BETA.
pub(crate) struct Harness {
    pub(crate) anvil: AnvilInstance,
    pub(crate) url: Url,
    /// Owner and settler: dev account 0.
    pub(crate) operator: BridgeClient,
}

impl Harness {
    pub(crate) async fn start() -> Self {
        let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
        let url = anvil.endpoint_url();
        let operator = BridgeClient::deploy(url.clone(), signer(&anvil, 0), None)
            .await
            .unwrap();
        for id in [ALPHA, BETA] {
            operator
                .register_chain(chain(id), genesis(id), operator.sender(), Amount::ZERO)
                .await
                .unwrap();
        }
        Self {
            anvil,
            url,
            operator,
        }
    }

    /// A client of the same bridge for dev account `index`.
    pub(crate) fn user(&self, index: usize) -> BridgeClient {
        BridgeClient::connect(
            self.url.clone(),
            signer(&self.anvil, index),
            self.operator.address(),
        )
    }

    /// Batch 1 of `id` from genesis, consuming `ops` queued operations whose rolling
    /// commitment after them is `after`, importing nothing, moving no value.
    pub(crate) fn first_batch(
        id: u64,
        ops: u64,
        after: Digest,
        outbox: &OutboxTree,
    ) -> BatchPublicInputs {
        BatchPublicInputs {
            chain_id: chain(id),
            batch_number: 1,
            old_state_root: genesis(id),
            new_state_root: digest(id * 1000 + 1),
            priority_ops_count: ops,
            priority_commitment_before: *PRIORITY_SEED,
            priority_commitment_after: after,
            imports_count: 0,
            imports_commitment_before: *MESSAGE_QUEUE_SEED,
            imports_commitment_after: *MESSAGE_QUEUE_SEED,
            outbox_root: outbox.root(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: digest(id * 1000 + 500),
        }
    }

    /// An empty first batch of `id` that consumes and imports nothing.
    pub(crate) fn empty_first_batch(id: u64) -> BatchPublicInputs {
        Self::first_batch(id, 0, *PRIORITY_SEED, &empty_outbox())
    }

    /// The next batch of `id` as an honest sequencer that has caught up with L1 would build
    /// it: from the recorded state root, consuming every queued priority operation and
    /// importing every root in the message queue, with `outbox`, moving no value.
    pub(crate) async fn next_batch(&self, id: u64, outbox: &OutboxTree) -> BatchPublicInputs {
        let operator = &self.operator;
        let state = operator.chain(chain(id)).await.unwrap().unwrap();
        let queued = operator.message_root_count().await.unwrap();
        let number = state.batch_number + 1;
        BatchPublicInputs {
            chain_id: chain(id),
            batch_number: number,
            old_state_root: state.state_root,
            new_state_root: digest(id * 1000 + number),
            priority_ops_count: state.priority_length - state.priority_head,
            priority_commitment_before: operator
                .priority_commitment(chain(id), state.priority_head)
                .await
                .unwrap(),
            priority_commitment_after: operator
                .priority_commitment(chain(id), state.priority_length)
                .await
                .unwrap(),
            imports_count: queued - state.import_head,
            imports_commitment_before: operator
                .message_commitment(state.import_head)
                .await
                .unwrap(),
            imports_commitment_after: operator.message_commitment(queued).await.unwrap(),
            outbox_root: outbox.root(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: digest(id * 1000 + 500 + number),
        }
    }

    /// Settles `batches` with the DevVerifier's binding of their public inputs.
    pub(crate) async fn settle(&self, batches: &[BatchPublicInputs]) -> Result<TxOutcome, L1Error> {
        self.operator
            .settle(batches, dev_proof(batches, b"proof"))
            .await
    }

    /// The balance the bridge keeps for `id`.
    pub(crate) async fn balance(&self, id: u64) -> Amount {
        self.operator
            .chain(chain(id))
            .await
            .unwrap()
            .unwrap()
            .balance
    }

    /// The bridge's ETH, in gwei, is the sum of the balances of `chains` (every chain
    /// registered) plus the value in flight.
    pub(crate) async fn assert_backed(&self, chains: &[u64]) {
        let wei = self
            .operator
            .balance_of(self.operator.address())
            .await
            .unwrap();
        assert_eq!(wei % U256::from(GWEI_IN_WEI), U256::ZERO);
        let mut tracked = U256::from(self.operator.in_flight().await.unwrap().gwei());
        for id in chains {
            tracked += U256::from(self.balance(*id).await.gwei());
        }
        assert_eq!(
            wei / U256::from(GWEI_IN_WEI),
            tracked,
            "the bridge's ETH is the chains' balances plus the value in flight"
        );
    }

    /// The `count` bridge events from `from_block` on, as the watcher reports them.
    pub(crate) async fn events(&self, from_block: u64, count: usize) -> Vec<L1Event> {
        let mut config = WatcherConfig::new(self.operator.address());
        config.from_block = from_block;
        config.confirmations = 0;
        config.poll_interval = Duration::from_millis(20);
        let watcher = L1Watcher::new(self.operator.provider().clone(), config);
        let events = watcher
            .into_stream()
            .take(count)
            .map(|event| event.unwrap().event)
            .collect();
        tokio::time::timeout(Duration::from_secs(10), events)
            .await
            .unwrap_or_else(|_| panic!("fewer than {count} events from block {from_block}"))
    }

    /// The current L1 block.
    pub(crate) async fn block_number(&self) -> u64 {
        self.operator.provider().get_block_number().await.unwrap()
    }
}

pub(crate) fn signer(anvil: &AnvilInstance, index: usize) -> PrivateKeySigner {
    anvil.keys()[index].clone().into()
}

/// An address nobody uses, to receive withdrawals.
pub(crate) fn fresh_address(byte: u8) -> Address {
    Address::repeat_byte(byte)
}
