//! Custom plonky2 gates: [`DoubleGate`], [`AddAffineGate`] and [`AddAffine2Gate`] (whole
//! EcGFp5 doublings and signed mixed additions), [`FixedTableGate`] (lookups into a constant
//! table of points), [`GFp5MulAddGate`] (GF(p^5) multiply-adds) and [`RangeCheckGate`]
//! (many small range checks per row). The crate docs list what each costs.
//! [`CustomGateSerializer`] and [`CustomGeneratorSerializer`] serialize circuits that use
//! them (and the gadgets' hint generators).

mod alg;
mod curve_ops;
mod fixed_table;
mod generator;
mod gfp5_mul_add;
mod range_check;
mod serialization;

pub use curve_ops::{
    AddAffine2Formula, AddAffine2Gate, AddAffineFormula, AddAffineGate, DoubleFormula, DoubleGate,
    FormulaGate, FormulaGenerator,
};
pub use fixed_table::{FIXED_ENTRY_LEN, FIXED_TABLE_ENTRIES, FixedTableGate, FixedTableGenerator};
pub use gfp5_mul_add::{GFp5MulAddGate, GFp5MulAddGenerator};
pub use range_check::{RangeCheckGate, RangeCheckGenerator};
pub use serialization::{CustomGateSerializer, CustomGeneratorSerializer, generator_ids};
