//! [`ChunkCircuit`]: a fixed number of block slots proven together, from the witness
//! `execution` writes (`BlockWitness::expand`): import slots (a message root or no-op),
//! priority slots (`Deposit`, `RegisterKey` or no-op), transaction slots (a signed
//! `Transfer`, `Withdraw` or `SendMessage`, or no-op), then execute slots (any of those or an
//! `ExecuteMessage`). Built once per [`ChunkShape`], proven many times. The layout, the public inputs and what each constraint
//! guarantees are in the crate docs ("The chunk circuit").

use hyperforge_crypto::GFp;
use hyperforge_primitives::block::{next_slots_hash, slots_hash_seed};
use hyperforge_primitives::bridge::{
    MESSAGE_QUEUE_SEED, OutboxTree, PRIORITY_SEED, StateCommitment, ZERO_DIGEST,
    next_message_commitment, next_priority_commitment,
};
use hyperforge_primitives::domain;
use hyperforge_primitives::merkle::{ACCOUNT_TREE_DEPTH, TreeId};
use hyperforge_primitives::tx::{Digest, TxKind, imported_root_leaf};
use hyperforge_primitives::witness::{ExpandedSlot, SlotOp};
use hyperforge_primitives::{Amount, ChainId};
use plonky2::field::types::{Field, PrimeField64};
use plonky2::hash::hash_types::{HashOut, HashOutTarget};
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};
use plonky2::plonk::proof::ProofWithPublicInputs;

use crate::amount::AmountTarget;
use crate::error::CircuitError;
use crate::schnorr::RowsByPart;
use crate::{Builder, Config, D};
pub use cache::{CHUNK_CIRCUIT_VERSION, source_digest};
use import::{ImportSlotTarget, build_import_slot};
use priority::{PriorityOutcome, PrioritySlotTarget, build_priority_slot, priority_outcome};
pub(crate) use tx::InverseHint;
use tx::{TxSlotTarget, build_tx_slot, outbox_leaf, tx_of};

/// Field elements of a chunk proof's public inputs ([`ChunkPublicInputs::to_elements`]).
pub const PUBLIC_INPUTS_PER_CHUNK: usize = 53;

const ACCOUNT_DEPTH: usize = ACCOUNT_TREE_DEPTH as usize;

/// Where a chunk starts (or ends): the state commitment's fields and every running value a
/// chunk extends. Consecutive chunks of a batch chain these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkState {
    /// The chain.
    pub chain_id: ChainId,
    /// The state commitment (its root is public; its fields are not).
    pub state: StateCommitment,
    /// The block's rolling `slots_hash` so far (`seed(SLOTS)` at a block's first slot).
    pub slots_hash: Digest,
    /// The priority queue commitment `c_i` before the chunk's next operation.
    pub priority_commitment: Digest,
    /// The message root queue commitment `m_i` before the chunk's next import.
    pub imports_commitment: Digest,
    /// The batch's outbox leaves so far (the circuit sees their count and root; the witness
    /// needs the leaves for the next append's path).
    pub outbox: Vec<Digest>,
    /// The value the batch's messages sent out so far.
    pub value_out: Amount,
    /// The value the messages the batch executed brought in so far.
    pub value_in: Amount,
}

impl ChunkState {
    /// The first chunk of a block that starts a batch from a fresh queue: empty slots hash,
    /// outbox and value flows; queue commitments at their seeds (set them for a later batch).
    pub fn block_start(chain_id: ChainId, state: StateCommitment) -> Self {
        Self {
            chain_id,
            state,
            slots_hash: slots_hash_seed(),
            priority_commitment: *PRIORITY_SEED,
            imports_commitment: *MESSAGE_QUEUE_SEED,
            outbox: Vec::new(),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
        }
    }

    /// Leaves in the batch's outbox so far.
    pub fn outbox_count(&self) -> u64 {
        self.outbox.len() as u64
    }

    /// The batch's outbox root so far (refuses more than 1024 leaves).
    pub fn outbox_root(&self) -> Result<Digest, CircuitError> {
        OutboxTree::new(self.outbox.clone())
            .map(|tree| tree.root())
            .map_err(|_| CircuitError::OutboxFull)
    }

    /// Where a chunk of `slots` that starts here ends, computed natively from the witness
    /// (what its proof's "after" public inputs must be).
    pub fn after(&self, slots: &[ExpandedSlot]) -> Result<Self, CircuitError> {
        let mut end = self.clone();
        let overflow = |position| CircuitError::MalformedSlot {
            slot: position,
            problem: "the batch's value flow overflows",
        };
        for (position, slot) in slots.iter().enumerate() {
            let slot_hash = match &slot.op {
                SlotOp::Import(root) => {
                    end.imports_commitment = next_message_commitment(end.imports_commitment, *root);
                    end.state.imported_count += 1;
                    imported_root_leaf(root)
                }
                SlotOp::Priority(op) => {
                    end.priority_commitment =
                        next_priority_commitment(end.priority_commitment, op.hash());
                    // A failed deposit is refunded through the outbox.
                    if let Some(leaf) = priority_outcome(slot).refund {
                        end.outbox.push(leaf);
                    }
                    op.hash()
                }
                SlotOp::Tx(_) => {
                    let tx = tx_of(position, slot)?;
                    if let Some(leaf) = outbox_leaf(tx) {
                        end.outbox.push(leaf);
                    }
                    match &tx.body.kind {
                        TxKind::SendMessage { value, .. } => {
                            end.value_out = end
                                .value_out
                                .checked_add(*value)
                                .ok_or(overflow(position))?;
                        }
                        TxKind::ExecuteMessage { message, .. } => {
                            end.value_in = end
                                .value_in
                                .checked_add(message.value)
                                .ok_or(overflow(position))?;
                        }
                        TxKind::Transfer { .. } | TxKind::Withdraw { .. } => {}
                    }
                    tx.body.hash()
                }
            };
            end.slots_hash = next_slots_hash(end.slots_hash, slot_hash);
            for update in &slot.updates {
                let change = &update.change;
                if change.tree == TreeId::Accounts && change.old_leaf == ZERO_DIGEST {
                    end.state.next_account_index += 1;
                }
            }
            end.state.account_root = slot.roots_after[TreeId::Accounts.position()];
            end.state.nullifier_root = slot.roots_after[TreeId::Nullifiers.position()];
            end.state.imported_root = slot.roots_after[TreeId::Imported.position()];
        }
        Ok(end)
    }
}

/// A chunk proof's public inputs, in [`Self::to_elements`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkPublicInputs {
    /// The chain (every transaction's chain id equals it).
    pub chain_id: u64,
    /// `StateCommitment::root` before the chunk.
    pub state_root_before: Digest,
    /// `StateCommitment::root` after it.
    pub state_root_after: Digest,
    /// The block's rolling slots hash before the chunk.
    pub slots_hash_before: Digest,
    /// And after it.
    pub slots_hash_after: Digest,
    /// Priority operations the chunk consumed.
    pub priority_count: u64,
    /// The priority queue commitment before them.
    pub priority_before: Digest,
    /// And after them.
    pub priority_after: Digest,
    /// Message roots the chunk imported.
    pub imports_count: u64,
    /// The message root queue commitment before them.
    pub imports_before: Digest,
    /// And after them.
    pub imports_after: Digest,
    /// Outbox leaves before the chunk.
    pub outbox_count_before: u64,
    /// The outbox root before the chunk.
    pub outbox_root_before: Digest,
    /// Outbox leaves after it.
    pub outbox_count_after: u64,
    /// The outbox root after it.
    pub outbox_root_after: Digest,
    /// Value sent out by the batch's messages, before the chunk.
    pub value_out_before: Amount,
    /// And after it.
    pub value_out_after: Amount,
    /// Value brought in by the messages the batch executed, before the chunk.
    pub value_in_before: Amount,
    /// And after it.
    pub value_in_after: Amount,
}

impl ChunkPublicInputs {
    /// The public inputs of a chunk from `before` to `after` that consumed `priority_count`
    /// operations and `imports_count` message roots.
    pub fn new(
        before: &ChunkState,
        after: &ChunkState,
        priority_count: u64,
        imports_count: u64,
    ) -> Result<Self, CircuitError> {
        Ok(Self {
            chain_id: before.chain_id.get(),
            state_root_before: before.state.root(),
            state_root_after: after.state.root(),
            slots_hash_before: before.slots_hash,
            slots_hash_after: after.slots_hash,
            priority_count,
            priority_before: before.priority_commitment,
            priority_after: after.priority_commitment,
            imports_count,
            imports_before: before.imports_commitment,
            imports_after: after.imports_commitment,
            outbox_count_before: before.outbox_count(),
            outbox_root_before: before.outbox_root()?,
            outbox_count_after: after.outbox_count(),
            outbox_root_after: after.outbox_root()?,
            value_out_before: before.value_out,
            value_out_after: after.value_out,
            value_in_before: before.value_in,
            value_in_after: after.value_in,
        })
    }

    /// The 53 elements: chain id, state root before (4) and after (4), slots hash before (4)
    /// and after (4), priority count, priority commitment before (4) and after (4), imports
    /// count, imports commitment before (4) and after (4), outbox count before, outbox root
    /// before (4), outbox count after, outbox root after (4), value out before (2: high, low)
    /// and after (2), value in before (2) and after (2).
    pub fn to_elements(&self) -> Vec<GFp> {
        let mut out = Vec::with_capacity(PUBLIC_INPUTS_PER_CHUNK);
        let felt = GFp::from_canonical_u64;
        out.push(felt(self.chain_id));
        for digest in [
            self.state_root_before,
            self.state_root_after,
            self.slots_hash_before,
            self.slots_hash_after,
        ] {
            out.extend(digest.elements);
        }
        out.push(felt(self.priority_count));
        out.extend(self.priority_before.elements);
        out.extend(self.priority_after.elements);
        out.push(felt(self.imports_count));
        out.extend(self.imports_before.elements);
        out.extend(self.imports_after.elements);
        out.push(felt(self.outbox_count_before));
        out.extend(self.outbox_root_before.elements);
        out.push(felt(self.outbox_count_after));
        out.extend(self.outbox_root_after.elements);
        for amount in [
            self.value_out_before,
            self.value_out_after,
            self.value_in_before,
            self.value_in_after,
        ] {
            out.push(felt(amount.gwei() >> 32));
            out.push(felt(amount.gwei() & 0xffff_ffff));
        }
        out
    }

    /// Reads [`Self::to_elements`]' layout (a proof's `public_inputs`).
    pub fn from_elements(elements: &[GFp]) -> Result<Self, CircuitError> {
        if elements.len() != PUBLIC_INPUTS_PER_CHUNK {
            return Err(CircuitError::ProofBytes(format!(
                "{} public inputs, a chunk proof has {PUBLIC_INPUTS_PER_CHUNK}",
                elements.len()
            )));
        }
        let mut reader = Reader { elements, at: 0 };
        let mut next = || reader.next();
        Ok(Self {
            chain_id: next(),
            state_root_before: reader_digest(&mut next),
            state_root_after: reader_digest(&mut next),
            slots_hash_before: reader_digest(&mut next),
            slots_hash_after: reader_digest(&mut next),
            priority_count: next(),
            priority_before: reader_digest(&mut next),
            priority_after: reader_digest(&mut next),
            imports_count: next(),
            imports_before: reader_digest(&mut next),
            imports_after: reader_digest(&mut next),
            outbox_count_before: next(),
            outbox_root_before: reader_digest(&mut next),
            outbox_count_after: next(),
            outbox_root_after: reader_digest(&mut next),
            value_out_before: reader_amount(&mut next),
            value_out_after: reader_amount(&mut next),
            value_in_before: reader_amount(&mut next),
            value_in_after: reader_amount(&mut next),
        })
    }
}

/// Reads public input elements in order.
struct Reader<'a> {
    elements: &'a [GFp],
    at: usize,
}

impl Reader<'_> {
    fn next(&mut self) -> u64 {
        self.at += 1;
        self.elements[self.at - 1].to_canonical_u64()
    }
}

fn reader_digest(next: &mut impl FnMut() -> u64) -> Digest {
    HashOut {
        elements: [(); 4].map(|()| GFp::from_canonical_u64(next())),
    }
}

fn reader_amount(next: &mut impl FnMut() -> u64) -> Amount {
    let hi = next();
    Amount::from_gwei((hi << 32) | next())
}

/// A proof of a [`ChunkCircuit`].
#[derive(Debug, Clone)]
pub struct ChunkProof(pub ProofWithPublicInputs<GFp, Config, D>);

impl ChunkProof {
    /// Its public inputs.
    pub fn public_inputs(&self) -> Result<ChunkPublicInputs, CircuitError> {
        ChunkPublicInputs::from_elements(&self.0.public_inputs)
    }

    /// plonky2's proof encoding (public inputs included).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// Reads [`Self::to_bytes`]'s form for `circuit`.
    pub fn from_bytes(bytes: Vec<u8>, circuit: &ChunkCircuit) -> Result<Self, CircuitError> {
        ProofWithPublicInputs::from_bytes(bytes, &circuit.data.common)
            .map(Self)
            .map_err(|e| CircuitError::ProofBytes(e.to_string()))
    }
}

/// The state commitment's fields in circuit.
#[derive(Clone, Copy, Debug)]
struct StateTarget {
    account_root: HashOutTarget,
    nullifier_root: HashOutTarget,
    imported_root: HashOutTarget,
    next_account_index: Target,
    imported_count: Target,
}

impl StateTarget {
    fn add_virtual(builder: &mut Builder) -> Self {
        Self {
            account_root: builder.add_virtual_hash(),
            nullifier_root: builder.add_virtual_hash(),
            imported_root: builder.add_virtual_hash(),
            next_account_index: builder.add_virtual_target(),
            imported_count: builder.add_virtual_target(),
        }
    }

    /// `hash_no_pad([STATE_ROOT, account_root, nullifier_root, imported_root, next, count])`.
    fn root(&self, builder: &mut Builder) -> HashOutTarget {
        let mut elements = vec![builder.constant(GFp::from_canonical_u64(domain::STATE_ROOT))];
        elements.extend(self.account_root.elements);
        elements.extend(self.nullifier_root.elements);
        elements.extend(self.imported_root.elements);
        elements.push(self.next_account_index);
        elements.push(self.imported_count);
        builder.hash_n_to_hash_no_pad::<PoseidonHash>(elements)
    }

    fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        state: &StateCommitment,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        for (target, digest) in [
            (self.account_root, state.account_root),
            (self.nullifier_root, state.nullifier_root),
            (self.imported_root, state.imported_root),
        ] {
            witness
                .set_hash_target(target, digest)
                .map_err(witness_error)?;
        }
        witness
            .set_target(
                self.next_account_index,
                GFp::from_canonical_u32(state.next_account_index),
            )
            .map_err(witness_error)?;
        witness
            .set_target(
                self.imported_count,
                GFp::from_noncanonical_u64(state.imported_count),
            )
            .map_err(witness_error)
    }
}

/// The running values slots read and write.
#[derive(Clone, Copy, Debug)]
struct Running {
    account_root: HashOutTarget,
    next_account_index: Target,
    nullifier_root: HashOutTarget,
    imported_root: HashOutTarget,
    imported_count: Target,
    slots_hash: HashOutTarget,
    priority_commitment: HashOutTarget,
    priority_count: Target,
    imports_commitment: HashOutTarget,
    imports_count: Target,
    outbox_root: HashOutTarget,
    outbox_count: Target,
    value_out: AmountTarget,
    value_in: AmountTarget,
}

/// `a + b (c - a)`: `c` if `b`, else `a`; two operations an element.
fn select_hash(
    builder: &mut Builder,
    b: BoolTarget,
    c: HashOutTarget,
    a: HashOutTarget,
) -> HashOutTarget {
    HashOutTarget {
        elements: [0, 1, 2, 3].map(|i| {
            let delta = builder.sub(c.elements[i], a.elements[i]);
            builder.arithmetic(GFp::ONE, GFp::ONE, b.target, delta, a.elements[i])
        }),
    }
}

/// Constrains `b (x - y) = 0`: `x = y` if `b`.
fn connect_if(builder: &mut Builder, b: BoolTarget, x: Target, y: Target) {
    let delta = builder.sub(x, y);
    let gated = builder.mul(b.target, delta);
    builder.assert_zero(gated);
}

fn connect_hash_if(builder: &mut Builder, b: BoolTarget, x: HashOutTarget, y: HashOutTarget) {
    for i in 0..4 {
        connect_if(builder, b, x.elements[i], y.elements[i]);
    }
}

/// Marks rows by part while one slot is built.
struct PartMarks {
    rows: RowsByPart,
    mark: usize,
}

impl PartMarks {
    fn new(builder: &Builder) -> Self {
        Self {
            rows: RowsByPart::default(),
            mark: builder.num_gates(),
        }
    }

    fn part(&mut self, builder: &Builder, name: &'static str) {
        let now = builder.num_gates();
        self.rows.0.push((name, now - self.mark));
        self.mark = now;
    }
}

/// The refusal of a slot of a kind that has no slot (or not this one) in the chunk.
fn slot_kind_error(position: usize, op: &SlotOp) -> CircuitError {
    let kind = match op {
        SlotOp::Tx(tx) => match tx.body.kind {
            TxKind::ExecuteMessage { .. } => "ExecuteMessage outside an execute slot",
            _ => "a transaction here",
        },
        SlotOp::Priority(_) => "a priority operation here",
        SlotOp::Import(_) => "a message root import here",
    };
    CircuitError::UnsupportedSlot {
        slot: position,
        kind,
    }
}

/// How many slots of each kind a chunk has, in this order (a block's order: imports,
/// priority operations, transactions): import slots, priority slots, transaction slots,
/// execute slots. Every slot may be a no-op, so a chunk proves any run of a block's slots
/// that fits this layout in order ([`ChunkShape::fit`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChunkShape {
    /// Message root imports or no-op slots (about 70 rows each).
    pub import_slots: usize,
    /// `Deposit`, `RegisterKey` or no-op slots (about 80 rows each).
    pub priority_slots: usize,
    /// Signed `Transfer`, `Withdraw`, `SendMessage` or no-op slots (about 560 rows each).
    pub tx_slots: usize,
    /// Transaction slots that can also hold an `ExecuteMessage` (about 690 rows each).
    pub execute_slots: usize,
}

impl ChunkShape {
    /// `tx_slots` transaction slots and nothing else.
    pub fn transfers(tx_slots: usize) -> Self {
        Self {
            tx_slots,
            ..Self::default()
        }
    }

    /// Every slot of the chunk.
    pub fn capacity(&self) -> usize {
        self.import_slots + self.priority_slots + self.tx_slots + self.execute_slots
    }

    /// How many of `slots` (consecutive slots of a block, in block order) one chunk of this
    /// shape proves from the first: imports into the import slots, then priority operations
    /// into the priority slots, then transactions into the transaction slots up to the first
    /// `ExecuteMessage`, then any transactions into the execute slots. A block is proven by
    /// chunks covering `slots[..fit]`, then the rest from there.
    pub fn fit(&self, slots: &[ExpandedSlot]) -> usize {
        self.assign(slots).len()
    }

    /// A block's slots (in block order) as the consecutive runs chunks of this shape prove,
    /// each `fit` long; an empty block is one empty chunk. Refuses a slot no chunk of this
    /// shape holds (a kind with no slots).
    pub fn split<'a>(
        &self,
        slots: &'a [ExpandedSlot],
    ) -> Result<Vec<&'a [ExpandedSlot]>, CircuitError> {
        let mut chunks = Vec::new();
        let mut rest = slots;
        while !rest.is_empty() || chunks.is_empty() {
            let fit = self.fit(rest);
            if fit == 0 && !rest.is_empty() {
                return Err(CircuitError::SlotLayout {
                    fit: slots.len() - rest.len(),
                });
            }
            let (chunk, tail) = rest.split_at(fit);
            chunks.push(chunk);
            rest = tail;
        }
        Ok(chunks)
    }

    /// The slot kind and index within the kind of each of the first slots that fit.
    fn assign(&self, slots: &[ExpandedSlot]) -> Vec<(SlotKind, usize)> {
        let mut out = Vec::with_capacity(slots.len());
        let mut used = [0usize; 4];
        let capacity = [
            self.import_slots,
            self.priority_slots,
            self.tx_slots,
            self.execute_slots,
        ];
        // The earliest kind a slot may still go to: slots only move forward.
        let mut earliest = SlotKind::Import;
        for slot in slots {
            let (first, last) = match &slot.op {
                SlotOp::Import(_) => (SlotKind::Import, SlotKind::Import),
                SlotOp::Priority(_) => (SlotKind::Priority, SlotKind::Priority),
                SlotOp::Tx(tx) if matches!(tx.body.kind, TxKind::ExecuteMessage { .. }) => {
                    (SlotKind::Execute, SlotKind::Execute)
                }
                SlotOp::Tx(_) => (SlotKind::Tx, SlotKind::Execute),
            };
            let start = first.max(earliest);
            let Some(kind) = [start, SlotKind::Execute]
                .into_iter()
                .filter(|&kind| kind <= last)
                .find(|&kind| used[kind as usize] < capacity[kind as usize])
            else {
                break;
            };
            out.push((kind, used[kind as usize]));
            used[kind as usize] += 1;
            earliest = kind;
        }
        out
    }
}

/// The four slot kinds, in layout order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SlotKind {
    Import = 0,
    Priority = 1,
    Tx = 2,
    Execute = 3,
}

/// The chunk circuit for a fixed [`ChunkShape`], built once.
#[derive(Debug)]
pub struct ChunkCircuit {
    /// The built circuit.
    pub data: CircuitData<GFp, Config, D>,
    /// Rows before padding.
    pub rows: usize,
    /// Rows of each part of the first slot of each kind: transaction, execute, priority,
    /// import (rows of shared gates are counted where first opened).
    pub rows_by_part: RowsByPart,
    shape: ChunkShape,
    targets: ChunkTargets,
}

/// Every target a witness sets.
#[derive(Debug)]
struct ChunkTargets {
    chain_id: Target,
    state_before: StateTarget,
    slots_hash_before: HashOutTarget,
    priority_before: HashOutTarget,
    imports_before: HashOutTarget,
    outbox_count: Target,
    outbox_root: HashOutTarget,
    value_out: AmountTarget,
    value_in: AmountTarget,
    imports: Vec<ImportSlotTarget>,
    priority: Vec<PrioritySlotTarget>,
    txs: Vec<TxSlotTarget>,
    executes: Vec<TxSlotTarget>,
    /// The public inputs, in [`ChunkPublicInputs::to_elements`] order (a cached circuit's
    /// must be these).
    public_inputs: Vec<Target>,
}

fn unbuilt(shape: ChunkShape) -> (Builder, ChunkTargets, RowsByPart) {
    let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
    let chain_id = builder.add_virtual_target();
    let state_before = StateTarget::add_virtual(&mut builder);
    let slots_hash_before = builder.add_virtual_hash();
    let priority_before = builder.add_virtual_hash();
    let imports_before = builder.add_virtual_hash();
    let outbox_count = builder.add_virtual_target();
    let outbox_root = builder.add_virtual_hash();
    // Running totals, passed on: every chunk's limbs come from the previous chunk's (or the
    // batch's zero start) and only checked arithmetic changes them.
    let value_out = AmountTarget {
        hi: builder.add_virtual_target(),
        lo: builder.add_virtual_target(),
    };
    let value_in = AmountTarget {
        hi: builder.add_virtual_target(),
        lo: builder.add_virtual_target(),
    };
    let root_before = state_before.root(&mut builder);

    let zero = builder.zero();
    let mut running = Running {
        account_root: state_before.account_root,
        next_account_index: state_before.next_account_index,
        nullifier_root: state_before.nullifier_root,
        imported_root: state_before.imported_root,
        imported_count: state_before.imported_count,
        slots_hash: slots_hash_before,
        priority_commitment: priority_before,
        priority_count: zero,
        imports_commitment: imports_before,
        imports_count: zero,
        outbox_root,
        outbox_count,
        value_out,
        value_in,
    };
    // Rows by part of the first slot of each kind: transaction, execute, priority, import.
    let mut parts = [
        RowsByPart::default(),
        RowsByPart::default(),
        RowsByPart::default(),
        RowsByPart::default(),
    ];
    let mut imports = Vec::with_capacity(shape.import_slots);
    for i in 0..shape.import_slots {
        let mut marks = PartMarks::new(&builder);
        let (slot, out) = build_import_slot(&mut builder, running, &mut marks);
        if i == 0 {
            parts[3] = marks.rows;
        }
        imports.push(slot);
        running = out;
    }
    let mut priority = Vec::with_capacity(shape.priority_slots);
    for i in 0..shape.priority_slots {
        let mut marks = PartMarks::new(&builder);
        let (slot, out) = build_priority_slot(&mut builder, running, &mut marks);
        if i == 0 {
            parts[2] = marks.rows;
        }
        priority.push(slot);
        running = out;
    }
    let mut txs = Vec::with_capacity(shape.tx_slots);
    let mut executes = Vec::with_capacity(shape.execute_slots);
    for (execute, count) in [(false, shape.tx_slots), (true, shape.execute_slots)] {
        for i in 0..count {
            let mut marks = PartMarks::new(&builder);
            let (slot, out) = build_tx_slot(&mut builder, chain_id, running, execute, &mut marks);
            if i == 0 {
                parts[usize::from(execute)] = marks.rows;
            }
            if execute {
                executes.push(slot);
            } else {
                txs.push(slot);
            }
            running = out;
        }
    }
    let rows_by_part = RowsByPart(parts.into_iter().flat_map(|p| p.0).collect());
    let state_after = StateTarget {
        account_root: running.account_root,
        nullifier_root: running.nullifier_root,
        imported_root: running.imported_root,
        next_account_index: running.next_account_index,
        imported_count: running.imported_count,
    };
    let root_after = state_after.root(&mut builder);

    // The layout of `ChunkPublicInputs::to_elements`.
    let mut public_inputs = Vec::with_capacity(PUBLIC_INPUTS_PER_CHUNK);
    public_inputs.push(chain_id);
    public_inputs.extend(root_before.elements);
    public_inputs.extend(root_after.elements);
    public_inputs.extend(slots_hash_before.elements);
    public_inputs.extend(running.slots_hash.elements);
    public_inputs.push(running.priority_count);
    public_inputs.extend(priority_before.elements);
    public_inputs.extend(running.priority_commitment.elements);
    public_inputs.push(running.imports_count);
    public_inputs.extend(imports_before.elements);
    public_inputs.extend(running.imports_commitment.elements);
    public_inputs.push(outbox_count);
    public_inputs.extend(outbox_root.elements);
    public_inputs.push(running.outbox_count);
    public_inputs.extend(running.outbox_root.elements);
    for amount in [value_out, running.value_out, value_in, running.value_in] {
        public_inputs.extend(amount.limbs());
    }
    builder.register_public_inputs(&public_inputs);
    let targets = ChunkTargets {
        chain_id,
        state_before,
        slots_hash_before,
        priority_before,
        imports_before,
        outbox_count,
        outbox_root,
        value_out,
        value_in,
        imports,
        priority,
        txs,
        executes,
        public_inputs,
    };
    (builder, targets, rows_by_part)
}

/// Rows of a chunk circuit of this shape (before padding) without building it: cheap.
pub fn count_rows(shape: ChunkShape) -> (usize, RowsByPart) {
    let (builder, _, rows_by_part) = unbuilt(shape);
    (builder.num_gates(), rows_by_part)
}

impl ChunkCircuit {
    /// Builds the circuit (about as costly as one proof); [`Self::load_or_build`] reads it
    /// from a cache instead.
    pub fn build(shape: ChunkShape) -> Self {
        let (builder, targets, rows_by_part) = unbuilt(shape);
        let rows = builder.num_gates();
        Self {
            data: builder.build::<Config>(),
            rows,
            rows_by_part,
            shape,
            targets,
        }
    }

    /// Its shape.
    pub fn shape(&self) -> ChunkShape {
        self.shape
    }

    /// The witness of a chunk starting at `start` with `slots`, placed as
    /// [`ChunkShape::fit`] says (every unused slot a no-op). Only the shape of the witness is
    /// checked here; whether it is a valid transition is for the constraints to decide, so a
    /// lying witness fails to prove, not to convert.
    pub fn witness(
        &self,
        start: &ChunkState,
        slots: &[ExpandedSlot],
    ) -> Result<PartialWitness<GFp>, CircuitError> {
        self.witness_with(start, slots, &priority_outcome)
    }

    /// [`Self::witness`] with the outcome of each priority slot (credit or failure, and the
    /// refund) given by `outcome` rather than read from the slot (tests tell lies with it).
    fn witness_with(
        &self,
        start: &ChunkState,
        slots: &[ExpandedSlot],
        outcome: &dyn Fn(&ExpandedSlot) -> PriorityOutcome,
    ) -> Result<PartialWitness<GFp>, CircuitError> {
        let assignment = self.shape.assign(slots);
        if assignment.len() < slots.len() {
            return Err(if slots.len() > self.shape.capacity() {
                CircuitError::TooManySlots {
                    capacity: self.shape.capacity(),
                    got: slots.len(),
                }
            } else {
                CircuitError::SlotLayout {
                    fit: assignment.len(),
                }
            });
        }
        let t = &self.targets;
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        let mut witness = PartialWitness::new();
        witness
            .set_target(t.chain_id, GFp::from_canonical_u64(start.chain_id.get()))
            .map_err(witness_error)?;
        t.state_before.set(&mut witness, &start.state)?;
        for (target, digest) in [
            (t.slots_hash_before, start.slots_hash),
            (t.priority_before, start.priority_commitment),
            (t.imports_before, start.imports_commitment),
            (t.outbox_root, start.outbox_root()?),
        ] {
            witness
                .set_hash_target(target, digest)
                .map_err(witness_error)?;
        }
        witness
            .set_target(
                t.outbox_count,
                GFp::from_canonical_u64(start.outbox_count()),
            )
            .map_err(witness_error)?;
        t.value_out.set(&mut witness, start.value_out.gwei())?;
        t.value_in.set(&mut witness, start.value_in.gwei())?;
        let at = |kind: SlotKind, index: usize| {
            assignment
                .iter()
                .position(|&placed| placed == (kind, index))
        };
        for (index, target) in t.imports.iter().enumerate() {
            match at(SlotKind::Import, index) {
                Some(position) => target.set(&mut witness, position, &slots[position])?,
                None => target.set_noop(&mut witness)?,
            }
        }
        let mut outbox = start.outbox.clone();
        for (index, target) in t.priority.iter().enumerate() {
            match at(SlotKind::Priority, index) {
                Some(position) => {
                    let slot = &slots[position];
                    target.set(&mut witness, position, slot, outcome(slot), &mut outbox)?
                }
                None => target.set_noop(&mut witness)?,
            }
        }
        for (kind, targets) in [(SlotKind::Tx, &t.txs), (SlotKind::Execute, &t.executes)] {
            for (index, target) in targets.iter().enumerate() {
                match at(kind, index) {
                    Some(position) => {
                        target.set(&mut witness, position, &slots[position], &mut outbox)?
                    }
                    None => target.set_noop(&mut witness, start.chain_id)?,
                }
            }
        }
        Ok(witness)
    }

    /// Proves a chunk starting at `start` with `slots`.
    pub fn prove(
        &self,
        start: &ChunkState,
        slots: &[ExpandedSlot],
    ) -> Result<ChunkProof, CircuitError> {
        let witness = self.witness(start, slots)?;
        self.data
            .prove(witness)
            .map(ChunkProof)
            .map_err(|e| CircuitError::Prove(e.to_string()))
    }

    /// Verifies a proof.
    pub fn verify(&self, proof: &ChunkProof) -> Result<(), CircuitError> {
        self.data
            .verify(proof.0.clone())
            .map_err(|e| CircuitError::Verify(e.to_string()))
    }
}

mod cache;
mod credit;
mod import;
mod priority;
mod tx;

#[cfg(test)]
mod tests;
