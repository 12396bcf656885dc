//! Throughput over TLS: `HttpTransport` (https://) vs a bare hyper-util legacy `Client` with
//! hyper-rustls's connector, with the same settings (ring, TLS 1.3, ALPN http/1.1, nodelay,
//! connect timeout, pool size and idle timeout).
//!
//! One process, one local hyper server behind rustls (certificate from a CA made at start-up
//! with `dbc_testkit::pki`), the same N POSTs at concurrency 64 through both clients, 5 rounds of
//! interleaved slices alternating which client goes first (`common/mod.rs`). Prints per-round req/s, the median
//! ratio transport/bare, and one `BENCH {...}` JSON line (`transport_tls_vs_hyper`).
//!
//! `DBC_BENCH_N` overrides N (default 20000).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use dbc_testkit::pki::{Ca, Leaf};
use dbc_transport::HttpTransport;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio::net::TcpListener;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

async fn start_server(leaf: &Leaf) -> std::net::SocketAddr {
    let acceptor = leaf.acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(stream).await {
                    common::serve(TokioIo::new(tls)).await;
                }
            });
        }
    });
    addr
}

/// hyper-rustls's connector over the same TCP connector settings as HttpTransport.
fn bare_connector(
    ca_pem: &str,
) -> hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector> {
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
    let mut http = common::http_connector();
    http.enforce_http(false);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only()
        .enable_http1()
        .wrap_connector(http)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n = common::requests();
    common::runtime().block_on(async move {
        let ca = Ca::new("dbc bench CA");
        let addr = start_server(&ca.leaf(&["localhost"])).await;
        let base = format!("https://localhost:{}", addr.port());
        let dir = std::env::temp_dir().join(format!("dbc-tls-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, &ca.cert_pem).expect("ca file");
        let bare = common::bare_client(bare_connector(&ca.cert_pem));
        let transport = HttpTransport::builder()
            .base_url(&base)
            .ca_cert_file(&ca_file)
            .proxy(dbc_transport::Proxy::none())
            .build()
            .expect("transport");
        let _ = std::fs::remove_dir_all(&dir);

        let (mb, mt, mr) =
            common::rounds(&bare, "hyper_util+hyper_rustls", &base, &transport, n).await;
        println!("median: bare {mb:.0} req/s, HttpTransport {mt:.0} req/s, median ratio {mr:.3} (target >= 0.90)");
        println!(
            "BENCH {{\"name\":\"transport_tls_vs_hyper\",\"value\":{mt:.1},\"unit\":\"req/s\",\"baseline_name\":\"hyper_util + hyper_rustls bare\",\"baseline_value\":{mb:.1},\"ratio\":{mr:.4}}}"
        );
    });
}
