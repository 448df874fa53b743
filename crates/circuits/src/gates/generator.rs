//! Witness-generator plumbing shared by the custom gates: one generator per operation of a
//! row, and the `(row, op)` pair each of those generators serializes last.

use plonky2::field::extension::Extendable;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::generator::{SimpleGenerator, WitnessGeneratorRef};
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

/// `make(op)` for every operation `0..num_ops` of a row, as generator references.
pub(crate) fn per_op<F, G, const D: usize>(
    num_ops: usize,
    make: impl Fn(usize) -> G,
) -> Vec<WitnessGeneratorRef<F, D>>
where
    F: RichField + Extendable<D>,
    G: SimpleGenerator<F, D>,
{
    (0..num_ops)
        .map(|op| WitnessGeneratorRef::new(make(op).adapter()))
        .collect()
}

/// Writes a generator's row and operation.
pub(crate) fn write_row_op(dst: &mut Vec<u8>, row: usize, op: usize) -> IoResult<()> {
    dst.write_usize(row)?;
    dst.write_usize(op)
}

/// Reads what [`write_row_op`] wrote: `(row, op)`.
pub(crate) fn read_row_op(src: &mut Buffer<'_>) -> IoResult<(usize, usize)> {
    Ok((src.read_usize()?, src.read_usize()?))
}
