//! Throughput of `HttpTransport` vs a bare hyper-util legacy client.
//!
//! One process, one local hyper server, the same N POSTs at concurrency 64
//! through (a) a bare `hyper_util` legacy `Client` and (b) `HttpTransport`,
//! 5 rounds alternating which goes first. Prints per-round req/s, the median
//! ratio transport/bare, and one `BENCH {...}` JSON line.
//!
//! `DBC_BENCH_N` overrides N (default 20000).

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dbc_transport::{HttpRequest, HttpTransport, Transport};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpListener;

const CONCURRENCY: usize = 64;
const ROUNDS: usize = 5;
const SLICES: usize = 10;
const PATH: &str = "/api/v1/mining_nodes/bench";
const REQ_BODY: &str = r#"{"nonce":"1234567890","sign":"0x00112233445566778899aabbccddeeff","wallet":"5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL","data":{"gpu_count":1}}"#;
const RESP_BODY: &str =
    r#"{"code":10001,"msg":"ok","data":{"machine_id":"abc","gpu_num":1,"status":"online"}}"#;

async fn start_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let svc = service_fn(|req: Request<Incoming>| async move {
                    let _ = req.into_body().collect().await;
                    let mut r = Response::new(Full::new(Bytes::from_static(RESP_BODY.as_bytes())));
                    r.headers_mut()
                        .insert("content-type", "application/json".parse().expect("hv"));
                    Ok::<_, Infallible>(r)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    addr
}

type Bare = Client<HttpConnector, Full<Bytes>>;

fn bare_client() -> Bare {
    // Same connector settings as HttpTransport so the ratio measures the wrapper.
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .build(http)
}

async fn run_bare(client: &Bare, base: &str, n: usize) -> Duration {
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

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n: usize = std::env::var("DBC_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let addr = start_server().await;
        let base = format!("http://{addr}");
        let bare = bare_client();
        let transport = HttpTransport::builder()
            .base_url(&base)
            .build()
            .expect("transport");

        // Warm up both pools (open connections, fill caches).
        let warm = (n / 10).clamp(CONCURRENCY, 2_000);
        run_bare(&bare, &base, warm).await;
        run_transport(&transport, warm).await;

        println!("throughput: N={n} POSTs, concurrency {CONCURRENCY}, {ROUNDS} rounds, server {base}");
        let (mut bares, mut trans, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            // The machine is shared: to expose both clients to the same noise,
            // each round interleaves SLICES slices of N/SLICES requests,
            // alternating which client goes first, and sums the elapsed time.
            let per = (n / SLICES).max(1);
            let total = per * SLICES;
            let (mut tb, mut tt) = (Duration::ZERO, Duration::ZERO);
            for slice in 0..SLICES {
                if (round + slice) % 2 == 0 {
                    tb += run_bare(&bare, &base, per).await;
                    tt += run_transport(&transport, per).await;
                } else {
                    tt += run_transport(&transport, per).await;
                    tb += run_bare(&bare, &base, per).await;
                }
            }
            let b = total as f64 / tb.as_secs_f64();
            let t = total as f64 / tt.as_secs_f64();
            println!(
                "round {}: hyper_util_bare {:>9.0} req/s | HttpTransport {:>9.0} req/s | ratio {:.3}{}",
                round + 1,
                b,
                t,
                t / b,
                if round % 2 == 0 { " (bare first)" } else { " (transport first)" },
            );
            bares.push(b);
            trans.push(t);
            ratios.push(t / b);
        }
        let (mb, mt, mr) = (median(bares), median(trans), median(ratios));
        println!("median: hyper_util_bare {mb:.0} req/s, HttpTransport {mt:.0} req/s, median ratio transport/bare {mr:.3} (target >= 0.93)");
        println!(
            "BENCH {{\"name\":\"transport_vs_hyper\",\"value\":{mt:.1},\"unit\":\"req/s\",\"baseline_name\":\"hyper_util_bare\",\"baseline_value\":{mb:.1},\"ratio\":{mr:.4}}}"
        );
    });
}
