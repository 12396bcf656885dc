//! Repair of the node's one known invalid JSON: a NaN float is written as nothing, so
//! `memory.usage` of a VM whose balloon reports total 0 arrives as `"value":,` (MONITOR.md §4).
//! Outside strings, a `:` followed (after whitespace) by `,` or `}` gets a `null` inserted; the
//! item then fails alone and the frame's other items are still stored.

use std::borrow::Cow;

/// Returns `body` with every empty member value replaced by `null` (borrowed when there is none).
pub fn repair_empty_values(body: &[u8]) -> Cow<'_, [u8]> {
    if !needs_repair(body) {
        return Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len() + 16);
    let mut in_str = false;
    let mut escaped = false;
    let mut after_colon = false;
    for &b in body {
        if in_str {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        if after_colon && !b.is_ascii_whitespace() {
            if b == b',' || b == b'}' {
                out.extend_from_slice(b"null");
            }
            after_colon = false;
        }
        match b {
            b'"' => in_str = true,
            b':' => after_colon = true,
            _ => {}
        }
        out.push(b);
    }
    if after_colon {
        out.extend_from_slice(b"null");
    }
    Cow::Owned(out)
}

/// Fast check: is there a `:` followed by optional whitespace and `,`/`}` outside a string?
fn needs_repair(body: &[u8]) -> bool {
    let mut in_str = false;
    let mut escaped = false;
    let mut after_colon = false;
    for &b in body {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        if after_colon && !b.is_ascii_whitespace() {
            if b == b',' || b == b'}' {
                return true;
            }
            after_colon = false;
        }
        match b {
            b'"' => in_str = true,
            b':' => after_colon = true,
            _ => {}
        }
    }
    after_colon
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nan_value_becomes_null_and_strings_are_untouched() {
        let s = br#"{"key":"memory.usage","value":,"clock":1,"x":"a:,b","y": }"#;
        let fixed = repair_empty_values(s);
        let v: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
        assert!(v["value"].is_null());
        assert!(v["y"].is_null());
        assert_eq!(v["x"], "a:,b");
        assert_eq!(v["clock"], 1);
    }

    #[test]
    fn valid_json_is_borrowed() {
        let s = br#"{"a":"\":,","b":[1,2]}"#;
        assert!(matches!(repair_empty_values(s), Cow::Borrowed(_)));
    }
}
