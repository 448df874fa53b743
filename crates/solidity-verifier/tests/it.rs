//! The generated verifier on a real anvil, against plonky2's own verifier: the challenges and
//! every gate's constraints equal plonky2's values, the stand-in's final proof is accepted, and
//! each tampering of it is refused.
//!
//! Building and proving the stand-in chain takes about two minutes, so its circuit data and
//! proofs are kept between runs: in `$PLONKY_VERIFIER_FIXTURE_DIR` if set, else under the
//! shared circuit cache (`$HYPERFORGE_CIRCUIT_CACHE`, else `~/.cache/hyperforge/circuits`) in
//! `test-fixtures/solidity-verifier/<key>`, the key a Keccak digest of `src/standin.rs` and
//! of plonky2's entries in `Cargo.lock`: another stand-in or another plonky2 is another
//! directory. A kept fixture is used only if it decodes and its proof verifies under plonky2
//! (the test then checks the other circuit's proof does not); otherwise it is rebuilt.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use hyperforge_solidity_verifier::calldata::{Calldata, encode};
use hyperforge_solidity_verifier::generate;
use hyperforge_solidity_verifier::layout::{DIGEST, Layout};
use hyperforge_solidity_verifier::standin::{D, F, FinalConfig, StandIn};
use plonky2::field::extension::Extendable;
use plonky2::field::types::{Field, PrimeField64, Sample};
use plonky2::hash::hash_types::HashOut;
use plonky2::plonk::circuit_data::{CommonCircuitData, VerifierOnlyCircuitData};
use plonky2::plonk::proof::ProofWithPublicInputs;
use plonky2::plonk::vars::EvaluationVars;
use plonky2::util::serialization::DefaultGateSerializer;

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

type Ext = <F as Extendable<D>>::Extension;

struct Fixture {
    common: CommonCircuitData<F, D>,
    verifier_only: VerifierOnlyCircuitData<FinalConfig, D>,
    proof: ProofWithPublicInputs<F, FinalConfig, D>,
    /// A final proof of another circuit of the same shape.
    other: ProofWithPublicInputs<F, FinalConfig, D>,
}

/// Where the fixture is kept; `None` without a cache directory.
fn fixture_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PLONKY_VERIFIER_FIXTURE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let cache = match std::env::var_os("HYPERFORGE_CIRCUIT_CACHE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/hyperforge/circuits"),
    };
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).ok()?;
    let plonky2: Vec<&str> = lock
        .split("[[package]]")
        .filter(|package| package.contains("name = \"plonky2"))
        .collect();
    let mut key = b"hyperforge/solidity-verifier/standin-fixture/1\n".to_vec();
    key.extend_from_slice(include_str!("../src/standin.rs").as_bytes());
    key.extend_from_slice(plonky2.concat().as_bytes());
    let digest = alloy::primitives::keccak256(&key);
    Some(
        cache
            .join("test-fixtures/solidity-verifier")
            .join(alloy::hex::encode(&digest[..16])),
    )
}

/// The kept fixture in `dir`, if it reads back and its proof verifies.
fn load_fixture(dir: &Path) -> Option<Fixture> {
    let gates = DefaultGateSerializer;
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    let common = CommonCircuitData::from_bytes(read("common.bin")?, &gates).ok()?;
    let verifier_only = VerifierOnlyCircuitData::from_bytes(read("verifier.bin")?).ok()?;
    let proof = ProofWithPublicInputs::from_bytes(read("proof.bin")?, &common).ok()?;
    let other = ProofWithPublicInputs::from_bytes(read("other.bin")?, &common).ok()?;
    let data = plonky2::plonk::circuit_data::VerifierCircuitData {
        verifier_only: verifier_only.clone(),
        common: common.clone(),
    };
    data.verify(proof.clone()).ok()?;
    Some(Fixture {
        common,
        verifier_only,
        proof,
        other,
    })
}

/// Writes the fixture into `dir`, each file aside and renamed, `common.bin` (what a reader
/// looks for) last. A failure only costs the next run the proving.
fn keep_fixture(dir: &Path, fixture: &Fixture) -> std::io::Result<()> {
    let gates = DefaultGateSerializer;
    let invalid = |e| std::io::Error::other(format!("{e:?}"));
    std::fs::create_dir_all(dir)?;
    let files = [
        (
            "verifier.bin",
            fixture.verifier_only.to_bytes().map_err(invalid)?,
        ),
        ("proof.bin", fixture.proof.to_bytes()),
        ("other.bin", fixture.other.to_bytes()),
        (
            "common.bin",
            fixture.common.to_bytes(&gates).map_err(invalid)?,
        ),
    ];
    for (name, bytes) in files {
        let temporary = dir.join(format!("{name}.tmp{}", std::process::id()));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, dir.join(name))?;
    }
    Ok(())
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = fixture_dir();
        if let Some(fixture) = dir.as_deref().and_then(load_fixture) {
            return fixture;
        }
        let chain = StandIn::build(0);
        let proof = chain.prove(5, 7).expect("prove");
        let other = chain.prove_other(1, 5, 7).expect("prove other");
        let fixture = Fixture {
            common: chain.last.common.clone(),
            verifier_only: chain.last.verifier_only.clone(),
            proof,
            other,
        };
        if let Some(dir) = &dir
            && let Err(error) = keep_fixture(dir, &fixture)
        {
            eprintln!("{}: fixture not kept ({error})", dir.display());
        }
        fixture
    })
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compiles the generated verifier with the project's solc-js settings; returns the
/// artifacts directory.
fn compile(source: &str, dir: &Path) -> PathBuf {
    let src = dir.join("src");
    let out = dir.join("out");
    std::fs::create_dir_all(&src).expect("src dir");
    for name in ["IVerifier.sol", "PoseidonGoldilocks.sol"] {
        std::fs::copy(root().join("contracts/src").join(name), src.join(name)).expect("copy");
    }
    std::fs::write(src.join("PlonkyVerifier.sol"), source).expect("write");
    let status = Command::new("node")
        .arg(root().join("tools/compile-contracts.cjs"))
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

struct Chain {
    _anvil: AnvilInstance,
    provider: DynProvider,
    verifier: Address,
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

async fn chain(source: &str) -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = compile(source, dir.path());
    let anvil = Anvil::at(root().join("tools/node_modules/.bin/anvil"))
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
    let poseidon = deploy(&provider, bytecode(&out, "PoseidonGoldilocks")).await;
    let mut code = bytecode(&out, "PlonkyVerifier");
    code.extend_from_slice(&[0u8; 12]);
    code.extend_from_slice(poseidon.as_slice());
    let verifier = deploy(&provider, code).await;
    Chain {
        _anvil: anvil,
        provider,
        verifier,
    }
}

fn pis(calldata: &Calldata) -> Vec<U256> {
    calldata
        .public_inputs
        .iter()
        .map(|&x| U256::from(x))
        .collect()
}

async fn verdict(chain: &Chain, calldata: &Calldata) -> bool {
    IPlonkyVerifier::new(chain.verifier, chain.provider.clone())
        .verify(pis(calldata), Bytes::from(calldata.proof.clone()))
        .call()
        .await
        .expect("verify call")
}

fn words(xs: &[Ext]) -> Vec<U256> {
    xs.iter()
        .flat_map(|x| x.0.map(|c| U256::from(c.to_canonical_u64())))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_generated_verifier_agrees_with_plonky2() {
    let f = fixture();
    let source = generate(&f.common, &f.verifier_only).expect("generate");
    if let Some(dir) = std::env::var_os("PLONKY_VERIFIER_FIXTURE_DIR") {
        std::fs::write(PathBuf::from(dir).join("PlonkyVerifier.sol"), &source)
            .expect("write source");
    }
    let chain = chain(&source).await;
    let valid = encode(&f.proof, &f.common).expect("encode");
    eprintln!("proof bytes: {}", valid.proof.len());

    // The challenges, one by one.
    let ours = IPlonkyVerifier::new(chain.verifier, chain.provider.clone())
        .challenges(pis(&valid), Bytes::from(valid.proof.clone()))
        .call()
        .await
        .expect("challenges");
    let pi_hash = f.proof.get_public_inputs_hash();
    let theirs = f
        .proof
        .get_challenges(pi_hash, &f.verifier_only.circuit_digest, &f.common)
        .expect("challenges");
    let mut expected: Vec<u64> = Vec::new();
    expected.extend(theirs.plonk_betas.iter().map(|x| x.to_canonical_u64()));
    expected.extend(theirs.plonk_gammas.iter().map(|x| x.to_canonical_u64()));
    expected.extend(theirs.plonk_alphas.iter().map(|x| x.to_canonical_u64()));
    expected.extend(theirs.plonk_zeta.0.iter().map(|x| x.to_canonical_u64()));
    expected.extend(
        theirs
            .fri_challenges
            .fri_alpha
            .0
            .iter()
            .map(|x| x.to_canonical_u64()),
    );
    for b in &theirs.fri_challenges.fri_betas {
        expected.extend(b.0.iter().map(|x| x.to_canonical_u64()));
    }
    expected.push(theirs.fri_challenges.fri_pow_response.to_canonical_u64());
    expected.extend(
        theirs
            .fri_challenges
            .fri_query_indices
            .iter()
            .map(|&x| x as u64),
    );
    let ours: Vec<u64> = ours.iter().map(|x| x.to::<u64>()).collect();
    assert_eq!(ours, expected, "challenges");

    // Every gate's constraints at random openings.
    let verifier = IPlonkyVerifier::new(chain.verifier, chain.provider.clone());
    let num_selectors = f.common.selectors_info.num_selectors();
    for (index, gate) in f.common.gates.iter().enumerate() {
        let wires: Vec<Ext> = (0..f.common.config.num_wires)
            .map(|_| Ext::rand())
            .collect();
        let consts: Vec<Ext> = (0..f.common.num_constants - num_selectors)
            .map(|_| Ext::rand())
            .collect();
        let pi = HashOut::<F>::rand();
        let vars = EvaluationVars {
            local_constants: &consts,
            local_wires: &wires,
            public_inputs_hash: &pi,
        };
        let want = words(&gate.0.eval_unfiltered(vars));
        let at = verifier
            .gateContract(U256::from(index))
            .call()
            .await
            .expect("gateContract");
        let got = IPlonkyGates::new(at, chain.provider.clone())
            .evalGate(
                U256::from(index),
                words(&wires),
                words(&consts),
                pi.elements.map(|x| U256::from(x.to_canonical_u64())),
            )
            .call()
            .await
            .expect("evalGate");
        assert_eq!(got, want, "gate {index}: {}", gate.0.id());
    }

    // The proof.
    assert!(verdict(&chain, &valid).await, "the valid proof is refused");
    let gas = chain
        .provider
        .estimate_gas(
            TransactionRequest::default().to(chain.verifier).input(
                alloy::sol_types::SolCall::abi_encode(&IPlonkyVerifier::verifyCall {
                    publicInputs: pis(&valid),
                    proof: Bytes::from(valid.proof.clone()),
                })
                .into(),
            ),
        )
        .await
        .expect("estimate");
    eprintln!("BENCH gas_verify_total {gas} gas (calldata included)");
    let challenges_gas = chain
        .provider
        .estimate_gas(
            TransactionRequest::default().to(chain.verifier).input(
                alloy::sol_types::SolCall::abi_encode(&IPlonkyVerifier::challengesCall {
                    publicInputs: pis(&valid),
                    proof: Bytes::from(valid.proof.clone()),
                })
                .into(),
            ),
        )
        .await
        .expect("estimate");
    eprintln!("gas of the challenges alone (calldata included): {challenges_gas}");
    for part in [0usize, f.common.gates.len() - 1] {
        let at = verifier
            .gateContract(U256::from(part))
            .call()
            .await
            .expect("gateContract");
        let o = &f.proof.proof.openings;
        let input = alloy::sol_types::SolCall::abi_encode(&IPlonkyGates::evalPartCall {
            wires: words(&o.wires),
            consts: words(&o.constants),
            pi: pi_hash.elements.map(|x| U256::from(x.to_canonical_u64())),
        });
        let gas = chain
            .provider
            .estimate_gas(TransactionRequest::default().to(at).input(input.into()))
            .await
            .expect("estimate");
        eprintln!("gas of the gate contract holding gate {part}: {gas}");
    }
    let calldata_gas: u64 = valid
        .proof
        .iter()
        .map(|&b| if b == 0 { 4 } else { 16 })
        .sum();
    eprintln!("proof calldata gas about {calldata_gas}");

    // Each lie is refused.
    let layout = Layout::new(&f.common).expect("layout");
    let mut lies: Vec<(&str, Calldata)> = Vec::new();
    let mut lie = valid.clone();
    lie.public_inputs[0] += 1;
    lies.push(("a changed public input", lie));
    lies.push((
        "a changed wire opening",
        bump(&valid, 3 * DIGEST + 16 * layout.o_wires),
    ));
    lies.push(("a changed wires cap", flip(&valid, 3)));
    let first_path = layout.off_queries + 8 * layout.leaf_lens[0];
    lies.push((
        "a changed Merkle path element",
        flip(&valid, first_path + 5),
    ));
    let mut step = layout.off_queries
        + layout
            .leaf_lens
            .iter()
            .map(|l| 8 * l + DIGEST * layout.lde_bits)
            .sum::<usize>();
    step += 16 << f.common.fri_params.reduction_arity_bits[0];
    lies.push(("a changed FRI query path", flip(&valid, step + 1)));
    lies.push((
        "a changed FRI final polynomial coefficient",
        bump(&valid, layout.off_final_poly),
    ));
    lies.push((
        "a wrong proof-of-work witness",
        bump(&valid, layout.off_pow),
    ));
    lies.push((
        "a proof of another circuit",
        encode(&f.other, &f.common).expect("encode other"),
    ));
    assert!(
        f.last_verifies_other_is_false(),
        "plonky2 itself must refuse the other circuit's proof"
    );
    for (what, lie) in &lies {
        assert!(!verdict(&chain, lie).await, "{what} is accepted");
    }
    // Random byte flips anywhere in the proof.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..16 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = (seed % valid.proof.len() as u64) as usize;
        assert!(
            !verdict(&chain, &flip(&valid, at)).await,
            "a flipped byte at {at} is accepted"
        );
    }
}

/// `calldata` with the proof's field element at byte `at` increased by one (mod p).
fn bump(calldata: &Calldata, at: usize) -> Calldata {
    let mut lie = calldata.clone();
    let mut word = [0u8; 8];
    word.copy_from_slice(&lie.proof[at..at + 8]);
    let value = (F::from_canonical_u64(u64::from_le_bytes(word)) + F::ONE).to_canonical_u64();
    lie.proof[at..at + 8].copy_from_slice(&value.to_le_bytes());
    lie
}

/// `calldata` with one bit of the proof's byte `at` flipped.
fn flip(calldata: &Calldata, at: usize) -> Calldata {
    let mut lie = calldata.clone();
    lie.proof[at] ^= 0x10;
    lie
}

impl Fixture {
    /// plonky2's verdict on the other circuit's proof against this circuit.
    fn last_verifies_other_is_false(&self) -> bool {
        let data = plonky2::plonk::circuit_data::VerifierCircuitData {
            verifier_only: self.verifier_only.clone(),
            common: self.common.clone(),
        };
        data.verify(self.other.clone()).is_err()
    }
}
