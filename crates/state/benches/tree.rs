//! Benchmarks of the account tree: leaf updates per second, in memory and committed to
//! RocksDB, one by one and batched (shared upper levels hashed once).

use std::collections::BTreeMap;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hyperforge_primitives::{Address, Amount};
use hyperforge_state::{Account, BlockCommit, Digest, Head, SparseMerkleTree, Store, TreeId};

const LEAVES: u64 = 1_000;

fn leaves(seed: u64) -> Vec<(u64, Digest)> {
    (0..LEAVES)
        .map(|i| {
            let mut account = Account::new(Address::with_last_byte(i as u8));
            account.balance = Amount::from_gwei(seed + i);
            // Spread indices over the first 2^20 leaves, as a busy chain would.
            ((i * 7_919) % (1 << 20), account.leaf())
        })
        .collect()
}

fn tree_updates(c: &mut Criterion) {
    let tree = SparseMerkleTree::new(32);
    let mut group = c.benchmark_group("account_tree");
    group.throughput(Throughput::Elements(LEAVES));
    group.sample_size(10);
    group.bench_function("update_1000_leaves_one_by_one", |b| {
        b.iter_batched(
            || leaves(1),
            |updates| {
                let mut nodes = BTreeMap::new();
                for update in &updates {
                    let written = tree
                        .update(&nodes, std::slice::from_ref(update))
                        .expect("in memory");
                    nodes.extend(written);
                }
                nodes
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("update_1000_leaves_batched", |b| {
        b.iter_batched(
            || leaves(1),
            |updates| tree.update(&BTreeMap::new(), &updates).expect("in memory"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("update_1000_leaves_batched_and_commit_to_rocksdb", |b| {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        let mut seed = 0;
        b.iter(|| {
            seed += LEAVES;
            let updates = leaves(seed);
            let written = tree
                .update(&store.nodes(TreeId::Accounts), &updates)
                .expect("rocksdb");
            let head = store.head();
            let number = head.block_number.map_or(0, |n| n + 1);
            let mut head = Head {
                block_number: Some(number),
                ..head
            };
            head.state.account_root = written[&(32, 0)];
            let commit = BlockCommit {
                nodes: written
                    .into_iter()
                    .map(|(key, digest)| (TreeId::Accounts, key, digest))
                    .collect(),
                ..BlockCommit::new(number, head)
            };
            store.commit(&commit).expect("commit");
        })
    });
    group.finish();
}

criterion_group!(benches, tree_updates);
criterion_main!(benches);
