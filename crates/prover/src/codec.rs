//! The canonical byte form of job payloads: big-endian integers, digests as 32 bytes
//! (`digest_to_bytes`), lengths as `u32`, no trailing bytes.

use hyperforge_circuits::ChunkState;
use hyperforge_primitives::{
    Amount, ChainId,
    bridge::StateCommitment,
    tx::{Digest, digest_from_bytes, digest_to_bytes},
};

use crate::error::ProverError;

/// Appends values in the canonical form.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) out: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, value: u8) -> &mut Self {
        self.out.push(value);
        self
    }

    pub(crate) fn u32(&mut self, value: u32) -> &mut Self {
        self.out.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn u64(&mut self, value: u64) -> &mut Self {
        self.out.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn digest(&mut self, digest: &Digest) -> &mut Self {
        self.out.extend_from_slice(&digest_to_bytes(digest));
        self
    }

    /// A length-prefixed byte string.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.u32(bytes.len() as u32);
        self.out.extend_from_slice(bytes);
        self
    }

    pub(crate) fn chunk_state(&mut self, state: &ChunkState) -> &mut Self {
        self.u64(state.chain_id.get());
        let commitment = &state.state;
        self.digest(&commitment.account_root)
            .digest(&commitment.nullifier_root)
            .digest(&commitment.imported_root)
            .u32(commitment.next_account_index)
            .u64(commitment.imported_count);
        self.digest(&state.slots_hash)
            .digest(&state.priority_commitment)
            .digest(&state.imports_commitment);
        self.u32(state.outbox.len() as u32);
        for leaf in &state.outbox {
            self.digest(leaf);
        }
        self.u64(state.value_out.gwei()).u64(state.value_in.gwei())
    }
}

/// Reads the canonical form, naming what it decodes in its errors.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, at: 0, what }
    }

    pub(crate) fn error(&self, problem: impl Into<String>) -> ProverError {
        ProverError::Malformed {
            what: self.what,
            problem: problem.into(),
        }
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], ProverError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.error(format!("truncated at byte {}", self.at)))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, ProverError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn bool(&mut self) -> Result<bool, ProverError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(self.error(format!("{other} is not a boolean"))),
        }
    }

    pub(crate) fn u32(&mut self) -> Result<u32, ProverError> {
        let bytes = self.take(4)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, ProverError> {
        let mut out = [0; 8];
        out.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(out))
    }

    pub(crate) fn digest(&mut self) -> Result<Digest, ProverError> {
        let mut out = [0; 32];
        out.copy_from_slice(self.take(32)?);
        digest_from_bytes(&out).map_err(|error| self.error(error.to_string()))
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], ProverError> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    pub(crate) fn chunk_state(&mut self) -> Result<ChunkState, ProverError> {
        let chain_id = ChainId::new(self.u64()?).map_err(|error| self.error(error.to_string()))?;
        let state = StateCommitment {
            account_root: self.digest()?,
            nullifier_root: self.digest()?,
            imported_root: self.digest()?,
            next_account_index: self.u32()?,
            imported_count: self.u64()?,
        };
        let slots_hash = self.digest()?;
        let priority_commitment = self.digest()?;
        let imports_commitment = self.digest()?;
        let count = self.u32()? as usize;
        // Bounded by the input: every leaf is 32 bytes.
        if count > (self.bytes.len() - self.at) / 32 {
            return Err(self.error(format!("{count} outbox leaves announced")));
        }
        let outbox = (0..count)
            .map(|_| self.digest())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ChunkState {
            chain_id,
            state,
            slots_hash,
            priority_commitment,
            imports_commitment,
            outbox,
            value_out: Amount::from_gwei(self.u64()?),
            value_in: Amount::from_gwei(self.u64()?),
        })
    }

    /// Refuses bytes left over.
    pub(crate) fn finish(&self) -> Result<(), ProverError> {
        if self.at != self.bytes.len() {
            return Err(self.error(format!("{} trailing bytes", self.bytes.len() - self.at)));
        }
        Ok(())
    }
}
