//! `dbc monitor watch`: polls a bridge's `/api/v1/latest` and draws one row per VM (state, CPU,
//! memory, disk and network speeds, GPU utilisation) with a sparkline of its recent CPU usage.

use super::WatchArgs;
use crate::commands::Ctx;
use crate::error::{CliError, CliResult};
use dbc_transport::{HttpRequest, HttpTransport, Transport};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Duration;

/// CPU samples kept per VM for the sparkline.
const HISTORY: usize = 30;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const DEFAULT_URL: &str = "http://127.0.0.1:9109";

/// The bridge URL: `--url` when given on the command line (the global flag, which otherwise
/// names the client node; a value that only came from `DBC_CLIENT_URL` is not taken), else
/// `DBC_MONITOR_URL`, else `http://127.0.0.1:9109`. A pasted `/metrics` URL is accepted.
fn bridge_url(ctx: &Ctx) -> String {
    let from_env = std::env::var("DBC_CLIENT_URL").ok();
    let given = ctx
        .global
        .url
        .clone()
        .filter(|u| from_env.as_deref() != Some(u.as_str()));
    let url = given
        .or_else(|| std::env::var("DBC_MONITOR_URL").ok())
        .unwrap_or_else(|| DEFAULT_URL.to_owned());
    let url = url.trim_end_matches('/');
    url.strip_suffix("/metrics").unwrap_or(url).to_owned()
}

/// One VM's row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct Row {
    task_id: String,
    state: String,
    cpu_percent: Option<f64>,
    memory_percent: Option<f64>,
    disk_read_bps: f64,
    disk_write_bps: f64,
    net_rx_bps: f64,
    net_tx_bps: f64,
    gpu_percent: Option<f64>,
    gpus: usize,
    cpu_clock: Option<i64>,
}

fn num(items: &Value, key: &str) -> Option<f64> {
    items.get(key)?.get("value")?.as_f64()
}

fn sum_suffix(items: &Value, prefix: &str, suffix: &str) -> (f64, usize) {
    let mut total = 0.0;
    let mut n = 0;
    if let Some(m) = items.as_object() {
        for (k, v) in m {
            let Some(rest) = k.strip_prefix(prefix) else {
                continue;
            };
            let Some((idx, sfx)) = rest.split_once('.') else {
                continue;
            };
            if sfx == suffix && idx.bytes().all(|b| b.is_ascii_digit()) {
                if let Some(x) = v.get("value").and_then(Value::as_f64) {
                    total += x;
                    n += 1;
                }
            }
        }
    }
    (total, n)
}

fn rows(latest: &Value) -> Vec<Row> {
    let mut out = Vec::new();
    for h in latest["hosts"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if h["scope"] != "vm" {
            continue;
        }
        let items = &h["items"];
        let (gpu_sum, gpus) = sum_suffix(items, "gpu.", "gpuUtilization");
        out.push(Row {
            task_id: h["host"].as_str().unwrap_or("?").to_owned(),
            state: items["dom.state"]["value"]
                .as_str()
                .unwrap_or("?")
                .to_owned(),
            cpu_percent: num(items, "dom.cpuUsage"),
            memory_percent: num(items, "memory.usage"),
            disk_read_bps: sum_suffix(items, "disk.", "rd_speed").0,
            disk_write_bps: sum_suffix(items, "disk.", "wr_speed").0,
            net_rx_bps: sum_suffix(items, "net.", "rx_speed").0,
            net_tx_bps: sum_suffix(items, "net.", "tx_speed").0,
            gpu_percent: (gpus > 0).then(|| gpu_sum / gpus as f64),
            gpus,
            cpu_clock: items["dom.cpuUsage"]["clock"].as_i64(),
        });
    }
    out
}

/// `▁▂▃…█` for values 0–100.
fn sparkline(values: &VecDeque<f64>) -> String {
    values
        .iter()
        .map(|v| {
            let i = ((v.clamp(0.0, 100.0) / 100.0) * (BARS.len() - 1) as f64).round() as usize;
            BARS.get(i).copied().unwrap_or('?')
        })
        .collect()
}

fn rate(bps: f64) -> String {
    const UNITS: [&str; 4] = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
    let mut v = bps;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1}{}", UNITS.get(u).copied().unwrap_or(""))
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "-".into())
}

/// Keeps the CPU history: one point per new node sample (a new `dom.cpuUsage` clock).
#[derive(Debug, Default)]
struct History {
    cpu: HashMap<String, (Option<i64>, VecDeque<f64>)>,
}

impl History {
    fn record(&mut self, rows: &[Row]) {
        for r in rows {
            let (last, h) = self.cpu.entry(r.task_id.clone()).or_default();
            if let (Some(v), true) = (r.cpu_percent, *last != r.cpu_clock || h.is_empty()) {
                h.push_back(v);
                while h.len() > HISTORY {
                    h.pop_front();
                }
                *last = r.cpu_clock;
            }
        }
        self.cpu.retain(|k, _| rows.iter().any(|r| &r.task_id == k));
    }
}

fn table(rows: &[Row], hist: &History, url: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "dbc monitor watch: {url} · {} VM(s)", rows.len());
    let _ = writeln!(
        s,
        "{:<24} {:<10} {:>6} {:>6} {:>23} {:>23} {:>9}  CPU (recent)",
        "TASK", "STATE", "CPU%", "MEM%", "DISK READ/WRITE", "NET RX/TX", "GPU%"
    );
    for r in rows {
        let empty = VecDeque::new();
        let spark = hist.cpu.get(&r.task_id).map(|(_, h)| h).unwrap_or(&empty);
        let gpu = match r.gpu_percent {
            Some(g) => format!("{g:.0}×{}", r.gpus),
            None => "-".into(),
        };
        let _ = writeln!(
            s,
            "{:<24} {:<10} {:>6} {:>6} {:>23} {:>23} {:>9}  {}",
            r.task_id,
            r.state,
            pct(r.cpu_percent),
            pct(r.memory_percent),
            format!("{}/{}", rate(r.disk_read_bps), rate(r.disk_write_bps)),
            format!("{}/{}", rate(r.net_rx_bps), rate(r.net_tx_bps)),
            gpu,
            sparkline(spark)
        );
    }
    if rows.is_empty() {
        s.push_str(
            "(no VM data yet: nodes push every 30 s to the servers set with `dbc monitor add`)\n",
        );
    }
    s
}

/// # Errors
/// The bridge is unreachable, or answers an error status other than 404 (that is `None`) or
/// a body that is not JSON.
async fn fetch(t: &HttpTransport, path: &str) -> CliResult<Option<Value>> {
    let resp = t.send(HttpRequest::get(path)).await.map_err(|source| {
        CliError::Api(dbc_api::Error::Transport {
            endpoint: "monitor.latest",
            source,
        })
    })?;
    if resp.status.as_u16() == 404 {
        return Ok(None);
    }
    if !resp.status.is_success() {
        return Err(CliError::Failed(format!(
            "the bridge answered HTTP {} to {path}: is this a `dbc monitor serve` address?",
            resp.status
        )));
    }
    serde_json::from_slice(&resp.body).map(Some).map_err(|e| {
        CliError::Failed(format!(
            "the bridge's reply is not JSON ({e}): is this a `dbc monitor serve` address?"
        ))
    })
}

/// Runs `dbc monitor watch`.
///
/// # Errors
/// The bridge is unreachable or answers garbage, the task id is invalid, or stdout cannot be written.
pub async fn watch(ctx: &Ctx, a: WatchArgs) -> CliResult {
    let url = bridge_url(ctx);
    let t = HttpTransport::builder()
        .base_url(&url)
        .request_timeout(Duration::from_secs(10))
        .max_body_bytes(256 * 1024 * 1024)
        .build()
        .map_err(|e| CliError::Usage(format!("bad bridge URL `{url}`: {e}")))?;
    let path = match &a.task {
        Some(id)
            if id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            format!("/api/v1/latest?task_id={id}")
        }
        Some(id) => return Err(CliError::Usage(format!("`{id}` is not a task id"))),
        None => "/api/v1/latest".to_owned(),
    };
    let interval = a.interval.max(Duration::from_millis(100));
    let tty = std::io::stdout().is_terminal();
    let mut hist = History::default();
    loop {
        let latest = fetch(&t, &path).await?;
        let rows = latest.as_ref().map(rows).unwrap_or_default();
        hist.record(&rows);
        if a.once {
            if latest.is_none() {
                return Err(CliError::Failed(format!(
                    "the bridge has no data for task {} yet",
                    a.task.as_deref().unwrap_or("?")
                )));
            }
            if ctx.out.json {
                return ctx.out.emit(&rows);
            }
            return crate::output::println_stdout(table(&rows, &hist, &url).trim_end());
        }
        let text = table(&rows, &hist, &url);
        let frame = if tty {
            format!("\x1b[2J\x1b[H{text}")
        } else {
            text
        };
        crate::output::println_stdout(&frame)?;
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn latest(cpu: f64, clock: i64) -> Value {
        serde_json::json!({"hosts": [
            {"host": "T1", "scope": "vm", "items": {
                "dom.state": {"value": "running", "clock": clock},
                "dom.cpuUsage": {"value": cpu, "clock": clock},
                "memory.usage": {"value": 41.13, "clock": clock},
                "disk.0.rd_speed": {"value": 1048576.0}, "disk.1.rd_speed": {"value": 1048576.0},
                "net.0.tx_speed": {"value": 5000.0},
                "gpu.0.gpuUtilization": {"value": 90}, "gpu.1.gpuUtilization": {"value": 50},
            }},
            {"host": "ab", "scope": "node", "items": {}}
        ]})
    }

    #[test]
    fn rows_history_and_table() {
        let mut hist = History::default();
        for (cpu, clock) in [(0.0, 1), (0.0, 1), (50.0, 2), (100.0, 3)] {
            hist.record(&rows(&latest(cpu, clock)));
        }
        let r = rows(&latest(100.0, 3));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].disk_read_bps, 2.0 * 1048576.0);
        assert_eq!(r[0].gpu_percent, Some(70.0));
        let t = table(&r, &hist, "http://x");
        assert!(
            t.contains("T1") && t.contains("running") && t.contains("41.1"),
            "{t}"
        );
        assert!(t.contains("2.0MiB/s/0.0B/s") && t.contains("70×2"), "{t}");
        // one point per new sample clock: 0, 50, 100
        assert!(t.contains("▁▅█"), "{t}");
        hist.record(&[]);
        assert!(hist.cpu.is_empty());
    }
}
