//! Criterion parsing: the `sign_vs_schnorrkel` figure from criterion's saved estimates.

use super::cargo::{cargo_bench, median_run};
use super::skipped;
use serde_json::{json, Value};
use std::path::Path;

/// Criterion's median estimate (ns) of `<group>/<bench>`, found by a directory name that
/// contains `needle` (criterion rewrites some characters of bench ids in paths).
fn criterion_median(target: &Path, group: &str, needle: &str) -> Option<f64> {
    let dir = target.join("criterion").join(group);
    let entry = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().contains(needle))?;
    let text = std::fs::read_to_string(entry.path().join("new/estimates.json")).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// `sign_vs_schnorrkel`: `dbc-sign` vs bare schnorrkel, the run with the median ratio of 3
/// criterion runs (1 with `--quick`).
pub(super) fn sign_figure(target: &Path, quick: bool) -> Value {
    let name = "sign_vs_schnorrkel";
    let (warm, measure, runs) = if quick { ("1", "3", 1) } else { ("3", "10", 3) };
    let extra = [
        "--warm-up-time",
        warm,
        "--measurement-time",
        measure,
        "sign/",
    ];
    // Criterion times the two sides one after the other, so a burst of load on this shared
    // machine can land on one side only: like the throughput figures, the full run takes the
    // run with the median ratio of several.
    let mut measured: Vec<(f64, f64)> = Vec::with_capacity(runs);
    for i in 0..runs {
        if runs > 1 {
            eprintln!("xtask bench: run {} of {runs}", i + 1);
        }
        if let Err(e) = cargo_bench("dbc-sign", "sign", &[], &extra) {
            return skipped(name, e);
        }
        match (
            criterion_median(target, "sign", "dbc-sign"),
            criterion_median(target, "sign", "schnorrkel"),
        ) {
            (Some(ours), Some(bare)) => measured.push((ours, bare)),
            _ => {
                return skipped(
                    name,
                    format!(
                        "criterion estimates not found under {}",
                        target.join("criterion/sign").display()
                    ),
                )
            }
        }
    }
    let runs: Vec<Value> = measured
        .into_iter()
        .map(|(ours, bare)| {
            json!({
                "name": name, "value": ours, "unit": "ns/signature",
                "baseline_name": "bare schnorrkel sign", "baseline_value": bare,
                "ratio": ours / bare,
            })
        })
        .collect();
    median_run(runs).unwrap_or_else(|| skipped(name, "no run measured"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_median_of_the_matching_directory() {
        let dir = std::env::temp_dir().join(format!("xtask-criterion-{}", std::process::id()));
        let est = dir.join("criterion/sign/sign_dbc-sign_ 55 bytes/new");
        std::fs::create_dir_all(&est).unwrap();
        std::fs::write(
            est.join("estimates.json"),
            r#"{"median":{"point_estimate":25538.5}}"#,
        )
        .unwrap();
        assert_eq!(criterion_median(&dir, "sign", "dbc-sign"), Some(25538.5));
        assert_eq!(criterion_median(&dir, "sign", "schnorrkel"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
