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
        /// The start of the body (at most [`BODY_EXCERPT_LIMIT`] bytes, lossy UTF-8).
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

/// The first [`BODY_EXCERPT_LIMIT`] bytes of `body` as text.
pub fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_LIMIT)];
    String::from_utf8_lossy(cut).into_owned()
}

/// Decodes a reply body into the success type `T`.
///
/// Success means HTTP 200 **and** `errcode == 0` (spec §2). Any other well-formed envelope
/// becomes [`ReplyError::Api`]; anything else [`ReplyError::Decode`] with a body excerpt.
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
