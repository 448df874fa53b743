//! `cargo xtask`: hyperforge's project automation, in Rust so that it runs wherever cargo
//! does. Commands run from the project root and shell out through `xshell`.
//!
//! - `chain new|list|validate|show`: scaffold chains from `templates/` and check `chains/`;
//! - `test`: the whole test suite, as CI runs it (npm tools, formatting, clippy, every test);
//! - `tools`: install anvil and solc-js from npm into `tools/` when missing;
//! - `contracts`: compile `contracts/src` into the committed `contracts/out/*.json`;
//! - `devnet`: a local multi-chain network (anvil, the bridge, the chains), supervised;
//!   `devnet status` asks a running one how it is doing, `devnet add-chain` adds a chain to it;
//! - `bench l1`: gas of the bridge's functions on a real anvil.
//!
//! Tidy checks (doc comments, crate metadata, the crate graph of ARCHITECTURE.md) are plain
//! tests in `tidy.rs`, so `cargo test` runs them.

mod bench;
mod chain;
mod cli;
mod contracts;
mod devnet;
mod preflight;
mod project;
mod test;
#[cfg(test)]
mod tidy;
mod tools;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = project::Project::locate(cli.root).and_then(|project| match cli.command {
        cli::Command::Chain(command) => chain::run(&project, command),
        cli::Command::Test => test::run(&project),
        cli::Command::Tools => tools::run(&project),
        cli::Command::Contracts { command } => contracts::run(&project, command),
        cli::Command::Devnet(args) => devnet::run(&project, &args),
        cli::Command::Bench { target, release } => bench::run(&project, target, release),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line naming the culprit, with its causes; no backtrace for user errors.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
