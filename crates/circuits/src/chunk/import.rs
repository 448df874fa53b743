//! The import slot: the next root of the bridge's message root queue (`Slot::Import`, as
//! `execution`'s `BlockBuilder::apply_import`), or a no-op. The root's leaf
//! `imported_root_leaf(root)` is written over the empty leaf at index `imported_count` of the
//! imported-roots tree (depth 32), the count grows by one, the queue commitment
//! `m_{i+1} = two_to_one(m_i, root)` (the bridge compares it with its own) and the slots hash
//! (with the leaf, `Slot::hash`) are extended.

use hyperforge_crypto::GFp;
use hyperforge_primitives::bridge::ZERO_DIGEST;
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::{IMPORTED_TREE_DEPTH, TreeId};
use hyperforge_primitives::tx::Digest;
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::BoolTarget;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use super::{PartMarks, Running, connect_hash_if, connect_if, select_hash, slot_kind_error};
use crate::Builder;
use crate::amount::CircuitBuilderAmount;
use crate::error::CircuitError;
use crate::merkle::{CircuitBuilderMerkle, MerkleUpdateTarget};

const DEPTH: usize = IMPORTED_TREE_DEPTH as usize;

/// An import slot's targets.
#[derive(Clone, Debug)]
pub(super) struct ImportSlotTarget {
    is_import: BoolTarget,
    root: HashOutTarget,
    path: MerkleUpdateTarget,
}

/// Builds one import slot on top of `running`.
pub(super) fn build_import_slot(
    builder: &mut Builder,
    running: Running,
    marks: &mut PartMarks,
) -> (ImportSlotTarget, Running) {
    let is_import = builder.add_virtual_bool_target_safe();
    let root = builder.add_virtual_hash();
    let mut leaf = vec![builder.constant(GFp::from_canonical_u64(domain::IMPORTED_ROOT_LEAF))];
    leaf.extend(root.elements);
    let leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(leaf);
    let zero = builder.zero();
    let empty = HashOutTarget {
        elements: [zero; 4],
    };
    let path = builder.add_merkle_update(empty, leaf, DEPTH);
    marks.part(builder, "import: leaf, imported-roots update (depth 32)");
    // Appended: at index `imported_count`, over the empty leaf, from the running root.
    let index = builder.index_from_bits(&path.index_bits);
    connect_if(builder, is_import, index, running.imported_count);
    connect_hash_if(builder, is_import, path.old_root, running.imported_root);
    let imported_root = select_hash(builder, is_import, path.new_root, running.imported_root);
    // As execution: the last index stays unused (`imported_count` fits 32 bits).
    let imported_count = builder.increment_u32_if(is_import, running.imported_count);
    let extended = builder.hash_n_to_hash_no_pad::<PoseidonHash>(
        [running.imports_commitment.elements, root.elements].concat(),
    );
    let imports_commitment = select_hash(builder, is_import, extended, running.imports_commitment);
    let imports_count = builder.add(running.imports_count, is_import.target);
    let extended = builder.hash_n_to_hash_no_pad::<PoseidonHash>(
        [running.slots_hash.elements, leaf.elements].concat(),
    );
    let slots_hash = select_hash(builder, is_import, extended, running.slots_hash);
    marks.part(builder, "import: index, count, commitment, slots hash");
    (
        ImportSlotTarget {
            is_import,
            root,
            path,
        },
        Running {
            imported_root,
            imported_count,
            imports_commitment,
            imports_count,
            slots_hash,
            ..running
        },
    )
}

impl ImportSlotTarget {
    fn set_parts(
        &self,
        witness: &mut PartialWitness<GFp>,
        is_import: bool,
        root: Digest,
        index: u64,
        siblings: &[Digest],
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_bool_target(self.is_import, is_import)
            .map_err(witness_error)?;
        witness
            .set_hash_target(self.root, root)
            .map_err(witness_error)?;
        self.path.set_path(witness, index, siblings)
    }

    /// Sets an import slot from its expanded witness.
    pub(super) fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        position: usize,
        slot: &ExpandedSlot,
    ) -> Result<(), CircuitError> {
        let SlotOp::Import(root) = &slot.op else {
            return Err(slot_kind_error(position, &slot.op));
        };
        let update = slot
            .updates
            .first()
            .filter(|update| update.change.tree == TreeId::Imported && slot.updates.len() == 1)
            .ok_or(CircuitError::MalformedSlot {
                slot: position,
                problem: "an import changes one imported-roots leaf",
            })?;
        self.set_parts(witness, true, *root, update.change.index, &update.siblings)
    }

    /// A no-op: nothing imported.
    pub(super) fn set_noop(&self, witness: &mut PartialWitness<GFp>) -> Result<(), CircuitError> {
        let zeros = vec![ZERO_DIGEST; DEPTH];
        self.set_parts(witness, false, ZERO_DIGEST, 0, &zeros)
    }
}
