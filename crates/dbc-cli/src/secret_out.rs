//! Printing secrets on purpose (`key generate`, `sign`): the text is built in one zeroizing
//! buffer of sufficient capacity (never reallocated, so no unzeroized copy is left behind) and
//! written to stdout, instead of going through the generic renderer's intermediate strings.

use crate::error::{CliError, CliResult};
use crate::output::Output;
use std::io::Write;
use zeroize::Zeroizing;

/// An ordered list of `(member, value)` pairs, some of them secret, printed once.
pub struct SecretRows<'a>(pub Vec<(&'static str, &'a str)>);

impl std::fmt::Debug for SecretRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|(k, _)| *k).collect();
        write!(f, "SecretRows({names:?}, values redacted)")
    }
}

use dbc_types::json_text::push_json_string as push_json_str;

impl SecretRows<'_> {
    /// Upper bound of the rendered size (every byte escaped as `\u00XX` at worst).
    fn capacity(&self) -> usize {
        self.0
            .iter()
            .map(|(k, v)| k.len() * 2 + v.len() * 6 + 16)
            .sum::<usize>()
            + 8
    }

    /// Pretty JSON object (the same shape `serde_json::to_string_pretty` gives).
    pub fn to_json(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(self.capacity()));
        s.push('{');
        for (i, (k, v)) in self.0.iter().enumerate() {
            s.push_str(if i == 0 { "\n  " } else { ",\n  " });
            push_json_str(&mut s, k);
            s.push_str(": ");
            push_json_str(&mut s, v);
        }
        s.push_str(if self.0.is_empty() { "}" } else { "\n}" });
        s
    }

    /// An aligned `key: value` block, as the generic human output prints objects.
    pub fn to_human(&self) -> Zeroizing<String> {
        let width = self.0.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut s = Zeroizing::new(String::with_capacity(
            self.capacity() + width * self.0.len(),
        ));
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(k);
            s.push(':');
            for _ in 0..=width.saturating_sub(k.len()) {
                s.push(' ');
            }
            s.push_str(v);
        }
        s
    }

    /// Prints the rows as JSON (`--json`) or as a key/value block, followed by a newline.
    ///
    /// # Errors
    ///
    /// [`CliError::Failed`] when stdout cannot be written (a closed pipe is not an error).
    pub fn emit(&self, out: &Output) -> CliResult {
        let mut text = if out.json {
            self.to_json()
        } else {
            self.to_human()
        };
        text.push('\n');
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(CliError::Failed(format!("cannot write to stdout: {e}"))),
        }
    }
}

/// `bytes` as lower-case hex in a zeroizing string of exact capacity.
pub fn secret_hex(bytes: &[u8]) -> Zeroizing<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = Zeroizing::new(String::with_capacity(bytes.len() * 2));
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_matches_serde_json() {
        let rows = SecretRows(vec![("address", "5Grw"), ("phrase", "a b \"c\"\n\u{1}")]);
        let text = rows.to_json();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(v["phrase"], "a b \"c\"\n\u{1}");
        let reference = serde_json::to_string_pretty(&serde_json::json!({
            "address": "5Grw",
            "phrase": "a b \"c\"\n\u{1}",
        }))
        .unwrap_or_default();
        assert_eq!(text.as_str(), reference);
        assert!(text.capacity() <= rows.capacity());
        assert_eq!(
            rows.to_human().as_str(),
            "address: 5Grw\nphrase:  a b \"c\"\n\u{1}"
        );
        assert!(!format!("{rows:?}").contains("5Grw"));
        assert_eq!(secret_hex(&[0xab, 0x01]).as_str(), "ab01");
    }
}
