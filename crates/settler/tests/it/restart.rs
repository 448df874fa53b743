//! No state of its own: a settler killed after sending its settlement, before it is mined,
//! restarts, reads the bridge and goes on, never settling a batch twice, never skipping one,
//! and skipping (not reverting on) a batch someone else settled meanwhile.

use alloy::{primitives::U64, providers::Provider};
use hyperforge_settler::{BatchRef, RoundOutcome, SettlerConfig};

use crate::fixtures::{ALPHA, ALPHA_CHAIN, BETA, BETA_CHAIN, chain};
use crate::harness::{Harness, config, metric, settled, source};

/// anvil's `txpool_status`.
#[derive(Debug, serde::Deserialize)]
struct TxpoolStatus {
    pending: U64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settler_killed_before_its_settlement_is_mined_restarts_settling_nothing_twice_and_skips_what_someone_else_settled()
 {
    let harness = Harness::start().await;
    harness.alpha().await;
    harness.register(BETA, BETA_CHAIN.genesis_root).await;
    let alpha = &ALPHA_CHAIN.batches;
    let beta = &BETA_CHAIN.batches;
    // Both batches of each chain are proven from the start.
    let sources = || {
        vec![
            source(ALPHA, &[(1, &alpha[0]), (2, &alpha[1])]),
            source(BETA, &[(1, &beta[0]), (2, &beta[1])]),
        ]
    };
    // One batch per chain per settlement, so the first settler leaves work behind.
    let first = harness.settler_with(
        sources(),
        SettlerConfig {
            max_batches_per_chain: 1,
            ..config()
        },
    );
    // The settler dies right after it sends, before its transaction is mined: anvil stops
    // mining, the round is aborted once the transaction is in the pool (nothing after the
    // send runs, as with SIGKILL), then the block is mined.
    let l1 = harness.operator.provider().clone();
    let _: () = l1
        .raw_request("evm_setAutomine".into(), (false,))
        .await
        .unwrap();
    let round = tokio::spawn(async move { first.round().await });
    let started = std::time::Instant::now();
    loop {
        let pool: TxpoolStatus = l1.raw_request("txpool_status".into(), ()).await.unwrap();
        if pool.pending > U64::ZERO {
            break;
        }
        assert!(!round.is_finished(), "the round ended without sending");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(300),
            "the settle transaction never reached the pool"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    round.abort();
    assert!(round.await.unwrap_err().is_cancelled());
    let _: () = l1
        .raw_request("evm_setAutomine".into(), (true,))
        .await
        .unwrap();
    let _: String = l1.raw_request("evm_mine".into(), ()).await.unwrap();
    for (id, batch) in [(ALPHA, &alpha[0]), (BETA, &beta[0])] {
        let state = harness.state(id).await;
        assert_eq!(
            state.batch_number, 1,
            "the killed settler's settlement, chain {id}"
        );
        assert_eq!(state.state_root, batch.inputs.new_state_root);
    }

    // While no settler runs, someone else settles alpha's batch 2.
    harness.settle_elsewhere(&[alpha[1].inputs.clone()]).await;

    // The restarted settler: alpha's next is 3 (none), beta's is 2.
    let restarted = harness.settler(sources());
    let report = restarted.round().await.unwrap();
    assert!(report.refusals.is_empty(), "{:?}", report.refusals);
    assert_eq!(
        settled(&report).batches,
        [BatchRef {
            chain_id: chain(BETA),
            batch_number: 2
        }]
    );
    assert_eq!(
        metric(
            &restarted,
            "settle_reverts_total{error=\"BatchAlreadySettled\"}"
        ),
        None
    );
    for (id, batch) in [(ALPHA, &alpha[1]), (BETA, &beta[1])] {
        let state = harness.state(id).await;
        assert_eq!(state.batch_number, 2, "chain {id}");
        assert_eq!(state.state_root, batch.inputs.new_state_root);
    }

    // Restarted again: everything proven is settled, nothing is sent.
    let again = harness.settler(sources());
    assert_eq!(again.round().await.unwrap().outcome, RoundOutcome::Idle);
    assert_eq!(metric(&again, "settlements_sent_total"), Some(0));
}
