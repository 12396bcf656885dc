//! The request envelope of spec §4: `peer_nodes_list`, `additional`, one credential and an
//! optional `rent_order`, serialised to the flat wire members.

use crate::error::{invalid, Validate, ValidationError};
use crate::ids::{NodeId, Nonce, RentOrder, SessionId, SignatureHex, Wallet};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::Zeroizing;

/// One wallet's signature over its own nonce: the `wallet`/`nonce`/`sign` triple.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WalletSign {
    /// The signer's SS58 address (or node id for bare-metal manager keys).
    pub wallet: Wallet,
    /// A nonce never used before on the target node.
    pub nonce: Nonce,
    /// sr25519 signature of the nonce's UTF-8 bytes, 128 hex digits.
    pub sign: SignatureHex,
}

/// The `multisig_accounts` bundle: all member wallets, the threshold (a decimal **string** on the
/// wire) and at least `threshold` member signatures, each over its own nonce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MultisigBundle {
    /// Every member of the multisig account, in the order the renter registered them.
    pub wallets: Vec<Wallet>,
    /// How many members must sign; written as a decimal string.
    #[serde(with = "crate::numstr::num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub threshold: u16,
    /// The members' signatures (each over its own fresh nonce).
    pub signs: Vec<WalletSign>,
}

impl Validate for MultisigBundle {
    /// The checks a GPU node applies (spec §5.4), with the node's wording, plus one the node
    /// lacks: a member signing twice is refused here (the node would count it twice toward the
    /// threshold, `DEFECT (spec §5.4)`).
    fn validate(&self) -> Result<(), ValidationError> {
        if self.wallets.is_empty() {
            return invalid(
                "multisig_accounts.wallets",
                "multisig wallet is emtpty [sic]: list every member wallet",
            );
        }
        if self.threshold == 0 {
            return invalid(
                "multisig_accounts.threshold",
                "threshold is invalid: it must be greater than 0",
            );
        }
        if usize::from(self.threshold) > self.wallets.len() {
            return invalid(
                "multisig_accounts.threshold",
                "threshold is invalid: it must not exceed the number of wallets",
            );
        }
        if usize::from(self.threshold) > self.signs.len() {
            return invalid(
                "multisig_accounts.signs",
                "threshold is invalid: fewer signatures than the threshold",
            );
        }
        for (i, s) in self.signs.iter().enumerate() {
            if !self.wallets.contains(&s.wallet) {
                return invalid(
                    "multisig_accounts.signs",
                    format!("multisig sign_wallet {} not found in wallets", s.wallet),
                );
            }
            if self.signs[..i].iter().any(|o| o.wallet == s.wallet) {
                return invalid(
                    "multisig_accounts.signs",
                    format!(
                        "wallet {} signed twice; each member signs at most once",
                        s.wallet
                    ),
                );
            }
        }
        Ok(())
    }
}

/// The renter's signature of a `session_id`. Anyone holding it (with the id) can act as the
/// renter on that node, so it is a secret: zeroized on drop and redacted in `Debug`.
/// Clones share one zeroizing buffer (cheap per request), wiped when the last clone drops.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionIdSign(std::sync::Arc<Zeroizing<String>>);

impl SessionIdSign {
    /// Wraps a signature hex string (128 hex digits, optional `0x`).
    ///
    /// # Errors
    /// A [`ValidationError`] unless `hex` is 128 hex digits (optionally `0x`-prefixed).
    pub fn new(hex: &str) -> Result<Self, ValidationError> {
        let h = hex.strip_prefix("0x").unwrap_or(hex);
        if h.len() != 128 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return invalid(
                "session_id_sign",
                "a session_id_sign is 128 hex digits (64 bytes)",
            );
        }
        Ok(Self(std::sync::Arc::new(Zeroizing::new(
            h.to_ascii_lowercase(),
        ))))
    }

    /// The hex text, for putting on the wire. Do not log it.
    pub fn expose_secret(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for SessionIdSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionIdSign(** redacted **)")
    }
}

impl Serialize for SessionIdSign {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for SessionIdSign {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Zeroizing::new(String::deserialize(d)?);
        SessionIdSign::new(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for SessionIdSign {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SessionIdSign".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9a-f]{128}$" })
    }
}

/// Which credential a request carries (spec §4, §5). Serialises to the flat wire members.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Credential {
    /// No credential (endpoints with auth `none`).
    #[default]
    None,
    /// A tenant wallet's signature over a fresh nonce.
    Wallet(WalletSign),
    /// A multisig renter's bundle.
    Multisig(MultisigBundle),
    /// A renter-issued session: the id and the renter's signature of it.
    Session {
        /// The session id issued by the GPU node.
        session_id: SessionId,
        /// The renter's signature of the session id (secret).
        session_id_sign: SessionIdSign,
    },
}

impl Credential {
    /// A session credential for a third party who was handed both values.
    pub fn session(session_id: SessionId, session_id_sign: SessionIdSign) -> Self {
        Credential::Session {
            session_id,
            session_id_sign,
        }
    }

    /// A short name of the credential kind, safe to log.
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::None => "none",
            Credential::Wallet(_) => "wallet",
            Credential::Multisig(_) => "multisig",
            Credential::Session { .. } => "session",
        }
    }

    /// True for the signature-based kinds (wallet, multisig).
    pub fn is_signature(&self) -> bool {
        matches!(self, Credential::Wallet(_) | Credential::Multisig(_))
    }
}

impl Validate for Credential {
    fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Credential::Multisig(m) => m.validate(),
            _ => Ok(()),
        }
    }
}

/// A complete request body: target node, endpoint parameters, credential and rent order.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<A> {
    /// The target GPU node (`peer_nodes_list[0]`); `None` sends `[]` (local mode).
    pub peer: Option<NodeId>,
    /// The endpoint's parameters (`additional`).
    pub additional: A,
    /// The credential.
    pub credential: Credential,
    /// The chain rent order, for per-GPU rentals.
    pub rent_order: Option<RentOrder>,
}

impl<A: Default> Envelope<A> {
    /// An envelope for `peer` with default parameters and no credential.
    pub fn to(peer: Option<NodeId>) -> Self {
        Envelope {
            peer,
            additional: A::default(),
            credential: Credential::None,
            rent_order: None,
        }
    }
}

impl<A: Serialize> Serialize for Envelope<A> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        let peers: &[NodeId] = match &self.peer {
            Some(p) => std::slice::from_ref(p),
            None => &[],
        };
        m.serialize_entry("peer_nodes_list", peers)?;
        m.serialize_entry("additional", &self.additional)?;
        match &self.credential {
            Credential::None => {}
            Credential::Wallet(w) => {
                m.serialize_entry("wallet", &w.wallet)?;
                m.serialize_entry("nonce", &w.nonce)?;
                m.serialize_entry("sign", &w.sign)?;
            }
            Credential::Multisig(b) => m.serialize_entry("multisig_accounts", b)?,
            Credential::Session {
                session_id,
                session_id_sign,
            } => {
                m.serialize_entry("session_id", session_id)?;
                m.serialize_entry("session_id_sign", session_id_sign)?;
            }
        }
        if let Some(r) = &self.rent_order {
            m.serialize_entry("rent_order", r)?;
        }
        m.end()
    }
}

impl<A: Serialize> Envelope<A> {
    /// The wire JSON of this envelope: byte for byte what `serde_json::to_vec(self)` writes,
    /// but the fixed members are written directly and the identifier strings are copied
    /// without an escape scan when they need no escaping (they almost never do: ids are hex,
    /// base58 or decimal). `additional` and a multisig bundle still go through serde.
    ///
    /// ```
    /// use dbc_types::{Credential, Envelope, NodeId};
    /// let node: NodeId = "ab".repeat(32).parse()?;
    /// let env = Envelope { peer: Some(node), additional: serde_json::json!({"x": "a \"quoted\" word"}),
    ///                      credential: Credential::None, rent_order: None };
    /// assert_eq!(env.to_json_vec()?, serde_json::to_vec(&env)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// serde's error when `additional` cannot be serialised.
    pub fn to_json_vec(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(b"{\"peer_nodes_list\":[");
        if let Some(p) = &self.peer {
            json_safe(&mut out, p.as_ref());
        }
        out.extend_from_slice(b"],\"additional\":");
        serde_json::to_writer(&mut out, &self.additional)?;
        match &self.credential {
            Credential::None => {}
            Credential::Wallet(w) => {
                out.extend_from_slice(b",\"wallet\":");
                json_safe(&mut out, w.wallet.as_ref());
                out.extend_from_slice(b",\"nonce\":");
                json_str(&mut out, w.nonce.as_ref())?;
                out.extend_from_slice(b",\"sign\":");
                json_safe(&mut out, w.sign.as_ref());
            }
            Credential::Multisig(b) => {
                out.extend_from_slice(b",\"multisig_accounts\":");
                serde_json::to_writer(&mut out, b)?;
            }
            Credential::Session {
                session_id,
                session_id_sign,
            } => {
                out.extend_from_slice(b",\"session_id\":");
                json_str(&mut out, session_id.as_ref())?;
                out.extend_from_slice(b",\"session_id_sign\":");
                json_safe(&mut out, session_id_sign.expose_secret());
            }
        }
        if let Some(r) = &self.rent_order {
            out.extend_from_slice(b",\"rent_order\":");
            serde_json::to_writer(&mut out, r)?;
        }
        out.push(b'}');
        Ok(out)
    }
}

/// Writes a string whose type admits only hex digits or ASCII letters and digits (`NodeId`,
/// `Wallet`, `SignatureHex`, `SessionIdSign`): nothing in it can need escaping, so it is
/// copied without a scan (a unit test holds each of those types to that).
fn json_safe(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!needs_escape(s), "not JSON-safe: {s:?}");
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Whether serde_json would escape anything in `s` (`"`, `\\` or a control character).
fn needs_escape(s: &str) -> bool {
    // branch-free with no early exit, so the compiler can vectorise the scan
    let mut flags = 0u8;
    for &b in s.as_bytes() {
        flags |= u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
    }
    flags != 0
}

/// Writes `s` as a JSON string: copied as is when it has nothing to escape (no `"`, `\\` or
/// control character), else through serde_json's escaper.
fn json_str(out: &mut Vec<u8>, s: &str) -> Result<(), serde_json::Error> {
    if needs_escape(s) {
        return serde_json::to_writer(out, s);
    }
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

#[derive(Deserialize)]
#[serde(bound = "A: DeserializeOwned")]
struct RawEnvelope<A> {
    peer_nodes_list: Vec<String>,
    additional: A,
    wallet: Option<Wallet>,
    nonce: Option<Nonce>,
    sign: Option<SignatureHex>,
    multisig_accounts: Option<MultisigBundle>,
    session_id: Option<SessionId>,
    session_id_sign: Option<SessionIdSign>,
    rent_order: Option<RentOrder>,
}

impl<'de, A: DeserializeOwned> Deserialize<'de> for Envelope<A> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = RawEnvelope::<A>::deserialize(d)?;
        let peer = match raw.peer_nodes_list.first() {
            None => None,
            Some(p) => Some(p.parse::<NodeId>().map_err(D::Error::custom)?),
        };
        let credential = if let (Some(session_id), Some(session_id_sign)) =
            (raw.session_id, raw.session_id_sign)
        {
            Credential::Session {
                session_id,
                session_id_sign,
            }
        } else if let Some(b) = raw.multisig_accounts {
            Credential::Multisig(b)
        } else if let (Some(wallet), Some(nonce), Some(sign)) = (raw.wallet, raw.nonce, raw.sign) {
            Credential::Wallet(WalletSign {
                wallet,
                nonce,
                sign,
            })
        } else {
            Credential::None
        };
        Ok(Envelope {
            peer,
            additional: raw.additional,
            credential,
            rent_order: raw.rent_order,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::json_str;
    use proptest::prelude::*;
    use proptest::prop_assert;

    fn check(s: &str) {
        let mut fast = Vec::new();
        json_str(&mut fast, s).unwrap();
        assert_eq!(fast, serde_json::to_vec(s).unwrap(), "{s:?}");
    }

    #[test]
    fn strings_that_need_escaping_match_serde() {
        for s in [
            "",
            "plain",
            "a\"b",
            "back\\slash",
            "tab\tnew\nline",
            "\u{0}\u{1f}",
            "\u{7f}",
            "ünïcödé ✓",
            "\"",
            "\\",
            "end\u{1}",
        ] {
            check(s);
        }
    }

    proptest! {
        #[test]
        fn any_string_matches_serde(s in any::<String>()) {
            check(&s);
        }

        /// The types written by `json_safe` reject every character that JSON would escape.
        #[test]
        fn safe_id_types_never_hold_escapable_text(s in any::<String>(), bad in prop::sample::select(vec!['"', '\\', '\n', '\u{0}', '\u{1f}'])) {
            for text in [format!("{s}{bad}"), format!("{bad}{s}"), format!("{}{bad}", "a".repeat(63)), format!("{}{bad}", "a".repeat(127))] {
                prop_assert!(text.parse::<crate::NodeId>().is_err());
                prop_assert!(text.parse::<crate::Wallet>().is_err());
                prop_assert!(text.parse::<crate::SignatureHex>().is_err());
                prop_assert!(super::SessionIdSign::new(&text).is_err());
            }
            for ok in [s.parse::<crate::NodeId>().ok().map(|v| v.as_str().to_owned()),
                       s.parse::<crate::Wallet>().ok().map(|v| v.as_str().to_owned()),
                       s.parse::<crate::SignatureHex>().ok().map(|v| v.as_str().to_owned())].into_iter().flatten() {
                prop_assert!(!super::needs_escape(&ok));
            }
        }
    }
}
