//! Reply producers (§2) and the response body type.

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The three reply producers of spec §2 plus raw fault replies.
#[derive(Debug)]
pub(crate) enum Reply {
    /// HTTP-side error: pretty JSON, status 400/404/500.
    Http {
        status: u16,
        errcode: i64,
        message: String,
    },
    /// The `/api/v1/` version reply (pretty, HTTP 200).
    Version,
    /// Pass-through or local reply: compact body (without the trailing `\r\n`), HTTP 200.
    Compact(String),
    /// A raw reply used by fault injection and the body limit.
    Raw {
        status: u16,
        content_type: &'static str,
        body: Bytes,
        broken: bool,
    },
}

impl Reply {
    pub(crate) fn http(status: u16, errcode: i64, message: impl Into<String>) -> Self {
        Reply::Http {
            status,
            errcode,
            message: message.into(),
        }
    }
    /// HTTP 400, -25.
    pub(crate) fn params(message: impl Into<String>) -> Self {
        Self::http(400, -25, message)
    }
    /// HTTP 400, -32600.
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::http(400, -32600, message)
    }
    /// HTTP 500 -32701 "Unhandled request" (the destructor safety net, §3).
    pub(crate) fn unhandled() -> Self {
        Self::http(500, -32701, "Unhandled request")
    }
    /// A compact node/local reply with a string message. The value is **not** escaped.
    // DEFECT (spec §2): node-built values are concatenated without JSON escaping.
    pub(crate) fn node_msg(errcode: i64, message: &str) -> String {
        format!("{{\"errcode\":{errcode}, \"message\":\"{message}\"}}")
    }
    /// A compact success reply whose message is raw JSON text.
    pub(crate) fn node_ok_raw(message_json: &str) -> String {
        format!("{{\"errcode\":0, \"message\":{message_json}}}")
    }
}

/// Pretty-print `{"errcode":..,"message":..}` like rapidjson's PrettyWriter (4 spaces).
pub(crate) fn pretty_error(errcode: i64, message: &str) -> String {
    let msg = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".to_string());
    format!("{{\n    \"errcode\": {errcode},\n    \"message\": {msg}\n}}")
}

/// The version reply body (pretty).
pub(crate) fn pretty_version() -> String {
    "{\n    \"errcode\": 0,\n    \"message\": {\n        \"client_version\": \"0.4.1.8\"\n    }\n}"
        .to_string()
}

/// Response body: a full body, or one that breaks off after a first chunk (fault `DropMidReply`).
#[derive(Debug)]
pub(crate) struct SimBody {
    chunk: Option<Bytes>,
    broken: bool,
    /// For a broken body: wait a little after the first chunk so it is flushed before the abort.
    delay: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl SimBody {
    pub(crate) fn full(b: Bytes) -> Self {
        SimBody {
            chunk: Some(b),
            broken: false,
            delay: None,
        }
    }
    pub(crate) fn broken(b: Bytes) -> Self {
        SimBody {
            chunk: Some(b),
            broken: true,
            delay: None,
        }
    }
}

/// Error yielded by a deliberately broken body.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped mid-reply (injected fault)")]
pub(crate) struct DropError;

impl Body for SimBody {
    type Data = Bytes;
    type Error = DropError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, DropError>>> {
        if let Some(b) = self.chunk.take() {
            if self.broken {
                self.delay = Some(Box::pin(tokio::time::sleep(
                    std::time::Duration::from_millis(50),
                )));
            }
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        if !self.broken {
            return Poll::Ready(None);
        }
        if let Some(d) = self.delay.as_mut() {
            if d.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        self.broken = false;
        self.delay = None;
        Poll::Ready(Some(Err(DropError)))
    }

    fn is_end_stream(&self) -> bool {
        self.chunk.is_none() && !self.broken
    }

    fn size_hint(&self) -> SizeHint {
        match &self.chunk {
            Some(b) if !self.broken => SizeHint::with_exact(b.len() as u64),
            None if !self.broken => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

/// Render a reply into an HTTP response.
pub(crate) fn render(reply: Reply) -> http::Response<SimBody> {
    let (status, ctype, body, broken) = match reply {
        Reply::Http {
            status,
            errcode,
            message,
        } => {
            let mut s = pretty_error(errcode, &message);
            s.push_str("\r\n");
            (status, "application/json", Bytes::from(s), false)
        }
        Reply::Version => {
            let mut s = pretty_version();
            s.push_str("\r\n");
            (200, "application/json", Bytes::from(s), false)
        }
        Reply::Compact(mut s) => {
            s.push_str("\r\n");
            (200, "application/json", Bytes::from(s), false)
        }
        Reply::Raw {
            status,
            content_type,
            body,
            broken,
        } => (status, content_type, body, broken),
    };
    let len = body.len();
    let body = if broken {
        SimBody::broken(body)
    } else {
        SimBody::full(body)
    };
    let mut resp = http::Response::new(body);
    *resp.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(ctype),
    );
    h.insert(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        http::HeaderValue::from_static("*"),
    );
    if broken {
        // Announce the full length but deliver only part of it.
        let full = len.saturating_mul(2).max(len + 1);
        if let Ok(v) = http::HeaderValue::from_str(&full.to_string()) {
            h.insert(http::header::CONTENT_LENGTH, v);
        }
    }
    resp
}
