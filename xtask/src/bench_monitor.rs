//! The `dbc-monitor` figures of `cargo xtask bench`: `monitor_ingest`, `monitor_rss_1k_vms`,
//! `monitor_scrape_1k_vms` (program: `crates/dbc-monitor/benches/monitor.rs`, which judges its
//! own targets: ≥ 100,000 values/s and ≥ 0.5 × the read-and-discard baseline; ≤ 64 MiB;
//! ≤ 100 ms).

use crate::bench::{cargo_bench, skipped};
use serde_json::Value;

const NAMES: [&str; 3] = [
    "monitor_ingest",
    "monitor_rss_1k_vms",
    "monitor_scrape_1k_vms",
];

/// Runs the bench program and returns its three figures (or why each was skipped).
pub(crate) fn figures(quick: bool) -> Vec<Value> {
    let env: Vec<(&str, String)> = if quick {
        vec![
            ("DBC_BENCH_N", "5000".to_owned()),
            ("DBC_BENCH_ROUNDS", "1".to_owned()),
        ]
    } else {
        Vec::new()
    };
    match cargo_bench("dbc-monitor", "monitor", &env, &[]) {
        Ok(found) => NAMES
            .iter()
            .map(|name| {
                found
                    .iter()
                    .find(|f| f["name"] == *name)
                    .cloned()
                    .unwrap_or_else(|| {
                        skipped(name, "the dbc-monitor bench printed no BENCH line for it")
                    })
            })
            .collect(),
        Err(e) => NAMES.iter().map(|name| skipped(name, e.clone())).collect(),
    }
}
