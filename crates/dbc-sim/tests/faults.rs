//! Fault injection: every FaultKind is observable (§1.5, §6.2, §6.3).
use dbc_sim::{Fault, FaultKind};
use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::sim;
use serde_json::json;
use std::time::{Duration, Instant};

fn fault(node: Option<dbc_sim::NodeId>, route: Option<&str>, kind: FaultKind) -> Fault {
    Fault {
        node,
        route: route.map(str::to_string),
        kind,
    }
}

#[tokio::test]
async fn every_fault_kind_is_observable() {
    let (sim, h, node) = sim::started_with(
        dbc_sim::Simulator::builder()
            .node_timeout(Duration::from_millis(200))
            .fault(fault(None, Some("tasks.list"), FaultKind::NeverAnswer)),
    )
    .await;
    // NeverAnswer: HTTP 500 -1 "<op> timeout" after node_timeout (§6.3).
    let t = Instant::now();
    h.post("/api/v1/tasks", &wallet_env("//Alice", &node, json!({})))
        .await
        .assert_http(500, -1, "list task timeout");
    assert!(t.elapsed() >= Duration::from_millis(200));
    // Other routes unaffected.
    h.post(
        "/api/v1/mining_nodes",
        &json!({"peer_nodes_list": [node], "additional": {}}),
    )
    .await
    .ok();

    // Latency on one node only.
    sim.set_faults(vec![fault(
        Some(sim.rented_node()),
        None,
        FaultKind::Latency(Duration::from_millis(150)),
    )]);
    let t = Instant::now();
    h.post(
        "/api/v1/mining_nodes",
        &json!({"peer_nodes_list": [node], "additional": {}}),
    )
    .await
    .ok();
    assert!(t.elapsed() >= Duration::from_millis(150));
    let t = Instant::now();
    h.post(
        "/api/v1/mining_nodes",
        &json!({"peer_nodes_list": [sim.unrented_node().to_string()], "additional": {}}),
    )
    .await
    .ok();
    assert!(t.elapsed() < Duration::from_millis(150));

    // Http502Html.
    sim.set_faults(vec![fault(
        None,
        Some("nodes.info"),
        FaultKind::Http502Html,
    )]);
    let r = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await;
    assert_eq!(r.status, 502);
    assert!(r.text.contains("<html>"));

    // InvalidJson on a forwarded route: the client node rejects the GPU node's broken reply
    // (HTTP 500, -1, §6.2); on a route it answers itself: 200 with a body that does not parse.
    sim.set_faults(vec![fault(None, None, FaultKind::InvalidJson)]);
    h.post("/api/v1/tasks", &wallet_env("//Alice", &node, json!({})))
        .await
        .assert_http(500, -1, "response parse error");
    let r = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());

    // Oversized(n): exactly n bytes.
    sim.set_faults(vec![fault(None, None, FaultKind::Oversized(100_000))]);
    let r = h.raw("GET", "/api/v1/", vec![]).await;
    assert_eq!(r.text.len(), 100_000);

    // DropMidReply: the body is cut off.
    sim.set_faults(vec![fault(
        None,
        Some("nodes.info"),
        FaultKind::DropMidReply,
    )]);
    let raw = raw_request(
        &sim.addr(),
        &format!("{{\"peer_nodes_list\":[\"{node}\"],\"additional\":{{}}}}"),
    )
    .await;
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "raw reply: {text:?} ({} bytes)",
        raw.len()
    );
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(body.len() < len, "body {} of announced {len}", body.len());

    // Hang: no answer at all.
    sim.set_faults(vec![fault(None, Some("version"), FaultKind::Hang)]);
    let client = Http::new(&sim.url());
    let res = tokio::time::timeout(
        Duration::from_millis(300),
        client.raw("GET", "/api/v1/", vec![]),
    )
    .await;
    assert!(res.is_err(), "a hung request must not answer");

    sim.clear_faults();
    assert_eq!(h.raw("GET", "/api/v1/", vec![]).await.status, 200);
    sim.shutdown().await;
}

/// Send one POST /api/v1/mining_nodes over a raw socket and read until the server closes.
async fn raw_request(addr: &std::net::SocketAddr, body: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "POST /api/v1/mining_nodes HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("server must close the connection");
    out
}

#[tokio::test]
async fn faults_from_the_toml_world_apply_to_their_node_only() {
    let cfg = dbc_sim::SimConfig::from_toml_str(
        r#"
[[nodes]]
state = "rented"
renter = { wallet = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY" }
faults = [{ route = "tasks.list", kind = "never_answer" }]

[[nodes]]
state = "online"
"#,
    )
    .unwrap();
    assert!(
        dbc_sim::SimConfig::from_toml_str("[[nodes]]\nfaults = [{ kind = \"explode\" }]\n")
            .is_err()
    );
    let (sim, h, node) = sim::started_with(
        dbc_sim::Simulator::builder()
            .config(cfg)
            .node_timeout(Duration::from_millis(100)),
    )
    .await;
    h.post("/api/v1/tasks", &wallet_env("//Alice", &node, json!({})))
        .await
        .assert_http(500, -1, "list task timeout");
    h.post(
        "/api/v1/tasks",
        &wallet_env("//Alice", sim.unrented_node().as_str(), json!({})),
    )
    .await
    .assert_node(-3, "check authority failed: machine is not be rented");
    // A latency above node_timeout also ends in the timeout reply (§1.5).
    sim.set_faults(vec![fault(
        None,
        Some("tasks.info"),
        FaultKind::Latency(Duration::from_secs(5)),
    )]);
    let t = Instant::now();
    h.post(
        "/api/v1/tasks/abc",
        &wallet_env("//Alice", &node, json!({})),
    )
    .await
    .assert_http(500, -1, "list task timeout");
    assert!(t.elapsed() < Duration::from_secs(2));
    sim.shutdown().await;
}
