//! The in-test Zabbix receiver and simulator helpers of `monitor_push.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_testkit::http::{wallet_env, Http};
use dbc_testkit::seed::create_json;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ------------------------------------------------------------------ in-test receiver

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Success for everything.
    Ok,
    /// `active checks` answered with `failed` (data would still succeed).
    FailActiveChecks,
    /// Read the request, never answer.
    Hang,
    /// Answer bytes that are not a Zabbix frame.
    Garbage,
    /// A valid frame whose body is exactly 256 bytes (the node misreads its length as 0).
    Body256,
}

/// One connection as received.
#[derive(Debug, Clone)]
pub(crate) struct Conn {
    pub(crate) accepted: Instant,
    pub(crate) header: Vec<u8>,
    pub(crate) raw: String,
    pub(crate) json: Value,
    /// Bytes the client sent after its request (must be 0: one request per connection).
    pub(crate) extra: usize,
}

impl Conn {
    pub(crate) fn request(&self) -> &str {
        self.json["request"].as_str().unwrap_or("")
    }
    /// Host of an `active checks` request or of the first item of `agent data`.
    pub(crate) fn host(&self) -> String {
        match self.request() {
            "active checks" => self.json["host"].as_str().unwrap_or("").to_string(),
            _ => self.json["data"][0]["host"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        }
    }
    pub(crate) fn items(&self) -> Vec<Value> {
        self.json["data"].as_array().cloned().unwrap_or_default()
    }
    pub(crate) fn keys(&self) -> Vec<String> {
        self.items()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_string())
            .collect()
    }
    pub(crate) fn get(&self, key: &str) -> Option<Value> {
        self.items()
            .into_iter()
            .find(|i| i["key"] == key)
            .map(|i| i["value"].clone())
    }
    pub(crate) fn u(&self, key: &str) -> u64 {
        self.get(key)
            .and_then(|v| v.as_u64())
            .unwrap_or_else(|| panic!("{key} missing or not an integer in {}", self.raw))
    }
    pub(crate) fn f(&self, key: &str) -> f64 {
        self.get(key)
            .and_then(|v| v.as_f64())
            .unwrap_or_else(|| panic!("{key} missing or not a number in {}", self.raw))
    }
    pub(crate) fn s(&self, key: &str) -> String {
        self.get(key)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("{key} missing or not a string in {}", self.raw))
    }
}

pub(crate) struct Receiver {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Conn>>>,
    mode: Arc<Mutex<Mode>>,
}

impl Receiver {
    pub(crate) async fn start(mode: Mode) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new(mode));
        let (l2, m2) = (log.clone(), mode.clone());
        tokio::spawn(async move {
            loop {
                let Ok((s, _)) = listener.accept().await else {
                    return;
                };
                let accepted = Instant::now();
                let (l3, m3) = (l2.clone(), m2.clone());
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(10),
                        serve_one(s, accepted, l3, m3),
                    )
                    .await;
                });
            }
        });
        Receiver { addr, log, mode }
    }
    pub(crate) fn server(&self) -> String {
        self.addr.to_string()
    }
    pub(crate) fn set_mode(&self, m: Mode) {
        *self.mode.lock().unwrap() = m;
    }
    pub(crate) fn conns(&self) -> Vec<Conn> {
        self.log.lock().unwrap().clone()
    }
    pub(crate) fn data_for(&self, host: &str) -> Vec<Conn> {
        self.conns()
            .into_iter()
            .filter(|c| c.request() == "agent data" && c.host() == host)
            .collect()
    }
    /// Wait until `pred` holds over the log.
    pub(crate) async fn wait_for(
        &self,
        what: &str,
        secs: u64,
        pred: impl Fn(&[Conn]) -> bool,
    ) -> Vec<Conn> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let c = self.conns();
            if pred(&c) {
                return c;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; got {} connections", c.len());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A reply frame whose body length is never a multiple of 256 (pads with spaces).
pub(crate) fn reply_frame(body: &str) -> Vec<u8> {
    let mut b = body.to_string();
    while b.len().is_multiple_of(256) {
        b.push(' ');
    }
    raw_frame(&b)
}

pub(crate) fn raw_frame(b: &str) -> Vec<u8> {
    let mut out = b"ZBXD\x01".to_vec();
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b.as_bytes());
    out
}

pub(crate) async fn serve_one(
    mut s: TcpStream,
    accepted: Instant,
    log: Arc<Mutex<Vec<Conn>>>,
    mode: Arc<Mutex<Mode>>,
) {
    let mut header = [0u8; 13];
    if s.read_exact(&mut header).await.is_err() {
        return;
    }
    let len = u64::from_le_bytes(header[5..13].try_into().unwrap()) as usize;
    assert!(len < 1 << 20, "absurd length {len}");
    let mut body = vec![0u8; len];
    if s.read_exact(&mut body).await.is_err() {
        return;
    }
    let raw = String::from_utf8(body).expect("UTF-8 body");
    let json: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
    let m = *mode.lock().unwrap();
    let request = json["request"].as_str().unwrap_or("").to_string();
    let reply: Option<Vec<u8>> = match (m, request.as_str()) {
        (Mode::Hang, _) => None,
        (Mode::Garbage, _) => Some(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec()),
        (Mode::Body256, _) => Some(raw_frame(&format!(
            "{{\"response\":\"success\",\"data\":[]{}}}",
            " ".repeat(256 - 32)
        ))),
        (Mode::FailActiveChecks, "active checks") => Some(reply_frame(
            r#"{"response":"failed","info":"host [x] not found"}"#,
        )),
        (_, "active checks") => Some(reply_frame(r#"{"response":"success","data":[]}"#)),
        (_, _) => {
            let n = json["data"].as_array().map_or(0, Vec::len);
            Some(reply_frame(&format!(
                r#"{{"response":"success","info":"processed: {n}; failed: 0; total: {n}; seconds spent: 0.000100"}}"#
            )))
        }
    };
    if m == Mode::Body256 {
        assert_eq!(reply.as_ref().unwrap().len(), 13 + 256);
    }
    let mut conn = Conn {
        accepted,
        header: header.to_vec(),
        raw,
        json,
        extra: 0,
    };
    match reply {
        Some(r) => {
            let _ = s.write_all(&r).await;
            // The client must close without sending anything else.
            let mut rest = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut rest)).await;
            conn.extra = rest.len();
            log.lock().unwrap().push(conn);
        }
        None => {
            log.lock().unwrap().push(conn);
            tokio::time::sleep(Duration::from_secs(8)).await;
        }
    }
}

// ------------------------------------------------------------------ simulator helpers

pub(crate) fn fast_sim() -> dbc_sim::SimBuilder {
    dbc_testkit::sim::builder(Duration::from_millis(100))
        .monitor_interval(Duration::from_millis(100))
        .monitor_pacing(Duration::from_millis(20))
        .monitor_io_timeout(Duration::from_millis(500))
}

pub(crate) async fn set_servers(h: &Http, node: &str, servers: &[String]) {
    let r = h
        .post(
            "/api/v1/monitor/set",
            &wallet_env("//Alice", node, json!({ "servers": servers })),
        )
        .await;
    r.assert_node(0, "ok");
}

pub(crate) async fn create_vm(h: &Http, node: &str, ssh: u16, vnc: u16) -> String {
    h.create_task(&wallet_env("//Alice", node, create_json(ssh, vnc)))
        .await
}

pub(crate) fn env_for(node: &str) -> impl Fn() -> Value + '_ {
    move || wallet_env("//Alice", node, json!({}))
}

/// The keys a running VM with these disks and GPUs sends, in order (MONITOR.md §4).
pub(crate) fn vm_keys(disks: usize, nics: usize, gpus: usize) -> Vec<String> {
    let mut k: Vec<String> = [
        "dom.state",
        "dom.maxMem",
        "dom.memory",
        "dom.nrVirtCpu",
        "dom.cpuTime",
        "dom.cpuUsage",
        "memory.total",
        "memory.unused",
        "memory.available",
        "memory.usage",
    ]
    .map(String::from)
    .to_vec();
    for i in 0..disks {
        for s in [
            "name",
            "capacity",
            "allocation",
            "physical",
            "rd_req",
            "rd_bytes",
            "wr_req",
            "wr_bytes",
            "errs",
            "rd_speed",
            "wr_speed",
        ] {
            k.push(format!("disk.{i}.{s}"));
        }
    }
    for i in 0..nics {
        for s in [
            "name",
            "rx_bytes",
            "rx_packets",
            "rx_errs",
            "rx_drop",
            "tx_bytes",
            "tx_packets",
            "tx_errs",
            "tx_drop",
            "rx_speed",
            "tx_speed",
        ] {
            k.push(format!("net.{i}.{s}"));
        }
    }
    if gpus > 0 {
        for s in [
            "gpu.graphicsDriverVersion",
            "gpu.nvmlVersion",
            "gpu.cudaVersion",
        ] {
            k.push(s.into());
        }
    }
    for i in 0..gpus {
        for s in GPU_SUFFIXES {
            k.push(format!("gpu.{i}.{s}"));
        }
    }
    for s in ["dbc.version", "disk.count", "net.count", "gpu.count"] {
        k.push(s.into());
    }
    k
}

pub(crate) const GPU_SUFFIXES: [&str; 10] = [
    "name",
    "busId",
    "memTotal",
    "memFree",
    "memUsed",
    "gpuUtilization",
    "memUtilization",
    "powerUsage",
    "powerCap",
    "temperature",
];

/// Re-serialise a parsed message in the node's member order; equal to the raw text only if the
/// wire had exactly `request,data,clock,ns` and `host,key,value,clock,ns` in that order.
pub(crate) fn node_order(v: &Value) -> String {
    let items: Vec<String> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{{\"host\":{},\"key\":{},\"value\":{},\"clock\":{},\"ns\":{}}}",
                i["host"], i["key"], i["value"], i["clock"], i["ns"]
            )
        })
        .collect();
    format!(
        "{{\"request\":{},\"data\":[{}],\"clock\":{},\"ns\":{}}}",
        v["request"],
        items.join(","),
        v["clock"],
        v["ns"]
    )
}
