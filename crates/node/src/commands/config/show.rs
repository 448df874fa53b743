//! `hyperforge config show --chain <dir>`: the fully resolved configuration.

use anyhow::Context;

use crate::{
    cli::{ConfigShowArgs, OutputFormat},
    commands::load_chain,
};

pub(super) fn run(args: &ConfigShowArgs) -> anyhow::Result<()> {
    let config = load_chain(&args.chain)?;
    let text = match args.format {
        OutputFormat::Toml => {
            toml::to_string_pretty(&config).context("cannot print the configuration as TOML")?
        }
        OutputFormat::Json => {
            serde_json::to_string_pretty(&config)
                .context("cannot print the configuration as JSON")?
                + "\n"
        }
    };
    print!("{text}");
    Ok(())
}
