//! Tidy checks: the rules of the house, as tests that `cargo test` runs.
//!
//! Each names the file and the rule it breaks, and how to mend it.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Every `.rs` file of ours, outside build output.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == "node_modules" || name.to_string_lossy().starts_with('.')
            {
                continue;
            }
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["crates", "xtask"] {
        walk(&root().join(dir), &mut files);
    }
    assert!(
        files.len() > 10,
        "found only {} Rust files: is the walk broken?",
        files.len()
    );
    files
}

fn metadata() -> Value {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Workspace packages by name, with the folder name ARCHITECTURE.md calls them by.
fn workspace_packages(metadata: &Value) -> BTreeMap<String, (String, Value)> {
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|package| members.contains(package["id"].as_str().unwrap()))
        .map(|package| {
            let manifest = Path::new(package["manifest_path"].as_str().unwrap());
            let folder = manifest
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                package["name"].as_str().unwrap().to_owned(),
                (folder, package.clone()),
            )
        })
        .collect()
}

#[test]
fn every_rust_file_starts_with_a_doc_comment() {
    let offenders: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = fs::read_to_string(path).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "these files must open with a `//!` comment saying what they are: {offenders:#?}"
    );
}

#[test]
fn no_test_is_ignored() {
    let needle = ["#[", "ignore"].concat();
    let offenders: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| fs::read_to_string(path).unwrap().contains(&needle))
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "ignored tests rot; fix or delete them: {offenders:#?}"
    );
}

#[test]
fn every_crate_has_a_description_and_workspace_lints() {
    for (name, (_, package)) in workspace_packages(&metadata()) {
        let description = package["description"].as_str().unwrap_or_default();
        assert!(
            !description.trim().is_empty(),
            "{name}: add `description = \"...\"` to [package]"
        );
        let manifest: toml::Table = toml::from_str(
            &fs::read_to_string(package["manifest_path"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        let inherits = manifest
            .get("lints")
            .and_then(|lints| lints.get("workspace"))
            .and_then(toml::Value::as_bool);
        assert_eq!(
            inherits,
            Some(true),
            "{name}: add `[lints] workspace = true` to its Cargo.toml"
        );
    }
}

/// The rules of the fenced block after `<!-- crate-graph -->` in ARCHITECTURE.md:
/// `crate -> allowed workspace dependencies`, `sync: crates` and `not-in-sync: packages`.
struct CrateGraph {
    allowed: BTreeMap<String, BTreeSet<String>>,
    sync: Vec<String>,
    not_in_sync: Vec<String>,
}

fn crate_graph() -> CrateGraph {
    let architecture = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let block = architecture
        .split_once("<!-- crate-graph -->")
        .and_then(|(_, rest)| rest.split_once("```text\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("ARCHITECTURE.md has a ```text block after <!-- crate-graph -->");
    let mut graph = CrateGraph {
        allowed: BTreeMap::new(),
        sync: Vec::new(),
        not_in_sync: Vec::new(),
    };
    for line in block
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
    {
        let words = |list: &str| {
            list.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        if let Some(list) = line.strip_prefix("sync:") {
            graph.sync = words(list);
        } else if let Some(list) = line.strip_prefix("not-in-sync:") {
            graph.not_in_sync = words(list);
        } else {
            let (name, deps) = line
                .split_once("->")
                .unwrap_or_else(|| panic!("bad crate-graph line `{line}`"));
            graph
                .allowed
                .insert(name.trim().to_owned(), words(deps).into_iter().collect());
        }
    }
    graph
}

#[test]
fn crate_dependencies_follow_architecture_md() {
    let metadata = metadata();
    let packages = workspace_packages(&metadata);
    let graph = crate_graph();
    for (name, (folder, package)) in &packages {
        let allowed = graph.allowed.get(folder).unwrap_or_else(|| {
            panic!("crate `{folder}` ({name}) is missing from the crate graph in ARCHITECTURE.md")
        });
        for dependency in package["dependencies"].as_array().unwrap() {
            let Some((dep_folder, _)) = packages.get(dependency["name"].as_str().unwrap()) else {
                continue;
            };
            if dep_folder == folder {
                // A dev-dependency on itself turns on `test-utils` for its own benches.
                continue;
            }
            assert!(
                allowed.contains(dep_folder),
                "`{folder}` depends on `{dep_folder}`, which ARCHITECTURE.md does not allow: change the dependency, or the design and its graph together"
            );
        }
    }
}

#[test]
fn sync_crates_pull_in_no_async_or_network_stack() {
    let metadata = metadata();
    let packages = workspace_packages(&metadata);
    let graph = crate_graph();
    assert!(
        !graph.sync.is_empty() && !graph.not_in_sync.is_empty(),
        "the crate graph lists no sync rule"
    );
    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            (
                package["id"].as_str().unwrap(),
                package["name"].as_str().unwrap(),
            )
        })
        .collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| (node["id"].as_str().unwrap(), node))
        .collect();
    for (name, (folder, package)) in &packages {
        if !graph.sync.contains(folder) {
            continue;
        }
        // Walk normal (not dev, not build) dependencies.
        let mut stack = vec![package["id"].as_str().unwrap()];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let dep_name = names[id];
            assert!(
                !graph
                    .not_in_sync
                    .iter()
                    .any(|forbidden| forbidden == dep_name),
                "sync crate `{name}` pulls in `{dep_name}`: ARCHITECTURE.md keeps async and network code out of it"
            );
            for dep in nodes[id]["deps"].as_array().unwrap() {
                let normal = dep["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|kind| kind["kind"].is_null());
                if normal {
                    stack.push(dep["pkg"].as_str().unwrap());
                }
            }
        }
    }
}

#[test]
fn committed_chains_are_valid_and_distinct() {
    let set = hyperforge_config::ChainSet::load(&root().join("chains")).unwrap();
    assert!(set.errors().is_empty(), "{:#?}", set.errors());
    assert!(set.clashes().is_empty(), "{:#?}", set.clashes());
    let names: Vec<&str> = set
        .chains()
        .iter()
        .map(|entry| entry.config.chain.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["alpha", "beta"],
        "the example chains are alpha and beta"
    );
}

/// The `*.json` files of a folder, by name.
fn json_files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                fs::read_to_string(entry.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn contract_artifacts_are_up_to_date() {
    let project = crate::project::Project::at(root());
    let fresh = tempfile::tempdir().unwrap();
    if let Err(error) = crate::contracts::compile(&project, fresh.path()) {
        panic!(
            "cannot compile contracts/src ({error}): run `cargo xtask tools` to install solc-js"
        );
    }
    let committed = root().join("contracts/out");
    if json_files(fresh.path()) != json_files(&committed) {
        crate::contracts::compile(&project, &committed).unwrap();
        panic!(
            "contracts/out was stale and has been regenerated: run `cargo xtask contracts` and commit contracts/out"
        );
    }
}

#[test]
fn plonky_verifier_is_generated_from_the_final_circuit() {
    // The real final circuit for the chains' shape, its recursion circuits loaded from the
    // circuit cache (built there on the first run).
    let project = crate::project::Project::at(root());
    let slots = crate::contracts::chunk_slots(&project, None).unwrap();
    let path = root().join(crate::contracts::VERIFIER_SOL);
    let fresh = crate::contracts::verifier_source(slots).unwrap();
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if fresh != committed {
        fs::write(&path, fresh).unwrap();
        panic!(
            "{} was stale and has been regenerated: run `cargo xtask contracts verifier` and commit contracts/src and contracts/out",
            path.display()
        );
    }
}
