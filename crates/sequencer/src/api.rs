//! The JSON-RPC API: the `hf_*` methods, the read-only Ethereum subset, the JSON views they
//! return and the stable error codes. The traits generate both the server side (implemented
//! in [`crate::rpc`]) and a typed client (`HfApiClient`, `EthApiClient`) for the wallet, the
//! tests and the load generator.

use alloy_primitives::{Address, B256};
use hyperforge_primitives::{
    Amount, ChainId,
    block::{Block, BlockHeader, ProofStatus, Slot},
    bridge::{BatchPublicInputs, StateCommitment, digest_from_b256, digest_to_b256},
    tx::{DEFAULT_MAX_PAYLOAD, Message, PriorityOp, SignedTx},
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::{Deserialize, Serialize};

/// Stable JSON-RPC error codes of transaction admission (the `-32000..-32099` server range).
pub mod codes {
    /// The bytes are not a transaction.
    pub const MALFORMED: i32 = -32001;
    /// The transaction is larger than `sequencer.max_tx_bytes`.
    pub const OVERSIZED: i32 = -32002;
    /// The transaction is for another chain.
    pub const WRONG_CHAIN: i32 = -32003;
    /// The public key or the signature is invalid.
    pub const BAD_SIGNATURE: i32 = -32004;
    /// The sender has no account.
    pub const UNKNOWN_ACCOUNT: i32 = -32005;
    /// The sender has no L2 key, or another one.
    pub const UNREGISTERED_KEY: i32 = -32006;
    /// The nonce was used already.
    pub const NONCE_TOO_LOW: i32 = -32007;
    /// The nonce is further ahead than `sequencer.max_future_nonces`.
    pub const NONCE_TOO_HIGH: i32 = -32008;
    /// Another transaction with this nonce is pending (no replacement).
    pub const NONCE_TAKEN: i32 = -32009;
    /// The balance does not cover this and the account's pending transactions.
    pub const INSUFFICIENT_BALANCE: i32 = -32010;
    /// The mempool holds `sequencer.mempool_max_txs` transactions.
    pub const MEMPOOL_FULL: i32 = -32011;
    /// The sender has `sequencer.mempool_max_per_account` pending transactions.
    pub const ACCOUNT_LIMIT: i32 = -32012;
    /// The sequencer is shutting down.
    pub const SHUTTING_DOWN: i32 = -32013;
    /// The request asks for something this node does not serve (a past block tag, ...).
    pub const UNSUPPORTED: i32 = -32014;
    /// `sequencer.max_pending_verifications` signature checks are running: try again shortly.
    pub const BUSY: i32 = -32015;
    /// Not an `hf_*` method: use the one named in the message.
    pub const METHOD_NOT_FOUND: i32 = -32601;
    /// A parameter does not parse.
    pub const INVALID_PARAMS: i32 = -32602;
    /// The node failed (storage).
    pub const INTERNAL: i32 = -32603;
}

/// The other methods of Ethereum's `eth_*` namespace, which this node does not serve, each
/// with the method to use instead: each answers `-32601` naming it.
pub const UNSERVED_ETH_METHODS: &[(&str, &str)] = &[
    (
        "eth_sendRawTransaction",
        "hf_sendTransaction (hyperforge transactions are Schnorr-signed, not RLP)",
    ),
    (
        "eth_sendTransaction",
        "hf_sendTransaction with a transaction signed by `hyperforge wallet`",
    ),
    ("eth_getTransactionReceipt", "hf_getTransactionReceipt"),
    (
        "eth_getTransactionByHash",
        "hf_getTransactionReceipt and hf_getBlock",
    ),
    ("eth_getTransactionByBlockHashAndIndex", "hf_getBlock"),
    ("eth_getTransactionByBlockNumberAndIndex", "hf_getBlock"),
    ("eth_getBlockByHash", "eth_getBlockByNumber or hf_getBlock"),
    (
        "eth_getBlockReceipts",
        "hf_getBlock and hf_getTransactionReceipt",
    ),
    ("eth_getBlockTransactionCountByHash", "hf_getBlock"),
    ("eth_getBlockTransactionCountByNumber", "hf_getBlock"),
    ("eth_getHeaderByHash", "hf_getBlock"),
    (
        "eth_getHeaderByNumber",
        "eth_getBlockByNumber or hf_getBlock",
    ),
    ("eth_getProof", "hf_getAccountProof"),
    (
        "eth_call",
        "hf_getAccount (there are no contracts on this chain)",
    ),
    (
        "eth_callMany",
        "hf_getAccount (there are no contracts on this chain)",
    ),
    (
        "eth_simulateV1",
        "hf_getAccount (there are no contracts on this chain)",
    ),
    (
        "eth_createAccessList",
        "hf_getAccount (there are no contracts on this chain)",
    ),
    (
        "eth_getCode",
        "hf_getAccount (there are no contracts on this chain)",
    ),
    (
        "eth_getStorageAt",
        "hf_getAccount (there are no contracts on this chain)",
    ),
    (
        "eth_estimateGas",
        "hf_sendTransaction (transactions pay no gas)",
    ),
    (
        "eth_gasPrice",
        "hf_sendTransaction (transactions pay no gas)",
    ),
    (
        "eth_maxPriorityFeePerGas",
        "hf_sendTransaction (transactions pay no gas)",
    ),
    (
        "eth_blobBaseFee",
        "hf_sendTransaction (transactions pay no gas)",
    ),
    ("eth_feeHistory", "hf_getBlock (transactions pay no gas)"),
    (
        "eth_getLogs",
        "hf_getBlock (there are no logs on this chain)",
    ),
    (
        "eth_newFilter",
        "hf_getBlock (there are no logs on this chain)",
    ),
    ("eth_newBlockFilter", "eth_blockNumber and hf_getBlock"),
    (
        "eth_newPendingTransactionFilter",
        "hf_getTransactionReceipt",
    ),
    (
        "eth_getFilterChanges",
        "hf_getBlock (there are no logs on this chain)",
    ),
    (
        "eth_getFilterLogs",
        "hf_getBlock (there are no logs on this chain)",
    ),
    (
        "eth_uninstallFilter",
        "hf_getBlock (there are no logs on this chain)",
    ),
    ("eth_subscribe", "hf_getBlock (no subscriptions yet)"),
    ("eth_unsubscribe", "hf_getBlock (no subscriptions yet)"),
    (
        "eth_accounts",
        "`hyperforge wallet` (the node holds no keys)",
    ),
    ("eth_sign", "`hyperforge wallet` (the node holds no keys)"),
    (
        "eth_signTransaction",
        "`hyperforge wallet` (the node holds no keys)",
    ),
    (
        "eth_signTypedData_v4",
        "`hyperforge wallet` (the node holds no keys)",
    ),
    ("eth_coinbase", "hf_getBlock (a sequencer has no coinbase)"),
    (
        "eth_mining",
        "eth_blockNumber (blocks come from the sequencer, not mining)",
    ),
    (
        "eth_hashrate",
        "eth_blockNumber (blocks come from the sequencer, not mining)",
    ),
    ("eth_protocolVersion", "web3_clientVersion"),
    (
        "eth_syncing",
        "eth_blockNumber (a sequencer is never syncing)",
    ),
    (
        "eth_getUncleByBlockHashAndIndex",
        "hf_getBlock (there are no uncles)",
    ),
    (
        "eth_getUncleByBlockNumberAndIndex",
        "hf_getBlock (there are no uncles)",
    ),
    (
        "eth_getUncleCountByBlockHash",
        "hf_getBlock (there are no uncles)",
    ),
    (
        "eth_getUncleCountByBlockNumber",
        "hf_getBlock (there are no uncles)",
    ),
];

pub use alloy::eips::BlockNumberOrTag;

/// A block parameter: Ethereum's block number or tag (alloy's type), read leniently: a
/// `0x` hex quantity, a plain JSON number, or `"latest"`, `"pending"`, `"safe"`,
/// `"finalized"`, `"earliest"` (the last four answer at the head or genesis: this node serves
/// the latest state only). Build one with `BlockNumberOrTag::Latest.into()`.
pub type BlockId = alloy::eips::eip1898::LenientBlockNumberOrTag;

/// An account as `hf_getAccount` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// The Ethereum address.
    pub address: Address,
    /// The leaf index in the account tree.
    pub index: u32,
    /// The balance in gwei (a decimal string: JSON numbers lose precision past 2^53).
    pub balance_gwei: String,
    /// The balance in wei (decimal string).
    pub balance_wei: String,
    /// The next nonce.
    pub nonce: u32,
    /// The registered L2 public key hash, if any.
    pub pubkey_hash: Option<B256>,
    /// The block the answer is read at.
    pub block_number: u64,
}

/// An account with its Merkle proof against the account root, and what the state root
/// commits to besides (so a client can check the account root against the state root).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountProofView {
    /// The account.
    pub account: AccountView,
    /// Its leaf: `hash_no_pad(ACCOUNT_LEAF, address(5), pubkey_hash(4), balance(2), nonce)`.
    pub leaf: B256,
    /// Siblings from the leaf level up (32 of them).
    pub siblings: Vec<B256>,
    /// The account root the proof leads to.
    pub account_root: B256,
    /// The nullifier tree's root.
    pub nullifier_root: B256,
    /// The imported message roots tree's root.
    pub imported_root: B256,
    /// The index the next new account gets.
    pub next_account_index: u32,
    /// How many message roots the chain imported.
    pub imported_count: u64,
    /// The state root: `hash_no_pad(STATE_ROOT, account_root, nullifier_root, imported_root,
    /// next_account_index, imported_count)`.
    pub state_root: B256,
}

impl AccountProofView {
    /// The state commitment the view claims; its root must be `state_root`.
    pub fn state(&self) -> Result<StateCommitment, String> {
        let digest = |bytes: &B256| digest_from_b256(bytes).map_err(|error| error.to_string());
        Ok(StateCommitment {
            account_root: digest(&self.account_root)?,
            nullifier_root: digest(&self.nullifier_root)?,
            imported_root: digest(&self.imported_root)?,
            next_account_index: self.next_account_index,
            imported_count: self.imported_count,
        })
    }
}

/// Where a transaction stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    /// The transaction hash, or the priority operation's receipt id.
    pub transaction_hash: B256,
    /// Included, pending, or failed (an L1 priority operation consumed without effect: see
    /// `error`).
    pub status: ReceiptStatus,
    /// Why a priority operation failed (a failed deposit is refunded through the outbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The block that included it.
    pub block_number: Option<u64>,
    /// Its position in that block.
    pub position: Option<u32>,
    /// The outbox entry it made, by position in the block's outbox.
    pub outbox_index: Option<u32>,
}

/// Where a transaction or priority operation stands (`"included"`, `"pending"`, `"failed"`
/// in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptStatus {
    /// In a block, applied.
    Included,
    /// Accepted, durable, waiting for a block.
    Pending,
    /// An L1 priority operation in a block, consumed without effect.
    Failed,
}

/// What a block slot holds (`"transaction"`, `"priority"`, `"import"` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// A signed L2 transaction.
    Transaction,
    /// An L1 priority operation.
    Priority,
    /// A message root imported from the bridge's queue.
    Import,
}

/// One slot of a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotView {
    /// A transaction, a priority operation, or an import (a message root from the bridge).
    pub kind: SlotKind,
    /// The transaction hash, the priority operation's hash, or the imported root's leaf.
    pub hash: B256,
    /// The sender of a transaction.
    pub from: Option<Address>,
    /// The nonce of a transaction.
    pub nonce: Option<u32>,
    /// The canonical encoding, `0x` hex (enough to replay the block).
    pub raw: String,
}

/// A block as `hf_getBlock` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockView {
    /// The number.
    pub number: u64,
    /// The block hash.
    pub hash: B256,
    /// The parent's hash.
    pub parent_hash: B256,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// The state root after the block (over every tree).
    pub state_root: B256,
    /// The rolling commitment over the slots.
    pub slots_hash: B256,
    /// Value (gwei, decimal) the block's messages sent to other chains.
    pub value_out_gwei: String,
    /// Value (gwei, decimal) the messages it executed brought in.
    pub value_in_gwei: String,
    /// The slots in order.
    pub transactions: Vec<SlotView>,
}

impl BlockView {
    /// The block itself, rebuilt from the view (the slots' raw encodings) and checked against
    /// the view's hash.
    pub fn to_block(&self) -> Result<Block, String> {
        let digest = |bytes: &B256| {
            digest_from_b256(bytes).map_err(|error| format!("block {}: {error}", self.number))
        };
        let mut slots = Vec::with_capacity(self.transactions.len());
        for slot in &self.transactions {
            let bytes = alloy_primitives::hex::decode(&slot.raw)
                .map_err(|error| format!("block {}: slot is not hex: {error}", self.number))?;
            let decoded = match slot.kind {
                SlotKind::Transaction => {
                    SignedTx::decode(&bytes, DEFAULT_MAX_PAYLOAD).map(|tx| Slot::Tx(Box::new(tx)))
                }
                SlotKind::Priority => PriorityOp::decode(&bytes).map(Slot::Priority),
                SlotKind::Import => {
                    let root = B256::try_from(bytes.as_slice()).map_err(|_| {
                        format!("block {}: an import of {} bytes", self.number, bytes.len())
                    })?;
                    Ok(Slot::Import(digest(&root)?))
                }
            };
            slots.push(decoded.map_err(|error| format!("block {}: {error}", self.number))?);
        }
        let gwei = |text: &str| {
            text.parse::<u64>().map(Amount::from_gwei).map_err(|error| {
                format!("block {}: {text:?} is no gwei amount: {error}", self.number)
            })
        };
        let mut block = Block {
            header: BlockHeader {
                number: self.number,
                parent_hash: digest(&self.parent_hash)?,
                timestamp_ms: self.timestamp_ms,
                state_root: digest(&self.state_root)?,
                slots_hash: digest(&self.slots_hash)?,
                slot_count: 0,
                priority_count: 0,
                import_count: 0,
                value_out: gwei(&self.value_out_gwei)?,
                value_in: gwei(&self.value_in_gwei)?,
            },
            slots,
        };
        block.header.slot_count = block.slots.len() as u32;
        block.header.priority_count = block.priority_count() as u32;
        block.header.import_count = block.imports().count() as u32;
        if block.slots_hash() != block.header.slots_hash {
            return Err(format!(
                "block {}: the slots do not match slotsHash",
                self.number
            ));
        }
        if digest_to_b256(&block.hash()) != self.hash {
            return Err(format!(
                "block {}: the fields do not match the hash",
                self.number
            ));
        }
        Ok(block)
    }
}

/// A batch's public inputs (design §5 step 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicInputsView {
    /// The chain.
    pub chain_id: u64,
    /// The batch number.
    pub batch_number: u64,
    /// State root before the batch.
    pub old_state_root: B256,
    /// State root after the batch.
    pub new_state_root: B256,
    /// L1 priority operations consumed.
    pub priority_ops_count: u64,
    /// The priority queue commitment before them.
    pub priority_commitment_before: B256,
    /// The priority queue commitment after them.
    pub priority_commitment_after: B256,
    /// Message roots imported from the bridge's queue.
    pub imports_count: u64,
    /// The message root queue's commitment before them.
    pub imports_commitment_before: B256,
    /// The message root queue's commitment after them.
    pub imports_commitment_after: B256,
    /// Root of the batch's outbox tree.
    pub outbox_root: B256,
    /// Value (gwei, decimal) the batch's messages sent to other chains.
    pub value_out_gwei: String,
    /// Value (gwei, decimal) the messages it executed brought in.
    pub value_in_gwei: String,
    /// Commitment to the batch's pubdata.
    pub pubdata_commitment: B256,
}

impl PublicInputsView {
    /// The view of `inputs`.
    pub fn new(inputs: &BatchPublicInputs) -> Self {
        Self {
            chain_id: inputs.chain_id.get(),
            batch_number: inputs.batch_number,
            old_state_root: digest_to_b256(&inputs.old_state_root),
            new_state_root: digest_to_b256(&inputs.new_state_root),
            priority_ops_count: inputs.priority_ops_count,
            priority_commitment_before: digest_to_b256(&inputs.priority_commitment_before),
            priority_commitment_after: digest_to_b256(&inputs.priority_commitment_after),
            imports_count: inputs.imports_count,
            imports_commitment_before: digest_to_b256(&inputs.imports_commitment_before),
            imports_commitment_after: digest_to_b256(&inputs.imports_commitment_after),
            outbox_root: digest_to_b256(&inputs.outbox_root),
            value_out_gwei: inputs.value_out.gwei().to_string(),
            value_in_gwei: inputs.value_in.gwei().to_string(),
            pubdata_commitment: digest_to_b256(&inputs.pubdata_commitment),
        }
    }

    /// The public inputs the view shows.
    pub fn to_inputs(&self) -> Result<BatchPublicInputs, String> {
        let digest = |bytes: &B256| digest_from_b256(bytes).map_err(|error| error.to_string());
        let gwei = |text: &str| {
            text.parse::<u64>()
                .map(Amount::from_gwei)
                .map_err(|error| format!("{text:?} is no gwei amount: {error}"))
        };
        Ok(BatchPublicInputs {
            chain_id: ChainId::new(self.chain_id).map_err(|error| error.to_string())?,
            batch_number: self.batch_number,
            old_state_root: digest(&self.old_state_root)?,
            new_state_root: digest(&self.new_state_root)?,
            priority_ops_count: self.priority_ops_count,
            priority_commitment_before: digest(&self.priority_commitment_before)?,
            priority_commitment_after: digest(&self.priority_commitment_after)?,
            imports_count: self.imports_count,
            imports_commitment_before: digest(&self.imports_commitment_before)?,
            imports_commitment_after: digest(&self.imports_commitment_after)?,
            outbox_root: digest(&self.outbox_root)?,
            value_out: gwei(&self.value_out_gwei)?,
            value_in: gwei(&self.value_in_gwei)?,
            pubdata_commitment: digest(&self.pubdata_commitment)?,
        })
    }
}

/// A leaf of a batch's outbox with its path to the batch's outbox root (what
/// `Bridge.finalizeWithdrawal` and `ExecuteMessage` take).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxProofView {
    /// The batch.
    pub batch_number: u64,
    /// The leaf's position in the batch's outbox.
    pub leaf_index: u32,
    /// The leaf.
    pub leaf: B256,
    /// Its 10 siblings, leaf level first.
    pub siblings: Vec<B256>,
    /// The batch's outbox root.
    pub outbox_root: B256,
}

/// Where the bridge settled a batch, as the sequencer's L1 follower saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementView {
    /// The L1 block of the `settle` transaction.
    pub l1_block: u64,
    /// The `settle` transaction.
    pub l1_transaction: B256,
}

/// A withdrawal's fields: what `Bridge.finalizeWithdrawal` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalView {
    /// The L2 account it was debited from.
    pub l2_sender: Address,
    /// Who is paid on L1.
    pub l1_recipient: Address,
    /// The amount in gwei (decimal string).
    pub amount_gwei: String,
}

/// A message to another chain: what `ExecuteMessage` carries there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    /// The chain that sent it.
    pub src_chain_id: u64,
    /// The sending account.
    pub sender: Address,
    /// The sending transaction's nonce.
    pub nonce: u32,
    /// The chain it is for.
    pub dst_chain_id: u64,
    /// The account it credits there.
    pub recipient: Address,
    /// The value in gwei (decimal string).
    pub value_gwei: String,
    /// The payload, `0x` hex.
    pub payload: String,
}

impl MessageView {
    /// The view of `message`.
    pub fn new(message: &Message) -> Self {
        Self {
            src_chain_id: message.src_chain.get(),
            sender: message.sender,
            nonce: message.nonce,
            dst_chain_id: message.dst_chain.get(),
            recipient: message.recipient,
            value_gwei: message.value.gwei().to_string(),
            payload: format!("0x{}", alloy_primitives::hex::encode(&message.payload)),
        }
    }

    /// The message the view shows.
    pub fn to_message(&self) -> Result<Message, String> {
        let chain = |id: u64| ChainId::new(id).map_err(|error| error.to_string());
        Ok(Message {
            src_chain: chain(self.src_chain_id)?,
            sender: self.sender,
            nonce: self.nonce,
            dst_chain: chain(self.dst_chain_id)?,
            recipient: self.recipient,
            value: self
                .value_gwei
                .parse::<u64>()
                .map(Amount::from_gwei)
                .map_err(|error| format!("{:?} is no gwei amount: {error}", self.value_gwei))?,
            payload: alloy_primitives::hex::decode(&self.payload)
                .map_err(|error| format!("the payload is not hex: {error}"))?,
        })
    }
}

/// An entry of a chain's outbox (a withdrawal or a message) and how far it got: its block,
/// then once the block is in a sealed batch, its leaf and path in the batch's outbox, the
/// batch's proof status and settlement, and (for a message) the position of the batch's
/// outbox root in the bridge's message root queue, which is its import index on every chain.
/// `hf_getWithdrawalProof` and `hf_getMessageProof` answer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntryView {
    /// The transaction that made it (or the receipt id of the refunded deposit).
    pub transaction_hash: B256,
    /// The block that made it.
    pub block_number: u64,
    /// The entry's outbox leaf.
    pub leaf: B256,
    /// The sealed batch holding the block; `null` until it is sealed.
    pub batch_number: Option<u64>,
    /// The leaf's position in that batch's outbox; `null` until sealed.
    pub leaf_index: Option<u32>,
    /// The path from the leaf up (10 siblings, leaf level first); empty until sealed.
    pub siblings: Vec<B256>,
    /// The batch's outbox root; `null` until sealed.
    pub outbox_root: Option<B256>,
    /// The batch's proof status; `null` until sealed.
    pub batch_status: Option<ProofStatus>,
    /// Where the bridge settled the batch; `null` before.
    pub settlement: Option<SettlementView>,
    /// For a message: the index of the batch's outbox root in the bridge's message root
    /// queue (every chain imports it at this import index); `null` until this node saw it.
    pub message_root_index: Option<u64>,
    /// The withdrawal, if the entry is one.
    pub withdrawal: Option<WithdrawalView>,
    /// The message, if the entry is one.
    pub message: Option<MessageView>,
}

/// An entry of the bridge's message root queue as a chain sees it (`hf_getMessageRoot`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRootView {
    /// Its position in the queue: the import index of the root on every chain.
    pub index: u64,
    /// The chain whose settled batch produced it.
    pub src_chain_id: u64,
    /// That batch.
    pub batch_number: u64,
    /// The outbox root.
    pub outbox_root: B256,
    /// Whether this chain imported it (messages under it can execute).
    pub imported: bool,
}

/// A batch as `hf_getBatch` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchView {
    /// The batch number (from 1).
    pub number: u64,
    /// Its first block.
    pub first_block: u64,
    /// Its last block.
    pub last_block: u64,
    /// Pending, proven or settled.
    pub proof_status: ProofStatus,
    /// Where proving stands: `pending` (no job leased yet), `proving`, `proven` or `settled`.
    pub proving: String,
    /// When it was sealed (its last block's timestamp, ms since the Unix epoch); `null`
    /// until the job coordinator has seen it.
    #[serde(default)]
    pub sealed_at_ms: Option<u64>,
    /// When its first proving job was leased; `null` before.
    #[serde(default)]
    pub first_lease_at_ms: Option<u64>,
    /// When its batch proof was checked and stored; `null` before.
    #[serde(default)]
    pub proven_at_ms: Option<u64>,
    /// Where the bridge settled it (from the L1 follower); `null` before.
    #[serde(default)]
    pub settlement: Option<SettlementView>,
    /// The public inputs.
    pub public_inputs: PublicInputsView,
}

/// A batch's proof as `hf_getBatchProof` serves it: checked by the sequencer against its
/// circuits and the sealed public inputs before it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchProofView {
    /// The batch number.
    pub number: u64,
    /// The digest of the circuits the proof verifies against (the prover network's
    /// `CircuitDigest`).
    pub circuits: B256,
    /// The proof (`0x` hex of `circuits::recursion::BatchProof::to_bytes`).
    pub proof: String,
}

/// hyperforge's own methods.
#[rpc(server, client, namespace = "hf")]
pub trait HfApi {
    /// Admits a signed transaction (`0x` hex of its canonical encoding); answers its hash
    /// once it is persisted.
    #[method(name = "sendTransaction")]
    async fn send_transaction(&self, raw: String) -> RpcResult<B256>;

    /// Where a transaction stands; `null` if unknown.
    #[method(name = "getTransactionReceipt")]
    async fn get_transaction_receipt(&self, hash: B256) -> RpcResult<Option<ReceiptView>>;

    /// An account at the latest block; `null` if the address has none.
    #[method(name = "getAccount")]
    fn get_account(&self, address: String) -> RpcResult<Option<AccountView>>;

    /// An account with its Merkle proof; `null` if the address has none.
    #[method(name = "getAccountProof")]
    fn get_account_proof(&self, address: String) -> RpcResult<Option<AccountProofView>>;

    /// A block by number or `"latest"`; `null` if there is none.
    #[method(name = "getBlock")]
    async fn get_block(&self, block: BlockId) -> RpcResult<Option<BlockView>>;

    /// A sealed batch; `null` if not sealed yet.
    #[method(name = "getBatch")]
    fn get_batch(&self, number: u64) -> RpcResult<Option<BatchView>>;

    /// The proof of a proven batch; `null` while it is not proven (or not sealed).
    #[method(name = "getBatchProof")]
    fn get_batch_proof(&self, number: u64) -> RpcResult<Option<BatchProofView>>;

    /// The receipt of the L1 priority operation at `index` of this chain's queue; `null` if no
    /// block applied it yet.
    #[method(name = "getPriorityReceipt")]
    fn get_priority_receipt(&self, index: u64) -> RpcResult<Option<ReceiptView>>;

    /// Leaf `leaf_index` of sealed batch `batch`'s outbox with its path; `null` if there is no
    /// such leaf.
    #[method(name = "getOutboxProof")]
    fn get_outbox_proof(&self, batch: u64, leaf_index: u32) -> RpcResult<Option<OutboxProofView>>;

    /// The withdrawal that transaction `hash` made (a `Withdraw`, or the refund of a failed
    /// deposit by its receipt id), with its path once its batch is sealed and how far the
    /// batch got; `null` if the transaction is unknown or not in a block yet. A transaction
    /// that made no withdrawal is an invalid parameter, named.
    #[method(name = "getWithdrawalProof")]
    async fn get_withdrawal_proof(&self, hash: B256) -> RpcResult<Option<OutboxEntryView>>;

    /// The message that transaction `hash` sent, with its path once its batch is sealed, how
    /// far the batch got and its import index once the bridge queued its root; `null` if the
    /// transaction is unknown or not in a block yet. A transaction that sent no message is an
    /// invalid parameter, named.
    #[method(name = "getMessageProof")]
    async fn get_message_proof(&self, hash: B256) -> RpcResult<Option<OutboxEntryView>>;

    /// Entry `index` of the bridge's message root queue and whether this chain imported it;
    /// `null` if this node has not seen it.
    #[method(name = "getMessageRoot")]
    fn get_message_root(&self, index: u64) -> RpcResult<Option<MessageRootView>>;

    /// Whether the message at `leaf_index` of the root imported at `import_index` was
    /// executed on this chain (its nullifier is written).
    #[method(name = "isMessageExecuted")]
    fn is_message_executed(&self, import_index: u32, leaf_index: u16) -> RpcResult<bool>;
}

/// The read-only Ethereum subset, so that standard tools can read balances and blocks.
#[rpc(server, client)]
pub trait EthApi {
    /// The chain id, as a hex quantity.
    #[method(name = "eth_chainId")]
    fn chain_id(&self) -> RpcResult<String>;

    /// The latest block number, as a hex quantity.
    #[method(name = "eth_blockNumber")]
    fn block_number(&self) -> RpcResult<String>;

    /// A balance in wei, as a hex quantity (latest state only).
    #[method(name = "eth_getBalance")]
    fn get_balance(&self, address: String, block: Option<BlockId>) -> RpcResult<String>;

    /// The next nonce; with `"pending"`, counting transactions in the mempool.
    #[method(name = "eth_getTransactionCount")]
    async fn get_transaction_count(
        &self,
        address: String,
        block: Option<BlockId>,
    ) -> RpcResult<String>;

    /// A block's header fields in Ethereum's shape (transaction hashes only).
    #[method(name = "eth_getBlockByNumber")]
    async fn get_block_by_number(
        &self,
        block: BlockId,
        full: Option<bool>,
    ) -> RpcResult<Option<serde_json::Value>>;

    /// The chain id, in decimal.
    #[method(name = "net_version")]
    fn net_version(&self) -> RpcResult<String>;

    /// `hyperforge/<version>`.
    #[method(name = "web3_clientVersion")]
    fn client_version(&self) -> RpcResult<String>;
}
