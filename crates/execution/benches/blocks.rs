//! Block production at the sequencer bench's shape, one phase at a time, with a fixed amount
//! of work (so it can run under `valgrind --tool=callgrind` for instruction counts, which
//! other load on the machine does not change).
//!
//! `S` senders (default 100, like `cargo xtask bench sequencer`) are funded and registered at
//! genesis; then `B` blocks (default 10) of `T` transfers each (default 400: about what
//! 100 ms blocks hold at 4,000 transfers/s), every sender to one recipient, are verified
//! (one thread, so the count is per transaction), executed, finished and committed to
//! RocksDB. Prints `BENCH blocks_<phase>_us_per_tx` for each phase.
//!
//! Environment: `HYPERFORGE_BLOCKS_SENDERS` (S), `HYPERFORGE_BLOCKS` (B),
//! `HYPERFORGE_BLOCK_TXS` (T). Run: `cargo bench --profile dev -p hyperforge-execution --bench
//! blocks`.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    time::{Duration, Instant},
};

use hyperforge_crypto::{
    SecretKey,
    derive::{ethereum_address_of_key, secret_key_from_ethereum_key},
};
use hyperforge_execution::{BlockBuilder, VerifiedTx, test_utils::sign};
use hyperforge_primitives::{
    Address, Amount, ChainId,
    tx::{PriorityOp, TxKind},
};
use hyperforge_state::Store;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

/// The `index`-th sender's Ethereum key: a valid secp256k1 scalar, the same on every run.
fn sender_key(index: usize) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[0] = 0x42;
    key[24..].copy_from_slice(&(index as u64 + 1).to_be_bytes());
    key
}

#[derive(Default)]
struct Phases {
    verify: Duration,
    apply: Duration,
    finish: Duration,
    commit: Duration,
}

fn main() {
    let senders = env_or("HYPERFORGE_BLOCKS_SENDERS", 100);
    let blocks = env_or("HYPERFORGE_BLOCKS", 10);
    let per_block = env_or("HYPERFORGE_BLOCK_TXS", 400);
    let chain = ChainId::new(270).expect("valid chain id");

    let keys: Vec<(Address, SecretKey)> = (0..senders)
        .map(|index| {
            let key = sender_key(index);
            let address = Address::from(ethereum_address_of_key(&key).expect("valid key"));
            (
                address,
                secret_key_from_ethereum_key(&key).expect("valid key"),
            )
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    #[allow(unused_mut)] // `commit` took `&mut self` before the store swapped its head.
    let mut store = Store::open(dir.path()).expect("open");
    let mut genesis = BlockBuilder::new(&store, chain);
    for (address, key) in &keys {
        genesis
            .apply_genesis(&PriorityOp::Deposit {
                l1_sender: *address,
                recipient: *address,
                amount: Amount::from_gwei(u64::MAX / 1_000),
            })
            .expect("genesis deposit");
        genesis
            .apply_genesis(&PriorityOp::RegisterKey {
                account: *address,
                pubkey_hash: key.public_key().hash(),
            })
            .expect("genesis key");
    }
    let executed = genesis.finish().expect("genesis finishes");
    store.commit(&executed.commit).expect("genesis commits");

    // Signed up front, not measured: transaction `i` of block `b` is from sender `i % S`.
    let recipient = Address::repeat_byte(0x77);
    let mut nonces = vec![0u32; senders];
    let signed: Vec<Vec<_>> = (0..blocks)
        .map(|_| {
            (0..per_block)
                .map(|i| {
                    let from = i % senders;
                    let nonce = nonces[from];
                    nonces[from] += 1;
                    let kind = TxKind::Transfer {
                        to: recipient,
                        amount: Amount::from_gwei(1),
                    };
                    sign(&keys[from].1, chain, keys[from].0, nonce, kind)
                })
                .collect()
        })
        .collect();

    // A digest of everything the blocks produced (commits, receipts, witnesses; accounts in
    // index order, as the commit's order is a hash map's), to compare builds: a faster build
    // must produce the same bytes.
    let mut outputs = DefaultHasher::new();
    let mut phases = Phases::default();
    let mut parent = executed.block.hash();
    for (number, txs) in signed.into_iter().enumerate() {
        let started = Instant::now();
        let verified: Vec<VerifiedTx> = txs
            .into_iter()
            .map(|tx| VerifiedTx::verify(tx).expect("valid signature"))
            .collect();
        phases.verify += started.elapsed();

        let started = Instant::now();
        let mut block = BlockBuilder::new(&store, chain).with_header(parent, number as u64);
        for tx in &verified {
            block.apply_tx(tx).expect("valid transfer");
        }
        phases.apply += started.elapsed();

        let started = Instant::now();
        let executed = block.finish().expect("the block finishes");
        phases.finish += started.elapsed();
        parent = executed.block.hash();
        let mut commit = executed.commit.clone();
        commit.accounts.sort_by_key(|(index, _)| *index);
        format!("{commit:?}{:?}{:?}", executed.receipts, executed.witness).hash(&mut outputs);

        let started = Instant::now();
        store.commit(&executed.commit).expect("commit");
        phases.commit += started.elapsed();
    }

    println!("outputs digest {:016x}", outputs.finish());
    let total = (blocks * per_block) as f64;
    let per_tx = |phase: Duration| phase.as_secs_f64() * 1e6 / total;
    println!("{blocks} blocks of {per_block} transfers from {senders} senders to one recipient");
    for (name, phase) in [
        ("verify", phases.verify),
        ("apply", phases.apply),
        ("finish", phases.finish),
        ("commit", phases.commit),
    ] {
        println!("BENCH blocks_{name}_us_per_tx {:.2} us", per_tx(phase));
    }
    let produce = phases.apply + phases.finish + phases.commit;
    println!("BENCH blocks_produce_us_per_tx {:.2} us", per_tx(produce));
    println!(
        "BENCH blocks_produce_tps {:.0} tx/s",
        total / produce.as_secs_f64()
    );
}
