//! The simulator's request handling (routing, envelope parsing, pre-checks, authorization,
//! node dispatch) with any path and body, over a loopback socket to one long-lived
//! in-process simulator (dbc-sim exposes no in-process handler).
//!
//! Input: the bytes up to the first newline are the path (prefixed with `/api/v1` when byte
//! 0 is even, so most inputs reach the router), the rest is the body. The simulator must answer
//! every request with a complete HTTP response within 5 s; a panic inside the simulator aborts
//! the process (libFuzzer's panic hook), so it is reported as a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct World {
    rt: tokio::runtime::Runtime,
    addr: std::net::SocketAddr,
    node: String,
    /// Kept alive (and reachable, so LeakSanitizer is quiet) for the whole run.
    _sim: dbc_sim::SimHandle,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = rt
            .block_on(
                dbc_sim::Simulator::builder()
                    .create_delay(Duration::from_millis(1))
                    .node_timeout(Duration::from_millis(200))
                    .start(),
            )
            .expect("simulator");
        let (addr, node) = (sim.addr(), sim.rented_node().to_string());
        World {
            rt,
            addr,
            node,
            _sim: sim,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let (head, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    // Keep the request line parseable (HTTP parsing is hyper's business, not ours).
    let mut path: String = String::from_utf8_lossy(head)
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    if head.first().is_none_or(|b| b % 2 == 0) {
        path = format!("/api/v1{path}");
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    // Let `{node}` in a body stand for the simulator's rented node id.
    let body = String::from_utf8_lossy(body).replace("{node}", &w.node);
    let req = format!(
        "POST {path} HTTP/1.1\r\nhost: sim\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let addr = w.addr;
    let resp = w.rt.block_on(async move {
        tokio::time::timeout(Duration::from_secs(5), async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
            s.write_all(req.as_bytes()).await.ok()?;
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).await.ok()?;
            Some(buf)
        })
        .await
    });
    match resp {
        Err(_) => panic!("the simulator did not answer within 5 s"),
        Ok(None) => {} // connection-level failure (e.g. the URI was rejected by hyper)
        Ok(Some(buf)) => {
            assert!(
                buf.is_empty() || buf.starts_with(b"HTTP/1.1 "),
                "not an HTTP response: {:?}",
                String::from_utf8_lossy(&buf[..buf.len().min(200)])
            );
        }
    }
});
