//! Fleet mode end to end: `dbc` against a simulated world of many GPU nodes, one of which
//! hangs, plus an id the client node does not know.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use assert_cmd::Command;
use common::{run, Sim};
use dbc_testkit::keys::ALICE;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Nodes in the world; node `HANG` never answers.
const NODES: usize = 40;
const HANG: usize = 7;
/// An id no node of the world has.
const UNKNOWN: &str = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

/// The world: `NODES` compute nodes rented by //Alice; node `HANG` hangs on every call.
fn world_toml() -> String {
    let mut t = String::new();
    for i in 0..NODES {
        t.push_str(&format!(
            "[[nodes]]\nstate = \"rented\"\nrenter = {{ wallet = \"{ALICE}\" }}\n"
        ));
        t.push_str(&format!("name = \"gpu-{i}\"\n"));
        if i == HANG {
            t.push_str("faults = [{ kind = \"hang\" }]\n");
        }
    }
    t
}

struct World {
    sim: Sim,
    ids: Vec<String>,
}

impl World {
    fn start() -> World {
        let cfg = dbc_sim::SimConfig::from_toml_str(&world_toml()).unwrap();
        let sim = Sim::start_with(dbc_sim::Simulator::builder().seed(11).config(cfg));
        let ids = sim
            .handle()
            .node_ids()
            .iter()
            .map(|n| n.to_string())
            .collect();
        World { sim, ids }
    }

    /// `dbc` against the world with the renter key; fleet runs may take up to a minute.
    fn dbc(&self) -> Command {
        let mut c = self.sim.dbc();
        c.timeout(Duration::from_secs(60));
        c
    }

    /// Every id, the hanging one included, then the unknown one.
    fn all_with_unknown(&self) -> String {
        let mut ids = self.ids.clone();
        ids.push(UNKNOWN.to_owned());
        ids.join(",")
    }
}

fn lines_json(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn many_nodes_one_hanging_one_unknown_json() {
    let w = World::start();
    let o = run(w.dbc().args([
        "vm",
        "list",
        "--nodes",
        &w.all_with_unknown(),
        "--timeout",
        "2s",
        "--json",
    ]));
    assert_eq!(o.code, 1, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let objs = lines_json(&o.stdout);
    assert_eq!(objs.len(), NODES + 1, "{}", o.stdout);
    // One object per node, in the order given.
    for (obj, id) in objs.iter().zip(w.ids.iter().chain([&UNKNOWN.to_owned()])) {
        assert_eq!(obj["node"], id.as_str(), "{obj}");
    }
    let hang = &objs[HANG];
    assert_eq!(hang["ok"], false, "{hang}");
    assert_eq!(hang["error"]["kind"], "timeout", "{hang}");
    assert!(hang["error"]["hint"].is_string(), "{hang}");
    let unknown = &objs[NODES];
    assert_eq!(unknown["ok"], false, "{unknown}");
    assert_eq!(unknown["error"]["kind"], "node_unknown", "{unknown}");
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("create node request failed"),
        "{unknown}"
    );
    let ok: Vec<&Value> = objs.iter().filter(|o| o["ok"] == true).collect();
    assert_eq!(ok.len(), NODES - 1);
    for o in &ok {
        assert!(o["result"].is_array(), "{o}");
        assert!(o.get("error").is_none(), "{o}");
    }
    // The hanging node delays the run by about the timeout (2 s), not by retries of it.
    assert!(o.took < Duration::from_millis(4500), "took {:?}", o.took);
    // One summary line on stderr.
    let summary: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("fleet:"))
        .collect();
    assert_eq!(summary.len(), 1, "{}", o.stderr);
    assert!(
        summary[0].contains(&format!("{}/{} nodes ok", NODES - 1, NODES + 1))
            && summary[0].contains("2 failed")
            && summary[0].contains("1 timeout")
            && summary[0].contains("1 node_unknown"),
        "{}",
        summary[0]
    );
}

#[test]
fn human_table_has_a_node_column_and_the_errors() {
    let w = World::start();
    let nodes = format!("{},{},{}", w.ids[0], w.ids[HANG], UNKNOWN);
    let o = run(w.dbc().args([
        "node",
        "info",
        "--nodes",
        &nodes,
        "--timeout",
        "1s",
        "--wide",
    ]));
    assert_eq!(o.code, 1, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let mut lines = o.stdout.lines();
    let head = lines.next().unwrap_or_default();
    assert!(head.starts_with("NODE"), "{}", o.stdout);
    assert!(head.contains("ERROR"), "{}", o.stdout);
    assert_eq!(o.stdout.lines().count(), 4, "{}", o.stdout);
    let row = |id: &str| {
        o.stdout
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row(&w.ids[HANG]).contains("timeout:"), "{}", o.stdout);
    assert!(row(UNKNOWN).contains("node_unknown:"), "{}", o.stdout);
    assert!(!o.stdout.contains("null"), "{}", o.stdout);
}

#[test]
fn all_ok_exits_0_and_nodes_file_is_read() {
    let w = World::start();
    let file = w.sim.home.path().join("fleet.txt");
    let mut text = String::from("# my fleet\n\n");
    for (i, id) in w
        .ids
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != HANG)
        .take(10)
    {
        text.push_str(&format!("{id}   # gpu-{i}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let o = run(w.dbc().args([
        "vm",
        "list",
        "--nodes-file",
        file.to_str().unwrap(),
        "--concurrency",
        "3",
        "--json",
    ]));
    assert_eq!(o.code, 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let objs = lines_json(&o.stdout);
    assert_eq!(objs.len(), 10);
    assert!(objs.iter().all(|o| o["ok"] == true));
    assert!(o.stderr.contains("fleet: 10/10 nodes ok"), "{}", o.stderr);
    // The other read-only commands take the same options.
    for cmd in [
        &["node", "info"][..],
        &["image", "list"],
        &["lan", "list"],
        &["rent-orders", "list"],
        &["monitor", "list"],
    ] {
        let o = run(w
            .dbc()
            .args(cmd)
            .args(["--nodes-file", file.to_str().unwrap(), "--json"]));
        assert_eq!(o.code, 0, "{cmd:?}: {}", o.stderr);
        assert_eq!(lines_json(&o.stdout).len(), 10, "{cmd:?}");
    }

    // A bad line is a usage error that names the line; nothing is sent.
    std::fs::write(&file, format!("{}\nnot-a-node\n", w.ids[0])).unwrap();
    let o = run(w
        .dbc()
        .args(["vm", "list", "--nodes-file", file.to_str().unwrap()]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("fleet.txt:2"), "{}", o.stderr);
}

fn write_config(home: &Path, body: &str) {
    let dir = home.join(".config").join("dbc");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), body).unwrap();
}

#[test]
fn all_nodes_from_the_profile_or_the_client_node() {
    let w = World::start();
    write_config(
        w.sim.home.path(),
        &format!(
            "[profiles.default]\nnodes = [\"{}\", \"{}\"]\n",
            w.ids[1], w.ids[2]
        ),
    );
    let o = run(w.dbc().args(["vm", "list", "--all-nodes", "--json"]));
    assert_eq!(o.code, 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let objs = lines_json(&o.stdout);
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[0]["node"], w.ids[1].as_str());

    // Without `nodes` in the profile: every node the client node knows (the hanging one too).
    write_config(w.sim.home.path(), "[profiles.default]\n");
    let o = run(w.dbc().args([
        "rent-orders",
        "list",
        "--all-nodes",
        "--timeout",
        "2s",
        "--json",
    ]));
    assert_eq!(o.code, 1, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let objs = lines_json(&o.stdout);
    assert_eq!(objs.len(), NODES);
    assert_eq!(objs.iter().filter(|o| o["ok"] == false).count(), 1);
}

#[test]
fn jq_applies_to_each_node_object() {
    let w = World::start();
    let nodes = format!("{},{}", w.ids[0], UNKNOWN);
    let o = run(w.dbc().args([
        "vm",
        "list",
        "--nodes",
        &nodes,
        "--jq",
        "select(.ok | not) | .node",
    ]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.stdout.trim(), UNKNOWN, "{}", o.stdout);
}

#[test]
fn fleet_options_are_refused_where_they_do_not_apply() {
    let w = World::start();
    // With a NODE positional.
    let o = run(w
        .dbc()
        .args(["vm", "list", &w.ids[0], "--nodes", &w.ids[1]]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    // Mutating commands stay single-node.
    let o = run(w.dbc().args(["vm", "delete", "--nodes", &w.ids[1], "TASK"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    // Concurrency bounds.
    let o = run(w
        .dbc()
        .args(["vm", "list", "--nodes", &w.ids[1], "--concurrency", "0"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
}
