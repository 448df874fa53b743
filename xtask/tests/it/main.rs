//! End-to-end tests of the `xtask` binary, run as a user runs `cargo xtask`.

// Test helpers may unwrap: a panic is a failed test (clippy.toml allows it in #[test] fns only).
#![allow(clippy::unwrap_used)]

mod devnet;

use std::process::Command;

fn xtask(root: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn bad_input_exits_non_zero_with_one_error_line_and_no_backtrace() {
    let root = tempfile::tempdir().unwrap();
    let output = xtask(
        root.path(),
        &["chain", "new", "a/b", "--template", "devnet"],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: invalid chain name: the chain name `a/b` contains a path separator"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!root.path().join("chains/a").exists());
}

#[test]
fn validate_of_an_empty_project_says_how_to_make_a_chain() {
    let root = tempfile::tempdir().unwrap();
    let output = xtask(root.path(), &["chain", "validate"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no chains in chains/: make one with `cargo xtask chain new"),
        "{stderr}"
    );
}
