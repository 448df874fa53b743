//! Solidity constraint code for each standard plonky2 1.1 gate, a port of its
//! `eval_unfiltered` over GF(p^2) (`W = 7`).
//!
//! Every generated function `gate<N>(w, c, co, pi)` returns the gate's unfiltered constraints
//! as a flat array of GF(p^2) pairs (`r[2k]`, `r[2k+1]`), in the order plonky2 emits them. `w`
//! holds the wire openings (`w[2i]`, `w[2i+1]`), `c` the constant openings with the gate's
//! constants starting at pair `co` (after the selectors), `pi` the public-inputs hash. The
//! helpers (`_ea`, `_es`, `_em`, algebra `_am`, ...) live in the contract template.
//!
//! An extension-algebra element (a value of `D = 2` wires read together, as plonky2's
//! `get_local_ext_algebra`) is four words: coefficient 0 (two words), coefficient 1.

use std::fmt::Write as _;

use plonky2::field::extension::Extendable;
use plonky2::field::types::PrimeField64;
use plonky2::gates::arithmetic_base::ArithmeticGate;
use plonky2::gates::arithmetic_extension::ArithmeticExtensionGate;
use plonky2::gates::base_sum::BaseSumGate;
use plonky2::gates::constant::ConstantGate;
use plonky2::gates::coset_interpolation::CosetInterpolationGate;
use plonky2::gates::exponentiation::ExponentiationGate;
use plonky2::gates::gate::GateRef;
use plonky2::gates::multiplication_extension::MulExtensionGate;
use plonky2::gates::noop::NoopGate;
use plonky2::gates::poseidon::PoseidonGate;
use plonky2::gates::public_input::PublicInputGate;
use plonky2::gates::random_access::RandomAccessGate;
use plonky2::gates::reducing::ReducingGate;
use plonky2::gates::reducing_extension::ReducingExtensionGate;
use plonky2::hash::hash_types::RichField;
use plonky2::hash::poseidon::{
    ALL_ROUND_CONSTANTS, HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS, Poseidon,
};

use crate::Error;

const D: usize = 2;

/// The Solidity function `gate{index}` for `gate`, or the gate's id if it is unknown.
pub(crate) fn gate_function<F>(index: usize, gate: &GateRef<F, D>) -> Result<String, Error>
where
    F: RichField + Extendable<D> + Poseidon,
{
    let any = gate.0.as_any();
    let n = gate.0.num_constraints();
    let mut body = String::new();
    let mut extra_functions = String::new();
    let b = &mut body;
    // `r` is the result; `k` the next constraint's pair index is written explicitly.
    if any.downcast_ref::<NoopGate>().is_some() {
    } else if any.downcast_ref::<ConstantGate>().is_some() {
        let _ = writeln!(
            b,
            "for (uint256 i = 0; i < {n}; i++) {{ (uint256 a0, uint256 a1) = _es(c[2 * (co + i)], c[2 * (co + i) + 1], w[2 * i], w[2 * i + 1]); r[2 * i] = a0; r[2 * i + 1] = a1; }}"
        );
    } else if any.downcast_ref::<PublicInputGate>().is_some() {
        let _ = writeln!(
            b,
            "for (uint256 i = 0; i < 4; i++) {{ r[2 * i] = addmod(w[2 * i], P - pi[i], P); r[2 * i + 1] = w[2 * i + 1]; }}"
        );
    } else if let Some(g) = any.downcast_ref::<BaseSumGate<2>>() {
        let limbs = g.num_limbs;
        let _ = writeln!(
            b,
            "assembly {{
            let p := 0xFFFFFFFF00000001
            let wd := add(w, 0x20)
            let rd := add(r, 0x20)
            let s0 := 0
            let s1 := 0
            for {{ let i := {limbs} }} gt(i, 0) {{ i := sub(i, 1) }} {{
                let e := add(wd, shl(6, i))
                s0 := addmod(shl(1, s0), mload(e), p)
                s1 := addmod(shl(1, s1), mload(add(e, 0x20)), p)
            }}
            mstore(rd, addmod(s0, sub(p, mload(wd)), p))
            mstore(add(rd, 0x20), addmod(s1, sub(p, mload(add(wd, 0x20))), p))
            for {{ let i := 1 }} lt(i, add({limbs}, 1)) {{ i := add(i, 1) }} {{
                let e := add(wd, shl(6, i))
                let l0 := mload(e)
                let l1 := mload(add(e, 0x20))
                let m0 := addmod(l0, sub(p, 1), p)
                let o := add(rd, shl(6, i))
                mstore(o, mod(add(mul(l0, m0), mul(7, mul(l1, l1))), p))
                mstore(add(o, 0x20), mod(add(mul(l0, l1), mul(l1, m0)), p))
            }}
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<ReducingExtensionGate<D>>() {
        let nc = g.num_coeffs;
        let start_accs = 3 * D + nc * D;
        let _ = writeln!(
            b,
            "uint256[4] memory alpha = _alg(w, 2); uint256[4] memory acc = _alg(w, 4);
        for (uint256 i = 0; i < {nc}; i++) {{
            uint256[4] memory coeff = _alg(w, 6 + 2 * i);
            uint256[4] memory next = i == {nc} - 1 ? _alg(w, 0) : _alg(w, {start_accs} + 2 * i);
            uint256[4] memory t = _aadd(_am(acc, alpha), coeff);
            _asubTo(r, 4 * i, t, next);
            acc = next;
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<ReducingGate<D>>() {
        let nc = g.num_coeffs;
        let start_accs = 3 * D + nc;
        let _ = writeln!(
            b,
            "uint256[4] memory alpha = _alg(w, 2); uint256[4] memory acc = _alg(w, 4);
        for (uint256 i = 0; i < {nc}; i++) {{
            uint256[4] memory next = i == {nc} - 1 ? _alg(w, 0) : _alg(w, {start_accs} + 2 * i);
            uint256[4] memory t = _am(acc, alpha);
            (t[0], t[1]) = _ea(t[0], t[1], w[2 * (6 + i)], w[2 * (6 + i) + 1]);
            _asubTo(r, 4 * i, t, next);
            acc = next;
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<ArithmeticExtensionGate<D>>() {
        let ops = g.num_ops;
        let _ = writeln!(
            b,
            "(uint256 c00, uint256 c01) = (c[2 * co], c[2 * co + 1]); (uint256 c10, uint256 c11) = (c[2 * co + 2], c[2 * co + 3]);
        for (uint256 i = 0; i < {ops}; i++) {{
            uint256[4] memory t = _asc(_am(_alg(w, 8 * i), _alg(w, 8 * i + 2)), c00, c01);
            t = _aadd(t, _asc(_alg(w, 8 * i + 4), c10, c11));
            _asubTo(r, 4 * i, _alg(w, 8 * i + 6), t);
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<ArithmeticGate>() {
        let ops = g.num_ops;
        let _ = writeln!(
            b,
            "(uint256 c00, uint256 c01) = (c[2 * co], c[2 * co + 1]); (uint256 c10, uint256 c11) = (c[2 * co + 2], c[2 * co + 3]);
        for (uint256 i = 0; i < {ops}; i++) {{
            (uint256 t0, uint256 t1) = _em(w[8 * i], w[8 * i + 1], w[8 * i + 2], w[8 * i + 3]);
            (t0, t1) = _em(t0, t1, c00, c01);
            (uint256 u0, uint256 u1) = _em(w[8 * i + 4], w[8 * i + 5], c10, c11);
            (t0, t1) = _ea(t0, t1, u0, u1);
            (r[2 * i], r[2 * i + 1]) = _es(w[8 * i + 6], w[8 * i + 7], t0, t1);
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<MulExtensionGate<D>>() {
        let ops = g.num_ops;
        let _ = writeln!(
            b,
            "(uint256 c00, uint256 c01) = (c[2 * co], c[2 * co + 1]);
        for (uint256 i = 0; i < {ops}; i++) {{
            uint256[4] memory t = _asc(_am(_alg(w, 6 * i), _alg(w, 6 * i + 2)), c00, c01);
            _asubTo(r, 4 * i, _alg(w, 6 * i + 4), t);
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<ExponentiationGate<F, D>>() {
        let nb = g.num_power_bits;
        let _ = writeln!(
            b,
            "assembly {{
            function em(a0, a1, b0, b1) -> c0, c1 {{
                c0 := mod(add(mul(a0, b0), mul(7, mul(a1, b1))), 0xFFFFFFFF00000001)
                c1 := mod(add(mul(a0, b1), mul(a1, b0)), 0xFFFFFFFF00000001)
            }}
            let p := 0xFFFFFFFF00000001
            let wd := add(w, 0x20)
            let rd := add(r, 0x20)
            let p0 := 1
            let p1 := 0
            for {{ let i := 0 }} lt(i, {nb}) {{ i := add(i, 1) }} {{
                if i {{
                    let iw := add(wd, shl(6, add({nb}, add(1, i))))
                    p0, p1 := em(mload(iw), mload(add(iw, 0x20)), mload(iw), mload(add(iw, 0x20)))
                }}
                let bw := add(wd, shl(6, sub({nb}, i)))
                let x0, x1 := em(mload(bw), mload(add(bw, 0x20)), mload(wd), mload(add(wd, 0x20)))
                x0 := addmod(x0, addmod(1, sub(p, mload(bw)), p), p)
                x1 := addmod(x1, sub(p, mload(add(bw, 0x20))), p)
                x0, x1 := em(p0, p1, x0, x1)
                let ow := add(wd, shl(6, add({nb}, add(2, i))))
                let o := add(rd, shl(6, i))
                mstore(o, addmod(x0, sub(p, mload(ow)), p))
                mstore(add(o, 0x20), addmod(x1, sub(p, mload(add(ow, 0x20))), p))
            }}
            let outw := add(wd, shl(6, add({nb}, 1)))
            let lastw := add(wd, shl(6, add(shl(1, {nb}), 1)))
            let o := add(rd, shl(6, {nb}))
            mstore(o, addmod(mload(outw), sub(p, mload(lastw)), p))
            mstore(add(o, 0x20), addmod(mload(add(outw, 0x20)), sub(p, mload(add(lastw, 0x20))), p))
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<RandomAccessGate<F, D>>() {
        let bits = g.bits;
        let copies = g.num_copies;
        let extra = g.num_extra_constants;
        let vec_size = 1usize << bits;
        let routed = (2 + vec_size) * copies + extra;
        let _ = writeln!(
            b,
            "uint256 k = 0;
        for (uint256 cp = 0; cp < {copies}; cp++) {{
            k = _randomAccessCopy(w, r, k, (2 + {vec_size}) * cp, {routed} + cp * {bits}, {bits});
        }}
        for (uint256 i = 0; i < {extra}; i++) {{
            uint256 ew = (2 + {vec_size}) * {copies} + i;
            (r[2 * k], r[2 * k + 1]) = _es(c[2 * (co + i)], c[2 * (co + i) + 1], w[2 * ew], w[2 * ew + 1]);
            k++;
        }}"
        );
    } else if let Some(g) = any.downcast_ref::<CosetInterpolationGate<F, D>>() {
        let num_points = 1usize << g.subgroup_bits;
        if num_points != 16 {
            return Err(Error::UnsupportedGate(format!(
                "{} (only 16-point cosets are implemented)",
                gate.0.id()
            )));
        }
        let degree = g.degree;
        let num_intermediates = (num_points - 2) / (degree - 1);
        let start_values = 1;
        let eval_point = start_values + num_points * D;
        let eval_value = eval_point + D;
        let start_int = eval_value + D;
        let shifted = start_int + D * 2 * num_intermediates;
        let np2 = 2 * num_points;
        let domain = F::two_adic_subgroup(g.subgroup_bits);
        let domain_list = list(domain.iter().map(|x| x.to_canonical_u64()));
        let weights_list = list(g.barycentric_weights.iter().map(|x| x.to_canonical_u64()));
        let _ = writeln!(
            b,
            "uint256[{np2}] memory dw = [{domain_list}, {weights_list}];
        uint256[4] memory sx = _alg(w, {shifted});
        {{
            uint256[4] memory t = _asc(sx, w[0], w[1]);
            _asubTo(r, 0, _alg(w, {eval_point}), t);
        }}
        uint256[4] memory ev;
        uint256[4] memory pr; pr[0] = 1;
        (ev, pr) = _interp(w, dw, sx, ev, pr, [uint256(0), {degree}, {start_values}, {num_points}]);
        for (uint256 i = 0; i < {num_intermediates}; i++) {{
            uint256[4] memory ie = _alg(w, {start_int} + 2 * i);
            uint256[4] memory ip = _alg(w, {start_int} + 2 * ({num_intermediates} + i));
            _asubTo(r, 4 + 8 * i, ie, ev);
            _asubTo(r, 8 + 8 * i, ip, pr);
            uint256 st = 1 + ({degree} - 1) * (i + 1);
            (ev, pr) = _interp(w, dw, sx, ie, ip, [st, st + {degree} - 1 > {num_points} ? {num_points} : st + {degree} - 1, {start_values}, {num_points}]);
        }}
        _asubTo(r, 4 + 8 * {num_intermediates}, _alg(w, {eval_value}), ev);"
        );
    } else if any.downcast_ref::<PoseidonGate<F, D>>().is_some() {
        let (body, helpers) = poseidon_body::<F>(index);
        b.push_str(&body);
        extra_functions = helpers;
    } else {
        return Err(Error::UnsupportedGate(gate.0.id()));
    }
    Ok(format!(
        "    /// {id}\n    function gate{index}(uint256[] memory w, uint256[] memory c, uint256 co, uint256[4] memory pi) internal pure returns (uint256[] memory r) {{\n        r = new uint256[]({len});\n        co; c; pi; w;\n        {body}\n    }}\n{extra_functions}",
        id = gate.0.id().replace('\n', " "),
        len = 2 * n,
    ))
}

fn list(values: impl Iterator<Item = u64>) -> String {
    values
        .map(|v| format!("uint256({v})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// PoseidonGate's constraints: the gate's own wire layout (inputs 0..12, outputs 12..24, swap
/// 24, deltas 25..29, full-round S-box inputs, partial-round S-box inputs) and plonky2's
/// Poseidon over GF(p^2) with the fast partial rounds. Returns the gate body and its helper
/// functions (suffixed with the gate's index).
fn poseidon_body<F: Poseidon + PrimeField64>(index: usize) -> (String, String) {
    const W: usize = 12;
    let start_full_0 = 2 * W + 1 + 4;
    let start_partial = start_full_0 + W * (HALF_N_FULL_ROUNDS - 1);
    let start_full_1 = start_partial + N_PARTIAL_ROUNDS;
    let rc = list(ALL_ROUND_CONSTANTS.iter().copied());
    let circ = list(F::MDS_MATRIX_CIRC.iter().copied());
    let diag = list(F::MDS_MATRIX_DIAG.iter().copied());
    let first = list(F::FAST_PARTIAL_FIRST_ROUND_CONSTANT.iter().copied());
    let prc = list(F::FAST_PARTIAL_ROUND_CONSTANTS.iter().copied());
    let vs = list(F::FAST_PARTIAL_ROUND_VS.iter().flatten().copied());
    let whats = list(F::FAST_PARTIAL_ROUND_W_HATS.iter().flatten().copied());
    let init = list(
        F::FAST_PARTIAL_ROUND_INITIAL_MATRIX
            .iter()
            .flatten()
            .copied(),
    );
    let mds00 = F::MDS_MATRIX_CIRC[0] + F::MDS_MATRIX_DIAG[0];
    let nrc = ALL_ROUND_CONSTANTS.len();
    let np = N_PARTIAL_ROUNDS;
    let nvs = np * (W - 1);
    let ninit = (W - 1) * (W - 1);
    let half = HALF_N_FULL_ROUNDS;
    let i = index;
    let body = format!(
        "uint256[{nrc}] memory RC = [{rc}];
        uint256[24] memory cd = [{circ}, {diag}];
        uint256[24] memory s = _posInit{i}(w, r);
        uint256 k = 5;
        for (uint256 rd = 0; rd < {half}; rd++) {{
            k = _posFull{i}(w, r, s, RC, cd, k, rd, rd == 0 ? 0 : {start_full_0} + 12 * (rd - 1));
        }}
        _posPartialInit{i}(s);
        k = _posPartial{i}(w, r, s, k);
        for (uint256 rd = 0; rd < {half}; rd++) {{
            k = _posFull{i}(w, r, s, RC, cd, k, {half} + {np} + rd, {start_full_1} + 12 * rd);
        }}
        for (uint256 j = 0; j < 12; j++) {{
            (r[2 * k], r[2 * k + 1]) = _es(s[2 * j], s[2 * j + 1], w[2 * (12 + j)], w[2 * (12 + j) + 1]);
            k++;
        }}"
    );
    let helpers = format!(
        "
    /// @dev PoseidonGate: `swap` is boolean, the deltas are swap * (rhs - lhs); the swapped input.
    function _posInit{i}(uint256[] memory w, uint256[] memory r) internal pure returns (uint256[24] memory s) {{
        (r[0], r[1]) = _em(w[48], w[49], addmod(w[48], P - 1, P), w[49]);
        for (uint256 j = 0; j < 4; j++) {{
            (uint256 d0, uint256 d1) = _es(w[2 * (j + 4)], w[2 * (j + 4) + 1], w[2 * j], w[2 * j + 1]);
            (d0, d1) = _em(w[48], w[49], d0, d1);
            (r[2 * (1 + j)], r[2 * (1 + j) + 1]) = _es(d0, d1, w[2 * (25 + j)], w[2 * (25 + j) + 1]);
            (s[2 * j], s[2 * j + 1]) = _ea(w[2 * j], w[2 * j + 1], w[2 * (25 + j)], w[2 * (25 + j) + 1]);
            (s[2 * (j + 4)], s[2 * (j + 4) + 1]) = _es(w[2 * (j + 4)], w[2 * (j + 4) + 1], w[2 * (25 + j)], w[2 * (25 + j) + 1]);
        }}
        for (uint256 j = 8; j < 12; j++) {{ s[2 * j] = w[2 * j]; s[2 * j + 1] = w[2 * j + 1]; }}
    }}

    /// @dev A full round: constants, then (when `wi` is not 0) the S-box inputs at wires
    /// wi.. are constrained and used, the S-box, the MDS layer (cd: circulant then diagonal).
    function _posFull{i}(
        uint256[] memory w,
        uint256[] memory r,
        uint256[24] memory s,
        uint256[{nrc}] memory RC,
        uint256[24] memory cd,
        uint256 k,
        uint256 rctr,
        uint256 wi
    ) internal pure returns (uint256) {{
        assembly {{
            let p := 0xFFFFFFFF00000001
            let rc := add(RC, mul(384, rctr))
            for {{ let j := 0 }} lt(j, 12) {{ j := add(j, 1) }} {{
                let e := add(s, shl(6, j))
                mstore(e, addmod(mload(e), mload(add(rc, shl(5, j))), p))
            }}
            if wi {{
                let wd := add(w, 0x20)
                let rd := add(r, 0x20)
                for {{ let j := 0 }} lt(j, 12) {{ j := add(j, 1) }} {{
                    let e := add(s, shl(6, j))
                    let we := add(wd, shl(6, add(wi, j)))
                    let w0 := mload(we)
                    let w1 := mload(add(we, 0x20))
                    let o := add(rd, shl(6, k))
                    mstore(o, addmod(mload(e), sub(p, w0), p))
                    mstore(add(o, 0x20), addmod(mload(add(e, 0x20)), sub(p, w1), p))
                    k := add(k, 1)
                    mstore(e, w0)
                    mstore(add(e, 0x20), w1)
                }}
            }}
            for {{ let j := 0 }} lt(j, 12) {{ j := add(j, 1) }} {{
                let e := add(s, shl(6, j))
                let x0 := mload(e)
                let x1 := mload(add(e, 0x20))
                let a0 := mod(add(mul(x0, x0), mul(7, mul(x1, x1))), p)
                let a1 := mod(mul(shl(1, x0), x1), p)
                let b0 := mod(add(mul(a0, a0), mul(7, mul(a1, a1))), p)
                let b1 := mod(mul(shl(1, a0), a1), p)
                let c0 := mod(add(mul(x0, a0), mul(7, mul(x1, a1))), p)
                let c1 := mod(add(mul(x0, a1), mul(x1, a0)), p)
                mstore(e, mod(add(mul(c0, b0), mul(7, mul(c1, b1))), p))
                mstore(add(e, 0x20), mod(add(mul(c0, b1), mul(c1, b0)), p))
            }}
            let t := mload(0x40)
            for {{ let row := 0 }} lt(row, 12) {{ row := add(row, 1) }} {{
                let d := mload(add(cd, shl(5, add(row, 12))))
                let a0 := mul(mload(add(s, shl(6, row))), d)
                let a1 := mul(mload(add(s, add(shl(6, row), 0x20))), d)
                for {{ let j := 0 }} lt(j, 12) {{ j := add(j, 1) }} {{
                    let e := add(s, shl(6, mod(add(j, row), 12)))
                    let cc := mload(add(cd, shl(5, j)))
                    a0 := add(a0, mul(mload(e), cc))
                    a1 := add(a1, mul(mload(add(e, 0x20)), cc))
                }}
                mstore(add(t, shl(6, row)), mod(a0, p))
                mstore(add(t, add(shl(6, row), 0x20)), mod(a1, p))
            }}
            for {{ let j := 0 }} lt(j, 24) {{ j := add(j, 1) }} {{ mstore(add(s, shl(5, j)), mload(add(t, shl(5, j)))) }}
        }}
        return k;
    }}

    /// @dev partial_first_constant_layer, then mds_partial_layer_init.
    function _posPartialInit{i}(uint256[24] memory s) internal pure {{
        uint256[12] memory first = [{first}];
        uint256[{ninit}] memory m = [{init}];
        assembly {{
            let p := 0xFFFFFFFF00000001
            for {{ let j := 0 }} lt(j, 12) {{ j := add(j, 1) }} {{
                let e := add(s, shl(6, j))
                mstore(e, addmod(mload(e), mload(add(first, shl(5, j))), p))
            }}
            let t := mload(0x40)
            mstore(t, mload(s))
            mstore(add(t, 0x20), mload(add(s, 0x20)))
            for {{ let cc := 1 }} lt(cc, 12) {{ cc := add(cc, 1) }} {{
                let a0 := 0
                let a1 := 0
                for {{ let rr := 1 }} lt(rr, 12) {{ rr := add(rr, 1) }} {{
                    let x := mload(add(m, shl(5, add(mul(sub(rr, 1), 11), sub(cc, 1)))))
                    let e := add(s, shl(6, rr))
                    a0 := addmod(a0, mul(mload(e), x), p)
                    a1 := addmod(a1, mul(mload(add(e, 0x20)), x), p)
                }}
                mstore(add(t, shl(6, cc)), a0)
                mstore(add(t, add(shl(6, cc), 0x20)), a1)
            }}
            for {{ let j := 0 }} lt(j, 24) {{ j := add(j, 1) }} {{ mstore(add(s, shl(5, j)), mload(add(t, shl(5, j)))) }}
        }}
    }}

    /// @dev The partial rounds: S-box input constrained, S-box, round constant (not in the
    /// last round), mds_partial_layer_fast.
    function _posPartial{i}(uint256[] memory w, uint256[] memory r, uint256[24] memory s, uint256 k)
        internal
        pure
        returns (uint256)
    {{
        uint256[{np}] memory prc = [{prc}];
        uint256[{nvs}] memory vs = [{vs}];
        uint256[{nvs}] memory wh = [{whats}];
        for (uint256 rd = 0; rd < {np}; rd++) {{
            assembly {{
                function sbox(x0, x1) -> y0, y1 {{
                    let p := 0xFFFFFFFF00000001
                    let a0 := mod(add(mul(x0, x0), mul(7, mul(x1, x1))), p)
                    let a1 := mod(mul(shl(1, x0), x1), p)
                    let b0 := mod(add(mul(a0, a0), mul(7, mul(a1, a1))), p)
                    let b1 := mod(mul(shl(1, a0), a1), p)
                    let c0 := mod(add(mul(x0, a0), mul(7, mul(x1, a1))), p)
                    let c1 := mod(add(mul(x0, a1), mul(x1, a0)), p)
                    y0 := mod(add(mul(c0, b0), mul(7, mul(c1, b1))), p)
                    y1 := mod(add(mul(c0, b1), mul(c1, b0)), p)
                }}
                let we := add(add(w, 0x20), shl(6, add({start_partial}, rd)))
                let o := add(add(r, 0x20), shl(6, k))
                mstore(o, addmod(mload(s), sub(0xFFFFFFFF00000001, mload(we)), 0xFFFFFFFF00000001))
                mstore(
                    add(o, 0x20),
                    addmod(mload(add(s, 0x20)), sub(0xFFFFFFFF00000001, mload(add(we, 0x20))), 0xFFFFFFFF00000001)
                )
                k := add(k, 1)
                let y0, y1 := sbox(mload(we), mload(add(we, 0x20)))
                if lt(rd, sub({np}, 1)) {{ y0 := addmod(y0, mload(add(prc, shl(5, rd))), 0xFFFFFFFF00000001) }}
                mstore(s, y0)
                mstore(add(s, 0x20), y1)
            }}
            _posFast{i}(s, vs, wh, rd);
        }}
        return k;
    }}

    function _posFast{i}(uint256[24] memory s, uint256[{nvs}] memory vs, uint256[{nvs}] memory wh, uint256 rd)
        internal
        pure
    {{
        assembly {{
            let p := 0xFFFFFFFF00000001
            let s0 := mload(s)
            let s1 := mload(add(s, 0x20))
            let d0 := mul(s0, {mds00})
            let d1 := mul(s1, {mds00})
            let row := mul(rd, 11)
            for {{ let j := 1 }} lt(j, 12) {{ j := add(j, 1) }} {{
                let h := mload(add(wh, shl(5, add(row, sub(j, 1)))))
                let v := mload(add(vs, shl(5, add(row, sub(j, 1)))))
                let e := add(s, shl(6, j))
                let x0 := mload(e)
                let x1 := mload(add(e, 0x20))
                d0 := addmod(d0, mul(x0, h), p)
                d1 := addmod(d1, mul(x1, h), p)
                mstore(e, addmod(mul(s0, v), x0, p))
                mstore(add(e, 0x20), addmod(mul(s1, v), x1, p))
            }}
            mstore(s, mod(d0, p))
            mstore(add(s, 0x20), mod(d1, p))
        }}
    }}
"
    );
    (body, helpers)
}
