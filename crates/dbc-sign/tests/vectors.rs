//! Published interoperability vectors (copied into tests/fixtures/vectors.json).

use dbc_sign::*;
use serde_json::Value;

fn vectors() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vectors.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn signature_vectors_verify_as_listed() {
    let v = vectors();
    let sigs = v["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 5);
    for case in sigs {
        let (wallet, msg, sig) = (
            s(&case["wallet"]),
            s(&case["message"]),
            s(&case["signature"]),
        );
        let valid = case["valid"].as_bool().unwrap();
        assert_eq!(
            verify(wallet, msg.as_bytes(), sig),
            valid,
            "{}",
            case["what"]
        );
        assert_eq!(
            verify(wallet, msg.as_bytes(), &format!("0x{sig}")),
            valid,
            "0x: {}",
            case["what"]
        );
        assert_eq!(
            verify(wallet, msg.as_bytes(), &sig.to_ascii_uppercase()),
            valid,
            "upper: {}",
            case["what"]
        );
        assert_eq!(
            verify_detailed(wallet, msg.as_bytes(), sig).is_ok(),
            valid,
            "{}",
            case["what"]
        );
        // The same key as 64 hex digits.
        let hex_key = hex::encode(decode_address(wallet).unwrap());
        assert_eq!(verify(&hex_key, msg.as_bytes(), sig), valid);
        assert_eq!(verify(&format!("0x{hex_key}"), msg.as_bytes(), sig), valid);
    }
}

#[test]
fn wrapped_bytes_vector_is_diagnosed() {
    let v = vectors();
    let case = v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| s(&c["what"]).contains("<Bytes>"))
        .unwrap();
    let (wallet, msg, sig) = (
        s(&case["wallet"]),
        s(&case["message"]),
        s(&case["signature"]),
    );
    assert!(!verify(wallet, msg.as_bytes(), sig));
    assert_eq!(
        verify_detailed(wallet, msg.as_bytes(), sig),
        Err(VerifyError::WrappedBytes)
    );
    let wrapped = format!("<Bytes>{msg}</Bytes>");
    assert!(verify(wallet, wrapped.as_bytes(), sig));
}

#[test]
fn wrong_wallet_vector_is_plain_invalid() {
    let v = vectors();
    let case = &v["signatures"][4];
    assert_eq!(
        verify_detailed(
            s(&case["wallet"]),
            s(&case["message"]).as_bytes(),
            s(&case["signature"])
        ),
        Err(VerifyError::Invalid)
    );
}

#[test]
fn keys_derive_listed_addresses() {
    let v = vectors();
    for case in v["keys"].as_array().unwrap() {
        let kp = Keypair::from_suri(s(&case["suri"])).unwrap();
        assert_eq!(kp.address(), s(&case["address"]), "{}", case["suri"]);
        assert_eq!(Signer::address(&kp), s(&case["address"]));
        if let Some(p) = case.get("public") {
            assert_eq!(kp.public_hex(), s(p));
            assert_eq!(hex::encode(kp.public_key()), s(p));
            assert_eq!(
                decode_address(s(&case["address"])).unwrap(),
                kp.public_key()
            );
        }
        assert_eq!(encode_address(&kp.public_key(), 42), s(&case["address"]));
    }
}

#[test]
fn multisig_vector() {
    let v = vectors();
    for case in v["multisig_accounts"].as_array().unwrap() {
        let sigs: Vec<&str> = case["signatories"]
            .as_array()
            .unwrap()
            .iter()
            .map(s)
            .collect();
        let t = case["threshold"].as_u64().unwrap() as u16;
        assert_eq!(multisig_address(&sigs, t).unwrap(), s(&case["address"]));
        // Order does not matter.
        let mut rev = sigs.clone();
        rev.reverse();
        assert_eq!(multisig_address(&rev, t).unwrap(), s(&case["address"]));
    }
}

#[test]
fn nonce_vectors() {
    let v = vectors();
    for case in v["nonce_and_session_id_format"]["examples"]
        .as_array()
        .unwrap()
    {
        let (enc, payload) = (s(&case["encoded"]), s(&case["payload"]));
        let uuid = decode_nonce(enc).unwrap();
        assert_eq!(uuid.hyphenated().to_string(), payload);
        assert_eq!(nonce_from_uuid_bytes(*uuid.as_bytes()).as_str(), enc);
    }
}

#[test]
fn keystore_vector_decrypts() {
    let v = vectors();
    for case in v["polkadot_js_keystore"].as_array().unwrap() {
        let json = case["json"].to_string();
        let kp = Keypair::from_keystore_json(&json, s(&case["password"])).unwrap();
        assert_eq!(kp.address(), s(&case["address"]));
        assert!(
            kp.seed_hex().is_none(),
            "the 64-byte layout holds no mini-secret seed"
        );
        let sig = Signer::sign(&kp, b"m").unwrap();
        assert!(verify(s(&case["address"]), b"m", sig.as_str()));
        // Each attempt costs a full scrypt run (N = 2^15), so one wrong password only.
        assert_eq!(
            Keypair::from_keystore_json(&json, "wrong password").unwrap_err(),
            KeyError::WrongPassword
        );
    }
}
