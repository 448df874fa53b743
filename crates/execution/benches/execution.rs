//! Benchmarks of the state transition function: native signature verifications per second,
//! and signed transfers per second verified (in parallel), executed and committed to RocksDB
//! in blocks of 1,000.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hyperforge_execution::{
    BlockBuilder, VerifiedTx,
    test_utils::{genesis, transfer},
};
use hyperforge_primitives::{ChainId, dev::ACCOUNTS, tx::SignedTx};
use hyperforge_state::Store;

const BLOCK: usize = 1_000;

fn chain() -> ChainId {
    ChainId::new(270).expect("valid chain id")
}

/// 1,000 transfers from 10 senders, nonces starting at `round * 100`.
fn transfers(round: u32) -> Vec<SignedTx> {
    (0..BLOCK)
        .map(|i| {
            let from = i % 10;
            let nonce = round * 100 + (i / 10) as u32;
            transfer(from, nonce, ACCOUNTS[(from + 1) % 10].address, 1, chain())
        })
        .collect()
}

fn execution(c: &mut Criterion) {
    let mut group = c.benchmark_group("execution");
    group.sample_size(10);

    let tx = transfer(0, 0, ACCOUNTS[1].address, 1, chain());
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_one_signature", |b| {
        b.iter(|| VerifiedTx::verify(tx.clone()).expect("valid"))
    });

    group.throughput(Throughput::Elements(BLOCK as u64));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("open");
    genesis(&mut store, chain(), 10, u64::MAX / 100);
    let mut round = 0;
    group.bench_function("verify_execute_commit_block_of_1000_transfers", |b| {
        b.iter_batched(
            || {
                let txs = transfers(round);
                round += 1;
                txs
            },
            |txs| {
                let verified = VerifiedTx::verify_all(txs);
                let mut block = BlockBuilder::new(&store, chain());
                for tx in &verified {
                    block
                        .apply_tx(tx.as_ref().expect("valid signature"))
                        .expect("valid transfer");
                }
                let executed = block.finish().expect("the block finishes");
                store.commit(&executed.commit).expect("commit");
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, execution);
criterion_main!(benches);
