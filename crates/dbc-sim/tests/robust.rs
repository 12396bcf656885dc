//! Robustness: garbage, huge and deeply nested bodies never crash the server (§1.1, §1.4).
use dbc_testkit::http::{wallet_env, Http, Resp};
use dbc_testkit::sim;
use proptest::prelude::*;
use serde_json::json;
use std::time::Duration;

fn assert_envelope(r: &Resp) {
    let v: serde_json::Value =
        serde_json::from_str(&r.text).unwrap_or_else(|e| panic!("{e}: {:?}", r.text));
    assert!(v["errcode"].is_i64(), "{}", r.text);
    assert!(v.get("message").is_some(), "{}", r.text);
}

#[tokio::test]
async fn garbage_nested_invalid_utf8_and_large_bodies() {
    let (sim, h, node) = sim::started(Duration::from_millis(100)).await;
    // Garbage bytes.
    let r = h
        .raw("POST", "/api/v1/tasks", vec![0xff, 0xfe, 0x00, 0x41])
        .await;
    assert_eq!(r.status, 400);
    assert_envelope(&r);
    // Deeply nested arrays: no stack overflow, a JSON parse error.
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let r = h.raw("POST", "/api/v1/tasks", deep.into_bytes()).await;
    assert_eq!(r.status, 400);
    assert!(r.msg_str().starts_with("json parse error: "), "{}", r.text);
    let deep_member = format!(
        "{{\"peer_nodes_list\":[],\"additional\":{{\"x\":{}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(
        h.raw("POST", "/api/v1/tasks", deep_member.into_bytes())
            .await
            .status,
        400
    );
    // Invalid UTF-8 inside a string.
    let mut b = br#"{"peer_nodes_list":[],"additional":{},"wallet":""#.to_vec();
    b.extend_from_slice(&[0xc3, 0x28]);
    b.extend_from_slice(b"\"}");
    let r = h.raw("POST", "/api/v1/tasks", b).await;
    assert_eq!(r.status, 400);
    assert_envelope(&r);
    // A NUL byte ends the document (rapidjson).
    let r = h
        .raw(
            "POST",
            "/api/v1/tasks",
            b"{\"peer_nodes_list\":[],\"additional\":{}}\0garbage".to_vec(),
        )
        .await;
    r.assert_http(400, -25, "peer_nodeid is empty");
    // Wrong types in additional behave as missing.
    let r = h
        .post(
            "/api/v1/tasks/start",
            &wallet_env("//Alice", &node, json!({"image_name": 5, "vnc_port": [1]})),
        )
        .await;
    r.assert_node(1, "image_name is empty");
    // A body just under 32 MiB is accepted and parsed.
    let pad = "a".repeat(31 * 1024 * 1024);
    let big = format!("{{\"peer_nodes_list\":[],\"additional\":{{\"pad\":\"{pad}\"}}}}");
    h.raw("POST", "/api/v1/tasks", big.into_bytes())
        .await
        .assert_http(400, -25, "peer_nodeid is empty");
    // Over 32 MiB: refused with 413 (or a clean close), never buffered whole.
    let huge = vec![b' '; 33 * 1024 * 1024];
    let req = http::Request::builder()
        .method("POST")
        .uri(format!("{}/api/v1/tasks", sim.url()))
        .body(http_body_util::Full::new(bytes::Bytes::from(huge)))
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    // A connection closed while sending is acceptable; a reply must be 413.
    if let Ok(resp) = client.request(req).await {
        assert_eq!(resp.status().as_u16(), 413);
    }
    // Still serving.
    assert_eq!(h.raw("GET", "/api/v1/", vec![]).await.status, 200);
    sim.shutdown().await;
}

fn path_strategy() -> impl Strategy<Value = String> {
    let heads = prop::sample::select(vec![
        "/api/v1/",
        "/api/v1/tasks",
        "/api/v1/tasks/start",
        "/api/v1/tasks/logs/",
        "/api/v1/images",
        "/api/v1/images/",
        "/api/v1/snapshot/",
        "/api/v1/disk/",
        "/api/v1/mining_nodes",
        "/api/v1/mining_nodes/",
        "/api/v1/peers/",
        "/api/v1/stat",
        "/api/v1/monitor/",
        "/api/v1/lan/",
        "/api/v1/bare_metal/",
        "/api/v1/deeplink/",
        "/api/v1/rent_orders/",
        "/x",
        "/api/v1",
    ]);
    (heads, "[a-z0-9_/?=&.-]{0,24}").prop_map(|(h, t)| format!("{h}{t}"))
}

fn body_strategy(node: String) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        "[ -~]{0,200}".prop_map(String::into_bytes),
        (
            any::<bool>(),
            any::<bool>(),
            "[ -~]{0,20}",
            prop::option::of(0i64..5)
        )
            .prop_map(move |(peer, add, w, n)| {
                let mut v = json!({});
                if peer {
                    v["peer_nodes_list"] = json!([node.clone()]);
                }
                if add {
                    v["additional"] = json!({"image_name": w, "gpu_count": n});
                }
                v["wallet"] = json!(w);
                if let Some(n) = n {
                    v["nonce"] = json!(n);
                }
                serde_json::to_vec(&v).unwrap()
            }),
    ]
}

#[test]
fn proptest_random_paths_and_bodies_always_get_a_json_envelope() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt.block_on(sim::start(Duration::from_millis(50)));
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    });
    let methods = prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]);
    runner
        .run(
            &(methods, path_strategy(), body_strategy(node)),
            |(m, p, b)| {
                let r = rt.block_on(h.raw(m, &p, b));
                let v: serde_json::Value = serde_json::from_str(&r.text)
                    .map_err(|e| TestCaseError::fail(format!("{e}: {m} {p} -> {:?}", r.text)))?;
                prop_assert!(v["errcode"].is_i64(), "{}", r.text);
                prop_assert!(v.get("message").is_some());
                prop_assert!(r.text.ends_with("\r\n"));
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(rt.block_on(h.raw("GET", "/api/v1/", vec![])).status, 200);
    rt.block_on(sim.shutdown());
}
