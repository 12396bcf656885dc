//! Late and transient failures (§6.4, §8.2, §8.3): creations that take a while and sometimes
//! end in `create error`, the retry-later reply, login fields while creating, libvirt states
//! and what each operation admits in them.
use dbc_sim::{CreateTiming, LibvirtState, SimHandle};
use dbc_testkit::http::{session_env, session_of, wait_status, wallet_env, Http};
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A simulator whose creations follow `timing`, a raw client, its rented node and Alice's
/// session there.
async fn world(timing: CreateTiming, delay_ms: u64) -> (SimHandle, Http, String, String) {
    let b = dbc_sim::Simulator::builder()
        .seed(21)
        .create_delay(Duration::from_millis(delay_ms))
        .create_timing(timing);
    let (sim, h, node) = sim::started_with(b).await;
    let sid = session_of(&h, "//Alice", &node).await;
    (sim, h, node, sid)
}

async fn create(h: &Http, node: &str, ssh: u16, vnc: u16) -> String {
    h.create_task(&wallet_env("//Alice", node, create_json(ssh, vnc)))
        .await
}

async fn details(h: &Http, node: &str, sid: &str, id: &str) -> Value {
    h.post(
        &format!("/api/v1/tasks/{id}"),
        &session_env("//Alice", node, sid, json!({})),
    )
    .await
    .ok()
}

#[tokio::test]
async fn creation_time_is_drawn_from_the_configured_range() {
    let (sim, h, node, sid) = world(
        CreateTiming {
            max: Some(Duration::from_millis(400)),
            ..CreateTiming::default()
        },
        150,
    )
    .await;
    let t0 = Instant::now();
    let id = create(&h, &node, 20400, 5940).await;
    // Creating, with the login fields already set (§7.2.2, §8.6).
    let d = details(&h, &node, &sid, &id).await;
    assert_eq!(d["status"], "creating");
    assert_eq!(d["user_name"], "dbc");
    assert_eq!(d["login_password"].as_str().unwrap().len(), 16);
    wait_status(
        &h,
        || session_env("//Alice", &node, &sid, json!({})),
        &id,
        "running",
    )
    .await;
    let took = t0.elapsed();
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    sim.shutdown().await;
    // A range that ends before it starts is a config error.
    let e = dbc_sim::Simulator::builder()
        .create_delay(Duration::from_secs(2))
        .create_timing(CreateTiming {
            max: Some(Duration::from_secs(1)),
            ..CreateTiming::default()
        })
        .start()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("ends"), "{e}");
}

#[tokio::test]
async fn a_share_of_creations_ends_in_create_error_and_can_be_started_or_deleted() {
    let (sim, h, node, sid) = world(
        CreateTiming {
            failure_share: 1.0,
            ..CreateTiming::default()
        },
        30,
    )
    .await;
    let env = || session_env("//Alice", &node, &sid, json!({}));
    let id = create(&h, &node, 20410, 5941).await;
    let d = wait_status(&h, env, &id, "create error").await;
    assert_eq!(d["user_name"], "dbc");
    assert_eq!(
        sim.stats().cpus_in_use,
        0,
        "a failed creation's domain is off"
    );
    // The record stays; its domain exists shut off, so start is admitted (§8.2).
    let list = h.post("/api/v1/tasks", &env()).await.ok();
    assert_eq!(list[0]["status"], "create error");
    h.post(&format!("/api/v1/tasks/start/{id}"), &env())
        .await
        .assert_node(0, "ok");
    wait_status(&h, env, &id, "running").await;
    h.post(&format!("/api/v1/tasks/delete/{id}"), &env())
        .await
        .assert_node(0, "ok");
    // A share outside 0..=1 is refused.
    let e = dbc_sim::Simulator::builder()
        .create_timing(CreateTiming {
            failure_share: 1.5,
            ..CreateTiming::default()
        })
        .start()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("between 0 and 1"), "{e}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failure_share_fails_about_that_share() {
    let (sim, h, node, sid) = world(
        CreateTiming {
            failure_share: 0.5,
            ..CreateTiming::default()
        },
        10,
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..16u16 {
        let mut p = create_json(21000 + i, 6000 + i);
        p["gpu_count"] = json!("0");
        p["cpu_cores"] = json!("1");
        p["mem_size"] = json!("1");
        let r = h
            .post("/api/v1/tasks/start", &wallet_env("//Alice", &node, p))
            .await
            .ok();
        ids.push(r["task_id"].as_str().unwrap().to_string());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let list = h
        .post(
            "/api/v1/tasks",
            &session_env("//Alice", &node, &sid, json!({})),
        )
        .await
        .ok();
    let failed = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "create error")
        .count();
    let running = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "running")
        .count();
    assert_eq!(failed + running, 16, "{list}");
    assert!((2..=14).contains(&failed), "{failed} of 16 failed");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_create_while_another_is_creating_is_told_to_retry_later() {
    let (sim, h, node, sid) = world(
        CreateTiming {
            retry_later_when_busy: true,
            ..CreateTiming::default()
        },
        300,
    )
    .await;
    let id = create(&h, &node, 20420, 5942).await;
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &node, create_json(20421, 5943)),
    )
    .await
    .assert_node(-3, "create task failed, please try again in a minute");
    wait_status(
        &h,
        || session_env("//Alice", &node, &sid, json!({})),
        &id,
        "running",
    )
    .await;
    create(&h, &node, 20421, 5943).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn libvirt_states_decide_what_each_operation_admits() {
    let (sim, h, node, sid) = world(CreateTiming::default(), 20).await;
    let node_id = sim.rented_node();
    let env = |add: Value| session_env("//Alice", &node, &sid, add);
    let id = create(&h, &node, 20430, 5944).await;
    wait_status(&h, || env(json!({})), &id, "running").await;
    let op = |verb: &str| format!("/api/v1/tasks/{verb}/{id}");
    let pw = json!({"username": "dbc", "password": "N3wPassw0rd"});

    // Paused: still reported running (§8.2); start/reset/passwd refused, shutdown admitted.
    assert!(sim.set_vm_state(&node_id, &id, LibvirtState::Paused));
    assert_eq!(details(&h, &node, &sid, &id).await["status"], "running");
    h.post(&op("start"), &env(json!({})))
        .await
        .assert_node(1, "task is paused");
    h.post(&op("reset"), &env(json!({})))
        .await
        .assert_node(1, "task is paused");
    h.post(&op("restart"), &env(json!({})))
        .await
        .assert_node(1, "task is paused");
    h.post(&op("passwd"), &env(pw.clone()))
        .await
        .assert_node(1, "Only the running task can change the password");

    // Crashed: restart refused, poweroff admitted.
    assert!(sim.set_vm_state(&node_id, &id, LibvirtState::Crashed));
    h.post(&op("restart"), &env(json!({})))
        .await
        .assert_node(1, "task is crashed");
    h.post(&op("poweroff"), &env(json!({})))
        .await
        .assert_node(0, "ok");
    wait_status(&h, || env(json!({})), &id, "closed").await;

    // Shut off: poweroff refused; pm-suspended: reported pmsuspend, start wakes it.
    h.post(&op("poweroff"), &env(json!({})))
        .await
        .assert_node(1, "task is shut_off");
    assert!(sim.set_vm_state(&node_id, &id, LibvirtState::PmSuspended));
    assert_eq!(details(&h, &node, &sid, &id).await["status"], "pmsuspend");
    h.post(&op("shutdown"), &env(json!({})))
        .await
        .assert_node(0, "ok");
    wait_status(&h, || env(json!({})), &id, "closed").await;
    h.post(&op("start"), &env(json!({})))
        .await
        .assert_node(0, "ok");
    // passwd is decided on the libvirt state only: admitted while `starting` (domain running).
    h.post(&op("passwd"), &env(pw)).await.assert_node(0, "ok");
    wait_status(&h, || env(json!({})), &id, "running").await;

    // Unknown node or task.
    assert!(!sim.set_vm_state(&node_id, "NoSuchTask00000000001", LibvirtState::Paused));
    assert!("pm-suspended".parse::<LibvirtState>().is_ok());
    assert!("melted".parse::<LibvirtState>().is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_password_that_cannot_be_set_reads_na_and_passwd_repairs_it() {
    let (sim, h, node, sid) = world(
        CreateTiming {
            login_failure_share: 1.0,
            ..CreateTiming::default()
        },
        30,
    )
    .await;
    let env = |add: Value| session_env("//Alice", &node, &sid, add);
    let id = create(&h, &node, 20440, 5945).await;
    assert_eq!(details(&h, &node, &sid, &id).await["user_name"], "dbc");
    let d = wait_status(&h, || env(json!({})), &id, "running").await;
    assert_eq!(
        (d["user_name"].as_str(), d["login_password"].as_str()),
        (Some("N/A"), Some("N/A"))
    );
    h.post(
        &format!("/api/v1/tasks/passwd/{id}"),
        &env(json!({"username": "dbc", "password": "N3wPassw0rd"})),
    )
    .await
    .assert_node(0, "ok");
    let d = details(&h, &node, &sid, &id).await;
    assert_eq!(
        (d["user_name"].as_str(), d["login_password"].as_str()),
        (Some("dbc"), Some("N3wPassw0rd"))
    );
    sim.shutdown().await;
}
