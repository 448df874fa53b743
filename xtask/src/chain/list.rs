//! `cargo xtask chain list`: a table of the chains.

use hyperforge_config::ChainSet;

use crate::project::Project;

pub(super) fn run(project: &Project) -> anyhow::Result<()> {
    let set = ChainSet::load(&project.chains_dir())?;
    print!("{}", table(&set));
    for error in set.errors() {
        eprintln!("error: {error}");
    }
    if !set.errors().is_empty() {
        anyhow::bail!(
            "{} chain(s) could not be loaded: `cargo xtask chain validate` says more",
            set.errors().len()
        );
    }
    Ok(())
}

fn table(set: &ChainSet) -> String {
    let header = ["NAME", "CHAIN ID", "TEMPLATE", "DA MODE", "RPC"].map(str::to_owned);
    let rows: Vec<[String; 5]> = set
        .chains()
        .iter()
        .map(|entry| {
            let chain = &entry.config.chain;
            [
                chain.name.clone(),
                chain.chain_id.to_string(),
                chain.template.clone(),
                chain.da_mode.to_string(),
                entry.config.sequencer.rpc_addr.to_string(),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|cell| cell.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_a_row_per_chain_with_every_column() {
        let root = tempfile::tempdir().unwrap();
        for (name, id, port) in [("alpha", 270, 3050), ("beta", 271, 3051)] {
            std::fs::create_dir_all(root.path().join("chains").join(name)).unwrap();
            std::fs::write(
                root.path().join("chains").join(name).join("chain.toml"),
                format!("[chain]\nname = \"{name}\"\nchain_id = {id}\ntemplate = \"devnet\"\nda_mode = \"validium\"\n[sequencer]\nrpc_addr = \"127.0.0.1:{port}\"\n[p2p]\nlisten = []\n"),
            )
            .unwrap();
        }
        let set = ChainSet::load(&root.path().join("chains")).unwrap();
        let table = table(&set);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "NAME   CHAIN ID  TEMPLATE  DA MODE   RPC");
        assert_eq!(
            lines[1],
            "alpha  270       devnet    validium  127.0.0.1:3050"
        );
        assert_eq!(
            lines[2],
            "beta   271       devnet    validium  127.0.0.1:3051"
        );
    }
}
