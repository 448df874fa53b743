//! `cargo xtask chain validate [<name>]`: check chains as committed (no environment).

use anyhow::bail;
use hyperforge_config::{CHAIN_FILE, ChainConfigLoader, ChainSet, validate_chain_name};

use crate::project::Project;

pub(super) fn run(project: &Project, name: Option<&str>) -> anyhow::Result<()> {
    for line in check(project, name)? {
        println!("{line}");
    }
    Ok(())
}

/// One line per valid chain, or the first problem found.
fn check(project: &Project, name: Option<&str>) -> anyhow::Result<Vec<String>> {
    let set = ChainSet::load(&project.chains_dir())?;
    let ok = |entry: &hyperforge_config::ChainEntry| {
        format!(
            "ok: {} (chain id {})",
            entry.file().display(),
            entry.config.chain.chain_id
        )
    };
    match name {
        Some(name) => {
            validate_chain_name(name)
                .map_err(|problem| anyhow::anyhow!("invalid chain name: {problem}"))?;
            let dir = project.chains_dir().join(name);
            let config = ChainConfigLoader::new(&dir).with_env(false).load()?;
            if let Some(clash) = set.clash(&config, &dir.join(CHAIN_FILE).display().to_string()) {
                bail!("{clash}");
            }
            Ok(vec![format!(
                "ok: {} (chain id {})",
                dir.join(CHAIN_FILE).display(),
                config.chain.chain_id
            )])
        }
        None => {
            if let Some(error) = set.errors().first() {
                bail!("{error}");
            }
            if let Some(clash) = set.clashes().into_iter().next() {
                bail!("{clash}");
            }
            if set.chains().is_empty() {
                bail!(
                    "no chains in {}/: make one with `cargo xtask chain new <name> --template devnet`",
                    project.chains_dir().display()
                );
            }
            Ok(set.chains().iter().map(ok).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_with(chains: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let root = tempfile::tempdir().unwrap();
        for (name, toml) in chains {
            let dir = root.path().join("chains").join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("chain.toml"), toml).unwrap();
        }
        let project = Project::at(root.path());
        (root, project)
    }

    fn chain(name: &str, id: u64, port: u16) -> String {
        format!(
            "[chain]\nname = \"{name}\"\nchain_id = {id}\n[sequencer]\nrpc_addr = \"127.0.0.1:{port}\"\n[p2p]\nlisten = []\n"
        )
    }

    #[test]
    fn validate_all_passes_distinct_chains() {
        let (_root, project) = project_with(&[
            ("alpha", &chain("alpha", 270, 3050)),
            ("beta", &chain("beta", 271, 3051)),
        ]);
        let lines = check(&project, None).unwrap();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].starts_with("ok: ")
                && lines[1].contains("chains/beta/chain.toml (chain id 271)"),
            "{lines:?}"
        );
    }

    #[test]
    fn validate_names_a_duplicate_chain_id() {
        let (_root, project) = project_with(&[
            ("alpha", &chain("alpha", 270, 3050)),
            ("beta", &chain("beta", 270, 3051)),
        ]);
        let error = check(&project, None).unwrap_err().to_string();
        assert!(error.contains("chains/beta/chain.toml: key `chain.chain_id`: chain id 270 is already used by chain `alpha`"), "{error}");
        let error = check(&project, Some("beta")).unwrap_err().to_string();
        assert!(error.contains("key `chain.chain_id`"), "{error}");
    }

    #[test]
    fn validate_names_a_shared_rpc_port() {
        let (_root, project) = project_with(&[
            ("alpha", &chain("alpha", 270, 3050)),
            ("beta", &chain("beta", 271, 3050)),
        ]);
        let error = check(&project, None).unwrap_err().to_string();
        assert!(
            error.contains("key `sequencer.rpc_addr`: port 3050 is already used by chain `alpha`"),
            "{error}"
        );
    }

    #[test]
    fn validate_names_file_and_key_of_a_broken_chain() {
        let broken = chain("beta", 271, 3051).replace("chain_id = 271", "chain_id = \"x\"");
        let (_root, project) =
            project_with(&[("alpha", &chain("alpha", 270, 3050)), ("beta", &broken)]);
        let error = check(&project, None).unwrap_err().to_string();
        assert!(
            error.contains("chains/beta/chain.toml: key `chain.chain_id`: invalid type"),
            "{error}"
        );
        // The good chain still validates on its own.
        assert!(check(&project, Some("alpha")).is_ok());
    }

    #[test]
    fn validate_reports_malformed_toml() {
        let (_root, project) = project_with(&[("alpha", "[chain\n")]);
        let error = check(&project, Some("alpha")).unwrap_err().to_string();
        assert!(
            error.contains("chains/alpha/chain.toml") && error.contains("line 1"),
            "{error}"
        );
    }
}
