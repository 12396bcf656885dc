//! Reply bodies a DBC node can read.
//!
//! The node reads a 13-byte header, takes bytes 5–12 as the body length and rejects 0 or more
//! than 4096. It copies the header with `strncat`, which stops at the first zero byte, so a length
//! whose low byte is 0 (256, 512, …) reads as 0 and is rejected too (MONITOR.md §1). Every reply
//! here is at most [`MAX_REPLY`] bytes and its length is never a multiple of 256: a reply that
//! would be is padded with one space (JSON whitespace) before its closing brace.

use std::fmt::Write as _;
use std::time::Duration;

/// The largest body the node accepts.
pub const MAX_REPLY: usize = 4096;

/// Makes `body` (a JSON object) safe for the node: at most 4096 bytes, length not a multiple of
/// 256. An over-long body is replaced by a short failure.
pub fn node_safe(mut body: String) -> String {
    if body.len() > MAX_REPLY || body.is_empty() {
        body = r#"{"response":"failed","info":"reply too long"}"#.to_owned();
    }
    if body.len().is_multiple_of(256) {
        match body.pop() {
            Some(last) => {
                body.push(' ');
                body.push(last);
            }
            None => body.push(' '),
        }
    }
    body
}

/// `{"response":"success","data":[]}`: the reply to `active checks` (no active items).
pub fn active_checks() -> String {
    node_safe(r#"{"response":"success","data":[]}"#.to_owned())
}

/// The reply to `agent data` / `sender data`, in Zabbix's format.
pub fn processed(processed: u64, failed: u64, spent: Duration) -> String {
    let mut s = String::with_capacity(112);
    let _ = write!(
        s,
        r#"{{"response":"success","info":"processed: {processed}; failed: {failed}; total: {}; seconds spent: {:.6}"}}"#,
        processed.saturating_add(failed),
        spent.as_secs_f64()
    );
    node_safe(s)
}

/// A failure reply; `info` is one of this crate's fixed texts (never echoes input).
pub fn failed(info: &str) -> String {
    let mut s = String::with_capacity(40 + info.len());
    s.push_str(r#"{"response":"failed","info":""#);
    for c in info.chars().take(1024) {
        match c {
            '"' | '\\' => {
                s.push('\\');
                s.push(c);
            }
            c if c.is_control() => s.push(' '),
            c => s.push(c),
        }
    }
    s.push_str("\"}");
    node_safe(s)
}

/// The reply frame: `ZBXD`, 0x01, 8-byte length, body (uncompressed, as the node needs).
pub fn frame(body: &str) -> Vec<u8> {
    crate::frame::encode(body.as_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn padding_moves_a_multiple_of_256_off() {
        let body = format!("{{\"a\":\"{}\"}}", "x".repeat(256 - 8));
        assert_eq!(body.len(), 256);
        let safe = node_safe(body);
        assert_eq!(safe.len(), 257);
        assert!(safe.ends_with("\" }"));
        let v: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(v["a"].as_str().unwrap().len(), 248);
    }

    #[test]
    fn over_long_is_replaced() {
        let s = node_safe(format!("{{\"a\":\"{}\"}}", "x".repeat(5000)));
        assert!(s.len() <= MAX_REPLY && s.contains("failed"));
    }
}
