//! `hyperforge sequencer --chain chains/<name> [--data-dir D]`: runs the chain's sequencer
//! (with its p2p node and proving-job coordinator; stdout: `rpc: <url>`, then `p2p: <multiaddr>`
//! per listen address) until SIGINT or SIGTERM, then shuts down in order (no new transactions, the block in
//! progress finishes, everything is synced).

use anyhow::Context;
use hyperforge_sequencer::{JobsConfig, Sequencer};

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
        let mut jobs = JobsConfig::new(
            std::env::var_os("HYPERFORGE_CIRCUIT_CACHE")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| data_dir.join("circuits")),
        );
        if let Some(ms) = args.job_lease_ms {
            jobs.lease = std::time::Duration::from_millis(ms);
        }
        let mut handle = sequencer.with_jobs(jobs).start(rpc_addr).await?;
        // Scripts and tests wait for these lines: the RPC URL first, then each p2p address,
        // in one write (a reader that takes only the first line and closes the pipe must not
        // make a later write fail).
        let mut ready = format!("rpc: http://{}\n", handle.rpc_addr());
        for address in handle.p2p_addrs() {
            ready.push_str(&format!("p2p: {address}\n"));
        }
        let _ = std::io::Write::write_all(&mut std::io::stdout(), ready.as_bytes());
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

pub(crate) async fn shutdown_signal() -> anyhow::Result<&'static str> {
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
