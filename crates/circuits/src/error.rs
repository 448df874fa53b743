//! Errors of the witness helpers and of proving.

/// What can go wrong setting a witness or proving.
#[derive(Debug, thiserror::Error)]
pub enum CircuitError {
    /// A limb of an encoding is not below `p`: no field element holds it.
    #[error("limb {index} of {what} is {value}, not below p")]
    NonCanonicalLimb {
        /// Which encoding.
        what: &'static str,
        /// Which limb.
        index: usize,
        /// Its value.
        value: u64,
    },
    /// The message does not have the length the circuit was built for.
    #[error("the message has {got} elements, the circuit expects {expected}")]
    MessageLength {
        /// Elements the circuit expects.
        expected: usize,
        /// Elements given.
        got: usize,
    },
    /// More signatures given than the circuit holds, or fewer.
    #[error("{got} signatures given, the circuit checks {expected}")]
    SignatureCount {
        /// Signatures the circuit checks.
        expected: usize,
        /// Signatures given.
        got: usize,
    },
    /// plonky2 refused a witness value (a target set twice with different values).
    #[error("witness: {0}")]
    Witness(String),
    /// Proving failed: no witness satisfies the circuit for these inputs.
    #[error("proving failed: {0}")]
    Prove(String),
    /// The proof did not verify.
    #[error("verification failed: {0}")]
    Verify(String),
}
