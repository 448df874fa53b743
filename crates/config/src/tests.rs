//! Tests of the layers, their order and the errors of each kind of bad input.

// figment's Jail closures return its (large) error type; that is its API, not ours.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;

use figment::Jail;

use crate::{ChainConfigLoader, ChainSet, ChunkSlots, ConfigError, DaMode, Overrides, Problem};

const MINIMAL: &str = r#"
[chain]
name = "alpha"
chain_id = 270
"#;

fn rpc(addr: &str) -> SocketAddr {
    addr.parse().unwrap()
}

/// Runs `test` in a jail (a temporary working directory whose environment changes are undone
/// afterwards and serialised against other jails) holding `alpha/chain.toml`.
fn with_chain(toml: &str, test: impl FnOnce(&mut Jail) -> Result<(), figment::Error>) {
    Jail::expect_with(|jail| {
        jail.create_dir("alpha")?;
        jail.create_file("alpha/chain.toml", toml)?;
        test(jail)
    });
}

fn problem(result: Result<crate::ChainConfig, ConfigError>) -> Problem {
    match result {
        Err(ConfigError::Invalid(problem)) => problem,
        other => panic!("expected an invalid-config error, got {other:?}"),
    }
}

#[test]
fn layer_default_fills_keys_the_file_leaves_out() {
    with_chain(MINIMAL, |_| {
        let config = ChainConfigLoader::new("alpha").load().unwrap();
        assert_eq!(config.sequencer.rpc_addr, rpc("127.0.0.1:3050"));
        assert_eq!(config.sequencer.block_time_ms, 1_000);
        assert_eq!(config.chain.da_mode, DaMode::Rollup);
        assert_eq!(config.l1.bridge, None);
        assert_eq!(
            (config.l1.confirmations, config.l1.poll_interval_ms),
            (1, 1_000)
        );
        Ok(())
    });
}

#[test]
fn l1_follower_keys_are_set_and_checked() {
    let toml = format!("{MINIMAL}\n[l1]\nconfirmations = 0\npoll_interval_ms = 50\n");
    with_chain(&toml, |_| {
        let config = ChainConfigLoader::new("alpha").load().unwrap();
        assert_eq!(
            (config.l1.confirmations, config.l1.poll_interval_ms),
            (0, 50)
        );
        let mut overrides = Overrides::new();
        overrides.parse_flag("l1.poll_interval_ms=0").unwrap();
        let found = problem(
            ChainConfigLoader::new("alpha")
                .with_overrides(overrides)
                .load(),
        );
        assert_eq!(found.key.as_deref(), Some("l1.poll_interval_ms"));
        assert_eq!(found.problem, "0 is out of range 10..=600000");
        let mut overrides = Overrides::new();
        overrides.parse_flag("l1.confirmations=10001").unwrap();
        let found = problem(
            ChainConfigLoader::new("alpha")
                .with_overrides(overrides)
                .load(),
        );
        assert_eq!(found.key.as_deref(), Some("l1.confirmations"));
        Ok(())
    });
}

#[test]
fn layer_file_beats_default() {
    let toml = format!("{MINIMAL}\n[sequencer]\nrpc_addr = \"127.0.0.1:4000\"\n");
    with_chain(&toml, |_| {
        let config = ChainConfigLoader::new("alpha").load().unwrap();
        assert_eq!(config.sequencer.rpc_addr, rpc("127.0.0.1:4000"));
        Ok(())
    });
}

#[test]
fn layer_env_beats_file() {
    let toml = format!("{MINIMAL}\n[sequencer]\nrpc_addr = \"127.0.0.1:4000\"\n");
    with_chain(&toml, |jail| {
        jail.set_env("HYPERFORGE_SEQUENCER__RPC_ADDR", "127.0.0.1:9000");
        jail.set_env("HYPERFORGE_PROVER__WORKERS", "3");
        let config = ChainConfigLoader::new("alpha").load().unwrap();
        assert_eq!(config.sequencer.rpc_addr, rpc("127.0.0.1:9000"));
        assert_eq!(config.prover.workers, 3);
        // Checks of the committed files leave the environment out.
        let file_only = ChainConfigLoader::new("alpha")
            .with_env(false)
            .load()
            .unwrap();
        assert_eq!(file_only.sequencer.rpc_addr, rpc("127.0.0.1:4000"));
        Ok(())
    });
}

#[test]
fn layer_flag_beats_env() {
    with_chain(MINIMAL, |jail| {
        jail.set_env("HYPERFORGE_SEQUENCER__RPC_ADDR", "127.0.0.1:9000");
        let mut overrides = Overrides::new();
        overrides
            .parse_flag("sequencer.rpc_addr=127.0.0.1:9100")
            .unwrap();
        overrides.parse_flag("sequencer.block_time_ms=50").unwrap();
        overrides
            .parse_flag("p2p.listen=[\"/ip4/127.0.0.1/udp/0/quic-v1\"]")
            .unwrap();
        let config = ChainConfigLoader::new("alpha")
            .with_overrides(overrides)
            .load()
            .unwrap();
        assert_eq!(config.sequencer.rpc_addr, rpc("127.0.0.1:9100"));
        assert_eq!(config.sequencer.block_time_ms, 50);
        assert_eq!(
            config.p2p.listen,
            vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()]
        );
        Ok(())
    });
}

#[test]
fn env_variables_without_a_section_are_not_configuration() {
    with_chain(MINIMAL, |jail| {
        jail.set_env("HYPERFORGE_LOG", "debug");
        jail.set_env("HYPERFORGE_CHAIN", "chains/alpha");
        assert!(ChainConfigLoader::new("alpha").load().is_ok());
        Ok(())
    });
}

#[test]
fn unknown_key_names_file_and_key() {
    let toml = format!("{MINIMAL}\n[sequencer]\nblock_time = 5\n");
    with_chain(&toml, |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(problem.origin, "alpha/chain.toml");
        assert_eq!(problem.key.as_deref(), Some("sequencer.block_time"));
        assert!(
            problem
                .problem
                .contains("unknown field: found `block_time`"),
            "{problem}"
        );
        Ok(())
    });
}

#[test]
fn unknown_section_is_an_error() {
    let toml = format!("{MINIMAL}\n[sequencr]\nblock_time_ms = 5\n");
    with_chain(&toml, |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert!(problem.problem.contains("`sequencr`"), "{problem}");
        Ok(())
    });
}

#[test]
fn wrong_type_names_file_key_and_types() {
    let toml = format!("{MINIMAL}\n[sequencer]\nblock_time_ms = \"fast\"\n");
    with_chain(&toml, |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(problem.origin, "alpha/chain.toml");
        assert_eq!(problem.key.as_deref(), Some("sequencer.block_time_ms"));
        assert!(problem.problem.contains("invalid type"), "{problem}");
        Ok(())
    });
}

#[test]
fn malformed_toml_names_the_file_and_line() {
    with_chain("[chain\nname = \"alpha\"\n", |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(problem.origin, "alpha/chain.toml");
        assert!(problem.problem.contains("line 1"), "{problem}");
        Ok(())
    });
}

#[test]
fn invalid_address_names_the_key() {
    let toml = format!("{MINIMAL}\n[[genesis.accounts]]\naddress = \"0x1234\"\nbalance = 1\n");
    with_chain(&toml, |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(problem.key.as_deref(), Some("genesis.accounts.0.address"));
        assert!(
            problem.problem.contains("`0x1234` is not an address"),
            "{problem}"
        );
        Ok(())
    });
}

#[test]
fn bad_env_value_names_the_variable() {
    with_chain(MINIMAL, |jail| {
        jail.set_env("HYPERFORGE_SEQUENCER__RPC_ADDR", "not-an-address");
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(
            problem.origin,
            "environment variable `HYPERFORGE_SEQUENCER__RPC_ADDR`"
        );
        assert_eq!(problem.key.as_deref(), Some("sequencer.rpc_addr"));
        Ok(())
    });
}

#[test]
fn rule_broken_by_env_names_the_variable() {
    with_chain(MINIMAL, |jail| {
        jail.set_env("HYPERFORGE_PROVER__WORKERS", "0");
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(
            problem.origin,
            "environment variable `HYPERFORGE_PROVER__WORKERS`"
        );
        assert_eq!(problem.problem, "must be at least 1");
        Ok(())
    });
}

#[test]
fn bad_flag_names_the_flag() {
    with_chain(MINIMAL, |_| {
        let mut overrides = Overrides::new();
        overrides.parse_flag("sequencer.max_block_txs=-5").unwrap();
        let problem = problem(
            ChainConfigLoader::new("alpha")
                .with_overrides(overrides)
                .load(),
        );
        assert_eq!(
            problem.origin,
            "command-line flag `--set sequencer.max_block_txs`"
        );
        assert!(matches!(
            Overrides::new().parse_flag("no-equals-sign"),
            Err(ConfigError::BadOverride(_))
        ));
        Ok(())
    });
}

#[test]
fn missing_file_is_a_read_error_naming_the_path() {
    Jail::expect_with(|_| {
        let error = ChainConfigLoader::new("nowhere").load().unwrap_err();
        assert!(matches!(error, ConfigError::Read { .. }));
        assert!(
            error
                .to_string()
                .starts_with("nowhere/chain.toml: cannot read"),
            "{error}"
        );
        Ok(())
    });
}

#[test]
fn name_must_match_the_folder() {
    with_chain(&MINIMAL.replace("alpha", "gamma"), |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(problem.key.as_deref(), Some("chain.name"));
        assert!(problem.problem.contains("folder name `alpha`"), "{problem}");
        Ok(())
    });
}

#[test]
fn genesis_rejects_duplicates_and_overflow() {
    let address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let twice = format!(
        "{MINIMAL}\n[[genesis.accounts]]\naddress = \"{address}\"\nbalance = \"1 ether\"\n[[genesis.accounts]]\naddress = \"{}\"\nbalance = 5\n",
        address.to_lowercase()
    );
    with_chain(&twice, |_| {
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert!(problem.problem.contains("listed twice"), "{problem}");
        Ok(())
    });
}

#[test]
fn chain_set_reports_shared_chain_id_and_port() {
    Jail::expect_with(|jail| {
        jail.create_dir("chains/alpha")?;
        jail.create_dir("chains/beta")?;
        jail.create_dir("chains/gamma")?;
        jail.create_file("chains/alpha/chain.toml", MINIMAL)?;
        jail.create_file("chains/beta/chain.toml", &MINIMAL.replace("alpha", "beta"))?;
        jail.create_file(
            "chains/gamma/chain.toml",
            "[chain]\nname = \"gamma\"\nchain_id = 300\n[sequencer]\nrpc_addr = \"127.0.0.1:4000\"\n[p2p]\nlisten = [\"/ip4/127.0.0.1/tcp/3150\"]\n",
        )?;
        let set = ChainSet::load("chains".as_ref()).unwrap();
        assert_eq!(set.chains().len(), 3);
        let clashes = set.clashes();
        assert_eq!(clashes.len(), 2, "{clashes:?}");
        assert_eq!(clashes[0].key.as_deref(), Some("chain.chain_id"));
        assert!(
            clashes[0].problem.contains("already used by chain `alpha`"),
            "{}",
            clashes[0]
        );
        assert_eq!(clashes[1].key.as_deref(), Some("p2p.listen"));
        assert!(clashes[1].problem.contains("port 3150"), "{}", clashes[1]);
        Ok(())
    });
}

#[test]
fn chunk_slots_are_layered_and_checked() {
    let toml = format!("{MINIMAL}\n[prover.chunk]\ntx_slots = 8\n");
    with_chain(&toml, |jail| {
        let config = ChainConfigLoader::new("alpha").load().unwrap();
        // The keys the file leaves out keep their defaults.
        assert_eq!(
            config.prover.chunk,
            ChunkSlots {
                tx_slots: 8,
                ..ChunkSlots::default()
            }
        );
        // 8 transaction and 90 execute slots: about 66,300 rows.
        jail.set_env("HYPERFORGE_PROVER__CHUNK__EXECUTE_SLOTS", "90");
        let too_big = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(too_big.key.as_deref(), Some("prover.chunk"));
        assert!(too_big.problem.contains("over the 65536 rows"), "{too_big}");
        jail.set_env("HYPERFORGE_PROVER__CHUNK__EXECUTE_SLOTS", "0");
        jail.set_env("HYPERFORGE_PROVER__CHUNK__TX_SLOTS", "0");
        let problem = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(problem.key.as_deref(), Some("prover.chunk.tx_slots"));
        Ok(())
    });
}

#[test]
fn chain_set_reports_chains_with_other_chunk_slots() {
    Jail::expect_with(|jail| {
        jail.create_dir("chains/alpha")?;
        jail.create_dir("chains/beta")?;
        jail.create_file("chains/alpha/chain.toml", MINIMAL)?;
        let beta = MINIMAL
            .replace("alpha", "beta")
            .replace("chain_id = 270", "chain_id = 271");
        jail.create_file(
            "chains/beta/chain.toml",
            &format!("{beta}\n[sequencer]\nrpc_addr = \"127.0.0.1:4001\"\n[p2p]\nlisten = [\"/ip4/127.0.0.1/tcp/4151\"]\n[prover.chunk]\ntx_slots = 2\n"),
        )?;
        let set = ChainSet::load("chains".as_ref()).unwrap();
        let clashes = set.clashes();
        assert_eq!(clashes.len(), 1, "{clashes:?}");
        assert_eq!(clashes[0].key.as_deref(), Some("prover.chunk"));
        assert!(
            clashes[0].problem.contains("tx 2") && clashes[0].problem.contains("tx 4"),
            "{}",
            clashes[0]
        );
        Ok(())
    });
}

#[test]
fn batch_timeout_below_the_block_time_is_refused_naming_both_and_zero_turns_it_off() {
    let toml = format!("{MINIMAL}\n[sequencer]\nblock_time_ms = 500\nbatch_timeout_ms = 200\n");
    with_chain(&toml, |_| {
        let found = problem(ChainConfigLoader::new("alpha").load());
        assert_eq!(found.origin, "alpha/chain.toml");
        assert_eq!(found.key.as_deref(), Some("sequencer.batch_timeout_ms"));
        assert_eq!(
            found.problem,
            "200 is below sequencer.block_time_ms (500): use at least one block time, or 0 to turn the timeout off"
        );
        for (flag, timeout) in [
            ("sequencer.batch_timeout_ms=0", 0),
            ("sequencer.batch_timeout_ms=500", 500),
        ] {
            let mut overrides = Overrides::new();
            overrides.parse_flag(flag).unwrap();
            let config = ChainConfigLoader::new("alpha")
                .with_overrides(overrides)
                .load()
                .unwrap();
            assert_eq!(config.sequencer.batch_timeout_ms, timeout);
        }
        Ok(())
    });
    with_chain(MINIMAL, |_| {
        let config = ChainConfigLoader::new("alpha").load().unwrap();
        assert_eq!(config.sequencer.batch_timeout_ms, 10_000, "the default");
        Ok(())
    });
}
