//! Requests per second of `POST /api/v1/tasks` against an in-process simulator:
//! 64 concurrent keep-alive connections (plain hyper client), first with a session
//! credential, then with a fresh wallet signature per request (signed before timing).
//!
//! `DBC_BENCH_N` sets the request count (default 50 000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::time::Instant;

const CONNS: usize = 64;
const TARGET: f64 = 10_000.0;

async fn run(addr: std::net::SocketAddr, bodies: Vec<Bytes>) -> f64 {
    let n = bodies.len();
    let mut chunks: Vec<Vec<Bytes>> = (0..CONNS)
        .map(|_| Vec::with_capacity(n / CONNS + 1))
        .collect();
    for (i, b) in bodies.into_iter().enumerate() {
        chunks[i % CONNS].push(b);
    }
    let mut senders = Vec::with_capacity(CONNS);
    for _ in 0..CONNS {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, conn) =
            hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        senders.push(sender);
    }
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(CONNS);
    for (mut sender, chunk) in senders.into_iter().zip(chunks) {
        tasks.push(tokio::spawn(async move {
            for body in chunk {
                sender.ready().await.unwrap();
                let req = http::Request::post("/api/v1/tasks")
                    .header("host", "sim")
                    .body(Full::new(body))
                    .unwrap();
                let resp = sender.send_request(req).await.unwrap();
                assert_eq!(resp.status(), 200);
                let b = resp.into_body().collect().await.unwrap().to_bytes();
                assert!(
                    b.starts_with(b"{\"errcode\":0"),
                    "{:?}",
                    String::from_utf8_lossy(&b)
                );
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn report(name: &str, rps: f64) {
    println!("{name}: {rps:.0} req/s");
    println!(
        "BENCH {{\"name\":\"{name}\",\"value\":{rps:.1},\"unit\":\"req/s\",\"baseline_name\":\"target\",\"baseline_value\":{TARGET},\"ratio\":{:.3}}}",
        rps / TARGET
    );
}

fn main() {
    let n: usize = std::env::var("DBC_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = dbc_sim::Simulator::builder().seed(1).start().await.unwrap();
        let node = sim.rented_node().to_string();
        let alice = dbc_sign::Keypair::from_suri("//Alice").unwrap();
        let wallet = alice.address();
        let sign = |m: &str| hex::encode(alice.sign_bytes(m.as_bytes()));
        // Obtain the session id once (a signed renter request creates it).
        let nonce = "bench-session-nonce";
        let body = serde_json::json!({"peer_nodes_list": [node], "additional": {}, "wallet": wallet, "nonce": nonce, "sign": sign(nonce)});
        let session_bodies = vec![Bytes::from(serde_json::to_vec(&body).unwrap())];
        run(sim.addr(), session_bodies).await;
        let sid = sim.session_id_of(&sim.rented_node(), &wallet).expect("session created");
        let body = serde_json::json!({"peer_nodes_list": [node], "additional": {}, "session_id": sid, "session_id_sign": sign(&sid)});
        let one = Bytes::from(serde_json::to_vec(&body).unwrap());
        let rps = run(sim.addr(), vec![one; n]).await;
        report("sim_rps_session", rps);

        let wallet_bodies: Vec<Bytes> = (0..n)
            .map(|i| {
                let nonce = format!("bench-{i}");
                let b = serde_json::json!({"peer_nodes_list": [node], "additional": {}, "wallet": wallet, "nonce": nonce, "sign": sign(&nonce)});
                Bytes::from(serde_json::to_vec(&b).unwrap())
            })
            .collect();
        let rps = run(sim.addr(), wallet_bodies).await;
        report("sim_rps_wallet", rps);
        sim.shutdown().await;
    });
}
