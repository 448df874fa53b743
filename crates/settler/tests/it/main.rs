//! Integration tests of the settler on a real anvil with real proofs: two chains settled in
//! one `settle`; each bad input refused before aggregation with its check named while the
//! other chain settles; a final proof that does not verify never sent; a restarted settler
//! going on from the bridge, skipping what someone else settled; an L1 that is down.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod fixtures;
mod harness;
mod l1_down;
mod refusals;
mod restart;
mod settle;
