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
///
/// [`ReplyError::Api`] for an error reply, [`ReplyError::Decode`] for a body that is not a reply
/// envelope or whose `message` is not a `T`.
pub fn decode_reply<T: DeserializeOwned>(http_status: u16, body: &[u8]) -> Result<T, ReplyError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `Ok(value)`, `Api(errcode)` or `Decode`, for comparing outcomes.
    fn outcome(status: u16, body: &str) -> String {
        match decode_reply::<Vec<u32>>(status, body.as_bytes()) {
            Ok(v) => format!("ok {v:?}"),
            Err(ReplyError::Api {
                errcode, message, ..
            }) => format!("api {errcode} {message}"),
            Err(ReplyError::Decode { .. }) => "decode".to_owned(),
        }
    }

    #[test]
    fn replies_decode_in_any_member_order_and_errors_are_typed() {
        let cases: &[(u16, &str, &str)] = &[
            (200, r#"{"errcode":0,"message":[1,2,3]}"#, "ok [1, 2, 3]"),
            (200, r#"{"message":[1,2,3],"errcode":0}"#, "ok [1, 2, 3]"),
            (
                200,
                r#"{"errcode":0,"message":[1],"extra":{"a":1}}"#,
                "ok [1]",
            ),
            (200, r#"{"errcode":0,"message":[1],"errcode":0}"#, "decode"),
            (200, r#"{"errcode":0,"message":"not a list"}"#, "decode"),
            (200, r#"{"errcode":-1,"message":"fail"}"#, "api -1 fail"),
            (
                200,
                r#"{"errcode":-1,"message":{"why":1}}"#,
                r#"api -1 {"why":1}"#,
            ),
            (500, r#"{"errcode":0,"message":"server"}"#, "api 0 server"),
            (200, r#"{"errcode":0,"message":[1]} trailing"#, "decode"),
            (200, r#"{"errcode":0}"#, "decode"),
            (200, r#"{"errcode":"0","message":[1]}"#, "decode"),
            (200, "[]", "decode"),
            (200, "", "decode"),
        ];
        for (status, body, want) in cases {
            assert_eq!(outcome(*status, body), *want, "{status} {body}");
        }
    }
}
