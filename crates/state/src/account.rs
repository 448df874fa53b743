//! Accounts (the record and its leaf are `hyperforge_primitives::account`'s) and the digest
//! encoding the store uses.

pub use hyperforge_primitives::account::{Account, AccountIndex};
use hyperforge_primitives::tx::{digest_from_bytes, digest_to_bytes};

use crate::{Digest, StateError};

/// A digest as 32 bytes, in the one form used everywhere (the bridge's bytes32: four
/// big-endian u64, element 0 first).
pub fn encode_digest(digest: &Digest) -> [u8; 32] {
    digest_to_bytes(digest)
}

/// Reads [`encode_digest`]'s output, refusing a wrong length and non-canonical elements.
pub fn decode_digest(bytes: &[u8]) -> Result<Digest, StateError> {
    let bytes: &[u8; 32] = bytes.try_into().map_err(|_| {
        StateError::Corrupt(format!("digest of {} bytes, expected 32", bytes.len()))
    })?;
    digest_from_bytes(bytes).map_err(|error| StateError::Corrupt(error.to_string()))
}

/// Reads an account record.
pub(crate) fn decode_account(bytes: &[u8]) -> Result<Account, StateError> {
    Account::decode(bytes).map_err(|error| StateError::Corrupt(format!("account record: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_canonical_digest_is_refused() {
        let bytes = [0xff; 32];
        assert!(matches!(decode_digest(&bytes), Err(StateError::Corrupt(_))));
    }
}
