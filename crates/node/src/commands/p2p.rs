//! `hyperforge p2p watch --chain chains/<name> [--bootnode <multiaddr>] [--topics ...]
//! [--count N]`: follows a chain's gossip the way any peer would. It dials the chain's
//! sequencer (`--bootnode`, or the first of `[p2p] bootnodes`), subscribes to the chain's
//! topics (blocks, batches sealed, batches proven; `--topics` picks some) and prints one line
//! per announcement, each checked first: only the sequencer (the peer id the bootnode
//! address ends in) speaks for the chain, and a message from anyone else, or one that does
//! not decode or belongs on another topic, is refused (and costs its sender score) and
//! reported on stderr. `--count N` exits after N accepted announcements.
//!
//! stdout: `peer: <own peer id>`, `connected: <sequencer peer id>` once the connection is up,
//! then `block <n> hash ...`, `batch <n> blocks a..=b sealed jobs J ...` and
//! `batch <n> blocks a..=b proven circuits ... proof B bytes` lines. The node key is
//! throw-away (a temporary directory): a watcher needs no identity of its own.

use std::{collections::HashMap, path::Path};

use anyhow::Context;
use futures::StreamExt;
use hyperforge_config::ChainConfig;
use hyperforge_p2p::{Event, Multiaddr, NetworkConfig, PeerId, Topic};

use crate::{
    cli::{P2pCommand, P2pWatchArgs, WatchTopic},
    commands::load_chain,
    gossip,
};

pub(crate) fn run(command: P2pCommand) -> anyhow::Result<()> {
    match command {
        P2pCommand::Watch(args) => watch(args),
    }
}

/// The sequencer to dial for the chain in `dir`: `given`, or the first of `[p2p] bootnodes`.
pub(crate) fn sequencer_address(
    dir: &Path,
    config: &ChainConfig,
    given: Option<&Multiaddr>,
) -> anyhow::Result<Multiaddr> {
    if let Some(address) = given {
        return Ok(address.clone());
    }
    config
        .p2p
        .bootnodes
        .first()
        .map(|address| address.to_string())
        .with_context(|| {
            format!(
                "no sequencer to dial for {}: give --bootnode, or set [p2p] bootnodes",
                dir.display()
            )
        })?
        .parse()
        .with_context(|| {
            format!(
                "the bootnode in {}'s chain.toml is not a multiaddr",
                dir.display()
            )
        })
}

/// The peer id a multiaddr ends with (`.../p2p/<peer id>`).
pub(crate) fn peer_of(address: &Multiaddr) -> anyhow::Result<PeerId> {
    let text = address.to_string();
    text.rsplit_once("/p2p/")
        .and_then(|(_, peer)| peer.parse().ok())
        .with_context(|| format!("the bootnode {address} must end in /p2p/<peer id>"))
}

fn watch(args: P2pWatchArgs) -> anyhow::Result<()> {
    let config = load_chain(&crate::cli::ChainArgs {
        chain: args.chain.clone(),
        set: args.set.clone(),
    })?;
    let bootnode = sequencer_address(&args.chain, &config, args.bootnode.as_ref())?;
    let sequencer = peer_of(&bootnode)?;
    let chain_id = config.chain.chain_id;
    let topics: Vec<Topic> = if args.topics.is_empty() {
        vec![
            Topic::Blocks(chain_id),
            Topic::Batches(chain_id),
            Topic::Proven(chain_id),
        ]
    } else {
        args.topics
            .iter()
            .map(|topic| match topic {
                WatchTopic::Blocks => Topic::Blocks(chain_id),
                WatchTopic::Batches => Topic::Batches(chain_id),
                WatchTopic::Proven => Topic::Proven(chain_id),
            })
            .collect()
    };
    let key_dir = tempfile::tempdir().context("cannot make a directory for the node key")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    runtime.block_on(async move {
        let mut network = NetworkConfig::new(Vec::new(), key_dir.path());
        network.bootnodes = vec![bootnode];
        let (client, mut events, event_loop) = hyperforge_p2p::new(network)?;
        let p2p_task = tokio::spawn(event_loop.run());
        println!("peer: {}", client.local_peer_id());
        for topic in &topics {
            client.subscribe(*topic).await?;
        }
        let sequencers = HashMap::from([(chain_id, sequencer)]);
        let mut seen = 0u64;
        let outcome = loop {
            let event = tokio::select! {
                event = events.next() => event,
                signal = super::sequencer::shutdown_signal() => {
                    tracing::info!(signal = signal?, "shutting down");
                    break Ok(());
                }
            };
            match event {
                None => break Ok(()),
                Some(Event::PeerConnected { peer }) => {
                    if peer == sequencer {
                        println!("connected: {peer}");
                    }
                }
                Some(Event::PeerDisconnected { peer }) => {
                    tracing::info!(target: "node::gossip", %peer, "disconnected");
                }
                Some(Event::Gossip {
                    topic,
                    author,
                    data,
                    id,
                }) => {
                    if let Some(Ok(news)) =
                        gossip::judge(&client, &sequencers, topic, author, &data, id).await
                    {
                        println!("{}", gossip::line(&news));
                        seen += 1;
                        if args.count.is_some_and(|count| seen >= count) {
                            break Ok(());
                        }
                    }
                }
                Some(Event::InboundRequest { .. }) => {}
            }
        };
        client.shutdown().await?;
        let _ = p2p_task.await;
        outcome
    })
}
