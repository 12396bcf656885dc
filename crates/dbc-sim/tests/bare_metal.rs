//! Bare metal (§7.11), DeepLink (§7.12) and node info for bare-metal ids (§7.6.2) with a configured
//! manager + server.
use dbc_testkit::http::{wallet_env, Http};
use serde_json::json;

const SERVER_TOML: &str = r#"
[[nodes]]
kind = "bare_metal_manager"
state = "online"
# The manager's node id is //Alice's public key so the test can sign as the manager.
id = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"

[[nodes]]
kind = "bare_metal_server"
state = "rented"
renter = { wallet = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty" }
public_ip = "203.0.113.21"
gpus = 0
[nodes.bare_metal]
uuid = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
os = "Windows10"
description = "netbarseat17"
ipmi_hostname = "192.168.0.110"
ipmi_username = "admin"
ipmi_password = "s3cret99"
ipmi_port = 623
deeplink_device_id = "123456789"
deeplink_device_password = "aB3dE9"

[[image_servers]]
id = "imgsrv1"
"#;

#[tokio::test]
async fn spec_7_11_7_12_bare_metal_manager_and_server() {
    let cfg = dbc_sim::SimConfig::from_toml_str(SERVER_TOML).unwrap();
    let sim = dbc_sim::Simulator::builder()
        .config(cfg)
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let ids: Vec<String> = sim.node_ids().iter().map(|n| n.to_string()).collect();
    let (mgr, srv) = (ids[0].clone(), ids[1].clone());
    // Client-local list: announced servers.
    let l = h
        .post(
            "/api/v1/bare_metal",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await
        .ok();
    assert_eq!(l["bare_metal_nodes"][0]["node_id"], srv.as_str());
    // Manager list, masked.
    let l = h
        .post(
            "/api/v1/bare_metal",
            &json!({"peer_nodes_list": [mgr], "additional": {}}),
        )
        .await
        .ok();
    let s = &l["bare_metal_nodes"][0];
    assert_eq!(s["ipmi_password"], "********");
    assert_eq!(s["ipmi_port"], 623);
    assert_eq!(s["power_status"], "Chassis Power is on <line> ");
    // Unmasked with the manager's key.
    let mut e = wallet_env("//Alice", &mgr, json!({}));
    e["wallet"] = json!(mgr);
    let l = h.post("/api/v1/bare_metal", &e).await.ok();
    assert_eq!(l["bare_metal_nodes"][0]["ipmi_password"], "s3cret99");
    // Add / modify / delete through the manager.
    let mut add = wallet_env(
        "//Alice",
        &mgr,
        json!({"bare_metal_nodes": [{"uuid": "u-1", "ip": "1.2.3.4", "ipmi_hostname": "h", "ipmi_username": "u", "ipmi_password": "p", "ipmi_port": 70000}]}),
    );
    add["wallet"] = json!(mgr);
    h.post("/api/v1/bare_metal/add", &add)
        .await
        .assert_node(-3, "invalid ipmi port in u-1");
    let mut add = wallet_env(
        "//Alice",
        &mgr,
        json!({"bare_metal_nodes": [{"uuid": "u-1", "ip": "1.2.3.4", "ipmi_hostname": "h", "ipmi_username": "u", "ipmi_password": "p"}]}),
    );
    add["wallet"] = json!(mgr);
    let new_id = h.post("/api/v1/bare_metal/add", &add).await.ok()["bare_metal_nodes"][0]
        ["node_id"]
        .as_str()
        .unwrap()
        .to_string();
    let bob_add = wallet_env("//Bob", &mgr, json!({"bare_metal_nodes": []}));
    h.post("/api/v1/bare_metal/add", &bob_add)
        .await
        .assert_node(-3, "verify sign failed");
    let mut m = wallet_env("//Alice", &mgr, json!({"desc": "renamed"}));
    m["wallet"] = json!(mgr);
    h.post(&format!("/api/v1/bare_metal/modify/{new_id}"), &m)
        .await
        .assert_node(0, "ok");
    let mut d = wallet_env("//Alice", &mgr, json!({"bare_metal_node_ids": [new_id]}));
    d["wallet"] = json!(mgr);
    h.post("/api/v1/bare_metal/delete", &d)
        .await
        .assert_node(0, "ok");
    // Server: info via bare_metal (auth R, renter Bob) and mining_nodes (node_type 2).
    let info = h
        .post("/api/v1/bare_metal", &wallet_env("//Bob", &srv, json!({})))
        .await
        .ok();
    assert_eq!(info["deeplink_device_password"], "aB3dE9");
    h.post(
        "/api/v1/bare_metal",
        &wallet_env("//Alice", &srv, json!({})),
    )
    .await
    .assert_node(-3, "check authority failed: wallet not rented");
    let info = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [srv], "additional": {}}),
        )
        .await
        .ok();
    assert_eq!(info["node_type"], "2");
    h.post(
        "/api/v1/mining_nodes",
        &json!({"peer_nodes_list": [mgr], "additional": {}}),
    )
    .await
    .assert_node(-3, "bare metal node has no machine info for now");
    // Power, bootdev defect, DeepLink.
    h.post(
        "/api/v1/bare_metal/power",
        &wallet_env("//Bob", &srv, json!({"command": "status"})),
    )
    .await
    .assert_node(0, "Chassis Power is on <line> ");
    h.post(
        "/api/v1/bare_metal/power",
        &wallet_env("//Bob", &srv, json!({"command": "off"})),
    )
    .await
    .assert_node(0, "Chassis Power Control: Down/Off <line> ");
    h.post(
        "/api/v1/bare_metal/bootdev",
        &wallet_env("//Bob", &srv, json!({"device": "pxe"})),
    )
    .await
    .assert_node(-3, "bare metal client not existed");
    h.post(
        "/api/v1/deeplink/set",
        &wallet_env("//Bob", &srv, json!({"device_password": "newpw1"})),
    )
    .await
    .assert_node(0, "ok");
    let dl = h
        .post("/api/v1/deeplink", &wallet_env("//Bob", &srv, json!({})))
        .await
        .ok();
    assert_eq!(dl["device_password"], "newpw1");
    // VM operations on bare-metal nodes are refused.
    h.post("/api/v1/tasks", &wallet_env("//Bob", &srv, json!({})))
        .await
        .assert_node(-3, "bare metal nodes are not supported");
    sim.shutdown().await;
}
