//! The id of one hyperchain, as used in EIP-155 signatures and on the L1 bridge.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The id of a chain. Zero is not a valid chain id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct ChainId(u64);

/// Why a number is not a chain id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainIdError {
    /// Zero is reserved: EIP-155 and the bridge both treat it as "no chain".
    #[error("chain id 0 is not allowed")]
    Zero,
    /// Chain ids must stay below 2^53 so that JavaScript wallets represent them exactly.
    #[error("chain id {0} is too large: it must be below 2^53 (9007199254740992)")]
    TooLarge(u64),
    /// Not a decimal number.
    #[error("`{0}` is not a chain id: expected a positive decimal number")]
    NotANumber(String),
}

impl ChainId {
    /// The largest chain id that JavaScript numbers hold exactly (2^53 - 1).
    pub const MAX: u64 = (1 << 53) - 1;

    /// A chain id, if `id` is in range.
    pub const fn new(id: u64) -> Result<Self, ChainIdError> {
        if id == 0 {
            Err(ChainIdError::Zero)
        } else if id > Self::MAX {
            Err(ChainIdError::TooLarge(id))
        } else {
            Ok(Self(id))
        }
    }

    /// The id as a number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for ChainId {
    type Error = ChainIdError;

    fn try_from(id: u64) -> Result<Self, Self::Error> {
        Self::new(id)
    }
}

impl From<ChainId> for u64 {
    fn from(id: ChainId) -> Self {
        id.0
    }
}

impl FromStr for ChainId {
    type Err = ChainIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let id = s
            .trim()
            .parse::<u64>()
            .map_err(|_| ChainIdError::NotANumber(s.to_owned()))?;
        Self::new(id)
    }
}

impl fmt::Display for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_too_large_are_rejected() {
        assert_eq!(ChainId::new(0), Err(ChainIdError::Zero));
        assert_eq!(ChainId::new(1 << 53), Err(ChainIdError::TooLarge(1 << 53)));
        assert_eq!(
            ChainId::new(ChainId::MAX).map(ChainId::get),
            Ok(ChainId::MAX)
        );
    }

    #[test]
    fn parses_decimal_and_names_garbage() {
        assert_eq!("270".parse::<ChainId>().map(ChainId::get), Ok(270));
        assert_eq!(
            "0x10".parse::<ChainId>(),
            Err(ChainIdError::NotANumber("0x10".into()))
        );
    }

    #[test]
    fn serde_rejects_zero() {
        let err = serde_json::from_str::<ChainId>("0")
            .unwrap_err()
            .to_string();
        assert!(err.contains("chain id 0 is not allowed"), "{err}");
    }
}
