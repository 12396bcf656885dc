//! The hyper-based [`HttpTransport`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use std::path::PathBuf;

use http::header::{HeaderValue, CONTENT_TYPE, PROXY_AUTHORIZATION, USER_AGENT};
use http::uri::PathAndQuery;
use http::{Request, Uri};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tracing::Instrument;

use crate::connect::{Connector, Route};
use crate::error::ReqCtx;
use crate::failure::ProxyFailure;
use crate::proxy::{self, Proxy};
use crate::url::{parse_base_url, BaseUrl};
use crate::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};

type HyperClient = Client<Connector, Full<Bytes>>;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(45);
const DEFAULT_MAX_BODY: usize = 32 * 1024 * 1024;
const DEFAULT_POOL_IDLE: Duration = Duration::from_secs(90);
const DEFAULT_POOL_MAX_IDLE: usize = 64;
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
const DEFAULT_USER_AGENT: &str = concat!("dbc-rs/", env!("CARGO_PKG_VERSION"));
/// Headers a request carries when hyper writes it: ours plus `Host`.
const REQUEST_HEADERS: usize = 4;

/// A pooled, keep-alive HTTP/1.1 transport to one base URL.
///
/// Cloning is cheap: clones share the connection pool.
#[derive(Clone)]
pub struct HttpTransport {
    inner: Arc<Inner>,
}

struct Inner {
    client: HyperClient,
    base: BaseUrl,
    /// A custom `User-Agent` (`None`: the default, a `'static` value). It is copied into
    /// each request rather than shared: a shared value's reference count, touched by every
    /// request on every core, measurably cost throughput.
    custom_user_agent: Option<Box<str>>,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_body_bytes: usize,
    /// Direct, or which proxy and how.
    route: Route,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("base_url", &self.inner.base.text)
            .field("proxy", &self.inner.route.proxy().map(|p| p.shown.as_str()))
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("request_timeout", &self.inner.request_timeout)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// Builder for [`HttpTransport`]; see [`HttpTransport::builder`].
#[derive(Debug, Clone)]
pub struct HttpTransportBuilder {
    base_url: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_body_bytes: usize,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    user_agent: String,
    ca_files: Vec<PathBuf>,
    proxy: Proxy,
}

impl Default for HttpTransportBuilder {
    fn default() -> Self {
        HttpTransportBuilder {
            base_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY,
            pool_idle_timeout: DEFAULT_POOL_IDLE,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            ca_files: Vec::new(),
            proxy: Proxy::default(),
        }
    }
}

impl HttpTransportBuilder {
    /// Base URL of the server (required): `https://HOST[:PORT]` (port 443 by default; needs
    /// the `rustls` feature) or `http://HOST[:PORT]` (port 80 by default).
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = Some(url.to_owned());
        self
    }

    /// Maximum time to establish a connection (default 5 s): the TCP connect, a proxy's
    /// tunnel and the TLS handshake together.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Maximum time for the whole request: connect, headers and body
    /// (default 45 s). Can be overridden per request with
    /// [`HttpRequest::timeout`]. Enforced by a Tokio timer per request
    /// (`tokio::time::timeout`): the request fails with [`TransportError::RequestTimeout`] on
    /// time.
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }

    /// Maximum response body size in bytes (default 32 MiB), enforced while
    /// reading.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s).
    pub fn pool_idle_timeout(mut self, d: Duration) -> Self {
        self.pool_idle_timeout = d;
        self
    }

    /// Maximum idle connections kept per host (default 64).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self
    }

    /// `User-Agent` header value (default `dbc-rs/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Also trust the CA certificates of this PEM file (repeatable), for a server whose
    /// certificate comes from a private CA or is self-signed. The system's trust store (or
    /// Mozilla's roots when it is empty) stays trusted. Read when the transport is built, only
    /// for an `https://` base URL.
    pub fn ca_cert_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// Which HTTP proxy carries the requests (default [`Proxy::from_env`], like curl).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }

    /// Validate the settings and build the transport.
    ///
    /// Does not connect and does not need a running Tokio runtime; requests
    /// must be sent from within one. For an `https://` base URL it loads the trust roots
    /// (once per process) and the CA files.
    ///
    /// # Errors
    /// [`TransportError::InvalidUrl`] for a bad base URL; [`TransportError::Config`] for a bad
    /// setting, proxy URL or CA file.
    pub fn build(self) -> Result<HttpTransport, TransportError> {
        let Some(raw) = self.base_url.as_deref() else {
            return Err(TransportError::InvalidUrl {
                url: String::new(),
                reason: "no base URL was set; call .base_url(\"http://HOST:PORT\")".to_owned(),
            });
        };
        let base = parse_base_url(raw)?;
        if self.connect_timeout.is_zero() {
            return Err(TransportError::Config {
                setting: "connect_timeout",
                reason: "must be greater than zero".to_owned(),
            });
        }
        if self.request_timeout.is_zero() {
            return Err(TransportError::Config {
                setting: "request_timeout",
                reason: "must be greater than zero".to_owned(),
            });
        }
        HeaderValue::from_str(&self.user_agent).map_err(|_| TransportError::Config {
            setting: "user_agent",
            reason: "must be visible ASCII without control characters".to_owned(),
        })?;

        let route = match proxy::resolve(&self.proxy, &base)? {
            None => Route::Direct,
            Some(p) if base.tls => Route::Tunnel(p),
            Some(p) => Route::Forward(p),
        };
        let tls = tls_settings(&base, &self.ca_files)?;
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let connector = Connector::new(http, route.clone(), tls, self.connect_timeout);

        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .build(connector);

        let custom_user_agent =
            (self.user_agent != DEFAULT_USER_AGENT).then(|| self.user_agent.into_boxed_str());
        Ok(HttpTransport {
            inner: Arc::new(Inner {
                client,
                base,
                custom_user_agent,
                connect_timeout: self.connect_timeout,
                request_timeout: self.request_timeout,
                max_body_bytes: self.max_body_bytes,
                route,
            }),
        })
    }
}

/// TLS settings for an `https://` base URL (loads the trust roots); none for `http://`.
#[cfg(feature = "rustls")]
fn tls_settings(
    base: &BaseUrl,
    ca_files: &[PathBuf],
) -> Result<Option<crate::connect::TlsSettings>, TransportError> {
    if base.tls {
        crate::tls::client_config(ca_files).map(Some)
    } else {
        Ok(None)
    }
}

/// Without the `rustls` feature `https://` URLs were refused when parsed.
#[cfg(not(feature = "rustls"))]
fn tls_settings(
    _base: &BaseUrl,
    _ca_files: &[PathBuf],
) -> Result<Option<crate::connect::TlsSettings>, TransportError> {
    Ok(None)
}

impl HttpTransport {
    /// Start building a transport.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder::default()
    }

    /// The whole-request timeout used when a request has none.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// The configured response body limit in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// Checks the request and turns it into a hyper request, synchronously: nothing that is
    /// only needed to build the request is kept in the (boxed) future that sends it.
    fn prepare(&self, req: HttpRequest) -> Result<Prepared, TransportError> {
        let inner = &*self.inner;
        let HttpRequest {
            method,
            path_and_query,
            body,
            timeout,
        } = req;
        // The URI is built from a fresh string per request, like a caller of bare hyper
        // would: its parts then share a per-request buffer, not one reference count that
        // every request on every core increments (which measurably cost throughput).
        let uri = if path_and_query.starts_with('/') {
            let mut text = String::with_capacity(inner.base.text.len() + path_and_query.len());
            text.push_str(&inner.base.text);
            text.push_str(&path_and_query);
            Uri::from_maybe_shared(Bytes::from(text)).ok()
        } else {
            None
        };
        let Some((uri, pq)) = uri.and_then(|u| {
            let pq = u.path_and_query().cloned()?;
            Some((u, pq))
        }) else {
            return Err(TransportError::Other {
                method: method.as_str().to_owned(),
                path: String::new(),
                detail: "the request path must start with `/` and contain only valid URI \
                         characters (percent-encode the rest)"
                    .to_owned(),
            });
        };

        let mut request = Request::new(Full::new(body));
        *request.method_mut() = method.clone();
        *request.uri_mut() = uri;
        // A fresh map with room for hyper's `Host` too: growing the map inside hyper (as a
        // clone of a template map, sized to its length, must) costs more than these inserts.
        let headers = request.headers_mut();
        headers.reserve(REQUEST_HEADERS);
        headers.insert(CONTENT_TYPE, APPLICATION_JSON);
        let user_agent = match &inner.custom_user_agent {
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
            // validated when the transport was built
            Some(ua) => HeaderValue::from_maybe_shared(Bytes::copy_from_slice(ua.as_bytes()))
                .unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT)),
        };
        headers.insert(USER_AGENT, user_agent);
        if let Route::Forward(p) = &inner.route {
            if let Some(auth) = &p.auth {
                headers.insert(PROXY_AUTHORIZATION, auth.clone());
            }
        }
        Ok(Prepared {
            // lazy: nothing is sent until the transport's future is polled
            pending: inner.client.request(request),
            method,
            pq,
            after: timeout.unwrap_or(inner.request_timeout),
        })
    }

    /// Sends a prepared request under its whole-request timeout.
    async fn run(&self, p: Prepared) -> Result<HttpResponse, TransportError> {
        let Prepared {
            pending,
            method,
            pq,
            after,
        } = p;
        let inner = &*self.inner;
        let ctx = || ReqCtx {
            method: method.as_str(),
            path: pq.path(),
            addr: inner.base.authority.as_str(),
            proxy: inner.route.proxy().map(|p| p.shown.as_str()),
            connect_timeout: inner.connect_timeout,
        };
        let limit = inner.max_body_bytes;
        let work = async {
            let resp = pending.await.map_err(|e| {
                if e.is_connect() {
                    ctx().connect_error(&e)
                } else {
                    ctx().io_error(&e, false)
                }
            })?;
            let (parts, body) = resp.into_parts();
            // Through a forward proxy, 407 is the proxy's answer: nothing reached the server.
            if parts.status == http::StatusCode::PROXY_AUTHENTICATION_REQUIRED
                && matches!(inner.route, Route::Forward(_))
            {
                return Err(ctx().proxy_error(
                    ProxyFailure::AuthRequired,
                    "the proxy answered 407 Proxy Authentication Required",
                ));
            }
            let body = read_body(body, limit).await.map_err(|e| match e {
                BodyError::TooLarge => ctx().too_large(limit),
                BodyError::Read(e) => ctx().io_error(&*e, true),
            })?;
            Ok(HttpResponse {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(after, work).await {
            Ok(r) => r,
            Err(_elapsed) => Err(ctx().timeout(after)),
        }
    }

    /// [`run`](Self::run) inside an `http_request` span that records status, size and time.
    async fn run_traced(
        &self,
        p: Prepared,
        span: tracing::Span,
    ) -> Result<HttpResponse, TransportError> {
        let start = Instant::now();
        let result = self.run(p).instrument(span.clone()).await;
        let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
        span.record("elapsed_ms", elapsed_ms);
        match &result {
            Ok(resp) => {
                span.record("status", resp.status.as_u16());
                span.record("bytes", resp.body.len());
                tracing::debug!(parent: &span, "request finished");
            }
            Err(e) => {
                tracing::debug!(parent: &span, error = %e, "request failed");
            }
        }
        result
    }
}

/// Why [`read_body`] stopped.
enum BodyError {
    /// More than the limit arrived (or was announced).
    TooLarge,
    /// The connection failed while the body was read.
    Read(Box<dyn std::error::Error + Send + Sync>),
}

/// Reads a whole response body through [`Limited`], which fails as soon as more than `limit`
/// bytes have arrived, so an oversized body is never buffered (a larger announced
/// `Content-Length` is refused before reading). A body that arrives in one frame (the usual
/// reply) is handed over without a copy; several frames are gathered into one buffer sized
/// from the announced length. (`BodyExt::collect` would do the same with more work per reply.)
async fn read_body(body: hyper::body::Incoming, limit: usize) -> Result<Bytes, BodyError> {
    let hint = hyper::body::Body::size_hint(&body);
    if hint.lower() > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut body = Limited::new(body, limit);
    let mut first: Option<Bytes> = None;
    let mut gathered: Option<BytesMut> = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            if e.is::<LengthLimitError>() {
                BodyError::TooLarge
            } else {
                BodyError::Read(e)
            }
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers: not part of the body
        };
        if let Some(buf) = gathered.as_mut() {
            buf.extend_from_slice(&data);
        } else if let Some(one) = first.take() {
            let announced = usize::try_from(hint.lower()).unwrap_or(limit).min(limit);
            let mut buf = BytesMut::with_capacity(announced.max(one.len() + data.len()));
            buf.extend_from_slice(&one);
            buf.extend_from_slice(&data);
            gathered = Some(buf);
        } else {
            first = Some(data);
        }
    }
    Ok(match (gathered, first) {
        (Some(buf), _) => buf.freeze(),
        (None, Some(one)) => one,
        (None, None) => Bytes::new(),
    })
}

/// A request checked and converted by [`HttpTransport::prepare`].
struct Prepared {
    /// hyper's (lazy) response future: the request was handed over when prepared, so it is
    /// not moved again.
    pending: hyper_util::client::legacy::ResponseFuture,
    method: http::Method,
    pq: PathAndQuery,
    after: Duration,
}

impl Transport for HttpTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let span = tracing::debug_span!(
            "http_request",
            method = %req.method,
            path = %req.path(),
            status = tracing::field::Empty,
            bytes = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let prepared = match self.prepare(req) {
            Ok(p) => p,
            Err(e) => {
                if !span.is_disabled() {
                    tracing::debug!(parent: &span, error = %e, "request failed");
                }
                return Box::pin(std::future::ready(Err(e)));
            }
        };
        if span.is_disabled() {
            Box::pin(self.run(prepared))
        } else {
            Box::pin(self.run_traced(prepared, span))
        }
    }

    fn base_url(&self) -> &str {
        &self.inner.base.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-request future is boxed once per call; keeping it at most 1 KiB keeps that
    /// allocation on the allocator's fast path (it was 1.8 KiB before the request was built
    /// outside the future, which cost measurable throughput; see docs/benchmarks.md).
    #[test]
    fn the_boxed_request_future_stays_small() {
        let t = HttpTransport::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let fut = t.send(HttpRequest::post("/api/v1/x", Bytes::from_static(b"{}")));
        let size = std::mem::size_of_val(&*fut);
        assert!(size <= 1024, "the send future is {size} bytes");
    }
}
