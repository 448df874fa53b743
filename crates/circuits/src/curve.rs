//! EcGFp5 points in circuit: decoding with its checks, the paper's complete formulas in
//! fractional `(x, u)` coordinates (`x = X/Z`, `u = x/y = U/T`; eprint 2022/274, as
//! `hyperforge_crypto::curve`), window tables and multi-scalar multiplication.
//!
//! **Decoding** `w != 0` takes `x`, `u` and `y` as hints and checks `x^2 - (w^2 - a) x + b = 0`
//! (so `w` encodes a curve point: the paper's invalid encodings have no such `x`),
//! `y^2 = 7 x` (7 is not a square, so `x` is not one: the root that puts the point in the
//! prime-order group, as native decoding picks) and `u w = 1` (so `w != 0`: no neutral).
//! Every limb is a field element, hence canonical; limbs `>= p` can only come from outside
//! and the witness helpers refuse them.
//!
//! **Formulas.** With [`GateStrategy::CustomGates`] a doubling is half a row of
//! [`DoubleGate`] and a mixed addition (the second point affine) half a row of
//! [`AddAffine2Gate`] (a row of [`AddAffineGate`] when alone); otherwise they are built
//! from 9 multiplications and 5 linear operations, and 8 and 8. Complete: the neutral
//! `(0, 0)` needs no special case, which is what lets the even-scalar correction add
//! either `-P` or the neutral.
//!
//! **Scalar multiplication.** 4-bit windows with odd signed digits `+-1, +-3, .., +-15`
//! ([`SignedScalarTarget`]): each base has an 8-entry affine table of its odd multiples
//! (constants for fixed bases, read with a [`FixedTableGate`] that bakes them in; built in
//! circuit with hinted divisions for variable ones, read with plonky2's `RandomAccessGate`,
//! eight random accesses per row; both check the index is below 8); the sign goes into
//! the addition gate, two additions per row. An even scalar is represented as the odd one
//! above it and corrected by one subtraction at the end. Several bases share the doublings
//! (Straus).

use anyhow::Result;
use hyperforge_crypto::curve::{AffinePoint, CURVE_A, CURVE_B, CURVE_B_Z, Point};
use hyperforge_crypto::field::{self, GFp, GFp5, NON_SQUARE};
use hyperforge_crypto::scalar::Scalar;
use num_bigint::BigInt;
use plonky2::field::types::Field;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator};
use plonky2::iop::target::BoolTarget;
use plonky2::iop::target::Target;
use plonky2::iop::witness::PartitionWitness;
use plonky2::iop::witness::WitnessWrite;
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::util::serialization::{Buffer, IoResult};

use crate::gates::{AddAffine2Gate, AddAffineGate, DoubleGate, FIXED_ENTRY_LEN, FixedTableGate};
use crate::gfp5::{
    CircuitBuilderGFp5, GFp5Target, GateStrategy, Monomial, get_gfp5, read_gfp5, set_gfp5,
    write_gfp5,
};
use crate::{Builder, D};

/// Window width of every scalar multiplication, in bits.
pub const WINDOW_BITS: usize = 4;
/// Entries of a window table: the odd multiples `(2j + 1) P`, `j = 0..8`.
pub const TABLE_SIZE: usize = 1 << (WINDOW_BITS - 1);

/// A scalar `k` in circuit as `k = sum_i d_i 16^i - even` with odd signed digits
/// `d_i = sign_i (2 index_i + 1)` in `[-15, 15]` and a boolean `even` (such a sum is odd,
/// so `k = v - 1` for even `k`). Indices are checked below 8 by the lookups that use them,
/// signs to be `+-1` by the addition gate (or explicitly without custom gates).
#[derive(Clone, Debug)]
pub struct SignedScalarTarget {
    /// `index_i`, little-endian.
    pub indices: Vec<Target>,
    /// `sign_i`, `1` or `-1`.
    pub signs: Vec<Target>,
    /// Whether `k` is even (1 is subtracted from the odd digit sum).
    pub even: BoolTarget,
}

/// The digits of a [`SignedScalarTarget`] for `k`, `|k| < 16^count`: `(indices, signs,
/// even)`. Returns `None` when `k` does not fit.
pub fn signed_odd_digits(k: &BigInt, count: usize) -> Option<(Vec<u64>, Vec<i64>, bool)> {
    let two = BigInt::from(2u8);
    let even = (k % &two) == BigInt::default();
    let mut v = if even { k + 1 } else { k.clone() };
    let modulus = BigInt::from(32u8);
    let mut digits = Vec::with_capacity(count);
    for i in 0..count {
        let d = if i + 1 == count {
            v.clone()
        } else {
            (((&v % &modulus) + &modulus) % &modulus) - 16
        };
        v = (&v - &d) / 16;
        digits.push(i64::try_from(d).ok()?);
    }
    if v != BigInt::default() || digits.iter().any(|d| d.abs() > 15 || d % 2 == 0) {
        return None;
    }
    let indices = digits.iter().map(|d| (d.unsigned_abs() - 1) / 2).collect();
    let signs = digits.iter().map(|d| d.signum()).collect();
    Some((indices, signs, even))
}

/// Sets a [`SignedScalarTarget`] to `k`; `Err` when `k` does not fit its digits.
pub fn set_signed_scalar(
    witness: &mut impl WitnessWrite<GFp>,
    target: &SignedScalarTarget,
    k: &BigInt,
) -> Result<()> {
    let (indices, signs, even) = signed_odd_digits(k, target.indices.len())
        .ok_or_else(|| anyhow::anyhow!("scalar does not fit {} digits", target.indices.len()))?;
    for (i, (&index, &sign)) in indices.iter().zip(&signs).enumerate() {
        witness.set_target(target.indices[i], GFp::from_canonical_u64(index))?;
        let sign = if sign < 0 { GFp::NEG_ONE } else { GFp::ONE };
        witness.set_target(target.signs[i], sign)?;
    }
    witness.set_bool_target(target.even, even)
}

/// A point in fractional coordinates `(X : Z : U : T)`.
#[derive(Clone, Copy, Debug)]
pub struct PointTarget {
    /// `X`, with `x = X / Z`.
    pub x: GFp5Target,
    /// `Z`, never zero.
    pub z: GFp5Target,
    /// `U`, with `u = U / T`; zero exactly for the neutral.
    pub u: GFp5Target,
    /// `T`, never zero.
    pub t: GFp5Target,
}

/// A point in affine `(x, u)` coordinates; the neutral is `(0, 0)`.
#[derive(Clone, Copy, Debug)]
pub struct AffinePointTarget {
    /// `x`.
    pub x: GFp5Target,
    /// `u = x / y = 1 / w`.
    pub u: GFp5Target,
}

/// A window table of the odd multiples `(2j + 1) P`, `j = 0..8`.
#[derive(Clone, Debug)]
pub struct WindowTable {
    /// The entries as targets.
    pub entries: Vec<AffinePointTarget>,
    /// For a constant point, the entries' values (`x` then `u` limbs), which a
    /// [`FixedTableGate`] bakes in.
    pub fixed: Option<Vec<[u64; FIXED_ENTRY_LEN]>>,
}

/// The point of a group-operation gate's four output elements.
fn gate_point([x, z, u, t]: [[Target; 5]; 4]) -> PointTarget {
    PointTarget {
        x: GFp5Target(x),
        z: GFp5Target(z),
        u: GFp5Target(u),
        t: GFp5Target(t),
    }
}

fn b() -> Monomial {
    Monomial::int_z(CURVE_B_Z as i64)
}

/// EcGFp5 operations on a plonky2 circuit builder.
pub trait CircuitBuilderEcGFp5 {
    /// Decodes `w` into an affine point, refusing (no witness) invalid encodings and `w = 0`.
    fn decode_nonneutral(&mut self, w: GFp5Target, strategy: GateStrategy) -> AffinePointTarget;
    /// A constant affine point.
    fn constant_affine(&mut self, p: AffinePoint) -> AffinePointTarget;
    /// Fractional coordinates of an affine point (`Z = T = 1`).
    fn affine_to_point(&mut self, p: AffinePointTarget) -> PointTarget;
    /// `-P` (`u` negated).
    fn neg_affine(&mut self, p: AffinePointTarget) -> AffinePointTarget;
    /// `2 P`.
    fn double_point(&mut self, p: PointTarget, strategy: GateStrategy) -> PointTarget;
    /// `P + Q` for an affine `Q`.
    fn add_affine_point(
        &mut self,
        p: PointTarget,
        q: AffinePointTarget,
        strategy: GateStrategy,
    ) -> PointTarget;
    /// `P + sign Q` for an affine `Q` and `sign = +-1` (checked by the addition gate; the
    /// caller checks it without custom gates).
    fn add_affine_signed(
        &mut self,
        p: PointTarget,
        q: AffinePointTarget,
        sign: Target,
        strategy: GateStrategy,
    ) -> PointTarget;
    /// A new signed scalar of `digits` digits (`|k| < 16^digits`); its `even` flag is a
    /// checked boolean.
    fn add_virtual_signed_scalar(&mut self, digits: usize) -> SignedScalarTarget;
    /// The scalar's 16-bit limbs (signed, each in `(-2^16, 2^16)`), four digits each.
    fn signed_scalar_limbs(&mut self, k: &SignedScalarTarget) -> Vec<Target>;
    /// Affine coordinates (two hinted divisions).
    fn point_to_affine(&mut self, p: PointTarget, strategy: GateStrategy) -> AffinePointTarget;
    /// The table `(2j + 1) P`, `j = 0..8`, of a variable point.
    fn window_table(&mut self, p: AffinePointTarget, strategy: GateStrategy) -> WindowTable;
    /// The table of a constant point: constants, no rows beyond their wires.
    fn constant_window_table(&mut self, p: &Point) -> WindowTable;
    /// `table[index]`; checks `index < 8`. A constant table is read with its
    /// [`FixedTableGate`] under [`GateStrategy::CustomGates`], any other with
    /// `RandomAccessGate`.
    fn lookup(
        &mut self,
        table: &WindowTable,
        index: Target,
        strategy: GateStrategy,
    ) -> AffinePointTarget;
    /// `sum_i k_i P_i` (Straus: shared doublings), each `k_i` a signed scalar (all with one
    /// number of digits) with `P_i`'s table.
    fn multi_scalar_mul(
        &mut self,
        terms: &[(&WindowTable, &SignedScalarTarget)],
        strategy: GateStrategy,
    ) -> PointTarget;
    /// `P + sum_i sign_i Q_i`: two additions per row with custom gates.
    fn add_affine_signed_many(
        &mut self,
        p: PointTarget,
        additions: &[(AffinePointTarget, Target)],
        strategy: GateStrategy,
    ) -> PointTarget;
    /// Constrains `P` to be the neutral.
    fn assert_neutral(&mut self, p: PointTarget);
    /// Constrains `P` to encode as `w` (for `w != 0`): `U w = T`.
    fn assert_encodes_as(&mut self, p: PointTarget, w: GFp5Target, strategy: GateStrategy);
}

impl CircuitBuilderEcGFp5 for Builder {
    fn decode_nonneutral(&mut self, w: GFp5Target, strategy: GateStrategy) -> AffinePointTarget {
        let x = self.add_virtual_gfp5();
        let u = self.add_virtual_gfp5();
        let y = self.add_virtual_gfp5();
        self.add_simple_generator(DecodeHint { w, x, u, y });

        // x (x - (w^2 - a)) + b = 0.
        let a = self.constant_gfp5(CURVE_A);
        let w2 = self.square_gfp5(w, strategy);
        let e = self.sub_gfp5(w2, a);
        let x_minus_e = self.sub_gfp5(x, e);
        let b = self.constant_gfp5(CURVE_B);
        let on_curve = self.mul_add_gfp5(x, x_minus_e, b, strategy);
        let zero = self.constant_gfp5(GFp5::ZERO);
        self.connect_gfp5(on_curve, zero);
        // y^2 = 7 x: x is not a square.
        let y2 = self.square_gfp5(y, strategy);
        let x7 = self.scale_gfp5(Monomial::int(NON_SQUARE as i64), x);
        self.connect_gfp5(y2, x7);
        // u w = 1.
        let uw = self.mul_gfp5(u, w, strategy);
        let one = self.constant_gfp5(GFp5::ONE);
        self.connect_gfp5(uw, one);
        AffinePointTarget { x, u }
    }

    fn constant_affine(&mut self, p: AffinePoint) -> AffinePointTarget {
        AffinePointTarget {
            x: self.constant_gfp5(p.x),
            u: self.constant_gfp5(p.u),
        }
    }

    fn affine_to_point(&mut self, p: AffinePointTarget) -> PointTarget {
        let one = self.constant_gfp5(GFp5::ONE);
        PointTarget {
            x: p.x,
            z: one,
            u: p.u,
            t: one,
        }
    }

    fn neg_affine(&mut self, p: AffinePointTarget) -> AffinePointTarget {
        AffinePointTarget {
            x: p.x,
            u: self.neg_gfp5(p.u),
        }
    }

    fn double_point(&mut self, p: PointTarget, strategy: GateStrategy) -> PointTarget {
        if strategy == GateStrategy::CustomGates {
            let (row, op) = self.find_slot(DoubleGate::new(), &[], &[]);
            let inputs = [p.x.0, p.z.0, p.u.0, p.t.0];
            return gate_point(DoubleGate::connect_op(self, row, op, &inputs));
        }
        let PointTarget { x, z, u, t } = p;
        let t1 = self.mul_gfp5(z, t, strategy);
        let t2 = self.mul_gfp5(t1, t, strategy);
        let z1 = self.mul_gfp5(t1, u, strategy);
        let t3 = self.square_gfp5(u, strategy);
        // w1 = t2 - 2 (X + Z) t3.
        let s = self.lin_gfp5(Monomial::int(-2), x, Monomial::int(-2), z);
        let w1 = self.mul_add_gfp5(s, t3, t2, strategy);
        let t4 = self.square_gfp5(z1, strategy);
        let z_out = self.square_gfp5(w1, strategy);
        let x_out = self.scale_gfp5(Monomial::int_z(4 * CURVE_B_Z as i64), t4);
        // U' = (w1 + z1)^2 - t4 - Z' = 2 w1 z1.
        let z1_2 = self.scale_gfp5(Monomial::int(2), z1);
        let u_out = self.mul_gfp5(w1, z1_2, strategy);
        // T' = 2 t2^2 - 4 t4 - Z'.
        let rest = self.lin_gfp5(Monomial::int(-4), t4, Monomial::int(-1), z_out);
        let t2_2 = self.scale_gfp5(Monomial::int(2), t2);
        let t_out = self.mul_add_gfp5(t2, t2_2, rest, strategy);
        PointTarget {
            x: x_out,
            z: z_out,
            u: u_out,
            t: t_out,
        }
    }

    fn add_affine_point(
        &mut self,
        p: PointTarget,
        q: AffinePointTarget,
        strategy: GateStrategy,
    ) -> PointTarget {
        let one = self.one();
        self.add_affine_signed(p, q, one, strategy)
    }

    fn add_affine_signed(
        &mut self,
        p: PointTarget,
        q: AffinePointTarget,
        sign: Target,
        strategy: GateStrategy,
    ) -> PointTarget {
        if strategy == GateStrategy::CustomGates {
            let (row, op) = self.find_slot(AddAffineGate::new(), &[], &[]);
            let zero = self.zero();
            let inputs = [
                p.x.0,
                p.z.0,
                p.u.0,
                p.t.0,
                q.x.0,
                q.u.0,
                [sign, zero, zero, zero, zero],
            ];
            return gate_point(AddAffineGate::connect_op(self, row, op, &inputs));
        }
        let q = AffinePointTarget {
            x: q.x,
            u: GFp5Target(core::array::from_fn(|k| self.mul(sign, q.u.0[k]))),
        };
        let PointTarget {
            x: x1,
            z: z1,
            u: u1,
            t: t1c,
        } = p;
        let AffinePointTarget { x: x2, u: u2 } = q;
        let one = Monomial::int(1);
        let t1 = self.mul_gfp5(x1, x2, strategy);
        let t3 = self.mul_gfp5(u1, u2, strategy);
        let t5 = self.mul_add_gfp5(x2, z1, x1, strategy);
        let t6 = self.mul_add_gfp5(u2, t1c, u1, strategy);
        // t7 = t1 + b Z1; t8 = T1 t7; t9 = t3 (2b t5 + 2 t7); t10 = (T1 + 2 t3)(t5 + t7).
        let t7 = self.lin_gfp5(one, t1, b(), z1);
        let t8 = self.mul_gfp5(t1c, t7, strategy);
        let m = self.lin_gfp5(
            Monomial::int_z(2 * CURVE_B_Z as i64),
            t5,
            Monomial::int(2),
            t7,
        );
        let t9 = self.mul_gfp5(t3, m, strategy);
        let a10 = self.lin_gfp5(one, t1c, Monomial::int(2), t3);
        let b10 = self.add_gfp5(t5, t7);
        let t10 = self.mul_gfp5(a10, b10, strategy);
        let x_out = self.lin_gfp5(b(), t10, Monomial::int_z(-(CURVE_B_Z as i64)), t8);
        let z_out = self.sub_gfp5(t8, t9);
        let t_out = self.add_gfp5(t8, t9);
        let v = self.lin_gfp5(b(), z1, Monomial::int(-1), t1);
        let u_out = self.mul_gfp5(t6, v, strategy);
        PointTarget {
            x: x_out,
            z: z_out,
            u: u_out,
            t: t_out,
        }
    }

    fn point_to_affine(&mut self, p: PointTarget, strategy: GateStrategy) -> AffinePointTarget {
        AffinePointTarget {
            x: self.div_gfp5(p.x, p.z, strategy),
            u: self.div_gfp5(p.u, p.t, strategy),
        }
    }

    fn add_virtual_signed_scalar(&mut self, digits: usize) -> SignedScalarTarget {
        SignedScalarTarget {
            indices: self.add_virtual_targets(digits),
            signs: self.add_virtual_targets(digits),
            even: self.add_virtual_bool_target_safe(),
        }
    }

    fn signed_scalar_limbs(&mut self, k: &SignedScalarTarget) -> Vec<Target> {
        let two = GFp::TWO;
        // d = sign (2 index + 1) = 2 sign index + sign.
        let digits: Vec<Target> = k
            .indices
            .iter()
            .zip(&k.signs)
            .map(|(&index, &sign)| self.arithmetic(two, GFp::ONE, sign, index, sign))
            .collect();
        let mut limbs = crate::bigint::limbs_from_digits(self, &digits);
        if let Some(first) = limbs.first_mut() {
            *first = self.sub(*first, k.even.target);
        }
        limbs
    }

    fn window_table(&mut self, p: AffinePointTarget, strategy: GateStrategy) -> WindowTable {
        let start = self.affine_to_point(p);
        let two_p = self.double_point(start, strategy);
        let two_p = self.point_to_affine(two_p, strategy);
        let mut entries = vec![p];
        let mut acc = start;
        for _ in 1..TABLE_SIZE {
            acc = self.add_affine_point(acc, two_p, strategy);
            entries.push(self.point_to_affine(acc, strategy));
        }
        WindowTable {
            entries,
            fixed: None,
        }
    }

    fn constant_window_table(&mut self, p: &Point) -> WindowTable {
        let multiples: Vec<Point> = (0..TABLE_SIZE as u64)
            .map(|j| p.mul(&Scalar::from_u64(2 * j + 1)))
            .collect();
        let affine = Point::batch_to_affine(&multiples);
        let fixed = affine
            .iter()
            .map(|a| {
                let (x, u) = (
                    field::to_canonical_limbs(&a.x),
                    field::to_canonical_limbs(&a.u),
                );
                core::array::from_fn(|c| if c < 5 { x[c] } else { u[c - 5] })
            })
            .collect();
        let entries = affine
            .into_iter()
            .map(|a| self.constant_affine(a))
            .collect();
        WindowTable {
            entries,
            fixed: Some(fixed),
        }
    }

    fn lookup(
        &mut self,
        table: &WindowTable,
        index: Target,
        strategy: GateStrategy,
    ) -> AffinePointTarget {
        if let (Some(fixed), GateStrategy::CustomGates) = (&table.fixed, strategy) {
            let gate = FixedTableGate::new_from_config(&self.config, fixed.clone());
            let (row, op) = self.find_slot(gate, &[], &[]);
            self.connect(index, Target::wire(row, FixedTableGate::wire_index(op)));
            let one = self.one();
            self.connect(one, Target::wire(row, FixedTableGate::wire_active(op)));
            let wire = |c: usize| Target::wire(row, FixedTableGate::wire_output(op, c));
            return AffinePointTarget {
                x: GFp5Target(core::array::from_fn(wire)),
                u: GFp5Target(core::array::from_fn(|c| wire(c + 5))),
            };
        }
        let mut coordinate = |get: &dyn Fn(&AffinePointTarget) -> Target| {
            let column = table.entries.iter().map(get).collect();
            self.random_access(index, column)
        };
        let x = GFp5Target(core::array::from_fn(|k| coordinate(&|p| p.x.0[k])));
        let u = GFp5Target(core::array::from_fn(|k| coordinate(&|p| p.u.0[k])));
        AffinePointTarget { x, u }
    }

    fn multi_scalar_mul(
        &mut self,
        terms: &[(&WindowTable, &SignedScalarTarget)],
        strategy: GateStrategy,
    ) -> PointTarget {
        let windows = terms.first().map_or(0, |(_, k)| k.indices.len());
        assert!(
            terms
                .iter()
                .all(|(_, k)| k.indices.len() == windows && k.signs.len() == windows),
            "every scalar has the same number of digits"
        );
        if strategy != GateStrategy::CustomGates {
            // The addition gate checks signs; here they are checked explicitly.
            for (_, k) in terms {
                for &sign in &k.signs {
                    let one = self.one();
                    let square_minus_one = self.mul_sub(sign, sign, one);
                    self.assert_zero(square_minus_one);
                }
            }
        }
        let mut acc: Option<PointTarget> = None;
        for i in (0..windows).rev() {
            if let Some(mut p) = acc {
                for _ in 0..WINDOW_BITS {
                    p = self.double_point(p, strategy);
                }
                acc = Some(p);
            }
            let mut additions: Vec<(AffinePointTarget, Target)> = terms
                .iter()
                .map(|(table, k)| (self.lookup(table, k.indices[i], strategy), k.signs[i]))
                .collect();
            let p = match acc {
                Some(p) => p,
                None => {
                    let (entry, sign) = additions.remove(0);
                    if strategy == GateStrategy::CustomGates {
                        // No addition gate sees this sign: check it here.
                        let one = self.one();
                        let square_minus_one = self.mul_sub(sign, sign, one);
                        self.assert_zero(square_minus_one);
                    }
                    let u = GFp5Target(core::array::from_fn(|c| self.mul(sign, entry.u.0[c])));
                    self.affine_to_point(AffinePointTarget { x: entry.x, u })
                }
            };
            acc = Some(self.add_affine_signed_many(p, &additions, strategy));
        }
        let acc = match acc {
            Some(p) => p,
            None => {
                let neutral = self.constant_affine(AffinePoint::NEUTRAL);
                self.affine_to_point(neutral)
            }
        };
        // Even scalars: subtract P_i once (even P_i, with the neutral (0, 0) otherwise).
        let minus_one = self.neg_one();
        let corrections: Vec<(AffinePointTarget, Target)> = terms
            .iter()
            .map(|(table, k)| {
                let p = table.entries[0];
                let even = k.even.target;
                let correction = AffinePointTarget {
                    x: GFp5Target(core::array::from_fn(|c| self.mul(even, p.x.0[c]))),
                    u: GFp5Target(core::array::from_fn(|c| self.mul(even, p.u.0[c]))),
                };
                (correction, minus_one)
            })
            .collect();
        self.add_affine_signed_many(acc, &corrections, strategy)
    }

    fn add_affine_signed_many(
        &mut self,
        p: PointTarget,
        additions: &[(AffinePointTarget, Target)],
        strategy: GateStrategy,
    ) -> PointTarget {
        let mut acc = p;
        let mut rest = additions;
        if strategy == GateStrategy::CustomGates {
            while let [(q1, s1), (q2, s2), tail @ ..] = rest {
                let (row, op) = self.find_slot(AddAffine2Gate::new(), &[], &[]);
                let zero = self.zero();
                let sign = |s: Target| [s, zero, zero, zero, zero];
                let inputs = [
                    acc.x.0,
                    acc.z.0,
                    acc.u.0,
                    acc.t.0,
                    q1.x.0,
                    q1.u.0,
                    sign(*s1),
                    q2.x.0,
                    q2.u.0,
                    sign(*s2),
                ];
                acc = gate_point(AddAffine2Gate::connect_op(self, row, op, &inputs));
                rest = tail;
            }
        }
        for (q, sign) in rest {
            acc = self.add_affine_signed(acc, *q, *sign, strategy);
        }
        acc
    }

    fn assert_neutral(&mut self, p: PointTarget) {
        for k in 0..5 {
            self.assert_zero(p.u.0[k]);
        }
    }

    fn assert_encodes_as(&mut self, p: PointTarget, w: GFp5Target, strategy: GateStrategy) {
        let uw = self.mul_gfp5(p.u, w, strategy);
        self.connect_gfp5(uw, p.t);
    }
}

/// Decoding hint: the affine `x`, `u` of `w` and `y = sqrt(7 x)`; zeros when `w` encodes
/// no point or the neutral (the constraints then fail).
#[derive(Debug, Default)]
pub(crate) struct DecodeHint {
    w: GFp5Target,
    x: GFp5Target,
    u: GFp5Target,
    y: GFp5Target,
}

fn decode_witness(w: &GFp5) -> Option<(GFp5, GFp5, GFp5)> {
    let point = Point::decode(w).ok()?;
    if point.is_neutral() {
        return None;
    }
    let affine = point.to_affine();
    let seven_x = field::mul_base(&affine.x, GFp::from_canonical_u64(NON_SQUARE));
    let y = field::sqrt(&seven_x)?;
    Some((affine.x, affine.u, y))
}

impl SimpleGenerator<GFp, D> for DecodeHint {
    fn id(&self) -> String {
        "hyperforge::DecodeHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        self.w.0.to_vec()
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> Result<()> {
        let w = get_gfp5(witness, self.w);
        let (x, u, y) = decode_witness(&w).unwrap_or((GFp5::ZERO, GFp5::ZERO, GFp5::ZERO));
        set_gfp5(out_buffer, self.x, x)?;
        set_gfp5(out_buffer, self.u, u)?;
        set_gfp5(out_buffer, self.y, y)
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        for t in [self.w, self.x, self.u, self.y] {
            write_gfp5(dst, t)?;
        }
        Ok(())
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            w: read_gfp5(src)?,
            x: read_gfp5(src)?,
            u: read_gfp5(src)?,
            y: read_gfp5(src)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(indices: &[u64], signs: &[i64], even: bool) -> BigInt {
        let v = indices
            .iter()
            .zip(signs)
            .rev()
            .fold(BigInt::default(), |acc, (&j, &s)| {
                acc * 16 + BigInt::from(s * (2 * j as i64 + 1))
            });
        if even { v - 1 } else { v }
    }

    #[test]
    fn signed_odd_digits_round_trip() {
        let max: BigInt = (BigInt::from(1u8) << 160u32) - 1;
        for k in [
            BigInt::from(0u8),
            BigInt::from(1u8),
            BigInt::from(2u8),
            BigInt::from(-7),
            BigInt::from(-8),
            BigInt::from(12345678901234567890u64) * 987654321u64,
            max.clone(),
            -max.clone(),
            &max - 1,
        ] {
            let (indices, signs, even) = signed_odd_digits(&k, 40).unwrap();
            assert!(indices.iter().all(|&j| j < TABLE_SIZE as u64));
            assert!(signs.iter().all(|s| s.abs() == 1));
            assert_eq!(value(&indices, &signs, even), k);
        }
        // Too large for 40 digits.
        assert!(signed_odd_digits(&(max + 2), 40).is_none());
    }
}
