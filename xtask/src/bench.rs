//! `cargo xtask bench <what>`: benchmarks that print `BENCH <name> <value> <unit>` lines.
//!
//! - `l1`: gas of each bridge function on a real anvil with the development verifier
//!   (`crates/l1/benches/gas.rs`), then with the real one: a real final proof of 4 chains'
//!   batches, its size, `PlonkyVerifier.verify`'s execution gas and the whole settle
//!   (`crates/node/benches/l1_verified.rs`; proving takes a minute or two beyond the
//!   circuit cache).
//! - `prover`: rows per in-circuit signature verification, with and without the custom
//!   gate, and prove time for 1, 16 and 64 signatures; the chunk circuit's rows per slot kind
//!   by part and prove time per chunk shape (`crates/circuits/benches/prover.rs`); then the
//!   recursion: rows per circuit, build against cache load, aggregation step, batch proofs,
//!   settlement, shrink and the final proof's size (`crates/circuits/benches/recursion.rs`).
//! - `sequencer`: accepted/s and included/s of signed transfers over JSON-RPC through a real
//!   `hyperforge sequencer`, and of ETH transfers through anvil driven by the same load
//!   generator (`crates/node/benches/sequencer.rs`); `--release` measures a release build of
//!   the sequencer. Then block production alone, phase by phase (verify, execute, finish,
//!   commit) at the same shape, without RPC (`crates/execution/benches/blocks.rs`).
//! - `devnet`: seconds from `cargo xtask devnet` to its table for the first two chains, fresh
//!   and resumed, binaries built (`devnet::bench`); then the `cross-chain` scenario, with real
//!   proofs, for the deposit, message and withdrawal latencies.
//! - `provers`: proven transfers per second through a real sequencer and `hyperforge
//!   prover` processes over libp2p, 1 prover with 2 workers against 2 provers with 1, and
//!   the network's overhead per job (`crates/node/benches/provers.rs`).

use xshell::{Shell, cmd};

use crate::{cli::BenchTarget, project::Project, tools};

pub(crate) fn run(project: &Project, target: BenchTarget, release: bool) -> anyhow::Result<()> {
    if release && target != BenchTarget::Sequencer {
        anyhow::bail!("--release applies to `cargo xtask bench sequencer` only");
    }
    let sh = Shell::new()?;
    sh.change_dir(project.root());
    match target {
        BenchTarget::L1 => {
            let anvil = tools::ensure(project)?;
            cmd!(sh, "cargo bench --package hyperforge-l1 --bench gas")
                .env("HYPERFORGE_ANVIL", &anvil)
                .run()?;
            // `--profile dev` reuses the test build, where the circuits are optimised.
            cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge --bench l1_verified"
            )
            .env("HYPERFORGE_ANVIL", &anvil)
            .run()?;
        }
        BenchTarget::Prover => {
            // `--profile dev` reuses the test build (every dependency and the circuits crate
            // are optimised there); a plain `cargo bench` rebuilds everything in release.
            cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge-circuits --bench prover"
            )
            .run()?;
            cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge-circuits --bench recursion"
            )
            .run()?;
        }
        BenchTarget::Devnet => crate::devnet::bench(project)?,
        BenchTarget::Sequencer => {
            let anvil = tools::ensure(project)?;
            // The load generator always comes from the test build's profile (dependencies
            // and the hot crates are optimised there); with --release the sequencer measured
            // is a release build, like the anvil it is compared with.
            let mut bench = cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge --bench sequencer"
            )
            .env("HYPERFORGE_ANVIL", anvil);
            if release {
                cmd!(sh, "cargo build --release --locked --package hyperforge").run()?;
                let target_dir = std::env::var_os("CARGO_TARGET_DIR")
                    .map_or_else(|| project.root().join("target"), std::path::PathBuf::from);
                bench = bench.env(
                    "HYPERFORGE_BENCH_SEQUENCER",
                    target_dir.join("release").join("hyperforge"),
                );
            }
            bench.run()?;
            cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge-execution --bench blocks"
            )
            .run()?;
        }
        BenchTarget::Settler => {
            let anvil = tools::ensure(project)?;
            // The test build's profile: the circuits are optimised there.
            cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge-settler --bench settler"
            )
            .env("HYPERFORGE_ANVIL", anvil)
            .run()?;
        }
        BenchTarget::Provers => {
            cmd!(
                sh,
                "cargo bench --profile dev --package hyperforge --bench provers"
            )
            .run()?;
        }
    }
    Ok(())
}
