//! `hyperforge config show`, run as a user runs it, with each layer set in its own way.

use std::{path::Path, process::Command};

const CHAIN: &str = r#"
[chain]
name = "alpha"
chain_id = 270
template = "devnet"

[sequencer]
rpc_addr = "127.0.0.1:4000"
block_time_ms = 200
"#;

fn chain_dir(toml: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("alpha")).unwrap();
    std::fs::write(root.path().join("alpha/chain.toml"), toml).unwrap();
    root
}

fn hyperforge(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hyperforge"));
    command.current_dir(root);
    // The test's own environment must not leak a layer in.
    for (key, _) in std::env::vars() {
        if key.starts_with("HYPERFORGE_") {
            command.env_remove(key);
        }
    }
    command
}

fn show(command: &mut Command, flags: &[&str]) -> toml::Table {
    let output = command
        .args(["config", "show", "--chain", "alpha"])
        .args(flags)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    toml::from_str(&String::from_utf8(output.stdout).unwrap()).unwrap()
}

#[test]
fn show_prints_every_layer_in_precedence_order() {
    let root = chain_dir(CHAIN);

    let resolved = show(&mut hyperforge(root.path()), &[]);
    assert_eq!(
        resolved["sequencer"]["rpc_addr"].as_str(),
        Some("127.0.0.1:4000"),
        "file"
    );
    assert_eq!(
        resolved["sequencer"]["batch_blocks"].as_integer(),
        Some(10),
        "default"
    );

    let resolved = show(
        hyperforge(root.path()).env("HYPERFORGE_SEQUENCER__RPC_ADDR", "127.0.0.1:9000"),
        &[],
    );
    assert_eq!(
        resolved["sequencer"]["rpc_addr"].as_str(),
        Some("127.0.0.1:9000"),
        "env beats file"
    );
    assert_eq!(
        resolved["sequencer"]["block_time_ms"].as_integer(),
        Some(200),
        "file kept"
    );

    let resolved = show(
        hyperforge(root.path()).env("HYPERFORGE_SEQUENCER__RPC_ADDR", "127.0.0.1:9000"),
        &["--set", "sequencer.rpc_addr=127.0.0.1:9100"],
    );
    assert_eq!(
        resolved["sequencer"]["rpc_addr"].as_str(),
        Some("127.0.0.1:9100"),
        "flag beats env"
    );
}

#[test]
fn show_exits_non_zero_naming_the_culprit() {
    let root = chain_dir(&CHAIN.replace("block_time_ms = 200", "block_time_ms = 200\nbogus = 1"));
    let output = hyperforge(root.path())
        .args(["config", "show", "--chain", "alpha"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: alpha/chain.toml: key `sequencer.bogus`: unknown field: found `bogus`"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("backtrace"),
        "user errors print no backtrace: {stderr}"
    );
}

#[test]
fn show_prints_json_on_request() {
    let root = chain_dir(CHAIN);
    let output = hyperforge(root.path())
        .args(["config", "show", "--chain", "alpha", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["chain"]["chain_id"], 270);
}
