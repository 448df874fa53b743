//! `hyperforge l1 register --chain chains/<name>`: register the chain on the bridge and write
//! `[l1] bridge = "0x..."` into its chain.toml, keeping the file's comments and layout.
//!
//! The genesis root registered is the state root of block 0 built from `[genesis]` (the one
//! the sequencer builds, computed in a temporary store), unless `--genesis-root` says
//! otherwise. A sequencer refuses to follow a bridge that registered another root. The
//! registration carries the sum of the genesis balances in ETH, paid by the signer: the
//! bridge backs every gwei a chain holds, so withdrawals of genesis funds can be paid.

use anyhow::Context;
use hyperforge_config::CHAIN_FILE;
use hyperforge_l1::BridgeClient;
use hyperforge_primitives::bridge::{digest_from_b256, digest_to_b256};
use toml_edit::{DocumentMut, value};

use crate::{cli::L1RegisterArgs, commands::load_chain};

pub(super) async fn run(args: L1RegisterArgs) -> anyhow::Result<()> {
    let config = load_chain(&args.chain)?;
    let bridge = super::ecosystem_bridge(&args.ecosystem)?;
    let genesis_root = match &args.genesis_root {
        Some(bytes) => digest_from_b256(bytes)?,
        None => hyperforge_sequencer::genesis::genesis_root(&config)
            .context("cannot compute the genesis root from [genesis]")?,
    };
    let backing = hyperforge_sequencer::genesis::genesis_backing(&config)?;
    let signer = super::signer(&args.signer)?;
    let admin = signer.address();
    let client = BridgeClient::connect(config.l1.rpc_url.clone(), signer, bridge);
    let chain_id = config.chain.chain_id;
    client
        .register_chain(chain_id, genesis_root, admin, backing)
        .await
        .with_context(|| {
            format!(
                "cannot register chain {chain_id} on the bridge {bridge} (the registration backs the genesis balances with {backing} from {admin})"
            )
        })?;

    let path = args.chain.chain.join(CHAIN_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut document: DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    document["l1"]["bridge"] = value(bridge.to_checksum(None));
    super::write_atomically(&path, &document.to_string())?;
    println!(
        "chain {} ({chain_id}) registered on the bridge {bridge} with genesis root {}, genesis balances backed with {backing}; {} updated",
        config.chain.name,
        digest_to_b256(&genesis_root),
        path.display()
    );
    Ok(())
}
