//! Zabbix protocol framing, as sent by a DBC GPU node and by standard Zabbix 4+/5+ senders.
//!
//! ```text
//! "ZBXD" | flags | DATALEN | RESERVED | payload
//!  4 B      1 B    4 B (8 B if flags & 0x04)  4 B (8 B if flags & 0x04)
//! ```
//!
//! * `0x01` (required): the Zabbix protocol.
//! * `0x02`: the payload is zlib-compressed; RESERVED is the uncompressed size.
//! * `0x04`: large packet: DATALEN and RESERVED are 8 bytes each.
//!
//! A DBC node writes `0x01` and the length as one 8-byte little-endian integer, which is the
//! same as DATALEN + RESERVED = 0 for any length below 4 GiB (a non-zero RESERVED of an
//! uncompressed frame is read as the high half of that length, so it is always over the limit).
//!
//! Every size is checked against the limit **before** anything is allocated, and a compressed
//! payload is inflated with the output capped at the declared size (itself at most the limit),
//! so a zip bomb is refused without inflating it.

use std::io::Read;

/// The 4 magic bytes of every frame.
pub const MAGIC: [u8; 4] = *b"ZBXD";
/// Flag: Zabbix protocol (must be set).
pub const FLAG_PROTOCOL: u8 = 0x01;
/// Flag: zlib-compressed payload; RESERVED holds the uncompressed size.
pub const FLAG_COMPRESSED: u8 = 0x02;
/// Flag: large packet, 8-byte DATALEN and RESERVED.
pub const FLAG_LARGE: u8 = 0x04;
/// Length of a standard (and DBC-node) header.
pub const HEADER_LEN: usize = 13;
/// Length of a large-packet header.
pub const LARGE_HEADER_LEN: usize = 21;
/// Default limit of a frame's (inflated) payload: 16 MiB.
pub const DEFAULT_MAX_FRAME: u64 = 16 * 1024 * 1024;

/// Why a frame was refused. The connection is closed on any of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The first 4 bytes are not `ZBXD`.
    #[error("not a Zabbix frame: the first bytes are not `ZBXD`")]
    BadMagic,
    /// Flag 0x01 is missing or unknown flag bits are set.
    #[error("unsupported frame flags 0x{0:02x} (need 0x01, optionally with 0x02 and 0x04)")]
    BadFlags(u8),
    /// The payload length is 0 (or a compressed frame declares 0 bytes uncompressed).
    #[error("empty frame")]
    Empty,
    /// The payload (inflated, for compressed frames) is over the limit.
    #[error("frame of {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// Declared or observed size.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The input ended before the header or payload was complete.
    #[error("frame truncated: {needed} more bytes expected")]
    Truncated {
        /// How many more bytes are needed (at least).
        needed: u64,
    },
    /// The compressed payload is not valid zlib.
    #[error("compressed payload is not valid zlib data")]
    Inflate,
    /// The inflated size differs from the size declared in RESERVED.
    #[error("inflated {actual} bytes but the header declared {declared}")]
    SizeMismatch {
        /// RESERVED.
        declared: u64,
        /// What inflating produced.
        actual: u64,
    },
}

/// A parsed and checked frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The flags byte.
    pub flags: u8,
    /// Bytes of payload on the wire.
    pub data_len: u64,
    /// Inflated size for compressed frames, else 0.
    pub reserved: u64,
}

impl Header {
    /// Length of this header on the wire (13 or 21).
    pub fn len(&self) -> usize {
        if self.flags & FLAG_LARGE != 0 {
            LARGE_HEADER_LEN
        } else {
            HEADER_LEN
        }
    }

    /// Always false: a header is never empty (for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether the payload is zlib-compressed.
    pub fn compressed(&self) -> bool {
        self.flags & FLAG_COMPRESSED != 0
    }
}

/// Checks the first 5 bytes (magic and flags) and returns the header length they announce.
///
/// # Errors
/// [`FrameError::Truncated`] with fewer than 5 bytes, [`FrameError::BadMagic`],
/// [`FrameError::BadFlags`].
pub fn header_len(prefix: &[u8]) -> Result<usize, FrameError> {
    let (magic, flags) = match (prefix.get(..4), prefix.get(4)) {
        (Some(m), Some(f)) => (m, *f),
        _ => {
            return Err(FrameError::Truncated {
                needed: 5u64.saturating_sub(prefix.len() as u64),
            })
        }
    };
    if magic != MAGIC {
        return Err(FrameError::BadMagic);
    }
    if flags & FLAG_PROTOCOL == 0 || flags & !(FLAG_PROTOCOL | FLAG_COMPRESSED | FLAG_LARGE) != 0 {
        return Err(FrameError::BadFlags(flags));
    }
    Ok(if flags & FLAG_LARGE != 0 {
        LARGE_HEADER_LEN
    } else {
        HEADER_LEN
    })
}

fn le(bytes: Option<&[u8]>) -> u64 {
    let mut v = 0u64;
    for (i, b) in bytes.unwrap_or_default().iter().take(8).enumerate() {
        v |= u64::from(*b) << (8 * i);
    }
    v
}

/// Parses and checks a header at the start of `buf` against `limit` (bytes of inflated payload).
///
/// # Errors
/// Any [`FrameError`] about the header: truncated, bad magic or flags, empty, over the limit
/// (declared sizes are checked here, before anything is read or allocated).
pub fn parse_header(buf: &[u8], limit: u64) -> Result<Header, FrameError> {
    let hlen = header_len(buf)?;
    if buf.len() < hlen {
        return Err(FrameError::Truncated {
            needed: (hlen - buf.len()) as u64,
        });
    }
    let flags = buf.get(4).copied().unwrap_or_default();
    let (data_len, reserved) = if hlen == LARGE_HEADER_LEN {
        (le(buf.get(5..13)), le(buf.get(13..21)))
    } else {
        (le(buf.get(5..9)), le(buf.get(9..13)))
    };
    let h = Header {
        flags,
        data_len,
        reserved,
    };
    if h.compressed() {
        if data_len == 0 || reserved == 0 {
            return Err(FrameError::Empty);
        }
        if reserved > limit {
            return Err(FrameError::TooLarge {
                size: reserved,
                limit,
            });
        }
        // zlib never grows data by more than a few bytes per 16 KiB block plus a header.
        let wire_cap = limit.saturating_add(limit / 64).saturating_add(64);
        if data_len > wire_cap {
            return Err(FrameError::TooLarge {
                size: data_len,
                limit,
            });
        }
        return Ok(h);
    }
    // Uncompressed: the DBC node's 8-byte length is DATALEN + (RESERVED << 32).
    let len = if hlen == HEADER_LEN {
        data_len | (reserved << 32)
    } else {
        data_len
    };
    if len == 0 {
        return Err(FrameError::Empty);
    }
    if len > limit {
        return Err(FrameError::TooLarge { size: len, limit });
    }
    Ok(Header {
        flags,
        data_len: len,
        reserved: 0,
    })
}

/// Turns a complete wire payload into the request body (inflating a compressed one, with the
/// output capped at the declared size).
///
/// # Errors
/// [`FrameError::Truncated`] if `payload` is shorter than declared, [`FrameError::Inflate`],
/// [`FrameError::SizeMismatch`], [`FrameError::TooLarge`].
pub fn payload_to_body(h: &Header, payload: Vec<u8>, limit: u64) -> Result<Vec<u8>, FrameError> {
    if (payload.len() as u64) < h.data_len {
        return Err(FrameError::Truncated {
            needed: h.data_len - payload.len() as u64,
        });
    }
    if !h.compressed() {
        return Ok(payload);
    }
    inflate(&payload, h.reserved, limit)
}

/// Inflates zlib `data` that must produce exactly `declared` bytes, never more than `limit`.
///
/// # Errors
/// [`FrameError::TooLarge`], [`FrameError::Inflate`], [`FrameError::SizeMismatch`].
pub fn inflate(data: &[u8], declared: u64, limit: u64) -> Result<Vec<u8>, FrameError> {
    if declared > limit {
        return Err(FrameError::TooLarge {
            size: declared,
            limit,
        });
    }
    let cap = usize::try_from(declared.min(64 * 1024)).unwrap_or(64 * 1024);
    let mut out = Vec::with_capacity(cap);
    let mut dec = flate2::read::ZlibDecoder::new(data).take(declared.saturating_add(1));
    dec.read_to_end(&mut out).map_err(|_| FrameError::Inflate)?;
    let actual = out.len() as u64;
    if actual != declared {
        return Err(FrameError::SizeMismatch { declared, actual });
    }
    Ok(out)
}

/// A frame decoded from a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The request body (inflated).
    pub body: Vec<u8>,
    /// Bytes of `buf` the frame took (header + payload).
    pub consumed: usize,
}

/// Decodes one complete frame from the start of `buf`.
///
/// # Errors
/// Any [`FrameError`]; [`FrameError::Truncated`] when `buf` holds only part of a frame.
pub fn decode(buf: &[u8], limit: u64) -> Result<Decoded, FrameError> {
    let h = parse_header(buf, limit)?;
    let start = h.len();
    let len = usize::try_from(h.data_len).map_err(|_| FrameError::TooLarge {
        size: h.data_len,
        limit,
    })?;
    let end = start.saturating_add(len);
    let payload = match buf.get(start..end) {
        Some(p) => p.to_vec(),
        None => {
            return Err(FrameError::Truncated {
                needed: (end - buf.len().min(end)) as u64,
            })
        }
    };
    let body = payload_to_body(&h, payload, limit)?;
    Ok(Decoded {
        body,
        consumed: end,
    })
}

/// Encodes `body` as the DBC node does: `ZBXD`, 0x01, 8-byte little-endian length.
/// (Also a standard Zabbix uncompressed frame.)
pub fn encode(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(&MAGIC);
    out.push(FLAG_PROTOCOL);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Encodes `body` zlib-compressed (flags 0x03), as Zabbix 4.2+ senders with compression do.
pub fn encode_compressed(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(body);
    let data = z.finish().unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + data.len());
    out.extend_from_slice(&MAGIC);
    out.push(FLAG_PROTOCOL | FLAG_COMPRESSED);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

/// Encodes `body` as a Zabbix 5.0+ large packet (flags 0x05, 8-byte DATALEN and RESERVED).
pub fn encode_large(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(LARGE_HEADER_LEN + body.len());
    out.extend_from_slice(&MAGIC);
    out.push(FLAG_PROTOCOL | FLAG_LARGE);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dbc_node_active_checks_header_from_the_spec() {
        let body = br#"{"request":"active checks","host":"7T13qNLVRXZvjSESL2A24F"}"#;
        let f = encode(body);
        assert_eq!(
            &f[..13],
            &[0x5A, 0x42, 0x58, 0x44, 0x01, 0x3B, 0, 0, 0, 0, 0, 0, 0]
        );
        let d = decode(&f, DEFAULT_MAX_FRAME).unwrap();
        assert_eq!(d.body, body);
        assert_eq!(d.consumed, f.len());
    }

    #[test]
    fn compressed_and_large_round_trip() {
        let body = br#"{"request":"sender data","data":[]}"#.repeat(50);
        for f in [encode_compressed(&body), encode_large(&body)] {
            assert_eq!(decode(&f, DEFAULT_MAX_FRAME).unwrap().body, body);
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(decode(b"HTTP/1.1 200", 100), Err(FrameError::BadMagic));
        assert_eq!(
            decode(b"ZBXD\x00aaaaaaaa", 100),
            Err(FrameError::BadFlags(0))
        );
        assert_eq!(
            decode(b"ZBXD\x09aaaaaaaa", 100),
            Err(FrameError::BadFlags(9))
        );
        assert_eq!(
            decode(&encode(b""), 100),
            Err(FrameError::Empty),
            "length 0"
        );
        assert!(matches!(
            decode(&encode(&[b'x'; 101]), 100),
            Err(FrameError::TooLarge { size: 101, .. })
        ));
        let mut f = encode(b"{}");
        f.pop();
        assert_eq!(decode(&f, 100), Err(FrameError::Truncated { needed: 1 }));
        // uncompressed, RESERVED non-zero: the DBC node's length ≥ 4 GiB
        let mut f = encode(b"{}");
        f[9] = 1;
        assert!(matches!(
            decode(&f, DEFAULT_MAX_FRAME),
            Err(FrameError::TooLarge { .. })
        ));
    }

    #[test]
    fn zip_bomb_is_refused_by_declared_and_by_actual_size() {
        let big = vec![b'a'; 4 * 1024 * 1024];
        let mut f = encode_compressed(&big);
        // declared honestly: over a 1 MiB limit before inflating
        assert!(matches!(
            decode(&f, 1024 * 1024),
            Err(FrameError::TooLarge { size, .. }) if size == big.len() as u64
        ));
        // declared 100 bytes (a lie): inflating stops after 101 bytes
        f[9..13].copy_from_slice(&100u32.to_le_bytes());
        assert_eq!(
            decode(&f, 1024 * 1024),
            Err(FrameError::SizeMismatch {
                declared: 100,
                actual: 101
            })
        );
    }
}
