//! `contracts/src/PoseidonGoldilocks.sol` is generated from plonky2 1.1's Poseidon constants.
//!
//! [`renders_poseidon_goldilocks_sol_from_plonky2`] renders it and, when the committed file
//! differs, rewrites it and fails: then run `cargo xtask contracts` and commit both. The
//! Solidity permutation follows plonky2's own fast form (full rounds, then the partial rounds
//! through `FAST_PARTIAL_*` matrices, then full rounds), fully unrolled, with the state in
//! memory words 0x80..0x200 and intermediate values left unreduced where the next `mulmod`
//! reduces them anyway (every bound is below 2^210, far from 2^256).

use std::{fmt::Write, fs, path::PathBuf};

use plonky2::{
    field::goldilocks_field::GoldilocksField,
    hash::poseidon::{
        ALL_ROUND_CONSTANTS, HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS, Poseidon, SPONGE_WIDTH,
    },
};

type F = GoldilocksField;

/// Where the generated file lives.
pub(crate) fn sol_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/src/PoseidonGoldilocks.sol")
}

/// Memory address of state word `i`.
fn addr(i: usize) -> String {
    format!("0x{:x}", 0x80 + 32 * i)
}

/// A nested sum `add(a, add(b, ... z))`: Yul evaluates arguments right to left, so the last
/// term is computed first and only one partial sum is ever on the stack.
fn nested_sum(terms: &[String]) -> String {
    let mut terms = terms.iter().rev();
    let mut sum = terms.next().expect("a sum has terms").clone();
    for term in terms {
        sum = format!("add({term}, {sum})");
    }
    sum
}

/// Bits per lane of a packed MDS word: three lanes hold three rows, whose sums stay below
/// 2^64 * 264 < 2^73, so no lane carries into the next.
const LANE: usize = 85;

/// One full round: constants and S-boxes, then the circulant MDS on packed words. Rows `g`,
/// `g + 4` and `g + 8` share their coefficients (`circ[(m - g) mod 12]` times the element
/// `m`, `m + 4` or `m + 8`), so with `P_m = y_m | y_{m+4} << 85 | y_{m+8} << 170` one sum of
/// 12 products gives three rows: 48 multiplications instead of 144. `P_k`, `P_{k+4}` and
/// `P_{k+8}` use the same three S-box outputs, computed together.
fn full_round(out: &mut String, round: usize) {
    let circ = <F as Poseidon>::MDS_MATRIX_CIRC;
    let diag = <F as Poseidon>::MDS_MATRIX_DIAG;
    assert!(
        diag[1..].iter().all(|d| *d == 0),
        "only row 0 has a diagonal term"
    );
    let mask = format!("0x{:x}", (1u128 << LANE) - 1);
    let w = SPONGE_WIDTH;
    writeln!(out, "            // full round {round}").unwrap();
    writeln!(out, "            {{").unwrap();
    for k in 0..4 {
        let group = [k, k + 4, k + 8];
        writeln!(
            out,
            "                let p{}, p{}, p{}",
            group[0], group[1], group[2]
        )
        .unwrap();
        writeln!(out, "                {{").unwrap();
        for i in group {
            let constant = ALL_ROUND_CONSTANTS[i + w * round];
            writeln!(
                out,
                "                    let y{i} := add(mload({}), 0x{constant:016x})",
                addr(i)
            )
            .unwrap();
            writeln!(out, "                    {{ let x2 := mulmod(y{i}, y{i}, P) y{i} := mulmod(mulmod(x2, x2, P), mulmod(x2, y{i}, P), P) }}").unwrap();
        }
        for m in group {
            let (m4, m8) = ((m + 4) % w, (m + 8) % w);
            writeln!(
                out,
                "                    p{m} := or(y{m}, or(shl({LANE}, y{m4}), shl({}, y{m8})))",
                2 * LANE
            )
            .unwrap();
        }
        writeln!(out, "                }}").unwrap();
    }
    // Deepest variable (declared first) evaluated first: the innermost, rightmost term.
    let declared: Vec<usize> = (0..4).flat_map(|k| [k, k + 4, k + 8]).collect();
    for g in 0..4 {
        let terms: Vec<String> = declared
            .iter()
            .rev()
            .map(|&m| {
                let coefficient = circ[(m + w - g) % w];
                if m == 0 && g == 0 {
                    format!(
                        "add(mul(p0, {coefficient}), mul(and(p0, {mask}), {}))",
                        diag[0]
                    )
                } else {
                    format!("mul(p{m}, {coefficient})")
                }
            })
            .collect();
        writeln!(out, "                {{").unwrap();
        writeln!(out, "                    let acc := {}", nested_sum(&terms)).unwrap();
        writeln!(
            out,
            "                    mstore({}, and(acc, {mask}))",
            addr(g)
        )
        .unwrap();
        writeln!(
            out,
            "                    mstore({}, and(shr({LANE}, acc), {mask}))",
            addr(g + 4)
        )
        .unwrap();
        writeln!(
            out,
            "                    mstore({}, shr({}, acc))",
            addr(g + 8),
            2 * LANE
        )
        .unwrap();
        writeln!(out, "                }}").unwrap();
    }
    writeln!(out, "            }}").unwrap();
}

fn partial_rounds(out: &mut String) {
    let first = <F as Poseidon>::FAST_PARTIAL_FIRST_ROUND_CONSTANT;
    let matrix = <F as Poseidon>::FAST_PARTIAL_ROUND_INITIAL_MATRIX;
    let constants = <F as Poseidon>::FAST_PARTIAL_ROUND_CONSTANTS;
    let vs = <F as Poseidon>::FAST_PARTIAL_ROUND_VS;
    let w_hats = <F as Poseidon>::FAST_PARTIAL_ROUND_W_HATS;
    let mds00 = <F as Poseidon>::MDS_MATRIX_CIRC[0] + <F as Poseidon>::MDS_MATRIX_DIAG[0];
    writeln!(out, "            // {N_PARTIAL_ROUNDS} partial rounds").unwrap();
    writeln!(out, "            {{").unwrap();
    for (i, constant) in first.iter().enumerate().skip(1) {
        writeln!(
            out,
            "                mstore({a}, add(mload({a}), 0x{constant:016x}))",
            a = addr(i)
        )
        .unwrap();
    }
    for c in (1..SPONGE_WIDTH).rev() {
        let terms: Vec<String> = (1..SPONGE_WIDTH)
            .rev()
            .map(|r| format!("mul(mload({}), 0x{:016x})", addr(r), matrix[r - 1][c - 1]))
            .collect();
        writeln!(out, "                let s{c} := {}", nested_sum(&terms)).unwrap();
    }
    writeln!(
        out,
        "                let s0 := add(mload(0x80), 0x{:016x})",
        first[0]
    )
    .unwrap();
    for round in 0..N_PARTIAL_ROUNDS {
        writeln!(out, "                {{").unwrap();
        writeln!(out, "                    {{ let x2 := mulmod(s0, s0, P) s0 := add(mulmod(mulmod(x2, x2, P), mulmod(x2, s0, P), P), 0x{:016x}) }}", constants[round]).unwrap();
        let mut terms: Vec<String> = (1..SPONGE_WIDTH)
            .rev()
            .map(|i| format!("mul(s{i}, 0x{:016x})", w_hats[round][i - 1]))
            .collect();
        terms.push(format!("mul(s0, {mds00})"));
        writeln!(out, "                    let d := {}", nested_sum(&terms)).unwrap();
        for i in 1..SPONGE_WIDTH {
            writeln!(
                out,
                "                    s{i} := add(s{i}, mul(s0, 0x{:016x}))",
                vs[round][i - 1]
            )
            .unwrap();
        }
        writeln!(out, "                    s0 := d").unwrap();
        writeln!(out, "                }}").unwrap();
    }
    for i in 0..SPONGE_WIDTH {
        writeln!(out, "                mstore({}, s{i})", addr(i)).unwrap();
    }
    writeln!(out, "            }}").unwrap();
}

/// The whole Solidity file.
pub(crate) fn render() -> String {
    let mut body = String::new();
    let mut round = 0;
    for _ in 0..HALF_N_FULL_ROUNDS {
        full_round(&mut body, round);
        round += 1;
    }
    partial_rounds(&mut body);
    round += N_PARTIAL_ROUNDS;
    for _ in 0..HALF_N_FULL_ROUNDS {
        full_round(&mut body, round);
        round += 1;
    }
    TEMPLATE.replace("{{PERMUTATION}}\n", &body)
}

#[test]
fn renders_poseidon_goldilocks_sol_from_plonky2() {
    let rendered = render();
    let path = sol_path();
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        fs::write(&path, &rendered).unwrap();
        panic!(
            "{} was stale and has been regenerated from plonky2's constants: run `cargo xtask contracts` and commit both",
            path.display()
        );
    }
}

const TEMPLATE: &str = r#"// SPDX-License-Identifier: MIT OR Apache-2.0
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
{{PERMUTATION}}
        }
    }
}
"#;
