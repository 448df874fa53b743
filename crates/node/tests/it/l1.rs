//! `hyperforge l1 deploy`, `l1 register` (which backs the genesis balances on L1) and `wallet
//! deposit` against a real anvil, on a copy of the example chain alpha.

use std::path::Path;

use hyperforge_l1::{BridgeClient, anvil::spawn_anvil};
use hyperforge_primitives::{Amount, ChainId, parse_address};

use crate::support::{hyperforge, run};

#[test]
fn deploy_register_and_deposit_write_the_bridge_address_and_fund_the_chain() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let url = anvil.endpoint_url().to_string();
    let root = tempfile::tempdir().unwrap();
    let alpha = root.path().join("chains/alpha");
    std::fs::create_dir_all(&alpha).unwrap();
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml"),
    )
    .unwrap();
    std::fs::write(alpha.join("chain.toml"), &original).unwrap();

    // The default verifier is plonky2's, deployed on anvil's default block gas limit.
    let deployed = run(hyperforge(root.path()).args(["l1", "deploy", "--l1", &url]));
    let ecosystem: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.path().join("ecosystem.toml")).unwrap())
            .unwrap();
    let bridge = ecosystem["l1"]["bridge"].as_str().unwrap().to_owned();
    assert_eq!(ecosystem["l1"]["verifier"].as_str(), Some("plonky2"));
    let digest = ecosystem["l1"]["circuit_digest"].as_str().unwrap();
    assert!(
        committed_verifier().contains(&format!("CIRCUIT_DIGEST = {digest};")),
        "the ecosystem file records the committed verifier's circuit digest {digest}"
    );
    assert!(ecosystem["l1"].get("unchecked").is_none());
    assert!(deployed.contains("verified on chain"), "{deployed}");
    assert!(!deployed.contains("UNCHECKED"), "{deployed}");

    let rpc = format!("l1.rpc_url={url}");
    let registered = run(hyperforge(root.path()).args([
        "l1",
        "register",
        "--chain",
        "chains/alpha",
        "--set",
        &rpc,
    ]));
    // Alpha's genesis funds ten dev accounts with 100 ether each: the registration backs them.
    assert!(
        registered.contains("genesis balances backed with 1000 ether"),
        "{registered}"
    );
    let updated = std::fs::read_to_string(alpha.join("chain.toml")).unwrap();
    assert!(
        updated.contains(&format!("bridge = \"{bridge}\"")),
        "{updated}"
    );
    assert!(
        updated.starts_with("# alpha: a local development chain"),
        "comments are kept: {updated}"
    );
    assert_eq!(
        updated.lines().count(),
        original.lines().count() + 1,
        "only the bridge line is new"
    );

    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    run(hyperforge(root.path()).args([
        "wallet",
        "deposit",
        "--chain",
        "chains/alpha",
        "--set",
        &rpc,
        "--amount",
        "1.5 ether",
        "--to",
        to,
    ]));

    let client = BridgeClient::connect(
        anvil.endpoint_url(),
        anvil.keys()[0].clone().into(),
        parse_address(&bridge).unwrap(),
    );
    let state = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(client.chain(ChainId::new(270).unwrap()))
        .unwrap()
        .expect("alpha is registered");
    assert_eq!(
        (state.balance, state.priority_length),
        (Amount::from_gwei(1_001_500_000_000), 1),
        "the genesis backing and the deposit"
    );
}

fn committed_verifier() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/src/PlonkyVerifier.sol"),
    )
    .unwrap()
}

#[test]
fn a_dev_verifier_deployment_says_unchecked_in_its_output_and_the_ecosystem_file() {
    let anvil = spawn_anvil().expect("anvil: run `cargo xtask tools`");
    let url = anvil.endpoint_url().to_string();
    let root = tempfile::tempdir().unwrap();
    let deployed =
        run(hyperforge(root.path()).args(["l1", "deploy", "--l1", &url, "--verifier", "dev"]));
    assert!(
        deployed.contains("UNCHECKED: proofs are not verified"),
        "{deployed}"
    );
    let ecosystem: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.path().join("ecosystem.toml")).unwrap())
            .unwrap();
    assert_eq!(ecosystem["l1"]["verifier"].as_str(), Some("dev"));
    assert_eq!(
        ecosystem["l1"]["unchecked"].as_str(),
        Some("UNCHECKED: proofs are not verified")
    );
    assert!(ecosystem["l1"].get("circuit_digest").is_none());
    let bad = hyperforge(root.path())
        .args(["l1", "deploy", "--l1", &url, "--verifier", "none"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("expected `plonky2` or `dev`"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn deposit_before_register_says_what_to_do() {
    let root = tempfile::tempdir().unwrap();
    let alpha = root.path().join("chains/alpha");
    std::fs::create_dir_all(&alpha).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chains/alpha/chain.toml"),
        alpha.join("chain.toml"),
    )
    .unwrap();
    let output = hyperforge(root.path())
        .args([
            "wallet",
            "deposit",
            "--chain",
            "chains/alpha",
            "--amount",
            "1 gwei",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("hyperforge l1 register"));
}
