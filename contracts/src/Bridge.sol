// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.30;

import {IVerifier} from "./IVerifier.sol";
import {PoseidonGoldilocks} from "./PoseidonGoldilocks.sol";

/// @title Bridge: the one L1 bridge every hyperchain settles into
/// @notice Modelled on ZK Stack's Bridgehub (chain registry, deposits), Executor (settlement) and
/// MessageRoot (a root over every chain's outbox), cut to what N chains need:
/// - `registerChain` (owner only) records a chain's id, genesis state root and admin;
/// - `deposit` and `registerKey` append priority operations to the chain's queue, whose rolling
///   Poseidon commitment is stored per queue position;
/// - `settle` (settler only) takes one batch for each of several chains, checks continuity,
///   the priority operations consumed and the proof through `IVerifier`, records the new state
///   roots and outbox roots, and a new message root over the outbox roots it settled;
/// - `finalizeWithdrawal` pays a withdrawal proven against a settled outbox root, once.
/// Field elements are Goldilocks (p = 2^64 - 2^32 + 1); a digest is a bytes32 holding four
/// elements as big-endian uint64 words, element 0 most significant. ARCHITECTURE.md
/// ("contracts/ and crates/l1") documents every encoding.
contract Bridge {
    // ------------------------------------------------------------------ constants

    /// @notice Depth of a batch's outbox tree (binary Poseidon Merkle tree, empty leaf = 0).
    uint256 public constant OUTBOX_DEPTH = 10;
    /// @notice Field elements of public inputs per settled batch.
    uint256 public constant PUBLIC_INPUTS_PER_BATCH = 27;
    /// @notice Largest chain id (chain ids are one field element, below 2^53).
    uint64 public constant MAX_CHAIN_ID = (1 << 53) - 1;

    uint256 internal constant P = 0xffffffff00000001;
    uint256 internal constant MASK_64 = 0xffffffffffffffff;
    uint256 internal constant MASK_32 = 0xffffffff;
    uint256 internal constant OP_DEPOSIT = 1;
    uint256 internal constant OP_REGISTER_KEY = 2;
    uint256 internal constant LEAF_WITHDRAWAL = 1;

    // ------------------------------------------------------------------ types

    /// @notice One chain's batch in a settlement: the batch's public inputs, less what the
    /// bridge supplies itself (the priority commitment the batch starts from).
    struct ChainBatch {
        uint64 chainId;
        uint64 batchNumber;
        bytes32 oldStateRoot;
        bytes32 newStateRoot;
        /// Priority operations the batch consumed from the head of the chain's queue.
        uint64 priorityOpsCount;
        /// The rolling commitment after them (the queue's commitment at head + count).
        bytes32 priorityOpsCommitment;
        bytes32 outboxRoot;
        bytes32 pubdataCommitment;
    }

    /// @notice A withdrawal leaf of an outbox.
    struct Withdrawal {
        address l2Sender;
        address l1Recipient;
        uint64 amountGwei;
    }

    /// @notice What the bridge keeps per chain.
    struct Chain {
        /// State root after the last settled batch (the genesis root before any).
        bytes32 stateRoot;
        /// Number of the last settled batch (0: none yet; the first batch is 1).
        uint64 batchNumber;
        /// Index of the first priority operation no settled batch has consumed.
        uint64 priorityHead;
        /// Number of priority operations ever queued.
        uint64 priorityLength;
        bool registered;
        address admin;
        /// ETH deposited and not withdrawn, in gwei: a chain's withdrawals cannot spend another's.
        uint64 balanceGwei;
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

    event ChainRegistered(uint64 indexed chainId, bytes32 genesisRoot, address admin);
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
    event BatchSettled(
        uint64 indexed chainId, uint64 indexed batchNumber, bytes32 newStateRoot, bytes32 outboxRoot, uint64 priorityHead
    );
    /// @notice A settlement's message root: the Poseidon Merkle root over the outbox roots of
    /// the `batchCount` BatchSettled events before it in the same transaction, in log order.
    event MessageRootUpdated(bytes32 indexed messageRoot, uint256 batchCount);
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

    mapping(uint64 chainId => Chain) internal chains;
    /// @notice Rolling priority commitment c_n after the first n operations (n >= 1; c_0 = 0).
    mapping(uint64 chainId => mapping(uint256 n => bytes32)) public priorityCommitments;
    /// @notice Outbox root of each settled batch.
    mapping(uint64 chainId => mapping(uint64 batchNumber => bytes32)) public outboxRoots;
    /// @notice L1 block in which a message root was last produced (0: never).
    mapping(bytes32 messageRoot => uint256) public messageRootBlock;
    /// @notice Finalized withdrawals, keyed by keccak256(abi.encode(chainId, batchNumber, leafIndex)).
    mapping(bytes32 => bool) internal finalized;

    constructor(IVerifier verifier_, address settler_) {
        verifier = verifier_;
        settler = settler_;
        owner = msg.sender;
        poseidon = new PoseidonGoldilocks();
    }

    // ------------------------------------------------------------------ chains

    /// @notice Registers `chainId` with its genesis state root.
    function registerChain(uint64 chainId, bytes32 genesisRoot, address admin) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (chainId == 0 || chainId > MAX_CHAIN_ID) revert InvalidChainId(chainId);
        Chain storage chain = chains[chainId];
        if (chain.registered) revert ChainAlreadyRegistered(chainId);
        _requireCanonical(genesisRoot);
        chain.stateRoot = genesisRoot;
        chain.registered = true;
        chain.admin = admin;
        emit ChainRegistered(chainId, genesisRoot, admin);
    }

    /// @notice What the bridge keeps for `chainId`.
    function getChain(uint64 chainId) external view returns (Chain memory) {
        return chains[chainId];
    }

    // ------------------------------------------------------------------ priority operations

    /// @notice Deposits msg.value (whole gwei) to `l2Recipient` on `chainId`.
    function deposit(uint64 chainId, address l2Recipient) external payable {
        Chain storage chain = _registered(chainId);
        if (msg.value % 1 gwei != 0) revert NotWholeGwei(msg.value);
        uint256 amount = msg.value / 1 gwei;
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
        bytes32 previous = index == 0 ? bytes32(0) : priorityCommitments[chainId][index];
        commitment = poseidon.twoToOne(previous, opHash);
        priorityCommitments[chainId][uint256(index) + 1] = commitment;
        chain.priorityLength = index + 1;
    }

    // ------------------------------------------------------------------ settlement

    /// @notice Settles one batch for each of several chains (a chain may appear more than
    /// once, with consecutive batches) under one proof.
    function settle(ChainBatch[] calldata batches, bytes calldata proof) external {
        if (msg.sender != settler) revert NotSettler(msg.sender);
        uint256 count = batches.length;
        if (count == 0) revert NoBatches();
        uint256[] memory publicInputs = new uint256[](count * PUBLIC_INPUTS_PER_BATCH);
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            _settleOne(batches[i], publicInputs, i * PUBLIC_INPUTS_PER_BATCH);
            leaves[i] = batches[i].outboxRoot;
        }
        if (!verifier.verify(publicInputs, proof)) revert InvalidProof();
        bytes32 messageRoot = _merkleRoot(leaves);
        messageRootBlock[messageRoot] = block.number;
        emit MessageRootUpdated(messageRoot, count);
    }

    function _settleOne(ChainBatch calldata batch, uint256[] memory publicInputs, uint256 at) internal {
        uint64 chainId = batch.chainId;
        Chain storage chain = _registered(chainId);
        uint64 last = chain.batchNumber;
        if (batch.batchNumber <= last) revert BatchAlreadySettled(chainId, batch.batchNumber);
        if (batch.batchNumber != last + 1) revert BatchOutOfOrder(chainId, last + 1, batch.batchNumber);
        if (batch.oldStateRoot != chain.stateRoot) {
            revert StateRootMismatch(chainId, chain.stateRoot, batch.oldStateRoot);
        }
        uint64 head = chain.priorityHead;
        uint64 available = chain.priorityLength - head;
        if (batch.priorityOpsCount > available) {
            revert TooManyPriorityOps(chainId, batch.priorityOpsCount, available);
        }
        uint64 end = head + batch.priorityOpsCount;
        bytes32 before = head == 0 ? bytes32(0) : priorityCommitments[chainId][head];
        bytes32 expected = end == head ? before : priorityCommitments[chainId][end];
        if (batch.priorityOpsCommitment != expected) {
            revert PriorityOpsMismatch(chainId, expected, batch.priorityOpsCommitment);
        }
        _requireCanonical(batch.newStateRoot);
        _requireCanonical(batch.outboxRoot);
        _requireCanonical(batch.pubdataCommitment);

        publicInputs[at] = chainId;
        publicInputs[at + 1] = batch.batchNumber;
        _putDigest(publicInputs, at + 2, batch.oldStateRoot);
        _putDigest(publicInputs, at + 6, batch.newStateRoot);
        publicInputs[at + 10] = batch.priorityOpsCount;
        _putDigest(publicInputs, at + 11, before);
        _putDigest(publicInputs, at + 15, expected);
        _putDigest(publicInputs, at + 19, batch.outboxRoot);
        _putDigest(publicInputs, at + 23, batch.pubdataCommitment);

        chain.stateRoot = batch.newStateRoot;
        chain.batchNumber = batch.batchNumber;
        chain.priorityHead = end;
        outboxRoots[chainId][batch.batchNumber] = batch.outboxRoot;
        emit BatchSettled(chainId, batch.batchNumber, batch.newStateRoot, batch.outboxRoot, end);
    }

    /// @dev Root of the binary Poseidon Merkle tree over `leaves`, padded with zero digests to
    /// the next power of two (one leaf: the leaf itself).
    function _merkleRoot(bytes32[] memory leaves) internal view returns (bytes32) {
        uint256 width = leaves.length;
        while (width > 1) {
            uint256 half = (width + 1) / 2;
            for (uint256 i = 0; i < half; ++i) {
                bytes32 right = 2 * i + 1 < width ? leaves[2 * i + 1] : bytes32(0);
                leaves[i] = poseidon.twoToOne(leaves[2 * i], right);
            }
            width = half;
        }
        return leaves[0];
    }

    // ------------------------------------------------------------------ withdrawals

    /// @notice Pays the withdrawal at `leafIndex` of the outbox of `chainId`'s settled batch
    /// `batchNumber`, proven by `siblings` (leaf level first).
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
