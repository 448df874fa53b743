//! What a chain's sequencer announces on its gossip topics, and how a listener checks it.
//!
//! Three announcements, one per topic of a chain ([`Topic`]):
//!
//! - [`Announcement::Block`] on `hyperforge/<id>/blocks`: a committed block's header (its
//!   [`BlockHeader::encode`] form, so a listener recomputes the block hash itself);
//! - [`Announcement::BatchSealed`] on `hyperforge/<id>/batches`: a sealed batch's record (its
//!   public inputs, computed natively) and how many proving jobs it was planned into, so
//!   provers know there is work;
//! - [`Announcement::BatchProven`] on `hyperforge/<id>/proven`: the batch's record once its
//!   batch proof is stored, the circuits digest and the proof's size (the bytes themselves
//!   are served by `hf_getBatchProof`).
//!
//! Payloads are CBOR, like the jobs protocol. Gossipsub already refuses unsigned messages;
//! [`Announcement::verify`] is the application's check on top: the payload decodes, its
//! kind and chain id are those of the topic it came on, its embedded header or record
//! decodes, and its author is the chain's sequencer. Only the sequencer speaks for its
//! chain: a message signed by any other peer is refused (and, passed to
//! [`Client::validate`](crate::Client::validate) as `Reject`, costs that peer score).

use hyperforge_primitives::{
    ChainId,
    block::{BatchRecord, BlockHeader},
};
use libp2p::PeerId;
use serde::{Deserialize, Serialize};

use crate::protocol::{CircuitDigest, Payload, Topic};

/// One announcement, as it goes over gossip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Announcement {
    /// A block was committed.
    Block {
        /// The chain.
        chain_id: ChainId,
        /// The header, [`BlockHeader::encode`]d.
        header: Payload,
    },
    /// A batch was sealed and planned into proving jobs.
    BatchSealed {
        /// The chain.
        chain_id: ChainId,
        /// The batch record, [`BatchRecord::encode`]d.
        record: Payload,
        /// How many jobs prove it (chunks, then aggregations up to the batch proof).
        jobs: u32,
    },
    /// A batch's proof is stored.
    BatchProven {
        /// The chain.
        chain_id: ChainId,
        /// The batch record, [`BatchRecord::encode`]d.
        record: Payload,
        /// The circuits the proof verifies against.
        circuits: CircuitDigest,
        /// The proof's size in bytes.
        proof_bytes: u64,
    },
}

/// An announcement, checked and decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainNews {
    /// A block was committed.
    Block(BlockHeader),
    /// A batch was sealed into `jobs` proving jobs.
    BatchSealed {
        /// The batch.
        record: BatchRecord,
        /// How many jobs prove it.
        jobs: u32,
    },
    /// A batch was proven.
    BatchProven {
        /// The batch.
        record: BatchRecord,
        /// The circuits of its proof.
        circuits: CircuitDigest,
        /// The proof's size in bytes.
        proof_bytes: u64,
    },
}

/// Why an announcement is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnouncementError {
    /// The payload is not an announcement.
    #[error("undecodable announcement on {topic}: {reason}")]
    Undecodable {
        /// The topic it came on.
        topic: Topic,
        /// The decoder's complaint.
        reason: String,
    },
    /// The announcement belongs on another topic (another kind or another chain).
    #[error("an announcement for {belongs} arrived on {topic}")]
    WrongTopic {
        /// The topic it came on.
        topic: Topic,
        /// The topic it names.
        belongs: Topic,
    },
    /// Somebody other than the chain's sequencer signed it.
    #[error(
        "an announcement on {topic} signed by {author}, not by the chain's sequencer {sequencer}"
    )]
    NotTheSequencer {
        /// The topic.
        topic: Topic,
        /// Who signed it (`unsigned` when nobody did).
        author: String,
        /// Who may.
        sequencer: PeerId,
    },
    /// The embedded header or record does not decode, or names another chain.
    #[error("a malformed {what} on {topic}: {reason}")]
    Malformed {
        /// The topic.
        topic: Topic,
        /// A header or a batch record.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl Announcement {
    /// The announcement of a committed block.
    pub fn block(chain_id: ChainId, header: &BlockHeader) -> Self {
        Self::Block {
            chain_id,
            header: header.encode().into(),
        }
    }

    /// The announcement of a sealed batch planned into `jobs` jobs.
    pub fn batch_sealed(chain_id: ChainId, record: &BatchRecord, jobs: u32) -> Self {
        Self::BatchSealed {
            chain_id,
            record: record.encode().into(),
            jobs,
        }
    }

    /// The announcement of a proven batch.
    pub fn batch_proven(
        chain_id: ChainId,
        record: &BatchRecord,
        circuits: CircuitDigest,
        proof_bytes: u64,
    ) -> Self {
        Self::BatchProven {
            chain_id,
            record: record.encode().into(),
            circuits,
            proof_bytes,
        }
    }

    /// The topic this announcement goes on.
    pub fn topic(&self) -> Topic {
        match self {
            Self::Block { chain_id, .. } => Topic::Blocks(*chain_id),
            Self::BatchSealed { chain_id, .. } => Topic::Batches(*chain_id),
            Self::BatchProven { chain_id, .. } => Topic::Proven(*chain_id),
        }
    }

    /// The gossip payload (CBOR).
    pub fn encode(&self) -> Vec<u8> {
        // A derived enum of plain fields: encoding into a vector cannot fail.
        cbor4ii::serde::to_vec(Vec::new(), self).unwrap_or_default()
    }

    /// Checks a received gossip message (see the module docs) and decodes it. `sequencer` is
    /// the peer that speaks for the topic's chain.
    pub fn verify(
        topic: Topic,
        author: Option<PeerId>,
        sequencer: PeerId,
        data: &[u8],
    ) -> Result<ChainNews, AnnouncementError> {
        if author != Some(sequencer) {
            return Err(AnnouncementError::NotTheSequencer {
                topic,
                author: author.map_or_else(|| "nobody".to_owned(), |peer| peer.to_string()),
                sequencer,
            });
        }
        let announcement: Self =
            cbor4ii::serde::from_slice(data).map_err(|error| AnnouncementError::Undecodable {
                topic,
                reason: error.to_string(),
            })?;
        let belongs = announcement.topic();
        if belongs != topic {
            return Err(AnnouncementError::WrongTopic { topic, belongs });
        }
        let malformed = |what, reason: String| AnnouncementError::Malformed {
            topic,
            what,
            reason,
        };
        let record_of = |bytes: &Payload, chain_id: ChainId| {
            let record = BatchRecord::decode(&bytes.0)
                .map_err(|error| malformed("batch record", error.to_string()))?;
            if record.public_inputs.chain_id != chain_id {
                return Err(malformed(
                    "batch record",
                    format!(
                        "it is a batch of chain {}",
                        record.public_inputs.chain_id.get()
                    ),
                ));
            }
            Ok(record)
        };
        Ok(match announcement {
            Self::Block { header, .. } => ChainNews::Block(
                BlockHeader::decode(&header.0)
                    .map_err(|error| malformed("block header", error.to_string()))?,
            ),
            Self::BatchSealed {
                chain_id,
                record,
                jobs,
            } => ChainNews::BatchSealed {
                record: record_of(&record, chain_id)?,
                jobs,
            },
            Self::BatchProven {
                chain_id,
                record,
                circuits,
                proof_bytes,
            } => ChainNews::BatchProven {
                record: record_of(&record, chain_id)?,
                circuits,
                proof_bytes,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_primitives::{
        Amount,
        block::ProofStatus,
        bridge::{BatchPublicInputs, F},
        tx::Digest,
    };
    use plonky2::field::types::Field;

    use super::*;

    fn chain(id: u64) -> ChainId {
        ChainId::new(id).expect("valid chain id")
    }

    fn digest(x: u64) -> Digest {
        Digest {
            elements: [F::from_canonical_u64(x); 4],
        }
    }

    fn header() -> BlockHeader {
        BlockHeader {
            number: 7,
            parent_hash: digest(1),
            timestamp_ms: 1_700_000_000_000,
            state_root: digest(2),
            slots_hash: digest(3),
            slot_count: 2,
            priority_count: 1,
            import_count: 0,
            value_out: Amount::from_gwei(5),
            value_in: Amount::from_gwei(0),
        }
    }

    fn record(chain_id: ChainId) -> BatchRecord {
        BatchRecord {
            first_block: 5,
            last_block: 7,
            public_inputs: BatchPublicInputs {
                chain_id,
                batch_number: 3,
                old_state_root: digest(1),
                new_state_root: digest(2),
                priority_ops_count: 0,
                priority_commitment_before: digest(3),
                priority_commitment_after: digest(3),
                imports_count: 0,
                imports_commitment_before: digest(4),
                imports_commitment_after: digest(4),
                outbox_root: digest(5),
                value_out: Amount::from_gwei(0),
                value_in: Amount::from_gwei(0),
                pubdata_commitment: digest(6),
            },
            proof_status: ProofStatus::Pending,
        }
    }

    #[test]
    fn each_announcement_round_trips_on_its_own_topic() {
        let sequencer = PeerId::random();
        let id = chain(7);
        let cases = [
            (
                Announcement::block(id, &header()),
                ChainNews::Block(header()),
            ),
            (
                Announcement::batch_sealed(id, &record(id), 3),
                ChainNews::BatchSealed {
                    record: record(id),
                    jobs: 3,
                },
            ),
            (
                Announcement::batch_proven(id, &record(id), CircuitDigest([9; 32]), 1234),
                ChainNews::BatchProven {
                    record: record(id),
                    circuits: CircuitDigest([9; 32]),
                    proof_bytes: 1234,
                },
            ),
        ];
        for (announcement, news) in cases {
            let topic = announcement.topic();
            assert_eq!(
                Announcement::verify(topic, Some(sequencer), sequencer, &announcement.encode()),
                Ok(news)
            );
        }
    }

    #[test]
    fn lies_are_refused_naming_what_is_wrong() {
        let sequencer = PeerId::random();
        let impostor = PeerId::random();
        let id = chain(7);
        let block = Announcement::block(id, &header()).encode();
        let topic = Topic::Blocks(id);

        let error = Announcement::verify(topic, Some(impostor), sequencer, &block).unwrap_err();
        assert!(matches!(error, AnnouncementError::NotTheSequencer { .. }));
        assert!(error.to_string().contains(&sequencer.to_string()));
        assert!(matches!(
            Announcement::verify(topic, None, sequencer, &block),
            Err(AnnouncementError::NotTheSequencer { .. })
        ));

        // Another kind, or another chain, on this topic.
        for other in [Topic::Batches(id), Topic::Blocks(chain(8))] {
            let error =
                Announcement::verify(other, Some(sequencer), sequencer, &block).unwrap_err();
            assert_eq!(
                error,
                AnnouncementError::WrongTopic {
                    topic: other,
                    belongs: topic
                }
            );
        }

        assert!(matches!(
            Announcement::verify(topic, Some(sequencer), sequencer, b"\xff\x00not cbor"),
            Err(AnnouncementError::Undecodable { .. })
        ));

        // A header cut short.
        let short = Announcement::Block {
            chain_id: id,
            header: header().encode()[..40].to_vec().into(),
        };
        assert!(matches!(
            Announcement::verify(topic, Some(sequencer), sequencer, &short.encode()),
            Err(AnnouncementError::Malformed {
                what: "block header",
                ..
            })
        ));

        // A batch of chain 8 announced as chain 7's.
        let foreign = Announcement::BatchSealed {
            chain_id: id,
            record: record(chain(8)).encode().into(),
            jobs: 1,
        };
        let error = Announcement::verify(
            Topic::Batches(id),
            Some(sequencer),
            sequencer,
            &foreign.encode(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("chain 8"), "{error}");
    }
}
