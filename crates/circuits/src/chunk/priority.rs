//! The priority slot: an L1 `Deposit` or `RegisterKey` (unsigned: the bridge authenticated
//! it, and the rolling commitment it extends is checked against the bridge's), or a no-op.
//! Both are a credit, as `execution`'s `apply_priority`: a deposit adds its amount, a key
//! registration adds nothing and sets the key hash; either opens the account if needed.
//!
//! An operation may also fail, as execution decides, and is consumed all the same (hashed
//! into both commitments, no account changed):
//! - **overflow** (a deposit only): the recipient's leaf, read under the current account
//!   root (address equal to the recipient), holds a balance `b` with `b + amount >= 2^64`
//!   (the carry out of the high limb is 1). A claimed overflow of a deposit that fits is
//!   refused by that carry.
//! - **tree full**: `next_account_index == u32::MAX` (execution keeps the last index unused,
//!   so the account tree is full). The circuit does not show that the recipient has no
//!   account: the account tree is keyed by index, not by address, so absence cannot be
//!   proven without an address-keyed tree (the same limit as "one account per address" for
//!   a fresh account). A prover could refund, on a full tree, a deposit to an existing
//!   account that execution would have credited; L1 still gets the amount back.
//!
//! A failed deposit appends its refund `OutboxEntry::Withdrawal { sender: recipient,
//! l1_recipient: l1_sender, amount }` (the transaction slot's withdrawal leaf) to the batch's
//! outbox at `outbox_count`; a failed key registration refunds nothing.

use hyperforge_crypto::GFp;
use hyperforge_primitives::account::Account;
use hyperforge_primitives::account::AccountIndex;
use hyperforge_primitives::bridge::{OUTBOX_DEPTH, OutboxEntry, ZERO_DIGEST};
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::TreeId;
use hyperforge_primitives::tx::{Digest, PriorityOp};
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use hyperforge_primitives::{Address, Amount};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::BoolTarget;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use super::credit::{CreditTarget, build_credit};
use super::tx::{append_to_outbox, withdrawal_leaf};
use super::{
    ACCOUNT_DEPTH, PartMarks, Running, connect_hash_if, connect_if, select_hash, slot_kind_error,
};
use crate::Builder;
use crate::account::{AddressTarget, CircuitBuilderAccount, set_address};
use crate::amount::{AmountTarget, CircuitBuilderAmount};
use crate::error::CircuitError;
use crate::merkle::{CircuitBuilderMerkle, MerkleUpdateTarget};

/// Why a priority operation failed, as execution records it in the witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Failure {
    /// The credit overflows the recipient's balance: one unchanged read of its leaf.
    Overflow,
    /// The account tree is full: no update at all.
    TreeFull,
}

/// How a priority slot ends: its failure, if any, and the refund it appends to the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PriorityOutcome {
    /// `None` for a credit (one account update).
    pub(super) failure: Option<Failure>,
    /// A failed deposit's refund leaf.
    pub(super) refund: Option<Digest>,
}

/// How a priority slot ends, read from its witness as execution records it: a full tree
/// changes nothing; an overflow is one unchanged read of an account the amount overflows.
pub(super) fn priority_outcome(slot: &ExpandedSlot) -> PriorityOutcome {
    let SlotOp::Priority(op) = &slot.op else {
        return PriorityOutcome {
            failure: None,
            refund: None,
        };
    };
    let failure = match (op, slot.updates.as_slice()) {
        (_, []) => Some(Failure::TreeFull),
        (PriorityOp::Deposit { amount, .. }, [update]) => {
            let change = &update.change;
            change
                .old_account
                .filter(|account| {
                    change.old_leaf == change.new_leaf
                        && account.balance.checked_add(*amount).is_none()
                })
                .map(|_| Failure::Overflow)
        }
        _ => None,
    };
    let refund = match (op, failure) {
        (
            PriorityOp::Deposit {
                l1_sender,
                recipient,
                amount,
            },
            Some(_),
        ) => Some(
            OutboxEntry::Withdrawal {
                sender: *recipient,
                l1_recipient: *l1_sender,
                amount: *amount,
            }
            .hash(),
        ),
        _ => None,
    };
    PriorityOutcome { failure, refund }
}

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
    /// The deposit overflows its recipient's balance (proven, refunded).
    overflows: BoolTarget,
    /// The account tree is full (proven by `next_account_index`; a deposit is refunded).
    full: BoolTarget,
    credit: CreditTarget,
    /// The refund's append to the outbox (depth 10, from the empty leaf).
    refund_path: MerkleUpdateTarget,
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

    // Failures: an overflow is a deposit's; a full tree fails any operation; not both.
    let overflows = builder.add_virtual_bool_target_safe();
    let full = builder.add_virtual_bool_target_safe();
    let overflow_deposit = builder.and(overflows, is_deposit);
    builder.connect(overflow_deposit.target, overflows.target);
    let full_op = builder.and(full, is_op);
    builder.connect(full_op.target, full.target);
    let both = builder.and(overflows, full);
    builder.assert_zero(both.target);
    // A full tree: the last index, which execution keeps unused, is next.
    let last_index = builder.constant(GFp::from_canonical_u64(u64::from(AccountIndex::MAX)));
    connect_if(builder, full, running.next_account_index, last_index);

    let credit = build_credit(
        builder,
        address,
        amount,
        Some((is_register, pubkey_hash)),
        Some(overflows),
        running.next_account_index,
        marks,
    );
    // The credit (or the overflow's read) is checked unless the tree is full.
    let checked = BoolTarget::new_unsafe(builder.sub(is_op.target, full.target));
    connect_hash_if(builder, checked, credit.path.old_root, running.account_root);
    // An overflow's read leaves the root as it is (same leaf, same path).
    let account_root = select_hash(builder, checked, credit.path.new_root, running.account_root);
    let applies = BoolTarget::new_unsafe(builder.sub(checked.target, overflows.target));
    let created = builder.and(applies, credit.fresh);
    let next_account_index = builder.increment_u32_if(created, running.next_account_index);

    // A failed deposit's refund, appended to the outbox at `outbox_count`.
    let full_deposit = builder.and(full, is_deposit);
    let refunds = BoolTarget::new_unsafe(builder.add(overflows.target, full_deposit.target));
    let refund = withdrawal_leaf(builder, address, l1_sender, amount);
    let zero = builder.zero();
    let empty = HashOutTarget {
        elements: [zero; 4],
    };
    let refund_path = builder.add_merkle_update(empty, refund, OUTBOX_DEPTH);
    let refund_index = builder.index_from_bits(&refund_path.index_bits);
    connect_if(builder, refunds, refund_index, running.outbox_count);
    connect_hash_if(builder, refunds, refund_path.old_root, running.outbox_root);
    let outbox_root = select_hash(builder, refunds, refund_path.new_root, running.outbox_root);
    let outbox_count = builder.add(running.outbox_count, refunds.target);
    marks.part(
        builder,
        "failure checks, refund leaf, outbox append (depth 10)",
    );

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
            overflows,
            full,
            credit,
            refund_path,
        },
        Running {
            account_root,
            next_account_index,
            outbox_root,
            outbox_count,
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

    /// Sets the failure flags.
    fn set_failure(
        &self,
        witness: &mut PartialWitness<GFp>,
        failure: Option<Failure>,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_bool_target(self.overflows, failure == Some(Failure::Overflow))
            .map_err(witness_error)?;
        witness
            .set_bool_target(self.full, failure == Some(Failure::TreeFull))
            .map_err(witness_error)
    }

    /// Sets a priority slot from its expanded witness and its outcome
    /// ([`priority_outcome`]); the refund, if any, is appended to `outbox`, the batch's
    /// outbox leaves so far.
    pub(super) fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        position: usize,
        slot: &ExpandedSlot,
        outcome: PriorityOutcome,
        outbox: &mut Vec<Digest>,
    ) -> Result<(), CircuitError> {
        let SlotOp::Priority(op) = &slot.op else {
            return Err(slot_kind_error(position, &slot.op));
        };
        let failure = outcome.failure;
        self.set_failure(witness, failure)?;
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
        match outcome.refund {
            Some(leaf) => append_to_outbox(witness, &self.refund_path, outbox, leaf, position)?,
            None => self
                .refund_path
                .set_path(witness, 0, &[ZERO_DIGEST; OUTBOX_DEPTH])?,
        }
        if failure == Some(Failure::TreeFull) {
            // Nothing read: the credit's targets are unconstrained but for the address.
            let zeros = vec![ZERO_DIGEST; ACCOUNT_DEPTH];
            return self
                .credit
                .set_parts(witness, &Account::new(address), false, 0, &zeros);
        }
        let update = slot
            .updates
            .first()
            .filter(|update| update.change.tree == TreeId::Accounts && slot.updates.len() == 1)
            .ok_or(CircuitError::MalformedSlot {
                slot: position,
                problem: "a priority operation changes (or reads) one account leaf",
            })?;
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
        self.set_failure(witness, None)?;
        self.refund_path
            .set_path(witness, 0, &[ZERO_DIGEST; OUTBOX_DEPTH])?;
        let zeros = vec![ZERO_DIGEST; ACCOUNT_DEPTH];
        self.credit
            .set_parts(witness, &Account::new(Address::ZERO), false, 0, &zeros)
    }
}
