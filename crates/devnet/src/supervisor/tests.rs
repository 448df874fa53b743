//! Real child processes (`sh`, `sleep`): readiness, crash reports, restarts, shutdown.

use std::{net::TcpListener, path::Path, time::Duration};

use super::*;

fn sh(name: &str, dir: &Path, script: &str) -> ChildSpec {
    ChildSpec::new(name, "sh", dir.join(format!("{name}.log"))).args(["-c", script])
}

fn alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
}

/// Waits (at most 2 s) until `pid` is gone: a killed child's parent reaps it.
fn gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_child_is_ready_once_its_log_says_so_and_shutdown_leaves_no_process_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::new();
    let pid = supervisor
        .start(
            sh(
                "node",
                dir.path(),
                // A grandchild in the background, as a shell script starting a server would.
                "sleep 100 & echo $! > grandchild.pid; echo starting; sleep 0.2; echo listening; wait",
            )
            .cwd(dir.path())
            .ready(Ready::LogContains("listening".into())),
        )
        .unwrap();
    let log = std::fs::read_to_string(dir.path().join("node.log")).unwrap();
    assert!(log.contains("listening"), "{log}");
    let grandchild: u32 = std::fs::read_to_string(dir.path().join("grandchild.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(alive(pid) && alive(grandchild));
    assert_eq!(supervisor.pid("node"), Some(pid));

    let started = Instant::now();
    let ended = supervisor.shutdown(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(ended.len(), 1);
    assert!(ended[0].1.contains("signal 15"), "{ended:?}");
    assert!(gone(pid), "the child is gone");
    assert!(gone(grandchild), "its own child is gone too: no orphan");
}

#[test]
fn a_child_that_ignores_sigterm_is_killed_after_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::new();
    let pid = supervisor
        .start(
            sh(
                "stubborn",
                dir.path(),
                "trap '' TERM; echo up; while :; do sleep 0.05; done",
            )
            .ready(Ready::LogContains("up".into())),
        )
        .unwrap();
    let started = Instant::now();
    let ended = supervisor.shutdown(Duration::from_millis(500));
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(ended[0].1.contains("after SIGKILL"), "{ended:?}");
    assert!(gone(pid));
}

#[test]
fn a_child_that_exits_before_it_is_ready_is_an_error_quoting_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::new();
    let error = supervisor
        .start(
            sh(
                "broken",
                dir.path(),
                "echo 'config: prover.chunk is out of range' >&2; exit 3",
            )
            .ready(Ready::LogContains("listening".into())),
        )
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, DevnetError::ExitedEarly { .. }), "{text}");
    assert!(text.contains("broken exited (exit status 3)"), "{text}");
    assert!(text.contains("prover.chunk is out of range"), "{text}");
    assert!(supervisor.pid("broken").is_none());

    let error = supervisor
        .start(ChildSpec::new(
            "missing",
            dir.path().join("no-such-program"),
            dir.path().join("missing.log"),
        ))
        .unwrap_err();
    assert!(matches!(error, DevnetError::Spawn { .. }), "{error}");
}

#[test]
fn a_child_not_ready_in_time_is_stopped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::new().ready_timeout(Duration::from_millis(300));
    let error = supervisor
        .start(
            sh(
                "slow",
                dir.path(),
                "echo $$ > slow.pid; echo warming up; exec sleep 100",
            )
            .cwd(dir.path())
            .ready(Ready::LogContains("listening".into())),
        )
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, DevnetError::NotReady { .. }), "{text}");
    assert!(text.contains("warming up"), "{text}");
    let pid: u32 = std::fs::read_to_string(dir.path().join("slow.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        gone(pid),
        "a child that never got ready is not left running"
    );
}

#[test]
fn readiness_by_tcp_waits_for_the_listener() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut supervisor = Supervisor::new().ready_timeout(Duration::from_millis(300));
    supervisor
        .start(sh("server", dir.path(), "exec sleep 100").ready(Ready::Tcp(addr)))
        .unwrap();
    drop(listener);
    let error = supervisor
        .start(sh("nothing-listens", dir.path(), "exec sleep 100").ready(Ready::Tcp(addr)))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains(&format!("a TCP listener on {addr}")),
        "{error}"
    );
    supervisor.shutdown(Duration::from_secs(1));
}

#[test]
fn an_exit_is_reported_with_its_last_lines_and_restarted_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::new().restart_children(true);
    let first = supervisor
        .start(
            sh(
                "flaky",
                dir.path(),
                "echo run; sleep 0.3; echo 'panicked: disk full' >&2; exit 7",
            )
            .ready(Ready::LogContains("run".into())),
        )
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut events = Vec::new();
    while events.len() < 2 && Instant::now() < deadline {
        events.extend(supervisor.poll());
        thread::sleep(Duration::from_millis(20));
    }
    match &events[..] {
        [
            Event::Exited {
                name, status, tail, ..
            },
            Event::Restarted { name: again, pid },
        ] => {
            assert_eq!((name.as_str(), again.as_str()), ("flaky", "flaky"));
            assert_eq!(status, "exit status 7");
            assert!(tail.contains("panicked: disk full"), "{tail}");
            assert_ne!(*pid, first);
            assert_eq!(supervisor.pid("flaky"), Some(*pid));
        }
        other => panic!("unexpected events {other:?}"),
    }
    assert_eq!(supervisor.logs().len(), 1);
    assert!(matches!(
        supervisor.start(sh("flaky", dir.path(), "true")),
        Err(DevnetError::Duplicate(_))
    ));
    supervisor.shutdown(Duration::from_secs(1));
}

#[test]
fn last_lines_quotes_the_end_of_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("x.log");
    let text: String = (0..100).map(|n| format!("line {n}\n")).collect();
    std::fs::write(&log, text).unwrap();
    assert_eq!(last_lines(&log, 2), "line 98\nline 99");
    assert_eq!(last_lines(&dir.path().join("none.log"), 5), "");
}

#[test]
fn a_stopped_child_is_gone_forgotten_and_can_be_started_again_with_other_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::new();
    let first = supervisor
        .start(
            sh("settler", dir.path(), "echo 'settling a'; exec sleep 100")
                .ready(Ready::LogContains("settling a".into())),
        )
        .unwrap();
    let other = supervisor
        .start(
            sh("other", dir.path(), "echo up; exec sleep 100")
                .ready(Ready::LogContains("up".into())),
        )
        .unwrap();

    let ended = supervisor.stop("settler", Duration::from_secs(2));
    assert!(ended.as_deref().unwrap().contains("signal 15"), "{ended:?}");
    assert!(gone(first));
    assert_eq!(supervisor.pid("settler"), None);
    assert_eq!(supervisor.stop("settler", Duration::from_secs(2)), None);
    assert!(
        supervisor.poll().is_empty(),
        "a stopped child is no exit to report"
    );
    assert!(alive(other), "the others run on");

    let second = supervisor
        .start(
            sh(
                "settler",
                dir.path(),
                "echo 'settling a, b'; exec sleep 100",
            )
            .ready(Ready::LogContains("settling a, b".into())),
        )
        .unwrap();
    assert_ne!(first, second);
    assert_eq!(supervisor.pid("settler"), Some(second));
    let names: Vec<String> = supervisor
        .logs()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["other", "settler"], "the new one was started last");
    let log = std::fs::read_to_string(dir.path().join("settler.log")).unwrap();
    assert!(
        log.contains("settling a\n") && log.contains("settling a, b"),
        "appended: {log}"
    );
    supervisor.shutdown(Duration::from_secs(2));
    assert!(gone(second) && gone(other));
}
