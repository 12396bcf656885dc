//! The simulator pushes metrics like a real GPU node (MONITOR.md §1–§6), checked by an in-test
//! Zabbix receiver written independently of the simulator's frame code.
#[path = "monitor_push/support.rs"]
mod support;
use dbc_testkit::http::wait_status;
use dbc_testkit::keys::ALICE;
use dbc_testkit::sim;
use serde_json::json;
use std::time::{Duration, Instant};
use support::*;
use tokio::net::TcpListener;

// ------------------------------------------------------------------ tests

#[tokio::test]
async fn renter_server_gets_active_checks_first_then_agent_data_one_request_per_connection() {
    let rx = Receiver::start(Mode::Ok).await;
    let (sim, h, node) = sim::started_with(fast_sim()).await;
    set_servers(&h, &node, &[rx.server()]).await;
    let task = create_vm(&h, &node, 21001, 5901).await;
    let t2 = task.clone();
    let conns: Vec<Conn> = rx
        .wait_for("3 agent data", 30, |c| {
            c.iter()
                .filter(|c| c.request() == "agent data" && c.host() == t2)
                .count()
                >= 3
        })
        .await
        .into_iter()
        .filter(|c| c.host() == task)
        .collect();
    let first = &conns[0];
    assert_eq!(first.request(), "active checks");
    let expect = format!(r#"{{"request":"active checks","host":"{task}"}}"#);
    assert_eq!(first.raw, expect);
    // Node framing: ZBXD, 0x01, little-endian u64 length.
    let mut hdr = b"ZBXD\x01".to_vec();
    hdr.extend_from_slice(&(expect.len() as u64).to_le_bytes());
    assert_eq!(first.header, hdr);
    // The node's own data goes to the whole-machine renter's servers too (host = node id).
    assert!(rx
        .conns()
        .iter()
        .all(|c| c.host() == task || c.host() == node));
    for c in &rx.conns() {
        assert_eq!(&c.header[..5], b"ZBXD\x01");
        assert_eq!(
            u64::from_le_bytes(c.header[5..13].try_into().unwrap()) as usize,
            c.raw.len()
        );
        assert_eq!(c.extra, 0, "a second request on one connection");
    }
    // Once accepted, data follows without asking again (TTL 300 s).
    let checks = conns
        .iter()
        .filter(|c| c.request() == "active checks")
        .count();
    assert_eq!(checks, 1, "active checks asked again within the TTL");
    assert!(conns[1..].iter().all(|c| c.request() == "agent data"));
    let s = sim.monitor_stats();
    assert!(s.active_checks_ok >= 1 && s.data_ok >= 3, "{s:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn agent_data_has_the_node_key_set_order_and_item_shape() {
    let rx = Receiver::start(Mode::Ok).await;
    let (sim, h, node) = sim::started_with(fast_sim()).await;
    set_servers(&h, &node, &[rx.server()]).await;
    let task = create_vm(&h, &node, 21002, 5902).await;
    let t2 = task.clone();
    rx.wait_for("2 agent data", 30, |c| {
        c.iter()
            .filter(|c| c.request() == "agent data" && c.host() == t2)
            .count()
            >= 2
    })
    .await;
    let data = rx.data_for(&task);
    let c = &data[1];
    // vda + vdb, one NIC, one GPU.
    assert_eq!(c.keys(), vm_keys(2, 1, 1), "{}", c.raw);
    assert_eq!(
        node_order(&c.json),
        c.raw,
        "member order differs from the node's"
    );
    assert!(c.items().iter().all(|i| i["host"] == task.as_str()));
    assert_eq!(c.s("dom.state"), "running");
    assert_eq!(c.u("dom.maxMem"), 8 * 1024 * 1024);
    assert_eq!(c.u("dom.nrVirtCpu"), 4);
    assert_eq!(c.s("disk.0.name"), "vda");
    assert_eq!(c.u("disk.0.capacity"), 350 << 30);
    assert_eq!(c.s("disk.1.name"), "vdb");
    assert!(c.s("net.0.name").starts_with("vnet"));
    assert_eq!(c.s("gpu.0.name"), "NVIDIA GeForce RTX 4090");
    assert_eq!(c.u("gpu.count"), 1);
    assert_eq!(c.u("disk.count"), 2);
    assert_eq!(c.u("net.count"), 1);
    assert_eq!(c.s("dbc.version"), "0.4.1.8");
    // Floats carry at most two decimals and a fraction part; counters are integers.
    for i in c.items() {
        let key = i["key"].as_str().unwrap();
        if key.ends_with("_speed") || key == "dom.cpuUsage" || key == "memory.usage" {
            let txt = i["value"].to_string();
            let frac = txt
                .split('.')
                .nth(1)
                .unwrap_or_else(|| panic!("{key}={txt}"));
            assert!(!frac.is_empty() && frac.len() <= 2, "{key}={txt}");
        }
    }
    // Derived values: 0.0 on the first sample, from consecutive samples afterwards.
    assert_eq!(data[0].f("dom.cpuUsage"), 0.0);
    assert_eq!(data[0].f("disk.0.rd_speed"), 0.0);
    assert!(
        c.f("dom.cpuUsage") > 0.0 && c.f("dom.cpuUsage") <= 100.0,
        "{}",
        c.raw
    );
    assert!(c.f("net.0.rx_speed") > 0.0);
    assert!(c.f("memory.usage") > 0.0 && c.f("memory.usage") < 100.0);
    // Item clocks are no later than the message clock.
    let top = (
        c.json["clock"].as_i64().unwrap(),
        c.json["ns"].as_i64().unwrap(),
    );
    for i in c.items() {
        let t = (i["clock"].as_i64().unwrap(), i["ns"].as_i64().unwrap());
        assert!(t <= top);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn counters_only_grow_while_running_and_reset_on_restart() {
    let rx = Receiver::start(Mode::Ok).await;
    let (sim, h, node) = sim::started_with(fast_sim()).await;
    set_servers(&h, &node, &[rx.server()]).await;
    let task = create_vm(&h, &node, 21003, 5903).await;
    let t2 = task.clone();
    rx.wait_for("4 samples", 30, |c| {
        c.iter()
            .filter(|c| c.request() == "agent data" && c.host() == t2)
            .count()
            >= 4
    })
    .await;
    let before = rx.data_for(&task);
    let counters = [
        "dom.cpuTime",
        "disk.0.rd_bytes",
        "disk.0.wr_req",
        "net.0.rx_bytes",
        "net.0.tx_packets",
    ];
    for w in before.windows(2) {
        for k in counters {
            assert!(w[1].u(k) >= w[0].u(k), "{k} went back while running");
        }
    }
    let last = before.last().unwrap();
    assert!(last.u("dom.cpuTime") > before[0].u("dom.cpuTime"));
    let nic = last.s("net.0.name");
    h.post(&format!("/api/v1/tasks/restart/{task}"), &env_for(&node)())
        .await
        .ok();
    wait_status(&h, env_for(&node), &task, "running").await;
    let n0 = before.len();
    let cpu_max = last.u("dom.cpuTime");
    let t3 = task.clone();
    let after = rx
        .wait_for("a sample after the restart", 30, |c| {
            c.iter()
                .filter(|c| c.request() == "agent data" && c.host() == t3)
                .skip(n0)
                .any(|c| matches!(c.get("dom.cpuTime").and_then(|v| v.as_u64()), Some(t) if t < cpu_max))
        })
        .await;
    let reset = after
        .iter()
        .filter(|c| c.request() == "agent data" && c.host() == task)
        .skip(n0)
        .find(|c| c.u("dom.cpuTime") < cpu_max)
        .unwrap();
    assert_eq!(reset.s("dom.state"), "running");
    assert!(reset.u("net.0.rx_bytes") < last.u("net.0.rx_bytes"));
    assert_ne!(reset.s("net.0.name"), nic, "a new boot gets a new vnet");
    // Derived values never go negative across the reset.
    assert!(reset.f("dom.cpuUsage") >= 0.0 && reset.f("disk.0.rd_speed") >= 0.0);
    // Allocation is disk content, not a per-boot counter.
    assert!(reset.u("disk.0.allocation") >= last.u("disk.0.allocation"));
    sim.shutdown().await;
}

#[tokio::test]
async fn stopped_vm_reports_shut_off_with_memory_at_max_zero_counters_and_no_nic_or_gpu() {
    let rx = Receiver::start(Mode::Ok).await;
    let (sim, h, node) = sim::started_with(fast_sim()).await;
    set_servers(&h, &node, &[rx.server()]).await;
    let task = create_vm(&h, &node, 21004, 5904).await;
    wait_status(&h, env_for(&node), &task, "running").await;
    h.post(&format!("/api/v1/tasks/poweroff/{task}"), &env_for(&node)())
        .await
        .ok();
    wait_status(&h, env_for(&node), &task, "closed").await;
    let t2 = task.clone();
    let conns = rx
        .wait_for("a shut_off sample", 30, |c| {
            c.iter().any(|c| {
                c.request() == "agent data"
                    && c.host() == t2
                    && c.get("dom.state") == Some(json!("shut_off"))
            })
        })
        .await;
    let c = conns
        .iter()
        .find(|c| c.request() == "agent data" && c.get("dom.state") == Some(json!("shut_off")))
        .unwrap();
    assert_eq!(c.keys(), vm_keys(2, 0, 0), "{}", c.raw);
    let max = c.u("dom.maxMem");
    assert_eq!(c.u("memory.total"), max);
    assert_eq!(c.u("memory.unused"), max);
    assert_eq!(c.u("memory.available"), c.u("dom.memory"));
    assert_eq!(c.f("memory.usage"), 0.0);
    assert_eq!(c.u("dom.cpuTime"), 0);
    for k in ["rd_req", "rd_bytes", "wr_req", "wr_bytes", "errs"] {
        assert_eq!(c.u(&format!("disk.0.{k}")), 0, "{k}");
    }
    assert_eq!(c.u("net.count"), 0);
    assert_eq!(c.u("gpu.count"), 0);
    assert!(c.u("disk.0.capacity") > 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn queue_keeps_the_newest_101_messages_while_active_checks_fail() {
    // Server A accepts everything and sees every message; server B refuses active checks,
    // so its head stays and its queue fills: beyond 101 the oldest are dropped.
    let a = Receiver::start(Mode::Ok).await;
    let b = Receiver::start(Mode::FailActiveChecks).await;
    let (sim, h, node) = sim::started_with(
        fast_sim()
            .monitor_interval(Duration::from_millis(60))
            .monitor_pacing(Duration::from_millis(1)),
    )
    .await;
    let task = create_vm(&h, &node, 21005, 5905).await;
    wait_status(&h, env_for(&node), &task, "running").await;
    set_servers(&h, &node, &[a.server(), b.server()]).await;
    let end = Instant::now() + Duration::from_secs(60);
    while sim.monitor_stats().dropped_overflow < 3 {
        assert!(
            Instant::now() < end,
            "queue never overflowed: {:?}",
            sim.monitor_stats()
        );
        let s = sim.monitor_stats();
        assert!(s.queued_now <= 2 * 101, "{s:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(b.conns().iter().all(|c| c.request() == "active checks"));
    b.set_mode(Mode::Ok);
    let t2 = task.clone();
    b.wait_for("B drains its queue", 60, |c| {
        c.iter()
            .filter(|c| c.request() == "agent data" && c.host() == t2)
            .count()
            >= 110
    })
    .await;
    // Both queues carry the VM's and the node's messages in the same order.
    let data = |r: &Receiver| -> Vec<String> {
        r.conns()
            .into_iter()
            .filter(|c| c.request() == "agent data")
            .map(|c| c.raw)
            .collect()
    };
    let dropped = sim.monitor_stats().dropped_overflow;
    let (seen_a, seen_b) = (data(&a), data(&b));
    let start = seen_a
        .iter()
        .position(|m| *m == seen_b[0])
        .expect("B's first message was built by the node");
    // A never overflows, so every drop was one of B's oldest messages.
    assert_eq!(
        start as u64, dropped,
        "B's first message is not the oldest kept"
    );
    // FIFO without gaps from there on (A sees every message while B drains).
    let n = seen_b.len().min(seen_a.len() - start);
    assert!(n >= 100);
    let same = seen_b[..n] == seen_a[start..start + n];
    assert!(
        same,
        "B's messages are not A's from the oldest kept on, in order"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn unreachable_server_drops_the_head_each_round_and_the_queue_stays_small() {
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().to_string()
    };
    let (sim, h, node) = sim::started_with(
        fast_sim()
            .monitor_interval(Duration::from_millis(20))
            .monitor_pacing(Duration::from_millis(5)),
    )
    .await;
    set_servers(&h, &node, &[dead]).await;
    create_vm(&h, &node, 21006, 5906).await;
    let end = Instant::now() + Duration::from_secs(30);
    while sim.monitor_stats().dropped_unreachable < 10 {
        assert!(Instant::now() < end, "{:?}", sim.monitor_stats());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let s = sim.monitor_stats();
    assert!(s.queued_now < 101, "{s:?}");
    assert_eq!(s.data_sent, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn connections_to_one_server_are_paced() {
    let rx = Receiver::start(Mode::Ok).await;
    let pacing = Duration::from_millis(150);
    let (sim, h, node) = sim::started_with(
        fast_sim()
            .monitor_interval(Duration::from_millis(40))
            .monitor_pacing(pacing),
    )
    .await;
    set_servers(&h, &node, &[rx.server()]).await;
    create_vm(&h, &node, 21007, 5907).await;
    let conns = rx.wait_for("6 connections", 30, |c| c.len() >= 6).await;
    for w in conns.windows(2) {
        let gap = w[1].accepted.duration_since(w[0].accepted);
        assert!(
            gap >= pacing,
            "connections {gap:?} apart, pacing {pacing:?}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn active_checks_are_asked_again_after_the_ttl() {
    let rx = Receiver::start(Mode::Ok).await;
    let ttl = Duration::from_millis(400);
    let (sim, h, node) = sim::started_with(
        fast_sim()
            .monitor_interval(Duration::from_millis(30))
            .monitor_pacing(Duration::from_millis(10))
            .monitor_active_checks_ttl(ttl),
    )
    .await;
    set_servers(&h, &node, &[rx.server()]).await;
    let task = create_vm(&h, &node, 21008, 5908).await;
    let t2 = task.clone();
    let conns: Vec<Conn> = rx
        .wait_for("a second active checks", 30, |c| {
            c.iter()
                .filter(|c| c.request() == "active checks" && c.host() == t2)
                .count()
                >= 2
        })
        .await
        .into_iter()
        .filter(|c| c.host() == task)
        .collect();
    let checks: Vec<&Conn> = conns
        .iter()
        .filter(|c| c.request() == "active checks")
        .collect();
    assert!(checks[1].accepted.duration_since(checks[0].accepted) >= ttl);
    let between = conns
        .iter()
        .filter(|c| c.accepted > checks[0].accepted && c.accepted < checks[1].accepted)
        .count();
    assert!(between >= 1, "data flowed between the two checks");
    sim.shutdown().await;
}

#[tokio::test]
async fn node_host_data_goes_to_the_world_file_monitor_server() {
    let rx = Receiver::start(Mode::Ok).await;
    let renter = Receiver::start(Mode::Ok).await;
    let cfg = dbc_sim::SimConfig::from_toml_str(&format!(
        "[[nodes]]\nstate = \"rented\"\nrenter = {{ wallet = \"{ALICE}\" }}\nmonitor_server = \"{}\"\n",
        rx.server()
    ))
    .unwrap();
    let (sim, h, node) = sim::started_with(fast_sim().config(cfg)).await;
    set_servers(&h, &node, &[renter.server()]).await;
    let task = create_vm(&h, &node, 21009, 5909).await;
    wait_status(&h, env_for(&node), &task, "running").await;
    let n2 = node.clone();
    let conns = rx
        .wait_for("host data with a running VM", 30, |c| {
            c.iter().any(|c| {
                c.request() == "agent data"
                    && c.host() == n2
                    && c.get("host.vmRunning") == Some(json!(1))
            })
        })
        .await;
    assert!(
        conns.iter().all(|c| c.host() == node),
        "VM data went to the node's server"
    );
    let c = conns
        .iter()
        .find(|c| c.request() == "agent data" && c.get("host.vmRunning") == Some(json!(1)))
        .unwrap();
    let mut want: Vec<String> = vec!["host.gpuCount".into(), "host.gpuUsed".into()];
    for s in GPU_SUFFIXES {
        want.push(format!("host.gpu.0.{s}"));
    }
    for k in [
        "host.vmCount",
        "host.vmRunning",
        "host.cpuUsage",
        "host.memTotal",
        "host.memFree",
        "host.memUsage",
        "host.rxFlow",
        "host.txFlow",
        "host.diskTotal",
        "host.diskFree",
        "host.diskUsage",
        "host.diskMountStatus",
        "host.loadAverage.1",
        "host.loadAverage.5",
        "host.loadAverage.15",
        "host.dbcVersion",
    ] {
        want.push(k.into());
    }
    assert_eq!(c.keys(), want, "{}", c.raw);
    assert_eq!(node_order(&c.json), c.raw);
    assert_eq!(c.u("host.gpuCount"), 8);
    assert_eq!(c.u("host.gpuUsed"), 1);
    assert_eq!(c.u("host.vmCount"), 1);
    assert_eq!(c.u("host.memTotal"), 256 * 1024 * 1024);
    assert!(c.u("host.memFree") <= 248 * 1024 * 1024);
    assert_eq!(c.s("host.diskMountStatus"), "normal");
    assert!(c.u("host.rxFlow") > 0);
    assert_eq!(node.len(), 64);
    // The whole-machine renter's servers get the host data too, plus the VM's.
    let n3 = node.clone();
    let t3 = task.clone();
    renter
        .wait_for("host and VM data at the renter's server", 30, |c| {
            c.iter()
                .any(|c| c.request() == "agent data" && c.host() == n3)
                && c.iter()
                    .any(|c| c.request() == "agent data" && c.host() == t3)
        })
        .await;
    sim.shutdown().await;
}

#[tokio::test]
async fn failing_receivers_never_slow_the_api_or_the_shutdown() {
    let hang = Receiver::start(Mode::Hang).await;
    let garbage = Receiver::start(Mode::Garbage).await;
    let (sim, h, node) = sim::started_with(
        fast_sim()
            .monitor_interval(Duration::from_millis(20))
            .monitor_pacing(Duration::from_millis(1))
            .monitor_io_timeout(Duration::from_millis(300)),
    )
    .await;
    set_servers(&h, &node, &[hang.server(), garbage.server()]).await;
    create_vm(&h, &node, 21010, 5910).await;
    let end = Instant::now() + Duration::from_secs(20);
    let mut worst = Duration::ZERO;
    while sim.monitor_stats().failed_exchanges < 6 {
        assert!(Instant::now() < end, "{:?}", sim.monitor_stats());
        let t = Instant::now();
        h.post("/api/v1/tasks", &env_for(&node)()).await.ok();
        worst = worst.max(t.elapsed());
    }
    assert!(worst < Duration::from_secs(2), "API slowed to {worst:?}");
    let s = sim.monitor_stats();
    assert_eq!(
        s.data_sent, 0,
        "data sent without a successful active checks"
    );
    assert!(!hang.conns().is_empty() && !garbage.conns().is_empty());
    let t = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), sim.shutdown())
        .await
        .expect("shutdown hung on a monitor connection");
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn reply_with_a_length_multiple_of_256_is_rejected_like_the_node() {
    let rx = Receiver::start(Mode::Body256).await;
    let (sim, h, node) = sim::started_with(fast_sim()).await;
    set_servers(&h, &node, &[rx.server()]).await;
    create_vm(&h, &node, 21011, 5911).await;
    rx.wait_for("3 attempts", 30, |c| c.len() >= 3).await;
    assert!(rx.conns().iter().all(|c| c.request() == "active checks"));
    let s = sim.monitor_stats();
    assert_eq!(s.active_checks_ok, 0, "{s:?}");
    assert_eq!(s.data_sent, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn clearing_the_servers_stops_vm_pushes() {
    let rx = Receiver::start(Mode::Ok).await;
    let (sim, h, node) = sim::started_with(fast_sim()).await;
    set_servers(&h, &node, &[rx.server()]).await;
    create_vm(&h, &node, 21012, 5912).await;
    rx.wait_for("data", 30, |c| {
        c.iter().any(|c| c.request() == "agent data")
    })
    .await;
    set_servers(&h, &node, &[]).await;
    // Queued messages still go out, then the idle sender ends and nothing new arrives.
    let end = Instant::now() + Duration::from_secs(20);
    while sim.monitor_stats().destinations != 0 {
        assert!(Instant::now() < end, "idle sender never ended");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let n = rx.conns().len();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        rx.conns().len(),
        n,
        "pushes continued after the servers were cleared"
    );
    assert_eq!(sim.monitor_stats().queued_now, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn world_file_monitor_server_must_be_host_and_port() {
    let cfg = dbc_sim::SimConfig::from_toml_str("[[nodes]]\nmonitor_server = \"no-port-here\"\n")
        .unwrap();
    let e = dbc_sim::Simulator::builder()
        .config(cfg)
        .start()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("HOST:PORT"), "{e}");
}

#[test]
fn cli_flags_parse_durations() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: dbc_sim::cli::SimArgs,
    }
    let c = Cli::parse_from(["dbc-sim"]);
    assert_eq!(c.args.monitor_interval, Duration::from_secs(30));
    assert_eq!(c.args.monitor_pacing, Duration::from_secs(10));
    let c = Cli::parse_from([
        "dbc-sim",
        "--monitor-interval",
        "500ms",
        "--monitor-pacing",
        "50ms",
    ]);
    assert_eq!(c.args.monitor_interval, Duration::from_millis(500));
    assert_eq!(c.args.monitor_pacing, Duration::from_millis(50));
    for bad in ["0s", "soon"] {
        let e = Cli::try_parse_from(["dbc-sim", "--monitor-pacing", bad])
            .err()
            .expect("bad pacing accepted");
        assert!(e.to_string().contains("e.g. 30s"), "{e}");
    }
}

#[tokio::test]
async fn zero_monitor_interval_or_pacing_is_a_config_error() {
    for b in [
        dbc_sim::Simulator::builder().monitor_interval(Duration::ZERO),
        dbc_sim::Simulator::builder().monitor_pacing(Duration::ZERO),
    ] {
        let e = b.start().await.unwrap_err();
        assert!(e.to_string().contains("greater than zero"), "{e}");
    }
}

#[tokio::test]
async fn vm_still_creating_is_not_pushed_until_it_runs() {
    let rx = Receiver::start(Mode::Ok).await;
    let (sim, h, node) =
        sim::started_with(fast_sim().create_delay(Duration::from_millis(1500))).await;
    set_servers(&h, &node, &[rx.server()]).await;
    let task = create_vm(&h, &node, 21013, 5913).await;
    // Host data of the whole-machine renter flows meanwhile; the VM's does not.
    let n2 = node.clone();
    rx.wait_for("host data", 30, |c| {
        c.iter()
            .any(|c| c.request() == "agent data" && c.host() == n2)
    })
    .await;
    let r = h
        .post(&format!("/api/v1/tasks/{task}"), &env_for(&node)())
        .await;
    let still_creating = r.ok()["status"] == "creating";
    let pushed = rx.conns().iter().any(|c| c.host() == task);
    if still_creating {
        assert!(!pushed, "a creating VM was pushed");
    }
    wait_status(&h, env_for(&node), &task, "running").await;
    let t2 = task.clone();
    rx.wait_for("VM data once running", 30, |c| {
        c.iter()
            .any(|c| c.request() == "agent data" && c.host() == t2)
    })
    .await;
    sim.shutdown().await;
}
