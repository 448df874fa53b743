//! The generator's and the encoder's errors.

/// Why a verifier cannot be generated, or a proof cannot be encoded for it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The circuit uses a gate the generator has no Solidity constraint code for.
    #[error("unsupported gate {0}: the Solidity verifier has no constraint code for it")]
    UnsupportedGate(String),
    /// The circuit's shape is outside what the verifier handles.
    #[error("unsupported circuit: {0}")]
    UnsupportedCircuit(String),
    /// The proof does not have the shape the circuit data describes.
    #[error("proof does not match the circuit: {0}")]
    ProofShape(String),
    /// Building or proving the stand-in circuits failed.
    #[error("plonky2: {0}")]
    Plonky2(#[from] anyhow::Error),
}
