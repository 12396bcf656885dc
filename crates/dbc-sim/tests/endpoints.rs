//! Every row of the §0 table at least once: happy path + main failure.
use dbc_testkit::http::{wait_status, wallet_env};
use dbc_testkit::keys::ALICE;
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn spec_7_3_images_rows_15_to_23() {
    let (sim, h, node) = sim::started(Duration::from_millis(100)).await;
    let e = |a: Value| wallet_env("//Alice", &node, a);
    // Row 16: servers (local).
    let r = h.post("/api/v1/images/servers", &json!({"x": 1})).await;
    assert_eq!(r.ok()["image_server"][0], "imgsrv1");
    h.raw("POST", "/api/v1/images/servers", vec![])
        .await
        .assert_http(400, -25, "http request body is empty");
    // Row 15: list on a server (local) and on a node (pass-through, "image_name:" key defect).
    let r = h
        .post(
            "/api/v1/images",
            &json!({"peer_nodes_list": [], "additional": {"image_server": "imgsrv1"}}),
        )
        .await;
    assert_eq!(r.ok()[0]["image_name"], "ubuntu.qcow2");
    h.post(
        "/api/v1/images",
        &json!({"peer_nodes_list": [], "additional": {"image_server": "nope"}}),
    )
    .await
    .assert_http(400, -25, "image_server not exist");
    let r = h
        .post(
            "/api/v1/images",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await;
    assert_eq!(r.ok()[0]["image_name:"], "ubuntu.qcow2");
    // Row 17/18/19: download, progress, stop.
    h.post(
        "/api/v1/images/download",
        &e(json!({"image_filename": "ubuntu-cuda.qcow2", "local_dir": "/data"})),
    )
    .await
    .assert_http(400, -25, "image_server not exist");
    h.post(
        "/api/v1/images/download",
        &e(json!({"image_server": "imgsrv1", "image_filename": "x.qcow2", "local_dir": "/data"})),
    )
    .await
    .assert_node(1, "image:x.qcow2 not exist");
    h.post(
        "/api/v1/images/download",
        &e(json!({"image_server": "imgsrv1", "local_dir": "/data"})),
    )
    .await
    .assert_node(1, "additional no image_filename");
    let dl = json!({"image_server": "imgsrv1", "image_filename": "ubuntu-cuda.qcow2", "local_dir": "/data"});
    h.post("/api/v1/images/download", &e(dl.clone()))
        .await
        .assert_node(0, "ok");
    h.post("/api/v1/images/download", &e(dl.clone()))
        .await
        .assert_node(1, "image:ubuntu-cuda.qcow2 in downloading");
    let p = h
        .post(
            "/api/v1/images/downloadprogress",
            &e(json!({"image_filename": "ubuntu-cuda.qcow2"})),
        )
        .await
        .ok();
    assert_eq!(p["status"], "downloading");
    // Creating from an image in transfer fails.
    let mut c = create_json(25000, 5990);
    c["image_name"] = json!("ubuntu-cuda.qcow2");
    h.post("/api/v1/tasks/start", &e(c.clone()))
        .await
        .assert_node(
            1,
            "'image_name' is not exist (path:/data/ubuntu-cuda.qcow2)",
        );
    h.post(
        "/api/v1/images/delete",
        &e(json!({"image_filename": "ubuntu-cuda.qcow2"})),
    )
    .await
    .assert_node(1, "image file:ubuntu-cuda.qcow2 is not exist");
    for _ in 0..100 {
        let p = h
            .post(
                "/api/v1/images/downloadprogress",
                &e(json!({"image_filename": "ubuntu-cuda.qcow2"})),
            )
            .await
            .ok();
        if p["status"] == "done" {
            assert_eq!(p["progress"], "100%");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    h.post("/api/v1/tasks/start", &e(c)).await.ok();
    h.post(
        "/api/v1/images/download_stop",
        &e(json!({"image_filename": "ubuntu-cuda.qcow2"})),
    )
    .await
    .assert_node(0, "ok");
    // Row 20/21/22: upload (local and node).
    let up_local = json!({"peer_nodes_list": [], "additional": {"image_server": "imgsrv1", "image_filename": "x.qcow2"}});
    h.post("/api/v1/images/upload", &up_local)
        .await
        .assert_http(400, -25, "image_filename: /data//data/x.qcow2 not exist");
    let up_local = json!({"peer_nodes_list": [], "additional": {"image_server": "imgsrv1", "image_filename": "upload.qcow2"}});
    h.post("/api/v1/images/upload", &up_local)
        .await
        .assert_node(0, "ok");
    assert!(h
        .post("/api/v1/images/uploadprogress", &up_local)
        .await
        .ok()["status"]
        .is_string());
    h.post("/api/v1/images/upload_stop", &up_local)
        .await
        .assert_node(0, "ok");
    h.post(
        "/api/v1/images/upload",
        &e(json!({"image_server": "imgsrv1", "image_filename": "windows.qcow2"})),
    )
    .await
    .assert_node(0, "ok");
    h.post(
        "/api/v1/images/upload",
        &e(json!({"image_server": "imgsrv1", "image_filename": "windows.qcow2"})),
    )
    .await
    .assert_node(1, "image:windows.qcow2 in uploading");
    assert_eq!(
        h.post(
            "/api/v1/images/uploadprogress",
            &e(json!({"image_filename": "windows.qcow2"}))
        )
        .await
        .ok()["status"],
        "uploading"
    );
    h.post(
        "/api/v1/images/delete",
        &e(json!({"image_filename": "windows.qcow2"})),
    )
    .await
    .assert_node(
        1,
        "image file is in downloading or uploading, please try again later",
    );
    h.post(
        "/api/v1/images/upload_stop",
        &e(json!({"image_filename": "windows.qcow2"})),
    )
    .await
    .assert_node(0, "ok");
    // Row 23: delete.
    h.post("/api/v1/images/delete", &e(json!({})))
        .await
        .assert_node(1, "image_filename is empty");
    h.post(
        "/api/v1/images/delete",
        &e(json!({"image_filename": "windows.qcow2"})),
    )
    .await
    .assert_node(0, "ok");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_7_4_7_5_snapshots_and_disks_rows_24_to_31() {
    let (sim, h, node) = sim::started(Duration::from_millis(60)).await;
    let e = |a: Value| wallet_env("//Alice", &node, a);
    let id = h.create_task(&e(create_json(26000, 6000))).await;
    // Row 24 list: unknown task → [].
    assert_eq!(
        h.post("/api/v1/snapshot/list/unknown", &e(json!({})))
            .await
            .ok(),
        json!([])
    );
    h.post("/api/v1/snapshot/list", &e(json!({})))
        .await
        .assert_http(
            400,
            -25,
            "invalid uri, please use /snapshot/list/<task_id>[/snapshot_name]",
        );
    // Row 26 create: needs shut-off VM.
    h.post(
        &format!("/api/v1/snapshot/create/{id}"),
        &e(json!({"snapshot_name": "s1"})),
    )
    .await
    .assert_http(400, -25, "image_server not exist");
    h.post(
        &format!("/api/v1/snapshot/create/{id}"),
        &e(json!({"image_server": "imgsrv1"})),
    )
    .await
    .assert_node(-3, "'snapshot_name' is empty");
    h.post(
        &format!("/api/v1/snapshot/create/{id}"),
        &e(json!({"image_server": "imgsrv1", "snapshot_name": "s1"})),
    )
    .await
    .assert_node(1, "please close task first and try again");
    h.post("/api/v1/snapshot/create/a/b", &e(json!({})))
        .await
        .assert_http(
            400,
            -25,
            "invalid uri, please use: /snapshot/<task_id>/create",
        );
    // Disk rows 28–31.
    let disks = h
        .post(&format!("/api/v1/disk/list/{id}"), &e(json!({})))
        .await
        .ok();
    assert_eq!(disks[0]["name"], "vda");
    h.post("/api/v1/disk/list/unknown", &e(json!({})))
        .await
        .assert_node(-3, "task not exist");
    h.post(
        &format!("/api/v1/disk/resize/{id}"),
        &e(json!({"disk": "vdb", "size": 10})),
    )
    .await
    .assert_node(1, "please close task first and try again");
    wait_status(&h, || e(json!({})), &id, "running").await;
    h.post(&format!("/api/v1/tasks/poweroff/{id}"), &e(json!({})))
        .await
        .assert_node(0, "ok");
    wait_status(&h, || e(json!({})), &id, "closed").await;
    h.post(
        &format!("/api/v1/disk/resize/{id}"),
        &e(json!({"disk": "vdb", "size": "10"})),
    )
    .await
    .assert_node(-3, "'size' is invalid");
    h.post(
        &format!("/api/v1/disk/resize/{id}"),
        &e(json!({"disk": "vdb", "size": 10})),
    )
    .await
    .assert_node(0, "ok");
    h.post(
        &format!("/api/v1/disk/resize/{id}"),
        &e(json!({"disk": "vdz", "size": 10})),
    )
    .await
    .assert_node(1, "task have no disk:vdz");
    h.post(&format!("/api/v1/disk/add/{id}"), &e(json!({"size": 5})))
        .await
        .assert_node(0, "ok");
    let disks = h
        .post(&format!("/api/v1/disk/list/{id}"), &e(json!({})))
        .await
        .ok();
    assert_eq!(disks[1]["size"], "20G");
    assert_eq!(disks[2]["name"], "vdc");
    h.post(
        &format!("/api/v1/disk/delete/{id}"),
        &e(json!({"disk": "vda"})),
    )
    .await
    .assert_node(1, "can not allowed to delete disk:'vda'");
    h.post(
        &format!("/api/v1/disk/delete/{id}"),
        &e(json!({"disk": "vdc"})),
    )
    .await
    .assert_node(0, "ok");
    // Snapshots on the shut-off VM: creating → uploading → none; details; delete.
    h.post(
        &format!("/api/v1/snapshot/create/{id}"),
        &e(json!({"image_server": "imgsrv1", "snapshot_name": "s1", "desc": "before"})),
    )
    .await
    .assert_node(0, "ok");
    let l = h
        .post(&format!("/api/v1/snapshot/list/{id}"), &e(json!({})))
        .await
        .ok();
    assert_eq!(l[0]["snapshot_name"], "s1");
    assert!(
        l[0]["status"] == "creating" || l[0]["status"] == "uploading",
        "{l}"
    );
    let mut done = false;
    for _ in 0..100 {
        let l = h
            .post(&format!("/api/v1/snapshot/list/{id}"), &e(json!({})))
            .await
            .ok();
        if l[0]["status"] == "none" {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(done, "snapshot never finished");
    let one = h
        .post(&format!("/api/v1/snapshot/list/{id}/s1"), &e(json!({})))
        .await
        .ok();
    assert_eq!(one["description"], "before");
    h.post(&format!("/api/v1/snapshot/list/{id}/nope"), &e(json!({})))
        .await
        .assert_node(1, "snapshot_name not exist");
    h.post(&format!("/api/v1/snapshot/delete/{id}/nope"), &e(json!({})))
        .await
        .assert_node(1, "nope not exist");
    h.post(&format!("/api/v1/snapshot/delete/{id}/s1"), &e(json!({})))
        .await
        .assert_node(0, "ok");
    h.post(&format!("/api/v1/snapshot/delete/{id}"), &e(json!({})))
        .await
        .assert_http(
            400,
            -25,
            "invalid uri, please use /snapshot/<task_id>/delete/<snapshot_name>",
        );
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_7_6_to_7_13_nodes_peers_monitor_lan_baremetal_deeplink_rent_orders() {
    let (sim, h, node) = sim::started(Duration::from_millis(60)).await;
    let un = sim.unrented_node().to_string();
    let e = |a: Value| wallet_env("//Alice", &node, a);
    // Row 32: local list, sorted.
    let r = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    let list = r.ok()["mining_nodes"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert!(list[0]["node_id"].as_str() < list[1]["node_id"].as_str());
    h.post("/api/v1/mining_nodes", &json!({"additional": {}}))
        .await
        .assert_http(400, -25, "parse req params failed: has no peer_nodes_list");
    // Row 33 with image_server check.
    h.post(
        "/api/v1/mining_nodes",
        &json!({"peer_nodes_list": [un], "additional": {"image_server": "zz"}}),
    )
    .await
    .assert_http(400, -25, "image_server not exist");
    assert_eq!(
        h.post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [un], "additional": {}})
        )
        .await
        .ok()["ip"],
        "*.51.*.142"
    );
    // Row 35 free memory.
    h.post("/api/v1/mining_nodes/free_memory", &e(json!({})))
        .await
        .assert_node(0, "ok");
    h.post(
        "/api/v1/mining_nodes/free_memory",
        &wallet_env("//Alice", &un, json!({})),
    )
    .await
    .assert_node(-3, "check authority failed: machine is not be rented");
    h.post("/api/v1/mining_nodes/session_id/x", &e(json!({})))
        .await
        .assert_http(400, -25, "invalid uri, please use /mining_nodes/session_id");
    // Rows 36–38 peers.
    for opt in ["active", "global", "lan"] {
        assert!(h
            .raw("POST", &format!("/api/v1/peers/{opt}"), vec![])
            .await
            .ok()["peer_nodes"]
            .is_array());
    }
    h.raw("POST", "/api/v1/peers/other", vec![])
        .await
        .assert_http(400, -25, "invalid option. the option is active or global");
    // Rows 41/42 monitor.
    assert_eq!(
        h.post("/api/v1/monitor", &e(json!({}))).await.ok()["servers"],
        json!([])
    );
    h.post(
        "/api/v1/monitor/set",
        &e(json!({"servers": ["a:1", "b:2", "c:3"]})),
    )
    .await
    .assert_node(1, "can not enter more than two servers");
    h.post("/api/v1/monitor/set", &e(json!({"servers": ["nocolon"]})))
        .await
        .assert_node(1, "server not match format ip:port");
    h.post("/api/v1/monitor/set", &e(json!({"servers": "x"})))
        .await
        .assert_node(1, "servers must be an array");
    h.post(
        "/api/v1/monitor/set",
        &e(json!({"servers": ["203.0.113.50:10051"]})),
    )
    .await
    .assert_node(0, "ok");
    assert_eq!(
        h.post("/api/v1/monitor/anything", &e(json!({}))).await.ok()["servers"][0],
        "203.0.113.50:10051"
    );
    // Rows 43–45 LAN.
    assert_eq!(
        h.post(
            "/api/v1/lan",
            &json!({"peer_nodes_list": [], "additional": {}})
        )
        .await
        .ok()["networks"],
        json!([])
    );
    h.post(
        "/api/v1/lan/x",
        &json!({"peer_nodes_list": [], "additional": {}}),
    )
    .await
    .assert_http(400, -32701, "network name not exist");
    h.post(
        "/api/v1/lan/create",
        &e(json!({"network_name": "ab", "ip_cidr": "10.20.0.0/24"})),
    )
    .await
    .assert_node(
        -3,
        "network name requires a combination of 6 to 10 letters or numbers",
    );
    h.post(
        "/api/v1/lan/create",
        &e(json!({"network_name": "testnet1", "ip_cidr": "192.168.122.0/24"})),
    )
    .await
    .assert_node(-3, "invalid ip cidr");
    h.post(
        "/api/v1/lan/create",
        &e(json!({"network_name": "testnet1", "ip_cidr": "10.20.0.0/24"})),
    )
    .await
    .assert_node(0, "ok");
    h.post(
        "/api/v1/lan/create",
        &e(json!({"network_name": "testnet1", "ip_cidr": "10.21.0.0/24"})),
    )
    .await
    .assert_node(-3, "network name already existed");
    let l = h
        .post(
            "/api/v1/lan",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await
        .ok();
    assert_eq!(l[0]["network_name"], "testnet1");
    assert_eq!(
        h.post(
            "/api/v1/lan/testnet1",
            &json!({"peer_nodes_list": [node], "additional": {}})
        )
        .await
        .ok()["bridge_name"],
        "brtestnet1"
    );
    h.post(
        "/api/v1/lan/nonet1",
        &json!({"peer_nodes_list": [node], "additional": {}}),
    )
    .await
    .assert_node(-3, "network name not exist");
    let mut c = create_json(27000, 6010);
    c["network_name"] = json!("testnet1");
    let tid = h.create_task(&e(c)).await;
    assert_eq!(
        wait_status(&h, || e(json!({})), &tid, "running").await["network_name"],
        "testnet1"
    );
    h.post(
        "/api/v1/lan/delete/testnet1",
        &json!({"peer_nodes_list": [], "additional": {}}),
    )
    .await
    .assert_http(400, -25, "peer_nodeid is empty");
    h.post(
        "/api/v1/lan/delete/testnet1",
        &json!({"peer_nodes_list": [node], "additional": {}}),
    )
    .await
    .assert_node(-3, "check authority failed: nonce check failed");
    h.post("/api/v1/lan/delete/testnet1", &e(json!({})))
        .await
        .assert_node(
            -3,
            "network is in used, please delete task in the network first",
        );
    // Rows 46–51 bare metal against a compute node / the client node.
    assert_eq!(
        h.post(
            "/api/v1/bare_metal",
            &json!({"peer_nodes_list": [], "additional": {}})
        )
        .await
        .ok()["bare_metal_nodes"],
        json!([])
    );
    h.post(
        "/api/v1/bare_metal",
        &json!({"peer_nodes_list": [node], "additional": {}}),
    )
    .await
    .assert_node(-3, "Not supported");
    h.post("/api/v1/bare_metal/add", &e(json!({})))
        .await
        .assert_node(-3, "Not supported");
    h.post("/api/v1/bare_metal/add", &json!({"peer_nodes_list": [], "additional": {}, "wallet": ALICE, "nonce": "n", "sign": "s"})).await.assert_http(400, -32600, "only bare metal node support");
    h.post("/api/v1/bare_metal/delete", &e(json!({})))
        .await
        .assert_node(-3, "Not supported");
    h.post("/api/v1/bare_metal/modify/abc", &e(json!({})))
        .await
        .assert_node(-3, "Not supported");
    h.post("/api/v1/bare_metal/power", &e(json!({"command": "boot"})))
        .await
        .assert_http(400, -25, "invalid command");
    h.post("/api/v1/bare_metal/power", &e(json!({"command": "on"})))
        .await
        .assert_node(-3, "Not supported");
    h.post(
        "/api/v1/bare_metal/bootdev",
        &e(json!({"device": "floppy"})),
    )
    .await
    .assert_http(400, -25, "invalid device");
    h.post("/api/v1/bare_metal/bootdev", &e(json!({"device": "pxe"})))
        .await
        .assert_node(-3, "Not supported");
    // Rows 52/53 DeepLink.
    h.post("/api/v1/deeplink", &e(json!({})))
        .await
        .assert_node(-3, "Not supported");
    h.post("/api/v1/deeplink/set", &e(json!({})))
        .await
        .assert_http(400, -25, "invalid device info");
    h.post("/api/v1/deeplink/set", &e(json!({"device_id": 5})))
        .await
        .assert_http(400, -25, "additional device id must be a string");
    h.post("/api/v1/deeplink/set", &json!({"peer_nodes_list": [node]}))
        .await
        .assert_http(400, -25, "parse req params failed: has no additional");
    // Row 54 rent orders.
    let o = h
        .post(
            "/api/v1/rent_orders",
            &json!({"peer_nodes_list": [node], "additional": {}}),
        )
        .await
        .ok();
    assert_eq!(o["rent_orders"][0]["id"], ALICE);
    assert_eq!(
        o["rent_orders"][0]["gpu_index"],
        json!([0, 1, 2, 3, 4, 5, 6, 7])
    );
    assert_eq!(
        h.post(
            "/api/v1/rent_orders/1024",
            &json!({"peer_nodes_list": [un], "additional": {}})
        )
        .await
        .ok()["rent_orders"],
        json!([])
    );
    h.post(
        "/api/v1/rent_orders",
        &json!({"peer_nodes_list": [], "additional": {}}),
    )
    .await
    .assert_http(400, -25, "peer_nodeid is empty");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_2_unescaped_values_yield_response_parse_error() {
    let (sim, h, node) = sim::started(Duration::from_millis(50)).await;
    let mut c = create_json(28000, 6020);
    c["desc"] = json!("say \"hi\"");
    // The VM is created, but the reply cannot be parsed by the client node (§2).
    h.post("/api/v1/tasks/start", &wallet_env("//Alice", &node, c))
        .await
        .assert_http(500, -1, "response parse error");
    h.post("/api/v1/tasks", &wallet_env("//Alice", &node, json!({})))
        .await
        .assert_http(500, -1, "response parse error");
    assert_eq!(sim.stats().tasks_alive, 1);
    sim.shutdown().await;
}
