//! Integration tests of hyperforge-crypto: the EcGFp5 known answers, the signature scheme
//! and L2 key derivation, through the public API only.

mod derive;
mod schnorr;
mod vectors;
