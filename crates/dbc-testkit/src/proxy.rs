//! A forward HTTP proxy for tests: absolute-form requests and `CONNECT` tunnels, all sent to
//! one upstream address; with `auth`, anything without exactly that `Proxy-Authorization`
//! gets 407. Records each connection's first request line ([`start`]) or its first request line
//! and `Proxy-Authorization` header ([`start_recording`]).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// First request line of each connection.
pub type Log = Arc<Mutex<Vec<String>>>;

/// What the proxy saw on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The first request line, e.g. `CONNECT localhost:443 HTTP/1.1`.
    pub request_line: String,
    /// The `Proxy-Authorization` header's value, if one was sent.
    pub proxy_authorization: Option<String>,
}

/// Each connection's [`Connection`], in order of arrival.
pub type Connections = Arc<Mutex<Vec<Connection>>>;

/// Starts the proxy on an ephemeral loopback port; every tunnel or request goes to `upstream`.
/// With `auth` (the whole `Proxy-Authorization` value, e.g. `Basic dTpw`), anything else gets 407.
pub async fn start(upstream: SocketAddr, auth: Option<&'static str>) -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let l = log.clone();
    let addr = serve(upstream, auth, move |c| {
        l.lock().unwrap().push(c.request_line)
    })
    .await;
    (addr, log)
}

/// [`start`], recording each connection's request line and `Proxy-Authorization` header.
pub async fn start_recording(
    upstream: SocketAddr,
    auth: Option<&'static str>,
) -> (SocketAddr, Connections) {
    let log: Connections = Arc::default();
    let l = log.clone();
    let addr = serve(upstream, auth, move |c| l.lock().unwrap().push(c)).await;
    (addr, log)
}

async fn serve(
    upstream: SocketAddr,
    auth: Option<&'static str>,
    record: impl Fn(Connection) + Clone + Send + 'static,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut b = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut b).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(b[0]);
                }
                let text = String::from_utf8_lossy(&head).to_string();
                let line = text.lines().next().unwrap_or_default().to_owned();
                let got = text.lines().find_map(|h| {
                    let (k, v) = h.split_once(": ")?;
                    k.eq_ignore_ascii_case("proxy-authorization")
                        .then(|| v.to_owned())
                });
                record(Connection {
                    request_line: line.clone(),
                    proxy_authorization: got.clone(),
                });
                if auth.is_some() && got.as_deref() != auth {
                    let _ = client
                        .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                        .await;
                    // drain what the client still sends, so closing does not reset
                    let _ = client.shutdown().await;
                    let mut sink = [0u8; 1024];
                    while let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_millis(500), client.read(&mut sink))
                            .await
                    {
                        if n == 0 {
                            break;
                        }
                    }
                    return;
                }
                let Ok(mut up) = TcpStream::connect(upstream).await else {
                    return;
                };
                if line.starts_with("CONNECT ") {
                    let _ = client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                } else {
                    let _ = up.write_all(&head).await;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
            });
        }
    });
    addr
}
