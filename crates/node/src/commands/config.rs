//! `hyperforge config ...`

mod show;

use crate::cli::ConfigCommand;

pub(crate) fn run(command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Show(args) => show::run(&args),
    }
}
