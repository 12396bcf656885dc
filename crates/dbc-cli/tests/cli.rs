//! End-to-end tests of the `dbc` binary against the embedded simulator and the published
//! sr25519 vectors (copied into `tests/fixtures/sr25519.json`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[cfg(unix)]
use common::Pty;
use common::{dbc, ok, run, Sim};
use dbc_testkit::keys::ALICE;
use dbc_testkit::secret::write_secret;
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn fixtures() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sr25519.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Creates a VM with the seed's resources on `ssh`/`vnc` and waits until it runs.
fn create_vm(sim: &Sim, ssh: u16, vnc: u16) -> String {
    let o = ok(sim
        .dbc()
        .args([
            "vm",
            "create",
            &sim.node,
            "--image",
            "ubuntu.qcow2",
            "--cpus",
            "2",
            "--mem",
            "4",
            "--disk",
            "10",
            "--gpus",
            "0",
        ])
        .args([
            "--ssh-port",
            &ssh.to_string(),
            "--vnc-port",
            &vnc.to_string(),
            "--wait",
            "--json",
            "--poll-interval",
            "100ms",
        ]));
    let v = o.json();
    assert_eq!(v["status"], "running", "{v}");
    v["task_id"].as_str().unwrap().to_owned()
}

fn is_hex_run(s: &str, len: usize) -> bool {
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_hexdigit() {
            run += 1;
            if run >= len {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fn no_spinner(stderr: &str) {
    assert!(
        !stderr.contains('\r') && !stderr.contains("\x1b["),
        "spinner/control characters on a non-terminal stderr: {stderr:?}"
    );
}

// ---------------------------------------------------------------- help, usage, config

#[test]
fn help_has_examples_and_usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["vm", "create", "--help"],
        vec!["demo", "--help"],
        vec!["verify", "--help"],
        vec!["sim", "serve", "--help"],
    ] {
        let o = ok(dbc(home.path()).args(&args));
        assert!(o.stdout.contains("Examples:"), "{args:?}: {}", o.stdout);
    }
    let o = ok(dbc(home.path()).args(["vm", "create", "--help"]));
    for opt in [
        "--ssh-port",
        "--vnc-port",
        "--rdp-port",
        "--custom-port",
        "--multicast",
        "--filter",
        "--nic",
        "--rent-order",
        "--wait-timeout",
    ] {
        assert!(o.stdout.contains(opt), "missing {opt}");
    }
    assert_eq!(run(dbc(home.path()).args(["vm", "frobnicate"])).code, 2);
    assert_eq!(
        run(dbc(home.path()).args(["key", "generate", "--words", "13"])).code,
        2
    );
    // No node anywhere: a usage error that says how to give one.
    let o = run(dbc(home.path()).args(["vm", "list"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("DBC_NODE"), "{}", o.stderr);
    // A bad node id is caught before anything is sent.
    let o = run(dbc(home.path()).args(["node", "info", "xyz"]));
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn config_profile_precedence() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("dbc.toml");
    std::fs::write(
        &cfg,
        r#"default_profile = "prod"
[profiles.prod]
url = "http://10.0.0.1:5002"
node = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
output = "json"
timeout = "40s"
[profiles.dev]
url = "http://127.0.0.1:5050"
"#,
    )
    .unwrap();
    let show = |extra: &[(&str, &str)], args: &[&str]| {
        let mut c = dbc(home.path());
        c.env("DBC_CONFIG", &cfg);
        for (k, v) in extra {
            c.env(k, v);
        }
        c.args(args).args(["config", "show", "--json"]);
        ok(&mut c).json()
    };
    // profile (default_profile) over defaults
    let v = show(&[], &[]);
    assert_eq!(v["profile"], "prod");
    assert_eq!(v["url"], "http://10.0.0.1:5002");
    assert_eq!(v["url_source"], "profile");
    assert_eq!(v["timeout"], "40s");
    // env over profile; profile chosen by env
    let v = show(&[("DBC_PROFILE", "dev")], &[]);
    assert_eq!(v["url"], "http://127.0.0.1:5050");
    let v = show(&[("DBC_CLIENT_URL", "http://1.2.3.4:1")], &[]);
    assert_eq!(v["url"], "http://1.2.3.4:1");
    assert_eq!(v["node"], "a".repeat(64));
    let v = show(&[("DBC_NODE", &"b".repeat(64))], &[]);
    assert_eq!(v["node"], "b".repeat(64));
    // flags over env
    let v = show(
        &[
            ("DBC_CLIENT_URL", "http://1.2.3.4:1"),
            ("DBC_PROFILE", "nope"),
        ],
        &["--url", "http://5.6.7.8:9", "--profile", "dev"],
    );
    assert_eq!(v["url"], "http://5.6.7.8:9");
    assert_eq!(v["profile"], "dev");
    // output = "json" in the profile makes JSON the default
    let o = ok(dbc(home.path())
        .env("DBC_CONFIG", &cfg)
        .args(["config", "show"]));
    assert!(o.stdout.trim_start().starts_with('{'), "{}", o.stdout);
    // unknown profile, broken file, missing explicit file: exit 2
    let o =
        run(dbc(home.path())
            .env("DBC_CONFIG", &cfg)
            .args(["--profile", "nope", "config", "show"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("nope"), "{}", o.stderr);
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "[profiles.x]\nurll = 1\n").unwrap();
    assert_eq!(
        run(dbc(home.path())
            .env("DBC_CONFIG", &bad)
            .args(["config", "show"]))
        .code,
        2
    );
    assert_eq!(
        run(dbc(home.path())
            .env("DBC_CONFIG", home.path().join("missing.toml"))
            .args(["config", "show"]))
        .code,
        2
    );
    // the default location is <config dir>/dbc/config.toml
    std::fs::create_dir_all(home.path().join(".config/dbc")).unwrap();
    std::fs::write(
        home.path().join(".config/dbc/config.toml"),
        "[profiles.default]\nurl = \"http://9.9.9.9:1\"\n",
    )
    .unwrap();
    let v = ok(dbc(home.path()).args(["config", "show", "--json"])).json();
    assert_eq!(v["url"], "http://9.9.9.9:1");
    assert_eq!(v["profile"], "default");
}

// ---------------------------------------------------------------- key tools

#[test]
fn key_inspect_reproduces_the_vectors() {
    let home = tempfile::tempdir().unwrap();
    let fx = fixtures();
    for (i, k) in fx["keys"].as_array().unwrap().iter().enumerate() {
        let suri = k["suri"].as_str().unwrap();
        let f = home.path().join(format!("k{i}.suri"));
        write_secret(&f, format!("{suri}\n"));
        let o = ok(dbc(home.path())
            .args(["key", "inspect", "--json", "-vv", "--suri-file"])
            .arg(&f));
        let v = o.json();
        assert_eq!(v["address"], k["address"], "{suri}");
        if let Some(p) = k["public"].as_str() {
            assert_eq!(v["public_key"], p);
        }
        assert!(!o.all().contains(suri), "the SURI was printed");
        // the same through DBC_SURI
        let v = ok(dbc(home.path())
            .env("DBC_SURI", suri)
            .args(["key", "inspect", "--json"]))
        .json();
        assert_eq!(v["address"], k["address"]);
    }
    // a SURI on argv works but warns about shell history
    let o = ok(dbc(home.path()).args(["key", "inspect", "//Alice"]));
    assert!(o.stdout.contains(ALICE));
    assert!(o.stderr.contains("shell history"), "{}", o.stderr);
    let o = ok(dbc(home.path()).args(["--suri", "//Bob", "key", "inspect", "--json"]));
    assert_eq!(
        o.json()["address"],
        "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
    );
    assert!(o.stderr.contains("shell history"));
    // an address needs no secret and prints no warning
    let o = ok(dbc(home.path()).args(["key", "inspect", ALICE, "--json"]));
    assert_eq!(
        o.json()["public_key"],
        "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    );
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    // no key at all
    let o = run(dbc(home.path()).args(["key", "inspect"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--suri-file"), "{}", o.stderr);
    // an invalid SURI file does not echo its content
    let f = home.path().join("bad.suri");
    write_secret(&f, "not a valid secret uri at all");
    let o = run(dbc(home.path())
        .args(["key", "inspect", "--suri-file"])
        .arg(&f));
    assert_eq!(o.code, 2);
    assert!(!o.all().contains("not a valid secret uri"), "{}", o.stderr);
}

#[test]
fn key_inspect_keystore() {
    let home = tempfile::tempdir().unwrap();
    let fx = fixtures();
    let ks = &fx["polkadot_js_keystore"][0];
    let password = ks["password"].as_str().unwrap();
    let file = home.path().join("wallet.json");
    write_secret(&file, serde_json::to_string(&ks["json"]).unwrap());
    let pw = home.path().join("pw.txt");
    write_secret(&pw, format!("{password}\n"));

    let o = ok(dbc(home.path())
        .args(["key", "inspect", "--json", "-vv", "--keystore"])
        .arg(&file)
        .arg("--password-file")
        .arg(&pw));
    assert_eq!(o.json()["address"], ks["address"]);
    assert!(!o.all().contains(password));
    let o = ok(dbc(home.path())
        .env("DBC_PASSWORD", password)
        .env("DBC_KEYSTORE", &file)
        .args(["key", "inspect", "--json"]));
    assert_eq!(o.json()["address"], ks["address"]);
    // no password and stdin is not a terminal: a clear error, no prompt, no hang
    let o = run(dbc(home.path())
        .args(["key", "inspect", "--keystore"])
        .arg(&file)
        .write_stdin(""));
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("--password-file") && o.stderr.contains("DBC_PASSWORD"),
        "{}",
        o.stderr
    );
    // wrong password
    let o = run(dbc(home.path())
        .env("DBC_PASSWORD", "wrong horse")
        .args(["key", "inspect", "--keystore"])
        .arg(&file));
    assert_eq!(o.code, 2);
    assert!(!o.all().contains("wrong horse"));
}

#[test]
fn key_generate_fields_and_roundtrip() {
    let home = tempfile::tempdir().unwrap();
    let v = ok(dbc(home.path()).args(["key", "generate", "--json"])).json();
    let phrase = v["phrase"].as_str().unwrap();
    assert_eq!(phrase.split_whitespace().count(), 12);
    assert!(v["address"].as_str().unwrap().starts_with('5'));
    assert_eq!(v["public_key"].as_str().unwrap().len(), 64);
    assert!(v["seed"].as_str().unwrap().trim_start_matches("0x").len() == 64);
    let f = home.path().join("new.suri");
    write_secret(&f, phrase);
    let w = ok(dbc(home.path())
        .args(["key", "inspect", "--json", "--suri-file"])
        .arg(&f))
    .json();
    assert_eq!(w["address"], v["address"]);
    let v = ok(dbc(home.path()).args(["key", "generate", "--words", "24", "--json"])).json();
    assert_eq!(v["phrase"].as_str().unwrap().split_whitespace().count(), 24);
    // human output is a key/value block
    let o = ok(dbc(home.path()).args(["key", "generate"]));
    assert!(
        o.stdout.contains("phrase:") && o.stdout.contains("address:"),
        "{}",
        o.stdout
    );
}

#[test]
fn verify_matches_the_published_vectors() {
    let home = tempfile::tempdir().unwrap();
    let fx = fixtures();
    for s in fx["signatures"].as_array().unwrap() {
        let args = [
            "verify",
            "--address",
            s["wallet"].as_str().unwrap(),
            "--message",
            s["message"].as_str().unwrap(),
            "--signature",
            s["signature"].as_str().unwrap(),
        ];
        let o = run(dbc(home.path()).args(args));
        let valid = s["valid"].as_bool().unwrap();
        assert_eq!(
            o.code,
            if valid { 0 } else { 1 },
            "{}: {}",
            s["what"],
            o.stderr
        );
        assert_eq!(o.stdout.trim(), if valid { "valid" } else { "invalid" });
        if s["what"].as_str().unwrap().contains("<Bytes>") {
            assert!(o.stderr.contains("<Bytes>"), "missing hint: {}", o.stderr);
        }
        let o = run(dbc(home.path()).args(args).arg("--json"));
        let v = o.json();
        assert_eq!(v["valid"], valid);
        // 0x prefix and upper case accepted
        let sig = format!("0x{}", s["signature"].as_str().unwrap().to_uppercase());
        let o = run(dbc(home.path()).args([
            "verify",
            "--address",
            s["wallet"].as_str().unwrap(),
            "--message",
            s["message"].as_str().unwrap(),
            "--signature",
            &sig,
        ]));
        assert_eq!(o.code, if valid { 0 } else { 1 });
    }
    // malformed input: exit 2
    let o = run(dbc(home.path()).args([
        "verify",
        "--address",
        "5notanaddress",
        "--message",
        "m",
        "--signature",
        &"00".repeat(64),
    ]));
    assert_eq!(o.code, 2);
    let o = run(dbc(home.path()).args([
        "verify",
        "--address",
        ALICE,
        "--message",
        "m",
        "--signature",
        "abcd",
    ]));
    assert_eq!(o.code, 2);
}

#[test]
fn sign_output_verifies() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("a.suri");
    write_secret(&f, "//Alice");
    // like sign_tool: wallet, nonce, sign
    let o = ok(dbc(home.path())
        .args(["sign", "--json", "--suri-file"])
        .arg(&f));
    let v = o.json();
    assert_eq!(v["wallet"], ALICE);
    let nonce = v["nonce"].as_str().unwrap();
    let sign = v["sign"].as_str().unwrap();
    assert_eq!(sign.len(), 128);
    assert!(!sign.starts_with("0x"));
    assert!(dbc_sign::verify(ALICE, nonce.as_bytes(), sign));
    assert!(
        dbc_sign::decode_nonce(nonce).is_ok(),
        "nonce is Base58Check(uuid)"
    );
    assert!(v.get("session_id_sign").is_none());
    // a message and a session id
    let sid = "3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh";
    let v = ok(dbc(home.path()).env("DBC_SURI_FILE", &f).args([
        "sign",
        "--message",
        "hello dbc",
        "--session-id",
        sid,
        "--json",
    ]))
    .json();
    assert!(dbc_sign::verify(
        ALICE,
        b"hello dbc",
        v["sign"].as_str().unwrap()
    ));
    assert_eq!(v["session_id"], sid);
    assert!(dbc_sign::verify(
        ALICE,
        sid.as_bytes(),
        v["session_id_sign"].as_str().unwrap()
    ));
    // the output verifies with `dbc verify` too
    let o = run(dbc(home.path()).args([
        "verify",
        "--address",
        ALICE,
        "--message",
        "hello dbc",
        "--signature",
        v["sign"].as_str().unwrap(),
    ]));
    assert_eq!(o.code, 0);
    // human output
    let o = ok(dbc(home.path()).args(["sign", "--suri-file"]).arg(&f));
    assert!(o.stdout.starts_with("wallet:"), "{}", o.stdout);
    // no key
    assert_eq!(run(dbc(home.path()).args(["sign"])).code, 2);
}

#[test]
fn multisig_address_reproduces_the_vector() {
    let home = tempfile::tempdir().unwrap();
    let fx = fixtures();
    let m = &fx["multisig_accounts"][0];
    let mut args: Vec<String> = vec![
        "multisig".into(),
        "address".into(),
        "--threshold".into(),
        m["threshold"].to_string(),
        "--json".into(),
    ];
    for s in m["signatories"].as_array().unwrap() {
        args.push(s.as_str().unwrap().to_owned());
    }
    let v = ok(dbc(home.path()).args(&args)).json();
    assert_eq!(v["address"], m["address"]);
    // any member order gives the same account
    args[5..].reverse();
    let v = ok(dbc(home.path()).args(&args)).json();
    assert_eq!(v["address"], m["address"]);
    // human output and errors
    args.retain(|a| a != "--json");
    let o = ok(dbc(home.path()).args(&args));
    assert!(o.stdout.contains(m["address"].as_str().unwrap()));
    assert_eq!(
        run(dbc(home.path()).args(["multisig", "address", ALICE])).code,
        2
    );
    assert_eq!(
        run(dbc(home.path()).args(["multisig", "address", "--threshold", "2", "bogus"])).code,
        2
    );
}

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

// ---------------------------------------------------------------- sim serve, demo, secrets

#[test]
fn sim_serve_prints_the_ready_line() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, line, ready) = common::spawn_ready(common::dbc_process(home.path()).args([
        "sim",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--create-delay",
        "200ms",
    ]));
    let url = ready["url"].as_str().unwrap().to_owned();
    let o = run(dbc(home.path()).args(["--url", &url, "version", "--json"]));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.json()["client_version"].is_string());
    assert!(
        ready["nodes"]
            .as_array()
            .map(|n| !n.is_empty())
            .unwrap_or(false),
        "{line}"
    );
}

fn assert_no_secrets(all: &str) {
    assert!(!all.contains("//Alice"), "the renter SURI was printed");
    // //Alice derives from the public dev phrase: neither the phrase nor the derived seed may appear.
    assert!(
        !all.contains("bottom drive obey lake curtain smoke basket hold race lonely fit walk"),
        "the dev phrase was printed"
    );
    let seed = dbc_sign::Keypair::from_suri("//Alice")
        .unwrap()
        .seed_hex()
        .expect("hard-derived key has a seed");
    let seed = seed.expose_secret();
    assert!(
        !all.contains(seed.trim_start_matches("0x")),
        "the seed hex was printed"
    );
    assert!(
        !all.contains("correct horse battery staple"),
        "a keystore password was printed"
    );
    assert!(
        !is_hex_run(all, 128),
        "a 128-hex signature (session_id_sign / sign) was printed:\n{all}"
    );
}

#[test]
fn demo_completes_quickly_and_prints_no_secret() {
    let home = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let o = ok(dbc(home.path()).args(["demo", "-vv"]));
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "demo took {:?}",
        t0.elapsed()
    );
    for step in [
        "machine info",
        "session id",
        "create VM",
        "wait until running",
        "VM details",
        "VM list",
        "delete VM",
        "VM list again",
        "(no VMs)",
    ] {
        assert!(
            o.stdout.contains(step),
            "missing step {step}:\n{}",
            o.stdout
        );
    }
    assert!(o.stdout.contains("ssh -p 5684"), "login line missing");
    assert!(o.stdout.contains("<redacted>"));
    assert_no_secrets(&o.all());
    no_spinner(&o.stderr);
}

#[test]
fn demo_json_one_object_per_step() {
    let home = tempfile::tempdir().unwrap();
    let o = ok(dbc(home.path()).args(["demo", "--json", "-vvv"]));
    let lines: Vec<Value> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 9, "{}", o.stdout);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["step"], i as u64);
    }
    for l in &lines[1..] {
        assert!(
            l["name"].is_string()
                && l["endpoint"].is_string()
                && !l["request"].is_null()
                && !l["response"].is_null(),
            "{l}"
        );
    }
    assert_eq!(lines[8]["response"], Value::Array(vec![]));
    assert_eq!(lines[2]["response"]["session_id_sign"], "<redacted>");
    assert_no_secrets(&o.all());
    no_spinner(&o.stderr);
}

#[test]
fn session_secret_never_logged_with_verbose() {
    let sim = Sim::start();
    let n = sim.node.as_str();
    let v = ok(sim.dbc().args(["node", "session-id", n, "--json"])).json();
    let sid = v["session_id"].as_str().unwrap().to_owned();
    let sign = v["session_id_sign"].as_str().unwrap().to_owned();
    for verbosity in ["-v", "-vv", "-vvv"] {
        let o = ok(sim
            .dbc_session(&sid, &sign)
            .args(["vm", "list", n, verbosity]));
        assert!(
            !o.all().contains(&sign),
            "session_id_sign leaked with {verbosity}"
        );
        let o = ok(sim.dbc().args(["vm", "list", n, verbosity]));
        assert_no_secrets(&o.all());
    }
    // --session-id-sign on argv warns about shell history and is not echoed
    let o = ok(dbc(sim.home.path()).env("DBC_CLIENT_URL", &sim.url).args([
        "vm",
        "list",
        n,
        "--session-id",
        &sid,
        "--session-id-sign",
        &sign,
        "-vv",
    ]));
    assert!(o.stderr.contains("shell history"));
    assert!(!o.all().contains(&sign));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_waiting_and_says_the_vm_continues() {
    let sim = Sim::start();
    let task = create_vm(&sim, 6021, 5931);
    let suri = common::renter_suri(sim.home.path());
    let mut child = common::dbc_process(sim.home.path())
        .args([
            "vm",
            "wait",
            &sim.node,
            &task,
            "--status",
            "closed",
            "--timeout",
            "1m",
        ])
        .env("DBC_CLIENT_URL", &sim.url)
        .env("DBC_SURI_FILE", &suri)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let t0 = Instant::now();
    let out = loop {
        if let Some(_status) = child.try_wait().unwrap() {
            break child.wait_with_output().unwrap();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "dbc did not stop after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("keeps being created"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// On a terminal (a pseudo-terminal made by `script`) the spinner is drawn; with `--json` it is
/// not. Skipped when util-linux `script` is not installed.
#[cfg(unix)]
#[test]
fn spinner_only_on_a_terminal_and_not_with_json() {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(script) = script else {
        eprintln!("skipped: `script` not installed");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let bin = common::bin();
    let pty = |extra: &str| {
        let out = std::process::Command::new(script)
            .args([
                "-qec",
                &format!("{} demo --create-delay 1500ms {extra}", bin.display()),
                "/dev/null",
            ])
            .env_clear()
            .env("HOME", home.path())
            .env("TERM", "xterm")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let human = pty("");
    assert!(
        human.contains("\x1b[2K") && human.contains("waiting for `running`"),
        "no spinner on a terminal: {human:?}"
    );
    let json = pty("--json");
    assert!(
        !json.contains("\x1b["),
        "spinner drawn with --json: {json:?}"
    );
}

#[test]
fn create_with_unknown_outcome_is_reconciled() {
    let sim = Sim::start_with(
        dbc_sim::Simulator::builder()
            .seed(5)
            .create_delay(Duration::from_millis(200)),
    );
    let node = sim.handle().rented_node();
    sim.handle().set_faults(vec![dbc_sim::Fault {
        node: Some(node.clone()),
        route: Some("tasks.create".into()),
        kind: dbc_sim::FaultKind::Latency(Duration::from_secs(2)),
    }]);
    let o = run(sim
        .dbc()
        .args([
            "vm",
            "create",
            node.as_str(),
            "--image",
            "ubuntu.qcow2",
            "--cpus",
            "2",
            "--mem",
            "4",
            "--disk",
            "10",
        ])
        .args([
            "--ssh-port",
            "6100",
            "--vnc-port",
            "6100",
            "--json",
            "--timeout",
            "1s",
        ]));
    drop(sim);
    assert!(
        o.stderr.contains("checking whether the VM was created"),
        "{}",
        o.stderr
    );
    if o.code == 0 {
        // the node executed the create despite not answering: the CLI found the VM
        assert!(o.stderr.contains("found it"), "{}", o.stderr);
        assert!(o.json()["task_id"].is_string());
    } else {
        // no answer within --timeout: a transport error (exit 3) that says how to check
        assert_eq!(o.code, 3, "{}", o.stderr);
        assert!(o.stderr.contains("dbc vm list"), "{}", o.stderr);
        assert!(o.stdout.is_empty());
    }
}

/// On a terminal the keystore password is prompted for without echo (util-linux `script`).
#[cfg(unix)]
#[test]
fn keystore_password_prompt_on_a_terminal_does_not_echo() {
    let home = tempfile::tempdir().unwrap();
    let fx = fixtures();
    let ks = &fx["polkadot_js_keystore"][0];
    let password = ks["password"].as_str().unwrap();
    let file = home.path().join("wallet.json");
    write_secret(&file, serde_json::to_string(&ks["json"]).unwrap());
    let mut pty = Pty::spawn(
        home.path(),
        &format!(
            "{} key inspect --keystore {}",
            common::bin().display(),
            file.display()
        ),
        &[],
    );
    // type the password only once the prompt is shown: the CLI turns echo off (and discards
    // typeahead) before it prints the prompt, so nothing typed from here on is echoed or lost
    pty.wait_for("Password for");
    pty.type_bytes(format!("{password}\n").as_bytes());
    let status = pty.finish(Duration::from_secs(30));
    let text = pty.text();
    assert!(status.success(), "{text}");
    assert!(text.contains(ks["address"].as_str().unwrap()), "{text}");
    assert!(!text.contains(password), "the password was echoed: {text}");
}

/// `dbc vm create` whose reply is lost (the node created the VM, the client node answered
/// `create task timeout`): the CLI finds the VM through reconcile, says so, exits 0, and the
/// node holds exactly one VM.
#[test]
fn create_with_lost_reply_finds_the_vm_and_exits_0() {
    let sim = Sim::start_with(
        dbc_sim::Simulator::builder()
            .seed(9)
            .create_delay(Duration::from_millis(100))
            .node_timeout(Duration::from_millis(300))
            .fault_spec("tasks.create@0=reply-lost".parse().unwrap()),
    );
    let o = run(sim
        .dbc()
        .args(["vm", "create", &sim.node, "--image", "ubuntu.qcow2"])
        .args(["--cpus", "2", "--mem", "4", "--disk", "10", "--gpus", "0"])
        .args(["--ssh-port", "6200", "--vnc-port", "6200", "--json"]));
    assert_eq!(o.code, 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("checking whether the VM was created") && o.stderr.contains("found it"),
        "{}",
        o.stderr
    );
    let id = o.json()["task_id"].as_str().unwrap().to_owned();
    sim.handle().clear_faults();
    let list = ok(sim.dbc().args(["vm", "list", &sim.node, "--json"])).json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["task_id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [id.as_str()],
        "exactly the reconciled VM, no second one"
    );
}

/// `dbc sim serve --help` lists the simulator's fault, timing and clock flags with examples.
#[test]
fn sim_serve_help_lists_the_fault_flags_with_examples() {
    let home = tempfile::tempdir().unwrap();
    let o = ok(dbc(home.path()).args(["sim", "serve", "--help"]));
    for needle in [
        "--fault <ROUTE[@NODE]=KIND[:ARG]>",
        "--fault tasks.create=reply-lost",
        "reply-lost",
        "never-answer",
        "--create-delay",
        "--create-failure",
        "--retry-later-when-busy",
        "--time-scale",
    ] {
        assert!(o.stdout.contains(needle), "lacks {needle:?}:\n{}", o.stdout);
    }
}
