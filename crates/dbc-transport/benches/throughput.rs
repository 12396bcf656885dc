//! Throughput of `HttpTransport` vs a bare hyper-util legacy client.
//!
//! One process, one local hyper server, the same N POSTs at concurrency 64
//! through (a) a bare `hyper_util` legacy `Client` and (b) `HttpTransport`,
//! 5 rounds of interleaved slices alternating which goes first (`common/mod.rs`).
//! Prints per-round req/s, the median ratio transport/bare, and one `BENCH {...}`
//! JSON line.
//!
//! `DBC_BENCH_N` overrides N (default 20000).

mod common;

use dbc_transport::HttpTransport;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

async fn start_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(common::serve(TokioIo::new(stream)));
        }
    });
    addr
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n = common::requests();
    common::runtime().block_on(async move {
        let addr = start_server().await;
        let base = format!("http://{addr}");
        let bare = common::bare_client(common::http_connector());
        let transport = HttpTransport::builder()
            .base_url(&base)
            .build()
            .expect("transport");
        let (mb, mt, mr) = common::rounds(&bare, "hyper_util_bare", &base, &transport, n).await;
        println!("median: hyper_util_bare {mb:.0} req/s, HttpTransport {mt:.0} req/s, median ratio transport/bare {mr:.3} (target >= 0.93)");
        println!(
            "BENCH {{\"name\":\"transport_vs_hyper\",\"value\":{mt:.1},\"unit\":\"req/s\",\"baseline_name\":\"hyper_util_bare\",\"baseline_value\":{mb:.1},\"ratio\":{mr:.4}}}"
        );
    });
}
