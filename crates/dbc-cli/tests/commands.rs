//! The API commands of the `dbc` binary end to end against the embedded simulator: the seed
//! flow, every VM command, every other command, the default node, transport errors and multisig
//! credentials.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dbc_testkit::keys::ALICE;
use dbc_testkit::secret::write_secret;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- API commands

#[test]
fn seed_flow_commands_with_json() {
    let sim = Sim::start();
    let n = sim.node.as_str();
    let v = ok(sim.dbc().args(["version", "--json"])).json();
    assert!(v["client_version"].is_string());
    let v = ok(sim.dbc().args(["node", "list", "--json"])).json();
    assert!(v["mining_nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["node_id"] == n));
    let v = ok(sim.dbc().args(["node", "info", n, "--json"])).json();
    assert!(
        v["version"].is_string() && v["cpu"]["cores"].is_string(),
        "{v}"
    );

    // session id: with the renter key also session_id_sign, which verifies
    let v = ok(sim.dbc().args(["node", "session-id", n, "--json"])).json();
    let sid = v["session_id"].as_str().unwrap().to_owned();
    let sid_sign = v["session_id_sign"].as_str().unwrap().to_owned();
    assert!(dbc_sign::verify(ALICE, sid.as_bytes(), &sid_sign));
    // without a key: usage error
    let o =
        run(dbc(sim.home.path())
            .env("DBC_CLIENT_URL", &sim.url)
            .args(["node", "session-id", n]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--suri-file"), "{}", o.stderr);

    // create + wait with the session credential only; no spinner on a non-terminal stderr
    let o = ok(sim
        .dbc_session(&sid, &sid_sign)
        .args([
            "vm",
            "create",
            n,
            "--image",
            "ubuntu.qcow2",
            "--cpus",
            "4",
            "--mem",
            "8",
            "--disk",
            "10",
        ])
        .args([
            "--gpus",
            "0",
            "--ssh-port",
            "5684",
            "--vnc-port",
            "5904",
            "--wait",
            "--poll-interval",
            "200ms",
            "-v",
        ]));
    no_spinner(&o.stderr);
    assert!(
        o.stdout.contains("login:") && o.stdout.contains("ssh -p 5684"),
        "{}",
        o.stdout
    );
    assert!(!o.all().contains(&sid_sign), "session_id_sign was printed");
    let v = ok(sim
        .dbc_session(&sid, &sid_sign)
        .args(["vm", "list", n, "--json"]))
    .json();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "running");
    let task = list[0]["task_id"].as_str().unwrap().to_owned();
    let v = ok(sim
        .dbc_session(&sid, &sid_sign)
        .args(["vm", "info", n, &task, "--json"]))
    .json();
    for f in [
        "task_id",
        "ssh_ip",
        "ssh_port",
        "user_name",
        "cpu_cores",
        "gpu_count",
        "vnc_port",
        "status",
    ] {
        assert!(!v[f].is_null(), "missing {f}: {v}");
    }
    // human list is a table
    let o = ok(sim.dbc_session(&sid, &sid_sign).args(["vm", "list", n]));
    assert!(
        o.stdout.starts_with("TASK_ID") && o.stdout.contains(&task),
        "{}",
        o.stdout
    );
    // an API error: exit 1 with one line and a hint
    let o = run(sim
        .dbc_session(&sid, &sid_sign)
        .args(["vm", "start", n, &task]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with("error: ") && o.stderr.contains("hint"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.trim().lines().count(), 1);
    assert!(o.stdout.is_empty());
    // delete
    let v = ok(sim
        .dbc_session(&sid, &sid_sign)
        .args(["vm", "delete", n, &task, "--json"]))
    .json();
    assert_eq!(v, "ok");
    // a bad session signature is refused by the node (exit 1)
    let o = run(sim
        .dbc_session(&sid, &"ab".repeat(64))
        .args(["vm", "list", n]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    // a malformed session signature is a usage error (exit 2), and is not echoed
    let o = run(sim.dbc_session(&sid, "zz-not-hex").args(["vm", "list", n]));
    assert_eq!(o.code, 2);
    assert!(!o.stderr.contains("zz-not-hex"));
}

#[test]
fn every_vm_command_runs() {
    let sim = Sim::start();
    let n = sim.node.as_str();
    let task = create_vm(&sim, 6001, 5911);
    let t = task.as_str();
    // (args, expected exit code): the simulator refuses some operations in the VM's state.
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["vm", "logs", n, t, "--head", "--lines", "5"], 0),
        (vec!["vm", "logs", n, t], 0),
        (vec!["vm", "restart", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["vm", "restart", n, t, "--force"], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["vm", "modify", n, t, "--ssh-port", "6002"], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["vm", "reset", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["node", "free-memory", n], 0),
        (vec!["disk", "list", n, t], 0),
        (vec!["snapshot", "list", n, t], 0),
        (vec!["vm", "shutdown", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--status",
                "closed",
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["vm", "start", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["vm", "poweroff", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--status",
                "closed",
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["disk", "add", n, t, "--size", "5"], 0),
        (
            vec!["disk", "resize", n, t, "--disk", "vdb", "--size", "5"],
            0,
        ),
        (vec!["disk", "delete", n, t, "--disk", "vdc"], 0),
        (vec!["vm", "start", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        (vec!["vm", "stop", n, t], 0),
        (
            vec![
                "vm",
                "wait",
                n,
                t,
                "--status",
                "closed",
                "--timeout",
                "10s",
                "--poll-interval",
                "100ms",
            ],
            0,
        ),
        // no --password-file and no terminal to prompt on: a usage error, nothing sent
        (vec!["vm", "passwd", n, t, "--user", "dbc"], 2),
        (vec!["snapshot", "info", n, t, "--name", "nosuch"], 1),
        (vec!["snapshot", "delete", n, t, "--name", "nosuch"], 1),
        (vec!["vm", "delete", n, t], 0),
    ];
    for (args, code) in cases {
        let o = run(sim.dbc().args(&args).arg("--json"));
        assert_eq!(
            o.code, code,
            "dbc {args:?}\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        if code == 0 {
            let _ = o.json();
        } else {
            assert!(
                o.stdout.is_empty(),
                "nothing on stdout on error: {}",
                o.stdout
            );
        }
        no_spinner(&o.stderr);
    }
}

#[test]
fn every_other_command_runs() {
    let sim = Sim::start();
    let n = sim.node.as_str();
    let task = create_vm(&sim, 6011, 5921);
    let t = task.as_str();
    let pw = sim.home.path().join("vm-pw.txt");
    write_secret(&pw, "N3w-passw0rd\n");
    let pw = pw.to_str().unwrap().to_owned();
    let ipmi = sim.home.path().join("ipmi.txt");
    write_secret(&ipmi, "ipmi-secret");
    let ipmi = ipmi.to_str().unwrap().to_owned();
    let cc = "c".repeat(64);
    let o = ok(sim.dbc().args(["image", "list", n]));
    assert!(
        o.stdout.starts_with("IMAGE_NAME") && o.stdout.contains(".qcow2"),
        "{}",
        o.stdout
    );
    // (args, acceptable exit codes). 1 = the node answered with an API error (e.g. the
    // simulator knows no image server of that name) — the command itself worked.
    let cases: Vec<(Vec<&str>, &[i32])> = vec![
        (
            vec![
                "vm",
                "passwd",
                n,
                t,
                "--user",
                "dbc",
                "--password-file",
                &pw,
            ],
            &[0],
        ),
        (vec!["image", "list", n], &[0]),
        (vec!["image", "servers"], &[0]),
        (vec!["image", "list", "--server", "imgsrv1"], &[0, 1]),
        (
            vec![
                "image",
                "download",
                n,
                "--server",
                "imgsrv1",
                "--file",
                "ubuntu.qcow2",
            ],
            &[0, 1],
        ),
        (
            vec!["image", "download-progress", n, "--file", "ubuntu.qcow2"],
            &[0],
        ),
        (
            vec!["image", "download-stop", n, "--file", "ubuntu.qcow2"],
            &[0],
        ),
        (
            vec![
                "image",
                "upload",
                n,
                "--server",
                "imgsrv1",
                "--file",
                "ubuntu.qcow2",
            ],
            &[0, 1],
        ),
        (
            vec!["image", "upload-progress", n, "--file", "ubuntu.qcow2"],
            &[0],
        ),
        (
            vec!["image", "upload-stop", n, "--file", "ubuntu.qcow2"],
            &[0],
        ),
        (vec!["image", "delete", n, "--file", "windows.qcow2"], &[0]),
        (
            vec![
                "snapshot", "create", n, t, "--name", "snap1", "--server", "imgsrv1",
            ],
            &[0, 1],
        ),
        (vec!["lan", "list"], &[0]),
        (
            vec![
                "lan",
                "create",
                n,
                "--name",
                "mylan01",
                "--cidr",
                "10.10.0.0/24",
            ],
            &[0],
        ),
        (vec!["lan", "list", n], &[0]),
        (vec!["lan", "info", "mylan01", "--node", n], &[0]),
        (vec!["lan", "delete", n, "mylan01"], &[0]),
        (vec!["monitor", "set", n, "--server", "10.0.0.9:9000"], &[0]),
        (vec!["monitor", "list", n], &[0]),
        (vec!["peers", "active"], &[0]),
        (vec!["peers", "global"], &[0]),
        (vec!["peers", "lan"], &[0]),
        (vec!["rent-orders", "list", n], &[0]),
        (vec!["rent-orders", "list", n, "--order", "12"], &[0]),
        (vec!["bare-metal", "list"], &[0]),
        (vec!["bare-metal", "list", "--id", "srv-1"], &[0, 1]),
        (
            vec![
                "bare-metal",
                "add",
                "--uuid",
                "srv-1",
                "--ip",
                "10.0.0.20",
                "--ipmi-host",
                "10.0.1.20",
                "--ipmi-user",
                "admin",
                "--ipmi-password-file",
                &ipmi,
            ],
            &[0, 1],
        ),
        (
            vec!["bare-metal", "modify", &cc, "--ip", "10.0.0.21"],
            &[0, 1],
        ),
        (vec!["bare-metal", "delete", &cc], &[0, 1]),
        (vec!["bare-metal", "power", n, "status"], &[0, 1]),
        (vec!["bare-metal", "bootdev", n, "pxe"], &[0, 1]),
        (vec!["deeplink", "get", n], &[0, 1]),
        (
            vec!["deeplink", "set", n, "--device-id", "123456789"],
            &[0, 1],
        ),
        (vec!["stat"], &[1]),
        (vec!["client-config"], &[1]),
    ];
    for (args, codes) in cases {
        let o = run(sim.dbc().args(&args).args(["--json", "-vv"]));
        assert!(
            codes.contains(&o.code),
            "dbc {args:?}: exit {}\nstdout: {}\nstderr: {}",
            o.code,
            o.stdout,
            o.stderr
        );
        if o.code == 0 {
            let _ = o.json();
        } else {
            assert!(o.stdout.is_empty());
            assert!(o.stderr.contains("error: "), "{}", o.stderr);
        }
        assert!(
            !o.all().contains("N3w-passw0rd") && !o.all().contains("ipmi-secret"),
            "a password was printed: {args:?}"
        );
        assert!(!o.all().contains("//Alice"));
    }
    // human output of a few
    let o = ok(sim.dbc().args(["node", "list"]));
    assert!(
        o.stdout.starts_with("NODE_ID") && o.stdout.contains(n),
        "{}",
        o.stdout
    );
}

#[test]
fn default_node_from_profile_and_env() {
    let sim = Sim::start();
    let cfg = sim.home.path().join("cfg.toml");
    let suri = sim.home.path().join("p.suri");
    write_secret(&suri, "//Alice");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.default]\nurl = \"{}\"\nnode = \"{}\"\nsuri_file = \"{}\"\n",
            sim.url,
            sim.node,
            suri.display()
        ),
    )
    .unwrap();
    let v = ok(dbc(sim.home.path())
        .env("DBC_CONFIG", &cfg)
        .args(["vm", "list", "--json"]))
    .json();
    assert!(v.as_array().unwrap().is_empty());
    let v = ok(dbc(sim.home.path())
        .env("DBC_CONFIG", &cfg)
        .args(["node", "info", "--json"]))
    .json();
    assert!(v["version"].is_string());
    // env DBC_NODE beats the profile (a wrong node → the node is unknown → API error)
    let o = run(dbc(sim.home.path())
        .env("DBC_CONFIG", &cfg)
        .env("DBC_NODE", "f".repeat(64))
        .args(["vm", "list"]));
    assert_eq!(o.code, 1, "{}", o.stderr);
}

#[test]
fn transport_errors_exit_3() {
    let home = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let t0 = Instant::now();
    let o = run(dbc(home.path()).args([
        "--url",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "2s",
        "version",
    ]));
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.starts_with("error: "));
    assert!(t0.elapsed() < Duration::from_secs(30));
    // an invalid URL is a usage/config error
    let o = run(dbc(home.path()).args(["--url", "ftp://nowhere", "version"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn multisig_credential_options() {
    let sim = Sim::start();
    let n = sim.node.as_str();
    let a = sim.home.path().join("a.suri");
    let b = sim.home.path().join("b.suri");
    write_secret(&a, "//Alice");
    write_secret(&b, "//Bob");
    let wallets = format!("{ALICE},5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty,5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y");
    // missing threshold / signer: usage errors
    let o = run(dbc(sim.home.path()).env("DBC_CLIENT_URL", &sim.url).args([
        "node",
        "session-id",
        n,
        "--multisig-wallets",
        &wallets,
    ]));
    assert_eq!(o.code, 2);
    // a complete bundle is sent; this node's renter is not the multisig account → API error (exit 1)
    let o = run(dbc(sim.home.path())
        .env("DBC_CLIENT_URL", &sim.url)
        .args([
            "node",
            "session-id",
            n,
            "--multisig-wallets",
            &wallets,
            "--threshold",
            "2",
        ])
        .arg("--multisig-signer-file")
        .arg(&a)
        .arg("--multisig-signer-file")
        .arg(&b));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!o.all().contains("//Bob"));
}
