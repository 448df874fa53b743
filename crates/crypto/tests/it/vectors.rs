//! The known answers of `testdata/ecgfp5.json` (a copy of `../shared/vectors/ecgfp5.json`,
//! computed with the curve author's reference implementation), every one reproduced.

use hyperforge_crypto::curve::{GENERATOR_ENCODING, Point};
use hyperforge_crypto::error::DecodeError;
use hyperforge_crypto::field;
use hyperforge_crypto::scalar::Scalar;
use serde_json::Value;

#[path = "../../testdata/ecgfp5.rs"]
mod ecgfp5;

use ecgfp5::vectors;

fn limbs(v: &Value) -> [u64; 5] {
    let arr = v.as_array().expect("array of 5");
    assert_eq!(arr.len(), 5);
    let mut out = [0u64; 5];
    for (o, x) in out.iter_mut().zip(arr) {
        *o = int_u64(x);
    }
    out
}

/// A `u64` from a JSON number or a quoted integer.
fn int_u64(v: &Value) -> u64 {
    match v.as_str() {
        Some(text) => text.parse().expect("u64"),
        None => v.as_u64().expect("u64"),
    }
}

fn point(v: &Value) -> Point {
    Point::decode_limbs(limbs(v)).expect("vector point decodes")
}

/// A decimal integer below n, from a JSON number or a quoted big integer.
fn scalar(v: &Value) -> Scalar {
    let text = v
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string());
    let mut bytes = Vec::new(); // little-endian base-256 digits
    for ch in text.chars() {
        let digit = ch.to_digit(10).expect("decimal digit");
        let mut carry = digit;
        for b in bytes.iter_mut() {
            let x = (*b as u32) * 10 + carry;
            *b = x as u8;
            carry = x >> 8;
        }
        while carry > 0 {
            bytes.push(carry as u8);
            carry >>= 8;
        }
    }
    bytes.resize(40, 0);
    let mut buf = [0u8; 40];
    buf.copy_from_slice(&bytes[..40]);
    Scalar::from_bytes(&buf).expect("vector scalar below n")
}

#[test]
fn shared_copy_of_the_vectors_is_identical() {
    // The vectors live in the shared folder next to the repository; our copy must not drift.
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/vectors/ecgfp5.json"
    );
    if let Ok(text) = std::fs::read_to_string(shared) {
        assert_eq!(text, include_str!("../../testdata/ecgfp5.json"));
    }
}

#[test]
fn group_order_and_generator_match_the_vectors() {
    let v = vectors();
    assert_eq!(limbs(&v["generator_encoding"]), GENERATOR_ENCODING);
    let g = Point::decode_limbs(GENERATOR_ENCODING).expect("G decodes");
    assert_eq!(g, Point::GENERATOR);
    assert_eq!(g.to_affine(), Point::GENERATOR.to_affine());
    assert_eq!(int_u64(&v["field_modulus"]), field::P);
    // n - 1 decodes, and is the last scalar below n.
    let n_minus_1 = scalar(&v["scalar_mul_generator"][7]["k"]);
    assert_eq!(n_minus_1 + Scalar::ONE, Scalar::ZERO);
}

#[test]
fn paper_known_answers() {
    let v = &vectors()["known_answers_from_paper"];
    let p1 = point(&v["P1"]);
    let p2 = point(&v["P2_eq_e_times_P1"]);
    let e = scalar(&v["e"]);
    let expect = |name: &str, got: Point| {
        assert_eq!(got.encode_limbs(), limbs(&v[name]), "{name}");
    };
    expect("P1", p1);
    expect("P2_eq_e_times_P1", p1.mul(&e));
    expect("P2_eq_e_times_P1", &p1 * &e);
    expect("P1_plus_P2", p1 + p2);
    expect("two_P1", p1.double());
    expect("two_P1", p1 + p1);
    expect("two_P2", p2.double());
    expect("two_P1_plus_P2", p1.double() + p2);
    expect("P1_plus_two_P2", p1 + p2.double());
    expect(
        "P1_plus_two_P2",
        p1.mul_add_vartime(&Scalar::ONE, &p2, &Scalar::from_u64(2)),
    );
    // The neutral encodes as 0 and decodes from it.
    let neutral = Point::decode(&field::gfp5([0; 5])).expect("0 decodes");
    assert!(neutral.is_neutral());
    assert_eq!(neutral.encode_limbs(), [0; 5]);
    assert_eq!(p1 - p1, Point::NEUTRAL);
    assert_eq!((p1 - p1).encode_limbs(), [0; 5]);
}

#[test]
fn paper_invalid_encodings_are_refused() {
    let v = &vectors()["known_answers_from_paper"]["invalid_encodings"];
    let invalid = v.as_array().expect("list");
    assert_eq!(invalid.len(), 6);
    for w in invalid {
        assert_eq!(
            Point::decode_limbs(limbs(w)),
            Err(DecodeError::NotOnCurve),
            "{w}"
        );
    }
}

#[test]
fn multiples_of_the_generator() {
    let v = vectors();
    let cases = v["scalar_mul_generator"].as_array().expect("list");
    assert_eq!(cases.len(), 14);
    for case in cases {
        let k = scalar(&case["k"]);
        let expected = limbs(&case["k_times_G"]);
        assert_eq!(
            Point::mul_generator(&k).encode_limbs(),
            expected,
            "k = {}",
            case["k"]
        );
        assert_eq!(
            Point::GENERATOR.mul(&k).encode_limbs(),
            expected,
            "k = {}",
            case["k"]
        );
        let sum = Point::mul_generator_add_vartime(&k, &Point::GENERATOR, &Scalar::ZERO);
        assert_eq!(sum.encode_limbs(), expected, "k = {}", case["k"]);
    }
}

#[test]
fn double_scalar_multiplications() {
    let v = vectors();
    let cases = v["muladd"].as_array().expect("list");
    assert_eq!(cases.len(), 6);
    for case in cases {
        let (p, q) = (point(&case["P"]), point(&case["Q"]));
        let (e1, e2) = (scalar(&case["e1"]), scalar(&case["e2"]));
        let expected = limbs(&case["e1_P_plus_e2_Q"]);
        assert_eq!(p.mul_add_vartime(&e1, &q, &e2).encode_limbs(), expected);
        assert_eq!((p.mul(&e1) + q.mul(&e2)).encode_limbs(), expected);
    }
}
