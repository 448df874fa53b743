//! The split of Antipa et al. (SAC 2005; see also eprint 2020/454): a challenge `e` written
//! as `e = c0 / c1 mod n` with `|c0|, |c1| < 2^160`, so that a verifier can check
//! `(s c1) G - c1 R - c0 Q = 0` (equivalently `c1 (s G - R - e Q) = 0`; `c1` is invertible
//! mod `n`) with scalars half as long for `Q` and `R`.
//!
//! This is the out-of-circuit hint for the in-circuit verifier: the circuit takes
//! `(c0, c1)` as witness and checks `c0 = e c1 mod n` and the point equation itself.
//!
//! `(c0, c1)` is the shortest non-zero vector of the lattice `{(x, y) : x = e y mod n}`
//! (basis `(n, 0)`, `(e, 1)`), found by Lagrange-Gauss reduction. Its length squared is at
//! most `2n / sqrt(3) < 2^320`, hence each coordinate is below `2^160` in absolute value;
//! `c1 != 0` because `(c0, 0)` in the lattice needs `n | c0`. The sign is normalised so that
//! `c1 > 0`. Variable-time: challenges are public.
//!
//! Native verification does not use the split: with `num-bigint` it costs about 70 µs, more
//! than the doublings it saves (the native challenge is only 256 bits long anyway). A
//! fixed-width binary variant (eprint 2020/454, algorithm 4) would make it pay natively too.

use num_bigint::{BigInt, Sign};

use crate::scalar::{GROUP_ORDER, Scalar};

/// A signed integer of magnitude below `2^160`, as a sign and three little-endian limbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedHalf {
    /// Whether the value is negative (never set for zero).
    pub negative: bool,
    /// `|value|`, three little-endian 64-bit limbs, below `2^160`.
    pub magnitude: [u64; 3],
}

impl SignedHalf {
    /// The value modulo `n`.
    pub fn to_scalar(&self) -> Scalar {
        let m = self.magnitude;
        let abs = Scalar::from_u256_limbs([m[0], m[1], m[2], 0]);
        if self.negative { -abs } else { abs }
    }

    fn from_bigint(x: &BigInt) -> Self {
        let (sign, digits) = x.to_u64_digits();
        let mut magnitude = [0u64; 3];
        for (m, d) in magnitude.iter_mut().zip(digits) {
            *m = d;
        }
        Self {
            negative: sign == Sign::Minus,
            magnitude,
        }
    }
}

/// `e = c0 / c1 mod n`, `|c0|, |c1| < 2^160`, `c1 > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChallengeSplit {
    /// The numerator `c0`.
    pub c0: SignedHalf,
    /// The denominator `c1`, positive.
    pub c1: SignedHalf,
}

fn to_bigint(limbs: &[u64; 5]) -> BigInt {
    let bytes: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    BigInt::from_bytes_le(Sign::Plus, &bytes)
}

/// `floor(a / b)` for `b > 0`.
fn div_floor(a: &BigInt, b: &BigInt) -> BigInt {
    let q = a / b;
    if (a % b).sign() == Sign::Minus {
        q - 1
    } else {
        q
    }
}

/// Splits `e` as described in the module documentation.
pub fn split_challenge(e: &Scalar) -> ChallengeSplit {
    type Vector = (BigInt, BigInt);
    let norm = |v: &Vector| &v.0 * &v.0 + &v.1 * &v.1;
    let dot = |a: &Vector, b: &Vector| &a.0 * &b.0 + &a.1 * &b.1;

    let mut u: Vector = (to_bigint(&GROUP_ORDER), BigInt::from(0));
    let mut v: Vector = (to_bigint(&e.to_limbs()), BigInt::from(1));
    loop {
        if norm(&u) < norm(&v) {
            core::mem::swap(&mut u, &mut v);
        }
        // u <- u - q v with q the integer nearest to <u, v> / |v|^2.
        let nv = norm(&v);
        let q = div_floor(&(2 * dot(&u, &v) + &nv), &(2 * &nv));
        if q == BigInt::from(0) {
            break;
        }
        u = (&u.0 - &q * &v.0, &u.1 - &q * &v.1);
    }
    if v.1.sign() == Sign::Minus {
        v = (-v.0, -v.1);
    }
    ChallengeSplit {
        c0: SignedHalf::from_bigint(&v.0),
        c1: SignedHalf::from_bigint(&v.1),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::curve::Point;
    use crate::scalar::tests::arb_scalar;

    fn check(e: &Scalar) {
        let split = split_challenge(e);
        let (c0, c1) = (split.c0.to_scalar(), split.c1.to_scalar());
        assert_eq!(c0, *e * c1, "c0 = e c1 mod n");
        assert!(!split.c1.negative && split.c1.magnitude != [0; 3]);
        for half in [split.c0, split.c1] {
            assert!(half.magnitude[2] < 1 << 32, "below 2^160");
            assert!(!(half.negative && half.magnitude == [0; 3]));
        }
    }

    #[test]
    fn edge_challenges_split() {
        for e in [
            Scalar::ZERO,
            Scalar::ONE,
            -Scalar::ONE,
            Scalar::from_u64(u64::MAX),
        ] {
            check(&e);
        }
        check(&Scalar::from_u256_limbs([u64::MAX; 4]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_challenges_split(e in arb_scalar()) {
            check(&e);
        }

        #[test]
        fn split_equation_holds_on_the_curve(e in arb_scalar(), a in arb_scalar()) {
            // Q arbitrary, R = s G - e Q for some s: then (s c1) G - c1 R - c0 Q = 0.
            let q = Point::mul_generator(&a);
            let s = Scalar::from_u64(12345);
            let r = Point::mul_generator(&s) - q.mul(&e);
            let split = split_challenge(&e);
            let (c0, c1) = (split.c0.to_scalar(), split.c1.to_scalar());
            let lhs = Point::mul_generator(&(s * c1)) - r.mul(&c1) - q.mul(&c0);
            prop_assert!(lhs.is_neutral());
        }
    }
}
