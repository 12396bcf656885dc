//! The Prometheus text exposition (format 0.0.4), written by hand from the store: one pass over
//! the hosts fills one buffer per family, then each non-empty family is written with its
//! `# HELP` and `# TYPE` lines. Label values are escaped (`\\`, `\"`, `\n`); values are finite
//! (the ingest refuses anything else). Samples carry no timestamps: Prometheus stamps them at
//! scrape time; the node's item clocks are in `/api/v1/latest` and
//! `dbc_{vm,node}_last_push_timestamp_seconds` tells how fresh a host is.

use crate::bridge::{Bridge, FRAME_RESULTS, ITEM_RESULTS, REQUESTS};
use crate::keys::{Device, Kind, Role, Scope, FAMILIES};
use crate::store::Value;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;

/// Appends `s` escaped as a label value.
pub fn escape_label(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Appends a sample value (finite values only; others print as `NaN`).
pub fn push_value(out: &mut String, v: f64) {
    if !v.is_finite() {
        out.push_str("NaN");
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        if v < 0.0 {
            out.push('-');
        }
        push_u64(out, v.abs() as u64);
    } else if v.abs() >= 1e15 || v.abs() < 1e-6 {
        let _ = write!(out, "{v:e}");
    } else {
        let _ = write!(out, "{v}");
    }
}

/// Appends `n` in decimal (the hot path of a scrape: most values are whole numbers).
fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    for b in buf.get(i..).unwrap_or_default() {
        out.push(char::from(*b));
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Counter => "counter",
        Kind::Gauge | Kind::Info(_) => "gauge",
    }
}

pub(crate) fn render(bridge: &Bridge) -> String {
    let mut bufs: Vec<String> = vec![String::new(); FAMILIES.len()];
    let mut last_push = [String::new(), String::new()];
    let (mut vm_hosts, mut node_hosts) = (0u64, 0u64);
    let series = {
        let store = bridge.lock_store();
        let mut id = String::new();
        for (host, h) in store.hosts() {
            let (id_label, lp) = match h.scope {
                Scope::Vm => {
                    vm_hosts += 1;
                    ("task_id", 0)
                }
                Scope::Node => {
                    node_hosts += 1;
                    ("node_id", 1)
                }
            };
            id.clear();
            escape_label(&mut id, host);
            if let Some(b) = last_push.get_mut(lp) {
                let _ = write!(
                    b,
                    "dbc_{}_last_push_timestamp_seconds{{{id_label}=\"{id}\"}} ",
                    if lp == 0 { "vm" } else { "node" }
                );
                push_value(b, (h.last_push_unix * 1000.0).round() / 1000.0);
                b.push('\n');
            }
            for s in h.items.values() {
                let Role::Metric(i) = s.class.role else {
                    continue;
                };
                let (Some(f), Some(out)) =
                    (FAMILIES.get(usize::from(i)), bufs.get_mut(usize::from(i)))
                else {
                    continue;
                };
                out.push_str(f.name);
                out.push('{');
                out.push_str(id_label);
                out.push_str("=\"");
                out.push_str(&id);
                out.push('"');
                if let (Some(idx), true) = (s.class.index, f.device != Device::None) {
                    out.push(',');
                    out.push_str(f.device.label());
                    out.push_str("=\"");
                    push_u64(out, u64::from(idx));
                    out.push('"');
                    if let Some(l) = h.labels.get(&(f.device, idx)) {
                        if let Some(n) = &l.name {
                            out.push_str(",name=\"");
                            escape_label(out, n);
                            out.push('"');
                        }
                        if let Some(b) = &l.bus_id {
                            out.push_str(",bus_id=\"");
                            escape_label(out, b);
                            out.push('"');
                        }
                    }
                }
                match (&s.value, f.kind) {
                    (Value::Text(t), Kind::Info(label)) => {
                        let _ = write!(out, ",{label}=\"");
                        escape_label(out, t);
                        out.push_str("\"} 1\n");
                    }
                    (Value::Num(v), _) => {
                        out.push_str("} ");
                        push_value(out, v * f.scale);
                        out.push('\n');
                    }
                    (Value::Text(_), _) => {
                        // Cannot happen (the ingest converts by kind); keep the line valid.
                        out.push_str("} NaN\n");
                    }
                }
            }
        }
        store.series()
    };
    let total: usize = bufs.iter().map(String::len).sum::<usize>() + 8192;
    let mut out = String::with_capacity(total);
    for (f, b) in FAMILIES.iter().zip(&bufs) {
        if b.is_empty() {
            continue;
        }
        header(&mut out, f.name, f.help, kind_name(f.kind));
        out.push_str(b);
    }
    for (i, (scope, b)) in ["vm", "node"].iter().zip(&last_push).enumerate() {
        if b.is_empty() {
            continue;
        }
        let what = if i == 0 { "VM" } else { "node" };
        header(
            &mut out,
            &format!("dbc_{scope}_last_push_timestamp_seconds"),
            &format!("When the bridge last stored an item of this {what} (Unix time)."),
            "gauge",
        );
        out.push_str(b);
    }
    own_metrics(bridge, &mut out, vm_hosts, node_hosts, series);
    out
}

fn own_metrics(bridge: &Bridge, out: &mut String, vm_hosts: u64, node_hosts: u64, series: usize) {
    let st = &bridge.stats;
    header(
        out,
        "dbc_monitor_frames_total",
        "Zabbix frames received, by result (anything but ok closed the connection).",
        "counter",
    );
    for (name, c) in FRAME_RESULTS.iter().zip(&st.frames) {
        let _ = writeln!(
            out,
            "dbc_monitor_frames_total{{result=\"{name}\"}} {}",
            c.load(Ordering::Relaxed)
        );
    }
    header(
        out,
        "dbc_monitor_requests_total",
        "Zabbix requests received, by request type.",
        "counter",
    );
    for ((_, name), c) in REQUESTS.iter().zip(&st.requests) {
        let _ = writeln!(
            out,
            "dbc_monitor_requests_total{{request=\"{name}\"}} {}",
            c.load(Ordering::Relaxed)
        );
    }
    header(
        out,
        "dbc_monitor_items_total",
        "Items received in agent/sender data, by result.",
        "counter",
    );
    for (r, c) in ITEM_RESULTS.iter().zip(&st.items) {
        let _ = writeln!(
            out,
            "dbc_monitor_items_total{{result=\"{}\"}} {}",
            r.as_str(),
            c.load(Ordering::Relaxed)
        );
    }
    {
        let m = st.bad_values.lock().unwrap_or_else(|p| p.into_inner());
        if !m.is_empty() {
            header(out, "dbc_monitor_bad_values_total", "Item values refused (missing: the node's NaN; negative: its cpuUsage overflow), by metric and reason.", "counter");
            let mut rows: Vec<_> = m.iter().collect();
            rows.sort_by_key(|((metric, reason), _)| (*metric, reason.as_str()));
            for ((metric, reason), n) in rows {
                let _ = writeln!(
                    out,
                    "dbc_monitor_bad_values_total{{metric=\"{metric}\",reason=\"{}\"}} {n}",
                    reason.as_str()
                );
            }
        }
    }
    header(
        out,
        "dbc_monitor_connections_total",
        "Zabbix connections, by result (refused: over the connection limit).",
        "counter",
    );
    let _ = writeln!(
        out,
        "dbc_monitor_connections_total{{result=\"accepted\"}} {}",
        st.connections_accepted.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "dbc_monitor_connections_total{{result=\"refused\"}} {}",
        st.connections_refused.load(Ordering::Relaxed)
    );
    header(
        out,
        "dbc_monitor_hosts",
        "Hosts with stored samples, by scope.",
        "gauge",
    );
    let _ = writeln!(out, "dbc_monitor_hosts{{scope=\"vm\"}} {vm_hosts}");
    let _ = writeln!(out, "dbc_monitor_hosts{{scope=\"node\"}} {node_hosts}");
    header(
        out,
        "dbc_monitor_series",
        "Stored samples (bounded by --max-series).",
        "gauge",
    );
    let _ = writeln!(out, "dbc_monitor_series {series}");
    let (evicted, refused) = {
        let s = bridge.lock_store();
        (s.evicted_hosts(), s.refused_series())
    };
    header(
        out,
        "dbc_monitor_evicted_hosts_total",
        "Hosts dropped after the TTL without pushes.",
        "counter",
    );
    let _ = writeln!(out, "dbc_monitor_evicted_hosts_total {evicted}");
    header(
        out,
        "dbc_monitor_series_refused_total",
        "Items of new keys refused because the store was full.",
        "counter",
    );
    let _ = writeln!(out, "dbc_monitor_series_refused_total {refused}");
    header(
        out,
        "dbc_monitor_uptime_seconds",
        "Seconds since the bridge started.",
        "gauge",
    );
    out.push_str("dbc_monitor_uptime_seconds ");
    push_value(
        out,
        (bridge.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    );
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_escaping() {
        let mut s = String::new();
        for v in [
            16777216.0 * 1024.0,
            5.14,
            4523.987654321,
            1e300,
            0.0,
            1e-9,
            -7.0,
            10.0,
        ] {
            push_value(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "17179869184 5.14 4523.987654321 1e300 0 1e-9 -7 10 ");
        let mut e = String::new();
        escape_label(&mut e, "a\"b\\c\nd");
        assert_eq!(e, r#"a\"b\\c\nd"#);
    }
}
