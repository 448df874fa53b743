//! GF(p^5) = GF(p)[z]/(z^5 - 3) over Goldilocks (p = 2^64 - 2^32 + 1), the field of EcGFp5.
//!
//! The arithmetic is plonky2's [`QuinticExtension<GoldilocksField>`]: its `W` constant for
//! Goldilocks is 3, the modulus `z^5 - 3` of the paper, so elements are exactly the paper's
//! `(a0, .., a4) = a0 + a1 z + .. + a4 z^4`. This module adds what plonky2 does not have or
//! has only generically: Frobenius maps from constant tables, a cheap inversion, the
//! Legendre symbol and square roots (both needed to decode points), and canonical limbs.
//!
//! The constants are `pub` so the in-circuit gadget computes with the very same numbers.
//!
//! Nothing here is constant-time except what only does fixed sequences of field
//! operations (multiplication, Frobenius, inversion); square roots and Legendre symbols
//! are only ever taken of public data (point decoding).

use plonky2::field::extension::quintic::QuinticExtension;
use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::ops::Square;
use plonky2::field::types::{Field, Field64, PrimeField64};

use crate::error::DecodeError;

/// The base field GF(p), p = 2^64 - 2^32 + 1 (plonky2's Goldilocks).
pub type GFp = GoldilocksField;

/// GF(p^5) = GF(p)[z]/(z^5 - 3); coefficient `i` of `z^i` is `.0[i]`.
pub type GFp5 = QuinticExtension<GoldilocksField>;

/// The Goldilocks prime p = 2^64 - 2^32 + 1.
pub const P: u64 = GoldilocksField::ORDER;

/// `W` in `z^5 = W`: the extension is GF(p)[z]/(z^5 - 3).
pub const EXTENSION_W: u64 = 3;

/// `3^((p-1)/5)`, a primitive fifth root of unity: `z^p = FROBENIUS_ROOT * z`.
pub const FROBENIUS_ROOT: u64 = 1041288259238279555;

/// Frobenius `x -> x^p` multiplies coefficient `i` by `FROBENIUS_1[i] = 3^(i (p-1)/5)`.
pub const FROBENIUS_1: [u64; 5] = [
    1,
    1041288259238279555,
    15820824984080659046,
    211587555138949697,
    1373043270956696022,
];

/// `x -> x^(p^2)` multiplies coefficient `i` by `FROBENIUS_2[i] = 3^(2 i (p-1)/5)`.
pub const FROBENIUS_2: [u64; 5] = [
    1,
    15820824984080659046,
    1373043270956696022,
    1041288259238279555,
    211587555138949697,
];

/// A primitive 2^32-th root of unity in GF(p) (`7^((p-1)/2^32)`), for Tonelli-Shanks.
pub const TWO_ADIC_ROOT: u64 = 1753635133440165772;

/// 7 is not a square in GF(p^5) (it generates GF(p)^* and has norm 7^5), so `x != 0` is a
/// non-square exactly when `NON_SQUARE * x` is a square: a circuit can check that decoding
/// chose the non-square root with a witnessed square root of `7x`.
pub const NON_SQUARE: u64 = 7;

/// `(p + 1) / 2`, the inverse of 2 in GF(p).
pub const HALF: u64 = 9223372034707292161;

/// An element of GF(p) from a `u64` known to be below p (or reduced on the fly).
pub const fn gfp(x: u64) -> GFp {
    GoldilocksField(x)
}

/// An element of GF(p^5) from five `u64` coefficients (used for constants; not checked).
pub const fn gfp5(c: [u64; 5]) -> GFp5 {
    QuinticExtension([gfp(c[0]), gfp(c[1]), gfp(c[2]), gfp(c[3]), gfp(c[4])])
}

/// The five coefficients of `x`, each canonical (below p).
pub fn to_canonical_limbs(x: &GFp5) -> [u64; 5] {
    x.0.map(|c| c.to_canonical_u64())
}

/// The element with these coefficients; refuses any coefficient `>= p` (no silent reduction:
/// an encoding has exactly one valid form).
pub fn from_canonical_limbs(limbs: [u64; 5]) -> Result<GFp5, DecodeError> {
    for (index, limb) in limbs.iter().enumerate() {
        if *limb >= P {
            return Err(DecodeError::NonCanonicalFieldElement { index });
        }
    }
    Ok(gfp5(limbs))
}

/// Canonical 40-byte encoding: the five coefficients as little-endian `u64`s, `a0` first.
pub fn to_bytes(x: &GFp5) -> [u8; 40] {
    let mut out = [0u8; 40];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(to_canonical_limbs(x)) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// Inverse of [`to_bytes`]; refuses coefficients `>= p`.
pub fn from_bytes(bytes: &[u8; 40]) -> Result<GFp5, DecodeError> {
    let mut limbs = [0u64; 5];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    from_canonical_limbs(limbs)
}

/// `x * k z` for a small integer `k`: multiplying by `z` rotates the coefficients and the
/// top one wraps around times 3. Used for the curve constant `b = 263 z` and its multiples.
#[inline(always)]
pub fn mul_small_z(x: &GFp5, k: u64) -> GFp5 {
    let [a0, a1, a2, a3, a4] = x.0;
    let k = gfp(k);
    QuinticExtension([a4 * gfp(EXTENSION_W) * k, a0 * k, a1 * k, a2 * k, a3 * k])
}

/// `x * k` for an element `k` of the base field.
#[inline(always)]
pub fn mul_base(x: &GFp5, k: GFp) -> GFp5 {
    QuinticExtension(x.0.map(|c| c * k))
}

/// `x / 2`.
#[inline(always)]
pub fn half(x: &GFp5) -> GFp5 {
    mul_base(x, gfp(HALF))
}

/// `x^2`: plonky2's squaring (15 base-field products instead of 25). A version with one
/// reduction per coefficient was measured here and was slower.
#[inline(always)]
pub fn square(x: &GFp5) -> GFp5 {
    x.square()
}

/// `x^(2^n)`: `n` successive squarings.
pub fn msquare(x: &GFp5, n: u32) -> GFp5 {
    let mut r = *x;
    for _ in 0..n {
        r = square(&r);
    }
    r
}

/// Frobenius `x -> x^p`.
#[inline(always)]
pub fn frobenius1(x: &GFp5) -> GFp5 {
    let mut r = *x;
    for (c, f) in r.0.iter_mut().zip(FROBENIUS_1).skip(1) {
        *c *= gfp(f);
    }
    r
}

/// Frobenius twice, `x -> x^(p^2)`.
#[inline(always)]
pub fn frobenius2(x: &GFp5) -> GFp5 {
    let mut r = *x;
    for (c, f) in r.0.iter_mut().zip(FROBENIUS_2).skip(1) {
        *c *= gfp(f);
    }
    r
}

/// The constant coefficient of `a * b`: enough when the product is known to lie in GF(p).
#[inline(always)]
fn mul_constant_coefficient(a: &GFp5, b: &GFp5) -> GFp {
    let [a0, a1, a2, a3, a4] = a.0;
    let [b0, b1, b2, b3, b4] = b.0;
    a0 * b0 + gfp(EXTENSION_W) * (a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1)
}

/// `(x^(p + p^2 + p^3 + p^4), x^r)` with `r = 1 + p + .. + p^4`: `x^r` is the norm of `x`,
/// an element of GF(p), so `1/x = x^(r-1) / x^r` costs one inversion in GF(p).
fn norm_parts(x: &GFp5) -> (GFp5, GFp) {
    let t0 = frobenius1(x);
    let t1 = t0 * frobenius1(&t0);
    let t2 = t1 * frobenius2(&t1);
    (t2, mul_constant_coefficient(x, &t2))
}

/// `1/x`, or 0 when `x = 0`.
pub fn inverse_or_zero(x: &GFp5) -> GFp5 {
    let (t2, norm) = norm_parts(x);
    match norm.try_inverse() {
        Some(inv) => mul_base(&t2, inv),
        None => GFp5::ZERO,
    }
}

/// Legendre symbol in GF(p): `x^((p-1)/2)` as 0, 1 or -1.
pub fn legendre_base(x: GFp) -> i8 {
    let r = x.exp_u64((P - 1) / 2);
    if r.is_zero() {
        0
    } else if r.is_one() {
        1
    } else {
        -1
    }
}

/// Legendre symbol in GF(p^5): 0 for 0, 1 for a non-zero square, -1 otherwise. It equals the
/// symbol of the norm `x^r` in GF(p), since `x^((p^5-1)/2) = (x^r)^((p-1)/2)`.
pub fn legendre(x: &GFp5) -> i8 {
    legendre_base(norm_parts(x).1)
}

/// A square root in GF(p) (Tonelli-Shanks with p - 1 = 2^32 q, q = 2^32 - 1), or `None`.
/// Variable-time: for public data only.
pub fn sqrt_base(x: GFp) -> Option<GFp> {
    if x.is_zero() {
        return Some(x);
    }
    const Q: u64 = (1 << 32) - 1;
    let mut m = 32u32;
    let mut c = gfp(TWO_ADIC_ROOT);
    let mut t = x.exp_u64(Q);
    let mut r = x.exp_power_of_2(31); // x^((q+1)/2)
    while !t.is_one() {
        // Least i with t^(2^i) = 1; for a non-square it does not exist below m.
        let mut i = 0u32;
        let mut t2i = t;
        while !t2i.is_one() {
            t2i = t2i * t2i;
            i += 1;
            if i == m {
                return None;
            }
        }
        let b = c.exp_power_of_2((m - i - 1) as usize);
        m = i;
        c = b * b;
        t *= c;
        r *= b;
    }
    Some(r)
}

/// A square root in GF(p^5), or `None` if `x` is not a square. Which of the two roots is
/// returned is unspecified (callers that need a canonical one must choose themselves).
///
/// Method (the paper's): with `r = 1 + p + .. + p^4`, `e = x^((r-1)/2)` is cheap through
/// Frobenius since `(r-1)/2 = p (1 + p^2) (p+1)/2`; then `x^r = x e^2` lies in GF(p), and
/// `sqrt(x) = x e / sqrt(x^r)` needs a square root and an inversion in GF(p) only.
/// Variable-time: for public data only.
pub fn sqrt(x: &GFp5) -> Option<GFp5> {
    if x.is_zero() {
        return Some(GFp5::ZERO);
    }
    // d = x^((p+1)/2) = x * x^(2^31 (2^32 - 1)).
    let x2 = square(x) * *x; // x^(2^2 - 1)
    let x4 = msquare(&x2, 2) * x2; // x^(2^4 - 1)
    let x8 = msquare(&x4, 4) * x4;
    let x16 = msquare(&x8, 8) * x8;
    let x32 = msquare(&x16, 16) * x16; // x^(2^32 - 1)
    let d = msquare(&x32, 31) * *x;
    let e = frobenius1(&(d * frobenius2(&d))); // x^((r-1)/2)
    let xe = *x * e; // x^((r+1)/2)
    let norm = mul_constant_coefficient(&xe, &e); // x^r
    let s = sqrt_base(norm)?;
    let inv = s.try_inverse()?;
    Some(mul_base(&xe, inv))
}

/// Constant-time select: `a` if `mask == 0`, `b` if `mask == u64::MAX`.
#[inline(always)]
pub(crate) fn select(mask: u64, a: &GFp5, b: &GFp5) -> GFp5 {
    let mut r = *a;
    for i in 0..5 {
        r.0[i] = gfp(a.0[i].0 ^ (mask & (a.0[i].0 ^ b.0[i].0)));
    }
    r
}

#[cfg(test)]
mod tests {
    use plonky2::field::types::Sample;
    use proptest::prelude::*;

    use super::*;

    fn element(limbs: [u64; 5]) -> GFp5 {
        gfp5(limbs.map(|l| l % P))
    }

    #[test]
    fn plonky2_quintic_extension_is_the_papers_field() {
        use plonky2::field::extension::Extendable;
        assert_eq!(<GoldilocksField as Extendable<5>>::W, gfp(EXTENSION_W));
        // z^5 = 3.
        let z = gfp5([0, 1, 0, 0, 0]);
        assert_eq!(z * z * z * z * z, gfp5([3, 0, 0, 0, 0]));
    }

    #[test]
    fn frobenius_tables_match_their_definition() {
        let root = gfp(EXTENSION_W).exp_u64((P - 1) / 5);
        assert_eq!(root, gfp(FROBENIUS_ROOT));
        for i in 0..5u64 {
            assert_eq!(root.exp_u64(i), gfp(FROBENIUS_1[i as usize]));
            assert_eq!(root.exp_u64(2 * i), gfp(FROBENIUS_2[i as usize]));
        }
        let g = gfp(TWO_ADIC_ROOT);
        assert!(g.exp_power_of_2(31) == GFp::NEG_ONE);
        assert_eq!(gfp(HALF) * gfp(2), GFp::ONE);
    }

    #[test]
    fn non_canonical_limbs_are_refused() {
        assert_eq!(
            from_canonical_limbs([0, 0, P, 0, 0]),
            Err(DecodeError::NonCanonicalFieldElement { index: 2 })
        );
        assert_eq!(
            from_canonical_limbs([u64::MAX, 0, 0, 0, 0]),
            Err(DecodeError::NonCanonicalFieldElement { index: 0 })
        );
        assert!(from_canonical_limbs([P - 1; 5]).is_ok());
    }

    #[test]
    fn sqrt_of_non_square_is_none_and_zero_is_its_own_root() {
        assert_eq!(sqrt(&GFp5::ZERO), Some(GFp5::ZERO));
        // 7 generates GF(p)^*, so it is no square there, nor in GF(p^5): its norm is 7^5.
        assert_eq!(sqrt_base(gfp(7)), None);
        assert_eq!(legendre(&gfp5([NON_SQUARE, 0, 0, 0, 0])), -1);
        assert_eq!(sqrt(&gfp5([7, 0, 0, 0, 0])), None);
        // z has norm 3, a square in GF(p) since p = 1 mod 3 and p = 1 mod 4.
        assert_eq!(legendre(&gfp5([0, 1, 0, 0, 0])), 1);
    }

    proptest! {
        #[test]
        fn frobenius_is_the_pth_power(limbs in any::<[u64; 5]>()) {
            let x = element(limbs);
            prop_assert_eq!(frobenius1(&x), x.exp_u64(P));
            prop_assert_eq!(frobenius2(&x), x.exp_u64(P).exp_u64(P));
        }

        #[test]
        fn square_matches_multiplication(limbs in any::<[u64; 5]>(), raw in any::<[u64; 5]>()) {
            let x = element(limbs);
            prop_assert_eq!(square(&x), x * x);
            // Non-canonical internal values (plonky2 allows up to 2^64 - 1) square correctly.
            let y = gfp5(raw);
            prop_assert_eq!(square(&y), y * y);
        }

        #[test]
        fn inverse_inverts(limbs in any::<[u64; 5]>()) {
            let x = element(limbs);
            prop_assume!(x != GFp5::ZERO);
            prop_assert_eq!(inverse_or_zero(&x) * x, GFp5::ONE);
        }

        #[test]
        fn sqrt_of_square_is_a_root(limbs in any::<[u64; 5]>()) {
            let x = element(limbs);
            let sq = square(&x);
            let r = sqrt(&sq).expect("a square has a root");
            prop_assert!(r == x || r == -x);
            prop_assert!(legendre(&sq) >= 0);
        }

        #[test]
        fn legendre_agrees_with_sqrt(limbs in any::<[u64; 5]>()) {
            let x = element(limbs);
            let l = legendre(&x);
            match sqrt(&x) {
                Some(r) => { prop_assert_eq!(square(&r), x); prop_assert!(l >= 0); }
                None => prop_assert_eq!(l, -1),
            }
        }

        #[test]
        fn bytes_round_trip(limbs in any::<[u64; 5]>()) {
            let x = element(limbs);
            prop_assert_eq!(from_bytes(&to_bytes(&x)), Ok(x));
        }
    }

    #[test]
    fn base_field_sqrt_matches_plonky2() {
        for _ in 0..200 {
            let x = GFp::rand();
            let ours = sqrt_base(x);
            assert_eq!(ours.is_some(), legendre_base(x) >= 0);
            if let Some(r) = ours {
                assert_eq!(r * r, x);
            }
        }
    }
}
