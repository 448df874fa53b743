//! Why a devnet child could not be started or stopped.

use std::path::PathBuf;

/// A devnet process failure.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// The program could not be started.
    #[error("cannot start {name} ({program}): {source}")]
    Spawn {
        /// The child's name.
        name: String,
        /// The program.
        program: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The log file could not be opened.
    #[error("cannot open the log file {path}: {source}")]
    Log {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The child exited before it was ready.
    #[error("{name} exited ({status}) before it was ready; the last lines of {log}:\n{tail}")]
    ExitedEarly {
        /// The child's name.
        name: String,
        /// How it exited.
        status: String,
        /// Its log file.
        log: PathBuf,
        /// The last lines of its log.
        tail: String,
    },
    /// The child did not become ready in time.
    #[error(
        "{name} was not ready after {seconds} s (waiting for {what}); the last lines of {log}:\n{tail}"
    )]
    NotReady {
        /// The child's name.
        name: String,
        /// How long the supervisor waited.
        seconds: u64,
        /// What it waited for.
        what: String,
        /// Its log file.
        log: PathBuf,
        /// The last lines of its log.
        tail: String,
    },
    /// A child name used twice.
    #[error("a child named {0} is already supervised")]
    Duplicate(String),
    /// Waiting on a child failed.
    #[error("cannot wait for {name}: {source}")]
    Wait {
        /// The child's name.
        name: String,
        /// The OS error.
        source: std::io::Error,
    },
}
