//! `cargo xtask chain show <name>`: the resolved configuration as TOML.

use anyhow::Context;
use hyperforge_config::{ChainConfigLoader, Overrides, validate_chain_name};

use crate::project::Project;

pub(super) fn run(project: &Project, name: &str, set: &[String]) -> anyhow::Result<()> {
    print!("{}", render(project, name, set)?);
    Ok(())
}

fn render(project: &Project, name: &str, set: &[String]) -> anyhow::Result<String> {
    validate_chain_name(name).map_err(anyhow::Error::msg)?;
    let mut overrides = Overrides::new();
    for flag in set {
        overrides.parse_flag(flag)?;
    }
    let config = ChainConfigLoader::new(project.chains_dir().join(name))
        .with_overrides(overrides)
        .load()?;
    toml::to_string_pretty(&config).context("cannot print the configuration as TOML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_prints_defaults_and_file_and_flags() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("chains/alpha")).unwrap();
        std::fs::write(
            root.path().join("chains/alpha/chain.toml"),
            "[chain]\nname = \"alpha\"\nchain_id = 270\n",
        )
        .unwrap();
        let project = Project::at(root.path());
        let text = render(&project, "alpha", &["prover.workers=4".to_owned()]).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(table["chain"]["chain_id"].as_integer(), Some(270));
        assert_eq!(table["sequencer"]["batch_blocks"].as_integer(), Some(10));
        assert_eq!(table["prover"]["workers"].as_integer(), Some(4));
        let error = render(&project, "a/b", &[]).unwrap_err().to_string();
        assert!(error.contains("path separator"), "{error}");
    }
}
