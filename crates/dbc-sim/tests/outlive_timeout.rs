//! Operations that outlive their timeout (§1.5, §9.3): a lost or late reply still lets the
//! GPU node act; a request the node never got does nothing. Also what the client node answers
//! for a broken GPU-node reply (§2, §6.2) and the retry-later reply (§6.4).
use dbc_sim::{Fault, FaultKind, SimHandle};
use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::seed::create_json;
use serde_json::json;
use std::time::{Duration, Instant};

const NODE_TIMEOUT: Duration = Duration::from_millis(200);

async fn sim_with(route: &str, kind: FaultKind) -> SimHandle {
    dbc_sim::Simulator::builder()
        .seed(11)
        .create_delay(Duration::from_millis(50))
        .node_timeout(NODE_TIMEOUT)
        .fault(Fault::on_route(route, kind))
        .start()
        .await
        .unwrap()
}

async fn task_count(h: &Http, node: &str) -> usize {
    h.post("/api/v1/tasks", &wallet_env("//Alice", node, json!({})))
        .await
        .ok()
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_lost_create_reply_still_creates_the_vm() {
    let sim = sim_with("tasks.create", FaultKind::ReplyLost).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    let t = Instant::now();
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, create_json(20001, 5901)),
    )
    .await
    .assert_http(500, -1, "create task timeout");
    assert!(t.elapsed() >= NODE_TIMEOUT, "answered before node_timeout");
    assert_eq!(task_count(&h, &node).await, 1, "the node created the VM");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_request_the_node_never_got_creates_nothing() {
    let sim = sim_with("tasks.create", FaultKind::NeverAnswer).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, create_json(20002, 5902)),
    )
    .await
    .assert_http(500, -1, "create task timeout");
    assert_eq!(task_count(&h, &node).await, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_reply_later_than_the_node_timeout_is_a_timeout_but_the_vm_exists() {
    let sim = sim_with("tasks.create", FaultKind::Latency(Duration::from_secs(5))).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    let t = Instant::now();
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, create_json(20003, 5903)),
    )
    .await
    .assert_http(500, -1, "create task timeout");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "the client node gives up at node_timeout, not at the reply's latency"
    );
    assert_eq!(task_count(&h, &node).await, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lost_delete_reply_still_deletes() {
    let sim = sim_with("tasks.delete", FaultKind::ReplyLost).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    let id = h
        .create_task(&wallet_env("//Alice", &node, create_json(20004, 5904)))
        .await;
    h.post(
        &format!("/api/v1/tasks/delete/{id}"),
        &wallet_env("//Alice", &node, json!({})),
    )
    .await
    .assert_http(500, -1, "delete task timeout");
    for _ in 0..100 {
        if task_count(&h, &node).await == 0 {
            sim.shutdown().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the delete whose reply was lost never happened");
}

#[tokio::test]
async fn a_broken_node_reply_is_a_response_parse_error_from_the_client_node() {
    let sim = sim_with("tasks.create", FaultKind::InvalidJson).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    // The client node parses the GPU node's reply: HTTP 500, -1 (§6.2); the VM exists.
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, create_json(20005, 5905)),
    )
    .await
    .assert_http(500, -1, "response parse error");
    assert_eq!(task_count(&h, &node).await, 1);
    // images, disks and free_memory use the other text.
    sim.set_faults(vec![Fault::on_route(
        "nodes.free_memory",
        FaultKind::InvalidJson,
    )]);
    h.post(
        "/api/v1/mining_nodes/free_memory",
        &wallet_env("//Alice", &node, json!({})),
    )
    .await
    .assert_http(500, -1, "http response parse error");
    // A reply the client node builds itself can be broken JSON with HTTP 200 (§2).
    sim.set_faults(vec![Fault::on_route("nodes.list", FaultKind::InvalidJson)]);
    let r = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_retry_later_fault_answers_try_again_and_does_nothing() {
    let sim = sim_with("tasks.create", FaultKind::RetryLater).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, create_json(20006, 5906)),
    )
    .await
    .assert_node(-3, "create task failed, please try again in a minute");
    assert_eq!(task_count(&h, &node).await, 0);
    // Routes that cannot answer so ignore the fault.
    sim.set_faults(vec![Fault {
        node: None,
        route: None,
        kind: FaultKind::RetryLater,
    }]);
    assert_eq!(task_count(&h, &node).await, 0);
    sim.shutdown().await;
}
