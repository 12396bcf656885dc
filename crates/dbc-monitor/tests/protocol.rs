//! The conversation with a DBC node (MONITOR.md §2–§6) and standard Zabbix senders, over TCP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use dbc_monitor::{frame, Limits};

#[tokio::test]
async fn active_checks_get_success_with_no_items() {
    let mon = start(Limits::default()).await;
    let reply = send(&mon, SPEC_ACTIVE_CHECKS).await;
    assert_eq!(reply, r#"{"response":"success","data":[]}"#);
    mon.shutdown().await;
}

#[tokio::test]
async fn spec_agent_data_is_stored_and_exposed() {
    let mon = start(Limits::default()).await;
    let reply = send(&mon, SPEC_AGENT_DATA).await;
    let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(v["response"], "success");
    let info = v["info"].as_str().unwrap();
    assert!(
        info.starts_with("processed: 36; failed: 0; total: 36; seconds spent: "),
        "{info}"
    );
    let (status, text) = get(&mon, "/metrics").await;
    assert_eq!(status, 200);
    let t = format!("task_id=\"{TASK}\"");
    let cases = [
        (format!("dbc_vm_state_info{{{t},state=\"running\"}}"), 1.0),
        (
            format!("dbc_vm_memory_max_bytes{{{t}}}"),
            16777216.0 * 1024.0,
        ),
        (format!("dbc_vm_vcpus{{{t}}}"), 8.0),
        (format!("dbc_vm_cpu_seconds_total{{{t}}}"), 4523.987654321),
        (format!("dbc_vm_cpu_usage_percent{{{t}}}"), 5.14),
        (format!("dbc_vm_memory_usage_percent{{{t}}}"), 41.13),
        (
            format!("dbc_vm_disk_read_bytes_total{{{t},disk=\"0\",name=\"vda\"}}"),
            4123456512.0,
        ),
        (
            format!("dbc_vm_disk_write_bytes_per_second{{{t},disk=\"0\",name=\"vda\"}}"),
            69905.07,
        ),
        (
            format!("dbc_vm_network_receive_drops_total{{{t},nic=\"0\",name=\"vnet0\"}}"),
            12.0,
        ),
        (
            format!("dbc_vm_dbc_version_info{{{t},version=\"0.4.1.8\"}}"),
            1.0,
        ),
        (format!("dbc_vm_gpus{{{t}}}"), 0.0),
    ];
    for (series, want) in cases {
        assert_eq!(series_value(&text, &series), Some(want), "{series}\n{text}");
    }
    assert!(text.contains("# TYPE dbc_vm_cpu_seconds_total counter"));
    assert!(text.contains("# TYPE dbc_vm_cpu_usage_percent gauge"));
    // the item clocks are kept as sent
    let (status, latest) = get(&mon, &format!("/api/v1/latest?task_id={TASK}")).await;
    assert_eq!(status, 200);
    let j: serde_json::Value = serde_json::from_str(&latest).unwrap();
    let items = &j["hosts"][0]["items"];
    assert_eq!(items["memory.total"]["ns"], 102345678);
    assert_eq!(items["dom.state"]["clock"], 1736400030);
    assert_eq!(items["dom.state"]["value"], "running");
    assert_eq!(j["hosts"][0]["scope"], "vm");
    mon.shutdown().await;
}

#[tokio::test]
async fn node_nan_json_and_negative_cpu_usage_fail_alone() {
    let mon = start(Limits::default()).await;
    let body = SPEC_AGENT_DATA
        .replace(r#""value":41.13"#, r#""value":"#)
        .replace(r#""value":5.14"#, r#""value":-1627.35"#);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
    let reply = send(&mon, &body).await;
    assert!(
        reply.contains("processed: 34; failed: 2; total: 36"),
        "{reply}"
    );
    let (_, text) = get(&mon, "/metrics").await;
    assert!(!text.contains("dbc_vm_memory_usage_percent{"), "{text}");
    assert!(!text.contains("dbc_vm_cpu_usage_percent{"));
    assert!(text.contains(&format!("dbc_vm_vcpus{{task_id=\"{TASK}\"}} 8")));
    assert_eq!(
        series_value(
            &text,
            r#"dbc_monitor_bad_values_total{metric="dbc_vm_memory_usage_percent",reason="missing"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        series_value(
            &text,
            r#"dbc_monitor_bad_values_total{metric="dbc_vm_cpu_usage_percent",reason="negative"}"#
        ),
        Some(1.0)
    );
    mon.shutdown().await;
}

#[tokio::test]
async fn sender_data_with_string_values_compressed_and_large_frames() {
    let mon = start(Limits::default()).await;
    // zabbix_sender style: values as strings, no clock
    let body = format!(
        r#"{{"request":"sender data","data":[{{"host":"{TASK}","key":"dom.cpuUsage","value":"12.5"}},{{"host":"{TASK}","key":"dom.state","value":"paused"}},{{"host":"{TASK}","key":"no.such.key","value":"1"}}]}}"#
    );
    for wire in [
        frame::encode_compressed(body.as_bytes()),
        frame::encode_large(body.as_bytes()),
    ] {
        let reply = send_raw(&mon, &wire).await;
        let v = node_reads(&reply).unwrap();
        assert_eq!(v["response"], "success");
        assert!(v["info"]
            .as_str()
            .unwrap()
            .starts_with("processed: 2; failed: 1; total: 3"));
    }
    let (_, text) = get(&mon, "/metrics").await;
    assert!(text.contains(&format!(
        "dbc_vm_cpu_usage_percent{{task_id=\"{TASK}\"}} 12.5"
    )));
    assert!(text.contains("state=\"paused\"} 1"));
    assert_eq!(
        series_value(&text, r#"dbc_monitor_items_total{result="unknown_key"}"#),
        Some(2.0)
    );
    mon.shutdown().await;
}

#[tokio::test]
async fn unknown_requests_and_garbage_json_get_a_failure_reply() {
    let mon = start(Limits::default()).await;
    for body in [
        r#"{"request":"proxy config","host":"x"}"#,
        r#"{"no request":1}"#,
        "definitely not json",
        r#"{"request":"agent data","data":[1,"x",null,{"host":5,"key":"dom.state"}]}"#,
    ] {
        let reply = send(&mon, body).await;
        let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
        if body.contains("agent data") {
            assert_eq!(v["response"], "success");
            assert!(v["info"]
                .as_str()
                .unwrap()
                .starts_with("processed: 0; failed: 4;"));
        } else {
            assert_eq!(v["response"], "failed", "{body}");
        }
    }
    mon.shutdown().await;
}

#[tokio::test]
async fn several_values_per_key_newest_clock_wins_and_node_hosts_are_apart() {
    let mon = start(Limits::default()).await;
    let node = "a".repeat(64);
    let body = format!(
        r#"{{"request":"agent data","data":[{{"host":"{TASK}","key":"dom.cpuUsage","value":9,"clock":200,"ns":0}},{{"host":"{TASK}","key":"dom.cpuUsage","value":7,"clock":100,"ns":0}},{{"host":"{node}","key":"host.cpuUsage","value":3.5,"clock":100,"ns":0}},{{"host":"{node}","key":"dom.cpuUsage","value":3.5}},{{"host":"{TASK}","key":"host.cpuUsage","value":1}}]}}"#
    );
    let reply = send(&mon, &body).await;
    assert!(reply.contains("processed: 3; failed: 2"), "{reply}");
    let (_, text) = get(&mon, "/metrics").await;
    assert!(text.contains(&format!(
        "dbc_vm_cpu_usage_percent{{task_id=\"{TASK}\"}} 9\n"
    )));
    assert!(text.contains(&format!(
        "dbc_node_cpu_usage_percent{{node_id=\"{node}\"}} 3.5\n"
    )));
    let (s, j) = get(&mon, &format!("/api/v1/latest?node_id={node}")).await;
    assert_eq!(s, 200, "{j}");
    let (s, _) = get(&mon, &format!("/api/v1/latest?task_id={node}")).await;
    assert_eq!(s, 404);
    mon.shutdown().await;
}

#[tokio::test]
async fn node_host_data_with_gpus_gets_labels() {
    let mon = start(Limits::default()).await;
    let node = "0123456789abcdef".repeat(4);
    let body = dbc_monitor::sample::node_agent_data(&node, 2, 1_736_400_030);
    let reply = send(&mon, &body).await;
    assert!(reply.contains("failed: 0"), "{reply}");
    let (_, text) = get(&mon, "/metrics").await;
    let want = format!(
        "dbc_node_gpu_utilization_percent{{node_id=\"{node}\",gpu=\"1\",name=\"NVIDIA GeForce RTX 4090\",bus_id=\"00000000:18:00.0\"}} 41"
    );
    assert!(text.contains(&want), "{text}");
    assert!(text.contains(&format!("dbc_node_load15{{node_id=\"{node}\"}} 1\n")));
    assert!(text.contains(&format!(
        "dbc_node_memory_total_bytes{{node_id=\"{node}\"}} 236223201280\n"
    )));
    assert!(text.contains(&format!(
        "dbc_node_disk_mount_info{{node_id=\"{node}\",status=\"normal\"}} 1\n"
    )));
    mon.shutdown().await;
}

#[tokio::test]
async fn http_routes() {
    let mon = start(Limits::default()).await;
    assert_eq!(get(&mon, "/healthz").await, (200, "ok\n".to_owned()));
    let (s, j) = get(&mon, "/api/v1/latest").await;
    assert_eq!((s, j.as_str()), (200, r#"{"hosts":[]}"#));
    assert_eq!(get(&mon, "/api/v1/latest?task_id=nope").await.0, 404);
    assert_eq!(get(&mon, "/api/v1/latest?bogus=1").await.0, 400);
    assert_eq!(get(&mon, "/nope").await.0, 404);
    mon.shutdown().await;
}

#[tokio::test]
async fn silent_hosts_age_out_after_the_ttl() {
    let mon = start(Limits {
        host_ttl: std::time::Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    send(&mon, SPEC_AGENT_DATA).await;
    let (_, text) = get(&mon, "/metrics").await;
    assert!(text.contains(TASK));
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let (_, text) = get(&mon, "/metrics").await;
    assert!(!text.contains(TASK), "{text}");
    assert_eq!(
        series_value(&text, "dbc_monitor_evicted_hosts_total"),
        Some(1.0)
    );
    assert_eq!(series_value(&text, "dbc_monitor_series"), Some(0.0));
    mon.shutdown().await;
}
