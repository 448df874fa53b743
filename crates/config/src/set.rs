//! All the chains in one `chains/` folder, and the ids and ports they must not share.

use std::path::{Path, PathBuf};

use crate::{CHAIN_FILE, ChainConfig, ChainConfigLoader, ConfigError, Problem};

/// One chain found in a `chains/` folder.
#[derive(Debug, Clone)]
pub struct ChainEntry {
    /// Its folder.
    pub dir: PathBuf,
    /// Its configuration, from defaults and `chain.toml` only (no environment, no flags).
    pub config: ChainConfig,
}

impl ChainEntry {
    /// The path of its `chain.toml`.
    pub fn file(&self) -> PathBuf {
        self.dir.join(CHAIN_FILE)
    }
}

/// Every chain in a `chains/` folder: the ones that load, and the errors of the ones that do
/// not. Environment variables are not applied: they override one process's configuration,
/// while chain ids and ports must be unique across the files as committed.
#[derive(Debug, Default)]
pub struct ChainSet {
    chains: Vec<ChainEntry>,
    errors: Vec<ConfigError>,
}

impl ChainSet {
    /// Loads every subfolder of `chains_dir` that holds a `chain.toml`, sorted by folder name.
    /// A missing `chains_dir` is an empty set.
    pub fn load(chains_dir: &Path) -> Result<Self, ConfigError> {
        let read_error = |source| ConfigError::Read {
            path: chains_dir.to_owned(),
            source,
        };
        let mut dirs = Vec::new();
        match std::fs::read_dir(chains_dir) {
            Ok(entries) => {
                for entry in entries {
                    let path = entry.map_err(read_error)?.path();
                    if path.join(CHAIN_FILE).is_file() {
                        dirs.push(path);
                    }
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(read_error(error)),
        }
        dirs.sort();
        let mut set = Self::default();
        for dir in dirs {
            match ChainConfigLoader::new(&dir).with_env(false).load() {
                Ok(config) => set.chains.push(ChainEntry { dir, config }),
                Err(error) => set.errors.push(error),
            }
        }
        Ok(set)
    }

    /// The chains that loaded, sorted by folder name.
    pub fn chains(&self) -> &[ChainEntry] {
        &self.chains
    }

    /// The chain named `name`, if it loaded.
    pub fn get(&self, name: &str) -> Option<&ChainEntry> {
        self.chains
            .iter()
            .find(|entry| entry.config.chain.name == name)
    }

    /// Why the other folders did not load.
    pub fn errors(&self) -> &[ConfigError] {
        &self.errors
    }

    /// The first way `config` (from `origin`) clashes with a chain of another name in this
    /// set: the same chain id, a port both listen on, or other chunk slots (chains of one set
    /// settle together, so they share the circuits).
    pub fn clash(&self, config: &ChainConfig, origin: &str) -> Option<Problem> {
        clash_among(&self.chains, config, origin)
    }

    /// Every clash between two chains of the set, reported on the later chain of each pair.
    pub fn clashes(&self) -> Vec<Problem> {
        self.chains
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| {
                clash_among(
                    &self.chains[..index],
                    &entry.config,
                    &entry.file().display().to_string(),
                )
            })
            .collect()
    }

    /// Every chain id in use.
    pub fn chain_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.chains
            .iter()
            .map(|entry| entry.config.chain.chain_id.get())
    }

    /// Every port in use.
    pub fn ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.chains
            .iter()
            .flat_map(|entry| entry.config.ports().into_iter().map(|(_, port)| port))
    }
}

/// The first way `config` clashes with one of `chains` of another name.
fn clash_among(chains: &[ChainEntry], config: &ChainConfig, origin: &str) -> Option<Problem> {
    let others = chains
        .iter()
        .filter(|other| other.config.chain.name != config.chain.name);
    for other in others {
        let owner = format!(
            "chain `{}` ({})",
            other.config.chain.name,
            other.file().display()
        );
        if other.config.chain.chain_id == config.chain.chain_id {
            return Some(Problem {
                origin: origin.to_owned(),
                key: Some("chain.chain_id".to_owned()),
                problem: format!(
                    "chain id {} is already used by {owner}",
                    config.chain.chain_id
                ),
            });
        }
        let other_ports = other.config.ports();
        for (key, port) in config.ports() {
            if other_ports
                .iter()
                .any(|(_, other_port)| *other_port == port)
            {
                return Some(Problem {
                    origin: origin.to_owned(),
                    key: Some(key.to_owned()),
                    problem: format!("port {port} is already used by {owner}"),
                });
            }
        }
        let (mine, theirs) = (config.prover.chunk, other.config.prover.chunk);
        if mine != theirs {
            return Some(Problem {
                origin: origin.to_owned(),
                key: Some("prover.chunk".to_owned()),
                problem: format!(
                    "chunk slots {} differ from {owner}'s {}: chains settling into one bridge \
                     share the circuits, so every chain must use the same [prover.chunk]",
                    describe(&mine),
                    describe(&theirs)
                ),
            });
        }
    }
    None
}

/// `import 1, priority 2, tx 4, execute 1`.
fn describe(chunk: &crate::ChunkSlots) -> String {
    format!(
        "(import {}, priority {}, tx {}, execute {})",
        chunk.import_slots, chunk.priority_slots, chunk.tx_slots, chunk.execute_slots
    )
}
