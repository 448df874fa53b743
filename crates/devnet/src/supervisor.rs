//! [`Supervisor`]: start children with log files, wait until they are ready, report and
//! restart the ones that exit, stop one (to start it again with other arguments) or all.

use std::{
    ffi::OsString,
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom},
    net::{SocketAddr, TcpStream},
    os::unix::process::{CommandExt, ExitStatusExt},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::DevnetError;

/// How often readiness and exits are checked.
const POLL: Duration = Duration::from_millis(50);

/// Log lines quoted when a child exits.
const TAIL_LINES: usize = 20;

/// When a started child counts as ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    /// At once.
    Immediately,
    /// Once its log (from this start on) contains this text.
    LogContains(String),
    /// Once this address accepts TCP connections.
    Tcp(SocketAddr),
}

impl Ready {
    fn describe(&self) -> String {
        match self {
            Self::Immediately => "nothing".to_owned(),
            Self::LogContains(text) => format!("{text:?} in its log"),
            Self::Tcp(addr) => format!("a TCP listener on {addr}"),
        }
    }
}

/// One child: what to run, where it logs, when it is ready.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// A short unique name (`anvil`, `alpha-sequencer`, `alpha-prover-1`).
    pub name: String,
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Extra environment variables.
    pub envs: Vec<(OsString, OsString)>,
    /// Its working directory (default: the supervisor's).
    pub cwd: Option<PathBuf>,
    /// The file its stdout and stderr are appended to.
    pub log: PathBuf,
    /// When it counts as started.
    pub ready: Ready,
}

impl ChildSpec {
    /// `program` named `name`, logging to `log`, ready at once.
    pub fn new(
        name: impl Into<String>,
        program: impl Into<PathBuf>,
        log: impl Into<PathBuf>,
    ) -> Self {
        Self {
            name: name.into(),
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            cwd: None,
            log: log.into(),
            ready: Ready::Immediately,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets when the child counts as started.
    pub fn ready(mut self, ready: Ready) -> Self {
        self.ready = ready;
        self
    }
}

/// Something that happened to a supervised child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// It exited on its own.
    Exited {
        /// Its name.
        name: String,
        /// How (`exit status: 1`, `signal: 9`).
        status: String,
        /// Its log file.
        log: PathBuf,
        /// The last lines of its log.
        tail: String,
    },
    /// It was started again after exiting.
    Restarted {
        /// Its name.
        name: String,
        /// Its new process id.
        pid: u32,
    },
    /// Starting it again failed; it stays down.
    RestartFailed {
        /// Its name.
        name: String,
        /// Why.
        error: String,
    },
}

struct Supervised {
    spec: ChildSpec,
    child: Option<Child>,
}

/// Starts, watches and stops a devnet's children.
pub struct Supervisor {
    children: Vec<Supervised>,
    restart: bool,
    ready_timeout: Duration,
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supervisor")
            .field(
                "children",
                &self
                    .children
                    .iter()
                    .map(|child| (&child.spec.name, child.child.as_ref().map(Child::id)))
                    .collect::<Vec<_>>(),
            )
            .field("restart", &self.restart)
            .finish()
    }
}

impl Default for Supervisor {
    fn default() -> Self {
        Self::new()
    }
}

impl Supervisor {
    /// A supervisor that reports exits but does not restart; children get 60 s to be ready.
    pub fn new() -> Self {
        Self {
            children: Vec::new(),
            restart: false,
            ready_timeout: Duration::from_secs(60),
        }
    }

    /// Whether a child that exits is started again (`--restart`).
    pub fn restart_children(mut self, restart: bool) -> Self {
        self.restart = restart;
        self
    }

    /// How long [`Supervisor::start`] waits for a child to be ready.
    pub fn ready_timeout(mut self, timeout: Duration) -> Self {
        self.ready_timeout = timeout;
        self
    }

    /// Starts `spec` and waits until it is ready; returns its process id. A child that exits
    /// first, or is not ready in time (then it is stopped), is an error quoting its log.
    pub fn start(&mut self, spec: ChildSpec) -> Result<u32, DevnetError> {
        if self
            .children
            .iter()
            .any(|child| child.spec.name == spec.name)
        {
            return Err(DevnetError::Duplicate(spec.name));
        }
        // Only what this start writes counts: measured before the child can write anything.
        let log_before = std::fs::metadata(&spec.log).map_or(0, |meta| meta.len());
        let mut child = spawn(&spec)?;
        let pid = child.id();
        if let Err(error) = wait_ready(&spec, &mut child, log_before, self.ready_timeout) {
            stop_group(&mut child, Duration::from_secs(2));
            return Err(error);
        }
        self.children.push(Supervised {
            spec,
            child: Some(child),
        });
        Ok(pid)
    }

    /// The process id of the child named `name`, if it runs.
    pub fn pid(&self, name: &str) -> Option<u32> {
        self.children
            .iter()
            .find(|child| child.spec.name == name)
            .and_then(|child| child.child.as_ref().map(Child::id))
    }

    /// The names and log files of every child, in start order.
    pub fn logs(&self) -> Vec<(String, PathBuf)> {
        self.children
            .iter()
            .map(|child| (child.spec.name.clone(), child.spec.log.clone()))
            .collect()
    }

    /// Checks every child once: reports the ones that exited (with their log's last lines)
    /// and, when restarting, starts them again.
    pub fn poll(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        for supervised in &mut self.children {
            let Some(child) = supervised.child.as_mut() else {
                continue;
            };
            let status = match child.try_wait() {
                Ok(Some(status)) => status,
                Ok(None) => continue,
                Err(error) => {
                    events.push(Event::RestartFailed {
                        name: supervised.spec.name.clone(),
                        error: format!("cannot wait for it: {error}"),
                    });
                    continue;
                }
            };
            supervised.child = None;
            let spec = &supervised.spec;
            events.push(Event::Exited {
                name: spec.name.clone(),
                status: describe(status),
                log: spec.log.clone(),
                tail: last_lines(&spec.log, TAIL_LINES),
            });
            if self.restart {
                match spawn(spec) {
                    Ok(child) => {
                        events.push(Event::Restarted {
                            name: spec.name.clone(),
                            pid: child.id(),
                        });
                        supervised.child = Some(child);
                    }
                    Err(error) => events.push(Event::RestartFailed {
                        name: spec.name.clone(),
                        error: error.to_string(),
                    }),
                }
            }
        }
        events
    }

    /// Stops the child named `name` as [`Supervisor::shutdown`] stops every child (SIGTERM
    /// to its process group, SIGKILL after `grace`) and forgets it, so that a child of that
    /// name can be started again (with other arguments). Returns how it ended; `None` when
    /// no child has that name.
    pub fn stop(&mut self, name: &str, grace: Duration) -> Option<String> {
        let index = self
            .children
            .iter()
            .position(|child| child.spec.name == name)?;
        let supervised = self.children.remove(index);
        Some(match supervised.child {
            Some(mut child) => {
                signal_group(child.id(), libc::SIGTERM);
                end(&mut child, Instant::now() + grace)
            }
            None => "not running".to_owned(),
        })
    }

    /// Stops every child: SIGTERM to each process group, last started first, then SIGKILL to
    /// whatever still runs after `grace`. Returns how each child ended, in start order.
    pub fn shutdown(&mut self, grace: Duration) -> Vec<(String, String)> {
        for supervised in self.children.iter().rev() {
            if let Some(child) = &supervised.child {
                signal_group(child.id(), libc::SIGTERM);
            }
        }
        let deadline = Instant::now() + grace;
        let mut ended = Vec::new();
        for supervised in &mut self.children {
            let Some(mut child) = supervised.child.take() else {
                continue;
            };
            ended.push((supervised.spec.name.clone(), end(&mut child, deadline)));
        }
        ended
    }
}

/// Waits for a child that was sent SIGTERM until `deadline`, then SIGKILLs its group; how it
/// ended.
fn end(child: &mut Child, deadline: Instant) -> String {
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break describe(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            Ok(None) | Err(_) => {
                signal_group(child.id(), libc::SIGKILL);
                break child
                    .wait()
                    .map(|status| format!("{} after SIGKILL", describe(status)))
                    .unwrap_or_else(|error| format!("lost: {error}"));
            }
        }
    };
    // Whatever the child left in its group goes too.
    signal_group(child.id(), libc::SIGKILL);
    status
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.shutdown(Duration::from_secs(5));
    }
}

/// Starts `spec`'s program in a process group of its own, its output appended to its log,
/// killed by the kernel if the supervisor dies.
fn spawn(spec: &ChildSpec) -> Result<Child, DevnetError> {
    if let Some(dir) = spec.log.parent() {
        std::fs::create_dir_all(dir).map_err(|source| DevnetError::Log {
            path: spec.log.clone(),
            source,
        })?;
    }
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&spec.log)
        .map_err(|source| DevnetError::Log {
            path: spec.log.clone(),
            source,
        })?;
    let err = log.try_clone().map_err(|source| DevnetError::Log {
        path: spec.log.clone(),
        source,
    })?;
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .envs(spec.envs.iter().map(|(key, value)| (key, value)))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .process_group(0);
    if let Some(dir) = &spec.cwd {
        command.current_dir(dir);
    }
    // SAFETY: the closure runs in the forked child before exec and only calls
    // async-signal-safe functions (prctl, getppid).
    unsafe {
        let parent = libc::getpid();
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The supervisor died between fork and prctl: do not outlive it.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    command.spawn().map_err(|source| DevnetError::Spawn {
        name: spec.name.clone(),
        program: spec.program.clone(),
        source,
    })
}

/// Waits until `child` is ready by `spec.ready` (its log read from byte `started_at`).
fn wait_ready(
    spec: &ChildSpec,
    child: &mut Child,
    started_at: u64,
    timeout: Duration,
) -> Result<(), DevnetError> {
    let deadline = Instant::now() + timeout;
    loop {
        let ready = match &spec.ready {
            Ready::Immediately => true,
            Ready::LogContains(text) => log_since(&spec.log, started_at).contains(text.as_str()),
            Ready::Tcp(addr) => TcpStream::connect_timeout(addr, POLL).is_ok(),
        };
        if ready {
            return Ok(());
        }
        match child.try_wait() {
            Ok(Some(status)) => {
                return Err(DevnetError::ExitedEarly {
                    name: spec.name.clone(),
                    status: describe(status),
                    log: spec.log.clone(),
                    tail: last_lines(&spec.log, TAIL_LINES),
                });
            }
            Ok(None) => {}
            Err(source) => {
                return Err(DevnetError::Wait {
                    name: spec.name.clone(),
                    source,
                });
            }
        }
        if Instant::now() >= deadline {
            return Err(DevnetError::NotReady {
                name: spec.name.clone(),
                seconds: timeout.as_secs(),
                what: spec.ready.describe(),
                log: spec.log.clone(),
                tail: last_lines(&spec.log, TAIL_LINES),
            });
        }
        thread::sleep(POLL);
    }
}

/// `signal` to the process group `pid` leads (every child leads one).
fn signal_group(pid: u32, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill has no memory effects; a group that is gone is ESRCH, ignored.
    unsafe {
        libc::kill(-pid, signal);
    }
}

/// Stops one child that is not supervised yet.
fn stop_group(child: &mut Child, grace: Duration) {
    signal_group(child.id(), libc::SIGTERM);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            signal_group(child.id(), libc::SIGKILL);
            return;
        }
        thread::sleep(POLL);
    }
    signal_group(child.id(), libc::SIGKILL);
    let _ = child.wait();
}

/// `exit status: 3` or `signal: 9 (SIGKILL)`.
fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => status.to_string(),
    }
}

/// What `log` holds after byte `from`, lossily decoded.
fn log_since(log: &Path, from: u64) -> String {
    let Ok(mut file) = File::open(log) else {
        return String::new();
    };
    if file.seek(SeekFrom::Start(from)).is_err() {
        return String::new();
    }
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The last `count` lines of `log` (its last 64 KiB at most), for crash reports.
pub fn last_lines(log: &Path, count: usize) -> String {
    let length = std::fs::metadata(log).map_or(0, |meta| meta.len());
    let text = log_since(log, length.saturating_sub(64 * 1024));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests;
