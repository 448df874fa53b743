//! The preflight of `cargo xtask devnet` and `cargo xtask test`: the system packages a build
//! needs, then the npm tools.
//!
//! Building `hyperforge` needs libclang (the rocksdb crate runs bindgen) and a C and C++
//! compiler (RocksDB and lz4 are C++ and C); the npm tools (anvil, solc-js) need node and npm.
//! What is missing is installed with apt when this runs as root on a system with apt-get
//! (non-interactive); otherwise preflight stops with the exact command to run. Then
//! [`crate::tools::ensure`] installs the npm tools.
//!
//! The decision ([`plan`]) is a pure function of what was found ([`System`]), so it is unit
//! tested without running apt.

use std::path::{Path, PathBuf};

use anyhow::Context;
use xshell::{Shell, cmd};

use crate::project::Project;

/// What the command about to run needs from the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needs {
    /// It builds `hyperforge` (RocksDB: libclang, C and C++ compilers).
    pub(crate) build: bool,
    /// It runs node or npm (installing the npm tools, compiling contracts).
    pub(crate) node: bool,
}

/// What was found on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct System {
    /// A libclang shared library bindgen can load.
    pub(crate) libclang: bool,
    /// A C compiler (`$CC`, `cc`, `gcc` or `clang`).
    pub(crate) c_compiler: bool,
    /// A C++ compiler (`$CXX`, `c++`, `g++` or `clang++`).
    pub(crate) cxx_compiler: bool,
    /// `node` on PATH.
    pub(crate) node: bool,
    /// `npm` on PATH.
    pub(crate) npm: bool,
    /// `apt-get` on PATH.
    pub(crate) apt: bool,
    /// This process runs as root.
    pub(crate) root: bool,
}

/// What preflight does about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Nothing is missing.
    Ready,
    /// Install these Debian packages with apt-get (as root, non-interactive).
    AptInstall(Vec<&'static str>),
    /// Stop: the user runs `command` (or installs `missing` by other means).
    Stop {
        /// What is missing, in words.
        missing: Vec<&'static str>,
        /// The exact command that installs it, when apt-get is there.
        command: Option<String>,
    },
}

impl Plan {
    /// The error message of [`Plan::Stop`].
    pub(crate) fn stop_message(missing: &[&str], command: Option<&str>) -> String {
        let what = missing.join(", ");
        match command {
            Some(command) => format!("missing system packages ({what}); run:\n    {command}"),
            None => format!(
                "missing system packages ({what}) and no apt-get here: install them with the \
                 system's package manager (libclang from LLVM, gcc and g++, node with npm)"
            ),
        }
    }
}

/// The Debian packages for what `system` lacks of `needs`, and their descriptions.
fn missing(needs: Needs, system: System) -> Vec<(&'static str, &'static str)> {
    let mut missing = Vec::new();
    if needs.build && !system.libclang {
        missing.push(("libclang-dev", "libclang (bindgen, for RocksDB)"));
    }
    if needs.build && !(system.c_compiler && system.cxx_compiler) {
        missing.push(("build-essential", "a C and C++ compiler"));
    }
    if needs.node && !system.node {
        missing.push(("nodejs", "node"));
    }
    if needs.node && !system.npm {
        missing.push(("npm", "npm"));
    }
    missing
}

/// What to do about what `system` lacks of `needs`.
pub(crate) fn plan(needs: Needs, system: System) -> Plan {
    let missing = missing(needs, system);
    if missing.is_empty() {
        return Plan::Ready;
    }
    let packages: Vec<&'static str> = missing.iter().map(|(package, _)| *package).collect();
    if system.apt && system.root {
        return Plan::AptInstall(packages);
    }
    let command = system.apt.then(|| {
        format!(
            "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y {}",
            packages.join(" ")
        )
    });
    Plan::Stop {
        missing: missing.iter().map(|(_, what)| *what).collect(),
        command,
    }
}

/// Whether [`crate::tools::ensure`] finds the npm tools in place (so it runs no npm): solc-js
/// in `tools/` and an anvil on PATH or in `tools/`.
pub(crate) fn npm_tools_installed(project: &Project) -> bool {
    project
        .path("tools/node_modules/solc/package.json")
        .exists()
        && (on_path("anvil").is_some() || project.path(crate::tools::NPM_ANVIL).exists())
}

/// Checks (and where it can, installs) what `needs` asks for, then the npm tools; returns
/// the anvil to use.
pub(crate) fn run(project: &Project, needs: Needs) -> anyhow::Result<PathBuf> {
    match plan(needs, System::probe()) {
        Plan::Ready => {}
        Plan::AptInstall(packages) => {
            eprintln!("==> installing {} with apt-get", packages.join(" "));
            let sh = Shell::new()?;
            sh.set_var("DEBIAN_FRONTEND", "noninteractive");
            cmd!(sh, "apt-get update -qq")
                .run()
                .context("apt-get update failed")?;
            cmd!(sh, "apt-get install -y -qq {packages...}")
                .run()
                .context("apt-get install failed")?;
            // What apt installed must now be found, or the build would fail later, obscurely.
            if let Plan::AptInstall(still) | Plan::Stop { missing: still, .. } =
                plan(needs, System::probe())
            {
                anyhow::bail!(
                    "apt-get installed the packages but still missing: {}",
                    still.join(", ")
                );
            }
        }
        Plan::Stop { missing, command } => {
            anyhow::bail!("{}", Plan::stop_message(&missing, command.as_deref()))
        }
    }
    crate::tools::ensure(project)
}

impl System {
    /// Looks at this machine.
    pub(crate) fn probe() -> Self {
        Self {
            libclang: libclang_found(),
            c_compiler: compiler_found("CC", &["cc", "gcc", "clang"]),
            cxx_compiler: compiler_found("CXX", &["c++", "g++", "clang++"]),
            node: on_path("node").is_some(),
            npm: on_path("npm").is_some(),
            apt: on_path("apt-get").is_some(),
            // SAFETY: geteuid has no preconditions and cannot fail.
            root: unsafe { libc::geteuid() } == 0,
        }
    }
}

/// `name` in a folder of PATH.
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn compiler_found(variable: &str, names: &[&str]) -> bool {
    if let Some(value) = std::env::var_os(variable) {
        let value = PathBuf::from(value);
        if value.is_file() || value.to_str().and_then(on_path).is_some() {
            return true;
        }
    }
    names.iter().any(|name| on_path(name).is_some())
}

/// Where clang-sys (bindgen's loader) looks for libclang on Linux, `$LIBCLANG_PATH` first.
fn libclang_found() -> bool {
    let mut dirs: Vec<PathBuf> = std::env::var_os("LIBCLANG_PATH")
        .map(|dir| vec![PathBuf::from(dir)])
        .unwrap_or_default();
    for dir in [
        "/usr/lib",
        "/usr/lib64",
        "/usr/local/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
    ] {
        dirs.push(PathBuf::from(dir));
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib") {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("llvm") {
                dirs.push(entry.path().join("lib"));
            }
        }
    }
    dirs.iter().any(|dir| has_libclang(dir))
}

fn has_libclang(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // libclang.so, libclang.so.1, libclang-14.so.1; not libclang-cpp or the static parts.
        (name.starts_with("libclang.so") || name.starts_with("libclang-"))
            && !name.starts_with("libclang-cpp")
            && name.contains(".so")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERYTHING: System = System {
        libclang: true,
        c_compiler: true,
        cxx_compiler: true,
        node: true,
        npm: true,
        apt: true,
        root: true,
    };
    const ALL: Needs = Needs {
        build: true,
        node: true,
    };

    #[test]
    fn nothing_missing_runs_nothing() {
        assert_eq!(plan(ALL, EVERYTHING), Plan::Ready);
        let bare = System {
            libclang: false,
            c_compiler: false,
            cxx_compiler: false,
            node: false,
            npm: false,
            ..EVERYTHING
        };
        let nothing = Needs {
            build: false,
            node: false,
        };
        assert_eq!(plan(nothing, bare), Plan::Ready);
    }

    #[test]
    fn root_with_apt_installs_exactly_what_is_missing() {
        let system = System {
            libclang: false,
            npm: false,
            ..EVERYTHING
        };
        assert_eq!(
            plan(ALL, system),
            Plan::AptInstall(vec!["libclang-dev", "npm"])
        );
        let system = System {
            cxx_compiler: false,
            node: false,
            ..EVERYTHING
        };
        assert_eq!(
            plan(ALL, system),
            Plan::AptInstall(vec!["build-essential", "nodejs"])
        );
    }

    #[test]
    fn a_prebuilt_binary_needs_no_libclang_or_compiler() {
        let system = System {
            libclang: false,
            c_compiler: false,
            cxx_compiler: false,
            ..EVERYTHING
        };
        let needs = Needs {
            build: false,
            node: true,
        };
        assert_eq!(plan(needs, system), Plan::Ready);
        assert_eq!(
            plan(ALL, system),
            Plan::AptInstall(vec!["libclang-dev", "build-essential"])
        );
    }

    #[test]
    fn not_root_stops_with_the_exact_sudo_command() {
        let system = System {
            libclang: false,
            root: false,
            ..EVERYTHING
        };
        let Plan::Stop { missing, command } = plan(ALL, system) else {
            panic!("a user without root must not run apt");
        };
        assert_eq!(missing, vec!["libclang (bindgen, for RocksDB)"]);
        let command = command.unwrap();
        assert_eq!(
            command,
            "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y libclang-dev"
        );
        assert!(Plan::stop_message(&missing, Some(&command)).contains(&command));
    }

    #[test]
    fn no_apt_stops_naming_what_is_missing_without_a_command() {
        let system = System {
            node: false,
            npm: false,
            apt: false,
            ..EVERYTHING
        };
        let Plan::Stop { missing, command } = plan(ALL, system) else {
            panic!("without apt-get there is nothing to run");
        };
        assert_eq!(missing, vec!["node", "npm"]);
        assert_eq!(command, None);
        assert!(Plan::stop_message(&missing, None).contains("node, npm"));
    }

    #[test]
    fn libclang_is_found_in_a_folder_holding_it_and_not_in_one_with_only_libclang_cpp() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("libclang-cpp.so.14"), b"").unwrap();
        assert!(!has_libclang(dir.path()));
        std::fs::write(dir.path().join("libclang-14.so.1"), b"").unwrap();
        assert!(has_libclang(dir.path()));
    }
}
