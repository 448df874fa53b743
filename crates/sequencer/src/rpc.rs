//! The JSON-RPC handlers: [`crate::api`]'s traits over the shared state, plus the `eth_*`
//! methods this node does not serve, each refused with a pointer to the `hf_*` method to use.

use std::sync::Arc;

use alloy_primitives::{Address, B256, U256};
use hyperforge_primitives::{
    ChainId, GWEI_IN_WEI,
    block::{BatchRecord, Block, ProofStatus, Slot},
    bridge::{OUTBOX_DEPTH, digest_to_b256},
    parse_address,
    tx::{OutboxEntry, nullifier_key},
};
use hyperforge_state::{Account, Store};
use jsonrpsee::{
    RpcModule,
    core::{RpcResult, async_trait},
    types::ErrorObjectOwned,
};

use crate::{
    api::{
        AccountProofView, AccountView, BatchProofView, BatchView, BlockId, BlockNumberOrTag,
        BlockView, EthApiServer, HfApiServer, MessageRootView, MessageView, OutboxEntryView,
        OutboxProofView, PublicInputsView, ReceiptStatus, ReceiptView, SettlementView, SlotKind,
        SlotView, UNSERVED_ETH_METHODS, WithdrawalView, codes,
    },
    batcher::batch_outbox,
    error::SequencerError,
    message_roots::MessageRootRecord,
    reader::{read_batch, read_block},
    settlement::{Settlement, read_settlement},
    shared::Shared,
};

/// Every method, ready for the server.
pub(crate) fn module(shared: Arc<Shared>) -> RpcModule<()> {
    let handler = RpcHandler { shared };
    let mut module = RpcModule::new(());
    // The names are distinct by construction; merging can only fail on a duplicate.
    module
        .merge(HfApiServer::into_rpc(handler.clone()))
        .expect("hf_* names are unique");
    module
        .merge(EthApiServer::into_rpc(handler))
        .expect("eth_* names are unique");
    for &(method, instead) in UNSERVED_ETH_METHODS {
        module
            .register_method(method, move |_, _, _| {
                Err::<(), _>(ErrorObjectOwned::owned(
                    codes::METHOD_NOT_FOUND,
                    format!("{method} is not served by a hyperforge sequencer: use {instead}"),
                    None::<()>,
                ))
            })
            .expect("unserved names are unique");
    }
    module
}

#[derive(Debug, Clone)]
struct RpcHandler {
    shared: Arc<Shared>,
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

fn internal(error: impl std::fmt::Display) -> ErrorObjectOwned {
    self::error(codes::INTERNAL, format!("internal error: {error}"))
}

fn parse(address: &str) -> RpcResult<Address> {
    parse_address(address)
        .map_err(|problem| error(codes::INVALID_PARAMS, format!("invalid address: {problem}")))
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

/// Which outbox entry a caller asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Withdrawal,
    Message,
}

fn settlement_view(settlement: Settlement) -> SettlementView {
    SettlementView {
        l1_block: settlement.l1_block,
        l1_transaction: settlement.l1_transaction,
    }
}

/// The sealed batch holding block `number`; `None` while it is not sealed. Batches are
/// consecutive runs of blocks, so a binary search over their numbers finds it.
fn batch_of_block(store: &Store, number: u64) -> Result<Option<BatchRecord>, SequencerError> {
    let head = store.head();
    if head.last_batch == 0 || number == 0 || number > head.last_batch_block {
        return Ok(None);
    }
    let (mut low, mut high) = (1, head.last_batch);
    while low <= high {
        let middle = low + (high - low) / 2;
        let record = read_batch(store, middle)?
            .ok_or_else(|| SequencerError::Corrupt(format!("batch {middle} is missing")))?;
        if number < record.first_block {
            high = middle - 1;
        } else if number > record.last_block {
            low = middle + 1;
        } else {
            return Ok(Some(record));
        }
    }
    Err(SequencerError::Corrupt(format!(
        "no sealed batch holds block {number}, below the last sealed block {}",
        head.last_batch_block
    )))
}

/// The index in the bridge's message root queue of the outbox root of `chain`'s batch
/// `batch`, if the follower stored it (every chain stores every entry).
fn message_root_index(
    store: &Store,
    chain: ChainId,
    batch: u64,
) -> Result<Option<u64>, SequencerError> {
    // Newest first: a batch asked about is usually a recent one.
    for index in (0..store.l1_message_roots_len()?).rev() {
        let Some(bytes) = store.l1_message_root(index)? else {
            continue;
        };
        let record = MessageRootRecord::decode(index, &bytes)?;
        if record.chain_id == chain {
            if record.batch_number == batch {
                return Ok(Some(index));
            }
            if record.batch_number < batch {
                return Ok(None);
            }
        }
    }
    Ok(None)
}

fn quantity(value: impl Into<u64>) -> String {
    format!("{:#x}", value.into())
}

impl RpcHandler {
    /// Runs `work` on the blocking pool: anything that takes the mempool's lock, or decodes
    /// and hashes whole blocks, stays off the async executor.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Self) -> RpcResult<T> + Send + 'static,
    ) -> RpcResult<T> {
        let handler = self.clone();
        tokio::task::spawn_blocking(move || work(&handler))
            .await
            .map_err(|error| internal(SequencerError::Corrupt(format!("RPC task: {error}"))))?
    }

    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<ReceiptView>> {
        // The mempool first: a block commits its receipts before it releases its
        // transactions from the mempool, so a transaction missing from the mempool has its
        // receipt stored already, and one in it is pending unless its receipt appears.
        let pending = self.shared.mempool().contains(&hash.0);
        if let Some(receipt) = self.stored_receipt(hash)? {
            return Ok(Some(receipt));
        }
        if pending {
            return Ok(Some(ReceiptView {
                transaction_hash: hash,
                status: ReceiptStatus::Pending,
                error: None,
                block_number: None,
                position: None,
                outbox_index: None,
            }));
        }
        Ok(None)
    }

    fn stored_receipt(&self, hash: B256) -> RpcResult<Option<ReceiptView>> {
        let Some(bytes) = self.shared.store().receipt(&hash.0).map_err(internal)? else {
            return Ok(None);
        };
        let receipt = hyperforge_execution::Receipt::decode(&bytes)
            .ok_or_else(|| internal(SequencerError::Corrupt("receipt".into())))?;
        Ok(Some(ReceiptView {
            transaction_hash: hash,
            status: if receipt.failure.is_some() {
                ReceiptStatus::Failed
            } else {
                ReceiptStatus::Included
            },
            error: receipt.failure.map(|failure| failure.to_string()),
            block_number: Some(receipt.block),
            position: Some(receipt.position),
            outbox_index: receipt.outbox_index,
        }))
    }

    /// The outbox entry transaction `hash` made, and how far it got (`want`: the kind the
    /// caller asked for; another kind is an invalid parameter naming the right method).
    fn outbox_entry(&self, hash: B256, want: EntryKind) -> RpcResult<Option<OutboxEntryView>> {
        let store = self.shared.store();
        let Some(bytes) = store.receipt(&hash.0).map_err(internal)? else {
            return Ok(None);
        };
        let receipt = hyperforge_execution::Receipt::decode(&bytes)
            .ok_or_else(|| internal(SequencerError::Corrupt("receipt".into())))?;
        let Some(outbox_index) = receipt.outbox_index else {
            return Err(error(
                codes::INVALID_PARAMS,
                format!(
                    "{hash} made no outbox entry: it is neither a withdrawal nor a message to another chain"
                ),
            ));
        };
        let number = receipt.block;
        let block = read_block(store, number)
            .map_err(internal)?
            .ok_or_else(|| {
                internal(SequencerError::Corrupt(format!(
                    "block {number} is missing"
                )))
            })?;
        let slot = block.slots.get(receipt.position as usize).ok_or_else(|| {
            internal(SequencerError::Corrupt(format!(
                "receipt of {hash}: no slot {} in block {number}",
                receipt.position
            )))
        })?;
        let entry = match slot {
            Slot::Tx(tx) => tx.body.outbox_entry(),
            // A failed deposit's refund: a withdrawal from the recipient to the L1 sender.
            Slot::Priority(op) => op.refund_entry(),
            Slot::Import(_) => None,
        }
        .ok_or_else(|| {
            internal(SequencerError::Corrupt(format!(
                "receipt of {hash}: an outbox entry from a slot that makes none"
            )))
        })?;
        match (&entry, want) {
            (OutboxEntry::Message(_), EntryKind::Withdrawal) => {
                return Err(error(
                    codes::INVALID_PARAMS,
                    format!(
                        "{hash} sent a message to another chain, not a withdrawal: ask hf_getMessageProof"
                    ),
                ));
            }
            (OutboxEntry::Withdrawal { .. }, EntryKind::Message) => {
                return Err(error(
                    codes::INVALID_PARAMS,
                    format!(
                        "{hash} made a withdrawal to L1, not a message: ask hf_getWithdrawalProof"
                    ),
                ));
            }
            _ => {}
        }
        let leaf = entry.hash();
        let stored = store
            .outbox(number)
            .map_err(internal)?
            .get(outbox_index as usize)
            .cloned();
        if stored.as_deref() != Some(hyperforge_primitives::tx::digest_to_bytes(&leaf).as_slice()) {
            return Err(internal(SequencerError::Corrupt(format!(
                "outbox entry {outbox_index} of block {number} is not the leaf of {hash}"
            ))));
        }
        let mut view = OutboxEntryView {
            transaction_hash: hash,
            block_number: number,
            leaf: digest_to_b256(&leaf),
            batch_number: None,
            leaf_index: None,
            siblings: Vec::new(),
            outbox_root: None,
            batch_status: None,
            settlement: None,
            message_root_index: None,
            withdrawal: None,
            message: None,
        };
        match &entry {
            OutboxEntry::Withdrawal {
                sender,
                l1_recipient,
                amount,
            } => {
                view.withdrawal = Some(WithdrawalView {
                    l2_sender: *sender,
                    l1_recipient: *l1_recipient,
                    amount_gwei: amount.gwei().to_string(),
                });
            }
            OutboxEntry::Message(message) => view.message = Some(MessageView::new(message)),
        }
        let Some(record) = batch_of_block(store, number).map_err(internal)? else {
            return Ok(Some(view));
        };
        let mut leaf_index = outbox_index as usize;
        for earlier in record.first_block..number {
            leaf_index += store.outbox(earlier).map_err(internal)?.len();
        }
        let outbox =
            batch_outbox(store, record.first_block, record.last_block).map_err(internal)?;
        let proof = outbox.proof(leaf_index).ok_or_else(|| {
            internal(SequencerError::Corrupt(format!(
                "batch {}: no outbox leaf {leaf_index}",
                record.number()
            )))
        })?;
        let batch = record.number();
        view.batch_number = Some(batch);
        view.leaf_index = Some(leaf_index as u32);
        view.siblings = proof.siblings.iter().map(digest_to_b256).collect();
        view.outbox_root = Some(digest_to_b256(&outbox.root()));
        view.batch_status = Some(record.proof_status);
        view.settlement = read_settlement(store, batch)
            .map_err(internal)?
            .map(settlement_view);
        if view.message.is_some() && view.settlement.is_some() {
            view.message_root_index =
                message_root_index(store, self.shared.chain_id, batch).map_err(internal)?;
        }
        Ok(Some(view))
    }

    fn latest(&self) -> u64 {
        self.shared.store().head().block_number.unwrap_or_default()
    }

    /// Resolves a block id to a number (latest for tags that mean the head).
    fn resolve(&self, block: &BlockId) -> RpcResult<u64> {
        Ok(match block.into_inner() {
            BlockNumberOrTag::Number(number) => number,
            BlockNumberOrTag::Earliest => 0,
            BlockNumberOrTag::Latest
            | BlockNumberOrTag::Pending
            | BlockNumberOrTag::Safe
            | BlockNumberOrTag::Finalized => self.latest(),
        })
    }

    /// State reads answer at the head only.
    fn require_latest(&self, block: Option<&BlockId>) -> RpcResult<()> {
        let Some(block) = block else { return Ok(()) };
        let latest = self.latest();
        if matches!(
            block.into_inner(),
            BlockNumberOrTag::Pending | BlockNumberOrTag::Latest
        ) || self.resolve(block)? == latest
        {
            return Ok(());
        }
        Err(error(
            codes::UNSUPPORTED,
            format!("state is served at the latest block ({latest}) only"),
        ))
    }

    fn account(&self, address: &Address) -> RpcResult<Option<(u32, Account, u64)>> {
        let store = self.shared.store();
        let number = store.head().block_number.unwrap_or_default();
        let Some(index) = store.account_index(address).map_err(internal)? else {
            return Ok(None);
        };
        Ok(store
            .account(index)
            .map_err(internal)?
            .map(|account| (index, account, number)))
    }

    /// Block `number` and its encoded size, read as stored (the store only holds blocks it
    /// checked, so the slots are not hashed again against the header).
    fn block(&self, number: u64) -> RpcResult<Option<(Block, usize)>> {
        let Some(bytes) = self.shared.store().block(number).map_err(internal)? else {
            return Ok(None);
        };
        let block = Block::decode_trusted(&bytes, hyperforge_primitives::tx::DEFAULT_MAX_PAYLOAD)
            .map_err(|error| {
            internal(SequencerError::Corrupt(format!("block {number}: {error}")))
        })?;
        Ok(Some((block, bytes.len())))
    }
}

fn account_view(index: u32, account: &Account, block_number: u64) -> AccountView {
    AccountView {
        address: account.address,
        index,
        balance_gwei: account.balance.gwei().to_string(),
        balance_wei: (U256::from(account.balance.gwei()) * U256::from(GWEI_IN_WEI)).to_string(),
        nonce: account.nonce,
        pubkey_hash: account
            .has_key()
            .then(|| digest_to_b256(&account.pubkey_hash)),
        block_number,
    }
}

fn block_view(block: &Block) -> BlockView {
    let header = &block.header;
    BlockView {
        number: header.number,
        hash: digest_to_b256(&header.hash()),
        parent_hash: digest_to_b256(&header.parent_hash),
        timestamp_ms: header.timestamp_ms,
        state_root: digest_to_b256(&header.state_root),
        slots_hash: digest_to_b256(&header.slots_hash),
        value_out_gwei: header.value_out.gwei().to_string(),
        value_in_gwei: header.value_in.gwei().to_string(),
        transactions: block
            .slots
            .iter()
            .map(|slot| match slot {
                Slot::Tx(tx) => SlotView {
                    kind: SlotKind::Transaction,
                    hash: B256::from(tx.id()),
                    from: Some(tx.body.from),
                    nonce: Some(tx.body.nonce),
                    raw: hex(&tx.encode()),
                },
                Slot::Priority(op) => SlotView {
                    kind: SlotKind::Priority,
                    hash: digest_to_b256(&op.hash()),
                    from: None,
                    nonce: None,
                    raw: hex(&op.encode()),
                },
                Slot::Import(root) => SlotView {
                    kind: SlotKind::Import,
                    hash: digest_to_b256(&slot.hash()),
                    from: None,
                    nonce: None,
                    raw: hex(&digest_to_b256(root).0),
                },
            })
            .collect(),
    }
}

#[async_trait]
impl HfApiServer for RpcHandler {
    async fn send_transaction(&self, raw: String) -> RpcResult<B256> {
        match self.shared.admit(&raw).await {
            Ok(id) => Ok(B256::from(id)),
            Err(rejection) => {
                tracing::debug!(%rejection, "transaction refused");
                Err(error(rejection.code(), rejection.to_string()))
            }
        }
    }

    async fn get_transaction_receipt(&self, hash: B256) -> RpcResult<Option<ReceiptView>> {
        self.blocking(move |handler| handler.transaction_receipt(hash))
            .await
    }

    fn get_priority_receipt(&self, index: u64) -> RpcResult<Option<ReceiptView>> {
        self.stored_receipt(B256::from(hyperforge_primitives::tx::priority_receipt_id(
            index,
        )))
    }

    fn get_outbox_proof(&self, batch: u64, leaf_index: u32) -> RpcResult<Option<OutboxProofView>> {
        let store = self.shared.store();
        let Some(record) = read_batch(store, batch).map_err(internal)? else {
            return Ok(None);
        };
        let outbox =
            batch_outbox(store, record.first_block, record.last_block).map_err(internal)?;
        let Some(proof) = outbox.proof(leaf_index as usize) else {
            return Ok(None);
        };
        let leaf = outbox
            .leaf(leaf_index as usize)
            .ok_or_else(|| internal(SequencerError::Corrupt("outbox leaf".into())))?;
        Ok(Some(OutboxProofView {
            batch_number: batch,
            leaf_index,
            leaf: digest_to_b256(&leaf),
            siblings: proof.siblings.iter().map(digest_to_b256).collect(),
            outbox_root: digest_to_b256(&outbox.root()),
        }))
    }

    fn get_account(&self, address: String) -> RpcResult<Option<AccountView>> {
        let address = parse(&address)?;
        Ok(self
            .account(&address)?
            .map(|(index, account, number)| account_view(index, &account, number)))
    }

    fn get_account_proof(&self, address: String) -> RpcResult<Option<AccountProofView>> {
        let address = parse(&address)?;
        let store = self.shared.store();
        let number = store.head().block_number.unwrap_or_default();
        let Some(index) = store.account_index(&address).map_err(internal)? else {
            return Ok(None);
        };
        let Some(account) = store.account(index).map_err(internal)? else {
            return Ok(None);
        };
        let proof = store.account_proof(index).map_err(internal)?;
        let head = store.head();
        let state = &head.state;
        Ok(Some(AccountProofView {
            account: account_view(index, &account, number),
            leaf: digest_to_b256(&account.leaf()),
            siblings: proof.siblings.iter().map(digest_to_b256).collect(),
            account_root: digest_to_b256(&state.account_root),
            nullifier_root: digest_to_b256(&state.nullifier_root),
            imported_root: digest_to_b256(&state.imported_root),
            next_account_index: state.next_account_index,
            imported_count: state.imported_count,
            state_root: digest_to_b256(&head.state_root()),
        }))
    }

    async fn get_block(&self, block: BlockId) -> RpcResult<Option<BlockView>> {
        self.blocking(move |handler| {
            let number = handler.resolve(&block)?;
            Ok(handler
                .block(number)?
                .as_ref()
                .map(|(block, _)| block_view(block)))
        })
        .await
    }

    fn get_batch(&self, number: u64) -> RpcResult<Option<BatchView>> {
        let Some(record) = read_batch(self.shared.store(), number).map_err(internal)? else {
            return Ok(None);
        };
        let times = self
            .shared
            .store()
            .proving(number)
            .map_err(internal)?
            .and_then(|bytes| crate::jobs::ProvingTimes::decode(&bytes))
            .unwrap_or_default();
        let set = |ms: u64| (ms != 0).then_some(ms);
        let proving = match record.proof_status {
            ProofStatus::Pending if times.first_lease_ms != 0 => "proving",
            status => status.as_str(),
        };
        Ok(Some(BatchView {
            number: record.number(),
            first_block: record.first_block,
            last_block: record.last_block,
            proof_status: record.proof_status,
            proving: proving.to_owned(),
            sealed_at_ms: set(times.sealed_ms),
            first_lease_at_ms: set(times.first_lease_ms),
            proven_at_ms: set(times.proven_ms),
            settlement: read_settlement(self.shared.store(), number)
                .map_err(internal)?
                .map(settlement_view),
            public_inputs: PublicInputsView::new(&record.public_inputs),
        }))
    }

    async fn get_withdrawal_proof(&self, hash: B256) -> RpcResult<Option<OutboxEntryView>> {
        self.blocking(move |handler| handler.outbox_entry(hash, EntryKind::Withdrawal))
            .await
    }

    async fn get_message_proof(&self, hash: B256) -> RpcResult<Option<OutboxEntryView>> {
        self.blocking(move |handler| handler.outbox_entry(hash, EntryKind::Message))
            .await
    }

    fn get_message_root(&self, index: u64) -> RpcResult<Option<MessageRootView>> {
        let store = self.shared.store();
        let Some(bytes) = store.l1_message_root(index).map_err(internal)? else {
            return Ok(None);
        };
        let record = MessageRootRecord::decode(index, &bytes).map_err(internal)?;
        Ok(Some(MessageRootView {
            index,
            src_chain_id: record.chain_id.get(),
            batch_number: record.batch_number,
            outbox_root: digest_to_b256(&record.outbox_root),
            imported: index < store.head().state.imported_count,
        }))
    }

    fn is_message_executed(&self, import_index: u32, leaf_index: u16) -> RpcResult<bool> {
        if u32::from(leaf_index) >> OUTBOX_DEPTH != 0 {
            return Err(error(
                codes::INVALID_PARAMS,
                format!("leaf index {leaf_index} is outside an outbox of depth {OUTBOX_DEPTH}"),
            ));
        }
        let key = nullifier_key(import_index, leaf_index);
        Ok(self
            .shared
            .store()
            .nullifier(key)
            .map_err(internal)?
            .is_some())
    }

    fn get_batch_proof(&self, number: u64) -> RpcResult<Option<BatchProofView>> {
        let proof = self.shared.store().batch_proof(number).map_err(internal)?;
        Ok(proof.map(|(circuits, proof)| BatchProofView {
            number,
            circuits: B256::from(circuits),
            proof: hex(&proof),
        }))
    }
}

#[async_trait]
impl EthApiServer for RpcHandler {
    fn chain_id(&self) -> RpcResult<String> {
        Ok(quantity(self.shared.chain_id.get()))
    }

    fn block_number(&self) -> RpcResult<String> {
        Ok(quantity(self.latest()))
    }

    fn get_balance(&self, address: String, block: Option<BlockId>) -> RpcResult<String> {
        let address = parse(&address)?;
        self.require_latest(block.as_ref())?;
        let gwei = self
            .account(&address)?
            .map_or(0, |(_, account, _)| account.balance.gwei());
        Ok(format!("{:#x}", U256::from(gwei) * U256::from(GWEI_IN_WEI)))
    }

    async fn get_transaction_count(
        &self,
        address: String,
        block: Option<BlockId>,
    ) -> RpcResult<String> {
        let address = parse(&address)?;
        self.require_latest(block.as_ref())?;
        let committed = self
            .account(&address)?
            .map_or(0, |(_, account, _)| account.nonce);
        if !matches!(
            block.map(|block| block.into_inner()),
            Some(BlockNumberOrTag::Pending)
        ) {
            // The committed nonce: a store read, which never waits on a commit.
            return Ok(quantity(committed));
        }
        // Counting the mempool: its lock is only taken off the async executor.
        self.blocking(move |handler| {
            Ok(quantity(
                handler.shared.mempool().pending_nonce(&address, committed),
            ))
        })
        .await
    }

    async fn get_block_by_number(
        &self,
        block: BlockId,
        _full: Option<bool>,
    ) -> RpcResult<Option<serde_json::Value>> {
        self.blocking(move |handler| handler.ethereum_block(&block))
            .await
    }

    fn net_version(&self) -> RpcResult<String> {
        Ok(self.shared.chain_id.get().to_string())
    }

    fn client_version(&self) -> RpcResult<String> {
        Ok(format!("hyperforge/{}", env!("CARGO_PKG_VERSION")))
    }
}

impl RpcHandler {
    /// A block in Ethereum's shape: header fields and transaction hashes.
    /// A block in Ethereum's shape (alloy's RPC block type: header fields and transaction
    /// hashes). Fields Ethereum has and hyperforge does not (gas, receipts root, bloom) are
    /// zero; `transactionsRoot` is the slots hash.
    fn ethereum_block(&self, block: &BlockId) -> RpcResult<Option<serde_json::Value>> {
        use alloy::{
            consensus::Header as ConsensusHeader,
            rpc::types::{Block as RpcBlock, BlockTransactions, Header as RpcHeader},
        };
        let number = self.resolve(block)?;
        let Some((block, size)) = self.block(number)? else {
            return Ok(None);
        };
        let view = block_view(&block);
        let header = RpcHeader {
            hash: view.hash,
            inner: ConsensusHeader {
                parent_hash: view.parent_hash,
                number: view.number,
                timestamp: view.timestamp_ms / 1000,
                state_root: view.state_root,
                transactions_root: view.slots_hash,
                base_fee_per_gas: Some(0),
                ..ConsensusHeader::default()
            },
            total_difficulty: Some(U256::ZERO),
            size: Some(U256::from(size)),
        };
        let ethereum = RpcBlock::<B256, RpcHeader> {
            header,
            uncles: Vec::new(),
            transactions: BlockTransactions::Hashes(
                view.transactions.iter().map(|slot| slot.hash).collect(),
            ),
            withdrawals: None,
        };
        serde_json::to_value(&ethereum)
            .map(Some)
            .map_err(|error| internal(SequencerError::Corrupt(format!("block {number}: {error}"))))
    }
}
