//! The node's own `agent data` message (host = node id, `host.*` keys, MONITOR.md §4).

use super::json::{push_item, Val};
use super::metrics::{wall_clock, GpuSample, VmSample};
use super::NodeView;
use std::time::Instant;

/// Size of each base image kept in `/data` (GiB).
const IMAGE_GIB: u64 = 20;
/// Memory the host itself uses (KiB).
const HOST_OWN_MEM_KIB: u64 = 4 * 1024 * 1024;

/// The node's load averages, smoothed between samples like the kernel's.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostState {
    load: Option<[f64; 3]>,
    last: Option<Instant>,
}

/// Build the node's message from its view and this tick's VM samples
/// (`samples[i]` belongs to `view.vms[i]` when present).
pub(crate) fn message(
    view: &NodeView,
    samples: &[Option<VmSample>],
    st: &mut HostState,
    now: Instant,
) -> String {
    let host = view.node_id.as_str();
    let cfg = &view.cfg;
    let mut gpu_used = 0u64;
    let mut vm_count = 0u64;
    let mut vm_running = 0u64;
    let mut busy = 0.0f64;
    let mut run_mem_kib = 0u64;
    let mut rx = 0u64;
    let mut tx = 0u64;
    let mut disk_alloc = 0u64;
    let mut gpus: Vec<&GpuSample> = Vec::new();
    for (vm, s) in view.vms.iter().zip(samples.iter()) {
        if vm.id.starts_with("vm_check_") {
            continue;
        }
        vm_count += 1;
        let running = vm.status == "running";
        if running {
            vm_running += 1;
            gpu_used += vm.gpus.len() as u64;
        }
        if let Some(s) = s {
            rx = rx.saturating_add(s.rx_bytes);
            tx = tx.saturating_add(s.tx_bytes);
            busy += s.busy_cpus;
            disk_alloc = disk_alloc.saturating_add(s.disk_alloc);
            if running {
                gpus.extend(s.gpus.iter());
            }
        }
        if vm.state != "shut_off" {
            run_mem_kib = run_mem_kib.saturating_add(vm.mem_gib.saturating_mul(1024 * 1024));
        }
    }
    gpus.sort_by(|a, b| a.bus_id.cmp(&b.bus_id));
    let cores = f64::from(cfg.cpu_cores.max(1));
    let cpu_usage = ((busy / cores) * 100.0 + 0.8).min(100.0) as f32;
    let mem_total = cfg.mem_gib.saturating_mul(1024 * 1024);
    let mem_free = mem_total
        .saturating_sub(run_mem_kib)
        .saturating_sub(HOST_OWN_MEM_KIB);
    let pct = |used: u64, total: u64| {
        if total == 0 {
            0.0
        } else {
            (100.0 * used as f64 / total as f64) as f32
        }
    };
    let mem_usage = pct(mem_total - mem_free, mem_total);
    let disk_total = cfg.data_disk_gib.saturating_mul(1024 * 1024);
    let images_kib = (cfg.images.len() as u64).saturating_mul(IMAGE_GIB * 1024 * 1024);
    let disk_free = disk_total
        .saturating_sub(images_kib)
        .saturating_sub(disk_alloc / 1024);
    let disk_usage = pct(disk_total - disk_free, disk_total);
    // Load averages: exponential smoothing over 1, 5 and 15 minutes.
    let inst = busy + 0.3;
    let load = match (st.load, st.last) {
        (Some(prev), Some(at)) => {
            let dt = now.saturating_duration_since(at).as_secs_f64();
            let mut l = [0.0; 3];
            for ((out, p), tau) in l.iter_mut().zip(prev).zip([60.0, 300.0, 900.0]) {
                let a = (-dt / tau).exp();
                *out = p * a + inst * (1.0 - a);
            }
            l
        }
        _ => [inst; 3],
    };
    st.load = Some(load);
    st.last = Some(now);

    let t = wall_clock();
    let mut out = String::with_capacity(2048 + 1100 * gpus.len());
    out.push_str("{\"request\":\"agent data\",\"data\":[");
    push_item(&mut out, host, "host.gpuCount", &Val::U(cfg.gpus.into()), t);
    push_item(&mut out, host, "host.gpuUsed", &Val::U(gpu_used), t);
    for (i, g) in gpus.iter().enumerate() {
        g.push_items(&mut out, host, &format!("host.gpu.{i}."));
    }
    push_item(&mut out, host, "host.vmCount", &Val::U(vm_count), t);
    push_item(&mut out, host, "host.vmRunning", &Val::U(vm_running), t);
    push_item(&mut out, host, "host.cpuUsage", &Val::F(cpu_usage), t);
    push_item(&mut out, host, "host.memTotal", &Val::U(mem_total), t);
    push_item(&mut out, host, "host.memFree", &Val::U(mem_free), t);
    push_item(&mut out, host, "host.memUsage", &Val::F(mem_usage), t);
    push_item(&mut out, host, "host.rxFlow", &Val::I(rx as i64), t);
    push_item(&mut out, host, "host.txFlow", &Val::I(tx as i64), t);
    push_item(&mut out, host, "host.diskTotal", &Val::U(disk_total), t);
    push_item(&mut out, host, "host.diskFree", &Val::U(disk_free), t);
    push_item(&mut out, host, "host.diskUsage", &Val::F(disk_usage), t);
    push_item(
        &mut out,
        host,
        "host.diskMountStatus",
        &Val::Str("normal"),
        t,
    );
    push_item(
        &mut out,
        host,
        "host.loadAverage.1",
        &Val::F(load[0] as f32),
        t,
    );
    push_item(
        &mut out,
        host,
        "host.loadAverage.5",
        &Val::F(load[1] as f32),
        t,
    );
    push_item(
        &mut out,
        host,
        "host.loadAverage.15",
        &Val::F(load[2] as f32),
        t,
    );
    push_item(
        &mut out,
        host,
        "host.dbcVersion",
        &Val::Str(&cfg.version),
        t,
    );
    out.push_str(&format!("],\"clock\":{},\"ns\":{}}}", t.0, t.1));
    out
}
