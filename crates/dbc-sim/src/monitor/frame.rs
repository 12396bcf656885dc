//! The node's side of the Zabbix framing (MONITOR.md §1), written independently of any receiver:
//! requests are `ZBXD`, `0x01`, the body length as a little-endian `u64`, then the body; replies
//! are read as the node reads them (exactly 13 header bytes, then exactly the announced body).

/// Header length of a request and of a reply.
pub(crate) const HEADER_LEN: usize = 13;
/// Largest reply body the node accepts.
pub(crate) const MAX_REPLY_BODY: usize = 4096;
/// Protocol magic.
pub(crate) const MAGIC: &[u8; 4] = b"ZBXD";

/// A complete request frame for `body` (never compressed, never the 0x04 large form).
pub(crate) fn request(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.push(0x01);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// The reply body length the node reads from a 13-byte header, or `None` when it rejects the
/// header. The node copies the header with `strncat`, which stops at the first zero byte, so a
/// flags byte of 0 or a length whose low byte is 0 (256, 512, …) reads as 0 and is rejected,
/// like a length of 0 or above 4096. The flags byte is otherwise not checked.
pub(crate) fn reply_body_len(header: &[u8; HEADER_LEN]) -> Option<usize> {
    if header.get(..4) != Some(MAGIC.as_slice()) {
        return None;
    }
    let mut copied = [0u8; HEADER_LEN];
    for (dst, &src) in copied.iter_mut().zip(header.iter()) {
        if src == 0 {
            break;
        }
        *dst = src;
    }
    let mut len_bytes = [0u8; 8];
    len_bytes.copy_from_slice(copied.get(5..13)?);
    let len = u64::from_le_bytes(len_bytes);
    if len == 0 || len > MAX_REPLY_BODY as u64 {
        return None;
    }
    usize::try_from(len).ok()
}

/// Whether a reply body means success: a JSON object whose `response` is the string `"success"`.
/// The node reads the body as a C string, so it stops at the first zero byte.
pub(crate) fn reply_is_success(body: &[u8]) -> bool {
    let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
    let text = body.get(..end).unwrap_or_default();
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => {
            m.get("response").and_then(serde_json::Value::as_str) == Some("success")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(flags: u8, len: u64) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[..4].copy_from_slice(MAGIC);
        h[4] = flags;
        h[5..].copy_from_slice(&len.to_le_bytes());
        h
    }

    #[test]
    fn request_frame_is_magic_flag_and_le_u64_length() {
        let f = request(b"{\"a\":1}");
        assert_eq!(&f[..5], b"ZBXD\x01");
        assert_eq!(&f[5..13], &7u64.to_le_bytes());
        assert_eq!(&f[13..], b"{\"a\":1}");
    }

    #[test]
    fn reply_header_rules_follow_the_node() {
        assert_eq!(reply_body_len(&header(1, 59)), Some(59));
        assert_eq!(reply_body_len(&header(1, 4096 - 1)), Some(4095));
        assert_eq!(reply_body_len(&header(1, 0)), None);
        assert_eq!(reply_body_len(&header(1, 4097)), None);
        // strncat stops at a zero byte: multiples of 256 and flags 0 read as length 0.
        assert_eq!(reply_body_len(&header(1, 256)), None);
        assert_eq!(reply_body_len(&header(1, 4096)), None);
        assert_eq!(reply_body_len(&header(0, 59)), None);
        // Flags are otherwise not checked.
        assert_eq!(reply_body_len(&header(2, 59)), Some(59));
        let mut bad = header(1, 59);
        bad[0] = b'X';
        assert_eq!(reply_body_len(&bad), None);
    }

    proptest::proptest! {
        #[test]
        fn any_reply_header_is_judged_without_panic_and_bounded(h in proptest::array::uniform13(proptest::num::u8::ANY)) {
            if let Some(n) = reply_body_len(&h) {
                proptest::prop_assert!((1..=MAX_REPLY_BODY).contains(&n));
                proptest::prop_assert_eq!(&h[..4], MAGIC.as_slice());
                proptest::prop_assert!(h[4] != 0 && h[5] != 0);
            }
        }

        #[test]
        fn any_reply_body_is_judged_without_panic(b in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = reply_is_success(&b);
        }
    }

    #[test]
    fn success_needs_response_success() {
        assert!(reply_is_success(br#"{"response":"success","data":[]}"#));
        assert!(reply_is_success(b"{\"response\":\"success\"}\0garbage"));
        assert!(!reply_is_success(br#"{"response":"failed"}"#));
        assert!(!reply_is_success(b"not json"));
        assert!(!reply_is_success(br#"["response","success"]"#));
    }
}
