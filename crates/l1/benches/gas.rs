//! Gas of each bridge function on a real anvil: `cargo xtask bench l1` (or `cargo bench -p
//! hyperforge-l1 --bench gas --profile dev`).
//!
//! Prints a table and one `BENCH gas_<function> <value> gas` line per function. `gas_<f>` is
//! the receipt's gasUsed (21000 base and calldata included; the target: settling 4 chains
//! costs at most 500k gas); for settle, `gas_settle_<n>_exec` also leaves out the calldata and
//! the verifier's own execution (the 21000 base stays in). Every settled batch consumes its
//! chain's priority operations, carries a non-empty outbox (so it appends a root to the message
//! root queue), sends a 1-gwei message and, where the queue held a root when the settlement
//! began, imports one root and brings 1 gwei in, as a real batch would. `settle_1/2/4` settle
//! batch 1 of fresh chains (each funded by a deposit first); `settle_4_again` settles batch 2
//! of the same 4 chains, the steady state (the bridge then also reads `c_head` and
//! `m_importHead` from storage). `deposit` is a chain's first deposit (it writes the chain's
//! counters slot for the first time), `deposit_again` a later one.

use std::error::Error;

use alloy::{
    primitives::{Bytes, U256},
    providers::Provider,
};
use hyperforge_l1::{
    BridgeClient, TxOutcome, WithdrawalClaim,
    anvil::spawn_anvil,
    bindings::{DevVerifier, PoseidonGoldilocks},
    dev_proof,
};
use hyperforge_primitives::{
    Address, Amount, ChainId,
    bridge::{BatchPublicInputs, Digest, F, OutboxEntry, OutboxTree, digest_to_b256, hash_no_pad},
    tx::Message,
};
use plonky2::field::types::{Field, PrimeField64};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    tokio::runtime::Runtime::new()?.block_on(run())
}

fn digest(seed: u64) -> Digest {
    hash_no_pad(&[F::from_canonical_u64(seed)])
}

/// EIP-2028 calldata gas: 4 per zero byte, 16 per other byte.
fn calldata_gas(input: &[u8]) -> u64 {
    input
        .iter()
        .map(|byte| if *byte == 0 { 4 } else { 16 })
        .sum()
}

struct Row {
    name: String,
    outcome: TxOutcome,
    calldata: u64,
    verifier: Option<u64>,
}

async fn run() -> Result<()> {
    let anvil = spawn_anvil()?;
    let url = anvil.endpoint_url();
    let operator = BridgeClient::deploy(url.clone(), anvil.keys()[0].clone().into(), None).await?;
    let user = BridgeClient::connect(url, anvil.keys()[1].clone().into(), operator.address());
    let verifier = DevVerifier::new(
        operator.contract().verifier().call().await?,
        operator.provider().clone(),
    );
    let chains: Vec<ChainId> = (270..277)
        .map(ChainId::new)
        .collect::<std::result::Result<_, _>>()?;
    let mut rows = Vec::new();
    let mut record =
        async |name: &str, outcome: TxOutcome, verifier_gas: Option<u64>| -> Result<()> {
            let tx = operator
                .provider()
                .get_transaction_by_hash(outcome.hash)
                .await?
                .ok_or("transaction not found")?;
            let input = alloy::consensus::Transaction::input(&tx).clone();
            rows.push(Row {
                name: name.to_owned(),
                outcome,
                calldata: calldata_gas(&input),
                verifier: verifier_gas,
            });
            Ok(())
        };

    // Chains without genesis balances (the first registration measured).
    for (i, chain) in chains.iter().enumerate() {
        let outcome = operator
            .register_chain(*chain, digest(chain.get()), operator.sender(), Amount::ZERO)
            .await?;
        if i == 0 {
            record("register_chain", outcome, None).await?;
        }
    }

    // One deposit per chain (the first one measured: it writes the chain's counters slot for
    // the first time), then a second one on the first chain, a key registration there too.
    let recipient = Address::repeat_byte(0x11);
    let one_ether = Amount::from_ether(1).ok_or("amount")?;
    for (i, chain) in chains.iter().enumerate() {
        let outcome = user.deposit(*chain, recipient, one_ether).await?;
        if i == 0 {
            record("deposit", outcome, None).await?;
        }
    }
    let outcome = user.deposit(chains[0], recipient, one_ether).await?;
    record("deposit_again", outcome, None).await?;
    let outcome = user.register_key(chains[0], digest(42)).await?;
    record("register_key", outcome, None).await?;

    // Each batch consumes its chain's queue, withdraws 0.5 ether among three outbox leaves and
    // sends 1 gwei to the first chain in a fourth.
    let claim = WithdrawalClaim {
        l2_sender: recipient,
        l1_recipient: Address::repeat_byte(0x42),
        amount: Amount::from_gwei(500_000_000),
    };
    let entries = [
        OutboxEntry::Withdrawal {
            sender: recipient,
            l1_recipient: claim.l1_recipient,
            amount: claim.amount,
        },
        OutboxEntry::Withdrawal {
            sender: recipient,
            l1_recipient: Address::repeat_byte(0x43),
            amount: Amount::from_gwei(1),
        },
        OutboxEntry::Withdrawal {
            sender: recipient,
            l1_recipient: Address::repeat_byte(0x44),
            amount: Amount::from_gwei(2),
        },
    ];
    let sent = Amount::from_gwei(1);
    let mut first_outbox = None;
    let rounds = [
        ("settle_1", 0..1),
        ("settle_2", 1..3),
        ("settle_4", 3..7),
        ("settle_4_again", 3..7),
    ];
    for (name, range) in rounds {
        if name == "settle_4_again" {
            // Batch 2 of the same chains, each with one new deposit to consume: the steady
            // state, where the bridge reads c_head and m_importHead from storage too.
            for chain in &chains[range.clone()] {
                user.deposit(*chain, recipient, one_ether).await?;
            }
        }
        // Every batch imports the next root of the queue if the queue held one when the
        // settlement began.
        let queued = operator.message_root_count().await?;
        let mut settled = Vec::new();
        for chain in &chains[range] {
            let state = operator
                .chain(*chain)
                .await?
                .ok_or("chain not registered")?;
            let message = OutboxEntry::Message(Message {
                src_chain: *chain,
                sender: recipient,
                nonce: state.batch_number as u32,
                dst_chain: chains[0],
                recipient,
                value: sent,
                payload: Vec::new(),
            });
            let outbox = OutboxTree::from_entries(entries.iter().chain(std::iter::once(&message)))?;
            let imports = (queued - state.import_head).min(1);
            let number = state.batch_number + 1;
            settled.push(BatchPublicInputs {
                chain_id: *chain,
                batch_number: number,
                old_state_root: state.state_root,
                new_state_root: digest(chain.get() * 1_000 + number),
                priority_ops_count: state.priority_length - state.priority_head,
                priority_commitment_before: operator
                    .priority_commitment(*chain, state.priority_head)
                    .await?,
                priority_commitment_after: operator
                    .priority_commitment(*chain, state.priority_length)
                    .await?,
                imports_count: imports,
                imports_commitment_before: operator.message_commitment(state.import_head).await?,
                imports_commitment_after: operator
                    .message_commitment(state.import_head + imports)
                    .await?,
                outbox_root: outbox.root(),
                value_out: sent,
                value_in: if imports == 0 { Amount::ZERO } else { sent },
                pubdata_commitment: digest(chain.get() * 1_000 + 500 + number),
            });
            first_outbox.get_or_insert(outbox);
        }
        let proof = dev_proof(&settled, &[0xab; 64]);
        let verifier_gas = verifier_execution_gas(&verifier, &settled, proof.clone()).await?;
        let outcome = operator.settle(&settled, proof).await?;
        record(name, outcome, Some(verifier_gas)).await?;
    }

    let proof = first_outbox
        .ok_or("nothing settled")?
        .proof(0)
        .ok_or("no leaf 0")?;
    let outcome = user
        .finalize_withdrawal(chains[0], 1, &claim, &proof)
        .await?;
    record("finalize_withdrawal", outcome, None).await?;

    // One permutation, as the bridge pays for it (a call to the Poseidon contract).
    let poseidon = PoseidonGoldilocks::new(
        operator.contract().poseidon().call().await?,
        operator.provider().clone(),
    );
    let call = poseidon.twoToOne(digest_to_b256(&digest(1)), digest_to_b256(&digest(2)));
    let permutation = call
        .estimate_gas()
        .await?
        .saturating_sub(21_000 + calldata_gas(call.calldata()));
    println!(
        "{:<20} {:>10} {:>10} {:>10} {:>12}",
        "function", "gasUsed", "calldata", "verifier", "excl. both"
    );
    for row in &rows {
        let verifier = row.verifier.unwrap_or(0);
        let exec = row.outcome.gas_used - row.calldata - verifier;
        println!(
            "{:<20} {:>10} {:>10} {:>10} {:>12}",
            row.name, row.outcome.gas_used, row.calldata, verifier, exec
        );
    }
    println!();
    for row in &rows {
        println!("BENCH gas_{} {} gas", row.name, row.outcome.gas_used);
        if let Some(verifier) = row.verifier {
            println!(
                "BENCH gas_{}_exec {} gas",
                row.name,
                row.outcome.gas_used - row.calldata - verifier
            );
        }
    }
    println!("BENCH gas_poseidon_two_to_one {permutation} gas");
    Ok(())
}

/// What the verifier's `verify` costs on its own: the execution of its call frame, from a
/// `debug_traceCall` (an estimate would not do: with this much calldata and so little
/// execution, EIP-7623's calldata floor sets the gas of a direct call).
async fn verifier_execution_gas(
    verifier: &DevVerifier::DevVerifierInstance<alloy::providers::DynProvider>,
    batches: &[BatchPublicInputs],
    proof: Bytes,
) -> Result<u64> {
    let inputs: Vec<U256> = batches
        .iter()
        .flat_map(BatchPublicInputs::to_elements)
        .map(|e| U256::from(e.to_canonical_u64()))
        .collect();
    let call = verifier.verify(inputs, proof);
    let request = serde_json::json!({ "to": verifier.address(), "data": call.calldata() });
    let options =
        serde_json::json!({ "disableStack": true, "disableMemory": true, "disableStorage": true });
    let trace: serde_json::Value = verifier
        .provider()
        .raw_request("debug_traceCall".into(), (request, "latest", options))
        .await?;
    let steps = trace["structLogs"]
        .as_array()
        .ok_or("no structLogs in the trace")?;
    let gas = |step: &serde_json::Value, key: &str| step[key].as_u64().ok_or("a step without gas");
    let (first, last) = (
        steps.first().ok_or("no steps")?,
        steps.last().ok_or("no steps")?,
    );
    Ok(gas(first, "gas")? - (gas(last, "gas")? - gas(last, "gasCost")?))
}
