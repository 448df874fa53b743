//! Errors that name the culprit: where the value came from, the key and the problem.

use std::{fmt, io, path::PathBuf};

/// One thing wrong with a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the value came from: a file path, `environment variable HYPERFORGE_...`,
    /// `command-line flag --set ...` or `built-in default`.
    pub origin: String,
    /// The dotted key, like `sequencer.rpc_addr`, when the problem belongs to one key.
    pub key: Option<String>,
    /// What is wrong, in words.
    pub problem: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{}: key `{key}`: {}", self.origin, self.problem),
            None => write!(f, "{}: {}", self.origin, self.problem),
        }
    }
}

/// Why a chain configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The chain folder or its `chain.toml` could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A value is malformed, of the wrong type, unknown, or breaks a rule.
    #[error("{0}")]
    Invalid(Problem),
    /// A `--set` flag is not `key=value`.
    #[error("command-line flag `--set {0}`: expected key=value, like sequencer.block_time_ms=500")]
    BadOverride(String),
}

impl ConfigError {
    /// The problem, for errors that belong to one value.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Invalid(problem) => Some(problem),
            _ => None,
        }
    }
}
