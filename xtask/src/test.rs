//! `cargo xtask test`: the whole test suite, the way CI runs it.

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
    Ok(())
}

fn step(name: &str, run: impl FnOnce() -> xshell::Result<()>) -> anyhow::Result<()> {
    eprintln!("==> {name}");
    run().map_err(|error| anyhow::anyhow!("{name} failed: {error}"))
}
