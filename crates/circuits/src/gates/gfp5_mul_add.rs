//! [`GFp5MulAddGate`]: `c = a * b + d` over GF(p^5) = GF(p)[z]/(z^5 - 3), several per row.
//!
//! One operation takes 20 routed wires (`a`, `b`, `d`, `c`, five coefficients each) and five
//! degree-2 constraints, one per coefficient of `c`. The standard recursion config has 80
//! routed wires, so a row holds four operations: 100 base-field products, where an
//! `ArithmeticGate` row does 20. The builder fills rows through `find_slot`, like plonky2's
//! own arithmetic gates.

use core::ops::{Add, Mul};

use anyhow::Result;
use plonky2::field::extension::Extendable;
use plonky2::field::types::Field;
use plonky2::gates::gate::Gate;
use plonky2::gates::util::StridedConstraintConsumer;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator, WitnessGeneratorRef};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::{CircuitConfig, CommonCircuitData};
use plonky2::plonk::vars::{EvaluationTargets, EvaluationVars, EvaluationVarsBase};
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use hyperforge_crypto::field::EXTENSION_W;

use super::generator::{per_op, read_row_op, write_row_op};

/// Wires per operation: `a`, `b`, `d` and `c`, five each.
const WIRES_PER_OP: usize = 20;

/// `c = a * b + d` in GF(p^5), `num_ops` times per row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GFp5MulAddGate {
    /// Operations per row.
    pub num_ops: usize,
}

impl GFp5MulAddGate {
    /// As many operations as the config's routed wires hold (4 in the standard config).
    pub const fn new_from_config(config: &CircuitConfig) -> Self {
        Self {
            num_ops: config.num_routed_wires / WIRES_PER_OP,
        }
    }

    /// Wire of coefficient `k` of multiplicand `a` in operation `op`.
    pub const fn wire_a(op: usize, k: usize) -> usize {
        WIRES_PER_OP * op + k
    }

    /// Wire of coefficient `k` of multiplicand `b` in operation `op`.
    pub const fn wire_b(op: usize, k: usize) -> usize {
        WIRES_PER_OP * op + 5 + k
    }

    /// Wire of coefficient `k` of addend `d` in operation `op`.
    pub const fn wire_d(op: usize, k: usize) -> usize {
        WIRES_PER_OP * op + 10 + k
    }

    /// Wire of coefficient `k` of output `c` in operation `op`.
    pub const fn wire_c(op: usize, k: usize) -> usize {
        WIRES_PER_OP * op + 15 + k
    }
}

/// `a * b + d` in GF(p^5) over any commutative ring holding the coefficients; `w` is the
/// ring's image of `W = 3` (`z^5 = W`).
pub(crate) fn mul_add5<T>(a: &[T; 5], b: &[T; 5], d: &[T; 5], w: T) -> [T; 5]
where
    T: Copy + Add<Output = T> + Mul<Output = T>,
{
    let mut out = *d;
    for (k, o) in out.iter_mut().enumerate() {
        let mut low = a[0] * b[k];
        for i in 1..=k {
            low = low + a[i] * b[k - i];
        }
        if k < 4 {
            let mut high = a[k + 1] * b[4];
            for i in (k + 2)..5 {
                high = high + a[i] * b[k + 5 - i];
            }
            *o = *o + low + w * high;
        } else {
            *o = *o + low;
        }
    }
    out
}

fn wires<T: Copy>(src: &[T], wire: impl Fn(usize) -> usize) -> [T; 5] {
    core::array::from_fn(|k| src[wire(k)])
}

impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for GFp5MulAddGate {
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_usize(self.num_ops)
    }

    fn deserialize(src: &mut Buffer<'_>, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Ok(Self {
            num_ops: src.read_usize()?,
        })
    }

    fn eval_unfiltered(&self, vars: EvaluationVars<'_, F, D>) -> Vec<F::Extension> {
        let w = F::Extension::from_canonical_u64(EXTENSION_W);
        let mut constraints = Vec::with_capacity(5 * self.num_ops);
        for op in 0..self.num_ops {
            let a = wires(vars.local_wires, |k| Self::wire_a(op, k));
            let b = wires(vars.local_wires, |k| Self::wire_b(op, k));
            let d = wires(vars.local_wires, |k| Self::wire_d(op, k));
            let c = wires(vars.local_wires, |k| Self::wire_c(op, k));
            let computed = mul_add5(&a, &b, &d, w);
            constraints.extend((0..5).map(|k| c[k] - computed[k]));
        }
        constraints
    }

    fn eval_unfiltered_base_one(
        &self,
        vars: EvaluationVarsBase<'_, F>,
        mut yield_constr: StridedConstraintConsumer<'_, F>,
    ) {
        let w = F::from_canonical_u64(EXTENSION_W);
        for op in 0..self.num_ops {
            let get = |wire: usize| vars.local_wires[wire];
            let a: [F; 5] = core::array::from_fn(|k| get(Self::wire_a(op, k)));
            let b: [F; 5] = core::array::from_fn(|k| get(Self::wire_b(op, k)));
            let d: [F; 5] = core::array::from_fn(|k| get(Self::wire_d(op, k)));
            let c: [F; 5] = core::array::from_fn(|k| get(Self::wire_c(op, k)));
            let computed = mul_add5(&a, &b, &d, w);
            yield_constr.many((0..5).map(|k| c[k] - computed[k]));
        }
    }

    fn eval_unfiltered_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: EvaluationTargets<'_, D>,
    ) -> Vec<ExtensionTarget<D>> {
        let w = F::from_canonical_u64(EXTENSION_W);
        let mut constraints = Vec::with_capacity(5 * self.num_ops);
        for op in 0..self.num_ops {
            let a = wires(vars.local_wires, |k| Self::wire_a(op, k));
            let b = wires(vars.local_wires, |k| Self::wire_b(op, k));
            let d = wires(vars.local_wires, |k| Self::wire_d(op, k));
            let c = wires(vars.local_wires, |k| Self::wire_c(op, k));
            for k in 0..5 {
                let mut acc = d[k];
                for i in 0..=k {
                    acc = builder.mul_add_extension(a[i], b[k - i], acc);
                }
                if k < 4 {
                    let mut high = builder.mul_extension(a[k + 1], b[4]);
                    for i in (k + 2)..5 {
                        high = builder.mul_add_extension(a[i], b[k + 5 - i], high);
                    }
                    acc = builder.mul_const_add_extension(w, high, acc);
                }
                constraints.push(builder.sub_extension(c[k], acc));
            }
        }
        constraints
    }

    fn generators(&self, row: usize, _local_constants: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        per_op(self.num_ops, |op| GFp5MulAddGenerator { row, op })
    }

    fn num_wires(&self) -> usize {
        WIRES_PER_OP * self.num_ops
    }

    fn num_constants(&self) -> usize {
        0
    }

    fn degree(&self) -> usize {
        2
    }

    fn num_constraints(&self) -> usize {
        5 * self.num_ops
    }

    fn num_ops(&self) -> usize {
        self.num_ops
    }
}

/// Computes `c` of one operation of a [`GFp5MulAddGate`] once `a`, `b` and `d` are known.
#[derive(Clone, Debug, Default)]
pub struct GFp5MulAddGenerator {
    row: usize,
    op: usize,
}

impl<F: RichField + Extendable<D>, const D: usize> SimpleGenerator<F, D> for GFp5MulAddGenerator {
    fn id(&self) -> String {
        "GFp5MulAddGenerator".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        (0..5)
            .flat_map(|k| {
                [
                    GFp5MulAddGate::wire_a(self.op, k),
                    GFp5MulAddGate::wire_b(self.op, k),
                    GFp5MulAddGate::wire_d(self.op, k),
                ]
            })
            .map(|wire| Target::wire(self.row, wire))
            .collect()
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, F>,
        out_buffer: &mut GeneratedValues<F>,
    ) -> Result<()> {
        let get = |wire: usize| witness.get_target(Target::wire(self.row, wire));
        let a: [F; 5] = core::array::from_fn(|k| get(GFp5MulAddGate::wire_a(self.op, k)));
        let b: [F; 5] = core::array::from_fn(|k| get(GFp5MulAddGate::wire_b(self.op, k)));
        let d: [F; 5] = core::array::from_fn(|k| get(GFp5MulAddGate::wire_d(self.op, k)));
        let c = mul_add5(&a, &b, &d, F::from_canonical_u64(EXTENSION_W));
        for (k, value) in c.into_iter().enumerate() {
            out_buffer.set_target(
                Target::wire(self.row, GFp5MulAddGate::wire_c(self.op, k)),
                value,
            )?;
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        write_row_op(dst, self.row, self.op)
    }

    fn deserialize(src: &mut Buffer<'_>, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let (row, op) = read_row_op(src)?;
        Ok(Self { row, op })
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_crypto::field::{GFp, GFp5};
    use plonky2::field::types::Sample;
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};
    use plonky2::plonk::config::PoseidonGoldilocksConfig;

    use super::*;

    #[test]
    fn gate_constraints_have_the_declared_low_degree() {
        let gate = GFp5MulAddGate::new_from_config(&CircuitConfig::standard_recursion_config());
        assert_eq!(gate.num_ops, 4);
        test_low_degree::<GFp, _, 2>(gate);
    }

    #[test]
    fn gate_evaluations_agree_natively_and_in_circuit() -> Result<()> {
        let gate = GFp5MulAddGate::new_from_config(&CircuitConfig::standard_recursion_config());
        test_eval_fns::<GFp, PoseidonGoldilocksConfig, _, 2>(gate)
    }

    #[test]
    fn mul_add5_is_plonky2_quintic_multiplication() {
        for _ in 0..16 {
            let (a, b, d) = (GFp5::rand(), GFp5::rand(), GFp5::rand());
            let c = mul_add5(&a.0, &b.0, &d.0, GFp::from_canonical_u64(EXTENSION_W));
            assert_eq!(c, (a * b + d).0);
        }
    }
}
