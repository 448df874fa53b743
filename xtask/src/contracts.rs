//! `cargo xtask contracts`: compile `contracts/src/*.sol` with solc-js (standard JSON,
//! optimizer on, evmVersion pinned in `tools/compile-contracts.cjs`) into the committed
//! `contracts/out/<Name>.json` artifacts (`abi`, `bytecode`, `deployedBytecode`) that
//! `crates/l1` reads with alloy's `sol!`.

use std::path::Path;

use xshell::{Shell, cmd};

use crate::{project::Project, tools};

/// Compiles the contracts into `contracts/out/`.
pub(crate) fn run(project: &Project) -> anyhow::Result<()> {
    tools::ensure(project)?;
    compile(project, &project.path("contracts/out"))
}

/// Compiles `contracts/src` into `out`, replacing the artifacts there.
pub(crate) fn compile(project: &Project, out: &Path) -> anyhow::Result<()> {
    let sh = Shell::new()?;
    sh.change_dir(project.root());
    let script = project.path("tools/compile-contracts.cjs");
    let src = project.path("contracts/src");
    cmd!(sh, "node {script} {src} {out}").run()?;
    Ok(())
}
