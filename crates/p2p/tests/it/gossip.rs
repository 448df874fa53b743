//! Gossipsub: signed messages, forwarded only once the application accepts them.

use hyperforge_p2p::{Acceptance, Event, Topic};

use crate::harness::{Node, chain, eventually, tcp};

/// The next gossip message a node receives: (topic, author, data, id).
async fn next_gossip(
    node: &mut Node,
) -> (
    Topic,
    Option<hyperforge_p2p::PeerId>,
    Vec<u8>,
    hyperforge_p2p::GossipId,
) {
    node.next(|event| match event {
        Event::Gossip {
            topic,
            author,
            data,
            id,
        } => Some((topic, author, data, id)),
        _ => None,
    })
    .await
}

/// A publisher, a relay and a listener in a line (a - b - c: a and c never connect). b
/// accepts some messages and rejects one; c gets exactly the accepted ones, in order, and
/// the rejected one is never forwarded.
#[tokio::test]
async fn gossip_is_forwarded_once_accepted_and_a_rejected_message_goes_no_further() {
    let a = Node::start(vec![tcp()]).await;
    let mut b = Node::start(vec![tcp()]).await;
    let mut c = Node::start(vec![tcp()]).await;
    let topic = Topic::Batches(chain());
    for node in [&a, &b, &c] {
        assert!(node.client.subscribe(topic).await.expect("subscribed"));
    }
    a.client.dial(b.addr("tcp")).await.expect("a reaches b");
    c.client.dial(b.addr("tcp")).await.expect("c reaches b");

    // Until the meshes form, publishing may find no peer: retry with fresh messages, each
    // relayed by b, until c has one.
    let mut sequence = 0u32;
    let first_at_c = loop {
        sequence += 1;
        let data = format!("warm-up {sequence}").into_bytes();
        if a.client.publish(topic, data).await.is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        }
        let (got_topic, author, data, id) = next_gossip(&mut b).await;
        assert_eq!((got_topic, author), (topic, Some(a.peer)));
        assert_eq!(id.propagation_source(), a.peer);
        b.client
            .validate(id, Acceptance::Accept)
            .await
            .expect("validated");
        let at_c =
            tokio::time::timeout(std::time::Duration::from_millis(500), next_gossip(&mut c)).await;
        if let Ok((_, author, received, id)) = at_c {
            assert_eq!(author, Some(a.peer), "c sees a's signature, not b's");
            assert_eq!(id.propagation_source(), b.peer);
            c.client
                .validate(id, Acceptance::Accept)
                .await
                .expect("validated");
            break (received, data);
        }
    };
    assert_eq!(first_at_c.0, first_at_c.1);

    a.client
        .publish(topic, b"bad batch".to_vec())
        .await
        .expect("published");
    let (_, _, data, id) = next_gossip(&mut b).await;
    assert_eq!(data, b"bad batch");
    b.client
        .validate(id, Acceptance::Reject)
        .await
        .expect("validated");
    a.client
        .publish(topic, b"good batch".to_vec())
        .await
        .expect("published");
    let (_, _, data, id) = next_gossip(&mut b).await;
    assert_eq!(data, b"good batch");
    b.client
        .validate(id, Acceptance::Accept)
        .await
        .expect("validated");

    // b forwards in order on one connection: had the rejected message gone out, c would see
    // it before the good one (late warm-up messages may come first; they are skipped).
    loop {
        let (_, _, data, id) = next_gossip(&mut c).await;
        c.client
            .validate(id, Acceptance::Accept)
            .await
            .expect("validated");
        assert_ne!(data, b"bad batch", "a rejected message was forwarded");
        if data == b"good batch" {
            break;
        }
    }
    // Rejecting cost the forwarder (a) score at b.
    let (b_client, a_peer) = (b.client.clone(), a.peer);
    eventually("a is scored down at b", || {
        let b_client = b_client.clone();
        async move { b_client.peer_score(a_peer).await.expect("score") < 0.0 }
    })
    .await;
    c.stop().await;
    b.stop().await;
    a.stop().await;
}

/// A chain's sequencer and an impostor both announce a block on the chain's topic to a
/// listener that checks each with [`Announcement::verify`]: the sequencer's is taken, the
/// impostor's refused (as not the sequencer's), and rejecting it costs the impostor score.
#[tokio::test]
async fn only_the_chains_sequencer_speaks_for_it() {
    use hyperforge_p2p::{Announcement, AnnouncementError, ChainNews};
    use hyperforge_primitives::{Amount, block::BlockHeader, bridge::F, tx::Digest};
    use plonky2::field::types::Field;

    let sequencer = Node::start(vec![tcp()]).await;
    let impostor = Node::start(vec![tcp()]).await;
    let mut listener = Node::start(vec![tcp()]).await;
    let topic = Topic::Blocks(chain());
    assert!(listener.client.subscribe(topic).await.expect("subscribed"));
    listener
        .client
        .dial(sequencer.addr("tcp"))
        .await
        .expect("reaches the sequencer");
    listener
        .client
        .dial(impostor.addr("tcp"))
        .await
        .expect("reaches the impostor");
    let header = |number: u64| BlockHeader {
        number,
        parent_hash: Digest {
            elements: [F::from_canonical_u64(number); 4],
        },
        timestamp_ms: 1_700_000_000_000 + number,
        state_root: Digest {
            elements: [F::ONE; 4],
        },
        slots_hash: Digest {
            elements: [F::TWO; 4],
        },
        slot_count: 1,
        priority_count: 0,
        import_count: 0,
        value_out: Amount::from_gwei(0),
        value_in: Amount::from_gwei(0),
    };
    // Publishing finds no peer until the listener's subscription has arrived.
    for (node, number) in [(&sequencer, 1), (&impostor, 2)] {
        let data = Announcement::block(chain(), &header(number)).encode();
        let client = node.client.clone();
        eventually("the announcement is published", || {
            let (client, data) = (client.clone(), data.clone());
            async move { client.publish(topic, data).await.is_ok() }
        })
        .await;
    }
    let mut verdicts = Vec::new();
    while verdicts.len() < 2 {
        let (got, author, data, id) = next_gossip(&mut listener).await;
        let verdict = Announcement::verify(got, author, sequencer.peer, &data);
        let acceptance = if verdict.is_ok() {
            Acceptance::Accept
        } else {
            Acceptance::Reject
        };
        listener
            .client
            .validate(id, acceptance)
            .await
            .expect("validated");
        verdicts.push((author, verdict));
    }
    verdicts.sort_by_key(|(author, _)| *author != Some(sequencer.peer));
    assert_eq!(verdicts[0].1, Ok(ChainNews::Block(header(1))));
    assert!(matches!(
        &verdicts[1].1,
        Err(AnnouncementError::NotTheSequencer { sequencer: peer, .. }) if *peer == sequencer.peer
    ));
    let (client, impostor_peer) = (listener.client.clone(), impostor.peer);
    eventually("the impostor is scored down", || {
        let client = client.clone();
        async move { client.peer_score(impostor_peer).await.expect("score") < 0.0 }
    })
    .await;
    assert!(
        listener
            .client
            .peer_score(sequencer.peer)
            .await
            .expect("score")
            >= 0.0
    );
    listener.stop().await;
    impostor.stop().await;
    sequencer.stop().await;
}
