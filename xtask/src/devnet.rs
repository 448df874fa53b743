//! `cargo xtask devnet`: one command for a local multi-chain network.
//!
//! Builds `hyperforge`, starts anvil (the one on PATH, or the npm one in `tools/`; or uses
//! `--l1 <url>`), deploys the bridge (`--verifier plonky2`, the default, or `dev`), registers
//! every chain, starts each chain's sequencer and `--provers` prover nodes (dialling the
//! sequencer's p2p address), then the settler over every chain and the relayer (`hyperforge
//! relayer` over every chain, signing with dev account 9: it executes every cross-chain
//! message once executable, after `--relay-delay-ms`; with `--finalize-withdrawals` it also
//! pays settled withdrawals on L1; `--no-relay` starts none); prints one table (URLs,
//! addresses, dev accounts, log files), then supervises the children until Ctrl-C, which
//! stops them all within 5 s (`hyperforge_devnet::Supervisor`). Every node shares one
//! circuit cache (`$HYPERFORGE_CIRCUIT_CACHE`, default `~/.cache/hyperforge/circuits`), so
//! only the first start builds the circuits.
//!
//! State lives in the data directory (`--data-dir`, default `data/devnet`): anvil's state
//! (`anvil --state`), the ecosystem file, a copy of each chain's folder (the chains run from
//! it, so the project's `chains/` stay as committed), every sequencer's RocksDB and every
//! log. Running the command again resumes that network; `--fresh` starts over.
//!
//! Ports: `--l1-port 0` lets anvil pick its port (read back from its "Listening on" line);
//! `--port-base N` gives chain `i` (in `--chains` order) the RPC port `N + 2i` and the p2p
//! port `N + 2i + 1`, `--port-base auto` free loopback ports, both written into the chain's
//! copy: the table shows the ports in use, and `devnet.toml` records them for
//! `cargo xtask devnet status` (`status.rs`).
//!
//! `--scenario <name>` runs a scripted, checked flow on a fresh network of its own instead
//! (`scenario.rs`), then stops it: the exit status says whether every check held.
//!
//! `cargo xtask devnet add-chain <name>` adds `chains/<name>` to the devnet running in the
//! data directory (`add_chain.rs`): the running devnet's supervise loop ([`serve`]) answers
//! the request. The chain is started as the others were at start ([`Network::start_chain`]:
//! its folder copied, ports as `--port-base` says, registered on the bridge, its sequencer
//! and provers), then the settler and the relayer are stopped and started again over every
//! chain ([`hyperforge_devnet::Supervisor::stop`]; both keep no state that this loses: they
//! go on from what the bridge and the chains hold), and `devnet.toml` lists it among the
//! `added` chains, which a resumed devnet starts again whatever `--chains` says. The devnet
//! writes its pid to `devnet.pid` once ready (removed when it stops): add-chain finds it
//! there, and a second devnet in the same data directory refuses to start.
//!
//! `HYPERFORGE_BIN=<path>` runs that `hyperforge` instead of building one (tests, benches).

mod add_chain;
mod scenario;
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
use hyperforge_config::{ChainConfig, ChainConfigLoader, ChainSet};
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
    match &args.command {
        Some(DevnetCommand::Status { data_dir }) => {
            let data_dir = data_dir
                .clone()
                .unwrap_or_else(|| project.path(DEFAULT_DATA_DIR));
            return status::run(&data_dir);
        }
        Some(DevnetCommand::AddChain {
            name,
            data_dir,
            provers,
            timeout_s,
        }) => {
            let data_dir = data_dir
                .clone()
                .unwrap_or_else(|| project.path(DEFAULT_DATA_DIR));
            return add_chain::run(
                project,
                &data_dir,
                name,
                *provers,
                Duration::from_secs(*timeout_s),
            );
        }
        None => {}
    }
    let scenario = match args.scenario.as_deref() {
        Some("list") => {
            print!("{}", scenario::list());
            return Ok(());
        }
        Some(name) => Some(scenario::find(name)?),
        None => None,
    };
    let scenario_args;
    let args = match scenario {
        Some(scenario) => {
            scenario_args = scenario.network_args(project, args)?;
            &scenario_args
        }
        None => args,
    };
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
    if let Some(pid) = add_chain::running_devnet(&network.data_dir) {
        bail!(
            "a devnet already runs in {} (pid {pid}): stop it first (Ctrl-C), or give this one \
             another --data-dir",
            network.data_dir.display()
        );
    }
    let binary = match prebuilt {
        Some(binary) => std::path::absolute(&binary)
            .with_context(|| format!("cannot resolve {BIN_VARIABLE}={}", binary.display()))?,
        None => build(project)?,
    };

    let mut supervisor = Supervisor::new()
        .restart_children(args.restart)
        .ready_timeout(Duration::from_secs(120));
    let mut ready = network.start(&mut supervisor, &binary, &anvil, &stop)?;
    let ready_in = started.elapsed();
    print!("{}", ready.table(&supervisor));
    println!(
        "ready in {:.1} s; Ctrl-C stops everything",
        ready_in.as_secs_f64()
    );

    let outcome = match scenario {
        Some(scenario) => {
            let target = ready.scenario_target();
            let mut control = ScenarioControl {
                supervisor: &mut supervisor,
                stop: &stop,
                restart: args.restart,
                killed: Vec::new(),
            };
            scenario::run(scenario, target, &binary, &mut control)
        }
        None => serve(&network, &mut ready, &mut supervisor, &stop),
    };
    eprintln!("devnet: stopping");
    for (name, status) in supervisor.shutdown(Duration::from_secs(4)) {
        eprintln!("devnet: {name}: {status}");
    }
    outcome
}

/// Supervises a started network until Ctrl-C: reports the children that stop, and answers
/// `devnet add-chain` requests (`add_chain.rs`).
fn serve(
    network: &Network,
    ready: &mut ReadyNetwork,
    supervisor: &mut Supervisor,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    // From here on add-chain finds this devnet (and a second one in the data dir refuses).
    let inbox = add_chain::Inbox::open(&ready.data_dir)?;
    while !stop.load(Ordering::SeqCst) {
        report(supervisor);
        if let Some(request) = inbox.take() {
            let answer = request.body().and_then(|body| {
                network.add_chain(supervisor, ready, &body, &mut |line| request.progress(line))
            });
            match &answer {
                Ok(rows) => print!("\n{rows}"),
                Err(error) => eprintln!("devnet: add-chain refused: {error:#}"),
            }
            request.answer(answer);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// The devnet as a scenario sees it.
struct ScenarioControl<'a> {
    supervisor: &'a mut Supervisor,
    stop: &'a AtomicBool,
    restart: bool,
    /// The children the scenario killed: their exit is expected.
    killed: Vec<String>,
}

impl scenario::Control for ScenarioControl<'_> {
    fn tick(&mut self) -> anyhow::Result<()> {
        check_stop(self.stop)?;
        // A child that stops fails the scenario at once (unless --restart brings it back):
        // waiting for its work would only time out.
        let stopped = report(self.supervisor);
        match stopped.iter().find(|name| !self.killed.contains(name)) {
            Some(name) if !self.restart => bail!("{name} stopped"),
            _ => Ok(()),
        }
    }

    fn kill(&mut self, name: &str) -> anyhow::Result<()> {
        let pid = self
            .supervisor
            .pid(name)
            .with_context(|| format!("no running child {name}"))?;
        let group = libc::pid_t::try_from(pid)?;
        self.killed.push(name.to_owned());
        // SAFETY: kill has no memory effects; the group is our child's (each leads one).
        if unsafe { libc::kill(-group, libc::SIGKILL) } != 0 {
            bail!(
                "cannot kill {name} (pid {pid}): {}",
                std::io::Error::last_os_error()
            );
        }
        eprintln!("devnet: {name} (pid {pid}) SIGKILLed by the scenario");
        Ok(())
    }

    fn pid(&self, name: &str) -> Option<u32> {
        self.supervisor.pid(name)
    }

    fn log(&self, name: &str) -> Option<PathBuf> {
        self.supervisor
            .logs()
            .into_iter()
            .find(|(child, _)| child == name)
            .map(|(_, log)| log)
    }
}

/// Prints what happened to the children since the last call; the names of those that
/// stopped.
fn report(supervisor: &mut Supervisor) -> Vec<String> {
    let mut stopped = Vec::new();
    for event in supervisor.poll() {
        match event {
            Event::Exited {
                name,
                status,
                log,
                tail,
            } => {
                eprintln!(
                    "devnet: {name} stopped ({status}); the last lines of {}:\n{tail}",
                    log.display()
                );
                stopped.push(name);
            }
            Event::Restarted { name, pid } => eprintln!("devnet: {name} restarted (pid {pid})"),
            Event::RestartFailed { name, error } => {
                eprintln!("devnet: {name} could not be restarted: {error}")
            }
        }
    }
    stopped
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
    // The latencies, with real proofs: the `cross-chain` scenario prints
    // `BENCH deposit_latency_s`, `message_latency_s` and `withdrawal_latency_s`.
    let status = std::process::Command::new(&xtask)
        .arg("--root")
        .arg(&root)
        .args(["devnet", "--scenario", "cross-chain"])
        .env(BIN_VARIABLE, &binary)
        .status()
        .context("cannot run the cross-chain scenario")?;
    if !status.success() {
        bail!("the cross-chain scenario failed ({status}): no latency figures");
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
    /// Per chain (in order), the RPC and p2p ports replacing its own.
    ports: Option<Vec<(u16, u16)>>,
    /// `--port-base`, for the chains `add-chain` adds.
    port_base: Option<PortBase>,
    /// Which of `chains` `add-chain` added to this network before (from `devnet.toml`).
    added: Vec<String>,
    data_dir: PathBuf,
    l1: Option<String>,
    l1_port: u16,
    provers: u32,
    verifier: String,
    fresh: bool,
    /// The relayer to start; `None` with `--no-relay`.
    relay: Option<Relay>,
    /// The sequencers' proving-job lease (`--job-lease-ms`), if not their default.
    job_lease_ms: Option<u64>,
    /// The settler's `--settle-interval-ms`.
    settle_interval_ms: u64,
}

/// How the devnet's relayer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Relay {
    delay_ms: u64,
    finalize_withdrawals: bool,
}

/// The dev account the relayer signs with (on every chain, and on L1 to finalize).
const RELAYER_ACCOUNT: usize = 9;

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
        // Resuming: the chains added to this network with add-chain come back too.
        let state_file = data_dir.join(STATE_FILE);
        let mut added = Vec::new();
        if !args.fresh && state_file.exists() {
            for name in DevnetState::read(&state_file)?.added {
                if chains.iter().any(|(_, config)| config.chain.name == name) {
                    continue;
                }
                let dir = data_dir.join("chains").join(&name);
                let config = ChainConfigLoader::new(&dir)
                    .with_env(false)
                    .load()
                    .with_context(|| {
                        format!(
                            "chain `{name}`, added to this devnet with add-chain, does not load \
                             from {} (--fresh starts over without it)",
                            dir.display()
                        )
                    })?;
                chains.push((dir, config));
                added.push(name);
            }
        }
        let ports = match args.port_base {
            None => None,
            Some(base) => Some(chain_ports(base, chains.len())?),
        };
        Ok(Self {
            ports,
            port_base: args.port_base,
            chains,
            added,
            data_dir,
            l1: args.l1.clone(),
            l1_port: args.l1_port,
            provers: args.provers,
            verifier: args.verifier.clone(),
            fresh: args.fresh,
            relay: (!args.no_relay).then_some(Relay {
                delay_ms: args.relay_delay_ms.unwrap_or(0),
                finalize_withdrawals: args.finalize_withdrawals,
            }),
            job_lease_ms: args.job_lease_ms,
            settle_interval_ms: args.settle_interval_ms,
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
        let circuit_cache = circuit_cache_dir();

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
        let verifier = self.verifier.as_str();
        if !resumed || !ecosystem.exists() {
            eprintln!("==> deploying the bridge on {l1}");
            cmd!(
                sh,
                "{binary} l1 deploy --l1 {l1_str} --ecosystem {ecosystem} --verifier {verifier}"
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
        state.added.clone_from(&self.added);

        let mut ready = ReadyNetwork {
            l1,
            bridge,
            chains: Vec::new(),
            verifier: self.verifier.clone(),
            relay: self.relay,
            data_dir,
            binary: binary.to_owned(),
            ecosystem,
            circuit_cache,
            state,
        };
        for (index, (source, config)) in self.chains.iter().enumerate() {
            check_stop(stop)?;
            let ports = self.ports.as_ref().map(|ports| ports[index]);
            let chain = self.start_chain(
                supervisor,
                &mut ready,
                source,
                config,
                ports,
                self.provers,
                &mut |line| eprintln!("{line}"),
            )?;
            ready.chains.push(chain);
        }
        ready.write_state()?;
        self.start_settler(supervisor, &ready)?;
        self.start_relayer(supervisor, &ready)?;
        Ok(ready)
    }

    /// Starts one chain of `ready`: its folder copied into the data directory (with `ports`,
    /// the L1 and the bridge written in), registered on the bridge unless it is already, its
    /// sequencer and `provers` prover nodes; records it in `ready.state` (not written).
    /// What it does goes to `progress`, one line at a time.
    #[allow(clippy::too_many_arguments)]
    fn start_chain(
        &self,
        supervisor: &mut Supervisor,
        ready: &mut ReadyNetwork,
        source: &Path,
        config: &ChainConfig,
        ports: Option<(u16, u16)>,
        provers: u32,
        progress: &mut dyn FnMut(&str),
    ) -> anyhow::Result<ReadyChain> {
        let name = &config.chain.name;
        let binary = ready.binary.as_path();
        let ecosystem = ready.ecosystem.as_path();
        let logs = ready.data_dir.join("logs");
        // The network runs on a copy of the chain's folder, so that `l1 register` (which
        // records the bridge in chain.toml) leaves the project's chains/ untouched.
        let dir = ready.data_dir.join("chains").join(name);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let copy = dir.join(hyperforge_config::CHAIN_FILE);
        let original = source.join(hyperforge_config::CHAIN_FILE);
        // A chain added with add-chain resumes from its copy: copying a file onto itself
        // would empty it.
        if !same_file(&original, &copy) {
            std::fs::copy(&original, &copy)
                .with_context(|| format!("cannot copy {}", original.display()))?;
        }
        let dir = &dir;
        let l1_flag = format!("l1.rpc_url={}", ready.l1);
        if !ready.state.registered.contains(name) {
            progress(&format!("==> registering {name} on the bridge"));
            let sh = Shell::new()?;
            cmd!(
                sh,
                "{binary} l1 register --chain {dir} --ecosystem {ecosystem} --set {l1_flag}"
            )
            .run()
            .with_context(|| format!("registering chain `{name}` failed"))?;
            ready.state.registered.push(name.clone());
            ready.write_state()?;
        }
        let (rpc, p2p) = match ports {
            Some((rpc, p2p)) => (
                format!("127.0.0.1:{rpc}"),
                format!("/ip4/127.0.0.1/tcp/{p2p}"),
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
        // The copy holds what every process of the chain reads: the ports in use, the L1 and
        // the bridge (the settler and the provers read the same file).
        patch_chain_file(&copy, &rpc, &p2p, &ready.l1, &ready.bridge)?;
        let circuit_cache = &ready.circuit_cache;
        let sequencer_dir = ready.data_dir.join(name).join("sequencer");
        let sequencer_log = logs.join(format!("{name}-sequencer.log"));
        let mut spec = ChildSpec::new(format!("{name}-sequencer"), binary, &sequencer_log)
            .args(["sequencer", "--chain"])
            .args([dir.as_os_str()])
            .args(["--data-dir".into(), sequencer_dir.into_os_string()])
            .env("NO_COLOR", "1")
            .env("HYPERFORGE_CIRCUIT_CACHE", circuit_cache)
            .ready(Ready::LogContains("rpc: http://".into()));
        if let Some(lease) = self.job_lease_ms {
            spec = spec.args(["--job-lease-ms".to_owned(), lease.to_string()]);
        }
        let pid = supervisor.start(spec)?;
        progress(&format!("{name}-sequencer started (pid {pid})"));
        // The sequencer prints its p2p address (with its peer id) right after its RPC URL.
        let bootnode = p2p_address(&hyperforge_devnet::last_lines(&sequencer_log, 400));
        let mut prover_names = Vec::new();
        match &bootnode {
            Some(bootnode) => {
                for index in 0..provers {
                    let prover = format!("{name}-prover-{index}");
                    let spec =
                        ChildSpec::new(prover.clone(), binary, logs.join(format!("{prover}.log")))
                            .args(["prover", "--chain"])
                            .args([dir.as_os_str()])
                            .args(["--bootnode", bootnode.as_str()])
                            .args([
                                "--data-dir".into(),
                                ready
                                    .data_dir
                                    .join(name)
                                    .join(format!("prover-{index}"))
                                    .into_os_string(),
                            ])
                            .env("NO_COLOR", "1")
                            .env("HYPERFORGE_CIRCUIT_CACHE", circuit_cache)
                            // Printed once its circuits are loaded (built the first time).
                            .ready(Ready::LogContains("circuits: ".into()));
                    let pid = supervisor.start(spec)?;
                    progress(&format!("{prover} started (pid {pid})"));
                    prover_names.push(prover);
                }
            }
            None => progress(&format!(
                "devnet: {name}'s sequencer printed no p2p address: no prover started for it"
            )),
        }
        ready.state.chains.insert(
            name.clone(),
            RunningChain {
                chain_id: config.chain.chain_id.get(),
                rpc: format!("http://{rpc}"),
                p2p: p2p.clone(),
            },
        );
        Ok(ReadyChain {
            name: name.clone(),
            chain_id: config.chain.chain_id.get(),
            rpc: format!("http://{rpc}"),
            p2p: bootnode.unwrap_or(p2p),
            metrics: format!("http://{rpc}/metrics"),
            provers: prover_names,
            config: config.clone(),
        })
    }

    /// The copies of `ready`'s chains, comma-separated, as the settler and relayer take them.
    fn chain_dirs(ready: &ReadyNetwork) -> String {
        ready
            .chains
            .iter()
            .map(|chain| {
                ready
                    .data_dir
                    .join("chains")
                    .join(&chain.name)
                    .display()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The settler: every chain's proven batches into one proof, settled on the bridge.
    fn start_settler(
        &self,
        supervisor: &mut Supervisor,
        ready: &ReadyNetwork,
    ) -> anyhow::Result<u32> {
        let chain_dirs = Self::chain_dirs(ready);
        let spec = ChildSpec::new(
            "settler",
            &ready.binary,
            ready.data_dir.join("logs").join("settler.log"),
        )
        .args(["settler", "--ecosystem"])
        .args([ready.ecosystem.as_os_str()])
        .args(["--chains", chain_dirs.as_str(), "--l1", ready.l1.as_str()])
        .args([
            "--circuit-cache".into(),
            ready.circuit_cache.clone().into_os_string(),
        ])
        .args([
            "--settle-interval-ms".to_owned(),
            self.settle_interval_ms.to_string(),
        ])
        .args(["--poll-interval-ms", "500"])
        .env("NO_COLOR", "1")
        .ready(Ready::LogContains("settling ".into()));
        Ok(supervisor.start(spec)?)
    }

    /// The relayer, unless `--no-relay`: every message between these chains, executed once
    /// executable.
    fn start_relayer(
        &self,
        supervisor: &mut Supervisor,
        ready: &ReadyNetwork,
    ) -> anyhow::Result<Option<u32>> {
        let Some(relay) = self.relay else {
            return Ok(None);
        };
        let chain_dirs = Self::chain_dirs(ready);
        let key = hyperforge_primitives::dev::ACCOUNTS[RELAYER_ACCOUNT]
            .private_key
            .to_string();
        let delay = relay.delay_ms.to_string();
        let mut spec = ChildSpec::new(
            "relayer",
            &ready.binary,
            ready.data_dir.join("logs").join("relayer.log"),
        )
        .args(["relayer", "--chains", chain_dirs.as_str()])
        .args(["--private-key", key.as_str(), "--delay-ms", delay.as_str()])
        .args(["--poll-interval-ms", "200"])
        .env("NO_COLOR", "1")
        .ready(Ready::LogContains("relaying ".into()));
        if relay.finalize_withdrawals {
            spec = spec.args(["--finalize-withdrawals"]);
        }
        Ok(Some(supervisor.start(spec)?))
    }

    /// `devnet add-chain`, on the running network: the chain in `request.dir` joins it (see
    /// `add_chain.rs`); returns its rows of the table. A chain that cannot join leaves the
    /// network as it was (but registered on the bridge, if it got that far: a retry skips
    /// that step).
    fn add_chain(
        &self,
        supervisor: &mut Supervisor,
        ready: &mut ReadyNetwork,
        request: &add_chain::Request,
        progress: &mut dyn FnMut(&str),
    ) -> anyhow::Result<String> {
        let config = ChainConfigLoader::new(&request.dir)
            .with_env(false)
            .load()
            .with_context(|| format!("cannot load the chain in {}", request.dir.display()))?;
        let name = config.chain.name.clone();
        let chain_id = config.chain.chain_id.get();
        let file = request.dir.join(hyperforge_config::CHAIN_FILE);
        if ready.chains.iter().any(|chain| chain.name == name) {
            bail!("chain `{name}` already runs in this devnet");
        }
        if let Some(other) = ready.chains.iter().find(|chain| chain.chain_id == chain_id) {
            bail!(
                "{}: chain id {chain_id} is already chain `{}`'s in this devnet: give `{name}` \
                 another `[chain] chain_id`",
                file.display(),
                other.name
            );
        }
        if let Some(first) = ready.chains.first()
            && first.config.prover.chunk != config.prover.chunk
        {
            bail!(
                "{}: `[prover.chunk]` is {:?}, this devnet's chains (`{}`) have {:?}: chains \
                 settling into one bridge share the circuits",
                file.display(),
                config.prover.chunk,
                first.name,
                first.config.prover.chunk
            );
        }
        let index = ready.chains.len();
        let ports = match self.port_base {
            None => None,
            Some(base @ PortBase::Fixed(_)) => Some(chain_ports(base, index + 1)?[index]),
            Some(PortBase::Auto) => Some(chain_ports(PortBase::Auto, 1)?[0]),
        };
        let provers = request.provers.unwrap_or(self.provers);
        progress(&format!(
            "==> adding {name} (chain id {chain_id}) to the devnet"
        ));
        let chain = match self.start_chain(
            supervisor,
            ready,
            &request.dir,
            &config,
            ports,
            provers,
            progress,
        ) {
            Ok(chain) => chain,
            Err(error) => {
                // Whatever of it started goes: a retry starts it whole.
                supervisor.stop(&format!("{name}-sequencer"), STOP_GRACE);
                for index in 0..provers {
                    supervisor.stop(&format!("{name}-prover-{index}"), STOP_GRACE);
                }
                ready.state.chains.remove(&name);
                return Err(error);
            }
        };
        ready.chains.push(chain);
        if !ready.state.added.contains(&name) {
            ready.state.added.push(name.clone());
        }
        ready.write_state()?;

        // The settler and the relayer keep no state (they go on from what the bridge and the
        // chains hold), so they are started again over the new list of chains.
        let names = ready
            .chains
            .iter()
            .map(|chain| chain.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        progress(&format!("==> restarting the settler over {names}"));
        supervisor.stop("settler", STOP_GRACE);
        let pid = self
            .start_settler(supervisor, ready)
            .with_context(|| format!("`{name}` runs, but the settler did not come back"))?;
        progress(&format!("settler started (pid {pid})"));
        if self.relay.is_some() {
            progress(&format!("==> restarting the relayer over {names}"));
            supervisor.stop("relayer", STOP_GRACE);
            if let Some(pid) = self
                .start_relayer(supervisor, ready)
                .with_context(|| format!("`{name}` runs, but the relayer did not come back"))?
            {
                progress(&format!("relayer started (pid {pid})"));
            }
        }
        let added = ready.chains.last().context("no chain")?;
        Ok(ready.chain_rows(added, supervisor))
    }
}

/// How long a child stopped on its own (the settler and relayer when a chain joins) gets to
/// exit before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(4);

/// Whether `a` and `b` are one file (both exist and resolve to the same path).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The circuit cache every node of the devnet shares.
fn circuit_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HYPERFORGE_CIRCUIT_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache/hyperforge/circuits")
}

/// Writes the ports in use, the L1 and the bridge into a chain's copied `chain.toml` (its
/// comments are not kept: the copy is the devnet's, the project's file is untouched).
fn patch_chain_file(
    file: &Path,
    rpc: &str,
    p2p: &str,
    l1: &str,
    bridge: &str,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut document: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", file.display()))?;
    section(&mut document, "sequencer", file)?
        .insert("rpc_addr".into(), toml::Value::String(rpc.to_owned()));
    section(&mut document, "p2p", file)?.insert(
        "listen".into(),
        toml::Value::Array(vec![toml::Value::String(p2p.to_owned())]),
    );
    let l1_section = section(&mut document, "l1", file)?;
    l1_section.insert("rpc_url".into(), toml::Value::String(l1.to_owned()));
    l1_section.insert("bridge".into(), toml::Value::String(bridge.to_owned()));
    let text = format!(
        "# Written by `cargo xtask devnet` from the project's chain.toml, with the ports, L1 and\n# bridge of this network.\n{}",
        toml::to_string(&document)?
    );
    std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))
}

/// The table `name` of `document`, created if missing.
fn section<'a>(
    document: &'a mut toml::Table,
    name: &str,
    file: &Path,
) -> anyhow::Result<&'a mut toml::Table> {
    document
        .entry(name)
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .with_context(|| format!("{}: `{name}` is not a table", file.display()))
}

/// The last `p2p: <multiaddr>` line of a sequencer's log that names a loopback TCP address.
fn p2p_address(log: &str) -> Option<String> {
    log.lines()
        .rev()
        .filter_map(|line| line.trim().strip_prefix("p2p: "))
        .find(|address| address.starts_with("/ip4/127.0.0.1/tcp/") && address.contains("/p2p/"))
        .map(str::to_owned)
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
    /// The chains `devnet add-chain` added, in order: a resumed devnet starts them again
    /// (from their copy under `chains/`), whatever `--chains` says.
    added: Vec<String>,
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

/// A started network: what the ready table shows, and what `add-chain` needs to grow it.
#[derive(Debug)]
struct ReadyNetwork {
    l1: String,
    bridge: String,
    chains: Vec<ReadyChain>,
    verifier: String,
    relay: Option<Relay>,
    /// Absolute.
    data_dir: PathBuf,
    /// The `hyperforge` every node runs.
    binary: PathBuf,
    /// The ecosystem file `l1 deploy` wrote.
    ecosystem: PathBuf,
    circuit_cache: PathBuf,
    /// What `devnet.toml` holds.
    state: DevnetState,
}

#[derive(Debug)]
struct ReadyChain {
    name: String,
    chain_id: u64,
    rpc: String,
    p2p: String,
    metrics: String,
    /// Its prover nodes' names (their logs are listed below the table).
    provers: Vec<String>,
    /// Its configuration as the project's folder had it.
    config: ChainConfig,
}

/// The chain table's header line.
fn chain_header() -> String {
    format!(
        "  {:<10} {:>8}  {:<24} {:<32} metrics",
        "chain", "id", "rpc", "p2p"
    )
}

impl ReadyChain {
    /// Its line of the chain table.
    fn row(&self) -> String {
        format!(
            "  {:<10} {:>8}  {:<24} {:<32} {}",
            self.name, self.chain_id, self.rpc, self.p2p, self.metrics
        )
    }

    /// The line naming its provers.
    fn provers_line(&self) -> String {
        format!(
            "  {:<10} provers: {}",
            self.name,
            if self.provers.is_empty() {
                "none".to_owned()
            } else {
                self.provers.join(", ")
            }
        )
    }
}

/// A child's line of the table's logs section.
fn log_line(supervisor: &Supervisor, name: &str, log: &Path) -> String {
    let pid = supervisor
        .pid(name)
        .map_or_else(|| "-".to_owned(), |pid| pid.to_string());
    format!("    {name:<20} pid {pid:<8} {}", log.display())
}

impl ReadyNetwork {
    fn write_state(&self) -> anyhow::Result<()> {
        self.state.write(&self.data_dir.join(STATE_FILE))
    }

    /// What `add-chain` prints of the chain `chain` once it runs: its row of the table, its
    /// provers, the logs of its nodes and of the restarted settler and relayer.
    fn chain_rows(&self, chain: &ReadyChain, supervisor: &Supervisor) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", chain_header());
        let _ = writeln!(out, "{}", chain.row());
        let _ = writeln!(out, "{}", chain.provers_line());
        let _ = writeln!(out, "\n  logs");
        let prefix = format!("{}-", chain.name);
        for (name, log) in supervisor.logs() {
            if name.starts_with(&prefix) || name == "settler" || name == "relayer" {
                let _ = writeln!(out, "{}", log_line(supervisor, &name, &log));
            }
        }
        out
    }

    fn table(&self, supervisor: &Supervisor) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "\nhyperforge devnet ({})", self.data_dir.display());
        let _ = writeln!(out, "  L1       {}", self.l1);
        let _ = writeln!(out, "  bridge   {}", self.bridge);
        let _ = writeln!(out, "\n{}", chain_header());
        for chain in &self.chains {
            let _ = writeln!(out, "{}", chain.row());
        }
        let _ = writeln!(out);
        for chain in &self.chains {
            let _ = writeln!(out, "{}", chain.provers_line());
        }
        let _ = writeln!(
            out,
            "  settler    every chain above, into the bridge ({} verifier)",
            self.verifier
        );
        let _ = writeln!(out, "  relayer    {}", relayer_line(self.relay));
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
            let _ = writeln!(out, "{}", log_line(supervisor, &name, &log));
        }
        out
    }

    /// What a scenario needs to drive this network.
    fn scenario_target(&self) -> scenario::Target {
        let chains = self
            .chains
            .iter()
            .map(|chain| scenario::TargetChain {
                name: chain.name.clone(),
                chain_id: chain.chain_id,
                rpc: chain.rpc.clone(),
                dir: self.data_dir.join("chains").join(&chain.name),
                genesis: chain
                    .config
                    .genesis
                    .accounts
                    .iter()
                    .map(|account| (account.address, account.balance.gwei()))
                    .collect(),
            })
            .collect();
        scenario::Target {
            l1: self.l1.clone(),
            bridge: self.bridge.clone(),
            chains,
            relay: self.relay.is_some(),
            relayer_finalizes: self.relay.is_some_and(|relay| relay.finalize_withdrawals),
        }
    }
}

/// The ready table's relayer line: what runs.
fn relayer_line(relay: Option<Relay>) -> String {
    match relay {
        None => {
            "OFF (--no-relay): execute messages with `hyperforge wallet execute-message`".to_owned()
        }
        Some(relay) => {
            let account = hyperforge_primitives::dev::ACCOUNTS[RELAYER_ACCOUNT].address;
            let mut line = format!(
                "every chain above: executes each message once executable (dev account \
                 {RELAYER_ACCOUNT}, {account}"
            );
            if relay.delay_ms > 0 {
                let _ = write!(line, ", after {} ms", relay.delay_ms);
            }
            line.push(')');
            line.push_str(if relay.finalize_withdrawals {
                "; finalizes settled withdrawals on L1"
            } else {
                "; withdrawals are finalized by hand (`wallet finalize-withdrawal`)"
            });
            line
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_p2p_address_is_the_last_loopback_one_with_a_peer_id() {
        let log = "rpc: http://127.0.0.1:3050\np2p: /ip4/127.0.0.1/tcp/3150/p2p/12D3KooWA\n\
                   p2p: /ip4/10.0.0.2/tcp/3150/p2p/12D3KooWA\nrpc: http://127.0.0.1:3050\n\
                   p2p: /ip4/127.0.0.1/tcp/3151/p2p/12D3KooWB\nINFO something else\n";
        assert_eq!(
            p2p_address(log).as_deref(),
            Some("/ip4/127.0.0.1/tcp/3151/p2p/12D3KooWB")
        );
        assert_eq!(p2p_address("rpc: http://127.0.0.1:3050\n"), None);
        assert_eq!(
            p2p_address("p2p: /ip4/127.0.0.1/tcp/3150\n"),
            None,
            "no peer id"
        );
    }

    #[test]
    fn the_chain_copy_gets_the_ports_l1_and_bridge_of_the_network() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("chain.toml");
        std::fs::write(
            &file,
            "[chain]\nname = \"alpha\"\nchain_id = 270\n[sequencer]\nrpc_addr = \"127.0.0.1:3050\"\nbatch_blocks = 4\n",
        )
        .unwrap();
        patch_chain_file(
            &file,
            "127.0.0.1:4000",
            "/ip4/127.0.0.1/tcp/4001",
            "http://127.0.0.1:9545",
            "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        )
        .unwrap();
        let table: toml::Table = std::fs::read_to_string(&file).unwrap().parse().unwrap();
        assert_eq!(
            table["sequencer"]["rpc_addr"].as_str(),
            Some("127.0.0.1:4000")
        );
        assert_eq!(
            table["sequencer"]["batch_blocks"].as_integer(),
            Some(4),
            "the rest is kept"
        );
        assert_eq!(
            table["p2p"]["listen"].as_array().unwrap()[0].as_str(),
            Some("/ip4/127.0.0.1/tcp/4001")
        );
        assert_eq!(
            table["l1"]["rpc_url"].as_str(),
            Some("http://127.0.0.1:9545")
        );
        assert_eq!(
            table["l1"]["bridge"].as_str(),
            Some("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
        );
    }

    #[test]
    fn the_relayer_line_says_what_runs() {
        assert!(relayer_line(None).starts_with("OFF (--no-relay)"));
        let line = relayer_line(Some(Relay {
            delay_ms: 0,
            finalize_withdrawals: false,
        }));
        assert!(
            line.contains("dev account 9") && !line.contains(" ms"),
            "{line}"
        );
        assert!(line.contains("by hand"), "{line}");
        let line = relayer_line(Some(Relay {
            delay_ms: 1500,
            finalize_withdrawals: true,
        }));
        assert!(
            line.contains("after 1500 ms") && line.contains("finalizes settled"),
            "{line}"
        );
    }

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
