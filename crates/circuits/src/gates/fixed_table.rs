//! [`FixedTableGate`]: lookups into a constant table of eight affine points baked into the
//! gate (one gate type per table: the fixed-base tables of `G` and `2^160 G`).
//!
//! Each operation has a routed index, a routed `active` flag (the builder wires it to the
//! constant 1; unused slots of a row stay all zero, which satisfies every constraint) and
//! ten routed outputs (`x`, `u`), and the index's three bits as advice; constraints: the
//! bits are boolean and sum to the index, and each output is
//! `active * sum_m table[m] sel_m(bits)` with the multilinear selectors `sel_m` (degree 4).
//! Six lookups fit a row of the standard config, where `RandomAccessGate` needs ten random
//! accesses (a row and a quarter) for one point.

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

/// Entries of a table.
pub const FIXED_TABLE_ENTRIES: usize = 8;
/// Field elements per entry (`x` and `u`, five each).
pub const FIXED_ENTRY_LEN: usize = 10;
const BITS: usize = 3;
/// Routed wires per operation: the index, the active flag and the entry.
const ROUTED_PER_OP: usize = 2 + FIXED_ENTRY_LEN;

/// A lookup into a constant table, `num_ops` times per row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FixedTableGate {
    /// The table: entry `m` is `x` then `u` of the point, canonical limbs.
    pub table: Vec<[u64; FIXED_ENTRY_LEN]>,
    /// Lookups per row.
    pub num_ops: usize,
}

impl FixedTableGate {
    /// As many lookups into `table` (eight entries) as a row of `config` holds.
    pub fn new_from_config(config: &CircuitConfig, table: Vec<[u64; FIXED_ENTRY_LEN]>) -> Self {
        let num_ops = (config.num_routed_wires / ROUTED_PER_OP)
            .min(config.num_wires / (ROUTED_PER_OP + BITS));
        Self { table, num_ops }
    }

    /// The index wire of operation `op`.
    pub const fn wire_index(op: usize) -> usize {
        ROUTED_PER_OP * op
    }

    /// The active flag of operation `op` (1 in every used slot).
    pub const fn wire_active(op: usize) -> usize {
        ROUTED_PER_OP * op + 1
    }

    /// Output wire `c` (0..10: `x` then `u`) of operation `op`.
    pub const fn wire_output(op: usize, c: usize) -> usize {
        ROUTED_PER_OP * op + 2 + c
    }

    /// Bit wire `i` of operation `op`.
    pub const fn wire_bit(&self, op: usize, i: usize) -> usize {
        ROUTED_PER_OP * self.num_ops + BITS * op + i
    }
}

impl AlgGate for FixedTableGate {
    fn constraints<A: Alg>(&self, alg: &mut A, wires: &[A::E]) -> Vec<A::E> {
        let mut out = Vec::with_capacity(self.num_ops * (BITS + 1 + FIXED_ENTRY_LEN));
        for op in 0..self.num_ops {
            let bits: [A::E; BITS] = core::array::from_fn(|i| wires[self.wire_bit(op, i)]);
            let mut index = bits[BITS - 1];
            for i in (0..BITS - 1).rev() {
                let doubled = alg.scale(2, index);
                index = alg.add(doubled, bits[i]);
            }
            out.push(alg.sub(wires[Self::wire_index(op)], index));
            let mut not_bits = Vec::with_capacity(BITS);
            for &b in &bits {
                let b1 = alg.sub_const(b, 1);
                out.push(alg.mul(b, b1));
                not_bits.push(alg.one_minus(b));
            }
            let selectors: Vec<A::E> = (0..FIXED_TABLE_ENTRIES)
                .map(|m| {
                    let pick = |i: usize| {
                        if m >> i & 1 == 1 {
                            bits[i]
                        } else {
                            not_bits[i]
                        }
                    };
                    let low = alg.mul(pick(0), pick(1));
                    alg.mul(low, pick(2))
                })
                .collect();
            for c in 0..FIXED_ENTRY_LEN {
                let mut value = alg.scale(self.table[0][c], selectors[0]);
                for (m, &selector) in selectors.iter().enumerate().skip(1) {
                    let term = alg.scale(self.table[m][c], selector);
                    value = alg.add(value, term);
                }
                let value = alg.mul(wires[Self::wire_active(op)], value);
                out.push(alg.sub(wires[Self::wire_output(op, c)], value));
            }
        }
        out
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for FixedTableGate {
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_usize(self.num_ops)?;
        dst.write_usize(self.table.len())?;
        for entry in &self.table {
            for &x in entry {
                dst.write_usize(x as usize)?;
            }
        }
        Ok(())
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let num_ops = src.read_usize()?;
        let len = src.read_usize()?;
        // A length read from a file is not trusted with an allocation of its size.
        let mut table = Vec::with_capacity(len.min(FIXED_TABLE_ENTRIES));
        for _ in 0..len {
            let mut entry = [0u64; FIXED_ENTRY_LEN];
            for x in entry.iter_mut() {
                *x = src.read_usize()? as u64;
            }
            table.push(entry);
        }
        Ok(Self { table, num_ops })
    }

    alg_gate_evals!();

    fn generators(&self, row: usize, _: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        per_op(self.num_ops, |op| FixedTableGenerator {
            gate: self.clone(),
            row,
            op,
        })
    }

    fn num_wires(&self) -> usize {
        (ROUTED_PER_OP + BITS) * self.num_ops
    }

    fn num_constants(&self) -> usize {
        0
    }

    fn degree(&self) -> usize {
        BITS + 1
    }

    fn num_constraints(&self) -> usize {
        self.num_ops * (BITS + 1 + FIXED_ENTRY_LEN)
    }

    fn num_ops(&self) -> usize {
        self.num_ops
    }
}

/// Writes the bits and the entry of one lookup (entry `index mod 8` if the index is out of
/// range: the index constraint then fails).
#[derive(Debug, Default)]
pub struct FixedTableGenerator {
    gate: FixedTableGate,
    row: usize,
    op: usize,
}

impl<F: RichField + Extendable<D>, const D: usize> SimpleGenerator<F, D> for FixedTableGenerator {
    fn id(&self) -> String {
        "hyperforge::FixedTableGenerator".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        vec![
            Target::wire(self.row, FixedTableGate::wire_index(self.op)),
            Target::wire(self.row, FixedTableGate::wire_active(self.op)),
        ]
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, F>,
        out_buffer: &mut GeneratedValues<F>,
    ) -> Result<()> {
        let index = witness
            .get_target(Target::wire(self.row, FixedTableGate::wire_index(self.op)))
            .to_canonical_u64() as usize
            % FIXED_TABLE_ENTRIES;
        for i in 0..BITS {
            out_buffer.set_target(
                Target::wire(self.row, self.gate.wire_bit(self.op, i)),
                F::from_canonical_u64((index >> i & 1) as u64),
            )?;
        }
        let active =
            witness.get_target(Target::wire(self.row, FixedTableGate::wire_active(self.op)));
        for c in 0..FIXED_ENTRY_LEN {
            out_buffer.set_target(
                Target::wire(self.row, FixedTableGate::wire_output(self.op, c)),
                active * F::from_canonical_u64(self.gate.table[index][c]),
            )?;
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, common: &CommonCircuitData<F, D>) -> IoResult<()> {
        <FixedTableGate as Gate<F, D>>::serialize(&self.gate, dst, common)?;
        write_row_op(dst, self.row, self.op)
    }

    fn deserialize(src: &mut Buffer<'_>, common: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let gate = <FixedTableGate as Gate<F, D>>::deserialize(src, common)?;
        let (row, op) = read_row_op(src)?;
        Ok(Self { gate, row, op })
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_crypto::field::GFp;
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};
    use plonky2::plonk::config::PoseidonGoldilocksConfig;

    use super::*;

    fn gate() -> FixedTableGate {
        let table = (0..FIXED_TABLE_ENTRIES as u64)
            .map(|m| core::array::from_fn(|c| 1000 * m + c as u64))
            .collect();
        FixedTableGate::new_from_config(&CircuitConfig::standard_recursion_config(), table)
    }

    #[test]
    fn six_lookups_fit_a_row() {
        let g = gate();
        assert_eq!(g.num_ops, 6);
        assert!(FixedTableGate::wire_output(5, 9) < 80);
        assert!(<FixedTableGate as Gate<GFp, 2>>::num_wires(&g) <= 135);
    }

    #[test]
    fn fixed_table_gate_has_the_declared_low_degree() {
        test_low_degree::<GFp, _, 2>(gate());
    }

    #[test]
    fn fixed_table_gate_evaluations_agree_natively_and_in_circuit() -> Result<()> {
        test_eval_fns::<GFp, PoseidonGoldilocksConfig, _, 2>(gate())
    }
}
