//! What the end-to-end tests share: the binary with a clean environment, running a command
//! to its output, waiting for a condition, and a `hyperforge sequencer` process.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};

/// The `hyperforge` binary, run in `root`, without the test's own `HYPERFORGE_*` variables
/// (they would add a configuration layer), except the anvil binary's location. A sequencer's
/// p2p node listens on a free port (tests run in parallel; `--set p2p.listen=...` beats it).
pub(crate) fn hyperforge(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hyperforge"));
    command.current_dir(root);
    for (key, _) in std::env::vars() {
        if key.starts_with("HYPERFORGE_") && key != "HYPERFORGE_ANVIL" {
            command.env_remove(key);
        }
    }
    command.env("HYPERFORGE_P2P__LISTEN", r#"["/ip4/127.0.0.1/tcp/0"]"#);
    command
}

/// Runs `command`, asserts success, and returns its stdout.
pub(crate) fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Polls `check` every 20 ms until it gives a value. The bound only keeps a broken build from
/// hanging the suite; nothing is measured against it.
pub(crate) fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "never happened: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `hyperforge sequencer` process; killed (SIGKILL) when dropped unless stopped.
pub(crate) struct SequencerProcess {
    pub(crate) child: Child,
    pub(crate) url: String,
}

impl SequencerProcess {
    /// Starts `command` (a `hyperforge sequencer ...` invocation) and waits for the
    /// `rpc: <url>` line it prints when ready.
    pub(crate) fn spawn(mut command: Command) -> Self {
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the sequencer printed its RPC URL");
        let url = line
            .trim()
            .strip_prefix("rpc: ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }

    pub(crate) fn client(&self) -> HttpClient {
        HttpClientBuilder::default()
            .request_timeout(Duration::from_secs(10))
            .build(&self.url)
            .unwrap()
    }

    /// One gauge or counter of `GET /metrics`.
    pub(crate) fn metric(&self, name: &str) -> Option<u64> {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).ok()?;
        write!(
            stream,
            "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut text = String::new();
        stream.read_to_string(&mut text).ok()?;
        let prefix = format!("hyperforge_sequencer_{name} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|value| value.trim().parse().ok())
    }

    /// SIGKILL.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then the exit status.
    pub(crate) fn terminate(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
        wait_for("exit after SIGTERM", || self.child.try_wait().unwrap())
    }
}

impl Drop for SequencerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
