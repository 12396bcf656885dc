//! SS58 addresses and the pallet-multisig account id.

use crate::error::KeyError;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Blake2b512, Digest};

/// The SS58 network prefix DBC uses (the generic Substrate prefix, addresses start with `5`).
pub const DBC_SS58_PREFIX: u16 = 42;

const SS58_PRE: &[u8] = b"SS58PRE";
const CHECKSUM_LEN: usize = 2;

fn ss58_checksum(data: &[u8]) -> [u8; 64] {
    let mut h = Blake2b512::new();
    h.update(SS58_PRE);
    h.update(data);
    h.finalize().into()
}

/// Encodes a 32-byte public key (account id) as an SS58 address with network `prefix`.
///
/// SS58 prefixes are 14-bit numbers (0..=16383); only the low 14 bits of `prefix` are used.
pub fn encode_address(public: &[u8; 32], prefix: u16) -> String {
    let ident = prefix & 0b0011_1111_1111_1111;
    let mut v = [0u8; 2 + 32 + CHECKSUM_LEN];
    let start = if ident < 64 {
        v[0] = ident as u8;
        1
    } else {
        let first = ((ident & 0b0000_0000_1111_1100) as u8) >> 2;
        let second = ((ident >> 8) as u8) | (((ident & 0b11) as u8) << 6);
        v[0] = first | 0b0100_0000;
        v[1] = second;
        2
    };
    v[start..start + 32].copy_from_slice(public);
    let body = start + 32;
    let sum = ss58_checksum(&v[..body]);
    v[body..body + CHECKSUM_LEN].copy_from_slice(&sum[..CHECKSUM_LEN]);
    bs58::encode(&v[..body + CHECKSUM_LEN]).into_string()
}

fn decode_hex32(h: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(h, &mut out).ok()?;
    Some(out)
}

/// Decodes an address into the 32-byte public key: an SS58 address of any network prefix
/// (checksum verified) or the key as 64 hex digits (optional `0x`, either case).
///
/// # Errors
/// A [`KeyError`] for a string that is neither a valid SS58 address nor 64 hex digits.
pub fn decode_address(address: &str) -> Result<[u8; 32], KeyError> {
    let (key, _) = decode_address_with_prefix(address)?;
    Ok(key)
}

/// Like [`decode_address`], also returning the SS58 network prefix (`None` for hex input).
///
/// # Errors
/// Like [`decode_address`].
pub fn decode_address_with_prefix(address: &str) -> Result<([u8; 32], Option<u16>), KeyError> {
    let hexbody = address.strip_prefix("0x").unwrap_or(address);
    if hexbody.len() == 64 {
        return decode_hex32(hexbody)
            .map(|k| (k, None))
            .ok_or(KeyError::InvalidAddress(
                "64 characters but not all hex digits",
            ));
    }
    if address.is_empty() {
        return Err(KeyError::InvalidAddress("empty"));
    }
    if address.len() > 64 {
        return Err(KeyError::InvalidAddress("too long"));
    }
    let mut buf = [0u8; 64];
    let n = bs58::decode(address)
        .onto(&mut buf[..])
        .map_err(|_| KeyError::InvalidAddress("not base58 text"))?;
    let data = buf.get(..n).ok_or(KeyError::InvalidAddress("too long"))?;
    let first = *data.first().ok_or(KeyError::InvalidAddress("empty"))?;
    let (prefix, plen) = match first {
        0..=63 => (u16::from(first), 1usize),
        64..=127 => {
            let second = *data.get(1).ok_or(KeyError::InvalidAddress("truncated"))?;
            let lower = (first << 2) | (second >> 6);
            let upper = second & 0b0011_1111;
            (u16::from(lower) | (u16::from(upper) << 8), 2usize)
        }
        _ => return Err(KeyError::InvalidAddress("unknown SS58 prefix format")),
    };
    if data.len() != plen + 32 + CHECKSUM_LEN {
        return Err(KeyError::InvalidAddress(
            "wrong length for a 32-byte account",
        ));
    }
    let body = plen + 32;
    let sum = ss58_checksum(&data[..body]);
    if data[body..] != sum[..CHECKSUM_LEN] {
        return Err(KeyError::InvalidAddress(
            "SS58 checksum mismatch, check for a typo",
        ));
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&data[plen..body]);
    Ok((key, Some(prefix)))
}

/// Appends the SCALE compact encoding of `n`.
fn compact_len(out: &mut Vec<u8>, n: usize) {
    let n = n as u64;
    if n < 1 << 6 {
        out.push((n as u8) << 2);
    } else if n < 1 << 14 {
        out.extend_from_slice(&(((n as u16) << 2) | 0b01).to_le_bytes());
    } else if n < 1 << 30 {
        out.extend_from_slice(&(((n as u32) << 2) | 0b10).to_le_bytes());
    } else {
        let bytes = n.to_le_bytes();
        let used = 8 - (n.leading_zeros() as usize / 8);
        out.push((((used - 4) as u8) << 2) | 0b11);
        out.extend_from_slice(&bytes[..used]);
    }
}

/// The pallet-multisig account of `signatories` with `threshold`, as an SS58 address with
/// prefix 42.
///
/// The account id is `blake2_256(SCALE((b"modlpy/utilisuba", sorted_signatories, threshold)))`,
/// the rule of Substrate's `pallet_multisig::Pallet::multi_account_id`. The order of
/// `signatories` does not matter (they are sorted by public key); each must appear once.
/// Addresses may be SS58 (any prefix) or 64-hex public keys.
///
/// # Errors
/// A [`KeyError`] for an address that does not decode, a repeated signatory, or a
/// threshold of 0 or above the number of signatories.
pub fn multisig_address(signatories: &[&str], threshold: u16) -> Result<String, KeyError> {
    let id = multisig_account_id(signatories, threshold)?;
    Ok(encode_address(&id, DBC_SS58_PREFIX))
}

/// The 32-byte account id behind [`multisig_address`].
///
/// # Errors
/// Like [`multisig_address`].
pub fn multisig_account_id(signatories: &[&str], threshold: u16) -> Result<[u8; 32], KeyError> {
    if signatories.is_empty() {
        return Err(KeyError::Multisig(
            "the signatory list is empty; list every member wallet",
        ));
    }
    if threshold == 0 {
        return Err(KeyError::Multisig("the threshold must be at least 1"));
    }
    if usize::from(threshold) > signatories.len() {
        return Err(KeyError::Multisig(
            "the threshold must not exceed the number of signatories",
        ));
    }
    let mut ids = signatories
        .iter()
        .map(|s| decode_address(s))
        .collect::<Result<Vec<[u8; 32]>, KeyError>>()?;
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(KeyError::Multisig(
            "a signatory is listed twice; list each member once",
        ));
    }
    let mut enc = Vec::with_capacity(16 + 5 + 32 * ids.len() + 2);
    // `b"modlpy/utilisuba"` is a `&[u8; 16]`: a fixed-size array, encoded without a length.
    enc.extend_from_slice(b"modlpy/utilisuba");
    compact_len(&mut enc, ids.len());
    for id in &ids {
        enc.extend_from_slice(id);
    }
    enc.extend_from_slice(&threshold.to_le_bytes());
    let mut h = Blake2b::<U32>::new();
    h.update(&enc);
    Ok(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_encoding_matches_scale() {
        let cases: &[(usize, &[u8])] = &[
            (0, &[0x00]),
            (1, &[0x04]),
            (63, &[0xfc]),
            (64, &[0x01, 0x01]),
            (16383, &[0xfd, 0xff]),
            (16384, &[0x02, 0x00, 0x01, 0x00]),
            (1 << 30, &[0x03, 0x00, 0x00, 0x00, 0x40]),
        ];
        for (n, want) in cases {
            let mut v = Vec::new();
            compact_len(&mut v, *n);
            assert_eq!(&v[..], *want, "compact({n})");
        }
    }

    #[test]
    fn two_byte_prefix_round_trips() {
        let key = [7u8; 32];
        for prefix in [0u16, 2, 42, 63, 64, 255, 1000, 16383] {
            let a = encode_address(&key, prefix);
            assert_eq!(
                decode_address_with_prefix(&a),
                Ok((key, Some(prefix))),
                "prefix {prefix}"
            );
        }
    }
}
