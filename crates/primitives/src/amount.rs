//! Amounts of ETH on L2, counted in gwei.
//!
//! L2 balances are whole gwei in a `u64` (at most about 18.4 billion ETH). The circuits hold a
//! balance as two 32-bit limbs, because a 64-bit range check on one Goldilocks element checks
//! nothing; a `u64` maps onto those limbs exactly. The L1 bridge refuses deposits that are not
//! whole gwei, so every L1 amount converts without loss.

use std::{fmt, str::FromStr};

use alloy_primitives::{
    U256,
    utils::{ParseUnits, parse_units},
};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// How many wei make one gwei.
pub const GWEI_IN_WEI: u64 = 1_000_000_000;
const GWEI_IN_ETHER: u64 = 1_000_000_000;

/// An amount of ETH in gwei.
///
/// In configuration files an amount is either an integer (gwei) or a string with a unit:
/// `"10000 ether"`, `"1.5 eth"`, `"250 gwei"`, `"3000000000 wei"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(u64);

/// Why a value is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not `<number> [wei|gwei|ether|eth]`.
    #[error(
        "`{0}` is not an amount: expected a number with an optional unit (wei, gwei, ether), like `1.5 ether`"
    )]
    Malformed(String),
    /// Negative amounts do not exist.
    #[error("`{0}` is negative: amounts are never negative")]
    Negative(String),
    /// A wei amount that is not a whole number of gwei.
    #[error("`{0}` is not a whole number of gwei: L2 balances are counted in gwei")]
    FractionalGwei(String),
    /// More than `u64::MAX` gwei.
    #[error("`{0}` is too large: at most 18446744073709551615 gwei (about 18.4 billion ether)")]
    Overflow(String),
}

impl Amount {
    /// Zero gwei.
    pub const ZERO: Self = Self(0);

    /// `gwei` gwei.
    pub const fn from_gwei(gwei: u64) -> Self {
        Self(gwei)
    }

    /// `ether` whole ether, if that fits.
    pub const fn from_ether(ether: u64) -> Option<Self> {
        match ether.checked_mul(GWEI_IN_ETHER) {
            Some(gwei) => Some(Self(gwei)),
            None => None,
        }
    }

    /// An amount from wei, which must be a whole number of gwei.
    pub fn from_wei(wei: U256) -> Result<Self, AmountError> {
        let gwei_in_wei = U256::from(GWEI_IN_WEI);
        if wei % gwei_in_wei != U256::ZERO {
            return Err(AmountError::FractionalGwei(format!("{wei} wei")));
        }
        u64::try_from(wei / gwei_in_wei)
            .map(Self)
            .map_err(|_| AmountError::Overflow(format!("{wei} wei")))
    }

    /// The amount in gwei.
    pub const fn gwei(self) -> u64 {
        self.0
    }

    /// The amount in wei.
    pub fn wei(self) -> U256 {
        U256::from(self.0) * U256::from(GWEI_IN_WEI)
    }

    /// `self + other`, or `None` on overflow.
    pub const fn checked_add(self, other: Self) -> Option<Self> {
        match self.0.checked_add(other.0) {
            Some(sum) => Some(Self(sum)),
            None => None,
        }
    }

    /// `self - other`, or `None` if `other` is larger.
    pub const fn checked_sub(self, other: Self) -> Option<Self> {
        match self.0.checked_sub(other.0) {
            Some(difference) => Some(Self(difference)),
            None => None,
        }
    }
}

impl FromStr for Amount {
    type Err = AmountError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        let (number, unit) = match trimmed.find(|c: char| c.is_ascii_alphabetic()) {
            Some(at) => (trimmed[..at].trim_end(), &trimmed[at..]),
            None => (trimmed, "gwei"),
        };
        let unit = match unit.to_ascii_lowercase().as_str() {
            "wei" => "wei",
            "gwei" => "gwei",
            "ether" | "eth" => "ether",
            _ => return Err(AmountError::Malformed(input.to_owned())),
        };
        if number.is_empty()
            || !number
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            return Err(AmountError::Malformed(input.to_owned()));
        }
        let wei = match parse_units(number, unit) {
            Ok(ParseUnits::U256(wei)) => wei,
            Ok(ParseUnits::I256(_)) => return Err(AmountError::Negative(input.to_owned())),
            Err(_) if number.starts_with('-') => {
                return Err(AmountError::Negative(input.to_owned()));
            }
            Err(_) => return Err(AmountError::Malformed(input.to_owned())),
        };
        Self::from_wei(wei).map_err(|err| match err {
            AmountError::FractionalGwei(_) => AmountError::FractionalGwei(input.to_owned()),
            AmountError::Overflow(_) => AmountError::Overflow(input.to_owned()),
            other => other,
        })
    }
}

impl fmt::Display for Amount {
    /// Whole ether as `N ether`, anything else as `N gwei`: exact, and reads back the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 != 0 && self.0.is_multiple_of(GWEI_IN_ETHER) {
            write!(f, "{} ether", self.0 / GWEI_IN_ETHER)
        } else {
            write!(f, "{} gwei", self.0)
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;

        impl de::Visitor<'_> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount: an integer number of gwei, or a string like \"1.5 ether\"")
            }

            fn visit_u64<E: de::Error>(self, gwei: u64) -> Result<Amount, E> {
                Ok(Amount(gwei))
            }

            fn visit_i64<E: de::Error>(self, gwei: i64) -> Result<Amount, E> {
                u64::try_from(gwei)
                    .map(Amount)
                    .map_err(|_| E::custom(AmountError::Negative(gwei.to_string())))
            }

            fn visit_str<E: de::Error>(self, input: &str) -> Result<Amount, E> {
                input.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(
            "10000 ether".parse(),
            Ok(Amount::from_gwei(10_000 * GWEI_IN_ETHER))
        );
        assert_eq!("1.5 ETH".parse(), Ok(Amount::from_gwei(1_500_000_000)));
        assert_eq!("250 gwei".parse(), Ok(Amount::from_gwei(250)));
        assert_eq!("3000000000 wei".parse(), Ok(Amount::from_gwei(3)));
        assert_eq!("42".parse(), Ok(Amount::from_gwei(42)));
        assert_eq!(
            "100ether".parse(),
            Ok(Amount::from_gwei(100 * GWEI_IN_ETHER))
        );
    }

    #[test]
    fn names_each_kind_of_bad_amount() {
        assert_eq!(
            "1 wei".parse::<Amount>(),
            Err(AmountError::FractionalGwei("1 wei".into()))
        );
        assert_eq!(
            "-1 ether".parse::<Amount>(),
            Err(AmountError::Negative("-1 ether".into()))
        );
        assert_eq!(
            "20000000000 ether".parse::<Amount>(),
            Err(AmountError::Overflow("20000000000 ether".into()))
        );
        for bad in ["", "ten ether", "1 dollar", "1e3 gwei", "0x10"] {
            assert_eq!(
                bad.parse::<Amount>(),
                Err(AmountError::Malformed(bad.into())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn deserializes_integers_and_strings() {
        assert_eq!(
            toml::from_str::<toml::Table>("a = 5").unwrap()["a"]
                .clone()
                .try_into::<Amount>()
                .unwrap(),
            Amount::from_gwei(5)
        );
        assert_eq!(
            serde_json::from_str::<Amount>("\"2 ether\"").unwrap(),
            Amount::from_gwei(2 * GWEI_IN_ETHER)
        );
        let err = serde_json::from_str::<Amount>("-3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("negative"), "{err}");
    }

    #[test]
    fn checked_arithmetic_refuses_overflow_and_underflow() {
        assert_eq!(
            Amount::from_gwei(u64::MAX).checked_add(Amount::from_gwei(1)),
            None
        );
        assert_eq!(Amount::ZERO.checked_sub(Amount::from_gwei(1)), None);
        assert_eq!(Amount::from_ether(u64::MAX), None);
    }

    proptest! {
        #[test]
        fn display_reads_back_to_the_same_amount(gwei in any::<u64>()) {
            let amount = Amount::from_gwei(gwei);
            prop_assert_eq!(amount.to_string().parse::<Amount>(), Ok(amount));
            prop_assert_eq!(Amount::from_wei(amount.wei()), Ok(amount));
        }
    }
}
