//! `cargo xtask soak [--quick]`: load and soak against the simulator (the program is
//! `crates/dbc-api/benches/soak.rs`); writes `target/bench/soak.json` and the soak block of
//! `docs/reliability.md`.

use crate::report;
use crate::workspace_root;
use serde_json::Value;
use std::time::Instant;

const BEGIN: &str = "<!-- BEGIN GENERATED: cargo xtask soak -->";
const END: &str = "<!-- END GENERATED: soak -->";

/// One soak run: a name for the table, the environment, and its report.
struct Run {
    title: &'static str,
    env: Vec<(&'static str, String)>,
    report: Option<Value>,
    passed: bool,
}

fn row(runs: &[Run], label: &str, cell: impl Fn(&Value) -> String) -> String {
    let cells = runs
        .iter()
        .map(|r| r.report.as_ref().map(&cell).unwrap_or_else(|| "—".into()));
    report::row(std::iter::once(label.to_owned()).chain(cells))
}

fn block(runs: &[Run], command: &str) -> String {
    let all = runs.iter().all(|r| r.passed);
    let mut s = format!(
        "Command: `{command}` · result: **{}**\n\n",
        if all { "pass" } else { "FAIL" }
    );
    s += &report::row(std::iter::once("measure").chain(runs.iter().map(|r| r.title)));
    s += &report::separator(runs.len() + 1);
    let g = |k: &'static str| move |v: &Value| v[k].to_string().trim_matches('"').to_owned();
    s += &report::row(
        std::iter::once("result").chain(runs.iter().map(|r| {
            if r.passed {
                "pass"
            } else {
                "**FAIL**"
            }
        })),
    );
    s += &row(runs, "concurrent clients", g("clients"));
    s += &row(runs, "credentials", g("credentials"));
    s += &row(runs, "calls completed", g("calls_ok"));
    s += &row(runs, "unexpected errors", g("errors"));
    s += &row(runs, "calls per second", g("calls_per_s"));
    s += &row(runs, "VMs created / deleted", |v| {
        format!("{} / {}", v["vms_created"], v["vms_deleted"])
    });
    s += &row(runs, "client fds before → after", |v| {
        format!("{} → {}", v["client_fds_before"], v["client_fds_after"])
    });
    s += &row(runs, "simulator fds before → after", |v| {
        format!("{} → {}", v["sim_fds_before"], v["sim_fds_after"])
    });
    s += &row(runs, "simulator RSS, first → last quarter", |v| {
        format!(
            "{} → {} MiB ({:+} %){}",
            v["sim_rss_first_quarter_mib"],
            v["sim_rss_last_quarter_mib"],
            v["sim_rss_change_pct"].as_f64().unwrap_or(f64::NAN),
            if v["rss_checked"] == Value::Bool(false) {
                ", reported only"
            } else {
                ", checked ≤ 10 %"
            }
        )
    });
    s += &row(runs, "nonces in the replay store at the end", |v| {
        v["sim_stats_after"]["nonces_remembered"].to_string()
    });
    s += &row(
        runs,
        "accounting after: tasks, ports, GPUs, GiB, vCPUs",
        |v| {
            let a = &v["sim_stats_after"];
            format!(
                "{}, {}, {}, {}, {}",
                a["tasks_alive"],
                a["ports_in_use"],
                a["gpus_in_use"],
                a["mem_in_use_gib"],
                a["cpus_in_use"]
            )
        },
    );
    s += &row(runs, "wall time", |v| format!("{} s", v["elapsed_s"]));
    s
}

fn write_doc(generated: &str) -> Result<(), String> {
    report::write_block(
        "docs/reliability.md",
        BEGIN,
        END,
        generated,
        |old, block| format!("{old}\n## Latest soak\n\n{block}\n"),
    )
}

/// `cargo xtask soak [--quick] [--requests N] [--vms N]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let (mut requests, mut vms, mut quick) = (100_000usize, 10_000usize, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{flag} needs a number"))
        };
        match a.as_str() {
            "--quick" => {
                quick = true;
                requests = 10_000;
                vms = 1_000;
            }
            "--requests" => requests = value("--requests")?,
            "--vms" => vms = value("--vms")?,
            other => {
                return Err(format!(
                    "`soak` takes --quick, --requests N, --vms N (got `{other}`)"
                ))
            }
        }
    }
    let started = Instant::now();
    let base = vec![
        ("DBC_SOAK_REQUESTS", requests.to_string()),
        ("DBC_SOAK_VMS", vms.to_string()),
    ];
    let mut runs = vec![
        Run {
            title: "mixed credentials",
            env: {
                let mut e = base.clone();
                e.push(("DBC_SOAK_RSS_CHECK", "0".into()));
                e
            },
            report: None,
            passed: false,
        },
        Run {
            title: "sessions only (RSS check)",
            env: {
                let mut e = base;
                e.push(("DBC_SOAK_CREDS", "session".into()));
                e
            },
            report: None,
            passed: false,
        },
    ];
    for run in &mut runs {
        eprintln!(
            "xtask soak: {} — {requests} requests, {vms} VMs (cargo bench -p dbc-api --bench soak)",
            run.title
        );
        let (status, mut found) =
            crate::bench::bench_lines("dbc-api", "soak", &run.env, &[], "SOAK ")?;
        run.report = found.pop();
        run.passed = status.success() && run.report.is_some();
    }
    let out_dir = workspace_root().join("target/bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let reports: Vec<Value> = runs
        .iter()
        .map(|r| r.report.clone().unwrap_or(Value::Null))
        .collect();
    let text = serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("soak.json"), text + "\n").map_err(|e| e.to_string())?;
    let mut command = String::from("cargo xtask soak");
    if quick {
        command.push_str(" --quick");
    }
    if !quick && (requests != 100_000 || vms != 10_000) {
        command.push_str(&format!(" --requests {requests} --vms {vms}"));
    }
    write_doc(&block(&runs, &command))?;
    eprintln!(
        "xtask soak: wrote target/bench/soak.json and docs/reliability.md in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if runs.iter().all(|r| r.passed) {
        Ok(())
    } else {
        Err("soak failed; see the reports above".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_soak_block_keeps_its_format() {
        let runs = [
            Run {
                title: "mixed credentials",
                env: Vec::new(),
                report: Some(json!({"clients": 64, "calls_ok": 100, "elapsed_s": 3})),
                passed: true,
            },
            Run {
                title: "sessions only (RSS check)",
                env: Vec::new(),
                report: None,
                passed: false,
            },
        ];
        let b = block(&runs, "cargo xtask soak --quick");
        let lines: Vec<&str> = b.lines().collect();
        assert_eq!(
            lines[0],
            "Command: `cargo xtask soak --quick` · result: **FAIL**"
        );
        assert_eq!(
            lines[2],
            "| measure | mixed credentials | sessions only (RSS check) |"
        );
        assert_eq!(lines[3], "|---|---|---|");
        assert_eq!(lines[4], "| result | pass | **FAIL** |");
        assert_eq!(lines[5], "| concurrent clients | 64 | — |");
        assert_eq!(lines[7], "| calls completed | 100 | — |");
        assert_eq!(lines.last(), Some(&"| wall time | 3 s | — |"));
    }
}
