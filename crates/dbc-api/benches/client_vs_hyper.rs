//! `POST /api/v1/tasks` per second through `dbc_api::Client` vs bare hyper-util sending
//! pre-built bodies, against the same in-process simulator, at concurrency 64; once with a
//! session credential and once with wallet signatures (the baseline pre-signs every body, each
//! with its own nonce). Prints both throughputs, the ratio, and a `BENCH {json}` line per figure.
//!
//! The baseline sends the same request head as `HttpTransport` (`User-Agent`, `Content-Type`).
//! Each round interleaves the two clients in 10 slices so machine noise hits both alike; the
//! figures are medians over the rounds. The baseline hyper client uses the same connector and
//! pool settings as `HttpTransport` (no Nagle, 64 idle connections), so the ratio measures the
//! client layer, not a socket option.
//!
//! Wallet signatures: the gap to the pre-signed baseline is decomposed into the client layer
//! (this run's session ratio) plus the signing cost (timed in the same round, single-threaded,
//! spread over the machine's cores because client and simulator are CPU-bound together); the
//! bench prints how far the prediction is from the measured time.
//!
//! `cargo bench -p dbc-api --bench client_vs_hyper` (env `DBC_BENCH_N`, default 20000; `DBC_BENCH_ROUNDS`, default 5;
//! `DBC_BENCH_SESSION_ONLY` stops after the session figure, e.g. for profiling).

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
/// HttpTransport's default `User-Agent`, sent by the baseline too.
const USER_AGENT: &str = concat!("dbc-rs/", env!("CARGO_PKG_VERSION"));

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
                // the same request head HttpTransport sends, so the server's work is identical
                let req = hyper::Request::post(&uri)
                    .header("user-agent", USER_AGENT)
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

#[tokio::main]
async fn main() {
    let n = env_usize("DBC_BENCH_N", 20_000);
    let rounds = env_usize("DBC_BENCH_ROUNDS", 5);
    let sim = dbc_sim::Simulator::builder()
        .start()
        .await
        .expect("simulator");
    let node = sim.rented_node();
    let alice = Keypair::from_suri("//Alice").expect("dev key");
    let uri = format!("{}/api/v1/tasks", sim.url());
    let bare: Bare = {
        // the connector and pool settings of HttpTransport
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        HyperClient::builder(TokioExecutor::new())
            .pool_max_idle_per_host(CONCURRENCY)
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .build(http)
    };

    // Session credential.
    let wallet_client = Client::builder()
        .url(sim.url())
        .credentials(Credentials::signer(alice.clone()))
        .build()
        .expect("client");
    let session_node = wallet_client
        .node(&node)
        .open_session()
        .await
        .expect("session");
    let session = session_node.credentials().clone();
    let session_client = session_node.client().clone();
    let session_body = Arc::new(vec![body(&node, session.credential().expect("credential"))]);
    // Each round interleaves the two clients in 10 slices so that drift in machine load hits
    // both alike; the ratio of the summed times is the round's figure.
    const SLICES: usize = 10;
    let slice = (n / SLICES).max(1);
    let (mut c_rps, mut b_rps, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
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
        ratios.push(c / b);
    }
    let (c, b) = (median(c_rps), median(b_rps));
    let session_ratio = median(ratios);
    println!("session median of {rounds} rounds: Client {c:.0} req/s vs bare hyper {b:.0} req/s -> median ratio {session_ratio:.3} (target >= 0.90)");
    println!(
        "BENCH {}",
        serde_json::json!({"name": "client_session_vs_hyper", "value": c, "unit": "req/s",
                           "baseline_name": "hyper_util_bare_prebuilt", "baseline_value": b,
                           "ratio": session_ratio, "rounds": rounds})
    );

    if std::env::var_os("DBC_BENCH_SESSION_ONLY").is_some() {
        return; // for profiling the session path alone
    }

    // Wallet signatures: the baseline pre-signs every body (its own nonce each), before timing.
    let cores = std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(1) as f64;
    let nw = (n / 4).max(1000);
    let wslice = (nw / SLICES).max(1);
    let (mut wc, mut wb, mut wratios, mut errors, mut costs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // this round's signing cost: a fresh nonce + signature, as the client makes them
        let sign_start = Instant::now();
        let presigned: Vec<Bytes> = (0..wslice * SLICES)
            .map(|_| {
                body(
                    &node,
                    dbc_sign::wallet_credential(&alice as &dyn Signer).expect("sign"),
                )
            })
            .collect();
        let sign_cost = sign_start.elapsed().as_secs_f64() / (wslice * SLICES) as f64;
        let presigned = Arc::new(presigned);
        let (mut tc, mut tb) = (Duration::ZERO, Duration::ZERO);
        for i in 0..SLICES {
            // each slice posts its own pre-signed bodies: nonces are single use
            let part = Arc::new(presigned[i * wslice..(i + 1) * wslice].to_vec());
            if (round + i) % 2 == 0 {
                tc += run_client(&wallet_client, &node, wslice).await;
                tb += run_bare(&bare, &uri, part, wslice).await;
            } else {
                tb += run_bare(&bare, &uri, part, wslice).await;
                tc += run_client(&wallet_client, &node, wslice).await;
            }
        }
        let total = (wslice * SLICES) as f64;
        let (c, b) = (total / tc.as_secs_f64(), total / tb.as_secs_f64());
        // client layer (this run's session ratio) + signing spread over the cores
        let predicted = tb.as_secs_f64() / session_ratio + total * sign_cost / cores;
        let err = (tc.as_secs_f64() - predicted).abs() / tc.as_secs_f64();
        println!(
            "wallet round {round}: Client {c:.0} req/s, pre-signed bare {b:.0} req/s, ratio {:.3}; signing {:.1} us/request; predicted {:.3}s = {:.3}s / {session_ratio:.3} + signing {:.3}s on {cores} cores; actual {:.3}s -> off by {:.1}%",
            c / b,
            sign_cost * 1e6,
            predicted,
            tb.as_secs_f64(),
            total * sign_cost / cores,
            tc.as_secs_f64(),
            100.0 * err
        );
        wc.push(c);
        wb.push(b);
        wratios.push(c / b);
        errors.push(err);
        costs.push(sign_cost);
    }
    let (c, b, r) = (median(wc), median(wb), median(wratios));
    let (err, cost) = (median(errors), median(costs));
    println!(
        "wallet median of {rounds} rounds: Client {c:.0} req/s vs pre-signed bare {b:.0} req/s -> ratio {r:.3}; signing {:.1} us/request; the gap is explained by client layer + signing within {:.1}% (target 10%)",
        cost * 1e6,
        100.0 * err
    );
    println!(
        "BENCH {}",
        serde_json::json!({"name": "client_wallet_vs_presigned", "value": c, "unit": "req/s",
                           "baseline_name": "hyper_util_bare_presigned", "baseline_value": b,
                           "ratio": r, "sign_us": cost * 1e6, "explained_within_pct": 100.0 * err,
                           "rounds": rounds})
    );
    sim.shutdown().await;
}
