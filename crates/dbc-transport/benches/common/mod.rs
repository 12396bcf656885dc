//! What the two throughput benches share: the request and reply, the server's service, the
//! bare hyper-util client's settings, both clients' request loops and the interleaved rounds.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dbc_transport::{HttpRequest, HttpTransport, Transport};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

const CONCURRENCY: usize = 64;
const ROUNDS: usize = 5;
const SLICES: usize = 10;
const PATH: &str = "/api/v1/mining_nodes/bench";
const REQ_BODY: &str = r#"{"nonce":"1234567890","sign":"0x00112233445566778899aabbccddeeff","wallet":"5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL","data":{"gpu_count":1}}"#;
const RESP_BODY: &str =
    r#"{"code":10001,"msg":"ok","data":{"machine_id":"abc","gpu_num":1,"status":"online"}}"#;

/// `DBC_BENCH_N`, default 20,000.
pub fn requests() -> usize {
    std::env::var("DBC_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

/// The bench's multi-thread runtime (one worker per core).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Serves one connection: every request gets the fixed JSON reply.
pub async fn serve<I: Read + Write + Unpin + Send + 'static>(io: I) {
    let svc = service_fn(|req: Request<Incoming>| async move {
        let _ = req.into_body().collect().await;
        let mut r = Response::new(Full::new(Bytes::from_static(RESP_BODY.as_bytes())));
        r.headers_mut()
            .insert("content-type", "application/json".parse().expect("hv"));
        Ok::<_, Infallible>(r)
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, svc)
        .await;
}

/// The TCP connector with HttpTransport's settings (no Nagle, 5 s connect timeout).
pub fn http_connector() -> HttpConnector {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    http
}

/// The bare client over `connector`, with HttpTransport's pool settings, so the ratio measures
/// the wrapper.
pub fn bare_client<C: Connect + Clone + Send + Sync + 'static>(
    connector: C,
) -> Client<C, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .build(connector)
}

async fn run_bare<C: Connect + Clone + Send + Sync + 'static>(
    client: &Client<C, Full<Bytes>>,
    base: &str,
    n: usize,
) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let uri: Arc<str> = format!("{base}{PATH}").into();
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(CONCURRENCY);
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let next = next.clone();
        let uri = uri.clone();
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let req = Request::builder()
                    .method("POST")
                    .uri(&*uri)
                    .header("user-agent", "dbc-rs/bench")
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from_static(REQ_BODY.as_bytes())))
                    .expect("request");
                let resp = client.request(req).await.expect("bare request");
                let (parts, body) = resp.into_parts();
                let body = body.collect().await.expect("bare body").to_bytes();
                assert_eq!(parts.status, 200);
                assert_eq!(body.len(), RESP_BODY.len());
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    start.elapsed()
}

async fn run_transport(t: &HttpTransport, n: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(CONCURRENCY);
    for _ in 0..CONCURRENCY {
        let t = t.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let resp = t
                    .send(HttpRequest::post(
                        PATH,
                        Bytes::from_static(REQ_BODY.as_bytes()),
                    ))
                    .await
                    .expect("transport request");
                assert_eq!(resp.status, 200);
                assert_eq!(resp.body.len(), RESP_BODY.len());
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    start.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Warms both pools, then runs the rounds: each interleaves `SLICES` slices of N/`SLICES`
/// requests through both clients, alternating which goes first (the machine is shared: both
/// see the same noise). Prints each round and returns the medians (bare req/s, transport
/// req/s, ratio transport/bare).
pub async fn rounds<C: Connect + Clone + Send + Sync + 'static>(
    bare: &Client<C, Full<Bytes>>,
    bare_name: &str,
    base: &str,
    transport: &HttpTransport,
    n: usize,
) -> (f64, f64, f64) {
    let warm = (n / 10).clamp(CONCURRENCY, 2_000);
    run_bare(bare, base, warm).await;
    run_transport(transport, warm).await;
    println!("throughput: N={n} POSTs, concurrency {CONCURRENCY}, {ROUNDS} rounds, server {base}");
    let (mut bares, mut trans, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let per = (n / SLICES).max(1);
        let total = per * SLICES;
        let (mut tb, mut tt) = (Duration::ZERO, Duration::ZERO);
        for slice in 0..SLICES {
            if (round + slice) % 2 == 0 {
                tb += run_bare(bare, base, per).await;
                tt += run_transport(transport, per).await;
            } else {
                tt += run_transport(transport, per).await;
                tb += run_bare(bare, base, per).await;
            }
        }
        let b = total as f64 / tb.as_secs_f64();
        let t = total as f64 / tt.as_secs_f64();
        println!(
            "round {}: {bare_name} {b:>9.0} req/s | HttpTransport {t:>9.0} req/s | ratio {:.3}",
            round + 1,
            t / b,
        );
        bares.push(b);
        trans.push(t);
        ratios.push(t / b);
    }
    (median(bares), median(trans), median(ratios))
}
