//! Masking secret members in excerpts of reply bodies.
//!
//! An undecodable reply is reported with the start of its body, so that a user can see what the
//! node sent. Replies may carry secrets (a VM's `login_password`, `vnc_password`, a bare-metal
//! `node_private_key`, an echoed `session_id_sign` or `sign`), so the values of such members are
//! replaced by `***` before the excerpt is kept. The scanner is tolerant: the body may be
//! truncated or not JSON at all.

/// Text that replaces a secret member's value.
pub const MASK: &str = "***";

/// True for object members whose value is a secret (case-insensitive): `sign`,
/// `session_id_sign`, any name containing `password`, `passwd`, `private_key`, `secret`,
/// `mnemonic` or `seed`, and a few others.
pub fn is_secret_member(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const EXACT: &[&str] = &["sign", "phrase", "token", "suri", "session_sign"];
    const PARTS: &[&str] = &[
        "password",
        "passwd",
        "private_key",
        "privatekey",
        "secret",
        "mnemonic",
        "seed",
    ];
    EXACT.contains(&n.as_str()) || n.ends_with("_sign") || PARTS.iter().any(|p| n.contains(p))
}

/// The end (exclusive) of the JSON string starting with the quote at `start`, or the end of
/// `b` when it is not terminated.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end (exclusive) of the value starting at `i`: a string, or an object/array (brackets
/// balanced, strings skipped), or a scalar up to the next `,`, `}` or `]`.
fn value_end(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => string_end(b, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') {
                j += 1;
            }
            j
        }
    }
}

/// `body` with the value of every secret member (see [`is_secret_member`]) replaced by `"***"`.
/// Anything that is not a member of a JSON object is copied unchanged.
///
/// ```
/// let body = br#"{"errcode":0,"message":{"login_password":"hunter2","ssh_port":"22"}}"#;
/// let masked = dbc_types::redact::mask_secrets(body);
/// assert_eq!(masked, br#"{"errcode":0,"message":{"login_password":"***","ssh_port":"22"}}"#);
/// ```
pub fn mask_secrets(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'"' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let end = string_end(body, i);
        out.extend_from_slice(&body[i..end]);
        let colon = skip_ws(body, end);
        let is_key = body.get(colon) == Some(&b':');
        let name = body.get(i + 1..end.saturating_sub(1)).unwrap_or_default();
        let secret = is_key && std::str::from_utf8(name).is_ok_and(is_secret_member);
        if !secret {
            i = end;
            continue;
        }
        let value_at = skip_ws(body, colon + 1);
        out.extend_from_slice(&body[end..value_at]);
        if value_at >= body.len() {
            i = value_at;
            continue;
        }
        out.push(b'"');
        out.extend_from_slice(MASK.as_bytes());
        out.push(b'"');
        i = value_end(body, value_at);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        String::from_utf8(mask_secrets(s.as_bytes())).unwrap_or_default()
    }

    #[test]
    fn masks_every_shape() {
        assert_eq!(
            m(r#"{"sign":"abc","nonce":"n","session_id_sign":"x\"y"}"#),
            r#"{"sign":"***","nonce":"n","session_id_sign":"***"}"#
        );
        assert_eq!(
            m(r#"{"node_private_key" : {"a":[1,"]"]}, "vnc_password":123}"#),
            r#"{"node_private_key" : "***", "vnc_password":"***"}"#
        );
        // truncated in the middle of a secret value
        assert_eq!(
            m(r#"{"login_password":"hunt"#),
            r#"{"login_password":"***""#
        );
        // a secret name as a value is not a member
        assert_eq!(m(r#"["password","sign"]"#), r#"["password","sign"]"#);
        assert_eq!(m("not json"), "not json");
        assert_eq!(m(r#"{"password":"#), r#"{"password":"#);
    }
}
