//! The HTTPS figures of `cargo xtask bench`:
//!
//! * `transport_tls_vs_hyper`: `HttpTransport` over TLS vs bare hyper-util + hyper-rustls with
//!   the same settings, concurrency 64 (`crates/dbc-transport/benches/tls_throughput.rs`);
//! * `cli_https_request_vs_curl`: one `dbc node info` process over https to a TLS-serving
//!   `dbc-sim` (`--cacert`) vs `curl --cacert` posting a pre-built body.
//!
//! Certificates come from a CA made here with rcgen.

use super::cargo::cargo_bench_runs;
use super::external::{have, node_info_vs_curl, start_sim, Comparison};
use super::skipped;
use serde_json::Value;
use std::path::{Path, PathBuf};

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
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    };
    let e = |e: rcgen::Error| format!("cannot make test certificates: {e}");
    let ca_key = KeyPair::generate().map_err(e)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    // distinct names: with rcgen's default name on both, OpenSSL (curl) takes the leaf for a
    // self-signed certificate and refuses it
    ca.distinguished_name = DistinguishedName::new();
    ca.distinguished_name
        .push(DnType::CommonName, "dbc xtask bench CA");
    let ca_cert = ca.self_signed(&ca_key).map_err(e)?;
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().map_err(e)?;
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).map_err(e)?;
    leaf.distinguished_name = DistinguishedName::new();
    leaf.distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let leaf = leaf.signed_by(&key, &issuer).map_err(e)?;
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
    let tls_args = [
        "--tls-cert".as_ref(),
        cert.as_os_str(),
        "--tls-key".as_ref(),
        key.as_os_str(),
    ];
    let sim = match start_sim(sim_bin, &tls_args, "https://") {
        Ok(s) => s,
        Err(e) => return skipped(name, e),
    };
    let cmp = Comparison {
        name,
        unit: "ms/process",
        baseline_name: "curl --cacert with a pre-built body",
        broken: "`dbc node info` or curl over https does not work",
        runs,
    };
    node_info_vs_curl(&cmp, dbc, &sim, out_dir, Some(&ca))
}
