//! Round trips of every custom gate and every custom gate generator through the custom
//! serializers; generator ids unique and field-free. (The hints' round trips and the whole
//! chunk circuit's are in `chunk::cache`'s tests, where a chunk circuit is built.)

use std::collections::HashSet;

use plonky2::field::types::Sample;
use plonky2::gates::gate::GateRef;
use plonky2::hash::hash_types::HashOut;
use plonky2::iop::generator::WitnessGeneratorRef;
use plonky2::plonk::circuit_data::{CircuitConfig, CommonCircuitData};
use plonky2::plonk::vars::EvaluationVars;
use plonky2::util::serialization::{
    Buffer, GateSerializer, WitnessGeneratorSerializer, Write as _,
};

use super::*;
use crate::Builder;
use crate::gates::{FIXED_ENTRY_LEN, FIXED_TABLE_ENTRIES};

type Ext = <F as plonky2::field::extension::Extendable<2>>::Extension;

/// The common data of a tiny circuit (the serializers only pass it through).
fn common() -> CommonCircuitData<GFp, D> {
    let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
    let x = builder.add_virtual_target();
    builder.register_public_input(x);
    builder.build::<Config>().common
}

fn table() -> Vec<[u64; FIXED_ENTRY_LEN]> {
    (0..FIXED_TABLE_ENTRIES as u64)
        .map(|m| core::array::from_fn(|c| 7_919 * m + 13 * c as u64 + 1))
        .collect()
}

/// Every custom gate, as the standard recursion config instantiates it.
fn custom_gates() -> Vec<GateRef<F, D>> {
    let config = CircuitConfig::standard_recursion_config();
    vec![
        GateRef::new(DoubleGate::new()),
        GateRef::new(AddAffineGate::new()),
        GateRef::new(AddAffine2Gate::new()),
        GateRef::new(FixedTableGate::new_from_config(&config, table())),
        GateRef::new(GFp5MulAddGate::new_from_config(&config)),
        GateRef::new(RangeCheckGate::new_from_config(&config, 16)),
    ]
}

fn write_gate(gate: &GateRef<F, D>, common: &CommonCircuitData<F, D>) -> Vec<u8> {
    let mut bytes = Vec::new();
    CustomGateSerializer
        .write_gate(&mut bytes, gate, common)
        .expect("a custom gate serializes");
    bytes
}

#[test]
fn every_custom_gate_round_trips_with_the_same_constraints() {
    let common = common();
    for gate in custom_gates() {
        let bytes = write_gate(&gate, &common);
        let read = CustomGateSerializer
            .read_gate(&mut Buffer::new(&bytes), &common)
            .expect("reads back");
        let id = gate.0.id();
        assert_eq!(read.0.id(), id);
        assert_eq!(write_gate(&read, &common), bytes, "{id}: same bytes again");
        assert_eq!(
            (
                read.0.num_wires(),
                read.0.num_constraints(),
                read.0.degree()
            ),
            (
                gate.0.num_wires(),
                gate.0.num_constraints(),
                gate.0.degree()
            ),
            "{id}"
        );
        // The same constraint values at a random point (a table read back wrong would differ).
        let wires: Vec<Ext> = (0..gate.0.num_wires()).map(|_| Ext::rand()).collect();
        let hash = HashOut::<GFp>::ZERO;
        let vars = EvaluationVars {
            local_constants: &[],
            local_wires: &wires,
            public_inputs_hash: &hash,
        };
        assert_eq!(
            read.0.eval_unfiltered(vars),
            gate.0.eval_unfiltered(vars),
            "{id}"
        );
    }
}

#[test]
fn a_gate_the_serializer_does_not_know_is_refused() {
    let common = common();
    let mut bytes = Vec::new();
    bytes.write_u32(10_000).unwrap();
    assert!(
        CustomGateSerializer
            .read_gate(&mut Buffer::new(&bytes), &common)
            .is_err()
    );
    // A gate read back from another gate's bytes with a truncated payload is an error too.
    let gate = &custom_gates()[3];
    let full = write_gate(gate, &common);
    assert!(
        CustomGateSerializer
            .read_gate(&mut Buffer::new(&full[..full.len() / 2]), &common)
            .is_err()
    );
}

fn write_generator(
    generator: &WitnessGeneratorRef<F, D>,
    common: &CommonCircuitData<F, D>,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    CustomGeneratorSerializer::default()
        .write_generator(&mut bytes, generator, common)
        .expect("a custom generator serializes");
    bytes
}

#[test]
fn every_custom_gate_generator_round_trips() {
    let common = common();
    for gate in custom_gates() {
        let generators = gate.0.generators(17, &[]);
        assert_eq!(generators.len(), gate.0.num_ops());
        for generator in generators {
            let bytes = write_generator(&generator, &common);
            let read = CustomGeneratorSerializer::default()
                .read_generator(&mut Buffer::new(&bytes), &common)
                .expect("reads back");
            assert_eq!(read.0.id(), generator.0.id());
            assert_eq!(read.0.watch_list(), generator.0.watch_list());
            assert_eq!(write_generator(&read, &common), bytes);
        }
    }
}

#[test]
fn generator_ids_are_unique_and_do_not_depend_on_fields() {
    let ids = generator_ids();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "two generators share an id: {ids:?}"
    );
    // A generator of a gate at some row and operation has its default's id.
    for gate in custom_gates() {
        for generator in gate.0.generators(5, &[]) {
            assert!(ids.contains(&generator.0.id()), "{}", generator.0.id());
        }
    }
}
