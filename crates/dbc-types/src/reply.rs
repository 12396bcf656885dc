//! The reply envelope `{"errcode": int, "message": ...}` (spec §2) and its decoding.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `errcode` of a successful reply.
pub const SUCCESS: i64 = 0;

/// A raw reply: the errcode and an undecoded `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply<M = serde_json::Value> {
    /// 0 on success; see spec §3 for the others.
    pub errcode: i64,
    /// The result on success, a human-readable string on failure.
    pub message: M,
}

/// Longest body excerpt kept in a [`ReplyError::Decode`].
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// Why a reply could not be turned into the endpoint's success type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// The node (or client node) answered with an error: HTTP status not 200 or `errcode != 0`.
    Api {
        /// HTTP status of the reply.
        http_status: u16,
        /// The reply's `errcode`.
        errcode: i64,
        /// The reply's `message` (a string for every error the node emits).
        message: String,
    },
    /// The body is not the JSON the endpoint promises.
    Decode {
        /// HTTP status of the reply.
        http_status: u16,
        /// What was wrong (serde's message).
        reason: String,
        /// The start of the body (at most [`BODY_EXCERPT_LIMIT`] bytes, lossy UTF-8), with the
        /// values of secret members masked.
        body_excerpt: String,
    },
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::Api {
                http_status,
                errcode,
                message,
            } => write!(f, "errcode {errcode} (HTTP {http_status}): {message}"),
            ReplyError::Decode {
                http_status,
                reason,
                body_excerpt,
            } => write!(
                f,
                "undecodable reply (HTTP {http_status}): {reason}; body starts: {body_excerpt:?}"
            ),
        }
    }
}

impl std::error::Error for ReplyError {}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of `body` as text, with the values of secret members
/// (`login_password`, `session_id_sign`, `sign`, …) masked (see [`crate::redact`]).
pub fn excerpt(body: &[u8]) -> String {
    let cut = body.get(..BODY_EXCERPT_LIMIT).unwrap_or(body);
    String::from_utf8_lossy(&crate::redact::mask_secrets(cut)).into_owned()
}

/// Decodes a reply body into the success type `T`.
///
/// Success means HTTP 200 **and** `errcode == 0` (spec §2). Any other well-formed envelope
/// becomes [`ReplyError::Api`]; anything else [`ReplyError::Decode`] with a body excerpt.
///
/// # Errors
/// [`ReplyError::Api`] for an error reply, [`ReplyError::Decode`] for a body that is not
/// a reply carrying a `T`.
pub fn decode_reply<T: DeserializeOwned>(http_status: u16, body: &[u8]) -> Result<T, ReplyError> {
    if http_status == 200 {
        // One pass for the usual success reply (`errcode` 0 written before `message`).
        // Anything else, errors included, takes the general path below, which gives the
        // precise error.
        let mut de = serde_json::Deserializer::from_slice(body);
        if let Ok(Fast::Success(v)) = Fast::<T>::deserialize(&mut de) {
            if de.end().is_ok() {
                return Ok(v);
            }
        }
    }
    decode_general(http_status, body)
}

/// The general decoding: any member order, precise errors.
fn decode_general<T: DeserializeOwned>(http_status: u16, body: &[u8]) -> Result<T, ReplyError> {
    let decode_err = |reason: String| ReplyError::Decode {
        http_status,
        reason,
        body_excerpt: excerpt(body),
    };
    // `message` is kept as raw text and decoded once, straight into `T` (no `Value` tree)
    let reply: Reply<&serde_json::value::RawValue> =
        serde_json::from_slice(body).map_err(|e| decode_err(e.to_string()))?;
    if http_status != 200 || reply.errcode != SUCCESS {
        let raw = reply.message.get();
        let message = match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => raw.to_owned(),
        };
        return Err(ReplyError::Api {
            http_status,
            errcode: reply.errcode,
            message,
        });
    }
    serde_json::from_str(reply.message.get()).map_err(|e| {
        decode_err(format!(
            "message does not match the endpoint's result type: {e}"
        ))
    })
}

/// The one-pass success decoding of [`decode_reply`].
enum Fast<T> {
    /// `errcode` 0 came first and `message` decoded as `T`.
    Success(T),
    /// Not the usual shape; decode the general way.
    Other,
}

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Fast<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for V<T> {
            type Value = Fast<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a DBC reply object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Fast<T>, A::Error> {
                if m.next_key::<std::borrow::Cow<'de, str>>()?.as_deref() != Some("errcode")
                    || m.next_value::<i64>()? != SUCCESS
                    || m.next_key::<std::borrow::Cow<'de, str>>()?.as_deref() != Some("message")
                {
                    return Ok(Fast::Other);
                }
                let value = m.next_value::<T>()?;
                while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "errcode" || key == "message" {
                        return Ok(Fast::Other); // duplicate member: let the general path judge
                    }
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(Fast::Success(value))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both<T: DeserializeOwned + PartialEq + fmt::Debug>(status: u16, body: &[u8]) {
        assert_eq!(
            decode_reply::<T>(status, body),
            decode_general::<T>(status, body),
            "{}",
            String::from_utf8_lossy(body)
        );
    }

    #[test]
    fn the_one_pass_path_agrees_with_the_general_one() {
        let cases: &[&str] = &[
            r#"{"errcode":0,"message":[1,2,3]}"#,
            r#"{"message":[1,2,3],"errcode":0}"#,
            r#"{"errcode":0,"message":[1,2,3],"extra":{"a":1}}"#,
            r#"{"errcode":0,"message":[1,2,3],"errcode":0}"#,
            r#"{"errcode":0,"message":"not a list"}"#,
            r#"{"errcode":-1,"message":"fail"}"#,
            r#"{"errcode":0,"message":[1]} trailing"#,
            r#"{"errcode":0}"#,
            r#"{"errcode":"0","message":[1]}"#,
            r#"[]"#,
            r#""#,
        ];
        for c in cases {
            for status in [200, 500] {
                both::<Vec<u32>>(status, c.as_bytes());
                both::<serde_json::Value>(status, c.as_bytes());
            }
        }
    }

    proptest! {
        #[test]
        fn one_pass_agrees_on_generated_replies(
            errcode in prop_oneof![Just(0i64), any::<i64>()],
            list in proptest::collection::vec(any::<u32>(), 0..4),
            text in ".{0,12}",
            order in 0u8..3,
            status in prop_oneof![Just(200u16), Just(404u16)],
        ) {
            let message = if text.len() % 2 == 0 { serde_json::json!(list) } else { serde_json::json!(text) };
            let e = serde_json::json!(errcode).to_string();
            let m = message.to_string();
            let body = match order {
                0 => format!(r#"{{"errcode":{e},"message":{m}}}"#),
                1 => format!(r#"{{"message":{m},"errcode":{e}}}"#),
                _ => format!(r#"{{"errcode":{e},"message":{m},"x":[{m}]}}"#),
            };
            prop_assert_eq!(decode_reply::<Vec<u32>>(status, body.as_bytes()), decode_general::<Vec<u32>>(status, body.as_bytes()));
            prop_assert_eq!(decode_reply::<serde_json::Value>(status, body.as_bytes()), decode_general::<serde_json::Value>(status, body.as_bytes()));
        }
    }
}
