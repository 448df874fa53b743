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
