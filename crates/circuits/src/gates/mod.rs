//! Custom plonky2 gates: [`GFp5MulAddGate`] (several GF(p^5) multiply-adds per row), and
//! [`DoubleGate`] and [`AddAffineGate`] (a whole EcGFp5 doubling or mixed addition).

mod alg;
mod curve_ops;
mod gfp5_mul_add;

pub use curve_ops::{
    AddAffineFormula, AddAffineGate, DoubleFormula, DoubleGate, FormulaGate, FormulaGenerator,
};
pub use gfp5_mul_add::{GFp5MulAddGate, GFp5MulAddGenerator};
