//! Helpers for tests and benchmarks: L2 keys for the anvil dev accounts, signing, and a
//! genesis that funds accounts and registers their keys.

use hyperforge_crypto::{SecretKey, derive::secret_key_from_ethereum_key};
use hyperforge_primitives::{
    Address, Amount, ChainId,
    dev::ACCOUNTS,
    tx::{PriorityOp, SignedTx, TxBody, TxKind},
};
use hyperforge_state::Store;

/// The L2 key of anvil dev account `index`, derived from its Ethereum key.
pub fn dev_key(index: usize) -> SecretKey {
    secret_key_from_ethereum_key(&ACCOUNTS[index].private_key.0).expect("dev keys derive")
}

/// Signs `kind` from `from` with `key`.
pub fn sign(
    key: &SecretKey,
    chain_id: ChainId,
    from: Address,
    nonce: u32,
    kind: TxKind,
) -> SignedTx {
    let body = TxBody {
        chain_id,
        from,
        nonce,
        kind,
    };
    let signature = key.sign(&body.hash().elements);
    SignedTx {
        body,
        pubkey: key.public_key().to_bytes(),
        signature: signature.to_bytes(),
    }
}

/// A transfer from dev account `from` to `to`.
pub fn transfer(from: usize, nonce: u32, to: Address, gwei: u64, chain_id: ChainId) -> SignedTx {
    let kind = TxKind::Transfer {
        to,
        amount: Amount::from_gwei(gwei),
    };
    sign(
        &dev_key(from),
        chain_id,
        ACCOUNTS[from].address,
        nonce,
        kind,
    )
}

/// Genesis operations funding the first `count` dev accounts with `gwei` each and
/// registering their L2 keys.
pub fn dev_genesis_ops(count: usize, gwei: u64) -> Vec<PriorityOp> {
    ACCOUNTS
        .iter()
        .enumerate()
        .take(count)
        .flat_map(|(index, account)| {
            [
                PriorityOp::Deposit {
                    l1_sender: account.address,
                    recipient: account.address,
                    amount: Amount::from_gwei(gwei),
                },
                PriorityOp::RegisterKey {
                    account: account.address,
                    pubkey_hash: dev_key(index).public_key().hash(),
                },
            ]
        })
        .collect()
}

/// Commits block 0: each of the first `count` dev accounts gets `gwei` and its L2 key.
pub fn genesis(store: &mut Store, chain_id: ChainId, count: usize, gwei: u64) {
    let executed = crate::genesis::genesis_block(&*store, chain_id, &dev_genesis_ops(count, gwei))
        .expect("genesis applies");
    store.commit(&executed.commit).expect("genesis commits");
}
