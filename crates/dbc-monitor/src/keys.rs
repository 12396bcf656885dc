//! Every key a DBC node pushes (MONITOR.md §4) and the Prometheus family it becomes.
//!
//! [`FAMILIES`] is the single source of truth: the exposition, the key classifier and the
//! metric table of `docs/monitoring.md` all come from it. Values are converted to base units
//! (KiB → bytes, ns → seconds, mW → watts); percentages stay percentages (`_percent`, 0–100,
//! as the node computes them). Counters end in `_total`; string keys become info-style series
//! (`…_info{label="value"} 1`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Prometheus metric type of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value that goes up and down.
    Gauge,
    /// A value that only grows (resets when the VM restarts).
    Counter,
    /// A string key: `…_info{<label>="value"} 1` (type gauge).
    Info(&'static str),
}

/// Who pushes a key: a VM (host = task id) or a GPU node (host = 64-hex node id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Host = task id, label `task_id`.
    Vm,
    /// Host = node id, `host.*` keys, label `node_id`.
    Node,
}

/// The device a key belongs to (its `N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    /// Not a per-device key.
    None,
    /// `disk.N.*`: label `disk`.
    Disk,
    /// `net.N.*`: label `nic`.
    Nic,
    /// `gpu.N.*` / `host.gpu.N.*`: label `gpu`.
    Gpu,
}

impl Device {
    /// The index label's name.
    pub fn label(self) -> &'static str {
        match self {
            Device::None => "",
            Device::Disk => "disk",
            Device::Nic => "nic",
            Device::Gpu => "gpu",
        }
    }
}

/// One Prometheus family.
#[derive(Debug)]
pub struct Family {
    /// Metric name.
    pub name: &'static str,
    /// Gauge, counter or info.
    pub kind: Kind,
    /// Unit after conversion (documentation).
    pub unit: &'static str,
    /// Factor from the node's unit to the exposed one.
    pub scale: f64,
    /// Source key, with `N` for the device index.
    pub source: &'static str,
    /// VM or node.
    pub scope: Scope,
    /// Per-device family?
    pub device: Device,
    /// `# HELP` text.
    pub help: &'static str,
}

const KIB: f64 = 1024.0;

macro_rules! fam {
    ($name:literal, $kind:expr, $unit:literal, $scale:expr, $src:literal, $scope:ident, $dev:ident, $help:literal) => {
        Family {
            name: $name,
            kind: $kind,
            unit: $unit,
            scale: $scale,
            source: $src,
            scope: Scope::$scope,
            device: Device::$dev,
            help: $help,
        }
    };
}

use Kind::{Counter as C, Gauge as G};

/// Every family, in exposition order.
pub static FAMILIES: &[Family] = &[
    fam!("dbc_vm_state_info", Kind::Info("state"), "", 1.0, "dom.state", Vm, None, "Domain state of the VM (running, shut_off, paused, blocked, being shutdown, crashed, suspended, none)."),
    fam!("dbc_vm_memory_max_bytes", G, "bytes", KIB, "dom.maxMem", Vm, None, "Maximum memory of the VM."),
    fam!("dbc_vm_memory_bytes", G, "bytes", KIB, "dom.memory", Vm, None, "Memory assigned to the VM."),
    fam!("dbc_vm_vcpus", G, "", 1.0, "dom.nrVirtCpu", Vm, None, "Virtual CPUs of the VM."),
    fam!("dbc_vm_cpu_seconds_total", C, "seconds", 1e-9, "dom.cpuTime", Vm, None, "CPU time used by the VM (resets when it restarts)."),
    fam!("dbc_vm_cpu_usage_percent", G, "percent", 1.0, "dom.cpuUsage", Vm, None, "CPU usage over the node's last 30 s, per vCPU (0-100); negative values from the node's overflow bug are dropped."),
    fam!("dbc_vm_memory_balloon_bytes", G, "bytes", KIB, "memory.total", Vm, None, "Balloon (actual) memory of the VM."),
    fam!("dbc_vm_memory_unused_bytes", G, "bytes", KIB, "memory.unused", Vm, None, "Memory unused by the guest (0 without guest statistics)."),
    fam!("dbc_vm_memory_available_bytes", G, "bytes", KIB, "memory.available", Vm, None, "Memory available to the guest (0 without guest statistics)."),
    fam!("dbc_vm_memory_usage_percent", G, "percent", 1.0, "memory.usage", Vm, None, "Memory usage of the VM, 100*(total-unused)/total; absent when the node sends NaN."),
    fam!("dbc_vm_disk_capacity_bytes", G, "bytes", 1.0, "disk.N.capacity", Vm, Disk, "Capacity of the disk."),
    fam!("dbc_vm_disk_allocation_bytes", G, "bytes", 1.0, "disk.N.allocation", Vm, Disk, "Bytes allocated to the disk image."),
    fam!("dbc_vm_disk_physical_bytes", G, "bytes", 1.0, "disk.N.physical", Vm, Disk, "Physical size of the disk image."),
    fam!("dbc_vm_disk_read_requests_total", C, "", 1.0, "disk.N.rd_req", Vm, Disk, "Read requests of the disk."),
    fam!("dbc_vm_disk_read_bytes_total", C, "bytes", 1.0, "disk.N.rd_bytes", Vm, Disk, "Bytes read from the disk."),
    fam!("dbc_vm_disk_write_requests_total", C, "", 1.0, "disk.N.wr_req", Vm, Disk, "Write requests of the disk."),
    fam!("dbc_vm_disk_written_bytes_total", C, "bytes", 1.0, "disk.N.wr_bytes", Vm, Disk, "Bytes written to the disk."),
    fam!("dbc_vm_disk_errors_total", C, "", 1.0, "disk.N.errs", Vm, Disk, "Errors of the disk."),
    fam!("dbc_vm_disk_read_bytes_per_second", G, "bytes/s", 1.0, "disk.N.rd_speed", Vm, Disk, "Read speed of the disk over the node's last 30 s."),
    fam!("dbc_vm_disk_write_bytes_per_second", G, "bytes/s", 1.0, "disk.N.wr_speed", Vm, Disk, "Write speed of the disk over the node's last 30 s."),
    fam!("dbc_vm_network_receive_bytes_total", C, "bytes", 1.0, "net.N.rx_bytes", Vm, Nic, "Bytes received by the NIC."),
    fam!("dbc_vm_network_receive_packets_total", C, "", 1.0, "net.N.rx_packets", Vm, Nic, "Packets received by the NIC."),
    fam!("dbc_vm_network_receive_errors_total", C, "", 1.0, "net.N.rx_errs", Vm, Nic, "Receive errors of the NIC."),
    fam!("dbc_vm_network_receive_drops_total", C, "", 1.0, "net.N.rx_drop", Vm, Nic, "Received packets dropped by the NIC."),
    fam!("dbc_vm_network_transmit_bytes_total", C, "bytes", 1.0, "net.N.tx_bytes", Vm, Nic, "Bytes sent by the NIC."),
    fam!("dbc_vm_network_transmit_packets_total", C, "", 1.0, "net.N.tx_packets", Vm, Nic, "Packets sent by the NIC."),
    fam!("dbc_vm_network_transmit_errors_total", C, "", 1.0, "net.N.tx_errs", Vm, Nic, "Transmit errors of the NIC."),
    fam!("dbc_vm_network_transmit_drops_total", C, "", 1.0, "net.N.tx_drop", Vm, Nic, "Sent packets dropped by the NIC."),
    fam!("dbc_vm_network_receive_bytes_per_second", G, "bytes/s", 1.0, "net.N.rx_speed", Vm, Nic, "Receive speed of the NIC over the node's last 30 s."),
    fam!("dbc_vm_network_transmit_bytes_per_second", G, "bytes/s", 1.0, "net.N.tx_speed", Vm, Nic, "Transmit speed of the NIC over the node's last 30 s."),
    fam!("dbc_vm_gpu_driver_info", Kind::Info("version"), "", 1.0, "gpu.graphicsDriverVersion", Vm, None, "Graphics driver version in the VM (DBC guest agent)."),
    fam!("dbc_vm_gpu_nvml_info", Kind::Info("version"), "", 1.0, "gpu.nvmlVersion", Vm, None, "NVML version in the VM (DBC guest agent)."),
    fam!("dbc_vm_gpu_cuda_info", Kind::Info("version"), "", 1.0, "gpu.cudaVersion", Vm, None, "CUDA version in the VM (DBC guest agent)."),
    fam!("dbc_vm_gpu_memory_total_bytes", G, "bytes", 1.0, "gpu.N.memTotal", Vm, Gpu, "Memory of the GPU."),
    fam!("dbc_vm_gpu_memory_free_bytes", G, "bytes", 1.0, "gpu.N.memFree", Vm, Gpu, "Free memory of the GPU."),
    fam!("dbc_vm_gpu_memory_used_bytes", G, "bytes", 1.0, "gpu.N.memUsed", Vm, Gpu, "Used memory of the GPU."),
    fam!("dbc_vm_gpu_utilization_percent", G, "percent", 1.0, "gpu.N.gpuUtilization", Vm, Gpu, "GPU utilisation (0-100)."),
    fam!("dbc_vm_gpu_memory_utilization_percent", G, "percent", 1.0, "gpu.N.memUtilization", Vm, Gpu, "GPU memory utilisation (0-100)."),
    fam!("dbc_vm_gpu_power_watts", G, "watts", 1e-3, "gpu.N.powerUsage", Vm, Gpu, "Power drawn by the GPU."),
    fam!("dbc_vm_gpu_power_limit_watts", G, "watts", 1e-3, "gpu.N.powerCap", Vm, Gpu, "Power limit of the GPU."),
    fam!("dbc_vm_gpu_temperature_celsius", G, "celsius", 1.0, "gpu.N.temperature", Vm, Gpu, "Temperature of the GPU."),
    fam!("dbc_vm_dbc_version_info", Kind::Info("version"), "", 1.0, "dbc.version", Vm, None, "Version of the DBC node software that pushes this VM."),
    fam!("dbc_vm_disks", G, "", 1.0, "disk.count", Vm, None, "Number of disks of the VM."),
    fam!("dbc_vm_nics", G, "", 1.0, "net.count", Vm, None, "Number of NICs of the VM."),
    fam!("dbc_vm_gpus", G, "", 1.0, "gpu.count", Vm, None, "Number of GPUs of the VM."),
    fam!("dbc_node_gpus", G, "", 1.0, "host.gpuCount", Node, None, "GPUs of the machine."),
    fam!("dbc_node_gpus_used", G, "", 1.0, "host.gpuUsed", Node, None, "GPUs of rented running VMs."),
    fam!("dbc_node_gpu_memory_total_bytes", G, "bytes", 1.0, "host.gpu.N.memTotal", Node, Gpu, "Memory of the GPU."),
    fam!("dbc_node_gpu_memory_free_bytes", G, "bytes", 1.0, "host.gpu.N.memFree", Node, Gpu, "Free memory of the GPU."),
    fam!("dbc_node_gpu_memory_used_bytes", G, "bytes", 1.0, "host.gpu.N.memUsed", Node, Gpu, "Used memory of the GPU."),
    fam!("dbc_node_gpu_utilization_percent", G, "percent", 1.0, "host.gpu.N.gpuUtilization", Node, Gpu, "GPU utilisation (0-100)."),
    fam!("dbc_node_gpu_memory_utilization_percent", G, "percent", 1.0, "host.gpu.N.memUtilization", Node, Gpu, "GPU memory utilisation (0-100)."),
    fam!("dbc_node_gpu_power_watts", G, "watts", 1e-3, "host.gpu.N.powerUsage", Node, Gpu, "Power drawn by the GPU."),
    fam!("dbc_node_gpu_power_limit_watts", G, "watts", 1e-3, "host.gpu.N.powerCap", Node, Gpu, "Power limit of the GPU."),
    fam!("dbc_node_gpu_temperature_celsius", G, "celsius", 1.0, "host.gpu.N.temperature", Node, Gpu, "Temperature of the GPU."),
    fam!("dbc_node_vms", G, "", 1.0, "host.vmCount", Node, None, "VMs on the node."),
    fam!("dbc_node_vms_running", G, "", 1.0, "host.vmRunning", Node, None, "Running VMs on the node."),
    fam!("dbc_node_cpu_usage_percent", G, "percent", 1.0, "host.cpuUsage", Node, None, "CPU usage of the machine (0-100)."),
    fam!("dbc_node_memory_total_bytes", G, "bytes", KIB, "host.memTotal", Node, None, "Memory of the machine (minus 32 GiB reserved above 64 GiB)."),
    fam!("dbc_node_memory_free_bytes", G, "bytes", KIB, "host.memFree", Node, None, "Free memory of the machine (minus 32 GiB reserved above 64 GiB)."),
    fam!("dbc_node_memory_usage_percent", G, "percent", 1.0, "host.memUsage", Node, None, "Memory usage of the machine (0-100)."),
    fam!("dbc_node_network_receive_bytes", G, "bytes", 1.0, "host.rxFlow", Node, None, "Sum of the VMs' NIC receive counters (drops when a VM restarts or is deleted)."),
    fam!("dbc_node_network_transmit_bytes", G, "bytes", 1.0, "host.txFlow", Node, None, "Sum of the VMs' NIC transmit counters (drops when a VM restarts or is deleted)."),
    fam!("dbc_node_disk_total_bytes", G, "bytes", KIB, "host.diskTotal", Node, None, "Size of the node's /data."),
    fam!("dbc_node_disk_free_bytes", G, "bytes", KIB, "host.diskFree", Node, None, "Free space of the node's /data."),
    fam!("dbc_node_disk_usage_percent", G, "percent", 1.0, "host.diskUsage", Node, None, "Usage of the node's /data (0-100)."),
    fam!("dbc_node_disk_mount_info", Kind::Info("status"), "", 1.0, "host.diskMountStatus", Node, None, "Mount status of the node's /data (normal, lost)."),
    fam!("dbc_node_load1", G, "", 1.0, "host.loadAverage.1", Node, None, "1-minute load average of the machine."),
    fam!("dbc_node_load5", G, "", 1.0, "host.loadAverage.5", Node, None, "5-minute load average of the machine."),
    fam!("dbc_node_load15", G, "", 1.0, "host.loadAverage.15", Node, None, "15-minute load average of the machine."),
    fam!("dbc_node_dbc_version_info", Kind::Info("version"), "", 1.0, "host.dbcVersion", Node, None, "Version of the DBC node software."),
];

/// Which device label a `*.name` / `*.busId` key sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelField {
    /// `disk.N.name`, `net.N.name`, `gpu.N.name`: label `name`.
    Name,
    /// `gpu.N.busId`: label `bus_id`.
    BusId,
}

/// What a key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A series of `FAMILIES[i]`.
    Metric(u16),
    /// A device label (also kept as an item for the JSON API).
    Label(Device, LabelField),
}

/// A classified key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyClass {
    /// Series or label.
    pub role: Role,
    /// The device index (`N`), if any.
    pub index: Option<u16>,
}

/// Largest device index accepted (a node has at most a few dozen disks, NICs or GPUs).
pub const MAX_DEVICE_INDEX: u16 = 1023;

/// `(prefix, suffix)` → role: `("disk", "rd_bytes")` for `disk.N.rd_bytes`, `(key, "")` for keys
/// without a device index.
type Table = HashMap<(&'static str, &'static str), Role>;

fn split_pattern(p: &'static str) -> (&'static str, &'static str) {
    match p.split_once(".N.") {
        Some((a, b)) => (a, b),
        None => (p, ""),
    }
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::new();
        for (i, f) in FAMILIES.iter().enumerate() {
            m.insert(split_pattern(f.source), Role::Metric(i as u16));
        }
        for (k, d, l) in [
            ("disk.N.name", Device::Disk, LabelField::Name),
            ("net.N.name", Device::Nic, LabelField::Name),
            ("gpu.N.name", Device::Gpu, LabelField::Name),
            ("gpu.N.busId", Device::Gpu, LabelField::BusId),
            ("host.gpu.N.name", Device::Gpu, LabelField::Name),
            ("host.gpu.N.busId", Device::Gpu, LabelField::BusId),
        ] {
            m.insert(split_pattern(k), Role::Label(d, l));
        }
        m
    })
}

/// Splits `key` at its device index: the first all-digit segment that is not the last one
/// (`host.loadAverage.1` has none). Returns (prefix, index text, suffix).
fn split_index(key: &str) -> Option<(&str, &str, &str)> {
    let mut start = 0;
    while let Some(dot) = key.get(start..).and_then(|r| r.find('.')) {
        let seg_end = start + dot;
        let seg = key.get(start..seg_end)?;
        if start > 0 && !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            return Some((key.get(..start - 1)?, seg, key.get(seg_end + 1..)?));
        }
        start = seg_end + 1;
    }
    None
}

/// Classifies `key` pushed for a host of `scope`; `None` for unknown keys and keys of the other
/// scope (a `host.*` key of a VM, a VM key of a node).
pub fn classify(key: &str, scope: Scope) -> Option<KeyClass> {
    if key.len() > 64 {
        return None;
    }
    if key.starts_with("host.") != (scope == Scope::Node) {
        return None;
    }
    let t: &HashMap<(&str, &str), Role> = table();
    let (role, index) = match split_index(key) {
        Some((prefix, idx, suffix)) => {
            if idx.len() > 4 {
                return None;
            }
            let n: u16 = idx.parse().ok()?;
            if n > MAX_DEVICE_INDEX {
                return None;
            }
            (*t.get(&(prefix, suffix))?, Some(n))
        }
        None => (*t.get(&(key, ""))?, None),
    };
    match role {
        Role::Metric(i) => {
            let f = FAMILIES.get(usize::from(i))?;
            if f.scope != scope || (f.device == Device::None) != index.is_none() {
                return None;
            }
        }
        Role::Label(..) => {
            index?;
        }
    }
    Some(KeyClass { role, index })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let c = classify("disk.0.rd_bytes", Scope::Vm).unwrap();
        assert_eq!(c.index, Some(0));
        assert!(
            matches!(c.role, Role::Metric(i) if FAMILIES[i as usize].name == "dbc_vm_disk_read_bytes_total")
        );
        let c = classify("host.gpu.7.temperature", Scope::Node).unwrap();
        assert_eq!(c.index, Some(7));
        let c = classify("host.loadAverage.15", Scope::Node).unwrap();
        assert_eq!(c.index, None);
        assert_eq!(
            classify("gpu.3.busId", Scope::Vm).unwrap().role,
            Role::Label(Device::Gpu, LabelField::BusId)
        );
        assert!(classify("host.cpuUsage", Scope::Vm).is_none());
        assert!(classify("dom.state", Scope::Node).is_none());
        assert!(classify("disk.99999.rd_bytes", Scope::Vm).is_none());
        assert!(classify("disk.x.rd_bytes", Scope::Vm).is_none());
        assert!(classify("nope", Scope::Vm).is_none());
        assert!(classify("disk.count", Scope::Vm).is_some());
    }

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for f in FAMILIES {
            assert!(seen.insert(f.name), "{} twice", f.name);
            assert!(f.name.starts_with("dbc_vm_") || f.name.starts_with("dbc_node_"));
            assert_eq!(
                f.kind == Kind::Counter,
                f.name.ends_with("_total"),
                "{}",
                f.name
            );
            assert_eq!(matches!(f.kind, Kind::Info(_)), f.name.ends_with("_info"));
        }
    }
}
