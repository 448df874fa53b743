// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.30;

import {IVerifier} from "./IVerifier.sol";
import {PoseidonGoldilocks} from "./PoseidonGoldilocks.sol";

/// @title Bridge: the one L1 bridge every hyperchain settles into
/// @notice Modelled on ZK Stack's Bridgehub (chain registry, deposits), Executor (settlement) and
/// MessageRoot (the outbox roots every chain imports), cut to what N chains need:
/// - `registerChain` (owner only) records a chain's id, genesis state root and admin; its
///   msg.value backs the genesis balances and becomes the chain's balance;
/// - `deposit` and `registerKey` append priority operations to the chain's queue, whose rolling
///   Poseidon commitment (from `PRIORITY_SEED`) is stored per queue position;
/// - `settle` (settler only) takes one batch for each of several chains and checks, batch by
///   batch: continuity, the priority operations consumed, the message roots imported from the
///   bridge's one message root queue, and the value its messages brought in and sent out
///   (which moves between the chain's balance and `inFlightGwei`); it records the new state
///   roots and outbox roots and appends every non-empty outbox root to the message root queue
///   (a rolling Poseidon commitment from `MESSAGE_QUEUE_SEED`); then checks through
///   `IVerifier` the one proof whose public input is the settlement commitment: a binary
///   Poseidon Merkle root over `hash_no_pad` of each batch's 40 public inputs, in settlement
///   order, padded with zero leaves to a power of two (`primitives::bridge::settlement_commitment`);
/// - `finalizeWithdrawal` pays a withdrawal proven against a settled outbox root, once, from
///   the chain's balance.
/// The bridge's ETH, in gwei, is the sum of the chains' balances plus `inFlightGwei` (plus
/// whatever was forced on it without a call). Field elements are Goldilocks
/// (p = 2^64 - 2^32 + 1); a digest is a bytes32 holding four elements as big-endian uint64
/// words, element 0 most significant. The encodings are those of `primitives::bridge` and
/// `primitives::domain` in Rust; ARCHITECTURE.md ("contracts/ and crates/l1") documents them.
contract Bridge {
    // ------------------------------------------------------------------ constants

    /// @notice Depth of a batch's outbox tree (binary Poseidon Merkle tree, empty leaf = 0).
    uint256 public constant OUTBOX_DEPTH = 10;
    /// @notice Field elements of public inputs per settled batch.
    uint256 public constant PUBLIC_INPUTS_PER_BATCH = 40;
    /// @notice Largest chain id (chain ids are one field element, below 2^53).
    uint64 public constant MAX_CHAIN_ID = (1 << 53) - 1;
    /// @notice c_0 of every chain's priority queue: hash_no_pad([0x50]) (`primitives::bridge::PRIORITY_SEED`).
    bytes32 public constant PRIORITY_SEED = 0x470039f477424900b32a83f9a959f09e2b4a11daee96a6b42cb5711066e59b17;
    /// @notice m_0 of the message root queue: hash_no_pad([0x51]) (`primitives::bridge::MESSAGE_QUEUE_SEED`).
    bytes32 public constant MESSAGE_QUEUE_SEED = 0x15b8c1a0e32547ef5c823b70a011e46ec510c3ab70ba125e68c743dc64667f56;
    /// @notice Root of an empty outbox (`primitives::bridge::empty_outbox_root()`): such a batch
    /// appends nothing to the message root queue.
    bytes32 public constant EMPTY_OUTBOX_ROOT = 0xccf7b63f7b1140c391e919b1e4a3ea53707c71f51d338df7c27e8f4600af2a41;

    uint256 internal constant P = 0xffffffff00000001;
    uint256 internal constant MASK_64 = 0xffffffffffffffff;
    uint256 internal constant MASK_32 = 0xffffffff;
    // Domain tags (`primitives::domain`): the first element of each kind of hashed preimage.
    uint256 internal constant OP_DEPOSIT = 0x10;
    uint256 internal constant OP_REGISTER_KEY = 0x11;
    uint256 internal constant LEAF_WITHDRAWAL = 0x20;

    // ------------------------------------------------------------------ types

    /// @notice One chain's batch in a settlement: the batch's public inputs, less what the
    /// bridge supplies itself (the priority and message queue commitments the batch starts from).
    struct ChainBatch {
        uint64 chainId;
        uint64 batchNumber;
        bytes32 oldStateRoot;
        bytes32 newStateRoot;
        /// Priority operations the batch consumed from the head of the chain's queue.
        uint64 priorityOpsCount;
        /// The rolling commitment after them (the queue's commitment at head + count).
        bytes32 priorityOpsCommitment;
        /// Message roots the batch imported from the message root queue, from the chain's import head.
        uint64 importsCount;
        /// The queue's commitment after them (at importHead + importsCount).
        bytes32 importsCommitment;
        bytes32 outboxRoot;
        /// Value the batch's messages carry out of the chain, in gwei.
        uint64 valueOutGwei;
        /// Value the messages the batch executed brought in, in gwei.
        uint64 valueInGwei;
        bytes32 pubdataCommitment;
    }

    /// @notice A withdrawal leaf of an outbox.
    struct Withdrawal {
        address l2Sender;
        address l1Recipient;
        uint64 amountGwei;
    }

    /// @notice What the bridge keeps per chain, in three slots: the state root; what settle
    /// writes (batch number, heads, balance); what deposits and registration write.
    struct Chain {
        /// State root after the last settled batch (the genesis root before any).
        bytes32 stateRoot;
        /// Number of the last settled batch (0: none yet; the first batch is 1).
        uint64 batchNumber;
        /// Index of the first priority operation no settled batch has consumed.
        uint64 priorityHead;
        /// How many entries of the message root queue the chain has imported.
        uint64 importHead;
        /// ETH the chain holds, in gwei (genesis backing + deposits + value in - value out -
        /// withdrawals): a chain's withdrawals and messages cannot spend another's.
        uint64 balanceGwei;
        /// Number of priority operations ever queued.
        uint64 priorityLength;
        bool registered;
        address admin;
    }

    // ------------------------------------------------------------------ errors

    error NotOwner(address caller);
    error NotSettler(address caller);
    error InvalidChainId(uint64 chainId);
    error ChainAlreadyRegistered(uint64 chainId);
    error UnknownChain(uint64 chainId);
    error NonCanonicalDigest(bytes32 digest);
    error NotWholeGwei(uint256 valueWei);
    error ZeroDeposit();
    error AmountTooLarge(uint256 valueWei);
    error NoBatches();
    error BatchAlreadySettled(uint64 chainId, uint64 batchNumber);
    error BatchOutOfOrder(uint64 chainId, uint64 expected, uint64 got);
    error StateRootMismatch(uint64 chainId, bytes32 expected, bytes32 got);
    error TooManyPriorityOps(uint64 chainId, uint64 requested, uint64 available);
    error PriorityOpsMismatch(uint64 chainId, bytes32 expected, bytes32 got);
    error TooManyImports(uint64 chainId, uint64 requested, uint64 available);
    error ImportsMismatch(uint64 chainId, bytes32 expected, bytes32 got);
    error InsufficientInFlight(uint64 chainId, uint64 inFlightGwei, uint64 valueInGwei);
    error ChainBalanceOverflow(uint64 chainId, uint64 balanceGwei, uint64 amountGwei);
    error InFlightOverflow(uint64 inFlightGwei, uint64 amountGwei);
    error InvalidProof();
    error BatchNotSettled(uint64 chainId, uint64 batchNumber);
    error WrongProofLength(uint256 expected, uint256 got);
    error LeafIndexOutOfRange(uint256 leafIndex);
    error WithdrawalAlreadyFinalized(uint64 chainId, uint64 batchNumber, uint256 leafIndex);
    error InvalidWithdrawalProof(uint64 chainId, uint64 batchNumber, uint256 leafIndex);
    error InsufficientChainBalance(uint64 chainId, uint64 balanceGwei, uint64 amountGwei);
    error EthTransferFailed(address recipient);
    /// @notice Raised by PoseidonGoldilocks for an input >= p (declared here so clients decode it).
    error NonCanonicalElement(uint256 value);

    // ------------------------------------------------------------------ events

    /// @notice `genesisBalanceGwei` (the registration's msg.value) backs the genesis balances.
    event ChainRegistered(uint64 indexed chainId, bytes32 genesisRoot, address admin, uint64 genesisBalanceGwei);
    /// @notice Priority operation `index` of `chainId`: a deposit. `commitment` is the queue's
    /// rolling commitment after it.
    event DepositQueued(
        uint64 indexed chainId,
        uint64 index,
        address indexed l1Sender,
        address l2Recipient,
        uint64 amountGwei,
        bytes32 commitment
    );
    /// @notice Priority operation `index` of `chainId`: binds `l2PubKeyHash` to `l1Sender`.
    event KeyRegistrationQueued(
        uint64 indexed chainId, uint64 index, address indexed l1Sender, bytes32 l2PubKeyHash, bytes32 commitment
    );
    /// @notice `priorityHead` and `importHead` are the chain's heads after the batch.
    event BatchSettled(
        uint64 indexed chainId,
        uint64 indexed batchNumber,
        bytes32 newStateRoot,
        bytes32 outboxRoot,
        uint64 priorityHead,
        uint64 importHead
    );
    /// @notice Entry `index` (from 0) of the message root queue: the outbox root of `chainId`'s
    /// batch `batchNumber`; `commitment` is the queue's commitment after it, m_{index + 1}.
    event MessageRootAppended(
        uint64 indexed index, uint64 indexed chainId, uint64 batchNumber, bytes32 outboxRoot, bytes32 commitment
    );
    event WithdrawalFinalized(
        uint64 indexed chainId, uint64 indexed batchNumber, uint256 leafIndex, address indexed l1Recipient, uint64 amountGwei
    );

    // ------------------------------------------------------------------ storage

    /// @notice Checks settlement proofs (see IVerifier; DevVerifier checks no proof).
    IVerifier public immutable verifier;
    /// @notice The Poseidon hash, deployed by the constructor.
    PoseidonGoldilocks public immutable poseidon;
    /// @notice May register chains.
    address public immutable owner;
    /// @notice May settle.
    address public immutable settler;

    /// @notice Entries in the message root queue (one slot with inFlightGwei).
    uint64 public messageRootCount;
    /// @notice Value sent by the messages of settled batches and not yet brought in by a
    /// settled batch of a destination chain, in gwei.
    uint64 public inFlightGwei;

    mapping(uint64 chainId => Chain) internal chains;
    /// @dev Rolling priority commitment c_n after the first n operations (n >= 1; c_0 = PRIORITY_SEED).
    mapping(uint64 chainId => mapping(uint256 n => bytes32)) internal priorityCommitments;
    /// @dev Message root queue commitment m_n after the first n roots (n >= 1; m_0 = MESSAGE_QUEUE_SEED).
    mapping(uint256 n => bytes32) internal messageCommitments;
    /// @notice Outbox root of each settled batch.
    mapping(uint64 chainId => mapping(uint64 batchNumber => bytes32)) public outboxRoots;
    /// @notice Finalized withdrawals, keyed by keccak256(abi.encode(chainId, batchNumber, leafIndex)).
    mapping(bytes32 => bool) internal finalized;

    /// @dev What `settle` carries from batch to batch in memory, written back once at the end.
    struct Queue {
        uint64 count;
        uint64 inFlight;
        bytes32 commitment;
    }

    constructor(IVerifier verifier_, address settler_) {
        verifier = verifier_;
        settler = settler_;
        owner = msg.sender;
        poseidon = new PoseidonGoldilocks();
    }

    // ------------------------------------------------------------------ chains

    /// @notice Registers `chainId` with its genesis state root; msg.value (whole gwei) backs
    /// the genesis balances and becomes the chain's balance.
    function registerChain(uint64 chainId, bytes32 genesisRoot, address admin) external payable {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (chainId == 0 || chainId > MAX_CHAIN_ID) revert InvalidChainId(chainId);
        Chain storage chain = chains[chainId];
        if (chain.registered) revert ChainAlreadyRegistered(chainId);
        _requireCanonical(genesisRoot);
        uint64 backing = _gwei(msg.value);
        chain.stateRoot = genesisRoot;
        chain.balanceGwei = backing;
        chain.registered = true;
        chain.admin = admin;
        emit ChainRegistered(chainId, genesisRoot, admin, backing);
    }

    /// @notice What the bridge keeps for `chainId`.
    function getChain(uint64 chainId) external view returns (Chain memory) {
        return chains[chainId];
    }

    /// @notice c_n of `chainId`'s priority queue: PRIORITY_SEED for n = 0, zero past the queue's end.
    function priorityCommitmentAt(uint64 chainId, uint256 n) external view returns (bytes32) {
        return n == 0 ? PRIORITY_SEED : priorityCommitments[chainId][n];
    }

    /// @notice m_n of the message root queue: MESSAGE_QUEUE_SEED for n = 0, zero past its end.
    function messageCommitmentAt(uint256 n) external view returns (bytes32) {
        return n == 0 ? MESSAGE_QUEUE_SEED : messageCommitments[n];
    }

    // ------------------------------------------------------------------ priority operations

    /// @notice Deposits msg.value (whole gwei) to `l2Recipient` on `chainId`.
    function deposit(uint64 chainId, address l2Recipient) external payable {
        Chain storage chain = _registered(chainId);
        uint256 amount = _gwei(msg.value);
        if (amount == 0) revert ZeroDeposit();
        if (amount > MASK_64 - chain.balanceGwei) revert AmountTooLarge(msg.value);
        chain.balanceGwei += uint64(amount);

        uint256[] memory op = new uint256[](13);
        op[0] = OP_DEPOSIT;
        _putAddress(op, 1, msg.sender);
        _putAddress(op, 6, l2Recipient);
        op[11] = amount >> 32;
        op[12] = amount & MASK_32;
        (uint64 index, bytes32 commitment) = _enqueue(chainId, chain, poseidon.hashNoPad(op));
        emit DepositQueued(chainId, index, msg.sender, l2Recipient, uint64(amount), commitment);
    }

    /// @notice Binds the L2 public key hash `l2PubKeyHash` to msg.sender on `chainId`.
    function registerKey(uint64 chainId, bytes32 l2PubKeyHash) external {
        Chain storage chain = _registered(chainId);
        _requireCanonical(l2PubKeyHash);
        uint256[] memory op = new uint256[](10);
        op[0] = OP_REGISTER_KEY;
        _putAddress(op, 1, msg.sender);
        _putDigest(op, 6, l2PubKeyHash);
        (uint64 index, bytes32 commitment) = _enqueue(chainId, chain, poseidon.hashNoPad(op));
        emit KeyRegistrationQueued(chainId, index, msg.sender, l2PubKeyHash, commitment);
    }

    function _enqueue(uint64 chainId, Chain storage chain, bytes32 opHash)
        internal
        returns (uint64 index, bytes32 commitment)
    {
        index = chain.priorityLength;
        bytes32 previous = index == 0 ? PRIORITY_SEED : priorityCommitments[chainId][index];
        commitment = poseidon.twoToOne(previous, opHash);
        priorityCommitments[chainId][uint256(index) + 1] = commitment;
        chain.priorityLength = index + 1;
    }

    // ------------------------------------------------------------------ settlement

    /// @notice Settles one batch for each of several chains (a chain may appear more than
    /// once, with consecutive batches) under one proof whose public input is the settlement
    /// commitment over all their public inputs (`settlementCommitment`).
    function settle(ChainBatch[] calldata batches, bytes calldata proof) external {
        if (msg.sender != settler) revert NotSettler(msg.sender);
        uint256 count = batches.length;
        if (count == 0) revert NoBatches();
        uint256 width = 1;
        while (width < count) width <<= 1;
        // Leaves past `count` stay zero: the empty entries of the padded tree.
        bytes32[] memory nodes = new bytes32[](width);
        uint256[] memory inputs = new uint256[](PUBLIC_INPUTS_PER_BATCH);
        uint256 inputsAt;
        assembly {
            inputsAt := add(inputs, 0x20)
        }
        uint64 queued = messageRootCount;
        Queue memory queue = Queue({
            count: queued,
            inFlight: inFlightGwei,
            commitment: queued == 0 ? MESSAGE_QUEUE_SEED : messageCommitments[queued]
        });
        for (uint256 i = 0; i < count; ++i) {
            _settleOne(batches[i], inputsAt, queue);
            nodes[i] = poseidon.hashNoPad(inputs);
        }
        messageRootCount = queue.count;
        inFlightGwei = queue.inFlight;
        for (uint256 level = width; level > 1; level >>= 1) {
            for (uint256 j = 0; j < level / 2; ++j) {
                nodes[j] = poseidon.twoToOne(nodes[2 * j], nodes[2 * j + 1]);
            }
        }
        bytes32 commitment = nodes[0];
        uint256[] memory publicInputs = new uint256[](4);
        for (uint256 k = 0; k < 4; ++k) {
            publicInputs[k] = uint256(commitment >> (192 - 64 * k)) & 0xffffffffffffffff;
        }
        if (!verifier.verify(publicInputs, proof)) revert InvalidProof();
    }

    /// @dev Checks and records one batch; writes its public inputs at memory `inputsAt`.
    function _settleOne(ChainBatch calldata batch, uint256 inputsAt, Queue memory queue) internal {
        Chain storage chain = _registered(batch.chainId);
        // Slot 1 of a Chain: batchNumber | priorityHead << 64 | importHead << 128 | balanceGwei << 192.
        uint256 heads;
        assembly {
            heads := sload(add(chain.slot, 1))
        }
        _checkContinuity(batch, uint64(heads), chain.stateRoot);
        (bytes32 priorityBefore, uint64 priorityEnd) =
            _checkPriorityOps(batch, uint64(heads >> 64), chain.priorityLength);
        (bytes32 importsBefore, uint64 importEnd) = _checkImports(batch, uint64(heads >> 128), queue);
        _requireCanonical(batch.newStateRoot);
        _requireCanonical(batch.outboxRoot);
        _requireCanonical(batch.pubdataCommitment);
        uint64 newBalance = _moveValue(batch, uint64(heads >> 192), queue);
        _putPublicInputs(inputsAt, batch, priorityBefore, importsBefore);
        _record(batch, chain, priorityEnd, importEnd, newBalance, queue);
    }

    /// @dev The batch follows the chain's last settled one.
    function _checkContinuity(ChainBatch calldata batch, uint64 last, bytes32 stateRoot) internal pure {
        uint64 chainId = batch.chainId;
        uint64 batchNumber = batch.batchNumber;
        if (batchNumber <= last) revert BatchAlreadySettled(chainId, batchNumber);
        if (batchNumber != last + 1) revert BatchOutOfOrder(chainId, last + 1, batchNumber);
        if (batch.oldStateRoot != stateRoot) revert StateRootMismatch(chainId, stateRoot, batch.oldStateRoot);
    }

    /// @dev Records the batch's roots and the chain's heads and balance (slot 1 in one
    /// SSTORE), then appends a non-empty outbox root to the message root queue.
    function _record(
        ChainBatch calldata batch,
        Chain storage chain,
        uint64 priorityEnd,
        uint64 importEnd,
        uint64 newBalance,
        Queue memory queue
    ) internal {
        uint64 chainId = batch.chainId;
        uint64 batchNumber = batch.batchNumber;
        bytes32 outboxRoot = batch.outboxRoot;
        chain.stateRoot = batch.newStateRoot;
        assembly {
            let mask := 0xffffffffffffffff
            sstore(
                add(chain.slot, 1),
                or(
                    or(and(batchNumber, mask), shl(64, and(priorityEnd, mask))),
                    or(shl(128, and(importEnd, mask)), shl(192, and(newBalance, mask)))
                )
            )
        }
        outboxRoots[chainId][batchNumber] = outboxRoot;
        emit BatchSettled(chainId, batchNumber, batch.newStateRoot, outboxRoot, priorityEnd, importEnd);
        if (outboxRoot == EMPTY_OUTBOX_ROOT) return;
        uint64 index = queue.count;
        bytes32 commitment = poseidon.twoToOne(queue.commitment, outboxRoot);
        messageCommitments[uint256(index) + 1] = commitment;
        queue.count = index + 1;
        queue.commitment = commitment;
        emit MessageRootAppended(index, chainId, batchNumber, outboxRoot, commitment);
    }

    /// @dev The priority commitment the batch starts from (c_head), and the head after it.
    function _checkPriorityOps(ChainBatch calldata batch, uint64 head, uint64 length)
        internal
        view
        returns (bytes32 before, uint64 end)
    {
        uint64 chainId = batch.chainId;
        uint64 consumed = batch.priorityOpsCount;
        uint64 available = length - head;
        if (consumed > available) revert TooManyPriorityOps(chainId, consumed, available);
        end = head + consumed;
        before = head == 0 ? PRIORITY_SEED : priorityCommitments[chainId][head];
        bytes32 expected = consumed == 0 ? before : priorityCommitments[chainId][end];
        if (batch.priorityOpsCommitment != expected) {
            revert PriorityOpsMismatch(chainId, expected, batch.priorityOpsCommitment);
        }
    }

    /// @dev The message queue commitment the batch starts from (m_importHead), and the import
    /// head after it. Only roots appended before this batch can be imported.
    function _checkImports(ChainBatch calldata batch, uint64 head, Queue memory queue)
        internal
        view
        returns (bytes32 before, uint64 end)
    {
        uint64 imported = batch.importsCount;
        uint64 available = queue.count - head;
        if (imported > available) revert TooManyImports(batch.chainId, imported, available);
        end = head + imported;
        before = _messageCommitment(head, queue);
        bytes32 expected = imported == 0 ? before : _messageCommitment(end, queue);
        if (batch.importsCommitment != expected) revert ImportsMismatch(batch.chainId, expected, batch.importsCommitment);
    }

    /// @dev m_n, the last one from memory (this settlement may not have stored it yet).
    function _messageCommitment(uint64 n, Queue memory queue) internal view returns (bytes32) {
        if (n == queue.count) return queue.commitment;
        return n == 0 ? MESSAGE_QUEUE_SEED : messageCommitments[n];
    }

    /// @dev Value in moves from in flight to the chain, then value out from the chain to in
    /// flight; returns the chain's new balance.
    function _moveValue(ChainBatch calldata batch, uint64 balance, Queue memory queue)
        internal
        pure
        returns (uint64)
    {
        uint64 chainId = batch.chainId;
        uint64 valueIn = batch.valueInGwei;
        uint64 inFlight = queue.inFlight;
        if (valueIn > inFlight) revert InsufficientInFlight(chainId, inFlight, valueIn);
        if (valueIn > MASK_64 - balance) revert ChainBalanceOverflow(chainId, balance, valueIn);
        inFlight -= valueIn;
        balance += valueIn;
        uint64 valueOut = batch.valueOutGwei;
        if (valueOut > balance) revert InsufficientChainBalance(chainId, balance, valueOut);
        if (valueOut > MASK_64 - inFlight) revert InFlightOverflow(inFlight, valueOut);
        queue.inFlight = inFlight + valueOut;
        return balance - valueOut;
    }

    /// @dev Writes the batch's 40 public inputs at memory `p`, in the order of
    /// `BatchPublicInputs::to_elements`. Every uint64 field of `batch` was read (so validated)
    /// by the checks before.
    function _putPublicInputs(uint256 p, ChainBatch calldata batch, bytes32 priorityBefore, bytes32 importsBefore)
        internal
        pure
    {
        assembly {
            function putDigest(at, digest) {
                let mask := 0xffffffffffffffff
                mstore(at, shr(192, digest))
                mstore(add(at, 0x20), and(shr(128, digest), mask))
                mstore(add(at, 0x40), and(shr(64, digest), mask))
                mstore(add(at, 0x60), and(digest, mask))
            }
            mstore(p, calldataload(batch)) // chain id
            mstore(add(p, 0x20), calldataload(add(batch, 0x20))) // batch number
            putDigest(add(p, 0x40), calldataload(add(batch, 0x40))) // old state root
            putDigest(add(p, 0xc0), calldataload(add(batch, 0x60))) // new state root
            mstore(add(p, 0x140), calldataload(add(batch, 0x80))) // priority ops count
            putDigest(add(p, 0x160), priorityBefore)
            putDigest(add(p, 0x1e0), calldataload(add(batch, 0xa0))) // priority commitment after
            mstore(add(p, 0x260), calldataload(add(batch, 0xc0))) // imports count
            putDigest(add(p, 0x280), importsBefore)
            putDigest(add(p, 0x300), calldataload(add(batch, 0xe0))) // imports commitment after
            putDigest(add(p, 0x380), calldataload(add(batch, 0x100))) // outbox root
            let valueOut := calldataload(add(batch, 0x120))
            mstore(add(p, 0x400), shr(32, valueOut))
            mstore(add(p, 0x420), and(valueOut, 0xffffffff))
            let valueIn := calldataload(add(batch, 0x140))
            mstore(add(p, 0x440), shr(32, valueIn))
            mstore(add(p, 0x460), and(valueIn, 0xffffffff))
            putDigest(add(p, 0x480), calldataload(add(batch, 0x160))) // pubdata commitment
        }
    }

    // ------------------------------------------------------------------ withdrawals

    /// @notice Pays the withdrawal at `leafIndex` of the outbox of `chainId`'s settled batch
    /// `batchNumber`, proven by `siblings` (leaf level first), from the chain's balance.
    function finalizeWithdrawal(
        uint64 chainId,
        uint64 batchNumber,
        uint256 leafIndex,
        Withdrawal calldata withdrawal,
        bytes32[] calldata siblings
    ) external {
        Chain storage chain = _registered(chainId);
        if (batchNumber == 0 || batchNumber > chain.batchNumber) revert BatchNotSettled(chainId, batchNumber);
        if (siblings.length != OUTBOX_DEPTH) revert WrongProofLength(OUTBOX_DEPTH, siblings.length);
        if (leafIndex >> OUTBOX_DEPTH != 0) revert LeafIndexOutOfRange(leafIndex);
        bytes32 key = keccak256(abi.encode(chainId, batchNumber, leafIndex));
        if (finalized[key]) revert WithdrawalAlreadyFinalized(chainId, batchNumber, leafIndex);

        uint256[] memory leaf = new uint256[](13);
        leaf[0] = LEAF_WITHDRAWAL;
        _putAddress(leaf, 1, withdrawal.l2Sender);
        _putAddress(leaf, 6, withdrawal.l1Recipient);
        leaf[11] = uint256(withdrawal.amountGwei) >> 32;
        leaf[12] = uint256(withdrawal.amountGwei) & MASK_32;
        bytes32 node = poseidon.hashNoPad(leaf);
        for (uint256 level = 0; level < OUTBOX_DEPTH; ++level) {
            node = (leafIndex >> level) & 1 == 0
                ? poseidon.twoToOne(node, siblings[level])
                : poseidon.twoToOne(siblings[level], node);
        }
        if (node != outboxRoots[chainId][batchNumber]) {
            revert InvalidWithdrawalProof(chainId, batchNumber, leafIndex);
        }
        uint64 amount = withdrawal.amountGwei;
        if (amount > chain.balanceGwei) revert InsufficientChainBalance(chainId, chain.balanceGwei, amount);

        finalized[key] = true;
        chain.balanceGwei -= amount;
        emit WithdrawalFinalized(chainId, batchNumber, leafIndex, withdrawal.l1Recipient, amount);
        (bool sent,) = withdrawal.l1Recipient.call{value: uint256(amount) * 1 gwei}("");
        if (!sent) revert EthTransferFailed(withdrawal.l1Recipient);
    }

    /// @notice Whether the withdrawal at `leafIndex` of (`chainId`, `batchNumber`) was paid.
    function isWithdrawalFinalized(uint64 chainId, uint64 batchNumber, uint256 leafIndex)
        external
        view
        returns (bool)
    {
        return finalized[keccak256(abi.encode(chainId, batchNumber, leafIndex))];
    }

    // ------------------------------------------------------------------ helpers

    function _registered(uint64 chainId) internal view returns (Chain storage chain) {
        chain = chains[chainId];
        if (!chain.registered) revert UnknownChain(chainId);
    }

    /// @dev `valueWei` in gwei: whole gwei only (NotWholeGwei), fitting uint64 (AmountTooLarge).
    function _gwei(uint256 valueWei) internal pure returns (uint64) {
        if (valueWei % 1 gwei != 0) revert NotWholeGwei(valueWei);
        uint256 amount = valueWei / 1 gwei;
        if (amount > MASK_64) revert AmountTooLarge(valueWei);
        return uint64(amount);
    }

    /// @dev Reverts unless all four elements of `digest` are below p.
    function _requireCanonical(bytes32 digest) internal pure {
        uint256 d = uint256(digest);
        if ((d >> 192) >= P || ((d >> 128) & MASK_64) >= P || ((d >> 64) & MASK_64) >= P || (d & MASK_64) >= P) {
            revert NonCanonicalDigest(digest);
        }
    }

    /// @dev Writes an address as 5 field elements of 32 bits, most significant first.
    function _putAddress(uint256[] memory elements, uint256 at, address account) internal pure {
        uint256 a = uint256(uint160(account));
        assembly {
            let p := add(add(elements, 0x20), shl(5, at))
            mstore(p, shr(128, a))
            mstore(add(p, 0x20), and(shr(96, a), 0xffffffff))
            mstore(add(p, 0x40), and(shr(64, a), 0xffffffff))
            mstore(add(p, 0x60), and(shr(32, a), 0xffffffff))
            mstore(add(p, 0x80), and(a, 0xffffffff))
        }
    }

    /// @dev Writes a digest as its 4 field elements, element 0 first.
    function _putDigest(uint256[] memory elements, uint256 at, bytes32 digest) internal pure {
        assembly {
            let p := add(add(elements, 0x20), shl(5, at))
            mstore(p, shr(192, digest))
            mstore(add(p, 0x20), and(shr(128, digest), 0xffffffffffffffff))
            mstore(add(p, 0x40), and(shr(64, digest), 0xffffffffffffffff))
            mstore(add(p, 0x60), and(digest, 0xffffffffffffffff))
        }
    }
}
