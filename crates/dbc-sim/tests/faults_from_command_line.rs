//! Faults and world from the command line and the world file: `ROUTE[@NODE]=KIND[:ARG]`,
//! kebab-case kinds, per-node faults in TOML, and the binary's help.
use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::seed::create_json;
use serde_json::json;
use std::process::Command;
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dbc-sim"))
}

#[test]
fn help_lists_the_fault_flags_with_examples() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--fault <ROUTE[@NODE]=KIND[:ARG]>",
        "tasks.create=reply-lost",
        "never-answer",
        "oversized:128KiB",
        "--time-scale",
        "--create-delay",
        "2s..5s",
        "--create-failure",
        "--retry-later-when-busy",
        "--login-failure",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn a_bad_fault_is_refused_with_what_to_write() {
    let out = bin()
        .args(["--listen", "127.0.0.1:0", "--fault", "tasks.create=explode"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown kind") && err.contains("reply-lost"),
        "{err}"
    );
    let out = bin()
        .args(["--listen", "127.0.0.1:0", "--fault", "tasks.list@7=hang"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no node 7"), "{err}");
}

#[tokio::test]
async fn a_fault_spec_targets_one_node_by_index() {
    let sim = dbc_sim::Simulator::builder()
        .node_timeout(Duration::from_millis(150))
        .fault_spec("tasks.list@1=never-answer".parse().unwrap())
        .fault_spec("nodes.info@0=http-502-html".parse().unwrap())
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let n0 = sim.rented_node().to_string();
    let n1 = sim.unrented_node().to_string();
    h.post("/api/v1/tasks", &wallet_env("//Alice", &n1, json!({})))
        .await
        .assert_http(500, -1, "list task timeout");
    h.post("/api/v1/tasks", &wallet_env("//Alice", &n0, json!({})))
        .await
        .ok();
    let info = |n: &str| json!({"peer_nodes_list": [n], "additional": {}});
    assert_eq!(h.post("/api/v1/mining_nodes", &info(&n0)).await.status, 502);
    h.post("/api/v1/mining_nodes", &info(&n1)).await.ok();
    sim.shutdown().await;
}

#[tokio::test]
async fn world_file_faults_use_the_same_grammar() {
    let cfg = dbc_sim::SimConfig::from_toml_str(
        r#"
faults = ["tasks.create@0=reply-lost"]

[[nodes]]
state = "rented"
renter = { wallet = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY" }
faults = [{ route = "tasks.list", kind = "latency:20ms" }, { route = "nodes.info", kind = "oversized:2KiB" }]
"#,
    )
    .unwrap();
    let sim = dbc_sim::Simulator::builder()
        .config(cfg)
        .node_timeout(Duration::from_millis(150))
        .create_delay(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let n0 = sim.rented_node().to_string();
    h.post(
        "/api/v1/tasks/start",
        &wallet_env("//Alice", &n0, create_json(20100, 5910)),
    )
    .await
    .assert_http(500, -1, "create task timeout");
    let list = h
        .post("/api/v1/tasks", &wallet_env("//Alice", &n0, json!({})))
        .await
        .ok();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "reply-lost: the VM exists"
    );
    let r = h
        .post(
            "/api/v1/mining_nodes",
            &json!({"peer_nodes_list": [n0], "additional": {}}),
        )
        .await;
    assert_eq!(r.text.len(), 2048);
    sim.shutdown().await;
    // Bad kinds and routes in the world file are typed config errors.
    let e = dbc_sim::SimConfig::from_toml_str("faults = [\"tasks.create=boom\"]").unwrap_err();
    assert!(e.to_string().contains("unknown kind"), "{e}");
    let e = dbc_sim::SimConfig::from_toml_str(
        "[[nodes]]\nfaults = [{ route = \"task.list\", kind = \"hang\" }]",
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown route"), "{e}");
}
