//! Differential test: the contract's verdict equals plonky2's (`VerifierCircuitData::verify`)
//! on every valid proof of the fixture (twelve: two statements, six salts each) and on each of
//! its tamperings. A tampering changes the `ProofWithPublicInputs` itself (a public input, a
//! cap digest, an opening, a FRI query's leaf, path or evaluation, the final polynomial, the
//! proof-of-work witness, a part taken from another proof), which is then encoded with
//! `calldata::encode`: both verifiers judge exactly the same proof. Every kind of tampering is
//! made on every proof, at [`SEEDS`] positions a proof (moved by the proof's index too), so
//! the proofs cover different public inputs, cap bytes, openings, queries, trees, siblings
//! and coefficients.
use std::collections::BTreeSet;

use hyperforge_solidity_verifier::calldata::encode;
use hyperforge_solidity_verifier::layout::DIGEST;
use hyperforge_solidity_verifier::standin::{D, F};
use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::types::Field;

use crate::chain::chain;
use crate::fixture::{PROOFS, Proof, fixture, statement};

type Ext = <F as Extendable<D>>::Extension;

/// A tampering: its name and the proof it makes.
type Tampering = (String, Proof);

/// Something nonzero to add to an extension element: `1` or the generator `X`, by `seed`.
fn nudge(seed: usize) -> Ext {
    if seed.is_multiple_of(2) {
        Ext::ONE
    } else {
        Ext::from_basefield_array([F::ZERO, F::ONE])
    }
}

/// Flips one bit of byte `seed % DIGEST` of a digest.
fn flip(digest: &mut [u8; DIGEST], seed: usize) {
    digest[seed % DIGEST] ^= 1 << (seed % 8);
}

/// Each proof's tamperings are made this many times, at positions moved by the seed (1296
/// verdicts for the twelve proofs, a few seconds warm: the verdicts are not the slow part).
const SEEDS: usize = 6;

/// The first proof after `index` (cyclically) whose part `part` differs from `index`'s: the
/// donor of a "part of another proof" tampering, so that tampering always changes the proof.
fn donor<T: PartialEq>(proofs: &[Proof], index: usize, part: impl Fn(&Proof) -> T) -> usize {
    let mine = part(&proofs[index]);
    (1..proofs.len())
        .map(|step| (index + step) % proofs.len())
        .find(|&other| part(&proofs[other]) != mine)
        .expect("another proof with a different part")
}

/// The tamperings of `proofs[index]` for `seed` (some take a part of another proof,
/// [`donor`]): where in a vector each lands is a function of `seed`.
fn tamperings(proofs: &[Proof], index: usize, seed: usize) -> Vec<Tampering> {
    let base = &proofs[index];
    let pis_index = donor(proofs, index, |p| p.public_inputs.clone());
    let pis_donor = &proofs[pis_index];
    let openings_index = donor(proofs, index, |p| p.proof.openings.clone());
    let openings_donor = &proofs[openings_index];
    let pow_index = donor(proofs, index, |p| p.proof.opening_proof.pow_witness);
    let pow_donor = &proofs[pow_index];
    let i = seed;
    let mut out: Vec<Tampering> = Vec::new();
    let mut tamper = |name: String, change: &dyn Fn(&mut Proof)| {
        let mut proof = base.clone();
        change(&mut proof);
        out.push((name, proof));
    };

    let k = i % base.public_inputs.len();
    tamper(format!("public input {k} + 1"), &|p| {
        p.public_inputs[k] += F::ONE;
    });
    tamper(format!("the public inputs of proof {pis_index}"), &|p| {
        p.public_inputs.clone_from(&pis_donor.public_inputs);
    });

    let b = 7 * i + 3;
    tamper(format!("wires cap, bit of byte {}", b % DIGEST), &|p| {
        flip(&mut p.proof.wires_cap.0[0].0, b);
    });
    tamper(
        format!("zs-partial-products cap, bit of byte {}", b % DIGEST),
        &|p| flip(&mut p.proof.plonk_zs_partial_products_cap.0[0].0, b),
    );
    tamper(format!("quotient cap, bit of byte {}", b % DIGEST), &|p| {
        flip(&mut p.proof.quotient_polys_cap.0[0].0, b);
    });

    type Group = fn(&mut Proof) -> &mut Vec<Ext>;
    let groups: [(&str, Group); 7] = [
        ("constants", |p| &mut p.proof.openings.constants),
        ("sigmas", |p| &mut p.proof.openings.plonk_sigmas),
        ("wires", |p| &mut p.proof.openings.wires),
        ("zs", |p| &mut p.proof.openings.plonk_zs),
        ("zs next", |p| &mut p.proof.openings.plonk_zs_next),
        ("partial products", |p| {
            &mut p.proof.openings.partial_products
        }),
        ("quotient", |p| &mut p.proof.openings.quotient_polys),
    ];
    for (what, group) in groups {
        let mut probe = base.clone();
        let k = (5 * i + 1) % group(&mut probe).len();
        tamper(format!("{what} opening {k}"), &|p| {
            group(p)[k] += nudge(i);
        });
    }
    tamper(format!("the openings of proof {openings_index}"), &|p| {
        p.proof.openings.clone_from(&openings_donor.proof.openings);
    });

    let fri = &base.proof.opening_proof;
    let r = i % fri.commit_phase_merkle_caps.len();
    tamper(
        format!("FRI commit-phase cap {r}, bit of byte {}", b % DIGEST),
        &|p| {
            flip(
                &mut p.proof.opening_proof.commit_phase_merkle_caps[r].0[0].0,
                b,
            )
        },
    );

    let q = i % fri.query_round_proofs.len();
    let round = &fri.query_round_proofs[q];
    let t = i % round.initial_trees_proof.evals_proofs.len();
    let (leaf, path) = &round.initial_trees_proof.evals_proofs[t];
    let e = (13 * i + 2) % leaf.len();
    tamper(
        format!("query {q}, initial tree {t}, leaf element {e} + 1"),
        &|p| {
            p.proof.opening_proof.query_round_proofs[q]
                .initial_trees_proof
                .evals_proofs[t]
                .0[e] += F::ONE;
        },
    );
    let s = (5 * i + 4) % path.siblings.len();
    tamper(
        format!("query {q}, initial tree {t}, Merkle path sibling {s}"),
        &|p| {
            flip(
                &mut p.proof.opening_proof.query_round_proofs[q]
                    .initial_trees_proof
                    .evals_proofs[t]
                    .1
                    .siblings[s]
                    .0,
                b,
            );
        },
    );
    let step = i % round.steps.len();
    let e = (3 * i + 1) % round.steps[step].evals.len();
    tamper(
        format!("query {q}, folding step {step}, evaluation {e}"),
        &|p| {
            p.proof.opening_proof.query_round_proofs[q].steps[step].evals[e] += nudge(i + 1);
        },
    );
    let s = (7 * i) % round.steps[step].merkle_proof.siblings.len();
    tamper(
        format!("query {q}, folding step {step}, Merkle path sibling {s}"),
        &|p| {
            flip(
                &mut p.proof.opening_proof.query_round_proofs[q].steps[step]
                    .merkle_proof
                    .siblings[s]
                    .0,
                b,
            );
        },
    );
    let query_index = donor(proofs, index, |p| {
        p.proof.opening_proof.query_round_proofs[q].clone()
    });
    let query_donor = &proofs[query_index];
    tamper(format!("query {q} of proof {query_index}"), &|p| {
        p.proof.opening_proof.query_round_proofs[q]
            .clone_from(&query_donor.proof.opening_proof.query_round_proofs[q]);
    });

    let c = (11 * i + 5) % fri.final_poly.coeffs.len();
    tamper(format!("final polynomial coefficient {c}"), &|p| {
        p.proof.opening_proof.final_poly.coeffs[c] += nudge(i);
    });
    let w = i as u64 + 1;
    tamper(format!("proof-of-work witness + {w}"), &|p| {
        p.proof.opening_proof.pow_witness += F::from_canonical_u64(w);
    });
    tamper(
        format!("the proof-of-work witness of proof {pow_index}"),
        &|p| {
            p.proof.opening_proof.pow_witness = pow_donor.proof.opening_proof.pow_witness;
        },
    );
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_verdict_equals_plonky2s_on_every_proof_and_its_tamperings() {
    let chain = chain().await;
    let f = fixture();
    let mut disagreements = Vec::new();
    let mut judged = 0;
    let started = std::time::Instant::now();
    for (index, valid) in f.proofs.iter().enumerate() {
        let (x, y) = statement(index);
        let salt = PROOFS[index].1;
        let mut seen = BTreeSet::new();
        let cases = std::iter::once(("none (the valid proof)".to_owned(), valid.clone()))
            .chain((0..SEEDS).flat_map(|s| tamperings(&f.proofs, index, index * SEEDS + s)))
            .filter(|(tampering, _)| seen.insert(tampering.clone()));
        for (tampering, proof) in cases {
            let calldata = encode(&proof, &f.common)
                .unwrap_or_else(|e| panic!("proof {index}, {tampering}: encode: {e}"));
            let plonky2 = tokio::task::block_in_place(|| f.plonky2_accepts(&proof));
            let contract = chain.verdict(&calldata).await;
            judged += 1;
            let valid = tampering.starts_with("none");
            if contract != plonky2 || plonky2 != valid {
                disagreements.push(format!(
                    "proof {index} of ({x}, {y}) salt {salt}, tampering {tampering}: \
                     contract {contract}, plonky2 {plonky2}"
                ));
            }
        }
    }
    eprintln!(
        "differential: {judged} verdicts compared in {:.1?}",
        started.elapsed()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {judged} verdicts differ (or a valid proof is refused, or a tampering \
         accepted by both):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
