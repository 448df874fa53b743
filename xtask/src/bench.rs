//! `cargo xtask bench <what>`: benchmarks that print `BENCH <name> <value> <unit>` lines.
//!
//! - `l1`: gas of each bridge function on a real anvil (`crates/l1/benches/gas.rs`).

use xshell::{Shell, cmd};

use crate::{cli::BenchTarget, project::Project, tools};

pub(crate) fn run(project: &Project, target: BenchTarget) -> anyhow::Result<()> {
    let sh = Shell::new()?;
    sh.change_dir(project.root());
    match target {
        BenchTarget::L1 => {
            let anvil = tools::ensure(project)?;
            cmd!(sh, "cargo bench --package hyperforge-l1 --bench gas")
                .env("HYPERFORGE_ANVIL", anvil)
                .run()?;
        }
    }
    Ok(())
}
