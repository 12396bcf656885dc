//! Create validation (§7.2.3), ports (§8.5), resources (§8.4), lifecycle (§8.2–§8.3), modify/passwd.
use dbc_testkit::http::{session_env, session_of, wait_status, wallet_env};
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::{json, Value};
use std::time::Duration;

fn with(mut base: Value, k: &str, v: Value) -> Value {
    if v.is_null() {
        base.as_object_mut().unwrap().remove(k);
    } else {
        base[k] = v;
    }
    base
}

#[tokio::test]
async fn spec_7_2_3_create_validation_in_order() {
    let (sim, h, node) = sim::started(Duration::from_millis(50)).await;
    let base = create_json(21000, 5950);
    let cases: Vec<(Value, &str)> = vec![
        (
            with(base.clone(), "task_id", json!("short")),
            "wrong task id length",
        ),
        (
            with(base.clone(), "task_id", json!("abc_defghijklmnopqrstu")),
            "task id requires a combination of letters or numbers",
        ),
        (
            with(base.clone(), "operation_system", json!("beos")),
            "unsupported operation system: beos (usage: 'linux' 'windows')",
        ),
        (
            with(base.clone(), "bios_mode", json!("BIOS")),
            "unsupported bios mode: bios (usage: 'legacy(default)'、'uefi'、'pxe')",
        ),
        (
            with(base.clone(), "image_name", Value::Null),
            "image_name is empty",
        ),
        (
            with(base.clone(), "image_name", json!("ubuntu.img")),
            "'image_name' extension name is invalid",
        ),
        (
            with(base.clone(), "image_name", json!("nope.qcow2")),
            "'image_name' is not exist (path:/data/nope.qcow2)",
        ),
        (
            with(base.clone(), "public_ip", json!("1.2.3")),
            "invalid public ip",
        ),
        (
            with(base.clone(), "public_ip", json!("198.51.100.142")),
            "public ip being used",
        ),
        (
            with(base.clone(), "ssh_port", Value::Null),
            "ssh_port is empty",
        ),
        (
            with(base.clone(), "ssh_port", json!(22)),
            "ssh_port is empty",
        ), // wrongly typed = missing
        (
            with(base.clone(), "ssh_port", json!("22a")),
            "ssh_port is not digit",
        ),
        (
            with(base.clone(), "vnc_port", Value::Null),
            "vnc_port is empty",
        ),
        (
            with(base.clone(), "vnc_port", json!("x")),
            "vnc_port is not digit",
        ),
        (
            with(base.clone(), "vnc_port", json!("5000")),
            "vnc_port is invalid (usage: [5900, 65535])",
        ),
        (
            with(base.clone(), "cpu_cores", json!("0")),
            "cpu_cores is invalid",
        ),
        (
            with(base.clone(), "cpu_cores", json!(4)),
            "cpu_cores is invalid",
        ),
        (
            with(base.clone(), "mem_size", json!("-1")),
            "mem_size is invalid",
        ),
        (
            with(base.clone(), "disk_size", json!("0")),
            "disk_size is invalid (usage: disk_size > 0)",
        ),
        (
            with(base.clone(), "data_file_name", json!("missing.qcow2")),
            "data_file_name is not exist, path: /data/missing.qcow2",
        ),
        (
            with(base.clone(), "network_name", json!("nolan1")),
            "can not find network info",
        ),
        (
            with(base.clone(), "multicast", json!(["239.1.1.1"])),
            "multicast format: ip:port",
        ),
        (
            with(base.clone(), "multicast", json!(["10.1.1.1:5000"])),
            "address is not a multicast address",
        ),
        (
            with(base.clone(), "multicast", json!(["239.1.1.1:0"])),
            "invalid multicast port",
        ),
        (
            with(base.clone(), "interface_model_type", json!("virtio")),
            "invalid interface model type",
        ),
        (
            with(base.clone(), "gpu_count", json!("-1")),
            "gpu_count is invalid (usage: gpu_count >= 0)",
        ),
        (
            with(base.clone(), "gpu_count", json!("9")),
            "gpu_count exceeds number of leases",
        ),
        (
            with(base.clone(), "cpu_cores", json!("65")),
            "allocate cpu failed",
        ),
        (
            with(base.clone(), "mem_size", json!("257")),
            "allocate mem failed",
        ),
        (
            with(base.clone(), "disk_size", json!("4000")),
            "allocate disk failed",
        ),
    ];
    for (add, msg) in cases {
        h.post(
            "/api/v1/tasks/start",
            &wallet_env("//Alice", &node, add.clone()),
        )
        .await
        .assert_node(1, msg);
    }
    // Windows family needs rdp_port.
    let win = with(
        with(base.clone(), "operation_system", json!("windows")),
        "ssh_port",
        Value::Null,
    );
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, win.clone()),
    )
    .await
    .assert_node(1, "rdp_port is empty");
    // With a public IP ports default silently.
    let pubip = with(
        with(base.clone(), "public_ip", json!("203.0.113.99")),
        "ssh_port",
        Value::Null,
    );
    h.post("/api/v1/tasks/start", &wallet_env("//Alice", &node, pubip))
        .await
        .ok();
    // Custom task id, then duplicate.
    let custom = with(
        with(base.clone(), "task_id", json!("abcdefghij0123456789")),
        "vnc_port",
        json!("5960"),
    );
    let custom = with(custom, "ssh_port", json!("21001"));
    assert_eq!(
        h.post(
            "/api/v1/tasks/start",
            &wallet_env("//Alice", &node, custom.clone())
        )
        .await
        .ok()["task_id"],
        "abcdefghij0123456789"
    );
    h.post("/api/v1/tasks/start", &wallet_env("//Alice", &node, custom))
        .await
        .assert_node(1, "task id already existed");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_7_2_3_os_rewrite_defect() {
    let (sim, h, node) = sim::started(Duration::from_millis(50)).await;
    // desc "ubuntu" is rewritten to "linux" by the client node (defect), os "win" → "windows".
    let add = with(
        with(create_json(21100, 5970), "desc", json!("ubuntu")),
        "operation_system",
        json!("ubuntu"),
    );
    let m = h
        .post("/api/v1/tasks/start", &wallet_env("//Alice", &node, add))
        .await
        .ok();
    assert_eq!(m["desc"], "linux");
    let id = m["task_id"].as_str().unwrap().to_string();
    let d = h
        .post(
            &format!("/api/v1/tasks/{id}"),
            &wallet_env("//Alice", &node, json!({})),
        )
        .await
        .ok();
    assert_eq!(d["os"], "linux");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_8_5_port_conflicts_and_8_4_resources() {
    let (sim, h, node) = sim::started(Duration::from_millis(30)).await;
    let e = |a: Value| wallet_env("//Alice", &node, a);
    let a = h.create_task(&e(create_json(22000, 5910))).await;
    h.post("/api/v1/tasks/start", &e(create_json(22000, 5911)))
        .await
        .assert_node(1, "port conflict, exist ssh_port = 22000");
    h.post("/api/v1/tasks/start", &e(create_json(22001, 5910)))
        .await
        .assert_node(1, "port conflict, exist vnc_port = 5910");
    h.post("/api/v1/tasks/start", &e(create_json(5910, 5912)))
        .await
        .assert_node(1, "port conflict, exist vnc_port = 5910");
    // Stopped VMs do not reserve ports; the second can then not start while the first runs.
    wait_status(&h, || e(json!({})), &a, "running").await;
    h.post(&format!("/api/v1/tasks/poweroff/{a}"), &e(json!({})))
        .await
        .assert_node(0, "ok");
    wait_status(&h, || e(json!({})), &a, "closed").await;
    // (b takes no GPU, so a's re-check reaches the port rule; GPUs are checked first.)
    let mut pb = create_json(22000, 5913);
    pb["gpu_count"] = json!("0");
    let b = h.create_task(&e(pb)).await;
    h.post(&format!("/api/v1/tasks/start/{a}"), &e(json!({})))
        .await
        .assert_node(1, "check ssh_port failed");
    // GPUs: 8 rented; a holds 1 but is shut off, so its GPU is free.
    let mut big = create_json(22100, 5920);
    big["gpu_count"] = json!("8");
    big["cpu_cores"] = json!("8");
    h.post("/api/v1/tasks/start", &e(big.clone())).await.ok();
    let mut one_more = create_json(22101, 5921);
    one_more["gpu_count"] = json!("1");
    h.post("/api/v1/tasks/start", &e(one_more))
        .await
        .assert_node(1, "allocate gpu failed");
    // Memory: running VMs count.
    let mut mem = create_json(22102, 5922);
    mem["gpu_count"] = json!("0");
    mem["mem_size"] = json!("250");
    h.post("/api/v1/tasks/start", &e(mem))
        .await
        .assert_node(1, "allocate mem failed");
    let st = sim.stats();
    assert_eq!(st.tasks_alive, 3);
    assert_eq!(st.gpus_in_use, 8);
    assert_eq!(st.mem_in_use_gib, 16);
    // Now a's GPU is attached to a running VM: its start fails on the GPU re-check first.
    h.post(&format!("/api/v1/tasks/start/{a}"), &e(json!({})))
        .await
        .assert_node(1, "check gpu failed");
    let _ = b;
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_8_3_lifecycle_transitions() {
    let (sim, h, node) = sim::started(Duration::from_millis(200)).await;
    let sid = session_of(&h, "//Alice", &node).await;
    let e = |a: Value| session_env("//Alice", &node, &sid, a);
    let id = h.create_task(&e(create_json(23000, 5930))).await;
    assert_eq!(
        h.post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
            .await
            .ok()["status"],
        "creating"
    );
    // Start while running → task is running.
    h.post(&format!("/api/v1/tasks/start/{id}"), &e(json!({})))
        .await
        .assert_node(1, "task is running");
    let d = wait_status(&h, || e(json!({})), &id, "running").await;
    assert_eq!(d["disks"][0]["name"], "vda");
    assert_eq!(d["interface"][0]["type"], "virtio");
    // Reset → resetting → running.
    h.post(&format!("/api/v1/tasks/reset/{id}"), &e(json!({})))
        .await
        .assert_node(0, "ok");
    assert_eq!(
        h.post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
            .await
            .ok()["status"],
        "resetting"
    );
    wait_status(&h, || e(json!({})), &id, "running").await;
    // Restart (forced via atoi) → restarting → running.
    h.post(
        &format!("/api/v1/tasks/restart/{id}?force_reboot=2"),
        &e(json!({})),
    )
    .await
    .assert_node(0, "ok");
    assert_eq!(
        h.post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
            .await
            .ok()["status"],
        "restarting"
    );
    wait_status(&h, || e(json!({})), &id, "running").await;
    // Passwd only when running.
    h.post(
        &format!("/api/v1/tasks/passwd/{id}"),
        &e(json!({"username": "dbc"})),
    )
    .await
    .assert_node(1, "password can not be empty");
    h.post(
        &format!("/api/v1/tasks/passwd/{id}"),
        &e(json!({"password": "Secret123"})),
    )
    .await
    .assert_node(1, "user name can not be empty");
    h.post(
        &format!("/api/v1/tasks/passwd/{id}"),
        &e(json!({"username": "dbc", "password": "Secret123"})),
    )
    .await
    .assert_node(0, "ok");
    assert_eq!(
        h.post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
            .await
            .ok()["login_password"],
        "Secret123"
    );
    // Shutdown → being shutdown → closed; second shutdown → task is being shutdown.
    h.post(&format!("/api/v1/tasks/shutdown/{id}"), &e(json!({})))
        .await
        .assert_node(0, "ok");
    h.post(&format!("/api/v1/tasks/shutdown/{id}"), &e(json!({})))
        .await
        .assert_node(1, "task is being shutdown");
    assert_eq!(
        h.post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
            .await
            .ok()["status"],
        "being shutdown"
    );
    wait_status(&h, || e(json!({})), &id, "closed").await;
    h.post(&format!("/api/v1/tasks/stop/{id}"), &e(json!({})))
        .await
        .assert_node(1, "task is shut_off");
    h.post(&format!("/api/v1/tasks/reset/{id}"), &e(json!({})))
        .await
        .assert_node(1, "task is shut_off");
    h.post(
        &format!("/api/v1/tasks/passwd/{id}"),
        &e(json!({"username": "a", "password": "b"})),
    )
    .await
    .assert_node(1, "Only the running task can change the password");
    // Start again.
    h.post(&format!("/api/v1/tasks/start/{id}"), &e(json!({})))
        .await
        .assert_node(0, "ok");
    assert_eq!(
        h.post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
            .await
            .ok()["status"],
        "starting"
    );
    wait_status(&h, || e(json!({})), &id, "running").await;
    // Unknown task ids.
    for verb in [
        "start", "shutdown", "poweroff", "stop", "restart", "reset", "delete", "modify", "passwd",
    ] {
        h.post(&format!("/api/v1/tasks/{verb}/nosuchtask"), &e(json!({})))
            .await
            .assert_node(1, "task not exist");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_7_2_11_modify_non_transactional_and_public_ip_pitfall() {
    let (sim, h, node) = sim::started(Duration::from_millis(30)).await;
    let e = |a: Value| wallet_env("//Alice", &node, a);
    let mut p = create_json(24000, 5940);
    p["public_ip"] = json!("203.0.113.50");
    let id = h.create_task(&e(p)).await;
    let d = wait_status(&h, || e(json!({})), &id, "running").await;
    assert_eq!(d["ssh_ip"], "203.0.113.50");
    // Omitting new_public_ip removes the public IP (defect); the ssh port is applied, then vnc fails.
    h.post(
        &format!("/api/v1/tasks/modify/{id}"),
        &e(json!({"new_ssh_port": "24001", "new_vnc_port": "80"})),
    )
    .await
    .assert_node(
        1,
        "new_vnc_port 80 is invalid! (usage: 5900 =< port <= 65535)",
    );
    let d = h
        .post(&format!("/api/v1/tasks/{id}"), &e(json!({})))
        .await
        .ok();
    assert_eq!(d["ssh_ip"], "198.51.100.142");
    assert_eq!(d["ssh_port"], "24001");
    h.post(
        &format!("/api/v1/tasks/modify/{id}"),
        &e(json!({"new_ssh_port": "0"})),
    )
    .await
    .assert_node(1, "new_ssh_port 0 is invalid! (usage: > 0)");
    h.post(
        &format!("/api/v1/tasks/modify/{id}"),
        &e(json!({"new_cpu_cores": "8"})),
    )
    .await
    .assert_node(0, "some changes will take effect on the next boot");
    h.post(
        &format!("/api/v1/tasks/modify/{id}"),
        &e(json!({"new_ssh_port": "24002"})),
    )
    .await
    .assert_node(0, "ok");
    sim.shutdown().await;
}

#[tokio::test]
async fn soak_create_delete_releases_every_resource() {
    let (sim, h, node) = sim::started(Duration::from_millis(10)).await;
    let sid = session_of(&h, "//Alice", &node).await;
    let e = |a: Value| session_env("//Alice", &node, &sid, a);
    for round in 0..3u32 {
        let mut ids = Vec::new();
        for i in 0..8u16 {
            let m = h
                .post("/api/v1/tasks/start", &e(create_json(30000 + i, 6100 + i)))
                .await
                .ok();
            ids.push(m["task_id"].as_str().unwrap().to_string());
        }
        // All 8 GPUs are taken now.
        h.post("/api/v1/tasks/start", &e(create_json(31000, 6200)))
            .await
            .assert_node(1, "allocate gpu failed");
        let st = sim.stats();
        assert_eq!(
            (
                st.tasks_alive,
                st.gpus_in_use,
                st.ports_in_use,
                st.cpus_in_use
            ),
            (8, 8, 16, 32),
            "round {round}"
        );
        for id in &ids {
            h.post(&format!("/api/v1/tasks/delete/{id}"), &e(json!({})))
                .await
                .assert_node(0, "ok");
        }
        for _ in 0..200 {
            if sim.stats().tasks_alive == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let st = sim.stats();
        assert_eq!(
            (
                st.tasks_alive,
                st.gpus_in_use,
                st.ports_in_use,
                st.cpus_in_use,
                st.mem_in_use_gib
            ),
            (0, 0, 0, 0, 0)
        );
        assert_eq!(st.in_flight, 0);
    }
    assert_eq!(h.post("/api/v1/tasks", &e(json!({}))).await.ok(), json!([]));
    sim.shutdown().await;
}
