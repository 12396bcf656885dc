//! Throughput over TLS: `HttpTransport` (https://) vs a bare hyper-util legacy `Client` with
//! hyper-rustls's connector, with the same settings (ring, TLS 1.3, ALPN http/1.1, nodelay,
//! connect timeout, pool size and idle timeout).
//!
//! One process, one local hyper server behind rustls (certificate from a CA made at start-up
//! with rcgen), the same N POSTs at concurrency 64 through both clients, 5 rounds of
//! interleaved slices alternating which client goes first. Prints per-round req/s, the median
//! ratio transport/bare, and one `BENCH {...}` JSON line (`transport_tls_vs_hyper`).
//!
//! `DBC_BENCH_N` overrides N (default 20000).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

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
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;

const CONCURRENCY: usize = 64;
const ROUNDS: usize = 5;
const SLICES: usize = 10;
const PATH: &str = "/api/v1/mining_nodes/bench";
const REQ_BODY: &str = r#"{"nonce":"1234567890","sign":"0x00112233445566778899aabbccddeeff","wallet":"5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL","data":{"gpu_count":1}}"#;
const RESP_BODY: &str =
    r#"{"code":10001,"msg":"ok","data":{"machine_id":"abc","gpu_num":1,"status":"online"}}"#;

/// CA certificate (PEM) and a localhost leaf + key.
fn pki() -> (String, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    (ca_cert.pem(), leaf.pem(), key.serialize_pem())
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

async fn start_server(cert: &str, key: &str) -> std::net::SocketAddr {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let svc = service_fn(|req: Request<Incoming>| async move {
                    let _ = req.into_body().collect().await;
                    let mut r = Response::new(Full::new(Bytes::from_static(RESP_BODY.as_bytes())));
                    r.headers_mut()
                        .insert("content-type", "application/json".parse().expect("hv"));
                    Ok::<_, Infallible>(r)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    addr
}

type Bare = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

fn bare_client(ca_pem: &str) -> Bare {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // hyper-rustls sets ALPN itself (`http/1.1` with enable_http1 only).
    // Same connector settings as HttpTransport so the ratio measures the wrapper.
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only()
        .enable_http1()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .build(https)
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
        let (ca, cert, key) = pki();
        let addr = start_server(&cert, &key).await;
        let base = format!("https://localhost:{}", addr.port());
        let dir = std::env::temp_dir().join(format!("dbc-tls-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, &ca).expect("ca file");
        let bare = bare_client(&ca);
        let transport = HttpTransport::builder()
            .base_url(&base)
            .ca_cert_file(&ca_file)
            .proxy(dbc_transport::Proxy::none())
            .build()
            .expect("transport");
        let _ = std::fs::remove_dir_all(&dir);

        // Warm up both pools (handshakes, caches).
        let warm = (n / 10).clamp(CONCURRENCY, 2_000);
        run_bare(&bare, &base, warm).await;
        run_transport(&transport, warm).await;

        println!("tls throughput: N={n} POSTs, concurrency {CONCURRENCY}, {ROUNDS} rounds, server {base}");
        let (mut bares, mut trans, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
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
                "round {}: hyper_util+hyper_rustls {:>9.0} req/s | HttpTransport {:>9.0} req/s | ratio {:.3}",
                round + 1,
                b,
                t,
                t / b,
            );
            bares.push(b);
            trans.push(t);
            ratios.push(t / b);
        }
        let (mb, mt, mr) = (median(bares), median(trans), median(ratios));
        println!("median: bare {mb:.0} req/s, HttpTransport {mt:.0} req/s, median ratio {mr:.3} (target >= 0.90)");
        println!(
            "BENCH {{\"name\":\"transport_tls_vs_hyper\",\"value\":{mt:.1},\"unit\":\"req/s\",\"baseline_name\":\"hyper_util + hyper_rustls bare\",\"baseline_value\":{mb:.1},\"ratio\":{mr:.4}}}"
        );
    });
}
