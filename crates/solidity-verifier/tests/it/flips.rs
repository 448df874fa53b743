//! Property test: xoring 1 to 3 distinct bytes of a valid proof's `verify` call input with
//! random nonzero masks never makes the contract accept (a revert is a refusal).
//!
//! The bytes are any of the input's but the ABI padding after the proof (which the decoder
//! ignores, so it carries nothing to tamper with); half the positions are drawn from the
//! short head before the proof bytes (selector, offsets, lengths, public inputs), which a
//! uniform draw over the whole input would almost never reach. Each case is one `eth_call`,
//! so the case count is kept small; proptest drives it from inside the async test.

use std::collections::BTreeMap;

use hyperforge_solidity_verifier::calldata::encode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::chain::{chain, verify_input};
use crate::fixture::fixture;

const CASES: u32 = 64;

#[tokio::test(flavor = "multi_thread")]
async fn random_byte_flips_of_a_valid_proof_are_never_accepted() {
    let chain = chain().await;
    let f = fixture();
    let valid = encode(&f.proofs[0], &f.common).expect("encode");
    let input = verify_input(&valid);
    assert!(
        chain.accepts(input.clone()).await,
        "the valid proof is refused"
    );
    let padding = (32 - valid.proof.len() % 32) % 32;
    let meaningful = input.len() - padding;
    let head = meaningful - valid.proof.len();
    let position = prop_oneof![0..meaningful, 0..head];
    let flips = prop::collection::btree_map(position, 1u8..=255, 1..=3);

    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::block_in_place(|| {
        runner.run(&flips, |flips: BTreeMap<usize, u8>| {
            let mut lie = input.clone();
            for (&at, &mask) in &flips {
                lie[at] ^= mask;
            }
            let accepted = handle.block_on(chain.accepts(lie));
            prop_assert!(
                !accepted,
                "accepted with bytes (position -> xor mask) {flips:?}"
            );
            Ok(())
        })
    });
    if let Err(error) = outcome {
        panic!("{error}");
    }
}
