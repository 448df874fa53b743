//! `cargo xtask chain new <name> --template <t>`: render a template into `chains/<name>/`.
//!
//! Every file of `templates/<t>/` is copied; files ending in `.j2` are rendered with
//! minijinja (strict: an unknown variable is an error) and lose the suffix. The result is
//! written to a staging folder, loaded and validated like any chain, checked against the other
//! chains for a shared chain id or port, and only then moved into place: a failure leaves
//! nothing behind.

use std::{
    fs,
    net::{Ipv4Addr, TcpListener, UdpSocket},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use hyperforge_config::{
    CHAIN_FILE, ChainConfig, ChainConfigLoader, ChainSet, KeyHash, validate_chain_name,
};
use hyperforge_crypto::derive::secret_key_from_ethereum_key;
use hyperforge_primitives::{Amount, ChainId, dev, parse_address};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::{cli::ChainNewArgs, project::Project};

/// The chain id `chain new` starts looking from.
const FIRST_CHAIN_ID: u64 = 270;
/// The JSON-RPC port `chain new` starts looking from.
const FIRST_RPC_PORT: u16 = 3050;
/// The libp2p port `chain new` starts looking from.
const FIRST_P2P_PORT: u16 = 3150;
/// Each dev account's genesis balance. `l1 register` backs the genesis balances on L1 with ETH
/// from the registering account, so ten of them per chain must fit in one anvil dev account
/// (10,000 ETH) for a few chains.
const DEV_ACCOUNT_BALANCE: &str = "100 ether";

/// A chain that `chain new` wrote.
#[derive(Debug)]
pub(super) struct Created {
    pub(super) dir: PathBuf,
    pub(super) config: ChainConfig,
}

/// What a template may use; `templates/README.md` lists the same names.
#[derive(Debug, Serialize)]
struct TemplateContext {
    name: String,
    chain_id: u64,
    template: String,
    rpc_port: u16,
    rpc_addr: String,
    p2p_port: u16,
    dev_accounts: Vec<FundedAccount>,
    fund: Vec<FundedAccount>,
    hyperforge_version: &'static str,
}

#[derive(Debug, Serialize)]
struct FundedAccount {
    address: String,
    balance: String,
    /// The hash of the L2 key `hyperforge wallet` derives from the account's private key,
    /// when that key is public (the dev accounts).
    pubkey_hash: Option<String>,
}

pub(super) fn run(project: &Project, args: &ChainNewArgs) -> anyhow::Result<Created> {
    validate_chain_name(&args.name)
        .map_err(|problem| anyhow::anyhow!("invalid chain name: {problem}"))?;
    let template_dir = template_dir(project, &args.template)?;
    let chains_dir = project.chains_dir();
    let target = chains_dir.join(&args.name);
    if target.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to replace it (its data directory too)",
            target.display()
        );
    }
    let fund = args
        .fund
        .iter()
        .map(|flag| parse_fund(flag))
        .collect::<anyhow::Result<Vec<_>>>()?;

    let others = ChainSet::load(&chains_dir)?;
    let is_other = |name: &str| name != args.name;
    let chain_id = match args.chain_id {
        Some(id) => ChainId::new(id)
            .with_context(|| format!("invalid --chain-id {id}"))?
            .get(),
        None => {
            let used: Vec<u64> = others
                .chains()
                .iter()
                .filter(|c| is_other(&c.config.chain.name))
                .map(|c| c.config.chain.chain_id.get())
                .collect();
            (FIRST_CHAIN_ID..)
                .find(|id| !used.contains(id))
                .context("no free chain id")?
        }
    };
    let used_ports: Vec<u16> = others
        .chains()
        .iter()
        .filter(|c| is_other(&c.config.chain.name))
        .flat_map(|c| c.config.ports().into_iter().map(|(_, port)| port))
        .collect();
    let rpc_port = match args.rpc_port {
        Some(port) => port,
        None => free_port(FIRST_RPC_PORT, &used_ports)?,
    };
    let p2p_port = match args.p2p_port {
        Some(port) => port,
        None => free_port(
            FIRST_P2P_PORT,
            &[used_ports.as_slice(), &[rpc_port]].concat(),
        )?,
    };
    if rpc_port == p2p_port && rpc_port != 0 {
        bail!("--rpc-port and --p2p-port are both {rpc_port}: a chain needs two different ports");
    }

    let context = TemplateContext {
        name: args.name.clone(),
        chain_id,
        template: args.template.clone(),
        rpc_port,
        rpc_addr: format!("127.0.0.1:{rpc_port}"),
        p2p_port,
        dev_accounts: dev::ACCOUNTS
            .iter()
            .map(|account| -> anyhow::Result<FundedAccount> {
                let key = secret_key_from_ethereum_key(&account.private_key.0)?;
                Ok(FundedAccount {
                    address: account.address.to_checksum(None),
                    balance: DEV_ACCOUNT_BALANCE.to_owned(),
                    pubkey_hash: Some(String::from(KeyHash(key.public_key().hash()))),
                })
            })
            .collect::<anyhow::Result<_>>()?,
        fund,
        hyperforge_version: env!("CARGO_PKG_VERSION"),
    };

    let staging = Staging::create(&chains_dir)?;
    let staged = staging.path().join(&args.name);
    render_template(&template_dir, &staged, &context)?;
    let config = ChainConfigLoader::new(&staged)
        .with_env(false)
        .load()
        .with_context(|| {
            format!(
                "template `{}` rendered an invalid chain.toml",
                args.template
            )
        })?;
    let origin = target.join(CHAIN_FILE).display().to_string();
    if let Some(clash) = others.clash(&config, &origin) {
        bail!("{clash}");
    }

    if target.exists() {
        let replaced = staging.path().join(".replaced");
        fs::rename(&target, &replaced)
            .with_context(|| format!("cannot move the old {} aside", target.display()))?;
    }
    fs::rename(&staged, &target)
        .with_context(|| format!("cannot move the new chain to {}", target.display()))?;
    drop(staging);
    Ok(Created {
        dir: target,
        config,
    })
}

fn template_dir(project: &Project, template: &str) -> anyhow::Result<PathBuf> {
    let templates = project.templates_dir();
    let dir = templates.join(template);
    let valid_name = validate_chain_name(template).is_ok();
    if valid_name && dir.join(format!("{CHAIN_FILE}.j2")).is_file() {
        return Ok(dir);
    }
    let mut available: Vec<String> = fs::read_dir(&templates)
        .with_context(|| format!("cannot read {}", templates.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join(format!("{CHAIN_FILE}.j2")).is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    available.sort();
    bail!(
        "unknown template `{template}`: the templates are {}",
        available.join(", ")
    )
}

fn parse_fund(flag: &str) -> anyhow::Result<FundedAccount> {
    let (address, amount) = flag.split_once('=').with_context(|| {
        format!("--fund {flag}: expected ADDRESS=AMOUNT, like 0xabc...=100ether")
    })?;
    let address = parse_address(address.trim()).with_context(|| format!("--fund {flag}"))?;
    let amount: Amount = amount.parse().with_context(|| format!("--fund {flag}"))?;
    Ok(FundedAccount {
        address: address.to_checksum(None),
        balance: amount.to_string(),
        pubkey_hash: None,
    })
}

/// The lowest port from `first` up that no chain uses and that is free on loopback now, for
/// TCP and UDP both (libp2p listens on TCP and on QUIC over UDP).
fn free_port(first: u16, used: &[u16]) -> anyhow::Result<u16> {
    (first..=u16::MAX)
        .filter(|port| !used.contains(port))
        .find(|port| {
            TcpListener::bind((Ipv4Addr::LOCALHOST, *port)).is_ok()
                && UdpSocket::bind((Ipv4Addr::LOCALHOST, *port)).is_ok()
        })
        .with_context(|| format!("no free port from {first} up"))
}

fn render_template(
    template_dir: &Path,
    out: &Path,
    context: &TemplateContext,
) -> anyhow::Result<()> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    copy_tree(template_dir, out, &mut |source, target| {
        let Some(target) = target.to_str().and_then(|t| t.strip_suffix(".j2")) else {
            return fs::copy(source, target)
                .map(drop)
                .with_context(|| format!("cannot copy {}", source.display()));
        };
        let text = fs::read_to_string(source)
            .with_context(|| format!("cannot read {}", source.display()))?;
        let rendered = env
            .render_str(&text, context)
            .map_err(|error| anyhow::anyhow!("{}: {error:#}", source.display()))?;
        fs::write(target, rendered).with_context(|| format!("cannot write {target}"))
    })
}

fn copy_tree(
    from: &Path,
    to: &Path,
    copy_file: &mut dyn FnMut(&Path, &Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_tree(&source, &target, copy_file)?;
        } else {
            copy_file(&source, &target)?;
        }
    }
    Ok(())
}

/// A hidden folder in `chains/` that is removed on drop, whatever happened.
struct Staging(PathBuf);

impl Staging {
    fn create(chains_dir: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(chains_dir)
            .with_context(|| format!("cannot create {}", chains_dir.display()))?;
        let path = chains_dir.join(format!(".staging-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("cannot clear {}", path.display()))?;
        }
        fs::create_dir(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests;
