//! Golden replies: every response example in `crates/dbc-types/tests/fixtures/examples/` is
//! produced by a fresh simulator in the matching state, from the example's request (ids and
//! credentials substituted), and compared structurally — same members and JSON types, same
//! errcode and HTTP status, and the same message text where the example is not
//! instance-specific. Examples that cannot be produced are listed in [`CANNOT`] with why.
mod support;

use dbc_sim::{Fault, FaultKind};
use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::keys::BOB;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_reply_is_reproduced() {
    let mut seen = BTreeSet::new();
    let ok = "task_action.ok.response.json";
    let s = &mut seen;

    // Client-node replies.
    let c = Ctx::new(true, 30).await;
    let r = c.h.raw("GET", "/api/v1/", vec![]).await;
    check("root_version.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/mining_nodes",
            &c.request("mining_nodes.list.request.json"),
        )
        .await;
    check("mining_nodes.list.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/mining_nodes",
            &c.request("mining_nodes.request.json"),
        )
        .await;
    check("mining_nodes.response.json", 200, Text::Shape, &r, s);
    let mut req = c.request("mining_nodes.request.json");
    req["peer_nodes_list"] = json!([SERVER]);
    req["additional"] = json!({});
    let r = c.post("/api/v1/mining_nodes", &req).await;
    check(
        "mining_nodes.bare_metal_server.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/mining_nodes/session_id",
            &c.request("mining_nodes_session_id.request.json"),
        )
        .await;
    check(
        "mining_nodes_session_id.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/mining_nodes/free_memory",
            &c.request("envelope.session.request.json"),
        )
        .await;
    check(
        "mining_nodes_free_memory.response.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/images/servers",
            &c.request("images_servers.request.json"),
        )
        .await;
    check("images_servers.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/images",
            &c.request("images_list.image_server.request.json"),
        )
        .await;
    check(
        "images_list.image_server.response.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/images",
            &c.request("images_list.node.request.json"),
        )
        .await;
    check("images_list.node.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/images/upload",
            &c.request("images_upload.client_local.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let req = c.request("images_downloadprogress.request.json");
    let r = c.post("/api/v1/images/uploadprogress", &req).await;
    check(
        "images_uploadprogress.done.response.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c.h.raw("POST", "/api/v1/peers/active", vec![]).await;
    check("peers_active.response.json", 200, Text::Shape, &r, s);
    let r = c.h.raw("POST", "/api/v1/peers/lan", vec![]).await;
    check("peers_lan.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/rent_orders",
            &c.request("rent_orders.request.json"),
        )
        .await;
    check("rent_orders.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/monitor/set",
            &c.request("monitor_set.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c.post("/api/v1/monitor", &c.session(json!({}))).await;
    check("monitor.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post("/api/v1/lan/create", &c.request("lan_create.request.json"))
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/bare_metal",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    check(
        "bare_metal.client_list.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    // The manager list example is masked: its signature is not the manager's.
    let mut req = example("bare_metal.manager_list.request.json");
    req["peer_nodes_list"] = json!([manager_id()]);
    req["wallet"] = json!(manager_id());
    let r = c.post("/api/v1/bare_metal", &req).await;
    check(
        "bare_metal.manager_list.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let mut req = c.request("envelope.session.request.json");
    req["peer_nodes_list"] = json!([SERVER]);
    c.live(&mut req, false);
    let r = c.post("/api/v1/bare_metal", &req).await;
    check(
        "bare_metal.server_info.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/bare_metal/power",
            &c.request("bare_metal_power.request.json"),
        )
        .await;
    check("bare_metal_power.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/bare_metal/bootdev",
            &c.request("bare_metal_bootdev.request.json"),
        )
        .await;
    check("bare_metal_bootdev.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post("/api/v1/deeplink", &c.request("deeplink.request.json"))
        .await;
    check("deeplink.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/deeplink/set",
            &c.request("deeplink_set.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    c.sim.shutdown().await;

    // A manager without the server: add it.
    let c = Ctx::new(false, 30).await;
    let mut req = c.request("bare_metal_add.request.json");
    req["peer_nodes_list"] = json!([manager_id()]);
    let r = c.post("/api/v1/bare_metal/add", &req).await;
    check("bare_metal_add.response.json", 200, Text::Shape, &r, s);
    c.sim.shutdown().await;

    // Tasks.
    let c = Ctx::new(true, 30).await;
    let r = c
        .post("/api/v1/tasks", &c.request("tasks_list.request.json"))
        .await;
    check("tasks_list.empty.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.request.json"),
        )
        .await;
    check("tasks_start.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.wallet_rent_order.request.json"),
        )
        .await;
    check("tasks_start.response.json", 200, Text::Shape, &r, s);
    c.sim.shutdown().await;

    let c = Ctx::new(true, 30).await;
    let linux = c.linux_vm(true).await;
    let win = c.windows_vm_off().await;
    let r = c
        .post("/api/v1/tasks", &c.request("tasks_list.request.json"))
        .await;
    check("tasks_list.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/{linux}"),
            &c.request("task_info.request.json"),
        )
        .await;
    check("task_info.response.json", 200, Text::Shape, &r, s);
    // The LAN with the Linux VM as its member.
    let lan = json!({"peer_nodes_list": [GPU], "additional": {}});
    let r = c.post("/api/v1/lan", &lan).await;
    check("lan_list.node.response.json", 200, Text::Shape, &r, s);
    let r = c.post("/api/v1/lan/testnet1", &lan).await;
    check("lan_info.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/{win}"),
            &c.request("task_info.request.json"),
        )
        .await;
    check("task_info.windows.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/logs/{linux}"),
            &c.session(json!({})),
        )
        .await;
    check("tasks_logs.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/passwd/{linux}"),
            &c.request("tasks_passwd.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    // Port conflict with the running Linux VM.
    let mut req = c.request("tasks_start.request.json");
    req["additional"]["vnc_port"] = json!("5990");
    let r = c.post("/api/v1/tasks/start", &req).await;
    check("error.port_conflict.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/start/{linux}"),
            &c.session(json!({})),
        )
        .await;
    check("error.task_state.json", 200, Text::Exact, &r, s);
    // Disks and snapshots need the VM shut off.
    let r = c
        .post(
            &format!("/api/v1/disk/list/{win}"),
            &c.request("disk_list.request.json"),
        )
        .await;
    check("disk_list.response.json", 200, Text::Shape, &r, s);
    for (verb, file) in [
        ("resize", "disk_resize.request.json"),
        ("add", "disk_add.request.json"),
        ("delete", "disk_delete.request.json"),
    ] {
        let r = c
            .post(&format!("/api/v1/disk/{verb}/{win}"), &c.request(file))
            .await;
        check(ok, 200, Text::Exact, &r, s);
    }
    let mut snap = c.request("snapshot_create.request.json");
    let r = c
        .post(&format!("/api/v1/snapshot/create/{win}"), &snap)
        .await;
    check(ok, 200, Text::Exact, &r, s);
    snap["additional"]["snapshot_name"] = json!("snap0");
    snap["additional"]["desc"] = json!("");
    c.live(&mut snap, false);
    c.post(&format!("/api/v1/snapshot/create/{win}"), &snap)
        .await
        .ok();
    let r = c
        .post(
            &format!("/api/v1/snapshot/list/{win}"),
            &c.session(json!({})),
        )
        .await;
    check("snapshot_list.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/snapshot/list/{win}/snap1"),
            &c.session(json!({})),
        )
        .await;
    check("snapshot_info.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/modify/{win}"),
            &c.request("tasks_modify.request.json"),
        )
        .await;
    check("tasks_modify.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/shutdown/{linux}"),
            &c.session(json!({})),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/delete/{win}"),
            &c.request("tasks_delete.request.json"),
        )
        .await;
    check("tasks_delete.response.json", 200, Text::Exact, &r, s);
    // A desc with a quote breaks the node's unescaped reply (§2).
    let mut req = c.request("tasks_start.request.json");
    req["additional"]["desc"] = json!("say \"hi\"");
    req["additional"]["ssh_port"] = json!("20099");
    req["additional"]["vnc_port"] = json!("5999");
    let r = c.post("/api/v1/tasks/start", &req).await;
    assert_eq!(r.status, 500, "{}", r.text);
    let r = c
        .post("/api/v1/tasks", &c.request("tasks_list.request.json"))
        .await;
    check("error.response_parse.json", 500, Text::Exact, &r, s);
    // Images on the node: download, progress.
    let r = c
        .post(
            "/api/v1/images/download",
            &c.request("images_download.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/images/downloadprogress",
            &c.request("images_downloadprogress.request.json"),
        )
        .await;
    check(
        "images_downloadprogress.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    c.sim.shutdown().await;

    // HTTP-side errors.
    let c = Ctx::new(true, 30).await;
    let list = c.request("tasks_list.request.json");
    let r = c.h.raw("GET", "/api/v1/tasks", vec![]).await;
    check("error.not_post.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v1/tasks", &json!({"additional": {}})).await;
    check("error.invalid_params.json", 400, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/tasks",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    check(
        "error.invalid_params.peer_nodeid_empty.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    let bare = json!({"peer_nodes_list": [GPU], "additional": {}});
    let r = c.post("/api/v1/tasks", &bare).await;
    check(
        "error.invalid_params.auth_missing.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    let r = c.post("/api/v1/tasks/start", &bare).await;
    check(
        "error.invalid_params.auth_missing_create.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    let body = format!("{{\"wallet\":\"{}\"\"nonce\":\"n\"}}", "a".repeat(45));
    let r = c.h.raw("POST", "/api/v1/tasks", body.into_bytes()).await;
    check("error.json_parse.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v2/tasks", &list).await;
    check("error.invalid_uri.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v1/unknown", &list).await;
    check("error.not_support_uri.json", 404, Text::Exact, &r, s);
    let r = c.post("/api/v1/images/unknown", &list).await;
    check("error.invalid_requests_uri.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v1/stat", &list).await;
    check("error.unhandled_request.json", 500, Text::Exact, &r, s);
    let mut req = list.clone();
    req["peer_nodes_list"] = json!(["ab".repeat(32)]);
    let r = c.post("/api/v1/tasks", &req).await;
    check(
        "error.create_node_request_failed.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    // GPU-node errors.
    let r = c
        .post("/api/v1/tasks", &wallet_env("//Bob", GPU, json!({})))
        .await;
    check("error.node_auth_failed.json", 200, Text::Exact, &r, s);
    let r = c
        .post("/api/v1/tasks", &wallet_env("//Alice", GPU2, json!({})))
        .await;
    check(
        "error.node_machine_not_rented.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c
        .post("/api/v1/tasks/NoSuchTask0000000001", &c.session(json!({})))
        .await;
    check("error.task_info_not_exist.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/tasks/start/NoSuchTask0000000001",
            &c.session(json!({})),
        )
        .await;
    check("error.task_not_exist.json", 200, Text::Exact, &r, s);
    c.sim
        .add_fault(Fault::on_route("tasks.create", FaultKind::NeverAnswer));
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.request.json"),
        )
        .await;
    check("error.timeout.json", 500, Text::Exact, &r, s);
    c.sim.clear_faults();
    c.sim.shutdown().await;

    // Retry later: the node's lifecycle worker is still creating another VM.
    let c = Ctx::with(
        dbc_sim::Simulator::builder()
            .config(world(true))
            .create_delay(Duration::from_secs(5))
            .create_timing(dbc_sim::CreateTiming {
                retry_later_when_busy: true,
                ..Default::default()
            }),
    )
    .await;
    c.post(
        "/api/v1/tasks/start",
        &c.request("tasks_start.request.json"),
    )
    .await
    .ok();
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.wallet_rent_order.request.json"),
        )
        .await;
    check("error.retry_later.json", 200, Text::Exact, &r, s);
    c.sim.shutdown().await;

    // A verifier asking for a session id.
    let mut cfg = world(false);
    cfg.nodes[0].state = dbc_sim::MachineState::Verify;
    cfg.nodes[0].committee = vec![BOB.into()];
    let sim = dbc_sim::Simulator::builder()
        .config(cfg)
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let r = h
        .post(
            "/api/v1/mining_nodes/session_id",
            &wallet_env("//Bob", GPU, json!({})),
        )
        .await;
    check("error.session_id_not_renter.json", 200, Text::Exact, &r, s);
    sim.shutdown().await;

    // Every response example is matched or listed as impossible.
    let all: BTreeSet<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".request.json"))
        .collect();
    let cannot: BTreeSet<String> = CANNOT.iter().map(|(f, _)| f.to_string()).collect();
    let missing: Vec<&String> = all
        .iter()
        .filter(|f| !seen.contains(*f) && !cannot.contains(*f))
        .collect();
    assert!(missing.is_empty(), "examples not reproduced: {missing:?}");
    for f in &cannot {
        assert!(all.contains(f), "{f} is listed but no longer exists");
        assert!(
            !seen.contains(f),
            "{f} is listed as impossible but was reproduced"
        );
    }
}
