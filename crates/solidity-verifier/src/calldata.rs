//! A `ProofWithPublicInputs` laid out as `PlonkyVerifier.verify`'s arguments (see `layout`).

use plonky2::field::extension::FieldExtension;
use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::PrimeField64;
use plonky2::hash::merkle_proofs::MerkleProof;
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::plonk::config::{GenericConfig, KeccakGoldilocksConfig};
use plonky2::plonk::proof::ProofWithPublicInputs;

use crate::Error;
use crate::layout::{DIGEST, Layout};

type F = GoldilocksField;
const D: usize = 2;
type C = KeccakGoldilocksConfig;
type H = <C as GenericConfig<D>>::Hasher;
type Ext = <F as plonky2::field::extension::Extendable<D>>::Extension;

/// The verifier's arguments for one proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calldata {
    /// The public inputs, canonical `u64`s.
    pub public_inputs: Vec<u64>,
    /// The `proof` bytes.
    pub proof: Vec<u8>,
}

struct Writer(Vec<u8>);

impl Writer {
    fn element(&mut self, x: F) {
        self.0
            .extend_from_slice(&x.to_canonical_u64().to_le_bytes());
    }
    fn ext(&mut self, x: &Ext) {
        for c in FieldExtension::<D>::to_basefield_array(x) {
            self.element(c);
        }
    }
    fn digest(&mut self, h: &plonky2::hash::hash_types::BytesHash<DIGEST>) {
        self.0.extend_from_slice(&h.0);
    }
    fn cap(&mut self, cap: &plonky2::hash::merkle_tree::MerkleCap<F, H>) -> Result<(), Error> {
        if cap.0.len() != 1 {
            return Err(Error::ProofShape(format!(
                "a cap of {} digests",
                cap.0.len()
            )));
        }
        self.digest(&cap.0[0]);
        Ok(())
    }
    fn path(&mut self, proof: &MerkleProof<F, H>, depth: usize) -> Result<(), Error> {
        if proof.siblings.len() != depth {
            return Err(Error::ProofShape(format!(
                "a Merkle path of {} siblings, {depth} expected",
                proof.siblings.len()
            )));
        }
        for s in &proof.siblings {
            self.digest(s);
        }
        Ok(())
    }
}

fn expect(what: &str, got: usize, want: usize) -> Result<(), Error> {
    if got == want {
        Ok(())
    } else {
        Err(Error::ProofShape(format!("{what}: {got}, {want} expected")))
    }
}

/// Encodes `proof` for the verifier generated from `common`.
pub fn encode(
    proof: &ProofWithPublicInputs<F, C, D>,
    common: &CommonCircuitData<F, D>,
) -> Result<Calldata, Error> {
    let layout = Layout::new(common)?;
    let params = &common.fri_params;
    let p = &proof.proof;
    let mut w = Writer(Vec::with_capacity(layout.proof_len));
    w.cap(&p.wires_cap)?;
    w.cap(&p.plonk_zs_partial_products_cap)?;
    w.cap(&p.quotient_polys_cap)?;
    let o = &p.openings;
    let groups: [(&str, &Vec<Ext>, usize); 7] = [
        ("constants", &o.constants, layout.o_sigmas),
        ("sigmas", &o.plonk_sigmas, layout.o_wires - layout.o_sigmas),
        ("wires", &o.wires, layout.o_zs - layout.o_wires),
        ("zs", &o.plonk_zs, layout.o_pp - layout.o_zs),
        (
            "partial products",
            &o.partial_products,
            layout.o_q - layout.o_pp,
        ),
        ("quotient", &o.quotient_polys, layout.o_zs_next - layout.o_q),
        (
            "zs next",
            &o.plonk_zs_next,
            layout.num_openings - layout.o_zs_next,
        ),
    ];
    for (what, values, len) in groups {
        expect(what, values.len(), len)?;
        for v in values {
            w.ext(v);
        }
    }
    let fri = &p.opening_proof;
    expect(
        "commit-phase caps",
        fri.commit_phase_merkle_caps.len(),
        params.reduction_arity_bits.len(),
    )?;
    for cap in &fri.commit_phase_merkle_caps {
        w.cap(cap)?;
    }
    expect(
        "final polynomial",
        fri.final_poly.coeffs.len(),
        params.final_poly_len(),
    )?;
    for c in &fri.final_poly.coeffs {
        w.ext(c);
    }
    w.element(fri.pow_witness);
    expect(
        "query rounds",
        fri.query_round_proofs.len(),
        params.config.num_query_rounds,
    )?;
    for round in &fri.query_round_proofs {
        let trees = &round.initial_trees_proof.evals_proofs;
        expect("initial trees", trees.len(), 4)?;
        for ((evals, path), &len) in trees.iter().zip(&layout.leaf_lens) {
            expect("initial leaf", evals.len(), len)?;
            for &e in evals {
                w.element(e);
            }
            w.path(path, layout.lde_bits)?;
        }
        expect(
            "folding steps",
            round.steps.len(),
            params.reduction_arity_bits.len(),
        )?;
        let mut depth = layout.lde_bits;
        for (step, &a) in round.steps.iter().zip(&params.reduction_arity_bits) {
            depth -= a;
            expect("coset evaluations", step.evals.len(), 1 << a)?;
            for e in &step.evals {
                w.ext(e);
            }
            w.path(&step.merkle_proof, depth)?;
        }
    }
    expect("proof bytes", w.0.len(), layout.proof_len)?;
    Ok(Calldata {
        public_inputs: proof
            .public_inputs
            .iter()
            .map(|x| x.to_canonical_u64())
            .collect(),
        proof: w.0,
    })
}
