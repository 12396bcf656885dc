//! `fleet_list_1k_nodes`: `tasks.list` (what `dbc vm list --nodes …` runs) on 1,000 rented nodes
//! through `Client::for_nodes(…, 64)`, against the single-node client at the same concurrency
//! (64 workers sending 1,000 `tasks.list` to one node through the same `Client`).
//!
//! The simulator (a world of 1,000 nodes rented by //Alice) runs in a child process (this same
//! binary, re-executed with `DBC_FLEET_ROLE=sim`), so the peak RSS (`VmHWM`) is the client's.
//! Rounds alternate fleet and baseline; the figure is the median of each. Prints one
//! `BENCH {json}` line: wall time of the fleet run, the baseline's, the throughput ratio (floor
//! 0.8) and the peak RSS (≤ 64 MiB).
//!
//! `cargo bench -p dbc-api --bench fleet` (env `DBC_FLEET_NODES`, default 1000;
//! `DBC_FLEET_ROUNDS`, default 5; `DBC_FLEET_CONCURRENCY`, default 64).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use dbc_api::{Client, Credentials};
use dbc_sign::Keypair;
use dbc_sim::config::{MachineState, NodeConfig, Renter, SimConfig};
use dbc_sim::Simulator;
use dbc_testkit::process::{env_usize, is_child, runtime, status_mib, stdin_closed, RoleChild};
use dbc_types::models::Empty;
use dbc_types::registry::TasksList;
use dbc_types::NodeId;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const RSS_TARGET_MIB: f64 = 64.0;
const RATIO_FLOOR: f64 = 0.8;

/// Child role: the 1,000-node world; prints the URL, exits when stdin closes.
fn serve_sim(nodes: usize) {
    runtime(1).block_on(async {
        let cfg = SimConfig {
            nodes: (0..nodes)
                .map(|_| NodeConfig {
                    state: MachineState::Rented,
                    renter: Some(Renter::Wallet {
                        wallet: ALICE.into(),
                    }),
                    ..NodeConfig::default()
                })
                .collect(),
            ..SimConfig::default()
        };
        let sim = Simulator::builder()
            .config(cfg)
            .start()
            .await
            .expect("simulator");
        println!("{}", sim.url());
        std::io::stdout().flush().unwrap();
        stdin_closed().await;
        sim.shutdown().await;
    });
}

/// The fan-out: every node once. Returns the wall time and the number of failures.
async fn fleet(client: &Client, ids: &[NodeId], concurrency: usize) -> (Duration, usize) {
    let t = Instant::now();
    let res = client
        .for_nodes(ids.to_vec(), concurrency)
        .deadline(Duration::from_secs(45))
        .call::<TasksList>(&Default::default(), Empty {})
        .await;
    let failed = res.iter().filter(|(_, r)| r.is_err()).count();
    (t.elapsed(), failed)
}

/// The single-node client: `n` requests to one node from `concurrency` workers.
async fn single(client: &Client, node: &NodeId, n: usize, concurrency: usize) -> (Duration, usize) {
    let t = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (c, node, next, failed) = (client.clone(), node.clone(), next.clone(), failed.clone());
        set.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                if c.call::<TasksList>(Some(&node), &Default::default(), Empty {})
                    .await
                    .is_err()
                {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while set.join_next().await.is_some() {}
    (t.elapsed(), failed.load(Ordering::Relaxed))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let nodes = env_usize("DBC_FLEET_NODES", 1000);
    if is_child("DBC_FLEET_ROLE") {
        serve_sim(nodes);
        return;
    }
    let rounds = env_usize("DBC_FLEET_ROUNDS", 5).max(1);
    let concurrency = env_usize("DBC_FLEET_CONCURRENCY", 64);
    let child = RoleChild::spawn("DBC_FLEET_ROLE", &[("DBC_FLEET_NODES", nodes.to_string())]);
    let url = child.ready.clone();

    let rt = runtime(2);
    let (fleet_ms, single_ms, failures) = rt.block_on(async {
        let client = Client::builder()
            .url(&url)
            .credentials(Credentials::signer(Keypair::from_suri("//Alice").unwrap()))
            .build()
            .unwrap();
        let list = client.nodes().list().await.expect("node list");
        let ids: Vec<NodeId> = list.mining_nodes.into_iter().map(|n| n.node_id).collect();
        assert_eq!(ids.len(), nodes, "the world has {nodes} nodes");
        // Warm-up: connections and the simulator's per-node state.
        let _ = fleet(&client, &ids, concurrency).await;
        let _ = single(&client, &ids[0], concurrency * 4, concurrency).await;
        let (mut f, mut s, mut failures) = (Vec::new(), Vec::new(), 0usize);
        for _ in 0..rounds {
            let (d, e) = fleet(&client, &ids, concurrency).await;
            f.push(d.as_secs_f64() * 1e3);
            failures += e;
            let (d, e) = single(&client, &ids[0], nodes, concurrency).await;
            s.push(d.as_secs_f64() * 1e3);
            failures += e;
        }
        (median(f), median(s), failures)
    });
    let peak = status_mib("self", "VmHWM:");
    child.finish();
    // Throughput ratio: same number of requests on both sides.
    let ratio = single_ms / fleet_ms;
    let pass = ratio >= RATIO_FLOOR && peak <= RSS_TARGET_MIB && failures == 0;
    println!(
        "fleet_list_1k_nodes: {nodes} nodes at concurrency {concurrency}: {fleet_ms:.1} ms \
         (single node, same requests: {single_ms:.1} ms; ratio {ratio:.3}); peak RSS {peak:.1} MiB; \
         {failures} failures; median of {rounds} rounds"
    );
    println!(
        "BENCH {}",
        serde_json::json!({
            "name": "fleet_list_1k_nodes", "value": (fleet_ms * 10.0).round() / 10.0, "unit": "ms wall",
            "baseline_name": format!("single-node client, {nodes} tasks.list at concurrency {concurrency}"),
            "baseline_value": (single_ms * 10.0).round() / 10.0, "ratio": ratio,
            "peak_rss_mib": (peak * 10.0).round() / 10.0, "nodes": nodes, "concurrency": concurrency,
            "rounds": rounds, "failures": failures,
            "target": format!("throughput ratio ≥ {RATIO_FLOOR}, peak RSS ≤ {RSS_TARGET_MIB} MiB"),
            "pass": pass,
        })
    );
    assert_eq!(failures, 0, "every call must succeed");
}
