//! alloy `sol!` bindings over the committed artifacts in `contracts/out/` (regenerate them
//! with `cargo xtask contracts`, or `node tools/compile-contracts.cjs contracts/src
//! contracts/out` from the project root). `Bridge::BridgeErrors` names every custom error the
//! bridge (and the Poseidon contract it calls) reverts with; `Bridge::BridgeEvents` every event.
//! `PlonkyVerifier` is the generated on-chain verifier of the final proof (it deploys its two
//! gate contracts itself); `DevVerifier` checks no proof.
#![allow(missing_docs)]

alloy::sol!(
    #[sol(rpc, all_derives)]
    Bridge,
    "../../contracts/out/Bridge.json"
);

alloy::sol!(
    #[sol(rpc, all_derives)]
    PoseidonGoldilocks,
    "../../contracts/out/PoseidonGoldilocks.json"
);

alloy::sol!(
    #[sol(rpc, all_derives)]
    DevVerifier,
    "../../contracts/out/DevVerifier.json"
);

alloy::sol!(
    #[sol(rpc, all_derives)]
    PlonkyVerifier,
    "../../contracts/out/PlonkyVerifier.json"
);
