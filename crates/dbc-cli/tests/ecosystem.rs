//! The habits users bring from gh, kubectl and cargo: `--jq`, tables (`--no-headers`,
//! `--wide`, terminal width, never `null`), shell completions, the config workflow, help without
//! credential options where they do not apply, and JSON logs without secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{dbc, ok, run, Sim};
use serde_json::Value;

/// The world of these tests (seed 5), `dbc` against it without credentials.
fn sim() -> Sim {
    Sim::start_with(dbc_sim::Simulator::builder().seed(5))
}

const PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

#[test]
fn node_list_never_prints_null_and_tables_obey_the_view_options() {
    let sim = sim();
    // The simulator's second node has no name: the node sends the string "null".
    let raw = ok(sim.dbc_anonymous().args(["node", "list", "--json"]));
    assert!(raw.stdout.contains("\"null\""), "{}", raw.stdout);
    let o = ok(sim.dbc_anonymous().args(["node", "list"]));
    assert!(!o.stdout.contains("null"), "{}", o.stdout);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(lines[0].starts_with("NODE_ID"), "{}", o.stdout);
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.split_whitespace().nth(1) == Some("-")),
        "{}",
        o.stdout
    );

    let o = ok(sim.dbc_anonymous().args(["node", "list", "--no-headers"]));
    assert_eq!(o.stdout.lines().count(), 2, "{}", o.stdout);
    assert!(!o.stdout.contains("NODE_ID"), "{}", o.stdout);

    // A 70-column terminal: the 64-digit ids stay whole, the other columns do not fit.
    let o = ok(sim
        .dbc_anonymous()
        .env("COLUMNS", "70")
        .args(["node", "list"]));
    assert!(
        o.stdout.lines().all(|l| l.chars().count() <= 70),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("VERSION"), "{}", o.stdout);
    assert!(o.stdout.contains(&sim.node), "{}", o.stdout);
    let o = ok(sim
        .dbc_anonymous()
        .env("COLUMNS", "70")
        .args(["node", "list", "--wide"]));
    assert!(o.stdout.contains("VERSION"), "{}", o.stdout);
}

#[test]
fn jq_filters_json_output_like_gh() {
    let sim = sim();
    let o = ok(sim
        .dbc_anonymous()
        .args(["node", "list", "--jq", ".mining_nodes[].node_id"]));
    let ids: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(ids.len(), 2, "{}", o.stdout);
    assert!(ids.contains(&sim.node.as_str()), "{}", o.stdout);
    // Non-strings print as compact JSON.
    let o = ok(sim
        .dbc_anonymous()
        .args(["node", "list", "--jq", ".mining_nodes | length"]));
    assert_eq!(o.stdout.trim(), "2");
    let o = ok(sim
        .dbc_anonymous()
        .args(["node", "list", "--jq", "{n: (.mining_nodes | length)}"]));
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["n"], 2);
    // A bad expression is a usage error before anything is sent (the URL is unreachable).
    let o = run(dbc(sim.home.path())
        .env("DBC_CLIENT_URL", "http://127.0.0.1:1")
        .args(["node", "list", "--jq", ".mining_nodes["]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--jq"), "{}", o.stderr);
    // A filter that fails at run time is a failure (exit 1) with the reason.
    let o = run(sim
        .dbc_anonymous()
        .args(["node", "list", "--jq", ".mining_nodes.x"]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("--jq"), "{}", o.stderr);
}

#[test]
fn completions_for_every_shell() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = ok(dbc(home.path()).args(["completion", shell]));
        assert!(o.stdout.len() > 1000, "{shell}: {}", o.stdout.len());
        assert!(o.stdout.contains("dbc"), "{shell}");
        assert!(
            o.stdout.contains("nodes-file"),
            "{shell}: fleet options missing"
        );
    }
    let o = run(dbc(home.path()).args(["completion", "tcsh"]));
    assert_eq!(o.code, 2);
    // A broken config file does not stop completions.
    let cfg = home.path().join("broken.toml");
    std::fs::write(&cfg, "this is not toml [").unwrap();
    ok(dbc(home.path())
        .env("DBC_CONFIG", &cfg)
        .args(["completion", "bash"]));
}

#[test]
fn credential_options_are_hidden_where_they_do_not_apply() {
    let home = tempfile::tempdir().unwrap();
    for cmd in [
        &["key", "generate", "--help"][..],
        &["verify", "--help"],
        &["completion", "--help"],
        &["config", "init", "--help"],
        &["sim", "serve", "--help"],
    ] {
        let o = ok(dbc(home.path()).args(cmd));
        assert!(!o.stdout.contains("--suri-file"), "{cmd:?}: {}", o.stdout);
        assert!(!o.stdout.contains("--session-id"), "{cmd:?}: {}", o.stdout);
        assert!(!o.stdout.contains("Credentials"), "{cmd:?}: {}", o.stdout);
    }
    let o = ok(dbc(home.path()).args(["vm", "list", "--help"]));
    assert!(
        o.stdout.contains("--suri-file") && o.stdout.contains("--nodes-file"),
        "{}",
        o.stdout
    );
    let o = ok(dbc(home.path()).args(["key", "inspect", "--help"]));
    assert!(
        o.stdout.contains("--suri-file") && !o.stdout.contains("--session-id"),
        "{}",
        o.stdout
    );
}

#[test]
fn config_init_set_profiles() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let cfg = h.join(".config").join("dbc").join("config.toml");
    let node = "58fb618aa482c41114eb3cfdaefd3ba183172da9e25251449d045043fbd37f45";
    let o = ok(dbc(h).args([
        "--profile",
        "prod",
        "--url",
        "http://10.0.0.5:5002",
        "config",
        "init",
        "--node",
        node,
        "--key-file",
        "~/.dbc/renter.suri",
        "--ca-file",
        "/etc/dbc/ca.pem",
    ]));
    assert!(o.stderr.contains("wrote profile `prod`"), "{}", o.stderr);
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("default_profile = \"prod\""), "{text}");
    assert!(
        text.contains("suri_file = \"~/.dbc/renter.suri\""),
        "{text}"
    );
    assert!(text.contains("cacert = \"/etc/dbc/ca.pem\""), "{text}");
    // The profile is in effect.
    let o = ok(dbc(h).args(["config", "show", "--json"]));
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["profile"], "prod");
    assert_eq!(v["url"], "http://10.0.0.5:5002");
    assert_eq!(v["node"], node);

    // No overwrite without --force.
    let o = run(dbc(h).args(["--profile", "prod", "config", "init"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--force"), "{}", o.stderr);
    ok(dbc(h).args([
        "--profile",
        "prod",
        "config",
        "init",
        "--force",
        "--nodes",
        &format!("{node},{node}"),
    ]));
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(!text.contains("suri_file"), "{text}");

    // set: a key of the default profile, of another profile; secrets and unknown keys refused.
    ok(dbc(h).args(["config", "set", "timeout", "90s"]));
    ok(dbc(h).args([
        "config",
        "set",
        "url",
        "http://127.0.0.1:5050",
        "--profile",
        "sim",
    ]));
    let o = run(dbc(h).args(["config", "set", "suri", "//Alice"]));
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("suri_file") && !o.stderr.contains("//Alice"),
        "{}",
        o.stderr
    );
    let o = run(dbc(h).args(["config", "set", "colour", "blue"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown profile key"), "{}", o.stderr);
    let o = run(dbc(h).args(["config", "set", "node", "xyz"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(dbc(h).args(["config", "set", "timeout", "soon"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("timeout = \"90s\""), "{text}");
    assert!(!text.contains("//Alice"), "{text}");

    // profiles
    let o = ok(dbc(h).args(["config", "profiles", "--json"]));
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["prod", "sim"]);
    assert_eq!(v[0]["default"], true);
    let o = ok(dbc(h).args(["config", "profiles"]));
    assert!(o.stdout.starts_with("NAME"), "{}", o.stdout);
    assert!(!o.stdout.contains("null"), "{}", o.stdout);
}

#[test]
fn json_logs_one_object_per_line_without_secrets() {
    let sim = sim();
    let suri = format!("{PHRASE}//Alice");
    let o = ok(sim.dbc_anonymous().env("DBC_SURI", &suri).args([
        "node",
        "session-id",
        &sim.node,
        "--json",
    ]));
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let sid = v["session_id"].as_str().unwrap().to_owned();
    let sign = v["session_id_sign"].as_str().unwrap().to_owned();

    for creds in [
        vec![("DBC_SURI", suri.clone())],
        vec![
            ("DBC_SESSION_ID", sid.clone()),
            ("DBC_SESSION_ID_SIGN", sign.clone()),
        ],
    ] {
        let mut c = sim.dbc_anonymous();
        c.env("DBC_LOG_FORMAT", "json");
        for (k, v) in &creds {
            c.env(k, v);
        }
        let o = ok(c.args(["vm", "list", &sim.node, "-vvv", "--json"]));
        let logs: Vec<Value> = o
            .stderr
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect();
        assert!(logs.len() >= 3, "{}", o.stderr);
        assert!(logs
            .iter()
            .all(|l| l["level"].is_string() && l["timestamp"].is_string()));
        assert!(logs.iter().any(|l| l["level"] == "TRACE"), "{}", o.stderr);
        let all = format!("{}{}", o.stdout, o.stderr);
        assert!(!all.contains(PHRASE), "the phrase leaked");
        assert!(!all.contains(&sign), "session_id_sign leaked");
    }
    let o = run(sim
        .dbc_anonymous()
        .env("DBC_LOG_FORMAT", "yaml")
        .args(["node", "list"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("DBC_LOG_FORMAT"), "{}", o.stderr);
}
