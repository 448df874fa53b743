//! `cargo xtask devnet --scenario <name>`: a scripted flow on a fresh network, checked step
//! by step; `--scenario list` names them.
//!
//! A scenario runs on a network of its own: its data directory (`data/devnet-scenario-<name>`
//! or `--data-dir`) is removed first, anvil and the chains take free ports (`--l1-port 0
//! --port-base auto`), so it never clashes with a running devnet. It drives the real
//! `hyperforge` binary (`wallet ...`) against the chain copies under `<data dir>/chains/`,
//! reads the nodes through JSON-RPC (`status::Rpc`, ureq) and the bridge through `eth_call`,
//! then the devnet stops everything. Every check prints one line on stdout, `ok  <what>` or
//! `FAIL <what>: <why>`; a failed check that later steps need ends the scenario. The command
//! exits 0 only when every check held.
//!
//! Every flow keeps a timeline (unix milliseconds: the sequencer's `sealedAtMs` and
//! `provenAtMs`, the rest observed here by polling every 200 ms), printed at the end as the
//! time each stage took: block, batch sealing, proving, settlement, import, execution,
//! finalization. Several flows are waited for in one polling loop, so a flow that finishes
//! while the scenario watches another is timed when it finished. When every check held,
//! `cross-chain` also prints `BENCH deposit_latency_s` (L1 transaction to credited on L2),
//! `BENCH message_latency_s` (sent to executed on the destination) and `BENCH
//! withdrawal_latency_s` (sent to finalizable: its batch settled).
//!
//! A batch seals after `[sequencer] batch_blocks` blocks, or `batch_timeout_ms` (2 s in the
//! devnet template) after a quiet chain's first unsealed block: the scenario waits for that,
//! as a user on a quiet chain does. (Filler transfers would seal it up to 2 s sooner, but a
//! batch of four blocks is four chunk proofs and two more aggregation steps: tens of seconds
//! more proving on two cores.)
//!
//! L1 keys: the settler signs with dev account 0 and the relayer with 9, so scenarios sign
//! their L1 transactions with 1 (deposits) and 2 (finalizations): two senders on one key race
//! for nonces.

use std::{
    collections::BTreeSet,
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, bail};
use hyperforge_config::ChainSet;
use hyperforge_primitives::{Address, GWEI_IN_WEI, dev::ACCOUNTS};
use serde_json::{Value, json};

use super::status::{Rpc, last_true};
use crate::{
    cli::{DevnetArgs, PortBase},
    project::Project,
};

/// One scripted flow.
#[derive(Debug)]
pub(super) struct Scenario {
    /// What `--scenario` takes.
    pub(super) name: &'static str,
    /// One line for `--scenario list`.
    about: &'static str,
    /// How many chains it runs (the first ones of chains/ unless `--chains`).
    chains: usize,
    /// Prover nodes per chain, at least.
    provers: u32,
    /// The proving-job lease it runs with (`--job-lease-ms`), unless the command line sets one.
    job_lease_ms: Option<u64>,
    /// Whether the devnet restarts a child that stops (`--restart`).
    restart: bool,
    /// The settler's wait for more chains once one is proven (`--settle-interval-ms`):
    /// where the chains' batches are proven together, one round settles them all (a round
    /// is over a minute on two cores).
    settle_interval_ms: u64,
    run: fn(&mut Run<'_>) -> anyhow::Result<()>,
}

/// Every scenario, in the order `list` shows them.
const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "transfer",
        about: "a transfer on one chain: included, its batch sealed, proven and settled on L1",
        chains: 1,
        provers: 1,
        job_lease_ms: None,
        restart: false,
        settle_interval_ms: 2_000,
        run: transfer,
    },
    Scenario {
        name: "cross-chain",
        about: "deposit L1 -> chain 1; a message with value chain 1 -> chain 2, executed there; \
                a withdrawal chain 2 -> L1, finalized; balances on all three, value conserved",
        chains: 2,
        provers: 1,
        job_lease_ms: None,
        restart: false,
        settle_interval_ms: 20_000,
        run: cross_chain,
    },
    Scenario {
        name: "prover-failover",
        about: "two provers on one chain, the one holding a job SIGKILLed mid-proof: the other \
                proves that job once its lease expires (20 s); the batch is proven and settled",
        chains: 1,
        provers: 2,
        job_lease_ms: Some(20_000),
        restart: false,
        settle_interval_ms: 2_000,
        run: prover_failover,
    },
    Scenario {
        name: "sequencer-restart",
        about: "the sequencer SIGKILLed while its batch is being proven, restarted by the \
                devnet: the chain keeps its blocks, the batch is proven and settled",
        chains: 1,
        provers: 1,
        job_lease_ms: Some(20_000),
        restart: true,
        settle_interval_ms: 2_000,
        run: sequencer_restart,
    },
    Scenario {
        name: "settler-restart",
        about: "the settler SIGKILLed while aggregating, restarted by the devnet: the batch is \
                settled once, nothing skipped",
        chains: 1,
        provers: 1,
        job_lease_ms: None,
        restart: true,
        settle_interval_ms: 2_000,
        run: settler_restart,
    },
];

/// `--scenario list`.
pub(super) fn list() -> String {
    let mut out = String::new();
    for scenario in SCENARIOS {
        let _ = writeln!(out, "{:<12} {}", scenario.name, scenario.about);
    }
    out
}

/// The scenario called `name`.
pub(super) fn find(name: &str) -> anyhow::Result<&'static Scenario> {
    SCENARIOS
        .iter()
        .find(|scenario| scenario.name == name)
        .with_context(|| {
            let names: Vec<&str> = SCENARIOS.iter().map(|scenario| scenario.name).collect();
            format!(
                "no scenario `{name}`; there are: {} (--scenario list)",
                names.join(", ")
            )
        })
}

impl Scenario {
    /// The devnet arguments of this scenario's network: fresh, free ports, its own data
    /// directory, the first chains of chains/ unless `--chains` names them.
    pub(super) fn network_args(
        &self,
        project: &Project,
        args: &DevnetArgs,
    ) -> anyhow::Result<DevnetArgs> {
        let mut args = args.clone();
        if args.chains.is_none() {
            let set = ChainSet::load(&project.chains_dir())
                .with_context(|| format!("cannot read {}", project.chains_dir().display()))?;
            let names = set
                .chains()
                .iter()
                .take(self.chains)
                .map(|entry| entry.config.chain.name.clone())
                .collect();
            args.chains = Some(names);
        }
        let count = args.chains.as_ref().map_or(0, Vec::len);
        if count < self.chains {
            bail!(
                "scenario `{}` runs {} chains, {count} available: make more with `cargo xtask chain \
                 new <name> --template devnet` (or name them with --chains)",
                self.name,
                self.chains
            );
        }
        if args.data_dir.is_none() {
            args.data_dir = Some(project.path(&format!("data/devnet-scenario-{}", self.name)));
        }
        args.fresh = true;
        args.provers = args.provers.max(self.provers);
        args.restart |= self.restart;
        args.settle_interval_ms = self.settle_interval_ms;
        if args.job_lease_ms.is_none() {
            args.job_lease_ms = self.job_lease_ms;
        }
        args.port_base = Some(PortBase::Auto);
        args.l1_port = 0;
        Ok(args)
    }
}

/// The network a scenario drives.
#[derive(Debug)]
pub(super) struct Target {
    pub(super) l1: String,
    pub(super) bridge: String,
    pub(super) chains: Vec<TargetChain>,
    /// Whether the devnet runs the relayer.
    pub(super) relay: bool,
    /// Whether the relayer also finalizes withdrawals (`--finalize-withdrawals`).
    pub(super) relayer_finalizes: bool,
}

/// One chain of [`Target`].
#[derive(Debug)]
pub(super) struct TargetChain {
    pub(super) name: String,
    pub(super) chain_id: u64,
    /// Its JSON-RPC URL.
    pub(super) rpc: String,
    /// Its folder (the devnet's copy), what `--chain` takes.
    pub(super) dir: PathBuf,
    /// Its genesis accounts and their balances in gwei.
    pub(super) genesis: Vec<(Address, u64)>,
}

/// What a scenario may do to the devnet's children.
pub(super) trait Control {
    /// Reports what happened to the children; fails on Ctrl-C, or when one stopped that
    /// [`Control::kill`] did not stop.
    fn tick(&mut self) -> anyhow::Result<()>;
    /// SIGKILLs the child `name` (its process group).
    fn kill(&mut self, name: &str) -> anyhow::Result<()>;
    /// The log file of the child `name`.
    fn log(&self, name: &str) -> Option<PathBuf>;
    /// The pid of the child `name`, while it runs.
    fn pid(&self, name: &str) -> Option<u32>;
}

/// Runs `scenario` on `target`; `control.tick()` is called between polls.
pub(super) fn run(
    scenario: &Scenario,
    target: Target,
    binary: &Path,
    control: &mut dyn Control,
) -> anyhow::Result<()> {
    println!("\n==> scenario {}: {}", scenario.name, scenario.about);
    let started = Instant::now();
    let mut run = Run {
        target,
        binary,
        rpc: Rpc::new(),
        control,
        failed: Vec::new(),
        timelines: Vec::new(),
    };
    let outcome = (scenario.run)(&mut run);
    print!("{}", run.stages());
    let elapsed = started.elapsed().as_secs_f64();
    if let Err(error) = outcome {
        println!("FAIL scenario {}: {error:#}", scenario.name);
        bail!(
            "scenario {} stopped after {elapsed:.1} s: {error:#}",
            scenario.name
        );
    }
    if !run.failed.is_empty() {
        bail!(
            "scenario {}: {} check(s) failed ({}) in {elapsed:.1} s",
            scenario.name,
            run.failed.len(),
            run.failed.join("; ")
        );
    }
    print!("{}", run.benches());
    println!(
        "scenario {}: every check held, {elapsed:.1} s",
        scenario.name
    );
    Ok(())
}

/// Fresh accounts the scenarios pay (no dev key: only the scenario moves value there).
const DEPOSIT_RECIPIENT: &str = "0x5ce0000000000000000000000000000000000d01";
const MESSAGE_RECIPIENT: &str = "0x5ce0000000000000000000000000000000000a01";
const TRANSFER_RECIPIENT: &str = "0x5ce0000000000000000000000000000000000b01";
const WITHDRAWAL_RECIPIENT: &str = "0x5ce0000000000000000000000000000000000c01";

/// The longest a batch may take to be proven, and to be settled once proven (the first run
/// builds the circuits: minutes on two cores).
const PROVING_TIMEOUT: Duration = Duration::from_secs(900);
/// The longest a transaction may take to get its batch sealed.
const SEALING_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest an import or an execution may take once its root is settled.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(180);

/// The `Bridge.getChain(uint64)` and `inFlightGwei()` selectors (`keccak256` of the
/// signature, first 4 bytes).
const GET_CHAIN: &str = "0xa1a6d508";
const IN_FLIGHT_GWEI: &str = "0x9664fd9f";
/// How long a sequencer may take to mark a batch settled once the bridge shows it.
const SETTLED_MARK_TIMEOUT: Duration = Duration::from_secs(30);

/// A scenario in progress.
struct Run<'a> {
    target: Target,
    binary: &'a Path,
    rpc: Rpc,
    control: &'a mut dyn Control,
    /// The checks that failed.
    failed: Vec<String>,
    timelines: Vec<Timeline>,
}

/// A flow's milestones: (what was reached, unix ms), in order.
#[derive(Debug, Clone)]
struct Timeline {
    name: String,
    marks: Vec<(String, u64)>,
    /// The benchmark it is reported as (`BENCH <name> <seconds> s`) and the stage it runs
    /// to (`None`: the last), if any.
    bench: Option<(&'static str, Option<&'static str>)>,
}

impl Timeline {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            marks: vec![("start".to_owned(), now_ms())],
            bench: None,
        }
    }

    /// From the first mark to the last, in ms.
    fn total_ms(&self) -> u64 {
        match (self.marks.first(), self.marks.last()) {
            (Some(first), Some(last)) => last.1.saturating_sub(first.1),
            _ => 0,
        }
    }

    /// From the first mark to the end of `stage`, in ms; `None` if it was not reached.
    fn until_ms(&self, stage: &str) -> Option<u64> {
        let first = self.marks.first()?.1;
        let end = self.marks.iter().find(|(name, _)| name == stage)?.1;
        Some(end.saturating_sub(first))
    }

    /// `stage` ended at `at_ms`.
    fn mark(&mut self, stage: &str, at_ms: u64) {
        self.marks.push((stage.to_owned(), at_ms));
    }

    /// One line: each stage's duration, then the total.
    fn line(&self) -> String {
        let mut line = format!("  {:<28}", self.name);
        for pair in self.marks.windows(2) {
            let ms = pair[1].1.saturating_sub(pair[0].1);
            let _ = write!(line, " {} {:.1} s,", pair[1].0, seconds(ms));
        }
        let _ = write!(line, " total {:.1} s", seconds(self.total_ms()));
        line
    }
}

fn seconds(ms: u64) -> f64 {
    Duration::from_millis(ms).as_secs_f64()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// A sealed batch as the scenario needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Batch {
    number: u64,
    first_block: u64,
    last_block: u64,
    proof_status: String,
    sealed_at_ms: Option<u64>,
    proven_at_ms: Option<u64>,
    new_state_root: String,
}

impl Batch {
    fn from_view(view: &Value) -> anyhow::Result<Self> {
        let number = |key: &str| -> anyhow::Result<u64> {
            view.get(key)
                .and_then(Value::as_u64)
                .with_context(|| format!("hf_getBatch: no `{key}` in {view}"))
        };
        Ok(Self {
            number: number("number")?,
            first_block: number("firstBlock")?,
            last_block: number("lastBlock")?,
            proof_status: view
                .get("proofStatus")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            sealed_at_ms: view.get("sealedAtMs").and_then(Value::as_u64),
            proven_at_ms: view.get("provenAtMs").and_then(Value::as_u64),
            new_state_root: view
                .pointer("/publicInputs/newStateRoot")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
    }

    fn proven(&self) -> bool {
        matches!(self.proof_status.as_str(), "proven" | "settled")
    }
}

/// What the bridge's `getChain` answers, the words the scenarios read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BridgeChain {
    state_root: String,
    batch_number: u64,
    balance_gwei: u64,
}

impl BridgeChain {
    /// Decodes the ABI of `Chain` (eight static words: stateRoot, batchNumber, priorityHead,
    /// importHead, balanceGwei, priorityLength, registered, admin).
    fn decode(data: &str) -> anyhow::Result<Self> {
        let words = words(data)?;
        if words.len() != 8 {
            bail!("getChain answered {} words, not 8", words.len());
        }
        Ok(Self {
            state_root: format!("0x{}", words[0]),
            batch_number: word_u64(&words[1])?,
            balance_gwei: word_u64(&words[4])?,
        })
    }
}

/// The 32-byte words of `0x`-hex ABI data, as 64 hex digits each.
fn words(data: &str) -> anyhow::Result<Vec<String>> {
    let digits = data
        .strip_prefix("0x")
        .with_context(|| format!("`{data}` is not 0x hex"))?;
    if digits.len() % 64 != 0 || !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        bail!("`{data}` is not whole 32-byte words of hex");
    }
    Ok(digits
        .as_bytes()
        .chunks(64)
        .map(|chunk| String::from_utf8_lossy(chunk).to_lowercase())
        .collect())
}

/// A word holding a number below 2^64.
fn word_u64(word: &str) -> anyhow::Result<u64> {
    let (high, low) = word.split_at(48);
    if high.bytes().any(|byte| byte != b'0') {
        bail!("word {word} exceeds 64 bits");
    }
    u64::from_str_radix(low, 16).with_context(|| format!("word {word} is not hex"))
}

/// A `0x` hex quantity up to 128 bits (wei).
fn quantity_u128(value: &Value) -> anyhow::Result<u128> {
    let text = value
        .as_str()
        .with_context(|| format!("{value} is not a quantity"))?;
    let digits = text
        .strip_prefix("0x")
        .with_context(|| format!("`{text}` is not 0x hex"))?;
    u128::from_str_radix(digits, 16).with_context(|| format!("`{text}` is not a quantity"))
}

/// Gwei as ether, for messages.
fn ether(gwei: u128) -> String {
    let whole = gwei / u128::from(GWEI_IN_WEI);
    let fraction = gwei % u128::from(GWEI_IN_WEI);
    if fraction == 0 {
        return format!("{whole} ETH");
    }
    let digits = format!("{fraction:09}");
    format!("{whole}.{} ETH", digits.trim_end_matches('0'))
}

impl Run<'_> {
    // ------------------------------------------------------------------ checks, stages

    /// Prints the check's line; remembers a failure.
    fn check(&mut self, what: &str, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => {
                println!("ok  {what}");
                true
            }
            Err(why) => {
                println!("FAIL {what}: {why}");
                self.failed.push(what.to_owned());
                false
            }
        }
    }

    /// A check later steps need: a failure ends the scenario.
    fn require(&mut self, what: &str, result: Result<(), String>) -> anyhow::Result<()> {
        if self.check(what, result) {
            Ok(())
        } else {
            bail!("`{what}` failed: the scenario cannot go on")
        }
    }

    /// `actual == expected`, as a check.
    fn expect_eq<T: PartialEq + std::fmt::Debug>(
        &mut self,
        what: &str,
        actual: T,
        expected: T,
    ) -> bool {
        let result = if actual == expected {
            Ok(())
        } else {
            Err(format!("{actual:?}, expected {expected:?}"))
        };
        self.check(what, result)
    }

    fn stages(&self) -> String {
        let mut out = String::from("\nstages (where the time went)\n");
        for timeline in &self.timelines {
            let _ = writeln!(out, "{}", timeline.line());
        }
        out
    }

    /// The `BENCH` lines of the measured flows: printed only when every check held, so
    /// every flow reached its last stage.
    fn benches(&self) -> String {
        let mut out = String::new();
        for timeline in &self.timelines {
            let ms = match timeline.bench {
                Some((bench, None)) => Some((bench, timeline.total_ms())),
                Some((bench, Some(stage))) => timeline.until_ms(stage).map(|ms| (bench, ms)),
                None => None,
            };
            if let Some((bench, ms)) = ms {
                let _ = writeln!(out, "BENCH {bench} {:.1} s", seconds(ms));
            }
        }
        out
    }

    /// Polls `probes` every 200 ms until each has held once (the time it first held goes
    /// into its timeline as `stage`), or fails after `timeout` naming the ones that did not.
    fn wait_all(&mut self, timeout: Duration, probes: &mut [Probe<'_>]) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        let mut done = vec![false; probes.len()];
        let mut last_error: Vec<Option<String>> = vec![None; probes.len()];
        loop {
            self.control.tick()?;
            for (index, probe) in probes.iter_mut().enumerate() {
                if done[index] {
                    continue;
                }
                match (probe.holds)(&*self) {
                    Ok(Some(at_ms)) => {
                        done[index] = true;
                        self.timelines[probe.timeline].mark(&probe.stage, at_ms);
                        eprintln!(
                            "scenario: {} ({})",
                            probe.what, self.timelines[probe.timeline].name
                        );
                    }
                    Ok(None) => {}
                    Err(error) => last_error[index] = Some(format!("{error:#}")),
                }
            }
            if done.iter().all(|done| *done) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let missing: Vec<String> = probes
                    .iter()
                    .zip(&done)
                    .zip(&last_error)
                    .filter(|((_, done), _)| !**done)
                    .map(|((probe, _), error)| match error {
                        Some(error) => format!("{} (last error: {error})", probe.what),
                        None => probe.what.clone(),
                    })
                    .collect();
                bail!(
                    "after {} s, still waiting for: {}",
                    timeout.as_secs(),
                    missing.join("; ")
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn wait_one(
        &mut self,
        timeout: Duration,
        timeline: usize,
        stage: &str,
        what: &str,
        holds: impl FnMut(&Run<'_>) -> anyhow::Result<Option<u64>>,
    ) -> anyhow::Result<()> {
        self.wait_all(
            timeout,
            &mut [Probe::new(timeline, stage, what, Box::new(holds))],
        )
    }

    fn timeline(&mut self, name: &str) -> usize {
        self.timelines.push(Timeline::new(name));
        self.timelines.len() - 1
    }

    /// A timeline whose total, once its flow completes, is the benchmark `bench`.
    fn bench_timeline(&mut self, name: &str, bench: &'static str) -> usize {
        let index = self.timeline(name);
        self.timelines[index].bench = Some((bench, None));
        index
    }

    // ------------------------------------------------------------------ hyperforge

    /// Runs `hyperforge args...`; its stdout, or an error with its stderr.
    fn hyperforge(&mut self, args: &[&str]) -> anyhow::Result<String> {
        self.control.tick()?;
        let output = Command::new(self.binary)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            bail!(
                "`hyperforge {}` failed ({}): {}",
                args.join(" "),
                output.status,
                stderr.trim()
            );
        }
        Ok(stdout)
    }

    /// Sends an L2 transaction with a `wallet` command (which prints the hash first and
    /// waits for the block); its hash and block.
    /// `hyperforge wallet transfer` of `amount` gwei on `chain`, signed with `key`, to
    /// [`TRANSFER_RECIPIENT`]: its hash and block.
    fn transfer(&mut self, chain: usize, key: &str, amount: u64) -> anyhow::Result<(String, u64)> {
        let dir = self.chain_dir(chain);
        let amount = amount.to_string();
        self.send_l2(&[
            "wallet",
            "transfer",
            "--chain",
            &dir,
            "--private-key",
            key,
            "--to",
            TRANSFER_RECIPIENT,
            "--amount",
            &amount,
        ])
    }

    fn send_l2(&mut self, args: &[&str]) -> anyhow::Result<(String, u64)> {
        let stdout = self.hyperforge(args)?;
        let hash = stdout
            .lines()
            .next()
            .map(str::trim)
            .filter(|hash| hash.starts_with("0x"))
            .with_context(|| format!("`wallet {}` printed no hash: {stdout}", args[1]))?
            .to_owned();
        let block = stdout
            .lines()
            .find_map(|line| line.trim().strip_prefix("included in block "))
            .and_then(|block| block.trim().parse().ok())
            .with_context(|| format!("`wallet {}` printed no block: {stdout}", args[1]))?;
        Ok((hash, block))
    }

    fn chain_dir(&self, chain: usize) -> String {
        self.target.chains[chain].dir.display().to_string()
    }

    /// Waits on each chain until a sealed batch holds its block (by count or by
    /// `batch_timeout_ms`); marks `batch sealing` in the timelines (at the batch's
    /// `sealedAtMs`).
    fn seal(&mut self, waits: &[(usize, u64, usize)]) -> anyhow::Result<Vec<Batch>> {
        let mut batches = Vec::new();
        for &(chain, block, timeline) in waits {
            let deadline = Instant::now() + SEALING_TIMEOUT;
            let batch = loop {
                self.control.tick()?;
                if let Some(batch) = self.batch_of_block(chain, block)? {
                    break batch;
                }
                if Instant::now() > deadline {
                    bail!(
                        "{}'s block {block} is in no sealed batch after {} s",
                        self.target.chains[chain].name,
                        SEALING_TIMEOUT.as_secs()
                    );
                }
                std::thread::sleep(Duration::from_millis(200));
            };
            let sealed_at = batch.sealed_at_ms.unwrap_or_else(now_ms);
            self.timelines[timeline].mark("batch sealing", sealed_at);
            batches.push(batch);
        }
        Ok(batches)
    }

    // ------------------------------------------------------------------ reads

    fn l2(&self, chain: usize, method: &str, params: Value) -> anyhow::Result<Value> {
        self.rpc
            .call(&self.target.chains[chain].rpc, method, params)
    }

    /// An account's L2 balance in gwei (0 without an account).
    fn l2_balance(&self, chain: usize, address: &str) -> anyhow::Result<u64> {
        let account = self.l2(chain, "hf_getAccount", json!([address]))?;
        if account.is_null() {
            return Ok(0);
        }
        account
            .get("balanceGwei")
            .and_then(Value::as_str)
            .and_then(|gwei| gwei.parse().ok())
            .with_context(|| format!("hf_getAccount answered {account}"))
    }

    fn batch(&self, chain: usize, number: u64) -> anyhow::Result<Option<Batch>> {
        let view = self.l2(chain, "hf_getBatch", json!([number]))?;
        if view.is_null() {
            return Ok(None);
        }
        Batch::from_view(&view).map(Some)
    }

    /// The sealed batch holding `block`, if it is sealed yet.
    fn batch_of_block(&self, chain: usize, block: u64) -> anyhow::Result<Option<Batch>> {
        let sealed = last_true(|number| Ok(self.batch(chain, number)?.is_some()))?;
        let mut number = sealed;
        while number > 0 {
            let Some(batch) = self.batch(chain, number)? else {
                break;
            };
            if batch.last_block < block {
                return Ok(None);
            }
            if batch.first_block <= block {
                return Ok(Some(batch));
            }
            number -= 1;
        }
        Ok(None)
    }

    fn eth_call(&self, data: &str) -> anyhow::Result<String> {
        let answer = self.rpc.call(
            &self.target.l1,
            "eth_call",
            json!([{"to": self.target.bridge, "data": data}, "latest"]),
        )?;
        answer
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("eth_call answered {answer}"))
    }

    fn bridge_chain(&self, chain: usize) -> anyhow::Result<BridgeChain> {
        let id = self.target.chains[chain].chain_id;
        BridgeChain::decode(&self.eth_call(&format!("{GET_CHAIN}{id:064x}"))?)
    }

    fn bridge_word(&self, selector: &str) -> anyhow::Result<u64> {
        let words = words(&self.eth_call(selector)?)?;
        word_u64(words.first().context("an empty answer")?)
    }

    fn l1_balance_wei(&self, address: &str) -> anyhow::Result<u128> {
        quantity_u128(&self.rpc.call(
            &self.target.l1,
            "eth_getBalance",
            json!([address, "latest"]),
        )?)
    }

    /// `hf_getMessageProof`: where the message `hash` sent on `chain` is in the bridge's
    /// message root queue and its leaf index, once `chain` saw its root queued.
    fn message_position(&self, chain: usize, hash: &str) -> anyhow::Result<Option<(u64, u64)>> {
        let entry = self.l2(chain, "hf_getMessageProof", json!([hash]))?;
        let index = entry.get("messageRootIndex").and_then(Value::as_u64);
        let leaf = entry.get("leafIndex").and_then(Value::as_u64);
        Ok(index.zip(leaf))
    }

    /// `hf_getMessageRoot(index).imported` on `chain`.
    fn imported(&self, chain: usize, index: u64) -> anyhow::Result<bool> {
        let root = self.l2(chain, "hf_getMessageRoot", json!([index]))?;
        Ok(root.get("imported").and_then(Value::as_bool) == Some(true))
    }

    /// `hf_isMessageExecuted(import index, leaf index)` on `chain`.
    fn executed(&self, chain: usize, (index, leaf): (u64, u64)) -> anyhow::Result<bool> {
        let answer = self.l2(chain, "hf_isMessageExecuted", json!([index, leaf]))?;
        answer
            .as_bool()
            .with_context(|| format!("hf_isMessageExecuted answered {answer}"))
    }

    // ------------------------------------------------------------------ shared steps

    /// Waits until each batch is proven, then settled on the bridge; marks `proving` (at
    /// `provenAtMs`) and `settlement` (when the bridge shows it). Checks that the bridge's
    /// state root is the one its last settled batch states.
    fn prove_and_settle(&mut self, batches: &[(usize, u64, usize)]) -> anyhow::Result<()> {
        self.wait_proven(batches)?;
        self.wait_settled(batches)
    }

    /// The first half of [`Run::prove_and_settle`]: each batch proven.
    fn wait_proven(&mut self, batches: &[(usize, u64, usize)]) -> anyhow::Result<()> {
        let mut probes: Vec<Probe<'_>> = Vec::new();
        for &(chain, number, timeline) in batches {
            let name = self.target.chains[chain].name.clone();
            probes.push(Probe::new(
                timeline,
                "proving",
                &format!("{name} batch {number} proven"),
                Box::new(move |run: &Run<'_>| {
                    Ok(run
                        .batch(chain, number)?
                        .filter(Batch::proven)
                        .map(|batch| batch.proven_at_ms.unwrap_or_else(now_ms)))
                }),
            ));
        }
        self.wait_all(PROVING_TIMEOUT, &mut probes)
    }

    /// The second half of [`Run::prove_and_settle`]: each batch settled, and checked.
    fn wait_settled(&mut self, batches: &[(usize, u64, usize)]) -> anyhow::Result<()> {
        let mut probes: Vec<Probe<'_>> = Vec::new();
        for &(chain, number, timeline) in batches {
            let name = self.target.chains[chain].name.clone();
            probes.push(Probe::new(
                timeline,
                "settlement",
                &format!("{name} batch {number} settled on L1"),
                Box::new(move |run: &Run<'_>| {
                    let settled = run.bridge_chain(chain)?.batch_number >= number;
                    Ok(settled.then(now_ms))
                }),
            ));
        }
        self.wait_all(PROVING_TIMEOUT, &mut probes)?;
        for &(chain, number, _) in batches {
            let name = self.target.chains[chain].name.clone();
            let what = format!("{name} batch {number} settled: the bridge holds its state root");
            let bridge = self.bridge_chain(chain)?;
            let result = match self.batch(chain, bridge.batch_number)? {
                Some(batch)
                    if batch
                        .new_state_root
                        .eq_ignore_ascii_case(&bridge.state_root) =>
                {
                    Ok(())
                }
                Some(batch) => Err(format!(
                    "bridge root {} after batch {}, the batch states {}",
                    bridge.state_root, bridge.batch_number, batch.new_state_root
                )),
                None => Err(format!(
                    "the bridge settled batch {}, which {name} has not sealed",
                    bridge.batch_number
                )),
            };
            self.check(&what, result);
        }
        // The sequencer follows the bridge's events: it marks the batch settled too.
        for &(chain, number, _) in batches {
            let name = self.target.chains[chain].name.clone();
            let what = format!("{name} marks batch {number} settled (hf_getBatch)");
            let deadline = Instant::now() + SETTLED_MARK_TIMEOUT;
            let result = loop {
                self.control.tick()?;
                let status = self.batch(chain, number)?.map(|batch| batch.proof_status);
                if status.as_deref() == Some("settled") {
                    break Ok(());
                }
                if Instant::now() > deadline {
                    break Err(format!(
                        "still {status:?} after {} s",
                        SETTLED_MARK_TIMEOUT.as_secs()
                    ));
                }
                std::thread::sleep(Duration::from_millis(200));
            };
            self.check(&what, result);
        }
        Ok(())
    }
}

/// A condition `wait_all` polls: `holds` answers the unix ms it held at, once it has.
struct Probe<'p> {
    timeline: usize,
    stage: String,
    what: String,
    holds: ProbeFn<'p>,
}

type ProbeFn<'p> = Box<dyn FnMut(&Run<'_>) -> anyhow::Result<Option<u64>> + 'p>;

impl<'p> Probe<'p> {
    fn new(timeline: usize, stage: &str, what: &str, holds: ProbeFn<'p>) -> Self {
        Self {
            timeline,
            stage: stage.to_owned(),
            what: what.to_owned(),
            holds,
        }
    }
}

// ---------------------------------------------------------------------- the scenarios

/// `transfer`: dev account 0 pays a fresh account on the first chain; the transfer's block,
/// its batch sealed, proven, settled; both balances and the bridge's state root checked.
fn transfer(run: &mut Run<'_>) -> anyhow::Result<()> {
    const AMOUNT: u64 = 1_000_000;
    let chain = 0;
    let name = run.target.chains[chain].name.clone();
    let sender = ACCOUNTS[0].address.to_string();
    let key = ACCOUNTS[0].private_key.to_string();
    let sender_before = run.l2_balance(chain, &sender)?;
    let recipient_before = run.l2_balance(chain, TRANSFER_RECIPIENT)?;

    let timeline = run.timeline(&format!("transfer on {name}"));
    let (hash, block) = run.transfer(chain, &key, AMOUNT)?;
    run.timelines[timeline].mark("block", now_ms());
    run.require(
        &format!("transfer {hash} included in {name} block {block}"),
        Ok(()),
    )?;
    let recipient = run.l2_balance(chain, TRANSFER_RECIPIENT)?;
    run.expect_eq(
        &format!("{name}: the recipient got {AMOUNT} gwei"),
        recipient,
        recipient_before + AMOUNT,
    );
    let sender_after = run.l2_balance(chain, &sender)?;
    run.expect_eq(
        &format!("{name}: the sender paid {AMOUNT} gwei"),
        sender_after,
        sender_before.saturating_sub(AMOUNT),
    );

    let batch = run.seal(&[(chain, block, timeline)])?.remove(0);
    run.check(
        &format!(
            "{name} batch {} sealed (blocks {}..={})",
            batch.number, batch.first_block, batch.last_block
        ),
        Ok(()),
    );
    run.prove_and_settle(&[(chain, batch.number, timeline)])?;
    Ok(())
}

/// `cross-chain`, on chains A and B (the first two): dev account 1 deposits from L1 to a
/// fresh account on A; dev account 0 sends a message with value from A to a fresh account
/// on B, executed there by the relayer (or with `wallet execute-message` under `--no-relay`);
/// dev account 1 withdraws from B to a fresh L1 account, finalized with `wallet
/// finalize-withdrawal`. The withdrawal runs beside the message (its batch settles in the
/// same round), so the scenario costs one settlement round. Then every balance, and value
/// conservation (see [`Run::conservation`]).
fn cross_chain(run: &mut Run<'_>) -> anyhow::Result<()> {
    const DEPOSIT: u64 = 3_000_000;
    const MESSAGE: u64 = 2_000_000;
    const WITHDRAWAL: u64 = 1_000_000;
    let (a, b) = (0, 1);
    let a_name = run.target.chains[a].name.clone();
    let b_name = run.target.chains[b].name.clone();
    let b_id = run.target.chains[b].chain_id.to_string();
    let (a_dir, b_dir) = (run.chain_dir(a), run.chain_dir(b));
    let dev = |index: usize| {
        (
            ACCOUNTS[index].address.to_string(),
            ACCOUNTS[index].private_key.to_string(),
        )
    };
    let (sender, sender_key) = dev(0);
    let (depositor, depositor_key) = dev(1);
    let (_, finalizer_key) = dev(2);
    let bridge_before = run.l1_balance_wei(&run.target.bridge.clone())?;
    let sender_before = run.l2_balance(a, &sender)?;
    let withdrawer_before = run.l2_balance(b, &depositor)?;
    let l1_recipient_before = run.l1_balance_wei(WITHDRAWAL_RECIPIENT)?;

    // Deposit L1 -> A.
    let deposit = run.bench_timeline(&format!("deposit L1 -> {a_name}"), "deposit_latency_s");
    let amount = DEPOSIT.to_string();
    run.hyperforge(&[
        "wallet",
        "deposit",
        "--chain",
        &a_dir,
        "--amount",
        &amount,
        "--to",
        DEPOSIT_RECIPIENT,
        "--private-key",
        &depositor_key,
    ])?;
    run.timelines[deposit].mark("L1 transaction", now_ms());
    run.wait_one(
        DELIVERY_TIMEOUT,
        deposit,
        "applied on L2",
        &format!("the deposit applied on {a_name}"),
        |run| Ok((run.l2_balance(a, DEPOSIT_RECIPIENT)? >= DEPOSIT).then(now_ms)),
    )?;
    let got = run.l2_balance(a, DEPOSIT_RECIPIENT)?;
    run.expect_eq(
        &format!("deposit: {DEPOSIT} gwei from L1 credited on {a_name}"),
        got,
        DEPOSIT,
    );

    // The message A -> B, and beside it the withdrawal B -> L1.
    let message = run.bench_timeline(
        &format!("message {a_name} -> {b_name}"),
        "message_latency_s",
    );
    let amount = MESSAGE.to_string();
    let (message_hash, message_block) = run.send_l2(&[
        "wallet",
        "send-message",
        "--chain",
        &a_dir,
        "--dst-chain",
        &b_id,
        "--to",
        MESSAGE_RECIPIENT,
        "--amount",
        &amount,
        "--private-key",
        &sender_key,
    ])?;
    run.timelines[message].mark("block", now_ms());
    let withdrawal = run.timeline(&format!("withdrawal {b_name} -> L1"));
    // Finalizable once its batch is settled (what follows waits for the message's flow).
    run.timelines[withdrawal].bench = Some(("withdrawal_latency_s", Some("settlement")));
    let amount = WITHDRAWAL.to_string();
    let (withdrawal_hash, withdrawal_block) = run.send_l2(&[
        "wallet",
        "withdraw",
        "--chain",
        &b_dir,
        "--amount",
        &amount,
        "--to",
        WITHDRAWAL_RECIPIENT,
        "--private-key",
        &depositor_key,
    ])?;
    run.timelines[withdrawal].mark("block", now_ms());
    let sender_after = run.l2_balance(a, &sender)?;
    run.expect_eq(
        &format!("message {message_hash}: {MESSAGE} gwei left the sender on {a_name} (block {message_block})"),
        sender_after,
        sender_before.saturating_sub(MESSAGE),
    );
    let withdrawer_after = run.l2_balance(b, &depositor)?;
    run.expect_eq(
        &format!("withdrawal {withdrawal_hash}: {WITHDRAWAL} gwei left the sender on {b_name} (block {withdrawal_block})"),
        withdrawer_after,
        withdrawer_before.saturating_sub(WITHDRAWAL),
    );

    let batches = run.seal(&[
        (a, message_block, message),
        (b, withdrawal_block, withdrawal),
    ])?;
    let (a_batch, b_batch) = (batches[0].number, batches[1].number);
    run.prove_and_settle(&[(a, a_batch, message), (b, b_batch, withdrawal)])?;

    // B imports the root of A's batch: its index in the bridge's queue comes from A.
    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    let position = loop {
        run.control.tick()?;
        if let Some(position) = run.message_position(a, &message_hash)? {
            break position;
        }
        if Instant::now() > deadline {
            bail!("{a_name} never saw the root of its message's batch queued on the bridge");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    run.check(
        &format!(
            "the message is leaf {} under message root {} of the bridge's queue",
            position.1, position.0
        ),
        Ok(()),
    );
    run.wait_one(
        DELIVERY_TIMEOUT,
        message,
        "import",
        &format!("{b_name} imported message root {}", position.0),
        |run| Ok(run.imported(b, position.0)?.then(now_ms)),
    )?;
    if run.target.relay {
        run.wait_one(
            DELIVERY_TIMEOUT,
            message,
            "relay + execution",
            &format!("the relayer executed the message on {b_name}"),
            |run| Ok(run.executed(b, position)?.then(now_ms)),
        )?;
    } else {
        let (_, executor_key) = dev(5);
        run.hyperforge(&[
            "wallet",
            "execute-message",
            "--chain",
            &b_dir,
            "--message",
            &message_hash,
            "--private-key",
            &executor_key,
            "--wait",
            "180",
        ])?;
        run.timelines[message].mark("execution", now_ms());
    }
    let executed = run.executed(b, position)?;
    run.expect_eq(
        &format!("{b_name} marks the message executed (hf_isMessageExecuted)"),
        executed,
        true,
    );
    let got = run.l2_balance(b, MESSAGE_RECIPIENT)?;
    run.expect_eq(
        &format!("message: {MESSAGE} gwei from {a_name} credited on {b_name}"),
        got,
        MESSAGE,
    );

    // The withdrawal, paid on L1.
    let expected_wei = u128::from(WITHDRAWAL) * u128::from(GWEI_IN_WEI);
    if run.target.relayer_finalizes {
        run.wait_one(
            DELIVERY_TIMEOUT,
            withdrawal,
            "finalization (relayer)",
            "the relayer finalized the withdrawal on L1",
            |run| {
                let paid = run
                    .l1_balance_wei(WITHDRAWAL_RECIPIENT)?
                    .saturating_sub(l1_recipient_before);
                Ok((paid >= expected_wei).then(now_ms))
            },
        )?;
    } else {
        // The message's flow ran first: the withdrawal waited for it, not for L1.
        run.timelines[withdrawal].mark("(the message's flow)", now_ms());
        let stdout = run.hyperforge(&[
            "wallet",
            "finalize-withdrawal",
            "--chain",
            &b_dir,
            "--tx",
            &withdrawal_hash,
            "--private-key",
            &finalizer_key,
            "--wait",
            "180",
        ])?;
        run.timelines[withdrawal].mark("finalization", now_ms());
        eprintln!("scenario: {}", stdout.trim());
    }
    let paid = run
        .l1_balance_wei(WITHDRAWAL_RECIPIENT)?
        .saturating_sub(l1_recipient_before);
    run.expect_eq(
        &format!("withdrawal: {WITHDRAWAL} gwei from {b_name} paid on L1"),
        paid,
        expected_wei,
    );

    let bridge_after = run.l1_balance_wei(&run.target.bridge.clone())?;
    run.expect_eq(
        "the bridge's ETH moved by the deposit less the withdrawal",
        i128::try_from(bridge_after)? - i128::try_from(bridge_before)?,
        i128::from(DEPOSIT - WITHDRAWAL) * i128::from(GWEI_IN_WEI),
    );
    let touched = [
        (a, DEPOSIT_RECIPIENT.parse::<Address>()?),
        (b, MESSAGE_RECIPIENT.parse::<Address>()?),
    ];
    run.conservation(&touched)?;
    Ok(())
}

/// `prover-failover`: two provers on the first chain (jobs leased for 20 s). A transfer's
/// batch is sealed; the first prover seen taking a job is SIGKILLed while proving it (its
/// log's last job line is `job taken`); the other must prove that very job once the lease
/// expires (its log shows `proof accepted` for the job id), and the batch is proven and
/// settled. Stages: block, sealing, first lease, kill, proving, settlement.
fn prover_failover(run: &mut Run<'_>) -> anyhow::Result<()> {
    let chain = 0;
    let name = run.target.chains[chain].name.clone();
    let provers = [format!("{name}-prover-0"), format!("{name}-prover-1")];
    let logs: Vec<PathBuf> = provers
        .iter()
        .map(|prover| {
            run.control
                .log(prover)
                .with_context(|| format!("the devnet runs no {prover}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let timeline = run.timeline(&format!("failover batch on {name}"));
    let key = ACCOUNTS[0].private_key.to_string();
    let (hash, block) = run.transfer(chain, &key, 1_000)?;
    run.timelines[timeline].mark("block", now_ms());
    run.check(
        &format!("transfer {hash} included in {name} block {block}"),
        Ok(()),
    );
    let batch = run.seal(&[(chain, block, timeline)])?.remove(0);

    // The first prover caught in the middle of a job.
    let deadline = Instant::now() + PROVING_TIMEOUT;
    let (victim, job) = loop {
        run.control.tick()?;
        let busy = logs
            .iter()
            .enumerate()
            .find_map(|(index, log)| leased_job(&read_log(log)).map(|job| (index, job)));
        if let Some(found) = busy {
            break found;
        }
        if Instant::now() > deadline {
            bail!("no prover took a job of {name} batch {}", batch.number);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    run.timelines[timeline].mark("first lease", now_ms());
    run.control.kill(&provers[victim])?;
    run.timelines[timeline].mark("kill", now_ms());
    run.check(
        &format!("{} SIGKILLed while proving job {job}", provers[victim]),
        Ok(()),
    );
    let survivor = 1 - victim;
    run.prove_and_settle(&[(chain, batch.number, timeline)])?;
    let accepted = read_log(&logs[survivor])
        .lines()
        .any(|line| line.contains("proof accepted") && line.contains(&format!("job={job} ")));
    run.check(
        &format!(
            "{} proved job {job} after its lease to {} expired",
            provers[survivor], provers[victim]
        ),
        if accepted {
            Ok(())
        } else {
            Err(format!(
                "no `proof accepted ... job={job}` in {}",
                logs[survivor].display()
            ))
        },
    );
    Ok(())
}

/// `sequencer-restart`: see [`restart`].
fn sequencer_restart(run: &mut Run<'_>) -> anyhow::Result<()> {
    restart(run, Victim::Sequencer)
}

/// `settler-restart`: see [`restart`].
fn settler_restart(run: &mut Run<'_>) -> anyhow::Result<()> {
    restart(run, Victim::Settler)
}

/// Which child a restart scenario kills, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Victim {
    /// The chain's sequencer, once a prover took a job of the batch.
    Sequencer,
    /// The settler, once it aggregates the batch.
    Settler,
}

/// A transfer on the first chain, its batch sealed; the victim SIGKILLed mid-work and
/// restarted by the devnet (`--restart`); then: the chain still holds the transfer (receipt,
/// balance), takes a new one, and the batch is proven and settled exactly once (the bridge's
/// last batch is it, its root the batch's).
fn restart(run: &mut Run<'_>, victim: Victim) -> anyhow::Result<()> {
    const AMOUNT: u64 = 1_000;
    let chain = 0;
    let name = run.target.chains[chain].name.clone();
    let child = match victim {
        Victim::Sequencer => format!("{name}-sequencer"),
        Victim::Settler => "settler".to_owned(),
    };
    let watched = match victim {
        Victim::Sequencer => format!("{name}-prover-0"),
        Victim::Settler => "settler".to_owned(),
    };
    let watched_log = run
        .control
        .log(&watched)
        .with_context(|| format!("the devnet runs no {watched}"))?;
    let timeline = run.timeline(&format!("{child} restart"));
    let key = ACCOUNTS[0].private_key.to_string();
    let (hash, block) = run.transfer(chain, &key, AMOUNT)?;
    run.timelines[timeline].mark("block", now_ms());
    let batch = run.seal(&[(chain, block, timeline)])?.remove(0);

    // Mid-work: a prover took a job of the batch, or the settler aggregates it (proven
    // first: the timeline stays in order).
    if victim == Victim::Settler {
        run.wait_proven(&[(chain, batch.number, timeline)])?;
    }
    let (cue, stage) = match victim {
        Victim::Sequencer => ("job taken", "first lease"),
        Victim::Settler => ("aggregating", "aggregation started"),
    };
    run.wait_one(
        PROVING_TIMEOUT,
        timeline,
        stage,
        &format!("{watched} logs `{cue}`"),
        |_| Ok(read_log(&watched_log).contains(cue).then(now_ms)),
    )?;
    let old_pid = run.control.pid(&child);
    run.control.kill(&child)?;
    run.timelines[timeline].mark("kill", now_ms());
    run.wait_one(
        Duration::from_secs(60),
        timeline,
        "restart",
        &format!("{child} restarted"),
        |run| {
            let restarted = run
                .control
                .pid(&child)
                .is_some_and(|pid| Some(pid) != old_pid);
            let up = match victim {
                Victim::Sequencer => run.rpc.block_number(&run.target.chains[chain].rpc).is_ok(),
                Victim::Settler => true,
            };
            Ok((restarted && up).then(now_ms))
        },
    )?;
    run.check(&format!("{child} SIGKILLed mid-work and restarted"), Ok(()));

    let receipt = run.l2(chain, "hf_getTransactionReceipt", json!([hash]))?;
    let kept = receipt.get("blockNumber").and_then(Value::as_u64);
    run.expect_eq(
        &format!("{name} still holds transfer {hash} in block {block}"),
        kept,
        Some(block),
    );
    let before = run.l2_balance(chain, TRANSFER_RECIPIENT)?;
    run.expect_eq(
        &format!("{name}: the recipient still has the {AMOUNT} gwei"),
        before,
        AMOUNT,
    );
    let (_, after_block) = run.transfer(chain, &key, AMOUNT)?;
    let after = run.l2_balance(chain, TRANSFER_RECIPIENT)?;
    run.expect_eq(
        &format!("{name} takes a new transfer after the restart (block {after_block})"),
        after,
        2 * AMOUNT,
    );

    match victim {
        Victim::Sequencer => run.prove_and_settle(&[(chain, batch.number, timeline)])?,
        Victim::Settler => run.wait_settled(&[(chain, batch.number, timeline)])?,
    }
    let bridge = run.bridge_chain(chain)?;
    let later = run
        .batch_of_block(chain, after_block)?
        .map(|batch| batch.number);
    // The new transfer's batch may have settled too; nothing beyond it can have.
    let settled_once = bridge.batch_number == batch.number
        || (later.is_some() && Some(bridge.batch_number) <= later);
    run.check(
        &format!(
            "the bridge settled {name} up to batch {} with nothing skipped or replayed",
            bridge.batch_number
        ),
        if settled_once {
            Ok(())
        } else {
            Err(format!(
                "the bridge is at batch {}, the scenario's batch is {}",
                bridge.batch_number, batch.number
            ))
        },
    );
    if victim == Victim::Settler {
        let settler = run
            .control
            .log("settler")
            .map(|log| read_log(&log))
            .unwrap_or_default();
        // How the settler logs `SettlerError::Reverted`.
        let reverts = settler.matches("the bridge refused the settlement").count();
        run.expect_eq(
            "the restarted settler sent no settle that reverted",
            reverts,
            0,
        );
    }
    Ok(())
}

/// A log's text (empty when it cannot be read yet).
fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// The job a prover is proving: its log's last job line is `job taken ... job=<id>`.
fn leased_job(log: &str) -> Option<String> {
    let last = log
        .lines()
        .rev()
        .find(|line| line.contains("job taken") || line.contains("proof accepted"))?;
    if !last.contains("job taken") {
        return None;
    }
    let rest = last.split_once(" job=")?.1;
    Some(rest.split_whitespace().next()?.to_owned())
}

impl Run<'_> {
    /// Value conservation, once every flow is complete (deposits applied, messages executed,
    /// withdrawals finalized: nothing pending). Two checks:
    /// - the bridge's ETH on L1 (`eth_getBalance`) = the sum of every L2 balance, over each
    ///   chain's genesis accounts and the accounts the scenario paid (`touched`), at each
    ///   chain's latest block: the only accounts that can hold value;
    /// - the bridge's own books: its ETH = the sum of `getChain(c).balanceGwei` + `inFlightGwei`.
    fn conservation(&mut self, touched: &[(usize, Address)]) -> anyhow::Result<()> {
        let bridge_wei = self.l1_balance_wei(&self.target.bridge.clone())?;
        let mut total_gwei: u128 = 0;
        let mut l2_parts = Vec::new();
        let mut books_gwei: u128 = 0;
        let mut book_parts = Vec::new();
        for chain in 0..self.target.chains.len() {
            let mut accounts: BTreeSet<Address> = self.target.chains[chain]
                .genesis
                .iter()
                .map(|(address, _)| *address)
                .collect();
            accounts.extend(
                touched
                    .iter()
                    .filter(|(on, _)| *on == chain)
                    .map(|(_, address)| *address),
            );
            let mut sum: u128 = 0;
            for address in &accounts {
                sum += u128::from(self.l2_balance(chain, &address.to_string())?);
            }
            let name = &self.target.chains[chain].name;
            l2_parts.push(format!(
                "{name} {} in {} accounts",
                ether(sum),
                accounts.len()
            ));
            total_gwei += sum;
            let bridge = self.bridge_chain(chain)?;
            books_gwei += u128::from(bridge.balance_gwei);
            book_parts.push(format!(
                "{name} {} after batch {}",
                ether(u128::from(bridge.balance_gwei)),
                bridge.batch_number
            ));
        }
        let in_flight = u128::from(self.bridge_word(IN_FLIGHT_GWEI)?);
        let wei = u128::from(GWEI_IN_WEI);
        let what = format!(
            "value conserved: the bridge's ETH on L1, {}, = the L2 balances of every genesis and \
             touched account, {} ({}), + pending 0 (the deposit applied, the message executed, \
             the withdrawal paid)",
            ether(bridge_wei / wei),
            ether(total_gwei),
            l2_parts.join(", ")
        );
        let result = if bridge_wei == total_gwei * wei {
            Ok(())
        } else {
            Err(format!(
                "{bridge_wei} wei on L1, {} wei on L2",
                total_gwei * wei
            ))
        };
        self.check(&what, result);
        let what = format!(
            "the bridge's books: its ETH = the chains' settled balances {} ({}) + in flight {} \
             (value of settled messages whose execution is not settled yet)",
            ether(books_gwei),
            book_parts.join(", "),
            ether(in_flight)
        );
        let result = if bridge_wei == (books_gwei + in_flight) * wei {
            Ok(())
        } else {
            Err(format!(
                "{bridge_wei} wei held, {} wei booked",
                (books_gwei + in_flight) * wei
            ))
        };
        self.check(&what, result);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_is_listed_and_found_by_name() {
        let listed = list();
        for scenario in SCENARIOS {
            assert!(listed.contains(scenario.name), "{listed}");
            assert_eq!(find(scenario.name).unwrap().name, scenario.name);
        }
        let error = find("nope").unwrap_err().to_string();
        assert!(
            error.contains(
                "transfer, cross-chain, prover-failover, sequencer-restart, settler-restart"
            ),
            "{error}"
        );
    }

    #[test]
    fn get_chain_decodes_its_eight_words() {
        let mut data = String::from("0x");
        data.push_str(&"ab".repeat(32)); // stateRoot
        for value in [3u64, 7, 2, 1_000_000_000_000, 9, 1] {
            data.push_str(&format!("{value:064x}"));
        }
        data.push_str(&format!(
            "{:0>64}",
            "f39fd6e51aad88f6f4ce6ab8827279cffb92266"
        ));
        let chain = BridgeChain::decode(&data).unwrap();
        assert_eq!(chain.state_root, format!("0x{}", "ab".repeat(32)));
        assert_eq!(chain.batch_number, 3);
        assert_eq!(chain.balance_gwei, 1_000_000_000_000);
        assert!(BridgeChain::decode("0x00").is_err());
        assert!(word_u64(&format!("1{:063x}", 0)).is_err(), "past 64 bits");
    }

    #[test]
    fn a_timeline_shows_each_stage_and_the_total() {
        let mut timeline = Timeline::new("message alpha -> beta");
        let start = timeline.marks[0].1;
        timeline.mark("block", start + 400);
        timeline.mark("proving", start + 48_400);
        let line = timeline.line();
        assert!(
            line.contains("block 0.4 s, proving 48.0 s, total 48.4 s"),
            "{line}"
        );
    }

    #[test]
    fn the_leased_job_is_the_last_one_taken_and_not_yet_proven() {
        let taken =
            "INFO prover::jobs: job taken worker=0 job=16777216 kind=\"chunk\" bytes=3066\n";
        let accepted =
            "INFO prover::jobs: proof accepted worker=0 job=16777216 kind=\"chunk\" seconds=11.4\n";
        assert_eq!(leased_job(taken).as_deref(), Some("16777216"));
        assert_eq!(leased_job(&format!("{taken}{accepted}")), None);
        assert_eq!(leased_job("INFO circuits: loaded\n"), None);
    }

    #[test]
    fn ether_is_written_without_trailing_zeros() {
        assert_eq!(ether(1_000_000_000_000), "1000 ETH");
        assert_eq!(ether(2_003_000_000), "2.003 ETH");
    }
}
