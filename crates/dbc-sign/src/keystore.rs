//! polkadot-js account export (keystore JSON) decryption.
//!
//! Layout of the base64 (or `0x` hex) `encoded` member when `encoding.type` contains `scrypt`:
//! 32-byte salt, then N, p, r as u32 little-endian, then the 24-byte xsalsa20 nonce, then the
//! secretbox ciphertext. Without `scrypt` the password bytes themselves (zero-padded or cut to
//! 32 bytes) are the key. The plaintext is PKCS#8-like: a fixed header, the 64-byte sr25519
//! secret key in ed25519-expanded form (or, in old exports, the 32-byte seed), a divider and the
//! 32-byte public key.

use crate::address::decode_address;
use crate::error::KeyError;
use crate::keypair::Keypair;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::XSalsa20Poly1305;
use serde_json::Value;
use zeroize::Zeroizing;

const PKCS8_HEADER: [u8; 16] = [48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32];
const PKCS8_DIVIDER: [u8; 5] = [161, 35, 3, 33, 0];
const SALT_LEN: usize = 32;
const SCRYPT_LEN: usize = SALT_LEN + 12;
const NONCE_LEN: usize = 24;
const SECRET_LEN: usize = 64;
const SEED_LEN: usize = 32;
const PUBLIC_LEN: usize = 32;
/// Largest keystore JSON accepted (real exports are well under 2 KiB).
const MAX_JSON: usize = 64 * 1024;

const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Largest scrypt N accepted (2^18, the common "strong" setting, e.g. Ethereum keystores).
pub const MAX_SCRYPT_N: u32 = 1 << 18;
/// Largest scrypt memory accepted, `128 * N * r` bytes (256 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// Checks scrypt parameters and returns log2(N).
///
/// polkadot-js writes N = 2^15, p = 1, r = 8 and accepts a few presets (N from 2^13 to 2^17,
/// p up to 10, r = 8); common stronger settings go up to N = 2^18, r = 8 (256 MiB). A crafted
/// file asking for more memory ([`MAX_SCRYPT_MEMORY`]), a larger N ([`MAX_SCRYPT_N`]) or
/// excessive CPU work is refused before any hashing.
fn scrypt_log_n(n: u32, p: u32, r: u32) -> Result<u8, KeyError> {
    let refuse = KeyError::KeystoreScryptParams { n, p, r };
    if !n.is_power_of_two()
        || !(2..=MAX_SCRYPT_N).contains(&n)
        || !(1..=16).contains(&r)
        || !(1..=16).contains(&p)
    {
        return Err(refuse);
    }
    let memory = 128u64 * u64::from(n) * u64::from(r);
    let work = u64::from(n) * u64::from(r) * u64::from(p);
    if memory > MAX_SCRYPT_MEMORY || work > 1 << 23 {
        return Err(refuse);
    }
    Ok(n.trailing_zeros() as u8)
}

fn str_list(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn u32_le(b: &[u8], at: usize) -> Result<u32, KeyError> {
    let s = b.get(at..at + 4).ok_or(KeyError::KeystoreFormat(
        "encoded data too short for the scrypt parameters",
    ))?;
    let mut a = [0u8; 4];
    a.copy_from_slice(s);
    Ok(u32::from_le_bytes(a))
}

fn decode_encoded(text: &str) -> Result<Vec<u8>, KeyError> {
    if let Some(h) = text.strip_prefix("0x") {
        hex::decode(h)
            .map_err(|_| KeyError::KeystoreFormat("`encoded` is neither base64 nor 0x-hex"))
    } else {
        B64.decode(text.trim())
            .map_err(|_| KeyError::KeystoreFormat("`encoded` is not valid base64"))
    }
}

/// Decrypts `data` (after the scrypt prefix, if any) with `key`.
fn secretbox_open(data: &[u8], key: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if data.len() < NONCE_LEN + 16 {
        return Err(KeyError::KeystoreFormat("encoded data too short"));
    }
    let (nonce, ct) = data.split_at(NONCE_LEN);
    let cipher = XSalsa20Poly1305::new(key.into());
    cipher
        .decrypt(nonce.into(), ct)
        .map(Zeroizing::new)
        .map_err(|_| KeyError::WrongPassword)
}

fn keypair_from_pkcs8(plain: &[u8]) -> Result<(Keypair, [u8; 32]), KeyError> {
    if plain.get(..PKCS8_HEADER.len()) != Some(&PKCS8_HEADER[..]) {
        return Err(KeyError::KeystoreFormat(
            "invalid PKCS#8 header in the decrypted key",
        ));
    }
    let off = PKCS8_HEADER.len();
    let at_divider =
        |secret_len: usize| plain.get(off + secret_len..off + secret_len + PKCS8_DIVIDER.len());
    let secret_len = if at_divider(SECRET_LEN) == Some(&PKCS8_DIVIDER[..]) {
        SECRET_LEN
    } else if at_divider(SEED_LEN) == Some(&PKCS8_DIVIDER[..]) {
        SEED_LEN
    } else {
        return Err(KeyError::KeystoreFormat(
            "no PKCS#8 divider in the decrypted key",
        ));
    };
    let secret = plain
        .get(off..off + secret_len)
        .ok_or(KeyError::KeystoreFormat("decrypted key too short"))?;
    let pub_at = off + secret_len + PKCS8_DIVIDER.len();
    let public = plain
        .get(pub_at..pub_at + PUBLIC_LEN)
        .ok_or(KeyError::KeystoreFormat("decrypted key has no public key"))?;
    let mut stored = [0u8; 32];
    stored.copy_from_slice(public);

    let kp = if secret_len == SECRET_LEN {
        let sk = schnorrkel::SecretKey::from_ed25519_bytes(secret).map_err(|_| {
            KeyError::KeystoreFormat("the decrypted secret key is not a valid sr25519 key")
        })?;
        Keypair::from_parts(sk.to_keypair(), None)
    } else {
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(secret);
        Keypair::from_seed(&seed)?
    };
    Ok((kp, stored))
}

/// How the secret key of a keystore file was protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeystoreProtection {
    /// scrypt + xsalsa20-poly1305 (polkadot-js JSON version 3).
    Scrypt {
        /// scrypt cost parameter N.
        n: u32,
        /// scrypt parallelism p.
        p: u32,
        /// scrypt block size r.
        r: u32,
    },
    /// xsalsa20-poly1305 keyed with the password bytes themselves (pre-scrypt exports): a weak
    /// password is quick to guess.
    PasswordOnly,
    /// Not encrypted at all: anyone who can read the file controls the wallet.
    Unencrypted,
}

impl KeystoreProtection {
    /// A warning for the user when the protection is weak, `None` for scrypt.
    pub fn warning(self) -> Option<&'static str> {
        match self {
            KeystoreProtection::Scrypt { .. } => None,
            KeystoreProtection::PasswordOnly => Some(
                "the keystore is encrypted with the bare password (no scrypt): re-export the account from polkadot-js to get a scrypt-protected file",
            ),
            KeystoreProtection::Unencrypted => Some(
                "the keystore is NOT encrypted: anyone who can read the file controls the wallet; re-export the account from polkadot-js with a password and delete this file",
            ),
        }
    }
}

/// A decrypted keystore: the key and how the file protected it.
#[derive(Debug, Clone)]
pub struct OpenedKeystore {
    /// The account's key pair.
    pub keypair: Keypair,
    /// How the file protected the key (see [`KeystoreProtection::warning`]).
    pub protection: KeystoreProtection,
}

/// Decrypts a polkadot-js account export (see [`Keypair::open_keystore`]).
pub(crate) fn open_keystore(json: &str, password: &str) -> Result<OpenedKeystore, KeyError> {
    if json.len() > MAX_JSON {
        return Err(KeyError::KeystoreFormat("file too large"));
    }
    let v: Value =
        serde_json::from_str(json).map_err(|_| KeyError::KeystoreFormat("not valid JSON"))?;
    let obj = v
        .as_object()
        .ok_or(KeyError::KeystoreFormat("not a JSON object"))?;
    let encoded = obj
        .get("encoded")
        .and_then(Value::as_str)
        .ok_or(KeyError::KeystoreFormat("no `encoded` string"))?;
    let encoding = obj.get("encoding").and_then(Value::as_object);
    let kinds = str_list(encoding.and_then(|e| e.get("type")));
    let content = encoding.and_then(|e| e.get("content"));
    if let Some(Value::Array(c)) = content {
        match c.first().and_then(Value::as_str) {
            Some("pkcs8") | None => {}
            Some(_) => {
                return Err(KeyError::KeystoreUnsupported(
                    "the key is not stored as pkcs8",
                ))
            }
        }
        match c.get(1).and_then(Value::as_str) {
            Some("sr25519") | None => {}
            Some(_) => {
                return Err(KeyError::KeystoreUnsupported(
                    "the account is not an sr25519 key",
                ))
            }
        }
    }
    let encrypted = kinds.contains(&"xsalsa20-poly1305");
    let scrypt = kinds.contains(&"scrypt");
    if !encrypted && kinds.iter().any(|k| *k != "none" && *k != "scrypt") {
        return Err(KeyError::KeystoreUnsupported("unknown encryption type"));
    }
    if scrypt && !encrypted {
        return Err(KeyError::KeystoreUnsupported(
            "scrypt without xsalsa20-poly1305",
        ));
    }

    let data = decode_encoded(encoded)?;
    let mut protection = KeystoreProtection::PasswordOnly;
    let plain: Zeroizing<Vec<u8>> = if !encrypted {
        protection = KeystoreProtection::Unencrypted;
        Zeroizing::new(data)
    } else if scrypt {
        if data.len() < SCRYPT_LEN {
            return Err(KeyError::KeystoreFormat(
                "encoded data too short for the scrypt parameters",
            ));
        }
        let salt = &data[..SALT_LEN];
        let n = u32_le(&data, SALT_LEN)?;
        let p = u32_le(&data, SALT_LEN + 4)?;
        let r = u32_le(&data, SALT_LEN + 8)?;
        let log_n = scrypt_log_n(n, p, r)?;
        protection = KeystoreProtection::Scrypt { n, p, r };
        let params = scrypt::Params::new(log_n, r, p, 32)
            .map_err(|_| KeyError::KeystoreScryptParams { n, p, r })?;
        let mut key = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(password.as_bytes(), salt, &params, &mut key[..])
            .map_err(|_| KeyError::KeystoreScryptParams { n, p, r })?;
        secretbox_open(&data[SCRYPT_LEN..], &key)?
    } else {
        let mut key = Zeroizing::new([0u8; 32]);
        let pw = password.as_bytes();
        let n = pw.len().min(32);
        key[..n].copy_from_slice(&pw[..n]);
        secretbox_open(&data, &key)?
    };

    let (kp, stored) = keypair_from_pkcs8(&plain)?;
    if kp.public_key() != stored {
        return Err(KeyError::KeystoreKeyMismatch("stored public key"));
    }
    if let Some(addr) = obj.get("address").and_then(Value::as_str) {
        if let Ok(pk) = decode_address(addr) {
            if pk != stored {
                return Err(KeyError::KeystoreKeyMismatch("`address` member"));
            }
        }
    }
    Ok(OpenedKeystore {
        keypair: kp,
        protection,
    })
}

impl Keypair {
    /// Decrypts a polkadot-js account export (JSON version 3: scrypt + xsalsa20-poly1305,
    /// pkcs8, sr25519; also the older password-only and unencrypted variants, and the legacy
    /// layout that stores the 32-byte seed). The decrypted key must match the stored public key
    /// and address.
    ///
    /// Decryption with the default parameters takes about 0.1 s in release builds.
    /// An unencrypted (or password-only) legacy export loads too, silently: use
    /// [`Keypair::open_keystore`] to learn how the file was protected and warn the user.
    ///
    /// # Errors
    ///
    /// A wrong password gives [`KeyError::WrongPassword`]; scrypt parameters asking for more
    /// than 256 MiB or N > 2^18 are refused with [`KeyError::KeystoreScryptParams`] before
    /// any hashing; other problems give the `Keystore*` variants of [`KeyError`].
    pub fn from_keystore_json(json: &str, password: &str) -> Result<Keypair, KeyError> {
        open_keystore(json, password).map(|o| o.keypair)
    }

    /// Like [`Keypair::from_keystore_json`], and also says how the file protected the key:
    /// callers should show [`KeystoreProtection::warning`] to the user (an unencrypted legacy
    /// export is accepted only with such a warning).
    ///
    /// # Errors
    ///
    /// As [`Keypair::from_keystore_json`].
    pub fn open_keystore(json: &str, password: &str) -> Result<OpenedKeystore, KeyError> {
        open_keystore(json, password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrypt_limits() {
        assert_eq!(scrypt_log_n(1 << 15, 1, 8), Ok(15));
        // polkadot-js presets and the common stronger settings (up to 2^18 with r = 8)
        for (n, p) in [
            (1 << 13, 10),
            (1 << 14, 5),
            (1 << 15, 3),
            (1 << 16, 2),
            (1 << 17, 1),
            (1 << 18, 1),
        ] {
            assert!(scrypt_log_n(n, p, 8).is_ok(), "N={n} p={p}");
        }
        assert!(scrypt_log_n(1 << 17, 1, 16).is_ok()); // exactly 256 MiB
        assert!(scrypt_log_n(1 << 19, 1, 1).is_err()); // N > 2^18 even with little memory
        assert!(scrypt_log_n(1 << 18, 1, 16).is_err()); // 512 MiB
        assert!(scrypt_log_n(1 << 20, 1, 8).is_err());
        assert!(scrypt_log_n(1 << 21, 1, 8).is_err());
        assert!(scrypt_log_n(3 << 14, 1, 8).is_err());
        assert!(scrypt_log_n(1 << 18, 16, 8).is_err()); // CPU work
        assert!(scrypt_log_n(1 << 15, 0, 8).is_err());
        assert!(scrypt_log_n(1 << 15, 1, 0).is_err());
        assert!(scrypt_log_n(u32::MAX, u32::MAX, u32::MAX).is_err());
    }
}
