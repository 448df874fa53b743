//! Schnorr verification in circuit, exactly the scheme of `hyperforge_crypto` (see its
//! crate docs): `e = PoseidonHash::hash_no_pad(w(R) || w(Q) || m)` read as a 256-bit
//! integer, accept iff `s < n`, `R` and `Q` decode to non-neutral points and
//! `s G = R + e Q`.
//!
//! The circuit checks the equivalent `t G - c1 R - c0 Q = 0` with the Antipa et al. split
//! `e = c0 / c1 mod n` (`|c0|, |c1| < 2^160`, `c1 != 0`) and `t = s c1 mod n`, all hinted
//! and checked: `e c1 - c0 = q n` and `s c1 = q' n + t` as integers (see [`crate::bigint`]), so
//! `c1 (s G - R - e Q) = 0`, and `c1` is invertible mod the prime `n` (`c1 != 0` is checked
//! as `c1 mod p != 0`, stronger than needed: an honest `c1` that is a multiple of `p`, with
//! probability about `2^-64`, would be refused). `t < 2^320` is split into halves for the
//! bases `G` and `2^160 G`, so four 160-bit scalars share 160 doublings.

use anyhow::Result;
use hyperforge_crypto::curve::Point;
use hyperforge_crypto::field::{self, GFp, GFp5, P};
use hyperforge_crypto::scalar::{GROUP_ORDER, Scalar};
use hyperforge_crypto::split::split_challenge;
use hyperforge_crypto::{PublicKey, Signature};
use num_bigint::{BigInt, BigUint};
use plonky2::field::types::{Field, PrimeField64};
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use crate::bigint::{
    CarryRange, Columns, LIMB_BITS, digits_of, from_digits, range_check, range_checked_limbs,
};
use crate::curve::{CircuitBuilderEcGFp5, SignedScalarTarget, WINDOW_BITS, signed_odd_digits};
use crate::error::CircuitError;
use crate::gfp5::{CircuitBuilderGFp5, GFp5Target, GateStrategy, set_gfp5};
use crate::{Builder, D};

/// 16-bit limbs of `s` (320 bits; the circuit checks `s < n`).
pub const SCALAR_LIMBS: usize = 20;
/// 16-bit limbs of the challenge `e < 2^256`.
const CHALLENGE_LIMBS: usize = 16;
/// 4-bit digits of `|c0|`, `c1` (below `2^160`) and of each half of `t`.
const HALF_DIGITS: usize = 160 / WINDOW_BITS;
/// 16-bit limbs of `q = (e c1 - c0) / n < 2^99`.
const Q_LIMBS: usize = 7;
/// 16-bit limbs of `q' = (s c1 - t) / n < 2^161`.
const Q2_LIMBS: usize = 11;

/// A signature in circuit: `w(R)` and `s` in 16-bit limbs.
#[derive(Clone, Debug)]
pub struct SignatureTarget {
    /// `w(R)`.
    pub r: GFp5Target,
    /// `s`, [`SCALAR_LIMBS`] little-endian 16-bit limbs (range-checked by `verify_schnorr`).
    pub s: Vec<Target>,
}

/// A public key, a message and a signature, all virtual, with their verification wired in.
#[derive(Clone, Debug)]
pub struct SchnorrTargets {
    /// `w(Q)`.
    pub public_key: GFp5Target,
    /// The message, one target per element.
    pub message: Vec<Target>,
    /// The signature.
    pub signature: SignatureTarget,
}

/// Rows added by each part of one verification (from `num_gates` before and after).
#[derive(Clone, Debug, Default)]
pub struct RowsByPart(pub Vec<(&'static str, usize)>);

/// Schnorr verification on a plonky2 circuit builder.
pub trait CircuitBuilderSchnorr {
    /// A new signature target (not yet constrained).
    fn add_virtual_signature_target(&mut self) -> SignatureTarget;
    /// Constrains `signature` to be a valid signature of `message` under `public_key`.
    fn verify_schnorr(
        &mut self,
        public_key: GFp5Target,
        message: &[Target],
        signature: &SignatureTarget,
        strategy: GateStrategy,
    ) -> RowsByPart;
    /// Virtual targets for a key, a `message_len`-element message and a signature, verified.
    fn add_virtual_schnorr(&mut self, message_len: usize, strategy: GateStrategy)
    -> SchnorrTargets;
}

/// `n` in 16-bit limbs.
fn order_limbs() -> Vec<u64> {
    digits_of(&from_digits(&GROUP_ORDER, 64), LIMB_BITS, SCALAR_LIMBS)
}

impl CircuitBuilderSchnorr for Builder {
    fn add_virtual_signature_target(&mut self) -> SignatureTarget {
        SignatureTarget {
            r: self.add_virtual_gfp5(),
            s: self.add_virtual_targets(SCALAR_LIMBS),
        }
    }

    fn verify_schnorr(
        &mut self,
        public_key: GFp5Target,
        message: &[Target],
        signature: &SignatureTarget,
        strategy: GateStrategy,
    ) -> RowsByPart {
        assert_eq!(
            signature.s.len(),
            SCALAR_LIMBS,
            "s has {SCALAR_LIMBS} limbs"
        );
        let mut rows = RowsByPart::default();
        let mut mark = self.num_gates();
        let mut part = |builder: &mut Builder, name: &'static str| {
            let now = builder.num_gates();
            rows.0.push((name, now - mark));
            mark = now;
        };
        let n = order_limbs();

        // Points: both decode, neither is the neutral.
        let r = self.decode_nonneutral(signature.r, strategy);
        let q = self.decode_nonneutral(public_key, strategy);
        part(self, "decode R and Q");

        // s < n: s + d = n - 1 with d >= 0.
        for &limb in &signature.s {
            range_check(self, limb, LIMB_BITS, strategy);
        }
        let d = range_checked_limbs(self, SCALAR_LIMBS, strategy);
        let mut columns = Columns::new();
        columns.add_limbs(self, &signature.s, 1);
        columns.add_limbs(self, &d, 1);
        let mut n_minus_one = n.clone();
        n_minus_one[0] -= 1; // n is odd
        columns.sub_const(self, &n_minus_one);
        columns.assert_zero(self, CarryRange::Bit, strategy);
        part(self, "s < n");

        // The challenge, as 16 canonical 16-bit limbs.
        let mut inputs = signature.r.0.to_vec();
        inputs.extend_from_slice(&public_key.0);
        inputs.extend_from_slice(message);
        let hash = self.hash_n_to_hash_no_pad::<PoseidonHash>(inputs);
        let e = challenge_limbs(self, hash, strategy);
        part(self, "challenge hash and limbs");

        // The split and the reduced t, as hints.
        let c0 = self.add_virtual_signed_scalar(HALF_DIGITS);
        let c1 = self.add_virtual_signed_scalar(HALF_DIGITS);
        let t_lo = self.add_virtual_signed_scalar(HALF_DIGITS);
        let t_hi = self.add_virtual_signed_scalar(HALF_DIGITS);
        let q1 = range_checked_limbs(self, Q_LIMBS, strategy);
        let q2 = range_checked_limbs(self, Q2_LIMBS, strategy);
        self.add_simple_generator(ScalarHint {
            hash,
            s: signature.s.clone(),
            scalars: [c0.clone(), c1.clone(), t_lo.clone(), t_hi.clone()],
            q1: q1.clone(),
            q2: q2.clone(),
            d: d.clone(),
        });
        let c0_limbs = self.signed_scalar_limbs(&c0);
        let c1_limbs = self.signed_scalar_limbs(&c1);
        let mut t_limbs = self.signed_scalar_limbs(&t_lo);
        t_limbs.extend(self.signed_scalar_limbs(&t_hi));

        // c1 != 0: c1 mod p != 0 (|c1| < 2^161, so c1 is not 0 mod n either). An honest c1
        // that is a multiple of p (probability about 2^-64) would be refused.
        let base = GFp::from_canonical_u64(1 << LIMB_BITS);
        let one = self.one();
        let mut c1_mod_p = c1_limbs[c1_limbs.len() - 1];
        for &limb in c1_limbs.iter().rev().skip(1) {
            c1_mod_p = self.arithmetic(base, GFp::ONE, c1_mod_p, one, limb);
        }
        let zero = self.zero();
        let c1_mod_p5 = GFp5Target([c1_mod_p, zero, zero, zero, zero]);
        self.inverse_gfp5(c1_mod_p5, strategy);

        // e c1 - c0 - q n = 0, i.e. c0 = e c1 mod n.
        let mut columns = Columns::new();
        columns.add_product(self, &e, &c1_limbs);
        columns.add_limbs(self, &c0_limbs, -1);
        columns.sub_product_const(self, &q1, &n);
        columns.assert_zero(self, CarryRange::Wide, strategy);
        part(self, "split check c0 = e c1 mod n");

        // s c1 - q' n - t = 0.
        let mut columns = Columns::new();
        columns.add_product(self, &signature.s, &c1_limbs);
        columns.sub_product_const(self, &q2, &n);
        columns.add_limbs(self, &t_limbs, -1);
        columns.assert_zero(self, CarryRange::Wide, strategy);
        part(self, "t = s c1 mod n");

        // t G - c1 R - c0 Q = t_lo G + t_hi (2^160 G) + c0 (-Q) + c1 (-R).
        let minus_q = self.neg_affine(q);
        let minus_r = self.neg_affine(r);
        let table_q = self.window_table(minus_q, strategy);
        let table_r = self.window_table(minus_r, strategy);
        part(self, "variable-base tables (-Q, -R)");
        let table_g = self.constant_window_table(&Point::GENERATOR);
        let table_g160 = self.constant_window_table(&Point::GENERATOR.mdouble(160));
        part(self, "fixed-base tables (constants)");
        let sum = self.multi_scalar_mul(
            &[
                (&table_g, &t_lo),
                (&table_g160, &t_hi),
                (&table_q, &c0),
                (&table_r, &c1),
            ],
            strategy,
        );
        self.assert_neutral(sum);
        part(
            self,
            "scalar multiplication (160 doublings, 163 additions, 160 lookups)",
        );
        rows
    }

    fn add_virtual_schnorr(
        &mut self,
        message_len: usize,
        strategy: GateStrategy,
    ) -> SchnorrTargets {
        let public_key = self.add_virtual_gfp5();
        let message = self.add_virtual_targets(message_len);
        let signature = self.add_virtual_signature_target();
        self.verify_schnorr(public_key, &message, &signature, strategy);
        SchnorrTargets {
            public_key,
            message,
            signature,
        }
    }
}

/// The four hash elements as 16 little-endian 16-bit limbs of `e`, each element's limbs
/// checked to be its canonical value (below `p`, not merely congruent).
fn challenge_limbs(
    builder: &mut Builder,
    hash: HashOutTarget,
    strategy: GateStrategy,
) -> Vec<Target> {
    let mut limbs = Vec::with_capacity(CHALLENGE_LIMBS);
    let base = GFp::from_canonical_u64(1 << LIMB_BITS);
    let one = builder.one();
    for &element in &hash.elements {
        let l = range_checked_limbs(builder, 4, strategy);
        builder.add_simple_generator(U64LimbsHint {
            x: element,
            limbs: l.clone(),
        });
        let low = builder.arithmetic(base, GFp::ONE, l[1], one, l[0]);
        let high = builder.arithmetic(base, GFp::ONE, l[3], one, l[2]);
        let value = builder.arithmetic(GFp::from_canonical_u64(1 << 32), GFp::ONE, high, one, low);
        builder.connect(value, element);
        // Below p = 2^64 - 2^32 + 1: a high half of 2^32 - 1 needs a zero low half.
        let max_high = builder.constant(GFp::from_canonical_u64(u32::MAX as u64));
        let high_is_max = builder.is_equal(high, max_high);
        let overflow = builder.mul(high_is_max.target, low);
        builder.assert_zero(overflow);
        limbs.extend(l);
    }
    limbs
}

/// The 16-bit limbs of a field element's canonical value.
#[derive(Debug, Default)]
pub(crate) struct U64LimbsHint {
    x: Target,
    limbs: Vec<Target>,
}

impl SimpleGenerator<GFp, D> for U64LimbsHint {
    fn id(&self) -> String {
        "hyperforge::U64LimbsHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        vec![self.x]
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> Result<()> {
        let x = witness.get_target(self.x).to_canonical_u64();
        for (i, &limb) in self.limbs.iter().enumerate() {
            out_buffer.set_target(limb, GFp::from_canonical_u64((x >> (16 * i)) & 0xffff))?;
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        dst.write_target(self.x)?;
        dst.write_target_vec(&self.limbs)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            x: src.read_target()?,
            limbs: src.read_target_vec()?,
        })
    }
}

/// The split of `e`, `t = s c1 mod n` in halves, the quotients and `d = n - 1 - s`.
/// Values that do not fit (a non-reduced `s`) are truncated, and the constraints then fail.
#[derive(Debug)]
pub(crate) struct ScalarHint {
    hash: HashOutTarget,
    s: Vec<Target>,
    /// `c0`, `c1`, `t_lo`, `t_hi`.
    scalars: [SignedScalarTarget; 4],
    q1: Vec<Target>,
    q2: Vec<Target>,
    d: Vec<Target>,
}

impl Default for ScalarHint {
    /// Field-free: the generator serializer compares `id()`s of defaults.
    fn default() -> Self {
        let scalar = || SignedScalarTarget {
            indices: Vec::new(),
            signs: Vec::new(),
            even: BoolTarget::default(),
        };
        Self {
            hash: HashOutTarget {
                elements: [Target::default(); 4],
            },
            s: Vec::new(),
            scalars: [scalar(), scalar(), scalar(), scalar()],
            q1: Vec::new(),
            q2: Vec::new(),
            d: Vec::new(),
        }
    }
}

fn set_digits(
    out: &mut GeneratedValues<GFp>,
    targets: &[Target],
    value: &BigUint,
    bits: usize,
) -> Result<()> {
    for (&t, digit) in targets.iter().zip(digits_of(value, bits, targets.len())) {
        out.set_target(t, GFp::from_canonical_u64(digit))?;
    }
    Ok(())
}

/// `x mod 2^bits` for a possibly negative `x`.
fn wrap(x: &BigInt, bits: usize) -> BigUint {
    let modulus = BigInt::from(1u8) << bits;
    let r = ((x % &modulus) + &modulus) % &modulus;
    r.to_biguint().unwrap_or_default()
}

fn write_signed_scalar(dst: &mut Vec<u8>, k: &SignedScalarTarget) -> IoResult<()> {
    dst.write_target_vec(&k.indices)?;
    dst.write_target_vec(&k.signs)?;
    dst.write_target_bool(k.even)
}

fn read_signed_scalar(src: &mut Buffer<'_>) -> IoResult<SignedScalarTarget> {
    Ok(SignedScalarTarget {
        indices: src.read_target_vec()?,
        signs: src.read_target_vec()?,
        even: src.read_target_bool()?,
    })
}

impl SimpleGenerator<GFp, D> for ScalarHint {
    fn id(&self) -> String {
        "hyperforge::ScalarHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        let mut deps = self.hash.elements.to_vec();
        deps.extend_from_slice(&self.s);
        deps
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> Result<()> {
        let h = self
            .hash
            .elements
            .map(|x| witness.get_target(x).to_canonical_u64());
        let s_limbs: Vec<u64> = self
            .s
            .iter()
            .map(|&x| witness.get_target(x).to_canonical_u64())
            .collect();
        let n = BigInt::from(from_digits(&GROUP_ORDER, 64));
        let e = BigInt::from(from_digits(&h, 64));
        let s = BigInt::from(from_digits(&s_limbs, LIMB_BITS));

        let split = split_challenge(&Scalar::from_u256_limbs(h));
        let c0_abs = BigInt::from(from_digits(&split.c0.magnitude, 64));
        let c1_abs = BigInt::from(from_digits(&split.c1.magnitude, 64));
        let c0 = if split.c0.negative { -c0_abs } else { c0_abs };
        let c1 = if split.c1.negative { -c1_abs } else { c1_abs };
        let q1 = (&e * &c1 - &c0) / &n;
        let t = (((&s * &c1) % &n) + &n) % &n;
        let q2 = (&s * &c1 - &t) / &n;
        let d = &n - 1 - &s;
        let half = BigInt::from(1u8) << 160;
        let (t_lo, t_hi) = (&t % &half, &t / &half);

        for (target, k) in self.scalars.iter().zip([&c0, &c1, &t_lo, &t_hi]) {
            // Scalars that do not fit (never for honest values) are left as zero digits.
            let (indices, signs, even) =
                signed_odd_digits(k, target.indices.len()).unwrap_or_else(|| {
                    (
                        vec![0; target.indices.len()],
                        vec![1; target.indices.len()],
                        false,
                    )
                });
            for ((&ti, &ts), (index, sign)) in target
                .indices
                .iter()
                .zip(&target.signs)
                .zip(indices.into_iter().zip(signs))
            {
                out_buffer.set_target(ti, GFp::from_canonical_u64(index))?;
                out_buffer.set_target(ts, if sign < 0 { GFp::NEG_ONE } else { GFp::ONE })?;
            }
            out_buffer.set_bool_target(target.even, even)?;
        }
        set_digits(out_buffer, &self.q1, &wrap(&q1, 16 * Q_LIMBS), LIMB_BITS)?;
        set_digits(out_buffer, &self.q2, &wrap(&q2, 16 * Q2_LIMBS), LIMB_BITS)?;
        set_digits(out_buffer, &self.d, &wrap(&d, 320), LIMB_BITS)?;
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        dst.write_target_hash(&self.hash)?;
        dst.write_target_vec(&self.s)?;
        for k in &self.scalars {
            write_signed_scalar(dst, k)?;
        }
        for v in [&self.q1, &self.q2, &self.d] {
            dst.write_target_vec(v)?;
        }
        Ok(())
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            hash: src.read_target_hash()?,
            s: src.read_target_vec()?,
            scalars: [
                read_signed_scalar(src)?,
                read_signed_scalar(src)?,
                read_signed_scalar(src)?,
                read_signed_scalar(src)?,
            ],
            q1: src.read_target_vec()?,
            q2: src.read_target_vec()?,
            d: src.read_target_vec()?,
        })
    }
}

fn canonical(what: &'static str, limbs: [u64; 5]) -> Result<GFp5, CircuitError> {
    for (index, &value) in limbs.iter().enumerate() {
        if value >= P {
            return Err(CircuitError::NonCanonicalLimb { what, index, value });
        }
    }
    Ok(field::gfp5(limbs))
}

impl SchnorrTargets {
    /// Sets a key, message and signature (as the native types hold them).
    pub fn set_witness(
        &self,
        witness: &mut PartialWitness<GFp>,
        public_key: &PublicKey,
        message: &[GFp],
        signature: &Signature,
    ) -> Result<(), CircuitError> {
        self.set_witness_limbs(
            witness,
            public_key.to_limbs(),
            message,
            field::to_canonical_limbs(&signature.r()),
            signature.s().to_limbs(),
        )
    }

    /// Sets raw limbs as they arrive from outside: refuses limbs `>= p` of `w(Q)` and
    /// `w(R)` (no field element holds them) and a message of the wrong length; any
    /// 320-bit `s` is set (the circuit itself refuses `s >= n`).
    pub fn set_witness_limbs(
        &self,
        witness: &mut PartialWitness<GFp>,
        public_key: [u64; 5],
        message: &[GFp],
        r: [u64; 5],
        s: [u64; 5],
    ) -> Result<(), CircuitError> {
        if message.len() != self.message.len() {
            return Err(CircuitError::MessageLength {
                expected: self.message.len(),
                got: message.len(),
            });
        }
        let public_key = canonical("the public key", public_key)?;
        let r = canonical("R", r)?;
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        set_gfp5(witness, self.public_key, public_key).map_err(witness_error)?;
        set_gfp5(witness, self.signature.r, r).map_err(witness_error)?;
        for (&t, &m) in self.message.iter().zip(message) {
            witness.set_target(t, m).map_err(witness_error)?;
        }
        let s = from_digits(&s, 64);
        for (&t, limb) in self
            .signature
            .s
            .iter()
            .zip(digits_of(&s, LIMB_BITS, SCALAR_LIMBS))
        {
            witness
                .set_target(t, GFp::from_canonical_u64(limb))
                .map_err(witness_error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_limbs_are_the_group_order() {
        let n = order_limbs();
        assert_eq!(n.len(), SCALAR_LIMBS);
        assert_eq!(from_digits(&n, LIMB_BITS), from_digits(&GROUP_ORDER, 64));
        assert_eq!(n[0] % 2, 1);
    }
}
