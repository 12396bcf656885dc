//! The chain clock (§5.6, §8.7): rent orders end at their block, the renter then gets the
//! expiry errors, VMs are powered off and later deleted, sessions stop working, verifiers act
//! only inside their windows. Tests advance the clock; they never sleep for it.
use dbc_sim::{MachineState, NodeConfig, RentOrderConfig, SimConfig, VerifyTime};
use dbc_testkit::http::{session_env, session_of, wait_status, wallet_env, Http};
use dbc_testkit::keys::{ALICE, BOB};
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::json;
use std::time::Duration;

const START: u64 = 1_000_000;

fn world(node: NodeConfig) -> SimConfig {
    let mut cfg = SimConfig {
        nodes: vec![node],
        ..SimConfig::default()
    };
    cfg.chain.start_block = START;
    cfg
}

fn per_gpu_order(end: u64) -> NodeConfig {
    NodeConfig {
        state: MachineState::Rented,
        rent_orders: vec![RentOrderConfig {
            id: "1024".into(),
            renter: ALICE.into(),
            gpu_index: vec![0, 1],
            status: "renting".into(),
            rent_end: end,
        }],
        ..NodeConfig::default()
    }
}

#[tokio::test]
async fn a_rent_order_ends_at_its_block_and_its_vms_stop_then_disappear() {
    let sim = dbc_sim::Simulator::builder()
        .config(world(per_gpu_order(START + 100)))
        .create_delay(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    assert_eq!(sim.block(), START);
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    let env = |add: serde_json::Value| {
        let mut e = wallet_env("//Alice", &node, add);
        e["rent_order"] = json!("1024");
        e
    };
    let sid = {
        let mut e = wallet_env("//Alice", &node, json!({}));
        e["rent_order"] = json!("1024");
        h.post("/api/v1/mining_nodes/session_id", &e).await.ok()["session_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let session = |add: serde_json::Value| {
        let mut e = session_env("//Alice", &node, &sid, add);
        e["rent_order"] = json!("1024");
        e
    };
    let mut p = create_json(20300, 5930);
    p["gpu_count"] = json!("2");
    let id = h.create_task(&env(p)).await;
    wait_status(&h, || session(json!({})), &id, "running").await;
    assert_eq!(sim.stats().gpus_in_use, 2);
    // Still inside the order at its last block.
    sim.advance_blocks(100);
    h.post("/api/v1/tasks", &session(json!({}))).await.ok();
    // One block later the order has ended.
    sim.advance_clock(Duration::from_secs(6));
    assert_eq!(sim.block(), START + 101);
    h.post("/api/v1/tasks", &session(json!({})))
        .await
        .assert_node(-3, "check authority failed: machine has already expired");
    h.post("/api/v1/tasks", &env(json!({})))
        .await
        .assert_node(-3, "check authority failed: wallet not rented");
    let orders = h
        .post(
            "/api/v1/rent_orders",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await
        .ok();
    assert_eq!(orders["rent_orders"][0]["rent_status"], "rentExpired");
    // The node powered the VM off: it no longer holds GPUs, CPU or memory.
    let s = sim.stats();
    assert_eq!((s.tasks_alive, s.gpus_in_use, s.cpus_in_use), (1, 0, 0));
    // Deleted 43 200 blocks (3 days) after the order's end.
    sim.advance_blocks(43_200);
    assert_eq!(sim.stats().tasks_alive, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_whole_machine_rental_ends_with_the_chain_clock() {
    // The default world: node 0 rented by Alice until block 3 894 217.
    let (sim, h, node) = sim::started(Duration::from_millis(20)).await;
    let id = h
        .create_task(&wallet_env("//Alice", &node, create_json(20310, 5931)))
        .await;
    let sid = session_of(&h, "//Alice", &node).await;
    wait_status(
        &h,
        || session_env("//Alice", &node, &sid, json!({})),
        &id,
        "running",
    )
    .await;
    let left = 3_894_217 - sim.block();
    sim.advance_blocks(left + 1);
    h.post(
        "/api/v1/tasks",
        &session_env("//Alice", &node, &sid, json!({})),
    )
    .await
    .assert_node(-3, "check authority failed: machine has already expired");
    assert_eq!(
        sim.stats().cpus_in_use,
        0,
        "VMs of the ended rental are off"
    );
    sim.advance_blocks(144_000);
    assert_eq!(
        sim.stats().tasks_alive,
        0,
        "deleted 10 days after the rent end"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn verifiers_act_only_inside_their_verify_time_windows() {
    let node = NodeConfig {
        state: MachineState::Verify,
        verify_time: vec![VerifyTime {
            wallet: BOB.into(),
            blocks: vec![START + 50],
        }],
        ..NodeConfig::default()
    };
    let sim = dbc_sim::Simulator::builder()
        .config(world(node))
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let n = sim.rented_node().to_string();
    let list = || wallet_env("//Bob", &n, json!({}));
    h.post("/api/v1/tasks", &list())
        .await
        .assert_node(-3, "check authority failed: not in verify time");
    // The window is (v, v + 2400].
    sim.advance_blocks(50);
    h.post("/api/v1/tasks", &list())
        .await
        .assert_node(-3, "check authority failed: not in verify time");
    sim.advance_blocks(1);
    assert!(h.post("/api/v1/tasks", &list()).await.ok().is_array());
    sim.advance_blocks(2399);
    assert!(h.post("/api/v1/tasks", &list()).await.ok().is_array());
    sim.advance_blocks(1);
    h.post("/api/v1/tasks", &list())
        .await
        .assert_node(-3, "check authority failed: not in verify time");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_chain_status_the_node_does_not_map_is_unknown_machine_status() {
    let sim = dbc_sim::Simulator::builder()
        .config(world(NodeConfig {
            state: MachineState::Unmapped,
            ..NodeConfig::default()
        }))
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let n = sim.rented_node().to_string();
    h.post("/api/v1/tasks", &wallet_env("//Alice", &n, json!({})))
        .await
        .assert_node(-3, "check authority failed: unknown machine status");
    let cfg = SimConfig::from_toml_str("[[nodes]]\nstate = \"unmapped\"\n").unwrap();
    assert_eq!(cfg.nodes[0].state, MachineState::Unmapped);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_clock_runs_at_six_seconds_times_the_time_scale_and_the_ready_line_says_so() {
    let sim = dbc_sim::Simulator::builder()
        .config(world(per_gpu_order(START + 10)))
        .time_scale(0.001)
        .start()
        .await
        .unwrap();
    assert_eq!(sim.block_time(), Duration::from_millis(6));
    let ready: serde_json::Value = serde_json::from_str(&sim.ready_line()).unwrap();
    assert_eq!(ready["block_time"], "6ms");
    assert_eq!(ready["block_time_ms"], 6.0);
    assert!(ready["block"].as_u64().unwrap() >= START);
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(sim.block() >= START + 10, "block {}", sim.block());
    let e = SimConfig::from_toml_str("[chain]\ntime_scale = 0\n").unwrap_err();
    assert!(e.to_string().contains("time_scale"), "{e}");
    sim.shutdown().await;
}
