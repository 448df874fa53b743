//! Integration tests of `hyperforge-circuits`: the known answers of the shared vectors, and
//! in-circuit Schnorr verification against the native verifier, soundness cases included.
//! Circuits are built once per binary (building costs about as much as proving).

#![allow(clippy::unwrap_used)]

mod common;
mod schnorr;
mod vectors;
