//! `hyperforge sequencer --chain chains/<name> [--data-dir D]`: runs the chain's sequencer
//! until SIGINT or SIGTERM, then shuts down in order (no new transactions, the block in
//! progress finishes, everything is synced).

use anyhow::Context;
use hyperforge_sequencer::Sequencer;

use crate::{cli::SequencerArgs, commands::load_chain};

pub(crate) fn run(args: SequencerArgs) -> anyhow::Result<()> {
    let config = load_chain(&args.chain)?;
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| config.data_dir(&args.chain.chain));
    let rpc_addr = config.sequencer.rpc_addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    runtime.block_on(async move {
        let sequencer = Sequencer::open(config, &data_dir)
            .with_context(|| format!("cannot open the chain state in {}", data_dir.display()))?;
        let mut handle = sequencer.start(rpc_addr).await?;
        // The one line on stdout: scripts and tests wait for it.
        println!("rpc: http://{}", handle.rpc_addr());
        tokio::select! {
            signal = shutdown_signal() => {
                tracing::info!(signal = signal?, "shutting down");
                handle.shutdown().await?;
                Ok(())
            }
            error = handle.failed() => Err(anyhow::Error::new(error).context("the sequencer stopped")),
        }
    })
}

async fn shutdown_signal() -> anyhow::Result<&'static str> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => {
            result.context("cannot listen for SIGINT")?;
            Ok("SIGINT")
        }
        _ = terminate.recv() => Ok("SIGTERM"),
    }
}
