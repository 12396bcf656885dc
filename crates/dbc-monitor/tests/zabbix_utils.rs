//! Frames from an independent Zabbix implementation: the official Python library `zabbix_utils`
//! (its `Sender`, plain and zlib-compressed), installed by `.ci/run` into a virtual environment
//! under `target/`. Under CI (`CI=true`) a missing environment fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use dbc_monitor::Limits;
use std::path::PathBuf;

const NODE: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// `$DBC_ZABBIX_VENV/bin/python`, else `<workspace>/target/zabbix-venv/bin/python`.
fn venv_python() -> PathBuf {
    let venv = std::env::var_os("DBC_ZABBIX_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/zabbix-venv")
        });
    venv.join("bin/python")
}

fn python_or_skip() -> Option<PathBuf> {
    let py = venv_python();
    let usable = std::process::Command::new(&py)
        .args(["-c", "import zabbix_utils"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if usable {
        return Some(py);
    }
    let how = "python3 -m venv target/zabbix-venv && target/zabbix-venv/bin/pip install zabbix_utils==2.0.4 (.ci/run does this)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{} has no zabbix_utils under CI: {how}", py.display());
    }
    eprintln!(
        "NOT RUN: {} has no zabbix_utils; install it with: {how}",
        py.display()
    );
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zabbix_utils_sender_is_accepted_and_exposed() {
    let Some(py) = python_or_skip() else { return };
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zabbix_utils_send.py");
    for mode in ["plain", "compressed"] {
        let mon = start(Limits::default()).await;
        let port = mon.zabbix_addr().port().to_string();
        let (py, script) = (py.clone(), script.clone());
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new(py)
                .arg(script)
                .args([&port, TASK, NODE, mode])
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{mode}: zabbix_utils failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        // 308 items in 2 chunks; the unknown key fails
        assert_eq!(v["total"], 308, "{mode}: {v}");
        assert_eq!(v["processed"], 307, "{mode}: {v}");
        assert_eq!(v["failed"], 1, "{mode}: {v}");
        assert_eq!(v["chunks"], 2, "{mode}: {v}");

        let (_, text) = get(&mon, "/metrics").await;
        let t = format!("task_id=\"{TASK}\"");
        assert_eq!(
            series_value(&text, &format!("dbc_vm_cpu_usage_percent{{{t}}}")),
            Some(12.34),
            "{text}"
        );
        assert_eq!(
            series_value(&text, &format!("dbc_vm_vcpus{{{t}}}")),
            Some(8.0)
        );
        assert_eq!(
            series_value(
                &text,
                &format!("dbc_vm_state_info{{{t},state=\"running\"}}")
            ),
            Some(1.0)
        );
        assert_eq!(
            series_value(
                &text,
                &format!("dbc_vm_disk_read_bytes_total{{{t},disk=\"0\",name=\"vda\"}}")
            ),
            Some(4123456512.0)
        );
        // several values of one key: the newest clock wins
        assert_eq!(
            series_value(&text, &format!("dbc_vm_cpu_seconds_total{{{t}}}")),
            Some((1000.0 + 299.0) * 1e-9)
        );
        assert_eq!(
            series_value(
                &text,
                &format!("dbc_node_cpu_usage_percent{{node_id=\"{NODE}\"}}")
            ),
            Some(3.5)
        );
        let (_, latest) = get(&mon, &format!("/api/v1/latest?task_id={TASK}")).await;
        let j: serde_json::Value = serde_json::from_str(&latest).unwrap();
        assert_eq!(j["hosts"][0]["items"]["dom.cpuUsage"]["clock"], 1736400030);
        assert_eq!(j["hosts"][0]["items"]["dom.cpuUsage"]["ns"], 5);
        assert_eq!(
            series_value(
                &text,
                r#"dbc_monitor_requests_total{request="sender_data"}"#
            ),
            Some(2.0)
        );
        mon.shutdown().await;
    }
}
