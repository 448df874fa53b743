//! `hyperforge settler --ecosystem ecosystem.toml` (or `--chains chains/alpha,chains/beta
//! --l1 <url>`): settles the chains' proven batches on the bridge until SIGINT or SIGTERM.
//!
//! Reads each chain's configuration (its sequencer's RPC address, its `[prover.chunk]`: every
//! chain must have the same, the circuits are shared), the bridge from the ecosystem file
//! (else the chains' `[l1] bridge`, which must agree), builds or loads the recursion
//! circuits from `--circuit-cache`, and runs [`hyperforge_settler::Settler`] rounds. It keeps
//! no state: a restart goes on from what the bridge holds.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::{Context, bail};
use hyperforge_circuits::{
    ChunkCircuit, ChunkShape,
    recursion::{CircuitCache, RecursionCircuits},
};
use hyperforge_config::{ChainConfig, ChainConfigLoader, ChainSet, ChunkSlots};
use hyperforge_settler::{
    L1Connection, ProvenBatches, RpcBatches, Settler, SettlerConfig, SettlerMetrics,
};

use crate::cli::{SettlerArgs, SignerArgs};
use crate::commands::l1::{ecosystem_bridge, ecosystem_l1_key, signer};

/// How long one request to a sequencer may take (a batch proof is a few hundred kB).
const SOURCE_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn run(args: SettlerArgs) -> anyhow::Result<()> {
    let chains = chains(&args)?;
    let bridge = match &args.ecosystem {
        Some(path) => ecosystem_bridge(path)?,
        None => chains_bridge(&chains)?,
    };
    let l1 = match (&args.l1, &args.ecosystem) {
        (Some(url), _) => url.clone(),
        (None, Some(path)) => ecosystem_l1_key::<url::Url>(path, "rpc_url")?
            .unwrap_or_else(|| chains[0].1.l1.rpc_url.clone()),
        (None, None) => chains[0].1.l1.rpc_url.clone(),
    };
    let shape = chunk_shape(&chains)?;
    let signer = signer(&SignerArgs {
        private_key: args.key.clone(),
    })?;
    let verifier = match (args.verifier, &args.ecosystem) {
        (Some(kind), _) => kind,
        (None, Some(path)) => {
            ecosystem_l1_key::<hyperforge_l1::VerifierKind>(path, "verifier")?.unwrap_or_default()
        }
        (None, None) => hyperforge_l1::VerifierKind::default(),
    };
    let config = SettlerConfig {
        verifier,
        settle_interval: Duration::from_millis(args.settle_interval_ms),
        poll_interval: Duration::from_millis(args.poll_interval_ms),
        max_batches_per_chain: args.max_batches_per_chain.max(1),
        ..SettlerConfig::default()
    };

    tracing::info!(target: "node::settler", cache = %args.circuit_cache.display(), ?shape, "building or loading the circuits");
    let chunk = ChunkCircuit::build(shape);
    let circuits = RecursionCircuits::build(&chunk, &CircuitCache::new(&args.circuit_cache))
        .context("cannot build the recursion circuits")?;
    drop(chunk);
    let circuits = Arc::new(circuits);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    let result = runtime.block_on(async move {
        let mut sources: Vec<Arc<dyn ProvenBatches>> = Vec::new();
        for (dir, config) in &chains {
            let url: url::Url = format!("http://{}", config.sequencer.rpc_addr)
                .parse()
                .with_context(|| format!("{}: `[sequencer] rpc_addr`", dir.display()))?;
            sources.push(Arc::new(RpcBatches::new(config.chain.chain_id, url, SOURCE_TIMEOUT)?));
        }
        let connection = L1Connection {
            url: l1.clone(),
            signer,
            bridge,
        };
        let metrics = Arc::new(SettlerMetrics::default());
        let settler = Settler::new(connection, circuits, sources, config)?.with_metrics(metrics.clone());
        let _metrics_server = match args.metrics_addr {
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} for metrics"))?;
                let addr = listener.local_addr()?;
                println!("metrics: http://{addr}/metrics");
                Some(AbortOnDrop(tokio::spawn(hyperforge_settler::metrics::serve(listener, metrics))))
            }
            None => None,
        };
        let names: Vec<String> = chains.iter().map(|(_, c)| c.chain.name.clone()).collect();
        // The one line on stdout scripts wait for.
        println!("settling {} into {bridge} on {l1}", names.join(", "));
        settler
            .run(async {
                match shutdown_signal().await {
                    Ok(signal) => tracing::info!(target: "node::settler", signal, "shutting down"),
                    Err(error) => tracing::error!(target: "node::settler", %error, "no signal handler: stopping"),
                }
            })
            .await;
        anyhow::Ok(())
    });
    // A round dropped at shutdown may leave an aggregation on the blocking pool: do not
    // wait for it (nothing it would produce is kept).
    runtime.shutdown_background();
    result
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

/// Aborts the task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The chains to settle, in settlement order: `--chains`, or every chain under `chains/`
/// (next to the ecosystem file) whose `[l1] bridge` is the ecosystem's bridge.
fn chains(args: &SettlerArgs) -> anyhow::Result<Vec<(PathBuf, ChainConfig)>> {
    if !args.chains.is_empty() {
        return args
            .chains
            .iter()
            .map(|dir| {
                let config = ChainConfigLoader::new(dir)
                    .load()
                    .with_context(|| format!("cannot load the chain in {}", dir.display()))?;
                Ok((dir.clone(), config))
            })
            .collect();
    }
    let Some(ecosystem) = &args.ecosystem else {
        bail!("name the chains with --chains, or an ecosystem file with --ecosystem");
    };
    let bridge = ecosystem_bridge(ecosystem)?;
    let dir = ecosystem
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("chains"), |dir| dir.join("chains"));
    let set = ChainSet::load(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for error in set.errors() {
        tracing::warn!(target: "node::settler", %error, "a chain that does not load is not settled");
    }
    let chains: Vec<(PathBuf, ChainConfig)> = set
        .chains()
        .iter()
        .filter(|entry| entry.config.l1.bridge == Some(bridge))
        .map(|entry| (entry.dir.clone(), entry.config.clone()))
        .collect();
    if chains.is_empty() {
        bail!(
            "no chain under {} is registered on the bridge {bridge}: register them with `hyperforge l1 register`, or name them with --chains",
            dir.display()
        );
    }
    Ok(chains)
}

/// The bridge every chain's `[l1] bridge` names.
fn chains_bridge(chains: &[(PathBuf, ChainConfig)]) -> anyhow::Result<alloy::primitives::Address> {
    let mut bridge = None;
    for (dir, config) in chains {
        let theirs = crate::commands::l1::chain_bridge(config)?;
        match bridge {
            None => bridge = Some(theirs),
            Some(ours) if ours != theirs => bail!(
                "{} settles into {theirs}, the chains before it into {ours}: one settler serves one bridge",
                dir.display()
            ),
            Some(_) => {}
        }
    }
    bridge.context("no chain given")
}

/// The one `[prover.chunk]` of every chain (the circuits are shared).
fn chunk_shape(chains: &[(PathBuf, ChainConfig)]) -> anyhow::Result<ChunkShape> {
    let (first_dir, first) = chains.first().context("no chain given")?;
    let slots: ChunkSlots = first.prover.chunk;
    for (dir, config) in chains {
        if config.prover.chunk != slots {
            bail!(
                "{} has another [prover.chunk] than {}: chains settling together share the circuits",
                dir.display(),
                first_dir.display()
            );
        }
    }
    let count = |n: u32| n as usize;
    Ok(ChunkShape {
        import_slots: count(slots.import_slots),
        priority_slots: count(slots.priority_slots),
        tx_slots: count(slots.tx_slots),
        execute_slots: count(slots.execute_slots),
    })
}
