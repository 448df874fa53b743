//! Gas of each bridge function on a real anvil: `cargo xtask bench l1`.
//!
//! Prints a table and one `BENCH gas_<function> <value> gas` line per function. `gas_<f>` is
//! the receipt's gasUsed (21000 base and calldata included); for settle, `gas_settle_<n>_exec`
//! also leaves out the calldata and the verifier's own execution (the target: settling 4
//! chains costs at most 400k gas that way). Every settled batch consumes one priority operation
//! and carries a non-empty outbox, as a real batch would.

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
    bridge::{
        BatchPublicInputs, Digest, F, OutboxEntry, OutboxTree, ZERO_DIGEST, digest_to_b256,
        hash_no_pad,
    },
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
    for chain in &chains {
        operator
            .register_chain(*chain, digest(chain.get()), operator.sender())
            .await?;
    }
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

    // One deposit per chain (the first one measured), a key registration on the first chain.
    let recipient = Address::repeat_byte(0x11);
    for (i, chain) in chains.iter().enumerate() {
        let outcome = user
            .deposit(*chain, recipient, Amount::from_ether(1).ok_or("amount")?)
            .await?;
        if i == 0 {
            record("deposit", outcome, None).await?;
        }
    }
    let outcome = user.register_key(chains[0], digest(42)).await?;
    record("register_key", outcome, None).await?;

    // Batch 1 of each chain: consumes its queue, withdraws 0.5 ether among three outbox leaves.
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
    let outbox = OutboxTree::from_entries(&entries)?;
    let mut batches = Vec::new();
    for chain in &chains {
        let state = operator
            .chain(*chain)
            .await?
            .ok_or("chain not registered")?;
        batches.push(BatchPublicInputs {
            chain_id: *chain,
            batch_number: 1,
            old_state_root: state.state_root,
            new_state_root: digest(chain.get() + 1_000),
            priority_ops_count: state.priority_length,
            priority_commitment_before: ZERO_DIGEST,
            priority_commitment_after: operator
                .priority_commitment(*chain, state.priority_length)
                .await?,
            outbox_root: outbox.root(),
            pubdata_commitment: digest(chain.get() + 2_000),
        });
    }
    for (name, range) in [("settle_1", 0..1), ("settle_2", 1..3), ("settle_4", 3..7)] {
        let settled = &batches[range];
        let proof = dev_proof(settled, &[0xab; 64]);
        let verifier_gas = verifier_execution_gas(&verifier, settled, proof.clone()).await?;
        let outcome = operator.settle(settled, proof).await?;
        record(name, outcome, Some(verifier_gas)).await?;
    }

    let proof = outbox.proof(0).ok_or("no leaf 0")?;
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

/// What the verifier's `verify` costs on its own: its estimate less the 21000 base and its
/// own calldata.
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
    let estimate = call.estimate_gas().await?;
    Ok(estimate.saturating_sub(21_000 + calldata_gas(call.calldata())))
}
