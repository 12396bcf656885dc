//! polkadot-js keystore decryption: layouts, parameters, failures, fuzzing.

use base64::Engine as _;
use dbc_sign::*;
use proptest::prelude::*;
use serde_json::{json, Value};

mod common;
use common::*;

#[test]
fn modern_layout_with_small_params() {
    let (json, kp) = modern(PASSWORD, 1 << 10, 1, 8);
    let got = Keypair::from_keystore_json(&json, PASSWORD).unwrap();
    assert_eq!(got.address(), kp.address());
    // Signatures by the decrypted key verify under the original key.
    let sig = Signer::sign(&got, b"nonce").unwrap();
    assert!(verify(&kp.public_hex(), b"nonce", sig.as_str()));
    assert_eq!(
        Keypair::from_keystore_json(&json, "nope").unwrap_err(),
        KeyError::WrongPassword
    );
}

#[test]
fn polkadot_js_presets_are_accepted() {
    // Cheap members of the accepted family (the costly presets are covered by unit tests of
    // the limits; the published vector covers the default N = 2^15, p = 1, r = 8).
    for (n, p, r) in [
        (1 << 13, 1, 8),
        (1 << 10, 4, 8),
        (1 << 10, 1, 16),
        (1 << 11, 3, 1),
    ] {
        let (json, kp) = modern("pw", n, p, r);
        assert_eq!(
            Keypair::from_keystore_json(&json, "pw").unwrap().address(),
            kp.address(),
            "N={n} p={p} r={r}"
        );
    }
}

#[test]
fn absurd_scrypt_params_are_refused_quickly() {
    let (kp, secret, _) = bob();
    let plain = pkcs8(&secret, &kp.public_key());
    let good = encrypt_scrypt(&plain, "pw", 1 << 10, 1, 8);
    for (n, p, r) in [
        (1u32 << 30, 1u32, 8u32),
        (1 << 21, 1, 8),
        (1 << 20, 1, 16),
        (1 << 20, 4, 8),
        (u32::MAX, u32::MAX, u32::MAX),
        (0, 1, 8),
        (1 << 15, 0, 8),
        (1 << 15, 1, 0),
        (12345, 1, 8),
    ] {
        let mut data = good.clone();
        data[32..36].copy_from_slice(&n.to_le_bytes());
        data[36..40].copy_from_slice(&p.to_le_bytes());
        data[40..44].copy_from_slice(&r.to_le_bytes());
        let json = export(
            b64(&data),
            json!(["scrypt", "xsalsa20-poly1305"]),
            json!(["pkcs8", "sr25519"]),
            "",
        );
        let t = std::time::Instant::now();
        let err = Keypair::from_keystore_json(&json, "pw").unwrap_err();
        assert_eq!(err, KeyError::KeystoreScryptParams { n, p, r });
        assert!(err.to_string().contains("refused"));
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }
}

#[test]
fn legacy_seed_layout() {
    let (kp, _, seed) = bob();
    let plain = pkcs8(&seed, &kp.public_key());
    let json = export(
        b64(&encrypt_scrypt(&plain, "pw", 1 << 10, 1, 8)),
        json!(["scrypt", "xsalsa20-poly1305"]),
        json!(["pkcs8", "sr25519"]),
        &kp.address(),
    );
    let got = Keypair::from_keystore_json(&json, "pw").unwrap();
    assert_eq!(got.address(), kp.address());
    assert_eq!(
        got.seed_hex().unwrap().expose_secret(),
        format!("0x{}", hex::encode(seed))
    );
}

#[test]
fn password_only_and_unencrypted_variants() {
    let (kp, secret, _) = bob();
    let plain = pkcs8(&secret, &kp.public_key());
    // Pre-scrypt exports: the password bytes, zero padded to 32, are the key.
    let mut key = [0u8; 32];
    key[..2].copy_from_slice(b"pw");
    let json = export(
        b64(&seal(&plain, &key)),
        json!("xsalsa20-poly1305"),
        json!(["pkcs8", "sr25519"]),
        "",
    );
    assert_eq!(
        Keypair::from_keystore_json(&json, "pw").unwrap().address(),
        kp.address()
    );
    assert_eq!(
        Keypair::from_keystore_json(&json, "px").unwrap_err(),
        KeyError::WrongPassword
    );
    // Long passwords are cut to 32 bytes.
    let long = "x".repeat(40);
    let json = export(
        b64(&seal(&plain, &[b'x'; 32])),
        json!(["xsalsa20-poly1305"]),
        json!(["pkcs8", "sr25519"]),
        "",
    );
    assert_eq!(
        Keypair::from_keystore_json(&json, &long).unwrap().address(),
        kp.address()
    );
    // Unencrypted.
    let json = export(
        b64(&plain),
        json!(["none"]),
        json!(["pkcs8", "sr25519"]),
        &kp.address(),
    );
    assert_eq!(
        Keypair::from_keystore_json(&json, "").unwrap().address(),
        kp.address()
    );
    // 0x-hex `encoded`.
    let json = export(
        format!("0x{}", hex::encode(&plain)),
        json!(["none"]),
        json!(["pkcs8", "sr25519"]),
        "",
    );
    assert_eq!(
        Keypair::from_keystore_json(&json, "").unwrap().address(),
        kp.address()
    );
}

#[test]
fn key_mismatches_are_detected() {
    let (kp, secret, _) = bob();
    let other = Keypair::from_suri("//Alice").unwrap();
    let plain = pkcs8(&secret, &other.public_key());
    let json = export(
        b64(&plain),
        json!(["none"]),
        json!(["pkcs8", "sr25519"]),
        "",
    );
    assert!(matches!(
        Keypair::from_keystore_json(&json, "").unwrap_err(),
        KeyError::KeystoreKeyMismatch(_)
    ));
    let plain = pkcs8(&secret, &kp.public_key());
    let json = export(
        b64(&plain),
        json!(["none"]),
        json!(["pkcs8", "sr25519"]),
        &other.address(),
    );
    assert!(matches!(
        Keypair::from_keystore_json(&json, "").unwrap_err(),
        KeyError::KeystoreKeyMismatch(_)
    ));
}

#[test]
fn unsupported_and_malformed_files() {
    let (kp, secret, _) = bob();
    let plain = pkcs8(&secret, &kp.public_key());
    type Check = fn(&KeyError) -> bool;
    let cases: Vec<(String, Check)> = vec![
        (
            export(
                b64(&plain),
                json!(["none"]),
                json!(["pkcs8", "ed25519"]),
                "",
            ),
            |e| matches!(e, KeyError::KeystoreUnsupported(_)),
        ),
        (
            export(
                b64(&plain),
                json!(["aes-gcm"]),
                json!(["pkcs8", "sr25519"]),
                "",
            ),
            |e| matches!(e, KeyError::KeystoreUnsupported(_)),
        ),
        (
            export(
                b64(&plain[..40]),
                json!(["none"]),
                json!(["pkcs8", "sr25519"]),
                "",
            ),
            |e| matches!(e, KeyError::KeystoreFormat(_)),
        ),
        (
            export(
                "!!!".into(),
                json!(["none"]),
                json!(["pkcs8", "sr25519"]),
                "",
            ),
            |e| matches!(e, KeyError::KeystoreFormat(_)),
        ),
        (
            export(
                b64(&[1, 2, 3]),
                json!(["scrypt", "xsalsa20-poly1305"]),
                json!(["pkcs8", "sr25519"]),
                "",
            ),
            |e| matches!(e, KeyError::KeystoreFormat(_)),
        ),
        ("{}".into(), |e| matches!(e, KeyError::KeystoreFormat(_))),
        ("[]".into(), |e| matches!(e, KeyError::KeystoreFormat(_))),
        ("not json".into(), |e| {
            matches!(e, KeyError::KeystoreFormat(_))
        }),
        (format!("{{\"encoded\":\"{}\"}}", "A".repeat(70_000)), |e| {
            matches!(e, KeyError::KeystoreFormat(_))
        }),
    ];
    for (json, ok) in cases {
        let err = Keypair::from_keystore_json(&json, "pw").unwrap_err();
        assert!(ok(&err), "{err:?} for {}", &json[..json.len().min(120)]);
    }
}

#[test]
fn tampered_ciphertext_fails_cleanly() {
    let (json, _) = modern("pw", 1 << 10, 1, 8);
    let mut v: Value = serde_json::from_str(&json).unwrap();
    let enc = v["encoded"].as_str().unwrap().to_string();
    let mut data = base64::engine::general_purpose::STANDARD
        .decode(&enc)
        .unwrap();
    for i in [44, 60, data.len() - 1] {
        let mut bad = data.clone();
        bad[i] ^= 1;
        v["encoded"] = Value::String(b64(&bad));
        assert_eq!(
            Keypair::from_keystore_json(&v.to_string(), "pw").unwrap_err(),
            KeyError::WrongPassword,
            "byte {i}"
        );
    }
    // A different salt derives a different key.
    data[0] ^= 1;
    v["encoded"] = Value::String(b64(&data));
    assert_eq!(
        Keypair::from_keystore_json(&v.to_string(), "pw").unwrap_err(),
        KeyError::WrongPassword
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn garbage_json_never_panics(s in ".{0,400}") {
        let _ = Keypair::from_keystore_json(&s, "pw");
    }

    #[test]
    fn garbage_encoded_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300), kind in 0usize..4) {
        let types = [json!(["scrypt", "xsalsa20-poly1305"]), json!(["xsalsa20-poly1305"]), json!(["none"]), json!("none")];
        let json = export(b64(&data), types[kind].clone(), json!(["pkcs8", "sr25519"]), "");
        prop_assert!(Keypair::from_keystore_json(&json, "pw").is_err() || kind >= 2);
    }

    #[test]
    fn garbage_with_cheap_scrypt_header_fails_cleanly(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut data = vec![7u8; 32];
        for x in [16u32, 1, 1] { data.extend(x.to_le_bytes()); }
        data.extend(tail);
        let json = export(b64(&data), json!(["scrypt", "xsalsa20-poly1305"]), json!(["pkcs8", "sr25519"]), "");
        let err = Keypair::from_keystore_json(&json, "pw").unwrap_err();
        prop_assert!(matches!(err, KeyError::WrongPassword | KeyError::KeystoreFormat(_)));
    }

    #[test]
    fn garbage_plaintext_never_panics(body in proptest::collection::vec(any::<u8>(), 0..160), header in any::<bool>()) {
        let plain = if header { [&HEADER[..], &body[..]].concat() } else { body };
        let json = export(b64(&plain), json!(["none"]), json!(["pkcs8", "sr25519"]), "");
        prop_assert!(Keypair::from_keystore_json(&json, "").is_err());
    }

    #[test]
    fn structured_garbage_json_never_panics(
        enc in prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from), ".{0,60}".prop_map(Value::from)],
        kind in prop_oneof![Just(Value::Null), Just(json!([1, 2])), ".{0,20}".prop_map(Value::from), Just(json!(["scrypt"]))],
        content in prop_oneof![Just(Value::Null), Just(json!("pkcs8")), Just(json!([])), Just(json!([null, 3]))],
    ) {
        let json = json!({"encoded": enc, "encoding": {"type": kind, "content": content}}).to_string();
        let _ = Keypair::from_keystore_json(&json, "pw");
    }
}
