//! Request bodies shaped like a DBC node's (MONITOR.md §4–§6: keys, order, number format), for
//! tests, benchmarks and demos. Values are plausible, not measured.

use std::fmt::Write as _;

/// What a VM has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VmShape {
    /// Disks (`disk.N.*`).
    pub disks: u16,
    /// NICs (`net.N.*`).
    pub nics: u16,
    /// GPUs (`gpu.N.*`).
    pub gpus: u16,
}

impl Default for VmShape {
    /// One disk, one NIC, no GPU: the spec's 3.9 KB example.
    fn default() -> Self {
        VmShape {
            disks: 1,
            nics: 1,
            gpus: 0,
        }
    }
}

fn item(out: &mut String, host: &str, key: &str, value: &str, clock: u64) {
    if !out.ends_with('[') {
        out.push(',');
    }
    let _ = write!(
        out,
        r#"{{"host":"{host}","key":"{key}","value":{value},"clock":{clock},"ns":101234567}}"#
    );
}

fn gpu_items(s: &mut String, h: &str, prefix: &str, g: u16, clock: u64, tick: u64) {
    item(
        s,
        h,
        &format!("{prefix}.{g}.name"),
        "\"NVIDIA GeForce RTX 4090\"",
        clock,
    );
    let bus = format!("\"00000000:{:02X}:00.0\"", 0x17 + g);
    item(s, h, &format!("{prefix}.{g}.busId"), &bus, clock);
    for (k, v) in [
        ("memTotal", 25_757_220_864u64),
        ("memFree", 20_000_000_000),
        ("memUsed", 5_757_220_864),
        ("gpuUtilization", 40 + (tick + u64::from(g)) % 60),
        ("memUtilization", 20),
        ("powerUsage", 250_000),
        ("powerCap", 450_000),
        ("temperature", 61),
    ] {
        item(s, h, &format!("{prefix}.{g}.{k}"), &v.to_string(), clock);
    }
}

/// Number of items [`vm_agent_data`] writes for `shape`.
pub fn vm_item_count(shape: VmShape) -> usize {
    10 + 11 * usize::from(shape.disks)
        + 11 * usize::from(shape.nics)
        + 10 * usize::from(shape.gpus)
        + if shape.gpus > 0 { 3 } else { 0 }
        + 4
}

/// An `agent data` body for a running VM `task_id` (`tick` varies counters and rates).
pub fn vm_agent_data(task_id: &str, shape: VmShape, clock: u64, tick: u64) -> String {
    let mut s = String::with_capacity(4096 + 1200 * usize::from(shape.gpus));
    s.push_str(r#"{"request":"agent data","data":["#);
    let h = task_id;
    let q = |v: &str| format!("\"{v}\"");
    item(&mut s, h, "dom.state", &q("running"), clock);
    item(&mut s, h, "dom.maxMem", "16777216", clock);
    item(&mut s, h, "dom.memory", "16777216", clock);
    item(&mut s, h, "dom.nrVirtCpu", "8", clock);
    item(
        &mut s,
        h,
        "dom.cpuTime",
        &(4_523_987_654_321u64 + tick * 1_234_567_890).to_string(),
        clock,
    );
    item(
        &mut s,
        h,
        "dom.cpuUsage",
        &format!("{}.{:02}", 5 + tick % 90, tick % 100),
        clock,
    );
    item(&mut s, h, "memory.total", "16777216", clock);
    item(&mut s, h, "memory.unused", "9876543", clock);
    item(&mut s, h, "memory.available", "13456789", clock);
    item(&mut s, h, "memory.usage", "41.13", clock);
    for d in 0..shape.disks {
        let name = format!("vd{}", char::from(b'a' + (d % 26) as u8));
        item(&mut s, h, &format!("disk.{d}.name"), &q(&name), clock);
        for (k, v) in [
            ("capacity", 64_424_509_440u64),
            ("allocation", 12_884_901_888),
            ("physical", 12_884_901_888),
            ("rd_req", 152_340 + tick),
            ("rd_bytes", 4_123_456_512 + tick * 4096),
            ("wr_req", 98_765 + tick),
            ("wr_bytes", 2_987_654_144 + tick * 4096),
            ("errs", 0),
        ] {
            item(&mut s, h, &format!("disk.{d}.{k}"), &v.to_string(), clock);
        }
        item(&mut s, h, &format!("disk.{d}.rd_speed"), "1048576.0", clock);
        item(&mut s, h, &format!("disk.{d}.wr_speed"), "69905.07", clock);
    }
    for n in 0..shape.nics {
        item(
            &mut s,
            h,
            &format!("net.{n}.name"),
            &q(&format!("vnet{n}")),
            clock,
        );
        for (k, v) in [
            ("rx_bytes", 987_654_321u64 + tick * 300_000),
            ("rx_packets", 812_345 + tick * 200),
            ("rx_errs", 0),
            ("rx_drop", 12),
            ("tx_bytes", 123_456_789 + tick * 150_000),
            ("tx_packets", 456_789 + tick * 100),
            ("tx_errs", 0),
            ("tx_drop", 0),
        ] {
            item(&mut s, h, &format!("net.{n}.{k}"), &v.to_string(), clock);
        }
        item(&mut s, h, &format!("net.{n}.rx_speed"), "10000.0", clock);
        item(&mut s, h, &format!("net.{n}.tx_speed"), "5000.0", clock);
    }
    if shape.gpus > 0 {
        item(
            &mut s,
            h,
            "gpu.graphicsDriverVersion",
            &q("550.54.14"),
            clock,
        );
        item(&mut s, h, "gpu.nvmlVersion", &q("12.550.54.14"), clock);
        item(&mut s, h, "gpu.cudaVersion", &q("12.4"), clock);
    }
    for g in 0..shape.gpus {
        gpu_items(&mut s, h, "gpu", g, clock, tick);
    }
    item(&mut s, h, "dbc.version", &q("0.4.1.8"), clock);
    item(&mut s, h, "disk.count", &shape.disks.to_string(), clock);
    item(&mut s, h, "net.count", &shape.nics.to_string(), clock);
    item(&mut s, h, "gpu.count", &shape.gpus.to_string(), clock);
    let _ = write!(s, r#"],"clock":{clock},"ns":112233445}}"#);
    s
}

/// An `agent data` body with a node's host keys (`host.*`, `gpus` GPUs).
pub fn node_agent_data(node_id: &str, gpus: u16, clock: u64) -> String {
    let mut s = String::from(r#"{"request":"agent data","data":["#);
    let h = node_id;
    item(&mut s, h, "host.gpuCount", &gpus.to_string(), clock);
    item(&mut s, h, "host.gpuUsed", "1", clock);
    for g in 0..gpus {
        gpu_items(&mut s, h, "host.gpu", g, clock, 0);
    }
    for (k, v) in [
        ("host.vmCount", "3"),
        ("host.vmRunning", "2"),
        ("host.cpuUsage", "12.5"),
        ("host.memTotal", "230686720"),
        ("host.memFree", "100000000"),
        ("host.memUsage", "56.65"),
        ("host.rxFlow", "987654321"),
        ("host.txFlow", "123456789"),
        ("host.diskTotal", "4294967296"),
        ("host.diskFree", "3000000000"),
        ("host.diskUsage", "30.15"),
        ("host.diskMountStatus", "\"normal\""),
        ("host.loadAverage.1", "1.5"),
        ("host.loadAverage.5", "1.25"),
        ("host.loadAverage.15", "1.0"),
        ("host.dbcVersion", "\"0.4.1.8\""),
    ] {
        item(&mut s, h, k, v, clock);
    }
    let _ = write!(s, r#"],"clock":{clock},"ns":1}}"#);
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_json_with_the_counted_items() {
        for shape in [
            VmShape::default(),
            VmShape {
                disks: 2,
                nics: 2,
                gpus: 4,
            },
        ] {
            let b = vm_agent_data("7T13qNLVRXZvjSESL2A24F", shape, 1_736_400_030, 3);
            let v: serde_json::Value = serde_json::from_str(&b).unwrap();
            assert_eq!(v["data"].as_array().unwrap().len(), vm_item_count(shape));
        }
        let b = vm_agent_data(
            "7T13qNLVRXZvjSESL2A24F",
            VmShape::default(),
            1_736_400_030,
            0,
        );
        assert!((3700..4000).contains(&b.len()), "{}", b.len());
        let n = node_agent_data(&"a".repeat(64), 8, 1);
        serde_json::from_str::<serde_json::Value>(&n).unwrap();
    }
}
