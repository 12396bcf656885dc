//! The six seed calls end to end (spec §0 rows 2, 3, 4, 11, 33, 34; §9 worked flow).
use dbc_testkit::http::{multisig_env, session_env, session_of, wait_status, wallet_env, Http};
use dbc_testkit::keys::{ALICE, BOB, CHARLIE, MULTISIG_ABC_2};
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::json;
use std::time::Duration;

async fn seed_flow(h: &Http, node: &str, env: &dyn Fn(serde_json::Value) -> serde_json::Value) {
    // Seed 1: machine info (§7.6.2), no credentials.
    let r = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await;
    let info = r.ok();
    assert_eq!(info["node_type"], "1");
    assert_eq!(info["gpu"]["gpu_count"], "8");
    assert_eq!(info["images"][0]["image_name"], "ubuntu.qcow2");
    // Seed 3: create (§7.2.3).
    let r = h
        .post("/api/v1/tasks/start", &env(create_json(20022, 5904)))
        .await;
    let created = r.ok();
    assert_eq!(created["status"], "creating");
    let id = created["task_id"].as_str().unwrap().to_string();
    assert!(
        (20..=22).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{id}"
    );
    // Seed 5: list (§7.2.1).
    let r = h.post("/api/v1/tasks", &env(json!({}))).await;
    let list = r.ok();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["task_id"] == id.as_str()));
    // Seed 4: details until running (§7.2.2).
    let m = wait_status(h, || env(json!({})), &id, "running").await;
    assert_eq!(m["cpu_cores"], 4);
    assert_eq!(m["gpu_count"], 1);
    assert_eq!(m["mem_size"], "8G");
    assert_eq!(m["ssh_port"], "20022");
    assert_eq!(m["login_password"].as_str().unwrap().len(), 16);
    assert_eq!(m["vnc_password"].as_str().unwrap().len(), 8);
    // Seed 6: delete (§7.2.9).
    h.post(&format!("/api/v1/tasks/delete/{id}"), &env(json!({})))
        .await
        .assert_node(0, "ok");
    for _ in 0..200 {
        let r = h
            .post(&format!("/api/v1/tasks/{id}"), &env(json!({})))
            .await;
        if r.errcode() == -3 {
            r.assert_node(-3, "task_id not exist");
            let list = h.post("/api/v1/tasks", &env(json!({}))).await.ok();
            assert!(!list
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["task_id"] == id.as_str()));
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("task never deleted");
}

#[tokio::test]
async fn seed_calls_with_wallet_signature_and_session() {
    let (sim, h, node) = sim::started(Duration::from_millis(100)).await;
    seed_flow(&h, &node, &|a| wallet_env("//Alice", &node, a)).await;
    // Seed 2: session id (§7.6.3), then the whole flow with the session credential (§5.5).
    let sid = session_of(&h, "//Alice", &node).await;
    assert_eq!(sid, session_of(&h, "//Alice", &node).await, "never rotated");
    seed_flow(&h, &node, &|a| session_env("//Alice", &node, &sid, a)).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn seed_calls_with_multisig_renter_2_of_3() {
    let cfg = sim::multisig_world();
    let sim = dbc_sim::Simulator::builder()
        .seed(1)
        .create_delay(std::time::Duration::from_millis(100))
        .config(cfg)
        .start()
        .await
        .unwrap();
    assert_eq!(sim.renter_address(), MULTISIG_ABC_2);
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    let wallets = [ALICE, BOB, CHARLIE];
    seed_flow(&h, &node, &|a| {
        multisig_env(&wallets, "2", &["//Alice", "//Bob"], &node, a)
    })
    .await;
    let r = h
        .post(
            "/api/v1/mining_nodes/session_id",
            &multisig_env(&wallets, "2", &["//Bob", "//Charlie"], &node, json!({})),
        )
        .await;
    let sid = r.ok()["session_id"].as_str().unwrap().to_string();
    // Any stored signer may sign the session id (§5.5).
    seed_flow(&h, &node, &|a| session_env("//Charlie", &node, &sid, a)).await;
    sim.shutdown().await;
}
