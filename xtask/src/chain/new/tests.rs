//! `chain new` on a copy of the real templates in a temporary project.

use std::path::Path;

use hyperforge_config::DaMode;

use super::*;

fn project() -> (tempfile::TempDir, Project) {
    let root = tempfile::tempdir().unwrap();
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
    copy_tree(
        &templates,
        &root.path().join("templates"),
        &mut |from, to| fs::copy(from, to).map(drop).map_err(Into::into),
    )
    .unwrap();
    let project = Project::at(root.path());
    (root, project)
}

fn args(name: &str, template: &str) -> ChainNewArgs {
    ChainNewArgs {
        name: name.to_owned(),
        template: template.to_owned(),
        chain_id: None,
        rpc_port: None,
        p2p_port: None,
        fund: Vec::new(),
        force: false,
    }
}

/// What `chains/` holds, hidden folders included: a failed command must leave nothing.
fn chain_folders(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(project.chains_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn error(project: &Project, args: &ChainNewArgs) -> String {
    format!("{:#}", run(project, args).unwrap_err())
}

#[test]
fn every_template_renders_a_valid_chain() {
    let (_root, project) = project();
    let devnet = run(&project, &args("dev", "devnet")).unwrap().config;
    assert_eq!(devnet.chain.da_mode, DaMode::Rollup);
    assert_eq!(devnet.genesis.accounts.len(), 10);
    assert_eq!(devnet.genesis.accounts[0].address, dev::ACCOUNTS[0].address);
    assert_eq!(
        devnet.genesis.accounts[0].balance,
        Amount::from_ether(100).unwrap()
    );

    let rollup = run(&project, &args("roll", "rollup")).unwrap().config;
    assert_eq!(rollup.chain.da_mode, DaMode::Rollup);
    assert!(
        rollup.genesis.accounts.is_empty(),
        "rollup funds nothing unless asked"
    );

    let validium = run(&project, &args("vali", "validium")).unwrap().config;
    assert_eq!(validium.chain.da_mode, DaMode::Validium);
    assert_eq!(validium.chain.template, "validium");
    assert_eq!(chain_folders(&project), ["dev", "roll", "vali"]);
}

#[test]
fn new_chains_get_distinct_free_ids_and_ports() {
    let (_root, project) = project();
    let alpha = run(&project, &args("alpha", "devnet")).unwrap().config;
    let beta = run(&project, &args("beta", "devnet")).unwrap().config;
    assert_eq!(alpha.chain.chain_id.get(), FIRST_CHAIN_ID);
    assert_eq!(beta.chain.chain_id.get(), FIRST_CHAIN_ID + 1);
    let alpha_ports: Vec<u16> = alpha.ports().into_iter().map(|(_, port)| port).collect();
    for (_, port) in beta.ports() {
        assert!(!alpha_ports.contains(&port), "port {port} shared");
    }
}

#[test]
fn fund_flags_reach_genesis_and_bad_ones_are_named() {
    let (_root, project) = project();
    let mut funded = args("roll", "rollup");
    funded.fund = vec!["0x70997970C51812dc3A010C7d01b50e0d17dc79C8=1.5ether".to_owned()];
    let config = run(&project, &funded).unwrap().config;
    assert_eq!(config.genesis.accounts.len(), 1);
    assert_eq!(
        config.genesis.accounts[0].balance,
        Amount::from_gwei(1_500_000_000)
    );

    let mut bad = args("other", "rollup");
    bad.fund = vec!["0x1234=1ether".to_owned()];
    assert!(error(&project, &bad).contains("`0x1234` is not an address"));
    bad.fund = vec!["0x70997970C51812dc3A010C7d01b50e0d17dc79C8=1 wei".to_owned()];
    assert!(error(&project, &bad).contains("not a whole number of gwei"));
    assert_eq!(chain_folders(&project), ["roll"]);
}

#[test]
fn unknown_template_is_named_with_the_choices() {
    let (_root, project) = project();
    let message = error(&project, &args("alpha", "nosuch"));
    assert_eq!(
        message,
        "unknown template `nosuch`: the templates are devnet, rollup, validium"
    );
    assert!(error(&project, &args("alpha", "../templates")).starts_with("unknown template"));
    assert!(chain_folders(&project).is_empty());
}

#[test]
fn invalid_names_are_refused() {
    let (_root, project) = project();
    let long = "a".repeat(65);
    for (name, expected) in [
        ("", "the chain name is empty"),
        ("a/b", "contains a path separator"),
        ("..", "contains `.`"),
        (long.as_str(), "65 characters long; at most 64"),
        ("-x", "must start with a letter or a digit"),
    ] {
        let message = error(&project, &args(name, "devnet"));
        assert!(
            message.starts_with("invalid chain name") && message.contains(expected),
            "{name:?}: {message}"
        );
    }
    assert!(run(&project, &args(&"a".repeat(64), "devnet")).is_ok());
}

#[test]
fn existing_chain_needs_force() {
    let (_root, project) = project();
    run(&project, &args("alpha", "devnet")).unwrap();
    let message = error(&project, &args("alpha", "rollup"));
    assert!(
        message.contains("chains/alpha already exists: pass --force"),
        "{message}"
    );

    let mut forced = args("alpha", "validium");
    forced.force = true;
    let config = run(&project, &forced).unwrap().config;
    assert_eq!(config.chain.da_mode, DaMode::Validium);
    assert_eq!(
        config.chain.chain_id.get(),
        FIRST_CHAIN_ID,
        "a replaced chain may keep its own id"
    );
    assert_eq!(chain_folders(&project), ["alpha"]);
}

#[test]
fn duplicate_chain_id_is_refused_and_leaves_nothing() {
    let (_root, project) = project();
    run(&project, &args("alpha", "devnet")).unwrap();
    let mut duplicate = args("beta", "devnet");
    duplicate.chain_id = Some(FIRST_CHAIN_ID);
    let message = error(&project, &duplicate);
    assert!(
        message.contains("key `chain.chain_id`: chain id 270 is already used by chain `alpha`"),
        "{message}"
    );
    assert_eq!(chain_folders(&project), ["alpha"]);

    duplicate.chain_id = Some(0);
    assert!(error(&project, &duplicate).contains("chain id 0 is not allowed"));
}

#[test]
fn rpc_port_of_another_chain_is_refused() {
    let (_root, project) = project();
    let alpha = run(&project, &args("alpha", "devnet")).unwrap().config;
    let mut clash = args("beta", "devnet");
    clash.rpc_port = Some(alpha.sequencer.rpc_addr.port());
    let message = error(&project, &clash);
    assert!(
        message.contains("key `sequencer.rpc_addr`")
            && message.contains("already used by chain `alpha`"),
        "{message}"
    );
    clash.rpc_port = Some(4000);
    clash.p2p_port = Some(4000);
    assert!(error(&project, &clash).contains("a chain needs two different ports"));
    assert_eq!(chain_folders(&project), ["alpha"]);
}

#[test]
fn broken_template_names_the_file_and_leaves_nothing() {
    let (_root, project) = project();
    let broken = project.templates_dir().join("broken");
    fs::create_dir(&broken).unwrap();
    fs::write(
        broken.join("chain.toml.j2"),
        "[chain]\nname = \"{{ nmae }}\"\n",
    )
    .unwrap();
    let message = error(&project, &args("alpha", "broken"));
    assert!(
        message.contains("broken/chain.toml.j2") && message.contains("undefined"),
        "{message}"
    );

    fs::write(
        broken.join("chain.toml.j2"),
        "[chain]\nname = \"{{ name }}\"\nchain_id = {{ chain_id }}\nbogus = 1\n",
    )
    .unwrap();
    let message = error(&project, &args("alpha", "broken"));
    assert!(
        message.contains("template `broken` rendered an invalid chain.toml")
            && message.contains("bogus"),
        "{message}"
    );
    assert!(
        chain_folders(&project).is_empty(),
        "{:?}",
        chain_folders(&project)
    );
}
