//! The local multi-chain network's process layer: every node of a devnet (anvil, each chain's
//! sequencer and provers, the settler, the relayer) is a child process that a [`Supervisor`]
//! starts, waits for, watches and stops.
//!
//! - **Logs**: each child's stdout and stderr go to one file of its own (named in the devnet's
//!   table), appended across restarts, so a crash report can quote its last lines.
//! - **Readiness** ([`Ready`]): a child counts as started once a line appears in its log, or a
//!   TCP port accepts connections; a child that exits first is an error quoting its log.
//! - **Supervision** ([`Supervisor::poll`]): a child that exits is reported with its status
//!   and its log's last lines, and started again if the supervisor restarts children.
//!   [`Supervisor::stop`] stops one child and forgets it, so that it can be started again
//!   with other arguments (the devnet's settler and relayer, when a chain joins).
//! - **No orphans**: each child leads a process group of its own (so a terminal's Ctrl-C
//!   reaches the supervisor alone, which then stops everything in order) and gets SIGKILL from
//!   the kernel if the supervisor dies (`PR_SET_PDEATHSIG`). [`Supervisor::shutdown`] sends
//!   SIGTERM to every group, last started first, and SIGKILL to what is left after the grace
//!   period; dropping the supervisor does the same.
//!
//! This crate is sync and knows nothing of chains: `cargo xtask devnet` (in `xtask`, which
//! builds without RocksDB) composes it with the `hyperforge` binary's commands.

mod error;
mod supervisor;

pub use error::DevnetError;
pub use supervisor::{ChildSpec, Event, Ready, Supervisor, last_lines};
