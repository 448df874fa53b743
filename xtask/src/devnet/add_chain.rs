//! `cargo xtask devnet add-chain <name>`: adds `chains/<name>` to the devnet running in a data
//! directory, by a request the running devnet answers.
//!
//! The command checks what it can alone (the name, the folder, `chain validate <name>`), then
//! finds the devnet by its pid file (`devnet.pid`, which the devnet writes once its table is
//! printed and removes when it stops) and writes a request into `requests/` of the data
//! directory (`<id>.request.toml`, written as a `.tmp` and renamed, so the devnet never reads
//! half a file). The devnet's supervise loop ([`Inbox`]) takes it and does the rest
//! (`Network::add_chain` in `devnet.rs`): what only it knows is checked there (the chain's
//! name and chain id are not the network's yet, its `[prover.chunk]` is theirs), then the
//! chain is started as the chains at start are (the folder copied into the data directory,
//! ports assigned as `--port-base` says, registered on the bridge, its sequencer and provers
//! under the supervisor), the settler and the relayer are restarted over the new list (both
//! keep no state: they go on from what the bridge and the chains hold), and `devnet.toml`
//! records the chain (`devnet status` shows it; a resumed devnet starts it again).
//!
//! What the devnet does meanwhile goes into `<id>.progress`, which the command prints as it
//! grows; its answer is `<id>.response.toml` (renamed into place too): the chain's rows of the
//! table, or why it was refused. A refusal leaves the devnet running as it was.

use std::{
    io::{Read as _, Seek as _, SeekFrom, Write as _},
    path::{Path, PathBuf},
    time::{Duration, Instant, SystemTime},
};

use anyhow::{Context, bail};
use hyperforge_config::{CHAIN_FILE, ChainConfigLoader, ChainSet, validate_chain_name};
use serde::{Deserialize, Serialize};

use crate::project::Project;

/// The file holding a running devnet's process id, in its data directory.
const PID_FILE: &str = "devnet.pid";
/// The folder of the data directory where requests and answers are exchanged.
const REQUESTS_DIR: &str = "requests";
const REQUEST_SUFFIX: &str = ".request.toml";
const RESPONSE_SUFFIX: &str = ".response.toml";
const PROGRESS_SUFFIX: &str = ".progress";

/// How often the command looks for the answer.
const POLL: Duration = Duration::from_millis(100);
/// How long the command stays silent before saying it still waits.
const QUIET: Duration = Duration::from_secs(15);

/// What `add-chain` asks of the devnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Request {
    /// The chain's folder (absolute).
    pub(super) dir: PathBuf,
    /// Its prover nodes (default: the devnet's `--provers`).
    pub(super) provers: Option<u32>,
}

/// The devnet's answer.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct Response {
    ok: bool,
    /// Why the chain was refused.
    error: String,
    /// The chain's rows of the table.
    rows: String,
}

/// The process id of the devnet running in `data_dir`, if one does.
pub(super) fn running_devnet(data_dir: &Path) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(data_dir.join(PID_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let raw = libc::pid_t::try_from(pid).ok()?;
    // SAFETY: signal 0 only checks that the process exists.
    let exists = unsafe { libc::kill(raw, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists.then_some(pid)
}

/// `cargo xtask devnet add-chain <name> [--data-dir D] [--provers N]`.
pub(super) fn run(
    project: &Project,
    data_dir: &Path,
    name: &str,
    provers: Option<u32>,
    timeout: Duration,
) -> anyhow::Result<()> {
    let started = Instant::now();
    validate_chain_name(name)
        .map_err(|problem| anyhow::anyhow!("invalid chain name: {problem}"))?;
    let dir = project.chains_dir().join(name);
    let file = dir.join(CHAIN_FILE);
    if !file.is_file() {
        bail!(
            "no chain `{name}`: {} does not exist; make it with `cargo xtask chain new {name} \
             --template devnet`",
            file.display()
        );
    }
    // What `cargo xtask chain validate <name>` checks.
    let config = ChainConfigLoader::new(&dir)
        .with_env(false)
        .load()
        .with_context(|| format!("chain `{name}` does not validate"))?;
    let set = ChainSet::load(&project.chains_dir())
        .with_context(|| format!("cannot read {}", project.chains_dir().display()))?;
    if let Some(clash) = set.clash(&config, &file.display().to_string()) {
        bail!("chain `{name}` does not validate: {clash}");
    }
    let Some(pid) = running_devnet(data_dir) else {
        bail!(
            "no running devnet in {}: start one with `cargo xtask devnet --data-dir {}` (once \
             it prints its table, add-chain can add to it)",
            data_dir.display(),
            data_dir.display()
        );
    };

    let requests = data_dir.join(REQUESTS_DIR);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let id = format!("{nanos}-{}", std::process::id());
    let request = Request {
        dir: std::path::absolute(&dir)?,
        provers,
    };
    let request_file = requests.join(format!("{id}{REQUEST_SUFFIX}"));
    write_atomically(&request_file, &toml::to_string(&request)?)?;
    eprintln!(
        "==> asked the devnet (pid {pid}) in {} to add {name}",
        data_dir.display()
    );

    let response_file = requests.join(format!("{id}{RESPONSE_SUFFIX}"));
    let progress_file = requests.join(format!("{id}{PROGRESS_SUFFIX}"));
    let mut progress = Follow::new(progress_file.clone());
    let mut heard = Instant::now();
    let response = loop {
        if progress.print_new()? {
            heard = Instant::now();
        }
        if response_file.exists() {
            progress.print_new()?;
            let text = std::fs::read_to_string(&response_file)
                .with_context(|| format!("cannot read {}", response_file.display()))?;
            let response: Response = toml::from_str(&text)
                .with_context(|| format!("{} is not valid", response_file.display()))?;
            let _ = std::fs::remove_file(&response_file);
            let _ = std::fs::remove_file(&progress_file);
            break response;
        }
        if running_devnet(data_dir) != Some(pid) {
            bail!(
                "the devnet (pid {pid}) stopped before it answered: see its output and the \
                 logs in {}",
                data_dir.join("logs").display()
            );
        }
        if started.elapsed() > timeout {
            // Not taken yet: withdrawn. Taken: it is the devnet's, which says how it went.
            let _ = std::fs::remove_file(&request_file);
            bail!(
                "no answer from the devnet (pid {pid}) after {} s: see its output (--timeout-s \
                 waits longer)",
                timeout.as_secs()
            );
        }
        if heard.elapsed() > QUIET {
            eprintln!(
                "... still waiting for the devnet ({} s)",
                started.elapsed().as_secs()
            );
            heard = Instant::now();
        }
        std::thread::sleep(POLL);
    };
    if !response.ok {
        bail!("the devnet did not add `{name}`: {}", response.error);
    }
    print!("{}", response.rows);
    println!("added {name} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Prints what a growing file gains, line by line.
struct Follow {
    file: PathBuf,
    offset: u64,
    partial: String,
}

impl Follow {
    fn new(file: PathBuf) -> Self {
        Self {
            file,
            offset: 0,
            partial: String::new(),
        }
    }

    /// Prints the whole lines added since the last call (to stderr); whether there were any.
    fn print_new(&mut self) -> anyhow::Result<bool> {
        let Ok(mut file) = std::fs::File::open(&self.file) else {
            return Ok(false);
        };
        file.seek(SeekFrom::Start(self.offset))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        self.offset += bytes.len() as u64;
        self.partial.push_str(&String::from_utf8_lossy(&bytes));
        let Some(end) = self.partial.rfind('\n') else {
            return Ok(false);
        };
        let lines: String = self.partial.drain(..=end).collect();
        eprint!("{lines}");
        Ok(true)
    }
}

/// Writes `text` to `file` through a `.tmp` sibling renamed into place: a reader sees the
/// whole file or none.
fn write_atomically(file: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, file).with_context(|| format!("cannot write {}", file.display()))
}

/// A running devnet's side: its pid file, and the requests that arrive.
pub(super) struct Inbox {
    dir: PathBuf,
    pid_file: PathBuf,
}

impl Inbox {
    /// Makes the devnet in `data_dir` findable: clears what an earlier run left in
    /// `requests/` (nobody waits for it any more) and writes the pid file, which is removed
    /// again when the inbox is dropped.
    pub(super) fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let dir = data_dir.join(REQUESTS_DIR);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let pid_file = data_dir.join(PID_FILE);
        write_atomically(&pid_file, &format!("{}\n", std::process::id()))?;
        Ok(Self { dir, pid_file })
    }

    /// The oldest request not taken yet, if any; it is the caller's to answer.
    pub(super) fn take(&self) -> Option<Taken> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.dir)
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                entry
                    .file_name()
                    .to_str()
                    .and_then(|name| name.strip_suffix(REQUEST_SUFFIX))
                    .map(str::to_owned)
            })
            .collect();
        // Ids start with the time of the request.
        ids.sort();
        let id = ids.into_iter().next()?;
        let file = self.dir.join(format!("{id}{REQUEST_SUFFIX}"));
        let body = std::fs::read_to_string(&file)
            .map_err(|error| format!("cannot read {}: {error}", file.display()))
            .and_then(|text| {
                toml::from_str::<Request>(&text)
                    .map_err(|error| format!("{} is not a request: {error}", file.display()))
            });
        let _ = std::fs::remove_file(&file);
        Some(Taken {
            dir: self.dir.clone(),
            id,
            body,
        })
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        // Only ours: a second devnet refused to start leaves the first one's alone.
        let ours = std::fs::read_to_string(&self.pid_file)
            .is_ok_and(|text| text.trim() == std::process::id().to_string());
        if ours {
            let _ = std::fs::remove_file(&self.pid_file);
        }
    }
}

/// A request the devnet took.
pub(super) struct Taken {
    dir: PathBuf,
    id: String,
    body: Result<Request, String>,
}

impl Taken {
    /// What was asked.
    pub(super) fn body(&self) -> anyhow::Result<Request> {
        self.body.clone().map_err(anyhow::Error::msg)
    }

    /// Says what the devnet does: on its stderr, and to the waiting command.
    pub(super) fn progress(&self, line: &str) {
        eprintln!("{line}");
        let file = self.dir.join(format!("{}{PROGRESS_SUFFIX}", self.id));
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            let _ = writeln!(file, "{line}");
        }
    }

    /// Answers the command: the chain's rows, or why it was refused.
    pub(super) fn answer(self, outcome: anyhow::Result<String>) {
        let response = match outcome {
            Ok(rows) => Response {
                ok: true,
                error: String::new(),
                rows,
            },
            Err(error) => Response {
                ok: false,
                error: format!("{error:#}"),
                rows: String::new(),
            },
        };
        let file = self.dir.join(format!("{}{RESPONSE_SUFFIX}", self.id));
        let written = toml::to_string(&response)
            .map_err(anyhow::Error::from)
            .and_then(|text| write_atomically(&file, &text));
        if let Err(error) = written {
            eprintln!("devnet: cannot answer add-chain: {error:#}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_taken_once_oldest_first_and_answered_with_its_progress() {
        let data_dir = tempfile::tempdir().unwrap();
        let inbox = Inbox::open(data_dir.path()).unwrap();
        assert_eq!(running_devnet(data_dir.path()), Some(std::process::id()));
        assert!(inbox.take().is_none());
        let requests = data_dir.path().join(REQUESTS_DIR);
        let request = |dir: &str| Request {
            dir: PathBuf::from(dir),
            provers: Some(2),
        };
        for (id, dir) in [("2-1", "/b"), ("1-1", "/a")] {
            write_atomically(
                &requests.join(format!("{id}{REQUEST_SUFFIX}")),
                &toml::to_string(&request(dir)).unwrap(),
            )
            .unwrap();
        }
        std::fs::write(requests.join("3-1.request.tmp"), "half a").unwrap();

        let first = inbox.take().unwrap();
        assert_eq!(first.body().unwrap(), request("/a"));
        first.progress("==> registering a");
        first.answer(Ok("  a  row\n".into()));
        let mut follow = Follow::new(requests.join(format!("1-1{PROGRESS_SUFFIX}")));
        assert!(follow.print_new().unwrap());
        assert!(!follow.print_new().unwrap(), "nothing new");
        let response: Response = toml::from_str(
            &std::fs::read_to_string(requests.join(format!("1-1{RESPONSE_SUFFIX}"))).unwrap(),
        )
        .unwrap();
        assert!(response.ok && response.rows == "  a  row\n", "{response:?}");

        let second = inbox.take().unwrap();
        assert_eq!(second.body().unwrap(), request("/b"));
        second.answer(Err(anyhow::anyhow!("chain id 270 is taken")));
        let response: Response = toml::from_str(
            &std::fs::read_to_string(requests.join(format!("2-1{RESPONSE_SUFFIX}"))).unwrap(),
        )
        .unwrap();
        assert!(!response.ok && response.error == "chain id 270 is taken");
        assert!(inbox.take().is_none(), "a .tmp file is no request");

        drop(inbox);
        assert_eq!(
            running_devnet(data_dir.path()),
            None,
            "the pid file is gone"
        );
    }

    #[test]
    fn a_request_that_does_not_parse_is_answered_with_why() {
        let data_dir = tempfile::tempdir().unwrap();
        let inbox = Inbox::open(data_dir.path()).unwrap();
        let requests = data_dir.path().join(REQUESTS_DIR);
        std::fs::write(requests.join(format!("1-1{REQUEST_SUFFIX}")), "dir = 3\n").unwrap();
        let taken = inbox.take().unwrap();
        let error = taken.body().unwrap_err().to_string();
        assert!(error.contains("is not a request"), "{error}");
    }

    #[test]
    fn a_stale_pid_file_is_no_running_devnet() {
        let data_dir = tempfile::tempdir().unwrap();
        assert_eq!(running_devnet(data_dir.path()), None);
        // A process that has exited (and was reaped): its pid names nobody.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        std::fs::write(data_dir.path().join(PID_FILE), format!("{pid}\n")).unwrap();
        assert_eq!(running_devnet(data_dir.path()), None);
        std::fs::write(data_dir.path().join(PID_FILE), "not a pid\n").unwrap();
        assert_eq!(running_devnet(data_dir.path()), None);
    }

    #[test]
    fn follow_prints_whole_lines_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p");
        let mut follow = Follow::new(file.clone());
        assert!(!follow.print_new().unwrap(), "no file yet");
        std::fs::write(&file, "one\ntw").unwrap();
        assert!(follow.print_new().unwrap());
        assert_eq!(follow.partial, "tw");
        std::fs::write(&file, "one\ntwo\n").unwrap();
        assert!(follow.print_new().unwrap());
        assert!(follow.partial.is_empty());
    }
}
