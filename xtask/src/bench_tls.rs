//! The HTTPS figures of `cargo xtask bench` (a child module of `bench`):
//!
//! * `transport_tls_vs_hyper`: `HttpTransport` over TLS vs bare hyper-util + hyper-rustls with
//!   the same settings, concurrency 64 (`crates/dbc-transport/benches/tls_throughput.rs`);
//! * `cli_https_request_vs_curl`: one `dbc node info` process over https to a TLS-serving
//!   `dbc-sim` (`--cacert`) vs `curl --cacert` posting a pre-built body.
//!
//! Certificates come from a CA made here with rcgen.

use super::{cargo_bench_runs, have, skipped, time_runs};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `transport_tls_vs_hyper` (the median of 3 runs; 1 with `--quick`).
pub(super) fn throughput_figures(quick: bool) -> Vec<Value> {
    let name = "transport_tls_vs_hyper";
    let env: Vec<(&str, String)> = if quick {
        vec![("DBC_BENCH_N", "5000".into())]
    } else {
        Vec::new()
    };
    let runs = if quick { 1 } else { 3 };
    match cargo_bench_runs("dbc-transport", "tls_throughput", &env, runs) {
        Ok(found) => match found.into_iter().find(|f| f["name"] == name) {
            Some(f) => vec![f],
            None => vec![skipped(
                name,
                "the tls_throughput bench printed no BENCH line",
            )],
        },
        Err(e) => vec![skipped(name, e)],
    }
}

/// CA, certificate and key files for `127.0.0.1` under `dir`.
fn write_pki(dir: &Path) -> Result<(PathBuf, PathBuf, PathBuf), String> {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let e = |e: rcgen::Error| format!("cannot make test certificates: {e}");
    let ca_key = KeyPair::generate().map_err(e)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).map_err(e)?;
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().map_err(e)?;
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .map_err(e)?
        .signed_by(&key, &issuer)
        .map_err(e)?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let files = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    for (p, text) in [
        (&files.0, ca_cert.pem()),
        (&files.1, leaf.pem()),
        (&files.2, key.serialize_pem()),
    ] {
        std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(files)
}

/// A TLS-serving `dbc-sim` child (killed on drop).
struct TlsSim {
    child: Child,
    url: String,
    node: String,
}

impl Drop for TlsSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_tls_sim(bin: &Path, cert: &Path, key: &Path) -> Result<TlsSim, String> {
    let mut child = Command::new(bin)
        .args(["--listen", "127.0.0.1:0", "--create-delay", "200ms"])
        .arg("--tls-cert")
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
    let url = v["url"].as_str().unwrap_or_default().to_owned();
    let node = v["nodes"][0]["node_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let sim = TlsSim { child, url, node };
    if !sim.url.starts_with("https://") || sim.node.is_empty() {
        return Err(format!(
            "dbc-sim --tls-cert printed no usable ready line: {line:?}"
        ));
    }
    Ok(sim)
}

/// `cli_https_request_vs_curl`.
pub(super) fn cli_https_vs_curl(dbc: &Path, sim_bin: &Path, out_dir: &Path, runs: usize) -> Value {
    let name = "cli_https_request_vs_curl";
    if !have("curl") {
        return skipped(name, "curl is not installed");
    }
    let (ca, cert, key) = match write_pki(&out_dir.join("tls")) {
        Ok(f) => f,
        Err(e) => return skipped(name, e),
    };
    let sim = match start_tls_sim(sim_bin, &cert, &key) {
        Ok(s) => s,
        Err(e) => return skipped(name, e),
    };
    let body = out_dir.join("node_info_tls.json");
    let text = json!({"peer_nodes_list": [sim.node], "additional": {}}).to_string();
    if let Err(e) = std::fs::write(&body, text) {
        return skipped(name, format!("cannot write {}: {e}", body.display()));
    }
    let home = out_dir.join("home");
    let _ = std::fs::create_dir_all(&home);
    let dbc_cmd = |_| {
        let mut c = Command::new(dbc);
        c.args(["--url", &sim.url, "--cacert"])
            .arg(&ca)
            .args(["node", "info", &sim.node])
            .env("HOME", &home)
            .env("DBC_SURI", "//Alice")
            .env_remove("DBC_CLIENT_URL");
        c
    };
    let url = format!("{}/api/v1/mining_nodes", sim.url);
    let body_arg = format!("@{}", body.display());
    let curl_cmd = |_| {
        let mut c = Command::new("curl");
        c.args(["-sf", "--cacert"])
            .arg(&ca)
            .args(["-X", "POST", &url, "-d", &body_arg]);
        c
    };
    let warm = time_runs(1, dbc_cmd).and_then(|_| time_runs(1, curl_cmd));
    if let Err(e) = warm {
        return skipped(
            name,
            format!("`dbc node info` or curl over https does not work: {e}"),
        );
    }
    match (time_runs(runs, dbc_cmd), time_runs(runs, curl_cmd)) {
        (Ok(d), Ok(c)) => {
            let (d, c) = (d.as_secs_f64() * 1e3, c.as_secs_f64() * 1e3);
            json!({"name": name, "value": d, "unit": "ms/process", "baseline_name": "curl --cacert with a pre-built body",
                   "baseline_value": c, "ratio": d / c, "runs": runs})
        }
        (Err(e), _) | (_, Err(e)) => skipped(name, e),
    }
}
