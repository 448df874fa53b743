//! `cargo xtask`: hyperforge's project automation, in Rust so that it runs wherever cargo
//! does. Commands run from the project root and shell out through `xshell`.
//!
//! - `chain new|list|validate|show`: scaffold chains from `templates/` and check `chains/`;
//! - `test`: the whole test suite, as CI runs it (formatting, clippy, every test).
//!
//! Tidy checks (doc comments, crate metadata, the crate graph of ARCHITECTURE.md) are plain
//! tests in `tidy.rs`, so `cargo test` runs them.

mod chain;
mod cli;
mod project;
mod test;
#[cfg(test)]
mod tidy;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    let project = project::Project::locate(cli.root)?;
    match cli.command {
        cli::Command::Chain(command) => chain::run(&project, command),
        cli::Command::Test => test::run(&project),
    }
}
