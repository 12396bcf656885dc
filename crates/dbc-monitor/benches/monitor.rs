//! The bridge's figures for `cargo xtask bench` (each printed as one `BENCH {json}` line):
//!
//! * `monitor_ingest`: values per second stored from 64 concurrent connections, each sending
//!   VM-sized `agent data` frames (the spec's 36-value VM) the way a node does: connect, one
//!   frame, read the reply, close. Baseline, in the same run: a bare tokio server that reads
//!   and discards the same frames and answers a fixed reply. Rounds alternate (baseline, bridge,
//!   …); the value is the median bridge round, the ratio the median of the per-round ratios
//!   (each round pairs the two under the same load). Targets: ≥ 100,000 values/s and ≥ 0.5 × the
//!   baseline.
//! * `monitor_rss_1k_vms`: peak RSS (`VmHWM`) of a process (this binary re-executed with
//!   `DBC_MONITOR_BENCH_ROLE=rss`) running the bridge with 1,000 VMs' full key sets stored
//!   (1 disk, 1 NIC, 1 GPU: 49 keys each, every VM pushed twice) and scraped. Target ≤ 64 MiB.
//! * `monitor_scrape_1k_vms`: time of one `GET /metrics` at that size (median of 5). Target
//!   ≤ 100 ms.
//!
//! `cargo bench -p dbc-monitor --bench monitor` (env `DBC_BENCH_N`: frames per round, default
//! 20,000; `DBC_BENCH_ROUNDS`, default 3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use dbc_monitor::sample::{vm_agent_data, vm_item_count, VmShape};
use dbc_monitor::{frame, Limits, Monitor, MonitorConfig};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CONCURRENCY: usize = 64;
const VMS: usize = 1000;

fn env_usize(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn status_mib(field: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: f64 = s
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024.0
}

fn task_id(i: usize) -> String {
    // 22 characters, like a Base58Check task id
    format!("7T13qNLVRXZvjSESL{i:05}")
}

/// The bare baseline: read a 13-byte header and the body, discard, fixed reply, close.
async fn discard_server(l: TcpListener) {
    let reply = frame::encode(br#"{"response":"success","info":"processed: 36; failed: 0; total: 36; seconds spent: 0.000001"}"#);
    let reply = Arc::new(reply);
    loop {
        let Ok((mut s, _)) = l.accept().await else {
            continue;
        };
        let reply = reply.clone();
        tokio::spawn(async move {
            let mut h = [0u8; 13];
            if s.read_exact(&mut h).await.is_err() {
                return;
            }
            let len = u64::from_le_bytes(h[5..13].try_into().unwrap()) as usize;
            let mut body = vec![0u8; len];
            if s.read_exact(&mut body).await.is_err() {
                return;
            }
            drop(body);
            let _ = s.write_all(&reply).await;
            let _ = s.shutdown().await;
        });
    }
}

/// 64 clients send `n` frames in total (round-robin over `frames`); returns the elapsed time.
async fn drive(addr: SocketAddr, frames: Arc<Vec<Vec<u8>>>, n: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (frames, next) = (frames.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut reply = Vec::with_capacity(256);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let mut s = TcpStream::connect(addr).await.unwrap();
                s.set_nodelay(true).unwrap();
                s.write_all(&frames[i % frames.len()]).await.unwrap();
                reply.clear();
                s.read_to_end(&mut reply).await.unwrap();
                assert!(reply.len() > 13, "no reply");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn ingest() {
    let n = env_usize("DBC_BENCH_N", 20_000);
    let rounds = env_usize("DBC_BENCH_ROUNDS", 3).max(1);
    let shape = VmShape::default();
    let per_frame = vm_item_count(shape);
    let frames: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..VMS)
            .map(|i| {
                frame::encode(vm_agent_data(&task_id(i), shape, 1_736_400_030, i as u64).as_bytes())
            })
            .collect(),
    );
    let base_l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_addr = base_l.local_addr().unwrap();
    tokio::spawn(discard_server(base_l));
    let mon = Monitor::start(MonitorConfig {
        zabbix_listen: "127.0.0.1:0".parse().unwrap(),
        metrics_listen: "127.0.0.1:0".parse().unwrap(),
        limits: Limits::default(),
    })
    .await
    .unwrap();
    // warm-up
    drive(base_addr, frames.clone(), 2_000).await;
    drive(mon.zabbix_addr(), frames.clone(), 2_000).await;
    let stored_before = mon.bridge().items_stored();
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let b = drive(base_addr, frames.clone(), n).await;
        let o = drive(mon.zabbix_addr(), frames.clone(), n).await;
        let vps = |d: Duration| (n * per_frame) as f64 / d.as_secs_f64();
        println!(
            "monitor_ingest round {}: bridge {:.0} values/s, read-and-discard {:.0} values/s",
            r + 1,
            vps(o),
            vps(b)
        );
        ours.push(vps(o));
        base.push(vps(b));
    }
    let stored = mon.bridge().items_stored() - stored_before;
    assert_eq!(
        stored as usize,
        rounds * n * per_frame,
        "every value was stored"
    );
    // Each round pairs a baseline run with a bridge run right after it (same load), so the
    // ratio is the median of the per-round ratios.
    let ratios: Vec<f64> = ours.iter().zip(&base).map(|(o, b)| o / b).collect();
    let (v, b, ratio) = (
        median(ours.clone()),
        median(base.clone()),
        median(ratios.clone()),
    );
    println!(
        "BENCH {}",
        serde_json::json!({
            "name": "monitor_ingest",
            "value": v.round(),
            "unit": "values/s",
            "baseline_name": "bare tokio server reading and discarding the same frames",
            "baseline_value": b.round(),
            "ratio": (ratio * 1000.0).round() / 1000.0,
            "rounds": rounds,
            "frames_per_round": n,
            "values_per_frame": per_frame,
            "concurrency": CONCURRENCY,
            "round_values": ours,
            "round_ratios": ratios,
            "round_baselines": base,
            "pass": v >= 100_000.0 && ratio >= 0.5,
            "target": "≥ 100,000 values/s and ratio ≥ 0.5",
        })
    );
    mon.shutdown().await;
}

async fn http_get(addr: SocketAddr, path: &str) -> usize {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    assert!(out.starts_with(b"HTTP/1.1 200"));
    out.len()
}

/// Child role: 1,000 VMs stored, scraped; prints the RSS and scrape figures.
async fn rss_child() {
    let shape = VmShape {
        disks: 1,
        nics: 1,
        gpus: 1,
    };
    let per_vm = vm_item_count(shape);
    let mon = Monitor::start(MonitorConfig {
        zabbix_listen: "127.0.0.1:0".parse().unwrap(),
        metrics_listen: "127.0.0.1:0".parse().unwrap(),
        limits: Limits::default(),
    })
    .await
    .unwrap();
    let before = status_mib("VmRSS:");
    for tick in 0..2u64 {
        for i in 0..VMS {
            let wire = frame::encode(
                vm_agent_data(&task_id(i), shape, 1_736_400_030 + 30 * tick, tick).as_bytes(),
            );
            let mut s = TcpStream::connect(mon.zabbix_addr()).await.unwrap();
            s.write_all(&wire).await.unwrap();
            let mut reply = Vec::new();
            s.read_to_end(&mut reply).await.unwrap();
        }
    }
    let series = mon.bridge().lock_store().series();
    assert_eq!(series, VMS * per_vm);
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..5 {
        let t = Instant::now();
        bytes = http_get(mon.metrics_addr(), "/metrics").await;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let peak = status_mib("VmHWM:");
    let scrape = median(times.clone());
    println!(
        "monitor_rss_1k_vms: {VMS} VMs × {per_vm} keys = {series} series; RSS before {before:.1} MiB, peak {peak:.1} MiB; scrape {bytes} bytes in {scrape:.1} ms (runs: {times:?})"
    );
    println!(
        "BENCH {}",
        serde_json::json!({
            "name": "monitor_rss_1k_vms", "value": (peak * 10.0).round() / 10.0, "unit": "MiB",
            "baseline_name": "target", "baseline_value": 64.0, "ratio": ((peak / 64.0) * 1000.0).round() / 1000.0,
            "series": series, "rss_before_mib": (before * 10.0).round() / 10.0,
            "pass": peak <= 64.0, "target": "≤ 64 MiB",
        })
    );
    println!(
        "BENCH {}",
        serde_json::json!({
            "name": "monitor_scrape_1k_vms", "value": (scrape * 100.0).round() / 100.0, "unit": "ms",
            "baseline_name": "target", "baseline_value": 100.0, "ratio": ((scrape / 100.0) * 1000.0).round() / 1000.0,
            "series": series, "bytes": bytes, "runs_ms": times,
            "pass": scrape <= 100.0, "target": "≤ 100 ms",
        })
    );
    mon.shutdown().await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if std::env::var("DBC_MONITOR_BENCH_ROLE").as_deref() == Ok("rss") {
        rt.block_on(rss_child());
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let only = std::env::var("DBC_MONITOR_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "ingest" {
        rt.block_on(ingest());
    }
    if only.is_empty() || only == "rss" {
        // a fresh process, so the peak RSS is the bridge's alone
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("DBC_MONITOR_BENCH_ROLE", "rss")
            .output()
            .unwrap();
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "the RSS child failed");
    }
}
