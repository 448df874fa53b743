//! The transaction slot: a signed `Transfer` (`is_transfer`), `Withdraw` (`is_withdraw`) or
//! `SendMessage` (`is_send`), and in an *execute* slot also `ExecuteMessage` (`is_execute`);
//! else a no-op whose dummy transfer, signed by a fixed key, changes nothing. Every kind
//! shares the signature, the sender's update (nonce + 1, a debit of zero for a message
//! execution) and the first block of the body hash; a transfer or a message execution then
//! credits its recipient, a withdrawal or a message appends its leaf to the batch's outbox, a
//! message execution proves its leaf under an imported root (over the same outbox-depth path
//! the append walks) and inserts its nullifier.

use hyperforge_crypto::{GFp, PublicKey, Scalar, SecretKey, Signature};
use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::{OUTBOX_DEPTH, OutboxEntry, OutboxTree, ZERO_DIGEST};
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::{IMPORTED_TREE_DEPTH, NULLIFIER_TREE_DEPTH, TreeId};
use hyperforge_primitives::tx::{
    Digest, Message, SignedTx, TxBody, TxKind, outbox_path, payload_hash,
};
use hyperforge_primitives::witness::{ExpandedSlot, LeafUpdate, SlotOp};
use hyperforge_primitives::{Address, Amount, ChainId};
use plonky2::field::types::Field;
use plonky2::hash::hash_types::{HashOutTarget, NUM_HASH_OUT_ELTS};
use plonky2::hash::hashing::PlonkyPermutation;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::plonk::config::AlgebraicHasher;
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use super::credit::{CreditTarget, build_credit};
use super::{
    ACCOUNT_DEPTH, PartMarks, Running, connect_hash_if, connect_if, select_hash, slot_kind_error,
};
use crate::account::{AccountTarget, AddressTarget, CircuitBuilderAccount, set_address};
use crate::amount::{AmountTarget, CircuitBuilderAmount};
use crate::error::CircuitError;
use crate::gfp5::{CircuitBuilderGFp5, GateStrategy};
use crate::merkle::{CircuitBuilderMerkle, MerkleUpdateTarget};
use crate::schnorr::{CircuitBuilderSchnorr, SchnorrTargets};
use crate::{Builder, D};

const IMPORTED_DEPTH: usize = IMPORTED_TREE_DEPTH as usize;
const NULLIFIER_DEPTH: usize = NULLIFIER_TREE_DEPTH as usize;

const _: () = assert!(domain::TX_WITHDRAW == domain::TX_TRANSFER + 1);
const _: () = assert!(domain::TX_SEND_MESSAGE == domain::TX_TRANSFER + 2);
const _: () = assert!(domain::TX_EXECUTE_MESSAGE == domain::TX_TRANSFER + 3);
const _: () = assert!(OUTBOX_DEPTH + IMPORTED_DEPTH == NULLIFIER_DEPTH);

type Permutation = <PoseidonHash as AlgebraicHasher<GFp>>::AlgebraicPermutation;

/// What only an execute slot has: the message execution's targets.
#[derive(Clone, Debug)]
struct ExecuteTarget {
    is_execute: BoolTarget,
    /// The message's `src_chain`, `sender` and `nonce` (for a `SendMessage` in this slot
    /// they are connected to the body's chain id, sender and nonce).
    src_chain: Target,
    sender: AddressTarget,
    message_nonce: Target,
    /// The imported message root the message is proven under.
    root: HashOutTarget,
    /// The read of `imported_root_leaf(root)` at `import_index` (its index bits).
    imported: MerkleUpdateTarget,
    /// The nullifier path's siblings (its index bits are the outbox path's, then the
    /// imported read's: `import_index * 2^10 + leaf_index`).
    nullifier_siblings: Vec<HashOutTarget>,
}

/// A transaction slot's targets.
#[derive(Clone, Debug)]
pub(super) struct TxSlotTarget {
    is_transfer: BoolTarget,
    is_withdraw: BoolTarget,
    is_send: BoolTarget,
    chain_id: Target,
    from: AddressTarget,
    nonce: Target,
    /// Transfer: `to`; Withdraw: `l1_recipient`; SendMessage: `recipient`; ExecuteMessage:
    /// the message's `recipient`.
    to: AddressTarget,
    /// The amount, the message value sent, or the executed message's value.
    value: AmountTarget,
    /// SendMessage: `dst_chain`; ExecuteMessage: the message's `dst_chain`.
    dst_chain: Target,
    /// The message's payload hash (bound by the signed body or by the message leaf).
    payload_hash: HashOutTarget,
    schnorr: SchnorrTargets,
    sender: AccountTarget,
    sender_path: MerkleUpdateTarget,
    recipient: CreditTarget,
    /// The append to the outbox (depth 10, from the empty leaf), or an executed message's
    /// inclusion path (its old leaf the message leaf, its old root the imported root).
    outbox_path: MerkleUpdateTarget,
    execute: Option<ExecuteTarget>,
}

/// One absorption of a `hash_no_pad` sponge (overwrite mode): at most 8 elements.
fn absorb(builder: &mut Builder, state: Permutation, chunk: &[Target]) -> Permutation {
    let mut state = state;
    state.set_from_slice(chunk, 0);
    builder.permute::<PoseidonHash>(state)
}

/// The digest a `hash_no_pad` sponge ends with.
fn digest_of(state: &Permutation) -> HashOutTarget {
    HashOutTarget {
        elements: std::array::from_fn::<_, NUM_HASH_OUT_ELTS, _>(|i| state.squeeze()[i]),
    }
}

fn limbs_times(builder: &mut Builder, amount: AmountTarget, b: Target) -> AmountTarget {
    AmountTarget {
        hi: builder.mul(amount.hi, b),
        lo: builder.mul(amount.lo, b),
    }
}

/// Builds one transaction slot on top of `running`; with `execute` it can also execute a
/// message.
pub(super) fn build_tx_slot(
    builder: &mut Builder,
    chain_id: Target,
    running: Running,
    execute: bool,
    marks: &mut PartMarks,
) -> (TxSlotTarget, Running) {
    let is_transfer = builder.add_virtual_bool_target_safe();
    let is_withdraw = builder.add_virtual_bool_target_safe();
    let is_send = builder.add_virtual_bool_target_safe();
    let is_execute = execute.then(|| builder.add_virtual_bool_target_safe());
    // Each flag is boolean; their sum is constrained boolean too: at most one is set.
    let mut sum = builder.add(is_transfer.target, is_withdraw.target);
    sum = builder.add(sum, is_send.target);
    if let Some(e) = is_execute {
        sum = builder.add(sum, e.target);
    }
    let is_tx = BoolTarget::new_unsafe(sum);
    builder.assert_bool(is_tx);
    let is_append = BoolTarget::new_unsafe(builder.add(is_withdraw.target, is_send.target));
    let is_credit = match is_execute {
        Some(e) => BoolTarget::new_unsafe(builder.add(is_transfer.target, e.target)),
        None => is_transfer,
    };

    // The body's fields.
    let body_chain_id = builder.add_virtual_target();
    builder.connect(body_chain_id, chain_id);
    let from = [(); 5].map(|()| builder.add_virtual_target());
    let nonce = builder.add_virtual_target();
    let to = builder.add_virtual_address();
    let value = builder.add_virtual_amount();
    let dst_chain = builder.add_virtual_target();
    let payload_hash = builder.add_virtual_hash();
    // tag = TX_TRANSFER + is_withdraw + 2 is_send (+ 3 is_execute).
    let mut tag = builder.add_const(
        is_withdraw.target,
        GFp::from_canonical_u64(domain::TX_TRANSFER),
    );
    let one = builder.one();
    tag = builder.arithmetic(GFp::TWO, GFp::ONE, is_send.target, one, tag);
    if let Some(e) = is_execute {
        tag = builder.arithmetic(GFp::from_canonical_u64(3), GFp::ONE, e.target, one, tag);
    }

    // The message leaf, as `Message::hash`: [LEAF_MESSAGE, src_chain, sender(5), nonce,
    // dst_chain, recipient(5), value(2), payload_hash(4)]. A SendMessage's header is its own
    // chain, sender and nonce; an executed message's is whatever the leaf says.
    let (src_chain, sender_address, message_nonce) = if execute {
        let src = builder.add_virtual_target();
        let sender = [(); 5].map(|()| builder.add_virtual_target());
        let message_nonce = builder.add_virtual_target();
        connect_if(builder, is_send, src, chain_id);
        for (&limb, &signed) in sender.iter().zip(&from) {
            connect_if(builder, is_send, limb, signed);
        }
        connect_if(builder, is_send, message_nonce, nonce);
        (src, sender, message_nonce)
    } else {
        (chain_id, from, nonce)
    };
    let mut message = vec![builder.constant(GFp::from_canonical_u64(domain::LEAF_MESSAGE))];
    message.push(src_chain);
    message.extend(sender_address);
    message.push(message_nonce);
    message.push(dst_chain);
    message.extend(to);
    message.extend(value.limbs());
    message.extend(payload_hash.elements);
    let message_leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(message);

    // The body hash, as `TxBody::hash`, sharing the first sponge block [tag, chain_id,
    // from(5), nonce] between the kinds' layouts:
    // Transfer, Withdraw: common | to(5) | amount(2)
    // SendMessage:        common | dst_chain | recipient(5) | value(2) | payload_hash(4)
    // ExecuteMessage:     common | message_hash(4) | import_index | leaf_index
    let zero = builder.zero();
    let mut common = vec![tag, body_chain_id];
    common.extend(from);
    common.push(nonce);
    let first = absorb(builder, Permutation::new(std::iter::repeat(zero)), &common);
    let mut transfer_tail = to.to_vec();
    transfer_tail.extend(value.limbs());
    let transfer_hash = digest_of(&absorb(builder, first, &transfer_tail));
    let mut send_tail = vec![dst_chain];
    send_tail.extend(to);
    send_tail.extend(value.limbs());
    let send_block = absorb(builder, first, &send_tail);
    let send_hash = digest_of(&absorb(builder, send_block, &payload_hash.elements));
    let mut body_hash = select_hash(builder, is_send, send_hash, transfer_hash);
    marks.part(
        builder,
        "body and message-leaf hashes, amount and address range checks",
    );

    // The signature over the body hash, by the key whose hash the sender's leaf holds. The
    // message targets are connected to the body hash below (once the execute layout is in).
    let public_key = builder.add_virtual_gfp5();
    let signature = builder.add_virtual_signature_target();
    let signed_message = builder.add_virtual_hash();
    builder.verify_schnorr(
        public_key,
        &signed_message.elements,
        &signature,
        GateStrategy::CustomGates,
    );
    marks.part(builder, "signature (verify_schnorr)");
    let key_hash = builder.hash_n_to_hash_no_pad::<PoseidonHash>(public_key.0.to_vec());

    // The sender: the signer's account, nonce equal, debited (no underflow; a message
    // execution debits nothing), nonce + 1.
    let sender = builder.add_virtual_account();
    builder.connect_hashes(key_hash, sender.pubkey_hash);
    for (&limb, &signed) in sender.address.iter().zip(&from) {
        builder.connect(limb, signed);
    }
    builder.connect(sender.nonce, nonce);
    let debit = match is_execute {
        // value (1 - is_execute), limb by limb.
        Some(e) => AmountTarget {
            hi: builder.arithmetic(-GFp::ONE, GFp::ONE, e.target, value.hi, value.hi),
            lo: builder.arithmetic(-GFp::ONE, GFp::ONE, e.target, value.lo, value.lo),
        },
        None => value,
    };
    let sender_after = AccountTarget {
        balance: builder.sub_amounts(sender.balance, debit),
        nonce: builder.increment_u32(sender.nonce),
        ..sender
    };
    marks.part(builder, "key hash, debit, nonce (arithmetic)");
    let sender_old_leaf = builder.account_leaf(&sender);
    let sender_new_leaf = builder.account_leaf(&sender_after);
    marks.part(builder, "sender leaves (old, new)");
    let sender_path = builder.add_merkle_update(sender_old_leaf, sender_new_leaf, ACCOUNT_DEPTH);
    marks.part(builder, "sender Merkle update (depth 32)");

    // The recipient of a transfer or of an executed message, credited after the debit. A
    // credit to the sender itself credits its debited leaf back at the same index.
    let recipient = build_credit(
        builder,
        to,
        value,
        None,
        None,
        running.next_account_index,
        marks,
    );

    // The outbox: a withdrawal's or a message's leaf written over the empty leaf at index
    // `outbox_count` (10 bits: at most 1024 leaves); an executed message's leaf walked up to
    // the imported root it claims.
    let withdrawal_leaf = withdrawal_leaf(builder, from, to, value);
    let new_leaf = select_hash(builder, is_send, message_leaf, withdrawal_leaf);
    let old_leaf = match is_execute {
        Some(e) => HashOutTarget {
            elements: message_leaf.elements.map(|x| builder.mul(e.target, x)),
        },
        None => HashOutTarget {
            elements: [zero; 4],
        },
    };
    let outbox_path = builder.add_merkle_update(old_leaf, new_leaf, OUTBOX_DEPTH);
    let outbox_index = builder.index_from_bits(&outbox_path.index_bits);
    connect_if(builder, is_append, outbox_index, running.outbox_count);
    connect_hash_if(
        builder,
        is_append,
        outbox_path.old_root,
        running.outbox_root,
    );
    let outbox_root = select_hash(
        builder,
        is_append,
        outbox_path.new_root,
        running.outbox_root,
    );
    let outbox_count = builder.add(running.outbox_count, is_append.target);
    marks.part(builder, "withdrawal leaf, outbox append (depth 10)");

    // A message leaves the chain: never for this chain (`(dst - chain) inv = 1`), and the
    // batch's value out grows by its value (overflow refused).
    let difference = builder.sub(dst_chain, chain_id);
    let inverse = builder.add_virtual_target();
    builder.add_simple_generator(InverseHint {
        x: difference,
        out: inverse,
    });
    let one = builder.one();
    let product = builder.arithmetic(GFp::ONE, -GFp::ONE, difference, inverse, one);
    let gated = builder.mul(is_send.target, product);
    builder.assert_zero(gated);
    let sent = limbs_times(builder, value, is_send.target);
    let value_out = builder.add_amounts(running.value_out, sent);
    marks.part(builder, "message: destination, value out (arithmetic)");

    let mut running_out = running;
    let execute = is_execute.map(|e| {
        let (target, out) = build_execute(
            builder,
            e,
            chain_id,
            &running,
            ExecuteInputs {
                message_leaf,
                dst_chain,
                value,
                outbox_path: &outbox_path,
                outbox_index,
                src_chain,
                sender: sender_address,
                message_nonce,
                first,
            },
            marks,
        );
        body_hash = select_hash(builder, e, out.body_hash, body_hash);
        running_out.nullifier_root = out.nullifier_root;
        running_out.value_in = out.value_in;
        target
    });
    builder.connect_hashes(signed_message, body_hash);

    // Applied only to a transaction: the sender's path starts at the running root, the
    // recipient's (a credit's) at the root the sender's update gave.
    connect_hash_if(builder, is_tx, sender_path.old_root, running.account_root);
    connect_hash_if(
        builder,
        is_credit,
        recipient.path.old_root,
        sender_path.new_root,
    );
    let debited = select_hash(builder, is_tx, sender_path.new_root, running.account_root);
    let account_root = select_hash(builder, is_credit, recipient.path.new_root, debited);
    let created = builder.and(is_credit, recipient.fresh);
    let next_account_index = builder.increment_u32_if(created, running.next_account_index);
    marks.part(builder, "new-account index, root chaining (arithmetic)");
    let extended = builder.hash_n_to_hash_no_pad::<PoseidonHash>(
        [running.slots_hash.elements, body_hash.elements].concat(),
    );
    let slots_hash = select_hash(builder, is_tx, extended, running.slots_hash);
    marks.part(builder, "slots hash");

    let slot = TxSlotTarget {
        is_transfer,
        is_withdraw,
        is_send,
        chain_id: body_chain_id,
        from,
        nonce,
        to,
        value,
        dst_chain,
        payload_hash,
        schnorr: SchnorrTargets {
            public_key,
            message: signed_message.elements.to_vec(),
            signature,
        },
        sender,
        sender_path,
        recipient,
        outbox_path,
        execute,
    };
    (
        slot,
        Running {
            account_root,
            next_account_index,
            slots_hash,
            outbox_root,
            outbox_count,
            value_out,
            ..running_out
        },
    )
}

/// What the message execution reads of the rest of the slot.
struct ExecuteInputs<'a> {
    message_leaf: HashOutTarget,
    dst_chain: Target,
    value: AmountTarget,
    outbox_path: &'a MerkleUpdateTarget,
    outbox_index: Target,
    src_chain: Target,
    sender: AddressTarget,
    message_nonce: Target,
    /// The body sponge after its first block.
    first: Permutation,
}

struct ExecuteOut {
    body_hash: HashOutTarget,
    nullifier_root: HashOutTarget,
    value_in: AmountTarget,
}

/// The message execution: the message is for this chain, its leaf is under an imported root
/// (`import_index < imported_count`), its nullifier goes into an empty leaf, and the batch's
/// value in grows by its value.
fn build_execute(
    builder: &mut Builder,
    is_execute: BoolTarget,
    chain_id: Target,
    running: &Running,
    inputs: ExecuteInputs<'_>,
    marks: &mut PartMarks,
) -> (ExecuteTarget, ExecuteOut) {
    connect_if(builder, is_execute, inputs.dst_chain, chain_id);
    // The outbox path (shared with the append) walks the message leaf up to `root`.
    let root = builder.add_virtual_hash();
    connect_hash_if(builder, is_execute, inputs.outbox_path.old_root, root);
    // `root` is imported: `imported_root_leaf(root)` at `import_index` of the imported-roots
    // tree, and `import_index < imported_count` (a 32-bit check of `count - 1 - index`).
    let mut leaf = vec![builder.constant(GFp::from_canonical_u64(domain::IMPORTED_ROOT_LEAF))];
    leaf.extend(root.elements);
    let imported_leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(leaf);
    let imported = builder.add_merkle_read(imported_leaf, IMPORTED_DEPTH);
    connect_hash_if(
        builder,
        is_execute,
        imported.old_root,
        running.imported_root,
    );
    let import_index = builder.index_from_bits(&imported.index_bits);
    // is_execute (count - index) - is_execute = is_execute (count - index - 1).
    let below = builder.sub(running.imported_count, import_index);
    let below = builder.arithmetic(
        GFp::ONE,
        -GFp::ONE,
        below,
        is_execute.target,
        is_execute.target,
    );
    builder.range_check_u32(below);
    marks.part(
        builder,
        "message: imported-root read (depth 32), import index",
    );

    // The nullifier at import_index * 2^10 + leaf_index: the same index bits as the two
    // paths, so no other key can be chosen; the old leaf is empty (never executed).
    let mut nullifier = vec![builder.constant(GFp::from_canonical_u64(domain::NULLIFIER_LEAF))];
    nullifier.extend(inputs.message_leaf.elements);
    let nullifier_leaf = builder.hash_n_to_hash_no_pad::<PoseidonHash>(nullifier);
    let bits: Vec<BoolTarget> = inputs
        .outbox_path
        .index_bits
        .iter()
        .chain(&imported.index_bits)
        .copied()
        .collect();
    let nullifier_siblings: Vec<HashOutTarget> = (0..NULLIFIER_DEPTH)
        .map(|_| builder.add_virtual_hash())
        .collect();
    let zero = builder.zero();
    let empty = HashOutTarget {
        elements: [zero; 4],
    };
    let (old_root, new_root) =
        builder.merkle_update_roots(empty, nullifier_leaf, &bits, &nullifier_siblings);
    connect_hash_if(builder, is_execute, old_root, running.nullifier_root);
    let nullifier_root = select_hash(builder, is_execute, new_root, running.nullifier_root);
    marks.part(builder, "message: nullifier insertion (depth 42)");

    // value_in + value (overflow refused); the body [common | message_hash | import_index |
    // leaf_index].
    let received = limbs_times(builder, inputs.value, is_execute.target);
    let value_in = builder.add_amounts(running.value_in, received);
    let mut tail = inputs.message_leaf.elements.to_vec();
    tail.push(import_index);
    tail.push(inputs.outbox_index);
    let body_hash = digest_of(&absorb(builder, inputs.first, &tail));
    marks.part(builder, "message: value in, body (arithmetic, hash)");
    (
        ExecuteTarget {
            is_execute,
            src_chain: inputs.src_chain,
            sender: inputs.sender,
            message_nonce: inputs.message_nonce,
            root,
            imported,
            nullifier_siblings,
        },
        ExecuteOut {
            body_hash,
            nullifier_root,
            value_in,
        },
    )
}

/// `1 / x`, or 0 for `x = 0` (the constraint using it then fails: a hint never refuses).
#[derive(Debug, Default)]
pub(crate) struct InverseHint {
    x: Target,
    out: Target,
}

impl SimpleGenerator<GFp, D> for InverseHint {
    fn id(&self) -> String {
        "hyperforge::InverseHint".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        vec![self.x]
    }

    fn run_once(
        &self,
        witness: &PartitionWitness<'_, GFp>,
        out_buffer: &mut GeneratedValues<GFp>,
    ) -> anyhow::Result<()> {
        let x = witness.get_target(self.x);
        out_buffer.set_target(self.out, x.try_inverse().unwrap_or(GFp::ZERO))
    }

    fn serialize(&self, dst: &mut Vec<u8>, _: &CommonCircuitData<GFp, D>) -> IoResult<()> {
        dst.write_target(self.x)?;
        dst.write_target(self.out)
    }

    fn deserialize(src: &mut Buffer<'_>, _: &CommonCircuitData<GFp, D>) -> IoResult<Self> {
        Ok(Self {
            x: src.read_target()?,
            out: src.read_target()?,
        })
    }
}

/// The transaction of a slot.
pub(super) fn tx_of(position: usize, slot: &ExpandedSlot) -> Result<&SignedTx, CircuitError> {
    match &slot.op {
        SlotOp::Tx(tx) => Ok(tx),
        other => Err(slot_kind_error(position, other)),
    }
}

/// The message a `SendMessage` sends, as `execution` builds it.
fn sent_message(tx: &SignedTx) -> Option<Message> {
    match &tx.body.kind {
        TxKind::SendMessage {
            dst_chain,
            recipient,
            value,
            payload,
        } => Some(Message {
            src_chain: tx.body.chain_id,
            sender: tx.body.from,
            nonce: tx.body.nonce,
            dst_chain: *dst_chain,
            recipient: *recipient,
            value: *value,
            payload: payload.clone(),
        }),
        _ => None,
    }
}

/// `OutboxEntry::Withdrawal { sender, l1_recipient, amount }.hash()`:
/// `[LEAF_WITHDRAWAL, sender(5), l1_recipient(5), hi, lo]`.
pub(super) fn withdrawal_leaf(
    builder: &mut Builder,
    sender: AddressTarget,
    l1_recipient: AddressTarget,
    amount: AmountTarget,
) -> HashOutTarget {
    let mut leaf = vec![builder.constant(GFp::from_canonical_u64(domain::LEAF_WITHDRAWAL))];
    leaf.extend(sender);
    leaf.extend(l1_recipient);
    leaf.extend(amount.limbs());
    builder.hash_n_to_hash_no_pad::<PoseidonHash>(leaf)
}

/// Sets `path` to append `leaf` to `outbox` (at index `outbox.len()`), and appends it.
pub(super) fn append_to_outbox(
    witness: &mut PartialWitness<GFp>,
    path: &MerkleUpdateTarget,
    outbox: &mut Vec<Digest>,
    leaf: Digest,
    position: usize,
) -> Result<(), CircuitError> {
    let index = outbox.len();
    let mut leaves = outbox.clone();
    leaves.push(leaf);
    let tree = OutboxTree::new(leaves).map_err(|_| CircuitError::OutboxFull)?;
    let proof = tree.proof(index).ok_or(CircuitError::MalformedSlot {
        slot: position,
        problem: "the appended leaf has a path",
    })?;
    path.set_path(witness, index as u64, &proof.siblings)?;
    outbox.push(leaf);
    Ok(())
}

/// The outbox leaf a transaction appends, if any (a withdrawal's or a message's).
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
        TxKind::SendMessage { .. } => sent_message(tx).map(|message| message.hash()),
        _ => None,
    }
}

/// The key that signs the dummy transfer of a no-op slot (any valid signature does: a no-op
/// applies nothing, but the signature gadget is unconditional).
fn dummy_key() -> SecretKey {
    SecretKey::from_scalar(Scalar::from_u64(0x6e6f_6f70)).expect("a non-zero scalar")
}

/// Which kind a slot proves, and the fields its layout reads.
struct Fields {
    flags: [bool; 4],
    to: Address,
    value: Amount,
    dst_chain: u64,
    payload_hash: Digest,
    /// src_chain, sender, nonce of the message (sent or executed).
    header: (u64, Address, u32),
}

impl TxSlotTarget {
    fn set_fields(
        &self,
        witness: &mut PartialWitness<GFp>,
        body: &TxBody,
        fields: &Fields,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        for (target, flag) in [self.is_transfer, self.is_withdraw, self.is_send]
            .into_iter()
            .zip(fields.flags)
        {
            witness
                .set_bool_target(target, flag)
                .map_err(witness_error)?;
        }
        witness
            .set_target(self.chain_id, GFp::from_canonical_u64(body.chain_id.get()))
            .map_err(witness_error)?;
        set_address(witness, &self.from, &body.from)?;
        witness
            .set_target(self.nonce, GFp::from_canonical_u32(body.nonce))
            .map_err(witness_error)?;
        set_address(witness, &self.to, &fields.to)?;
        self.value.set(witness, fields.value.gwei())?;
        witness
            .set_target(self.dst_chain, GFp::from_canonical_u64(fields.dst_chain))
            .map_err(witness_error)?;
        witness
            .set_hash_target(self.payload_hash, fields.payload_hash)
            .map_err(witness_error)?;
        if let Some(execute) = &self.execute {
            witness
                .set_bool_target(execute.is_execute, fields.flags[3])
                .map_err(witness_error)?;
            let (src, sender, nonce) = fields.header;
            witness
                .set_target(execute.src_chain, GFp::from_canonical_u64(src))
                .map_err(witness_error)?;
            set_address(witness, &execute.sender, &sender)?;
            witness
                .set_target(execute.message_nonce, GFp::from_canonical_u32(nonce))
                .map_err(witness_error)?;
        }
        Ok(())
    }

    /// Sets the key and signature.
    fn set_signature(
        &self,
        witness: &mut PartialWitness<GFp>,
        public_key: &PublicKey,
        signature: &Signature,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
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

    /// The message execution's paths: the imported root, its read and the nullifier
    /// siblings (all zeros for a slot that executes nothing).
    fn set_execute(
        &self,
        witness: &mut PartialWitness<GFp>,
        root: Digest,
        imported: Option<&LeafUpdate>,
        nullifier: Option<&LeafUpdate>,
        import_index: u64,
    ) -> Result<(), CircuitError> {
        let Some(execute) = &self.execute else {
            return Ok(());
        };
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        witness
            .set_hash_target(execute.root, root)
            .map_err(witness_error)?;
        let zeros = vec![ZERO_DIGEST; NULLIFIER_DEPTH];
        let imported_siblings = imported.map_or(&zeros[..IMPORTED_DEPTH], |u| &u.siblings[..]);
        execute
            .imported
            .set_path(witness, import_index, imported_siblings)?;
        let nullifier_siblings = nullifier.map_or(&zeros[..], |u| &u.siblings[..]);
        if nullifier_siblings.len() != NULLIFIER_DEPTH {
            return Err(CircuitError::PathLength {
                expected: NULLIFIER_DEPTH,
                got: nullifier_siblings.len(),
            });
        }
        for (&target, sibling) in execute.nullifier_siblings.iter().zip(nullifier_siblings) {
            witness
                .set_hash_target(target, *sibling)
                .map_err(witness_error)?;
        }
        Ok(())
    }

    /// Sets a transaction slot from its expanded witness; `outbox` is the batch's outbox
    /// so far (an append's path needs its leaves).
    pub(super) fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        position: usize,
        slot: &ExpandedSlot,
        outbox: &mut Vec<Digest>,
    ) -> Result<(), CircuitError> {
        let tx = tx_of(position, slot)?;
        let malformed = |problem| CircuitError::MalformedSlot {
            slot: position,
            problem,
        };
        let decode = |what, error| CircuitError::Decode {
            slot: position,
            what,
            error,
        };
        let body = &tx.body;
        let none = (0, Address::ZERO, 0);
        let fields = match &body.kind {
            TxKind::Transfer { to, amount } => Fields {
                flags: [true, false, false, false],
                to: *to,
                value: *amount,
                dst_chain: 0,
                payload_hash: ZERO_DIGEST,
                header: none,
            },
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => Fields {
                flags: [false, true, false, false],
                to: *l1_recipient,
                value: *amount,
                dst_chain: 0,
                payload_hash: ZERO_DIGEST,
                header: none,
            },
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => Fields {
                flags: [false, false, true, false],
                to: *recipient,
                value: *value,
                dst_chain: dst_chain.get(),
                payload_hash: payload_hash(payload),
                header: (body.chain_id.get(), body.from, body.nonce),
            },
            TxKind::ExecuteMessage { message, .. } => {
                if self.execute.is_none() {
                    return Err(slot_kind_error(position, &slot.op));
                }
                Fields {
                    flags: [false, false, false, true],
                    to: message.recipient,
                    value: message.value,
                    dst_chain: message.dst_chain.get(),
                    payload_hash: payload_hash(&message.payload),
                    header: (message.src_chain.get(), message.sender, message.nonce),
                }
            }
        };
        let public_key =
            PublicKey::from_bytes(&tx.pubkey).map_err(|e| decode("the public key", e))?;
        let signature =
            Signature::from_bytes(&tx.signature).map_err(|e| decode("the signature", e))?;
        self.set_fields(witness, body, &fields)?;
        self.set_signature(witness, &public_key, &signature)?;

        let accounts: Vec<&LeafUpdate> = slot
            .updates
            .iter()
            .filter(|u| u.change.tree == TreeId::Accounts)
            .collect();
        let sender_update = *accounts
            .first()
            .ok_or_else(|| malformed("a transaction changes the sender's leaf first"))?;
        let sender = sender_update
            .change
            .old_account
            .ok_or_else(|| malformed("the sender's update carries no account"))?;
        self.sender.set(witness, &sender)?;
        self.sender_path
            .set_path(witness, sender_update.change.index, &sender_update.siblings)?;
        let find = |tree| slot.updates.iter().find(|u| u.change.tree == tree);
        let (imported, nullifier) = (find(TreeId::Imported), find(TreeId::Nullifiers));

        let zeros = vec![ZERO_DIGEST; ACCOUNT_DEPTH];
        let dummy_credit = |witness: &mut PartialWitness<GFp>| {
            self.recipient
                .set_parts(witness, &Account::new(fields.to), false, 0, &zeros)
        };
        // A credit back to the sender: its debited leaf, at its index.
        let self_credit = |witness: &mut PartialWitness<GFp>, debit: u64| {
            let debited = Account {
                balance: Amount::from_gwei(sender.balance.gwei().wrapping_sub(debit)),
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
        };
        match &body.kind {
            TxKind::Withdraw { .. } | TxKind::SendMessage { .. } => {
                // The next leaf of the outbox; the credit is a dummy, not applied.
                let leaf = outbox_leaf(tx).ok_or(malformed("an outbox entry has a leaf"))?;
                append_to_outbox(witness, &self.outbox_path, outbox, leaf, position)?;
                if slot.updates.len() != 1 {
                    return Err(malformed("an outbox entry changes the sender's leaf only"));
                }
                self.set_execute(witness, ZERO_DIGEST, None, None, 0)?;
                dummy_credit(witness)
            }
            TxKind::Transfer { to, amount } => {
                self.outbox_path
                    .set_path(witness, 0, &[ZERO_DIGEST; OUTBOX_DEPTH])?;
                self.set_execute(witness, ZERO_DIGEST, None, None, 0)?;
                match accounts.get(1) {
                    // A self-transfer writes one leaf; the circuit credits the debited leaf back.
                    None if *to == body.from && slot.updates.len() == 1 => {
                        self_credit(witness, amount.gwei())
                    }
                    Some(update) if slot.updates.len() == 2 => {
                        self.recipient.set(witness, update, *to)
                    }
                    _ => Err(malformed(
                        "a transfer changes the sender's and the recipient's leaves",
                    )),
                }
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                siblings,
            } => {
                let path = outbox_path(*leaf_index, siblings);
                self.outbox_path
                    .set_path(witness, path.index, &path.siblings)?;
                let root = path.root_for(message.hash());
                let (Some(imported), Some(nullifier)) = (imported, nullifier) else {
                    return Err(malformed(
                        "a message execution reads an imported root and writes a nullifier",
                    ));
                };
                self.set_execute(
                    witness,
                    root,
                    Some(imported),
                    Some(nullifier),
                    u64::from(*import_index),
                )?;
                match accounts.get(1) {
                    None if message.recipient == body.from && slot.updates.len() == 3 => {
                        self_credit(witness, 0)
                    }
                    Some(update) if slot.updates.len() == 4 => {
                        self.recipient.set(witness, update, message.recipient)
                    }
                    _ => Err(malformed(
                        "a message execution changes the sender's and the recipient's leaves",
                    )),
                }
            }
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
        let fields = Fields {
            flags: [false; 4],
            to: Address::ZERO,
            value: Amount::ZERO,
            dst_chain: 0,
            payload_hash: ZERO_DIGEST,
            header: (0, Address::ZERO, 0),
        };
        self.set_fields(witness, &body, &fields)?;
        self.set_signature(witness, &public_key, &signature)?;
        self.outbox_path
            .set_path(witness, 0, &[ZERO_DIGEST; OUTBOX_DEPTH])?;
        self.set_execute(witness, ZERO_DIGEST, None, None, 0)?;
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
