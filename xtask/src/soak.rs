//! `cargo xtask soak [--quick]`: load and soak against the simulator (the program is
//! `crates/dbc-api/benches/soak.rs`); writes `target/bench/soak.json` and the soak block of
//! `docs/reliability.md`.

use crate::workspace_root;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

const BEGIN: &str = "<!-- BEGIN GENERATED: cargo xtask soak -->";
const END: &str = "<!-- END GENERATED: soak -->";

fn block(r: &Value, command: &str, passed: bool) -> String {
    let g = |k: &str| r[k].to_string();
    format!(
        "Command: `{command}` · result: **{}**\n\n\
| measure | value |\n|---|---|\n\
| concurrent clients | {} (credentials rotate: session, wallet, 2-of-3 multisig) |\n\
| calls completed / unexpected errors | {} / {} |\n\
| calls per second | {} |\n\
| VMs created / deleted (target) | {} / {} ({}) |\n\
| client fds before → after | {} → {} |\n\
| simulator fds before → after | {} → {} |\n\
| simulator RSS first quarter → last quarter | {} MiB → {} MiB ({} %) |\n\
| simulator accounting after (tasks, ports, GPUs, GiB, vCPUs) | {}, {}, {}, {}, {} |\n\
| wall time | {} s |\n",
        if passed { "pass" } else { "FAIL" },
        g("clients"),
        g("calls_ok"),
        g("errors"),
        g("calls_per_s"),
        g("vms_created"),
        g("vms_deleted"),
        g("vms_target"),
        g("client_fds_before"),
        g("client_fds_after"),
        g("sim_fds_before"),
        g("sim_fds_after"),
        g("sim_rss_first_quarter_mib"),
        g("sim_rss_last_quarter_mib"),
        g("sim_rss_change_pct"),
        r["sim_stats_after"]["tasks_alive"],
        r["sim_stats_after"]["ports_in_use"],
        r["sim_stats_after"]["gpus_in_use"],
        r["sim_stats_after"]["mem_in_use_gib"],
        r["sim_stats_after"]["cpus_in_use"],
        g("elapsed_s"),
    )
}

fn write_doc(generated: &str) -> Result<(), String> {
    let path = workspace_root().join("docs/reliability.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let b = format!("{BEGIN}\n{generated}{END}");
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(a), Some(e)) if e > a => format!("{}{b}{}", &old[..a], &old[e + END.len()..]),
        _ => format!("{old}\n## Latest soak\n\n{b}\n"),
    };
    std::fs::write(&path, new).map_err(|e| format!("cannot write {}: {e}", path.display()))
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
    eprintln!("xtask soak: {requests} requests, {vms} VMs (cargo bench -p dbc-api --bench soak)");
    let mut child = Command::new(crate::bench::cargo())
        .args(["bench", "-p", "dbc-api", "--bench", "soak"])
        .env("DBC_SOAK_REQUESTS", requests.to_string())
        .env("DBC_SOAK_VMS", vms.to_string())
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    let mut report = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("  {line}");
            if let Some(j) = line.strip_prefix("SOAK ") {
                report = serde_json::from_str::<Value>(j).ok();
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let report = report.ok_or_else(|| format!("the soak program printed no report ({status})"))?;
    let out_dir = workspace_root().join("target/bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("soak.json"), text + "\n").map_err(|e| e.to_string())?;
    let mut command = String::from("cargo xtask soak");
    if quick {
        command.push_str(" --quick");
    }
    if !quick && (requests != 100_000 || vms != 10_000) {
        command.push_str(&format!(" --requests {requests} --vms {vms}"));
    }
    write_doc(&block(&report, &command, status.success()))?;
    eprintln!(
        "xtask soak: wrote target/bench/soak.json and docs/reliability.md in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("soak failed ({status}); see the report above"))
    }
}
