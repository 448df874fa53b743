//! `cargo xtask tools`: the npm tools in `tools/` (anvil from `@foundry-rs/anvil`, solc-js),
//! installed with `npm ci` from the committed lock file when they are missing. An `anvil`
//! already on PATH is used first; solc always comes from `tools/`.

use std::path::PathBuf;

use anyhow::Context;
use xshell::{Shell, cmd};

use crate::project::Project;

/// Where the npm packages put the anvil binary (the platform package, not the node wrapper).
pub(crate) const NPM_ANVIL: &str = "tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
const SOLC: &str = "tools/node_modules/solc/package.json";

/// Installs the tools if needed and says which anvil is used.
pub(crate) fn run(project: &Project) -> anyhow::Result<()> {
    let anvil = ensure(project)?;
    println!("anvil: {}", anvil.display());
    println!(
        "solc:  {}",
        project.path("tools/node_modules/solc").display()
    );
    Ok(())
}

/// Makes sure solc-js and an anvil are there; returns the anvil to use.
pub(crate) fn ensure(project: &Project) -> anyhow::Result<PathBuf> {
    let on_path = anvil_on_path();
    let npm_anvil = project.path(NPM_ANVIL);
    let missing = !project.path(SOLC).exists() || (on_path.is_none() && !npm_anvil.exists());
    if missing {
        let sh = Shell::new()?;
        sh.change_dir(project.path("tools"));
        eprintln!("==> npm ci in tools/ (anvil, solc-js)");
        cmd!(sh, "npm ci --no-audit --no-fund")
            .run()
            .context("npm ci in tools/ failed: is node (with npm) installed?")?;
    }
    match on_path {
        Some(anvil) => Ok(anvil),
        // Absolute: tests that receive it run in their own crate's folder.
        None if npm_anvil.exists() => std::path::absolute(&npm_anvil)
            .with_context(|| format!("cannot resolve {}", npm_anvil.display())),
        None => anyhow::bail!(
            "npm ci did not install {NPM_ANVIL}: this platform may have no anvil package"
        ),
    }
}

fn anvil_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("anvil"))
        .find(|candidate| candidate.is_file())
}
