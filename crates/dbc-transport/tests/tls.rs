//! HTTPS against an in-test TLS server whose certificates come from a CA made at test time:
//! trust via a CA file, each certificate failure typed with its reason, SNI and ALPN, one
//! handshake for many sequential requests, a handshake that never completes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dbc_testkit::pki::{write, Ca, Leaf};
use dbc_transport::{HttpRequest, HttpTransport, TlsFailure, Transport, TransportError};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::Response;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// What the server saw.
#[derive(Default)]
struct Seen {
    tcp: AtomicUsize,
    handshakes: AtomicUsize,
    sni: Mutex<Vec<Option<String>>>,
    alpn: Mutex<Vec<Option<Vec<u8>>>>,
}

/// An HTTPS echo server with this leaf.
async fn tls_server(leaf: &Leaf) -> (SocketAddr, Arc<Seen>) {
    let acceptor = leaf.acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            s.tcp.fetch_add(1, Ordering::SeqCst);
            let (acceptor, s) = (acceptor.clone(), s.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                s.handshakes.fetch_add(1, Ordering::SeqCst);
                let (_, conn) = tls.get_ref();
                s.sni
                    .lock()
                    .unwrap()
                    .push(conn.server_name().map(str::to_owned));
                s.alpn
                    .lock()
                    .unwrap()
                    .push(conn.alpn_protocol().map(<[u8]>::to_vec));
                let svc = service_fn(|req: hyper::Request<hyper::body::Incoming>| async move {
                    let body = req.into_body().collect().await.unwrap().to_bytes();
                    Ok::<_, Infallible>(Response::new(Full::new(body)))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    (addr, seen)
}

fn transport(url: &str, ca: Option<&std::path::Path>) -> Result<HttpTransport, TransportError> {
    let mut b = HttpTransport::builder()
        .base_url(url)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(5));
    if let Some(ca) = ca {
        b = b.ca_cert_file(ca);
    }
    b.build()
}

async fn tls_failure(url: &str, ca: Option<&std::path::Path>) -> (TlsFailure, TransportError) {
    let t = transport(url, ca).unwrap();
    let err = t.send(HttpRequest::post("/x", "{}")).await.unwrap_err();
    match &err {
        TransportError::Tls { reason, .. } => (*reason, err),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn trusted_with_the_ca_file_and_sends_sni_and_alpn() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("dbc test CA");
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let (addr, seen) = tls_server(&ca.leaf(&["localhost", "127.0.0.1"])).await;
    for url in [
        format!("https://localhost:{}", addr.port()),
        format!("https://127.0.0.1:{}", addr.port()),
    ] {
        let t = transport(&url, Some(&ca_file)).unwrap();
        let resp = t
            .send(HttpRequest::post("/echo", "{\"a\":1}"))
            .await
            .unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(&resp.body[..], b"{\"a\":1}");
    }
    let sni = seen.sni.lock().unwrap().clone();
    // SNI carries the DNS name; IP addresses are not sent as SNI (RFC 6066).
    assert_eq!(sni, vec![Some("localhost".to_owned()), None]);
    let alpn = seen.alpn.lock().unwrap().clone();
    assert!(
        alpn.iter().all(|a| a.as_deref() == Some(&b"http/1.1"[..])),
        "{alpn:?}"
    );
}

#[tokio::test]
async fn sequential_requests_reuse_one_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("dbc test CA");
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let (addr, seen) = tls_server(&ca.leaf(&["localhost"])).await;
    let t = transport(
        &format!("https://localhost:{}", addr.port()),
        Some(&ca_file),
    )
    .unwrap();
    for i in 0..50 {
        let resp = t
            .send(HttpRequest::post("/n", format!("{i}")))
            .await
            .unwrap();
        assert_eq!(resp.body, Bytes::from(format!("{i}")));
        // hyper's pool takes a connection back on a task of its own once the reply is read;
        // a request sent in the same instant may open a second connection on a loaded
        // machine. Sequential requests a moment apart (as a user or a poll loop sends them)
        // must share one connection and one handshake.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(seen.tcp.load(Ordering::SeqCst), 1);
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unknown_ca_is_named() {
    let ca = Ca::new("private CA nobody trusts");
    let (addr, seen) = tls_server(&ca.leaf(&["localhost"])).await;
    let (reason, err) = tls_failure(&format!("https://localhost:{}", addr.port()), None).await;
    assert_eq!(reason, TlsFailure::UnknownIssuer, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("not signed by a trusted CA") && msg.contains("--cacert"),
        "{msg}"
    );
    assert!(!err.is_connect_failure() && !err.is_outcome_unknown());
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_wrong_host_name_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("dbc test CA");
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let (addr, _) = tls_server(&ca.leaf(&["node.example"])).await;
    let (reason, err) = tls_failure(
        &format!("https://localhost:{}", addr.port()),
        Some(&ca_file),
    )
    .await;
    assert_eq!(reason, TlsFailure::WrongHost, "{err}");
    assert!(
        err.to_string().contains("not valid for this host name"),
        "{err}"
    );
}

#[tokio::test]
async fn an_expired_certificate_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("dbc test CA");
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let (addr, _) = tls_server(&ca.expired_leaf(&["localhost"])).await;
    let (reason, err) = tls_failure(
        &format!("https://localhost:{}", addr.port()),
        Some(&ca_file),
    )
    .await;
    assert_eq!(reason, TlsFailure::Expired, "{err}");
    assert!(err.to_string().contains("expired"), "{err}");
}

#[tokio::test]
async fn a_handshake_that_never_completes_times_out_within_the_connect_timeout() {
    // Accepts TCP connections and never answers the ClientHello.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let t = HttpTransport::builder()
        .base_url(&format!("https://localhost:{}", addr.port()))
        .connect_timeout(Duration::from_millis(500))
        .request_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = t.send(HttpRequest::post("/x", "{}")).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(
            err,
            TransportError::Tls {
                reason: TlsFailure::HandshakeTimeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        took < Duration::from_millis(500) + Duration::from_secs(1),
        "{took:?}"
    );
    assert!(
        err.is_connect_failure(),
        "nothing was sent: a retry is safe"
    );
}

#[tokio::test]
async fn an_http_port_behind_an_https_url_is_a_protocol_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let svc = service_fn(|_req| async {
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"{}"))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(s), svc)
                    .await;
            });
        }
    });
    let (reason, err) = tls_failure(&format!("https://localhost:{}", addr.port()), None).await;
    assert_eq!(reason, TlsFailure::Protocol, "{err}");
    assert!(err.to_string().contains("https port"), "{err}");
}

#[test]
fn bad_ca_files_are_configuration_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = write(dir.path(), "junk.pem", "hello");
    let bad_pem = write(
        dir.path(),
        "bad.pem",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    );
    for path in [
        dir.path().join("missing.pem"),
        not_pem,
        bad_pem,
        dir.path().to_path_buf(),
    ] {
        let err = transport("https://localhost:1", Some(path.as_path())).unwrap_err();
        assert!(
            matches!(
                err,
                TransportError::Config {
                    setting: "ca_cert_file",
                    ..
                }
            ),
            "{path:?}: {err:?}"
        );
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
    // An http:// transport never reads the CA file.
    transport(
        "http://localhost:1",
        Some(dir.path().join("missing.pem").as_path()),
    )
    .unwrap();
}

#[test]
fn default_ports_and_user_info() {
    let t = transport("https://localhost", None).unwrap();
    assert_eq!(t.base_url(), "https://localhost:443");
    let t = transport("http://localhost", None).unwrap();
    assert_eq!(t.base_url(), "http://localhost:80");
    let err = transport("https://alice:hunter2@localhost", None).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
}
