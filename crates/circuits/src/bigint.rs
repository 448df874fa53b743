//! Non-native integers for the scalar checks mod `n`: little-endian 16-bit limbs.
//!
//! An identity between integers (`a b + c = q n + r`, `s + d = n - 1`) is checked column by
//! column: column `k` sums every limb product landing on `2^(16 k)` (below `2^37` in
//! absolute value for our sizes), and hinted carries satisfy
//! `column_k + carry_(k-1) = 2^16 carry_k`, the last carry zero. Carries are range-checked
//! (26 bits around an offset, or boolean where they can only be 0 or 1), so no relation
//! wraps around `p` and the field identities are integer identities.

use anyhow::Result;
use num_bigint::{BigInt, BigUint};
use plonky2::field::types::{Field, PrimeField64};
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use hyperforge_crypto::field::GFp;

use crate::gates::RangeCheckGate;
use crate::gfp5::GateStrategy;
use crate::{Builder, D};

/// Bits per limb.
pub const LIMB_BITS: usize = 16;
/// Bits of a wide carry after its offset is added.
const CARRY_BITS: usize = 26;
/// Offset making a wide carry non-negative.
const CARRY_OFFSET: u64 = 1 << (CARRY_BITS - 1);

/// How carries of a column identity are range-checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarryRange {
    /// Each carry is 0 or 1 (one arithmetic operation).
    Bit,
    /// Each carry is in `[-2^25, 2^25)` (a range check).
    Wide,
}

/// Column sums of an integer expression in 16-bit limbs, built term by term.
#[derive(Debug)]
pub struct Columns(Vec<Option<Target>>);

impl Columns {
    /// No terms yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    fn add_at(
        &mut self,
        builder: &mut Builder,
        k: usize,
        f: impl FnOnce(&mut Builder, Option<Target>) -> Target,
    ) {
        if self.0.len() <= k {
            self.0.resize(k + 1, None);
        }
        let acc = self.0[k];
        self.0[k] = Some(f(builder, acc));
    }

    /// `+ a b` for limb vectors `a`, `b`.
    pub fn add_product(&mut self, builder: &mut Builder, a: &[Target], b: &[Target]) {
        for (i, &ai) in a.iter().enumerate() {
            for (j, &bj) in b.iter().enumerate() {
                self.add_at(builder, i + j, |builder, acc| match acc {
                    Some(acc) => builder.mul_add(ai, bj, acc),
                    None => builder.mul(ai, bj),
                });
            }
        }
    }

    /// `- q c` for a limb vector `q` and a constant `c` given by its limbs.
    pub fn sub_product_const(&mut self, builder: &mut Builder, q: &[Target], c: &[u64]) {
        for (i, &qi) in q.iter().enumerate() {
            for (j, &cj) in c.iter().enumerate() {
                if cj == 0 {
                    continue;
                }
                let neg_c = builder.constant(-GFp::from_canonical_u64(cj));
                self.add_at(builder, i + j, |builder, acc| match acc {
                    Some(acc) => builder.mul_add(qi, neg_c, acc),
                    None => builder.mul(qi, neg_c),
                });
            }
        }
    }

    /// `+ sign x` for a limb vector `x`, `sign` being 1 or -1.
    pub fn add_limbs(&mut self, builder: &mut Builder, x: &[Target], sign: i8) {
        let c = if sign < 0 { -GFp::ONE } else { GFp::ONE };
        for (k, &xk) in x.iter().enumerate() {
            self.add_at(builder, k, |builder, acc| match acc {
                Some(acc) => {
                    let one = builder.one();
                    builder.arithmetic(c, GFp::ONE, xk, one, acc)
                }
                None => builder.mul_const(c, xk),
            });
        }
    }

    /// `- c` for a constant given by its limbs.
    pub fn sub_const(&mut self, builder: &mut Builder, c: &[u64]) {
        for (k, &ck) in c.iter().enumerate() {
            let neg_c = -GFp::from_canonical_u64(ck);
            self.add_at(builder, k, |builder, acc| match acc {
                Some(acc) => builder.add_const(acc, neg_c),
                None => builder.constant(neg_c),
            });
        }
    }

    /// Constrains the expression to be zero as an integer.
    pub fn assert_zero(self, builder: &mut Builder, range: CarryRange, strategy: GateStrategy) {
        let zero = builder.zero();
        let columns: Vec<Target> = self.0.into_iter().map(|c| c.unwrap_or(zero)).collect();
        let carries = builder.add_virtual_targets(columns.len());
        builder.add_simple_generator(CarryHint {
            columns: columns.clone(),
            carries: carries.clone(),
        });
        let neg_base = -GFp::from_canonical_u64(1 << LIMB_BITS);
        let mut previous = zero;
        for (k, (&column, &carry)) in columns.iter().zip(&carries).enumerate() {
            // column + previous - 2^16 carry = 0.
            let sum = builder.add(column, previous);
            let one = builder.one();
            let residue = builder.arithmetic(neg_base, GFp::ONE, carry, one, sum);
            builder.assert_zero(residue);
            if k + 1 == columns.len() {
                builder.assert_zero(carry);
            } else {
                match range {
                    CarryRange::Bit => {
                        let bit = plonky2::iop::target::BoolTarget::new_unsafe(carry);
                        builder.assert_bool(bit);
                    }
                    CarryRange::Wide => {
                        let shifted =
                            builder.add_const(carry, GFp::from_canonical_u64(CARRY_OFFSET));
                        range_check(builder, shifted, CARRY_BITS, strategy);
                    }
                }
            }
            previous = carry;
        }
    }
}

impl Default for Columns {
    fn default() -> Self {
        Self::new()
    }
}

/// Checks `x < 2^bits` (`bits` even): 15 16-bit checks per [`RangeCheckGate`] row with
/// [`GateStrategy::CustomGates`], else one `BaseSumGate` row each.
pub fn range_check(builder: &mut Builder, x: Target, bits: usize, strategy: GateStrategy) {
    if strategy == GateStrategy::CustomGates {
        let gate = RangeCheckGate::new_from_config(&builder.config, bits);
        let (row, op) = builder.find_slot(gate, &[], &[]);
        builder.connect(x, Target::wire(row, RangeCheckGate::wire_value(op)));
    } else {
        builder.range_check(x, bits);
    }
}

/// `count` new targets, each range-checked to 16 bits.
pub fn range_checked_limbs(
    builder: &mut Builder,
    count: usize,
    strategy: GateStrategy,
) -> Vec<Target> {
    let limbs = builder.add_virtual_targets(count);
    for &limb in &limbs {
        range_check(builder, limb, LIMB_BITS, strategy);
    }
    limbs
}

/// 16-bit limbs from 4-bit digits (whoever made the digits checks them).
pub fn limbs_from_digits(builder: &mut Builder, digits: &[Target]) -> Vec<Target> {
    let sixteen = GFp::from_canonical_u64(16);
    let one = builder.one();
    digits
        .chunks(4)
        .map(|chunk| {
            let mut acc = chunk[chunk.len() - 1];
            for &d in chunk[..chunk.len() - 1].iter().rev() {
                acc = builder.arithmetic(sixteen, GFp::ONE, acc, one, d);
            }
            acc
        })
        .collect()
}

/// The first `count` base-`2^bits` digits of `x`, little-endian (truncating).
pub fn digits_of(x: &BigUint, bits: usize, count: usize) -> Vec<u64> {
    let mask = (1u64 << bits) - 1;
    let words = x.to_u64_digits();
    (0..count)
        .map(|i| {
            let bit = i * bits;
            let (word, offset) = (bit / 64, bit % 64);
            let low = words.get(word).copied().unwrap_or(0) >> offset;
            let high = if offset + bits > 64 {
                words.get(word + 1).copied().unwrap_or(0) << (64 - offset)
            } else {
                0
            };
            (low | high) & mask
        })
        .collect()
}

/// The integer of little-endian base-`2^bits` digits.
pub fn from_digits(digits: &[u64], bits: usize) -> BigUint {
    digits.iter().rev().fold(BigUint::default(), |acc, &d| {
        (acc << bits) + BigUint::from(d)
    })
}

/// Carries of a column identity; a column that is not a multiple of `2^16` gets the
/// floored quotient (and the constraint fails).
#[derive(Debug, Default)]
pub(crate) struct CarryHint {
    columns: Vec<Target>,
    carries: Vec<Target>,
}

fn signed_value(x: GFp) -> BigInt {
    let v = x.to_canonical_u64();
    if v > hyperforge_crypto::field::P / 2 {
        -BigInt::from(hyperforge_crypto::field::P - v)
    } else {
        BigInt::from(v)
    }
}

fn field_of(x: &BigInt) -> GFp {
    let p = BigInt::from(hyperforge_crypto::field::P);
    let r = ((x % &p) + &p) % &p;
    let digits = r.to_u64_digits().1;
    GFp::from_canonical_u64(digits.first().copied().unwrap_or(0))
}

impl SimpleGenerator<GFp, D> for CarryHint {
    fn id(&self) -> String {
        "hyperforge::CarryHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        self.columns.clone()
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> Result<()> {
        let base = BigInt::from(1u64 << LIMB_BITS);
        let mut carry = BigInt::default();
        for (&column, &target) in self.columns.iter().zip(&self.carries) {
            let sum = signed_value(witness.get_target(column)) + &carry;
            carry = num_integer_div_floor(&sum, &base);
            out_buffer.set_target(target, field_of(&carry))?;
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        dst.write_target_vec(&self.columns)?;
        dst.write_target_vec(&self.carries)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            columns: src.read_target_vec()?,
            carries: src.read_target_vec()?,
        })
    }
}

fn num_integer_div_floor(a: &BigInt, b: &BigInt) -> BigInt {
    let q = a / b;
    if (a % b) < BigInt::default() {
        q - 1
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_round_trip() {
        let x = (BigUint::from(0xdead_beef_u64) << 100) + BigUint::from(12345u64);
        for bits in [4, 16] {
            let digits = digits_of(&x, bits, 160 / bits);
            assert_eq!(from_digits(&digits, bits), x);
        }
        assert_eq!(signed_value(-GFp::ONE), BigInt::from(-1));
        assert_eq!(field_of(&BigInt::from(-1)), -GFp::ONE);
    }
}
