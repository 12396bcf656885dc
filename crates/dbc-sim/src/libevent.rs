//! What libevent's `evhttp` answers by itself, before any DBC handler runs (spec §1.1; the
//! exact replies are UNKNOWN from the DBC sources, §11.3). The simulator follows libevent
//! 2.1's `evhttp_connection_incoming_fail` and `evhttp_send_error`:
//! * a body over `max_body_size` (32 MiB) → HTTP 413 with libevent's HTML error page and
//!   `Connection: close` (the assumed, most likely reply: the DATA_TOO_LONG path);
//! * a body that does not arrive within the connection timeout (30 s), or a connection that
//!   breaks while sending it → the connection is closed **without a reply** (the TIMEOUT /
//!   EOF path frees the request).

use crate::wire::Reply;
use bytes::Bytes;

/// libevent's default `Content-Type` for replies it builds.
const HTML: &str = "text/html; charset=ISO-8859-1";

/// `evhttp_send_error(req, code, NULL)`: libevent's `ERR_FORMAT` page.
pub(crate) fn error_page(code: u16, reason: &str) -> Reply {
    let body = format!(
        "<HTML><HEAD>\n<TITLE>{code} {reason}</TITLE>\n</HEAD><BODY>\n<H1>{reason}</H1>\n</BODY></HTML>\n"
    );
    Reply::Raw {
        status: code,
        content_type: HTML,
        body: Bytes::from(body),
        broken: false,
    }
}

/// A body over 32 MiB.
pub(crate) fn entity_too_large() -> Reply {
    error_page(413, "Request Entity Too Large")
}

/// The connection is closed without a reply (libevent's timeout / EOF path).
#[derive(Debug, thiserror::Error)]
#[error("connection closed without a reply: {0}")]
pub(crate) struct Dropped(pub &'static str);
