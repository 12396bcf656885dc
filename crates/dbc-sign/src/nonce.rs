//! Nonces: Base58Check of a lower-case hyphenated UUID v4, as DBC's `sign_tool` makes them.

use crate::error::KeyError;
use dbc_types::Nonce;
use rand::RngCore;

/// Adds [`NonceExt::generate`] to [`dbc_types::Nonce`]: `use dbc_sign::NonceExt;
/// Nonce::generate()`.
pub trait NonceExt {
    /// A fresh random nonce (Base58Check of a random UUID v4, 55 characters or so).
    fn generate() -> Nonce;
}

impl NonceExt for Nonce {
    fn generate() -> Nonce {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        nonce_from_uuid_bytes(bytes)
    }
}

/// The nonce for 16 given bytes: the UUID v4 made from them (version and variant bits are
/// set), as lower-case hyphenated text, Base58Check-encoded (Bitcoin alphabet, 4-byte
/// double-SHA-256 checksum). Deterministic; for simulators and golden tests.
#[allow(clippy::expect_used)]
pub fn nonce_from_uuid_bytes(bytes: [u8; 16]) -> Nonce {
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = uuid.hyphenated().encode_lower(&mut buf);
    let encoded = bs58::encode(text.as_bytes()).with_check().into_string();
    // Base58Check of 36 bytes is always 1..=256 characters, which is all `Nonce` requires.
    encoded
        .parse()
        .expect("a Base58Check UUID is a valid nonce")
}

/// Decodes a nonce made by [`NonceExt::generate`] or DBC's `sign_tool` back into its UUID,
/// checking the Base58Check checksum and that the payload is a lower-case hyphenated UUID.
/// (Nodes accept any nonce string; this is a strict checker for tests and tools.)
///
/// # Errors
/// A [`KeyError`] for a bad checksum or a payload that is not a lower-case hyphenated
/// UUID.
pub fn decode_nonce(n: &str) -> Result<uuid::Uuid, KeyError> {
    if n.is_empty() || n.len() > 128 {
        return Err(KeyError::InvalidNonce("wrong length"));
    }
    let payload = bs58::decode(n)
        .with_check(None)
        .into_vec()
        .map_err(|e| match e {
            bs58::decode::Error::InvalidChecksum { .. } => {
                KeyError::InvalidNonce("Base58Check checksum mismatch")
            }
            _ => KeyError::InvalidNonce("not Base58Check text"),
        })?;
    if payload.len() != uuid::fmt::Hyphenated::LENGTH {
        return Err(KeyError::InvalidNonce(
            "the payload is not a 36-character UUID",
        ));
    }
    let uuid = uuid::Uuid::try_parse_ascii(&payload)
        .map_err(|_| KeyError::InvalidNonce("the payload is not a UUID"))?;
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    if uuid.hyphenated().encode_lower(&mut buf).as_bytes() != payload.as_slice() {
        return Err(KeyError::InvalidNonce(
            "the UUID is not lower-case hyphenated",
        ));
    }
    Ok(uuid)
}
