//! Simulator hardening: bounded multisig verification, the distinct-signer DEFECT and its
//! `strict` switch, the connection cap and the node's 8 KiB header limit.
use dbc_testkit::http::{multisig_env, Http};
use dbc_testkit::keys::{ALICE, BOB, CHARLIE};
use dbc_testkit::sim;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn multisig_world(strict: bool) -> dbc_sim::SimConfig {
    let mut world = sim::multisig_world();
    for n in &mut world.nodes {
        n.strict = strict;
    }
    world
}

const NONCE_FAILED: &str = "check authority failed: nonce check failed";

/// DEFECT (spec §5.4): the node accepts one member signing twice; `strict` rejects it.
#[tokio::test]
async fn one_member_signing_twice_is_accepted_unless_strict() {
    let w = [ALICE, BOB, CHARLIE];
    // faithful default
    let (sim, h, node) =
        sim::started_with(dbc_sim::Simulator::builder().config(multisig_world(false))).await;
    let twice = || multisig_env(&w, "2", &["//Alice", "//Alice"], &node, json!({}));
    assert!(h.post("/api/v1/tasks", &twice()).await.ok().is_array());
    sim.shutdown().await;

    // strict from the world file (TOML)
    let toml = format!(
        "[[nodes]]\nstate = \"rented\"\nstrict = true\nrenter = {{ members = [\"{ALICE}\", \"{BOB}\", \"{CHARLIE}\"], threshold = 2 }}\n"
    );
    let cfg = dbc_sim::SimConfig::from_toml_str(&toml).unwrap();
    assert!(cfg.nodes[0].strict);
    for sim in [
        dbc_sim::Simulator::builder()
            .config(cfg)
            .start()
            .await
            .unwrap(),
        // strict from the builder (what `--strict` sets)
        dbc_sim::Simulator::builder()
            .config(multisig_world(false))
            .strict(true)
            .start()
            .await
            .unwrap(),
    ] {
        let h = Http::new(&sim.url());
        let node = sim.rented_node().to_string();
        let twice = multisig_env(&w, "2", &["//Alice", "//Alice"], &node, json!({}));
        h.post("/api/v1/tasks", &twice)
            .await
            .assert_node(-3, NONCE_FAILED);
        // distinct signers still work
        let ok = multisig_env(&w, "2", &["//Alice", "//Bob"], &node, json!({}));
        assert!(h.post("/api/v1/tasks", &ok).await.ok().is_array());
        sim.shutdown().await;
    }
}

#[test]
fn strict_and_max_connections_flags() {
    use clap::Parser;
    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        args: dbc_sim::cli::SimArgs,
    }
    let t = T::try_parse_from(["t", "--strict", "--max-connections", "7"]).unwrap();
    assert!(t.args.strict);
    assert_eq!(t.args.max_connections, 7);
    let t = T::try_parse_from(["t"]).unwrap();
    assert!(!t.args.strict);
    assert_eq!(
        t.args.max_connections,
        dbc_sim::limits::DEFAULT_MAX_CONNECTIONS
    );
    assert_eq!(dbc_sim::limits::DEFAULT_MAX_CONNECTIONS, 1024);
}

/// More signs than member wallets: refused (without verifying them).
#[tokio::test]
async fn more_signs_than_wallets_is_refused() {
    let (sim, h, node) =
        sim::started_with(dbc_sim::Simulator::builder().config(multisig_world(false))).await;
    let w = [ALICE, BOB, CHARLIE];
    let env = multisig_env(
        &w,
        "2",
        &["//Alice", "//Bob", "//Charlie", "//Alice"],
        &node,
        json!({}),
    );
    h.post("/api/v1/tasks", &env)
        .await
        .assert_node(-3, NONCE_FAILED);
    sim.shutdown().await;
}

async fn raw_exchange(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), s.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() > 12 {
                    // headers complete; the body of a version reply is small
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_millis(200), s.read(&mut chunk)).await
                    {
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    break;
                }
            }
            Err(_) => panic!("no reply within 10 s"),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn request_with_header_block(total: usize) -> Vec<u8> {
    let head = "GET /api/v1/ HTTP/1.1\r\nHost: sim\r\nConnection: close\r\nX-Pad: ";
    let pad = total.saturating_sub(head.len() + 4);
    format!("{head}{}\r\n\r\n", "a".repeat(pad)).into_bytes()
}

#[tokio::test]
async fn header_blocks_over_8_kib_are_refused() {
    assert_eq!(dbc_sim::limits::MAX_HEADER_BYTES, 8192);
    let sim = sim::start(Duration::from_millis(100)).await;
    let ok = raw_exchange(sim.addr(), &request_with_header_block(7 * 1024)).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let big = raw_exchange(sim.addr(), &request_with_header_block(9 * 1024)).await;
    assert!(big.starts_with("HTTP/1.1 431"), "{big}");
    sim.shutdown().await;
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_at_once() {
    let sim = dbc_sim::Simulator::builder()
        .max_connections(2)
        .start()
        .await
        .unwrap();
    let addr = sim.addr();
    // two idle connections take both slots
    let a = tokio::net::TcpStream::connect(addr).await.unwrap();
    let b = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = c
        .write_all(b"GET /api/v1/ HTTP/1.1\r\nHost: sim\r\n\r\n")
        .await;
    let mut buf = [0u8; 64];
    let r = tokio::time::timeout(Duration::from_secs(5), c.read(&mut buf))
        .await
        .expect("the third connection was neither served nor closed");
    assert!(matches!(r, Ok(0) | Err(_)), "served over the cap: {r:?}");
    // a slot frees when a connection ends
    drop(a);
    let t0 = std::time::Instant::now();
    loop {
        let reply = raw_exchange(
            addr,
            b"GET /api/v1/ HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n",
        )
        .await;
        if reply.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "slot never freed: {reply:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(b);
    sim.shutdown().await;
}
