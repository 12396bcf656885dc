//! Routing (§1.3), methods (§1.2), body rules (§1.4), envelope order (§4), pre-checks (§5.1),
//! reply producers (§2) and the §12 routing bullets.
use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn spec_1_3_routing_and_7_1_version_and_7_8_stat_config() {
    let sim = sim::start(Duration::from_millis(100)).await;
    let h = Http::new(&sim.url());
    // §7.1: any method, exact path, pretty JSON.
    for m in ["GET", "POST", "PUT", "DELETE"] {
        let r = h.raw(m, "/api/v1/", vec![]).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.text, "{\n    \"errcode\": 0,\n    \"message\": {\n        \"client_version\": \"0.4.1.8\"\n    }\n}\r\n");
    }
    // §1.3 rule 2.
    h.raw("POST", "/foo", vec![]).await.assert_http(
        400,
        -32600,
        "request uri is invalid, uri:/foo",
    );
    // §1.3 rule 3: no trailing slash / query on the version path are 404.
    h.raw("GET", "/api/v1", vec![])
        .await
        .assert_http(404, -32601, "not support uri:/api/v1");
    h.raw("GET", "/api/v1/?x=1", vec![]).await.assert_http(
        404,
        -32601,
        "not support uri:/api/v1/?x=1",
    );
    h.raw("POST", "/api/v1/nothing", vec![]).await.assert_http(
        404,
        -32601,
        "not support uri:/api/v1/nothing",
    );
    // §7.8 stat/config always 500.
    for p in ["/api/v1/stat", "/api/v1/config/x", "/api/v1/statistics"] {
        h.raw("GET", p, vec![])
            .await
            .assert_http(500, -32701, "Unhandled request");
    }
    // §1.2 POST only.
    h.raw("GET", "/api/v1/tasks", vec![]).await.assert_http(
        400,
        -32600,
        "only support POST request",
    );
    // §3 / §7.2 unknown two-segment task verb → Unhandled; 3+ segments → invalid requests uri.
    let body = serde_json::to_vec(&json!({"peer_nodes_list": [], "additional": {}})).unwrap();
    h.raw("POST", "/api/v1/tasks/frobnicate/x", body.clone())
        .await
        .assert_http(500, -32701, "Unhandled request");
    h.raw("POST", "/api/v1/tasks/a/b/c", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    // §1.3 rule 4: "/tasks/delete//" → ["delete",""] → task_id is empty.
    h.raw("POST", "/api/v1/tasks/delete//", body.clone())
        .await
        .assert_http(400, -25, "task_id is empty");
    // /lan/<x>/<y> with x != delete → Unhandled.
    h.raw("POST", "/api/v1/lan/foo/bar", body.clone())
        .await
        .assert_http(500, -32701, "Unhandled request");
    h.raw("POST", "/api/v1/images/nope", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/snapshot/zzz", body.clone())
        .await
        .assert_http(400, -32600, "invalid uri");
    h.raw("POST", "/api/v1/disk/list", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/mining_nodes/x", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/peers/a/b", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/rent_orders/1/2", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/monitor/a/b", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/deeplink/x", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    h.raw("POST", "/api/v1/bare_metal/a/b", body.clone())
        .await
        .assert_http(400, -32600, "invalid requests uri");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_1_3_tasks_prefix_and_trailing_slash() {
    let (sim, h, node) = sim::started(Duration::from_millis(100)).await;
    // "/api/v1/tasksABC" is details of task "ABC" (plain prefix match).
    h.post("/api/v1/tasksABC", &wallet_env("//Alice", &node, json!({})))
        .await
        .assert_node(-3, "task_id not exist");
    // "/tasks/" ≡ "/tasks" (list); a query string is ignored for routing.
    assert!(h
        .post("/api/v1/tasks/", &wallet_env("//Alice", &node, json!({})))
        .await
        .ok()
        .is_array());
    assert!(h
        .post(
            "/api/v1/tasks?x=1",
            &wallet_env("//Alice", &node, json!({}))
        )
        .await
        .ok()
        .is_array());
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_1_4_body_rules_and_4_envelope_order_and_prefixes() {
    let sim = sim::start(Duration::from_millis(100)).await;
    let h = Http::new(&sim.url());
    h.raw("POST", "/api/v1/tasks", vec![]).await.assert_http(
        400,
        -25,
        "http request body is empty",
    );
    let r = h
        .raw(
            "POST",
            "/api/v1/tasks",
            br#"{"peer_nodes_list": [], "additional": {} "x": 1}"#.to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    let m = r.msg_str();
    assert!(
        m.starts_with("json parse error: Missing a comma or '}' after an object member.(")
            && m.ends_with(')'),
        "{m}"
    );
    h.raw("POST", "/api/v1/tasks", b"[1,2]".to_vec())
        .await
        .assert_http(400, -25, "invalid json");
    // Image/disk endpoints: prefix and no offset.
    let r = h
        .raw("POST", "/api/v1/images/download", b"{".to_vec())
        .await;
    let m = r.msg_str();
    assert!(
        m.starts_with("parse request params failed: json parse error: ") && !m.ends_with(')'),
        "{m}"
    );
    let cases = [
        (json!({}), "has no peer_nodes_list"),
        (
            json!({"peer_nodes_list": "x"}),
            "peer_nodes_list is not array",
        ),
        (json!({"peer_nodes_list": []}), "has no additional"),
        (
            json!({"peer_nodes_list": [], "additional": []}),
            "additional is not object",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "wallet": 1}),
            "wallet is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "nonce": null}),
            "nonce is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "sign": true}),
            "sign is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": 1}),
            "multisig_accounts is not object",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": {}}),
            "multisig_accounts has no member wallets",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": {"wallets": 1}}),
            "multisig_accounts member wallets is not array",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": {"wallets": []}}),
            "multisig_accounts has no member threshold",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": {"wallets": [], "threshold": 2}}),
            "multisig_accounts member threshold is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": {"wallets": [], "threshold": "2"}}),
            "multisig_accounts has no member signs",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "multisig_accounts": {"wallets": [], "threshold": "2", "signs": {}}}),
            "multisig_accounts member signs is not array",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "session_id": 5}),
            "session_id is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "session_id_sign": []}),
            "session_id_sign is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}, "rent_order": 1024}),
            "rent_order is not string",
        ),
        (
            json!({"peer_nodes_list": [], "additional": {}}),
            "peer_nodeid is empty",
        ),
    ];
    for (body, msg) in &cases {
        h.post("/api/v1/tasks", body)
            .await
            .assert_http(400, -25, msg);
        // "parse req params failed: " prefix on rent_orders; "parse request params failed: " on disk.
        if *msg != "peer_nodeid is empty" {
            h.post("/api/v1/rent_orders", body).await.assert_http(
                400,
                -25,
                &format!("parse req params failed: {msg}"),
            );
            h.post("/api/v1/disk/list/abc", body).await.assert_http(
                400,
                -25,
                &format!("parse request params failed: {msg}"),
            );
        }
    }
    // Type hazards are rejected with a JSON error instead of crashing (§4).
    let r = h
        .post(
            "/api/v1/tasks",
            &json!({"peer_nodes_list": [1], "additional": {}}),
        )
        .await;
    assert_eq!(r.status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_5_1_precheck_variants_and_6_1_unknown_node() {
    let (sim, h, node) = sim::started(Duration::from_millis(100)).await;
    let bare = json!({"peer_nodes_list": [node], "additional": {}});
    h.post("/api/v1/tasks", &bare).await.assert_http(
        400,
        -25,
        "wallet_sign and multisig_wallets all invalid",
    );
    h.post("/api/v1/tasks/start", &bare).await.assert_http(
        400,
        -25,
        "session_id and wallet all invalid",
    );
    h.post("/api/v1/disk/list/x", &bare).await.assert_http(
        400,
        -25,
        "session_id and wallet all invalid",
    );
    h.post("/api/v1/images/downloadprogress", &bare)
        .await
        .assert_http(400, -25, "session_id and wallet all invalid");
    // B: a session is not enough for session_id.
    let with_session = json!({"peer_nodes_list": [node], "additional": {}, "session_id": "x", "session_id_sign": "y"});
    h.post("/api/v1/mining_nodes/session_id", &with_session)
        .await
        .assert_http(400, -25, "wallet_sign and multisig_wallets all invalid");
    // C on bare-metal add.
    h.post("/api/v1/bare_metal/add", &with_session)
        .await
        .assert_http(400, -25, "invalid wallet sign");
    // Explicit empty multisig passes the syntactic check (§5.1 quirk) and reaches the node.
    let ms = json!({"peer_nodes_list": [node], "additional": {}, "multisig_accounts": {"wallets": [], "threshold": "0", "signs": []}});
    h.post("/api/v1/tasks", &ms)
        .await
        .assert_node(-3, "check authority failed: nonce check failed");
    // Unknown node id → create node request failed (§6.1 step 7).
    let other = "ab".repeat(32);
    h.post("/api/v1/tasks", &wallet_env("//Alice", &other, json!({})))
        .await
        .assert_http(400, -32701, "create node request failed");
    // [""] on mining_nodes is forwarded and fails the same way (§7.6.1).
    h.post(
        "/api/v1/mining_nodes",
        &json!({"peer_nodes_list": [""], "additional": {}}),
    )
    .await
    .assert_http(400, -32701, "create node request failed");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_7_2_10_logs_query_rules() {
    let (sim, h, node) = sim::started(Duration::from_millis(50)).await;
    let env = || wallet_env("//Alice", &node, json!({}));
    let id = h
        .create_task(&wallet_env("//Alice", &node, create_json(20000, 5901)))
        .await;
    h.post(&format!("/api/v1/tasks/logs/{id}?flag=middle"), &env())
        .await
        .assert_http(400, -25, "head_or_tail is invalid\"");
    h.post(
        &format!("/api/v1/tasks/logs/{id}?flag=head&line_num=0"),
        &env(),
    )
    .await
    .assert_http(400, -25, "invalid line num");
    h.post(
        &format!("/api/v1/tasks/logs/{id}?flag=head&line_num=abc"),
        &env(),
    )
    .await
    .assert_http(400, -25, "invalid line num");
    let m = h
        .post(
            &format!("/api/v1/tasks/logs/{id}?flag=head&line_num=5"),
            &env(),
        )
        .await
        .ok();
    assert_eq!(m["log_content"].as_array().unwrap().len(), 5);
    assert!(m["log_content"][0].as_str().unwrap().contains("step 1/120"));
    // line_num > 100 → 99 (defect), and the 8 KiB cap (§7.2.10).
    let m = h
        .post(
            &format!("/api/v1/tasks/logs/{id}?flag=head&line_num=500"),
            &env(),
        )
        .await
        .ok();
    let lines = m["log_content"].as_array().unwrap();
    let size: usize = lines.iter().map(|l| l.as_str().unwrap().len() + 3).sum();
    assert!(
        lines.len() <= 99 && size < 8192 + 3,
        "{} lines, {size} bytes",
        lines.len()
    );
    // No flag: tail, line_num ignored.
    let m = h
        .post(&format!("/api/v1/tasks/logs/{id}?line_num=1"), &env())
        .await
        .ok();
    let tail = m["log_content"].as_array().unwrap();
    assert!(tail.len() > 1);
    // The tail ends with the newest line (an event about this task), not the first boot step.
    assert!(tail.last().unwrap().as_str().unwrap().contains(&id));
    assert!(!tail
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .contains("step 1/120"));
    h.post("/api/v1/tasks/logs/nosuchtask", &env())
        .await
        .assert_node(1, "task not exist");
    sim.shutdown().await;
}
