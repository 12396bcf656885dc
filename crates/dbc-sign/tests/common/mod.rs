//! Helpers shared by the integration tests: building polkadot-js keystores.
#![allow(dead_code)]

use base64::Engine as _;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::XSalsa20Poly1305;
use dbc_sign::Keypair;
use serde_json::{json, Value};

pub const HEADER: [u8; 16] = [48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32];
pub const DIVIDER: [u8; 5] = [161, 35, 3, 33, 0];
pub const PASSWORD: &str = "correct horse battery staple";

pub fn vector() -> (String, String) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vectors.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let k = &v["polkadot_js_keystore"][0];
    (
        k["json"].to_string(),
        k["address"].as_str().unwrap().to_string(),
    )
}

pub fn scrypt_key(password: &str, salt: &[u8; 32], n: u32, p: u32, r: u32) -> [u8; 32] {
    let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p, 32).unwrap();
    let mut key = [0u8; 32];
    scrypt::scrypt(password.as_bytes(), salt, &params, &mut key).unwrap();
    key
}

pub fn seal(plain: &[u8], key: &[u8; 32]) -> Vec<u8> {
    let nonce = [3u8; 24];
    let mut out = nonce.to_vec();
    out.extend(
        XSalsa20Poly1305::new(key.into())
            .encrypt(&nonce.into(), plain)
            .unwrap(),
    );
    out
}

pub fn encrypt_scrypt(plain: &[u8], password: &str, n: u32, p: u32, r: u32) -> Vec<u8> {
    let salt = [9u8; 32];
    let mut out = salt.to_vec();
    for x in [n, p, r] {
        out.extend(x.to_le_bytes());
    }
    out.extend(seal(plain, &scrypt_key(password, &salt, n, p, r)));
    out
}

pub fn pkcs8(secret: &[u8], public: &[u8; 32]) -> Vec<u8> {
    [&HEADER[..], secret, &DIVIDER[..], &public[..]].concat()
}

pub fn export(encoded: String, kind: Value, content: Value, address: &str) -> String {
    json!({
        "encoded": encoded,
        "encoding": { "content": content, "type": kind, "version": "3" },
        "address": address,
        "meta": { "name": "test" }
    })
    .to_string()
}

pub fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn bob() -> (Keypair, [u8; 64], [u8; 32]) {
    // Expanded (64-byte) secret in polkadot-js's ed25519 form, and the mini-secret seed.
    let seed = [0x11u8; 32];
    let kp = Keypair::from_seed(&seed).unwrap();
    let sk = schnorrkel::MiniSecretKey::from_bytes(&seed)
        .unwrap()
        .expand(schnorrkel::ExpansionMode::Ed25519);
    (kp, sk.to_ed25519_bytes(), seed)
}

pub fn modern(password: &str, n: u32, p: u32, r: u32) -> (String, Keypair) {
    let (kp, secret, _) = bob();
    let plain = pkcs8(&secret, &kp.public_key());
    let enc = b64(&encrypt_scrypt(&plain, password, n, p, r));
    (
        export(
            enc,
            json!(["scrypt", "xsalsa20-poly1305"]),
            json!(["pkcs8", "sr25519"]),
            &kp.address(),
        ),
        kp,
    )
}
