//! The proving-job coordinator: plans every sealed batch into jobs (chunk jobs from the
//! stored block witnesses, then step jobs as children complete), hands them out over
//! `/hyperforge/jobs/1` with a lease, checks every returned proof and, once the top node's
//! proof verifies, stores it with the batch number as the batch proof and marks the batch
//! proven.
//!
//! - Jobs persist in the store's `jobs` column (key: job id = `batch << 24 | node`), each
//!   queued, leased to a peer until a wall-clock deadline, or proven with its proof (a
//!   proven job is written synced). On start every unproven sealed batch is planned again
//!   (planning is deterministic) and the stored states are laid over it: no proven work is
//!   lost, and the leases of the earlier run go back to the queue.
//! - A lease that passes its deadline goes back to the queue (checked on each tick and when a
//!   job is picked). A proof is taken from whoever sends it while its job is unproven (the
//!   work is checked, not the sender), and refused once the job is proven.
//! - A proof that fails [`hyperforge_prover::check`] is refused, the job re-queued if that
//!   peer held it, and the peer reported ([`Offence::InvalidProof`]: repeated offences
//!   disconnect, then ban it).
//! - A prover built for other circuits gets `Refusal::CircuitMismatch` naming both digests;
//!   a peer not on a non-empty allow-list `Refusal::NotAllowed` (the network refuses its
//!   connection already; this is the second lock).
//! - The circuits are loaded (or built) on a blocking thread when the first peer connects or
//!   asks: a sequencer no prover talks to spends nothing on them, and the RPC never waits.
//!   Until they are ready a job request is answered "no job".
//!
//! It also announces the chain on gossip ([`hyperforge_p2p::announce`]): every committed block
//! on `hyperforge/<id>/blocks`, every batch once planned on `.../batches` (so provers know
//! there is work), every batch once its proof is stored on `.../proven`. Announcements go
//! through a bounded queue to a publishing task; a full queue drops one (logged), and a
//! message nobody is subscribed to is simply not sent. A restarted sequencer announces from
//! its head on, and re-announces the batches it plans again.
//!
//! Runs as one task reading the network's events; each request is served by a task of its
//! own, planning and every store access and proof check on the blocking pool. A committed
//! block or a sealed batch wakes it at once ([`Shared::changed`]); the tick (leases, and
//! anything missed) runs besides.

use std::{
    collections::{BTreeMap, HashSet},
    path::PathBuf,
    sync::{
        Arc, Mutex, MutexGuard, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use futures::StreamExt;
use hyperforge_circuits::{
    ChunkShape,
    recursion::{BatchProof, CircuitCache},
};
use hyperforge_p2p::{
    Announcement, CircuitDigest, Client, Event, Events, Job, JobId, JobRequest, JobsRequest,
    JobsResponse, Offence, P2pError, Payload, PeerId, ProofReceipt, ProofSubmission, Refusal,
};
use hyperforge_primitives::{block::ProofStatus, witness::BlockWitness};
use hyperforge_prover::{
    BatchPlan, Expected, JobKind, JobPayload, NodeKind, ProverCircuits, StepJob, plan_batch,
};
use tokio::sync::{mpsc, watch};

use crate::{error::SequencerError, reader::read_batch, shared::Shared};

/// Announcements waiting for the publishing task.
const ANNOUNCE_QUEUE: usize = 1024;
/// The most blocks announced in one pass: a longer gap (a stalled publisher, a burst) is
/// skipped to its last blocks.
const MAX_BLOCKS_PER_PASS: u64 = 256;

/// Bits of a job id below the batch number.
const NODE_BITS: u32 = 24;

/// How the coordinator runs.
#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// How long a prover holds a job before it goes back to the queue.
    pub lease: Duration,
    /// The circuit cache directory (`$HYPERFORGE_CIRCUIT_CACHE`, or `circuits/` in the data
    /// directory).
    pub circuit_cache: PathBuf,
    /// How often leases are expired and new sealed batches planned.
    pub tick: Duration,
}

impl JobsConfig {
    /// The default lease: long enough for a chunk and its leaf on a loaded 2-core machine.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);

    /// Defaults, with the cache in `circuit_cache`.
    pub fn new(circuit_cache: PathBuf) -> Self {
        Self {
            lease: Self::DEFAULT_LEASE,
            circuit_cache,
            tick: Duration::from_millis(250),
        }
    }
}

/// Where a batch's proof stands, with its timings (milliseconds since the Unix epoch), as
/// `hf_getBatch` shows it. Stored in the `proving` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProvingTimes {
    /// When the batch was sealed (its last block's timestamp).
    pub sealed_ms: u64,
    /// When its first job was leased (0: not yet).
    pub first_lease_ms: u64,
    /// When its batch proof was verified (0: not yet).
    pub proven_ms: u64,
}

impl ProvingTimes {
    /// sealed (8) | first lease (8) | proven (8).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24);
        for value in [self.sealed_ms, self.first_lease_ms, self.proven_ms] {
            out.extend_from_slice(&value.to_be_bytes());
        }
        out
    }

    /// Reads [`Self::encode`]'s form.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 24 {
            return None;
        }
        let at = |i: usize| {
            let mut word = [0; 8];
            word.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            u64::from_be_bytes(word)
        };
        Some(Self {
            sealed_ms: at(0),
            first_lease_ms: at(1),
            proven_ms: at(2),
        })
    }
}

/// One job's state.
#[derive(Debug, Clone, PartialEq, Eq)]
enum JobState {
    Queued,
    Leased { peer: PeerId, deadline_ms: u64 },
    Proven(Arc<Vec<u8>>),
}

impl JobState {
    /// queued: 0 | leased: 1, peer id length (1), peer id, deadline (8) | proven: 2, proof.
    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Queued => vec![0],
            Self::Leased { peer, deadline_ms } => {
                let peer = peer.to_bytes();
                let mut out = vec![1, peer.len() as u8];
                out.extend_from_slice(&peer);
                out.extend_from_slice(&deadline_ms.to_be_bytes());
                out
            }
            Self::Proven(proof) => {
                let mut out = Vec::with_capacity(1 + proof.len());
                out.push(2);
                out.extend_from_slice(proof);
                out
            }
        }
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes.split_first()? {
            (0, []) => Some(Self::Queued),
            (1, rest) => {
                let (&len, rest) = rest.split_first()?;
                let len = len as usize;
                if rest.len() != len + 8 {
                    return None;
                }
                let peer = PeerId::from_bytes(&rest[..len]).ok()?;
                let mut deadline = [0; 8];
                deadline.copy_from_slice(&rest[len..]);
                Some(Self::Leased {
                    peer,
                    deadline_ms: u64::from_be_bytes(deadline),
                })
            }
            (2, proof) => Some(Self::Proven(Arc::new(proof.to_vec()))),
            _ => None,
        }
    }
}

/// The jobs of one batch: its plan and the state of each node's job.
#[derive(Debug)]
struct BatchJobs {
    plan: Arc<BatchPlan>,
    states: Vec<JobState>,
    times: ProvingTimes,
}

impl BatchJobs {
    fn is_proven(&self, index: usize) -> bool {
        matches!(self.states.get(index), Some(JobState::Proven(_)))
    }

    fn proof(&self, index: usize) -> Option<Arc<Vec<u8>>> {
        match self.states.get(index) {
            Some(JobState::Proven(proof)) => Some(proof.clone()),
            _ => None,
        }
    }

    fn kind(&self, index: usize) -> JobKind {
        match self.plan.nodes.get(index).map(|node| node.kind) {
            Some(NodeKind::Leaf { .. }) => JobKind::Chunk,
            Some(NodeKind::Step { .. }) | None => JobKind::Step,
        }
    }

    /// Whether every input of the job is proven.
    fn is_ready(&self, index: usize) -> bool {
        match self.plan.nodes.get(index).map(|node| node.kind) {
            Some(NodeKind::Leaf { .. }) => true,
            Some(NodeKind::Step { left, right }) => self.is_proven(left) && self.is_proven(right),
            None => false,
        }
    }

    fn expected(&self, index: usize) -> Option<Expected> {
        self.plan.nodes.get(index).map(|node| node.expected())
    }
}

/// Every unproven batch's jobs.
#[derive(Debug, Default)]
struct Book {
    batches: BTreeMap<u64, BatchJobs>,
}

fn job_id(batch: u64, index: usize) -> JobId {
    JobId(batch << NODE_BITS | index as u64)
}

fn split_id(id: JobId) -> (u64, usize) {
    (id.0 >> NODE_BITS, (id.0 & ((1 << NODE_BITS) - 1)) as usize)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// The coordinator's state, shared by the request tasks.
pub(crate) struct Coordinator {
    shared: Arc<Shared>,
    client: Client,
    shape: ChunkShape,
    config: JobsConfig,
    allowed: HashSet<PeerId>,
    circuits: OnceLock<Arc<ProverCircuits>>,
    loading: AtomicBool,
    /// Loading the circuits failed: nothing will be served.
    failed: AtomicBool,
    book: Mutex<Book>,
    /// The next batch number to look at for planning.
    next_batch: Mutex<u64>,
    /// Where announcements go to the publishing task.
    announcements: mpsc::Sender<Announcement>,
    /// The next block to announce; `None` until the first pass (which starts at the head).
    next_block: Mutex<Option<u64>>,
}

impl std::fmt::Debug for Coordinator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coordinator")
            .field("shape", &self.shape)
            .finish()
    }
}

impl Coordinator {
    /// The coordinator, and the receiving end of its announcements for [`run_announcer`].
    pub(crate) fn new(
        shared: Arc<Shared>,
        client: Client,
        config: JobsConfig,
    ) -> (Self, mpsc::Receiver<Announcement>) {
        let (announcements, queue) = mpsc::channel(ANNOUNCE_QUEUE);
        let shape = hyperforge_prover::chunk_shape(&shared.config.prover.chunk);
        let allowed = shared
            .config
            .p2p
            .allowed_peers
            .iter()
            .filter_map(|peer| peer.parse().ok())
            .collect();
        let coordinator = Self {
            shared,
            client,
            shape,
            config,
            allowed,
            circuits: OnceLock::new(),
            loading: AtomicBool::new(false),
            failed: AtomicBool::new(false),
            book: Mutex::new(Book::default()),
            next_batch: Mutex::new(1),
            announcements,
            next_block: Mutex::new(None),
        };
        (coordinator, queue)
    }

    /// Queues `announcement` for gossip; a full queue drops it.
    fn announce(&self, announcement: Announcement) {
        if let Err(error) = self.announcements.try_send(announcement) {
            tracing::warn!(target: "seq::gossip", %error, "announcement dropped");
        }
    }

    /// Announces the blocks committed since the last pass (from the head, on the first).
    fn announce_blocks(&self) -> Result<(), SequencerError> {
        let store = self.shared.store();
        let Some(head) = store.head().block_number else {
            return Ok(());
        };
        let mut next = self.next_block.lock().unwrap_or_else(|e| e.into_inner());
        let from = match *next {
            None => head,
            Some(next) if head.saturating_sub(next) >= MAX_BLOCKS_PER_PASS => {
                tracing::warn!(target: "seq::gossip", skipped = head + 1 - MAX_BLOCKS_PER_PASS - next, "blocks not announced");
                head + 1 - MAX_BLOCKS_PER_PASS
            }
            Some(next) => next,
        };
        for number in from..=head {
            let header = crate::reader::read_header(store, number)?;
            self.announce(Announcement::block(self.shared.chain_id, &header));
        }
        *next = Some(head + 1);
        Ok(())
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts loading the circuits on a blocking thread, once.
    fn ensure_circuits(self: &Arc<Self>) {
        if self.loading.swap(true, Ordering::SeqCst) {
            return;
        }
        let coordinator = self.clone();
        tokio::task::spawn_blocking(move || {
            tracing::info!(target: "seq::jobs", shape = ?coordinator.shape, cache = %coordinator.config.circuit_cache.display(), "loading the proving circuits");
            let cache = CircuitCache::new(coordinator.config.circuit_cache.clone());
            match ProverCircuits::load_or_build(coordinator.shape, &cache) {
                Ok(circuits) => {
                    let digest = CircuitDigest(circuits.digest());
                    let _ = coordinator.circuits.set(Arc::new(circuits));
                    tracing::info!(target: "seq::jobs", circuits = %digest, "serving proving jobs");
                }
                Err(error) => {
                    coordinator.failed.store(true, Ordering::SeqCst);
                    tracing::error!(target: "seq::jobs", %error, "the proving circuits cannot be built; no jobs are served");
                }
            }
        });
    }

    /// The circuits, once loaded (starting the load if need be); `None` if they cannot be.
    async fn loaded_circuits(self: &Arc<Self>) -> Option<Arc<ProverCircuits>> {
        self.ensure_circuits();
        loop {
            if let Some(circuits) = self.circuits.get() {
                return Some(circuits.clone());
            }
            if self.failed.load(Ordering::SeqCst) {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Plans every sealed batch not planned or proven yet, and expires leases.
    fn tick(&self) -> Result<(), SequencerError> {
        let store = self.shared.store();
        self.announce_blocks()?;
        loop {
            let number = *self.next_batch.lock().unwrap_or_else(|e| e.into_inner());
            let Some(record) = read_batch(store, number)? else {
                break;
            };
            if record.proof_status == ProofStatus::Pending {
                match self.plan(&record) {
                    Ok(batch) => {
                        let jobs = u32::try_from(batch.states.len()).unwrap_or(u32::MAX);
                        self.book().batches.insert(number, batch);
                        self.announce(Announcement::batch_sealed(
                            self.shared.chain_id,
                            &record,
                            jobs,
                        ));
                    }
                    // No honest proof can match a batch that cannot be planned: say so once
                    // and go on with the next.
                    Err(error) => {
                        tracing::error!(target: "seq::jobs", batch = number, %error, "batch not planned; it will not be proven");
                    }
                }
            } else {
                store.delete_jobs(job_id(number, 0).0, job_id(number + 1, 0).0)?;
            }
            *self.next_batch.lock().unwrap_or_else(|e| e.into_inner()) = number + 1;
        }
        let now = now_ms();
        let mut expired = Vec::new();
        {
            let mut book = self.book();
            for (&number, batch) in &mut book.batches {
                for (index, state) in batch.states.iter_mut().enumerate() {
                    if let JobState::Leased { peer, deadline_ms } = state
                        && *deadline_ms <= now
                    {
                        tracing::info!(target: "seq::jobs", batch = number, job = %job_id(number, index), %peer, "lease expired; job re-queued");
                        *state = JobState::Queued;
                        expired.push((job_id(number, index).0, JobState::Queued.encode()));
                    }
                }
            }
            self.update_gauges(&book);
        }
        if !expired.is_empty() {
            store.put_jobs(&expired, false)?;
        }
        Ok(())
    }

    /// Plans batch `record` from its stored witnesses, with the stored job states laid over.
    fn plan(
        &self,
        record: &hyperforge_primitives::block::BatchRecord,
    ) -> Result<BatchJobs, SequencerError> {
        let store = self.shared.store();
        let number = record.number();
        let mut witnesses = Vec::new();
        for block in record.first_block..=record.last_block {
            witnesses.push(read_witness(&self.shared, block)?);
        }
        let plan = plan_batch(self.shape, record, &witnesses).map_err(|error| {
            SequencerError::Corrupt(format!("batch {number} cannot be planned: {error}"))
        })?;
        let count = plan.nodes.len();
        let mut states = vec![JobState::Queued; count];
        let mut fresh = Vec::new();
        let stored: BTreeMap<u64, Vec<u8>> = store
            .jobs(job_id(number, 0).0, job_id(number + 1, 0).0)?
            .into_iter()
            .collect();
        for (index, state) in states.iter_mut().enumerate() {
            let id = job_id(number, index).0;
            match stored.get(&id).and_then(|bytes| JobState::decode(bytes)) {
                Some(proven @ JobState::Proven(_)) => *state = proven,
                Some(JobState::Queued) => {}
                // A lease of an earlier run goes back to the queue: its holder may still
                // submit (a proof is taken from anyone while the job is unproven), but
                // nobody waits for it.
                Some(JobState::Leased { .. }) | None => {
                    fresh.push((id, JobState::Queued.encode()));
                }
            }
        }
        if !fresh.is_empty() {
            store.put_jobs(&fresh, false)?;
        }
        let times = match store
            .proving(number)?
            .and_then(|b| ProvingTimes::decode(&b))
        {
            Some(times) => times,
            None => {
                let times = ProvingTimes {
                    sealed_ms: crate::reader::read_header(store, record.last_block)?.timestamp_ms,
                    ..ProvingTimes::default()
                };
                store.put_proving(number, &times.encode())?;
                times
            }
        };
        let proven = states
            .iter()
            .filter(|s| matches!(s, JobState::Proven(_)))
            .count();
        tracing::info!(target: "seq::jobs", batch = number, chunks = plan.chunks.len(), jobs = count, proven, "batch planned");
        Ok(BatchJobs {
            plan: Arc::new(plan),
            states,
            times,
        })
    }

    fn update_gauges(&self, book: &Book) {
        let (mut queued, mut leased) = (0, 0);
        for batch in book.batches.values() {
            for state in &batch.states {
                match state {
                    JobState::Queued => queued += 1,
                    JobState::Leased { .. } => leased += 1,
                    JobState::Proven(_) => {}
                }
            }
        }
        self.shared.metrics.jobs_queued.set(queued);
        self.shared.metrics.jobs_leased.set(leased);
    }

    /// The first ready job (oldest batch first, higher levels first) for `peer`, leased.
    fn lease(&self, peer: PeerId, kinds: &[u8]) -> Result<Option<Job>, SequencerError> {
        let store = self.shared.store();
        let now = now_ms();
        let Some(circuits) = self.circuits.get() else {
            return Ok(None);
        };
        let mut book = self.book();
        let mut picked = None;
        'batches: for (&number, batch) in &book.batches {
            for index in (0..batch.states.len()).rev() {
                let free = match &batch.states[index] {
                    JobState::Queued => true,
                    JobState::Leased { deadline_ms, .. } => *deadline_ms <= now,
                    JobState::Proven(_) => false,
                };
                let kind = batch.kind(index);
                if free
                    && batch.is_ready(index)
                    && (kinds.is_empty() || kinds.contains(&kind.as_u8()))
                {
                    picked = Some((number, index, kind));
                    break 'batches;
                }
            }
        }
        let Some((number, index, kind)) = picked else {
            return Ok(None);
        };
        let batch = book
            .batches
            .get_mut(&number)
            .ok_or_else(|| SequencerError::Corrupt("a picked batch vanished".into()))?;
        let payload = match batch.plan.nodes.get(index).map(|node| node.kind) {
            Some(NodeKind::Leaf { chunk }) => {
                let plan = &batch.plan.chunks[chunk];
                let witness = read_witness(&self.shared, plan.block)?;
                JobPayload::Chunk(Box::new(plan.job(witness)))
            }
            Some(NodeKind::Step { left, right }) => JobPayload::Step(StepJob {
                left: batch.proof(left).map(|p| p.to_vec()).unwrap_or_default(),
                right: batch.proof(right).map(|p| p.to_vec()).unwrap_or_default(),
            }),
            None => {
                return Err(SequencerError::Corrupt(format!(
                    "batch {number} has no node {index}"
                )));
            }
        };
        let deadline_ms = now + self.config.lease.as_millis() as u64;
        let state = JobState::Leased { peer, deadline_ms };
        let id = job_id(number, index);
        store.put_jobs(&[(id.0, state.encode())], false)?;
        batch.states[index] = state;
        if batch.times.first_lease_ms == 0 {
            batch.times.first_lease_ms = now;
            store.put_proving(number, &batch.times.encode())?;
        }
        self.update_gauges(&book);
        tracing::info!(target: "seq::jobs", batch = number, job = %id, kind = kind.as_str(), %peer, "job leased");
        Ok(Some(Job {
            job_id: id,
            chain_id: self.shared.chain_id,
            circuits: CircuitDigest(circuits.digest()),
            kind: kind.as_u8(),
            lease_ms: self.config.lease.as_millis() as u64,
            witness: Payload(payload.encode()),
        }))
    }

    /// What a submitted proof of `id` must be, or why it is not wanted (no penalty).
    fn expected(&self, id: JobId) -> Result<Expected, String> {
        let (number, index) = split_id(id);
        let book = self.book();
        let batch = book
            .batches
            .get(&number)
            .ok_or_else(|| format!("job {id} is unknown (its batch is proven or never sealed)"))?;
        if batch.is_proven(index) {
            return Err(format!("job {id} is proven already"));
        }
        batch
            .expected(index)
            .ok_or_else(|| format!("job {id} is unknown"))
    }

    /// A refused proof: the job goes back to the queue if `peer` held it.
    fn requeue(&self, id: JobId, peer: PeerId) -> Result<(), SequencerError> {
        let (number, index) = split_id(id);
        let mut book = self.book();
        if let Some(batch) = book.batches.get_mut(&number)
            && let Some(state) = batch.states.get_mut(index)
            && matches!(state, JobState::Leased { peer: holder, .. } if *holder == peer)
        {
            *state = JobState::Queued;
            self.shared
                .store()
                .put_jobs(&[(id.0, JobState::Queued.encode())], false)?;
        }
        self.update_gauges(&book);
        Ok(())
    }

    /// A checked proof: stored synced; the top node's finishes its batch.
    fn accept(&self, id: JobId, proof: Vec<u8>) -> Result<(), SequencerError> {
        let store = self.shared.store();
        let (number, index) = split_id(id);
        let mut book = self.book();
        let Some(batch) = book.batches.get_mut(&number) else {
            return Ok(());
        };
        if batch.is_proven(index) {
            return Ok(());
        }
        if index != batch.plan.top {
            let proof = Arc::new(proof);
            let state = JobState::Proven(proof.clone());
            store.put_jobs(&[(id.0, state.encode())], true)?;
            // Counted once durable: what the metric shows survives a crash.
            self.shared.metrics.jobs_proven.inc();
            batch.states[index] = state;
            tracing::info!(target: "seq::jobs", batch = number, job = %id, kind = batch.kind(index).as_str(), "proof accepted");
            self.update_gauges(&book);
            return Ok(());
        }
        let records = self.shared.batch_records();
        let mut record = read_batch(store, number)?
            .ok_or_else(|| SequencerError::Corrupt(format!("batch {number} is missing")))?;
        // The bridge may have settled it already (another prover's proof, or a dev
        // verifier): settled stays settled.
        if record.proof_status != ProofStatus::Settled {
            record.proof_status = ProofStatus::Proven;
        }
        batch.times.proven_ms = now_ms();
        store.put_proving(number, &batch.times.encode())?;
        let circuits = self
            .circuits
            .get()
            .map(|circuits| circuits.digest())
            .unwrap_or_default();
        // The top node's proof with the batch number is the batch proof.
        let proof = BatchProof::bytes_of(number, &proof);
        // The proof, the record and the pruning of the batch's witnesses in one synced
        // write; then the jobs (orphans left by a crash in between are deleted on start).
        store.put_batch_proof(
            number,
            &circuits,
            &proof,
            &record.encode(),
            record.first_block..=record.last_block,
        )?;
        drop(records);
        self.shared.metrics.jobs_proven.inc();
        store.delete_jobs(job_id(number, 0).0, job_id(number + 1, 0).0)?;
        let times = batch.times;
        book.batches.remove(&number);
        self.announce(Announcement::batch_proven(
            self.shared.chain_id,
            &record,
            CircuitDigest(circuits),
            proof.len() as u64,
        ));
        self.shared.metrics.batches_proven.inc();
        self.update_gauges(&book);
        tracing::info!(
            target: "seq::jobs",
            batch = number,
            proving_ms = times.proven_ms.saturating_sub(times.first_lease_ms),
            since_sealed_ms = times.proven_ms.saturating_sub(times.sealed_ms),
            "batch proven"
        );
        Ok(())
    }
}

/// Reads and decodes block `number`'s stored witness.
fn read_witness(shared: &Shared, number: u64) -> Result<BlockWitness, SequencerError> {
    let bytes = shared.store().witness(number)?.ok_or_else(|| {
        SequencerError::Corrupt(format!("the witness of block {number} is missing"))
    })?;
    BlockWitness::decode(&bytes, hyperforge_primitives::tx::DEFAULT_MAX_PAYLOAD)
        .map_err(|error| SequencerError::Corrupt(format!("the witness of block {number}: {error}")))
}

/// Runs the coordinator until `stop` is set or the network's events end.
pub(crate) async fn run_coordinator(
    coordinator: Arc<Coordinator>,
    mut events: Events,
    mut stop: watch::Receiver<bool>,
) -> Result<(), SequencerError> {
    let mut ticker = tokio::time::interval(coordinator.config.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let shared = coordinator.shared.clone();
    loop {
        tokio::select! {
            _ = stop.changed() => return Ok(()),
            event = events.next() => match event {
                None => return Ok(()),
                Some(event) => on_event(&coordinator, event).await,
            },
            _ = async {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = shared.changed.notified() => {}
                }
            } => {
                let task = coordinator.clone();
                match tokio::task::spawn_blocking(move || task.tick()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => tracing::error!(target: "seq::jobs", %error, "planning failed"),
                    Err(error) => tracing::error!(target: "seq::jobs", %error, "planning task failed"),
                }
            }
        }
    }
}

/// Publishes the coordinator's announcements until `stop` is set or the coordinator is gone.
/// A topic nobody subscribed to is skipped quietly: gossip has no one to tell.
pub(crate) async fn run_announcer(
    client: Client,
    mut queue: mpsc::Receiver<Announcement>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let announcement = tokio::select! {
            _ = stop.changed() => return,
            next = queue.recv() => match next {
                Some(announcement) => announcement,
                None => return,
            },
        };
        let topic = announcement.topic();
        match client.publish(topic, announcement.encode()).await {
            Ok(()) => {}
            Err(P2pError::NoSubscribers { .. }) => {
                tracing::trace!(target: "seq::gossip", %topic, "nobody subscribed");
            }
            Err(P2pError::Shutdown) => return,
            Err(error) => tracing::debug!(target: "seq::gossip", %topic, %error, "not published"),
        }
    }
}

async fn on_event(coordinator: &Arc<Coordinator>, event: Event) {
    match event {
        Event::InboundRequest {
            peer,
            request,
            channel,
        } => {
            let coordinator = coordinator.clone();
            tokio::spawn(async move {
                let response = match request {
                    JobsRequest::Job(request) => serve_job(&coordinator, peer, request).await,
                    JobsRequest::Proof(submission) => {
                        serve_proof(&coordinator, peer, submission).await
                    }
                };
                if let Err(error) = coordinator.client.respond(channel, response).await {
                    tracing::warn!(target: "seq::jobs", %peer, %error, "answer not delivered");
                }
            });
        }
        Event::Gossip { id, .. } => {
            // The sequencer follows no gossip: it is the source of its chain's.
            let _ = coordinator
                .client
                .validate(id, hyperforge_p2p::Acceptance::Ignore)
                .await;
        }
        Event::PeerConnected { peer } => {
            tracing::info!(target: "seq::jobs", %peer, "peer connected");
            coordinator.ensure_circuits();
        }
        Event::PeerDisconnected { peer } => {
            tracing::info!(target: "seq::jobs", %peer, "peer disconnected");
        }
    }
}

async fn serve_job(
    coordinator: &Arc<Coordinator>,
    peer: PeerId,
    request: JobRequest,
) -> JobsResponse {
    if !coordinator.allowed.is_empty() && !coordinator.allowed.contains(&peer) {
        return JobsResponse::Refused(Refusal::NotAllowed);
    }
    coordinator.ensure_circuits();
    let Some(circuits) = coordinator.circuits.get() else {
        return JobsResponse::NoJob;
    };
    let ours = CircuitDigest(circuits.digest());
    if request.circuits != ours {
        tracing::warn!(target: "seq::jobs", %peer, expected = %ours, got = %request.circuits, "prover with other circuits refused");
        return JobsResponse::Refused(Refusal::CircuitMismatch {
            expected: ours,
            got: request.circuits,
        });
    }
    let chain_id = coordinator.shared.chain_id;
    if !request.chain_ids.contains(&chain_id) {
        return JobsResponse::Refused(Refusal::Other(format!(
            "this node coordinates chain {chain_id} only"
        )));
    }
    let task = coordinator.clone();
    match tokio::task::spawn_blocking(move || task.lease(peer, &request.kinds)).await {
        Ok(Ok(Some(job))) => JobsResponse::Job(Box::new(job)),
        Ok(Ok(None)) => JobsResponse::NoJob,
        Ok(Err(error)) => {
            tracing::error!(target: "seq::jobs", %error, "cannot lease a job");
            JobsResponse::Refused(Refusal::Other(
                "the coordinator cannot read its jobs".into(),
            ))
        }
        Err(error) => {
            tracing::error!(target: "seq::jobs", %error, "lease task failed");
            JobsResponse::Refused(Refusal::Other("the coordinator failed".into()))
        }
    }
}

async fn serve_proof(
    coordinator: &Arc<Coordinator>,
    peer: PeerId,
    submission: ProofSubmission,
) -> JobsResponse {
    let rejected = |reason: String| JobsResponse::Receipt(ProofReceipt::Rejected { reason });
    // A proof that arrives while the circuits load (a restarted sequencer) waits for them
    // rather than being thrown away.
    let Some(circuits) = coordinator.loaded_circuits().await else {
        return rejected("the coordinator has no circuits to check proofs with".into());
    };
    let ours = CircuitDigest(circuits.digest());
    if submission.circuits != ours {
        return JobsResponse::Refused(Refusal::CircuitMismatch {
            expected: ours,
            got: submission.circuits,
        });
    }
    if submission.chain_id != coordinator.shared.chain_id {
        return rejected(format!(
            "this node coordinates chain {} only",
            coordinator.shared.chain_id
        ));
    }
    let id = submission.job_id;
    let expected = match coordinator.expected(id) {
        Ok(expected) => expected,
        Err(reason) => return rejected(reason),
    };
    let proof = submission.proof.0;
    let task = coordinator.clone();
    let verdict = tokio::task::spawn_blocking(move || {
        let verdict = hyperforge_prover::check(&circuits, &expected, &proof);
        match verdict {
            Ok(()) => task.accept(id, proof).map(|()| Ok(())),
            Err(rejection) => task.requeue(id, peer).map(|()| Err(rejection)),
        }
    })
    .await;
    match verdict {
        Ok(Ok(Ok(()))) => JobsResponse::Receipt(ProofReceipt::Accepted),
        Ok(Ok(Err(rejection))) => {
            coordinator.shared.metrics.jobs_refused.inc();
            tracing::warn!(target: "seq::jobs", %peer, job = %id, %rejection, "proof refused; job re-queued, peer penalised");
            let _ = coordinator
                .client
                .report_peer(peer, Offence::InvalidProof)
                .await;
            rejected(rejection.to_string())
        }
        Ok(Err(error)) => {
            tracing::error!(target: "seq::jobs", %error, "cannot store a proof");
            rejected("the coordinator cannot store the proof".into())
        }
        Err(error) => {
            tracing::error!(target: "seq::jobs", %error, "proof check task failed");
            rejected("the coordinator failed".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_states_and_times_round_trip() {
        let peer = PeerId::random();
        for state in [
            JobState::Queued,
            JobState::Leased {
                peer,
                deadline_ms: 1_234_567,
            },
            JobState::Proven(Arc::new(vec![1, 2, 3])),
        ] {
            assert_eq!(JobState::decode(&state.encode()), Some(state));
        }
        assert_eq!(JobState::decode(&[3]), None);
        assert_eq!(JobState::decode(&[1, 5, 0]), None);
        let times = ProvingTimes {
            sealed_ms: 1,
            first_lease_ms: 2,
            proven_ms: 3,
        };
        assert_eq!(ProvingTimes::decode(&times.encode()), Some(times));
    }

    #[test]
    fn job_ids_name_batch_and_node() {
        let id = job_id(7, 3);
        assert_eq!(split_id(id), (7, 3));
        assert_eq!(
            split_id(job_id(1, (1 << NODE_BITS) - 1)),
            (1, (1 << NODE_BITS) - 1)
        );
    }
}
