//! Audit divergences fixed (§1.1, §7.2.3, §7.3, §7.6.1): what libevent answers for over-size
//! and broken bodies, no `ubuntu`/`win` rewrite for a node that announced no version, image
//! lists that honour `image_server` and tell base images from overlays, and the
//! `image backfile not exist` check of create.
use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::keys::ALICE;
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn an_over_size_body_gets_libevents_413_page() {
    let sim = sim::start(Duration::from_millis(50)).await;
    let mut s = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let len = 33 * 1024 * 1024;
    let head = format!("POST /api/v1/tasks HTTP/1.1\r\nhost: x\r\ncontent-length: {len}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..33 {
        if s.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{text}"
    );
    assert!(text.contains("<H1>Request Entity Too Large</H1>"), "{text}");
    assert!(
        !text.contains("errcode"),
        "libevent's page, not a DBC reply: {text}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_body_cut_off_by_the_client_gets_no_reply() {
    let sim = sim::start(Duration::from_millis(50)).await;
    let mut s = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    s.write_all(b"POST /api/v1/tasks HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"peer")
        .await
        .unwrap();
    s.shutdown().await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("the server closes the connection")
        .unwrap();
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
    // Still serving.
    let h = Http::new(&sim.url());
    assert_eq!(h.raw("GET", "/api/v1/", vec![]).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_node_without_a_version_gets_no_os_rewrite() {
    let cfg = dbc_sim::SimConfig::from_toml_str(&format!(
        "[[nodes]]\nstate = \"rented\"\nversion = \"\"\nrenter = {{ wallet = \"{ALICE}\" }}\n\n[[nodes]]\nstate = \"rented\"\nversion = \"0.3.9.6\"\nrenter = {{ wallet = \"{ALICE}\" }}\n"
    ))
    .unwrap();
    let sim = dbc_sim::Simulator::builder()
        .config(cfg)
        .create_delay(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let ids = sim.node_ids();
    let (plain, old) = (ids[0].to_string(), ids[1].to_string());
    let mut p = create_json(20500, 5950);
    p["operation_system"] = json!("linux");
    p["desc"] = json!("linux");
    for (node, want) in [(&plain, "linux"), (&old, "ubuntu")] {
        let id = h.create_task(&wallet_env("//Alice", node, p.clone())).await;
        let d = h
            .post(
                &format!("/api/v1/tasks/{id}"),
                &wallet_env("//Alice", node, json!({})),
            )
            .await
            .ok();
        assert_eq!(
            (d["os"].as_str(), d["desc"].as_str()),
            (Some(want), Some(want)),
            "{d}"
        );
    }
    // The node list says N/A for the missing version (§7.6.1).
    let list = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await
        .ok();
    let v: Vec<&str> = list["mining_nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["node_id"] == plain.as_str())
        .filter_map(|n| n["version"].as_str())
        .collect();
    assert_eq!(v, ["N/A"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn image_lists_honour_the_image_server_and_create_checks_backing_files() {
    let cfg = dbc_sim::SimConfig::from_toml_str(&format!(
        r#"
[[image_servers]]
id = "imgsrv1"
images = ["ubuntu.qcow2", "snap1.qcow2", "orphan.qcow2"]

[[nodes]]
state = "rented"
renter = {{ wallet = "{ALICE}" }}
images = ["ubuntu.qcow2"]
overlays = [{{ name = "snap1.qcow2", backing = "ubuntu.qcow2" }},
            {{ name = "orphan.qcow2", backing = "gone.qcow2" }},
            {{ name = "local-only.qcow2", backing = "ubuntu.qcow2" }}]
"#
    ))
    .unwrap();
    let (sim, h, node) = sim::started_with(
        dbc_sim::Simulator::builder()
            .config(cfg)
            .create_delay(Duration::from_millis(20)),
    )
    .await;
    let names = |v: serde_json::Value, key: &str| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i[key].as_str().unwrap().to_string())
            .collect()
    };
    // Without an image server only base images are listed.
    let r = h
        .post(
            "/api/v1/images",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await
        .ok();
    assert_eq!(names(r, "image_name:"), ["ubuntu.qcow2"]);
    // With one, overlays it also has are listed too.
    let with_server = json!({"peer_nodes_list": [node], "additional": {"image_server": "imgsrv1"}});
    let r = h.post("/api/v1/images", &with_server).await.ok();
    assert_eq!(
        names(r, "image_name:"),
        ["ubuntu.qcow2", "snap1.qcow2", "orphan.qcow2"]
    );
    // Machine info lists the same set under the correct key.
    let info = h.post("/api/v1/mining_nodes", &with_server).await.ok();
    assert_eq!(names(info["images"].clone(), "image_name").len(), 3);
    // Create from an overlay whose backing file is gone.
    let mut p = create_json(20600, 5960);
    p["image_name"] = json!("orphan.qcow2");
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, p.clone()),
    )
    .await
    .assert_node(1, "image backfile not exist: /data/gone.qcow2");
    p["image_name"] = json!("snap1.qcow2");
    h.post("/api/v1/tasks/start", &wallet_env("//Alice", &node, p))
        .await
        .ok();
    sim.shutdown().await;
}

#[tokio::test]
async fn details_with_a_port_above_65535_decode_as_given() {
    let (sim, h, node) = sim::started(Duration::from_millis(20)).await;
    // The node accepts any digit string as ssh_port (§8.5) and stores it as given.
    let mut create = create_json(7000, 5970);
    create["ssh_port"] = json!("70000");
    let id = h.create_task(&wallet_env("//Alice", &node, create)).await;
    let r = h
        .post(
            &format!("/api/v1/tasks/{id}"),
            &wallet_env("//Alice", &node, json!({})),
        )
        .await;
    assert_eq!(r.msg()["ssh_port"], "70000");
    let d: dbc_types::models::TaskDetails = serde_json::from_value(r.msg()).unwrap();
    assert_eq!(d.ssh_port, Some(70000));
    assert!(d.login_line().contains("-p 70000"), "{}", d.login_line());
    sim.shutdown().await;
}
