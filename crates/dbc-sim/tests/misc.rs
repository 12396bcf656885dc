//! Determinism, secrets hygiene, TOML config, and the binary's ready line (issue #5).
use dbc_testkit::http::{session_of, wait_status, wallet_env};
use dbc_testkit::keys::ALICE;
use dbc_testkit::seed::create_json;
use dbc_testkit::sim;
use serde_json::json;

async fn world_fingerprint(seed: u64) -> (Vec<String>, String, String, String) {
    let (sim, h, node) = sim::started_with(
        dbc_sim::Simulator::builder()
            .seed(seed)
            .create_delay(std::time::Duration::from_millis(10)),
    )
    .await;
    let ids: Vec<String> = sim.node_ids().iter().map(|n| n.to_string()).collect();
    let sid = session_of(&h, "//Alice", &node).await;
    let task = h
        .create_task(&wallet_env("//Alice", &node, create_json(20000, 5900)))
        .await;
    let d = wait_status(
        &h,
        || wallet_env("//Alice", &node, json!({})),
        &task,
        "running",
    )
    .await;
    let pw = d["login_password"].as_str().unwrap().to_string();
    // Secrets never appear in Debug output of the handle.
    let dbg = format!("{sim:?}");
    assert!(!dbg.contains(&pw) && !dbg.contains(&sid), "{dbg}");
    sim.shutdown().await;
    (ids, task, sid, pw)
}

#[tokio::test]
async fn deterministic_under_a_seed_and_secrets_redacted() {
    let a = world_fingerprint(7).await;
    let b = world_fingerprint(7).await;
    let c = world_fingerprint(8).await;
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
    assert_ne!(a.1, c.1);
    // §8.6 password alphabet: a letter, then A–Z a–z 0–9 _ / + [ ] @ # ^.
    let pw = &a.3;
    assert_eq!(pw.len(), 16);
    assert!(pw.chars().next().unwrap().is_ascii_alphabetic());
    assert!(pw
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "_/+[]@#^".contains(ch)));
}

#[test]
fn toml_config_rejects_bad_node_ids() {
    let err = dbc_sim::SimConfig::from_toml_str("[[nodes]]\nid = \"xyz\"\n").unwrap_err();
    assert!(err.to_string().contains("64 hex digits"), "{err}");
    let cfg = dbc_sim::SimConfig::from_toml_str(
        "[[nodes]]\nstate = \"rented\"\nrenter = { wallet = \"5Grw\" }\ngpus = 2\n",
    )
    .unwrap();
    assert_eq!(cfg.nodes[0].gpus, 2);
    assert_eq!(cfg.nodes[0].state, dbc_sim::MachineState::Rented);
}

#[test]
fn binary_prints_one_ready_line() {
    let (mut child, _line, v) = dbc_testkit::process::spawn_ready(
        std::process::Command::new(env!("CARGO_BIN_EXE_dbc-sim")).args([
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "3",
            "--create-delay",
            "200ms",
        ]),
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(v["url"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(v["renter_suri"], "//Alice");
    assert_eq!(v["nodes"][0]["state"], "rented");
    assert_eq!(v["nodes"][0]["renter"], ALICE);
    assert_eq!(v["nodes"][1]["state"], "online");
    assert_eq!(v["nodes"][0]["node_id"].as_str().unwrap().len(), 64);
}
