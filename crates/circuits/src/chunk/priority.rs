//! The priority slot: an L1 `Deposit` or `RegisterKey` (unsigned: the bridge authenticated
//! it, and the rolling commitment it extends is checked against the bridge's), or a no-op.
//! Both are a credit, as `execution`'s `apply_priority`: a deposit adds its amount, a key
//! registration adds nothing and sets the key hash; either opens the account if needed.

use hyperforge_crypto::GFp;
use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::ZERO_DIGEST;
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::TreeId;
use hyperforge_primitives::tx::PriorityOp;
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use hyperforge_primitives::{Address, Amount};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::BoolTarget;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use super::credit::{CreditTarget, build_credit};
use super::{ACCOUNT_DEPTH, PartMarks, Running, connect_hash_if, select_hash, slot_kind_error};
use crate::Builder;
use crate::account::{AddressTarget, CircuitBuilderAccount, set_address};
use crate::amount::{AmountTarget, CircuitBuilderAmount};
use crate::error::CircuitError;

/// A priority slot's targets.
#[derive(Clone, Debug)]
pub(super) struct PrioritySlotTarget {
    is_deposit: BoolTarget,
    is_register: BoolTarget,
    /// A deposit's L1 sender (hashed only).
    l1_sender: AddressTarget,
    /// The deposit's recipient, or the account registering a key.
    address: AddressTarget,
    /// The deposit's amount (zero for a key registration).
    amount: AmountTarget,
    /// The registered key hash (ignored for a deposit).
    pubkey_hash: HashOutTarget,
    credit: CreditTarget,
}

/// Builds one priority slot on top of `running`.
pub(super) fn build_priority_slot(
    builder: &mut Builder,
    running: Running,
    marks: &mut PartMarks,
) -> (PrioritySlotTarget, Running) {
    let is_deposit = builder.add_virtual_bool_target_safe();
    let is_register = builder.add_virtual_bool_target_safe();
    let both = builder.and(is_deposit, is_register);
    builder.assert_zero(both.target);
    // At most one flag is set, so the sum is boolean.
    let is_op = BoolTarget::new_unsafe(builder.add(is_deposit.target, is_register.target));

    let l1_sender = [(); 5].map(|()| builder.add_virtual_target());
    let address = builder.add_virtual_address();
    let amount = builder.add_virtual_amount();
    let pubkey_hash = builder.add_virtual_hash();
    for limb in amount.limbs() {
        let gated = builder.mul(is_register.target, limb);
        builder.assert_zero(gated);
    }

    // PriorityOp::hash: Deposit [OP_DEPOSIT, l1_sender(5), recipient(5), hi, lo],
    // RegisterKey [OP_REGISTER_KEY, account(5), pubkey_hash(4)].
    let mut deposit = vec![builder.constant(GFp::from_canonical_u64(domain::OP_DEPOSIT))];
    deposit.extend(l1_sender);
    deposit.extend(address);
    deposit.extend(amount.limbs());
    let deposit_hash = builder.hash_n_to_hash_no_pad::<PoseidonHash>(deposit);
    let mut register = vec![builder.constant(GFp::from_canonical_u64(domain::OP_REGISTER_KEY))];
    register.extend(address);
    register.extend(pubkey_hash.elements);
    let register_hash = builder.hash_n_to_hash_no_pad::<PoseidonHash>(register);
    let op_hash = select_hash(builder, is_register, register_hash, deposit_hash);
    marks.part(builder, "operation hashes, range checks");

    let credit = build_credit(
        builder,
        address,
        amount,
        Some((is_register, pubkey_hash)),
        running.next_account_index,
        marks,
    );
    connect_hash_if(builder, is_op, credit.path.old_root, running.account_root);
    let account_root = select_hash(builder, is_op, credit.path.new_root, running.account_root);
    let created = builder.and(is_op, credit.fresh);
    let next_account_index = builder.increment_u32_if(created, running.next_account_index);

    // c_{i+1} = two_to_one(c_i, op_hash): the queue order, checked by the bridge.
    let extended = builder.hash_n_to_hash_no_pad::<PoseidonHash>(
        [running.priority_commitment.elements, op_hash.elements].concat(),
    );
    let priority_commitment = select_hash(builder, is_op, extended, running.priority_commitment);
    let priority_count = builder.add(running.priority_count, is_op.target);
    let extended = builder.hash_n_to_hash_no_pad::<PoseidonHash>(
        [running.slots_hash.elements, op_hash.elements].concat(),
    );
    let slots_hash = select_hash(builder, is_op, extended, running.slots_hash);
    marks.part(builder, "priority commitment, slots hash, chaining");

    (
        PrioritySlotTarget {
            is_deposit,
            is_register,
            l1_sender,
            address,
            amount,
            pubkey_hash,
            credit,
        },
        Running {
            account_root,
            next_account_index,
            slots_hash,
            priority_commitment,
            priority_count,
            ..running
        },
    )
}

impl PrioritySlotTarget {
    fn set_fields(
        &self,
        witness: &mut PartialWitness<GFp>,
        flags: (bool, bool),
        l1_sender: &Address,
        address: &Address,
        amount: Amount,
        pubkey_hash: hyperforge_primitives::tx::Digest,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_bool_target(self.is_deposit, flags.0)
            .map_err(witness_error)?;
        witness
            .set_bool_target(self.is_register, flags.1)
            .map_err(witness_error)?;
        set_address(witness, &self.l1_sender, l1_sender)?;
        set_address(witness, &self.address, address)?;
        self.amount.set(witness, amount.gwei())?;
        witness
            .set_hash_target(self.pubkey_hash, pubkey_hash)
            .map_err(witness_error)
    }

    /// Sets a priority slot from its expanded witness.
    pub(super) fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        position: usize,
        slot: &ExpandedSlot,
    ) -> Result<(), CircuitError> {
        let SlotOp::Priority(op) = &slot.op else {
            return Err(slot_kind_error(position, &slot.op));
        };
        let update = slot
            .updates
            .first()
            .filter(|update| update.change.tree == TreeId::Accounts && slot.updates.len() == 1)
            .ok_or(CircuitError::MalformedSlot {
                slot: position,
                problem: "a priority operation changes one account leaf",
            })?;
        let address = match op {
            PriorityOp::Deposit {
                l1_sender,
                recipient,
                amount,
            } => {
                self.set_fields(
                    witness,
                    (true, false),
                    l1_sender,
                    recipient,
                    *amount,
                    ZERO_DIGEST,
                )?;
                *recipient
            }
            PriorityOp::RegisterKey {
                account,
                pubkey_hash,
            } => {
                self.set_fields(
                    witness,
                    (false, true),
                    &Address::ZERO,
                    account,
                    Amount::ZERO,
                    *pubkey_hash,
                )?;
                *account
            }
        };
        self.credit.set(witness, update, address)
    }

    /// A no-op: nothing credited, nothing hashed into the commitments.
    pub(super) fn set_noop(&self, witness: &mut PartialWitness<GFp>) -> Result<(), CircuitError> {
        self.set_fields(
            witness,
            (false, false),
            &Address::ZERO,
            &Address::ZERO,
            Amount::ZERO,
            ZERO_DIGEST,
        )?;
        let zeros = vec![ZERO_DIGEST; ACCOUNT_DEPTH];
        self.credit
            .set_parts(witness, &Account::new(Address::ZERO), false, 0, &zeros)
    }
}
