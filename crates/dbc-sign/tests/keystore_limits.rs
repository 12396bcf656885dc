//! Keystore hardening: scrypt caps (memory <= 256 MiB, N <= 2^18) and the protection report
//! that lets callers warn about unencrypted legacy exports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_sign::*;
use serde_json::json;

mod common;
use common::*;

fn with_params(n: u32, p: u32, r: u32) -> String {
    let (kp, secret, _) = bob();
    let plain = pkcs8(&secret, &kp.public_key());
    let mut data = encrypt_scrypt(&plain, "pw", 1 << 10, 1, 8);
    data[32..36].copy_from_slice(&n.to_le_bytes());
    data[36..40].copy_from_slice(&p.to_le_bytes());
    data[40..44].copy_from_slice(&r.to_le_bytes());
    export(
        b64(&data),
        json!(["scrypt", "xsalsa20-poly1305"]),
        json!(["pkcs8", "sr25519"]),
        "",
    )
}

#[test]
fn memory_over_256_mib_or_n_over_2_18_is_refused_before_hashing() {
    assert_eq!(MAX_SCRYPT_N, 1 << 18);
    assert_eq!(MAX_SCRYPT_MEMORY, 256 << 20);
    for (n, p, r) in [
        (1u32 << 19, 1u32, 1u32), // N too large, little memory
        (1 << 18, 1, 16),         // 512 MiB
        (1 << 20, 1, 8),          // 1 GiB: accepted before this cap
        (1 << 17, 1, 16 + 1),     // r out of range
    ] {
        let json = with_params(n, p, r);
        let t = std::time::Instant::now();
        let err = Keypair::from_keystore_json(&json, "pw").unwrap_err();
        assert_eq!(err, KeyError::KeystoreScryptParams { n, p, r });
        let text = err.to_string();
        assert!(
            text.contains("256 MiB") && text.contains("2^18") && text.contains("re-export"),
            "{text}"
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }
}

#[test]
fn strong_n_still_loads_and_reports_scrypt() {
    // N = 2^18 (the largest accepted), r = 2 (scrypt needs N < 2^(16 r)) keeps the test cheap;
    // memory-heavy presets up to the cap are covered by the unit test of the limits.
    let (json, kp) = modern("pw", 1 << 18, 1, 2);
    let opened = Keypair::open_keystore(&json, "pw").unwrap();
    assert_eq!(opened.keypair.address(), kp.address());
    assert_eq!(
        opened.protection,
        KeystoreProtection::Scrypt {
            n: 1 << 18,
            p: 1,
            r: 2
        }
    );
    assert_eq!(opened.protection.warning(), None);
}

#[test]
fn unencrypted_and_password_only_exports_come_with_a_warning() {
    let (kp, secret, _) = bob();
    let plain = pkcs8(&secret, &kp.public_key());
    let json = export(
        b64(&plain),
        json!(["none"]),
        json!(["pkcs8", "sr25519"]),
        &kp.address(),
    );
    let opened = Keypair::open_keystore(&json, "").unwrap();
    assert_eq!(opened.keypair.address(), kp.address());
    assert_eq!(opened.protection, KeystoreProtection::Unencrypted);
    let w = opened.protection.warning().unwrap();
    assert!(
        w.contains("NOT encrypted") && w.contains("re-export"),
        "{w}"
    );

    let mut key = [0u8; 32];
    key[..2].copy_from_slice(b"pw");
    let json = export(
        b64(&seal(&plain, &key)),
        json!(["xsalsa20-poly1305"]),
        json!(["pkcs8", "sr25519"]),
        "",
    );
    let opened = Keypair::open_keystore(&json, "pw").unwrap();
    assert_eq!(opened.protection, KeystoreProtection::PasswordOnly);
    assert!(opened.protection.warning().is_some());
    // Debug of the opened keystore never shows the secret key
    let text = format!("{opened:?}");
    assert!(!text.contains(&hex::encode(&secret[..16])), "{text}");
}
