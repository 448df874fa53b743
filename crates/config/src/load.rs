//! Resolving a chain's configuration from its layers with figment.

use std::path::{Path, PathBuf};

use figment::{
    Figment, Metadata, Profile, Provider,
    providers::{Env, Format, Serialized, Toml},
    value::{Dict, Map},
};

use crate::{CHAIN_FILE, ChainConfig, ConfigError, Problem, validate};

/// Environment variables with this prefix (and a `__` between section and key) override
/// `chain.toml`.
pub const ENV_PREFIX: &str = "HYPERFORGE_";

const FLAG_ORIGIN: &str = "command-line flag";

/// Overrides from the command line: dotted keys and TOML values, like
/// `sequencer.block_time_ms=500`. They beat every other layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    values: toml::Table,
}

impl Overrides {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `key=value`. The value is read as a TOML value (`500`, `true`, `["a", "b"]`,
    /// `"text"`); anything that is not valid TOML is taken as a plain string, so
    /// `sequencer.rpc_addr=127.0.0.1:9000` needs no quotes.
    pub fn parse_flag(&mut self, flag: &str) -> Result<&mut Self, ConfigError> {
        let (key, value) = flag
            .split_once('=')
            .ok_or_else(|| ConfigError::BadOverride(flag.to_owned()))?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(ConfigError::BadOverride(flag.to_owned()));
        }
        let value = toml::from_str::<toml::Table>(&format!("value = {value}"))
            .ok()
            .and_then(|mut table| table.remove("value"))
            .unwrap_or_else(|| toml::Value::String(value.to_owned()));
        Ok(self.set(key, value))
    }

    /// Sets the dotted `key` to `value`.
    pub fn set(&mut self, key: &str, value: impl Into<toml::Value>) -> &mut Self {
        let mut table = &mut self.values;
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                table.insert(part.to_owned(), value.into());
                break;
            }
            let entry = table
                .entry(part.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            table = entry.as_table_mut().expect("made a table just above");
        }
        self
    }

    /// Whether no override was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl Provider for Overrides {
    fn metadata(&self) -> Metadata {
        Metadata::named(FLAG_ORIGIN)
            .interpolater(|_profile, keys| format!("--set {}", keys.join(".")))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Serialized::defaults(&self.values).data()
    }
}

/// Loads one chain's configuration from its folder, applying the layers in order.
#[derive(Debug, Clone)]
pub struct ChainConfigLoader {
    chain_dir: PathBuf,
    use_env: bool,
    overrides: Overrides,
}

impl ChainConfigLoader {
    /// A loader for the chain in `chain_dir` (the folder holding `chain.toml`), reading the
    /// environment and with no flags.
    pub fn new(chain_dir: impl Into<PathBuf>) -> Self {
        Self {
            chain_dir: chain_dir.into(),
            use_env: true,
            overrides: Overrides::new(),
        }
    }

    /// Whether `HYPERFORGE_*` environment variables apply (they do by default). Checks of the
    /// files as committed, like `cargo xtask chain validate`, turn them off.
    pub fn with_env(mut self, use_env: bool) -> Self {
        self.use_env = use_env;
        self
    }

    /// Command-line overrides, the last layer.
    pub fn with_overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// The chain's folder.
    pub fn chain_dir(&self) -> &Path {
        &self.chain_dir
    }

    /// The path of `chain.toml`.
    pub fn file(&self) -> PathBuf {
        self.chain_dir.join(CHAIN_FILE)
    }

    /// The merged layers, before extraction.
    pub fn figment(&self) -> Figment {
        let mut figment = Figment::new().merge(Toml::file_exact(self.file()));
        if self.use_env {
            let env = Env::prefixed(ENV_PREFIX)
                .filter(|key| key.as_str().contains("__"))
                .split("__");
            figment = figment.merge(env);
        }
        figment.merge(self.overrides.clone())
    }

    /// Resolves and validates the configuration.
    pub fn load(&self) -> Result<ChainConfig, ConfigError> {
        let file = self.file();
        std::fs::metadata(&file).map_err(|source| ConfigError::Read {
            path: file.clone(),
            source,
        })?;
        let figment = self.figment();
        let config: ChainConfig = figment
            .extract()
            .map_err(|error| ConfigError::Invalid(problem_from_figment(error)))?;
        if let Some((key, problem)) = validate::check(&config, &self.chain_dir).into_iter().next() {
            let origin = origin_of(figment.find_metadata(&key), &key);
            return Err(ConfigError::Invalid(Problem {
                origin,
                key: Some(key),
                problem,
            }));
        }
        Ok(config)
    }
}

fn problem_from_figment(error: figment::Error) -> Problem {
    let key = error.path.join(".");
    let origin = match &error.metadata {
        Some(metadata) => origin_of(Some(metadata), &key),
        None => "chain config".to_owned(),
    };
    let key = (!key.is_empty()).then_some(key);
    Problem {
        origin,
        key,
        problem: error.kind.to_string(),
    }
}

/// Says where a value came from, in the words a user would search for.
fn origin_of(metadata: Option<&Metadata>, key: &str) -> String {
    let Some(metadata) = metadata else {
        return "built-in default".to_owned();
    };
    let keys: Vec<&str> = key.split('.').filter(|part| !part.is_empty()).collect();
    match &metadata.source {
        Some(figment::Source::File(path)) => path.display().to_string(),
        _ if metadata.name == FLAG_ORIGIN => {
            format!(
                "{FLAG_ORIGIN} `{}`",
                metadata.interpolate(&Profile::Default, &keys)
            )
        }
        _ if metadata.name.contains("environment") => {
            // figment's own interpolation joins keys with `.`; ours are split on `__`.
            format!(
                "environment variable `{ENV_PREFIX}{}`",
                keys.join("__").to_uppercase()
            )
        }
        _ => metadata.name.to_string(),
    }
}
