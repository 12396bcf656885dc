//! `POST /api/v1/tasks` per second through `dbc_api::Client` vs bare hyper-util sending
//! pre-built bodies, against the same in-process simulator, at concurrency 64; once with a
//! session credential and once with wallet signatures (the baseline pre-signs every body, each
//! with its own nonce). Prints both throughputs, the ratio, and a `BENCH {json}` line per figure.
//!
//! `cargo bench -p dbc-api --bench client_vs_hyper` (env `DBC_BENCH_N`, default 20000; `DBC_BENCH_ROUNDS`, default 3).

use bytes::Bytes;
use dbc_api::{Client, Credentials};
use dbc_sign::{Keypair, Signer};
use dbc_types::{Credential, Envelope, NodeId};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 64;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run_client(client: &Client, node: &NodeId, n: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (c, node, next) = (client.clone(), node.clone(), next.clone());
        set.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                c.node(&node)
                    .tasks()
                    .list()
                    .await
                    .expect("list through Client");
            }
        });
    }
    while set.join_next().await.is_some() {}
    start.elapsed()
}

type Bare = HyperClient<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn run_bare(bare: &Bare, uri: &str, bodies: Arc<Vec<Bytes>>, n: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (bare, uri, next, bodies) =
            (bare.clone(), uri.to_owned(), next.clone(), bodies.clone());
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let body = bodies[i % bodies.len()].clone();
                let req = hyper::Request::post(&uri)
                    .header("content-type", "application/json")
                    .body(Full::new(body))
                    .expect("request");
                let resp = bare.request(req).await.expect("bare request");
                assert_eq!(resp.status(), 200);
                let b = resp.into_body().collect().await.expect("body").to_bytes();
                assert!(
                    b.starts_with(b"{\"errcode\":0"),
                    "{}",
                    String::from_utf8_lossy(&b)
                );
            }
        });
    }
    while set.join_next().await.is_some() {}
    start.elapsed()
}

fn body(node: &NodeId, credential: Credential) -> Bytes {
    let env = Envelope {
        peer: Some(node.clone()),
        additional: dbc_types::models::Empty {},
        credential,
        rent_order: None,
    };
    Bytes::from(serde_json::to_vec(&env).expect("json"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn bench_line(name: &str, value: f64, unit: &str, baseline_name: &str, baseline: f64) {
    println!(
        "BENCH {}",
        serde_json::json!({"name": name, "value": value, "unit": unit, "baseline_name": baseline_name,
                           "baseline_value": baseline, "ratio": value / baseline})
    );
}

#[tokio::main]
async fn main() {
    let n = env_usize("DBC_BENCH_N", 20_000);
    let rounds = env_usize("DBC_BENCH_ROUNDS", 3);
    let sim = dbc_sim::Simulator::builder()
        .start()
        .await
        .expect("simulator");
    let node = sim.rented_node();
    let alice = Keypair::from_suri("//Alice").expect("dev key");
    let uri = format!("{}/api/v1/tasks", sim.url());
    let bare: Bare = HyperClient::builder(TokioExecutor::new())
        .pool_max_idle_per_host(CONCURRENCY)
        .build_http();

    // Session credential.
    let wallet_client = Client::builder()
        .url(sim.url())
        .credentials(Credentials::signer(alice.clone()))
        .build()
        .expect("client");
    let (session, session_client) = wallet_client
        .node(&node)
        .open_session(&alice)
        .await
        .expect("session");
    let session_body = Arc::new(vec![body(&node, session.credential().expect("credential"))]);
    // Each round interleaves the two clients in 10 slices so that drift in machine load hits
    // both alike; the ratio of the summed times is the round's figure.
    const SLICES: usize = 10;
    let slice = (n / SLICES).max(1);
    let (mut c_rps, mut b_rps) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (mut tc, mut tb) = (Duration::ZERO, Duration::ZERO);
        for i in 0..SLICES {
            if (round + i) % 2 == 0 {
                tc += run_client(&session_client, &node, slice).await;
                tb += run_bare(&bare, &uri, session_body.clone(), slice).await;
            } else {
                tb += run_bare(&bare, &uri, session_body.clone(), slice).await;
                tc += run_client(&session_client, &node, slice).await;
            }
        }
        let total = (slice * SLICES) as f64;
        let (c, b) = (total / tc.as_secs_f64(), total / tb.as_secs_f64());
        println!(
            "session round {round}: Client {c:.0} req/s, bare hyper {b:.0} req/s, ratio {:.3}",
            c / b
        );
        c_rps.push(c);
        b_rps.push(b);
    }
    let (c, b) = (median(c_rps), median(b_rps));
    println!("session median: Client {c:.0} req/s vs bare hyper {b:.0} req/s -> ratio {:.3} (target >= 0.90)", c / b);
    bench_line(
        "client_session_vs_hyper",
        c,
        "req/s",
        "hyper_util_bare_prebuilt",
        b,
    );

    // Wallet signatures: the baseline pre-signs every body (its own nonce each).
    let nw = (n / 4).max(1000);
    let sign_start = Instant::now();
    let presigned: Vec<Bytes> = (0..nw)
        .map(|_| {
            body(
                &node,
                dbc_sign::wallet_credential(&alice as &dyn Signer).expect("sign"),
            )
        })
        .collect();
    let sign_cost = sign_start.elapsed().as_secs_f64() / nw as f64;
    let presigned = Arc::new(presigned);
    let tb = run_bare(&bare, &uri, presigned, nw).await;
    let tc = run_client(&wallet_client, &node, nw).await;
    let (c, b) = (nw as f64 / tc.as_secs_f64(), nw as f64 / tb.as_secs_f64());
    let cores = std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(1) as f64;
    let predicted = tb.as_secs_f64() + nw as f64 * sign_cost / cores;
    println!(
        "wallet: Client {c:.0} req/s vs pre-signed bare {b:.0} req/s -> ratio {:.3}; signing costs {:.1} us/request; predicted Client time {:.2}s (pre-signed {:.2}s + signing on {cores} cores), actual {:.2}s -> explained within {:.1}%",
        c / b,
        sign_cost * 1e6,
        predicted,
        tb.as_secs_f64(),
        tc.as_secs_f64(),
        100.0 * (tc.as_secs_f64() - predicted).abs() / predicted
    );
    bench_line(
        "client_wallet_vs_presigned",
        c,
        "req/s",
        "hyper_util_bare_presigned",
        b,
    );
    sim.shutdown().await;
}
