//! A writer process killed with SIGKILL mid-stream leaves the last committed block intact.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Command, Stdio},
    time::Duration,
};

use hyperforge_primitives::{Address, Amount};
use hyperforge_state::{Account, SparseMerkleTree, Store};

/// `examples/crash_writer`, which `cargo test` builds next to the test binaries.
fn writer() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join("crash_writer");
    assert!(
        path.exists(),
        "{} is missing: cargo test builds examples",
        path.display()
    );
    path
}

/// What the writer's block `number` leaves in account `index` (see the example's docs).
fn expected_account(head: u64, index: u64) -> Option<Account> {
    let last = (0..=head).rev().find(|n| n % 16 == index)?;
    let mut account = Account::new(Address::with_last_byte(index as u8 + 1));
    account.balance = Amount::from_gwei(last);
    account.nonce = last as u32;
    Some(account)
}

#[test]
fn sigkill_during_commits_keeps_the_last_committed_block_intact() {
    let dir = tempfile::tempdir().unwrap();
    let mut last_reported: Option<u64> = None;
    // A cheap deterministic spread of kill moments: after 3..60 reported blocks, plus 0..5 ms.
    for round in 0u64..4 {
        let mut child = Command::new(writer())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..(3 + round * 19 % 57) {
            let line = lines.next().expect("the writer stopped early").unwrap();
            let number: u64 = line.strip_prefix("committed ").unwrap().parse().unwrap();
            last_reported = Some(number);
        }
        std::thread::sleep(Duration::from_micros(round * 1_700 % 5_000));
        child.kill().unwrap();
        child.wait().unwrap();

        let store = Store::open(dir.path()).unwrap();
        let head = store.head();
        let number = head.block_number.expect("blocks were committed");
        assert!(
            Some(number) >= last_reported,
            "block {number} is older than reported {last_reported:?}"
        );
        assert_eq!(
            store.block(number).unwrap(),
            Some(number.to_le_bytes().repeat(64)),
            "the head block is whole"
        );

        let tree = SparseMerkleTree::new(32);
        let mut nodes = BTreeMap::new();
        let mut leaves = Vec::new();
        for index in 0..16 {
            let stored = store.account(index as u32).unwrap();
            assert_eq!(
                stored,
                expected_account(number, index),
                "account {index} after block {number}"
            );
            if let Some(account) = stored {
                leaves.push((index, account.leaf()));
                assert!(
                    store
                        .account_proof(index as u32)
                        .unwrap()
                        .verify(head.state.account_root, account.leaf())
                );
            }
        }
        nodes.extend(tree.update(&nodes, &leaves).unwrap());
        assert_eq!(
            tree.root(&nodes).unwrap(),
            head.state.account_root,
            "the root matches the accounts"
        );
    }
}
