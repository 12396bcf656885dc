//! `dbc monitor serve | add | watch` end to end: the binary, a bridge, the embedded simulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{dbc_process as dbc, http_get, run};

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const TASK: &str = "7T13qNLVRXZvjSESL2A24F";

/// Sends one body framed as a DBC node does; returns the reply body.
fn push(addr: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(&dbc_monitor::frame::encode(body.as_bytes()))
        .unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    String::from_utf8(dbc_monitor::frame::decode(&reply, 4096).unwrap().body).unwrap()
}

#[test]
fn serve_prints_the_ready_line_receives_pushes_and_stops_on_ctrl_c() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, line, ready) = dbc_testkit::process::spawn_ready(dbc(home.path()).args([
        "monitor",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--metrics",
        "127.0.0.1:0",
    ]));
    assert!(line.starts_with(r#"{"zabbix":"127.0.0.1:"#), "{line}");
    let zabbix = ready["zabbix"].as_str().unwrap().to_owned();
    let metrics = ready["metrics"].as_str().unwrap().to_owned();
    let http = metrics
        .strip_prefix("http://")
        .and_then(|m| m.strip_suffix("/metrics"))
        .unwrap()
        .to_owned();
    assert!(!zabbix.ends_with(":0") && !http.ends_with(":0"), "{line}");

    let body = dbc_monitor::sample::vm_agent_data(TASK, Default::default(), 1_736_400_030, 1);
    let reply = push(&zabbix, &body);
    assert!(
        reply.contains(r#""response":"success""#) && reply.contains("failed: 0"),
        "{reply}"
    );
    let (status, text) = http_get(&http, "/metrics");
    assert_eq!(status, 200);
    assert!(
        text.contains(&format!(
            "dbc_vm_state_info{{task_id=\"{TASK}\",state=\"running\"}} 1"
        )),
        "{text}"
    );

    // watch --once draws the VM's row from the same bridge
    let o = run(dbc(home.path()).args([
        "monitor",
        "watch",
        "--once",
        "--url",
        &format!("http://{http}"),
    ]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains(TASK) && o.stdout.contains("running"),
        "{}",
        o.stdout
    );
    let o = run(dbc(home.path())
        .env("DBC_MONITOR_URL", &metrics)
        .args(["monitor", "watch", "--once", "--json", "--task", TASK]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let rows: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(rows[0]["state"], "running");
    assert_eq!(rows[0]["memory_percent"], 41.13);
    let o = run(dbc(home.path()).env("DBC_MONITOR_URL", &metrics).args([
        "monitor",
        "watch",
        "--once",
        "--task",
        "NoSuchTask",
    ]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("no data for task NoSuchTask"),
        "{}",
        o.stderr
    );

    // Ctrl-C: exit 0
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn serve_reports_a_busy_port_and_watch_an_unreachable_bridge() {
    let home = tempfile::tempdir().unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let o = run(dbc(home.path()).args([
        "monitor",
        "serve",
        "--listen",
        &addr,
        "--metrics",
        "127.0.0.1:0",
    ]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("cannot listen on") && o.stderr.contains(&addr),
        "{}",
        o.stderr
    );
    drop(busy);
    let o = run(dbc(home.path()).args([
        "monitor",
        "watch",
        "--once",
        "--url",
        &format!("http://{addr}"),
    ]));
    assert_eq!(o.code, 3, "{}", o.stderr);
}

#[test]
fn add_keeps_the_existing_server_and_refuses_a_third() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt
        .block_on(dbc_sim::Simulator::builder().seed(5).start())
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let suri = home.path().join("renter.suri");
    dbc_testkit::secret::write_secret(&suri, "//Alice\n");
    let node = sim.rented_node().to_string();
    let cmd = |args: &[&str]| {
        let mut c = dbc(home.path());
        c.env("DBC_CLIENT_URL", sim.url())
            .env("DBC_SURI_FILE", &suri)
            .args(args);
        run(&mut c)
    };
    let o = cmd(&["monitor", "set", &node, "--server", "10.0.0.1:10051"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = cmd(&["--json", "monitor", "add", &node, "10.0.0.2:10051"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        v["servers"],
        serde_json::json!(["10.0.0.1:10051", "10.0.0.2:10051"])
    );
    let o = cmd(&["--json", "monitor", "list", &node]);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        v["servers"],
        serde_json::json!(["10.0.0.1:10051", "10.0.0.2:10051"])
    );
    // adding one already there changes nothing
    let o = cmd(&["--json", "monitor", "add", &node, "10.0.0.2:10051"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // a third: a clear error, nothing sent
    let o = cmd(&["monitor", "add", &node, "10.0.0.3:10051"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("already has two monitor servers"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("dbc monitor set"), "{}", o.stderr);
    let o = cmd(&["--json", "monitor", "list", &node]);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["servers"].as_array().unwrap().len(), 2);
    // bad syntax never reaches the node
    let o = cmd(&["monitor", "add", &node, "10.0.0.3"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("is not HOST:PORT"), "{}", o.stderr);
    rt.block_on(sim.shutdown());
}
