//! `hyperforge settler` and the settler's JSON-RPC source against a real sequencer: the
//! source reads the same sealed batch as the sequencer's typed client and waits while it is
//! not proven; the command refuses chains that cannot settle together before building any
//! circuit.

use std::path::{Path, PathBuf};

use hyperforge_sequencer::api::HfApiClient;
use hyperforge_settler::{ProvenBatches, RpcBatches};

use crate::support::{SequencerProcess, hyperforge, wait_for};

/// A copy of `chains/<name>` in `root`, with `edit` applied to its chain.toml text.
fn chain_copy(root: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../chains")
        .join(name)
        .join("chain.toml");
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(source).unwrap();
    std::fs::write(dir.join("chain.toml"), edit(text)).unwrap();
    dir
}

#[test]
fn the_rpc_source_reads_a_real_sequencers_sealed_batch_and_waits_for_its_proof() {
    let root = tempfile::tempdir().unwrap();
    let chain = chain_copy(root.path(), "alpha", |text| text);
    let mut command = hyperforge(&chain);
    command
        .args(["sequencer", "--chain"])
        .arg(&chain)
        .arg("--data-dir")
        .arg(root.path().join("db"))
        .args(["--set", "sequencer.rpc_addr=127.0.0.1:0"])
        .args(["--set", "sequencer.block_time_ms=50"])
        .args(["--set", "sequencer.batch_blocks=1"])
        .args(["--set", "sequencer.empty_blocks=produce"]);
    let node = SequencerProcess::spawn(command);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = node.client();
    let typed = wait_for("batch 1 sealed", || {
        runtime.block_on(client.get_batch(1)).ok().flatten()
    });
    let source = RpcBatches::new(
        hyperforge_primitives::ChainId::new(270).unwrap(),
        node.url.parse().unwrap(),
        std::time::Duration::from_secs(10),
    )
    .unwrap();
    let view = runtime.block_on(source.batch(1)).unwrap().unwrap();
    assert_eq!(view.number, 1);
    assert_eq!(
        view.public_inputs.to_inputs().unwrap(),
        typed.public_inputs.to_inputs().unwrap(),
        "the settler reads the sealed inputs the sequencer serves"
    );
    // Nothing proves this chain's batches: the source has nothing to settle.
    if typed.proof_status == hyperforge_primitives::block::ProofStatus::Pending {
        assert_eq!(runtime.block_on(source.batch_proof(1)).unwrap(), None);
        assert_eq!(runtime.block_on(source.next_proven(0)).unwrap(), None);
    }
    // A batch not sealed yet.
    assert_eq!(runtime.block_on(source.batch(1 << 40)).unwrap(), None);
    node.kill();
}

#[test]
fn the_settler_refuses_chains_with_another_chunk_shape_or_no_bridge_before_building_circuits() {
    let root = tempfile::tempdir().unwrap();
    let bridge = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let with_bridge =
        |text: String| text.replace("[l1]\n", &format!("[l1]\nbridge = \"{bridge}\"\n"));
    let alpha = chain_copy(root.path(), "alpha", with_bridge);
    let beta = chain_copy(root.path(), "beta", |text| {
        with_bridge(text).replace("tx_slots = 4", "tx_slots = 3")
    });
    let output = hyperforge(root.path())
        .args(["settler", "--chains"])
        .arg(format!("{},{}", alpha.display(), beta.display()))
        .args(["--l1", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("another [prover.chunk]"), "{stderr}");

    let unregistered = chain_copy(&root.path().join("plain"), "alpha", |text| text);
    let output = hyperforge(root.path())
        .args(["settler", "--chains"])
        .arg(&unregistered)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has no `[l1] bridge`"), "{stderr}");
}
