//! Renders `PlonkyVerifier.sol` (contracts `PlonkyGates` and `PlonkyVerifier`) for one
//! circuit: its constants (circuit digest, constants-sigmas cap, FRI parameters, the proof
//! layout) and the constraint code of each of its gates.

use minijinja::{Environment, UndefinedBehavior, context};
use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::plonk::circuit_data::{CommonCircuitData, VerifierOnlyCircuitData};
use plonky2::plonk::config::{GenericHashOut, KeccakGoldilocksConfig};
use serde::Serialize;

use crate::Error;
use crate::gates::gate_function;
use crate::layout::Layout;

type F = GoldilocksField;
const D: usize = 2;

const TEMPLATE: &str = include_str!("../templates/PlonkyVerifier.sol.j2");

#[derive(Serialize)]
struct PartView {
    index: usize,
    gates: Vec<GateView>,
    functions: Vec<String>,
}

#[derive(Serialize)]
struct GateView {
    row: usize,
    selector: usize,
    group_start: usize,
    group_end: usize,
    many: &'static str,
}

/// The Solidity source of a verifier for the circuit of `common` and `verifier_only`.
///
/// Fails naming the first gate that has no Solidity constraint code, or the first property of
/// the circuit the verifier does not handle (lookups, a Merkle cap height other than 0, hiding,
/// leaves short enough that plonky2 does not hash them).
pub fn generate(
    common: &CommonCircuitData<F, D>,
    verifier_only: &VerifierOnlyCircuitData<KeccakGoldilocksConfig, D>,
) -> Result<String, Error> {
    generate_about(common, verifier_only, &[])
}

/// [`generate`], with `about` (what the circuit is, the parameters it was built for) written
/// as comment lines at the top of the file, under the "generated" notice.
pub fn generate_about(
    common: &CommonCircuitData<F, D>,
    verifier_only: &VerifierOnlyCircuitData<KeccakGoldilocksConfig, D>,
    about: &[String],
) -> Result<String, Error> {
    if about.iter().any(|line| line.contains('\n')) {
        return Err(Error::UnsupportedCircuit(
            "a line about the circuit holds a line break".into(),
        ));
    }
    // Poseidon gates alone fill most of a contract: they get one of their own.
    let mut parts = vec![
        PartView {
            index: 0,
            gates: Vec::new(),
            functions: Vec::new(),
        },
        PartView {
            index: 1,
            gates: Vec::new(),
            functions: Vec::new(),
        },
    ];
    let selectors = &common.selectors_info;
    let (selector_indices, groups) = selectors_of(common)?;
    for (row, gate) in common.gates.iter().enumerate() {
        let function = gate_function(row, gate)?;
        let part = &mut parts[usize::from(gate.0.id().starts_with("PoseidonGate"))];
        part.functions.push(function);
        let selector = selector_indices[row];
        let (group_start, group_end) = groups[selector];
        part.gates.push(GateView {
            row,
            selector,
            group_start,
            group_end,
            many: if selectors.num_selectors() > 1 {
                "true"
            } else {
                "false"
            },
        });
    }
    let layout = Layout::new(common)?;
    let params = &common.fri_params;
    let mut prefix: Vec<u64> = vec![
        params.config.rate_bits as u64,
        params.config.cap_height as u64,
        u64::from(params.config.proof_of_work_bits),
    ];
    prefix.extend(
        params
            .config
            .reduction_strategy
            .serialize::<F>()
            .iter()
            .map(|x| x.to_canonical_u64()),
    );
    prefix.push(params.config.num_query_rounds as u64);
    prefix.push(u64::from(params.hiding));
    prefix.push(params.degree_bits as u64);
    prefix.extend(params.reduction_arity_bits.iter().map(|&b| b as u64));
    let digest: Vec<F> = verifier_only.circuit_digest.to_vec();
    prefix.extend(digest.iter().map(|x| x.to_canonical_u64()));
    let cap = &verifier_only.constants_sigmas_cap.0;
    if cap.len() != 1 {
        return Err(Error::UnsupportedCircuit(format!(
            "constants-sigmas cap of {} digests (cap height 0 expected)",
            cap.len()
        )));
    }
    let cs_cap = bytes32(&cap[0].0);
    let g = <F as Extendable<D>>::Extension::primitive_root_of_unity(common.degree_bits());
    let g: [F; D] = FieldExtension::<D>::to_basefield_array(&g);
    if g[1] != F::ZERO {
        return Err(Error::UnsupportedCircuit(
            "the extension's subgroup generator is not in the base field".into(),
        ));
    }
    let u = |x: u64| format!("uint256({x})");
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.add_template("verifier", TEMPLATE)
        .map_err(|e| Error::UnsupportedCircuit(format!("template: {e}")))?;
    let template = env
        .get_template("verifier")
        .map_err(|e| Error::UnsupportedCircuit(format!("template: {e}")))?;
    let ctx = context! {
        about => about,
        num_gate_constraints => common.num_gate_constraints,
        num_selectors => selectors.num_selectors(),
        parts => parts.into_iter().filter(|p| !p.gates.is_empty()).collect::<Vec<_>>(),
        num_public_inputs => common.num_public_inputs,
        proof_len => layout.proof_len,
        degree_bits => common.degree_bits(),
        lde_bits => layout.lde_bits,
        num_challenges => common.config.num_challenges,
        num_routed => common.config.num_routed_wires,
        quotient_degree => common.quotient_degree_factor,
        num_partial_products => common.num_partial_products,
        num_pp_checks => common.config.num_routed_wires.div_ceil(common.quotient_degree_factor),
        num_queries => params.config.num_query_rounds,
        pow_bits => params.config.proof_of_work_bits,
        final_poly_len => params.final_poly_len(),
        cs_cap => cs_cap,
        circuit_digest => bytes32(&verifier_only.circuit_digest.0),
        g => g[0].to_canonical_u64(),
        o_sigmas => layout.o_sigmas,
        o_wires => layout.o_wires,
        o_zs => layout.o_zs,
        o_pp => layout.o_pp,
        o_q => layout.o_q,
        o_zs_next => layout.o_zs_next,
        num_openings => layout.num_openings,
        num_constants => common.num_constants,
        num_wires => common.config.num_wires,
        off_commit_caps => layout.off_commit_caps,
        off_final_poly => layout.off_final_poly,
        off_pow => layout.off_pow,
        off_queries => layout.off_queries,
        query_len => layout.query_len,
        num_steps => params.reduction_arity_bits.len(),
        prefix => prefix.iter().map(|&x| u(x)).collect::<Vec<_>>(),
        k_is => common.k_is.iter().map(|x| u(x.to_canonical_u64())).collect::<Vec<_>>(),
        leaf_lens => layout.leaf_lens,
        coset_shift => F::coset_shift().to_canonical_u64(),
        lde_root => F::primitive_root_of_unity(layout.lde_bits).to_canonical_u64(),
        arity_bits => params.reduction_arity_bits,
        two_adic_root => F::POWER_OF_TWO_GENERATOR.to_canonical_u64(),
        two_adicity => F::TWO_ADICITY,
    };
    template
        .render(ctx)
        .map_err(|e| Error::UnsupportedCircuit(format!("template: {e:#}")))
}

/// Each gate's selector index, and each selector group's gate range.
type Selectors = (Vec<usize>, Vec<(usize, usize)>);

/// Each gate's selector index and the selector groups (`SelectorsInfo`'s fields are private
/// to plonky2; its serde form carries them).
fn selectors_of(common: &CommonCircuitData<F, D>) -> Result<Selectors, Error> {
    let bad = || Error::UnsupportedCircuit("unreadable selectors info".into());
    let value = serde_json::to_value(&common.selectors_info).map_err(|_| bad())?;
    let indices = value["selector_indices"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|v| v.as_u64().map(|x| x as usize).ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()?;
    let groups = value["groups"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|g| {
            let start = g["start"].as_u64().ok_or_else(bad)?;
            let end = g["end"].as_u64().ok_or_else(bad)?;
            Ok((start as usize, end as usize))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    if indices.len() != common.gates.len() || indices.iter().any(|&i| i >= groups.len()) {
        return Err(bad());
    }
    Ok((indices, groups))
}

/// The circuit digest as the verifier's `CIRCUIT_DIGEST` holds it: `0x` and 64 hex digits (the
/// 25 bytes of plonky2's Keccak digest, zero-padded on the right).
pub fn circuit_digest_hex(
    verifier_only: &VerifierOnlyCircuitData<KeccakGoldilocksConfig, D>,
) -> String {
    bytes32(&verifier_only.circuit_digest.0)
}

fn bytes32(bytes: &[u8]) -> String {
    let mut hex = String::from("0x");
    for i in 0..32 {
        hex.push_str(&format!("{:02x}", bytes.get(i).copied().unwrap_or(0)));
    }
    hex
}

#[cfg(test)]
mod tests {
    use plonky2::gates::poseidon_mds::PoseidonMdsGate;
    use plonky2::plonk::circuit_builder::CircuitBuilder;

    use super::*;
    use crate::standin::final_config;

    #[test]
    fn an_unknown_gate_is_refused_by_name() {
        let mut builder = CircuitBuilder::<F, D>::new(final_config());
        let x = builder.add_virtual_public_input();
        let y = builder.mul(x, x);
        builder.register_public_input(y);
        builder.add_gate(PoseidonMdsGate::<F, D>::new(), vec![]);
        let data = builder.build::<KeccakGoldilocksConfig>();
        match generate(&data.common, &data.verifier_only) {
            Err(Error::UnsupportedGate(id)) => assert!(id.starts_with("PoseidonMdsGate"), "{id}"),
            other => panic!("expected an unsupported gate, got {other:?}"),
        }
    }

    #[test]
    fn a_circuit_with_a_merkle_cap_is_refused() {
        let mut config = final_config();
        config.fri_config.cap_height = 2;
        let mut builder = CircuitBuilder::<F, D>::new(config);
        let x = builder.add_virtual_public_input();
        let y = builder.mul(x, x);
        builder.register_public_input(y);
        let data = builder.build::<KeccakGoldilocksConfig>();
        assert!(matches!(
            generate(&data.common, &data.verifier_only),
            Err(Error::UnsupportedCircuit(_))
        ));
    }
}
