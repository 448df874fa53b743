//! GF(p^5) arithmetic on circuit targets: an element is five Goldilocks targets, the
//! coefficients of `1, z, .., z^4` with `z^5 = 3`, exactly as `hyperforge_crypto::field`.
//!
//! Linear operations (`a * alpha + b * beta` for constants of the form `k` or `k z`) cost
//! five base-field operations of plonky2's `ArithmeticGate` (a quarter of a row).
//! Multiplications follow a [`GateStrategy`]: one slot of the custom
//! [`GFp5MulAddGate`] (a quarter of a row) or 25
//! `ArithmeticGate` operations (a row and a quarter). Division and inversion take the
//! quotient as a hint and check it with one multiplication.

use anyhow::Result;
use hyperforge_crypto::field::{self, EXTENSION_W, GFp, GFp5};
use plonky2::field::extension::quintic::QuinticExtension;
use plonky2::field::types::Field;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use crate::gates::GFp5MulAddGate;
use crate::{Builder, D};

/// A GF(p^5) element in circuit: coefficients of `1, z, .., z^4`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GFp5Target(pub [Target; 5]);

/// Which gates the gadgets use; the three variants exist to measure what custom gates save.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GateStrategy {
    /// Every custom gate: whole group operations ([`DoubleGate`](crate::gates::DoubleGate),
    /// [`AddAffineGate`](crate::gates::AddAffineGate)), range checks
    /// ([`RangeCheckGate`](crate::gates::RangeCheckGate)) and the [`GFp5MulAddGate`] for
    /// every other multiplication.
    #[default]
    CustomGates,
    /// Only the [`GFp5MulAddGate`] (four multiply-adds per row); group operations are built
    /// from it and linear operations, range checks use plonky2's `BaseSumGate`.
    MulAddGate,
    /// plonky2's gates only: a multiplication is 25 `ArithmeticGate` operations.
    ArithmeticGates,
}

/// A constant `k z^shift` with `shift` 0 or 1: what linear operations multiply by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Monomial {
    k: GFp,
    times_z: bool,
}

impl Monomial {
    /// The base-field constant `k` (negative values wrap mod p).
    pub fn int(k: i64) -> Self {
        Self {
            k: signed(k),
            times_z: false,
        }
    }

    /// The constant `k z`.
    pub fn int_z(k: i64) -> Self {
        Self {
            k: signed(k),
            times_z: true,
        }
    }

    /// The constant multiplying output coefficient `i`, and the input coefficient it reads.
    fn term(&self, i: usize) -> (GFp, usize) {
        match (self.times_z, i) {
            (false, _) => (self.k, i),
            (true, 0) => (self.k * GFp::from_canonical_u64(EXTENSION_W), 4),
            (true, _) => (self.k, i - 1),
        }
    }
}

fn signed(k: i64) -> GFp {
    if k < 0 {
        -GFp::from_canonical_u64(k.unsigned_abs())
    } else {
        GFp::from_canonical_u64(k.unsigned_abs())
    }
}

/// GF(p^5) operations on a plonky2 circuit builder.
pub trait CircuitBuilderGFp5 {
    /// A new unconstrained element (for witnesses set from outside).
    fn add_virtual_gfp5(&mut self) -> GFp5Target;
    /// A constant.
    fn constant_gfp5(&mut self, c: GFp5) -> GFp5Target;
    /// `alpha a + beta b`.
    fn lin_gfp5(
        &mut self,
        alpha: Monomial,
        a: GFp5Target,
        beta: Monomial,
        b: GFp5Target,
    ) -> GFp5Target;
    /// `alpha a`.
    fn scale_gfp5(&mut self, alpha: Monomial, a: GFp5Target) -> GFp5Target;
    /// `a + b`.
    fn add_gfp5(&mut self, a: GFp5Target, b: GFp5Target) -> GFp5Target;
    /// `a - b`.
    fn sub_gfp5(&mut self, a: GFp5Target, b: GFp5Target) -> GFp5Target;
    /// `-a`.
    fn neg_gfp5(&mut self, a: GFp5Target) -> GFp5Target;
    /// `a b + d`.
    fn mul_add_gfp5(
        &mut self,
        a: GFp5Target,
        b: GFp5Target,
        d: GFp5Target,
        strategy: GateStrategy,
    ) -> GFp5Target;
    /// `a b`.
    fn mul_gfp5(&mut self, a: GFp5Target, b: GFp5Target, strategy: GateStrategy) -> GFp5Target;
    /// `a^2`.
    fn square_gfp5(&mut self, a: GFp5Target, strategy: GateStrategy) -> GFp5Target;
    /// `num / den` from a hint, checked by `q den = num`; no witness exists when `den = 0`
    /// and `num != 0`, and the caller must rule out `den = 0` when `num = 0`.
    fn div_gfp5(&mut self, num: GFp5Target, den: GFp5Target, strategy: GateStrategy) -> GFp5Target;
    /// `1 / a`; no witness exists when `a = 0`.
    fn inverse_gfp5(&mut self, a: GFp5Target, strategy: GateStrategy) -> GFp5Target;
    /// Constrains `a = b`.
    fn connect_gfp5(&mut self, a: GFp5Target, b: GFp5Target);
    /// `if b { x } else { y }` (one base operation per coefficient).
    fn select_gfp5(&mut self, b: BoolTarget, x: GFp5Target, y: GFp5Target) -> GFp5Target;
}

impl CircuitBuilderGFp5 for Builder {
    fn add_virtual_gfp5(&mut self) -> GFp5Target {
        GFp5Target(core::array::from_fn(|_| self.add_virtual_target()))
    }

    fn constant_gfp5(&mut self, c: GFp5) -> GFp5Target {
        GFp5Target(c.0.map(|x| self.constant(x)))
    }

    fn lin_gfp5(
        &mut self,
        alpha: Monomial,
        a: GFp5Target,
        beta: Monomial,
        b: GFp5Target,
    ) -> GFp5Target {
        let one = self.one();
        GFp5Target(core::array::from_fn(|i| {
            let (ka, ia) = alpha.term(i);
            let (kb, ib) = beta.term(i);
            self.arithmetic(ka, kb, a.0[ia], one, b.0[ib])
        }))
    }

    fn scale_gfp5(&mut self, alpha: Monomial, a: GFp5Target) -> GFp5Target {
        let zero = self.zero();
        let zeros = GFp5Target([zero; 5]);
        self.lin_gfp5(alpha, a, Monomial::int(0), zeros)
    }

    fn add_gfp5(&mut self, a: GFp5Target, b: GFp5Target) -> GFp5Target {
        self.lin_gfp5(Monomial::int(1), a, Monomial::int(1), b)
    }

    fn sub_gfp5(&mut self, a: GFp5Target, b: GFp5Target) -> GFp5Target {
        self.lin_gfp5(Monomial::int(1), a, Monomial::int(-1), b)
    }

    fn neg_gfp5(&mut self, a: GFp5Target) -> GFp5Target {
        self.scale_gfp5(Monomial::int(-1), a)
    }

    fn mul_add_gfp5(
        &mut self,
        a: GFp5Target,
        b: GFp5Target,
        d: GFp5Target,
        strategy: GateStrategy,
    ) -> GFp5Target {
        match strategy {
            GateStrategy::CustomGates | GateStrategy::MulAddGate => {
                let gate = GFp5MulAddGate::new_from_config(&self.config);
                let (row, op) = self.find_slot(gate, &[], &[]);
                for k in 0..5 {
                    self.connect(a.0[k], Target::wire(row, GFp5MulAddGate::wire_a(op, k)));
                    self.connect(b.0[k], Target::wire(row, GFp5MulAddGate::wire_b(op, k)));
                    self.connect(d.0[k], Target::wire(row, GFp5MulAddGate::wire_d(op, k)));
                }
                GFp5Target(core::array::from_fn(|k| {
                    Target::wire(row, GFp5MulAddGate::wire_c(op, k))
                }))
            }
            GateStrategy::ArithmeticGates => {
                let w = GFp::from_canonical_u64(EXTENSION_W);
                GFp5Target(core::array::from_fn(|k| {
                    let mut acc = d.0[k];
                    for i in 0..5 {
                        let j = (k + 5 - i) % 5;
                        let c = if i + j >= 5 { w } else { GFp::ONE };
                        acc = self.arithmetic(c, GFp::ONE, a.0[i], b.0[j], acc);
                    }
                    acc
                }))
            }
        }
    }

    fn mul_gfp5(&mut self, a: GFp5Target, b: GFp5Target, strategy: GateStrategy) -> GFp5Target {
        let zero = self.zero();
        self.mul_add_gfp5(a, b, GFp5Target([zero; 5]), strategy)
    }

    fn square_gfp5(&mut self, a: GFp5Target, strategy: GateStrategy) -> GFp5Target {
        self.mul_gfp5(a, a, strategy)
    }

    fn div_gfp5(&mut self, num: GFp5Target, den: GFp5Target, strategy: GateStrategy) -> GFp5Target {
        let quotient = self.add_virtual_gfp5();
        self.add_simple_generator(DivisionHint { num, den, quotient });
        let check = self.mul_gfp5(quotient, den, strategy);
        self.connect_gfp5(check, num);
        quotient
    }

    fn inverse_gfp5(&mut self, a: GFp5Target, strategy: GateStrategy) -> GFp5Target {
        let one = self.constant_gfp5(GFp5::ONE);
        self.div_gfp5(one, a, strategy)
    }

    fn connect_gfp5(&mut self, a: GFp5Target, b: GFp5Target) {
        for k in 0..5 {
            self.connect(a.0[k], b.0[k]);
        }
    }

    fn select_gfp5(&mut self, b: BoolTarget, x: GFp5Target, y: GFp5Target) -> GFp5Target {
        GFp5Target(core::array::from_fn(|k| self.select(b, x.0[k], y.0[k])))
    }
}

/// Reads an element from a witness.
pub fn get_gfp5(witness: &impl Witness<GFp>, t: GFp5Target) -> GFp5 {
    QuinticExtension(t.0.map(|x| witness.get_target(x)))
}

/// Writes an element into a witness.
pub fn set_gfp5(witness: &mut impl WitnessWrite<GFp>, t: GFp5Target, value: GFp5) -> Result<()> {
    for k in 0..5 {
        witness.set_target(t.0[k], value.0[k])?;
    }
    Ok(())
}

pub(crate) fn write_gfp5(dst: &mut Vec<u8>, t: GFp5Target) -> IoResult<()> {
    dst.write_target_array(&t.0)
}

pub(crate) fn read_gfp5(src: &mut Buffer<'_>) -> IoResult<GFp5Target> {
    Ok(GFp5Target(src.read_target_array()?))
}

/// `quotient = num / den`; zero when `den = 0` (the constraint then fails unless `num = 0`).
#[derive(Debug, Default)]
pub(crate) struct DivisionHint {
    num: GFp5Target,
    den: GFp5Target,
    quotient: GFp5Target,
}

impl SimpleGenerator<GFp, D> for DivisionHint {
    fn id(&self) -> String {
        "hyperforge::DivisionHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        self.num.0.iter().chain(&self.den.0).copied().collect()
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> Result<()> {
        let num = get_gfp5(witness, self.num);
        let den = get_gfp5(witness, self.den);
        set_gfp5(
            out_buffer,
            self.quotient,
            num * field::inverse_or_zero(&den),
        )
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        write_gfp5(dst, self.num)?;
        write_gfp5(dst, self.den)?;
        write_gfp5(dst, self.quotient)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            num: read_gfp5(src)?,
            den: read_gfp5(src)?,
            quotient: read_gfp5(src)?,
        })
    }
}
