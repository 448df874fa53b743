//! [`RangeCheckGate`]: many `x < 2^bits` checks per row, `bits` even. Each operation has one
//! routed wire `x` and `bits / 2` advice wires, its base-4 digits; constraints:
//! `x = sum d_j 4^j` (degree 1) and `d (d - 1)(d - 2)(d - 3) = 0` per digit (degree 4).
//! plonky2's `BaseSumGate` spends a whole row on one check; this gate fits 15 16-bit checks
//! in a row of the standard config (1 + 8 wires each).

use anyhow::Result;
use plonky2::field::extension::Extendable;
use plonky2::gates::gate::Gate;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator, WitnessGeneratorRef};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_data::{CircuitConfig, CommonCircuitData};
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use super::alg::{Alg, AlgGate, alg_gate_evals};
use super::generator::{per_op, read_row_op, write_row_op};

/// `x < 2^(2 digits)`, `num_ops` times per row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RangeCheckGate {
    /// Base-4 digits per checked value.
    pub digits: usize,
    /// Checks per row.
    pub num_ops: usize,
}

impl RangeCheckGate {
    /// As many `bits`-bit checks (`bits` even) as a row of `config` holds.
    pub const fn new_from_config(config: &CircuitConfig, bits: usize) -> Self {
        let digits = bits / 2;
        let by_wires = config.num_wires / (1 + digits);
        let num_ops = if by_wires < config.num_routed_wires {
            by_wires
        } else {
            config.num_routed_wires
        };
        Self { digits, num_ops }
    }

    /// The routed wire of operation `op`.
    pub const fn wire_value(op: usize) -> usize {
        op
    }

    /// The wire of digit `j` of operation `op`.
    pub const fn wire_digit(&self, op: usize, j: usize) -> usize {
        self.num_ops + self.digits * op + j
    }
}

impl AlgGate for RangeCheckGate {
    fn constraints<A: Alg>(&self, alg: &mut A, wires: &[A::E]) -> Vec<A::E> {
        let mut out = Vec::with_capacity(self.num_ops * (1 + self.digits));
        for op in 0..self.num_ops {
            let value = wires[Self::wire_value(op)];
            let mut sum = wires[self.wire_digit(op, self.digits - 1)];
            for j in (0..self.digits - 1).rev() {
                let shifted = alg.scale(4, sum);
                sum = alg.add(shifted, wires[self.wire_digit(op, j)]);
            }
            out.push(alg.sub(value, sum));
            for j in 0..self.digits {
                let d = wires[self.wire_digit(op, j)];
                let d1 = alg.sub_const(d, 1);
                let d2 = alg.sub_const(d, 2);
                let d3 = alg.sub_const(d, 3);
                let a = alg.mul(d, d1);
                let b = alg.mul(d2, d3);
                out.push(alg.mul(a, b));
            }
        }
        out
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for RangeCheckGate {
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_usize(self.digits)?;
        dst.write_usize(self.num_ops)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Ok(Self {
            digits: src.read_usize()?,
            num_ops: src.read_usize()?,
        })
    }

    alg_gate_evals!();

    fn generators(&self, row: usize, _: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        per_op(self.num_ops, |op| RangeCheckGenerator {
            gate: *self,
            row,
            op,
        })
    }

    fn num_wires(&self) -> usize {
        self.num_ops * (1 + self.digits)
    }

    fn num_constants(&self) -> usize {
        0
    }

    fn degree(&self) -> usize {
        4
    }

    fn num_constraints(&self) -> usize {
        self.num_ops * (1 + self.digits)
    }

    fn num_ops(&self) -> usize {
        self.num_ops
    }
}

/// Writes the base-4 digits of one checked value (of its low bits when it is too large;
/// the sum constraint then fails).
#[derive(Debug, Default)]
pub struct RangeCheckGenerator {
    gate: RangeCheckGate,
    row: usize,
    op: usize,
}

impl<F: RichField + Extendable<D>, const D: usize> SimpleGenerator<F, D> for RangeCheckGenerator {
    fn id(&self) -> String {
        "hyperforge::RangeCheckGenerator".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        vec![Target::wire(self.row, RangeCheckGate::wire_value(self.op))]
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, F>,
        out_buffer: &mut GeneratedValues<F>,
    ) -> Result<()> {
        let value = witness
            .get_target(Target::wire(self.row, RangeCheckGate::wire_value(self.op)))
            .to_canonical_u64();
        for j in 0..self.gate.digits {
            let digit = (value >> (2 * j)) & 3;
            out_buffer.set_target(
                Target::wire(self.row, self.gate.wire_digit(self.op, j)),
                F::from_canonical_u64(digit),
            )?;
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, common: &CommonCircuitData<F, D>) -> IoResult<()> {
        <RangeCheckGate as Gate<F, D>>::serialize(&self.gate, dst, common)?;
        write_row_op(dst, self.row, self.op)
    }

    fn deserialize(src: &mut Buffer<'_>, common: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let gate = <RangeCheckGate as Gate<F, D>>::deserialize(src, common)?;
        let (row, op) = read_row_op(src)?;
        Ok(Self { gate, row, op })
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_crypto::field::GFp;
    use plonky2::field::types::{Field, PrimeField64};
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};
    use plonky2::plonk::circuit_builder::CircuitBuilder;
    use plonky2::plonk::config::PoseidonGoldilocksConfig;

    use super::*;

    fn gate() -> RangeCheckGate {
        RangeCheckGate::new_from_config(&CircuitConfig::standard_recursion_config(), 16)
    }

    #[test]
    fn sixteen_bit_checks_fit_fifteen_per_row() {
        let g = gate();
        assert_eq!((g.digits, g.num_ops), (8, 15));
        assert!(<RangeCheckGate as Gate<GFp, 2>>::num_wires(&g) <= 135);
    }

    /// Proves `x < 2^16` through the gate; `Ok` only if the proof also verifies.
    fn prove_below_2_16(x: u64) -> Result<()> {
        use plonky2::iop::witness::{PartialWitness, WitnessWrite};
        let mut builder = CircuitBuilder::<GFp, 2>::new(CircuitConfig::standard_recursion_config());
        let target = builder.add_virtual_target();
        crate::bigint::range_check(&mut builder, target, 16, crate::GateStrategy::CustomGates);
        let data = builder.build::<PoseidonGoldilocksConfig>();
        let mut witness = PartialWitness::new();
        witness.set_target(target, GFp::from_canonical_u64(x))?;
        data.verify(data.prove(witness)?)
    }

    #[test]
    fn values_below_the_bound_prove_and_others_do_not() {
        assert!(prove_below_2_16(0).is_ok());
        assert!(prove_below_2_16(65535).is_ok());
        // The generator writes the low digits; only the gate's constraint refuses these.
        assert!(prove_below_2_16(65536).is_err());
        assert!(prove_below_2_16(GFp::NEG_ONE.to_canonical_u64()).is_err());
    }

    #[test]
    fn range_gate_has_the_declared_low_degree() {
        test_low_degree::<GFp, _, 2>(gate());
    }

    #[test]
    fn range_gate_evaluations_agree_natively_and_in_circuit() -> Result<()> {
        test_eval_fns::<GFp, PoseidonGoldilocksConfig, _, 2>(gate())
    }
}
