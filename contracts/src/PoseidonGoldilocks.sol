// SPDX-License-Identifier: MIT OR Apache-2.0
// GENERATED from plonky2 1.1's Poseidon constants by crates/l1/tests/it/poseidon_sol.rs: do not edit.
pragma solidity 0.8.30;

/// @title PoseidonGoldilocks
/// @notice plonky2 1.1's `PoseidonHash` over the Goldilocks field p = 2^64 - 2^32 + 1: width 12,
/// rate 8, x^7 S-box, 4 + 22 + 4 rounds, the partial rounds in plonky2's fast form.
/// `hashNoPad` is plonky2's `hash_no_pad` (overwrite-mode sponge, no padding, 4 output
/// elements; the empty input hashes to zero) and `twoToOne(a, b)` is its `two_to_one`, which
/// equals `hashNoPad(a || b)`. A digest is a bytes32 holding its four elements as big-endian
/// uint64 words, element 0 in the most significant word. Every input must be canonical (< p).
/// @dev The state lives in memory words 0x80..0x200; each external function writes its result
/// with `return` from assembly, so no Solidity code ever reads that memory afterwards.
contract PoseidonGoldilocks {
    /// @notice An input element is not canonical: it is >= p.
    error NonCanonicalElement(uint256 value);

    uint256 internal constant P = 0xffffffff00000001;

    /// @notice The Poseidon permutation of a 12-element state.
    function permute(uint256[12] calldata state) external pure returns (uint256[12] memory) {
        assembly {
            calldatacopy(0x80, state, 0x180)
        }
        _requireCanonical(0x80, 0x200);
        _permute();
        assembly {
            for { let i := 0x80 } lt(i, 0x200) { i := add(i, 0x20) } { mstore(i, mod(mload(i), P)) }
            return(0x80, 0x180)
        }
    }

    /// @notice plonky2's `hash_no_pad` of `inputs`, as a packed digest.
    function hashNoPad(uint256[] calldata inputs) external pure returns (bytes32) {
        assembly {
            for { let i := 0x80 } lt(i, 0x200) { i := add(i, 0x20) } { mstore(i, 0) }
        }
        uint256 length = inputs.length;
        for (uint256 start = 0; start < length; start += 8) {
            uint256 chunk = length - start < 8 ? length - start : 8;
            assembly {
                calldatacopy(0x80, add(inputs.offset, shl(5, start)), shl(5, chunk))
            }
            _requireCanonical(0x80, 0x80 + 32 * chunk);
            _permute();
        }
        _returnDigest();
    }

    /// @notice plonky2's `two_to_one(left, right)` of two packed digests.
    function twoToOne(bytes32 left, bytes32 right) external pure returns (bytes32) {
        assembly {
            let mask := 0xffffffffffffffff
            mstore(0x80, shr(192, left))
            mstore(0xa0, and(shr(128, left), mask))
            mstore(0xc0, and(shr(64, left), mask))
            mstore(0xe0, and(left, mask))
            mstore(0x100, shr(192, right))
            mstore(0x120, and(shr(128, right), mask))
            mstore(0x140, and(shr(64, right), mask))
            mstore(0x160, and(right, mask))
            mstore(0x180, 0)
            mstore(0x1a0, 0)
            mstore(0x1c0, 0)
            mstore(0x1e0, 0)
        }
        _requireCanonical(0x80, 0x180);
        _permute();
        _returnDigest();
    }

    /// @dev Reverts with NonCanonicalElement if a word in memory [from, to) is >= p.
    function _requireCanonical(uint256 from, uint256 to) private pure {
        assembly {
            for { let i := from } lt(i, to) { i := add(i, 0x20) } {
                let value := mload(i)
                if iszero(lt(value, P)) {
                    mstore(0, 0x920e062d00000000000000000000000000000000000000000000000000000000)
                    mstore(4, value)
                    revert(0, 0x24)
                }
            }
        }
    }

    /// @dev Returns the first four state words, reduced, packed into one bytes32.
    function _returnDigest() private pure {
        assembly {
            let digest := or(
                or(shl(192, mod(mload(0x80), P)), shl(128, mod(mload(0xa0), P))),
                or(shl(64, mod(mload(0xc0), P)), mod(mload(0xe0), P))
            )
            mstore(0, digest)
            return(0, 0x20)
        }
    }

    /// @dev The permutation, in place on memory words 0x80..0x200 (unreduced on output).
    function _permute() private pure {
        assembly {
            // full round 0
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0xb585f766f2144405)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0xe10d666650f4e012)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0xcdc4a239b0c44426)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0x7746a55f43921ad7)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x8cae14cb07d09bf1)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0x277fa208bf337bff)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0xb2fb0d31cee799b4)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0xd438539c95f63e9f)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0xe17653a29da578a1)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0x0f6760a4803427d7)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0xef781c7ce35b4c3d)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0xc54302f225db2c76)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // full round 1
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0x86287821f722c881)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0x308bbd23dc5416cc)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0xd5c7718fbfc647fb)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0x59cd1a8a41c18e55)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x6e4a40c18f30c09c)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0xc35eae071903ff0b)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0xc3b919ad495dc574)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0x9a2eedb70d8f8cfa)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0x849c2656969c4be7)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0xa484c4c5ef6a0781)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0xe360c6e0ae486f38)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0xc0572c8c08cbbbad)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // full round 2
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0xe9fa634a21de0082)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0xad6805e0e30b2c8a)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0x66bbd30e6ce0e583)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0xf56f6d48959a600d)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0xac51d9f5fcf8535e)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0x0da2abef589d644e)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0xf7d713e806391165)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0x502ad7dc18c2ad87)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0xf061274fdb150d61)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0x8297132b32825daf)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0x57a1550c110b3041)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0x28b8ec3ae9c29633)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // full round 3
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0x92a756e67e2b9413)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0x7cf416cfe7e14ca1)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0xe8be3e5da8043e57)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0x70e741ebfee96586)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x61df517b86a46439)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0xf5c0bc1de6da8699)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0x019d5ee2af82ec1c)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0x85dc499b11d77b75)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0x40b12cbf09ef74bf)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0x6f6f2ed772466352)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0x4b959b48b9c10733)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0xa637093ecb2ad631)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // 22 partial rounds
            {
                mstore(0xa0, add(mload(0xa0), 0xe993fd841e7e97f1))
                mstore(0xc0, add(mload(0xc0), 0xf2831d3575f0f3af))
                mstore(0xe0, add(mload(0xe0), 0xd2500e0a350994ca))
                mstore(0x100, add(mload(0x100), 0xc5571f35d7288633))
                mstore(0x120, add(mload(0x120), 0x91d89c5184109a02))
                mstore(0x140, add(mload(0x140), 0xf37f925d04e5667b))
                mstore(0x160, add(mload(0x160), 0x2d6e448371955a69))
                mstore(0x180, add(mload(0x180), 0x740ef19ce01398a1))
                mstore(0x1a0, add(mload(0x1a0), 0x694d24c0752fdf45))
                mstore(0x1c0, add(mload(0x1c0), 0x60936af96ee2f148))
                mstore(0x1e0, add(mload(0x1e0), 0xc33448feadc78f0c))
                let s11 := add(mul(mload(0x1e0), 0x80772dc2645b280b), add(mul(mload(0x1c0), 0xdc927721da922cf8), add(mul(mload(0x1a0), 0xc1978156516879ad), add(mul(mload(0x180), 0x90e80c591f48b603), add(mul(mload(0x160), 0x3a2432625475e3ae), add(mul(mload(0x140), 0x00a2d4321cca94fe), add(mul(mload(0x120), 0x77736f524010c932), add(mul(mload(0x100), 0x904d3f2804a36c54), add(mul(mload(0xe0), 0xbf9b39e28a16f354), add(mul(mload(0xc0), 0x3a1ded54a6cd058b), mul(mload(0xa0), 0x42392870da5737cf)))))))))))
                let s10 := add(mul(mload(0x1e0), 0xe796d293a47a64cb), add(mul(mload(0x1c0), 0xb124c33152a2421a), add(mul(mload(0x1a0), 0x0ee5dc0ce131268a), add(mul(mload(0x180), 0xa9032a52f930fae6), add(mul(mload(0x160), 0x7e33ca8c814280de), add(mul(mload(0x140), 0xad11180f69a8c29e), add(mul(mload(0x120), 0xc75ac6d5b5a10ff3), add(mul(mload(0x100), 0xf0674a8dc5a387ec), add(mul(mload(0xe0), 0xb36d43120eaa5e2b), add(mul(mload(0xc0), 0x6f232aab4b533a25), mul(mload(0xa0), 0x3a1ded54a6cd058b)))))))))))
                let s9 := add(mul(mload(0x1e0), 0xdcedab70f40718ba), add(mul(mload(0x1c0), 0x14a4a64da0b2668f), add(mul(mload(0x1a0), 0x4715b8e5ab34653b), add(mul(mload(0x180), 0x1e8916a99c93a88e), add(mul(mload(0x160), 0xbba4b5d86b9a3b2c), add(mul(mload(0x140), 0xe76649f9bd5d5c2e), add(mul(mload(0x120), 0xaf8e2518a1ece54d), add(mul(mload(0x100), 0xdcda1344cdca873f), add(mul(mload(0xe0), 0xcd080204256088e5), add(mul(mload(0xc0), 0xb36d43120eaa5e2b), mul(mload(0xa0), 0xbf9b39e28a16f354)))))))))))
                let s8 := add(mul(mload(0x1e0), 0xf4a437f2888ae909), add(mul(mload(0x1c0), 0xc537d44dc2875403), add(mul(mload(0x1a0), 0x7f68007619fd8ba9), add(mul(mload(0x180), 0xa4911db6a32612da), add(mul(mload(0x160), 0x2f7e9aade3fdaec1), add(mul(mload(0x140), 0xe7ffd578da4ea43d), add(mul(mload(0x120), 0x43a608e7afa6b5c2), add(mul(mload(0x100), 0xca46546aa99e1575), add(mul(mload(0xe0), 0xdcda1344cdca873f), add(mul(mload(0xc0), 0xf0674a8dc5a387ec), mul(mload(0xa0), 0x904d3f2804a36c54)))))))))))
                let s7 := add(mul(mload(0x1e0), 0xf97abba0dffb6c50), add(mul(mload(0x1c0), 0x5e40f0c9bb82aab5), add(mul(mload(0x1a0), 0x5996a80497e24a6b), add(mul(mload(0x180), 0x07084430a7307c9a), add(mul(mload(0x160), 0xad2f570a5b8545aa), add(mul(mload(0x140), 0xab7f81fef4274770), add(mul(mload(0x120), 0xcb81f535cf98c9e9), add(mul(mload(0x100), 0x43a608e7afa6b5c2), add(mul(mload(0xe0), 0xaf8e2518a1ece54d), add(mul(mload(0xc0), 0xc75ac6d5b5a10ff3), mul(mload(0xa0), 0x77736f524010c932)))))))))))
                let s6 := add(mul(mload(0x1e0), 0x7f8e41e0b0a6cdff), add(mul(mload(0x1c0), 0x4b1ba8d40afca97d), add(mul(mload(0x1a0), 0x623708f28fca70e8), add(mul(mload(0x180), 0xbf150dc4914d380f), add(mul(mload(0x160), 0xc26a083554767106), add(mul(mload(0x140), 0x753b8b1126665c22), add(mul(mload(0x120), 0xab7f81fef4274770), add(mul(mload(0x100), 0xe7ffd578da4ea43d), add(mul(mload(0xe0), 0xe76649f9bd5d5c2e), add(mul(mload(0xc0), 0xad11180f69a8c29e), mul(mload(0xa0), 0x00a2d4321cca94fe)))))))))))
                let s5 := add(mul(mload(0x1e0), 0x726af914971c1374), add(mul(mload(0x1c0), 0x1d7f8a2cce1a9d00), add(mul(mload(0x1a0), 0x18737784700c75cd), add(mul(mload(0x180), 0x7fb45d605dd82838), add(mul(mload(0x160), 0x862361aeab0f9b6e), add(mul(mload(0x140), 0xc26a083554767106), add(mul(mload(0x120), 0xad2f570a5b8545aa), add(mul(mload(0x100), 0x2f7e9aade3fdaec1), add(mul(mload(0xe0), 0xbba4b5d86b9a3b2c), add(mul(mload(0xc0), 0x7e33ca8c814280de), mul(mload(0xa0), 0x3a2432625475e3ae)))))))))))
                let s4 := add(mul(mload(0x1e0), 0x64dd936da878404d), add(mul(mload(0x1c0), 0x4db9a2ead2bd7262), add(mul(mload(0x1a0), 0xbe2e19f6d07f1a83), add(mul(mload(0x180), 0x02290fe23c20351a), add(mul(mload(0x160), 0x7fb45d605dd82838), add(mul(mload(0x140), 0xbf150dc4914d380f), add(mul(mload(0x120), 0x07084430a7307c9a), add(mul(mload(0x100), 0xa4911db6a32612da), add(mul(mload(0xe0), 0x1e8916a99c93a88e), add(mul(mload(0xc0), 0xa9032a52f930fae6), mul(mload(0xa0), 0x90e80c591f48b603)))))))))))
                let s3 := add(mul(mload(0x1e0), 0x85418a9fef8a9890), add(mul(mload(0x1c0), 0xd8a2eb7ef5e707ad), add(mul(mload(0x1a0), 0xbfe85ababed2d882), add(mul(mload(0x180), 0xbe2e19f6d07f1a83), add(mul(mload(0x160), 0x18737784700c75cd), add(mul(mload(0x140), 0x623708f28fca70e8), add(mul(mload(0x120), 0x5996a80497e24a6b), add(mul(mload(0x100), 0x7f68007619fd8ba9), add(mul(mload(0xe0), 0x4715b8e5ab34653b), add(mul(mload(0xc0), 0x0ee5dc0ce131268a), mul(mload(0xa0), 0xc1978156516879ad)))))))))))
                let s2 := add(mul(mload(0x1e0), 0x156048ee7a738154), add(mul(mload(0x1c0), 0x91f7562377e81df5), add(mul(mload(0x1a0), 0xd8a2eb7ef5e707ad), add(mul(mload(0x180), 0x4db9a2ead2bd7262), add(mul(mload(0x160), 0x1d7f8a2cce1a9d00), add(mul(mload(0x140), 0x4b1ba8d40afca97d), add(mul(mload(0x120), 0x5e40f0c9bb82aab5), add(mul(mload(0x100), 0xc537d44dc2875403), add(mul(mload(0xe0), 0x14a4a64da0b2668f), add(mul(mload(0xc0), 0xb124c33152a2421a), mul(mload(0xa0), 0xdc927721da922cf8)))))))))))
                let s1 := add(mul(mload(0x1e0), 0xd841e8ef9dde8ba0), add(mul(mload(0x1c0), 0x156048ee7a738154), add(mul(mload(0x1a0), 0x85418a9fef8a9890), add(mul(mload(0x180), 0x64dd936da878404d), add(mul(mload(0x160), 0x726af914971c1374), add(mul(mload(0x140), 0x7f8e41e0b0a6cdff), add(mul(mload(0x120), 0xf97abba0dffb6c50), add(mul(mload(0x100), 0xf4a437f2888ae909), add(mul(mload(0xe0), 0xdcedab70f40718ba), add(mul(mload(0xc0), 0xe796d293a47a64cb), mul(mload(0xa0), 0x80772dc2645b280b)))))))))))
                let s0 := add(mload(0x80), 0x3cc3f892184df408)
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x74cb2e819ae421ab) }
                    let d := add(mul(s11, 0x043b1c289f7bc3ac), add(mul(s10, 0xc810936e64982542), add(mul(s9, 0x463f9ee03d290810), add(mul(s8, 0x09c4155174a552cc), add(mul(s7, 0x64832009d29bcf57), add(mul(s6, 0xbdc52b2676a4b4aa), add(mul(s5, 0xa5e9c291f6119b27), add(mul(s4, 0x887af7d4dd482328), add(mul(s3, 0x2421e5d236704588), add(mul(s2, 0x814e82efcd172529), add(mul(s1, 0x3d999c961b7c63b0), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x94877900674181c3))
                    s2 := add(s2, mul(s0, 0xc6c67cc37a2a2bbd))
                    s3 := add(s3, mul(s0, 0xd667c2055387940f))
                    s4 := add(s4, mul(s0, 0x0ba63a63e94b5ff0))
                    s5 := add(s5, mul(s0, 0x99460cc41b8f079f))
                    s6 := add(s6, mul(s0, 0x7ff02375ed524bb3))
                    s7 := add(s7, mul(s0, 0xea0870b47a8caf0e))
                    s8 := add(s8, mul(s0, 0xabcad82633b7bc9d))
                    s9 := add(s9, mul(s0, 0x3b8d135261052241))
                    s10 := add(s10, mul(s0, 0xfb4515f5e5b0d539))
                    s11 := add(s11, mul(s0, 0x3ee8011c2b37f77c))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xd2559d2370e7f663) }
                    let d := add(mul(s11, 0x8a21bcd24a14218a), add(mul(s10, 0x00e18c71963dd1b7), add(mul(s9, 0x6591b02092d671bb), add(mul(s8, 0x5ead032050097142), add(mul(s7, 0x40f9cc8c08f80981), add(mul(s6, 0xf84dde3e6acda179), add(mul(s5, 0x4d67e72f063e2108), add(mul(s4, 0xa667bfa9aa96999d), add(mul(s3, 0x2c68a099b51c9e73), add(mul(s2, 0xd510fe714f39fa10), add(mul(s1, 0x673655aae8be5a8b), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x0adef3740e71c726))
                    s2 := add(s2, mul(s0, 0xa37bf67c6f986559))
                    s3 := add(s3, mul(s0, 0xc6b16f7ed4fa1b00))
                    s4 := add(s4, mul(s0, 0x6a065da88d8bfc3c))
                    s5 := add(s5, mul(s0, 0x4cabc0916844b46f))
                    s6 := add(s6, mul(s0, 0x407faac0f02e78d1))
                    s7 := add(s7, mul(s0, 0x07a786d9cf0852cf))
                    s8 := add(s8, mul(s0, 0x42433fb6949a629a))
                    s9 := add(s9, mul(s0, 0x891682a147ce43b0))
                    s10 := add(s10, mul(s0, 0x26cfd58e7b003b55))
                    s11 := add(s11, mul(s0, 0x2bbf0ed7b657acb3))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x62bf78acf843d17c) }
                    let d := add(mul(s11, 0xe8f749470bd7c446), add(mul(s10, 0xda6f61838efa1ffe), add(mul(s9, 0x3c667a1d833a3cca), add(mul(s8, 0xaead42a3f445ecbf), add(mul(s7, 0x8b9352ad04bef9e7), add(mul(s6, 0x584d29227aa073ac), add(mul(s5, 0x58022d9e1c256ce3), add(mul(s4, 0x8e0f68c5dc223b9a), add(mul(s3, 0xbe32b32a825596e7), add(mul(s2, 0xe4b5bdb1cc3504ff), add(mul(s1, 0x202800f4addbdc87), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x481ac7746b159c67))
                    s2 := add(s2, mul(s0, 0xe367de32f108e278))
                    s3 := add(s3, mul(s0, 0x73f260087ad28bec))
                    s4 := add(s4, mul(s0, 0x5cfc82216bc1bdca))
                    s5 := add(s5, mul(s0, 0xcaccc870a2663a0e))
                    s6 := add(s6, mul(s0, 0xdb69cd7b4298c45d))
                    s7 := add(s7, mul(s0, 0x7bc9e0c57243e62d))
                    s8 := add(s8, mul(s0, 0x3cc51c5d368693ae))
                    s9 := add(s9, mul(s0, 0x366b4e8cc068895b))
                    s10 := add(s10, mul(s0, 0x2bd18715cdabbca4))
                    s11 := add(s11, mul(s0, 0xa752061c4f33b8cf))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xd5ab7b67e14d1fb4) }
                    let d := add(mul(s11, 0x9e7cd88acf543a5e), add(mul(s10, 0x3c5fe4aeb1fb52ba), add(mul(s9, 0x8584defff7589bd7), add(mul(s8, 0xb0be7356254bea2e), add(mul(s7, 0x119265be51812daf), add(mul(s6, 0x6bef71973a8146ed), add(mul(s5, 0x0470e26a0093a65b), add(mul(s4, 0xe2ae0f051418112c), add(mul(s3, 0x16e6b8e68b931830), add(mul(s2, 0x45245258aec51cf7), add(mul(s1, 0xc5b85bab9e5b3869), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0xb22d2432b72d5098))
                    s2 := add(s2, mul(s0, 0x9e18a487f44d2fe4))
                    s3 := add(s3, mul(s0, 0x4b39e14ce22abd3c))
                    s4 := add(s4, mul(s0, 0x9e77fde2eb315e0d))
                    s5 := add(s5, mul(s0, 0xca5e0385fe67014d))
                    s6 := add(s6, mul(s0, 0x0c2cb99bf1b6bddb))
                    s7 := add(s7, mul(s0, 0x99ec1cd2a4460bfe))
                    s8 := add(s8, mul(s0, 0x8577a815a2ff843f))
                    s9 := add(s9, mul(s0, 0x7d80a6b4fd6518a5))
                    s10 := add(s10, mul(s0, 0xeb6c67123eab62cb))
                    s11 := add(s11, mul(s0, 0x8f7851650eca21a5))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xb9fe2ae6e0969bdc) }
                    let d := add(mul(s11, 0xc82f510ecf81f6d0), add(mul(s10, 0x0ed3cbcff6fcc5ba), add(mul(s9, 0x2c08893f0d1580e2), add(mul(s8, 0xc053297389af5d3b), add(mul(s7, 0x15226a8e4cd8d3b6), add(mul(s6, 0xcf48395ee6c54f14), add(mul(s5, 0xc2597881fef0283b), add(mul(s4, 0xd99ddf1fe75085f9), add(mul(s3, 0x6696670196b0074f), add(mul(s2, 0xacf63d95d8887355), add(mul(s1, 0x179be4bba87f0a8c), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x11ba9a1b81718c2a))
                    s2 := add(s2, mul(s0, 0x9f7d798a3323410c))
                    s3 := add(s3, mul(s0, 0xa821855c8c1cf5e5))
                    s4 := add(s4, mul(s0, 0x535e8d6fac0031b2))
                    s5 := add(s5, mul(s0, 0x404e7c751b634320))
                    s6 := add(s6, mul(s0, 0xa729353f6e55d354))
                    s7 := add(s7, mul(s0, 0x4db97d92e58bb831))
                    s8 := add(s8, mul(s0, 0xb53926c27897bf7d))
                    s9 := add(s9, mul(s0, 0x965040d52fe115c5))
                    s10 := add(s10, mul(s0, 0x9565fa41ebd31fd7))
                    s11 := add(s11, mul(s0, 0xaae4438c877ea8f4))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xe33fdf79f92a10e8) }
                    let d := add(mul(s11, 0xeac6db520bb03708), add(mul(s10, 0x7935dd342764a144), add(mul(s9, 0x30276f1221ace5fa), add(mul(s8, 0xbdecf5e0cb9cb213), add(mul(s7, 0x9b77fc8bcd559e2c), add(mul(s6, 0x10b3309838e236fb), add(mul(s5, 0x3b68225874a20a7c), add(mul(s4, 0x05830a443f86c4ac), add(mul(s3, 0x861cc95ad5c86323), add(mul(s2, 0x500392ed0d431137), add(mul(s1, 0x94b06183acb715cc), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x37f4e36af6073c6e))
                    s2 := add(s2, mul(s0, 0x4edc0918210800e9))
                    s3 := add(s3, mul(s0, 0xc44998e99eae4188))
                    s4 := add(s4, mul(s0, 0x9f4310d05d068338))
                    s5 := add(s5, mul(s0, 0x9ec7fe4350680f29))
                    s6 := add(s6, mul(s0, 0xc5b2c1fdc0b50874))
                    s7 := add(s7, mul(s0, 0xa01920c5ef8b2ebe))
                    s8 := add(s8, mul(s0, 0x59fa6f8bd91d58ba))
                    s9 := add(s9, mul(s0, 0x8bfc9eb89b515a82))
                    s10 := add(s10, mul(s0, 0xbe86a7a2555ae775))
                    s11 := add(s11, mul(s0, 0xcbb8bbaa3810babf))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x0ea2bb4c2b25989b) }
                    let d := add(mul(s11, 0x6b0731849e200a7f), add(mul(s10, 0xb5b99e6664a0a3ee), add(mul(s9, 0x83329c90f04233ce), add(mul(s8, 0xcd800caef5b72ae3), add(mul(s7, 0x08bd488070a3a32b), add(mul(s6, 0xe30750b6301c0452), add(mul(s5, 0xa13dfe77a3d52f53), add(mul(s4, 0x55f1523ac6a23ea2), add(mul(s3, 0xc4cbe326d1ad9742), add(mul(s2, 0x622247557e9b5371), add(mul(s1, 0x7186a80551025f8f), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x577f9a9e7ee3f9c2))
                    s2 := add(s2, mul(s0, 0x88c522b949ace7b1))
                    s3 := add(s3, mul(s0, 0x82f07007c8b72106))
                    s4 := add(s4, mul(s0, 0x8283d37c6675b50e))
                    s5 := add(s5, mul(s0, 0x98b074d9bbac1123))
                    s6 := add(s6, mul(s0, 0x75c56fb7758317c1))
                    s7 := add(s7, mul(s0, 0xfed24e206052bc72))
                    s8 := add(s8, mul(s0, 0x26d7c3d1bc07dae5))
                    s9 := add(s9, mul(s0, 0xf88c5e441e28dbb4))
                    s10 := add(s10, mul(s0, 0x4fe27f9f96615270))
                    s11 := add(s11, mul(s0, 0x514d4ba49c2b14fe))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xca9121fbf9d38f06) }
                    let d := add(mul(s11, 0x057fde2062ae35bf), add(mul(s10, 0x4653fb0685084ef2), add(mul(s9, 0xaf947c59af5e4047), add(mul(s8, 0x738450e42495bc81), add(mul(s7, 0xad1003c5d28918e7), add(mul(s6, 0x178093843f863d14), add(mul(s5, 0x47521b1361dcc546), add(mul(s4, 0x514abd0cf6c7bc86), add(mul(s3, 0x3bfb6c3f0e616572), add(mul(s2, 0x382b38cee8ee5375), add(mul(s1, 0xec3fabc192b01799), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0xf02a3ac068ee110b))
                    s2 := add(s2, mul(s0, 0x0a3630dafb8ae2d7))
                    s3 := add(s3, mul(s0, 0xce0dc874eaf9b55c))
                    s4 := add(s4, mul(s0, 0x9a95f6cff5b55c7e))
                    s5 := add(s5, mul(s0, 0x626d76abfed00c7b))
                    s6 := add(s6, mul(s0, 0xa0c1cf1251c204ad))
                    s7 := add(s7, mul(s0, 0xdaebd3006321052c))
                    s8 := add(s8, mul(s0, 0x3d4bd48b625a8065))
                    s9 := add(s9, mul(s0, 0x7f1e584e071f6ed2))
                    s10 := add(s10, mul(s0, 0x720574f0501caed3))
                    s11 := add(s11, mul(s0, 0xe3260ba93d23540a))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xbdd9b0aa81f58fa4) }
                    let d := add(mul(s11, 0xf669de0add993131), add(mul(s10, 0x0811719919351ae8), add(mul(s9, 0x2d3c5f42a39c91a0), add(mul(s8, 0x85b481e5243f60bf), add(mul(s7, 0x1bc927375febbad7), add(mul(s6, 0xfce2f5d02762a303), add(mul(s5, 0x0126ca37f215a80a), add(mul(s4, 0x3929624a9def725b), add(mul(s3, 0x7817f3dfff8b4ffa), add(mul(s2, 0x66f3860d7514e7fc), add(mul(s1, 0xe376678d843ce55e), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0xab1cbd41d8c1e335))
                    s2 := add(s2, mul(s0, 0x9322ed4c0bc2df01))
                    s3 := add(s3, mul(s0, 0x51c3c0983d4284e5))
                    s4 := add(s4, mul(s0, 0x94178e291145c231))
                    s5 := add(s5, mul(s0, 0xfd0f1a973d6b2085))
                    s6 := add(s6, mul(s0, 0xd427ad96e2b39719))
                    s7 := add(s7, mul(s0, 0x8a52437fecaac06b))
                    s8 := add(s8, mul(s0, 0xdc20ee4b8c4c9a80))
                    s9 := add(s9, mul(s0, 0xa2c98e9549da2100))
                    s10 := add(s10, mul(s0, 0x1603fe12613db5b6))
                    s11 := add(s11, mul(s0, 0x0e174929433c5505))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x83079fa4ecf20d7e) }
                    let d := add(mul(s11, 0x04f78fd8c1fdcc5f), add(mul(s10, 0x5e34d8554a6452ba), add(mul(s9, 0xb0dc3ecd724bb076), add(mul(s8, 0x5f5894f4057d755e), add(mul(s7, 0xbac3fa75ee26f299), add(mul(s6, 0x0e4a205459692a1b), add(mul(s5, 0x889489706e5c5c0f), add(mul(s4, 0x31e6a4bdb6a49017), add(mul(s3, 0xf6c705da84d57310), add(mul(s2, 0x5b848442237e8a9b), add(mul(s1, 0x7de38bae084da92d), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x3d4eab2b8ef5f796))
                    s2 := add(s2, mul(s0, 0xcfff421583896e22))
                    s3 := add(s3, mul(s0, 0x4143cb32d39ac3d9))
                    s4 := add(s4, mul(s0, 0x22365051b78a5b65))
                    s5 := add(s5, mul(s0, 0x6f7fd010d027c9b6))
                    s6 := add(s6, mul(s0, 0xd9dd36fba77522ab))
                    s7 := add(s7, mul(s0, 0xa44cf1cb33e37165))
                    s8 := add(s8, mul(s0, 0x3fc83d3038c86417))
                    s9 := add(s9, mul(s0, 0xc4588d418e88d270))
                    s10 := add(s10, mul(s0, 0xce1320f10ab80fe2))
                    s11 := add(s11, mul(s0, 0xdb5eadbbec18de5d))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x650b838edfcc4ad3) }
                    let d := add(mul(s11, 0x60192d883e473fee), add(mul(s10, 0xdc05b676564f538a), add(mul(s9, 0x09bb6c88de8cd178), add(mul(s8, 0x3301d3362a4ffccb), add(mul(s7, 0xe1c48b26e0d98825), add(mul(s6, 0x251c4a3eb2c5f8fd), add(mul(s5, 0xd32b3298a13330c1), add(mul(s4, 0xd5177029fe495166), add(mul(s3, 0x92a29a3675a5d2be), add(mul(s2, 0xdb79ba02704620e9), add(mul(s1, 0x4dd19c38779512ea), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x1183dfce7c454afd))
                    s2 := add(s2, mul(s0, 0x21cea4aa3d3ed949))
                    s3 := add(s3, mul(s0, 0x0fce6f70303f2304))
                    s4 := add(s4, mul(s0, 0x19557d34b55551be))
                    s5 := add(s5, mul(s0, 0x4c56f689afc5bbc9))
                    s6 := add(s6, mul(s0, 0xa1e920844334f944))
                    s7 := add(s7, mul(s0, 0xbad66d423d2ec861))
                    s8 := add(s8, mul(s0, 0xf318c785dc9e0479))
                    s9 := add(s9, mul(s0, 0x99e2032e765ddd81))
                    s10 := add(s10, mul(s0, 0x400ccc9906d66f45))
                    s11 := add(s11, mul(s0, 0xe1197454db2e0dd9))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x77180c88583c76ac) }
                    let d := add(mul(s11, 0x7e5217af969952c2), add(mul(s10, 0x87948589e4f243fd), add(mul(s9, 0x77dc8d856c05a44a), add(mul(s8, 0x4bd545218c59f58d), add(mul(s7, 0xcb97dedecebee9ad), add(mul(s6, 0xda20b3be7f53d59f), add(mul(s5, 0x5317b905a6e1ab7b), add(mul(s4, 0x0178928152e109ae), add(mul(s3, 0xa86e9cf505072491), add(mul(s2, 0x3cb8411e786d3c8e), add(mul(s1, 0x16b9774801ac44a0), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x84d1ecc4d53d2ff1))
                    s2 := add(s2, mul(s0, 0xd8af8b9ceb4e11b6))
                    s3 := add(s3, mul(s0, 0x335856bb527b52f4))
                    s4 := add(s4, mul(s0, 0xc756f17fb59be595))
                    s5 := add(s5, mul(s0, 0xc0654e4ea5553a78))
                    s6 := add(s6, mul(s0, 0x9e9a46b61f2ea942))
                    s7 := add(s7, mul(s0, 0x14fc8b5b3b809127))
                    s8 := add(s8, mul(s0, 0xd7009f0f103be413))
                    s9 := add(s9, mul(s0, 0x3e0ee7b7a9fb4601))
                    s10 := add(s10, mul(s0, 0xa74e888922085ed7))
                    s11 := add(s11, mul(s0, 0xe80a7cde3d4ac526))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xaf8c20753143a180) }
                    let d := add(mul(s11, 0xf555f4112b19781f), add(mul(s10, 0x088c5f20df9e5c26), add(mul(s9, 0xeb9de00d594828e6), add(mul(s8, 0x045322b216ec3ec7), add(mul(s7, 0x6eacb905beb7e2f8), add(mul(s6, 0x8d00b2a7dbed06c7), add(mul(s5, 0x865a0f3249aacd8a), add(mul(s4, 0x3aace640a3e03990), add(mul(s3, 0xa3c4711b938c02c0), add(mul(s2, 0x0b5d420244c9cae3), add(mul(s1, 0xbc58987d06a84e4d), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x238aa6daa612186d))
                    s2 := add(s2, mul(s0, 0x9137a5c630bad4b4))
                    s3 := add(s3, mul(s0, 0xc7db3817870c5eda))
                    s4 := add(s4, mul(s0, 0x217e4f04e5718dc9))
                    s5 := add(s5, mul(s0, 0xcae814e2817bd99d))
                    s6 := add(s6, mul(s0, 0xe3292e7ab770a8ba))
                    s7 := add(s7, mul(s0, 0x7bb36ef70b6b9482))
                    s8 := add(s8, mul(s0, 0x3c7835fb85bca2d3))
                    s9 := add(s9, mul(s0, 0xfe2cdf8ee3c25e86))
                    s10 := add(s10, mul(s0, 0x61b3915ad7274b20))
                    s11 := add(s11, mul(s0, 0xeab75ca7c918e4ef))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xb8ccfe9989a39175) }
                    let d := add(mul(s11, 0xa671690d8095ce82), add(mul(s10, 0x3771e82493ab262d), add(mul(s9, 0xbe4430134182978b), add(mul(s8, 0x0e7946317a6b4e99), add(mul(s7, 0x7d66c4368b3c497b), add(mul(s6, 0x1b18992921a11d85), add(mul(s5, 0x937a4315beb5d9b6), add(mul(s4, 0xfaf322786e2abe8b), add(mul(s3, 0xf1cb02417e23bd82), add(mul(s2, 0x50dcaee0fd27d164), add(mul(s1, 0xa8cedbff1813d3a7), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0xd6e15ffc055e154e))
                    s2 := add(s2, mul(s0, 0xec67881f381a32bf))
                    s3 := add(s3, mul(s0, 0xfbb1196092bf409c))
                    s4 := add(s4, mul(s0, 0xdc9d2e07830ba226))
                    s5 := add(s5, mul(s0, 0x0698ef3245ff7988))
                    s6 := add(s6, mul(s0, 0x194fae2974f8b576))
                    s7 := add(s7, mul(s0, 0x7a5d9bea6ca4910e))
                    s8 := add(s8, mul(s0, 0x7aebfea95ccdd1c9))
                    s9 := add(s9, mul(s0, 0xf9bd38a67d5f0e86))
                    s10 := add(s10, mul(s0, 0xfa65539de65492d8))
                    s11 := add(s11, mul(s0, 0xf0dfcbe7653ff787))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x954a1729f60cc9c5) }
                    let d := add(mul(s11, 0xcbabf78f97f95e65), add(mul(s10, 0x8aa674b36144d9a9), add(mul(s9, 0x662b329b01e7bb38), add(mul(s8, 0xe1e66c991990e282), add(mul(s7, 0x2e166aa6c776ed21), add(mul(s6, 0xd5d0ecfb50bcff99), add(mul(s5, 0xa350e4f61147d0a6), add(mul(s4, 0x287bf9177372cf45), add(mul(s3, 0xcb201cf846db4ba3), add(mul(s2, 0xba1579c7e219b954), add(mul(s1, 0xb035585f6e929d9d), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x0bd87ad390420258))
                    s2 := add(s2, mul(s0, 0x0ad8617bca9e33c8))
                    s3 := add(s3, mul(s0, 0x0c00ad377a1e2666))
                    s4 := add(s4, mul(s0, 0x0ac6fc58b3f0518f))
                    s5 := add(s5, mul(s0, 0x0c0cc8a892cc4173))
                    s6 := add(s6, mul(s0, 0x0c210accb117bc21))
                    s7 := add(s7, mul(s0, 0x0b73630dbb46ca18))
                    s8 := add(s8, mul(s0, 0x0c8be4920cbd4a54))
                    s9 := add(s9, mul(s0, 0x0bfe877a21be1690))
                    s10 := add(s10, mul(s0, 0x0ae790559b0ded81))
                    s11 := add(s11, mul(s0, 0x0bf50db2f8d6ce31))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xdeb5b550c4dca53b) }
                    let d := add(mul(s11, 0xa868ea113387939f), add(mul(s10, 0xcec0e58c34cb64b1), add(mul(s9, 0xf5e6c40f1621c299), add(mul(s8, 0xccfc5f7de5c3636a), add(mul(s7, 0x28625def198c33c7), add(mul(s6, 0xecf623c9cd118815), add(mul(s5, 0x69ce43c9cc94aedc), add(mul(s4, 0xb9173f13977109a1), add(mul(s3, 0xefe9c6fa4311ad51), add(mul(s2, 0xc8a7aa07c5633533), add(mul(s1, 0xeec24b15a06b53fe), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x000cf29427ff7c58))
                    s2 := add(s2, mul(s0, 0x000bd9b3cf49eec8))
                    s3 := add(s3, mul(s0, 0x000d1dc8aa81fb26))
                    s4 := add(s4, mul(s0, 0x000bc792d5c394ef))
                    s5 := add(s5, mul(s0, 0x000d2ae0b2266453))
                    s6 := add(s6, mul(s0, 0x000d413f12c496c1))
                    s7 := add(s7, mul(s0, 0x000c84128cfed618))
                    s8 := add(s8, mul(s0, 0x000db5ebd48fc0d4))
                    s9 := add(s9, mul(s0, 0x000d1b77326dcb90))
                    s10 := add(s10, mul(s0, 0x000beb0ccc145421))
                    s11 := add(s11, mul(s0, 0x000d10e5b22b11d1))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xf01bb0b00f77011e) }
                    let d := add(mul(s11, 0xdd8de62487c40925), add(mul(s10, 0x02d55e52a5d44414), add(mul(s9, 0xf464864ad6f2bb93), add(mul(s8, 0x0dfdc7fd6fc74f66), add(mul(s7, 0xe4626620a75ba276), add(mul(s6, 0xf97817d4ddbf0607), add(mul(s5, 0x80d0ad980773aa70), add(mul(s4, 0x9e65309f15943903), add(mul(s3, 0x146bb3c0fe499ac0), add(mul(s2, 0xacfc51de8131458c), add(mul(s1, 0xd8dddbdc5ce4ef45), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x00000e24c99adad8))
                    s2 := add(s2, mul(s0, 0x00000cf389ed4bc8))
                    s3 := add(s3, mul(s0, 0x00000e580cbf6966))
                    s4 := add(s4, mul(s0, 0x00000cde5fd7e04f))
                    s5 := add(s5, mul(s0, 0x00000e63628041b3))
                    s6 := add(s6, mul(s0, 0x00000e7e81a87361))
                    s7 := add(s7, mul(s0, 0x00000dabe78f6d98))
                    s8 := add(s8, mul(s0, 0x00000efb14cac554))
                    s9 := add(s9, mul(s0, 0x00000e5574743b10))
                    s10 := add(s10, mul(s0, 0x00000d05709f42c1))
                    s11 := add(s11, mul(s0, 0x00000e4690c96af1))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0xa1ebb404b676afd9) }
                    let d := add(mul(s11, 0xa023d94c56e151c7), add(mul(s10, 0x0d593a5e584af47b), add(mul(s9, 0x0e1adf8b84437180), add(mul(s8, 0xa1b67f09d4b3ccb8), add(mul(s7, 0xe8d1b2b21b41429c), add(mul(s6, 0x658c80d3df3729b1), add(mul(s5, 0x0b306cb6c1d7c8d0), add(mul(s4, 0x2599c5ead81d8fa3), add(mul(s3, 0x33f62042e2f80225), add(mul(s2, 0xcbfdcf39869719d4), add(mul(s1, 0xc15acf44759545a3), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x0000000f7157bc98))
                    s2 := add(s2, mul(s0, 0x0000000e3006d948))
                    s3 := add(s3, mul(s0, 0x0000000fa65811e6))
                    s4 := add(s4, mul(s0, 0x0000000e0d127e2f))
                    s5 := add(s5, mul(s0, 0x0000000fc18bfe53))
                    s6 := add(s6, mul(s0, 0x0000000fd002d901))
                    s7 := add(s7, mul(s0, 0x0000000eed6461d8))
                    s8 := add(s8, mul(s0, 0x0000001068562754))
                    s9 := add(s9, mul(s0, 0x0000000fa0236f50))
                    s10 := add(s10, mul(s0, 0x0000000e3af13ee1))
                    s11 := add(s11, mul(s0, 0x0000000fa460f6d1))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x860b6e1597a0173e) }
                    let d := add(mul(s11, 0x1ffea9fe85a0b0b1), add(mul(s10, 0xe9633210630cbf12), add(mul(s9, 0x02fe9d756c9f12d1), add(mul(s8, 0xa206f41b12c30415), add(mul(s7, 0xee61766b889e18f2), add(mul(s6, 0x3c0468236ea142f6), add(mul(s5, 0xb65256e546889bd0), add(mul(s4, 0x92c3c8275e105eeb), add(mul(s3, 0x0ab38c561e8850ff), add(mul(s2, 0xe06dff00ab25b91b), add(mul(s1, 0x49026cc3a4afc5a6), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x0000000011131738))
                    s2 := add(s2, mul(s0, 0x000000000f56d588))
                    s3 := add(s3, mul(s0, 0x0000000011050f86))
                    s4 := add(s4, mul(s0, 0x000000000f848f4f))
                    s5 := add(s5, mul(s0, 0x00000000111527d3))
                    s6 := add(s6, mul(s0, 0x00000000114369a1))
                    s7 := add(s7, mul(s0, 0x00000000106f2f38))
                    s8 := add(s8, mul(s0, 0x0000000011e2ca94))
                    s9 := add(s9, mul(s0, 0x00000000110a29f0))
                    s10 := add(s10, mul(s0, 0x000000000fa9f5c1))
                    s11 := add(s11, mul(s0, 0x0000000010f625d1))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x308bb65a036acbce) }
                    let d := add(mul(s11, 0xa6b6582c547d0d60), add(mul(s10, 0xc0a26efc7be5669b), add(mul(s9, 0xa4e6f0a8c33348a6), add(mul(s8, 0xa2df8c6b8ae0804a), add(mul(s7, 0x65d74e2f43b48d05), add(mul(s6, 0x1d4dba0b7ae9cc18), add(mul(s5, 0xb11ff3e089f15d9a), add(mul(s4, 0x0b0a6b70915178c3), add(mul(s3, 0xed446b2315e3efc1), add(mul(s2, 0xf4c77a079a4607d7), add(mul(s1, 0x81d1ae8cc50240f3), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x000000000011f718))
                    s2 := add(s2, mul(s0, 0x000000000010b6c8))
                    s3 := add(s3, mul(s0, 0x0000000000134a96))
                    s4 := add(s4, mul(s0, 0x000000000010cf7f))
                    s5 := add(s5, mul(s0, 0x0000000000124d03))
                    s6 := add(s6, mul(s0, 0x000000000013f8a1))
                    s7 := add(s7, mul(s0, 0x0000000000117c58))
                    s8 := add(s8, mul(s0, 0x0000000000132c94))
                    s9 := add(s9, mul(s0, 0x0000000000134fc0))
                    s10 := add(s10, mul(s0, 0x000000000010a091))
                    s11 := add(s11, mul(s0, 0x0000000000128961))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x1aca78f31c97c876) }
                    let d := add(mul(s11, 0x1a37905d8450904a), add(mul(s10, 0x8f0fa011a2035fb0), add(mul(s9, 0xac9ea09074e3e150), add(mul(s8, 0xcbaf4e5d82856c60), add(mul(s7, 0x52f515f44785cfbc), add(mul(s6, 0x0739a8a343950010), add(mul(s5, 0x5bdf35c10a8b5624), add(mul(s4, 0x0bb005236adb9ef2), add(mul(s3, 0xde682d72da0a02d9), add(mul(s2, 0x2f8f43734fc906f3), add(mul(s1, 0x84afc741f1c13213), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x0000000000001300))
                    s2 := add(s2, mul(s0, 0x0000000000001750))
                    s3 := add(s3, mul(s0, 0x000000000000114e))
                    s4 := add(s4, mul(s0, 0x000000000000131f))
                    s5 := add(s5, mul(s0, 0x000000000000167b))
                    s6 := add(s6, mul(s0, 0x0000000000001371))
                    s7 := add(s7, mul(s0, 0x0000000000001230))
                    s8 := add(s8, mul(s0, 0x000000000000182c))
                    s9 := add(s9, mul(s0, 0x0000000000001368))
                    s10 := add(s10, mul(s0, 0x0000000000000f31))
                    s11 := add(s11, mul(s0, 0x00000000000015c9))
                    s0 := d
                }
                {
                    { let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x0000000000000000) }
                    let d := add(mul(s11, 0x0bc051640145b19b), add(mul(s10, 0x09584acaa6e062a0), add(mul(s9, 0xb69a0fa70aea684a), add(mul(s8, 0x2f885e584e04aa99), add(mul(s7, 0xf223d1180dbbf3fc), add(mul(s6, 0x50bd769f745c95b1), add(mul(s5, 0x364f71da77920a18), add(mul(s4, 0x9daf69ae1b67e667), add(mul(s3, 0x075a652d9641a985), add(mul(s2, 0x9d19c9dd4eac4133), add(mul(s1, 0x3abeb80def61cc85), mul(s0, 25))))))))))))
                    s1 := add(s1, mul(s0, 0x0000000000000014))
                    s2 := add(s2, mul(s0, 0x0000000000000022))
                    s3 := add(s3, mul(s0, 0x0000000000000012))
                    s4 := add(s4, mul(s0, 0x0000000000000027))
                    s5 := add(s5, mul(s0, 0x000000000000000d))
                    s6 := add(s6, mul(s0, 0x000000000000000d))
                    s7 := add(s7, mul(s0, 0x000000000000001c))
                    s8 := add(s8, mul(s0, 0x0000000000000002))
                    s9 := add(s9, mul(s0, 0x0000000000000010))
                    s10 := add(s10, mul(s0, 0x0000000000000029))
                    s11 := add(s11, mul(s0, 0x000000000000000f))
                    s0 := d
                }
                mstore(0x80, s0)
                mstore(0xa0, s1)
                mstore(0xc0, s2)
                mstore(0xe0, s3)
                mstore(0x100, s4)
                mstore(0x120, s5)
                mstore(0x140, s6)
                mstore(0x160, s7)
                mstore(0x180, s8)
                mstore(0x1a0, s9)
                mstore(0x1c0, s10)
                mstore(0x1e0, s11)
            }
            // full round 26
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0x475cd3205a3bdcde)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0xe4a3dff1d7d6fef9)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0x1ff7327017aa2a6e)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0x18a42105c31b7e88)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x01a8d1a588085737)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0x594e29c42473d06b)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0x023e7414af663068)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0x11b4c74eda62beef)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0xf6f31db1899b12d5)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0x15147108121967d7)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0xe587cc0d69a73346)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0xc02ac5e47312d3ca)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // full round 27
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0xe70201e960cb78b8)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0x1c86d265f15750cd)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0x9e9cbd781628fc5b)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0x6f90ff3b6a65f108)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x3996ce73dd832c1c)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0xdae8645996edd6a5)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0x42747a7245e7fa84)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0x8e7fba02983224bd)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0xdebe0853b1a1d378)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0xd1f507e43ab749b2)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0xba0dec7103255dd4)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0xa49229d24d014343)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // full round 28
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0x7be5b9ffda905e1c)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0x166fc0cc438a3c72)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0x80cefd2b7d99ff83)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0xa3c95eaec244aa30)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x3762b59a8ae83efa)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0xbb9879c6e61fd62a)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0x0230bca8f4df0544)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0xe8928a4c89114750)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0x6e7c8f1a84265034)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0x4135c2bebfe148c6)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0x2a440b51a4945ee5)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0x164bb2de1bbeddc8)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
            // full round 29
            {
                let p0, p4, p8
                {
                    let y0 := add(mload(0x80), 0xf3c12fe54d5c653b)
                    { let x2 := mulmod(y0, y0, P) y0 := mulmod(mulmod(x2, x2, P), mulmod(x2, y0, P), P) }
                    let y4 := add(mload(0x100), 0xaaed34074b164346)
                    { let x2 := mulmod(y4, y4, P) y4 := mulmod(mulmod(x2, x2, P), mulmod(x2, y4, P), P) }
                    let y8 := add(mload(0x180), 0x4543d9df5476d3cb)
                    { let x2 := mulmod(y8, y8, P) y8 := mulmod(mulmod(x2, x2, P), mulmod(x2, y8, P), P) }
                    p0 := or(y0, or(shl(85, y4), shl(170, y8)))
                    p4 := or(y4, or(shl(85, y8), shl(170, y0)))
                    p8 := or(y8, or(shl(85, y0), shl(170, y4)))
                }
                let p1, p5, p9
                {
                    let y1 := add(mload(0xa0), 0x40b9e922ed9771e2)
                    { let x2 := mulmod(y1, y1, P) y1 := mulmod(mulmod(x2, x2, P), mulmod(x2, y1, P), P) }
                    let y5 := add(mload(0x120), 0x8ffd96bbf9c9c81d)
                    { let x2 := mulmod(y5, y5, P) y5 := mulmod(mulmod(x2, x2, P), mulmod(x2, y5, P), P) }
                    let y9 := add(mload(0x1a0), 0xf172d73e004fc90d)
                    { let x2 := mulmod(y9, y9, P) y9 := mulmod(mulmod(x2, x2, P), mulmod(x2, y9, P), P) }
                    p1 := or(y1, or(shl(85, y5), shl(170, y9)))
                    p5 := or(y5, or(shl(85, y9), shl(170, y1)))
                    p9 := or(y9, or(shl(85, y1), shl(170, y5)))
                }
                let p2, p6, p10
                {
                    let y2 := add(mload(0xc0), 0x551f5b0fbe7b1840)
                    { let x2 := mulmod(y2, y2, P) y2 := mulmod(mulmod(x2, x2, P), mulmod(x2, y2, P), P) }
                    let y6 := add(mload(0x140), 0x70fc91eb5937085c)
                    { let x2 := mulmod(y6, y6, P) y6 := mulmod(mulmod(x2, x2, P), mulmod(x2, y6, P), P) }
                    let y10 := add(mload(0x1c0), 0xdfd1c4febcc81238)
                    { let x2 := mulmod(y10, y10, P) y10 := mulmod(mulmod(x2, x2, P), mulmod(x2, y10, P), P) }
                    p2 := or(y2, or(shl(85, y6), shl(170, y10)))
                    p6 := or(y6, or(shl(85, y10), shl(170, y2)))
                    p10 := or(y10, or(shl(85, y2), shl(170, y6)))
                }
                let p3, p7, p11
                {
                    let y3 := add(mload(0xe0), 0x25032aa7c4cb1811)
                    { let x2 := mulmod(y3, y3, P) y3 := mulmod(mulmod(x2, x2, P), mulmod(x2, y3, P), P) }
                    let y7 := add(mload(0x160), 0x7f795e2a5f915440)
                    { let x2 := mulmod(y7, y7, P) y7 := mulmod(mulmod(x2, x2, P), mulmod(x2, y7, P), P) }
                    let y11 := add(mload(0x1e0), 0xbc8dfb627fe558fc)
                    { let x2 := mulmod(y11, y11, P) y11 := mulmod(mulmod(x2, x2, P), mulmod(x2, y11, P), P) }
                    p3 := or(y3, or(shl(85, y7), shl(170, y11)))
                    p7 := or(y7, or(shl(85, y11), shl(170, y3)))
                    p11 := or(y11, or(shl(85, y3), shl(170, y7)))
                }
                {
                    let acc := add(mul(p11, 20), add(mul(p7, 13), add(mul(p3, 16), add(mul(p10, 34), add(mul(p6, 13), add(mul(p2, 41), add(mul(p9, 18), add(mul(p5, 28), add(mul(p1, 15), add(mul(p8, 39), add(mul(p4, 2), add(mul(p0, 17), mul(and(p0, 0x1fffffffffffffffffffff), 8)))))))))))))
                    mstore(0x80, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x100, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x180, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 34), add(mul(p7, 13), add(mul(p3, 41), add(mul(p10, 18), add(mul(p6, 28), add(mul(p2, 15), add(mul(p9, 39), add(mul(p5, 2), add(mul(p1, 17), add(mul(p8, 13), add(mul(p4, 16), mul(p0, 20))))))))))))
                    mstore(0xa0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x120, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1a0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 18), add(mul(p7, 28), add(mul(p3, 15), add(mul(p10, 39), add(mul(p6, 2), add(mul(p2, 17), add(mul(p9, 13), add(mul(p5, 16), add(mul(p1, 20), add(mul(p8, 13), add(mul(p4, 41), mul(p0, 34))))))))))))
                    mstore(0xc0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x140, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1c0, shr(170, acc))
                }
                {
                    let acc := add(mul(p11, 39), add(mul(p7, 2), add(mul(p3, 17), add(mul(p10, 13), add(mul(p6, 16), add(mul(p2, 20), add(mul(p9, 13), add(mul(p5, 41), add(mul(p1, 34), add(mul(p8, 28), add(mul(p4, 15), mul(p0, 18))))))))))))
                    mstore(0xe0, and(acc, 0x1fffffffffffffffffffff))
                    mstore(0x160, and(shr(85, acc), 0x1fffffffffffffffffffff))
                    mstore(0x1e0, shr(170, acc))
                }
            }
        }
    }
}
