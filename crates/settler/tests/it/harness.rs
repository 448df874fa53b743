//! A bridge on a fresh anvil, the chains the tests register, and settlers over in-memory
//! sources.

use std::sync::Arc;
use std::time::Duration;

use alloy::{node_bindings::AnvilInstance, signers::local::PrivateKeySigner};
use hyperforge_l1::{BridgeClient, ChainState, anvil::spawn_anvil, dev_proof};
use hyperforge_primitives::{
    Amount,
    bridge::{BatchPublicInputs, Digest},
};
use hyperforge_settler::{
    L1Connection, MemoryBatches, ProvenBatch, ProvenBatches, Refusal, RoundOutcome, RoundReport,
    Settler, SettlerConfig,
};

use crate::fixtures::{
    ALPHA, ALPHA_CHAIN, BETA, BETA_CHAIN, CIRCUITS, DEPOSIT_GWEI, SharedProofs, chain,
    deposit_recipient,
};

/// anvil (killed on drop) and the bridge, deployed by dev account 0 (owner and settler).
pub(crate) struct Harness {
    pub(crate) anvil: AnvilInstance,
    pub(crate) operator: BridgeClient,
}

pub(crate) fn signer(anvil: &AnvilInstance, index: usize) -> PrivateKeySigner {
    anvil.keys()[index].clone().into()
}

/// Quick rounds: tests wait for nothing.
pub(crate) fn config() -> SettlerConfig {
    SettlerConfig {
        settle_interval: Duration::from_millis(300),
        poll_interval: Duration::from_millis(50),
        // The harness's bridge checks no proof (a PlonkyVerifier is generated for one chunk
        // shape, not the fixtures' small one); the settler still verifies natively.
        verifier: hyperforge_l1::VerifierKind::Dev,
        ..SettlerConfig::default()
    }
}

/// A source serving `batches` under the numbers given.
pub(crate) fn source(id: u64, batches: &[(u64, &ProvenBatch)]) -> Arc<MemoryBatches> {
    let source = MemoryBatches::new(chain(id));
    for (number, batch) in batches {
        source.insert(*number, (*batch).clone());
    }
    Arc::new(source)
}

impl Harness {
    pub(crate) async fn start() -> Self {
        let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
        let operator = BridgeClient::deploy(anvil.endpoint_url(), signer(&anvil, 0), None)
            .await
            .unwrap();
        Self { anvil, operator }
    }

    /// A fresh client of dev account 0 for each transaction: alloy's providers cache the
    /// nonce, and settlers send from the same account.
    pub(crate) fn owner(&self) -> BridgeClient {
        BridgeClient::connect(
            self.anvil.endpoint_url(),
            signer(&self.anvil, 0),
            self.operator.address(),
        )
    }

    pub(crate) async fn register(&self, id: u64, genesis_root: Digest) {
        self.owner()
            .register_chain(
                chain(id),
                genesis_root,
                self.operator.sender(),
                Amount::ZERO,
            )
            .await
            .unwrap();
    }

    /// Dev account 1 deposits `gwei` to alpha's deposit recipient.
    pub(crate) async fn deposit_alpha(&self, gwei: u64) {
        let user = BridgeClient::connect(
            self.anvil.endpoint_url(),
            signer(&self.anvil, 1),
            self.operator.address(),
        );
        user.deposit(chain(ALPHA), deposit_recipient(), Amount::from_gwei(gwei))
            .await
            .unwrap();
    }

    /// Alpha registered from its genesis with batch 1's deposit queued.
    pub(crate) async fn alpha(&self) {
        self.register(ALPHA, ALPHA_CHAIN.genesis_root).await;
        self.deposit_alpha(DEPOSIT_GWEI).await;
    }

    /// Beta registered, and its batch 1 settled by someone else: batch 2 is next.
    pub(crate) async fn beta_at_batch_2(&self) {
        self.register(BETA, BETA_CHAIN.genesis_root).await;
        self.settle_elsewhere(&[BETA_CHAIN.batches[0].inputs.clone()])
            .await;
    }

    /// Someone else settles `batches` (the DevVerifier checks only the commitment binding).
    pub(crate) async fn settle_elsewhere(&self, batches: &[BatchPublicInputs]) {
        self.owner()
            .settle(batches, dev_proof(batches, b"someone else's proof"))
            .await
            .unwrap();
    }

    pub(crate) async fn state(&self, id: u64) -> ChainState {
        self.operator.chain(chain(id)).await.unwrap().unwrap()
    }

    /// A settler of `sources` (in settlement order), a client of its own (a restarted
    /// settler shares nothing with the last but the bridge).
    pub(crate) fn settler(&self, sources: Vec<Arc<MemoryBatches>>) -> Settler {
        self.settler_with(sources, config())
    }

    /// [`Self::settler`] with `config`.
    pub(crate) fn settler_with(
        &self,
        sources: Vec<Arc<MemoryBatches>>,
        config: SettlerConfig,
    ) -> Settler {
        let l1 = L1Connection {
            url: self.anvil.endpoint_url(),
            signer: signer(&self.anvil, 0),
            bridge: self.operator.address(),
        };
        let sources = sources
            .into_iter()
            .map(|source| source as Arc<dyn ProvenBatches>)
            .collect();
        Settler::new(l1, CIRCUITS.clone(), sources, config)
            .unwrap()
            .with_aggregator(Arc::new(SharedProofs))
    }
}

/// One counter of the settler's metrics text (`name` with its labels, like
/// `batches_settled_total{chain="270"}`).
pub(crate) fn metric(settler: &Settler, name: &str) -> Option<u64> {
    let prefix = format!("hyperforge_settler_{name} ");
    settler
        .metrics()
        .render()
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.trim().parse().ok())
}

/// The settlement a round must have made.
pub(crate) fn settled(report: &RoundReport) -> &hyperforge_settler::Settlement {
    match &report.outcome {
        RoundOutcome::Settled(settlement) => settlement,
        other => panic!(
            "the round did not settle: {other:?} ({:?})",
            report.refusals
        ),
    }
}

/// The only refusal of a round.
pub(crate) fn only_refusal(report: &RoundReport) -> &Refusal {
    assert_eq!(report.refusals.len(), 1, "{:?}", report.refusals);
    &report.refusals[0]
}
