//! Accounts in circuit: the 13 elements of `primitives::account`'s leaf, `hash_no_pad([ACCOUNT_LEAF,
//! address(5), pubkey_hash(4), balance_hi, balance_lo, nonce])` (two Poseidon rows).
//!
//! Range checks happen where a value enters the state: an amount from a transaction body,
//! the address of an account a credit creates ([`CircuitBuilderAccount::add_virtual_address`]),
//! and every limb an addition, subtraction or increment produces. The fields of an account
//! proven to be a leaf of the tree ([`CircuitBuilderAccount::add_virtual_account`]) need no
//! check of their own: every leaf was written by this circuit with checked limbs, or by
//! genesis from native `u64`/`u32` values, and the leaf hash binds them.

use hyperforge_crypto::GFp;
use hyperforge_primitives::account::Account;
use hyperforge_primitives::bridge::address_limbs;
use hyperforge_primitives::domain;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use crate::Builder;
use crate::amount::{AmountTarget, CircuitBuilderAmount};
use crate::error::CircuitError;

/// An address: five 32-bit limbs, most significant first.
pub type AddressTarget = [Target; 5];

/// An account's fields in circuit.
#[derive(Clone, Copy, Debug)]
pub struct AccountTarget {
    /// Its address.
    pub address: AddressTarget,
    /// The hash of its registered key (zero if none).
    pub pubkey_hash: HashOutTarget,
    /// Its balance.
    pub balance: AmountTarget,
    /// Its nonce (32 bits).
    pub nonce: Target,
}

impl AccountTarget {
    /// Sets every field from `account`.
    pub fn set(
        &self,
        witness: &mut PartialWitness<GFp>,
        account: &Account,
    ) -> Result<(), CircuitError> {
        let witness_error = |e: anyhow::Error| CircuitError::Witness(e.to_string());
        set_address(witness, &self.address, &account.address)?;
        witness
            .set_hash_target(self.pubkey_hash, account.pubkey_hash)
            .map_err(witness_error)?;
        self.balance.set(witness, account.balance.gwei())?;
        witness
            .set_target(self.nonce, GFp::from_canonical_u32(account.nonce))
            .map_err(witness_error)
    }
}

/// Sets an address's five limbs.
pub fn set_address(
    witness: &mut PartialWitness<GFp>,
    targets: &AddressTarget,
    address: &hyperforge_primitives::Address,
) -> Result<(), CircuitError> {
    for (&target, limb) in targets.iter().zip(address_limbs(address)) {
        witness
            .set_target(target, limb)
            .map_err(|e| CircuitError::Witness(e.to_string()))?;
    }
    Ok(())
}

/// Accounts on a circuit builder.
pub trait CircuitBuilderAccount {
    /// Five new address limbs, each range-checked to 32 bits.
    fn add_virtual_address(&mut self) -> AddressTarget;
    /// A new account, limbs unchecked: the caller proves it is a leaf of the tree (or
    /// constrains its fields otherwise).
    fn add_virtual_account(&mut self) -> AccountTarget;
    /// The account's leaf.
    fn account_leaf(&mut self, account: &AccountTarget) -> HashOutTarget;
}

impl CircuitBuilderAccount for Builder {
    fn add_virtual_address(&mut self) -> AddressTarget {
        let address = [(); 5].map(|()| self.add_virtual_target());
        for limb in address {
            self.range_check_u32(limb);
        }
        address
    }

    fn add_virtual_account(&mut self) -> AccountTarget {
        AccountTarget {
            address: [(); 5].map(|()| self.add_virtual_target()),
            pubkey_hash: self.add_virtual_hash(),
            balance: AmountTarget {
                hi: self.add_virtual_target(),
                lo: self.add_virtual_target(),
            },
            nonce: self.add_virtual_target(),
        }
    }

    fn account_leaf(&mut self, account: &AccountTarget) -> HashOutTarget {
        let mut elements = Vec::with_capacity(13);
        elements.push(self.constant(GFp::from_canonical_u64(domain::ACCOUNT_LEAF)));
        elements.extend(account.address);
        elements.extend(account.pubkey_hash.elements);
        elements.extend(account.balance.limbs());
        elements.push(account.nonce);
        self.hash_n_to_hash_no_pad::<PoseidonHash>(elements)
    }
}

#[cfg(test)]
mod tests {
    use hyperforge_primitives::{Address, Amount};
    use plonky2::plonk::circuit_data::CircuitConfig;

    use super::*;
    use crate::Config;

    #[test]
    fn the_leaf_in_circuit_is_the_native_leaf() {
        let mut builder = Builder::new(CircuitConfig::standard_recursion_config());
        let account = builder.add_virtual_account();
        let leaf = builder.account_leaf(&account);
        builder.register_public_inputs(&leaf.elements);
        let data = builder.build::<Config>();
        let native = Account {
            address: Address::repeat_byte(0xfe),
            pubkey_hash: hyperforge_primitives::bridge::hash_no_pad(&[GFp::ONE]),
            balance: Amount::from_gwei(u64::MAX - 1),
            nonce: u32::MAX,
        };
        let mut witness = PartialWitness::new();
        account.set(&mut witness, &native).unwrap();
        let proof = data.prove(witness).unwrap();
        assert_eq!(proof.public_inputs, native.leaf().elements.to_vec());
        data.verify(proof).unwrap();
    }
}
