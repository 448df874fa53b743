//! Example of a process that commits blocks to a [`Store`] as fast as it can, forever; the
//! crash test kills it with SIGKILL at random moments and checks what survives.
//!
//! Usage: `crash_writer <db dir>`. Block `n` sets account `n % 16` to a balance of `n` and a
//! nonce of `n`, so the state after any block is known; after each commit it prints
//! `committed <n>` on stdout.

use std::{collections::BTreeMap, io::Write};

use hyperforge_primitives::{Address, Amount};
use hyperforge_state::{Account, BlockCommit, Head, Store, TreeId, smt::NodeSource};

/// Accounts the writer cycles through.
const ACCOUNTS: u64 = 16;

/// The account block `number` writes.
fn account_for(number: u64) -> (u32, Account) {
    let index = (number % ACCOUNTS) as u32;
    let mut account = Account::new(Address::with_last_byte(index as u8 + 1));
    account.balance = Amount::from_gwei(number);
    account.nonce = number as u32;
    (index, account)
}

/// Nodes written so far in this block, over the committed ones.
struct Overlay<'a> {
    store: &'a Store,
    written: BTreeMap<(u8, u64), hyperforge_state::Digest>,
}

impl NodeSource for Overlay<'_> {
    fn node(
        &self,
        key: (u8, u64),
    ) -> Result<Option<hyperforge_state::Digest>, hyperforge_state::StateError> {
        match self.written.get(&key) {
            Some(digest) => Ok(Some(*digest)),
            None => self.store.nodes(TreeId::Accounts).node(key),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: crash_writer <db dir>")?;
    let store = Store::open(&dir)?;
    let mut stdout = std::io::stdout();
    loop {
        let head = store.head();
        let number = head.block_number.map_or(0, |n| n + 1);
        let (index, account) = account_for(number);
        let tree = store.account_tree().clone();
        let overlay = Overlay {
            store: &store,
            written: BTreeMap::new(),
        };
        let written = tree.update(&overlay, &[(u64::from(index), account.leaf())])?;
        let mut state = head.state;
        state.account_root = written[&(tree.depth(), 0)];
        state.next_account_index = state.next_account_index.max(index + 1);
        let head = Head {
            block_number: Some(number),
            state,
            ..head
        };
        let commit = BlockCommit {
            block: number.to_le_bytes().repeat(64),
            accounts: vec![(index, account)],
            new_addresses: if number < ACCOUNTS {
                vec![(account.address, index)]
            } else {
                Vec::new()
            },
            nodes: written
                .into_iter()
                .map(|(key, digest)| (TreeId::Accounts, key, digest))
                .collect(),
            ..BlockCommit::new(number, head)
        };
        store.commit(&commit)?;
        writeln!(stdout, "committed {number}")?;
        stdout.flush()?;
    }
}
