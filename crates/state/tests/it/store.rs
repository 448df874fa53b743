//! The store's records, ordering rules and persistence across reopening.

use hyperforge_primitives::{Address, Amount};
use hyperforge_state::{Account, BlockCommit, Head, StateError, Store, TreeId};

fn commit_with_account(store: &Store, number: u64, account: Account) -> BlockCommit {
    let tree = store.account_tree();
    let written = tree
        .update(&store.nodes(TreeId::Accounts), &[(0, account.leaf())])
        .unwrap();
    let account_root = written[&(tree.depth(), 0)];
    let mut state = store.head().state;
    state.account_root = account_root;
    state.next_account_index = 1;
    state.imported_count = 1;
    BlockCommit {
        number,
        block: vec![number as u8],
        receipts: vec![([number as u8; 32], b"receipt".to_vec())],
        accounts: vec![(0, account)],
        new_addresses: vec![(account.address, 0)],
        nodes: written
            .into_iter()
            .map(|(key, digest)| (TreeId::Accounts, key, digest))
            .collect(),
        nullifiers: vec![(42, account.leaf())],
        outbox: vec![b"first".to_vec(), b"second".to_vec()],
        imports: vec![(0, account.leaf())],
        batch: Some((0, b"batch".to_vec())),
        witness: format!("witness {number}").into_bytes(),
        pending_done: vec![7],
        head: Head {
            block_number: Some(number),
            state,
            ..store.head()
        },
    }
}

#[test]
fn committed_records_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut account = Account::new(Address::with_last_byte(9));
    account.balance = Amount::from_gwei(5);
    {
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.head().block_number, None);
        store.put_pending(7, b"tx-7").unwrap();
        store.put_pending(8, b"tx-8").unwrap();
        let commit = commit_with_account(&store, 0, account);
        store.commit(&commit).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.head().block_number, Some(0));
    assert_eq!(store.account(0).unwrap(), Some(account));
    assert_eq!(store.account_index(&account.address).unwrap(), Some(0));
    assert_eq!(
        store.account_index(&Address::with_last_byte(1)).unwrap(),
        None
    );
    assert_eq!(store.block(0).unwrap(), Some(vec![0]));
    assert_eq!(store.receipt(&[0; 32]).unwrap(), Some(b"receipt".to_vec()));
    assert_eq!(
        store.outbox(0).unwrap(),
        vec![b"first".to_vec(), b"second".to_vec()]
    );
    assert_eq!(store.outbox(1).unwrap(), Vec::<Vec<u8>>::new());
    assert_eq!(store.nullifier(42).unwrap(), Some(account.leaf()));
    assert_eq!(store.batch(0).unwrap(), Some(b"batch".to_vec()));
    assert_eq!(store.imported_root(0).unwrap(), Some(account.leaf()));
    assert_eq!(store.imported_root(1).unwrap(), None);
    assert_eq!(
        store.pending().unwrap(),
        vec![(8, b"tx-8".to_vec())],
        "included transactions leave the pending set"
    );
    assert!(
        store
            .account_proof(0)
            .unwrap()
            .verify(store.head().state.account_root, account.leaf())
    );
    assert!(
        store
            .account_proof(1)
            .unwrap()
            .verify_empty(store.head().state.account_root)
    );
}

#[test]
fn a_block_that_does_not_follow_the_head_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = Account::new(Address::with_last_byte(9));
    let skipped = commit_with_account(&store, 1, account);
    let error = store.commit(&skipped).unwrap_err();
    assert!(
        matches!(error, StateError::OutOfOrder { head: None, got: 1 }),
        "{error}"
    );
    assert_eq!(store.account(0).unwrap(), None);
    assert_eq!(store.head(), Head::empty());
}

#[test]
fn witnesses_are_kept_with_their_block_until_the_batch_proof_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    let account = Account::new(Address::with_last_byte(9));
    {
        let store = Store::open(dir.path()).unwrap();
        let commit = commit_with_account(&store, 0, account);
        store.commit(&commit).unwrap();
        assert!(matches!(
            store.update_batch(3, b"record"),
            Err(StateError::UnknownBatch(3))
        ));
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.witness(0).unwrap(), Some(b"witness 0".to_vec()));
    assert_eq!(store.witness(1).unwrap(), None);
    assert_eq!(store.batch_proof(0).unwrap(), None);

    store
        .put_batch_proof(0, &[7; 32], b"proof", b"proven batch", 0..=0)
        .unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.batch_proof(0).unwrap(),
        Some(([7; 32], b"proof".to_vec()))
    );
    assert_eq!(store.batch(0).unwrap(), Some(b"proven batch".to_vec()));
    assert_eq!(
        store.witness(0).unwrap(),
        None,
        "a proven block's witness goes"
    );
    store.update_batch(0, b"settled batch").unwrap();
    assert_eq!(store.batch(0).unwrap(), Some(b"settled batch".to_vec()));
}
