//! Secret handling of the `dbc` binary: ssh-like permission checks on secret files, the 64 KiB
//! read cap, `key generate --out`, keystore warnings, `DBC_PASSWORD`, `sign --message`, config
//! errors without the line's text, and Ctrl-C at the no-echo prompt (PTY via util-linux
//! `script`, which CI installs).
#![cfg(unix)]

mod common;

use common::{dbc, run, Out, Pty};
use dbc_testkit::keys::ALICE;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

fn write_mode(path: &Path, contents: &str, mode: u32) {
    std::fs::write(path, contents).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn inspect(home: &Path, file: &Path) -> Out {
    run(dbc(home)
        .args(["key", "inspect", "--json", "--suri-file"])
        .arg(file))
}

#[test]
fn secret_files_are_checked_like_ssh_keys() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("renter.suri");
    for (mode, what) in [
        (0o644, "readable by every user"),
        (0o604, "readable by every user"),
        (0o620, "writable by other users"),
        (0o602, "writable by other users"),
    ] {
        write_mode(&f, "//Alice\n", mode);
        let o = inspect(home.path(), &f);
        assert_eq!(o.code, 2, "mode {mode:o}: {}", o.stderr);
        assert!(
            o.stderr.contains(what) && o.stderr.contains(&format!("chmod 600 {}", f.display())),
            "mode {mode:o}: {}",
            o.stderr
        );
        assert!(!o.stderr.contains("//Alice") && o.stdout.is_empty());
    }
    // group-readable: a warning, and the key is used
    write_mode(&f, "//Alice\n", 0o640);
    let o = inspect(home.path(), &f);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("readable by its group"), "{}", o.stderr);
    assert!(o.stdout.contains(ALICE));
    // private: no warning
    write_mode(&f, "//Alice\n", 0o600);
    let o = inspect(home.path(), &f);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    // the same checks apply to password files
    let ks = home.path().join("w.json");
    write_mode(&ks, "{}", 0o600);
    let pw = home.path().join("pw.txt");
    write_mode(&pw, "x\n", 0o644);
    let o = run(dbc(home.path())
        .args(["key", "inspect", "--keystore"])
        .arg(&ks)
        .arg("--password-file")
        .arg(&pw));
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("password file") && o.stderr.contains("chmod 600"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_file_owned_by_another_user_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("renter.suri");
    write_mode(&f, "//Alice\n", 0o600);
    // only root can give a file away; elsewhere the unit test of `exposure` covers the rule
    let euid = std::fs::metadata(home.path())
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap();
    if euid != 0 {
        return;
    }
    let chown = std::process::Command::new("chown")
        .arg("54321")
        .arg(&f)
        .status()
        .unwrap();
    assert!(chown.success());
    let o = inspect(home.path(), &f);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("owned by another user") && o.stderr.contains("chmod 600"),
        "{}",
        o.stderr
    );
}

#[test]
fn dev_zero_is_a_clear_error_not_a_hang() {
    let home = tempfile::tempdir().unwrap();
    for flag in ["--keystore", "--suri-file"] {
        let t = Instant::now();
        let o = run(dbc(home.path()).env("DBC_PASSWORD", "x").args([
            "key",
            "inspect",
            flag,
            "/dev/zero",
        ]));
        assert_eq!(o.code, 2, "{flag}: {}", o.stderr);
        assert!(o.stderr.contains("larger than 64 KiB"), "{}", o.stderr);
        assert!(t.elapsed() < Duration::from_secs(10));
    }
    // just over the cap in a regular file too
    let big = home.path().join("big.suri");
    write_mode(&big, &"a".repeat(64 * 1024 + 1), 0o600);
    let o = inspect(home.path(), &big);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("larger than 64 KiB"), "{}", o.stderr);
}

#[test]
fn key_generate_out_creates_a_private_file_and_never_overwrites() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("new.suri");
    let o = run(dbc(home.path())
        .args(["key", "generate", "--json", "--out"])
        .arg(&f));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v.get("phrase").is_none() && v.get("seed").is_none(), "{v}");
    let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let phrase = std::fs::read_to_string(&f).unwrap();
    assert_eq!(phrase.split_whitespace().count(), 12);
    assert!(!o.stdout.contains(phrase.trim()) && !o.stderr.contains(phrase.trim()));
    // the file works as --suri-file and holds the printed address
    let w = inspect(home.path(), &f);
    assert_eq!(w.code, 0, "{}", w.stderr);
    let w: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
    assert_eq!(w["address"], v["address"]);
    // a second run never overwrites
    let o = run(dbc(home.path()).args(["key", "generate", "--out"]).arg(&f));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("already exists"), "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), phrase);
    // help no longer suggests a shell redirect
    let help = run(dbc(home.path()).args(["key", "generate", "--help"]));
    assert!(!help.stdout.contains("> new-key.json"), "{}", help.stdout);
    assert!(help.stdout.contains("--out"), "{}", help.stdout);
}

/// A legacy unencrypted export of the key with seed 0x11…11 (pkcs8 with the 32-byte seed),
/// `encoded` as 0x-hex.
fn unencrypted_keystore() -> (String, String) {
    let kp = dbc_sign::Keypair::from_suri(&format!("0x{}", "11".repeat(32))).unwrap();
    let mut plain = vec![48u8, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32];
    plain.extend([0x11u8; 32]);
    plain.extend([161u8, 35, 3, 33, 0]);
    plain.extend(kp.public_key());
    let hex: String = plain.iter().map(|b| format!("{b:02x}")).collect();
    let json = serde_json::json!({
        "encoded": format!("0x{hex}"),
        "encoding": {"content": ["pkcs8", "sr25519"], "type": ["none"], "version": "3"},
        "address": kp.address(),
    });
    (json.to_string(), kp.address())
}

#[test]
fn unencrypted_keystore_loads_only_with_a_warning_and_empty_password_is_unset() {
    let home = tempfile::tempdir().unwrap();
    let (json, address) = unencrypted_keystore();
    let ks = home.path().join("legacy.json");
    write_mode(&ks, &json, 0o600);
    // an empty DBC_PASSWORD counts as unset: without a terminal that is an error naming the fix
    let o = run(dbc(home.path())
        .env("DBC_PASSWORD", "")
        .args(["key", "inspect", "--keystore"])
        .arg(&ks));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("needs a password") && o.stderr.contains("DBC_PASSWORD"),
        "{}",
        o.stderr
    );
    let o = run(dbc(home.path())
        .env("DBC_PASSWORD", "anything")
        .args(["key", "inspect", "--json", "--keystore"])
        .arg(&ks));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains(&address));
    assert!(o.stderr.contains("NOT encrypted"), "{}", o.stderr);
}

#[test]
fn sign_message_warns_that_it_is_a_one_time_login() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("a.suri");
    write_mode(&f, "//Alice", 0o600);
    let o = run(dbc(home.path())
        .args(["sign", "--json", "--message", "hello", "--suri-file"])
        .arg(&f));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("one-time login") && o.stderr.contains("EVERY DBC node"),
        "{}",
        o.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(dbc_sign::verify(
        ALICE,
        b"hello",
        v["sign"].as_str().unwrap()
    ));
    // a fresh nonce is the normal case: no warning
    let o = run(dbc(home.path()).args(["sign", "--suri-file"]).arg(&f));
    assert_eq!(o.code, 0);
    assert!(!o.stderr.contains("one-time login"), "{}", o.stderr);
}

#[test]
fn config_errors_give_the_position_but_never_the_line() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("dbc.toml");
    std::fs::write(
        &cfg,
        "[profiles.default]\nurl = \"http://127.0.0.1:1\"\nsuri_file = bottom drive obey lake\n",
    )
    .unwrap();
    let o = run(dbc(home.path())
        .env("DBC_CONFIG", &cfg)
        .args(["config", "show"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("line 3, column"), "{}", o.stderr);
    assert!(!o.stderr.contains("bottom"), "{}", o.stderr);
}

/// Ctrl-C at the no-echo password prompt: the terminal gets its settings back (echo on) and
/// `dbc` exits with 130. Runs in a pseudo-terminal made by util-linux `script`.
#[test]
fn ctrl_c_at_the_password_prompt_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let ks = home.path().join("w.json");
    write_mode(&ks, &unencrypted_keystore().0, 0o600);
    let mut pty = Pty::spawn(
        home.path(),
        &format!(
            "{} key inspect --keystore {}; echo \"rc=$?\"; stty -a",
            common::bin().display(),
            ks.display()
        ),
        &[("PATH", "/usr/bin:/bin")],
    );
    pty.wait_for("Password for");
    // a few typed characters, then Ctrl-C; `finish` fails the test if dbc does not stop
    pty.type_bytes(b"sec\x03");
    pty.finish(Duration::from_secs(30));
    let text = pty.text();
    assert!(text.contains("rc=130"), "{text}");
    assert!(text.contains("interrupted"), "{text}");
    // `stty -a` after dbc exited: echo, canonical mode and signals are back on
    let words: Vec<&str> = text.split_whitespace().collect();
    for flag in ["echo", "icanon", "isig"] {
        assert!(words.contains(&flag), "{flag} not restored: {text}");
        assert!(
            !words.contains(&format!("-{flag}").as_str()),
            "{flag} left off: {text}"
        );
    }
    assert!(
        !text.contains("sec\r") && !text.contains("secret"),
        "{text}"
    );
}

#[test]
fn session_id_help_says_the_signature_is_also_a_one_time_wallet_login() {
    let home = tempfile::tempdir().unwrap();
    let o = run(dbc(home.path()).args(["node", "session-id", "--help"]));
    assert_eq!(o.code, 0);
    assert!(
        o.stdout.contains("works ONCE as a")
            && o.stdout.contains("wallet signature")
            && o.stdout.contains("every DBC node"),
        "{}",
        o.stdout
    );
    let o = run(dbc(home.path()).args(["sign", "--help"]));
    assert!(o.stdout.contains("one-time login"), "{}", o.stdout);
}

/// A path parameter the node would route to another endpoint is a usage error (exit 2) before
/// anything is sent: the URL points at a closed port, so a sent request would exit 3.
#[test]
fn path_parameters_routed_elsewhere_are_refused_before_sending() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("a.suri");
    write_mode(&f, "//Alice", 0o600);
    let node = "a".repeat(64);
    for (args, field) in [
        (
            vec!["vm", "info", node.as_str(), "start"],
            "fixed word of the route `/api/v1/tasks/start`",
        ),
        (vec!["vm", "info", node.as_str(), ".."], "task_id"),
        (
            vec!["lan", "info", "create"],
            "fixed word of the route `/api/v1/lan/create`",
        ),
    ] {
        let o = run(dbc(home.path())
            .env("DBC_CLIENT_URL", "http://127.0.0.1:1")
            .env("DBC_SURI_FILE", &f)
            .args(&args));
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(field), "{args:?}: {}", o.stderr);
    }
}
