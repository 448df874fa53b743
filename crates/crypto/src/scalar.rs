//! Scalars: integers modulo the prime group order `n` of EcGFp5 (`2^318 < n < 2^319`).
//!
//! Five 64-bit little-endian limbs, always fully reduced (`< n`), so equality of limbs is
//! equality of scalars and the encoding is canonical. Multiplication is Montgomery's
//! (CIOS) with the operands kept in normal form, so encoding and decoding cost nothing.
//! Arithmetic runs in constant time (no branches or indexes depend on the values).

use core::fmt;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::error::DecodeError;

/// The group order `n` as five little-endian 64-bit limbs.
pub const GROUP_ORDER: [u64; 5] = [
    0xe80f_d996_948b_ffe1,
    0xe888_5c39_d724_a09c,
    0x7fff_ffe6_cfb8_0639,
    0x7fff_fff1_0000_0016,
    0x7fff_fffd_8000_0007,
];

/// `-1/n mod 2^64`, for Montgomery reduction.
const N0_INV: u64 = 0xd78b_ef72_057b_7bdf;

/// `2^640 mod n`: Montgomery multiplication by it turns `a` into `a 2^320 mod n`.
const R2: [u64; 5] = [
    0xa010_01dc_e33d_c739,
    0x6c32_28d3_3f62_accf,
    0xd1d7_96cc_91cf_8525,
    0xaadf_ff5d_1574_c1d8,
    0x4aca_13b2_8ca2_51f5,
];

/// `2^384 mod n`: Montgomery multiplication by it multiplies by `2^64`.
const T384: [u64; 5] = [
    0x114b_0172_6510_026c,
    0x9dca_d22c_f76c_f41a,
    0x11bf_0b41_0202_a7fd,
    0x0000_007d_608f_f2c6,
    0x0000_0004_ffff_ffd3,
];

/// An integer modulo the group order `n`, always reduced.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scalar([u64; 5]);

impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scalar(0x")?;
        for limb in self.0.iter().rev() {
            write!(f, "{limb:016x}")?;
        }
        write!(f, ")")
    }
}

/// `a - b` over five limbs, with the borrow out (0 or 1).
#[inline(always)]
fn sub_limbs(a: &[u64; 5], b: &[u64; 5]) -> ([u64; 5], u64) {
    let mut r = [0u64; 5];
    let mut borrow = 0u64;
    for i in 0..5 {
        let (d1, b1) = a[i].overflowing_sub(b[i]);
        let (d2, b2) = d1.overflowing_sub(borrow);
        r[i] = d2;
        borrow = (b1 | b2) as u64;
    }
    (r, borrow)
}

/// `a + b` over five limbs (the caller knows it cannot overflow 320 bits).
#[inline(always)]
fn add_limbs(a: &[u64; 5], b: &[u64; 5]) -> [u64; 5] {
    let mut r = [0u64; 5];
    let mut carry = 0u64;
    for i in 0..5 {
        let (s1, c1) = a[i].overflowing_add(b[i]);
        let (s2, c2) = s1.overflowing_add(carry);
        r[i] = s2;
        carry = (c1 | c2) as u64;
    }
    r
}

/// `a` if `mask == 0`, `b` if `mask == u64::MAX`.
#[inline(always)]
fn select_limbs(mask: u64, a: &[u64; 5], b: &[u64; 5]) -> [u64; 5] {
    let mut r = [0u64; 5];
    for i in 0..5 {
        r[i] = a[i] ^ (mask & (a[i] ^ b[i]));
    }
    r
}

/// Subtracts `n` once if `a >= n` (for `a < 2n`).
#[inline(always)]
fn reduce_once(a: &[u64; 5]) -> [u64; 5] {
    let (d, borrow) = sub_limbs(a, &GROUP_ORDER);
    // borrow = 1 means a < n: keep a.
    select_limbs(borrow.wrapping_sub(1), a, &d)
}

/// Montgomery product `a b / 2^320 mod n`, fully reduced; requires `a < n`, any `b < 2^320`.
///
/// Bound: with `t < 2n` on entry of a round, `t + a b_i + m n < 2n + 2^65 n < 2^384`
/// and after the division by `2^64` again `t < 2n`; the final subtraction makes it `< n`.
#[inline(always)]
fn mont_mul(a: &[u64; 5], b: &[u64; 5]) -> [u64; 5] {
    let mut t = [0u64; 6];
    for &bi in b {
        let mut carry = 0u64;
        for j in 0..5 {
            let z = (a[j] as u128) * (bi as u128) + (t[j] as u128) + (carry as u128);
            t[j] = z as u64;
            carry = (z >> 64) as u64;
        }
        t[5] = t[5].wrapping_add(carry);

        let m = t[0].wrapping_mul(N0_INV);
        let z = (m as u128) * (GROUP_ORDER[0] as u128) + (t[0] as u128);
        let mut carry = (z >> 64) as u64;
        for j in 1..5 {
            let z = (m as u128) * (GROUP_ORDER[j] as u128) + (t[j] as u128) + (carry as u128);
            t[j - 1] = z as u64;
            carry = (z >> 64) as u64;
        }
        let z = (t[5] as u128) + (carry as u128);
        t[4] = z as u64;
        t[5] = (z >> 64) as u64;
    }
    reduce_once(&[t[0], t[1], t[2], t[3], t[4]])
}

impl Scalar {
    /// Zero.
    pub const ZERO: Self = Self([0; 5]);
    /// One.
    pub const ONE: Self = Self([1, 0, 0, 0, 0]);
    /// Length of the canonical encoding.
    pub const BYTES: usize = 40;

    /// The scalar with these little-endian limbs; refuses values `>= n`.
    pub fn from_canonical_limbs(limbs: [u64; 5]) -> Result<Self, DecodeError> {
        let (_, borrow) = sub_limbs(&limbs, &GROUP_ORDER);
        if borrow == 1 {
            Ok(Self(limbs))
        } else {
            Err(DecodeError::ScalarOutOfRange)
        }
    }

    /// The five little-endian limbs (the value is below `n`).
    pub fn to_limbs(&self) -> [u64; 5] {
        self.0
    }

    /// Decodes the canonical 40-byte little-endian encoding; refuses values `>= n`.
    pub fn from_bytes(bytes: &[u8; 40]) -> Result<Self, DecodeError> {
        let mut limbs = [0u64; 5];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(word);
        }
        Self::from_canonical_limbs(limbs)
    }

    /// The canonical 40-byte little-endian encoding.
    pub fn to_bytes(&self) -> [u8; 40] {
        let mut out = [0u8; 40];
        for (chunk, limb) in out.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        out
    }

    /// A small integer as a scalar.
    pub const fn from_u64(x: u64) -> Self {
        Self([x, 0, 0, 0, 0])
    }

    /// The integer `l0 + l1 2^64 + l2 2^128 + l3 2^192` (always below `n`).
    pub const fn from_u256_limbs(l: [u64; 4]) -> Self {
        Self([l[0], l[1], l[2], l[3], 0])
    }

    /// Any little-endian byte string read as an integer, reduced modulo `n`. With 64 bytes
    /// of uniform input (a SHA-512 digest) the result is uniform up to a bias below 2^-190.
    pub fn from_le_bytes_reduced(bytes: &[u8]) -> Self {
        // Horner over 64-bit words from the top: acc <- acc 2^64 + word (mod n).
        let mut acc = Self::ZERO;
        let words = bytes.len().div_ceil(8);
        for w in (0..words).rev() {
            let mut word = [0u8; 8];
            let start = 8 * w;
            let end = bytes.len().min(start + 8);
            word[..end - start].copy_from_slice(&bytes[start..end]);
            acc = Self(mont_mul(&acc.0, &T384)) + Self::from_u64(u64::from_le_bytes(word));
        }
        acc
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.0.iter().fold(0, |acc, l| acc | l) == 0
    }

    /// Number of significant bits (variable-time: for public values).
    pub fn bit_length(&self) -> u32 {
        for i in (0..5).rev() {
            if self.0[i] != 0 {
                return 64 * i as u32 + 64 - self.0[i].leading_zeros();
            }
        }
        0
    }

    /// Signed 5-bit windows: `self = sum d_i 2^(5i)` with `d_i` in `[-15, 16]`, 64 digits.
    /// Constant-time. The top digit absorbs the last carry because `n < 2^319` leaves
    /// bit 319 clear.
    pub(crate) fn recode_signed5(&self) -> [i8; 64] {
        let mut digits = [0i8; 64];
        let mut carry = 0u32;
        for (i, digit) in digits.iter_mut().enumerate() {
            let bit = 5 * i;
            let (limb, offset) = (bit / 64, bit % 64);
            let mut chunk = self.0[limb] >> offset;
            if offset > 59 && limb + 1 < 5 {
                chunk |= self.0[limb + 1] << (64 - offset);
            }
            let v = (chunk as u32 & 31) + carry;
            // carry = 1 exactly when v > 16; then the digit is v - 32.
            carry = 16u32.wrapping_sub(v) >> 31;
            *digit = (v as i32 - ((carry << 5) as i32)) as i8;
        }
        digits
    }
}

impl Add for Scalar {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        // Both are below n < 2^319, so the sum fits in 320 bits and is below 2n.
        Self(reduce_once(&add_limbs(&self.0, &rhs.0)))
    }
}

impl AddAssign for Scalar {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl Sub for Scalar {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        let (d, borrow) = sub_limbs(&self.0, &rhs.0);
        let plus_n = add_limbs(&d, &GROUP_ORDER);
        Self(select_limbs(borrow.wrapping_neg(), &d, &plus_n))
    }
}

impl SubAssign for Scalar {
    #[inline]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl Neg for Scalar {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

impl Mul for Scalar {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        // mont(a, R2) = a 2^320; mont(a 2^320, b) = a b.
        Self(mont_mul(&mont_mul(&self.0, &R2), &rhs.0))
    }
}

impl MulAssign for Scalar {
    #[inline]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use num_bigint::BigUint;
    use proptest::prelude::*;

    use super::*;

    pub(crate) fn order() -> BigUint {
        BigUint::from_bytes_le(&limbs_to_bytes(&GROUP_ORDER))
    }

    fn limbs_to_bytes(limbs: &[u64; 5]) -> Vec<u8> {
        limbs.iter().flat_map(|l| l.to_le_bytes()).collect()
    }

    pub(crate) fn to_big(s: &Scalar) -> BigUint {
        BigUint::from_bytes_le(&s.to_bytes())
    }

    pub(crate) fn arb_scalar() -> impl Strategy<Value = Scalar> {
        proptest::collection::vec(any::<u8>(), 64).prop_map(|b| Scalar::from_le_bytes_reduced(&b))
    }

    #[test]
    fn constants_match_their_definition() {
        let n = order();
        assert_eq!(
            n.to_string(),
            "1067993516717146951041484916571792702745057740581727230159139685185762082554198619328292418486241"
        );
        let r = BigUint::from(1u8) << 320;
        assert_eq!(to_big(&Scalar(R2)), (&r * &r) % &n);
        assert_eq!(to_big(&Scalar(T384)), (BigUint::from(1u8) << 384) % &n);
        assert_eq!(GROUP_ORDER[0].wrapping_mul(N0_INV), u64::MAX); // n0 * n0inv = -1
    }

    #[test]
    fn decoding_refuses_n_and_above() {
        assert_eq!(
            Scalar::from_canonical_limbs(GROUP_ORDER),
            Err(DecodeError::ScalarOutOfRange)
        );
        assert_eq!(
            Scalar::from_canonical_limbs([u64::MAX; 5]),
            Err(DecodeError::ScalarOutOfRange)
        );
        let mut below = GROUP_ORDER;
        below[0] -= 1;
        assert!(Scalar::from_canonical_limbs(below).is_ok());
        assert_eq!(-Scalar::ONE, Scalar(below));
    }

    #[test]
    fn wide_reduction_of_extremes() {
        let all_ones = [0xffu8; 64];
        let expected = (BigUint::from(1u8) << 512u32) - 1u8;
        assert_eq!(
            to_big(&Scalar::from_le_bytes_reduced(&all_ones)),
            expected % order()
        );
        let n_bytes = limbs_to_bytes(&GROUP_ORDER);
        assert_eq!(Scalar::from_le_bytes_reduced(&n_bytes), Scalar::ZERO);
    }

    proptest! {
        #[test]
        fn arithmetic_matches_big_integers(a in arb_scalar(), b in arb_scalar()) {
            let n = order();
            let (x, y) = (to_big(&a), to_big(&b));
            prop_assert_eq!(to_big(&(a + b)), (&x + &y) % &n);
            prop_assert_eq!(to_big(&(a - b)), (&x + &n - &y) % &n);
            prop_assert_eq!(to_big(&(a * b)), (&x * &y) % &n);
            prop_assert_eq!(to_big(&(-a)), (&n - &x) % &n);
        }

        #[test]
        fn wide_reduction_matches_big_integers(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let expected = BigUint::from_bytes_le(&bytes) % order();
            prop_assert_eq!(to_big(&Scalar::from_le_bytes_reduced(&bytes)), expected);
        }

        #[test]
        fn signed_recoding_represents_the_value(a in arb_scalar()) {
            let digits = a.recode_signed5();
            let mut acc = Scalar::ZERO;
            let thirty_two = Scalar::from_u64(32);
            for d in digits.iter().rev() {
                prop_assert!((-15..=16).contains(d));
                acc *= thirty_two;
                acc = if *d >= 0 { acc + Scalar::from_u64(*d as u64) } else { acc - Scalar::from_u64((-*d) as u64) };
            }
            prop_assert_eq!(acc, a);
        }

        #[test]
        fn bytes_round_trip(a in arb_scalar()) {
            prop_assert_eq!(Scalar::from_bytes(&a.to_bytes()), Ok(a));
        }
    }
}
