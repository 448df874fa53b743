//! The generated verifier on a fresh anvil: compiled once per test binary (solc-js is the slow
//! part), deployed on an anvil of each test's own.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::SolCall;
use hyperforge_solidity_verifier::calldata::Calldata;
use hyperforge_solidity_verifier::generate;

use crate::fixture::fixture;

sol! {
    #[sol(rpc)]
    interface IPlonkyVerifier {
        function verify(uint256[] publicInputs, bytes proof) external view returns (bool);
        function challenges(uint256[] publicInputs, bytes proof) external view returns (uint256[] memory);
        function gateContract(uint256 index) external view returns (address);
    }
    #[sol(rpc)]
    interface IPlonkyGates {
        function evalPart(uint256[] wires, uint256[] consts, uint256[4] pi) external pure returns (uint256[] memory);
        function evalGate(uint256 index, uint256[] wires, uint256[] consts, uint256[4] pi) external pure returns (uint256[] memory);
    }
}

/// The creation code of the verifier generated for the fixture's circuit and of the
/// `PoseidonGoldilocks` it calls.
struct Artifacts {
    poseidon: Vec<u8>,
    verifier: Vec<u8>,
}

fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| {
        let f = fixture();
        let source = generate(&f.common, &f.verifier_only).expect("generate");
        if let Some(dir) = std::env::var_os("PLONKY_VERIFIER_FIXTURE_DIR") {
            std::fs::write(Path::new(&dir).join("PlonkyVerifier.sol"), &source)
                .expect("write source");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let out = compile(&source, dir.path());
        Artifacts {
            poseidon: bytecode(&out, "PoseidonGoldilocks"),
            verifier: bytecode(&out, "PlonkyVerifier"),
        }
    })
}

/// Compiles the generated verifier with the project's solc-js settings; returns the
/// artifacts directory.
fn compile(source: &str, dir: &Path) -> std::path::PathBuf {
    let src = dir.join("src");
    let out = dir.join("out");
    std::fs::create_dir_all(&src).expect("src dir");
    for name in ["IVerifier.sol", "PoseidonGoldilocks.sol"] {
        std::fs::copy(
            crate::root().join("contracts/src").join(name),
            src.join(name),
        )
        .expect("copy");
    }
    std::fs::write(src.join("PlonkyVerifier.sol"), source).expect("write");
    let status = Command::new("node")
        .arg(crate::root().join("tools/compile-contracts.cjs"))
        .arg(&src)
        .arg(&out)
        .status()
        .expect("node");
    assert!(status.success(), "solc failed");
    out
}

fn bytecode(out: &Path, name: &str) -> Vec<u8> {
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(format!("{name}.json"))).expect("artifact"),
    )
    .expect("json");
    let hex = json["bytecode"]
        .as_str()
        .expect("bytecode")
        .trim_start_matches("0x")
        .to_owned();
    alloy::hex::decode(hex).expect("hex")
}

pub(crate) struct Chain {
    _anvil: AnvilInstance,
    pub(crate) provider: DynProvider,
    pub(crate) verifier: Address,
}

async fn deploy(provider: &DynProvider, code: Vec<u8>) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(code);
    let receipt = provider
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "deployment reverted");
    receipt.contract_address.expect("address")
}

/// A fresh anvil with the fixture's verifier deployed. Loading or building the fixture and
/// compiling run on the blocking pool.
pub(crate) async fn chain() -> Chain {
    let artifacts = tokio::task::spawn_blocking(artifacts)
        .await
        .expect("fixture and artifacts");
    let anvil = Anvil::at(crate::root().join("tools/node_modules/.bin/anvil"))
        .host("127.0.0.1")
        .port(0u16)
        .arg("--gas-limit")
        .arg("100000000")
        .try_spawn()
        .expect("anvil");
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(anvil.endpoint_url())
        .erased();
    let poseidon = deploy(&provider, artifacts.poseidon.clone()).await;
    let mut code = artifacts.verifier.clone();
    code.extend_from_slice(&[0u8; 12]);
    code.extend_from_slice(poseidon.as_slice());
    let verifier = deploy(&provider, code).await;
    Chain {
        _anvil: anvil,
        provider,
        verifier,
    }
}

pub(crate) fn pis(calldata: &Calldata) -> Vec<U256> {
    calldata
        .public_inputs
        .iter()
        .map(|&x| U256::from(x))
        .collect()
}

/// The ABI-encoded `verify(publicInputs, proof)` call for `calldata`: the transaction input.
pub(crate) fn verify_input(calldata: &Calldata) -> Vec<u8> {
    IPlonkyVerifier::verifyCall {
        publicInputs: pis(calldata),
        proof: Bytes::from(calldata.proof.clone()),
    }
    .abi_encode()
}

impl Chain {
    /// The contract's verdict on `calldata`.
    pub(crate) async fn verdict(&self, calldata: &Calldata) -> bool {
        IPlonkyVerifier::new(self.verifier, self.provider.clone())
            .verify(pis(calldata), Bytes::from(calldata.proof.clone()))
            .call()
            .await
            .expect("verify call")
    }

    /// Whether a call to the verifier with transaction input `input` (any bytes) accepts:
    /// it succeeds and returns exactly ABI-encoded `true`. A revert is a refusal.
    pub(crate) async fn accepts(&self, input: Vec<u8>) -> bool {
        let tx = TransactionRequest::default()
            .to(self.verifier)
            .input(input.into());
        match self.provider.call(tx).await {
            Ok(output) => output[..] == U256::from(1).to_be_bytes::<32>(),
            Err(error) if error.as_error_resp().is_some() => false,
            Err(error) => panic!("eth_call failed: {error}"),
        }
    }
}
