//! `hyperforge`: the one binary of a hyperchain. Each role is a subcommand: `config show`,
//! `l1 deploy|register`, `sequencer`, `prover`, `settler`, `relayer`, `wallet`, `message
//! status` and `p2p watch`.
//!
//! Commands are organised noun then verb (`commands/config/show.rs`). Logs go to stderr,
//! filtered by `RUST_LOG` (default `info`), as text or, with `--log-format json`, as JSON lines;
//! command output goes to stdout.

mod cli;
mod commands;
mod gossip;
mod logging;
mod messages;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = logging::init(cli.log_format).and_then(|()| commands::run(cli.command));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line naming the culprit, with its causes; no backtrace for user errors.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
