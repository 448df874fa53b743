//! Gates for whole EcGFp5 group operations in fractional `(x, u)` coordinates, the formulas
//! of `hyperforge_crypto::curve` (eprint 2022/274) with their intermediate products in
//! wires so that every constraint has degree 2 (3 with the addition's sign):
//!
//! - [`DoubleGate`]: `2 P`, two per row. Routed: `P` and `2 P` (40 wires each doubling);
//!   advice: `t1 = Z T`, `t2 = t1 T`, `z1 = t1 U`, `t3 = U^2`, `w1 = t2 - 2 (X + Z) t3`
//!   (25). Outputs: `X' = 4 b z1^2`, `Z' = w1^2`, `U' = 2 w1 z1`, `T' = 2 t2^2 - 4 z1^2 - w1^2`.
//! - [`AddAffine2Gate`]: two of those chained, `P + sigma1 Q1 + sigma2 Q2`, one per row
//!   (70 routed wires, the middle point and both additions' products as advice: 130).
//! - [`AddAffineGate`]: `P + sigma Q` for an affine `Q = (x2, u2)` and a sign
//!   `sigma = +-1` (checked: `sigma^2 = 1`; `sigma Q = (x2, sigma u2)`), one per row.
//!   Routed: `P`, `Q`, `sigma` (as an element) and the sum (55 wires); advice:
//!   `t1 = X1 x2`, `t3 = U1 u2`, `t5 = X1 + x2 Z1`, `t6 = U1 + u2 T1` (20), with `u2` the
//!   signed one (so degree 3). With `t7 = t1 + b Z1`, `t8 = T1 t7`, `t9 = t3 (2b t5 + 2 t7)`,
//!   `t10 = (T1 + 2 t3)(t5 + t7)`: `X = b (t10 - t8)`, `Z = t8 - t9`, `U = t6 (b Z1 - t1)`,
//!   `T = t8 + t9`.

use anyhow::Result;
use plonky2::field::extension::Extendable;
use plonky2::gates::gate::Gate;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator, WitnessGeneratorRef};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use hyperforge_crypto::curve::CURVE_B_Z;

use super::alg::{Alg, AlgGate, DirectAlg, E5, add5, alg_gate_evals, mul5, scale_z5, scale5, sub5};
use super::generator::{per_op, read_row_op, write_row_op};

/// A formula gate: `N_IN` input elements, `N_MID` advice elements, `N_OUT` outputs.
trait Formula {
    /// The stable `id()` of the formula's generator (field-free: the generator serializer
    /// tells generators apart by the `id()` of their defaults).
    const GENERATOR_ID: &'static str;
    const N_IN: usize;
    const N_MID: usize;
    const N_OUT: usize;
    /// Wire of element `j` of the inputs, advice and outputs of operation `op`.
    fn input_wire(op: usize) -> usize;
    fn mid_wire(op: usize) -> usize;
    fn output_wire(op: usize) -> usize;
    /// Expected advice and outputs given the inputs and the claimed advice (the advice of
    /// depth `k` is right once the claimed advice of depth `< k` is), and further values
    /// that must be zero (`N_EXTRA` of them).
    fn eval<A: Alg>(alg: &mut A, input: &[E5<A>], mid: &[E5<A>]) -> Evaluated<A>;
    /// Rounds of `eval` that make every advice value right, plus one for the outputs.
    const DEPTH: usize;
    /// Constraints beyond advice and outputs.
    const N_EXTRA: usize;
    /// The constraints' degree.
    const DEGREE: usize;
}

/// What [`Formula::eval`] returns: expected advice, expected outputs, values that must be 0.
type Evaluated<A> = (Vec<E5<A>>, Vec<E5<A>>, Vec<<A as Alg>::E>);

/// `2 P`.
#[derive(Debug)]
pub enum DoubleFormula {}

impl Formula for DoubleFormula {
    const GENERATOR_ID: &'static str = "hyperforge::DoubleGenerator";
    const N_IN: usize = 4;
    const N_MID: usize = 5;
    const N_OUT: usize = 4;
    const DEPTH: usize = 4;
    const N_EXTRA: usize = 0;
    const DEGREE: usize = 2;
    fn input_wire(op: usize) -> usize {
        40 * op
    }
    fn output_wire(op: usize) -> usize {
        40 * op + 20
    }
    fn mid_wire(op: usize) -> usize {
        80 + 25 * op
    }
    fn eval<A: Alg>(alg: &mut A, input: &[E5<A>], mid: &[E5<A>]) -> Evaluated<A> {
        let (x, z, u, t) = (&input[0], &input[1], &input[2], &input[3]);
        let (t1, t2, z1, t3, w1) = (&mid[0], &mid[1], &mid[2], &mid[3], &mid[4]);
        let e_t1 = mul5(alg, z, t);
        let e_t2 = mul5(alg, t1, t);
        let e_z1 = mul5(alg, t1, u);
        let e_t3 = mul5(alg, u, u);
        let xz = add5(alg, x, z);
        let xz2 = scale5(alg, 2, &xz);
        let p = mul5(alg, &xz2, t3);
        let e_w1 = sub5(alg, t2, &p);
        let z1z1 = mul5(alg, z1, z1);
        let w1w1 = mul5(alg, w1, w1);
        let w1z1 = mul5(alg, w1, z1);
        let t2t2 = mul5(alg, t2, t2);
        let x_out = scale_z5(alg, 4 * CURVE_B_Z, &z1z1);
        let u_out = scale5(alg, 2, &w1z1);
        let a = scale5(alg, 2, &t2t2);
        let b = scale5(alg, 4, &z1z1);
        let ab = sub5(alg, &a, &b);
        let t_out = sub5(alg, &ab, &w1w1);
        (
            vec![e_t1, e_t2, e_z1, e_t3, e_w1],
            vec![x_out, w1w1, u_out, t_out],
            vec![],
        )
    }
}

/// `P + sigma Q`, `Q = (x2, u2)` affine, `sigma = +-1` (input element 6, coefficient 0;
/// its other coefficients are unused): `-Q = (x2, -u2)`.
#[derive(Debug)]
pub enum AddAffineFormula {}

impl Formula for AddAffineFormula {
    const GENERATOR_ID: &'static str = "hyperforge::AddAffineGenerator";
    const N_IN: usize = 7;
    const N_MID: usize = 4;
    const N_OUT: usize = 4;
    const DEPTH: usize = 2;
    const N_EXTRA: usize = 1;
    const DEGREE: usize = 3;
    fn input_wire(_op: usize) -> usize {
        0
    }
    fn output_wire(_op: usize) -> usize {
        35
    }
    fn mid_wire(_op: usize) -> usize {
        55
    }
    fn eval<A: Alg>(alg: &mut A, input: &[E5<A>], mid: &[E5<A>]) -> Evaluated<A> {
        let sigma = input[6][0];
        let signed_u2: E5<A> = core::array::from_fn(|k| alg.mul(sigma, input[5][k]));
        let sigma_squared = alg.mul(sigma, sigma);
        let sign_check = alg.sub_const(sigma_squared, 1);
        let (x1, z1, u1, t1c, x2, u2) = (
            &input[0], &input[1], &input[2], &input[3], &input[4], &signed_u2,
        );
        let (t1, t3, t5, t6) = (&mid[0], &mid[1], &mid[2], &mid[3]);
        let e_t1 = mul5(alg, x1, x2);
        let e_t3 = mul5(alg, u1, u2);
        let p5 = mul5(alg, x2, z1);
        let e_t5 = add5(alg, x1, &p5);
        let p6 = mul5(alg, u2, t1c);
        let e_t6 = add5(alg, u1, &p6);
        let bz1 = scale_z5(alg, CURVE_B_Z, z1);
        let t7 = add5(alg, t1, &bz1);
        let t8 = mul5(alg, t1c, &t7);
        let m1 = scale_z5(alg, 2 * CURVE_B_Z, t5);
        let m2 = scale5(alg, 2, &t7);
        let m = add5(alg, &m1, &m2);
        let t9 = mul5(alg, t3, &m);
        let two_t3 = scale5(alg, 2, t3);
        let a10 = add5(alg, t1c, &two_t3);
        let b10 = add5(alg, t5, &t7);
        let t10 = mul5(alg, &a10, &b10);
        let d = sub5(alg, &t10, &t8);
        let x_out = scale_z5(alg, CURVE_B_Z, &d);
        let z_out = sub5(alg, &t8, &t9);
        let v = sub5(alg, &bz1, t1);
        let u_out = mul5(alg, t6, &v);
        let t_out = add5(alg, &t8, &t9);
        (
            vec![e_t1, e_t3, e_t5, e_t6],
            vec![x_out, z_out, u_out, t_out],
            vec![sign_check],
        )
    }
}

/// `P + sigma1 Q1 + sigma2 Q2`: two [`AddAffineFormula`]s chained in one row, the middle
/// point as advice. Inputs: `P` (4 elements), `Q1` (2), `sigma1` (1), `Q2` (2), `sigma2`
/// (1); advice: the first addition's 4, the middle point's 4, the second addition's 4.
#[derive(Debug)]
pub enum AddAffine2Formula {}

impl Formula for AddAffine2Formula {
    const GENERATOR_ID: &'static str = "hyperforge::AddAffine2Generator";
    const N_IN: usize = 10;
    const N_MID: usize = 12;
    const N_OUT: usize = 4;
    const DEPTH: usize = 4;
    const N_EXTRA: usize = 2;
    const DEGREE: usize = 3;
    fn input_wire(_op: usize) -> usize {
        0
    }
    fn output_wire(_op: usize) -> usize {
        50
    }
    fn mid_wire(_op: usize) -> usize {
        70
    }
    fn eval<A: Alg>(alg: &mut A, input: &[E5<A>], mid: &[E5<A>]) -> Evaluated<A> {
        let first_in = [&input[..4], &input[4..7]].concat();
        let (mut e_mid, first_out, mut extra) = AddAffineFormula::eval(alg, &first_in, &mid[..4]);
        let second_in = [&mid[4..8], &input[7..10]].concat();
        let (second_mid, out, second_extra) = AddAffineFormula::eval(alg, &second_in, &mid[8..]);
        e_mid.extend(first_out);
        e_mid.extend(second_mid);
        extra.extend(second_extra);
        (e_mid, out, extra)
    }
}

/// A gate applying formula `G`, `num_ops` times per row.
#[derive(Debug)]
pub struct FormulaGate<G> {
    num_ops: usize,
    _formula: core::marker::PhantomData<G>,
}

impl<G> Clone for FormulaGate<G> {
    fn clone(&self) -> Self {
        Self {
            num_ops: self.num_ops,
            _formula: core::marker::PhantomData,
        }
    }
}

impl<G> FormulaGate<G> {
    const fn with_ops(num_ops: usize) -> Self {
        Self {
            num_ops,
            _formula: core::marker::PhantomData,
        }
    }
}

/// Two doublings per row (needs 80 routed and 130 wires: the standard recursion config).
pub type DoubleGate = FormulaGate<DoubleFormula>;
/// One signed mixed addition per row (75 wires, 55 of them routed).
pub type AddAffineGate = FormulaGate<AddAffineFormula>;

/// Two chained signed mixed additions per row (130 wires, 70 of them routed).
pub type AddAffine2Gate = FormulaGate<AddAffine2Formula>;

impl AddAffine2Gate {
    /// The gate of the standard recursion config.
    pub const fn new() -> Self {
        Self::with_ops(1)
    }
}

impl Default for AddAffine2Gate {
    fn default() -> Self {
        Self::new()
    }
}

impl DoubleGate {
    /// The gate of the standard recursion config.
    pub const fn new() -> Self {
        Self::with_ops(2)
    }
}

impl AddAffineGate {
    /// The gate of the standard recursion config.
    pub const fn new() -> Self {
        Self::with_ops(1)
    }
}

impl Default for DoubleGate {
    fn default() -> Self {
        Self::new()
    }
}

impl Default for AddAffineGate {
    fn default() -> Self {
        Self::new()
    }
}

#[allow(private_bounds)]
impl<G: Formula> FormulaGate<G> {
    /// Wire of coefficient `k` of input element `j` in operation `op`.
    pub fn input(op: usize, j: usize, k: usize) -> usize {
        G::input_wire(op) + 5 * j + k
    }

    /// Wire of coefficient `k` of output element `j` in operation `op`.
    pub fn output(op: usize, j: usize, k: usize) -> usize {
        G::output_wire(op) + 5 * j + k
    }

    /// Connects `inputs` (element `j`, coefficient `k`) to the inputs of operation `op` of
    /// the gate in `row`, in that order, and returns the wires of its four output elements.
    pub(crate) fn connect_op<F: RichField + Extendable<D>, const D: usize>(
        builder: &mut CircuitBuilder<F, D>,
        row: usize,
        op: usize,
        inputs: &[[Target; 5]],
    ) -> [[Target; 5]; 4] {
        for (j, e) in inputs.iter().enumerate() {
            for (k, &target) in e.iter().enumerate() {
                builder.connect(target, Target::wire(row, Self::input(op, j, k)));
            }
        }
        core::array::from_fn(|j| {
            core::array::from_fn(|k| Target::wire(row, Self::output(op, j, k)))
        })
    }
}

#[allow(private_bounds)]
impl<G: Formula> AlgGate for FormulaGate<G> {
    fn constraints<A: Alg>(&self, alg: &mut A, wires: &[A::E]) -> Vec<A::E> {
        let mut out = Vec::with_capacity(5 * (G::N_MID + G::N_OUT) * self.num_ops);
        for op in 0..self.num_ops {
            let input = read_vec(wires, G::input_wire(op), G::N_IN);
            let mid = read_vec(wires, G::mid_wire(op), G::N_MID);
            let output = read_vec(wires, G::output_wire(op), G::N_OUT);
            let (e_mid, e_out, extra) = G::eval(alg, &input, &mid);
            for (claimed, expected) in mid.iter().zip(&e_mid).chain(output.iter().zip(&e_out)) {
                for k in 0..5 {
                    out.push(alg.sub(claimed[k], expected[k]));
                }
            }
            out.extend(extra);
        }
        out
    }
}

fn read_vec<T: Copy>(src: &[T], start: usize, n: usize) -> Vec<[T; 5]> {
    (0..n)
        .map(|j| core::array::from_fn(|k| src[start + 5 * j + k]))
        .collect()
}

#[allow(private_bounds)]
impl<F, G, const D: usize> Gate<F, D> for FormulaGate<G>
where
    F: RichField + Extendable<D>,
    G: Formula + core::fmt::Debug + Send + Sync + 'static,
{
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_usize(self.num_ops)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Ok(Self::with_ops(src.read_usize()?))
    }

    alg_gate_evals!();

    fn generators(&self, row: usize, _: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        per_op(self.num_ops, |op| FormulaGenerator::<G> {
            row,
            op,
            _formula: core::marker::PhantomData,
        })
    }

    fn num_wires(&self) -> usize {
        (0..self.num_ops)
            .map(|op| {
                (G::input_wire(op) + 5 * G::N_IN)
                    .max(G::output_wire(op) + 5 * G::N_OUT)
                    .max(G::mid_wire(op) + 5 * G::N_MID)
            })
            .max()
            .unwrap_or(0)
    }

    fn num_constants(&self) -> usize {
        0
    }

    fn degree(&self) -> usize {
        G::DEGREE
    }

    fn num_constraints(&self) -> usize {
        (5 * (G::N_MID + G::N_OUT) + G::N_EXTRA) * self.num_ops
    }

    fn num_ops(&self) -> usize {
        self.num_ops
    }
}

/// Fills the advice and output wires of one operation of a [`FormulaGate`].
#[derive(Debug)]
pub struct FormulaGenerator<G> {
    row: usize,
    op: usize,
    _formula: core::marker::PhantomData<G>,
}

impl<G> Default for FormulaGenerator<G> {
    fn default() -> Self {
        Self {
            row: 0,
            op: 0,
            _formula: core::marker::PhantomData,
        }
    }
}

#[allow(private_bounds)]
impl<F, G, const D: usize> SimpleGenerator<F, D> for FormulaGenerator<G>
where
    F: RichField + Extendable<D>,
    G: Formula + core::fmt::Debug + Send + Sync + 'static,
{
    fn id(&self) -> String {
        G::GENERATOR_ID.to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        (0..5 * G::N_IN)
            .map(|i| Target::wire(self.row, G::input_wire(self.op) + i))
            .collect()
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, F>,
        out_buffer: &mut GeneratedValues<F>,
    ) -> Result<()> {
        let input: Vec<[F; 5]> = (0..G::N_IN)
            .map(|j| {
                core::array::from_fn(|k| {
                    witness.get_target(Target::wire(self.row, G::input_wire(self.op) + 5 * j + k))
                })
            })
            .collect();
        let mut alg = DirectAlg::<F>::new();
        let mut mid = vec![[F::ZERO; 5]; G::N_MID];
        let mut out = Vec::new();
        for _ in 0..G::DEPTH {
            let (m, o, _) = G::eval(&mut alg, &input, &mid);
            mid = m;
            out = o;
        }
        for (start, values) in [
            (G::mid_wire(self.op), &mid),
            (G::output_wire(self.op), &out),
        ] {
            for (j, value) in values.iter().enumerate() {
                for (k, &v) in value.iter().enumerate() {
                    out_buffer.set_target(Target::wire(self.row, start + 5 * j + k), v)?;
                }
            }
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<F, D>) -> IoResult<()> {
        write_row_op(dst, self.row, self.op)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let (row, op) = read_row_op(src)?;
        Ok(Self {
            row,
            op,
            _formula: core::marker::PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_crypto::curve::Point;
    use hyperforge_crypto::field::GFp;
    use hyperforge_crypto::scalar::Scalar;
    use plonky2::field::types::Field;
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};
    use plonky2::plonk::config::PoseidonGoldilocksConfig;

    use super::*;

    #[test]
    fn double_gate_has_the_declared_low_degree() {
        test_low_degree::<GFp, _, 2>(DoubleGate::new());
    }

    #[test]
    fn add_gate_has_the_declared_low_degree() {
        test_low_degree::<GFp, _, 2>(AddAffineGate::new());
    }

    #[test]
    fn double_add_gate_has_the_declared_low_degree() {
        test_low_degree::<GFp, _, 2>(AddAffine2Gate::new());
    }

    #[test]
    fn double_add_gate_evaluations_agree_natively_and_in_circuit() -> Result<()> {
        test_eval_fns::<GFp, PoseidonGoldilocksConfig, _, 2>(AddAffine2Gate::new())
    }

    #[test]
    fn double_gate_evaluations_agree_natively_and_in_circuit() -> Result<()> {
        test_eval_fns::<GFp, PoseidonGoldilocksConfig, _, 2>(DoubleGate::new())
    }

    #[test]
    fn add_gate_evaluations_agree_natively_and_in_circuit() -> Result<()> {
        test_eval_fns::<GFp, PoseidonGoldilocksConfig, _, 2>(AddAffineGate::new())
    }

    #[test]
    fn gate_wiring_fits_the_standard_config() {
        let config = plonky2::plonk::circuit_data::CircuitConfig::standard_recursion_config();
        let double = <DoubleGate as Gate<GFp, 2>>::num_wires(&DoubleGate::new());
        let add = <AddAffineGate as Gate<GFp, 2>>::num_wires(&AddAffineGate::new());
        assert!(double <= config.num_wires && add <= config.num_wires);
        // Routed wires: inputs and outputs below num_routed_wires.
        assert!(DoubleGate::output(1, 3, 4) < config.num_routed_wires);
        assert!(AddAffineGate::output(0, 3, 4) < config.num_routed_wires);
        let add2 = <AddAffine2Gate as Gate<GFp, 2>>::num_wires(&AddAffine2Gate::new());
        assert!(add2 <= config.num_wires);
        assert!(AddAffine2Gate::output(0, 3, 4) < config.num_routed_wires);
    }

    #[test]
    fn formulas_agree_with_the_native_group_law() {
        // Affine G, then 2G by the doubling formula and 3G by the addition formula.
        let g = Point::GENERATOR.to_affine();
        let one = [GFp::ONE, GFp::ZERO, GFp::ZERO, GFp::ZERO, GFp::ZERO];
        let input = vec![g.x.0, one, g.u.0, one];
        let mut alg = DirectAlg::<GFp>::new();
        let mut mid = vec![[GFp::ZERO; 5]; 5];
        let mut out = Vec::new();
        for _ in 0..DoubleFormula::DEPTH {
            (mid, out, _) = DoubleFormula::eval(&mut alg, &input, &mid);
        }
        let two_g = Point::GENERATOR.double().to_affine();
        let (x, z, u, t) = (
            plonky2::field::extension::quintic::QuinticExtension(out[0]),
            plonky2::field::extension::quintic::QuinticExtension(out[1]),
            plonky2::field::extension::quintic::QuinticExtension(out[2]),
            plonky2::field::extension::quintic::QuinticExtension(out[3]),
        );
        assert_eq!(x, two_g.x * z);
        assert_eq!(u, two_g.u * t);

        let two = out.clone();
        let q = |e: [GFp; 5]| plonky2::field::extension::quintic::QuinticExtension(e);
        for (sign, multiple) in [(GFp::ONE, 3), (GFp::NEG_ONE, 1)] {
            let sign = [sign, GFp::ZERO, GFp::ZERO, GFp::ZERO, GFp::ZERO];
            let input = vec![two[0], two[1], two[2], two[3], g.x.0, g.u.0, sign];
            let mut mid = vec![[GFp::ZERO; 5]; 4];
            let mut extra = vec![];
            for _ in 0..AddAffineFormula::DEPTH {
                (mid, out, extra) = AddAffineFormula::eval(&mut alg, &input, &mid);
            }
            assert_eq!(extra, vec![GFp::ZERO]);
            // A sign other than +-1 violates the sign constraint.
            let mut bad = input.clone();
            bad[6][0] = GFp::TWO;
            let (_, _, bad_extra) = AddAffineFormula::eval(&mut alg, &bad, &mid);
            assert_ne!(bad_extra, vec![GFp::ZERO]);
            let expected = Point::GENERATOR
                .mul(&Scalar::from_u64(multiple))
                .to_affine();
            assert_eq!(q(out[0]), expected.x * q(out[1]));
            assert_eq!(q(out[2]), expected.u * q(out[3]));
        }
    }
}
