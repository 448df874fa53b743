//! `hyperforge wallet register-key --chain DIR`: binds the L2 key derived from the private key
//! to its Ethereum address, through the L1 bridge (`registerKey`, authenticated by
//! msg.sender). The chain applies it as a priority operation once its sequencer follows L1.

use anyhow::Context;
use hyperforge_crypto::derive::secret_key_from_ethereum_key;
use hyperforge_l1::BridgeClient;

use crate::{cli::WalletRegisterKeyArgs, commands::load_chain};

pub(super) async fn run(args: WalletRegisterKeyArgs) -> anyhow::Result<()> {
    let config = load_chain(&args.chain)?;
    let bridge = crate::commands::l1::chain_bridge(&config)?;
    let signer = crate::commands::l1::signer(&args.signer)?;
    let key = secret_key_from_ethereum_key(&signer.to_bytes().0)
        .context("the private key is not a valid key")?;
    let pubkey_hash = key.public_key().hash();
    let from = signer.address();
    let client = BridgeClient::connect(config.l1.rpc_url.clone(), signer, bridge);
    let outcome = client
        .register_key(config.chain.chain_id, pubkey_hash)
        .await
        .with_context(|| format!("registerKey on chain {} failed", config.chain.chain_id))?;
    println!(
        "registered L2 key hash {} for {} on chain {} (L1 tx {}, block {})",
        hyperforge_primitives::bridge::digest_to_b256(&pubkey_hash),
        from,
        config.chain.chain_id,
        outcome.hash,
        outcome.block_number
    );
    Ok(())
}
