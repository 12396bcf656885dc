//! Errors are printed by the smithy-rs RFC-0022 rule: one line with each level's message
//! once (the error, then its causes), then the hint once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::time::Duration;

/// Fails when any run of `len` characters appears twice in `text` (a repeated source text).
fn assert_no_repeated_text(text: &str, len: usize) {
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len().saturating_sub(len) {
        let window: String = chars[i..i + len].iter().collect();
        assert_eq!(
            text.matches(window.as_str()).count(),
            1,
            "`{window}` is repeated in: {text}"
        );
    }
}

#[test]
fn an_unreachable_node_prints_the_chain_and_the_hint_once() {
    let home = tempfile::tempdir().unwrap();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let out = Command::cargo_bin("dbc")
        .unwrap()
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .args(["--url", &format!("http://{closed}"), "version"])
        .timeout(Duration::from_secs(40))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.trim();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("error: version: "), "{line}");
    // The cause (the transport's message) is there, once.
    assert_eq!(line.matches("cannot connect to").count(), 1, "{line}");
    // The hint once, and its advice not also said by a level of the chain.
    assert_eq!(line.matches("hint").count(), 1, "{line}");
    assert_eq!(line.matches("running").count(), 1, "{line}");
    let (chain, hint) = line.split_once(" — hint: ").unwrap();
    assert!(hint.contains("URL"), "{hint}");
    assert_no_repeated_text(chain, 24);
}
