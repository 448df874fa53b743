//! The EcGFp5 group (T. Pornin, eprint 2022/274): points, their encoding, and the group law.
//!
//! The curve is `y^2 = x (x^2 + a x + b)` over GF(p^5) with `a = 2`, `b = 263 z`. It has
//! `2n` points for a prime `n`; the paper's group is `{P + N : n P = 0}` with `N = (0, 0)`
//! the point of order 2, whose law `(P1 + N) + (P2 + N) = P1 + P2 + N` makes `N` the neutral.
//! Every element, the neutral included, has affine coordinates, and formulas are complete.
//!
//! **Encoding.** An element `(x, y)` is encoded as the single field element `w = y / x`;
//! the neutral `N` encodes as `w = 0`. Decoding solves `x^2 - (w^2 - a) x + b = 0`: with
//! `e = w^2 - a` and `delta = e^2 - 4b`, `w` is valid iff `w = 0` or `delta` is a square;
//! then the roots are `(e +- sqrt(delta)) / 2` and exactly one of them is not a square
//! (their product `b` is not one): that one is `x`. Encoding is injective, so comparing
//! canonical encodings compares points.
//!
//! **Coordinates.** Points are kept in the paper's fractional `(x, u)` coordinates
//! `(X : Z : U : T)` with `x = X/Z`, `u = x/y = U/T` (so `w = T/U`); the neutral has
//! `u = 0`. Addition costs 10 multiplications, doubling 4 multiplications and 5 squarings.
//!
//! **Scalar multiplication.** Signed 5-bit windows everywhere. [`Point::mul`] (any base,
//! constant-time lookups into an affine window of 16 multiples); [`Point::mul_generator`]
//! (eight lazily built tables of `j 2^(40k) G`, 35 doublings); and the variable-time
//! double-scalar products [`Point::mul_add_vartime`] and [`Point::mul_generator_add_vartime`]
//! that signature verification uses.

use core::ops::{Add, AddAssign, Mul, Neg, Sub};
use std::sync::OnceLock;

use plonky2::field::types::Field;

use crate::error::DecodeError;
use crate::field::{self, GFp5, gfp5};
use crate::scalar::Scalar;

/// The curve constant `a = 2`.
pub const CURVE_A: GFp5 = gfp5([2, 0, 0, 0, 0]);
/// `b = CURVE_B_Z * z`, the only non-zero coefficient of the curve constant `b`.
pub const CURVE_B_Z: u64 = 263;
/// The curve constant `b = 263 z`.
pub const CURVE_B: GFp5 = gfp5([0, CURVE_B_Z, 0, 0, 0]);
/// `4 b`, used in decoding (`delta = (w^2 - a)^2 - 4b`).
pub const CURVE_B_MUL4: GFp5 = gfp5([0, 4 * CURVE_B_Z, 0, 0, 0]);
/// The encoding `w = 4` of the conventional generator `G`.
pub const GENERATOR_ENCODING: [u64; 5] = [4, 0, 0, 0, 0];
/// Affine `x` of the conventional generator (the root that decoding `w = 4` selects).
pub const GENERATOR_X: [u64; 5] = [
    12883135586176881569,
    4356519642755055268,
    5248930565894896907,
    2165973894480315022,
    2448410071095648785,
];
/// Affine `u = x / y = 1/w` of the generator: `1/4` in GF(p).
pub const GENERATOR_U: [u64; 5] = [13835058052060938241, 0, 0, 0, 0];

/// An element of the EcGFp5 group in fractional `(x, u)` coordinates `(X : Z : U : T)`.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    x: GFp5,
    z: GFp5,
    u: GFp5,
    t: GFp5,
}

/// A point in affine `(x, u)` coordinates (`u = x / y`; the neutral is `(0, 0)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AffinePoint {
    /// The curve `x` coordinate of the representative `P + N`.
    pub x: GFp5,
    /// `u = x / y`, the inverse of the encoding `w`; 0 for the neutral.
    pub u: GFp5,
}

impl AffinePoint {
    /// The neutral, `(0, 0)`.
    pub const NEUTRAL: Self = Self {
        x: GFp5::ZERO,
        u: GFp5::ZERO,
    };

    /// Back to fractional coordinates.
    pub fn to_point(&self) -> Point {
        Point {
            x: self.x,
            z: GFp5::ONE,
            u: self.u,
            t: GFp5::ONE,
        }
    }

    /// The encoding `w = 1/u` (0 for the neutral).
    pub fn encode(&self) -> GFp5 {
        field::inverse_or_zero(&self.u)
    }
}

impl Neg for AffinePoint {
    type Output = Self;
    fn neg(self) -> Self {
        // -(x, y) = (x, -y), and the representative of -(P + N) is -P + N = -(P + N).
        Self {
            x: self.x,
            u: -self.u,
        }
    }
}

/// Signed digit lookup in a window `win[j] = (j + 1) P`; variable-time (public data).
#[inline(always)]
fn lookup_vartime<T: Copy + Neg<Output = T>>(win: &[T], digit: i8) -> T {
    if digit > 0 {
        win[(digit - 1) as usize]
    } else {
        -win[(-digit - 1) as usize]
    }
}

/// Signed digit lookup in an affine window, scanning every entry (constant-time).
#[inline(always)]
fn lookup_ct(win: &[AffinePoint; 16], digit: i8) -> AffinePoint {
    let sign = (digit >> 7) as i64 as u64; // all ones when negative
    let magnitude = ((digit as i64 as u64 ^ sign).wrapping_sub(sign)) as u32;
    let mut r = AffinePoint::NEUTRAL;
    for (j, entry) in win.iter().enumerate() {
        let diff = magnitude ^ (j as u32 + 1);
        // mask = all ones exactly when diff == 0.
        let mask = ((((diff | diff.wrapping_neg()) >> 31) as u64) ^ 1).wrapping_neg();
        r.x = field::select(mask, &r.x, &entry.x);
        r.u = field::select(mask, &r.u, &entry.u);
    }
    r.u = field::select(sign, &r.u, &-r.u);
    r
}

/// `8` tables of `16` affine points: `tables[k][j] = (j + 1) 2^(40 k) G`.
type GeneratorTables = [[AffinePoint; 16]; 8];

fn generator_tables() -> &'static GeneratorTables {
    static TABLES: OnceLock<Box<GeneratorTables>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut fractional = Vec::with_capacity(128);
        let mut base = Point::GENERATOR;
        for _ in 0..8 {
            fractional.extend_from_slice(&base.window());
            base = base.mdouble(40);
        }
        let affine = Point::batch_to_affine(&fractional);
        let mut tables = Box::new([[AffinePoint::NEUTRAL; 16]; 8]);
        for (k, table) in tables.iter_mut().enumerate() {
            table.copy_from_slice(&affine[16 * k..16 * (k + 1)]);
        }
        tables
    })
}

impl Point {
    /// The neutral element `N = (0, 0)`, encoded as `w = 0`.
    pub const NEUTRAL: Self = Self {
        x: GFp5::ZERO,
        z: GFp5::ONE,
        u: GFp5::ZERO,
        t: GFp5::ONE,
    };

    /// The conventional generator `G` (encoding `w = 4`).
    pub const GENERATOR: Self = Self {
        x: gfp5(GENERATOR_X),
        z: GFp5::ONE,
        u: gfp5(GENERATOR_U),
        t: GFp5::ONE,
    };

    /// Whether this is the neutral element.
    pub fn is_neutral(&self) -> bool {
        self.u.is_zero()
    }

    /// The canonical encoding `w = y / x = T / U` (0 for the neutral).
    pub fn encode(&self) -> GFp5 {
        self.t * field::inverse_or_zero(&self.u)
    }

    /// The encoding as five canonical limbs.
    pub fn encode_limbs(&self) -> [u64; 5] {
        field::to_canonical_limbs(&self.encode())
    }

    /// The encoding as 40 bytes (five little-endian `u64`s).
    pub fn to_bytes(&self) -> [u8; 40] {
        field::to_bytes(&self.encode())
    }

    /// Decodes `w`; refuses field elements that encode no point (see the module docs).
    pub fn decode(w: &GFp5) -> Result<Self, DecodeError> {
        if w.is_zero() {
            return Ok(Self::NEUTRAL);
        }
        let e = field::square(w) - CURVE_A;
        let delta = field::square(&e) - CURVE_B_MUL4;
        let r = field::sqrt(&delta).ok_or(DecodeError::NotOnCurve)?;
        let x1 = field::half(&(e + r));
        let x2 = field::half(&(e - r));
        let x = if field::legendre(&x1) == 1 { x2 } else { x1 };
        Ok(Self {
            x,
            z: GFp5::ONE,
            u: GFp5::ONE,
            t: *w,
        })
    }

    /// Decodes five limbs; refuses limbs `>= p` and invalid encodings.
    pub fn decode_limbs(limbs: [u64; 5]) -> Result<Self, DecodeError> {
        Self::decode(&field::from_canonical_limbs(limbs)?)
    }

    /// Decodes 40 bytes; refuses limbs `>= p` and invalid encodings.
    pub fn from_bytes(bytes: &[u8; 40]) -> Result<Self, DecodeError> {
        Self::decode(&field::from_bytes(bytes)?)
    }

    /// Affine `(x, u)` coordinates (one inversion).
    pub fn to_affine(&self) -> AffinePoint {
        let inv = field::inverse_or_zero(&(self.z * self.t));
        AffinePoint {
            x: self.x * self.t * inv,
            u: self.u * self.z * inv,
        }
    }

    /// Affine coordinates of many points with one inversion (Montgomery's trick).
    pub fn batch_to_affine(points: &[Self]) -> Vec<AffinePoint> {
        // prefix[i] = prod_{j < i} Z_j T_j.
        let mut prefix = Vec::with_capacity(points.len());
        let mut acc = GFp5::ONE;
        for p in points {
            prefix.push(acc);
            acc *= p.z * p.t;
        }
        let mut inv = field::inverse_or_zero(&acc);
        let mut out = vec![AffinePoint::NEUTRAL; points.len()];
        for i in (0..points.len()).rev() {
            let p = &points[i];
            let inv_zt = inv * prefix[i]; // 1 / (Z_i T_i)
            inv *= p.z * p.t;
            out[i] = AffinePoint {
                x: p.x * p.t * inv_zt,
                u: p.u * p.z * inv_zt,
            };
        }
        out
    }

    /// `2 P` (4M + 5S).
    pub fn double(&self) -> Self {
        let Self { x, z, u, t } = *self;
        let t1 = z * t;
        let t2 = t1 * t;
        let x1 = field::square(&t2);
        let z1 = t1 * u;
        let t3 = field::square(&u);
        let w1 = t2 - (x + z).double() * t3;
        let t4 = field::square(&z1);
        let z_out = field::square(&w1);
        Self {
            x: field::mul_small_z(&t4, 4 * CURVE_B_Z),
            z: z_out,
            u: field::square(&(w1 + z1)) - t4 - z_out,
            t: x1.double() - t4.double().double() - z_out,
        }
    }

    /// `2^k P`: `k` successive doublings, the middle ones in Jacobian `(x, w)` coordinates
    /// (`x = X/Z^2`, `w = W/Z`, `w = y/x = 1/u`), where a doubling costs 2M + 5S instead of
    /// 4M + 5S. With `t = 2x + 2 - w^2` (and `a = 2`), the curve equation `x w^2 = x^2 + 2x + b`
    /// turns the doubling into `x' = 4b w^2 / t^2`, `w' = -(w^4 + 4b - 4) / (2 w t)`.
    pub fn mdouble(&self, k: u32) -> Self {
        if k < 2 {
            return if k == 0 { *self } else { self.double() };
        }
        // First doubling, as in `double`, with the result put in Jacobian coordinates:
        // Z_j = U', W_j = T', X_j = x' Z_j^2 = 16 b Z1^4.
        let Self { x, z, u, t } = *self;
        let t1 = z * t;
        let t2 = t1 * t;
        let x1 = field::square(&t2);
        let z1 = t1 * u;
        let t3 = field::square(&u);
        let w1 = t2 - (x + z).double() * t3;
        let t4 = field::square(&w1);
        let t5 = field::square(&z1);
        let mut jx = field::mul_small_z(&field::square(&t5), 16 * CURVE_B_Z);
        let mut jw = x1.double() - t5.double().double() - t4;
        let mut jz = field::square(&(w1 + z1)) - t4 - t5;

        for _ in 2..k {
            let z2 = field::square(&jz);
            let z4 = field::square(&z2);
            let w2 = field::square(&jw);
            let w4 = field::square(&w2);
            let wz2 = field::square(&(jw + jz)) - z2 - w2; // 2 W Z
            jz = wz2 * ((jx + z2).double() - w2); // 2 W Z (2X + 2Z^2 - W^2)
            jx = field::mul_small_z(&(z4 * w4), 16 * CURVE_B_Z); // 16 b Z^4 W^4
            jw = z4.double().double() - w4 - field::mul_small_z(&z4, 4 * CURVE_B_Z); // -W^4 - (4b - 4) Z^4
        }

        // Last doubling, back to fractional (x, u): x = b (2WZ)^2 / t^2 with t = W^2 - 2X - 2Z^2
        // here, u = 2WZ t / (W^4 + (4b - 4) Z^4).
        let w2 = field::square(&jw);
        let z2 = field::square(&jz);
        let wz2 = field::square(&(jw + jz)) - w2 - z2;
        let tt = w2 - (jx + z2).double();
        let z4 = field::square(&z2);
        Self {
            x: field::mul_small_z(&field::square(&wz2), CURVE_B_Z),
            z: field::square(&tt),
            u: wz2 * tt,
            t: field::square(&w2) + field::mul_small_z(&z4, 4 * CURVE_B_Z) - z4.double().double(),
        }
    }

    /// `P + Q` with an affine `Q` (8M).
    fn add_affine(&self, rhs: &AffinePoint) -> Self {
        let Self {
            x: x1,
            z: z1,
            u: u1,
            t: t1c,
        } = *self;
        let AffinePoint { x: x2, u: u2 } = *rhs;
        let t1 = x1 * x2;
        let t2 = z1;
        let t3 = u1 * u2;
        let t4 = t1c;
        let t5 = x1 + x2 * z1;
        let t6 = u1 + u2 * t1c;
        Self::finish_add(t1, t2, t3, t4, t5, t6)
    }

    /// Shared tail of the addition formulas, from `t1 = X1 X2`, `t2 = Z1 Z2`, `t3 = U1 U2`,
    /// `t4 = T1 T2`, `t5 = X1 Z2 + X2 Z1`, `t6 = U1 T2 + U2 T1`.
    #[inline(always)]
    fn finish_add(t1: GFp5, t2: GFp5, t3: GFp5, t4: GFp5, t5: GFp5, t6: GFp5) -> Self {
        let t7 = t1 + field::mul_small_z(&t2, CURVE_B_Z); // t1 + b t2
        let t8 = t4 * t7;
        let t9 = t3 * (field::mul_small_z(&t5, 2 * CURVE_B_Z) + t7.double()); // t3 (2b t5 + a t7)
        let t10 = (t4 + t3.double()) * (t5 + t7); // (t4 + a t3)(t5 + t7)
        Self {
            x: field::mul_small_z(&(t10 - t8), CURVE_B_Z),
            z: t8 - t9,
            u: t6 * (field::mul_small_z(&t2, CURVE_B_Z) - t1),
            t: t8 + t9,
        }
    }

    /// The 16 multiples `P, 2P, .., 16P` in fractional coordinates.
    fn window(&self) -> [Self; 16] {
        let mut win = [*self; 16];
        for i in 1..16 {
            // win[i] = (i + 1) P: a doubling for even multiples, an addition for odd ones.
            win[i] = if i % 2 == 1 {
                win[i / 2].double()
            } else {
                win[i - 1] + *self
            };
        }
        win
    }

    /// `s P` with signed 5-bit windows and constant-time lookups.
    pub fn mul(&self, s: &Scalar) -> Self {
        let affine = Self::batch_to_affine(&self.window());
        let mut win = [AffinePoint::NEUTRAL; 16];
        win.copy_from_slice(&affine);
        let digits = s.recode_signed5();
        let mut r = lookup_ct(&win, digits[63]).to_point();
        for i in (0..63).rev() {
            r = r.mdouble(5).add_affine(&lookup_ct(&win, digits[i]));
        }
        r
    }

    /// `s G` for the generator, from precomputed tables (constant-time lookups).
    pub fn mul_generator(s: &Scalar) -> Self {
        let tables = generator_tables();
        let digits = s.recode_signed5();
        let mut r = Self::NEUTRAL;
        for i in (0..8).rev() {
            if i != 7 {
                r = r.mdouble(5);
            }
            for (k, table) in tables.iter().enumerate() {
                r = r.add_affine(&lookup_ct(table, digits[8 * k + i]));
            }
        }
        r
    }

    /// `a P + b Q`, variable-time (for public inputs only, as in verification).
    pub fn mul_add_vartime(&self, a: &Scalar, q: &Point, b: &Scalar) -> Self {
        let (win_p, win_q) = (self.window(), q.window());
        let (da, db) = (a.recode_signed5(), b.recode_signed5());
        let mut r = Self::NEUTRAL;
        let mut started = false;
        for i in (0..64).rev() {
            if started {
                r = r.mdouble(5);
            }
            if da[i] != 0 {
                r += lookup_vartime(&win_p, da[i]);
                started = true;
            }
            if db[i] != 0 {
                r += lookup_vartime(&win_q, db[i]);
                started = true;
            }
        }
        r
    }

    /// `s G + e Q` for the generator `G`, variable-time: the generator tables serve `s`,
    /// and the doublings are shared with those for `e` (Straus' trick).
    pub fn mul_generator_add_vartime(s: &Scalar, q: &Point, e: &Scalar) -> Self {
        let tables = generator_tables();
        let win_q = q.window();
        let (ds, de) = (s.recode_signed5(), e.recode_signed5());
        let top = de.iter().rposition(|d| *d != 0).unwrap_or(0).max(7);
        let mut r = Self::NEUTRAL;
        for i in (0..=top).rev() {
            if i != top {
                r = r.mdouble(5);
            }
            if de[i] != 0 {
                r += lookup_vartime(&win_q, de[i]);
            }
            if i < 8 {
                for (k, table) in tables.iter().enumerate() {
                    let d = ds[8 * k + i];
                    if d != 0 {
                        r = r.add_affine(&lookup_vartime(table, d));
                    }
                }
            }
        }
        r
    }
}

impl PartialEq for Point {
    fn eq(&self, other: &Self) -> bool {
        // Encodings are injective: compare w = T/U crosswise.
        self.u * other.t == other.u * self.t
    }
}

impl Eq for Point {}

impl Add for Point {
    type Output = Self;
    /// Complete addition (10M).
    fn add(self, rhs: Self) -> Self {
        let Self {
            x: x1,
            z: z1,
            u: u1,
            t: t1c,
        } = self;
        let Self {
            x: x2,
            z: z2,
            u: u2,
            t: t2c,
        } = rhs;
        let t1 = x1 * x2;
        let t2 = z1 * z2;
        let t3 = u1 * u2;
        let t4 = t1c * t2c;
        let t5 = (x1 + z1) * (x2 + z2) - t1 - t2;
        let t6 = (u1 + t1c) * (u2 + t2c) - t3 - t4;
        Self::finish_add(t1, t2, t3, t4, t5, t6)
    }
}

impl AddAssign for Point {
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl Add<AffinePoint> for Point {
    type Output = Self;
    fn add(self, rhs: AffinePoint) -> Self {
        self.add_affine(&rhs)
    }
}

impl Neg for Point {
    type Output = Self;
    fn neg(self) -> Self {
        Self { u: -self.u, ..self }
    }
}

impl Sub for Point {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        self + (-rhs)
    }
}

impl Mul<&Scalar> for &Point {
    type Output = Point;
    fn mul(self, s: &Scalar) -> Point {
        Point::mul(self, s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::scalar::tests::arb_scalar;

    fn arb_point() -> impl Strategy<Value = Point> {
        arb_scalar().prop_map(|k| Point::mul_generator(&k))
    }

    #[test]
    fn curve_constant_b_is_not_a_square() {
        // Decoding relies on it: the two roots multiply to b, so exactly one is a square.
        assert_eq!(field::legendre(&CURVE_B), -1);
    }

    #[test]
    fn generator_constants_are_the_decoding_of_four() {
        let g = Point::decode(&gfp5(GENERATOR_ENCODING)).expect("4 decodes");
        let affine = g.to_affine();
        assert_eq!(affine.x, gfp5(GENERATOR_X));
        assert_eq!(affine.u, gfp5(GENERATOR_U));
        assert_eq!(Point::GENERATOR.encode_limbs(), GENERATOR_ENCODING);
        // (x, y = x / u) is on y^2 = x (x^2 + a x + b).
        let (x, u) = (affine.x, affine.u);
        let y = x * field::inverse_or_zero(&u);
        assert_eq!(
            field::square(&y),
            x * (field::square(&x) + CURVE_A * x + CURVE_B)
        );
    }

    #[test]
    fn group_order_times_generator_is_neutral() {
        // n G = (n - 1) G + G; (n - 1) G = -G.
        let minus_one = -Scalar::ONE;
        assert_eq!(Point::mul_generator(&minus_one), -Point::GENERATOR);
        assert!((Point::GENERATOR.mul(&minus_one) + Point::GENERATOR).is_neutral());
        assert!(Point::mul_generator(&Scalar::ZERO).is_neutral());
        assert!(Point::GENERATOR.mul(&Scalar::ZERO).is_neutral());
        let sum = Point::mul_generator_add_vartime(&minus_one, &Point::GENERATOR, &Scalar::ONE);
        assert!(sum.is_neutral());
    }

    #[test]
    fn neutral_is_the_identity_in_every_formula() {
        let g = Point::GENERATOR;
        let n = Point::NEUTRAL;
        assert_eq!(g + n, g);
        assert_eq!(n + g, g);
        assert_eq!(n + n, n);
        assert!(n.double().is_neutral());
        assert_eq!(g + AffinePoint::NEUTRAL, g);
        assert_eq!(n + g.to_affine(), g);
        assert_eq!(n.encode_limbs(), [0; 5]);
        assert_eq!(n.to_affine(), AffinePoint::NEUTRAL);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn scalar_multiplication_is_linear(a in arb_scalar(), b in arb_scalar()) {
            let (pa, pb) = (Point::mul_generator(&a), Point::mul_generator(&b));
            prop_assert_eq!(pa + pb, Point::mul_generator(&(a + b)));
            prop_assert_eq!(pa - pb, Point::mul_generator(&(a - b)));
            prop_assert_eq!(Point::GENERATOR.mul(&a), pa);
            prop_assert_eq!(pa.mul(&b), pb.mul(&a));
        }

        #[test]
        fn double_scalar_products_agree(p in arb_point(), a in arb_scalar(), b in arb_scalar()) {
            let expected = Point::mul_generator(&a) + p.mul(&b);
            prop_assert_eq!(Point::mul_generator_add_vartime(&a, &p, &b), expected);
            prop_assert_eq!(Point::GENERATOR.mul_add_vartime(&a, &p, &b), expected);
        }

        #[test]
        fn doubling_agrees_with_addition(p in arb_point()) {
            prop_assert_eq!(p.double(), p + p);
            prop_assert_eq!(p.mdouble(3), p + p + p + p + p + p + p + p);
            let mut q = p;
            for k in 0..12 {
                prop_assert_eq!(p.mdouble(k), q);
                q = q.double();
            }
            prop_assert!(Point::NEUTRAL.mdouble(5).is_neutral());
            prop_assert_eq!(p + p.to_affine(), p.double());
        }

        #[test]
        fn encoding_round_trips(p in arb_point()) {
            let w = p.encode();
            let q = Point::decode(&w).expect("encodings decode");
            prop_assert_eq!(q, p);
            prop_assert_eq!(q.encode(), w);
            prop_assert_eq!(Point::from_bytes(&p.to_bytes()).expect("bytes decode"), p);
            prop_assert_eq!((-p).encode(), -w);
            // Decoding picks the root x that is not a square (x != 0 off the neutral).
            let x = q.to_affine().x;
            prop_assert_eq!(field::legendre(&x), -1);
            prop_assert!(field::sqrt(&(gfp5([field::NON_SQUARE, 0, 0, 0, 0]) * x)).is_some());
        }

        #[test]
        fn batch_affine_conversion_agrees(a in arb_point(), b in arb_point()) {
            let batch = Point::batch_to_affine(&[a, Point::NEUTRAL, b]);
            prop_assert_eq!(batch[0], a.to_affine());
            prop_assert_eq!(batch[1], AffinePoint::NEUTRAL);
            prop_assert_eq!(batch[2], b.to_affine());
            prop_assert_eq!(batch[0].encode(), a.encode());
        }

        #[test]
        fn random_field_elements_decode_only_when_valid(limbs in any::<[u64; 5]>()) {
            let w = gfp5(limbs.map(|l| l % field::P));
            match Point::decode(&w) {
                Ok(p) => prop_assert_eq!(p.encode(), w),
                Err(e) => prop_assert_eq!(e, DecodeError::NotOnCurve),
            }
        }
    }
}
