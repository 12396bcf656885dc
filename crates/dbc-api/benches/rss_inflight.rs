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
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TARGET_MIB: f64 = 64.0;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A `kB` field of `/proc/self/status`, in MiB.
fn status_mib(field: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Child role: serve a simulator whose `nodes.info` route answers after `delay`; print the
/// URL and the node id, exit when stdin closes.
fn serve_sim(delay: Duration) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = Simulator::builder()
            .fault(Fault {
                node: None,
                route: Some("nodes.info".into()),
                kind: FaultKind::Latency(delay),
            })
            .start()
            .await
            .expect("simulator");
        println!("{} {}", sim.url(), sim.rented_node());
        std::io::stdout().flush().unwrap();
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
        sim.shutdown().await;
    });
}

fn main() {
    let delay = Duration::from_millis(env_u64("DBC_RSS_DELAY_MS", 2000));
    if std::env::var("DBC_RSS_ROLE").as_deref() == Ok("sim") {
        serve_sim(delay);
        return;
    }
    let n = env_u64("DBC_RSS_N", 1000) as usize;
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .env("DBC_RSS_ROLE", "sim")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the simulator process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let mut parts = line.split_whitespace();
    let url = parts.next().expect("url").to_owned();
    let node: dbc_types::NodeId = parts.next().expect("node id").parse().unwrap();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (before, elapsed, errors) = rt.block_on(async {
        let client = Client::builder()
            .url(&url)
            .retries(0)
            .request_timeout(delay * 10)
            .build()
            .unwrap();
        // Warm up (one connection, TLS-free) so the baseline includes the client's own state.
        let _ = client.version().await;
        let before = status_mib("VmRSS:");
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
    let peak = status_mib("VmHWM:");
    drop(child.stdin.take());
    let _ = child.wait();
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
