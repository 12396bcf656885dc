//! Client-node body parsing (§1.4), envelope checks (§4) and auth pre-checks (§5.1).

use dbc_types::endpoint::{PreCheck, PRECHECK_A_DEFAULT};
use serde_json::{Map, Value};

/// How envelope error messages are prefixed (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    /// No prefix (`/tasks…` etc.).
    Bare,
    /// `"parse req params failed: "`.
    Req,
    /// `"parse request params failed: "` (images, disk) — parse errors carry no offset.
    Request,
}

impl Prefix {
    pub(crate) fn apply(self, msg: &str) -> String {
        match self {
            Prefix::Bare => msg.to_string(),
            Prefix::Req => format!("parse req params failed: {msg}"),
            Prefix::Request => format!("parse request params failed: {msg}"),
        }
    }
}

/// Multisig bundle as sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Multisig {
    pub wallets: Vec<String>,
    pub threshold_text: String,
    pub signs: Vec<(String, String, String)>,
}

impl Multisig {
    /// `atoi` of the threshold text.
    pub(crate) fn threshold(&self) -> i64 {
        atoi(&self.threshold_text)
    }
}

/// The parsed envelope. `Debug` redacts signatures.
#[derive(Clone, Default)]
pub(crate) struct Env {
    pub peer: Option<String>,
    pub additional: Value,
    pub wallet: String,
    pub nonce: String,
    pub sign: String,
    pub multisig: Option<Multisig>,
    pub session_id: String,
    pub session_id_sign: String,
    pub rent_order: String,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("peer", &self.peer)
            .field("wallet", &self.wallet)
            .field("nonce", &self.nonce)
            .field("sign", &"<redacted>")
            .field("multisig", &self.multisig.as_ref().map(|m| m.wallets.len()))
            .field("session_id", &self.session_id)
            .field("session_id_sign", &"<redacted>")
            .field("rent_order", &self.rent_order)
            .finish_non_exhaustive()
    }
}

/// C `atoi`: optional leading whitespace, optional sign, digits; anything else stops; overflow saturates.
pub(crate) fn atoi(s: &str) -> i64 {
    let b = s.trim_start().as_bytes();
    let (neg, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let mut v: i64 = 0;
    for &c in rest {
        if !c.is_ascii_digit() {
            break;
        }
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

/// Map a serde_json error to a rapidjson-like English message.
fn rapid_message(e: &serde_json::Error) -> &'static str {
    let t = e.to_string();
    if t.starts_with("EOF while parsing a value") && e.line() == 1 && e.column() == 0 {
        "The document is empty."
    } else if t.contains("expected `,` or `}`") || t.starts_with("EOF while parsing an object") {
        "Missing a comma or '}' after an object member."
    } else if t.contains("expected `,` or `]`") || t.starts_with("EOF while parsing a list") {
        "Missing a comma or ']' after an array element."
    } else if t.contains("key must be a string") || t.contains("trailing comma") {
        "Missing a name for object member."
    } else if t.contains("expected `:`") {
        "Missing a colon after a name of object member."
    } else if t.contains("trailing characters") {
        "The document root must not be followed by other values."
    } else if t.contains("invalid escape") || t.contains("invalid unicode code point") {
        "Invalid escape character in string."
    } else if t.contains("control character") {
        "Invalid encoding in string."
    } else if t.contains("EOF while parsing a string") {
        "Missing a closing quotation mark in string."
    } else if t.contains("recursion limit") {
        "Terminate parsing due to Handler error."
    } else if t.contains("number out of range") || t.contains("invalid number") {
        "Number too big to be stored in double."
    } else {
        "Invalid value."
    }
}

/// Byte offset of a serde_json error position (line/column are 1-based / byte-based).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut cur_line = 1usize;
    let mut line_start = 0usize;
    for (i, &b) in body.iter().enumerate() {
        if cur_line == line {
            break;
        }
        if b == b'\n' {
            cur_line += 1;
            line_start = i + 1;
        }
    }
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// Parse the request body per §1.4. Returns the object or the error message (without prefix).
pub(crate) fn parse_body(body: &[u8], with_offset: bool) -> Result<Map<String, Value>, String> {
    if body.is_empty() {
        return Err("http request body is empty".into());
    }
    // rapidjson stops at the first NUL byte.
    let body = match body.iter().position(|&b| b == 0) {
        Some(p) => &body[..p],
        None => body,
    };
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            let msg = rapid_message(&e);
            return Err(if with_offset {
                let off = if e.line() == 0 {
                    0
                } else {
                    byte_offset(body, e.line(), e.column())
                };
                format!("json parse error: {msg}({off})")
            } else {
                format!("json parse error: {msg}")
            });
        }
    };
    match v {
        Value::Object(m) => Ok(m),
        _ => Err("invalid json".into()),
    }
}

fn opt_string(m: &Map<String, Value>, key: &str) -> Result<String, String> {
    match m.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{key} is not string")),
    }
}

/// Extract the envelope in the order of §4. Error messages are returned without prefix.
pub(crate) fn parse_envelope(mut m: Map<String, Value>) -> Result<Env, String> {
    let m = &mut m;
    let peer = match m.get("peer_nodes_list") {
        None => return Err("has no peer_nodes_list".into()),
        Some(Value::Array(a)) => match a.first() {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            // The reference aborts on a non-string element (§4 type hazards); we reject it.
            Some(_) => return Err("peer_nodes_list is not array".into()),
        },
        Some(_) => return Err("peer_nodes_list is not array".into()),
    };
    let additional = match m.remove("additional") {
        None => return Err("has no additional".into()),
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err("additional is not object".into()),
    };
    let wallet = opt_string(m, "wallet")?;
    let nonce = opt_string(m, "nonce")?;
    let sign = opt_string(m, "sign")?;
    let multisig = match m.get("multisig_accounts") {
        None => None,
        Some(Value::Object(ms)) => {
            let wallets = match ms.get("wallets") {
                None => return Err("multisig_accounts has no member wallets".into()),
                Some(Value::Array(a)) => {
                    let mut out = Vec::with_capacity(a.len());
                    for w in a {
                        match w {
                            Value::String(s) => out.push(s.clone()),
                            // Crash hazard in the reference (§4); rejected here.
                            _ => return Err("multisig_accounts member wallets is not array".into()),
                        }
                    }
                    out
                }
                Some(_) => return Err("multisig_accounts member wallets is not array".into()),
            };
            let threshold_text = match ms.get("threshold") {
                None => return Err("multisig_accounts has no member threshold".into()),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return Err("multisig_accounts member threshold is not string".into()),
            };
            let signs = match ms.get("signs") {
                None => return Err("multisig_accounts has no member signs".into()),
                Some(Value::Array(a)) => {
                    let mut out = Vec::with_capacity(a.len());
                    for s in a {
                        let get = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
                        match (get("wallet"), get("nonce"), get("sign")) {
                            (Some(w), Some(n), Some(g)) => out.push((w, n, g)),
                            // Crash hazard in the reference (§4); rejected here.
                            _ => return Err("multisig_accounts member signs is not array".into()),
                        }
                    }
                    out
                }
                Some(_) => return Err("multisig_accounts member signs is not array".into()),
            };
            Some(Multisig {
                wallets,
                threshold_text,
                signs,
            })
        }
        Some(_) => return Err("multisig_accounts is not object".into()),
    };
    let session_id = opt_string(m, "session_id")?;
    let session_id_sign = opt_string(m, "session_id_sign")?;
    let rent_order = opt_string(m, "rent_order")?;
    Ok(Env {
        peer,
        additional,
        wallet,
        nonce,
        sign,
        multisig,
        session_id,
        session_id_sign,
        rent_order,
    })
}

/// Multisig syntactic check (b) of §5.1.
fn multisig_syntax_ok(ms: &Option<Multisig>) -> bool {
    let Some(ms) = ms else {
        // The reference reads an uninitialised threshold here; we treat it as failing.
        return false;
    };
    let t = ms.threshold();
    if t < 0 {
        return false; // compared as unsigned
    }
    let t = t as u64;
    if t > ms.wallets.len() as u64 || t > ms.signs.len() as u64 {
        return false;
    }
    ms.signs.iter().all(|(w, n, s)| {
        !w.is_empty() && !n.is_empty() && !s.is_empty() && ms.wallets.iter().any(|x| x == w)
    })
}

fn wallet_sign_present(e: &Env) -> bool {
    !e.wallet.is_empty() && !e.nonce.is_empty() && !e.sign.is_empty()
}

/// Run a pre-check; `Err(message)` on failure.
pub(crate) fn precheck(p: PreCheck, e: &Env) -> Result<(), &'static str> {
    match p {
        PreCheck::A(msg) => {
            if (!e.session_id.is_empty() && !e.session_id_sign.is_empty())
                || wallet_sign_present(e)
                || multisig_syntax_ok(&e.multisig)
            {
                Ok(())
            } else {
                Err(msg)
            }
        }
        PreCheck::B => {
            if wallet_sign_present(e) || multisig_syntax_ok(&e.multisig) {
                Ok(())
            } else {
                Err(PRECHECK_A_DEFAULT)
            }
        }
        PreCheck::C => {
            if wallet_sign_present(e) {
                Ok(())
            } else {
                Err("invalid wallet sign")
            }
        }
        // PreCheck::None (written as a wildcard: the registry's enum may grow).
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_semantics() {
        assert_eq!(atoi("12abc"), 12);
        assert_eq!(atoi("-1"), -1);
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi("  7"), 7);
        assert_eq!(atoi(""), 0);
    }

    #[test]
    fn parse_error_offset_spec_1_4() {
        let e =
            parse_body(br#"{"peer_nodes_list": [], "additional": {} "x": 1}"#, true).unwrap_err();
        assert!(
            e.starts_with("json parse error: Missing a comma or '}' after an object member.("),
            "{e}"
        );
        let e = parse_body(b"[1]", true).unwrap_err();
        assert_eq!(e, "invalid json");
        let e = parse_body(b"{", false).unwrap_err();
        assert!(!e.contains('('), "{e}");
    }
}
