//! The state transition function: every rejection, message execution, and a property test
//! against a plain in-memory model.

use std::collections::{BTreeMap, HashMap};

use hyperforge_primitives::{
    Address, Amount, ChainId,
    bridge::{OUTBOX_DEPTH, OutboxTree, StateCommitment},
    dev::ACCOUNTS,
    merkle::{NULLIFIER_TREE_DEPTH, TreeId, empty_root},
    tx::{Message, OutboxEntry, PriorityOp, SignedTx, TxKind, imported_root_leaf},
};
use hyperforge_state::{Account, Digest, SparseMerkleTree, Store};
use proptest::prelude::*;

use crate::{
    BlockBuilder, ExecError, VerifiedTx,
    test_utils::{dev_key, genesis, sign, transfer},
};

fn chain() -> ChainId {
    ChainId::new(270).unwrap()
}

fn other_chain() -> ChainId {
    ChainId::new(271).unwrap()
}

fn store_with_genesis(accounts: usize, gwei: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    genesis(&mut store, chain(), accounts, gwei);
    (dir, store)
}

fn apply(block: &mut BlockBuilder<'_>, tx: SignedTx) -> Result<(), ExecError> {
    let verified = VerifiedTx::verify(tx)?;
    block.apply_tx(&verified).map(drop)
}

/// Applies `tx` expecting a rejection, and checks that nothing changed.
fn rejected(block: &mut BlockBuilder<'_>, tx: SignedTx) -> ExecError {
    let root = block.state_root().unwrap();
    let before: Vec<Option<Account>> = (0..4).map(|i| block.account(i).unwrap()).collect();
    let error = apply(block, tx).expect_err("the transaction must be rejected");
    assert_eq!(
        block.state_root().unwrap(),
        root,
        "a rejection changed the root: {error}"
    );
    let after: Vec<Option<Account>> = (0..4).map(|i| block.account(i).unwrap()).collect();
    assert_eq!(before, after, "a rejection changed an account: {error}");
    error
}

#[test]
fn transfer_moves_funds_bumps_the_nonce_and_opens_the_recipient() {
    let (_dir, store) = store_with_genesis(2, 1_000);
    let stranger = Address::with_last_byte(0x77);
    let mut block = BlockBuilder::new(&store, chain());
    apply(&mut block, transfer(0, 0, stranger, 300, chain())).unwrap();
    apply(
        &mut block,
        transfer(0, 1, ACCOUNTS[1].address, 200, chain()),
    )
    .unwrap();
    let executed = block.finish().unwrap();
    assert_eq!(executed.receipts.len(), 2);
    assert_eq!(executed.witness.slots.len(), 2);
    assert_eq!(
        executed.witness.slots[0].changes.len(),
        2,
        "sender and recipient leaves"
    );
    store.commit(&executed.commit).unwrap();

    let sender = store.account(0).unwrap().unwrap();
    assert_eq!((sender.balance, sender.nonce), (Amount::from_gwei(500), 2));
    assert_eq!(
        store.account(1).unwrap().unwrap().balance,
        Amount::from_gwei(1_200)
    );
    let index = store.account_index(&stranger).unwrap().unwrap();
    assert_eq!(index, 2);
    assert_eq!(
        store.account(index).unwrap().unwrap().balance,
        Amount::from_gwei(300)
    );
    let leaf = store.account(index).unwrap().unwrap().leaf();
    assert!(
        store
            .account_proof(index)
            .unwrap()
            .verify(store.head().state.account_root, leaf)
    );
}

#[test]
fn the_expanded_witness_chains_every_slot_from_root_to_root() {
    let (_dir, store) = store_with_genesis(3, 1_000);
    let root_before = store.head().state.account_root;
    let stranger = Address::with_last_byte(0x77);
    let mut block = BlockBuilder::new(&store, chain());
    // The same leaves change several times, and a new account opens mid-block.
    apply(&mut block, transfer(0, 0, ACCOUNTS[1].address, 1, chain())).unwrap();
    apply(&mut block, transfer(1, 0, ACCOUNTS[0].address, 2, chain())).unwrap();
    apply(&mut block, transfer(0, 1, stranger, 3, chain())).unwrap();
    apply(&mut block, transfer(2, 0, stranger, 4, chain())).unwrap();
    apply(&mut block, transfer(0, 2, ACCOUNTS[2].address, 5, chain())).unwrap();
    let executed = block.finish().unwrap();
    let witness = &executed.witness;
    assert_eq!(witness.paths.len(), 4, "each touched leaf's path once");
    round_trip(witness);

    let slots = witness.expand().unwrap();
    assert_eq!(slots.len(), 5);
    let mut root = root_before;
    for slot in &slots {
        assert_eq!(slot.roots_before[0], root);
        for update in &slot.updates {
            let proof = hyperforge_state::MerkleProof {
                index: update.change.index,
                siblings: update.siblings.clone(),
            };
            assert!(
                proof.verify(root, update.change.old_leaf),
                "old leaf under the running root"
            );
            root = proof.root_for(update.change.new_leaf);
        }
        assert_eq!(root, slot.roots_after[0]);
    }
    assert_eq!(
        root, executed.commit.head.state.account_root,
        "the batched root agrees"
    );
    assert_eq!(
        executed.block.header.state_root,
        executed.commit.head.state_root(),
        "the header holds the root over every tree"
    );

    let mut tampered = witness.clone();
    tampered.paths[1].siblings[7] = tampered.paths[1].siblings[8];
    assert!(matches!(
        tampered.expand(),
        Err(crate::witness::WitnessError::BadPath { .. })
    ));
    let mut tampered = witness.clone();
    tampered.slots[2].changes[0].old_leaf = Digest::ZERO;
    assert!(matches!(
        tampered.expand(),
        Err(crate::witness::WitnessError::WrongOldLeaf { .. })
    ));
}

#[test]
fn each_rejection_is_named_and_changes_nothing() {
    let (_dir, store) = store_with_genesis(2, 1_000);
    let mut block = BlockBuilder::new(&store, chain());
    let to = ACCOUNTS[1].address;

    let mut tampered_signature = transfer(0, 0, to, 1, chain());
    tampered_signature.signature[45] ^= 1;
    assert!(matches!(
        rejected(&mut block, tampered_signature),
        ExecError::BadSignature(_)
    ));

    let mut tampered_amount = transfer(0, 0, to, 1, chain());
    tampered_amount.body.kind = TxKind::Transfer {
        to,
        amount: Amount::from_gwei(999),
    };
    assert!(matches!(
        rejected(&mut block, tampered_amount),
        ExecError::BadSignature(_)
    ));

    let mut wrong_key = transfer(0, 0, to, 1, chain());
    wrong_key.pubkey[0] ^= 1;
    assert!(matches!(
        rejected(&mut block, wrong_key),
        ExecError::BadSignature(_)
    ));

    assert!(matches!(
        rejected(&mut block, transfer(0, 0, to, 1, other_chain())),
        ExecError::WrongChainId { got, .. } if got == other_chain()
    ));
    assert!(matches!(
        rejected(&mut block, transfer(0, 1, to, 1, chain())),
        ExecError::NonceTooHigh {
            expected: 0,
            got: 1
        }
    ));
    assert!(matches!(
        rejected(&mut block, transfer(0, 0, to, 1_001, chain())),
        ExecError::InsufficientBalance { .. }
    ));

    // Account 1's key signing for account 0: verifies, but is not account 0's key.
    let impostor = sign(
        &dev_key(1),
        chain(),
        ACCOUNTS[0].address,
        0,
        TxKind::Transfer {
            to,
            amount: Amount::from_gwei(1),
        },
    );
    assert!(matches!(
        rejected(&mut block, impostor),
        ExecError::UnregisteredKey(_)
    ));

    // A dev account that is not in the state.
    assert!(matches!(
        rejected(&mut block, transfer(5, 0, to, 1, chain())),
        ExecError::UnknownAccount(_)
    ));

    apply(&mut block, transfer(0, 0, to, 1, chain())).unwrap();
    assert!(matches!(
        rejected(&mut block, transfer(0, 0, to, 1, chain())),
        ExecError::NonceTooLow {
            expected: 1,
            got: 0
        }
    ));
}

#[test]
fn an_account_without_a_key_cannot_send() {
    let (_dir, store) = store_with_genesis(1, 1_000);
    let mut block = BlockBuilder::new(&store, chain());
    let keyless = ACCOUNTS[3].address;
    block
        .apply_priority(&PriorityOp::Deposit {
            l1_sender: keyless,
            recipient: keyless,
            amount: Amount::from_gwei(50),
        })
        .unwrap();
    assert!(matches!(
        rejected(&mut block, transfer(3, 0, ACCOUNTS[0].address, 1, chain())),
        ExecError::UnregisteredKey(_)
    ));
}

#[test]
fn credits_past_the_largest_balance_are_refused() {
    let (_dir, store) = store_with_genesis(2, u64::MAX - 5);
    let mut block = BlockBuilder::new(&store, chain());
    let error = rejected(&mut block, transfer(0, 0, ACCOUNTS[1].address, 6, chain()));
    assert!(matches!(error, ExecError::Overflow { .. }), "{error}");
    let deposit = PriorityOp::Deposit {
        l1_sender: ACCOUNTS[0].address,
        recipient: ACCOUNTS[0].address,
        amount: Amount::from_gwei(6),
    };
    // An L1 deposit is consumed all the same: a failed receipt, no credit, and a refund of its
    // amount to the L1 sender in the outbox.
    let root = block.state_root().unwrap();
    let receipt = block.apply_priority(&deposit).unwrap().clone();
    assert_eq!(receipt.failure, Some(crate::PriorityFailure::Overflow));
    assert_eq!(block.state_root().unwrap(), root, "no account changed");
    assert_eq!(block.priority_applied(), 1, "consumed");
    assert!(
        matches!(
            block.apply_genesis(&deposit),
            Err(ExecError::Overflow { .. })
        ),
        "a genesis that cannot apply is an error"
    );
    let executed = block.finish().unwrap();
    assert_eq!(
        executed.outbox,
        vec![OutboxEntry::Withdrawal {
            sender: ACCOUNTS[0].address,
            l1_recipient: ACCOUNTS[0].address,
            amount: Amount::from_gwei(6),
        }]
    );
    assert_eq!(receipt.outbox_index, Some(0));
}

#[test]
fn an_overflowing_deposit_reads_its_recipient_for_the_witness() {
    let (_dir, store) = store_with_genesis(2, u64::MAX - 5);
    let deposit = PriorityOp::Deposit {
        l1_sender: ACCOUNTS[1].address,
        recipient: ACCOUNTS[0].address,
        amount: Amount::from_gwei(6),
    };
    let mut block = BlockBuilder::new(&store, chain());
    let receipt = block.apply_priority(&deposit).unwrap().clone();
    assert_eq!(receipt.failure, Some(crate::PriorityFailure::Overflow));
    let root = block.state_root().unwrap();
    let executed = block.finish().unwrap();
    // The read changes no output: no account, no node written, the same roots.
    assert!(executed.commit.accounts.is_empty(), "no account written");
    assert!(executed.commit.nodes.is_empty(), "no node written");
    assert!(executed.commit.new_addresses.is_empty());
    assert_eq!(executed.block.header.state_root, root);
    round_trip(&executed.witness);
    let before = executed.witness.state_before;
    assert_eq!(executed.commit.head.state, before, "state unchanged");
    // The witness: one unchanged leaf of the recipient, with a path under the root before.
    let slot = &executed.witness.slots[0];
    assert_eq!(slot.changes.len(), 1);
    let change = &slot.changes[0];
    assert_eq!(change.tree, TreeId::Accounts);
    assert_eq!(change.old_leaf, change.new_leaf, "a read");
    let account = change.old_account.expect("the recipient exists");
    assert_eq!(account.address, ACCOUNTS[0].address);
    assert_eq!(account.balance.gwei(), u64::MAX - 5);
    assert_eq!(change.old_leaf, account.leaf());
    let expanded = executed.witness.expand().unwrap();
    assert_eq!(expanded[0].roots_before, expanded[0].roots_after);
    assert_eq!(expanded[0].updates[0].siblings.len(), 32);

    // A second overflow on the same leaf in the same block records its path once.
    let mut block = BlockBuilder::new(&store, chain());
    block.apply_priority(&deposit).unwrap();
    block.apply_priority(&deposit).unwrap();
    let executed = block.finish().unwrap();
    assert_eq!(executed.witness.paths.len(), 1);
    assert_eq!(executed.witness.expand().unwrap().len(), 2);
    assert_eq!(executed.outbox.len(), 2, "two refunds");
}

#[test]
fn withdrawals_and_messages_fill_the_outbox() {
    let (_dir, store) = store_with_genesis(1, 1_000);
    let mut block = BlockBuilder::new(&store, chain());
    let from = ACCOUNTS[0].address;
    let key = dev_key(0);
    let withdraw = sign(
        &key,
        chain(),
        from,
        0,
        TxKind::Withdraw {
            l1_recipient: from,
            amount: Amount::from_gwei(100),
        },
    );
    let message = sign(
        &key,
        chain(),
        from,
        1,
        TxKind::SendMessage {
            dst_chain: other_chain(),
            recipient: from,
            value: Amount::from_gwei(50),
            payload: b"hi".to_vec(),
        },
    );
    let to_self = sign(
        &key,
        chain(),
        from,
        2,
        TxKind::SendMessage {
            dst_chain: chain(),
            recipient: from,
            value: Amount::from_gwei(1),
            payload: Vec::new(),
        },
    );
    apply(&mut block, withdraw).unwrap();
    apply(&mut block, message).unwrap();
    assert!(matches!(
        rejected(&mut block, to_self),
        ExecError::MessageToSelf
    ));
    assert_eq!(
        block.account(0).unwrap().unwrap().balance,
        Amount::from_gwei(850)
    );
    let executed = block.finish().unwrap();
    assert_eq!(executed.outbox.len(), 2);
    assert!(
        matches!(executed.outbox[0], OutboxEntry::Withdrawal { amount, .. } if amount == Amount::from_gwei(100))
    );
    assert_eq!(executed.receipts[1].outbox_index, Some(1));
}

/// A message from chain 271 to ours, in an outbox of two messages (the second carries 1 gwei).
fn incoming(recipient: Address, gwei: u64) -> (Message, OutboxTree) {
    let message = Message {
        src_chain: other_chain(),
        sender: ACCOUNTS[2].address,
        nonce: 0,
        dst_chain: chain(),
        recipient,
        value: Amount::from_gwei(gwei),
        payload: b"cross".to_vec(),
    };
    let next = Message {
        nonce: 1,
        value: Amount::from_gwei(1),
        ..message.clone()
    };
    let outbox = OutboxTree::new(vec![message.hash(), next.hash()]).unwrap();
    (message, outbox)
}

/// Dev account 0 relays `message` from import `import_index`, leaf `leaf_index`.
fn relay(
    nonce: u32,
    message: Message,
    import_index: u32,
    leaf_index: u16,
    siblings: [Digest; OUTBOX_DEPTH],
) -> SignedTx {
    sign(
        &dev_key(0),
        chain(),
        ACCOUNTS[0].address,
        nonce,
        TxKind::ExecuteMessage {
            message,
            import_index,
            leaf_index,
            siblings: Box::new(siblings),
        },
    )
}

fn siblings(outbox: &OutboxTree, leaf: usize) -> [Digest; OUTBOX_DEPTH] {
    outbox.proof(leaf).unwrap().siblings.try_into().unwrap()
}

#[test]
fn messages_execute_once_under_an_imported_root() {
    let (_dir, store) = store_with_genesis(1, 1_000);
    let recipient = Address::with_last_byte(0x42);
    let (message, outbox) = incoming(recipient, 70);
    let path = siblings(&outbox, 0);

    let mut block = BlockBuilder::new(&store, chain());
    assert!(matches!(
        rejected(&mut block, relay(0, message.clone(), 0, 0, path)),
        ExecError::UnknownMessageRoot(0)
    ));
    assert_eq!(block.apply_import(outbox.root()).unwrap(), 0);
    let mut wrong = path;
    wrong[3] = outbox.root();
    assert!(matches!(
        rejected(&mut block, relay(0, message.clone(), 0, 0, wrong)),
        ExecError::MessageNotInRoot
    ));
    assert!(
        matches!(
            rejected(&mut block, relay(0, message.clone(), 0, 1, path)),
            ExecError::MessageNotInRoot
        ),
        "the leaf index is part of the path"
    );
    assert!(matches!(
        rejected(&mut block, relay(0, message.clone(), 1, 0, path)),
        ExecError::UnknownMessageRoot(1)
    ));
    let elsewhere = Message {
        dst_chain: ChainId::new(999).unwrap(),
        ..message.clone()
    };
    assert!(matches!(
        rejected(&mut block, relay(0, elsewhere, 0, 0, path)),
        ExecError::WrongDestination { .. }
    ));
    apply(&mut block, relay(0, message.clone(), 0, 0, path)).unwrap();
    assert!(matches!(
        rejected(&mut block, relay(1, message.clone(), 0, 0, path)),
        ExecError::MessageAlreadyExecuted
    ));
    let executed = block.finish().unwrap();
    assert_eq!(executed.block.header.import_count, 1);
    assert_eq!(executed.block.header.value_in, Amount::from_gwei(70));
    assert_eq!(executed.block.header.value_out, Amount::ZERO);
    store.commit(&executed.commit).unwrap();

    let index = store.account_index(&recipient).unwrap().unwrap();
    assert_eq!(
        store.account(index).unwrap().unwrap().balance,
        Amount::from_gwei(70)
    );
    let state = store.head().state;
    assert_eq!(state.imported_count, 1);
    assert_eq!(store.imported_root(0).unwrap(), Some(outbox.root()));
    assert_ne!(state.nullifier_root, store.nullifier_tree().empty_root());
    // Across blocks too: the nullifier is committed, and so is the imported root.
    let mut next = BlockBuilder::new(&store, chain());
    assert!(matches!(
        rejected(&mut next, relay(1, message, 0, 0, path)),
        ExecError::MessageAlreadyExecuted
    ));
    let (second, _) = incoming(recipient, 70);
    let second = Message {
        nonce: 1,
        value: Amount::from_gwei(1),
        ..second
    };
    apply(&mut next, relay(1, second, 0, 1, siblings(&outbox, 1))).unwrap();
}

#[test]
fn two_identical_messages_are_two_leaves_and_both_execute() {
    // Chain 271 sends the same message twice; only the nonces differ.
    let dir = tempfile::tempdir().unwrap();
    let mut source = Store::open(dir.path()).unwrap();
    genesis(&mut source, other_chain(), 1, 1_000);
    let recipient = Address::with_last_byte(0x55);
    let send = |nonce| {
        sign(
            &dev_key(0),
            other_chain(),
            ACCOUNTS[0].address,
            nonce,
            TxKind::SendMessage {
                dst_chain: chain(),
                recipient,
                value: Amount::from_gwei(40),
                payload: b"same".to_vec(),
            },
        )
    };
    let mut block = BlockBuilder::new(&source, other_chain());
    apply(&mut block, send(0)).unwrap();
    apply(&mut block, send(1)).unwrap();
    let sent = block.finish().unwrap();
    assert_eq!(sent.block.header.value_out, Amount::from_gwei(80));
    let outbox = OutboxTree::from_entries(&sent.outbox).unwrap();
    assert_ne!(sent.outbox[0].hash(), sent.outbox[1].hash());
    source.commit(&sent.commit).unwrap();

    let (_dir, store) = store_with_genesis(1, 1_000);
    let mut block = BlockBuilder::new(&store, chain());
    block.apply_import(outbox.root()).unwrap();
    for (leaf, entry) in sent.outbox.iter().enumerate() {
        let OutboxEntry::Message(message) = entry else {
            panic!("a message leaf");
        };
        apply(
            &mut block,
            relay(
                leaf as u32,
                message.clone(),
                0,
                leaf as u16,
                siblings(&outbox, leaf),
            ),
        )
        .unwrap();
    }
    let executed = block.finish().unwrap();
    assert_eq!(executed.block.header.value_in, Amount::from_gwei(80));
    store.commit(&executed.commit).unwrap();
    let index = store.account_index(&recipient).unwrap().unwrap();
    assert_eq!(
        store.account(index).unwrap().unwrap().balance,
        Amount::from_gwei(80)
    );
}

#[test]
fn the_witness_of_an_executed_message_proves_its_import_and_its_nullifier() {
    let (_dir, store) = store_with_genesis(1, 1_000);
    let recipient = Address::with_last_byte(0x42);
    let (message, outbox) = incoming(recipient, 70);
    let mut block = BlockBuilder::new(&store, chain());
    block.apply_import(outbox.root()).unwrap();
    apply(&mut block, relay(0, message, 0, 0, siblings(&outbox, 0))).unwrap();
    let executed = block.finish().unwrap();
    round_trip(&executed.witness);
    let slots = executed.witness.expand().unwrap();
    let before = store.head().state;
    let mut roots = [
        before.account_root,
        before.nullifier_root,
        before.imported_root,
    ];
    for slot in &slots {
        assert_eq!(slot.roots_before, roots);
        for update in &slot.updates {
            let tree = update.change.tree;
            let proof = hyperforge_state::MerkleProof {
                index: update.change.index,
                siblings: update.siblings.clone(),
            };
            assert!(proof.verify_in(tree.depth(), roots[tree.position()], update.change.old_leaf));
            roots[tree.position()] = proof.root_for(update.change.new_leaf);
        }
        assert_eq!(slot.roots_after, roots);
    }
    let trees: Vec<_> = slots[1]
        .updates
        .iter()
        .map(|update| update.change.tree)
        .collect();
    assert_eq!(
        trees,
        [
            TreeId::Accounts,
            TreeId::Accounts,
            TreeId::Imported,
            TreeId::Nullifiers
        ],
        "sender, recipient, the import read, the nullifier"
    );
    let read = &slots[1].updates[2].change;
    assert_eq!(
        read.old_leaf, read.new_leaf,
        "the import is read, not changed"
    );
    assert_eq!(read.new_leaf, imported_root_leaf(&outbox.root()));
    let nullifier = &slots[1].updates[3].change;
    assert_eq!(nullifier.old_leaf, Digest::ZERO, "not executed before");
    let after = executed.commit.head.state;
    assert_eq!(
        roots,
        [
            after.account_root,
            after.nullifier_root,
            after.imported_root
        ]
    );
}

#[test]
fn the_state_root_covers_the_nullifier_and_imported_trees() {
    let (_dir, store) = store_with_genesis(1, 1_000);
    let (message, outbox) = incoming(Address::with_last_byte(0x42), 70);
    let mut block = BlockBuilder::new(&store, chain());
    block.apply_import(outbox.root()).unwrap();
    apply(&mut block, relay(0, message, 0, 0, siblings(&outbox, 0))).unwrap();
    store.commit(&block.finish().unwrap().commit).unwrap();
    let state = store.head().state;
    // A prover that starts the next batch from an empty nullifier tree (to execute the
    // message again) or without the import claims another old state root than the one the
    // bridge holds for this chain: `settle` refuses it (StateRootMismatch).
    let reset = StateCommitment {
        nullifier_root: empty_root(NULLIFIER_TREE_DEPTH),
        ..state
    };
    assert_ne!(reset.root(), store.head().state_root());
    let forgotten = StateCommitment {
        imported_count: 0,
        ..state
    };
    assert_ne!(forgotten.root(), store.head().state_root());
}

/// What a plain model of the rules says about balances, nonces and keys.
#[derive(Default)]
struct Model {
    order: Vec<Address>,
    accounts: HashMap<Address, Account>,
}

impl Model {
    fn get(&mut self, address: Address) -> &mut Account {
        if !self.accounts.contains_key(&address) {
            self.order.push(address);
        }
        self.accounts
            .entry(address)
            .or_insert_with(|| Account::new(address))
    }

    /// Applies a transfer if the rules allow it; says whether they did.
    fn transfer(
        &mut self,
        from: usize,
        nonce: u32,
        to: Address,
        gwei: u64,
        chain_ok: bool,
        sig_ok: bool,
    ) -> bool {
        let sender_address = ACCOUNTS[from].address;
        let Some(sender) = self.accounts.get(&sender_address).copied() else {
            return false;
        };
        let key = dev_key(from).public_key().hash();
        if !chain_ok
            || !sig_ok
            || sender.pubkey_hash != key
            || nonce != sender.nonce
            || sender.balance.gwei() < gwei
        {
            return false;
        }
        if to != sender_address {
            let credited = self
                .accounts
                .get(&to)
                .map_or(0, |account| account.balance.gwei());
            if credited.checked_add(gwei).is_none() {
                return false;
            }
            self.get(to).balance = Amount::from_gwei(credited + gwei);
        }
        let sender = self.get(sender_address);
        sender.balance =
            Amount::from_gwei(sender.balance.gwei() - if to != sender_address { gwei } else { 0 });
        sender.nonce += 1;
        true
    }

    fn root(&self) -> Digest {
        let tree = SparseMerkleTree::new(32);
        let leaves: Vec<(u64, Digest)> = self
            .order
            .iter()
            .enumerate()
            .map(|(index, address)| (index as u64, self.accounts[address].leaf()))
            .collect();
        let mut nodes = BTreeMap::new();
        nodes.extend(tree.update(&nodes, &leaves).unwrap());
        tree.root(&nodes).unwrap()
    }
}

#[derive(Debug, Clone)]
enum Op {
    Transfer {
        from: usize,
        to: usize,
        gwei: u64,
        nonce_skew: i8,
        chain_ok: bool,
        sig_ok: bool,
    },
    Deposit {
        to: usize,
        gwei: u64,
    },
    EndBlock,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..4, 0usize..6, 0u64..400, -1i8..=1, proptest::bool::weighted(0.9), proptest::bool::weighted(0.9))
            .prop_map(|(from, to, gwei, nonce_skew, chain_ok, sig_ok)| Op::Transfer { from, to, gwei, nonce_skew, chain_ok, sig_ok }),
        1 => (0usize..6, 0u64..300).prop_map(|(to, gwei)| Op::Deposit { to, gwei }),
        1 => Just(Op::EndBlock),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn rocksdb_state_agrees_with_a_plain_model(ops in proptest::collection::vec(op(), 1..40)) {
        // Accounts 0..3 are funded with keys; 4 and 5 are addresses that only receive.
        let targets: Vec<Address> = (0..6).map(|i| if i < 4 { ACCOUNTS[i].address } else { Address::with_last_byte(0xa0 + i as u8) }).collect();
        let (_dir, store) = store_with_genesis(3, 500);
        let mut model = Model::default();
        for (index, account) in ACCOUNTS.iter().enumerate().take(3) {
            let entry = model.get(account.address);
            entry.balance = Amount::from_gwei(500);
            entry.pubkey_hash = dev_key(index).public_key().hash();
        }
        prop_assert_eq!(model.root(), store.head().state.account_root, "genesis roots agree");

        let mut block = Some(BlockBuilder::new(&store, chain()));
        for op in ops {
            match op {
                Op::Transfer { from, to, gwei, nonce_skew, chain_ok, sig_ok } => {
                    let current = model.accounts.get(&ACCOUNTS[from].address).map_or(0, |account| account.nonce);
                    let nonce = current.saturating_add_signed(i32::from(nonce_skew));
                    let chain_id = if chain_ok { chain() } else { other_chain() };
                    let mut tx = transfer(from, nonce, targets[to], gwei, chain_id);
                    if !sig_ok {
                        tx.signature[3] ^= 0x10;
                    }
                    let expected = model.transfer(from, nonce, targets[to], gwei, chain_ok, sig_ok);
                    let builder = block.as_mut().unwrap();
                    let root = builder.state_root().unwrap();
                    let outcome = apply(builder, tx);
                    prop_assert_eq!(outcome.is_ok(), expected, "{:?}", outcome);
                    if outcome.is_err() {
                        prop_assert_eq!(builder.state_root().unwrap(), root);
                    }
                }
                Op::Deposit { to, gwei } => {
                    let deposit = PriorityOp::Deposit { l1_sender: targets[to], recipient: targets[to], amount: Amount::from_gwei(gwei) };
                    block.as_mut().unwrap().apply_priority(&deposit).unwrap();
                    let account = model.get(targets[to]);
                    account.balance = Amount::from_gwei(account.balance.gwei() + gwei);
                }
                Op::EndBlock => {
                    let executed = block.take().unwrap().finish().unwrap();
                    store.commit(&executed.commit).unwrap();
                    block = Some(BlockBuilder::new(&store, chain()));
                }
            }
        }
        store.commit(&block.take().unwrap().finish().unwrap().commit).unwrap();
        prop_assert_eq!(store.head().state.account_root, model.root());
        for (address, account) in &model.accounts {
            let index = store.account_index(address).unwrap().unwrap();
            let stored = store.account(index).unwrap();
            prop_assert_eq!(stored.as_ref(), Some(account));
        }
    }
}

#[test]
fn genesis_and_replay_run_in_memory_to_the_same_roots_as_on_rocksdb() {
    use hyperforge_state::{MemoryState, StateProvider};

    use crate::{genesis, replay::replay};

    let ops = crate::test_utils::dev_genesis_ops(3, 1_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let block0 = genesis::genesis_block(&store, chain(), &ops).unwrap();
    store.commit(&block0.commit).unwrap();
    assert_eq!(
        genesis::genesis_root(chain(), &ops).unwrap(),
        store.head().state_root(),
        "the genesis root needs no database"
    );
    let mut block = BlockBuilder::new(&store, chain()).with_header(block0.block.hash(), 1);
    apply(&mut block, transfer(0, 0, ACCOUNTS[1].address, 7, chain())).unwrap();
    apply(
        &mut block,
        transfer(1, 0, Address::with_last_byte(0x77), 3, chain()),
    )
    .unwrap();
    let block1 = block.finish().unwrap();
    store.commit(&block1.commit).unwrap();

    let mut memory = MemoryState::new();
    let root = replay(&mut memory, chain(), &[block0.block, block1.block]).unwrap();
    assert_eq!(root, store.head().state_root());
    assert_eq!(memory.head().state, store.head().state);
    assert_eq!(memory.head().chain_id, 270);
}

/// The witness survives its storage encoding, and the encoding refuses bytes cut short, bytes
/// left over and an unknown version.
fn round_trip(witness: &crate::witness::BlockWitness) {
    use crate::witness::BlockWitness;
    let bytes = witness.encode();
    assert_eq!(&BlockWitness::decode(&bytes, 1_024).unwrap(), witness);
    for cut in [1, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            BlockWitness::decode(&bytes[..cut], 1_024).is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(BlockWitness::decode(&longer, 1_024).is_err());
    let mut other_version = bytes;
    other_version[0] = 9;
    assert!(BlockWitness::decode(&other_version, 1_024).is_err());
}
