//! The byte layout of a proof in the verifier's calldata, computed from the circuit data.
//!
//! Field elements are 8-byte little-endian words (the bytes plonky2's Keccak hashes), digests
//! 25 bytes. In order: the wires, zs-partial-products and quotient caps; the openings
//! (constants, sigmas, wires, zs, partial products, quotient, zs at `g zeta`: GF(p^2)
//! elements as two words); the FRI commit-phase caps; the final polynomial; the
//! proof-of-work witness; then per query round the four initial leaves each followed by its
//! Merkle path, and per folding step the coset's evaluations followed by their path.

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::plonk::circuit_data::CommonCircuitData;

use crate::Error;

type F = GoldilocksField;
const D: usize = 2;

/// Bytes of a `KeccakHash<25>` digest.
pub const DIGEST: usize = 25;

/// Offsets (`o_*`: openings, counted in GF(p^2) elements; `off_*`: bytes of the proof) and
/// sizes (`*_len`: bytes, except `leaf_lens`: elements of each initial tree's leaf).
#[derive(Debug, Clone)]
pub struct Layout {
    /// log2 of the FRI domain size (degree bits + rate bits): the initial trees' depth.
    pub lde_bits: usize,
    /// First sigma opening.
    pub o_sigmas: usize,
    /// First wire opening.
    pub o_wires: usize,
    /// First Z opening.
    pub o_zs: usize,
    /// First partial-product opening.
    pub o_pp: usize,
    /// First quotient opening.
    pub o_q: usize,
    /// First Z opening at `g zeta`.
    pub o_zs_next: usize,
    /// Number of openings.
    pub num_openings: usize,
    /// The FRI commit-phase caps.
    pub off_commit_caps: usize,
    /// The FRI final polynomial.
    pub off_final_poly: usize,
    /// The proof-of-work witness.
    pub off_pow: usize,
    /// The first query round.
    pub off_queries: usize,
    /// One query round.
    pub query_len: usize,
    /// The whole proof.
    pub proof_len: usize,
    /// Elements in each initial tree's leaf (constants-sigmas, wires, zs-partial-products, quotient).
    pub leaf_lens: [usize; 4],
}

impl Layout {
    /// The layout of `common`'s proofs; fails for circuits the verifier does not handle.
    pub fn new(common: &CommonCircuitData<F, D>) -> Result<Self, Error> {
        let unsupported = |what: String| Err(Error::UnsupportedCircuit(what));
        let params = &common.fri_params;
        let config = &common.config;
        if common.num_lookup_polys != 0 || !common.luts.is_empty() {
            return unsupported("the circuit uses lookups".into());
        }
        if params.config.cap_height != 0 {
            return unsupported(format!(
                "cap height {} (0 expected)",
                params.config.cap_height
            ));
        }
        if params.hiding || config.zero_knowledge {
            return unsupported("zero-knowledge (hiding) proofs".into());
        }
        let routed = config.num_routed_wires;
        let challenges = config.num_challenges;
        let o_sigmas = common.num_constants;
        let o_wires = o_sigmas + routed;
        let o_zs = o_wires + config.num_wires;
        let o_pp = o_zs + challenges;
        let o_q = o_pp + challenges * common.num_partial_products;
        let o_zs_next = o_q + challenges * common.quotient_degree_factor;
        let num_openings = o_zs_next + challenges;
        let leaf_lens = [
            common.num_constants + routed,
            config.num_wires,
            challenges * (1 + common.num_partial_products),
            challenges * common.quotient_degree_factor,
        ];
        let lde_bits = params.degree_bits + params.config.rate_bits;
        // hash_or_noop leaves up to 3 elements unhashed: the verifier always hashes.
        if leaf_lens.iter().any(|&l| l * 8 <= DIGEST)
            || params
                .reduction_arity_bits
                .iter()
                .any(|&a| (2usize << a) * 8 <= DIGEST)
        {
            return unsupported("a Merkle leaf short enough to be left unhashed".into());
        }
        let off_commit_caps = 3 * DIGEST + 16 * num_openings;
        let steps = params.reduction_arity_bits.len();
        let off_final_poly = off_commit_caps + DIGEST * steps;
        let off_pow = off_final_poly + 16 * params.final_poly_len();
        let off_queries = off_pow + 8;
        let mut query_len: usize = leaf_lens.iter().map(|l| 8 * l + DIGEST * lde_bits).sum();
        let mut depth = lde_bits;
        for &a in &params.reduction_arity_bits {
            depth -= a;
            query_len += 16 * (1 << a) + DIGEST * depth;
        }
        let proof_len = off_queries + params.config.num_query_rounds * query_len;
        Ok(Self {
            lde_bits,
            o_sigmas,
            o_wires,
            o_zs,
            o_pp,
            o_q,
            o_zs_next,
            num_openings,
            off_commit_caps,
            off_final_poly,
            off_pow,
            off_queries,
            query_len,
            proof_len,
            leaf_lens,
        })
    }
}
