//! Thin wrappers over `dbc-sign` (raw-bytes sr25519 verification, multisig ids, session ids).

/// True when `sig_hex` is `address`'s sr25519 signature of the raw `msg` bytes.
pub(crate) fn verify(address: &str, msg: &[u8], sig_hex: &str) -> bool {
    dbc_sign::verify(address, msg, sig_hex)
}

/// Multisig account of `wallets` (order as sent) and `threshold`, or `None` if a wallet is malformed.
pub(crate) fn multisig_address(wallets: &[String], threshold: u16) -> Option<String> {
    let refs: Vec<&str> = wallets.iter().map(String::as_str).collect();
    dbc_sign::multisig_address(&refs, threshold).ok()
}

/// A session id: Base58Check of a v4 UUID built from `bytes`.
pub(crate) fn session_id(bytes: [u8; 16]) -> String {
    dbc_sign::nonce_from_uuid_bytes(bytes).as_str().to_string()
}
