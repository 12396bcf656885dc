//! The `fleet_list_1k_nodes` figure of `cargo xtask bench`: `tasks.list` on 1,000 simulated
//! rented nodes through `dbc-api`'s fan-out at concurrency 64 (what `dbc vm list --nodes …`
//! runs), against the single-node client at the same concurrency; wall time, throughput ratio
//! (floor 0.8) and peak RSS (≤ 64 MiB). The program is `crates/dbc-api/benches/fleet.rs`.

use serde_json::{json, Value};

/// The figure's name.
pub const NAME: &str = "fleet_list_1k_nodes";

/// Runs the bench program and returns the judged figure (or a skipped one).
pub fn figures(quick: bool) -> Vec<Value> {
    let env: Vec<(&'static str, String)> = if quick {
        vec![("DBC_FLEET_ROUNDS", "1".into())]
    } else {
        Vec::new()
    };
    match crate::bench::cargo_bench_runs("dbc-api", "fleet", &env, 1) {
        Ok(found) => match found.into_iter().find(|f| f["name"] == NAME) {
            Some(f) => vec![judge(f)],
            None => vec![
                json!({"name": NAME, "skipped": "the fleet bench printed no BENCH line", "pass": null}),
            ],
        },
        Err(e) => vec![json!({"name": NAME, "skipped": e, "pass": null})],
    }
}

/// Sets `pass`: ratio ≥ 0.8, peak RSS ≤ 64 MiB, no failed call.
pub fn judge(mut f: Value) -> Value {
    let ratio = f["ratio"].as_f64();
    let rss = f["peak_rss_mib"].as_f64();
    let failures = f["failures"].as_u64();
    f["pass"] = match (ratio, rss, failures) {
        (Some(r), Some(m), Some(0)) => json!(r >= 0.8 && m <= 64.0),
        (Some(_), Some(_), Some(_)) => json!(false),
        _ => Value::Null,
    };
    f["target"] = json!("throughput ratio ≥ 0.8, peak RSS ≤ 64 MiB");
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_needs_both_floors() {
        let ok = judge(json!({"ratio": 0.9, "peak_rss_mib": 30.0, "failures": 0}));
        assert_eq!(ok["pass"], json!(true));
        let slow = judge(json!({"ratio": 0.7, "peak_rss_mib": 30.0, "failures": 0}));
        assert_eq!(slow["pass"], json!(false));
        let fat = judge(json!({"ratio": 0.9, "peak_rss_mib": 65.0, "failures": 0}));
        assert_eq!(fat["pass"], json!(false));
        let failed = judge(json!({"ratio": 0.9, "peak_rss_mib": 30.0, "failures": 2}));
        assert_eq!(failed["pass"], json!(false));
    }
}
