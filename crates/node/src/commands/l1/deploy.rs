//! `hyperforge l1 deploy --l1 <url>`: deploy the bridge and record it in the ecosystem file.

use anyhow::Context;
use hyperforge_l1::BridgeClient;
use toml_edit::{DocumentMut, value};

use crate::cli::L1DeployArgs;

pub(super) async fn run(args: L1DeployArgs) -> anyhow::Result<()> {
    let signer = super::signer(&args.signer)?;
    let client = BridgeClient::deploy(args.l1.clone(), signer, args.settler)
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
    document["l1"]["rpc_url"] = value(args.l1.as_str());
    document["l1"]["bridge"] = value(client.address().to_checksum(None));
    document["l1"]["settler"] = value(settler.to_checksum(None));
    super::write_atomically(&args.ecosystem, &document.to_string())?;
    println!(
        "bridge {} deployed on {}; recorded in {}",
        client.address(),
        args.l1,
        args.ecosystem.display()
    );
    Ok(())
}
