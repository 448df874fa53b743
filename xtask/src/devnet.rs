//! `cargo xtask devnet`: one command for a local multi-chain network.
//!
//! Builds `hyperforge`, starts anvil (the one on PATH, or the npm one in `tools/`; or uses
//! `--l1 <url>`), deploys the bridge, registers every chain, starts each chain's sequencer,
//! prints one table (URLs, addresses, dev accounts, log files), then supervises the children
//! until Ctrl-C, which stops them all within 5 s (`hyperforge_devnet::Supervisor`).
//!
//! State lives in the data directory (`--data-dir`, default `data/devnet`): anvil's state
//! (`anvil --state`), the ecosystem file, a copy of each chain's folder (the chains run from
//! it, so the project's `chains/` stay as committed), every sequencer's RocksDB and every
//! log. Running the command again resumes that network; `--fresh` starts over.
//!
//! **Not yet here** (the roadmap's next steps, see issue "One command for a multi-chain local
//! network"): prover nodes, the settler and the relayer are not started, because their
//! commands are still being built; `--provers` is accepted and reported as not started.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use hyperforge_config::{ChainConfig, ChainSet};
use hyperforge_devnet::{ChildSpec, Event, Ready, Supervisor};
use xshell::{Shell, cmd};

use crate::{cli::DevnetArgs, project::Project};

/// What `devnet` writes into its data directory to resume: the bridge and the chains on it.
const STATE_FILE: &str = "devnet.toml";

pub(crate) fn run(project: &Project, args: &DevnetArgs) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .context("cannot install the Ctrl-C handler")?;
    }
    let started = Instant::now();
    let network = Network::plan(project, args)?;
    let binary = build(project)?;
    let anvil = crate::tools::ensure(project)?;

    let mut supervisor = Supervisor::new()
        .restart_children(args.restart)
        .ready_timeout(Duration::from_secs(120));
    let ready = network.start(&mut supervisor, &binary, &anvil, &stop)?;
    let ready_in = started.elapsed();
    print!("{}", ready.table(&supervisor));
    println!(
        "ready in {:.1} s; Ctrl-C stops everything",
        ready_in.as_secs_f64()
    );

    while !stop.load(Ordering::SeqCst) {
        for event in supervisor.poll() {
            match event {
                Event::Exited {
                    name,
                    status,
                    log,
                    tail,
                } => eprintln!(
                    "devnet: {name} stopped ({status}); the last lines of {}:\n{tail}",
                    log.display()
                ),
                Event::Restarted { name, pid } => eprintln!("devnet: {name} restarted (pid {pid})"),
                Event::RestartFailed { name, error } => {
                    eprintln!("devnet: {name} could not be restarted: {error}")
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!("devnet: stopping");
    for (name, status) in supervisor.shutdown(Duration::from_secs(4)) {
        eprintln!("devnet: {name}: {status}");
    }
    Ok(())
}

/// `cargo build -p hyperforge`, with a line saying what is going on; returns the binary.
fn build(project: &Project) -> anyhow::Result<PathBuf> {
    let sh = Shell::new()?;
    sh.change_dir(project.root());
    eprintln!(
        "==> building hyperforge (a first build takes about 30 minutes on 2 cores: RocksDB, libp2p, plonky2)"
    );
    cmd!(sh, "cargo build -p hyperforge --locked")
        .run()
        .context("building hyperforge failed")?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project.path("target"), PathBuf::from);
    let binary = target.join("debug").join("hyperforge");
    std::path::absolute(&binary).with_context(|| format!("cannot resolve {}", binary.display()))
}

/// The network to start: which chains, where everything lives.
#[derive(Debug)]
struct Network {
    chains: Vec<(PathBuf, ChainConfig)>,
    data_dir: PathBuf,
    l1: Option<String>,
    l1_port: u16,
    provers: u32,
    fresh: bool,
}

impl Network {
    fn plan(project: &Project, args: &DevnetArgs) -> anyhow::Result<Self> {
        let set = ChainSet::load(&project.chains_dir())
            .with_context(|| format!("cannot read {}", project.chains_dir().display()))?;
        if let Some(error) = set.errors().first() {
            bail!("{error}");
        }
        if let Some(clash) = set.clashes().first() {
            bail!("{clash}");
        }
        let names: Vec<String> = match &args.chains {
            Some(list) => list.clone(),
            None => set
                .chains()
                .iter()
                .map(|entry| entry.config.chain.name.clone())
                .collect(),
        };
        if names.is_empty() {
            bail!(
                "no chains in {}: make one with `cargo xtask chain new alpha --template devnet`",
                project.chains_dir().display()
            );
        }
        let mut chains = Vec::new();
        for name in &names {
            let entry = set.get(name).with_context(|| {
                format!(
                    "no chain `{name}` in {} (cargo xtask chain list)",
                    project.chains_dir().display()
                )
            })?;
            let (dir, config) = (entry.dir.clone(), entry.config.clone());
            chains.push((dir, config));
        }
        let data_dir = args
            .data_dir
            .clone()
            .unwrap_or_else(|| project.path("data/devnet"));
        Ok(Self {
            chains,
            data_dir,
            l1: args.l1.clone(),
            l1_port: args.l1_port,
            provers: args.provers,
            fresh: args.fresh,
        })
    }

    /// Starts anvil, the bridge and the chains; returns what the table shows.
    fn start(
        &self,
        supervisor: &mut Supervisor,
        binary: &Path,
        anvil: &Path,
        stop: &AtomicBool,
    ) -> anyhow::Result<ReadyNetwork> {
        if self.fresh && self.data_dir.exists() {
            std::fs::remove_dir_all(&self.data_dir)
                .with_context(|| format!("cannot remove {}", self.data_dir.display()))?;
        }
        let data_dir = std::path::absolute(&self.data_dir)?;
        let logs = data_dir.join("logs");
        std::fs::create_dir_all(&logs)
            .with_context(|| format!("cannot create {}", logs.display()))?;
        let state_file = data_dir.join(STATE_FILE);
        let anvil_state = data_dir.join("anvil-state.json");

        // L1.
        let l1 = match &self.l1 {
            Some(url) => url.clone(),
            None => {
                let port = self.l1_port.to_string();
                let mut spec = ChildSpec::new("anvil", anvil, logs.join("anvil.log"))
                    .args(["--host", "127.0.0.1", "--port", port.as_str()])
                    .ready(Ready::LogContains("Listening on".into()));
                // anvil loads this file at start (when it exists) and writes it at exit.
                spec = spec.args(["--state".into(), anvil_state.clone().into_os_string()]);
                supervisor.start(spec)?;
                format!("http://127.0.0.1:{}", self.l1_port)
            }
        };
        check_stop(stop)?;

        // The bridge: deployed once per network; resumed when anvil's state holds it.
        let resumed = self.l1.is_none() && anvil_state.exists() && state_file.exists();
        let ecosystem = data_dir.join("ecosystem.toml");
        let sh = Shell::new()?;
        let l1_str = l1.as_str();
        if !resumed || !ecosystem.exists() {
            eprintln!("==> deploying the bridge on {l1}");
            cmd!(
                sh,
                "{binary} l1 deploy --l1 {l1_str} --ecosystem {ecosystem}"
            )
            .run()
            .context("deploying the bridge failed")?;
        }
        let bridge = read_bridge(&ecosystem)?;
        let registered = if resumed {
            registered_chains(&state_file)?
        } else {
            Vec::new()
        };

        let mut chains = Vec::new();
        for (source, config) in &self.chains {
            check_stop(stop)?;
            let name = &config.chain.name;
            // The network runs on a copy of the chain's folder, so that `l1 register` (which
            // records the bridge in chain.toml) leaves the project's chains/ untouched.
            let dir = data_dir.join("chains").join(name);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            std::fs::copy(
                source.join(hyperforge_config::CHAIN_FILE),
                dir.join(hyperforge_config::CHAIN_FILE),
            )
            .with_context(|| format!("cannot copy {}'s chain.toml", source.display()))?;
            let dir = &dir;
            let l1_flag = format!("l1.rpc_url={l1}");
            if !registered.contains(name) {
                eprintln!("==> registering {name} on the bridge");
                cmd!(
                    sh,
                    "{binary} l1 register --chain {dir} --ecosystem {ecosystem} --set {l1_flag}"
                )
                .run()
                .with_context(|| format!("registering chain `{name}` failed"))?;
                record_chain(&state_file, &bridge, name)?;
            }
            let rpc = config.sequencer.rpc_addr;
            let sequencer_dir = data_dir.join(name).join("sequencer");
            let bridge_flag = format!("l1.bridge={bridge}");
            let spec = ChildSpec::new(
                format!("{name}-sequencer"),
                binary,
                logs.join(format!("{name}-sequencer.log")),
            )
            .args(["sequencer", "--chain"])
            .args([dir.as_os_str()])
            .args(["--data-dir".into(), sequencer_dir.into_os_string()])
            .args(["--set", &l1_flag, "--set", &bridge_flag])
            .env("NO_COLOR", "1")
            .ready(Ready::LogContains("rpc: http://".into()));
            supervisor.start(spec)?;
            chains.push(ReadyChain {
                name: name.clone(),
                chain_id: config.chain.chain_id.get(),
                rpc: format!("http://{rpc}"),
                p2p: config
                    .p2p
                    .listen
                    .first()
                    .map_or_else(String::new, ToString::to_string),
                metrics: format!("http://{rpc}/metrics"),
            });
        }
        Ok(ReadyNetwork {
            l1,
            bridge,
            chains,
            provers: self.provers,
            data_dir,
        })
    }
}

/// Stops a start that Ctrl-C interrupted.
fn check_stop(stop: &AtomicBool) -> anyhow::Result<()> {
    if stop.load(Ordering::SeqCst) {
        bail!("interrupted");
    }
    Ok(())
}

/// The bridge address `l1 deploy` wrote.
fn read_bridge(ecosystem: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(ecosystem)
        .with_context(|| format!("cannot read {}", ecosystem.display()))?;
    let document: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", ecosystem.display()))?;
    document
        .get("l1")
        .and_then(|l1| l1.get("bridge"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{}: no `[l1] bridge`", ecosystem.display()))
}

/// The chains `devnet.toml` says are registered on its bridge.
fn registered_chains(state_file: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(state_file)
        .with_context(|| format!("cannot read {}", state_file.display()))?;
    let document: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", state_file.display()))?;
    Ok(document
        .get("registered")
        .and_then(toml::Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(toml::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default())
}

/// Adds `name` to the chains `devnet.toml` records as registered on `bridge`.
fn record_chain(state_file: &Path, bridge: &str, name: &str) -> anyhow::Result<()> {
    let mut names = if state_file.exists() {
        registered_chains(state_file)?
    } else {
        Vec::new()
    };
    names.push(name.to_owned());
    let mut document = toml::Table::new();
    document.insert("bridge".into(), toml::Value::String(bridge.to_owned()));
    document.insert(
        "registered".into(),
        toml::Value::Array(names.into_iter().map(toml::Value::String).collect()),
    );
    let text = format!(
        "# Written by `cargo xtask devnet`: what this network's L1 state holds.\n{}",
        toml::to_string(&document)?
    );
    std::fs::write(state_file, text)
        .with_context(|| format!("cannot write {}", state_file.display()))
}

/// What the ready table shows.
#[derive(Debug)]
struct ReadyNetwork {
    l1: String,
    bridge: String,
    chains: Vec<ReadyChain>,
    provers: u32,
    data_dir: PathBuf,
}

#[derive(Debug)]
struct ReadyChain {
    name: String,
    chain_id: u64,
    rpc: String,
    p2p: String,
    metrics: String,
}

impl ReadyNetwork {
    fn table(&self, supervisor: &Supervisor) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "\nhyperforge devnet ({})", self.data_dir.display());
        let _ = writeln!(out, "  L1       {}", self.l1);
        let _ = writeln!(out, "  bridge   {}", self.bridge);
        let _ = writeln!(
            out,
            "\n  {:<10} {:>8}  {:<24} {:<32} metrics",
            "chain", "id", "rpc", "p2p"
        );
        for chain in &self.chains {
            let _ = writeln!(
                out,
                "  {:<10} {:>8}  {:<24} {:<32} {}",
                chain.name, chain.chain_id, chain.rpc, chain.p2p, chain.metrics
            );
        }
        if self.provers > 0 {
            let _ = writeln!(
                out,
                "\n  provers: NOT STARTED ({} per chain asked): the prover node is not wired into the devnet yet, batches stay `pending`",
                self.provers
            );
        }
        let _ = writeln!(
            out,
            "\n  dev accounts (funded on L1 and at genesis; public keys, local use only)"
        );
        for account in hyperforge_primitives::dev::ACCOUNTS.iter().take(4) {
            let _ = writeln!(out, "    {}  {}", account.address, account.private_key);
        }
        let _ = writeln!(
            out,
            "    ... and 6 more of the mnemonic \"{}\"",
            hyperforge_primitives::dev::MNEMONIC
        );
        let _ = writeln!(out, "\n  logs");
        for (name, log) in supervisor.logs() {
            let _ = writeln!(out, "    {name:<20} {}", log.display());
        }
        out
    }
}
