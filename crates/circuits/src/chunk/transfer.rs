//! The transaction slot: a signed `Transfer` (`is_transfer`) or `Withdraw` (`is_withdraw`),
//! else a no-op whose dummy transfer, signed by a fixed key, changes nothing. Both kinds
//! share the body layout (only the tag differs), the signature and the sender's debit; a
//! transfer then credits the recipient, a withdrawal appends its leaf to the batch's outbox.

use hyperforge_crypto::{GFp, PublicKey, Scalar, SecretKey, Signature};
use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::{OUTBOX_DEPTH, OutboxEntry, OutboxTree, ZERO_DIGEST};
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::TreeId;
use hyperforge_primitives::tx::{Digest, SignedTx, TxBody, TxKind};
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use hyperforge_primitives::{Address, Amount, ChainId};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use super::credit::{CreditTarget, build_credit};
use super::{
    ACCOUNT_DEPTH, PartMarks, Running, connect_hash_if, connect_if, select_hash, slot_kind_error,
};
use crate::Builder;
use crate::account::{AccountTarget, AddressTarget, CircuitBuilderAccount, set_address};
use crate::amount::{AmountTarget, CircuitBuilderAmount};
use crate::error::CircuitError;
use crate::gfp5::{CircuitBuilderGFp5, GateStrategy};
use crate::merkle::{CircuitBuilderMerkle, MerkleUpdateTarget};
use crate::schnorr::{CircuitBuilderSchnorr, SchnorrTargets};

/// A transaction slot's targets.
#[derive(Clone, Debug)]
pub(super) struct TransferSlotTarget {
    is_transfer: BoolTarget,
    is_withdraw: BoolTarget,
    chain_id: Target,
    from: AddressTarget,
    nonce: Target,
    to: AddressTarget,
    amount: AmountTarget,
    schnorr: SchnorrTargets,
    sender: AccountTarget,
    sender_path: MerkleUpdateTarget,
    recipient: CreditTarget,
    /// The withdrawal's append to the outbox (depth 10, from the empty leaf).
    outbox_path: MerkleUpdateTarget,
}

const _: () = assert!(domain::TX_WITHDRAW == domain::TX_TRANSFER + 1);

/// Builds one transaction slot on top of `running`.
pub(super) fn build_transfer_slot(
    builder: &mut Builder,
    chain_id: Target,
    running: Running,
    marks: &mut PartMarks,
) -> (TransferSlotTarget, Running) {
    let is_transfer = builder.add_virtual_bool_target_safe();
    let is_withdraw = builder.add_virtual_bool_target_safe();
    let both = builder.and(is_transfer, is_withdraw);
    builder.assert_zero(both.target);
    // At most one flag is set, so the sum is boolean.
    let is_tx = BoolTarget::new_unsafe(builder.add(is_transfer.target, is_withdraw.target));

    // The body, as `TxBody::elements`: [TX_TRANSFER or TX_WITHDRAW, chain_id, from(5), nonce,
    // to or l1_recipient (5), amount(2)].
    let body_chain_id = builder.add_virtual_target();
    builder.connect(body_chain_id, chain_id);
    let from = [(); 5].map(|()| builder.add_virtual_target());
    let nonce = builder.add_virtual_target();
    let to = builder.add_virtual_address();
    let amount = builder.add_virtual_amount();
    let tag = builder.add_const(
        is_withdraw.target,
        GFp::from_canonical_u64(domain::TX_TRANSFER),
    );
    let mut body = vec![tag];
    body.push(body_chain_id);
    body.extend(from);
    body.push(nonce);
    body.extend(to);
    body.extend(amount.limbs());
    let body_hash = builder.hash_n_to_hash_no_pad::<PoseidonHash>(body);
    marks.part(builder, "body hash, amount and recipient range checks");

    // The signature over the body hash, by the key whose hash the sender's leaf holds.
    let public_key = builder.add_virtual_gfp5();
    let signature = builder.add_virtual_signature_target();
    builder.verify_schnorr(
        public_key,
        &body_hash.elements,
        &signature,
        GateStrategy::CustomGates,
    );
    marks.part(builder, "signature (verify_schnorr)");
    let key_hash = builder.hash_n_to_hash_no_pad::<PoseidonHash>(public_key.0.to_vec());

    // The sender: the signer's account, nonce equal, debited (no underflow), nonce + 1.
    let sender = builder.add_virtual_account();
    builder.connect_hashes(key_hash, sender.pubkey_hash);
    for (&limb, &signed) in sender.address.iter().zip(&from) {
        builder.connect(limb, signed);
    }
    builder.connect(sender.nonce, nonce);
    let sender_after = AccountTarget {
        balance: builder.sub_amounts(sender.balance, amount),
        nonce: builder.increment_u32(sender.nonce),
        ..sender
    };
    marks.part(builder, "key hash, debit, nonce (arithmetic)");
    let sender_old_leaf = builder.account_leaf(&sender);
    let sender_new_leaf = builder.account_leaf(&sender_after);
    marks.part(builder, "sender leaves (old, new)");
    let sender_path = builder.add_merkle_update(sender_old_leaf, sender_new_leaf, ACCOUNT_DEPTH);
    marks.part(builder, "sender Merkle update (depth 32)");

    // The recipient, credited after the debit. A self-transfer credits the sender's debited
    // leaf back at the same index: execution leaves the balance unchanged.
    let recipient = build_credit(builder, to, amount, None, running.next_account_index, marks);

    // The withdrawal leaf [LEAF_WITHDRAWAL, from(5), l1_recipient(5), amount(2)], written to
    // the empty leaf at index `outbox_count` (10 bits: at most 1024 leaves).
    let mut leaf = vec![builder.constant(GFp::from_canonical_u64(domain::LEAF_WITHDRAWAL))];
    leaf.extend(from);
    leaf.extend(to);
    leaf.extend(amount.limbs());
    let leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(leaf);
    let zero = builder.zero();
    let empty = HashOutTarget {
        elements: [zero; 4],
    };
    let outbox_path = builder.add_merkle_update(empty, leaf, OUTBOX_DEPTH);
    marks.part(builder, "withdrawal leaf, outbox append (depth 10)");
    let outbox_index = builder.index_from_bits(&outbox_path.index_bits);
    connect_if(builder, is_withdraw, outbox_index, running.outbox_count);
    connect_hash_if(
        builder,
        is_withdraw,
        outbox_path.old_root,
        running.outbox_root,
    );
    let outbox_root = select_hash(
        builder,
        is_withdraw,
        outbox_path.new_root,
        running.outbox_root,
    );
    let outbox_count = builder.add(running.outbox_count, is_withdraw.target);

    // Applied only to a transaction: the sender's path starts at the running root, the
    // recipient's (a transfer's) at the root the sender's update gave.
    connect_hash_if(builder, is_tx, sender_path.old_root, running.account_root);
    connect_hash_if(
        builder,
        is_transfer,
        recipient.path.old_root,
        sender_path.new_root,
    );
    let debited = select_hash(builder, is_tx, sender_path.new_root, running.account_root);
    let account_root = select_hash(builder, is_transfer, recipient.path.new_root, debited);
    let created = builder.and(is_transfer, recipient.fresh);
    let next_account_index = builder.increment_u32_if(created, running.next_account_index);
    marks.part(builder, "new-account index, root chaining (arithmetic)");
    let extended = builder.hash_n_to_hash_no_pad::<PoseidonHash>(
        [running.slots_hash.elements, body_hash.elements].concat(),
    );
    let slots_hash = select_hash(builder, is_tx, extended, running.slots_hash);
    marks.part(builder, "slots hash");

    let slot = TransferSlotTarget {
        is_transfer,
        is_withdraw,
        chain_id: body_chain_id,
        from,
        nonce,
        to,
        amount,
        schnorr: SchnorrTargets {
            public_key,
            message: body_hash.elements.to_vec(),
            signature,
        },
        sender,
        sender_path,
        recipient,
        outbox_path,
    };
    (
        slot,
        Running {
            account_root,
            next_account_index,
            slots_hash,
            outbox_root,
            outbox_count,
            ..running
        },
    )
}

/// The transaction of a slot; refuses kinds the slot does not prove.
pub(super) fn tx_of(position: usize, slot: &ExpandedSlot) -> Result<&SignedTx, CircuitError> {
    match &slot.op {
        SlotOp::Tx(tx)
            if matches!(
                tx.body.kind,
                TxKind::Transfer { .. } | TxKind::Withdraw { .. }
            ) =>
        {
            Ok(tx)
        }
        other => Err(slot_kind_error(position, other)),
    }
}

/// The outbox leaf a transaction appends, if any.
pub(super) fn outbox_leaf(tx: &SignedTx) -> Option<Digest> {
    match tx.body.kind {
        TxKind::Withdraw {
            l1_recipient,
            amount,
        } => Some(
            OutboxEntry::Withdrawal {
                sender: tx.body.from,
                l1_recipient,
                amount,
            }
            .hash(),
        ),
        _ => None,
    }
}

/// The key that signs the dummy transfer of a no-op slot (any valid signature does: a no-op
/// applies nothing, but the signature gadget is unconditional).
fn dummy_key() -> SecretKey {
    SecretKey::from_scalar(Scalar::from_u64(0x6e6f_6f70)).expect("a non-zero scalar")
}

impl TransferSlotTarget {
    fn set_flags(
        &self,
        witness: &mut PartialWitness<GFp>,
        transfer: bool,
        withdraw: bool,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_bool_target(self.is_transfer, transfer)
            .map_err(witness_error)?;
        witness
            .set_bool_target(self.is_withdraw, withdraw)
            .map_err(witness_error)
    }

    /// Sets the body, key and signature.
    fn set_body(
        &self,
        witness: &mut PartialWitness<GFp>,
        body: &TxBody,
        to: &Address,
        amount: Amount,
        public_key: &PublicKey,
        signature: &Signature,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_target(self.chain_id, GFp::from_canonical_u64(body.chain_id.get()))
            .map_err(witness_error)?;
        set_address(witness, &self.from, &body.from)?;
        witness
            .set_target(self.nonce, GFp::from_canonical_u32(body.nonce))
            .map_err(witness_error)?;
        set_address(witness, &self.to, to)?;
        self.amount.set(witness, amount.gwei())?;
        // The message targets are the body hash the circuit computes: key and signature only.
        witness
            .set_target_arr(&self.schnorr.public_key.0, &public_key.to_elements())
            .map_err(witness_error)?;
        witness
            .set_target_arr(&self.schnorr.signature.r.0, &signature.r_elements())
            .map_err(witness_error)?;
        let s = crate::bigint::digits_of(
            &crate::bigint::from_digits(&signature.s().to_limbs(), 64),
            crate::bigint::LIMB_BITS,
            crate::schnorr::SCALAR_LIMBS,
        );
        for (&t, limb) in self.schnorr.signature.s.iter().zip(s) {
            witness
                .set_target(t, GFp::from_canonical_u64(limb))
                .map_err(witness_error)?;
        }
        Ok(())
    }

    /// Sets a transfer slot from its expanded witness.
    pub(super) fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        position: usize,
        slot: &ExpandedSlot,
        outbox: &mut Vec<Digest>,
    ) -> Result<(), CircuitError> {
        let tx = tx_of(position, slot)?;
        let (to, amount, withdraw) = match tx.body.kind {
            TxKind::Transfer { to, amount } => (to, amount, false),
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => (l1_recipient, amount, true),
            _ => return Err(slot_kind_error(position, &slot.op)),
        };
        let malformed = |problem| CircuitError::MalformedSlot {
            slot: position,
            problem,
        };
        let decode = |what, error| CircuitError::Decode {
            slot: position,
            what,
            error,
        };
        let public_key =
            PublicKey::from_bytes(&tx.pubkey).map_err(|e| decode("the public key", e))?;
        let signature =
            Signature::from_bytes(&tx.signature).map_err(|e| decode("the signature", e))?;
        self.set_flags(witness, !withdraw, withdraw)?;
        self.set_body(witness, &tx.body, &to, amount, &public_key, &signature)?;

        let sender_update = slot
            .updates
            .first()
            .ok_or_else(|| malformed("a transfer changes the sender's leaf first"))?;
        let sender = sender_update
            .change
            .old_account
            .filter(|_| sender_update.change.tree == TreeId::Accounts)
            .ok_or_else(|| malformed("the sender's update carries no account"))?;
        self.sender.set(witness, &sender)?;
        self.sender_path
            .set_path(witness, sender_update.change.index, &sender_update.siblings)?;

        let zeros = vec![ZERO_DIGEST; ACCOUNT_DEPTH];
        if withdraw {
            // The next leaf of the outbox; the credit is a dummy, not applied.
            let leaf = outbox_leaf(tx).ok_or(malformed("a withdrawal has an outbox leaf"))?;
            let index = outbox.len();
            let mut leaves = outbox.clone();
            leaves.push(leaf);
            let tree = OutboxTree::new(leaves).map_err(|_| CircuitError::OutboxFull)?;
            let path = tree
                .proof(index)
                .ok_or(malformed("the appended leaf has a path"))?;
            self.outbox_path
                .set_path(witness, index as u64, &path.siblings)?;
            outbox.push(leaf);
            if slot.updates.len() != 1 {
                return Err(malformed("a withdrawal changes the sender's leaf only"));
            }
            return self
                .recipient
                .set_parts(witness, &Account::new(to), false, 0, &zeros);
        }
        self.outbox_path
            .set_path(witness, 0, &[ZERO_DIGEST; OUTBOX_DEPTH])?;
        match slot.updates.get(1) {
            // A self-transfer writes one leaf; the circuit credits the debited leaf back.
            None if to == tx.body.from => {
                let debited = Account {
                    balance: Amount::from_gwei(sender.balance.gwei().wrapping_sub(amount.gwei())),
                    nonce: sender.nonce.wrapping_add(1),
                    ..sender
                };
                self.recipient.set_parts(
                    witness,
                    &debited,
                    false,
                    sender_update.change.index,
                    &sender_update.siblings,
                )
            }
            None => Err(malformed(
                "a transfer to another account changes two leaves",
            )),
            Some(update) if update.change.tree != TreeId::Accounts => {
                Err(malformed("a transfer changes account leaves only"))
            }
            Some(update) => self.recipient.set(witness, update, to),
        }
    }

    /// A no-op: a dummy transfer of nothing, consistent in itself, that is not applied.
    pub(super) fn set_noop(
        &self,
        witness: &mut PartialWitness<GFp>,
        chain_id: ChainId,
    ) -> Result<(), CircuitError> {
        let key = dummy_key();
        let public_key = key.public_key();
        let body = TxBody {
            chain_id,
            from: Address::ZERO,
            nonce: 0,
            kind: TxKind::Transfer {
                to: Address::ZERO,
                amount: Amount::ZERO,
            },
        };
        let signature = key.sign(&body.hash().elements);
        self.set_flags(witness, false, false)?;
        self.outbox_path
            .set_path(witness, 0, &[ZERO_DIGEST; OUTBOX_DEPTH])?;
        self.set_body(
            witness,
            &body,
            &Address::ZERO,
            Amount::ZERO,
            &public_key,
            &signature,
        )?;
        let sender = Account {
            pubkey_hash: public_key.hash(),
            ..Account::new(Address::ZERO)
        };
        self.sender.set(witness, &sender)?;
        let zeros = vec![ZERO_DIGEST; ACCOUNT_DEPTH];
        self.sender_path.set_path(witness, 0, &zeros)?;
        self.recipient
            .set_parts(witness, &Account::new(Address::ZERO), false, 0, &zeros)
    }
}
