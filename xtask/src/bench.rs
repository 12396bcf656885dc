//! `cargo xtask bench [--quick]`: every benchmark of the workspace in one go.
//!
//! Runs the bench programs (each prints `BENCH {json}` lines), reads criterion's estimates for
//! the signing bench, measures the CLI against `curl` and against a polkadot-js signer process,
//! then writes `target/bench/summary.json` and regenerates the table in `docs/benchmarks.md`.
//!
//! This file holds the figures' targets (the floors), the list of bench programs and the table;
//! the parts live in `bench/`: [`cargo`] (running bench programs), [`criterion`] (the signing
//! figure), [`external`] (the CLI against `curl` and a node signer), [`tls`] (the HTTPS
//! figures). Writing the generated block is shared with `soak` (`crate::report`).

mod cargo;
mod criterion;
mod external;
mod tls;

pub(crate) use cargo::{bench_lines, cargo_bench, cargo_bench_runs, target_dir};

use crate::report::{self, num};
use crate::workspace_root;
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

/// The target of one figure: which field is compared, how, and with what.
struct Target {
    name: &'static str,
    field: &'static str,
    at_most: bool,
    limit: f64,
    text: &'static str,
}

const TARGETS: &[Target] = &[
    Target {
        name: "sign_vs_schnorrkel",
        field: "ratio",
        at_most: true,
        limit: 1.10,
        text: "ratio ≤ 1.10",
    },
    Target {
        name: "transport_vs_hyper",
        field: "ratio",
        at_most: false,
        limit: 0.93,
        text: "ratio ≥ 0.93",
    },
    Target {
        name: "client_session_vs_hyper",
        field: "ratio",
        at_most: false,
        limit: 0.88,
        text: "ratio ≥ 0.88",
    },
    Target {
        name: "client_wallet_vs_presigned",
        field: "explained_within_pct",
        at_most: true,
        limit: 10.0,
        text: "gap explained by client layer + signing within 10 %",
    },
    Target {
        name: "sim_rps_session",
        field: "value",
        at_most: false,
        limit: 10_000.0,
        text: "≥ 10,000 req/s",
    },
    Target {
        name: "cli_request_vs_curl",
        field: "ratio",
        at_most: true,
        limit: 0.6,
        text: "ratio ≤ 0.6",
    },
    Target {
        name: "transport_tls_vs_hyper",
        field: "ratio",
        at_most: false,
        limit: 0.90,
        text: "ratio ≥ 0.90",
    },
    Target {
        name: "cli_https_request_vs_curl",
        field: "ratio",
        at_most: true,
        limit: 1.0,
        text: "ratio ≤ 1.0",
    },
    Target {
        name: "client_rss_1k_inflight",
        field: "value",
        at_most: true,
        limit: 64.0,
        text: "≤ 64 MiB",
    },
];

/// Figures without a pass/fail target, and what they are for.
const INFO_ONLY: &[(&str, &str)] = &[
    ("sim_rps_wallet", "report (includes sr25519 verification)"),
    ("cli_vs_node_signer", "report the speed-up"),
];

/// The order of the table.
const ORDER: &[&str] = &[
    "sign_vs_schnorrkel",
    "transport_vs_hyper",
    "transport_tls_vs_hyper",
    "client_session_vs_hyper",
    "client_wallet_vs_presigned",
    "sim_rps_session",
    "sim_rps_wallet",
    "cli_request_vs_curl",
    "cli_https_request_vs_curl",
    "cli_vs_node_signer",
    "client_rss_1k_inflight",
];

/// Adds `target` and `pass` to a figure.
fn judge(mut f: Value) -> Value {
    let name = f["name"].as_str().unwrap_or("").to_owned();
    if f.get("skipped").is_some() {
        f["pass"] = Value::Null;
    } else if let Some(t) = TARGETS.iter().find(|t| t.name == name) {
        f["target"] = json!(t.text);
        f["pass"] = match f[t.field].as_f64() {
            Some(v) if t.at_most => json!(v <= t.limit),
            Some(v) => json!(v >= t.limit),
            None => Value::Null,
        };
    } else if let Some((_, text)) = INFO_ONLY.iter().find(|(n, _)| *n == name) {
        f["target"] = json!(text);
        f["pass"] = Value::Null;
    }
    if f.get("target").is_none() {
        f["target"] = json!("—");
    }
    f
}

pub(crate) fn skipped(name: &str, why: impl Into<String>) -> Value {
    let why = why.into();
    eprintln!("xtask bench: {name} skipped: {why}");
    json!({"name": name, "skipped": why})
}

/// A bench program: package, bench name, environment, figures it prints, and how many
/// separate runs to make (each figure is then the run with the median ratio).
type BenchProgram = (
    &'static str,
    &'static str,
    Vec<(&'static str, String)>,
    &'static [&'static str],
    usize,
);

/// `cargo xtask bench [--quick]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    for a in args {
        match a.as_str() {
            "--quick" => quick = true,
            other => return Err(format!("`bench` takes only --quick (got `{other}`)")),
        }
    }
    let started = Instant::now();
    let target = target_dir()?;
    let out_dir = workspace_root().join("target/bench");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let n = |quick_n: usize| -> Vec<(&'static str, String)> {
        if quick {
            vec![("DBC_BENCH_N", quick_n.to_string())]
        } else {
            Vec::new()
        }
    };

    let mut figures = vec![criterion::sign_figure(&target, quick)];
    let programs: [BenchProgram; 4] = [
        (
            "dbc-transport",
            "throughput",
            n(5_000),
            &["transport_vs_hyper"],
            // the acceptance figure is the median of 5 runs
            if quick { 1 } else { 5 },
        ),
        (
            "dbc-api",
            "client_vs_hyper",
            {
                let mut e = n(5_000);
                if quick {
                    e.push(("DBC_BENCH_ROUNDS", "1".into()));
                }
                e
            },
            &["client_session_vs_hyper", "client_wallet_vs_presigned"],
            // a shared 2-core machine is noisy: the median of 3 runs of 5 rounds each
            if quick { 1 } else { 3 },
        ),
        (
            "dbc-sim",
            "sim_rps",
            n(10_000),
            &["sim_rps_session", "sim_rps_wallet"],
            1,
        ),
        (
            "dbc-api",
            "rss_inflight",
            Vec::new(),
            &["client_rss_1k_inflight"],
            1,
        ),
    ];
    for (pkg, bench, env, expected, runs) in programs {
        match cargo_bench_runs(pkg, bench, &env, runs) {
            Ok(found) => {
                for name in expected {
                    match found.iter().find(|f| f["name"] == *name) {
                        Some(f) => figures.push(f.clone()),
                        None => figures.push(skipped(
                            name,
                            format!("{pkg} bench `{bench}` printed no BENCH line for it"),
                        )),
                    }
                }
            }
            Err(e) => figures.extend(expected.iter().map(|name| skipped(name, e.clone()))),
        }
    }
    figures.extend(tls::throughput_figures(quick));
    figures.extend(external::cli_figures(&target, &out_dir, quick));
    figures.extend(crate::bench_fleet::figures(quick));
    figures.extend(crate::bench_monitor::figures(quick));

    let mut figures: Vec<Value> = figures.into_iter().map(judge).collect();
    figures.sort_by_key(|f| {
        let name = f["name"].as_str().unwrap_or("");
        ORDER.iter().position(|n| *n == name).unwrap_or(ORDER.len())
    });
    let summary = out_dir.join("summary.json");
    let text = serde_json::to_string_pretty(&figures).map_err(|e| e.to_string())?;
    std::fs::write(&summary, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", summary.display()))?;
    let command = if quick {
        "cargo xtask bench --quick"
    } else {
        "cargo xtask bench"
    };
    let elapsed = started.elapsed();
    let generated = table(&figures, command, elapsed);
    write_doc(&generated)?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "\n{generated}");
    let _ = writeln!(
        stdout,
        "wrote {} and docs/benchmarks.md in {:.0} s",
        summary.display(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// The generated part of docs/benchmarks.md.
fn table(figures: &[Value], command: &str, elapsed: Duration) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Machine: {} × {} · date: {} · command: `{command}` · wall time: {:.0} s\n\n",
        report::nproc(),
        report::cpu_model(),
        report::utc_now(),
        elapsed.as_secs_f64()
    ));
    s.push_str("| figure | value | baseline | baseline value | ratio | target | result |\n");
    s.push_str("|---|---|---|---|---|---|---|\n");
    for f in figures {
        let name = f["name"].as_str().unwrap_or("?");
        if let Some(why) = f["skipped"].as_str() {
            s.push_str(&format!(
                "| `{name}` | — | — | — | — | {} | skipped: {} |\n",
                f["target"].as_str().unwrap_or("—"),
                why.replace('|', "/").replace('\n', " ")
            ));
            continue;
        }
        let unit = f["unit"].as_str().unwrap_or("");
        let result = match f["pass"].as_bool() {
            Some(true) => "pass",
            Some(false) => "**miss**",
            None => "reported",
        };
        let mut ratio = num(&f["ratio"]);
        if let Some(x) = f["speedup"].as_f64() {
            ratio = format!("{ratio} ({x:.1}× faster)");
        }
        if let Some(pct) = f["explained_within_pct"].as_f64() {
            ratio = format!("{ratio}; gap explained within {pct:.1} %");
        }
        if let Some(runs) = f["run_ratios"].as_array() {
            let each: Vec<String> = runs.iter().map(num).collect();
            ratio = format!(
                "{ratio} (median of {} runs: {})",
                runs.len(),
                each.join(", ")
            );
        }
        s.push_str(&format!(
            "| `{name}` | {} {unit} | {} | {} | {ratio} | {} | {result} |\n",
            num(&f["value"]),
            f["baseline_name"].as_str().unwrap_or("—"),
            num(&f["baseline_value"]),
            f["target"].as_str().unwrap_or("—"),
        ));
    }
    s
}

const BEGIN: &str = "<!-- BEGIN GENERATED: cargo xtask bench -->";
const END: &str = "<!-- END GENERATED -->";

/// Replaces the generated block of docs/benchmarks.md (creating the file if needed).
fn write_doc(generated: &str) -> Result<(), String> {
    report::write_block("docs/benchmarks.md", BEGIN, END, generated, |_, block| {
        format!("# Benchmarks\n\nRegenerate with `cargo xtask bench` (or `--quick`).\n\n{block}\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floors_of_issue_14() {
        let f =
            |name: &str, ratio: f64| judge(json!({"name": name, "ratio": ratio}))["pass"].clone();
        assert_eq!(f("transport_vs_hyper", 0.93), json!(true));
        assert_eq!(f("transport_vs_hyper", 0.929), json!(false));
        assert_eq!(f("client_session_vs_hyper", 0.88), json!(true));
        assert_eq!(f("client_session_vs_hyper", 0.879), json!(false));
        assert_eq!(f("sign_vs_schnorrkel", 1.2), json!(false));
        let s = judge(skipped("transport_vs_hyper", "why"));
        assert_eq!(s["pass"], Value::Null);
    }

    #[test]
    fn the_table_keeps_its_columns() {
        let figures = vec![
            judge(
                json!({"name": "transport_vs_hyper", "value": 57380.0, "unit": "req/s",
                         "baseline_name": "hyper_util_bare", "baseline_value": 60095.0,
                         "ratio": 0.96, "run_ratios": [0.93, 0.96, 0.97]}),
            ),
            judge(skipped("cli_request_vs_curl", "curl is not installed")),
        ];
        let t = table(&figures, "cargo xtask bench", Duration::from_secs(181));
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("Machine: "), "{t}");
        assert!(
            lines[0].ends_with("· command: `cargo xtask bench` · wall time: 181 s"),
            "{t}"
        );
        assert_eq!(
            lines[2],
            "| figure | value | baseline | baseline value | ratio | target | result |"
        );
        assert_eq!(lines[4], "| `transport_vs_hyper` | 57380 req/s | hyper_util_bare | 60095 | 0.960 (median of 3 runs: 0.930, 0.960, 0.970) | ratio ≥ 0.93 | pass |");
        assert_eq!(
            lines[5],
            "| `cli_request_vs_curl` | — | — | — | — | — | skipped: curl is not installed |"
        );
    }
}
