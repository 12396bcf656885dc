//! End-to-end tests of the `dbc` binary: help and usage errors, config precedence, `sim serve`,
//! the demo, secrets in output and logs, Ctrl-C, the spinner, and creates whose outcome is
//! unknown. (Key tools: `keys.rs`; API commands: `commands.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[cfg(unix)]
use common::Pty;
use common::{create_args, create_vm, dbc, keystore_file, no_spinner, ok, run, Sim};
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

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

// ---------------------------------------------------------------- sim serve, demo, secrets

#[test]
fn sim_serve_prints_the_ready_line() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, line, ready) =
        dbc_testkit::process::spawn_ready(common::dbc_process(home.path()).args([
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
        .args(create_args(node.as_str(), None, 6100, 6100))
        .args(["--json", "--timeout", "1s"]));
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
    let (ks, file) = keystore_file(home.path());
    let password = ks["password"].as_str().unwrap();
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
