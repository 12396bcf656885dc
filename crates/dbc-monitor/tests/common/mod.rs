//! Helpers shared by the integration tests: a bridge on loopback, a node-like sender, a tiny
//! HTTP client, and the DBC node's own reply reader.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use dbc_monitor::{frame, Limits, Monitor, MonitorConfig};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const SPEC_AGENT_DATA: &str = include_str!("../fixtures/agent_data_vm.json");
pub const SPEC_ACTIVE_CHECKS: &str = include_str!("../fixtures/active_checks.json");
pub const TASK: &str = "7T13qNLVRXZvjSESL2A24F";

pub async fn start(limits: Limits) -> Monitor {
    Monitor::start(MonitorConfig {
        zabbix_listen: "127.0.0.1:0".parse().unwrap(),
        metrics_listen: "127.0.0.1:0".parse().unwrap(),
        limits,
    })
    .await
    .unwrap()
}

/// Sends raw bytes on a fresh connection and reads until the server closes (5 s at most).
pub async fn send_raw(mon: &Monitor, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(mon.zabbix_addr()).await.unwrap();
    let _ = s.write_all(bytes).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("the bridge closes the connection");
    out
}

/// Sends one body framed as the DBC node does and returns the reply body.
pub async fn send(mon: &Monitor, body: &str) -> String {
    let reply = send_raw(mon, &frame::encode(body.as_bytes())).await;
    assert!(
        node_reads(&reply).is_some(),
        "a node could not read {reply:?}"
    );
    String::from_utf8(frame::decode(&reply, 4096).unwrap().body).unwrap()
}

/// The DBC node's reply reader (`zabbixResponse::decode_header`): 13 bytes, `ZBXD`, the header
/// copied with `strncat` (stops at the first zero byte), bytes 5–12 as the length, 1..=4096.
/// Returns the body when the node would accept the reply as a success-or-failure JSON object.
pub fn node_reads(wire: &[u8]) -> Option<serde_json::Value> {
    let head = wire.get(..13)?;
    if head.get(..4)? != b"ZBXD" {
        return None;
    }
    let mut copied = [0u8; 13];
    for (i, b) in head.iter().enumerate() {
        if *b == 0 {
            break;
        }
        copied[i] = *b;
    }
    let len = u64::from_le_bytes(copied[5..13].try_into().unwrap());
    if len == 0 || len > 4096 {
        return None;
    }
    let body = wire.get(13..13 + len as usize)?;
    serde_json::from_slice(body).ok()
}

/// GET `path` on the bridge's HTTP listener: (status, body).
pub async fn get(mon: &Monitor, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(mon.metrics_addr()).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n").unwrap();
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

/// The value of the series `name{labels}` (labels as written, e.g. `task_id="x"`), if present.
pub fn series_value(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(name_and_labels)?
            .strip_prefix(' ')?
            .parse()
            .ok()
    })
}

/// Current RSS of this process in KiB.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// Peak RSS of this process in KiB.
pub fn hwm_kib() -> u64 {
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}
