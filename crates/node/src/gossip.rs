//! The listening side of a chain's gossip: judging each announcement before it is forwarded.
//!
//! [`judge`] checks a received message with [`Announcement::verify`] against the sequencer
//! that speaks for the topic's chain, then tells the network: accepted messages are forwarded
//! to the mesh; lies (another author, another topic's payload, undecodable data) are
//! rejected, which costs the peer that sent them score; topics of chains this node does not
//! follow are ignored. Used by the prover (a sealed batch means work) and `hyperforge p2p
//! watch`.

use std::collections::HashMap;

use hyperforge_p2p::{
    Acceptance, Announcement, ChainNews, Client, GossipId, PeerId, Topic,
    announce::AnnouncementError,
};
use hyperforge_primitives::{
    ChainId,
    block::{BatchRecord, BlockHeader},
    tx::digest_to_bytes,
};

/// The chain a topic belongs to; `None` for the ecosystem topic.
pub(crate) fn chain_of(topic: Topic) -> Option<ChainId> {
    match topic {
        Topic::Blocks(id) | Topic::Batches(id) | Topic::Proven(id) => Some(id),
        Topic::Ecosystem => None,
    }
}

/// Judges one gossip message against `sequencers` (the peer that speaks for each followed
/// chain) and reports the verdict to the network. Returns the news if accepted, the reason
/// if refused (logged here too), nothing if ignored.
pub(crate) async fn judge(
    client: &Client,
    sequencers: &HashMap<ChainId, PeerId>,
    topic: Topic,
    author: Option<PeerId>,
    data: &[u8],
    id: GossipId,
) -> Option<Result<ChainNews, AnnouncementError>> {
    let Some(sequencer) = chain_of(topic).and_then(|chain| sequencers.get(&chain)) else {
        let _ = client.validate(id, Acceptance::Ignore).await;
        return None;
    };
    let verdict = Announcement::verify(topic, author, *sequencer, data);
    let acceptance = match &verdict {
        Ok(_) => Acceptance::Accept,
        Err(error) => {
            tracing::warn!(target: "node::gossip", source = %id.propagation_source(), %error, "announcement refused");
            Acceptance::Reject
        }
    };
    let _ = client.validate(id, acceptance).await;
    Some(verdict)
}

fn hex(digest: &hyperforge_primitives::tx::Digest) -> String {
    format!("0x{}", alloy::hex::encode(digest_to_bytes(digest)))
}

/// One line for a piece of news, as `hyperforge p2p watch` prints it.
pub(crate) fn line(news: &ChainNews) -> String {
    let batch = |record: &BatchRecord| {
        format!(
            "batch {} blocks {}..={}",
            record.number(),
            record.first_block,
            record.last_block
        )
    };
    match news {
        ChainNews::Block(header) => block_line(header),
        ChainNews::BatchSealed { record, jobs } => format!(
            "{} sealed jobs {jobs} new state root {}",
            batch(record),
            hex(&record.public_inputs.new_state_root)
        ),
        ChainNews::BatchProven {
            record,
            circuits,
            proof_bytes,
        } => format!(
            "{} proven circuits {circuits} proof {proof_bytes} bytes",
            batch(record)
        ),
    }
}

fn block_line(header: &BlockHeader) -> String {
    format!(
        "block {} hash {} state root {} slots {} at {}",
        header.number,
        hex(&header.hash()),
        hex(&header.state_root),
        header.slot_count,
        header.timestamp_ms
    )
}
