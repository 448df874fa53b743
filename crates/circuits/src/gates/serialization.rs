//! Gate and witness-generator serializers for circuits that use this crate's custom gates
//! and hints (the chunk circuit, the signature batch circuit): plonky2's default lists plus
//! every custom gate ([`DoubleGate`], [`AddAffineGate`], [`AddAffine2Gate`],
//! [`FixedTableGate`], [`GFp5MulAddGate`], [`RangeCheckGate`]), every gate generator and
//! every hint generator of the gadgets (carries, limbs, the scalar split, decoding,
//! divisions, inverses). `CircuitData::to_bytes` / `from_bytes` with these two round-trip
//! such a circuit (the chunk circuit's cache, [`crate::ChunkCircuit::load_or_build`]).
//!
//! plonky2 tags a gate by its type and a generator by its `id()` compared with the `id()`
//! of its type's default, so each generator here has a field-free `id()`, unique among the
//! listed ones (a test checks both). The order of each list is the file format: append new
//! entries at the end (and bump the chunk cache version,
//! [`crate::chunk::CHUNK_CIRCUIT_VERSION`], when an entry changes).

use core::marker::PhantomData;

use hyperforge_crypto::GFp;
use plonky2::gadgets::arithmetic::EqualityGenerator;
use plonky2::gadgets::arithmetic_extension::QuotientGeneratorExtension;
use plonky2::gadgets::range_check::LowHighGenerator;
use plonky2::gadgets::split_base::BaseSumGenerator;
use plonky2::gadgets::split_join::{SplitGenerator, WireSplitGenerator};
use plonky2::gates::arithmetic_base::{ArithmeticBaseGenerator, ArithmeticGate};
use plonky2::gates::arithmetic_extension::{ArithmeticExtensionGate, ArithmeticExtensionGenerator};
use plonky2::gates::base_sum::{BaseSplitGenerator, BaseSumGate};
use plonky2::gates::constant::ConstantGate;
use plonky2::gates::coset_interpolation::{CosetInterpolationGate, InterpolationGenerator};
use plonky2::gates::exponentiation::{ExponentiationGate, ExponentiationGenerator};
use plonky2::gates::lookup::{LookupGate, LookupGenerator};
use plonky2::gates::lookup_table::{LookupTableGate, LookupTableGenerator};
use plonky2::gates::multiplication_extension::{MulExtensionGate, MulExtensionGenerator};
use plonky2::gates::noop::NoopGate;
use plonky2::gates::poseidon::{PoseidonGate, PoseidonGenerator};
use plonky2::gates::poseidon_mds::{PoseidonMdsGate, PoseidonMdsGenerator};
use plonky2::gates::public_input::PublicInputGate;
use plonky2::gates::random_access::{RandomAccessGate, RandomAccessGenerator};
use plonky2::gates::reducing::{ReducingGate, ReducingGenerator};
use plonky2::gates::reducing_extension::{
    ReducingExtensionGate, ReducingGenerator as ReducingExtensionGenerator,
};
use plonky2::iop::generator::{
    ConstantGenerator, CopyGenerator, NonzeroTestGenerator, RandomValueGenerator,
};
use plonky2::recursion::dummy_circuit::DummyProofGenerator;
use plonky2::util::serialization::gate_serialization::log;
use plonky2::util::serialization::{GateSerializer, WitnessGeneratorSerializer};
use plonky2::{
    get_gate_tag_impl, get_generator_tag_impl, impl_gate_serializer, impl_generator_serializer,
    read_gate_impl, read_generator_impl,
};

use super::{
    AddAffine2Formula, AddAffine2Gate, AddAffineFormula, AddAffineGate, DoubleFormula, DoubleGate,
    FixedTableGate, FixedTableGenerator, FormulaGenerator, GFp5MulAddGate, GFp5MulAddGenerator,
    RangeCheckGate, RangeCheckGenerator,
};
use crate::Config;

/// The field of every circuit here (the serializer macros name it `F`).
type F = GFp;
/// The extension degree (the serializer macros name it `D`).
const D: usize = crate::D;

/// plonky2's default gates and this crate's custom gates.
#[derive(Clone, Copy, Debug, Default)]
pub struct CustomGateSerializer;

impl GateSerializer<F, D> for CustomGateSerializer {
    impl_gate_serializer! {
        CustomGateSerializer,
        ArithmeticGate,
        ArithmeticExtensionGate<D>,
        BaseSumGate<2>,
        ConstantGate,
        CosetInterpolationGate<F, D>,
        ExponentiationGate<F, D>,
        LookupGate,
        LookupTableGate,
        MulExtensionGate<D>,
        NoopGate,
        PoseidonMdsGate<F, D>,
        PoseidonGate<F, D>,
        PublicInputGate,
        RandomAccessGate<F, D>,
        ReducingExtensionGate<D>,
        ReducingGate<D>,
        DoubleGate,
        AddAffineGate,
        AddAffine2Gate,
        FixedTableGate,
        GFp5MulAddGate,
        RangeCheckGate
    }
}

/// plonky2's default generators, the custom gates' generators and the gadgets' hints.
#[derive(Clone, Copy, Debug, Default)]
pub struct CustomGeneratorSerializer {
    _config: PhantomData<Config>,
}

impl WitnessGeneratorSerializer<F, D> for CustomGeneratorSerializer {
    impl_generator_serializer! {
        CustomGeneratorSerializer,
        ArithmeticBaseGenerator<F, D>,
        ArithmeticExtensionGenerator<F, D>,
        BaseSplitGenerator<2>,
        BaseSumGenerator<2>,
        ConstantGenerator<F>,
        CopyGenerator,
        DummyProofGenerator<F, Config, D>,
        EqualityGenerator,
        ExponentiationGenerator<F, D>,
        InterpolationGenerator<F, D>,
        LookupGenerator,
        LookupTableGenerator,
        LowHighGenerator,
        MulExtensionGenerator<F, D>,
        NonzeroTestGenerator,
        PoseidonGenerator<F, D>,
        PoseidonMdsGenerator<D>,
        QuotientGeneratorExtension<D>,
        RandomAccessGenerator<F, D>,
        RandomValueGenerator,
        ReducingGenerator<D>,
        ReducingExtensionGenerator<D>,
        SplitGenerator,
        WireSplitGenerator,
        FormulaGenerator<DoubleFormula>,
        FormulaGenerator<AddAffineFormula>,
        FormulaGenerator<AddAffine2Formula>,
        FixedTableGenerator,
        GFp5MulAddGenerator,
        RangeCheckGenerator,
        crate::amount::CarryHint,
        crate::bigint::CarryHint,
        crate::curve::DecodeHint,
        crate::gfp5::DivisionHint,
        crate::schnorr::U64LimbsHint,
        crate::schnorr::ScalarHint,
        crate::chunk::InverseHint
    }
}

/// The `id()` of the default of every generator [`CustomGeneratorSerializer`] lists, in its
/// order (for the uniqueness test and for callers checking coverage).
pub fn generator_ids() -> Vec<String> {
    use plonky2::iop::generator::SimpleGenerator;
    fn id<G: SimpleGenerator<F, D> + Default>() -> String {
        G::default().id()
    }
    vec![
        id::<ArithmeticBaseGenerator<F, D>>(),
        id::<ArithmeticExtensionGenerator<F, D>>(),
        id::<BaseSplitGenerator<2>>(),
        id::<BaseSumGenerator<2>>(),
        id::<ConstantGenerator<F>>(),
        id::<CopyGenerator>(),
        id::<DummyProofGenerator<F, Config, D>>(),
        id::<EqualityGenerator>(),
        id::<ExponentiationGenerator<F, D>>(),
        id::<InterpolationGenerator<F, D>>(),
        id::<LookupGenerator>(),
        id::<LookupTableGenerator>(),
        id::<LowHighGenerator>(),
        id::<MulExtensionGenerator<F, D>>(),
        id::<NonzeroTestGenerator>(),
        id::<PoseidonGenerator<F, D>>(),
        id::<PoseidonMdsGenerator<D>>(),
        id::<QuotientGeneratorExtension<D>>(),
        id::<RandomAccessGenerator<F, D>>(),
        id::<RandomValueGenerator>(),
        id::<ReducingGenerator<D>>(),
        id::<ReducingExtensionGenerator<D>>(),
        id::<SplitGenerator>(),
        id::<WireSplitGenerator>(),
        id::<FormulaGenerator<DoubleFormula>>(),
        id::<FormulaGenerator<AddAffineFormula>>(),
        id::<FormulaGenerator<AddAffine2Formula>>(),
        id::<FixedTableGenerator>(),
        id::<GFp5MulAddGenerator>(),
        id::<RangeCheckGenerator>(),
        id::<crate::amount::CarryHint>(),
        id::<crate::bigint::CarryHint>(),
        id::<crate::curve::DecodeHint>(),
        id::<crate::gfp5::DivisionHint>(),
        id::<crate::schnorr::U64LimbsHint>(),
        id::<crate::schnorr::ScalarHint>(),
        id::<crate::chunk::InverseHint>(),
    ]
}

#[cfg(test)]
mod tests;
