//! Validated identifiers: node ids, task ids, session ids, nonces, signatures, rent orders.
//!
//! Every type parses with [`FromStr`] (and serde) and rejects bad input with a
//! [`ValidationError`] that names the field and the rule.

use crate::error::ValidationError;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// True when `s` can be placed in a URL path segment verbatim (the node does no decoding).
pub(crate) fn path_safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#' | b'&' | b'%' | b'"' | b'\\')
        })
}

macro_rules! string_id {
    ($(#[$m:meta])* $name:ident, $field:literal, $pattern:literal, $check:expr) => {
        $(#[$m])*
        ///
        /// Cloning is cheap (a shared, immutable string).
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            /// The wire text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The field name used in error messages.
            pub const FIELD: &'static str = $field;
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, ValidationError> {
                #[allow(clippy::redundant_closure_call)]
                let v: Result<String, &'static str> = ($check)(s);
                v.map(|s| $name(s.into()))
                    .map_err(|rule| ValidationError::new($field, rule))
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(s: String) -> Result<Self, ValidationError> {
                s.parse()
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;
            fn try_from(s: &str) -> Result<Self, ValidationError> {
                s.parse()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern })
            }
        }
    };
}

string_id!(
    /// A GPU node id: the node's sr25519 public key as 64 lower-case hex digits
    /// (upper-case input is normalised to lower case).
    NodeId,
    "peer_nodes_list",
    "^[0-9a-f]{64}$",
    |s: &str| {
        if s.len() != 64 {
            Err("a node id is 64 hex digits")
        } else if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Err("a node id contains only hex digits 0-9a-f")
        } else {
            Ok(s.to_ascii_lowercase())
        }
    }
);

string_id!(
    /// A task (virtual machine) id as it appears in URL paths: generated ids are 20–22
    /// alphanumerics, committee check VMs are `vm_check_<unix seconds>`. It must be safe to put
    /// in a path verbatim (no `/`, `?`, `#`, `&`, `%`, spaces).
    TaskId,
    "task_id",
    "^[A-Za-z0-9_.\\-]{1,128}$",
    |s: &str| {
        if s.is_empty() {
            Err("task_id is empty")
        } else if s == "." || s == ".." {
            Err("`.` and `..` are path navigation, not task ids")
        } else if s.len() > 128 || !path_safe(s) {
            Err("a task id has at most 128 printable characters without '/', '?', '#', '&', '%', quotes or spaces")
        } else {
            Ok(s.to_owned())
        }
    }
);

string_id!(
    /// A renter-issued session id (Base58Check of a UUID, ~55 characters).
    SessionId,
    "session_id",
    "^\\S{1,256}$",
    |s: &str| {
        if s.is_empty() {
            Err("session_id is empty")
        } else if s.len() > 256 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err("a session id has at most 256 characters and no spaces")
        } else {
            Ok(s.to_owned())
        }
    }
);

string_id!(
    /// A single-use nonce (any non-empty string; DBC's `sign_tool` uses Base58Check of a UUID v4).
    Nonce,
    "nonce",
    "^.{1,256}$",
    |s: &str| {
        if s.is_empty() {
            Err("nonce is empty")
        } else if s.len() > 256 {
            Err("a nonce has at most 256 characters")
        } else {
            Ok(s.to_owned())
        }
    }
);

string_id!(
    /// An sr25519 signature as 128 lower-case hex digits. A `0x` prefix and upper-case digits
    /// are accepted on input and normalised away.
    SignatureHex,
    "sign",
    "^[0-9a-f]{128}$",
    |s: &str| {
        let h = s.strip_prefix("0x").unwrap_or(s);
        if h.len() != 128 {
            Err("a signature is 128 hex digits (64 bytes), without 0x")
        } else if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            Err("a signature contains only hex digits 0-9a-f")
        } else {
            Ok(h.to_ascii_lowercase())
        }
    }
);

string_id!(
    /// A chain rent order id (decimal digits), used for per-GPU rentals.
    RentOrder,
    "rent_order",
    "^[0-9]{1,20}$",
    |s: &str| {
        if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
            Err("a rent order id is a decimal number (1-20 digits)")
        } else {
            Ok(s.to_owned())
        }
    }
);

string_id!(
    /// A wallet: an SS58 address (`5…`, 48 characters on DBC) or, for node-key operations,
    /// a 64-hex node id. Only the shape is checked here; `dbc-sign` decodes it.
    Wallet,
    "wallet",
    "^(0x)?[0-9A-Za-z]{40,66}$",
    |s: &str| {
        let body = s.strip_prefix("0x").unwrap_or(s);
        if s.is_empty() {
            Err("wallet is empty")
        } else if body.len() < 40 || body.len() > 66 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Err("a wallet is an SS58 address (48 characters, starting with 5 on DBC) or 64 hex digits")
        } else {
            Ok(s.to_owned())
        }
    }
);

impl NodeId {
    /// A node id made of one repeated hex digit; handy in docs and tests.
    ///
    /// # Errors
    /// A [`ValidationError`] when `digit` is not a hex digit.
    pub fn repeat(digit: char) -> Result<Self, ValidationError> {
        std::iter::repeat_n(digit, 64).collect::<String>().parse()
    }
}
