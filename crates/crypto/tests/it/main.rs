//! Integration tests of hyperforge-crypto: the EcGFp5 known answers.

mod vectors;
