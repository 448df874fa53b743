//! [`RpcBatches`]: a chain's proven batches read from its sequencer's JSON-RPC,
//! `hf_getBatch` then `hf_getBatchProof`.
//!
//! The crate graph keeps the `sequencer` crate (and so its typed `HfApiClient`) out of the
//! settler, so this module calls the same methods with jsonrpsee's raw HTTP client and reads
//! the answers into views of its own with the same JSON names as `sequencer::api`'s
//! `BatchView`, `PublicInputsView` and `BatchProofView` (only the fields the settler needs; unknown ones are
//! ignored). The node's end-to-end test reads a real sequencer's batch through this module.

use std::time::Duration;

use alloy::primitives::B256;
use futures::future::BoxFuture;
use hyperforge_primitives::{
    Amount, ChainId,
    bridge::{BatchPublicInputs, digest_from_b256},
};
use jsonrpsee::{
    core::client::ClientT,
    http_client::{HttpClient, HttpClientBuilder},
    rpc_params,
};
use serde::Deserialize;
use url::Url;

use crate::error::SourceError;
use crate::source::{ProvenBatch, ProvenBatches};

/// `hf_getBatch`'s `proofStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProofStatusView {
    /// Not proven yet.
    Pending,
    /// Proven.
    Proven,
    /// Settled on L1 (the sequencer saw it).
    Settled,
}

/// The part of `hf_getBatch`'s answer the settler reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedBatchView {
    /// The batch number.
    pub number: u64,
    /// Pending, proven or settled.
    pub proof_status: ProofStatusView,
    /// The sealed public inputs.
    pub public_inputs: InputsView,
}

/// `hf_getBatch`'s `publicInputs`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct InputsView {
    pub chain_id: u64,
    pub batch_number: u64,
    pub old_state_root: B256,
    pub new_state_root: B256,
    pub priority_ops_count: u64,
    pub priority_commitment_before: B256,
    pub priority_commitment_after: B256,
    pub imports_count: u64,
    pub imports_commitment_before: B256,
    pub imports_commitment_after: B256,
    pub outbox_root: B256,
    /// Gwei, decimal.
    pub value_out_gwei: String,
    /// Gwei, decimal.
    pub value_in_gwei: String,
    pub pubdata_commitment: B256,
}

impl InputsView {
    /// The public inputs the view states; every digest must be canonical.
    pub fn to_inputs(&self) -> Result<BatchPublicInputs, String> {
        let digest = |bytes: &B256| digest_from_b256(bytes).map_err(|error| error.to_string());
        let gwei = |text: &str| {
            text.parse::<u64>()
                .map(Amount::from_gwei)
                .map_err(|error| format!("{text:?} is no gwei amount: {error}"))
        };
        Ok(BatchPublicInputs {
            chain_id: ChainId::new(self.chain_id).map_err(|error| error.to_string())?,
            batch_number: self.batch_number,
            old_state_root: digest(&self.old_state_root)?,
            new_state_root: digest(&self.new_state_root)?,
            priority_ops_count: self.priority_ops_count,
            priority_commitment_before: digest(&self.priority_commitment_before)?,
            priority_commitment_after: digest(&self.priority_commitment_after)?,
            imports_count: self.imports_count,
            imports_commitment_before: digest(&self.imports_commitment_before)?,
            imports_commitment_after: digest(&self.imports_commitment_after)?,
            outbox_root: digest(&self.outbox_root)?,
            value_out: gwei(&self.value_out_gwei)?,
            value_in: gwei(&self.value_in_gwei)?,
            pubdata_commitment: digest(&self.pubdata_commitment)?,
        })
    }
}

/// `hf_getBatchProof`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchProofView {
    /// The batch number.
    pub number: u64,
    /// The digest of the circuits the sequencer checked the proof against (informational:
    /// the settler verifies the proof against its own circuits).
    pub circuits: B256,
    /// `0x` hex of `BatchProof::to_bytes`.
    pub proof: String,
}

/// A chain's proven batches from its sequencer's JSON-RPC.
#[derive(Debug, Clone)]
pub struct RpcBatches {
    chain_id: ChainId,
    url: Url,
    client: HttpClient,
}

/// Batch proofs are about 100-200 kB, hex doubles them: room for larger circuits.
const MAX_RESPONSE_BYTES: u32 = 64 * 1024 * 1024;

impl RpcBatches {
    /// A source reading `chain_id`'s batches from the sequencer at `url`.
    pub fn new(chain_id: ChainId, url: Url, timeout: Duration) -> Result<Self, SourceError> {
        let client = HttpClientBuilder::default()
            .request_timeout(timeout)
            .max_response_size(MAX_RESPONSE_BYTES)
            .build(url.as_str())?;
        Ok(Self {
            chain_id,
            url,
            client,
        })
    }

    /// The sequencer's URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// `hf_getBatch(number)`.
    pub async fn batch(&self, number: u64) -> Result<Option<SealedBatchView>, SourceError> {
        Ok(self
            .client
            .request("hf_getBatch", rpc_params![number])
            .await?)
    }

    /// `hf_getBatchProof(number)`: the batch proof's bytes, if it is proven.
    pub async fn batch_proof(&self, number: u64) -> Result<Option<Vec<u8>>, SourceError> {
        let view: Option<BatchProofView> = self
            .client
            .request("hf_getBatchProof", rpc_params![number])
            .await?;
        let Some(view) = view else {
            return Ok(None);
        };
        let malformed = |problem: String| SourceError::Malformed {
            batch_number: number,
            problem,
        };
        if view.number != number {
            return Err(malformed(format!(
                "asked for the proof of batch {number}, got batch {}'s",
                view.number
            )));
        }
        alloy::primitives::hex::decode(&view.proof)
            .map(Some)
            .map_err(|error| malformed(format!("the proof is not hex: {error}")))
    }

    async fn fetch(&self, after: u64) -> Result<Option<ProvenBatch>, SourceError> {
        let Some(number) = after.checked_add(1) else {
            return Ok(None);
        };
        let Some(view) = self.batch(number).await? else {
            return Ok(None);
        };
        if view.proof_status == ProofStatusView::Pending {
            return Ok(None);
        }
        let malformed = |problem: String| SourceError::Malformed {
            batch_number: number,
            problem,
        };
        if view.number != number {
            return Err(malformed(format!(
                "asked for batch {number}, got {}",
                view.number
            )));
        }
        let inputs = view.public_inputs.to_inputs().map_err(malformed)?;
        let proof = self
            .batch_proof(number)
            .await?
            .ok_or(SourceError::MissingProof(number))?;
        Ok(Some(ProvenBatch { inputs, proof }))
    }
}

impl ProvenBatches for RpcBatches {
    fn chain_id(&self) -> ChainId {
        self.chain_id
    }

    fn next_proven(&self, after: u64) -> BoxFuture<'_, Result<Option<ProvenBatch>, SourceError>> {
        Box::pin(self.fetch(after))
    }
}
