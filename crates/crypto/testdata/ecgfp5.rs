//! Loads `ecgfp5.json`, next to this file, as JSON; included with `#[path]` by the vector
//! tests of `hyperforge-crypto` and `hyperforge-circuits`, which need `serde_json`.

use serde_json::Value;

/// The parsed vectors, every integer of 20 digits or more as a string.
pub(crate) fn vectors() -> Value {
    let text = quote_big_integers(include_str!("ecgfp5.json"));
    serde_json::from_str(&text).expect("vectors parse")
}

/// serde_json reads integers beyond `u64` as lossy floats, so every integer of 20 digits or
/// more (scalars up to 320 bits, and the largest limbs) is turned into a string first.
/// No string of this file holds such a digit run, so a plain scan is enough.
fn quote_big_integers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 20 {
            out.push('"');
            out.push_str(digits);
            out.push('"');
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else {
            flush(&mut digits, &mut out);
            out.push(ch);
        }
    }
    flush(&mut digits, &mut out);
    out
}
