#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

mod connect;
mod error;
mod failure;
mod proxy;
#[cfg(feature = "rustls")]
mod tls;
mod transport;
mod url;

#[cfg(feature = "test-util")]
pub mod mock;

pub use error::{ConnectKind, TransportError};
pub use failure::{ProxyFailure, TlsFailure};
pub use proxy::Proxy;
pub use transport::{HttpTransport, HttpTransportBuilder};
pub use url::{is_loopback_host, redact_userinfo};

/// How many times this process has loaded the default TLS trust roots: 0 until the first
/// transport to an `https://` URL is built, then 1 (they are cached). Plain-HTTP processes
/// never pay for reading and parsing them.
pub fn trust_roots_loaded() -> usize {
    #[cfg(feature = "rustls")]
    {
        tls::root_loads()
    }
    #[cfg(not(feature = "rustls"))]
    {
        0
    }
}

/// A boxed, `Send` future (object-safe async return type).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An HTTP request relative to the transport's base URL.
///
/// `Debug` shows the body length only, never its content.
#[derive(Clone)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: http::Method,
    /// Path and optional query, starting with `/` (e.g. `/api/v1/x?y=1`).
    pub path_and_query: String,
    /// Request body (sent with `Content-Type: application/json`).
    pub body: Bytes,
    /// Per-request override of the whole-request timeout.
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    /// A `POST` request with the given path and body.
    pub fn post(path_and_query: impl Into<String>, body: impl Into<Bytes>) -> Self {
        HttpRequest {
            method: http::Method::POST,
            path_and_query: path_and_query.into(),
            body: body.into(),
            timeout: None,
        }
    }

    /// A `GET` request with an empty body.
    pub fn get(path_and_query: impl Into<String>) -> Self {
        HttpRequest {
            method: http::Method::GET,
            path_and_query: path_and_query.into(),
            body: Bytes::new(),
            timeout: None,
        }
    }

    /// Override the whole-request timeout for this request.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The path without the query string.
    pub fn path(&self) -> &str {
        match self.path_and_query.split_once('?') {
            Some((p, _)) => p,
            None => &self.path_and_query,
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A complete HTTP response (any status).
///
/// `Debug` shows the body length only, never its content.
#[derive(Clone)]
pub struct HttpResponse {
    /// Status code (non-2xx is not an error at this layer).
    pub status: http::StatusCode,
    /// Response headers.
    pub headers: http::HeaderMap,
    /// The full body, at most `max_body_bytes` long.
    pub body: Bytes,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Something that can send an [`HttpRequest`] to a fixed base URL.
///
/// Implemented by [`HttpTransport`] (real network) and, with feature
/// `test-util`, by `mock::MockTransport`.
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Send one request and read the whole response.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] when no complete response arrived: the connection could not be
    /// made (connect, proxy, TLS), was closed, the request timed out, or the body exceeded the
    /// limit. A non-2xx status is a response, not an error.
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// The normalised base URL, e.g. `http://127.0.0.1:5052`.
    fn base_url(&self) -> &str;
}

/// A shared, type-erased transport.
pub type BoxTransport = Arc<dyn Transport>;

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(req)
    }
    fn base_url(&self) -> &str {
        (**self).base_url()
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(req)
    }
    fn base_url(&self) -> &str {
        (**self).base_url()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bodies() {
        let req = HttpRequest::post("/a?secret=1", r#"{"password":"hunter2"}"#);
        let d = format!("{req:?}");
        assert!(!d.contains("hunter2") && !d.contains("secret"), "{d}");
        let resp = HttpResponse {
            status: http::StatusCode::OK,
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(b"hunter2"),
        };
        assert!(!format!("{resp:?}").contains("hunter2"));
    }

    #[test]
    fn request_helpers() {
        let r = HttpRequest::get("/x?y=1").with_timeout(Duration::from_secs(1));
        assert_eq!(r.path(), "/x");
        assert_eq!(r.method, http::Method::GET);
        assert_eq!(r.timeout, Some(Duration::from_secs(1)));
    }
}
