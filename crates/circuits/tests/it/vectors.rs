//! The known answers of `../shared/vectors/ecgfp5.json` (read from the crypto crate's copy,
//! `crates/crypto/testdata/ecgfp5.json`, which its tests keep identical), in circuit:
//! valid encodings decode, invalid ones are refused, multiples of the generator and
//! double-scalar products come out as the reference implementation says.

use std::sync::OnceLock;

use hyperforge_circuits::curve::{SignedScalarTarget, WindowTable, set_signed_scalar};
use hyperforge_circuits::gfp5::set_gfp5;
use hyperforge_circuits::{
    Builder, CircuitBuilderEcGFp5, CircuitBuilderGFp5, Config, GFp5Target, GateStrategy,
};
use hyperforge_crypto::curve::Point;
use hyperforge_crypto::field::{self, GFp};
use num_bigint::{BigInt, BigUint};
use plonky2::iop::generator::generate_partial_witness;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};
use serde_json::Value;

#[path = "../../../crypto/testdata/ecgfp5.rs"]
mod ecgfp5;

use ecgfp5::vectors;

const STRATEGY: GateStrategy = GateStrategy::CustomGates;
/// 4-bit digits of a scalar below 2^320, and of each half of one.
const DIGITS: usize = 80;
const HALF: usize = 40;

fn int(v: &Value) -> BigUint {
    let text = v
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string());
    BigUint::parse_bytes(text.as_bytes(), 10).unwrap()
}

fn limbs(v: &Value) -> [u64; 5] {
    let arr = v.as_array().unwrap();
    core::array::from_fn(|i| u64::try_from(int(&arr[i])).unwrap())
}

/// One circuit with three independent slots: a decoding, a fixed-base product `k G` and a
/// double-scalar product `e1 P + e2 Q`, each compared with an expected encoding.
struct VectorCircuit {
    data: CircuitData<GFp, Config, 2>,
    decode_w: GFp5Target,
    k_lo: SignedScalarTarget,
    k_hi: SignedScalarTarget,
    k_g: GFp5Target,
    p: GFp5Target,
    q: GFp5Target,
    e1: SignedScalarTarget,
    e2: SignedScalarTarget,
    e1_p_e2_q: GFp5Target,
}

/// Inputs of the three slots.
struct Inputs {
    decode_w: [u64; 5],
    k: BigUint,
    k_g: [u64; 5],
    p: [u64; 5],
    q: [u64; 5],
    e1: BigUint,
    e2: BigUint,
    e1_p_e2_q: [u64; 5],
}

impl Default for Inputs {
    /// Trivially valid: decode G; 1 G = G; 1 G + 0 G = G.
    fn default() -> Self {
        let g = [4, 0, 0, 0, 0];
        Self {
            decode_w: g,
            k: BigUint::from(1u8),
            k_g: g,
            p: g,
            q: g,
            e1: BigUint::from(1u8),
            e2: BigUint::from(0u8),
            e1_p_e2_q: g,
        }
    }
}

fn vector_circuit() -> &'static VectorCircuit {
    static CIRCUIT: OnceLock<VectorCircuit> = OnceLock::new();
    CIRCUIT.get_or_init(|| {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let b = &mut builder;
        let decode_w = b.add_virtual_gfp5();
        b.decode_nonneutral(decode_w, STRATEGY);

        // k G with the tables of G and 2^160 G (as signature verification does).
        let k_lo = b.add_virtual_signed_scalar(HALF);
        let k_hi = b.add_virtual_signed_scalar(HALF);
        let k_g = b.add_virtual_gfp5();
        let table_g = b.constant_window_table(&Point::GENERATOR);
        let table_g160 = b.constant_window_table(&Point::GENERATOR.mdouble(160));
        let sum = b.multi_scalar_mul(&[(&table_g, &k_lo), (&table_g160, &k_hi)], STRATEGY);
        b.assert_encodes_as(sum, k_g, STRATEGY);

        // e1 P + e2 Q with variable tables and 80 windows.
        let p = b.add_virtual_gfp5();
        let q = b.add_virtual_gfp5();
        let (pa, qa) = (
            b.decode_nonneutral(p, STRATEGY),
            b.decode_nonneutral(q, STRATEGY),
        );
        let (tp, tq): (WindowTable, WindowTable) =
            (b.window_table(pa, STRATEGY), b.window_table(qa, STRATEGY));
        let e1 = b.add_virtual_signed_scalar(DIGITS);
        let e2 = b.add_virtual_signed_scalar(DIGITS);
        let e1_p_e2_q = b.add_virtual_gfp5();
        let sum = b.multi_scalar_mul(&[(&tp, &e1), (&tq, &e2)], STRATEGY);
        b.assert_encodes_as(sum, e1_p_e2_q, STRATEGY);

        VectorCircuit {
            data: builder.build::<Config>(),
            decode_w,
            k_lo,
            k_hi,
            k_g,
            p,
            q,
            e1,
            e2,
            e1_p_e2_q,
        }
    })
}

impl VectorCircuit {
    fn witness(&self, inputs: &Inputs) -> PartialWitness<GFp> {
        let mut w = PartialWitness::new();
        let gfp5 = |limbs: [u64; 5]| field::gfp5(limbs.map(|l| l % field::P));
        for (t, v) in [
            (self.decode_w, inputs.decode_w),
            (self.k_g, inputs.k_g),
            (self.p, inputs.p),
            (self.q, inputs.q),
            (self.e1_p_e2_q, inputs.e1_p_e2_q),
        ] {
            set_gfp5(&mut w, t, gfp5(v)).unwrap();
        }
        let half = BigUint::from(1u8) << 160;
        for (target, k) in [
            (&self.k_lo, &inputs.k % &half),
            (&self.k_hi, &inputs.k >> 160),
            (&self.e1, inputs.e1.clone()),
            (&self.e2, inputs.e2.clone()),
        ] {
            set_signed_scalar(&mut w, target, &BigInt::from(k)).unwrap();
        }
        w
    }

    fn accepts(&self, inputs: &Inputs) -> bool {
        generate_partial_witness(
            self.witness(inputs),
            &self.data.prover_only,
            &self.data.common,
        )
        .is_ok()
    }
}

#[test]
fn control_inputs_are_accepted_and_prove() {
    let c = vector_circuit();
    assert!(c.accepts(&Inputs::default()));
    let proof = c.data.prove(c.witness(&Inputs::default())).unwrap();
    c.data.verify(proof).unwrap();
    // And a wrong expected value is refused.
    let wrong = Inputs {
        k: BigUint::from(2u8),
        ..Inputs::default()
    };
    assert!(!c.accepts(&wrong));
}

#[test]
fn paper_points_decode_and_combine_as_the_reference_says() {
    let v = &vectors()["known_answers_from_paper"];
    let c = vector_circuit();
    let (p1, p2) = (limbs(&v["P1"]), limbs(&v["P2_eq_e_times_P1"]));
    for w in [p1, p2, limbs(&v["P1_plus_P2"]), limbs(&v["two_P1"])] {
        assert!(c.accepts(&Inputs {
            decode_w: w,
            ..Inputs::default()
        }));
    }
    let one = || BigUint::from(1u8);
    let two = || BigUint::from(2u8);
    let zero = || BigUint::from(0u8);
    let cases = [
        (int(&v["e"]), zero(), "P2_eq_e_times_P1"),
        (one(), one(), "P1_plus_P2"),
        (two(), zero(), "two_P1"),
        (zero(), two(), "two_P2"),
        (two(), one(), "two_P1_plus_P2"),
        (one(), two(), "P1_plus_two_P2"),
    ];
    for (e1, e2, name) in cases {
        let expected = limbs(&v[name]);
        assert!(
            c.accepts(&Inputs {
                p: p1,
                q: p2,
                e1: e1.clone(),
                e2: e2.clone(),
                e1_p_e2_q: expected,
                ..Inputs::default()
            }),
            "{name}"
        );
        // One limb off: refused.
        let mut off = expected;
        off[4] = (off[4] + 1) % field::P;
        assert!(
            !c.accepts(&Inputs {
                p: p1,
                q: p2,
                e1,
                e2,
                e1_p_e2_q: off,
                ..Inputs::default()
            }),
            "{name} off by one"
        );
    }
}

#[test]
fn invalid_encodings_are_refused() {
    let v = &vectors()["known_answers_from_paper"]["invalid_encodings"];
    let c = vector_circuit();
    let invalid = v.as_array().unwrap();
    assert!(!invalid.is_empty());
    for w in invalid {
        let w = limbs(w);
        assert!(Point::decode_limbs(w).is_err(), "native refuses {w:?}");
        assert!(
            !c.accepts(&Inputs {
                decode_w: w,
                ..Inputs::default()
            }),
            "circuit refuses {w:?}"
        );
    }
    // The neutral's encoding is valid but never a key or a nonce point: refused too.
    assert!(!c.accepts(&Inputs {
        decode_w: [0; 5],
        ..Inputs::default()
    }));
}

#[test]
fn multiples_of_the_generator_match() {
    let v = vectors();
    let c = vector_circuit();
    let cases = v["scalar_mul_generator"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let (k, expected) = (int(&case["k"]), limbs(&case["k_times_G"]));
        assert!(
            c.accepts(&Inputs {
                k: k.clone(),
                k_g: expected,
                decode_w: expected,
                ..Inputs::default()
            }),
            "k = {k}"
        );
    }
}

#[test]
fn double_scalar_products_match() {
    let v = vectors();
    let c = vector_circuit();
    for case in v["muladd"].as_array().unwrap() {
        let inputs = Inputs {
            p: limbs(&case["P"]),
            q: limbs(&case["Q"]),
            e1: int(&case["e1"]),
            e2: int(&case["e2"]),
            e1_p_e2_q: limbs(&case["e1_P_plus_e2_Q"]),
            ..Inputs::default()
        };
        assert!(c.accepts(&inputs));
    }
}
