//! `dbc` over HTTPS and through proxies, end to end against the simulator, with a CA made at
//! test time: `--cacert` / `DBC_CACERT` / profile `cacert`; an unknown CA, a wrong host name
//! and an expired certificate each exit 3 naming the reason; one TLS handshake per process;
//! `--proxy` / `DBC_PROXY` / profile `proxy` (absolute form and CONNECT), refused and 407
//! proxies exit 3 without showing credentials; the plaintext-credential warning.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use assert_cmd::Command;
use common::{dbc_renter as dbc, run, Out, Sim};
use dbc_testkit::pki::{write, Ca, Leaf};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A simulator in this process (seed 5, VM creation 200 ms), optionally serving HTTPS.
fn start(tls: Option<&Leaf>) -> Sim {
    let mut b = dbc_sim::Simulator::builder()
        .seed(5)
        .create_delay(Duration::from_millis(200));
    if let Some(leaf) = tls {
        b = b.tls(dbc_sim::TlsIdentity::Pem {
            cert: leaf.cert_pem.clone(),
            key: leaf.key_pem.clone(),
        });
    }
    Sim::start_with(b)
}

/// `https://localhost:PORT` (the certificate names localhost).
fn localhost_url(sim: &Sim) -> String {
    sim.url.replace("127.0.0.1", "localhost")
}

fn ca_file(home: &Path, ca: &Ca) -> PathBuf {
    write(home, "ca.pem", &ca.cert_pem)
}

#[test]
fn https_with_cacert_flag_env_and_profile() {
    let ca = Ca::new("dbc cli test CA");
    let sim = start(Some(&ca.leaf(&["localhost", "127.0.0.1"])));
    assert!(sim.url.starts_with("https://"), "{}", sim.url);
    let home = sim.home.path();
    let ca_path = ca_file(home, &ca);
    // --cacert
    let o = run(dbc(home)
        .args(["--url", &sim.url, "--cacert"])
        .arg(&ca_path)
        .args(["node", "info", &sim.node, "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
    // DBC_CACERT
    let o =
        run(dbc(home)
            .env("DBC_CACERT", &ca_path)
            .args(["--url", &localhost_url(&sim), "version"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    // profile `cacert`
    let cfg = home.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.default]\nurl = \"{}\"\ncacert = \"{}\"\n",
            sim.url,
            ca_path.display()
        ),
    )
    .unwrap();
    let o = run(dbc(home).env("DBC_CONFIG", &cfg).args(["version"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(dbc(home)
        .env("DBC_CONFIG", &cfg)
        .args(["config", "show", "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("ca.pem"), "{}", o.stdout);
}

#[test]
fn one_tls_handshake_per_process() {
    let ca = Ca::new("dbc cli test CA");
    let sim = start(Some(&ca.leaf(&["127.0.0.1"])));
    let home = sim.home.path();
    let ca_path = ca_file(home, &ca);
    let o = run(dbc(home)
        .args(["--url", &sim.url, "--cacert"])
        .arg(&ca_path)
        .args(["vm", "create", &sim.node, "--image", "ubuntu.qcow2"])
        .args(["--cpus", "2", "--mem", "4", "--disk", "10", "--gpus", "0"])
        .args(["--ssh-port", "5690", "--vnc-port", "5910", "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let task: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let task = task["task_id"].as_str().unwrap().to_owned();
    // `vm wait` polls until the VM runs (200 ms): several requests, one process. (Polls are
    // spaced by the poll interval; hyper's pool takes a connection back on a task of its own,
    // so requests sent back to back may open a second connection on a loaded machine.)
    let before = sim.handle().stats();
    let o = run(dbc(home)
        .args(["--url", &sim.url, "--cacert"])
        .arg(&ca_path)
        .args([
            "vm",
            "wait",
            &sim.node,
            &task,
            "--poll-interval",
            "40ms",
            "--json",
        ]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = sim.handle().stats();
    let requests = after.requests - before.requests;
    assert!(requests >= 3, "polls: {requests}");
    assert_eq!(after.tls_handshakes - before.tls_handshakes, 1);
    assert_eq!(after.connections - before.connections, 1);
}

#[test]
fn certificate_failures_exit_3_naming_the_reason() {
    let ca = Ca::new("dbc cli test CA");
    let cases: [(&str, Leaf, bool, &str); 3] = [
        (
            "unknown CA",
            ca.leaf(&["127.0.0.1"]),
            false,
            "not signed by a trusted CA",
        ),
        (
            "wrong host",
            ca.leaf(&["node.example"]),
            true,
            "not valid for this host name",
        ),
        (
            "expired",
            ca.expired_leaf(&["127.0.0.1"]),
            true,
            "has expired",
        ),
    ];
    for (what, leaf, trust, needle) in cases {
        let sim = start(Some(&leaf));
        let home = sim.home.path();
        let mut cmd = dbc(home);
        cmd.args(["--url", &sim.url, "--timeout", "5s"]);
        if trust {
            cmd.arg("--cacert").arg(ca_file(home, &ca));
        }
        let o = run(cmd.args(["node", "info", &sim.node]));
        assert_eq!(o.code, 3, "{what}: {}", o.stderr);
        assert!(o.stderr.starts_with("error: "), "{what}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{what}: {}", o.stderr);
        assert!(o.stderr.contains("TLS handshake"), "{what}: {}", o.stderr);
        assert_eq!(sim.handle().stats().requests, 0, "{what}: nothing was sent");
    }
    // a CA file that is not PEM is a configuration error (exit 2)
    let sim = start(Some(&ca.leaf(&["127.0.0.1"])));
    let junk = write(sim.home.path(), "junk.pem", "not a certificate");
    let o = run(dbc(sim.home.path())
        .args(["--url", &sim.url, "--cacert"])
        .arg(&junk)
        .args(["version"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("junk.pem"), "{}", o.stderr);
}

#[test]
fn proxies_from_flag_env_and_profile() {
    let ca = Ca::new("dbc cli test CA");
    let https = start(Some(&ca.leaf(&["localhost"])));
    let http = start(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let auth = Some("Basic Ym9iOnMzY3JldA==");
    let (p_http, log_http) = rt.block_on(dbc_testkit::proxy::start(http.handle().addr(), auth));
    let (p_https, log_https) = rt.block_on(dbc_testkit::proxy::start(https.handle().addr(), auth));
    let home = http.home.path();
    let ca_path = ca_file(home, &ca);

    // --proxy with an http:// node: absolute form, credentials accepted by the proxy
    let o = run(dbc(home)
        .args([
            "--url",
            &http.url,
            "--proxy",
            &format!("http://bob:s3cret@{p_http}"),
        ])
        .args(["node", "info", &http.node]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = log_http.lock().unwrap().last().cloned().unwrap();
    assert!(
        line.starts_with(&format!("POST {}/api/v1/", http.url)),
        "{line}"
    );

    // DBC_PROXY with an https:// node: CONNECT
    let o = run(dbc(home)
        .env("DBC_PROXY", format!("http://bob:s3cret@{p_https}"))
        .env("DBC_CACERT", &ca_path)
        .args(["--url", &localhost_url(&https), "version"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = log_https.lock().unwrap().last().cloned().unwrap();
    let port = https.handle().addr().port();
    assert_eq!(line, format!("CONNECT localhost:{port} HTTP/1.1"));

    // profile `proxy`, and `--no-proxy` turning it off
    let cfg = home.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.default]\nurl = \"{}\"\nproxy = \"http://bob:s3cret@{p_http}\"\n",
            http.url
        ),
    )
    .unwrap();
    let n = log_http.lock().unwrap().len();
    let o = run(dbc(home).env("DBC_CONFIG", &cfg).args(["version"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(log_http.lock().unwrap().len(), n + 1);
    let o = run(dbc(home)
        .env("DBC_CONFIG", &cfg)
        .args(["--no-proxy", "version"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        log_http.lock().unwrap().len(),
        n + 1,
        "--no-proxy went through the proxy"
    );
    // `config show` never shows the proxy password
    let o = run(dbc(home)
        .env("DBC_CONFIG", &cfg)
        .args(["config", "show", "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("s3cret"), "{}", o.stdout);

    // 407 (both forms) and a refused proxy: exit 3, typed, no credentials shown
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    for (url, proxy, needle) in [
        (
            http.url.clone(),
            format!("http://bob:wrong@{p_http}"),
            "requires authentication",
        ),
        (
            localhost_url(&https),
            format!("http://bob:wrong@{p_https}"),
            "requires authentication",
        ),
        (
            http.url.clone(),
            format!("http://bob:wrong@{closed}"),
            "cannot connect to the proxy",
        ),
    ] {
        let o = run(dbc(home)
            .env("DBC_CACERT", &ca_path)
            .args(["--url", &url, "--proxy", &proxy, "--timeout", "5s"])
            .args(["node", "info", &http.node]));
        assert_eq!(o.code, 3, "{proxy}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{proxy}: {}", o.stderr);
        assert!(!o.stderr.contains("wrong"), "{}", o.stderr);
    }
    // an unusable proxy URL is a configuration error
    let o = run(dbc(home).args([
        "--url",
        &http.url,
        "--proxy",
        "socks5://u:p4ss@h:1",
        "version",
    ]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(!o.stderr.contains("p4ss"), "{}", o.stderr);
}

#[test]
fn credentials_over_plain_http_to_a_remote_host_warn_once() {
    let sim = start(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The proxy makes `http://node.example:5002` reach the simulator: a remote host.
    let (p, _) = rt.block_on(dbc_testkit::proxy::start(sim.handle().addr(), None));
    let home = sim.home.path();
    let remote = |c: &mut Command| {
        c.args([
            "--url",
            "http://node.example:5002",
            "--proxy",
            &format!("http://{p}"),
        ]);
    };
    let warnings = |o: &Out| o.stderr.matches("warning: sending a").count();
    // several signed requests in one process: one warning
    let mut c = dbc(home);
    remote(&mut c);
    let o = run(c
        .args(["vm", "create", &sim.node, "--image", "ubuntu.qcow2"])
        .args(["--cpus", "2", "--mem", "4", "--disk", "10", "--gpus", "0"])
        .args(["--ssh-port", "5691", "--vnc-port", "5911", "--wait"])
        .args(["--poll-interval", "50ms", "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(warnings(&o), 1, "{}", o.stderr);
    assert!(o.stderr.contains("https://"), "{}", o.stderr);
    assert!(o.stderr.contains("DBC_ALLOW_HTTP"), "{}", o.stderr);
    // no credential, no warning
    let mut c = dbc(home);
    remote(&mut c);
    let o = run(c.args(["version"]));
    assert_eq!((o.code, warnings(&o)), (0, 0), "{}", o.stderr);
    // loopback: no warning
    let o = run(dbc(home).args(["--url", &sim.url, "vm", "list", &sim.node]));
    assert_eq!((o.code, warnings(&o)), (0, 0), "{}", o.stderr);
    // DBC_ALLOW_HTTP=1 and profile allow_http = true silence it
    let mut c = dbc(home);
    remote(&mut c);
    let o = run(c.env("DBC_ALLOW_HTTP", "1").args(["vm", "list", &sim.node]));
    assert_eq!((o.code, warnings(&o)), (0, 0), "{}", o.stderr);
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, "[profiles.default]\nallow_http = true\n").unwrap();
    let mut c = dbc(home);
    remote(&mut c);
    let o = run(c.env("DBC_CONFIG", &cfg).args(["vm", "list", &sim.node]));
    assert_eq!((o.code, warnings(&o)), (0, 0), "{}", o.stderr);
    // ... and without them it warns
    let mut c = dbc(home);
    remote(&mut c);
    let o = run(c.args(["vm", "list", &sim.node]));
    assert_eq!((o.code, warnings(&o)), (0, 1), "{}", o.stderr);
}

#[test]
fn sim_serve_over_https() {
    let ca = Ca::new("dbc cli test CA");
    let leaf = ca.leaf(&["127.0.0.1"]);
    let home = tempfile::tempdir().unwrap();
    let cert = write(home.path(), "cert.pem", &leaf.cert_pem);
    let key = write(home.path(), "key.pem", &leaf.key_pem);
    let ca_path = ca_file(home.path(), &ca);
    let (mut child, line, ready) = dbc_testkit::process::spawn_ready(
        common::dbc_process(home.path())
            .args(["sim", "serve", "--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key),
    );
    let url = ready["url"].as_str().unwrap().to_owned();
    let o = run(dbc(home.path())
        .args(["--url", &url, "--cacert"])
        .arg(&ca_path)
        .args(["version", "--json"]));
    let _ = child.kill();
    let _ = child.wait();
    assert!(url.starts_with("https://127.0.0.1:"), "{line}");
    assert_eq!(o.code, 0, "{}", o.stderr);
}
