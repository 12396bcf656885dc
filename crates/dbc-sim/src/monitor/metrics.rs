//! Values that behave like a VM, serialised as the node's `agent data` message (MONITOR.md §3–§4).
//!
//! Each VM has a load profile derived from its task id. While the domain is on, its counters
//! (CPU time, disk and NIC counters) grow with the time elapsed since the previous sample; a new
//! boot (start, restart, reset) resets them to 0 and gets a new `vnetN` NIC; while shut off they
//! are 0 and the message has no NIC and GPU keys. Derived values (CPU usage, memory usage, disk
//! and NIC speeds) come from the previous sample, 0.0 on the first.

use super::json::{push_item, Val};
use super::VmView;
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

/// Model of the simulated GPUs.
pub(crate) const GPU_NAME: &str = "NVIDIA GeForce RTX 4090";
const GPU_MEM_TOTAL: u64 = 25_757_220_864;
const GPU_POWER_CAP_MW: u32 = 450_000;
const DRIVER_VERSION: &str = "550.54.15";
const NVML_VERSION: &str = "12.550.54.15";
const CUDA_VERSION: &str = "12.4";

/// `(seconds, nanoseconds)` of the wall clock, like `clock_gettime(CLOCK_REALTIME)`.
pub(crate) fn wall_clock() -> (i64, u32) {
    match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(_) => (0, 0),
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic number in [0, 1) from a seed and two coordinates.
pub(crate) fn unit(seed: u64, a: u64, b: u64) -> f64 {
    (mix(seed ^ mix(a ^ mix(b))) >> 11) as f64 / (1u64 << 53) as f64
}

/// A stable hash of a string (FNV-1a), to derive per-VM profiles.
pub(crate) fn hash_str(seed: u64, s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// Average activity of one VM.
#[derive(Debug, Clone)]
struct Profile {
    /// Busy fraction of each vCPU.
    cpu: f64,
    /// Fraction of memory in use by the guest.
    mem: f64,
    /// Disk read / write bytes per second.
    rd: f64,
    wr: f64,
    /// NIC receive / transmit bytes per second.
    rx: f64,
    tx: f64,
    /// GPU utilisation (%) and memory in use (fraction).
    gpu: f64,
    gpu_mem: f64,
}

impl Profile {
    fn new(h: u64) -> Profile {
        let u = |i: u64| unit(h, 0xFACE, i);
        Profile {
            cpu: 0.04 + 0.30 * u(1),
            mem: 0.20 + 0.50 * u(2),
            rd: 64.0 * 1024.0 + 2.0 * 1024.0 * 1024.0 * u(3),
            wr: 32.0 * 1024.0 + 1024.0 * 1024.0 * u(4),
            rx: 4_000.0 + 250_000.0 * u(5),
            tx: 2_000.0 + 120_000.0 * u(6),
            gpu: 15.0 + 80.0 * u(7),
            gpu_mem: 0.10 + 0.75 * u(8),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct DiskCtr {
    rd_req: u64,
    rd_bytes: u64,
    wr_req: u64,
    wr_bytes: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct NetCtr {
    rx_bytes: u64,
    rx_packets: u64,
    rx_errs: u64,
    rx_drop: u64,
    tx_bytes: u64,
    tx_packets: u64,
    tx_errs: u64,
    tx_drop: u64,
}

/// The previous sample, for derived values.
#[derive(Debug, Clone)]
struct Prev {
    at: Instant,
    cpu_time: u64,
    disks: BTreeMap<String, (u64, u64)>,
    net: Option<(String, u64, u64)>,
}

/// One GPU's sample (also copied into the node's `host.gpu.N.*` keys).
#[derive(Debug, Clone)]
pub(crate) struct GpuSample {
    pub bus_id: String,
    pub mem_used: u64,
    pub util: u32,
    pub mem_util: u32,
    pub power: u32,
    pub temp: u32,
    pub clock: (i64, u32),
}

impl GpuSample {
    /// Append the 10 items of this GPU under `prefix` (`gpu.N.` or `host.gpu.N.`).
    pub(crate) fn push_items(&self, out: &mut String, host: &str, prefix: &str) {
        let k = |s: &str| format!("{prefix}{s}");
        let c = self.clock;
        push_item(out, host, &k("name"), &Val::Str(GPU_NAME), c);
        push_item(out, host, &k("busId"), &Val::Str(&self.bus_id), c);
        push_item(out, host, &k("memTotal"), &Val::U(GPU_MEM_TOTAL), c);
        let free = GPU_MEM_TOTAL.saturating_sub(self.mem_used);
        push_item(out, host, &k("memFree"), &Val::U(free), c);
        push_item(out, host, &k("memUsed"), &Val::U(self.mem_used), c);
        push_item(
            out,
            host,
            &k("gpuUtilization"),
            &Val::U(self.util.into()),
            c,
        );
        push_item(
            out,
            host,
            &k("memUtilization"),
            &Val::U(self.mem_util.into()),
            c,
        );
        push_item(out, host, &k("powerUsage"), &Val::U(self.power.into()), c);
        push_item(
            out,
            host,
            &k("powerCap"),
            &Val::U(GPU_POWER_CAP_MW.into()),
            c,
        );
        push_item(out, host, &k("temperature"), &Val::U(self.temp.into()), c);
    }
}

/// What one VM sample contributes to its node's host message.
#[derive(Debug, Clone, Default)]
pub(crate) struct VmSample {
    /// The agent-data JSON.
    pub json: String,
    /// GPUs of the VM (empty while off).
    pub gpus: Vec<GpuSample>,
    /// NIC counters summed.
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// vCPUs busy on average since the previous sample.
    pub busy_cpus: f64,
    /// Bytes allocated on the host by the VM's disks.
    pub disk_alloc: u64,
}

/// The pusher's memory of one VM.
#[derive(Debug, Clone)]
pub(crate) struct VmState {
    hash: u64,
    profile: Profile,
    boots: u32,
    on: bool,
    cpu_time: u64,
    disks: BTreeMap<String, DiskCtr>,
    /// Bytes ever written per disk (allocation grows with them; survives restarts).
    written: BTreeMap<String, u64>,
    net: NetCtr,
    vnet: u32,
    prev: Option<Prev>,
    last_at: Option<Instant>,
    n: u64,
}

/// Sampling context of one node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub now: Instant,
    /// Elapsed time assumed for a VM's first sample.
    pub interval: Duration,
    pub quirks: bool,
    pub version: &'a str,
}

impl VmState {
    pub(crate) fn new(seed: u64, task_id: &str) -> VmState {
        let hash = hash_str(seed, task_id);
        VmState {
            hash,
            profile: Profile::new(hash),
            boots: 0,
            on: false,
            cpu_time: 0,
            disks: BTreeMap::new(),
            written: BTreeMap::new(),
            net: NetCtr::default(),
            vnet: 0,
            prev: None,
            last_at: None,
            n: 0,
        }
    }

    fn jitter(&self, ch: u64) -> f64 {
        0.6 + 0.8 * unit(self.hash, self.n, ch)
    }

    /// Advance the counters to `ctx.now` and build the VM's message.
    pub(crate) fn sample(&mut self, vm: &VmView, ctx: Ctx<'_>, next_vnet: &mut u32) -> VmSample {
        let on = vm.state != "shut_off";
        let new_boot = on && (!self.on || vm.boots != self.boots);
        self.boots = vm.boots;
        let dt = match self.last_at {
            Some(t) => ctx.now.saturating_duration_since(t),
            None => ctx.interval,
        };
        self.last_at = Some(ctx.now);
        self.n = self.n.wrapping_add(1);
        let secs = dt.as_secs_f64();
        // Keep exactly the VM's disks.
        self.disks
            .retain(|k, _| vm.disks.iter().any(|(n, _)| n == k));
        for (name, _) in &vm.disks {
            self.disks.entry(name.clone()).or_default();
        }
        let mut busy = 0.0;
        if !on || new_boot {
            self.cpu_time = 0;
            for d in self.disks.values_mut() {
                *d = DiskCtr::default();
            }
            self.net = NetCtr::default();
        }
        if new_boot {
            self.vnet = *next_vnet;
            *next_vnet = next_vnet.wrapping_add(1);
        }
        self.on = on;
        if on {
            let vcpus = f64::from(vm.cpu_cores.max(1));
            busy = (self.profile.cpu * self.jitter(1)).min(1.0) * vcpus;
            self.cpu_time = self.cpu_time.saturating_add((busy * secs * 1e9) as u64);
            let names: Vec<String> = self.disks.keys().cloned().collect();
            for (i, name) in names.iter().enumerate() {
                let ch = 10 + 2 * i as u64;
                let rd = (self.profile.rd * self.jitter(ch) * secs) as u64;
                let wr = (self.profile.wr * self.jitter(ch + 1) * secs) as u64;
                if let Some(d) = self.disks.get_mut(name) {
                    d.rd_bytes += rd;
                    d.rd_req += rd.div_ceil(16 * 1024);
                    d.wr_bytes += wr;
                    d.wr_req += wr.div_ceil(8 * 1024);
                }
                *self.written.entry(name.clone()).or_default() += wr;
            }
            let rx = (self.profile.rx * self.jitter(3) * secs) as u64;
            let tx = (self.profile.tx * self.jitter(4) * secs) as u64;
            let n = &mut self.net;
            n.rx_bytes += rx;
            n.rx_packets += rx.div_ceil(900);
            n.tx_bytes += tx;
            n.tx_packets += tx.div_ceil(700);
            if unit(self.hash, self.n, 5) < 0.05 {
                n.rx_drop += 1;
            }
        }
        let s = self.build(vm, ctx, busy);
        self.prev = Some(Prev {
            at: ctx.now,
            cpu_time: self.cpu_time,
            disks: self
                .disks
                .iter()
                .map(|(k, d)| (k.clone(), (d.rd_bytes, d.wr_bytes)))
                .collect(),
            net: on.then(|| (self.vnet_name(), self.net.rx_bytes, self.net.tx_bytes)),
        });
        s
    }

    fn vnet_name(&self) -> String {
        format!("vnet{}", self.vnet)
    }

    /// `dom.cpuUsage`: 100·Δcpu/Δwall/vCPUs, 0.0 without a previous sample or when CPU time
    /// went back (restart). With quirks, the node's `int` arithmetic (µs, times 100) overflows.
    fn cpu_usage(&self, vm: &VmView, now: Instant, quirks: bool) -> f32 {
        let Some(p) = &self.prev else { return 0.0 };
        let wall_us = now.saturating_duration_since(p.at).as_micros() as i64;
        if quirks {
            let cpu_diff = (self.cpu_time.wrapping_sub(p.cpu_time) / 1000) as i32;
            if cpu_diff > 0 {
                let v = 100i32.wrapping_mul(cpu_diff) as f32 / wall_us as f32;
                return v / vm.cpu_cores as f32;
            }
            return 0.0;
        }
        if self.cpu_time <= p.cpu_time || wall_us <= 0 {
            return 0.0;
        }
        let d_us = (self.cpu_time - p.cpu_time) / 1000;
        (100.0 * d_us as f64 / wall_us as f64 / f64::from(vm.cpu_cores.max(1))) as f32
    }

    /// A speed in bytes/s from the previous counter value.
    fn speed(&self, prev: Option<u64>, cur: u64, now: Instant, quirks: bool) -> f32 {
        let (Some(p), Some(pr)) = (prev, &self.prev) else {
            return 0.0;
        };
        let secs = now.saturating_duration_since(pr.at).as_secs_f64();
        if secs <= 0.0 || (cur < p && !quirks) {
            return 0.0;
        }
        ((cur as f64 - p as f64) / secs) as f32
    }

    fn build(&self, vm: &VmView, ctx: Ctx<'_>, busy: f64) -> VmSample {
        let host = vm.id.as_str();
        let on = self.on;
        let mem_kib = vm.mem_gib.saturating_mul(1024 * 1024);
        let mut out = String::with_capacity(4096 + 1200 * vm.gpus.len());
        out.push_str("{\"request\":\"agent data\",\"data\":[");
        // dom.*
        let t = wall_clock();
        push_item(&mut out, host, "dom.state", &Val::Str(vm.state), t);
        // The node holds maxMem/memory as `unsigned int` (KiB).
        push_item(
            &mut out,
            host,
            "dom.maxMem",
            &Val::U(u64::from(mem_kib as u32)),
            t,
        );
        push_item(
            &mut out,
            host,
            "dom.memory",
            &Val::U(u64::from(mem_kib as u32)),
            t,
        );
        push_item(
            &mut out,
            host,
            "dom.nrVirtCpu",
            &Val::U(vm.cpu_cores.into()),
            t,
        );
        push_item(&mut out, host, "dom.cpuTime", &Val::U(self.cpu_time), t);
        let cpu = self.cpu_usage(vm, ctx.now, ctx.quirks);
        push_item(&mut out, host, "dom.cpuUsage", &Val::F(cpu), t);
        // memory.* (shut off: total = unused = maxMem, available = memory)
        let t = wall_clock();
        let (total, unused, available) = if on {
            let used = (mem_kib as f64 * (self.profile.mem * self.jitter(6)).min(0.97)) as u64;
            let unused = mem_kib.saturating_sub(used);
            (mem_kib, unused, (unused + mem_kib / 10).min(mem_kib))
        } else {
            (mem_kib, mem_kib, mem_kib)
        };
        let usage = match &self.prev {
            None => 0.0,
            // The node divides by zero: NaN, written as the invalid `"value":,`.
            Some(_) if total == 0 && ctx.quirks => f32::NAN,
            Some(_) if total == 0 => 0.0,
            Some(_) => 100.0 * (total - unused) as f32 / total as f32,
        };
        push_item(&mut out, host, "memory.total", &Val::U(total), t);
        push_item(&mut out, host, "memory.unused", &Val::U(unused), t);
        push_item(&mut out, host, "memory.available", &Val::U(available), t);
        push_item(&mut out, host, "memory.usage", &Val::F(usage), t);
        // disk.N.* in name order
        let mut disk_alloc = 0u64;
        for (i, (name, d)) in self.disks.iter().enumerate() {
            let t = wall_clock();
            let size = vm
                .disks
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, s)| *s);
            let capacity = size.saturating_mul(1 << 30);
            let base = if name == "vda" {
                (8 << 30) + (unit(self.hash, 0xD15C, 0) * f64::from(8u32 << 30)) as u64
            } else {
                200_704
            };
            let written = self.written.get(name).copied().unwrap_or(0);
            let allocation = base.saturating_add(written).min(capacity);
            disk_alloc = disk_alloc.saturating_add(allocation);
            let (prd, pwr) = match self.prev.as_ref().and_then(|p| p.disks.get(name)) {
                Some((r, w)) => (Some(*r), Some(*w)),
                None => (None, None),
            };
            let k = |s: &str| format!("disk.{i}.{s}");
            push_item(&mut out, host, &k("name"), &Val::Str(name), t);
            push_item(&mut out, host, &k("capacity"), &Val::U(capacity), t);
            push_item(&mut out, host, &k("allocation"), &Val::U(allocation), t);
            push_item(&mut out, host, &k("physical"), &Val::U(allocation), t);
            push_item(&mut out, host, &k("rd_req"), &Val::I(d.rd_req as i64), t);
            push_item(
                &mut out,
                host,
                &k("rd_bytes"),
                &Val::I(d.rd_bytes as i64),
                t,
            );
            push_item(&mut out, host, &k("wr_req"), &Val::I(d.wr_req as i64), t);
            push_item(
                &mut out,
                host,
                &k("wr_bytes"),
                &Val::I(d.wr_bytes as i64),
                t,
            );
            push_item(&mut out, host, &k("errs"), &Val::I(0), t);
            let rs = self.speed(prd, d.rd_bytes, ctx.now, ctx.quirks);
            let ws = self.speed(pwr, d.wr_bytes, ctx.now, ctx.quirks);
            push_item(&mut out, host, &k("rd_speed"), &Val::F(rs), t);
            push_item(&mut out, host, &k("wr_speed"), &Val::F(ws), t);
        }
        // net.0.* (running domains only)
        let mut sample = VmSample {
            busy_cpus: busy,
            disk_alloc,
            ..VmSample::default()
        };
        if on {
            let t = wall_clock();
            let name = self.vnet_name();
            let n = &self.net;
            let (prx, ptx) = match self.prev.as_ref().and_then(|p| p.net.as_ref()) {
                Some((pn, r, x)) if *pn == name => (Some(*r), Some(*x)),
                _ => (None, None),
            };
            let items: [(&str, u64); 8] = [
                ("rx_bytes", n.rx_bytes),
                ("rx_packets", n.rx_packets),
                ("rx_errs", n.rx_errs),
                ("rx_drop", n.rx_drop),
                ("tx_bytes", n.tx_bytes),
                ("tx_packets", n.tx_packets),
                ("tx_errs", n.tx_errs),
                ("tx_drop", n.tx_drop),
            ];
            push_item(&mut out, host, "net.0.name", &Val::Str(&name), t);
            for (k, v) in items {
                push_item(&mut out, host, &format!("net.0.{k}"), &Val::I(v as i64), t);
            }
            let rs = self.speed(prx, n.rx_bytes, ctx.now, ctx.quirks);
            let ts = self.speed(ptx, n.tx_bytes, ctx.now, ctx.quirks);
            push_item(&mut out, host, "net.0.rx_speed", &Val::F(rs), t);
            push_item(&mut out, host, "net.0.tx_speed", &Val::F(ts), t);
            sample.rx_bytes = n.rx_bytes;
            sample.tx_bytes = n.tx_bytes;
            sample.gpus = self.gpu_samples(vm);
        }
        // Versions, GPUs, counts: versions and counts use the build time.
        let top = wall_clock();
        if !sample.gpus.is_empty() {
            push_item(
                &mut out,
                host,
                "gpu.graphicsDriverVersion",
                &Val::Str(DRIVER_VERSION),
                top,
            );
            push_item(
                &mut out,
                host,
                "gpu.nvmlVersion",
                &Val::Str(NVML_VERSION),
                top,
            );
            push_item(
                &mut out,
                host,
                "gpu.cudaVersion",
                &Val::Str(CUDA_VERSION),
                top,
            );
        }
        for (i, g) in sample.gpus.iter().enumerate() {
            g.push_items(&mut out, host, &format!("gpu.{i}."));
        }
        push_item(&mut out, host, "dbc.version", &Val::Str(ctx.version), top);
        push_item(
            &mut out,
            host,
            "disk.count",
            &Val::U(self.disks.len() as u64),
            top,
        );
        push_item(&mut out, host, "net.count", &Val::U(u64::from(on)), top);
        push_item(
            &mut out,
            host,
            "gpu.count",
            &Val::U(sample.gpus.len() as u64),
            top,
        );
        out.push_str(&format!("],\"clock\":{},\"ns\":{}}}", top.0, top.1));
        sample.json = out;
        sample
    }

    /// GPUs of a running VM in busId order.
    fn gpu_samples(&self, vm: &VmView) -> Vec<GpuSample> {
        let t = wall_clock();
        let mut v: Vec<GpuSample> = vm
            .gpus
            .iter()
            .map(|&g| {
                let j = 0.7 + 0.6 * unit(self.hash, self.n, 100 + u64::from(g));
                let util = (self.profile.gpu * j).clamp(0.0, 100.0) as u32;
                let mem_used = (GPU_MEM_TOTAL as f64 * (self.profile.gpu_mem * j).min(0.98)) as u64;
                GpuSample {
                    bus_id: format!("00000000:{:02X}:00.0", g.saturating_add(1)),
                    mem_used,
                    util,
                    mem_util: util * 6 / 10,
                    power: (30_000 + util * 4_000).min(GPU_POWER_CAP_MW),
                    temp: 32 + util * 45 / 100,
                    clock: t,
                }
            })
            .collect();
        v.sort_by(|a, b| a.bus_id.cmp(&b.bus_id));
        v
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::Value;

    const TASK: &str = "7T13qNLVRXZvjSESL2A24F";

    fn vm(state: &'static str, boots: u32, cpus: u32, gpus: Vec<u32>) -> VmView {
        VmView {
            id: TASK.into(),
            owner: "owner".into(),
            status: "running",
            state,
            cpu_cores: cpus,
            mem_gib: 16,
            gpus,
            disks: vec![("vda".into(), 350), ("vdb".into(), 100)],
            boots,
        }
    }

    /// Samples 30 s apart (simulated time) of the VMs given per step.
    fn run(quirks: bool, steps: &[VmView]) -> Vec<Value> {
        let mut st = VmState::new(1, TASK);
        let t0 = Instant::now();
        let mut vnet = 0;
        steps
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let ctx = Ctx {
                    now: t0 + Duration::from_secs(30 * i as u64),
                    interval: Duration::from_secs(30),
                    quirks,
                    version: "0.4.1.8",
                };
                serde_json::from_str(&st.sample(v, ctx, &mut vnet).json).unwrap()
            })
            .collect()
    }

    fn val(msg: &Value, key: &str) -> Value {
        msg["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .map(|i| i["value"].clone())
            .unwrap_or(Value::Null)
    }

    #[test]
    fn busy_vm_cpu_usage_is_a_percentage_without_quirks_and_overflows_with_them() {
        // 32 vCPUs busy at least 2.4 % each: > 21.5 s of CPU time per 30 s.
        let steps: Vec<VmView> = (0..20).map(|_| vm("running", 0, 32, vec![])).collect();
        let plain = run(false, &steps);
        assert_eq!(val(&plain[0], "dom.cpuUsage").as_f64(), Some(0.0));
        for m in &plain[1..] {
            let u = val(m, "dom.cpuUsage").as_f64().unwrap();
            assert!(u > 0.0 && u <= 100.0, "{u}");
        }
        // The node's `100 * cpu_diff` (int, µs) wraps: values are wrong, some negative.
        let quirky = run(true, &steps);
        let mut negative = 0;
        for (q, p) in quirky[1..].iter().zip(&plain[1..]) {
            let (u, ok) = (
                val(q, "dom.cpuUsage").as_f64().unwrap(),
                val(p, "dom.cpuUsage"),
            );
            assert_ne!(Some(u), ok.as_f64(), "int overflow expected");
            negative += usize::from(u < 0.0);
        }
        assert!(
            negative > 0,
            "no negative dom.cpuUsage in 19 overflowing samples"
        );
    }

    #[test]
    fn restart_resets_counters_and_speeds_go_negative_only_with_quirks() {
        let steps = vec![
            vm("running", 0, 4, vec![]),
            vm("running", 0, 4, vec![]),
            vm("running", 1, 4, vec![]),
        ];
        let plain = run(false, &steps);
        let c1 = val(&plain[1], "disk.0.rd_bytes").as_u64().unwrap();
        let c2 = val(&plain[2], "disk.0.rd_bytes").as_u64().unwrap();
        assert!(c2 < c1, "counter did not reset: {c1} -> {c2}");
        assert_eq!(val(&plain[2], "disk.0.rd_speed").as_f64(), Some(0.0));
        assert_eq!(val(&plain[2], "dom.cpuUsage").as_f64(), Some(0.0));
        assert_ne!(val(&plain[1], "net.0.name"), val(&plain[2], "net.0.name"));
        let quirky = run(true, &steps);
        assert!(val(&quirky[2], "disk.0.rd_speed").as_f64().unwrap() < 0.0);
    }

    #[test]
    fn gpus_are_in_bus_id_order_and_only_while_running() {
        let steps = vec![
            vm("running", 0, 4, vec![10, 2]),
            vm("shut_off", 0, 4, vec![10, 2]),
        ];
        let m = run(false, &steps);
        assert_eq!(val(&m[0], "gpu.0.busId"), "00000000:03:00.0");
        assert_eq!(val(&m[0], "gpu.1.busId"), "00000000:0B:00.0");
        assert_eq!(val(&m[0], "gpu.count"), 2);
        assert_eq!(val(&m[1], "gpu.count"), 0);
        assert_eq!(val(&m[1], "gpu.0.busId"), Value::Null);
        assert_eq!(val(&m[1], "gpu.cudaVersion"), Value::Null);
    }

    #[test]
    fn zero_memory_vm_writes_the_invalid_nan_json_only_with_quirks() {
        let mut v = vm("running", 0, 4, vec![]);
        v.mem_gib = 0;
        let steps = vec![v.clone(), v];
        let mut st = VmState::new(1, TASK);
        let mut vnet = 0;
        let t0 = Instant::now();
        let mut last = String::new();
        for (i, s) in steps.iter().enumerate() {
            let ctx = Ctx {
                now: t0 + Duration::from_secs(30 * i as u64),
                interval: Duration::from_secs(30),
                quirks: true,
                version: "0.4.1.8",
            };
            last = st.sample(s, ctx, &mut vnet).json;
        }
        assert!(last.contains("\"key\":\"memory.usage\",\"value\":,\"clock\""));
        assert_eq!(val(&run(false, &steps)[1], "memory.usage"), 0.0);
    }
}
