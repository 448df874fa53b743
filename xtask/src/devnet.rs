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
//! Ports: `--l1-port 0` lets anvil pick its port (read back from its "Listening on" line);
//! `--port-base N` gives chain `i` (in `--chains` order) the RPC port `N + 2i` and the p2p
//! port `N + 2i + 1`, `--port-base auto` free loopback ports, both through `--set` on the
//! chain's copy: the table shows the ports in use, and `devnet.toml` records them for
//! `cargo xtask devnet status` (`status.rs`).
//!
//! `HYPERFORGE_BIN=<path>` runs that `hyperforge` instead of building one (tests, benches).
//!
//! **Not yet here** (the roadmap's next steps, see issue "One command for a multi-chain local
//! network"): prover nodes, the settler and the relayer are not started, because their
//! commands are still being built; `--provers` is accepted and reported as not started.

mod status;

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    net::TcpListener,
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
use serde::{Deserialize, Serialize};
use xshell::{Shell, cmd};

use crate::{
    cli::{DevnetArgs, DevnetCommand, PortBase},
    preflight,
    project::Project,
};

/// The binary to run instead of building one.
const BIN_VARIABLE: &str = "HYPERFORGE_BIN";

/// What `devnet` writes into its data directory to resume: the bridge and the chains on it.
const STATE_FILE: &str = "devnet.toml";

/// The data directory without `--data-dir`.
const DEFAULT_DATA_DIR: &str = "data/devnet";

pub(crate) fn run(project: &Project, args: &DevnetArgs) -> anyhow::Result<()> {
    if let Some(DevnetCommand::Status { data_dir }) = &args.command {
        let data_dir = data_dir
            .clone()
            .unwrap_or_else(|| project.path(DEFAULT_DATA_DIR));
        return status::run(&data_dir);
    }
    let prebuilt = std::env::var_os(BIN_VARIABLE).map(PathBuf::from);
    let anvil = preflight::run(
        project,
        preflight::Needs {
            build: prebuilt.is_none(),
            node: !preflight::npm_tools_installed(project),
        },
    )?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .context("cannot install the Ctrl-C handler")?;
    }
    let started = Instant::now();
    let network = Network::plan(project, args)?;
    let binary = match prebuilt {
        Some(binary) => std::path::absolute(&binary)
            .with_context(|| format!("cannot resolve {BIN_VARIABLE}={}", binary.display()))?,
        None => build(project)?,
    };

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

/// `cargo xtask bench devnet`: a fresh 2-chain devnet on free ports, then the same one
/// resumed, each timed from the command's start to its table; the binary is built first,
/// outside the measure.
pub(crate) fn bench(project: &Project) -> anyhow::Result<()> {
    let binary = match std::env::var_os(BIN_VARIABLE) {
        Some(binary) => PathBuf::from(binary),
        None => build(project)?,
    };
    let set = ChainSet::load(&project.chains_dir())
        .with_context(|| format!("cannot read {}", project.chains_dir().display()))?;
    let names: Vec<String> = set
        .chains()
        .iter()
        .take(2)
        .map(|entry| entry.config.chain.name.clone())
        .collect();
    if names.len() < 2 {
        bail!(
            "the devnet bench runs two chains; chains/ has {}",
            names.len()
        );
    }
    let root = std::path::absolute(project.root())?;
    let data_dir =
        std::env::temp_dir().join(format!("hyperforge-bench-devnet-{}", std::process::id()));
    let xtask = std::env::current_exe().context("cannot find the xtask binary")?;
    let mut seconds = Vec::new();
    for fresh in [true, false] {
        let mut command = std::process::Command::new(&xtask);
        command
            .arg("--root")
            .arg(&root)
            .args(["devnet", "--chains", &names.join(","), "--l1-port", "0"])
            .args(["--port-base", "auto", "--data-dir"])
            .arg(&data_dir)
            .env(BIN_VARIABLE, &binary)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        if fresh {
            command.arg("--fresh");
        }
        let started = Instant::now();
        let mut child = command.spawn().context("cannot start cargo xtask devnet")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let ready = std::io::BufRead::lines(std::io::BufReader::new(stdout))
            .map_while(Result::ok)
            .any(|line| line.starts_with("ready in"));
        let elapsed = started.elapsed();
        // SAFETY: kill has no memory effects; the child is ours and not yet waited for.
        unsafe {
            libc::kill(libc::pid_t::try_from(child.id())?, libc::SIGINT);
        }
        let status = child.wait()?;
        if !ready {
            bail!("the devnet exited ({status}) before it was ready");
        }
        seconds.push(elapsed.as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    println!("BENCH devnet_ready_s {:.2} s", seconds[0]);
    println!("BENCH devnet_resume_ready_s {:.2} s", seconds[1]);
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
    /// Per chain (in order), the RPC and p2p ports replacing its own.
    ports: Option<Vec<(u16, u16)>>,
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
            .unwrap_or_else(|| project.path(DEFAULT_DATA_DIR));
        let ports = match args.port_base {
            None => None,
            Some(base) => Some(chain_ports(base, chains.len())?),
        };
        Ok(Self {
            ports,
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
                let log = logs.join("anvil.log");
                let mut spec = ChildSpec::new("anvil", anvil, &log)
                    .args(["--host", "127.0.0.1", "--port", port.as_str()])
                    .ready(Ready::LogContains("Listening on".into()));
                // anvil loads this file at start (when it exists) and writes it at exit.
                spec = spec.args(["--state".into(), anvil_state.clone().into_os_string()]);
                supervisor.start(spec)?;
                // With port 0 anvil picks one: the last "Listening on" line is this start's.
                let listening = listening_on(&hyperforge_devnet::last_lines(&log, 400))
                    .with_context(|| format!("no \"Listening on\" line in {}", log.display()))?;
                format!("http://{listening}")
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
        let mut state = if resumed {
            DevnetState::read(&state_file)?
        } else {
            DevnetState::default()
        };
        state.bridge = bridge.clone();
        state.l1 = l1.clone();

        let mut chains = Vec::new();
        for (index, (source, config)) in self.chains.iter().enumerate() {
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
            if !state.registered.contains(name) {
                eprintln!("==> registering {name} on the bridge");
                cmd!(
                    sh,
                    "{binary} l1 register --chain {dir} --ecosystem {ecosystem} --set {l1_flag}"
                )
                .run()
                .with_context(|| format!("registering chain `{name}` failed"))?;
                state.registered.push(name.clone());
                state.write(&state_file)?;
            }
            let (rpc, p2p) = match &self.ports {
                Some(ports) => (
                    format!("127.0.0.1:{}", ports[index].0),
                    format!("/ip4/127.0.0.1/tcp/{}", ports[index].1),
                ),
                None => (
                    config.sequencer.rpc_addr.to_string(),
                    config
                        .p2p
                        .listen
                        .first()
                        .map_or_else(String::new, ToString::to_string),
                ),
            };
            let rpc_flag = format!("sequencer.rpc_addr={rpc}");
            let p2p_flag = format!("p2p.listen=[\"{p2p}\"]");
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
            .args(["--set", &rpc_flag, "--set", &p2p_flag])
            .env("NO_COLOR", "1")
            .ready(Ready::LogContains("rpc: http://".into()));
            supervisor.start(spec)?;
            state.chains.insert(
                name.clone(),
                RunningChain {
                    chain_id: config.chain.chain_id.get(),
                    rpc: format!("http://{rpc}"),
                    p2p: p2p.clone(),
                },
            );
            chains.push(ReadyChain {
                name: name.clone(),
                chain_id: config.chain.chain_id.get(),
                rpc: format!("http://{rpc}"),
                p2p,
                metrics: format!("http://{rpc}/metrics"),
            });
        }
        state.write(&state_file)?;
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

/// `devnet.toml`: what this network's L1 state holds (the bridge, the chains registered on
/// it) and where its nodes listen (for `devnet status`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct DevnetState {
    /// The bridge address.
    bridge: String,
    /// The chains registered on it.
    registered: Vec<String>,
    /// The L1 JSON-RPC URL of the last start.
    l1: String,
    /// Per chain, where it listened at the last start.
    chains: BTreeMap<String, RunningChain>,
}

/// One chain of [`DevnetState`].
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct RunningChain {
    chain_id: u64,
    rpc: String,
    p2p: String,
}

impl DevnetState {
    fn read(state_file: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(state_file)
            .with_context(|| format!("cannot read {}", state_file.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is not valid", state_file.display()))
    }

    fn write(&self, state_file: &Path) -> anyhow::Result<()> {
        let text = format!(
            "# Written by `cargo xtask devnet`: what this network's L1 state holds, where it listens.\n{}",
            toml::to_string(self)?
        );
        std::fs::write(state_file, text)
            .with_context(|| format!("cannot write {}", state_file.display()))
    }
}

/// `127.0.0.1:8545` from anvil's last `Listening on 127.0.0.1:8545` line in `log`.
fn listening_on(log: &str) -> Option<String> {
    log.lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("Listening on"))
        .map(|addr| addr.trim().to_owned())
        .filter(|addr| !addr.is_empty())
}

/// The RPC and p2p port of each of `count` chains.
fn chain_ports(base: PortBase, count: usize) -> anyhow::Result<Vec<(u16, u16)>> {
    match base {
        PortBase::Fixed(base) => (0..count)
            .map(|index| {
                let rpc = u16::try_from(usize::from(base) + 2 * index)
                    .ok()
                    .filter(|port| *port < u16::MAX)
                    .with_context(|| {
                        format!("--port-base {base}: ports for {count} chains run past 65535")
                    })?;
                Ok((rpc, rpc + 1))
            })
            .collect(),
        PortBase::Auto => {
            // Every listener stays open until all are picked, so no port comes up twice.
            let listeners = (0..2 * count)
                .map(|_| TcpListener::bind("127.0.0.1:0"))
                .collect::<Result<Vec<_>, _>>()
                .context("cannot find free loopback ports")?;
            let ports = listeners
                .iter()
                .map(|listener| listener.local_addr().map(|addr| addr.port()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ports.chunks(2).map(|pair| (pair[0], pair[1])).collect())
        }
    }
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
            let pid = supervisor
                .pid(&name)
                .map_or_else(|| "-".to_owned(), |pid| pid.to_string());
            let _ = writeln!(out, "    {name:<20} pid {pid:<8} {}", log.display());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_listening_line_is_the_address() {
        let log = "Listening on 127.0.0.1:8545\n...\nListening on 127.0.0.1:40123\n";
        assert_eq!(listening_on(log).as_deref(), Some("127.0.0.1:40123"));
        assert_eq!(listening_on("Available Accounts\n"), None);
    }

    #[test]
    fn a_fixed_port_base_gives_each_chain_two_ports_in_order() {
        assert_eq!(
            chain_ports(PortBase::Fixed(4000), 2).unwrap(),
            vec![(4000, 4001), (4002, 4003)]
        );
        assert_eq!(
            chain_ports(PortBase::Fixed(65534), 1).unwrap(),
            vec![(65534, 65535)]
        );
        assert!(chain_ports(PortBase::Fixed(65535), 1).is_err());
        assert!(chain_ports(PortBase::Fixed(65534), 2).is_err());
    }

    #[test]
    fn auto_ports_are_distinct() {
        let ports = chain_ports(PortBase::Auto, 3).unwrap();
        let mut all: Vec<u16> = ports.iter().flat_map(|(rpc, p2p)| [*rpc, *p2p]).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 6);
    }

    #[test]
    fn the_state_file_round_trips_and_reads_the_first_format() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(STATE_FILE);
        std::fs::write(&file, "bridge = \"0xab\"\nregistered = [\"alpha\"]\n").unwrap();
        let mut state = DevnetState::read(&file).unwrap();
        assert_eq!(state.registered, vec!["alpha".to_owned()]);
        state.chains.insert(
            "alpha".into(),
            RunningChain {
                chain_id: 270,
                rpc: "http://127.0.0.1:3050".into(),
                p2p: "/ip4/127.0.0.1/tcp/3150".into(),
            },
        );
        state.write(&file).unwrap();
        assert_eq!(DevnetState::read(&file).unwrap(), state);
    }
}
