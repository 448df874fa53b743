//! An L1 that is down fails the round with an L1 error (counted); once it answers, the same
//! settler's next round goes on.

use alloy::node_bindings::Anvil;
use alloy::signers::local::PrivateKeySigner;
use hyperforge_l1::{BridgeClient, anvil::find_anvil};
use hyperforge_primitives::dev::ACCOUNTS;
use hyperforge_settler::{
    L1Connection, MemoryBatches, ProvenBatches, RoundOutcome, Settler, SettlerError,
};
use std::sync::Arc;

use crate::fixtures::{BETA, BETA_CHAIN, CIRCUITS, chain};
use crate::harness::config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_against_an_l1_that_is_down_fails_and_the_next_one_goes_on_once_it_is_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url: url::Url = format!("http://127.0.0.1:{port}").parse().unwrap();
    let deployer = PrivateKeySigner::from_bytes(&ACCOUNTS[0].private_key).unwrap();
    // The bridge dev account 0 will deploy: its second contract (the first is the verifier).
    let bridge_address = deployer.address().create(1);
    let l1 = L1Connection {
        url: url.clone(),
        signer: deployer.clone(),
        bridge: bridge_address,
    };
    let sources: Vec<Arc<dyn ProvenBatches>> = vec![Arc::new(MemoryBatches::new(chain(BETA)))];
    let settler = Settler::new(l1, CIRCUITS.clone(), sources, config()).unwrap();

    let error = settler.round().await.unwrap_err();
    assert!(matches!(error, SettlerError::L1(_)), "{error}");
    assert!(
        settler
            .metrics()
            .render()
            .contains("hyperforge_settler_l1_errors_total 1")
    );

    let _anvil = Anvil::at(find_anvil().expect("anvil: run `cargo xtask tools`"))
        .host("127.0.0.1")
        .port(port)
        .try_spawn()
        .unwrap();
    let operator = BridgeClient::deploy(url, deployer, None).await.unwrap();
    assert_eq!(operator.address(), bridge_address);
    operator
        .register_chain(
            chain(BETA),
            BETA_CHAIN.genesis_root,
            operator.sender(),
            hyperforge_primitives::Amount::ZERO,
        )
        .await
        .unwrap();
    assert_eq!(settler.round().await.unwrap().outcome, RoundOutcome::Idle);
}
