//! Parsing Ethereum addresses from user input.

use alloy_primitives::Address;

/// Why a string is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not 20 bytes of hex with a `0x` prefix.
    #[error("`{input}` is not an address: expected 0x followed by 40 hex digits")]
    Malformed {
        /// What was given.
        input: String,
    },
    /// Mixed case that does not match the EIP-55 checksum: most likely a typo.
    #[error("`{input}` has a wrong EIP-55 checksum (expected {expected}): check for a typo")]
    BadChecksum {
        /// What was given.
        input: String,
        /// The correctly checksummed form of the same bytes.
        expected: String,
    },
}

/// Parses `0x`-prefixed hex. All-lowercase and all-uppercase hex are accepted as they are;
/// mixed case must carry a valid EIP-55 checksum.
pub fn parse_address(input: &str) -> Result<Address, AddressError> {
    let malformed = || AddressError::Malformed {
        input: input.to_owned(),
    };
    let hex = input.strip_prefix("0x").ok_or_else(malformed)?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed());
    }
    let address: Address = input.parse().map_err(|_| malformed())?;
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        let expected = address.to_checksum(None);
        if expected != input {
            return Err(AddressError::BadChecksum {
                input: input.to_owned(),
                expected,
            });
        }
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_checksummed_lowercase_and_uppercase() {
        let checksummed = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
        let address = parse_address(checksummed).unwrap();
        assert_eq!(parse_address(&checksummed.to_lowercase()).unwrap(), address);
        let upper = format!("0x{}", &checksummed[2..].to_uppercase());
        assert_eq!(parse_address(&upper).unwrap(), address);
    }

    #[test]
    fn rejects_bad_checksum_and_names_the_right_one() {
        let err = parse_address("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266").unwrap_err();
        assert_eq!(
            err,
            AddressError::BadChecksum {
                input: "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
                expected: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
            }
        );
    }

    #[test]
    fn rejects_wrong_length_missing_prefix_and_non_hex() {
        for input in [
            "0x1234",
            "f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "0xz39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "",
        ] {
            assert!(
                matches!(parse_address(input), Err(AddressError::Malformed { .. })),
                "{input}"
            );
        }
    }
}
