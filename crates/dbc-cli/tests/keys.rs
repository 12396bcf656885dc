//! The key tools of the `dbc` binary against the published sr25519 vectors (copied into
//! `tests/fixtures/sr25519.json`): `key inspect`, `key generate`, `verify`, `sign`,
//! `multisig address`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dbc_testkit::keys::ALICE;
use dbc_testkit::secret::write_secret;

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
    let (ks, file) = keystore_file(home.path());
    let password = ks["password"].as_str().unwrap();
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
