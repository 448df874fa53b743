//! Amounts (gwei, `u64`) as two 32-bit limbs `(hi, lo)` in circuit, as `primitives::tx`'s
//! `amount_limbs`, with 32-bit range checks on every limb a sum or difference produces: a
//! 64-bit range check on one Goldilocks element would check nothing (`p < 2^64`).
//!
//! A 32-bit check is one operation of a 32-bit [`RangeCheckGate`](crate::gates::RangeCheckGate)
//! (sixteen base-4 digits, seven checks per row). Addition hints the carry of the low limbs,
//! subtraction the borrow, both constrained boolean; the low result limb is range-checked,
//! which forces the carry (borrow) to be the right one, and the high result limb too, which
//! refuses an overflow (underflow): `a + b >= 2^64` leaves a high limb `>= 2^32`, `a < b` a
//! "negative" one, `p - k`. Both are sound when the operands' limbs are below `2^32`, which
//! holds for every limb that enters through [`CircuitBuilderAmount::add_virtual_amount`] or
//! comes out of these operations.

use anyhow::Result;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use crate::bigint::range_check;
use crate::error::CircuitError;
use crate::gfp5::GateStrategy;
use crate::{Builder, D};
use hyperforge_crypto::GFp;

/// `2^32`.
const TWO_32: u64 = 1 << 32;

/// A `u64` amount as two limbs below `2^32`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmountTarget {
    /// Bits 32..64.
    pub hi: Target,
    /// Bits 0..32.
    pub lo: Target,
}

impl AmountTarget {
    /// The limbs in `amount_limbs` order: high, low.
    pub fn limbs(&self) -> [Target; 2] {
        [self.hi, self.lo]
    }

    /// Sets both limbs of `gwei`.
    pub fn set(&self, witness: &mut PartialWitness<GFp>, gwei: u64) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_target(self.hi, GFp::from_canonical_u64(gwei >> 32))
            .map_err(witness_error)?;
        witness
            .set_target(self.lo, GFp::from_canonical_u64(gwei & (TWO_32 - 1)))
            .map_err(witness_error)
    }
}

/// Limb arithmetic on a circuit builder.
pub trait CircuitBuilderAmount {
    /// Constrains `x < 2^32`.
    fn range_check_u32(&mut self, x: Target);
    /// A new amount whose limbs are range-checked.
    fn add_virtual_amount(&mut self) -> AmountTarget;
    /// `a + b`, refusing a sum of `2^64` or more.
    fn add_amounts(&mut self, a: AmountTarget, b: AmountTarget) -> AmountTarget;
    /// `a + b - 2^64 carry_out`, both limbs range-checked: refuses unless `carry_out` is the
    /// sum's carry out of 64 bits (`a + b >= 2^64`). The caller's bit decides, no hint.
    fn add_amounts_carry_out(
        &mut self,
        a: AmountTarget,
        b: AmountTarget,
        carry_out: BoolTarget,
    ) -> AmountTarget;
    /// `a - b`, refusing `a < b`.
    fn sub_amounts(&mut self, a: AmountTarget, b: AmountTarget) -> AmountTarget;
    /// `x + 1` for a 32-bit `x`, refusing `2^32`.
    fn increment_u32(&mut self, x: Target) -> Target;
    /// `x + 1` if `b`, else `x`, for a 32-bit `x`, refusing `2^32`.
    fn increment_u32_if(&mut self, b: BoolTarget, x: Target) -> Target;
}

impl CircuitBuilderAmount for Builder {
    fn range_check_u32(&mut self, x: Target) {
        range_check(self, x, 32, GateStrategy::CustomGates);
    }

    fn add_virtual_amount(&mut self) -> AmountTarget {
        let amount = AmountTarget {
            hi: self.add_virtual_target(),
            lo: self.add_virtual_target(),
        };
        self.range_check_u32(amount.hi);
        self.range_check_u32(amount.lo);
        amount
    }

    fn add_amounts(&mut self, a: AmountTarget, b: AmountTarget) -> AmountTarget {
        let carry = self.add_virtual_bool_target_safe();
        self.add_simple_generator(CarryHint {
            a: a.lo,
            b: b.lo,
            out: carry.target,
            subtract: false,
        });
        // lo = a.lo + b.lo - 2^32 carry, hi = a.hi + b.hi + carry.
        let one = self.one();
        let sum = self.add(a.lo, b.lo);
        let lo = self.arithmetic(
            -GFp::from_canonical_u64(TWO_32),
            GFp::ONE,
            carry.target,
            one,
            sum,
        );
        let hi_sum = self.add(a.hi, b.hi);
        let hi = self.add(hi_sum, carry.target);
        self.range_check_u32(lo);
        self.range_check_u32(hi);
        AmountTarget { hi, lo }
    }

    fn add_amounts_carry_out(
        &mut self,
        a: AmountTarget,
        b: AmountTarget,
        carry_out: BoolTarget,
    ) -> AmountTarget {
        let carry = self.add_virtual_bool_target_safe();
        self.add_simple_generator(CarryHint {
            a: a.lo,
            b: b.lo,
            out: carry.target,
            subtract: false,
        });
        let one = self.one();
        let sum = self.add(a.lo, b.lo);
        let lo = self.arithmetic(
            -GFp::from_canonical_u64(TWO_32),
            GFp::ONE,
            carry.target,
            one,
            sum,
        );
        // hi = a.hi + b.hi + carry - 2^32 carry_out: the sum is below 2^33, so only the true
        // carry out leaves hi below 2^32 (a wrong one gives 2^32 or more, or wraps to p - x).
        let hi_sum = self.add(a.hi, b.hi);
        let hi_carried = self.add(hi_sum, carry.target);
        let hi = self.arithmetic(
            -GFp::from_canonical_u64(TWO_32),
            GFp::ONE,
            carry_out.target,
            one,
            hi_carried,
        );
        self.range_check_u32(lo);
        self.range_check_u32(hi);
        AmountTarget { hi, lo }
    }

    fn sub_amounts(&mut self, a: AmountTarget, b: AmountTarget) -> AmountTarget {
        let borrow = self.add_virtual_bool_target_safe();
        self.add_simple_generator(CarryHint {
            a: a.lo,
            b: b.lo,
            out: borrow.target,
            subtract: true,
        });
        // lo = a.lo - b.lo + 2^32 borrow, hi = a.hi - b.hi - borrow.
        let one = self.one();
        let difference = self.sub(a.lo, b.lo);
        let lo = self.arithmetic(
            GFp::from_canonical_u64(TWO_32),
            GFp::ONE,
            borrow.target,
            one,
            difference,
        );
        let hi_difference = self.sub(a.hi, b.hi);
        let hi = self.sub(hi_difference, borrow.target);
        self.range_check_u32(lo);
        self.range_check_u32(hi);
        AmountTarget { hi, lo }
    }

    fn increment_u32(&mut self, x: Target) -> Target {
        let one = self.one();
        let next = self.add(x, one);
        self.range_check_u32(next);
        next
    }

    fn increment_u32_if(&mut self, b: BoolTarget, x: Target) -> Target {
        let next = self.add(x, b.target);
        self.range_check_u32(next);
        next
    }
}

/// The carry of `a + b` (`a + b >= 2^32`) or the borrow of `a - b` (`a < b`), for limbs.
#[derive(Debug, Default)]
pub struct CarryHint {
    a: Target,
    b: Target,
    out: Target,
    subtract: bool,
}

impl SimpleGenerator<GFp, D> for CarryHint {
    fn id(&self) -> String {
        "hyperforge::AmountCarryHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        vec![self.a, self.b]
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> Result<()> {
        let a = witness.get_target(self.a).to_canonical_u64();
        let b = witness.get_target(self.b).to_canonical_u64();
        let bit = if self.subtract {
            a < b
        } else {
            u128::from(a) + u128::from(b) >= u128::from(TWO_32)
        };
        out_buffer.set_target(self.out, GFp::from_bool(bit))
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        dst.write_target(self.a)?;
        dst.write_target(self.b)?;
        dst.write_target(self.out)?;
        dst.write_bool(self.subtract)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            a: src.read_target()?,
            b: src.read_target()?,
            out: src.read_target()?,
            subtract: src.read_bool()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};

    use super::*;
    use crate::Config;

    /// `a + b` and `a - b` of two range-checked amounts, and `n + 1`, as public inputs.
    struct LimbCircuit {
        data: CircuitData<GFp, Config, D>,
        a: AmountTarget,
        b: AmountTarget,
        n: Target,
    }

    fn limb_circuit(subtract: bool) -> LimbCircuit {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let a = builder.add_virtual_amount();
        let b = builder.add_virtual_amount();
        let n = builder.add_virtual_target();
        let out = if subtract {
            builder.sub_amounts(a, b)
        } else {
            builder.add_amounts(a, b)
        };
        let next = builder.increment_u32(n);
        builder.register_public_inputs(&out.limbs());
        builder.register_public_input(next);
        LimbCircuit {
            data: builder.build::<Config>(),
            a,
            b,
            n,
        }
    }

    static ADD: LazyLock<LimbCircuit> = LazyLock::new(|| limb_circuit(false));
    static SUB: LazyLock<LimbCircuit> = LazyLock::new(|| limb_circuit(true));

    /// The circuit's output as a `u64`, if it proves and verifies.
    fn run(circuit: &LimbCircuit, a: u64, b: u64, n: u64) -> Result<(u64, u64)> {
        let mut witness = PartialWitness::new();
        circuit.a.set(&mut witness, a)?;
        circuit.b.set(&mut witness, b)?;
        witness.set_target(circuit.n, GFp::from_canonical_u64(n))?;
        let proof = circuit.data.prove(witness)?;
        let out = proof.public_inputs.clone();
        circuit.data.verify(proof)?;
        let limb = |i: usize| out[i].to_canonical_u64();
        Ok(((limb(0) << 32) | limb(1), limb(2)))
    }

    #[test]
    fn addition_carries_and_refuses_overflow() {
        let cases = [
            (1, 2),
            (0xffff_ffff, 1),
            (u64::MAX - 5, 5),
            (1 << 63, (1 << 63) - 1),
        ];
        for (a, b) in cases {
            assert_eq!(run(&ADD, a, b, 0).unwrap().0, a + b, "{a} + {b}");
        }
        // The high limb of the sum is 2^32: its range check refuses it.
        assert!(run(&ADD, u64::MAX, 1, 0).is_err());
        assert!(run(&ADD, 1 << 63, 1 << 63, 0).is_err());
    }

    /// `a + b - 2^64 carry_out` with the carry out a witness bit: the result, if it proves.
    fn run_carry_out(a: u64, b: u64, carry_out: bool) -> Result<u64> {
        static CIRCUIT: LazyLock<(CircuitData<GFp, Config, D>, [AmountTarget; 2], BoolTarget)> =
            LazyLock::new(|| {
                let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
                let a = builder.add_virtual_amount();
                let b = builder.add_virtual_amount();
                let carry_out = builder.add_virtual_bool_target_safe();
                let out = builder.add_amounts_carry_out(a, b, carry_out);
                builder.register_public_inputs(&out.limbs());
                (builder.build::<Config>(), [a, b], carry_out)
            });
        let (data, [ta, tb], tc) = &*CIRCUIT;
        let mut witness = PartialWitness::new();
        ta.set(&mut witness, a)?;
        tb.set(&mut witness, b)?;
        witness.set_bool_target(*tc, carry_out)?;
        let proof = data.prove(witness)?;
        let out = proof.public_inputs.clone();
        data.verify(proof)?;
        Ok((out[0].to_canonical_u64() << 32) | out[1].to_canonical_u64())
    }

    #[test]
    fn only_the_true_carry_out_of_64_bits_proves() {
        assert_eq!(run_carry_out(u64::MAX, 1, true).unwrap(), 0);
        assert_eq!(run_carry_out(u64::MAX - 5, 200, true).unwrap(), 194);
        assert_eq!(run_carry_out(u64::MAX - 5, 5, false).unwrap(), u64::MAX);
        // A carry claimed for a sum that fits: hi wraps to p - x, refused by its range check.
        assert!(run_carry_out(u64::MAX - 5, 5, true).is_err());
        assert!(run_carry_out(1, 2, true).is_err());
        // No carry claimed for a sum that overflows: hi is 2^32 or more, refused.
        assert!(run_carry_out(u64::MAX, 1, false).is_err());
        assert!(run_carry_out(1 << 63, 1 << 63, false).is_err());
    }

    #[test]
    fn subtraction_borrows_and_refuses_underflow() {
        let cases = [(3, 2), (1 << 32, 1), (u64::MAX, u64::MAX), (u64::MAX, 0)];
        for (a, b) in cases {
            assert_eq!(run(&SUB, a, b, 0).unwrap().0, a - b, "{a} - {b}");
        }
        // The high limb of the difference is p - 1: its range check refuses it.
        assert!(run(&SUB, 0, 1, 0).is_err());
        assert!(run(&SUB, 1 << 32, (1 << 32) + 1, 0).is_err());
    }

    #[test]
    fn increment_refuses_two_to_the_32() {
        assert_eq!(run(&ADD, 0, 0, 41).unwrap().1, 42);
        assert_eq!(
            run(&ADD, 0, 0, u64::from(u32::MAX) - 1).unwrap().1,
            u64::from(u32::MAX)
        );
        assert!(run(&ADD, 0, 0, u64::from(u32::MAX)).is_err());
    }

    #[test]
    fn a_limb_of_two_to_the_32_does_not_enter() {
        let mut witness = PartialWitness::new();
        witness.set_target(ADD.a.hi, GFp::ZERO).unwrap();
        witness
            .set_target(ADD.a.lo, GFp::from_canonical_u64(1 << 32))
            .unwrap();
        ADD.b.set(&mut witness, 0).unwrap();
        witness.set_target(ADD.n, GFp::ZERO).unwrap();
        let refused = ADD
            .data
            .prove(witness)
            .and_then(|proof| ADD.data.verify(proof));
        assert!(refused.is_err());
    }
}
