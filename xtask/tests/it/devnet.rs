//! End-to-end tests of `cargo xtask devnet`: the real xtask binary starts a real anvil and
//! real sequencers on a temp copy of the project's `chains/`, on free ports.
//!
//! `hyperforge` is not built here: `HYPERFORGE_BIN`, or the one next to this test binary
//! (`cargo test --workspace` builds it for the node crate's tests; `cargo build -p
//! hyperforge` otherwise).

use std::{
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// The project this test was built from.
static SERIAL: Mutex<()> = Mutex::new(());

/// One devnet at a time: each picks free ports (`--port-base auto`) that stay free only until
/// its nodes bind them, so two networks starting together could take each other's.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The `hyperforge` binary the devnet runs.
fn hyperforge_bin() -> PathBuf {
    if let Some(binary) = std::env::var_os("HYPERFORGE_BIN") {
        return PathBuf::from(binary);
    }
    // target/debug/deps/it-<hash> -> target/debug/hyperforge
    let exe = std::env::current_exe().unwrap();
    let binary = exe.parent().unwrap().parent().unwrap().join("hyperforge");
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo build -p hyperforge` (or set HYPERFORGE_BIN)",
        binary.display()
    );
    binary
}

/// A project root with a copy of `chains/`, the real `templates/` (for `chain new`) and the
/// real `tools/` (anvil, solc-js).
fn temp_project() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let source = project_root();
    for entry in std::fs::read_dir(source.join("chains")).unwrap() {
        let entry = entry.unwrap();
        let file = entry.path().join("chain.toml");
        if file.is_file() {
            let dir = root.path().join("chains").join(entry.file_name());
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(&file, dir.join("chain.toml")).unwrap();
        }
    }
    std::os::unix::fs::symlink(source.join("tools"), root.path().join("tools")).unwrap();
    std::os::unix::fs::symlink(source.join("templates"), root.path().join("templates")).unwrap();
    root
}

fn xtask(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("--root")
        .arg(root)
        .env("HYPERFORGE_BIN", hyperforge_bin());
    command
}

/// What a stream of the devnet printed so far, read by a thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<String>>);

impl Captured {
    fn follow(stream: impl Read + Send + 'static) -> Self {
        let captured = Self::default();
        let text = captured.0.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let mut text = text.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        captured
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

/// A running `cargo xtask devnet`.
struct Devnet {
    child: Child,
    stdout: Captured,
    stderr: Captured,
}

impl Devnet {
    /// Starts alpha and beta on free ports and waits for the table.
    fn start(root: &Path, data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_chains(root, data_dir, "alpha,beta", extra)
    }

    /// Starts `chains` on free ports and waits for the table.
    fn start_chains(root: &Path, data_dir: &Path, chains: &str, extra: &[&str]) -> Self {
        let mut child = xtask(root)
            .args(["devnet", "--chains", chains, "--l1-port", "0"])
            .args(["--port-base", "auto", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Captured::follow(child.stdout.take().unwrap());
        let stderr = Captured::follow(child.stderr.take().unwrap());
        let mut devnet = Self {
            child,
            stdout,
            stderr,
        };
        devnet.wait_for("the ready table", Duration::from_secs(60), |devnet| {
            devnet.stdout.text().contains("ready in")
        });
        devnet
    }

    fn wait_for(&mut self, what: &str, timeout: Duration, mut done: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + timeout;
        while !done(self) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the devnet exited ({status}) waiting for {what}:\n{}\n{}",
                    self.stdout.text(),
                    self.stderr.text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {what} after {timeout:?}:\n{}\n{}",
                self.stdout.text(),
                self.stderr.text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The value after `label` on the table's line starting with it.
    fn table_value(&self, label: &str) -> String {
        table_value(&self.stdout.text(), label)
    }

    /// Every pid the table and the restart reports name.
    fn pids(&self) -> Vec<i32> {
        let text = format!("{}{}", self.stdout.text(), self.stderr.text());
        let mut pids: Vec<i32> = text
            .split("pid ")
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .collect();
        pids.sort_unstable();
        pids.dedup();
        pids
    }

    /// SIGINT, as Ctrl-C; returns how it exited and how long that took.
    fn interrupt(mut self) -> (ExitStatus, Duration, String) {
        let started = Instant::now();
        signal(i32::try_from(self.child.id()).unwrap(), libc::SIGINT);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                self.child.kill().unwrap();
                break self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let elapsed = started.elapsed();
        // Let the reader threads drain what was printed last.
        std::thread::sleep(Duration::from_millis(100));
        (status, elapsed, self.stderr.text())
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            signal(i32::try_from(self.child.id()).unwrap(), libc::SIGINT);
            let _ = self.child.wait();
        }
    }
}

fn signal(pid: i32, signal: i32) {
    // SAFETY: kill has no memory effects.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// Whether a process or its process group (each child leads one) still exists.
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    unsafe { libc::kill(pid, 0) == 0 || libc::kill(-pid, 0) == 0 }
}

fn table_value(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix(label))
        .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{text}"))
}

/// `cargo xtask devnet status`'s output.
fn status(root: &Path, data_dir: &Path) -> String {
    let output = xtask(root)
        .args(["devnet", "status", "--data-dir"])
        .arg(data_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The height `status` shows for `chain`, or None when it shows it down.
fn height(status: &str, chain: &str) -> Option<u64> {
    let line = status
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{chain} ")))
        .unwrap_or_else(|| panic!("no {chain} in:\n{status}"));
    if line.contains("DOWN") {
        return None;
    }
    Some(line.split_whitespace().nth(3).unwrap().parse().unwrap())
}

const KEY_0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

fn assert_stopped_cleanly(stopped: (ExitStatus, Duration, String), pids: &[i32]) {
    let (status, elapsed, stderr) = stopped;
    assert!(status.success(), "{status}: {stderr}");
    assert!(elapsed < Duration::from_secs(5), "stopped in {elapsed:?}");
    for pid in pids {
        assert!(!alive(*pid), "pid {pid} outlived the devnet:\n{stderr}");
    }
}

#[test]
fn devnet_comes_up_shows_status_stops_on_sigint_without_orphans_and_resumes() {
    let _serial = serial();
    let root = temp_project();
    let data_dir = root.path().join("data");
    let devnet = Devnet::start(root.path(), &data_dir, &["--fresh"]);
    let bridge = devnet.table_value("bridge");
    let l1 = devnet.table_value("L1");
    assert!(bridge.starts_with("0x") && bridge.len() == 42, "{bridge}");
    assert!(l1.starts_with("http://127.0.0.1:"), "{l1}");
    assert!(devnet.stderr.text().contains("deploying the bridge"));
    let alpha_rpc = {
        let text = devnet.stdout.text();
        let line = text
            .lines()
            .find(|line| line.trim_start().starts_with("alpha "))
            .unwrap()
            .to_owned();
        line.split_whitespace().nth(2).unwrap().to_owned()
    };
    // The free ports replaced the chain's own (3050).
    assert!(!alpha_rpc.ends_with(":3050"), "{alpha_rpc}");
    let pids = devnet.pids();
    assert_eq!(
        pids.len(),
        7,
        "anvil, two sequencers, a prover each, the settler and the relayer: {pids:?}"
    );
    let relayer = devnet.table_value("relayer");
    assert_eq!(relayer, "every", "{}", devnet.stdout.text());
    assert!(
        std::fs::read_to_string(data_dir.join("logs").join("relayer.log"))
            .unwrap()
            .contains("relaying 2 chains"),
        "the relayer covers both chains"
    );

    // A block on alpha, so that resuming has a height to keep.
    transfer_1000(&alpha_rpc);

    let shown = status(root.path(), &data_dir);
    let alpha_height = height(&shown, "alpha").unwrap();
    assert!(alpha_height >= 1, "{shown}");
    assert_eq!(height(&shown, "beta"), Some(0), "{shown}");
    assert!(shown.contains(&format!("{l1}  block ")), "{shown}");

    assert_stopped_cleanly(devnet.interrupt(), &pids);
    let shown = status(root.path(), &data_dir);
    assert_eq!(height(&shown, "alpha"), None, "{shown}");
    assert_eq!(height(&shown, "beta"), None, "{shown}");
    assert!(shown.contains(&format!("{l1}  DOWN")), "{shown}");

    // The same command again: the same bridge, nothing deployed or registered again.
    let devnet = Devnet::start(root.path(), &data_dir, &[]);
    let stderr = devnet.stderr.text();
    assert!(!stderr.contains("deploying the bridge"), "{stderr}");
    assert!(!stderr.contains("registering"), "{stderr}");
    assert_eq!(devnet.table_value("bridge"), bridge);
    let shown = status(root.path(), &data_dir);
    assert!(height(&shown, "alpha").unwrap() >= alpha_height, "{shown}");
    let pids = devnet.pids();
    assert_stopped_cleanly(devnet.interrupt(), &pids);
}

#[test]
fn a_sigkilled_sequencer_is_reported_with_its_log_and_restarted() {
    let _serial = serial();
    let root = temp_project();
    let data_dir = root.path().join("data");
    let mut devnet = Devnet::start(
        root.path(),
        &data_dir,
        &["--fresh", "--restart", "--no-relay"],
    );
    assert_eq!(devnet.table_value("relayer"), "OFF");
    let sequencer_pid: i32 = {
        let text = devnet.stdout.text();
        let line = text
            .lines()
            .find(|line| line.trim_start().starts_with("alpha-sequencer "))
            .unwrap()
            .to_owned();
        table_value(line.split_once("alpha-sequencer").unwrap().1, "pid")
            .parse()
            .unwrap()
    };
    let log = data_dir.join("logs").join("alpha-sequencer.log");
    let last_line = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();

    signal(sequencer_pid, libc::SIGKILL);
    devnet.wait_for("the restart", Duration::from_secs(10), |devnet| {
        devnet
            .stderr
            .text()
            .contains("alpha-sequencer restarted (pid ")
    });
    let stderr = devnet.stderr.text();
    let report = format!(
        "alpha-sequencer stopped (killed by signal 9); the last lines of {}:",
        log.display()
    );
    let quoted = stderr
        .split_once(&report)
        .unwrap_or_else(|| panic!("no crash report in:\n{stderr}"))
        .1;
    assert!(
        quoted.contains(&last_line),
        "{last_line:?} not in:\n{stderr}"
    );

    // The restarted sequencer answers again (on the same port, from the same data).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let shown = status(root.path(), &data_dir);
        if height(&shown, "alpha").is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "alpha never came back:\n{shown}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let pids = devnet.pids();
    assert_eq!(
        pids.len(),
        7,
        "anvil, two sequencers, a prover each, the settler (no relayer: --no-relay) and the \
         restarted sequencer: {pids:?}"
    );
    assert_stopped_cleanly(devnet.interrupt(), &pids);
}

#[test]
fn scenario_list_names_each_scenario_and_an_unknown_one_is_refused_before_anything_starts() {
    let root = temp_project();
    let output = xtask(root.path())
        .args(["devnet", "--scenario", "list"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed = String::from_utf8(output.stdout).unwrap();
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "transfer",
            "cross-chain",
            "prover-failover",
            "sequencer-restart",
            "settler-restart"
        ],
        "{listed}"
    );

    let output = xtask(root.path())
        .args(["devnet", "--scenario", "nope", "--data-dir"])
        .arg(root.path().join("data"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: no scenario `nope`; there are: transfer, cross-chain"),
        "{stderr}"
    );
    assert!(!root.path().join("data").exists(), "nothing was started");
}

/// `cargo xtask devnet add-chain <name> --data-dir <data_dir>`.
fn add_chain(root: &Path, data_dir: &Path, name: &str) -> std::process::Output {
    xtask(root)
        .args(["devnet", "add-chain", name, "--data-dir"])
        .arg(data_dir)
        .output()
        .unwrap()
}

/// `hyperforge wallet transfer` of 1000 gwei from dev account 0 to Bob through `rpc`.
fn transfer_1000(rpc: &str) {
    let output = Command::new(hyperforge_bin())
        .args(["wallet", "transfer", "--rpc", rpc, "--private-key", KEY_0])
        .args(["--to", BOB, "--amount", "1000"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `cargo xtask chain new <name> --template devnet [extra]` in `root`.
fn chain_new(root: &Path, name: &str, extra: &[&str]) {
    let output = xtask(root)
        .args(["chain", "new", name, "--template", "devnet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The words of the bridge's `getChain(chain_id)` (stateRoot, batchNumber, priorityHead,
/// importHead, balanceGwei, priorityLength, registered, admin), as hex digits.
fn bridge_chain(l1: &str, bridge: &str, chain_id: u64) -> Vec<String> {
    let request = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "eth_call",
        "params": [{"to": bridge, "data": format!("0xa1a6d508{chain_id:064x}")}, "latest"],
    });
    let answer: serde_json::Value = ureq::post(l1)
        .send_json(&request)
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let data = answer["result"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"));
    let digits = data.strip_prefix("0x").unwrap();
    digits
        .as_bytes()
        .chunks(64)
        .map(|word| String::from_utf8(word.to_vec()).unwrap())
        .collect()
}

/// The chain id `status` shows for `chain`.
fn status_chain_id(status: &str, chain: &str) -> u64 {
    let line = status
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{chain} ")))
        .unwrap_or_else(|| panic!("no {chain} in:\n{status}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn add_chain_joins_a_running_devnet_restarts_settler_and_relayer_and_comes_back_on_resume() {
    let _serial = serial();
    let root = temp_project();
    let data_dir = root.path().join("data");
    let devnet = Devnet::start_chains(root.path(), &data_dir, "alpha", &["--fresh"]);
    let l1 = devnet.table_value("L1");
    let bridge = devnet.table_value("bridge");
    let logs = data_dir.join("logs");
    let relayer_log = || std::fs::read_to_string(logs.join("relayer.log")).unwrap();
    let settler_log = || std::fs::read_to_string(logs.join("settler.log")).unwrap();
    assert!(
        relayer_log().contains("relaying 1 chains"),
        "{}",
        relayer_log()
    );
    let settler_pid_before = table_value(
        devnet.stdout.text().split_once("    settler ").unwrap().1,
        "pid",
    );

    chain_new(root.path(), "gamma", &[]);
    let started = Instant::now();
    let output = add_chain(root.path(), &data_dir, "gamma");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{stderr}\n{stdout}\ndevnet:\n{}",
        devnet.stderr.text()
    );
    eprintln!("add-chain took {took:?}");
    // Progress lines as it goes, then the chain's row.
    assert!(
        stderr.contains("==> registering gamma on the bridge"),
        "{stderr}"
    );
    assert!(
        stderr.contains("==> restarting the settler over alpha, gamma"),
        "{stderr}"
    );
    let gamma_rpc = {
        let line = stdout
            .lines()
            .find(|line| line.trim_start().starts_with("gamma "))
            .unwrap_or_else(|| panic!("no gamma row in:\n{stdout}"));
        line.split_whitespace().nth(2).unwrap().to_owned()
    };
    assert!(gamma_rpc.starts_with("http://127.0.0.1:"), "{gamma_rpc}");
    assert!(stdout.contains("gamma-prover-0"), "{stdout}");
    assert!(stdout.contains("added gamma in "), "{stdout}");

    // Registered on the bridge (its genesis balances backed there too).
    let status_now = status(root.path(), &data_dir);
    let gamma_id = status_chain_id(&status_now, "gamma");
    let words = bridge_chain(&l1, &bridge, gamma_id);
    assert_eq!(words.len(), 8, "{words:?}");
    assert!(words[6].ends_with('1'), "registered: {words:?}");
    assert_ne!(
        words[4],
        "0".repeat(64),
        "a balance on the bridge: {words:?}"
    );
    // Its sequencer answers: `devnet status` lists it with a height, and takes a transfer.
    assert_eq!(height(&status_now, "gamma"), Some(0), "{status_now}");
    transfer_1000(&gamma_rpc);
    let status_now = status(root.path(), &data_dir);
    assert!(height(&status_now, "gamma").unwrap() >= 1, "{status_now}");
    assert!(height(&status_now, "alpha").is_some(), "{status_now}");

    // The settler and the relayer were started again over both chains.
    let settler = settler_log();
    let last_settling = settler
        .lines()
        .rev()
        .find(|line| line.starts_with("settling "))
        .unwrap();
    assert!(
        last_settling.starts_with("settling alpha, gamma into "),
        "{settler}"
    );
    assert!(
        relayer_log().contains("relaying 2 chains"),
        "{}",
        relayer_log()
    );
    let settler_pid_after = table_value(stdout.split_once("    settler ").unwrap().1, "pid");
    assert_ne!(settler_pid_before, settler_pid_after);

    // The devnet runs on; Ctrl-C stops the added nodes too.
    let mut pids = devnet.pids();
    let added_pids = format!("{stdout}{stderr}");
    pids.extend(added_pids.split("pid ").skip(1).filter_map(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<i32>().ok()
    }));
    pids.sort_unstable();
    pids.dedup();
    let stopped = devnet.interrupt();
    assert_stopped_cleanly(stopped, &pids);

    // Resumed, with the same command: gamma comes back, on the same bridge.
    let devnet = Devnet::start_chains(root.path(), &data_dir, "alpha", &[]);
    let table = devnet.stdout.text();
    assert!(
        table
            .lines()
            .any(|line| line.trim_start().starts_with("gamma ")),
        "{table}"
    );
    assert!(
        !devnet.stderr.text().contains("registering"),
        "{}",
        devnet.stderr.text()
    );
    let shown = status(root.path(), &data_dir);
    assert!(height(&shown, "gamma").unwrap() >= 1, "{shown}");
    assert_eq!(
        relayer_log().matches("relaying 2 chains").count(),
        2,
        "the resumed relayer serves both chains: {}",
        relayer_log()
    );
    let pids = devnet.pids();
    assert_stopped_cleanly(devnet.interrupt(), &pids);
}

#[test]
fn add_chain_refuses_a_duplicate_chain_id_and_the_devnet_runs_on() {
    let _serial = serial();
    let root = temp_project();
    let data_dir = root.path().join("data");
    let mut devnet =
        Devnet::start_chains(root.path(), &data_dir, "alpha", &["--fresh", "--no-relay"]);
    // The network runs from its copy of alpha: a project without alpha can reuse its id.
    std::fs::remove_dir_all(root.path().join("chains/alpha")).unwrap();
    let alpha_id = status_chain_id(&status(root.path(), &data_dir), "alpha");
    chain_new(root.path(), "delta", &["--chain-id", &alpha_id.to_string()]);

    let output = add_chain(root.path(), &data_dir, "delta");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = stderr.lines().last().unwrap();
    assert!(
        error.starts_with("error: the devnet did not add `delta`: ")
            && error.contains(&format!(
                "chain id {alpha_id} is already chain `alpha`'s in this devnet"
            )),
        "{stderr}"
    );
    devnet.wait_for("the refusal", Duration::from_secs(5), |devnet| {
        devnet.stderr.text().contains("devnet: add-chain refused: ")
    });
    assert!(
        devnet.child.try_wait().unwrap().is_none(),
        "the devnet runs on"
    );
    let shown = status(root.path(), &data_dir);
    assert!(height(&shown, "alpha").is_some(), "{shown}");
    assert!(!shown.contains("delta"), "{shown}");
    assert!(
        !data_dir.join("logs/delta-sequencer.log").exists(),
        "nothing of delta started"
    );
    let pids = devnet.pids();
    assert_stopped_cleanly(devnet.interrupt(), &pids);
}

#[test]
fn add_chain_refuses_an_unknown_folder_and_a_data_dir_without_a_running_devnet() {
    let root = temp_project();
    let data_dir = root.path().join("data");
    let output = add_chain(root.path(), &data_dir, "nope");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: no chain `nope`: chains/nope/chain.toml does not exist; make it with \
             `cargo xtask chain new nope --template devnet`"
        ),
        "{stderr}"
    );

    chain_new(root.path(), "gamma", &[]);
    let output = add_chain(root.path(), &data_dir, "gamma");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: no running devnet in {}: start one with `cargo xtask devnet --data-dir",
            data_dir.display()
        )),
        "{stderr}"
    );
    // A devnet that stopped (its pid file left behind, naming no process) is no running one.
    std::fs::create_dir_all(&data_dir).unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    std::fs::write(data_dir.join("devnet.pid"), format!("{pid}\n")).unwrap();
    let output = add_chain(root.path(), &data_dir, "gamma");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: no running devnet in "),
        "{stderr}"
    );
    assert!(!data_dir.join("requests").exists(), "no request was left");
}
