//! `cargo xtask chain ...`: scaffold chains from templates and check them.

mod list;
mod new;
mod show;
mod validate;

use crate::{cli::ChainCommand, project::Project};

pub(crate) fn run(project: &Project, command: ChainCommand) -> anyhow::Result<()> {
    match command {
        ChainCommand::New(args) => {
            let created = new::run(project, &args)?;
            println!(
                "created {} (chain id {}, template {}, rpc {})",
                created.dir.display(),
                created.config.chain.chain_id,
                created.config.chain.template,
                created.config.sequencer.rpc_addr
            );
            Ok(())
        }
        ChainCommand::List => list::run(project),
        ChainCommand::Validate { name } => validate::run(project, name.as_deref()),
        ChainCommand::Show { name, set } => show::run(project, &name, &set),
    }
}
