//! Planning a sealed batch into jobs, natively: its blocks' witnesses split into chunks of
//! the circuit's shape (block by block), the tree of step jobs over them (neighbours joined
//! level by level, an odd last node carried up unchanged, as `BatchCircuits::prove_batch`
//! does), and what every proof must state.

use std::ops::Range;

use hyperforge_circuits::{
    ChunkPublicInputs, ChunkShape, ChunkState,
    recursion::{SegmentPublicInputs, batch::pubdata_seed},
};
use hyperforge_primitives::{
    block::{BatchRecord, slots_hash_seed},
    bridge::BatchPublicInputs,
    tx::Digest,
    witness::{BlockWitness, SlotOp},
};

use crate::{
    error::ProverError,
    job::{ChunkJob, Expected, join_segments},
};

/// One chunk of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkPlan {
    /// Its block.
    pub block: u64,
    /// Its slots: indices into the block's expanded slots.
    pub slots: Range<usize>,
    /// Where it starts.
    pub start: ChunkState,
    /// Whether it is its block's last chunk.
    pub ends_block: bool,
    /// The batch's pubdata fold before it.
    pub pubdata_before: Digest,
    /// What its leaf proof must state.
    pub segment: SegmentPublicInputs,
}

impl ChunkPlan {
    /// The chunk job, with its block's witness.
    pub fn job(&self, witness: BlockWitness) -> ChunkJob {
        ChunkJob {
            block: self.block,
            start: self.start.clone(),
            slots: self.slots.clone(),
            ends_block: self.ends_block,
            pubdata_before: self.pubdata_before,
            witness,
        }
    }
}

/// A node of a batch's proof tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The leaf of chunk `chunk` (a chunk job).
    Leaf {
        /// The chunk's index in the batch.
        chunk: usize,
    },
    /// A step joining two nodes (a step job), by node index.
    Step {
        /// The left child.
        left: usize,
        /// The right child.
        right: usize,
    },
}

/// One node and what its proof states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNode {
    /// Leaf or step.
    pub kind: NodeKind,
    /// What its proof must state.
    pub segment: SegmentPublicInputs,
}

impl PlanNode {
    /// What its proof must be.
    pub fn expected(&self) -> Expected {
        match self.kind {
            NodeKind::Leaf { .. } => Expected::Leaf(self.segment.clone()),
            NodeKind::Step { .. } => Expected::Step(self.segment.clone()),
        }
    }
}

/// Every job of one batch: a node per chunk (nodes `0..chunks.len()` are the leaves, in
/// order), then the steps; node `top`'s proof is the batch proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    /// The batch number.
    pub batch_number: u64,
    /// The chunks, in order.
    pub chunks: Vec<ChunkPlan>,
    /// The tree: leaves first, then steps level by level.
    pub nodes: Vec<PlanNode>,
    /// The node whose proof is the batch proof (its segment is the whole batch).
    pub top: usize,
    /// What the batch proof must state: the sealed record's public inputs.
    pub public_inputs: BatchPublicInputs,
}

/// Plans sealed batch `record` from its blocks' witnesses (`witnesses[i]` is block
/// `record.first_block + i`'s), checking that the natively computed end of the batch is the
/// record's (state root, queues, outbox, value flows, pubdata commitment).
pub fn plan_batch(
    shape: ChunkShape,
    record: &BatchRecord,
    witnesses: &[BlockWitness],
) -> Result<BatchPlan, ProverError> {
    let inputs = &record.public_inputs;
    let batch = inputs.batch_number;
    let plan_error = |problem: String| ProverError::Plan { batch, problem };
    let blocks = record
        .last_block
        .checked_sub(record.first_block)
        .map(|n| n + 1);
    if blocks != Some(witnesses.len() as u64) {
        return Err(plan_error(format!(
            "{} witnesses for blocks {}..={}",
            witnesses.len(),
            record.first_block,
            record.last_block
        )));
    }
    let first = witnesses
        .first()
        .ok_or_else(|| plan_error("no blocks".into()))?;
    let mut at = ChunkState::block_start(inputs.chain_id, first.state_before);
    at.priority_commitment = inputs.priority_commitment_before;
    at.imports_commitment = inputs.imports_commitment_before;
    let mut pubdata = pubdata_seed();
    let mut chunks = Vec::new();
    for (offset, witness) in witnesses.iter().enumerate() {
        let block = record.first_block + offset as u64;
        let witness_error = |problem: String| ProverError::Witness { block, problem };
        if witness.state_before != at.state {
            return Err(witness_error(
                "its state before is not where the previous block ended".into(),
            ));
        }
        at.slots_hash = slots_hash_seed();
        let slots = witness
            .expand()
            .map_err(|error| witness_error(error.to_string()))?;
        let runs = shape
            .split(&slots)
            .map_err(|error| witness_error(error.to_string()))?;
        let count = runs.len();
        let mut from = 0;
        for (index, run) in runs.into_iter().enumerate() {
            let ends_block = index + 1 == count;
            let after = at.after(run)?;
            let priority_count = run
                .iter()
                .filter(|slot| matches!(slot.op, SlotOp::Priority(_)))
                .count() as u64;
            let imports_count = run
                .iter()
                .filter(|slot| matches!(slot.op, SlotOp::Import(_)))
                .count() as u64;
            let range = ChunkPublicInputs::new(&at, &after, priority_count, imports_count)?;
            let segment = SegmentPublicInputs::of_chunk(range, pubdata, ends_block);
            chunks.push(ChunkPlan {
                block,
                slots: from..from + run.len(),
                start: at.clone(),
                ends_block,
                pubdata_before: pubdata,
                segment: segment.clone(),
            });
            pubdata = segment.pubdata_after;
            from += run.len();
            at = after;
        }
    }

    let mut nodes: Vec<PlanNode> = chunks
        .iter()
        .enumerate()
        .map(|(chunk, plan)| PlanNode {
            kind: NodeKind::Leaf { chunk },
            segment: plan.segment.clone(),
        })
        .collect();
    let mut level: Vec<usize> = (0..nodes.len()).collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            match *pair {
                [left, right] => {
                    let segment = join_segments(&nodes[left].segment, &nodes[right].segment);
                    nodes.push(PlanNode {
                        kind: NodeKind::Step { left, right },
                        segment,
                    });
                    next.push(nodes.len() - 1);
                }
                [last] => next.push(last),
                _ => unreachable!("chunks(2) yields one or two"),
            }
        }
        level = next;
    }
    let top = level[0];

    // The native end of the batch must be the sealed record's, and a whole batch: otherwise
    // no honest proof could ever match it.
    let stated = nodes[top]
        .segment
        .batch_inputs(batch)
        .map_err(|error| plan_error(error.to_string()))?;
    if &stated != inputs {
        return Err(plan_error(
            "the blocks' witnesses do not lead to the sealed public inputs".into(),
        ));
    }
    Ok(BatchPlan {
        batch_number: batch,
        chunks,
        nodes,
        top,
        public_inputs: inputs.clone(),
    })
}
