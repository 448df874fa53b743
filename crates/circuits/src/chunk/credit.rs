//! A credit to an account, as `execution`'s `check_credit`: the account with this address,
//! or a fresh one (empty leaf, every field zero) at `next_account_index`; the balance plus
//! the amount (no overflow); optionally a new key hash. One depth-32 Merkle update.
//!
//! A priority slot's credit may instead prove that it overflows (`overflow` set): the
//! account's balance plus the amount carries out of the high limb (`>= 2^64`), and the
//! update is a read (new leaf equal to the old one, under the same root).

use hyperforge_crypto::GFp;
use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::ZERO_DIGEST;
use hyperforge_primitives::witness::LeafUpdate;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use super::{ACCOUNT_DEPTH, PartMarks, connect_if, select_hash};
use crate::Builder;
use crate::account::{AccountTarget, AddressTarget, CircuitBuilderAccount};
use crate::amount::{AmountTarget, CircuitBuilderAmount};
use crate::error::CircuitError;
use crate::merkle::{CircuitBuilderMerkle, MerkleUpdateTarget};

/// A credit's targets.
#[derive(Clone, Debug)]
pub(super) struct CreditTarget {
    /// The account before (zero fields if fresh).
    pub(super) account: AccountTarget,
    /// The account has no leaf yet: one is opened at `next_account_index`.
    pub(super) fresh: BoolTarget,
    /// Its update; `old_leaf` is the empty leaf if `fresh`.
    pub(super) path: MerkleUpdateTarget,
}

/// Credits `amount` to `address`; if `key` is `(b, h)` and `b`, the key hash becomes `h`.
/// With `overflow` `Some(f)`: `f` must be the sum's carry out of 64 bits, and if `f` the
/// leaf is unchanged (a proven failure); without, an overflow is refused.
pub(super) fn build_credit(
    builder: &mut Builder,
    address: AddressTarget,
    amount: AmountTarget,
    key: Option<(BoolTarget, HashOutTarget)>,
    overflow: Option<BoolTarget>,
    next_account_index: Target,
    marks: &mut PartMarks,
) -> CreditTarget {
    let account = builder.add_virtual_account();
    for (&limb, &named) in account.address.iter().zip(&address) {
        builder.connect(limb, named);
    }
    let fresh = builder.add_virtual_bool_target_safe();
    let mut fields = account.pubkey_hash.elements.to_vec();
    fields.extend(account.balance.limbs());
    fields.push(account.nonce);
    for field in fields {
        let gated = builder.mul(fresh.target, field);
        builder.assert_zero(gated);
    }
    let pubkey_hash = match key {
        Some((set, hash)) => select_hash(builder, set, hash, account.pubkey_hash),
        None => account.pubkey_hash,
    };
    let balance = match overflow {
        // The flag is the carry out: a wrong one fails the high limb's range check.
        Some(fails) => builder.add_amounts_carry_out(account.balance, amount, fails),
        None => builder.add_amounts(account.balance, amount),
    };
    let after = AccountTarget {
        balance,
        pubkey_hash,
        ..account
    };
    marks.part(
        builder,
        "credit: fresh-account checks, addition (arithmetic)",
    );
    let leaf = builder.account_leaf(&account);
    let old_leaf = HashOutTarget {
        // (1 - fresh) leaf: the empty leaf [0; 4] for a fresh account.
        elements: leaf
            .elements
            .map(|x| builder.arithmetic(-GFp::ONE, GFp::ONE, fresh.target, x, x)),
    };
    let credited = builder.account_leaf(&after);
    let new_leaf = match overflow {
        Some(fails) => select_hash(builder, fails, old_leaf, credited),
        None => credited,
    };
    marks.part(builder, "credited account leaves (old, new)");
    let path = builder.add_merkle_update(old_leaf, new_leaf, ACCOUNT_DEPTH);
    marks.part(builder, "credited account Merkle update (depth 32)");
    let index = builder.index_from_bits(&path.index_bits);
    connect_if(builder, fresh, index, next_account_index);
    CreditTarget {
        account,
        fresh,
        path,
    }
}

impl CreditTarget {
    /// Sets the account before, from an update of the account tree. A change from the empty
    /// leaf opens an account (the circuit checks its fields are zero and where it is).
    pub(super) fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        update: &LeafUpdate,
        address: hyperforge_primitives::Address,
    ) -> Result<(), CircuitError> {
        let change = &update.change;
        self.set_parts(
            witness,
            &change.old_account.unwrap_or_else(|| Account::new(address)),
            change.old_leaf == ZERO_DIGEST,
            change.index,
            &update.siblings,
        )
    }

    /// Sets every part explicitly.
    pub(super) fn set_parts(
        &self,
        witness: &mut PartialWitness<GFp>,
        account: &Account,
        fresh: bool,
        index: u64,
        siblings: &[hyperforge_primitives::tx::Digest],
    ) -> Result<(), CircuitError> {
        self.account.set(witness, account)?;
        witness
            .set_bool_target(self.fresh, fresh)
            .map_err(|e| CircuitError::Witness(e.to_string()))?;
        self.path.set_path(witness, index, siblings)
    }
}
