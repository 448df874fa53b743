//! A stand-in for hyperforge's final proof: a small inner circuit with a few public inputs,
//! verified recursively and shrunk the way plonky2's `test_size_optimized_recursion` does
//! (standard recursion config -> high rate -> final: 37 routed wires, rate bits 8, cap height
//! 0, 20 proof-of-work bits, 10 queries, `KeccakGoldilocksConfig` outside). Every step
//! re-registers the inner public inputs as its own and pins the inner verifier data as
//! constants, so the final proof carries the inner statement.
//!
//! A recursive verifier of any standard-recursion proof has the same gate set, so this final
//! circuit exercises every gate of the real one: the crate's tests check the generator on it
//! (it builds in about 20 s and proves a statement in 40-70 s on 2 shared cores, most of it
//! the high-rate step, a fraction of the real pipeline's time) and check its shape. It is
//! never the bridge's verifier: `contracts/src/PlonkyVerifier.sol` is generated from the real
//! final circuit.
//!
//! The final circuit also takes a private **salt**, squared by one arithmetic operation whose
//! result is no public input. It exists for the differential test's dozen proofs: plonky2's
//! proofs are deterministic (no zero-knowledge blinding), so without it one high-rate proof
//! shrinks to exactly one final proof and every distinct final proof would cost a whole chain;
//! with it, another salt over the same high-rate proof is another valid final proof (other
//! wire values, so other commitments, other challenges, other FRI query positions) for the
//! final step's cost only. The operation is an `ArithmeticGate`'s, a gate the recursive
//! verifier already has: the final circuit's `CommonCircuitData` (gates, selectors,
//! constants, 2^12 rows) equals the unsalted one's (compared when the salt came in), only its
//! verifier-only data (constants-sigmas cap, digest) differ. The statement is
//! unchanged (the salt is bound to nothing public) and each salted proof is a whole proof,
//! judged in full by both verifiers, so the salt weakens no test.

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::Field;
use plonky2::fri::FriConfig;
use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};
use plonky2::plonk::config::{KeccakGoldilocksConfig, PoseidonGoldilocksConfig};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use crate::Error;

/// The field.
pub type F = GoldilocksField;
/// The inner steps' config.
pub type InnerConfig = PoseidonGoldilocksConfig;
/// The final step's config.
pub type FinalConfig = KeccakGoldilocksConfig;
/// The extension degree.
pub const D: usize = 2;

/// The inner statement: public inputs `x, y, x*y + 3, x^3 + y`.
pub const NUM_PUBLIC_INPUTS: usize = 4;

/// The final circuit's config: `test_size_optimized_recursion`'s last step.
pub fn final_config() -> CircuitConfig {
    let standard = CircuitConfig::standard_recursion_config();
    CircuitConfig {
        num_routed_wires: 37,
        fri_config: FriConfig {
            rate_bits: 8,
            cap_height: 0,
            proof_of_work_bits: 20,
            reduction_strategy: FriReductionStrategy::MinSize(None),
            num_query_rounds: 10,
        },
        ..standard
    }
}

/// The high-rate step's config: `test_size_optimized_recursion`'s middle step.
pub fn high_rate_config() -> CircuitConfig {
    let standard = CircuitConfig::standard_recursion_config();
    CircuitConfig {
        fri_config: FriConfig {
            rate_bits: 7,
            proof_of_work_bits: 16,
            num_query_rounds: 12,
            ..standard.fri_config.clone()
        },
        ..standard
    }
}

/// The four circuits of the chain, built once.
pub struct StandIn {
    /// The inner statement.
    pub inner: CircuitData<F, InnerConfig, D>,
    /// A standard recursive verifier of `inner`.
    pub standard: CircuitData<F, InnerConfig, D>,
    /// A high-rate recursive verifier of `standard`.
    pub high_rate: CircuitData<F, InnerConfig, D>,
    /// The final, size-optimised recursive verifier of `high_rate`, Keccak outside.
    pub last: CircuitData<F, FinalConfig, D>,
    /// The inner circuit's public-input targets.
    inner_targets: [Target; 2],
    standard_proof: ProofWithPublicInputsTarget<D>,
    high_rate_proof: ProofWithPublicInputsTarget<D>,
    last_proof: FinalTargets,
}

/// The final circuit's witness targets: the verified high-rate proof and the salt.
struct FinalTargets {
    proof: ProofWithPublicInputsTarget<D>,
    salt: Target,
}

impl FinalTargets {
    /// The witness proving that `high_rate` verifies, salted with `salt`.
    fn witness(
        &self,
        high_rate: &ProofWithPublicInputs<F, InnerConfig, D>,
        salt: u64,
    ) -> Result<PartialWitness<F>, Error> {
        let mut pw = PartialWitness::new();
        pw.set_proof_with_pis_target(&self.proof, high_rate)?;
        pw.set_target(self.salt, F::from_canonical_u64(salt))?;
        Ok(pw)
    }
}

/// Adds a verifier of a proof of `inner` to `builder`, with `inner`'s verifier data as
/// constants and its public inputs re-registered.
fn verify_inner<C>(
    builder: &mut CircuitBuilder<F, D>,
    inner: &CircuitData<F, C, D>,
) -> ProofWithPublicInputsTarget<D>
where
    C: plonky2::plonk::config::GenericConfig<D, F = F>,
    C::Hasher: plonky2::plonk::config::AlgebraicHasher<F>,
{
    let proof = builder.add_virtual_proof_with_pis(&inner.common);
    let vd = plonky2::plonk::circuit_data::VerifierCircuitTarget {
        constants_sigmas_cap: builder
            .constant_merkle_cap(&inner.verifier_only.constants_sigmas_cap),
        circuit_digest: builder.constant_hash(inner.verifier_only.circuit_digest),
    };
    builder.verify_proof::<C>(&proof, &vd, &inner.common);
    builder.register_public_inputs(&proof.public_inputs);
    proof
}

/// The final step over `high_rate`, salted (see the module docs); `variant` as in
/// [`StandIn::build`].
fn build_final(
    high_rate: &CircuitData<F, InnerConfig, D>,
    variant: u64,
) -> (CircuitData<F, FinalConfig, D>, FinalTargets) {
    let mut builder = CircuitBuilder::<F, D>::new(final_config());
    let proof = verify_inner(&mut builder, high_rate);
    let salt = builder.add_virtual_target();
    let _ = builder.square(salt);
    if variant != 0 {
        let pis = proof.public_inputs.clone();
        let extra = builder.mul_const_add(F::from_canonical_u64(variant), pis[0], pis[1]);
        let _ = builder.mul(extra, pis[2]);
    }
    (builder.build::<FinalConfig>(), FinalTargets { proof, salt })
}

impl StandIn {
    /// Builds the chain. `variant` changes the final circuit (one extra arithmetic operation
    /// with the constant `variant`) without changing its shape: `0` is the circuit the
    /// committed verifier is generated for, any other value a different circuit of the same
    /// shape (a "proof of another circuit").
    pub fn build(variant: u64) -> Self {
        let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
        let x = builder.add_virtual_target();
        let y = builder.add_virtual_target();
        let three = builder.constant(F::from_canonical_u64(3));
        let xy = builder.mul_add(x, y, three);
        let x3 = builder.exp_u64(x, 3);
        let x3y = builder.add(x3, y);
        builder.register_public_inputs(&[x, y, xy, x3y]);
        let inner = builder.build::<InnerConfig>();

        let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
        let standard_proof = verify_inner(&mut builder, &inner);
        let standard = builder.build::<InnerConfig>();

        let mut builder = CircuitBuilder::<F, D>::new(high_rate_config());
        let high_rate_proof = verify_inner(&mut builder, &standard);
        let high_rate = builder.build::<InnerConfig>();

        let (last, last_proof) = build_final(&high_rate, variant);
        Self {
            inner,
            standard,
            high_rate,
            last,
            inner_targets: [x, y],
            standard_proof,
            high_rate_proof,
            last_proof,
        }
    }

    /// A final proof of the `variant` final circuit (another circuit of the same shape) of
    /// the statement `high_rate` proves (from [`StandIn::prove_high_rate`]): that circuit
    /// verifying the chain's high-rate proof.
    pub fn prove_other(
        &self,
        variant: u64,
        high_rate: &ProofWithPublicInputs<F, InnerConfig, D>,
    ) -> Result<ProofWithPublicInputs<F, FinalConfig, D>, Error> {
        let (last, last_proof) = build_final(&self.high_rate, variant);
        let proof = last.prove(last_proof.witness(high_rate, 0)?)?;
        last.verify(proof.clone())?;
        Ok(proof)
    }

    /// Proves the inner statement for `x, y` up to the high-rate step, what the final
    /// circuit verifies. The high-rate step is most of a proof's cost (its LDE is 2^19 rows
    /// of Poseidon-hashed leaves).
    pub fn prove_high_rate(
        &self,
        x: u64,
        y: u64,
    ) -> Result<ProofWithPublicInputs<F, InnerConfig, D>, Error> {
        let mut pw = PartialWitness::new();
        pw.set_target(self.inner_targets[0], F::from_canonical_u64(x))?;
        pw.set_target(self.inner_targets[1], F::from_canonical_u64(y))?;
        let proof = self.inner.prove(pw)?;
        let mut pw = PartialWitness::new();
        pw.set_proof_with_pis_target(&self.standard_proof, &proof)?;
        let proof = self.standard.prove(pw)?;
        let mut pw = PartialWitness::new();
        pw.set_proof_with_pis_target(&self.high_rate_proof, &proof)?;
        Ok(self.high_rate.prove(pw)?)
    }

    /// Shrinks a high-rate proof (from [`StandIn::prove_high_rate`]) to a final proof, the
    /// final circuit's private salt set to `salt`: another salt, another valid final proof
    /// of the same statement, for the final step's cost only.
    pub fn prove_final(
        &self,
        high_rate: &ProofWithPublicInputs<F, InnerConfig, D>,
        salt: u64,
    ) -> Result<ProofWithPublicInputs<F, FinalConfig, D>, Error> {
        let proof = self.last.prove(self.last_proof.witness(high_rate, salt)?)?;
        self.last.verify(proof.clone())?;
        Ok(proof)
    }

    /// Proves the inner statement for `x, y` and shrinks it to a final proof (salt 0).
    pub fn prove(&self, x: u64, y: u64) -> Result<ProofWithPublicInputs<F, FinalConfig, D>, Error> {
        self.prove_final(&self.prove_high_rate(x, y)?, 0)
    }
}
