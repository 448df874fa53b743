//! hyperforge's circuits for plonky2 1.x. Today: the in-circuit verifier of the signature
//! scheme of `hyperforge_crypto` (Schnorr over EcGFp5 with a Poseidon challenge), its
//! GF(p^5) and curve gadgets, custom gates, the block circuit's chunks: the
//! [`ChunkCircuit`] (message root imports; deposits and key registrations; signed transfers,
//! withdrawals, messages sent and executed) with its gadgets ([`merkle`] updates, [`amount`]
//! limb arithmetic, [`account`] leaves), and [`recursion`]: chunk proofs into batch proofs,
//! batch proofs of many chains into one settlement proof, shrunk to the final proof the
//! bridge receives, every circuit cached on disk ([`Circuits::load_or_build`]: the chunk
//! circuit of a shape and every recursion circuit over it).
//!
//! This crate is synchronous; its only I/O is the circuits' cache files
//! ([`recursion::cache`]), read and written where the caller points it. Proving uses
//! plonky2's rayon parallelism and belongs on a blocking pool. It knows nothing about RocksDB, tokio or the network: it
//! reads the witness types of `hyperforge_primitives::witness`, never `state` or
//! `execution`. Feature `test-utils`: `test_utils::TestChain`, an in-memory chain that
//! executes imports, priority operations and every transaction kind with `execution`'s
//! rules and writes block witnesses (for tests and the benchmark). Everything is for
//! `GoldilocksField`, `D = 2`, `PoseidonGoldilocksConfig` and the standard recursion config
//! (80 routed wires, 135 in all).
//!
//! # Representation
//!
//! - **GF(p^5)** ([`gfp5`]): five Goldilocks targets, the coefficients of `1, z, .., z^4`
//!   with `z^5 = 3`, as `hyperforge_crypto::field` (plonky2's quintic extension). A point
//!   encoding `w` is one such element: its limbs are field elements, so always canonical;
//!   limbs `>= p` are refused where they enter, by the witness helpers.
//! - **Points** ([`curve`]): fractional `(x, u)` coordinates `(X : Z : U : T)` with the
//!   paper's complete formulas (eprint 2022/274), as `hyperforge_crypto::curve`; window
//!   tables hold the affine `(x, u)` odd multiples `P, 3P, .., 15P`.
//! - **Scalars** ([`bigint`]): little-endian 16-bit limbs; the scalars that drive table
//!   lookups are odd signed 4-bit digits ([`curve::SignedScalarTarget`]: index and sign per
//!   digit, an even scalar as the odd one above it minus one) whose limbs are derived from
//!   them; identities mod `n` are checked as integer identities with hinted quotients and
//!   carries.
//! - **Signatures** ([`schnorr`]): `w(R)` plus `s` in 20 limbs; [`SchnorrTargets`] bundles a
//!   key, a message and a signature with helpers that set them from the native types.
//!
//! # Gates
//!
//! Custom gates (in [`gates`], each with its generator and plonky2's `test_low_degree` /
//! `test_eval_fns` tests); every unused slot of a row is all zeros and satisfies them:
//!
//! - [`gates::DoubleGate`]: a whole doubling in `(x, u)` coordinates, two per row (point in
//!   and out routed, the five intermediate products as advice: 130 of 135 wires), degree 2.
//! - [`gates::AddAffine2Gate`]: two chained signed mixed additions `P + s1 Q1 + s2 Q2`
//!   (`s = +-1`, checked), one per row, degree 3; [`gates::AddAffineGate`] is one of them.
//! - [`gates::FixedTableGate`]: a lookup into a constant 8-entry table of points baked into
//!   the gate (multilinear selectors of the index bits), six per row, degree 4: the
//!   fixed-base tables of `G` and `2^160 G`.
//! - [`gates::GFp5MulAddGate`]: `c = a b + d` in GF(p^5), four per row, degree 2, for every
//!   other multiplication (decoding, table normalisation, divisions).
//! - [`gates::RangeCheckGate`]: fifteen 16-bit range checks per row (base-4 digits as
//!   advice), degree 4, where plonky2's `BaseSumGate` spends a row on each.
//!
//! [`GateStrategy`] selects them; its other variants (the multiply-add gate only, or
//! plonky2's gates only, where a multiplication is 25 `ArithmeticGate` operations) exist to
//! measure what the custom gates save. Linear GF(p^5) operations (`alpha a + beta b` with
//! constants `k` or `k z`) use `ArithmeticGate`, variable-base table lookups plonky2's
//! `RandomAccessGate` (eight 8-entry lookups per row; it checks the index is below 8), the
//! challenge `PoseidonGate`. Hints (decoding's root and square root, divisions, the
//! challenge split and digit recoding, quotients, carries) are `SimpleGenerator`s in the
//! file of the gadget that checks them; they never refuse, they produce values the
//! constraints then reject, so soundness tests exercise constraints rather than hints.
//!
//! # Where the rows go
//!
//! One verification, 4-element message, measured by `cargo xtask bench prover` (rows
//! before padding; the marginal cost of one more signature in a batch):
//!
//! | part | custom gates | multiply-add gate only | plonky2 gates only |
//! |---|---:|---:|---:|
//! | decode `R` and `Q` | 4 | 4 | 12 |
//! | `s < n` (range checks, `s + d = n - 1`) | 8 | 45 | 45 |
//! | challenge: Poseidon, canonical 16-bit limbs | 7 | 22 | 22 |
//! | split check `c0 = e c1 mod n` (with `c1 != 0`) | 39 | 78 | 77 |
//! | `t = s c1 mod n` | 29 | 55 | 55 |
//! | variable-base tables (`-Q`, `-R`: 8 odd multiples each) | 24 | 77 | 221 |
//! | fixed-base tables (`G`, `2^160 G`: constants) | 0 | 0 | 0 |
//! | scalar multiplication: 160 doublings, 163 additions, 160 lookups | 276 | 1,447 | 4,150 |
//! | **total (marginal per signature)** | **381** | **1,717** | **4,569** |
//!
//! With the custom gates the scalar multiplication is 80 rows of doublings, 82 of
//! additions (two per row), 14 of fixed-base lookups and 100 of variable-base lookups (ten
//! 8-entry random accesses per point): those lookups are now the largest single part.
//! Constants cost no rows: they fill spare constant slots of the `RandomAccessGate` rows.

//!
//! # The chunk circuit
//!
//! A block's slots are proven in chunks of a fixed [`ChunkShape`]: `import_slots` import
//! slots, `priority_slots` priority slots, `tx_slots` transaction slots, then
//! `execute_slots` execute slots, each real or a no-op that changes nothing. A block orders
//! its slots imports, priority operations, transactions (in mempool order, any kind), and the
//! slots hash is a rolling hash in that order, so a chunk takes the block's slots in order
//! and only ever moves forward through its layout: imports, then priority operations, then
//! transactions into the transaction slots up to the first `ExecuteMessage`, then every
//! further transaction into the execute slots ([`ChunkShape::fit`] says how many of a run of
//! slots one chunk holds; the next chunk starts where it ended, mid-block if need be).
//! [`ChunkCircuit::build`] once per shape; [`ChunkCircuit::prove`] takes a [`ChunkState`] (where
//! the chunk starts) and the chunk's `ExpandedSlot`s from `BlockWitness::expand`;
//! [`ChunkState::after`] computes natively where it ends, [`ChunkPublicInputs::new`] what
//! the proof must expose; [`ChunkProof`] converts to and from bytes.
//!
//! **Public inputs** (53 elements, [`ChunkPublicInputs::to_elements`]): chain id; state root
//! before (4) and after (4); slots hash before (4) and after (4); priority operations
//! consumed, priority commitment before (4) and after (4); message roots imported, imports
//! commitment before (4) and after (4); outbox leaf count and root (4) before, and after;
//! value out before (2: high, low limb) and after (2), value in before (2) and after (2).
//! Only the state roots are public, not the sub-roots: the circuit hashes the private
//! fields of the `StateCommitment` (`hash_no_pad([STATE_ROOT, account_root, nullifier_root,
//! imported_root, next_account_index, imported_count])`, 2 rows) at both ends, so
//! aggregation chains chunks by equality of 4 elements and the bridge's stored root is the
//! same value. The outbox count and root and the value flows are running values of the
//! batch (the batch starts them at zero and the empty outbox root), so aggregation only
//! compares; the counts of priority operations and imports are the chunk's own.
//!
//! **Transaction slot** (flags `is_transfer`, `is_withdraw`, `is_send`, and in an execute
//! slot `is_execute`; each boolean and their sum `is_tx` boolean, so at most one; none: a
//! no-op whose dummy transfer, signed by a fixed key, is consistent but not applied):
//! - the body is hashed in circuit as `TxBody::hash`: the first sponge block `[tag,
//!   chain_id, from(5), nonce]` (`tag = TX_TRANSFER + is_withdraw + 2 is_send + 3
//!   is_execute`) is shared, then each layout's tail is absorbed (`to(5), amount(2)`;
//!   `dst_chain, recipient(5), value(2), payload_hash(4)`; `message_hash(4), import_index,
//!   leaf_index`) and the kind's digest selected; the chain id is connected to the public
//!   chain id; amounts and addresses are range-checked to 32-bit limbs;
//! - `verify_schnorr` over that body hash; `hash_no_pad(w(Q))` is connected to the sender
//!   leaf's key hash, its address to `from`, its nonce to the body's;
//! - sender: balance minus the amount with a borrow (the high limb's range check refuses an
//!   overdraft; a message execution debits `value (1 - is_execute) = 0`), nonce + 1
//!   (range-checked: a nonce of `2^32 - 1` cannot be used);
//! - credit (`is_transfer` or `is_execute`: `to`, or the executed message's recipient): the
//!   account whose address it is, or with `fresh` an empty leaf whose fields are
//!   constrained zero, at index `next_account_index` (recomposed from the path bits), which
//!   then grows by one (range-checked: the last index stays unused, as in execution);
//!   balance plus amount with a carry (overflow refused); a credit to the sender itself
//!   credits its debited leaf back at the same index;
//! - two depth-32 updates chained: the sender's old root is the running account root, the
//!   credited account's old root the sender's new root;
//! - outbox append (`is_withdraw` or `is_send`): the leaf, `hash_no_pad([LEAF_WITHDRAWAL,
//!   from(5), l1_recipient(5), amount(2)])` or the message leaf `Message::hash`
//!   (`[LEAF_MESSAGE, src_chain, sender(5), nonce, dst_chain, recipient(5), value(2),
//!   payload_hash(4)]` with `src_chain, sender, nonce` the body's chain id, sender and nonce),
//!   written over the empty leaf at index `outbox_count` (10 index bits: at most 1024
//!   leaves), whose old root is the running outbox root; the count grows by one;
//! - `SendMessage`: `dst_chain != chain_id` (`is_send ((dst_chain - chain_id) inv - 1) = 0`
//!   with a hinted inverse) and `value_out + value` (limbs with a carry, overflow refused).
//!   The payload enters as its 4-element hash, a witness: the signed body holds it and the
//!   leaf uses the same targets, so another payload hash changes the body hash the
//!   signature covers; the payload bytes are in the block (pubdata), whose slots hash binds
//!   the body hash;
//! - `ExecuteMessage` (execute slots only): the message's fields are witness, hashed into
//!   its leaf (payload again as its hash: the leaf binds it), and the message hash is in the
//!   signed body; `dst_chain = chain_id`; the outbox path of the append is reused as the
//!   inclusion path (old leaf `is_execute * message_leaf`, index bits = `leaf_index`, so
//!   `leaf_index < 1024`) and its old root is the witness root `R`; `imported_root_leaf(R)` is
//!   read at `import_index` (32 index bits) under the running imported root, and
//!   `is_execute (imported_count - 1 - import_index)` is range-checked to 32 bits
//!   (`import_index < imported_count`; the read alone implies it, as leaves at or above the
//!   count are empty); the nullifier `hash_no_pad([NULLIFIER_LEAF, message_hash])` is
//!   written over the *empty* leaf of the depth-42 nullifier tree whose index bits are the
//!   inclusion path's 10 then the read's 32 (`import_index * 2^10 + leaf_index`, no other key
//!   can be chosen), from the running nullifier root (a replay finds a non-empty leaf and
//!   fails); `value_in + value` (overflow refused); the relayer's signature and nonce as for
//!   any transaction;
//! - `slots_hash = two_to_one(slots_hash, body_hash)`. Roots, counts and the slots hash
//!   move only for their kind (`b (x - y) = 0` checks, `y + b (x - y)` selections).
//!
//! **Import slot** (`is_import`, else a no-op): `imported_root_leaf(root)` written over the
//! empty leaf at index `imported_count` (recomposed from 32 path bits, connected) from the
//! running imported root; `imported_count + 1` (range-checked: the last index stays unused,
//! as in execution); the imports commitment `m_{i+1} = two_to_one(m_i, root)` and the
//! count plus one; the slots hash with the leaf (`Slot::hash`). The bridge compares the
//! commitment with its message root queue's `m_{head+count}`: a root skipped, reordered or
//! misreported fails there.
//!
//! **Priority slot** (`is_deposit`, `is_register`, at most one set, else a no-op): the
//! operation hash as `PriorityOp::hash` (both are computed, one selected); a credit as above
//! of the deposit's amount or, for a key registration, of zero (`is_register * amount = 0`)
//! with the key hash replaced; `c_{i+1} = two_to_one(c_i, op_hash)` and the count + 1; the
//! slots hash. The bridge compares the resulting commitment with its own `c_{head+count}`,
//! so an operation skipped, reordered or misreported fails there. A deposit that execution
//! consumes without effect is proven failed, by witness flags (`overflows`, `full`, at most
//! one; `overflows` only for a deposit): an overflow reads the recipient's leaf under the
//! running account root (the credit's update with new leaf = old leaf, address = recipient)
//! and the flag is the carry out of `balance + amount` past 64 bits (a wrong flag fails the
//! high limb's range check: a deposit that fits cannot be called failed, one that overflows
//! cannot be credited); a full tree is `next_account_index = 2^32 - 1` (the index execution
//! keeps unused). Either way no account changes, and a failed deposit appends its refund
//! `OutboxEntry::Withdrawal { sender: recipient, l1_recipient: l1_sender, amount }` (the
//! transaction slot's withdrawal leaf, from the operation's own fields) at `outbox_count`.
//! Not guaranteed: that the recipient of a "full tree" deposit has no account (absence needs
//! an address-keyed tree, as below); a failed key registration refunds nothing.
//!
//! **What the circuit does not guarantee:** one account per address. A credit proves the
//! leaf it writes holds `to`, or opens a leaf at `next_account_index`, but nothing proves
//! `to` has no account elsewhere: a prover could open a second account for an address
//! instead of crediting its first (funds go to a leaf of that address; no one else's balance
//! changes). Closing that needs an address-keyed tree in the state commitment (a
//! non-membership proof per fresh account).
//!
//! **Four slot kinds, not one generic slot** (measured by `cargo xtask bench prover`): a
//! transaction slot costs 558 rows, 385 of them the signature; a priority slot 104, an import
//! slot 71. A generic layout would make every deposit or import pay for a signature (7 to 8
//! times its cost). Within the transaction slot, kinds that all need the signature are
//! flags: `Withdraw` and `SendMessage` add 31 rows to every slot (the outbox append, the
//! leaves, the shared body hash, the destination check, value out), 6% of a transfer.
//! `ExecuteMessage` adds 126 more (imported-root read 37, nullifier insertion 86, value in
//! and body 3; the inclusion path is the append's): an execute slot costs 684 rows, 23% of a
//! transfer. That is under the third above which the issue asks for dedicated slots, but a
//! universal slot would put a signed transfer at 684 rows (over the 600 target) and fit 11
//! instead of 14 transactions into 2^13 rows; so execute slots are a kind of their own that
//! holds any transaction, placed after the transaction slots. Block order stays sound (the
//! chunk's slot order is its layout order and no-ops change nothing, so any order of
//! transactions is covered by consecutive chunks), and the sequencer needs no reordering:
//! a block whose transactions before its first `ExecuteMessage` fill the transaction slots
//! and whose rest fits the execute slots is one chunk; otherwise it is split by
//! [`ChunkShape::fit`], at worst one chunk per `ExecuteMessage` with a transaction run
//! before it.
//!
//! **Rows** (`cargo xtask bench prover`, before padding): the marginal cost of a slot, then
//! the parts of the first slot of its kind (shared gates, such as constants and the spare
//! operations of a `RangeCheckGate` row, counted where first opened, so the parts add up to
//! a little more). Transaction slot **558**: signature 385, account Merkle updates 128 (the
//! lower bound: two depth-32 updates), withdrawal leaf and outbox append 25 (20 Merkle),
//! body and message-leaf hashes with range checks 11, account leaves 8, key hash, debit and
//! nonce 4, root chaining and slots hash 4, credit and message arithmetic 2. Execute slot
//! **684**: the same plus imported-root read with its leaf and the index check 37 (32
//! Merkle), nullifier insertion 86 (84 Merkle), value in and the execute body 1. Priority
//! slot **104** (80 before failed deposits were proven): Merkle 64, failure checks, refund
//! leaf and outbox append 27 (20 Merkle), leaves 5, operation hashes and range checks 8,
//! commitment, slots hash and chaining 3, arithmetic 2. Import slot **71**: leaf and Merkle update 66,
//! index, count, commitment and slots hash 7. A chunk has 4 fixed rows (the two state
//! roots): 14 transaction slots fit in 2^13 rows, or 11 execute slots. Proving (2 cores,
//! load 1 to 2): 14 transfer slots 2.6 s (5.4 transfers/s), 4 slots 1.3 s, 16 slots (2^14)
//! 5.2 s; 4 execute slots 1.2 s with transfers, 1.8 s with message executions.
//!
//! Gadgets: [`merkle::CircuitBuilderMerkle`] walks the old and new leaf up the same siblings
//! (two `PoseidonGate` rows a level, the gate's swap wire ordering each pair and
//! constraining each index bit boolean; there is no bit above the depth, so no aliasing
//! index); [`amount::CircuitBuilderAmount`] adds and subtracts `(hi, lo)` limbs with hinted
//! carries and 32-bit range checks on every produced limb; [`account::CircuitBuilderAccount`]
//! hashes the 13-element leaf. Limbs are range-checked where they enter the state (amounts,
//! a new account's address, every arithmetic result); a leaf's fields proven by a Merkle
//! path need no check (the circuit or genesis wrote them with checked limbs).
//!
//! # Recursion
//!
//! Three trees of proofs, each circuit with plonky2's standard gates only (the custom gates
//! stay in the chunk circuit: verifying a proof that used them needs only their
//! `eval_unfiltered_circuit`), all in the standard recursion config but the last two:
//!
//! ```text
//! chunk proofs ─▶ batch leaf ─┐                      (one leaf per chunk)
//!                 batch leaf ─┴▶ batch step ─┐       (same circuit at every level)
//!                 batch leaf ───────────────┴▶ batch step  = the batch proof (its top, + number)
//! batch proofs ─▶ settle leaf ─┐  (whole batch? then hash of BatchPublicInputs (40))
//!                 settle leaf ─┴▶ settle step ─┐     (an odd last subtree joins an empty one)
//!                 settle leaf ─▶ settle step(-, empty) ┴▶ settle step ─▶ settle root = commitment (4)
//! settle root ─▶ high rate ─▶ final (KeccakGoldilocksConfig)   = commitment (4)
//! ```
//!
//! **Fixed shape.** In each tree the leaf and the step circuit share one common data at
//! `2^13` rows ([`recursion::tree::STEP_DEGREE_BITS`]): both are built against a guess, with
//! the union of their gates and `NoopGate` padding, until both reproduce it (intmax2's
//! way; two rounds). A step verifies two children of that common data, each flagged leaf or
//! step: a leaf child against the leaf's verifier data (a constant), a step child against
//! the step's own verifier data, which is the last 68 public inputs of every leaf and step
//! proof and which each child must carry too (plonky2's cyclic-recursion binding, without
//! its `*_or_dummy` helpers); whatever verifies a tree's top proof (the settlement leaf, the
//! settlement root) holds the step's verifier data as a constant, so a proof of any other
//! circuit with the same shape is refused. Odd levels carry their last
//! proof up unchanged, so a batch of any number of chunks needs no padding proof.
//!
//! **Batch tree.** A leaf wraps one chunk proof into a segment
//! ([`recursion::SegmentPublicInputs`], 62 elements before the verifier data): the chunk's
//! 53 public inputs, `ends_block` (a witness bit: the chunk is its block's last) and the
//! batch's pubdata fold before and after it (`fold = two_to_one(fold, slots_hash_after)` if
//! it ends a block). A step joins adjacent segments: same chain id; left's state root
//! after = right's before; right's slots hash before = the slots seed if the left ends a
//! block, else the left's slots hash after; pubdata, priority and imports commitments,
//! outbox count and root and both value flows chained by equality; counts summed. So the
//! join is associative and the pubdata commitment (`block::pubdata_commitment`, a fold over
//! each block's final slots hash) is a running value like the others. The batch proof is the
//! tree's top proof with the batch number ([`recursion::BatchProof`]): no root circuit,
//! which would cost every batch one more `2^13` proof. What a root would check moves into
//! the settlement leaf, which is padded to `2^13` rows anyway: the segment is a whole batch
//! (starts at the slots seed with the pubdata seed, an empty outbox and zero value flows;
//! its last chunk ends a block), and it hashes exactly `BatchPublicInputs::to_elements()`,
//! the batch number a witness of the settler's (the bridge rebuilds the hash from its own
//! records, number included). Natively, [`recursion::SegmentPublicInputs::batch_inputs`]
//! makes the same checks. Where a block ends is the prover's claim: a proof that splits
//! one block in two still proves every slot, from the same state to the same state, but
//! exposes another pubdata commitment, so it does not match the sealed batch's public inputs
//! (which the coordinator compares before it stores a proof, and which the settler hands the
//! bridge).
//!
//! **Settlement tree.** A leaf verifies a batch proof (a leaf or step of the batch tree,
//! carrying the batch step's verifier data), checks it is a whole batch and wraps it into
//! `hash_no_pad(its 40 public inputs)` at height 0; a step joins two subtrees of equal height (`two_to_one`), the
//! right one possibly empty (then the prover repeats the left proof, whose commitment is
//! replaced by the empty root of that height, a 16-entry constant table); the root exposes
//! the commitment: `bridge::settlement_commitment` over the batches in settlement order,
//! padded to a power of two with empty entries. Batches of any chains, consecutive batches
//! of one chain included; continuity between batches is the bridge's check (it stores each
//! chain's root and queue heads). **Final proof**: plonky2's `test_size_optimized_recursion`
//! chain (high rate: rate bits 7, 12 queries; final: 37 routed wires, rate bits 8, cap
//! height 0, 20 proof-of-work bits, 10 queries, `MinSize`, `KeccakGoldilocksConfig`),
//! [`recursion::final_circuit`] builds it.
//!
//! Every `prove_*` verifies its input proofs natively first (plonky2's witness generators
//! panic on an invalid inner proof rather than fail); a lie between valid proofs (a gap, a
//! swapped order, two chains, a batch not at block boundaries, heights that differ) fails
//! in circuit with `CircuitError::Prove`.
//!
//! **Cache** ([`recursion::cache`]): each built circuit (prover and verifier data, plonky2's
//! default serializers: the recursion circuits use no custom gate or generator) is a file
//! keyed by a Poseidon digest of its name, a cache version, the crate version and the
//! verifier digests and degrees of what it verifies; a header with length and checksum
//! turns a truncated or corrupt file into an error naming it, logged, and the circuit is
//! rebuilt; a file whose stored circuit digest is not the one its verifier data implies is
//! refused the same way. The chunk circuit ([`ChunkCircuit::load_or_build`], details in
//! `chunk::cache`) is stored with [`gates::CustomGateSerializer`] and
//! [`gates::CustomGeneratorSerializer`] (plonky2's defaults plus every custom gate, gate
//! generator and hint, each generator with a stable field-free `id()`); the targets a witness
//! sets are rebuilt by running the circuit's construction without `build` (deterministic,
//! a small part of the build's cost) rather than stored, and the key covers the four slot
//! counts, the rebuilt row count, `chunk::CHUNK_CIRCUIT_VERSION`, the protocol constants the
//! circuit bakes in and a Poseidon digest of the source of every file the circuit is built
//! from, so any change to the circuit's code misses the old file. On load the stored
//! public input targets must be the rebuilt ones. [`Circuits::load_or_build`] loads the chunk
//! circuit and every recursion circuit over it, what a prover node, the coordinator and the
//! settler call at startup.
//!
//! **Numbers** (`cargo bench --profile dev -p hyperforge-circuits --bench recursion`, 2
//! cores shared with other builds, chunk of 1 priority + 1 transaction slot): rows before
//! padding: batch leaf 3,889, batch step 7,961, settle leaf 3,994 (3,975 before it took over
//! the batch root's checks; the batch root was 3,989), settle step 7,949, settle root 3,982
//! (all `2^13`), high rate and final `2^12`. Leaf 2.2 s, step 2.4 s; batch of 1 chunk 4.3 s,
//! of 4 chunks 17.6 s (leaves, steps and the root of then, chunk proofs apart); settlement of
//! 2 batches 8.8 s, of 4 17.3 s; shrink 19.2 s; final proof 51,183 bytes. Measured again
//! without the batch root on a slower day (leaf 4.0 s, step 3.5 s, shrink 34.5 s: every
//! figure about 1.7 times): a batch of 1 chunk is its leaf, 3.8 s; of 4 chunks 30.7 s. Building every recursion circuit 21.6 s, loading them from the cache 3.5 s (1.2 GiB
//! of files); peak memory 4.7 GiB. Through [`Circuits::load_or_build`] (the chunk circuit
//! too), measured later with the machine at a load of 4 to 5 (every figure about 1.7 times
//! the above): build 36.7 s, load 6.9 s.
//!
//! **Chunk circuit cache and end to end** (`cargo xtask bench prover`, machine at a load of
//! 2 to 3, where a 14-slot chunk proof took 7.7 s instead of 2.6 s): the 14-transfer-slot
//! chunk circuit (2^13 rows) builds in 2.8 s and loads in 0.46 s (a 74 MiB file; storing
//! it 0.6 s). A batch of 64 signed transfers (one block, 5 chunks of 14 slots) proven from
//! nothing to its batch proof: chunk proofs 26.2 s, batch tree (5 leaves, 4 steps, root)
//! 47.9 s, **0.86 transfers/s** end to end (`BENCH proven_signed_tps`); on an idle machine
//! the per-proof times above give about 13 s + 23 s, some 1.8 transfers/s. The batch tree
//! costs more than the chunks: a leaf per 14 transfers plus a step per join.

pub mod account;
pub mod amount;
pub mod batch;
pub mod bigint;
pub mod chunk;
pub mod curve;
pub mod error;
pub mod gates;
pub mod gfp5;
pub mod merkle;
pub mod recursion;
pub mod schnorr;
#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;

use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::config::PoseidonGoldilocksConfig;

pub use batch::{SignatureBatchCircuit, SignedMessage};
pub use chunk::{ChunkCircuit, ChunkProof, ChunkPublicInputs, ChunkShape, ChunkState};
pub use curve::{AffinePointTarget, CircuitBuilderEcGFp5, PointTarget};
pub use error::CircuitError;
pub use gfp5::{CircuitBuilderGFp5, GFp5Target, GateStrategy};
pub use recursion::cache::Circuits;
pub use schnorr::{CircuitBuilderSchnorr, SchnorrTargets, SignatureTarget};

/// The extension degree of the proof system's challenges.
pub const D: usize = 2;
/// The plonky2 configuration of every circuit here.
pub type Config = PoseidonGoldilocksConfig;
/// The circuit builder the gadgets extend.
pub type Builder = CircuitBuilder<hyperforge_crypto::GFp, D>;
