//! Custom plonky2 gates. One today: [`GFp5MulAddGate`], several GF(p^5) multiply-adds per row.

mod gfp5_mul_add;

pub use gfp5_mul_add::{GFp5MulAddGate, GFp5MulAddGenerator};
