//! A bridge on a fresh anvil, two registered chains, and helpers to build batches.

use alloy::{node_bindings::AnvilInstance, primitives::Address, signers::local::PrivateKeySigner};
use hyperforge_l1::{BridgeClient, anvil::spawn_anvil};
use hyperforge_primitives::{
    ChainId,
    bridge::{BatchPublicInputs, Digest, F, OutboxTree, ZERO_DIGEST, hash_no_pad},
};
use plonky2::field::types::Field;
use url::Url;

/// The two chains every test registers.
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
                .register_chain(chain(id), genesis(id), operator.sender())
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
    /// commitments are `before` and `after`, with outbox `outbox`.
    pub(crate) fn first_batch(
        id: u64,
        ops: u64,
        before: Digest,
        after: Digest,
        outbox: &OutboxTree,
    ) -> BatchPublicInputs {
        BatchPublicInputs {
            chain_id: chain(id),
            batch_number: 1,
            old_state_root: genesis(id),
            new_state_root: digest(id * 1000 + 1),
            priority_ops_count: ops,
            priority_commitment_before: before,
            priority_commitment_after: after,
            outbox_root: outbox.root(),
            pubdata_commitment: digest(id * 1000 + 2),
        }
    }

    /// An empty first batch of `id` that consumes nothing.
    pub(crate) fn empty_first_batch(id: u64) -> BatchPublicInputs {
        Self::first_batch(
            id,
            0,
            ZERO_DIGEST,
            ZERO_DIGEST,
            &OutboxTree::new(vec![]).unwrap(),
        )
    }
}

pub(crate) fn signer(anvil: &AnvilInstance, index: usize) -> PrivateKeySigner {
    anvil.keys()[index].clone().into()
}

/// An address nobody uses, to receive withdrawals.
pub(crate) fn fresh_address(byte: u8) -> Address {
    Address::repeat_byte(byte)
}
