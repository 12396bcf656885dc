//! Load and soak: 64 concurrent clients send mixed requests (session, wallet and 2-of-3
//! multisig credentials; listing, details, machine info, version, images, monitor servers)
//! while a share of them create and delete VMs, against a simulator in a child process.
//!
//! Checks, printed as one `SOAK {json}` line and asserted:
//! * 0 unexpected errors;
//! * no file-descriptor growth in the client process (`/proc/self/fd`, before the clients exist
//!   and after they are dropped) nor in the simulator process;
//! * simulator RSS stable: mean `VmRSS` of the last quarter of the run within 10 % of the
//!   first quarter's (`DBC_SOAK_RSS_CHECK=0`: reported only; `DBC_SOAK_CREDS=session`: session
//!   credentials only, so the simulator's replay store does not grow);
//! * every VM created was deleted, and the simulator's accounting (`SimHandle::stats`) shows no
//!   task, port, GPU, CPU or memory left in use.
//!
//! `cargo xtask soak [--quick]` runs this with `DBC_SOAK_REQUESTS` (default 100 000; quick
//! 10 000) and `DBC_SOAK_VMS` (default 10 000; quick 1 000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use dbc_api::{Client, Credentials, Error, WaitOptions};
use dbc_sign::{Keypair, Signer};
use dbc_sim::{NodeConfig, Renter, SimConfig, Simulator};
use dbc_types::models::CreateVm;
use dbc_types::NodeId;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
/// Clients (of the 64) that create and delete VMs; the others send read-only requests.
const VM_WORKERS: usize = 16;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fd_count(pid: &str) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn addr(suri: &str) -> String {
    Keypair::from_suri(suri).unwrap().address()
}

/// The world: the default two nodes plus a node rented by a 2-of-3 multisig account.
fn world() -> SimConfig {
    let mut cfg = SimConfig::default();
    cfg.nodes.push(NodeConfig {
        state: dbc_sim::MachineState::Rented,
        renter: Some(Renter::Multisig {
            members: vec![addr("//Alice"), addr("//Bob"), addr("//Charlie")],
            threshold: 2,
        }),
        name: Some("sim-gpu-multisig".into()),
        ..NodeConfig::default()
    });
    cfg
}

/// Child role: run the simulator; answer `stats` on stdin with one JSON line; exit on EOF.
fn serve_sim() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = Simulator::builder()
            .create_delay(Duration::from_millis(20))
            .config(world())
            .start()
            .await
            .expect("simulator");
        let ids: Vec<String> = sim.node_ids().iter().map(|n| n.to_string()).collect();
        println!("{} {}", sim.url(), ids.join(" "));
        std::io::stdout().flush().unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(l) = line else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        while let Some(cmd) = rx.recv().await {
            if cmd.trim() == "stats" {
                let s = sim.stats();
                println!(
                    "{}",
                    serde_json::json!({
                        "requests": s.requests, "tasks_alive": s.tasks_alive,
                        "ports_in_use": s.ports_in_use, "gpus_in_use": s.gpus_in_use,
                        "mem_in_use_gib": s.mem_in_use_gib, "cpus_in_use": s.cpus_in_use,
                        "nonces_remembered": s.nonces_remembered, "in_flight": s.in_flight,
                    })
                );
                std::io::stdout().flush().unwrap();
            }
        }
        sim.shutdown().await;
    });
}

struct SimProc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl SimProc {
    fn stats(&mut self) -> serde_json::Value {
        writeln!(self.stdin, "stats").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap()
    }
}

fn vm_spec(worker: usize, gpu: bool) -> CreateVm {
    CreateVm::new("ubuntu.qcow2", 2, 4)
        .ssh_port(20_000 + worker as u16)
        .vnc_port(30_000 + worker as u16)
        .gpu_count(u32::from(gpu))
        .disk_size(10)
}

#[derive(Default)]
struct Counters {
    ok: AtomicUsize,
    errors: AtomicUsize,
    vms_created: AtomicUsize,
    vms_deleted: AtomicUsize,
    first_errors: Mutex<Vec<String>>,
}

impl Counters {
    fn record<T>(&self, what: &str, r: Result<T, Error>) -> Option<T> {
        match r {
            Ok(v) => {
                self.ok.fetch_add(1, Ordering::Relaxed);
                Some(v)
            }
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                let mut f = self.first_errors.lock().unwrap();
                if f.len() < 10 {
                    f.push(format!("{what}: {e}"));
                }
                None
            }
        }
    }
}

fn main() {
    if std::env::var("DBC_SOAK_ROLE").as_deref() == Ok("sim") {
        serve_sim();
        return;
    }
    let total = env_usize("DBC_SOAK_REQUESTS", 100_000);
    let vms = env_usize("DBC_SOAK_VMS", 10_000);
    let session_only = std::env::var("DBC_SOAK_CREDS").as_deref() == Ok("session");
    // DBC_SOAK_RSS_CHECK=0: report the simulator's RSS change without asserting it (wallet and
    // multisig requests fill the simulator's replay store, which grows by design up to 1M
    // nonces per node, spec §5.3).
    let rss_checked = std::env::var("DBC_SOAK_RSS_CHECK").as_deref() != Ok("0");

    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("DBC_SOAK_ROLE", "sim")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the simulator process");
    let stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let mut parts = line.split_whitespace();
    let url = parts.next().expect("url").to_owned();
    let nodes: Vec<NodeId> = parts.map(|p| p.parse().unwrap()).collect();
    assert_eq!(nodes.len(), 3, "three nodes in the soak world");
    let sim_pid = child.id();
    let mut sim = SimProc {
        child,
        stdin,
        stdout,
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let alice = Keypair::from_suri("//Alice").unwrap();
    let bob = Keypair::from_suri("//Bob").unwrap();
    let members = vec![addr("//Alice"), addr("//Bob"), addr("//Charlie")];
    let fds_before = fd_count("self");
    let sim_fds_before = fd_count(&sim_pid.to_string());

    // RSS sampler of the simulator process.
    let sampling = Arc::new(AtomicBool::new(true));
    let samples: Arc<Mutex<Vec<u64>>> = Arc::default();
    let sampler = {
        let (sampling, samples) = (sampling.clone(), samples.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                samples.lock().unwrap().push(rss_kib(sim_pid));
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };

    let counters = Arc::new(Counters::default());
    let started = Instant::now();
    rt.block_on(async {
        // Open one session on node 0 with Alice's wallet (the session handover of spec §9).
        let base = Client::builder()
            .url(&url)
            .credentials(Credentials::signer(alice.clone()))
            .build()
            .unwrap();
        let session = base
            .node(&nodes[0])
            .open_session()
            .await
            .unwrap()
            .credentials()
            .clone();
        drop(base);
        let multisig = Credentials::multisig(
            members.clone(),
            2,
            vec![
                Arc::new(alice.clone()) as Arc<dyn Signer>,
                Arc::new(bob.clone()) as Arc<dyn Signer>,
            ],
        );

        let next_req = Arc::new(AtomicUsize::new(0));
        let next_vm = Arc::new(AtomicUsize::new(0));
        let mut set = tokio::task::JoinSet::new();
        for w in 0..CLIENTS {
            // Credentials rotate: session, wallet, multisig (on the multisig node).
            // DBC_SOAK_CREDS=session: sessions only (no nonces: isolates the replay store).
            let rotate = if session_only { 0 } else { w % 3 };
            let (creds, node) = match rotate {
                0 => (session.clone(), nodes[0].clone()),
                1 => (Credentials::signer(alice.clone()), nodes[0].clone()),
                _ => (multisig.clone(), nodes[2].clone()),
            };
            let client = Client::builder()
                .url(&url)
                .credentials(creds)
                .build()
                .unwrap();
            let (counters, next_req, next_vm) =
                (counters.clone(), next_req.clone(), next_vm.clone());
            let other = nodes[1].clone();
            set.spawn(async move {
                let n = client.node(&node);
                let wait = {
                    let mut v = WaitOptions::default();
                    v.timeout = Duration::from_secs(30);
                    v.poll_interval = Duration::from_millis(10);
                    v.on_progress = None;
                    v
                };
                if w < VM_WORKERS {
                    // VM lifecycle: create, delete, wait until gone (ports reused per worker).
                    while next_vm.fetch_add(1, Ordering::Relaxed) < vms {
                        let spec = vm_spec(w, w % 4 == 0);
                        let Some(t) = counters.record("create", n.tasks().create(spec).await)
                        else {
                            continue;
                        };
                        counters.vms_created.fetch_add(1, Ordering::Relaxed);
                        let task = n.task(&t.task_id);
                        if counters.record("delete", task.delete().await).is_some()
                            && counters
                                .record("wait_deleted", task.wait_deleted(wait.clone()).await)
                                .is_some()
                        {
                            counters.vms_deleted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                } else {
                    loop {
                        let i = next_req.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            break;
                        }
                        match i % 6 {
                            0 => {
                                counters.record("tasks.list", n.tasks().list().await);
                            }
                            1 => {
                                counters.record("nodes.info", n.info().await);
                            }
                            2 => {
                                counters.record("version", client.version().await);
                            }
                            3 => {
                                counters.record("images.list", n.images().list(None).await);
                            }
                            4 => {
                                counters.record("monitor.list", n.monitor().list().await);
                            }
                            _ => {
                                counters
                                    .record("nodes.info other", client.node(&other).info().await);
                            }
                        }
                    }
                }
            });
        }
        while let Some(r) = set.join_next().await {
            r.expect("a soak client panicked");
        }
    });
    let elapsed = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    sampler.join().unwrap();
    // Every client is dropped now; give the runtime a moment to close their pooled
    // connections, then count descriptors again (same runtime, so only leaks remain).
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(500)).await });
    let fds_after = fd_count("self");
    let sim_fds_after = fd_count(&sim_pid.to_string());
    drop(rt);
    let stats = sim.stats();
    drop(sim.stdin);
    let _ = sim.child.wait();

    let samples = samples.lock().unwrap().clone();
    let q = (samples.len() / 4).max(1);
    let mean = |s: &[u64]| s.iter().sum::<u64>() as f64 / s.len().max(1) as f64;
    let first = mean(&samples[..q.min(samples.len())]);
    let last = mean(&samples[samples.len().saturating_sub(q)..]);
    let rss_change = (last - first) / first.max(1.0);
    let errors = counters.errors.load(Ordering::Relaxed);
    let ok = counters.ok.load(Ordering::Relaxed);
    let created = counters.vms_created.load(Ordering::Relaxed);
    let deleted = counters.vms_deleted.load(Ordering::Relaxed);
    let leaks: Vec<&str> = [
        "tasks_alive",
        "ports_in_use",
        "gpus_in_use",
        "mem_in_use_gib",
        "cpus_in_use",
    ]
    .into_iter()
    .filter(|k| stats[*k].as_u64() != Some(0))
    .collect();
    let report = serde_json::json!({
        "clients": CLIENTS, "credentials": if session_only { "session" } else { "session, wallet, multisig" },
        "requests_target": total, "vms_target": vms,
        "calls_ok": ok, "errors": errors, "vms_created": created, "vms_deleted": deleted,
        "elapsed_s": (elapsed.as_secs_f64() * 10.0).round() / 10.0,
        "calls_per_s": (ok as f64 / elapsed.as_secs_f64()).round(),
        "client_fds_before": fds_before, "client_fds_after": fds_after,
        "sim_fds_before": sim_fds_before, "sim_fds_after": sim_fds_after,
        "sim_rss_first_quarter_mib": (first / 1024.0 * 10.0).round() / 10.0,
        "sim_rss_last_quarter_mib": (last / 1024.0 * 10.0).round() / 10.0,
        "sim_rss_change_pct": (rss_change * 1000.0).round() / 10.0, "rss_checked": rss_checked,
        "sim_stats_after": stats, "leaks": leaks,
    });
    println!("SOAK {report}");
    for e in counters.first_errors.lock().unwrap().iter() {
        eprintln!("soak error: {e}");
    }
    let mut failed = Vec::new();
    if errors != 0 {
        failed.push(format!("{errors} unexpected errors"));
    }
    if created != vms || deleted != vms {
        failed.push(format!("{created} VMs created, {deleted} deleted of {vms}"));
    }
    if fds_after > fds_before || sim_fds_after > sim_fds_before {
        failed.push(format!(
            "fd growth: client {fds_before} → {fds_after}, simulator {sim_fds_before} → {sim_fds_after}"
        ));
    }
    if rss_checked && rss_change.abs() > 0.10 {
        failed.push(format!(
            "simulator RSS changed by {:.1} %",
            rss_change * 100.0
        ));
    }
    if !leaks.is_empty() {
        failed.push(format!("simulator accounting leaks: {leaks:?}"));
    }
    if !failed.is_empty() {
        eprintln!("soak FAILED: {}", failed.join("; "));
        std::process::exit(1);
    }
    println!("soak passed");
}
