//! `dbc call` end to end against the embedded simulator: `--list`, a local call, wallet-signed
//! calls with path parameters and an `additional` file, and bad input as usage errors (exit 2)
//! that say what to do (and `image list` without NODE or --server).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{ok, run, Sim};
use serde_json::Value;

#[test]
fn list_prints_the_registry_as_json_and_table() {
    let sim = Sim::start();
    let v = ok(sim.dbc_anonymous().args(["call", "--list", "--json"])).json();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), dbc_types::REGISTRY.len());
    let create = rows.iter().find(|r| r["name"] == "tasks.create").unwrap();
    assert_eq!(create["method"], "POST");
    assert_eq!(create["path"], "/api/v1/tasks/start");
    assert_eq!(create["auth"], "R");
    assert_eq!(create["dedicated"], true);
    let o = ok(sim.dbc_anonymous().args(["call", "--list"]));
    let first = o.stdout.lines().next().unwrap();
    for col in ["NAME", "METHOD", "PATH", "AUTH"] {
        assert!(first.contains(col), "{}", o.stdout);
    }
    assert!(o.stdout.contains("bare_metal.bootdev"), "{}", o.stdout);
    let o = ok(sim.dbc_anonymous().args([
        "call",
        "--list",
        "--jq",
        ".[] | select(.auth == \"local\") | .name",
    ]));
    assert!(o.stdout.lines().any(|l| l == "version"), "{}", o.stdout);
}

#[test]
fn a_local_call_needs_no_credentials() {
    let sim = Sim::start();
    let v = ok(sim.dbc_anonymous().args(["call", "version", "--json"])).json();
    assert!(v["client_version"].is_string(), "{v}");
    // the same reply as the dedicated command
    let d = ok(sim.dbc_anonymous().args(["version", "--json"])).json();
    assert_eq!(v, d);
}

#[test]
fn wallet_signed_calls_with_params_and_an_additional_file() {
    let sim = Sim::start();
    let file = sim.home.path().join("create.json");
    std::fs::write(
        &file,
        dbc_testkit::seed::create_json(6301, 6301).to_string(),
    )
    .unwrap();
    let created = ok(sim.dbc().args([
        "call",
        "tasks.create",
        &sim.node,
        "--additional",
        &format!("@{}", file.display()),
        "--json",
    ]))
    .json();
    let task = created["task_id"].as_str().unwrap().to_owned();
    let list = ok(sim
        .dbc()
        .args(["call", "tasks.list", &sim.node, "--jq", ".[].task_id"]));
    assert!(list.stdout.lines().any(|l| l == task), "{}", list.stdout);
    let info: Value = ok(sim.dbc().args([
        "call",
        "tasks.info",
        &sim.node,
        "--param",
        &format!("task_id={task}"),
        "--json",
    ]))
    .json();
    assert_eq!(info["task_id"], task.as_str());
    // without a key nothing is sent, and the error says how to give one (like `dbc vm list`)
    let before = sim.handle().stats().requests;
    let o = run(sim.dbc_anonymous().args(["call", "tasks.list", &sim.node]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--suri-file"), "{}", o.stderr);
    assert_eq!(sim.handle().stats().requests, before);
}

#[test]
fn bad_input_is_a_usage_error_that_says_what_to_do() {
    let sim = Sim::start();
    let node = sim.node.clone();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["call", "tasks.nope"], "dbc call --list"),
        (
            vec!["call", "tasks.info", &node, "--param", "task_id"],
            "NAME=VALUE",
        ),
        (vec!["call", "tasks.info", &node], "--param task_id=VALUE"),
        (
            vec![
                "call",
                "tasks.info",
                &node,
                "--param",
                "task_id=a",
                "--param",
                "x=1",
            ],
            "takes no parameter `x`",
        ),
        (
            vec![
                "call",
                "disks.add",
                &node,
                "--param",
                "task_id=a",
                "--additional",
                "@/nonexistent/a.json",
            ],
            "cannot read the --additional file /nonexistent/a.json",
        ),
        (
            vec![
                "call",
                "disks.add",
                &node,
                "--param",
                "task_id=a",
                "--additional",
                "[1]",
            ],
            "must be a JSON object",
        ),
        (
            vec![
                "call",
                "disks.add",
                &node,
                "--param",
                "task_id=a",
                "--additional",
                "{size",
            ],
            "is not JSON",
        ),
        (vec!["call", "version", &node], "leave NODE out"),
        (vec!["call"], "ENDPOINT"),
    ];
    for (args, want) in cases {
        let o = run(sim.dbc().args(&args));
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(want), "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}: {}", o.stdout);
    }
    // nothing reached the node
    assert_eq!(sim.handle().stats().requests, 0);
}

/// `image list` without NODE lists an image server: without `--server` it is a usage error
/// naming both ways, and nothing is sent.
#[test]
fn image_list_needs_a_node_or_a_server() {
    let sim = Sim::start();
    let o = run(sim.dbc().args(["image", "list"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("NODE") && o.stderr.contains("--server"),
        "{}",
        o.stderr
    );
    assert_eq!(sim.handle().stats().requests, 0);
}
