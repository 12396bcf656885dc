//! External comparisons: the `dbc` CLI process against `curl` and against a polkadot-js
//! signer process, each against a `dbc-sim` child process.

use super::cargo::cargo;
use super::{skipped, tls};
use crate::workspace_root;
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether `cmd --version` runs and exits 0.
pub(super) fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Times `runs` executions of a command (each must exit 0); returns the mean wall time.
fn time_runs(runs: usize, mut make: impl FnMut(usize) -> Command) -> Result<Duration, String> {
    let start = Instant::now();
    for i in 0..runs {
        let out = make(i)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot start: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "run {i} exited with {}: {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(start.elapsed() / runs.max(1) as u32)
}

/// What one process-against-process figure compares.
pub(super) struct Comparison<'a> {
    /// The figure's name.
    pub name: &'a str,
    /// The unit of `value` (ms per what).
    pub unit: &'a str,
    /// What the baseline command is.
    pub baseline_name: &'a str,
    /// The start of the skip reason when a warm-up run fails.
    pub broken: &'a str,
    /// Timed runs of each side.
    pub runs: usize,
}

/// One untimed run of each side (page cache, first connection), then `runs` timed runs of
/// `ours` and of `theirs`: the figure with both mean wall times (ms) and their ratio.
pub(super) fn compare_processes(
    c: &Comparison<'_>,
    mut ours: impl FnMut(usize) -> Command,
    mut theirs: impl FnMut(usize) -> Command,
) -> Value {
    let warm = time_runs(1, &mut ours).and_then(|_| time_runs(1, &mut theirs));
    if let Err(e) = warm {
        return skipped(c.name, format!("{}: {e}", c.broken));
    }
    match (time_runs(c.runs, ours), time_runs(c.runs, theirs)) {
        (Ok(d), Ok(b)) => {
            let (d, b) = (d.as_secs_f64() * 1e3, b.as_secs_f64() * 1e3);
            json!({"name": c.name, "value": d, "unit": c.unit, "baseline_name": c.baseline_name,
                   "baseline_value": b, "ratio": d / b, "runs": c.runs})
        }
        (Err(e), _) | (_, Err(e)) => skipped(c.name, e),
    }
}

/// A `dbc-sim` child process (killed on drop).
pub(super) struct SimChild {
    child: Child,
    /// Its base URL.
    pub url: String,
    /// The first simulated node's id.
    pub node: String,
}

impl Drop for SimChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `dbc-sim --listen 127.0.0.1:0 --create-delay 200ms <extra>` and reads its ready line;
/// its URL must start with `scheme`.
pub(super) fn start_sim(bin: &Path, extra: &[&OsStr], scheme: &str) -> Result<SimChild, String> {
    let mut child = Command::new(bin)
        .args(["--listen", "127.0.0.1:0", "--create-delay", "200ms"])
        .args(extra)
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
    let sim = SimChild {
        child,
        url: v["url"].as_str().unwrap_or_default().to_owned(),
        node: v["nodes"][0]["node_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    };
    if !sim.url.starts_with(scheme) || sim.node.is_empty() {
        return Err(format!(
            "dbc-sim printed no usable {scheme} ready line: {line:?}"
        ));
    }
    Ok(sim)
}

/// Writes the `node info` body for `node` to `path` (for curl's `-d @file`).
fn write_node_info_body(path: &Path, node: &str) -> Result<(), String> {
    let text = json!({"peer_nodes_list": [node], "additional": {}}).to_string();
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A `dbc` command with `HOME` at `out_dir/home` (made by [`cli_figures`]) and the dev key
/// `//Alice`.
fn dbc_command(dbc: &Path, out_dir: &Path) -> Command {
    let mut c = Command::new(dbc);
    c.env("HOME", out_dir.join("home"))
        .env("DBC_SURI", "//Alice")
        .env_remove("DBC_CLIENT_URL");
    c
}

/// `dbc [--cacert CA] node info` (one process: fresh nonce, signature, request) vs
/// `curl [--cacert CA]` posting a pre-built body, both against the same `dbc-sim` process.
pub(super) fn node_info_vs_curl(
    cmp: &Comparison<'_>,
    dbc: &Path,
    sim: &SimChild,
    out_dir: &Path,
    cacert: Option<&Path>,
) -> Value {
    if !have("curl") {
        return skipped(cmp.name, "curl is not installed");
    }
    let body = out_dir.join(format!("{}.json", cmp.name));
    if let Err(e) = write_node_info_body(&body, &sim.node) {
        return skipped(cmp.name, e);
    }
    let url = format!("{}/api/v1/mining_nodes", sim.url);
    let body_arg = format!("@{}", body.display());
    let dbc_cmd = |_| {
        let mut c = dbc_command(dbc, out_dir);
        c.args(["--url", &sim.url]);
        if let Some(ca) = cacert {
            c.arg("--cacert").arg(ca);
        }
        c.args(["node", "info", &sim.node]);
        c
    };
    let curl_cmd = |_| {
        let mut c = Command::new("curl");
        c.arg("-sf");
        if let Some(ca) = cacert {
            c.arg("--cacert").arg(ca);
        }
        c.args(["-X", "POST", &url, "-d", &body_arg]);
        c
    };
    compare_processes(cmp, dbc_cmd, curl_cmd)
}

const NODE_SIGNER_JS: &str = r#"// One DBC-style signed request's signing step, as DBC's Java service does it: a fresh
// node process running polkadot-js keyring.sign over a fresh nonce (Base58Check of a UUID).
const { Keyring } = require('@polkadot/keyring');
const { cryptoWaitReady, base58Encode } = require('@polkadot/util-crypto');
const { u8aToHex, stringToU8a } = require('@polkadot/util');
const crypto = require('crypto');
(async () => {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519' }).addFromUri(process.argv[2]);
  const payload = Buffer.from(crypto.randomUUID());
  const sum = crypto.createHash('sha256').update(crypto.createHash('sha256').update(payload).digest()).digest();
  const nonce = base58Encode(Buffer.concat([payload, sum.subarray(0, 4)]));
  const sign = u8aToHex(pair.sign(stringToU8a(nonce))).slice(2);
  const body = { peer_nodes_list: [process.argv[3]], additional: {}, wallet: pair.address, nonce, sign };
  process.stdout.write(JSON.stringify(body));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

/// Installs the polkadot-js packages into `dir` when they are missing.
fn ensure_node_packages(dir: &Path) -> Result<(), String> {
    if !have("node") || !have("npm") {
        return Err("node or npm is not installed".into());
    }
    let marker = dir.join("node_modules/@polkadot/keyring/package.json");
    if marker.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    eprintln!(
        "xtask bench: npm install @polkadot/keyring @polkadot/util-crypto @polkadot/util into {}",
        dir.display()
    );
    let st = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .args([
            "@polkadot/keyring",
            "@polkadot/util-crypto",
            "@polkadot/util",
        ])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if st.success() && marker.exists() {
        Ok(())
    } else {
        Err(format!("npm install failed ({st})"))
    }
}

/// `dbc vm list` (signed with a wallet key) vs a `node` process signing a nonce with
/// polkadot-js followed by `curl` posting the signed body.
fn cli_vs_node_signer(dbc: &Path, sim: &SimChild, out_dir: &Path, runs: usize) -> Value {
    let name = "cli_vs_node_signer";
    if !have("curl") {
        return skipped(name, "curl is not installed");
    }
    let dir = out_dir.join("node");
    if let Err(e) = ensure_node_packages(&dir) {
        return skipped(name, e);
    }
    let script = dir.join("sign.js");
    if let Err(e) = std::fs::write(&script, NODE_SIGNER_JS) {
        return skipped(name, e.to_string());
    }
    let url = format!("{}/api/v1/tasks", sim.url);
    let dbc_cmd = |_| {
        let mut c = dbc_command(dbc, out_dir);
        c.args(["--url", &sim.url, "vm", "list", &sim.node]);
        c
    };
    // node signs → body on stdout → curl reads it from stdin.
    let js_cmd = |_| {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(r#"node "$1" //Alice "$2" | curl -sf -X POST "$3" -d @- | grep -q '"errcode":0'"#)
            .arg("sh")
            .arg(&script)
            .arg(&sim.node)
            .arg(&url);
        c
    };
    let cmp = Comparison {
        name,
        unit: "ms/signed request",
        baseline_name: "node + @polkadot/keyring sign, then curl",
        broken: "a signed request failed",
        runs,
    };
    let mut f = compare_processes(&cmp, dbc_cmd, js_cmd);
    if let (Some(d), Some(j)) = (f["value"].as_f64(), f["baseline_value"].as_f64()) {
        f["speedup"] = json!(j / d);
    }
    f
}

/// The three CLI figures (release binaries of `dbc` and `dbc-sim` are built first).
pub(super) fn cli_figures(target: &Path, out_dir: &Path, quick: bool) -> Vec<Value> {
    let names = [
        "cli_request_vs_curl",
        "cli_vs_node_signer",
        "cli_https_request_vs_curl",
    ];
    eprintln!("xtask bench: cargo build --release -p dbc-cli -p dbc-sim --bins");
    let st = Command::new(cargo())
        .args([
            "build",
            "--release",
            "-p",
            "dbc-cli",
            "-p",
            "dbc-sim",
            "--bins",
        ])
        .current_dir(workspace_root())
        .status();
    if !matches!(st, Ok(s) if s.success()) {
        return names
            .iter()
            .map(|n| skipped(n, "the dbc / dbc-sim release binaries did not build"))
            .collect();
    }
    let dbc = target.join("release/dbc");
    let sim_bin = target.join("release/dbc-sim");
    if !dbc.exists() {
        return names
            .iter()
            .map(|n| skipped(n, "no `dbc` binary yet"))
            .collect();
    }
    let sim = match start_sim(&sim_bin, &[], "http://") {
        Ok(s) => s,
        Err(e) => return names.iter().map(|n| skipped(n, e.clone())).collect(),
    };
    let _ = std::fs::create_dir_all(out_dir.join("home"));
    let runs = if quick { 20 } else { 100 };
    let node_runs = if quick { 10 } else { 50 };
    vec![
        node_info_vs_curl(
            &Comparison {
                name: "cli_request_vs_curl",
                unit: "ms/process",
                baseline_name: "curl with a pre-built body",
                broken: "`dbc node info` or curl does not work yet",
                runs,
            },
            &dbc,
            &sim,
            out_dir,
            None,
        ),
        cli_vs_node_signer(&dbc, &sim, out_dir, node_runs),
        tls::cli_https_vs_curl(&dbc, &sim_bin, out_dir, runs),
    ]
}
