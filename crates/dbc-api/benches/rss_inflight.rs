//! Peak resident memory of a process holding 1,000 requests in flight through one
//! `dbc_api::Client`, against a simulator route slowed down with `FaultKind::Latency`.
//!
//! The simulator runs in a child process (this same binary, re-executed with
//! `DBC_RSS_ROLE=sim`), so only the client's memory is measured: `VmHWM` of
//! `/proc/self/status` after every request completed. Prints one `BENCH {json}` line
//! (`client_rss_1k_inflight`, MiB, against the 64 MiB target).
//!
//! `cargo bench -p dbc-api --bench rss_inflight` (env `DBC_RSS_N`, default 1000; `DBC_RSS_DELAY_MS`,
//! default 2000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use dbc_api::Client;
use dbc_sim::{Fault, FaultKind, Simulator};
use dbc_testkit::process::{env_usize, is_child, runtime, status_mib, stdin_closed, RoleChild};
use std::io::Write;
use std::time::{Duration, Instant};

const TARGET_MIB: f64 = 64.0;

/// Child role: serve a simulator whose `nodes.info` route answers after `delay`; print the
/// URL and the node id, exit when stdin closes.
fn serve_sim(delay: Duration) {
    runtime(1).block_on(async {
        let sim = Simulator::builder()
            .fault(Fault::on_route("nodes.info", FaultKind::Latency(delay)))
            .start()
            .await
            .expect("simulator");
        println!("{} {}", sim.url(), sim.rented_node());
        std::io::stdout().flush().unwrap();
        stdin_closed().await;
        sim.shutdown().await;
    });
}

fn main() {
    let delay = Duration::from_millis(env_usize("DBC_RSS_DELAY_MS", 2000) as u64);
    if is_child("DBC_RSS_ROLE") {
        serve_sim(delay);
        return;
    }
    let n = env_usize("DBC_RSS_N", 1000);
    let child = RoleChild::spawn("DBC_RSS_ROLE", &[]);
    let mut parts = child.ready.split_whitespace();
    let url = parts.next().expect("url").to_owned();
    let node: dbc_types::NodeId = parts.next().expect("node id").parse().unwrap();

    let rt = runtime(2);
    let (before, elapsed, errors) = rt.block_on(async {
        let client = Client::builder()
            .url(&url)
            .retries(0)
            .request_timeout(delay * 10)
            .build()
            .unwrap();
        // Warm up (one connection, TLS-free) so the baseline includes the client's own state.
        let _ = client.version().await;
        let before = status_mib("self", "VmRSS:");
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            let (c, node) = (client.clone(), node.clone());
            set.spawn(async move { c.node(&node).info().await.map(|_| ()) });
        }
        let mut errors = 0usize;
        while let Some(r) = set.join_next().await {
            if !matches!(r, Ok(Ok(()))) {
                errors += 1;
                if errors <= 3 {
                    eprintln!("rss_inflight: request failed: {r:?}");
                }
            }
        }
        (before, start.elapsed(), errors)
    });
    let peak = status_mib("self", "VmHWM:");
    child.finish();
    // All requests must have overlapped: with `delay` per request, n sequential requests
    // would take n × delay; in flight together they take about one delay.
    let concurrent = elapsed < delay * 2 + Duration::from_secs(2);
    println!(
        "client_rss_1k_inflight: {n} requests in {:.2}s ({errors} errors, concurrent: {concurrent}); \
         RSS before {before:.1} MiB, peak {peak:.1} MiB (target ≤ {TARGET_MIB} MiB)",
        elapsed.as_secs_f64()
    );
    println!(
        "BENCH {}",
        serde_json::json!({
            "name": "client_rss_1k_inflight", "value": (peak * 10.0).round() / 10.0, "unit": "MiB",
            "baseline_name": "target", "baseline_value": TARGET_MIB, "ratio": peak / TARGET_MIB,
            "requests": n, "errors": errors, "rss_before_mib": (before * 10.0).round() / 10.0,
            "elapsed_s": elapsed.as_secs_f64(), "concurrent": concurrent,
        })
    );
    assert_eq!(errors, 0, "every in-flight request must succeed");
    assert!(concurrent, "the requests did not overlap ({elapsed:?})");
}
