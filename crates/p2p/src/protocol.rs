//! The wire types: the jobs protocol `/hyperforge/jobs/1` and the gossip topics.
//!
//! The jobs protocol has two requests, each answered at once:
//!
//! - [`JobRequest`]: a prover asks for work and gets a [`Job`] or "none"
//!   ([`JobsResponse::Job`] / [`JobsResponse::NoJob`]).
//! - [`ProofSubmission`]: the proof of a job, sent later as a request of its own (no request
//!   is held open while proving), answered with a [`ProofReceipt`].
//!
//! Either request may instead be answered with a [`Refusal`] (not allowed, other circuits,
//! too large, ...). Payloads (witnesses, proofs) are opaque bytes: this crate knows nothing
//! of circuits or state; the coordinator and the prover give them meaning. Messages are CBOR
//! (serde); byte payloads are CBOR byte strings ([`Payload`]), not arrays of integers.

use std::{fmt, str::FromStr};

use hyperforge_primitives::ChainId;
use libp2p::StreamProtocol;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The jobs protocol's name.
pub const JOBS_PROTOCOL: StreamProtocol = StreamProtocol::new("/hyperforge/jobs/1");

/// The id of one proving job, chosen by the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JobId(pub u64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A 32-byte digest naming the circuits a job expects (the verifier data's digest): a
/// prover built for other parameters must not take the job.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CircuitDigest(pub [u8; 32]);

impl fmt::Display for CircuitDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for CircuitDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CircuitDigest({self})")
    }
}

/// Opaque bytes (a witness, a proof), encoded as one CBOR byte string.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Payload(pub Vec<u8>);

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payload({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Payload {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;

        impl<'de> serde::de::Visitor<'de> for BytesVisitor {
            type Value = Payload;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a byte string")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Payload, E> {
                Ok(Payload(bytes.to_vec()))
            }

            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Payload, E> {
                Ok(Payload(bytes))
            }
        }

        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

/// A prover asks for work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRequest {
    /// The chains the prover serves (their circuits must agree with its own).
    pub chain_ids: Vec<ChainId>,
    /// The digest of the circuits the prover was built with.
    pub circuits: CircuitDigest,
    /// Job kinds the prover takes (coordinator-defined; empty: any).
    pub kinds: Vec<u8>,
}

/// One proving job, as the coordinator hands it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The job's id, echoed in the [`ProofSubmission`].
    pub job_id: JobId,
    /// The chain the job belongs to.
    pub chain_id: ChainId,
    /// The circuits the job expects: the proof must verify against them.
    pub circuits: CircuitDigest,
    /// The job's kind (coordinator-defined: chunk, aggregation, ...).
    pub kind: u8,
    /// Milliseconds the lease lasts from the answer; the coordinator re-queues the job after.
    pub lease_ms: u64,
    /// The witness (and child proofs), encoded by the coordinator.
    pub witness: Payload,
}

/// The proof of a job, sent as its own request once proven.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofSubmission {
    /// The job this proves.
    pub job_id: JobId,
    /// The job's chain.
    pub chain_id: ChainId,
    /// The circuits the proof was made with.
    pub circuits: CircuitDigest,
    /// The proof, encoded by the prover.
    pub proof: Payload,
}

/// The coordinator's verdict on a submitted proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofReceipt {
    /// The proof verified and was stored.
    Accepted,
    /// The proof was not taken; the reason is for logs.
    Rejected {
        /// Why (does not verify, lease expired, unknown job, ...).
        reason: String,
    },
}

/// Why a request was not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    /// The requester is not on the allow-list (or is banned).
    #[error("peer not allowed to take jobs")]
    NotAllowed,
    /// The prover's circuits are not the ones the jobs expect.
    #[error("circuit mismatch: the jobs expect {expected}, the prover has {got}")]
    CircuitMismatch {
        /// What the coordinator's jobs expect.
        expected: CircuitDigest,
        /// What the prover was built with.
        got: CircuitDigest,
    },
    /// The answer would have been over the response limit.
    #[error("answer of {size} bytes is over the {limit}-byte response limit")]
    Oversized {
        /// The encoded answer's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The request was too large or did not decode (the requester is penalised).
    #[error("bad request: {reason}")]
    BadRequest {
        /// What was wrong.
        reason: String,
    },
    /// Anything else the coordinator wants to say.
    #[error("{0}")]
    Other(String),
}

/// A request on `/hyperforge/jobs/1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobsRequest {
    /// Ask for work.
    Job(JobRequest),
    /// Hand a proof back.
    Proof(ProofSubmission),
}

/// A response on `/hyperforge/jobs/1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobsResponse {
    /// A job for a [`JobsRequest::Job`].
    Job(Box<Job>),
    /// No work now, for a [`JobsRequest::Job`].
    NoJob,
    /// The verdict on a [`JobsRequest::Proof`].
    Receipt(ProofReceipt),
    /// The request was not served.
    Refused(Refusal),
}

/// A gossip topic: three per chain and one for the ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// New blocks of a chain: `hyperforge/<chain id>/blocks`.
    Blocks(ChainId),
    /// Batches sealed: `hyperforge/<chain id>/batches`.
    Batches(ChainId),
    /// Batches proven: `hyperforge/<chain id>/proven`.
    Proven(ChainId),
    /// Every chain of the ecosystem: `hyperforge/ecosystem`.
    Ecosystem,
}

impl Topic {
    /// The gossipsub topic name.
    pub fn name(&self) -> String {
        match self {
            Self::Blocks(id) => format!("hyperforge/{id}/blocks"),
            Self::Batches(id) => format!("hyperforge/{id}/batches"),
            Self::Proven(id) => format!("hyperforge/{id}/proven"),
            Self::Ecosystem => "hyperforge/ecosystem".to_owned(),
        }
    }

    /// The gossipsub topic (an identity topic: the hash is the name).
    pub fn ident(&self) -> libp2p::gossipsub::IdentTopic {
        libp2p::gossipsub::IdentTopic::new(self.name())
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A string that names no hyperforge topic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a hyperforge topic")]
pub struct UnknownTopic(pub String);

impl FromStr for Topic {
    type Err = UnknownTopic;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownTopic(s.to_owned());
        if s == "hyperforge/ecosystem" {
            return Ok(Self::Ecosystem);
        }
        let rest = s.strip_prefix("hyperforge/").ok_or_else(unknown)?;
        let (digits, kind) = rest.split_once('/').ok_or_else(unknown)?;
        let id: ChainId = digits.parse().map_err(|_| unknown())?;
        // Only the canonical decimal form: one name per topic.
        if id.to_string() != digits {
            return Err(unknown());
        }
        match kind {
            "blocks" => Ok(Self::Blocks(id)),
            "batches" => Ok(Self::Batches(id)),
            "proven" => Ok(Self::Proven(id)),
            _ => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(id: u64) -> ChainId {
        ChainId::new(id).expect("valid chain id")
    }

    #[test]
    fn topic_names_round_trip_and_refuse_other_spellings() {
        for topic in [
            Topic::Blocks(chain(7)),
            Topic::Batches(chain(7)),
            Topic::Proven(chain(1234)),
            Topic::Ecosystem,
        ] {
            assert_eq!(topic.name().parse::<Topic>(), Ok(topic));
        }
        assert_eq!(Topic::Blocks(chain(7)).name(), "hyperforge/7/blocks");
        for bad in [
            "hyperforge/07/blocks",
            "hyperforge/0/blocks",
            "hyperforge/7/block",
            "hyperforge/7",
            "other/7/blocks",
            "hyperforge/ 7/blocks",
        ] {
            assert!(bad.parse::<Topic>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn payloads_are_cbor_byte_strings() {
        let payload = Payload(vec![0xAB; 1000]);
        let encoded = cbor4ii::serde::to_vec(Vec::new(), &payload).expect("encodes");
        // Major type 2 (byte string) with a two-byte length: 3 bytes of header, not 2 per byte.
        assert_eq!(encoded.len(), 1003);
        assert_eq!(encoded[0], 0x59);
        let decoded: Payload = cbor4ii::serde::from_slice(&encoded).expect("decodes");
        assert_eq!(decoded, payload);
    }

    #[test]
    fn circuit_digests_print_as_hex() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xAB;
        bytes[31] = 0x01;
        let shown = CircuitDigest(bytes).to_string();
        assert_eq!(shown.len(), 66);
        assert!(shown.starts_with("0xab00"));
        assert!(shown.ends_with("01"));
    }
}
