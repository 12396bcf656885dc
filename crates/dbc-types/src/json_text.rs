//! JSON string literals written into the caller's buffer, for code that writes JSON by hand:
//! no intermediate `String`, so a zeroizing buffer holding a secret leaves no copy behind.

/// Appends `s` to `out` as a JSON string literal: quoted, with `"` and `\` escaped and control
/// characters written as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00xx`. Grows `out` only.
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::push_json_string;

    #[test]
    fn every_string_reads_back_as_itself() {
        let cases = [
            "",
            "plain",
            "a\"b\\c\n\r\t",
            "\u{1}\u{8}\u{c}\u{1f}\u{7f}",
            "ünïcödé ✓ 𝄞",
        ];
        for s in cases {
            let mut out = String::new();
            push_json_string(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{out}: {e}"));
            assert_eq!(back, s, "{out}");
        }
        let mut out = String::new();
        push_json_string(&mut out, "x\u{1}");
        assert_eq!(out, "\"x\\u0001\"");
    }
}
