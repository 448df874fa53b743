//! Where the project is: its root and the folders xtask works on.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The project tree xtask works on.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    root: PathBuf,
}

impl Project {
    /// The project at `root`, or the one this xtask was built from. The working directory
    /// becomes the root, so that paths in messages read `chains/alpha/chain.toml`.
    pub(crate) fn locate(root: Option<PathBuf>) -> anyhow::Result<Self> {
        let root = match root {
            Some(root) => root,
            None => {
                // `cargo run` (the `cargo xtask` alias) sets CARGO_MANIFEST_DIR for the process:
                // prefer it to the compile-time value, which names whichever checkout last
                // built the binary when several checkouts share one target dir.
                let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
                    .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
                manifest_dir
                    .parent()
                    .context("xtask has no parent folder")?
                    .to_owned()
            }
        };
        std::env::set_current_dir(&root)
            .with_context(|| format!("cannot enter the project root {}", root.display()))?;
        Ok(Self {
            root: PathBuf::from("."),
        })
    }

    /// A project at `root`, leaving the working directory alone (for tests).
    #[cfg(test)]
    pub(crate) fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root folder.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// `chains/`.
    pub(crate) fn chains_dir(&self) -> PathBuf {
        self.path("chains")
    }

    /// `templates/`.
    pub(crate) fn templates_dir(&self) -> PathBuf {
        self.path("templates")
    }

    /// `relative` under the root, without a leading `./`.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        if self.root == Path::new(".") {
            PathBuf::from(relative)
        } else {
            self.root.join(relative)
        }
    }
}
