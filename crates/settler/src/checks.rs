//! The checks a batch passes before the settler spends a proof on it: its batch proof
//! verifies and states exactly the sealed public inputs, and those agree with what the
//! bridge holds (the same checks `Bridge.settle` makes, in its order, so a batch that
//! passes here is one the bridge accepts unless L1 changes in between).
//!
//! [`check_chain`] is pure: it takes what the bridge held at the start of the round
//! ([`BridgeView`]) and each candidate's proof already decoded and verified (that part
//! runs on the blocking pool, [`verify_batch_proof`]).

use std::collections::BTreeMap;

use hyperforge_circuits::recursion::{BatchCircuits, BatchProof};
use hyperforge_l1::ChainState;
use hyperforge_primitives::{
    Amount, ChainId,
    bridge::{Digest, F},
};

use crate::error::BatchRef;
use crate::source::ProvenBatch;

/// One check, named in logs and in the `batches_refused` metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// The batch proof decodes and verifies against the batch circuit.
    BatchProof,
    /// The proof's public inputs are exactly the sealed ones.
    PublicInputs,
    /// The batch is of the chain its source serves.
    ChainId,
    /// Its number is the bridge's last settled batch + 1 (`BatchOutOfOrder`,
    /// `BatchAlreadySettled` on the bridge).
    BatchNumber,
    /// Its old state root is the bridge's (`StateRootMismatch`).
    OldStateRoot,
    /// It consumes at most the priority operations queued past the head
    /// (`TooManyPriorityOps`).
    PriorityCount,
    /// Its priority commitment before is the bridge's `c_head`.
    PriorityBefore,
    /// Its priority commitment after is the bridge's `c_{head+count}` (`PriorityOpsMismatch`).
    PriorityAfter,
    /// It imports at most the message roots queued past the chain's import head
    /// (`TooManyImports`).
    ImportsCount,
    /// Its imports commitment before is the bridge's `m_{import head}`.
    ImportsBefore,
    /// Its imports commitment after is the bridge's `m_{import head+count}`
    /// (`ImportsMismatch`).
    ImportsAfter,
    /// The value it brings in is in flight on the bridge (`InsufficientInFlight`).
    ValueIn,
    /// The value it sends out is within the chain's balance (`InsufficientChainBalance`).
    ValueOut,
}

impl Check {
    /// A short stable name (a metric label).
    pub fn name(&self) -> &'static str {
        match self {
            Self::BatchProof => "batch_proof",
            Self::PublicInputs => "public_inputs",
            Self::ChainId => "chain_id",
            Self::BatchNumber => "batch_number",
            Self::OldStateRoot => "old_state_root",
            Self::PriorityCount => "priority_count",
            Self::PriorityBefore => "priority_commitment_before",
            Self::PriorityAfter => "priority_commitment_after",
            Self::ImportsCount => "imports_count",
            Self::ImportsBefore => "imports_commitment_before",
            Self::ImportsAfter => "imports_commitment_after",
            Self::ValueIn => "value_in",
            Self::ValueOut => "value_out",
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A batch the settler refused, the check it failed and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The chain its source serves, and the number it was asked for.
    pub batch: BatchRef,
    /// The check that failed (the first, in the order of [`Check`]).
    pub check: Check,
    /// What was found against what was expected.
    pub detail: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} failed: {}", self.batch, self.check, self.detail)
    }
}

/// Decodes `bytes` as a batch proof (a whole batch) and verifies its top proof against
/// `circuits`.
/// Synchronous and CPU-bound: run it on the blocking pool.
pub fn verify_batch_proof(circuits: &BatchCircuits, bytes: &[u8]) -> Result<BatchProof, String> {
    let proof = BatchProof::from_bytes(bytes.to_vec(), circuits)
        .map_err(|error| format!("does not decode: {error}"))?;
    circuits
        .verify(&proof)
        .map_err(|error| format!("does not verify: {error}"))?;
    Ok(proof)
}

/// What the bridge held for one chain at the start of the round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainView {
    /// `getChain`.
    pub state: ChainState,
    /// `priorityCommitmentAt(chain, n)` for every `n` the candidates need.
    pub priority_commitments: BTreeMap<u64, Digest>,
}

/// What the bridge held at the start of the round, for the chains with candidates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BridgeView {
    /// Per chain.
    pub chains: BTreeMap<ChainId, ChainView>,
    /// `messageCommitmentAt(n)` for every `n` the candidates need.
    pub message_commitments: BTreeMap<u64, Digest>,
    /// Outbox roots in the message root queue.
    pub message_root_count: u64,
    /// Value in flight between chains.
    pub in_flight: Amount,
}

impl BridgeView {
    /// The indices of the priority queue (`c_n`) and of the message root queue (`m_n`)
    /// whose commitments checking `batches` after `state` needs: the heads before each
    /// batch and after the last, as far as the queues reach (past them a count check fails
    /// first). The counts are the unchecked claimed ones: they only choose what to read.
    pub fn needed(
        state: &ChainState,
        message_root_count: u64,
        batches: &[ProvenBatch],
    ) -> (Vec<u64>, Vec<u64>) {
        let mut priority = vec![state.priority_head];
        let mut imports = vec![state.import_head];
        let (mut head, mut import_head) = (state.priority_head, state.import_head);
        for batch in batches {
            head = head.saturating_add(batch.inputs.priority_ops_count);
            import_head = import_head.saturating_add(batch.inputs.imports_count);
            if head <= state.priority_length {
                priority.push(head);
            }
            if import_head <= message_root_count {
                imports.push(import_head);
            }
        }
        priority.dedup();
        imports.dedup();
        (priority, imports)
    }
}

/// A verified proof's public inputs: what [`check_chain`] compares with the sealed ones.
pub trait StatedInputs {
    /// The public inputs the proof states.
    fn stated_inputs(&self) -> &[F];
}

impl StatedInputs for BatchProof {
    fn stated_inputs(&self) -> &[F] {
        self.public_inputs()
    }
}

/// The value pool as the bridge moves it through one settlement, in settlement order.
#[derive(Debug, Clone, Copy)]
pub struct Pool {
    /// `inFlightGwei`.
    pub in_flight: u64,
}

/// The checks of one chain's candidates, in order: the accepted prefix (each batch with its
/// verified proof) and the refusal that stopped it, if any. The batches before a refused
/// one still settle: they passed every check, and holding them back would let one bad
/// batch stall the chain. `pool` carries the value in flight from chain to chain.
pub fn check_chain<P: StatedInputs>(
    chain_id: ChainId,
    view: &ChainView,
    bridge: &BridgeView,
    candidates: Vec<(ProvenBatch, Result<P, String>)>,
    pool: &mut Pool,
) -> (Vec<(ProvenBatch, P)>, Option<Refusal>) {
    let mut accepted = Vec::new();
    let mut cursor = Cursor {
        batch_number: view.state.batch_number,
        state_root: view.state.state_root,
        priority_head: view.state.priority_head,
        import_head: view.state.import_head,
        balance: view.state.balance.gwei(),
    };
    let mut local_pool = *pool;
    for (batch, proof) in candidates {
        let asked = BatchRef {
            chain_id,
            batch_number: cursor.batch_number.saturating_add(1),
        };
        match check_one(
            chain_id,
            view,
            bridge,
            &batch,
            proof,
            &mut cursor,
            &mut local_pool,
        ) {
            Ok(proof) => {
                *pool = local_pool;
                accepted.push((batch, proof));
            }
            Err((check, detail)) => {
                let refusal = Refusal {
                    batch: asked,
                    check,
                    detail,
                };
                return (accepted, Some(refusal));
            }
        }
    }
    (accepted, None)
}

/// Where a chain stands on the bridge after the batches accepted so far.
struct Cursor {
    batch_number: u64,
    state_root: Digest,
    priority_head: u64,
    import_head: u64,
    balance: u64,
}

fn hex(digest: &Digest) -> String {
    hyperforge_primitives::bridge::digest_to_b256(digest).to_string()
}

fn check_one<P: StatedInputs>(
    chain_id: ChainId,
    view: &ChainView,
    bridge: &BridgeView,
    batch: &ProvenBatch,
    proof: Result<P, String>,
    cursor: &mut Cursor,
    pool: &mut Pool,
) -> Result<P, (Check, String)> {
    let inputs = &batch.inputs;
    let proof = proof.map_err(|problem| (Check::BatchProof, problem))?;
    if proof.stated_inputs() != inputs.to_elements() {
        return Err((
            Check::PublicInputs,
            "the proof's public inputs are not the sealed ones".into(),
        ));
    }
    if inputs.chain_id != chain_id {
        return Err((
            Check::ChainId,
            format!("the batch is of chain {}", inputs.chain_id),
        ));
    }
    if inputs.batch_number != cursor.batch_number.saturating_add(1) {
        return Err((
            Check::BatchNumber,
            format!(
                "the batch is number {}, the bridge's next is {}",
                inputs.batch_number,
                cursor.batch_number.saturating_add(1)
            ),
        ));
    }
    if inputs.old_state_root != cursor.state_root {
        return Err((
            Check::OldStateRoot,
            format!(
                "the batch starts from {}, the bridge holds {}",
                hex(&inputs.old_state_root),
                hex(&cursor.state_root)
            ),
        ));
    }

    let queued = view
        .state
        .priority_length
        .saturating_sub(cursor.priority_head);
    if inputs.priority_ops_count > queued {
        return Err((
            Check::PriorityCount,
            format!(
                "the batch consumes {} priority operations, {queued} are queued past the head",
                inputs.priority_ops_count
            ),
        ));
    }
    let priority_after = cursor.priority_head + inputs.priority_ops_count;
    compare(
        Check::PriorityBefore,
        &inputs.priority_commitment_before,
        view.priority_commitments.get(&cursor.priority_head),
        cursor.priority_head,
    )?;
    compare(
        Check::PriorityAfter,
        &inputs.priority_commitment_after,
        view.priority_commitments.get(&priority_after),
        priority_after,
    )?;

    let roots = bridge.message_root_count.saturating_sub(cursor.import_head);
    if inputs.imports_count > roots {
        return Err((
            Check::ImportsCount,
            format!(
                "the batch imports {} message roots, {roots} are queued past the chain's import head",
                inputs.imports_count
            ),
        ));
    }
    let imports_after = cursor.import_head + inputs.imports_count;
    compare(
        Check::ImportsBefore,
        &inputs.imports_commitment_before,
        bridge.message_commitments.get(&cursor.import_head),
        cursor.import_head,
    )?;
    compare(
        Check::ImportsAfter,
        &inputs.imports_commitment_after,
        bridge.message_commitments.get(&imports_after),
        imports_after,
    )?;

    // The bridge credits value in from the pool, then moves value out of the chain's
    // balance (after value in) into the pool.
    let value_in = inputs.value_in.gwei();
    let value_out = inputs.value_out.gwei();
    if value_in > pool.in_flight {
        return Err((
            Check::ValueIn,
            format!(
                "the batch brings in {value_in} gwei, {} are in flight",
                pool.in_flight
            ),
        ));
    }
    let balance = cursor.balance.saturating_add(value_in);
    if value_out > balance {
        return Err((
            Check::ValueOut,
            format!("the batch sends out {value_out} gwei, the chain holds {balance}"),
        ));
    }
    pool.in_flight = (pool.in_flight - value_in).saturating_add(value_out);
    *cursor = Cursor {
        batch_number: inputs.batch_number,
        state_root: inputs.new_state_root,
        priority_head: priority_after,
        import_head: imports_after,
        balance: balance - value_out,
    };
    Ok(proof)
}

/// `claimed` against the bridge's commitment at queue index `at` (read at the round's
/// start; missing only if the reads were cut short, which is a refusal too).
fn compare(
    check: Check,
    claimed: &Digest,
    bridge: Option<&Digest>,
    at: u64,
) -> Result<(), (Check, String)> {
    match bridge {
        Some(held) if held == claimed => Ok(()),
        Some(held) => Err((
            check,
            format!(
                "the batch claims {}, the bridge holds {} at queue index {at}",
                hex(claimed),
                hex(held)
            ),
        )),
        None => Err((
            check,
            format!("the bridge's commitment at queue index {at} was not read"),
        )),
    }
}

#[cfg(test)]
mod tests {
    //! The bridge-agreement rules over synthetic batches (the proof half is
    //! [`StatedInputs`] here; the integration tests check real proofs).

    use hyperforge_l1::ChainState;
    use hyperforge_primitives::bridge::{
        BatchPublicInputs, MESSAGE_QUEUE_SEED, PRIORITY_SEED, hash_no_pad, next_message_commitment,
    };
    use plonky2::field::types::Field;

    use super::*;

    /// A "proof" stating exactly `inputs`' elements.
    struct Stated(Vec<F>);

    impl StatedInputs for Stated {
        fn stated_inputs(&self) -> &[F] {
            &self.0
        }
    }

    fn digest(n: u64) -> Digest {
        hash_no_pad(&[F::from_canonical_u64(n)])
    }

    fn chain_id() -> ChainId {
        ChainId::new(270).unwrap()
    }

    fn state() -> ChainState {
        ChainState {
            state_root: digest(0),
            batch_number: 0,
            priority_head: 0,
            priority_length: 0,
            import_head: 0,
            admin: hyperforge_primitives::Address::ZERO,
            balance: Amount::from_gwei(100),
        }
    }

    /// Batch `number` from root `number - 1` to root `number`, consuming and importing
    /// nothing.
    fn batch(number: u64) -> BatchPublicInputs {
        BatchPublicInputs {
            chain_id: chain_id(),
            batch_number: number,
            old_state_root: digest(number - 1),
            new_state_root: digest(number),
            priority_ops_count: 0,
            priority_commitment_before: *PRIORITY_SEED,
            priority_commitment_after: *PRIORITY_SEED,
            imports_count: 0,
            imports_commitment_before: *MESSAGE_QUEUE_SEED,
            imports_commitment_after: *MESSAGE_QUEUE_SEED,
            outbox_root: digest(1000 + number),
            value_out: Amount::ZERO,
            value_in: Amount::ZERO,
            pubdata_commitment: digest(2000 + number),
        }
    }

    fn honest(inputs: BatchPublicInputs) -> (ProvenBatch, Result<Stated, String>) {
        let stated = Stated(inputs.to_elements().to_vec());
        (
            ProvenBatch {
                inputs,
                proof: Vec::new(),
            },
            Ok(stated),
        )
    }

    fn views(state: ChainState, in_flight: u64) -> (ChainView, BridgeView) {
        let chain = ChainView {
            state,
            priority_commitments: [(0, *PRIORITY_SEED)].into(),
        };
        let bridge = BridgeView {
            chains: BTreeMap::new(),
            message_commitments: [(0, *MESSAGE_QUEUE_SEED)].into(),
            message_root_count: 0,
            in_flight: Amount::from_gwei(in_flight),
        };
        (chain, bridge)
    }

    fn run(
        chain: &ChainView,
        bridge: &BridgeView,
        candidates: Vec<(ProvenBatch, Result<Stated, String>)>,
    ) -> (Vec<u64>, Option<Check>, Pool) {
        let mut pool = Pool {
            in_flight: bridge.in_flight.gwei(),
        };
        let (accepted, refusal) = check_chain(chain_id(), chain, bridge, candidates, &mut pool);
        (
            accepted
                .iter()
                .map(|(b, _)| b.inputs.batch_number)
                .collect(),
            refusal.map(|r| r.check),
            pool,
        )
    }

    #[test]
    fn consecutive_batches_chain_from_each_other_and_a_bad_one_keeps_the_prefix() {
        let (chain, bridge) = views(state(), 0);
        let (accepted, refusal, _) = run(
            &chain,
            &bridge,
            vec![honest(batch(1)), honest(batch(2)), honest(batch(3))],
        );
        assert_eq!((accepted, refusal), (vec![1, 2, 3], None));

        // Batch 2 starts from another root than batch 1 ended at: 1 settles, 2 and 3 wait.
        let mut second = batch(2);
        second.old_state_root = digest(99);
        let (accepted, refusal, _) = run(
            &chain,
            &bridge,
            vec![honest(batch(1)), honest(second), honest(batch(3))],
        );
        assert_eq!((accepted, refusal), (vec![1], Some(Check::OldStateRoot)));

        // A gap.
        let (accepted, refusal, _) = run(&chain, &bridge, vec![honest(batch(1)), honest(batch(3))]);
        assert_eq!((accepted, refusal), (vec![1], Some(Check::BatchNumber)));
    }

    #[test]
    fn the_proof_check_comes_first_and_the_stated_inputs_must_be_the_sealed_ones() {
        let (chain, bridge) = views(state(), 0);
        let failed = (
            ProvenBatch {
                inputs: batch(1),
                proof: Vec::new(),
            },
            Err::<Stated, _>("does not verify".to_owned()),
        );
        assert_eq!(
            run(&chain, &bridge, vec![failed]).1,
            Some(Check::BatchProof)
        );
        let mut other = batch(1);
        other.pubdata_commitment = digest(5);
        let lying = (
            ProvenBatch {
                inputs: batch(1),
                proof: Vec::new(),
            },
            Ok(Stated(other.to_elements().to_vec())),
        );
        assert_eq!(
            run(&chain, &bridge, vec![lying]).1,
            Some(Check::PublicInputs)
        );
        let mut foreign = batch(1);
        foreign.chain_id = ChainId::new(271).unwrap();
        assert_eq!(
            run(&chain, &bridge, vec![honest(foreign)]).1,
            Some(Check::ChainId)
        );
    }

    #[test]
    fn priority_operations_and_imports_follow_the_bridges_queues() {
        let mut with_queue = state();
        with_queue.priority_length = 2;
        let c1 = digest(501);
        let c2 = digest(502);
        let root = digest(600);
        let m1 = next_message_commitment(*MESSAGE_QUEUE_SEED, root);
        let (mut chain, mut bridge) = views(with_queue, 0);
        chain.priority_commitments.extend([(1, c1), (2, c2)]);
        bridge.message_root_count = 1;
        bridge.message_commitments.insert(1, m1);

        // Batch 1 consumes one operation and imports the root, batch 2 the second operation.
        let mut first = batch(1);
        first.priority_ops_count = 1;
        first.priority_commitment_after = c1;
        first.imports_count = 1;
        first.imports_commitment_after = m1;
        let mut second = batch(2);
        second.priority_ops_count = 1;
        second.priority_commitment_before = c1;
        second.priority_commitment_after = c2;
        second.imports_commitment_before = m1;
        second.imports_commitment_after = m1;
        let (accepted, refusal, _) = run(
            &chain,
            &bridge,
            vec![honest(first.clone()), honest(second.clone())],
        );
        assert_eq!((accepted, refusal), (vec![1, 2], None));

        let case = |edit: &dyn Fn(&mut BatchPublicInputs)| {
            let mut lying = first.clone();
            edit(&mut lying);
            run(&chain, &bridge, vec![honest(lying)]).1
        };
        assert_eq!(
            case(&|b| b.priority_ops_count = 3),
            Some(Check::PriorityCount)
        );
        assert_eq!(
            case(&|b| b.priority_commitment_before = c1),
            Some(Check::PriorityBefore)
        );
        assert_eq!(
            case(&|b| b.priority_commitment_after = c2),
            Some(Check::PriorityAfter)
        );
        assert_eq!(case(&|b| b.imports_count = 2), Some(Check::ImportsCount));
        assert_eq!(
            case(&|b| b.imports_commitment_before = m1),
            Some(Check::ImportsBefore)
        );
        assert_eq!(
            case(&|b| b.imports_commitment_after = digest(7)),
            Some(Check::ImportsAfter)
        );

        // The commitments to read: the heads before each batch and after the last.
        let batches: Vec<ProvenBatch> = [first, second]
            .into_iter()
            .map(|inputs| ProvenBatch {
                inputs,
                proof: Vec::new(),
            })
            .collect();
        assert_eq!(
            BridgeView::needed(&chain.state, 1, &batches),
            (vec![0, 1, 2], vec![0, 1])
        );
    }

    #[test]
    fn value_moves_through_the_pool_as_the_bridge_moves_it() {
        // 30 gwei in flight, the chain holds 100.
        let (chain, bridge) = views(state(), 30);
        let mut brings_in = batch(1);
        brings_in.value_in = Amount::from_gwei(30);
        let mut sends_out = batch(2);
        sends_out.value_out = Amount::from_gwei(130);
        let (accepted, refusal, pool) = run(
            &chain,
            &bridge,
            vec![honest(brings_in.clone()), honest(sends_out)],
        );
        assert_eq!((accepted, refusal), (vec![1, 2], None));
        assert_eq!(pool.in_flight, 130, "value out joins the pool");

        let mut too_much_in = batch(1);
        too_much_in.value_in = Amount::from_gwei(31);
        assert_eq!(
            run(&chain, &bridge, vec![honest(too_much_in)]).1,
            Some(Check::ValueIn)
        );
        let mut too_much_out = batch(2);
        too_much_out.value_out = Amount::from_gwei(131);
        let (accepted, refusal, pool) = run(
            &chain,
            &bridge,
            vec![honest(brings_in), honest(too_much_out)],
        );
        assert_eq!((accepted, refusal), (vec![1], Some(Check::ValueOut)));
        assert_eq!(pool.in_flight, 0, "only the accepted batch moved the pool");
    }
}
