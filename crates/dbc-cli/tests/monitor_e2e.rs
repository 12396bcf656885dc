//! End to end: the simulator pushes like a GPU node → `dbc monitor serve` → `/metrics`.
//! A VM created with `dbc vm create` on a node whose monitor server was set with
//! `dbc monitor add` shows up as live series; stopped, it reports `shut_off`; deleted, its series
//! age out after the bridge's TTL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::run;

use serde_json::Value;
use std::process::Child;
use std::time::{Duration, Instant};

fn metrics(http: &str) -> String {
    common::http_get(http, "/metrics").1
}

/// Polls `/metrics` until `pred` holds (at most `secs`).
fn wait_metrics(http: &str, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let text = metrics(http);
        if pred(&text) {
            return text;
        }
        assert!(
            Instant::now() < end,
            "timed out waiting for {what}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct Bridge(Child);

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn simulator_pushes_reach_prometheus_and_age_out() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt
        .block_on(
            dbc_sim::Simulator::builder()
                .seed(11)
                .create_delay(Duration::from_millis(200))
                .monitor_interval(Duration::from_millis(200))
                .monitor_pacing(Duration::from_millis(20))
                .start(),
        )
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let suri = common::renter_suri(home.path());
    let dbc = || {
        let mut c = common::dbc_process(home.path());
        c.env("DBC_CLIENT_URL", sim.url())
            .env("DBC_SURI_FILE", &suri);
        c
    };

    // 1. the bridge
    let (child, _, ready) = dbc_testkit::process::spawn_ready(dbc().args([
        "monitor",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--metrics",
        "127.0.0.1:0",
        "--ttl",
        "2s",
    ]));
    let _bridge = Bridge(child);
    let zabbix = ready["zabbix"].as_str().unwrap().to_owned();
    let http = ready["metrics"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .to_owned();

    // 2. the renter points the node at it, then creates a VM
    let node = sim.rented_node().to_string();
    let o = run(dbc().args(["monitor", "add", &node, &zabbix, "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(dbc()
        .args(common::create_args(&node, Some(1), 21501, 5951))
        .args(["--wait", "--json", "--poll-interval", "100ms"]));
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let task = v["task_id"].as_str().unwrap().to_owned();

    // 3. its series appear, live
    let running = format!("dbc_vm_state_info{{task_id=\"{task}\",state=\"running\"}} 1");
    let text = wait_metrics(&http, "the VM's series", 30, |t| {
        t.contains(&running)
            && t.contains(&format!("dbc_vm_cpu_seconds_total{{task_id=\"{task}\"}}"))
    });
    for family in [
        "dbc_vm_vcpus",
        "dbc_vm_memory_bytes",
        "dbc_vm_disk_capacity_bytes",
        "dbc_vm_gpu_utilization_percent",
    ] {
        assert!(
            text.contains(&format!("{family}{{task_id=\"{task}\"")),
            "{family} missing:\n{text}"
        );
    }
    assert!(
        text.contains(&format!("dbc_vm_vcpus{{task_id=\"{task}\"}} 2\n")),
        "{text}"
    );
    assert!(!text.contains("result=\"bad_magic\"} 1"), "{text}");
    // counters move between pushes
    let cpu = |t: &str| -> f64 {
        t.lines()
            .find_map(|l| {
                l.strip_prefix(&format!("dbc_vm_cpu_seconds_total{{task_id=\"{task}\"}} "))
            })
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1.0)
    };
    let first = cpu(&text);
    wait_metrics(&http, "the CPU counter to grow", 30, |t| cpu(t) > first);
    // the monitor server's view of the push protocol: no failed items, no refused frames
    let text = metrics(&http);
    for result in ["malformed", "unknown_key", "series_limit"] {
        let line = format!("dbc_monitor_items_total{{result=\"{result}\"}} 0\n");
        assert!(text.contains(&line), "{result}: {text}");
    }
    assert!(
        text.contains("dbc_monitor_requests_total{request=\"active_checks\"}"),
        "{text}"
    );

    // 4. stopped: shut_off
    let o = run(dbc().args(["vm", "stop", &node, &task]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let off = format!("dbc_vm_state_info{{task_id=\"{task}\",state=\"shut_off\"}} 1");
    wait_metrics(&http, "shut_off", 30, |t| t.contains(&off));

    // 5. deleted: the series age out after the TTL (2 s)
    let o = run(dbc().args(["vm", "delete", &node, &task]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let deleted = Instant::now();
    wait_metrics(&http, "the VM to age out", 30, |t| {
        !t.contains(&format!("task_id=\"{task}\""))
    });
    assert!(
        deleted.elapsed() >= Duration::from_millis(1500),
        "gone before the TTL"
    );
    rt.block_on(sim.shutdown());
}
