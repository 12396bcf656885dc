//! Keystore JSON parsing: any text and password give a key or a typed error, never a panic.
//! Input: the bytes up to the first newline are the password, the rest is the keystore JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (password, json) = text.split_once('\n').unwrap_or(("", &text));
    if let Ok(kp) = dbc_sign::Keypair::from_keystore_json(json, password) {
        // A key that loads must be usable.
        let _ = kp.address();
    }
});
