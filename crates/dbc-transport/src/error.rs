//! Typed transport errors.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

use crate::connect::ConnectError;
use crate::failure::{ProxyFailure, TlsFailure};

/// Why a TCP connection could not be established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectKind {
    /// The host answered but nothing listens on the port (`ECONNREFUSED`).
    Refused,
    /// The host name could not be resolved.
    Dns,
    /// The host or network is unreachable.
    Unreachable,
    /// Any other connect-phase failure.
    Other,
}

impl fmt::Display for ConnectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectKind::Refused => "connection refused",
            ConnectKind::Dns => "DNS resolution failed",
            ConnectKind::Unreachable => "host or network unreachable",
            ConnectKind::Other => "connect failed",
        })
    }
}

/// Every way a transport operation can fail.
///
/// Errors carry the HTTP method and the request *path* (never the query
/// string, never the body) so they can be logged safely.
///
/// A non-2xx HTTP status is **not** an error: it is returned as a normal
/// [`HttpResponse`](crate::HttpResponse).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The configured base URL is not acceptable.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong and the accepted form.
        reason: String,
    },
    /// A builder setting other than the URL is invalid.
    #[error("invalid transport configuration `{setting}`: {reason}")]
    Config {
        /// The setting name (e.g. `user_agent`).
        setting: &'static str,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The TCP connection could not be established; nothing was sent.
    #[error("{method} {path}: cannot connect to {addr}: {kind} ({detail}); nothing was sent")]
    Connect {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// `host:port` that was dialled.
        addr: String,
        /// Classified cause.
        kind: ConnectKind,
        /// Low-level detail.
        detail: String,
    },
    /// The TCP connect did not complete within the connect timeout; nothing was sent.
    #[error("{method} {path}: connecting to {addr} timed out after {after:?}; nothing was sent, check the address or raise the connect timeout")]
    ConnectTimeout {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// `host:port` that was dialled.
        addr: String,
        /// The configured connect timeout.
        after: Duration,
    },
    /// The whole request (connect + headers + body) did not finish in time.
    #[error("{method} {path}: no complete response within {after:?}; outcome unknown: the server may still have acted, check state before retrying")]
    RequestTimeout {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// The effective request timeout.
        after: Duration,
    },
    /// The connection was closed or reset by the peer.
    #[error("{method} {path}: connection closed by the server {} ({detail}); outcome unknown: the server may still have acted", if *during_body { "while reading the response body" } else { "before a complete response" })]
    ConnectionClosed {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// `true` if the status and headers had been received already.
        during_body: bool,
        /// Low-level detail.
        detail: String,
    },
    /// The response body exceeded the configured limit; reading stopped early.
    #[error("{method} {path}: response body larger than the limit of {limit} bytes; raise max_body_bytes if this is expected")]
    BodyTooLarge {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The TLS handshake with the server failed; nothing was sent.
    #[error(
        "{method} {path}: TLS handshake with {addr} failed: {reason} ({detail}); nothing was sent"
    )]
    Tls {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// `host:port` of the server.
        addr: String,
        /// Why, with what to do about it.
        reason: TlsFailure,
        /// Low-level detail.
        detail: String,
    },
    /// The HTTP proxy could not be used; nothing reached the server.
    #[error("{method} {path}: proxy {proxy}: {reason} ({detail}); nothing was sent to the server")]
    Proxy {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// The proxy, `http://HOST:PORT` (never its credentials).
        proxy: String,
        /// Why, with what to do about it.
        reason: ProxyFailure,
        /// Low-level detail.
        detail: String,
    },
    /// Any other failure (protocol error, mock queue empty, ...).
    #[error("{method} {path}: {detail}")]
    Other {
        /// HTTP method.
        method: String,
        /// Request path (no query).
        path: String,
        /// What happened.
        detail: String,
    },
}

impl TransportError {
    /// `true` when the request may have reached the server, so the server may
    /// have acted even though no response was received
    /// ([`RequestTimeout`](Self::RequestTimeout),
    /// [`ConnectionClosed`](Self::ConnectionClosed)). Do not blindly retry
    /// non-idempotent calls in that case.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(
            self,
            TransportError::RequestTimeout { .. } | TransportError::ConnectionClosed { .. }
        )
    }

    /// `true` when no connection was established and nothing was sent, for a reason that
    /// may pass: a retry is safe ([`Connect`](Self::Connect),
    /// [`ConnectTimeout`](Self::ConnectTimeout), a TLS handshake that timed out, a proxy
    /// that could not be reached or did not answer in time). Certificate and proxy
    /// authentication failures are not: retrying cannot help.
    pub fn is_connect_failure(&self) -> bool {
        matches!(
            self,
            TransportError::Connect { .. }
                | TransportError::ConnectTimeout { .. }
                | TransportError::Tls {
                    reason: TlsFailure::HandshakeTimeout,
                    ..
                }
                | TransportError::Proxy {
                    reason: ProxyFailure::Connect(_) | ProxyFailure::Timeout,
                    ..
                }
        )
    }

    /// The HTTP method of the failed request, if the error is tied to one.
    pub fn method(&self) -> Option<&str> {
        match self {
            TransportError::InvalidUrl { .. } | TransportError::Config { .. } => None,
            TransportError::Connect { method, .. }
            | TransportError::ConnectTimeout { method, .. }
            | TransportError::RequestTimeout { method, .. }
            | TransportError::ConnectionClosed { method, .. }
            | TransportError::BodyTooLarge { method, .. }
            | TransportError::Tls { method, .. }
            | TransportError::Proxy { method, .. }
            | TransportError::Other { method, .. } => non_empty(method),
        }
    }

    /// The request path (without query) of the failed request, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            TransportError::InvalidUrl { .. } | TransportError::Config { .. } => None,
            TransportError::Connect { path, .. }
            | TransportError::ConnectTimeout { path, .. }
            | TransportError::RequestTimeout { path, .. }
            | TransportError::ConnectionClosed { path, .. }
            | TransportError::BodyTooLarge { path, .. }
            | TransportError::Tls { path, .. }
            | TransportError::Proxy { path, .. }
            | TransportError::Other { path, .. } => non_empty(path),
        }
    }
}

fn non_empty(s: &str) -> Option<&str> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

/// Request identity used to build errors (method, path, server address).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReqCtx<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub addr: &'a str,
    /// The proxy in use, as shown in errors (no credentials).
    pub proxy: Option<&'a str>,
    pub connect_timeout: Duration,
}

/// Outcome of classifying a connect-phase error chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectClass {
    Timeout,
    Kind(ConnectKind),
}

/// Render an error and its sources as `a: b: c` (deduplicating repeats).
pub(crate) fn chain_to_string(err: &(dyn StdError + 'static)) -> String {
    let mut out = String::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    let mut last = String::new();
    while let Some(e) = cur {
        let s = e.to_string();
        if s != last && !out.contains(&s) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&s);
        }
        last = s;
        cur = e.source();
    }
    out
}

/// Find the first `io::Error` in an error chain.
fn find_io<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a io::Error> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io);
        }
        cur = e.source();
    }
    None
}

fn chain_has_msg(err: &(dyn StdError + 'static), msg: &str) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.to_string() == msg {
            return true;
        }
        cur = e.source();
    }
    false
}

/// Classify a TCP connect error chain (as produced by hyper-util's `HttpConnector`).
///
/// hyper-util reports a connect timeout as an `io::Error` of kind `TimedOut`
/// under a "tcp connect error"; DNS failures are reported under "dns error".
pub(crate) fn classify_connect(err: &(dyn StdError + 'static)) -> ConnectClass {
    if chain_has_msg(err, "dns error") {
        return ConnectClass::Kind(ConnectKind::Dns);
    }
    match find_io(err).map(io::Error::kind) {
        Some(io::ErrorKind::TimedOut) => ConnectClass::Timeout,
        Some(io::ErrorKind::ConnectionRefused) => ConnectClass::Kind(ConnectKind::Refused),
        Some(
            io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable,
        ) => ConnectClass::Kind(ConnectKind::Unreachable),
        _ => ConnectClass::Kind(ConnectKind::Other),
    }
}

impl ReqCtx<'_> {
    /// Map an error of the connect phase: our connector's typed failures (TLS, proxy), else
    /// a TCP connect failure.
    pub(crate) fn connect_error(&self, err: &(dyn StdError + 'static)) -> TransportError {
        let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
        while let Some(e) = cur {
            if let Some(ce) = e.downcast_ref::<ConnectError>() {
                return match ce {
                    ConnectError::Tcp(inner) => self.tcp_error(&**inner),
                    ConnectError::Tls { reason, detail } => TransportError::Tls {
                        method: self.method.to_owned(),
                        path: self.path.to_owned(),
                        addr: self.addr.to_owned(),
                        reason: *reason,
                        detail: detail.clone(),
                    },
                    ConnectError::Proxy { reason, detail } => self.proxy_error(*reason, detail),
                };
            }
            cur = e.source();
        }
        self.tcp_error(err)
    }

    /// A proxy failure.
    pub(crate) fn proxy_error(&self, reason: ProxyFailure, detail: &str) -> TransportError {
        TransportError::Proxy {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            proxy: self.proxy.unwrap_or("(none)").to_owned(),
            reason,
            detail: detail.to_owned(),
        }
    }

    fn tcp_error(&self, err: &(dyn StdError + 'static)) -> TransportError {
        match classify_connect(err) {
            ConnectClass::Timeout => TransportError::ConnectTimeout {
                method: self.method.to_owned(),
                path: self.path.to_owned(),
                addr: self.addr.to_owned(),
                after: self.connect_timeout,
            },
            ConnectClass::Kind(kind) => TransportError::Connect {
                method: self.method.to_owned(),
                path: self.path.to_owned(),
                addr: self.addr.to_owned(),
                kind,
                detail: chain_to_string(err),
            },
        }
    }

    /// Map an error that happened after the connection was established.
    pub(crate) fn io_error(
        &self,
        err: &(dyn StdError + 'static),
        during_body: bool,
    ) -> TransportError {
        // A malformed response is a protocol error, not a closed connection.
        let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
        while let Some(e) = cur {
            if let Some(h) = e.downcast_ref::<hyper::Error>() {
                if h.is_parse() || h.is_parse_status() || h.is_parse_too_large() {
                    return TransportError::Other {
                        method: self.method.to_owned(),
                        path: self.path.to_owned(),
                        detail: format!(
                            "invalid HTTP response from {}: {}; outcome unknown",
                            self.addr,
                            chain_to_string(err)
                        ),
                    };
                }
            }
            cur = e.source();
        }
        TransportError::ConnectionClosed {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            during_body,
            detail: chain_to_string(err),
        }
    }

    pub(crate) fn timeout(&self, after: Duration) -> TransportError {
        TransportError::RequestTimeout {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            after,
        }
    }

    pub(crate) fn too_large(&self, limit: usize) -> TransportError {
        TransportError::BodyTooLarge {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Msg(&'static str, Option<io::Error>);
    impl fmt::Display for Msg {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Msg {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_ref().map(|e| e as _)
        }
    }

    fn tcp(kind: io::ErrorKind) -> Msg {
        Msg("tcp connect error", Some(io::Error::new(kind, "x")))
    }

    #[test]
    fn classifies_connect_timeout_like_hyper_util_reports_it() {
        // hyper-util wraps tokio's Elapsed into io::ErrorKind::TimedOut under
        // "tcp connect error" when HttpConnector::set_connect_timeout fires.
        assert_eq!(
            classify_connect(&tcp(io::ErrorKind::TimedOut)),
            ConnectClass::Timeout
        );
    }

    #[test]
    fn classifies_connect_kinds() {
        assert_eq!(
            classify_connect(&tcp(io::ErrorKind::ConnectionRefused)),
            ConnectClass::Kind(ConnectKind::Refused)
        );
        assert_eq!(
            classify_connect(&tcp(io::ErrorKind::HostUnreachable)),
            ConnectClass::Kind(ConnectKind::Unreachable)
        );
        assert_eq!(
            classify_connect(&tcp(io::ErrorKind::NetworkUnreachable)),
            ConnectClass::Kind(ConnectKind::Unreachable)
        );
        assert_eq!(
            classify_connect(&Msg("dns error", None)),
            ConnectClass::Kind(ConnectKind::Dns)
        );
        assert_eq!(
            classify_connect(&tcp(io::ErrorKind::PermissionDenied)),
            ConnectClass::Kind(ConnectKind::Other)
        );
    }

    #[test]
    fn typed_connector_failures_are_found_in_the_chain() {
        let ctx = ReqCtx {
            method: "POST",
            path: "/x",
            addr: "node.example:443",
            proxy: Some("http://proxy.example:3128"),
            connect_timeout: Duration::from_secs(1),
        };
        let e = ctx.connect_error(&ConnectError::Tls {
            reason: TlsFailure::UnknownIssuer,
            detail: "invalid peer certificate: UnknownIssuer".into(),
        });
        assert!(
            matches!(&e, TransportError::Tls { reason: TlsFailure::UnknownIssuer, addr, .. } if addr == "node.example:443"),
            "{e:?}"
        );
        assert!(!e.is_connect_failure() && !e.is_outcome_unknown());
        assert!(e.to_string().contains("--cacert"), "{e}");
        let e = ctx.connect_error(&ConnectError::Proxy {
            reason: ProxyFailure::Connect(ConnectKind::Refused),
            detail: "x".into(),
        });
        assert!(
            matches!(&e, TransportError::Proxy { proxy, .. } if proxy == "http://proxy.example:3128"),
            "{e:?}"
        );
        assert!(e.is_connect_failure());
        let e = ctx.connect_error(&ConnectError::Tcp(Box::new(tcp(
            io::ErrorKind::ConnectionRefused,
        ))));
        assert!(matches!(
            e,
            TransportError::Connect {
                kind: ConnectKind::Refused,
                ..
            }
        ));
    }

    #[test]
    fn connect_timeout_error_is_built_and_is_retry_safe() {
        let ctx = ReqCtx {
            method: "POST",
            path: "/api/v1/x",
            addr: "10.0.0.1:5052",
            proxy: None,
            connect_timeout: Duration::from_millis(250),
        };
        let e = ctx.connect_error(&tcp(io::ErrorKind::TimedOut));
        assert!(
            matches!(&e, TransportError::ConnectTimeout { after, addr, .. } if *after == Duration::from_millis(250) && addr == "10.0.0.1:5052"),
            "{e:?}"
        );
        assert!(e.is_connect_failure());
        assert!(!e.is_outcome_unknown());
        assert_eq!(e.method(), Some("POST"));
        assert_eq!(e.path(), Some("/api/v1/x"));
        let t = ctx.timeout(Duration::from_secs(1));
        assert!(t.is_outcome_unknown());
        assert!(!t.is_connect_failure());
        assert!(t
            .to_string()
            .contains("outcome unknown: the server may still have acted"));
    }

    #[test]
    fn chain_rendering_dedups() {
        let e = tcp(io::ErrorKind::ConnectionRefused);
        assert_eq!(chain_to_string(&e), "tcp connect error: x");
    }
}
