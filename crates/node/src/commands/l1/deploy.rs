//! `hyperforge l1 deploy --l1 <url> [--verifier plonky2|dev]`: deploy the bridge with its
//! verifier and record both in the ecosystem file. `plonky2` (the default) deploys
//! `PoseidonGoldilocks`, the generated `PlonkyVerifier` (which deploys its two gate contracts)
//! and the bridge using it, and records the final circuit's digest; `dev` deploys
//! `DevVerifier`, which checks no proof, and says so (UNCHECKED) on stdout and in the file.

use anyhow::Context;
use hyperforge_l1::{BridgeClient, VerifierKind};
use toml_edit::{DocumentMut, value};

use crate::cli::L1DeployArgs;

/// What the output and the ecosystem file say about a `dev` bridge.
const UNCHECKED: &str = "UNCHECKED: proofs are not verified";

pub(super) async fn run(args: L1DeployArgs) -> anyhow::Result<()> {
    let signer = super::signer(&args.signer)?;
    let (client, deployment) =
        BridgeClient::deploy_with_verifier(args.l1.clone(), signer, args.settler, args.verifier)
            .await
            .with_context(|| format!("cannot deploy the bridge on {}", args.l1))?;

    // Keep whatever else the ecosystem file holds, comments included.
    let mut document = match std::fs::read_to_string(&args.ecosystem) {
        Ok(text) => text
            .parse::<DocumentMut>()
            .with_context(|| format!("{} is not valid TOML", args.ecosystem.display()))?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            "# The hyperforge ecosystem: the shared L1 bridge every chain settles into.\n"
                .parse::<DocumentMut>()?
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", args.ecosystem.display()));
        }
    };
    let settler = args.settler.unwrap_or(client.sender());
    let verifier = &deployment.verifier;
    document["l1"]["rpc_url"] = value(args.l1.as_str());
    document["l1"]["bridge"] = value(client.address().to_checksum(None));
    document["l1"]["settler"] = value(settler.to_checksum(None));
    document["l1"]["verifier"] = value(verifier.kind.name());
    document["l1"]["verifier_address"] = value(verifier.address.to_checksum(None));
    match verifier.circuit_digest {
        Some(digest) => {
            document["l1"]["circuit_digest"] = value(digest.to_string());
            if let Some(table) = document["l1"].as_table_mut() {
                table.remove("unchecked");
            }
        }
        None => {
            document["l1"]["unchecked"] = value(UNCHECKED);
            if let Some(table) = document["l1"].as_table_mut() {
                table.remove("circuit_digest");
            }
        }
    }
    super::write_atomically(&args.ecosystem, &document.to_string())?;
    let gas: u64 = deployment.bridge_gas + verifier.gas.iter().map(|(_, gas)| gas).sum::<u64>();
    println!(
        "bridge {} deployed on {} with verifier {} at {} ({gas} gas in all); recorded in {}",
        client.address(),
        args.l1,
        verifier.kind,
        verifier.address,
        args.ecosystem.display()
    );
    match (verifier.kind, verifier.circuit_digest) {
        (VerifierKind::Plonky2, Some(digest)) => {
            println!("settlements are verified on chain: final circuit digest {digest}");
        }
        _ => println!("{UNCHECKED}: DevVerifier binds the public inputs and checks no proof"),
    }
    Ok(())
}
