//! Cargo helpers of `cargo xtask bench` (and `soak`): where cargo builds, and running a bench
//! program while collecting the JSON lines it prints.

use crate::workspace_root;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};

/// The cargo that runs xtask (`$CARGO`), else `cargo` from `PATH`.
pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Where cargo puts build output (honours `CARGO_TARGET_DIR`).
pub(crate) fn target_dir() -> Result<PathBuf, String> {
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    v["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata has no target_directory".to_owned())
}

/// Runs `cargo bench -p <pkg> --bench <bench> [-- extra]` with `env`, echoing its output
/// (indented), and returns its exit status with every line `<prefix>{json}` parsed.
pub(crate) fn bench_lines(
    pkg: &str,
    bench: &str,
    env: &[(&str, String)],
    extra: &[&str],
    prefix: &str,
) -> Result<(ExitStatus, Vec<Value>), String> {
    let mut cmd = Command::new(cargo());
    cmd.args(["bench", "-p", pkg, "--bench", bench])
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if !extra.is_empty() {
        cmd.arg("--").args(extra);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    let mut found = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("  {line}");
            if let Some(j) = line.strip_prefix(prefix) {
                match serde_json::from_str::<Value>(j) {
                    Ok(v) => found.push(v),
                    Err(e) => eprintln!("xtask: unparsable {prefix}line ({e}): {j}"),
                }
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((status, found))
}

/// Runs `cargo bench -p <pkg> --bench <bench>` with `env`, echoing its output, and returns the
/// parsed `BENCH {json}` lines (or the reason it failed).
pub(crate) fn cargo_bench(
    pkg: &str,
    bench: &str,
    env: &[(&str, String)],
    extra: &[&str],
) -> Result<Vec<Value>, String> {
    eprintln!("xtask bench: cargo bench -p {pkg} --bench {bench} {env:?}");
    let (status, found) = bench_lines(pkg, bench, env, extra, "BENCH ")?;
    if !status.success() {
        return Err(format!(
            "`cargo bench -p {pkg} --bench {bench}` failed ({status})"
        ));
    }
    Ok(found)
}

/// Runs a bench program `runs` times; per figure, keeps the run with the median ratio and
/// records every run's ratio in `run_ratios`.
pub(crate) fn cargo_bench_runs(
    pkg: &str,
    bench: &str,
    env: &[(&str, String)],
    runs: usize,
) -> Result<Vec<Value>, String> {
    if runs <= 1 {
        return cargo_bench(pkg, bench, env, &[]);
    }
    let mut all: Vec<Vec<Value>> = Vec::new();
    for i in 0..runs {
        eprintln!("xtask bench: run {} of {runs}", i + 1);
        all.push(cargo_bench(pkg, bench, env, &[])?);
    }
    let mut out = Vec::new();
    for f in &all[0] {
        let name = f["name"].clone();
        let same: Vec<Value> = all
            .iter()
            .filter_map(|run| run.iter().find(|g| g["name"] == name).cloned())
            .collect();
        out.extend(median_run(same));
    }
    Ok(out)
}

/// Of several runs' values of one figure, the one with the median ratio; with more than one
/// run it also lists every run's ratio (`run_ratios`, ascending) and their number (`runs`).
pub(crate) fn median_run(mut same: Vec<Value>) -> Option<Value> {
    same.sort_by(|a, b| {
        let (x, y) = (a["ratio"].as_f64(), b["ratio"].as_f64());
        x.unwrap_or(f64::NAN).total_cmp(&y.unwrap_or(f64::NAN))
    });
    let mut pick = same.get(same.len() / 2)?.clone();
    if same.len() > 1 {
        pick["run_ratios"] = json!(same.iter().map(|g| g["ratio"].clone()).collect::<Vec<_>>());
        pick["runs"] = json!(same.len());
    }
    Some(pick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_run_picks_the_middle_ratio_and_lists_all() {
        let runs: Vec<Value> = [0.97, 0.93, 0.95]
            .iter()
            .map(|r| json!({"name": "x", "value": r * 100.0, "ratio": r}))
            .collect();
        let pick = median_run(runs).unwrap();
        assert_eq!(pick["ratio"], json!(0.95));
        assert_eq!(pick["value"], json!(95.0));
        assert_eq!(pick["run_ratios"], json!([0.93, 0.95, 0.97]));
        assert_eq!(pick["runs"], json!(3));

        let one = median_run(vec![json!({"name": "x", "ratio": 1.0})]).unwrap();
        assert!(one.get("run_ratios").is_none());
        assert!(median_run(Vec::new()).is_none());
    }
}
