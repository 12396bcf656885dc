//! A forward HTTP proxy for tests: absolute-form requests and `CONNECT` tunnels, all sent to
//! one upstream address; with `auth`, anything without exactly that `Proxy-Authorization`
//! gets 407. Records each connection's first request line.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// First request line of each connection.
pub type Log = Arc<Mutex<Vec<String>>>;

/// Starts the proxy on an ephemeral loopback port; every tunnel or request goes to `upstream`.
/// With `auth` (the whole `Proxy-Authorization` value, e.g. `Basic dTpw`), anything else gets 407.
pub async fn start(upstream: SocketAddr, auth: Option<&'static str>) -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let l = log.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let l = l.clone();
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
                l.lock().unwrap().push(line.clone());
                if auth.is_some() && got.as_deref() != auth {
                    let _ = client
                        .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                        .await;
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
    (addr, log)
}
