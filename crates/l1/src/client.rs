//! [`BridgeClient`]: deploys the bridge and sends every bridge call from one L1 account.

use alloy::{
    contract::SolCallBuilder,
    network::EthereumWallet,
    primitives::{Address, B256, Bytes, TxHash, U256, keccak256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolEventInterface},
};
use hyperforge_primitives::{
    Amount, ChainId,
    bridge::{BatchPublicInputs, Digest, MerkleProof, digest_from_b256, digest_to_b256},
};
use url::Url;

use crate::{
    DeployedVerifier, L1Error, VerifierKind,
    bindings::Bridge::{self, BridgeInstance},
    deploy_verifier,
};

/// What [`BridgeClient::deploy_with_verifier`] deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// The bridge.
    pub bridge: Address,
    /// Gas of the bridge's deployment (its `PoseidonGoldilocks` included, which its
    /// constructor deploys).
    pub bridge_gas: u64,
    /// Its verifier.
    pub verifier: DeployedVerifier,
}

/// What a mined bridge transaction cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxOutcome {
    /// The transaction.
    pub hash: TxHash,
    /// The L1 block it is in.
    pub block_number: u64,
    /// Gas it used (calldata and the 21000 base included).
    pub gas_used: u64,
    /// For a deposit or key registration: its index in the chain's priority queue (the key
    /// of its L2 receipt, `hf_getPriorityReceipt`).
    pub queue_index: Option<u64>,
}

/// What the bridge keeps for one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainState {
    /// State root after the last settled batch (the genesis root before any).
    pub state_root: Digest,
    /// Last settled batch (0: none).
    pub batch_number: u64,
    /// First priority operation no settled batch consumed.
    pub priority_head: u64,
    /// Priority operations ever queued.
    pub priority_length: u64,
    /// Entries of the bridge's message root queue the chain has imported.
    pub import_head: u64,
    /// The chain's admin.
    pub admin: Address,
    /// ETH the chain holds on the bridge: its genesis backing, deposits and value brought in
    /// by messages, less value sent out and withdrawals paid.
    pub balance: Amount,
}

/// A withdrawal leaf of an outbox, as `finalizeWithdrawal` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithdrawalClaim {
    /// The L2 account that withdrew.
    pub l2_sender: Address,
    /// Who is paid on L1.
    pub l1_recipient: Address,
    /// How much.
    pub amount: Amount,
}

/// A client of one deployed bridge, sending from one account.
#[derive(Debug, Clone)]
pub struct BridgeClient {
    provider: DynProvider,
    bridge: BridgeInstance<DynProvider>,
    sender: Address,
}

/// A provider that signs with `signer` and talks JSON-RPC over HTTP to `url`.
fn provider(url: Url, signer: PrivateKeySigner) -> DynProvider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url)
        .erased()
}

impl BridgeClient {
    /// A client of the bridge at `bridge`.
    pub fn connect(url: Url, signer: PrivateKeySigner, bridge: Address) -> Self {
        let sender = signer.address();
        let provider = provider(url, signer);
        let bridge = Bridge::new(bridge, provider.clone());
        Self {
            provider,
            bridge,
            sender,
        }
    }

    /// Deploys a `DevVerifier` (UNCHECKED: it checks no proof) and a bridge using it, owned
    /// by `signer`'s account; `settler` (default: that account) is the only account allowed to
    /// settle. Tests that settle with [`dev_proof`] use it; [`Self::deploy_with_verifier`]
    /// chooses the verifier.
    pub async fn deploy(
        url: Url,
        signer: PrivateKeySigner,
        settler: Option<Address>,
    ) -> Result<Self, L1Error> {
        Self::deploy_with_verifier(url, signer, settler, VerifierKind::Dev)
            .await
            .map(|(client, _)| client)
    }

    /// Deploys a verifier of `kind` ([`deploy_verifier`]) and a bridge using it, owned by
    /// `signer`'s account; `settler` (default: that account) is the only account allowed to
    /// settle. Each contract is its own transaction (the largest, `PlonkyVerifier` with its two
    /// gate contracts, fits a 30M-gas block).
    pub async fn deploy_with_verifier(
        url: Url,
        signer: PrivateKeySigner,
        settler: Option<Address>,
        kind: VerifierKind,
    ) -> Result<(Self, Deployment), L1Error> {
        let sender = signer.address();
        let provider = provider(url, signer);
        let verifier = deploy_verifier(&provider, kind).await?;
        let receipt = Bridge::deploy_builder(
            provider.clone(),
            verifier.address,
            settler.unwrap_or(sender),
        )
        .send()
        .await?
        .get_receipt()
        .await?;
        if !receipt.status() {
            return Err(L1Error::Reverted(receipt.transaction_hash));
        }
        let address = receipt
            .contract_address
            .ok_or(L1Error::NoContractAddress(receipt.transaction_hash))?;
        let bridge = Bridge::new(address, provider.clone());
        tracing::info!(target: "l1::client", bridge = %address, verifier = %verifier.address, kind = %kind, "bridge deployed");
        let deployment = Deployment {
            bridge: address,
            bridge_gas: receipt.gas_used,
            verifier,
        };
        Ok((
            Self {
                provider,
                bridge,
                sender,
            },
            deployment,
        ))
    }

    /// The bridge's address.
    pub fn address(&self) -> Address {
        *self.bridge.address()
    }

    /// The account this client sends from.
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The provider, for reads beyond the bridge.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The raw bindings.
    pub fn contract(&self) -> &BridgeInstance<DynProvider> {
        &self.bridge
    }

    /// Registers `chain_id` with its genesis state root (owner only), sending
    /// `genesis_backing`: the ETH behind the genesis balances, which becomes the chain's balance.
    pub async fn register_chain(
        &self,
        chain_id: ChainId,
        genesis_root: Digest,
        admin: Address,
        genesis_backing: Amount,
    ) -> Result<TxOutcome, L1Error> {
        self.register_chain_wei(chain_id, genesis_root, admin, genesis_backing.wei())
            .await
    }

    /// [`Self::register_chain`] sending exactly `wei` (the bridge refuses what is not whole
    /// gwei: `NotWholeGwei`).
    pub async fn register_chain_wei(
        &self,
        chain_id: ChainId,
        genesis_root: Digest,
        admin: Address,
        wei: U256,
    ) -> Result<TxOutcome, L1Error> {
        let call = self
            .bridge
            .registerChain(chain_id.get(), digest_to_b256(&genesis_root), admin)
            .value(wei);
        send(call).await
    }

    /// Deposits `amount` to `l2_recipient` on `chain_id`.
    pub async fn deposit(
        &self,
        chain_id: ChainId,
        l2_recipient: Address,
        amount: Amount,
    ) -> Result<TxOutcome, L1Error> {
        self.deposit_wei(chain_id, l2_recipient, amount.wei()).await
    }

    /// Deposits exactly `wei` (the bridge refuses what is not whole gwei: `NotWholeGwei`).
    pub async fn deposit_wei(
        &self,
        chain_id: ChainId,
        l2_recipient: Address,
        wei: U256,
    ) -> Result<TxOutcome, L1Error> {
        let call = self.bridge.deposit(chain_id.get(), l2_recipient).value(wei);
        send(call).await
    }

    /// Binds the L2 public key hash `pubkey_hash` to this client's account on `chain_id`.
    pub async fn register_key(
        &self,
        chain_id: ChainId,
        pubkey_hash: Digest,
    ) -> Result<TxOutcome, L1Error> {
        self.register_key_raw(chain_id, digest_to_b256(&pubkey_hash))
            .await
    }

    /// [`Self::register_key`] with any bytes32 (the bridge refuses non-canonical ones).
    pub async fn register_key_raw(
        &self,
        chain_id: ChainId,
        pubkey_hash: B256,
    ) -> Result<TxOutcome, L1Error> {
        let call = self.bridge.registerKey(chain_id.get(), pubkey_hash);
        send(call).await
    }

    /// Settles `batches` (one per chain, or consecutive ones of a chain) under `proof` (for
    /// the PlonkyVerifier: [`plonky2_proof`](crate::plonky2_proof); for the DevVerifier:
    /// [`dev_proof`]).
    pub async fn settle(
        &self,
        batches: &[BatchPublicInputs],
        proof: Bytes,
    ) -> Result<TxOutcome, L1Error> {
        let batches: Vec<Bridge::ChainBatch> = batches.iter().map(chain_batch).collect();
        let call = self.bridge.settle(batches, proof);
        send(call).await
    }

    /// Pays `claim`, leaf `proof.index` of the outbox of `chain_id`'s settled batch `batch_number`.
    pub async fn finalize_withdrawal(
        &self,
        chain_id: ChainId,
        batch_number: u64,
        claim: &WithdrawalClaim,
        proof: &MerkleProof,
    ) -> Result<TxOutcome, L1Error> {
        let withdrawal = Bridge::Withdrawal {
            l2Sender: claim.l2_sender,
            l1Recipient: claim.l1_recipient,
            amountGwei: claim.amount.gwei(),
        };
        let siblings: Vec<B256> = proof.siblings.iter().map(digest_to_b256).collect();
        let call = self.bridge.finalizeWithdrawal(
            chain_id.get(),
            batch_number,
            U256::from(proof.index),
            withdrawal,
            siblings,
        );
        send(call).await
    }

    /// What the bridge keeps for `chain_id`, if it is registered.
    pub async fn chain(&self, chain_id: ChainId) -> Result<Option<ChainState>, L1Error> {
        let chain = self.bridge.getChain(chain_id.get()).call().await?;
        if !chain.registered {
            return Ok(None);
        }
        Ok(Some(ChainState {
            state_root: digest_from_b256(&chain.stateRoot)?,
            batch_number: chain.batchNumber,
            priority_head: chain.priorityHead,
            priority_length: chain.priorityLength,
            import_head: chain.importHead,
            admin: chain.admin,
            balance: Amount::from_gwei(chain.balanceGwei),
        }))
    }

    /// The priority queue's rolling commitment after its first `n` operations, `c_n`
    /// ([`PRIORITY_SEED`](hyperforge_primitives::bridge::PRIORITY_SEED) for 0, zero past the
    /// queue's end).
    pub async fn priority_commitment(&self, chain_id: ChainId, n: u64) -> Result<Digest, L1Error> {
        let commitment = self
            .bridge
            .priorityCommitmentAt(chain_id.get(), U256::from(n))
            .call()
            .await?;
        Ok(digest_from_b256(&commitment)?)
    }

    /// The message root queue's commitment after its first `n` roots, `m_n`
    /// ([`MESSAGE_QUEUE_SEED`](hyperforge_primitives::bridge::MESSAGE_QUEUE_SEED) for 0, zero
    /// past the queue's end).
    pub async fn message_commitment(&self, n: u64) -> Result<Digest, L1Error> {
        let commitment = self
            .bridge
            .messageCommitmentAt(U256::from(n))
            .call()
            .await?;
        Ok(digest_from_b256(&commitment)?)
    }

    /// How many outbox roots the message root queue holds.
    pub async fn message_root_count(&self) -> Result<u64, L1Error> {
        Ok(self.bridge.messageRootCount().call().await?)
    }

    /// Value sent by the messages of settled batches and not yet brought in by a settled
    /// batch of their destination.
    pub async fn in_flight(&self) -> Result<Amount, L1Error> {
        Ok(Amount::from_gwei(self.bridge.inFlightGwei().call().await?))
    }

    /// The outbox root of a settled batch (zero if it is not settled).
    pub async fn outbox_root(
        &self,
        chain_id: ChainId,
        batch_number: u64,
    ) -> Result<Digest, L1Error> {
        let root = self
            .bridge
            .outboxRoots(chain_id.get(), batch_number)
            .call()
            .await?;
        Ok(digest_from_b256(&root)?)
    }

    /// Whether leaf `leaf_index` of (`chain_id`, `batch_number`) has been paid.
    pub async fn is_withdrawal_finalized(
        &self,
        chain_id: ChainId,
        batch_number: u64,
        leaf_index: u64,
    ) -> Result<bool, L1Error> {
        Ok(self
            .bridge
            .isWithdrawalFinalized(chain_id.get(), batch_number, U256::from(leaf_index))
            .call()
            .await?)
    }

    /// The ETH balance of `account` on L1, in wei.
    pub async fn balance_of(&self, account: Address) -> Result<U256, L1Error> {
        Ok(self.provider.get_balance(account).await?)
    }
}

/// The calldata form of a batch: its public inputs less `priority_commitment_before` and
/// `imports_commitment_before`, which the bridge reads from its own queues.
pub fn chain_batch(inputs: &BatchPublicInputs) -> Bridge::ChainBatch {
    Bridge::ChainBatch {
        chainId: inputs.chain_id.get(),
        batchNumber: inputs.batch_number,
        oldStateRoot: digest_to_b256(&inputs.old_state_root),
        newStateRoot: digest_to_b256(&inputs.new_state_root),
        priorityOpsCount: inputs.priority_ops_count,
        priorityOpsCommitment: digest_to_b256(&inputs.priority_commitment_after),
        importsCount: inputs.imports_count,
        importsCommitment: digest_to_b256(&inputs.imports_commitment_after),
        outboxRoot: digest_to_b256(&inputs.outbox_root),
        valueOutGwei: inputs.value_out.gwei(),
        valueInGwei: inputs.value_in.gwei(),
        pubdataCommitment: digest_to_b256(&inputs.pubdata_commitment),
    }
}

/// The settle proof the DevVerifier accepts: `keccak256` of the settlement commitment's four
/// elements (each a 32-byte big-endian word; [`settlement_commitment`](hyperforge_primitives::bridge::settlement_commitment) over `batches`, the
/// public input the bridge passes to its verifier) followed by `proof` (the aggregated proof, checked off
/// chain by the settler and carried in calldata so anyone can re-check it; the DevVerifier
/// does not look at it).
pub fn dev_proof(batches: &[BatchPublicInputs], proof: &[u8]) -> Bytes {
    use plonky2::field::types::PrimeField64;

    let commitment = hyperforge_primitives::bridge::settlement_commitment(batches);
    let mut words = Vec::with_capacity(4 * 32);
    for element in commitment.elements {
        words.extend_from_slice(&U256::from(element.to_canonical_u64()).to_be_bytes::<32>());
    }
    let mut bytes = keccak256(&words).to_vec();
    bytes.extend_from_slice(proof);
    bytes.into()
}

/// Estimates first, so that a revert surfaces with its reason before a nonce is taken (the
/// provider caches nonces: a transaction that fails in its fillers would leave a gap).
async fn send<C: SolCall>(call: SolCallBuilder<&DynProvider, C>) -> Result<TxOutcome, L1Error> {
    let gas = call.estimate_gas().await?;
    let call = call.gas(gas + gas / 5);
    mined(call.send().await?.get_receipt().await?)
}

fn mined(receipt: TransactionReceipt) -> Result<TxOutcome, L1Error> {
    if !receipt.status() {
        return Err(L1Error::Reverted(receipt.transaction_hash));
    }
    let queue_index = receipt.inner.logs().iter().find_map(|log| {
        match Bridge::BridgeEvents::decode_log(&log.inner).ok()?.data {
            Bridge::BridgeEvents::DepositQueued(event) => Some(event.index),
            Bridge::BridgeEvents::KeyRegistrationQueued(event) => Some(event.index),
            _ => None,
        }
    });
    Ok(TxOutcome {
        hash: receipt.transaction_hash,
        block_number: receipt.block_number.unwrap_or_default(),
        gas_used: receipt.gas_used,
        queue_index,
    })
}
