//! Signature verification, as the DBC node does it (raw bytes, context `substrate`).

use crate::address::decode_address;
use crate::error::VerifyError;
use crate::keypair::SIGNING_CONTEXT;

fn parse_signature(signature_hex: &str) -> Result<schnorrkel::Signature, VerifyError> {
    let h = signature_hex.strip_prefix("0x").unwrap_or(signature_hex);
    if h.len() != 128 {
        return Err(VerifyError::MalformedSignature("not 128 hex digits"));
    }
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(h, &mut bytes).map_err(|_| VerifyError::MalformedSignature("not hex"))?;
    schnorrkel::Signature::from_bytes(&bytes)
        .map_err(|_| VerifyError::MalformedSignature("not an sr25519 signature"))
}

fn parse_public(address: &str) -> Result<schnorrkel::PublicKey, VerifyError> {
    let pk = decode_address(address)
        .map_err(|_| VerifyError::MalformedAddress("neither SS58 nor 64 hex digits"))?;
    schnorrkel::PublicKey::from_bytes(&pk)
        .map_err(|_| VerifyError::MalformedAddress("not an sr25519 public key"))
}

/// True when `signature_hex` (128 hex digits, optional `0x`) is `address`'s sr25519 signature
/// of the raw `message` bytes. `address` is SS58 (any prefix) or a 64-hex public key.
pub fn verify(address: &str, message: &[u8], signature_hex: &str) -> bool {
    let (Ok(public), Ok(sig)) = (parse_public(address), parse_signature(signature_hex)) else {
        return false;
    };
    public.verify_simple(SIGNING_CONTEXT, message, &sig).is_ok()
}

/// Like [`verify`], saying why a signature fails. When the signature is valid for
/// `<Bytes>` + message + `</Bytes>` (what browser wallet extensions sign) the error is
/// [`VerifyError::WrappedBytes`]: DBC nodes only accept signatures of the raw bytes.
///
/// # Errors
/// A [`VerifyError`] saying why the signature does not verify.
pub fn verify_detailed(
    address: &str,
    message: &[u8],
    signature_hex: &str,
) -> Result<(), VerifyError> {
    let public = parse_public(address)?;
    let sig = parse_signature(signature_hex)?;
    if public.verify_simple(SIGNING_CONTEXT, message, &sig).is_ok() {
        return Ok(());
    }
    let mut wrapped = Vec::with_capacity(message.len() + 15);
    wrapped.extend_from_slice(b"<Bytes>");
    wrapped.extend_from_slice(message);
    wrapped.extend_from_slice(b"</Bytes>");
    if public
        .verify_simple(SIGNING_CONTEXT, &wrapped, &sig)
        .is_ok()
    {
        return Err(VerifyError::WrappedBytes);
    }
    Err(VerifyError::Invalid)
}
