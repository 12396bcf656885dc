//! HTTP proxies against an in-test proxy: absolute form for `http://` servers, `CONNECT` for
//! `https://` ones, Basic credentials (sent, never shown), the environment like curl (loopback
//! bypass, `NO_PROXY`), and typed errors for a refused proxy and a 407.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use dbc_testkit::pki::{write, Ca, Leaf};
use dbc_transport::{
    ConnectKind, HttpRequest, HttpTransport, Proxy, ProxyFailure, Transport, TransportError,
};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::Response;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// An origin server: echoes the body, reports the request target it saw.
async fn origin(tls: Option<&Leaf>) -> SocketAddr {
    let acceptor = tls.map(Leaf::acceptor);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let svc = service_fn(|req: hyper::Request<hyper::body::Incoming>| async move {
                    let target = req.uri().to_string();
                    let auth = req.headers().contains_key("proxy-authorization");
                    let body = req.into_body().collect().await.unwrap().to_bytes();
                    let mut r = Response::new(Full::new(body));
                    r.headers_mut().insert("x-target", target.parse().unwrap());
                    r.headers_mut()
                        .insert("x-saw-proxy-auth", auth.to_string().parse().unwrap());
                    Ok::<_, Infallible>(r)
                });
                let b = hyper::server::conn::http1::Builder::new();
                match acceptor {
                    Some(a) => {
                        if let Ok(tls) = a.accept(s).await {
                            let _ = b.serve_connection(TokioIo::new(tls), svc).await;
                        }
                    }
                    None => {
                        let _ = b.serve_connection(TokioIo::new(s), svc).await;
                    }
                }
            });
        }
    });
    addr
}

/// The shared test proxy, recording each connection's request line and `Proxy-Authorization`.
async fn proxy(
    upstream: SocketAddr,
    auth: Option<&'static str>,
) -> (SocketAddr, dbc_testkit::proxy::Connections) {
    dbc_testkit::proxy::start_recording(upstream, auth).await
}

fn via(url: &str, proxy: Proxy) -> HttpTransport {
    HttpTransport::builder()
        .base_url(url)
        .proxy(proxy)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn http_targets_go_through_the_proxy_in_absolute_form_with_credentials() {
    let up = origin(None).await;
    let (p, log) = proxy(up, Some("Basic Ym9iOnMzY3JldA==")).await;
    // an explicit proxy applies to loopback targets too
    let url = format!("http://127.0.0.1:{}", up.port());
    let t = via(&url, Proxy::url(format!("http://bob:s3cret@{p}")));
    for _ in 0..3 {
        let resp = t
            .send(HttpRequest::post("/api/v1/x?y=1", "{}"))
            .await
            .unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.headers["x-target"], format!("{url}/api/v1/x?y=1"));
        assert_eq!(resp.headers["x-saw-proxy-auth"], "true");
    }
    let lines = log.lock().unwrap().clone();
    assert_eq!(
        lines.len(),
        1,
        "one pooled connection to the proxy: {lines:?}"
    );
    assert_eq!(
        lines[0].request_line,
        format!("POST {url}/api/v1/x?y=1 HTTP/1.1")
    );
    assert_eq!(
        lines[0].proxy_authorization.as_deref(),
        Some("Basic Ym9iOnMzY3JldA==")
    );
    assert!(!format!("{t:?}").contains("s3cret"), "{t:?}");
}

#[tokio::test]
async fn https_targets_go_through_a_connect_tunnel() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("dbc test CA");
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let up = origin(Some(&ca.leaf(&["localhost"]))).await;
    let (p, log) = proxy(up, Some("Basic Ym9iOnMzY3JldA==")).await;
    let t = HttpTransport::builder()
        .base_url(&format!("https://localhost:{}", up.port()))
        .proxy(Proxy::url(format!("http://bob:s3cret@{p}")))
        .ca_cert_file(&ca_file)
        .build()
        .unwrap();
    for _ in 0..3 {
        let resp = t.send(HttpRequest::post("/api/v1/x", "{}")).await.unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(
            resp.headers["x-target"], "/api/v1/x",
            "origin form inside the tunnel"
        );
        assert_eq!(
            resp.headers["x-saw-proxy-auth"], "false",
            "credentials stay with the proxy"
        );
    }
    let lines = log.lock().unwrap().clone();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0].request_line,
        format!("CONNECT localhost:{} HTTP/1.1", up.port())
    );
    assert_eq!(
        lines[0].proxy_authorization.as_deref(),
        Some("Basic Ym9iOnMzY3JldA==")
    );
}

#[tokio::test]
async fn a_refused_proxy_is_a_typed_retry_safe_error() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    for url in ["http://127.0.0.1:9", "https://localhost:9"] {
        let t = via(url, Proxy::url(format!("http://bob:s3cret@{closed}")));
        let err = t.send(HttpRequest::post("/x", "{}")).await.unwrap_err();
        match &err {
            TransportError::Proxy { reason, proxy, .. } => {
                assert_eq!(
                    *reason,
                    ProxyFailure::Connect(ConnectKind::Refused),
                    "{err}"
                );
                assert_eq!(proxy, &format!("http://{closed}"));
            }
            other => panic!("{url}: {other:?}"),
        }
        assert!(err.is_connect_failure());
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("bob"),
            "{shown}"
        );
        assert!(shown.contains("nothing was sent"), "{shown}");
    }
}

#[tokio::test]
async fn proxy_authentication_required_is_typed_for_both_forms() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("dbc test CA");
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let up = origin(Some(&ca.leaf(&["localhost"]))).await;
    let (p, _) = proxy(up, Some("Basic Ym9iOnMzY3JldA==")).await;
    for creds in ["", "bob:wrong@"] {
        let proxy_url = format!("http://{creds}{p}");
        let http = via("http://127.0.0.1:9", Proxy::url(&proxy_url));
        let https = HttpTransport::builder()
            .base_url(&format!("https://localhost:{}", up.port()))
            .proxy(Proxy::url(&proxy_url))
            .ca_cert_file(&ca_file)
            .build()
            .unwrap();
        for t in [http, https] {
            let err = t.send(HttpRequest::post("/x", "{}")).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    TransportError::Proxy {
                        reason: ProxyFailure::AuthRequired,
                        ..
                    }
                ),
                "{}: {err:?}",
                t.base_url()
            );
            assert!(!err.is_connect_failure(), "a retry cannot help");
            assert!(!err.to_string().contains("wrong"), "{err}");
        }
    }
}

/// The environment, like curl. One test, so no other test of this binary sees the variables.
#[tokio::test]
async fn proxies_from_the_environment() {
    let up = origin(None).await;
    let (p, log) = proxy(up, None).await;
    let proxy_url = format!("http://{p}");
    for v in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "REQUEST_METHOD",
    ] {
        std::env::remove_var(v);
    }
    let shown = |t: &HttpTransport| format!("{t:?}");
    std::env::set_var("HTTP_PROXY", &proxy_url);
    // a remote http target goes through HTTP_PROXY, in absolute form
    let t = via("http://node.example:5002", Proxy::from_env());
    let resp = t.send(HttpRequest::post("/a", "{}")).await.unwrap();
    assert_eq!(resp.headers["x-target"], "http://node.example:5002/a");
    assert_eq!(
        log.lock().unwrap().last().unwrap().request_line,
        "POST http://node.example:5002/a HTTP/1.1"
    );
    // loopback targets bypass a proxy from the environment
    for url in [
        format!("http://127.0.0.1:{}", up.port()),
        format!("http://localhost:{}", up.port()),
    ] {
        let before = log.lock().unwrap().len();
        let t = via(&url, Proxy::from_env());
        assert!(shown(&t).contains("proxy: None"), "{}", shown(&t));
        t.send(HttpRequest::post("/b", "{}")).await.unwrap();
        assert_eq!(
            log.lock().unwrap().len(),
            before,
            "{url} went through the proxy"
        );
    }
    // ... but not an explicit proxy
    let t = via(
        &format!("http://127.0.0.1:{}", up.port()),
        Proxy::url(&proxy_url),
    );
    assert!(shown(&t).contains(&proxy_url), "{}", shown(&t));
    // https targets use HTTPS_PROXY, then ALL_PROXY; not HTTP_PROXY
    let t = via("https://node.example", Proxy::from_env());
    assert!(shown(&t).contains("proxy: None"), "{}", shown(&t));
    std::env::set_var("ALL_PROXY", "http://all.example:1");
    let t = via("https://node.example", Proxy::from_env());
    assert!(shown(&t).contains("http://all.example:1"), "{}", shown(&t));
    std::env::set_var("HTTPS_PROXY", "http://secure.example:2");
    let t = via("https://node.example", Proxy::from_env());
    assert!(
        shown(&t).contains("http://secure.example:2"),
        "{}",
        shown(&t)
    );
    // NO_PROXY (curl's rules: domain and subdomains, IPs, CIDRs)
    std::env::set_var("NO_PROXY", "example, 10.0.0.0/8");
    for url in ["https://node.example", "http://10.1.2.3:5002"] {
        let t = via(url, Proxy::from_env());
        assert!(shown(&t).contains("proxy: None"), "{url}: {}", shown(&t));
    }
    let t = via("http://192.168.1.2:5002", Proxy::from_env());
    assert!(!shown(&t).contains("proxy: None"), "{}", shown(&t));
    // --no-proxy wins over the environment
    std::env::remove_var("NO_PROXY");
    let t = via("http://node.example:5002", Proxy::none());
    assert!(shown(&t).contains("proxy: None"), "{}", shown(&t));
    // an unusable proxy from the environment is a clear error
    std::env::set_var("HTTP_PROXY", "socks5://u:hunter2@127.0.0.1:1080");
    let err = HttpTransport::builder()
        .base_url("http://node.example:5002")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            TransportError::Config {
                setting: "proxy",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!format!("{err}").contains("hunter2"), "{err}");
    let _ = Bytes::new();
}
