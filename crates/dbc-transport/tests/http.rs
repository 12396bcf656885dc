//! Integration tests against in-process servers bound to 127.0.0.1:0.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dbc_transport::{ConnectKind, HttpRequest, HttpTransport, Transport, TransportError};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A hyper HTTP/1.1 server that counts accepted TCP connections.
struct HyperServer {
    addr: SocketAddr,
    conns: Arc<AtomicUsize>,
}

async fn hyper_server<F, Fut>(handler: F) -> HyperServer
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let conns = Arc::new(AtomicUsize::new(0));
    let c = conns.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            c.fetch_add(1, Ordering::SeqCst);
            let h = handler.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let h = h.clone();
                    async move { Ok::<_, Infallible>(h(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    HyperServer { addr, conns }
}

/// Echo server: returns the request body and reflects some request headers.
async fn echo_server() -> HyperServer {
    hyper_server(|req: Request<Incoming>| async move {
        let ua = req.headers().get("user-agent").cloned();
        let ct = req.headers().get("content-type").cloned();
        let host = req.headers().get("host").cloned();
        let method = req.method().to_string();
        let path = req.uri().path_and_query().map(|p| p.to_string());
        let body = req.into_body().collect().await.unwrap().to_bytes();
        let mut resp = Response::new(Full::new(body));
        let h = resp.headers_mut();
        if let Some(v) = ua {
            h.insert("x-echo-user-agent", v);
        }
        if let Some(v) = ct {
            h.insert("x-echo-content-type", v);
        }
        if let Some(v) = host {
            h.insert("x-echo-host", v);
        }
        h.insert("x-echo-method", method.parse().unwrap());
        if let Some(p) = path {
            h.insert("x-echo-path", p.parse().unwrap());
        }
        resp
    })
    .await
}

fn transport(addr: SocketAddr) -> HttpTransport {
    HttpTransport::builder()
        .base_url(&format!("http://{addr}"))
        .build()
        .unwrap()
}

fn transport_with_timeout(addr: SocketAddr, timeout: Duration) -> HttpTransport {
    HttpTransport::builder()
        .base_url(&format!("http://{addr}"))
        .request_timeout(timeout)
        .build()
        .unwrap()
}

/// Read one request head from a raw socket (until the blank line).
async fn read_head(s: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A raw server: reads each request head, writes `reply(n)` on the n-th connection (counting
/// from 0), then holds the connection open without another byte (`hold`) or closes it.
async fn raw_server(hold: bool, reply: fn(u32) -> &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        let mut n = 0u32;
        while let Ok((mut s, _)) = listener.accept().await {
            read_head(&mut s).await;
            let _ = s.write_all(reply(n)).await;
            n += 1;
            if hold {
                held.push(s);
            }
        }
    });
    addr
}

/// A head and the first 10 of 100 announced body bytes.
const PARTIAL_BODY: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";

#[tokio::test]
async fn sends_expected_headers_and_body() {
    let srv = echo_server().await;
    let t = transport(srv.addr);
    let resp = t
        .send(HttpRequest::post("/api/v1/echo?x=1", r#"{"a":1}"#))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(&resp.body[..], br#"{"a":1}"#);
    let h = &resp.headers;
    assert_eq!(
        h["x-echo-user-agent"],
        format!("dbc-rs/{}", env!("CARGO_PKG_VERSION")).as_str()
    );
    assert_eq!(h["x-echo-content-type"], "application/json");
    assert_eq!(h["x-echo-host"], srv.addr.to_string().as_str());
    assert_eq!(h["x-echo-method"], "POST");
    assert_eq!(h["x-echo-path"], "/api/v1/echo?x=1");
}

#[tokio::test]
async fn a_custom_user_agent_replaces_the_default() {
    let srv = echo_server().await;
    let t = HttpTransport::builder()
        .base_url(&format!("http://{}", srv.addr))
        .user_agent("my-platform/2.1")
        .build()
        .unwrap();
    for _ in 0..2 {
        let resp = t.send(HttpRequest::post("/x", "{}")).await.unwrap();
        let h = &resp.headers;
        assert_eq!(h["x-echo-user-agent"], "my-platform/2.1");
        assert_eq!(h["x-echo-content-type"], "application/json");
    }
}

#[tokio::test]
async fn keep_alive_reuses_one_connection_for_100_sequential_requests() {
    let srv = echo_server().await;
    let t = transport(srv.addr);
    for i in 0..100 {
        let body = format!("{{\"i\":{i}}}");
        let resp = t
            .send(HttpRequest::post("/seq", body.clone()))
            .await
            .unwrap();
        assert_eq!(resp.body, body.as_bytes());
    }
    assert_eq!(srv.conns.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_256_requests_all_succeed() {
    let srv = echo_server().await;
    let t = transport(srv.addr);
    let mut tasks = Vec::new();
    for i in 0..256 {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let body = format!("{{\"i\":{i}}}");
            let resp = t.send(HttpRequest::post("/c", body.clone())).await?;
            assert_eq!(resp.status, 200);
            assert_eq!(resp.body, body.as_bytes());
            Ok::<_, TransportError>(())
        }));
    }
    let mut ok = 0;
    for task in tasks {
        task.await.unwrap().unwrap();
        ok += 1;
    }
    assert_eq!(ok, 256);
    let conns = srv.conns.load(Ordering::SeqCst);
    assert!((1..=256).contains(&conns), "{conns}");
}

#[tokio::test]
async fn non_2xx_is_a_response_not_an_error() {
    let html = "<html><body><h1>500 Internal Server Error</h1></body></html>";
    let srv = hyper_server(move |_req| async move {
        let mut r = Response::new(Full::new(Bytes::from_static(html.as_bytes())));
        *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        r.headers_mut()
            .insert("content-type", "text/html".parse().unwrap());
        r
    })
    .await;
    let t = transport(srv.addr);
    let resp = t.send(HttpRequest::post("/boom", "{}")).await.unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(&resp.body[..], html.as_bytes());
    assert_eq!(resp.headers["content-type"], "text/html");
}

#[tokio::test]
async fn stalled_server_gives_request_timeout() {
    let addr = raw_server(true, |_| b"").await; // never answers
    let timeout = Duration::from_millis(300);
    let t = transport_with_timeout(addr, timeout);
    let start = Instant::now();
    let err = t.send(HttpRequest::post("/stall", "{}")).await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(
        matches!(&err, TransportError::RequestTimeout { after, method, path } if *after == timeout && method == "POST" && path == "/stall"),
        "{err:?}"
    );
    assert!(err.is_outcome_unknown());
    assert!(!err.is_connect_failure());
    assert!(err
        .to_string()
        .contains("outcome unknown: the server may still have acted"));
    assert!(elapsed >= timeout, "{elapsed:?}");
    assert!(elapsed < timeout + Duration::from_secs(1), "{elapsed:?}");

    // The per-request override wins over the transport default.
    let start = Instant::now();
    let err = t
        .send(HttpRequest::post("/stall", "{}").with_timeout(Duration::from_millis(100)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, TransportError::RequestTimeout { after, .. } if after == Duration::from_millis(100))
    );
    assert!(start.elapsed() < Duration::from_millis(100) + Duration::from_secs(1));
}

/// Long timeouts fire on time too, for many stalled requests at once, with the server stalling
/// before the head or in the middle of the body, and again after a quiet spell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_timeouts_fire_on_time_for_many_stalled_requests() {
    // every other connection stalls in the middle of the body, the others before the head
    let addr = raw_server(true, |n| if n % 2 == 1 { PARTIAL_BODY } else { b"" }).await;
    let timeout = Duration::from_millis(1500);
    let t = transport_with_timeout(addr, timeout);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            // bounded independently, so a broken request timeout fails the test, not hangs it
            let r = tokio::time::timeout(
                timeout + Duration::from_secs(3),
                t.send(HttpRequest::post(format!("/stall/{i}"), "{}")),
            )
            .await
            .expect("the transport's timeout never fired");
            (r, Instant::now())
        }));
    }
    for task in tasks {
        let (r, at) = task.await.unwrap();
        let err = r.unwrap_err();
        assert!(
            matches!(err, TransportError::RequestTimeout { after, .. } if after == timeout),
            "{err:?}"
        );
        let took = at - start;
        assert!(took >= timeout, "{took:?}");
        assert!(took < timeout + Duration::from_secs(1), "{took:?}");
    }
    // after a quiet spell the next stalled request still times out
    tokio::time::sleep(Duration::from_millis(600)).await;
    let start = Instant::now();
    let err = tokio::time::timeout(
        timeout + Duration::from_secs(3),
        t.send(HttpRequest::post("/again", "{}")),
    )
    .await
    .expect("the transport's timeout never fired")
    .unwrap_err();
    assert!(
        matches!(err, TransportError::RequestTimeout { .. }),
        "{err:?}"
    );
    assert!(start.elapsed() < timeout + Duration::from_secs(1));
}

/// A timeout too far away for the clock to represent means no deadline, not a panic.
#[tokio::test]
async fn an_unrepresentable_timeout_is_no_deadline() {
    let srv = echo_server().await;
    let t = transport(srv.addr);
    let resp = t
        .send(HttpRequest::post("/far", "{}").with_timeout(Duration::MAX))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
}

#[tokio::test]
async fn body_stalling_mid_way_is_covered_by_the_request_timeout() {
    let addr = raw_server(true, |_| PARTIAL_BODY).await; // never finishes the body
    let t = transport_with_timeout(addr, Duration::from_millis(300));
    let start = Instant::now();
    let err = t.send(HttpRequest::post("/slow", "{}")).await.unwrap_err();
    assert!(
        matches!(err, TransportError::RequestTimeout { .. }),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_millis(1300));
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = transport(addr);
    let err = t
        .send(HttpRequest::post("/nobody", "{}"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TransportError::Connect { kind: ConnectKind::Refused, addr: a, method, path, .. }
            if *a == addr.to_string() && method == "POST" && path == "/nobody"),
        "{err:?}"
    );
    assert!(err.is_connect_failure());
    assert!(!err.is_outcome_unknown());
    assert_eq!(err.method(), Some("POST"));
    assert_eq!(err.path(), Some("/nobody"));
}

/// Real connect timeout on loopback: fill a listener's accept queue (it never
/// accepts), after which Linux drops further SYNs so `connect` hangs.
#[tokio::test]
async fn full_accept_queue_gives_connect_timeout() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the queue until a plain connect no longer completes.
    let mut fillers = Vec::new();
    let mut hung = false;
    for _ in 0..16 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(s)) => fillers.push(s),
            Ok(Err(e)) => panic!("unexpected connect error while filling: {e}"),
            Err(_) => {
                hung = true;
                break;
            }
        }
    }
    if !hung {
        eprintln!("SKIP: this kernel accepts every loopback connect; connect-timeout classification is covered by unit tests in src/error.rs");
        return;
    }
    let t = HttpTransport::builder()
        .base_url(&format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = t.send(HttpRequest::post("/q", "{}")).await.unwrap_err();
    assert!(
        matches!(&err, TransportError::ConnectTimeout { after, .. } if *after == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_connect_failure());
    assert!(start.elapsed() < Duration::from_secs(2));
    drop(listener);
}

async fn reset_server(rst: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            read_head(&mut s).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
                .await;
            let _ = s.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            if rst {
                let _ = s.set_zero_linger();
            }
            drop(s);
        }
    });
    addr
}

#[tokio::test]
async fn server_closing_mid_body_gives_connection_closed() {
    for rst in [false, true] {
        let addr = reset_server(rst).await;
        let t = transport(addr);
        let err = t.send(HttpRequest::post("/reset", "{}")).await.unwrap_err();
        assert!(
            matches!(&err, TransportError::ConnectionClosed { during_body: true, method, path, .. } if method == "POST" && path == "/reset"),
            "rst={rst}: {err:?}"
        );
        assert!(err.is_outcome_unknown());
    }
}

#[tokio::test]
async fn server_closing_before_response_gives_connection_closed() {
    let addr = raw_server(false, |_| b"").await;
    let t = transport(addr);
    let err = t.send(HttpRequest::post("/close", "{}")).await.unwrap_err();
    assert!(
        matches!(
            &err,
            TransportError::ConnectionClosed {
                during_body: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_outcome_unknown());
}

const MIB: usize = 1024 * 1024;

/// Streams `total` bytes as a chunked body and counts what it managed to write.
async fn streaming_server(total: usize, sent: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let sent = sent.clone();
            tokio::spawn(async move {
                read_head(&mut s).await;
                if s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let chunk = vec![b'a'; 64 * 1024];
                let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                frame.extend_from_slice(&chunk);
                frame.extend_from_slice(b"\r\n");
                let mut done = 0;
                while done < total {
                    if s.write_all(&frame).await.is_err() {
                        return;
                    }
                    done += chunk.len();
                    sent.fetch_add(chunk.len(), Ordering::SeqCst);
                }
                let _ = s.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_streamed_body_stops_early_with_body_too_large() {
    for limit in [MIB, 32 * MIB] {
        let sent = Arc::new(AtomicUsize::new(0));
        let total = 64 * MIB;
        let addr = streaming_server(total, sent.clone()).await;
        let t = HttpTransport::builder()
            .base_url(&format!("http://{addr}"))
            .max_body_bytes(limit)
            .request_timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let err = t.send(HttpRequest::post("/big", "{}")).await.unwrap_err();
        let at_error = sent.load(Ordering::SeqCst);
        assert!(
            matches!(&err, TransportError::BodyTooLarge { limit: l, path, .. } if *l == limit && path == "/big"),
            "{err:?}"
        );
        // The client stopped reading: the server could not have pushed the
        // whole 64 MiB (only the limit plus socket buffers).
        assert!(at_error >= limit, "sent {at_error} < limit {limit}");
        assert!(
            at_error < total,
            "server sent all {at_error} bytes before the error"
        );
        // And it keeps not sending: the connection was dropped.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let final_sent = sent.load(Ordering::SeqCst);
        assert!(final_sent < total, "server completed {final_sent} bytes");
    }
}

#[tokio::test]
async fn declared_content_length_over_limit_fails_before_reading() {
    // the body never comes; the client must not wait for it
    let addr = raw_server(true, |_| {
        b"HTTP/1.1 200 OK\r\nContent-Length: 67108864\r\n\r\n"
    })
    .await;
    let t = HttpTransport::builder()
        .base_url(&format!("http://{addr}"))
        .max_body_bytes(MIB)
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = t.send(HttpRequest::post("/cl", "{}")).await.unwrap_err();
    assert!(
        matches!(err, TransportError::BodyTooLarge { limit, .. } if limit == MIB),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn body_exactly_at_limit_is_accepted() {
    let srv =
        hyper_server(|_req| async { Response::new(Full::new(Bytes::from(vec![b'x'; 1024]))) })
            .await;
    let t = HttpTransport::builder()
        .base_url(&format!("http://{}", srv.addr))
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let resp = t.send(HttpRequest::post("/x", "{}")).await.unwrap();
    assert_eq!(resp.body.len(), 1024);
}

#[tokio::test]
async fn invalid_request_path_is_an_error_not_a_panic() {
    let srv = echo_server().await;
    let t = transport(srv.addr);
    for p in ["no-slash", "/with space", ""] {
        let err = t.send(HttpRequest::post(p, "{}")).await.unwrap_err();
        assert!(matches!(err, TransportError::Other { .. }), "{p}: {err:?}");
    }
}

#[test]
fn invalid_base_urls_are_configuration_errors() {
    for url in [
        "127.0.0.1:5052",
        "http://127.0.0.1:5052/api/v1",
        "http://127.0.0.1:70000",
        "http://127.0.0.1:port",
        "http://127.0.0.1:0",
        "tcp://127.0.0.1:5052",
    ] {
        let err = HttpTransport::builder().base_url(url).build().unwrap_err();
        match &err {
            TransportError::InvalidUrl { url: u, reason } => {
                assert_eq!(u, url);
                assert!(reason.contains("http://HOST[:PORT]"), "{reason}");
            }
            other => panic!("{url}: {other:?}"),
        }
        assert!(err.to_string().contains(url), "{err}");
        assert_eq!(err.method(), None);
    }
    let err = HttpTransport::builder().build().unwrap_err();
    assert!(err.to_string().contains("http://HOST:PORT"), "{err}");
}

#[cfg(not(feature = "rustls"))]
#[test]
fn https_without_rustls_feature_is_a_clear_error() {
    let err = HttpTransport::builder()
        .base_url("https://127.0.0.1:5052")
        .build()
        .unwrap_err();
    assert!(matches!(err, TransportError::InvalidUrl { .. }));
    let msg = err.to_string();
    assert!(msg.contains("`rustls` feature"), "{msg}");
}

#[cfg(feature = "rustls")]
#[test]
fn https_with_rustls_feature_builds() {
    let t = HttpTransport::builder()
        .base_url("https://127.0.0.1:5052")
        .build()
        .unwrap();
    assert_eq!(t.base_url(), "https://127.0.0.1:5052");
}

#[test]
fn bad_settings_are_configuration_errors() {
    let b = || HttpTransport::builder().base_url("http://127.0.0.1:5052");
    assert!(matches!(
        b().user_agent("bad\nagent").build(),
        Err(TransportError::Config {
            setting: "user_agent",
            ..
        })
    ));
    assert!(matches!(
        b().request_timeout(Duration::ZERO).build(),
        Err(TransportError::Config {
            setting: "request_timeout",
            ..
        })
    ));
    assert!(matches!(
        b().connect_timeout(Duration::ZERO).build(),
        Err(TransportError::Config {
            setting: "connect_timeout",
            ..
        })
    ));
}

#[test]
fn transport_is_cheap_to_clone_and_object_safe() {
    let t = transport("127.0.0.1:5052".parse().unwrap());
    let boxed: dbc_transport::BoxTransport = Arc::new(t.clone());
    assert_eq!(boxed.base_url(), "http://127.0.0.1:5052");
    let dbg = format!("{t:?}");
    assert!(dbg.contains("127.0.0.1:5052"), "{dbg}");
}
