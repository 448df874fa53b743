//! `cargo xtask test`: the whole test suite, the way CI runs it, then the devnet's
//! `cross-chain` scenario on the `hyperforge` the tests built.

use std::{path::PathBuf, time::Instant};

use xshell::{Shell, cmd};

use crate::project::Project;

pub(crate) fn run(project: &Project) -> anyhow::Result<()> {
    let sh = Shell::new()?;
    sh.change_dir(project.root());
    // The L1 tests start a real anvil, and the tidy checks recompile the contracts with solc-js.
    eprintln!("==> tools");
    let anvil = crate::preflight::run(
        project,
        crate::preflight::Needs {
            build: true,
            node: true,
        },
    )?;
    sh.set_var("HYPERFORGE_ANVIL", anvil);
    step("formatting", || {
        cmd!(sh, "cargo fmt --all -- --check").run()
    })?;
    step("clippy", || {
        cmd!(
            sh,
            "cargo clippy --workspace --all-targets --locked -- -D warnings"
        )
        .run()
    })?;
    step("tests", || {
        cmd!(sh, "cargo test --workspace --locked").run()
    })?;
    scenario(project, &sh, "cross-chain")
}

fn step(name: &str, run: impl FnOnce() -> xshell::Result<()>) -> anyhow::Result<()> {
    eprintln!("==> {name}");
    run().map_err(|error| anyhow::anyhow!("{name} failed: {error}"))
}

/// `cargo xtask devnet --scenario <name>` with the `hyperforge` that `cargo test` built (the
/// node's integration tests need it), once: a scenario costs a settlement round or more.
fn scenario(project: &Project, sh: &Shell, name: &str) -> anyhow::Result<()> {
    eprintln!("==> scenario {name}");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project.path("target"), PathBuf::from);
    let binary = std::path::absolute(target.join("debug").join("hyperforge"))?;
    let root = std::path::absolute(project.root())?;
    let started = Instant::now();
    // Through cargo, not this process's own binary: `cargo test --workspace` builds xtask with
    // the workspace's unified features and replaces the file this process was started from.
    cmd!(
        sh,
        "cargo run --quiet --locked --package xtask --bin xtask -- --root {root} devnet --scenario {name}"
    )
        .env("HYPERFORGE_BIN", &binary)
        .run()
        .map_err(|error| anyhow::anyhow!("scenario {name} failed: {error}"))?;
    eprintln!(
        "==> scenario {name} passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
