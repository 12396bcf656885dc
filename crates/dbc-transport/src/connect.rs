//! The connector under hyper-util's pooled client: TCP (direct or to a proxy), a `CONNECT`
//! tunnel through the proxy for `https://` servers, and the TLS handshake, all within the
//! connect timeout, each failure typed.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tower_service::Service;

use crate::error::{classify_connect, ConnectClass};
use crate::failure::{ProxyFailure, TlsFailure};
use crate::proxy::{self, ProxyRoute};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A connect-phase failure, found again in hyper's error chain by `ReqCtx::connect_error`.
#[derive(Debug)]
pub(crate) enum ConnectError {
    /// Connecting to the server itself failed (hyper-util's `HttpConnector` error).
    Tcp(BoxError),
    /// The proxy failed.
    Proxy {
        reason: ProxyFailure,
        detail: String,
    },
    /// The TLS handshake failed.
    #[cfg_attr(not(feature = "rustls"), allow(dead_code))]
    Tls { reason: TlsFailure, detail: String },
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Tcp(e) => write!(f, "{e}"),
            ConnectError::Proxy { reason, detail } => write!(f, "proxy: {reason} ({detail})"),
            ConnectError::Tls { reason, detail } => write!(f, "TLS: {reason} ({detail})"),
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectError::Tcp(e) => Some(&**e),
            _ => None,
        }
    }
}

/// How connections reach the server.
#[derive(Debug, Clone)]
pub(crate) enum Route {
    /// Straight to the server.
    Direct,
    /// `http://` server through an HTTP proxy: requests go to the proxy in absolute form.
    Forward(ProxyRoute),
    /// `https://` server through a `CONNECT` tunnel.
    Tunnel(ProxyRoute),
}

impl Route {
    pub(crate) fn proxy(&self) -> Option<&ProxyRoute> {
        match self {
            Route::Direct => None,
            Route::Forward(p) | Route::Tunnel(p) => Some(p),
        }
    }
}

/// TLS settings of a connector (`None` inside [`Connector`]: plain HTTP).
#[cfg(feature = "rustls")]
pub(crate) type TlsSettings = Arc<rustls::ClientConfig>;
/// Without the `rustls` feature there is no TLS (https URLs are refused earlier).
#[cfg(not(feature = "rustls"))]
pub(crate) type TlsSettings = std::convert::Infallible;

/// The connector: cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector {
    inner: Arc<Settings>,
}

struct Settings {
    http: HttpConnector,
    route: Route,
    tls: Option<TlsSettings>,
    connect_timeout: Duration,
}

impl Connector {
    pub(crate) fn new(
        mut http: HttpConnector,
        route: Route,
        tls: Option<TlsSettings>,
        connect_timeout: Duration,
    ) -> Self {
        http.enforce_http(false);
        Connector {
            inner: Arc::new(Settings {
                http,
                route,
                tls,
                connect_timeout,
            }),
        }
    }
}

impl Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let s = self.inner.clone();
        Box::pin(async move { s.connect(dst).await })
    }
}

impl Settings {
    async fn connect(&self, dst: Uri) -> Result<Conn, ConnectError> {
        let deadline = Instant::now() + self.connect_timeout;
        match &self.route {
            Route::Direct => {
                let tcp = self.tcp(dst.clone(), deadline).await?;
                self.finish(tcp, &dst, deadline, false).await
            }
            Route::Forward(p) => {
                let tcp = self.tcp_to_proxy(p, deadline).await?;
                self.finish(tcp, &dst, deadline, true).await
            }
            Route::Tunnel(p) => {
                let mut tcp = self.tcp_to_proxy(p, deadline).await?;
                let host = dst.host().unwrap_or_default();
                let port = dst.port_u16().unwrap_or(443);
                match tokio::time::timeout_at(
                    deadline,
                    proxy::tunnel(&mut tcp, host, port, p.auth.as_ref()),
                )
                .await
                {
                    Ok(Ok(())) => {}
                    Ok(Err((reason, detail))) => {
                        return Err(ConnectError::Proxy { reason, detail })
                    }
                    Err(_) => {
                        return Err(ConnectError::Proxy {
                            reason: ProxyFailure::Timeout,
                            detail: format!(
                                "no reply to CONNECT within {:?}",
                                self.connect_timeout
                            ),
                        })
                    }
                }
                self.finish(tcp, &dst, deadline, false).await
            }
        }
    }

    /// A TCP connection to `uri` (hyper-util's connector: DNS, happy eyeballs, timeout).
    async fn tcp(&self, uri: Uri, deadline: Instant) -> Result<TcpStream, ConnectError> {
        let mut http = self.http.clone();
        match tokio::time::timeout_at(deadline, http.call(uri)).await {
            Ok(Ok(io)) => Ok(io.into_inner()),
            Ok(Err(e)) => Err(ConnectError::Tcp(Box::new(e))),
            Err(_) => Err(ConnectError::Tcp(Box::new(io::Error::new(
                io::ErrorKind::TimedOut,
                "tcp connect error: timed out",
            )))),
        }
    }

    async fn tcp_to_proxy(
        &self,
        p: &ProxyRoute,
        deadline: Instant,
    ) -> Result<TcpStream, ConnectError> {
        self.tcp(p.dial.clone(), deadline)
            .await
            .map_err(|e| match e {
                ConnectError::Tcp(inner) => {
                    let reason = match classify_connect(&*inner) {
                        ConnectClass::Timeout => ProxyFailure::Timeout,
                        ConnectClass::Kind(k) => ProxyFailure::Connect(k),
                    };
                    ConnectError::Proxy {
                        reason,
                        detail: crate::error::chain_to_string(&*inner),
                    }
                }
                other => other,
            })
    }

    /// Plain, or the TLS handshake when this connector has TLS settings.
    async fn finish(
        &self,
        tcp: TcpStream,
        dst: &Uri,
        deadline: Instant,
        proxied: bool,
    ) -> Result<Conn, ConnectError> {
        let Some(tls) = &self.tls else {
            return Ok(Conn {
                io: Stream::Plain(TokioIo::new(tcp)),
                proxied,
            });
        };
        #[cfg(feature = "rustls")]
        {
            let host = dst.host().unwrap_or_default();
            let host = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            let name = rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| {
                ConnectError::Tls {
                    reason: TlsFailure::WrongHost,
                    detail: format!("`{host}` cannot be a TLS server name: {e}"),
                }
            })?;
            let connector = tokio_rustls::TlsConnector::from(tls.clone());
            match tokio::time::timeout_at(deadline, connector.connect(name, tcp)).await {
                Ok(Ok(stream)) => Ok(Conn {
                    io: Stream::Tls(Box::new(TokioIo::new(stream))),
                    proxied,
                }),
                Ok(Err(e)) => Err(ConnectError::Tls {
                    reason: crate::tls::classify(&e),
                    detail: e.to_string(),
                }),
                Err(_) => Err(ConnectError::Tls {
                    reason: TlsFailure::HandshakeTimeout,
                    detail: format!("no handshake within {:?}", self.connect_timeout),
                }),
            }
        }
        #[cfg(not(feature = "rustls"))]
        {
            let _ = (dst, deadline);
            match *tls {}
        }
    }
}

/// A connection: plain TCP or TLS over TCP.
pub(crate) struct Conn {
    io: Stream,
    /// Requests on it go to a forward proxy (absolute-form request targets).
    proxied: bool,
}

enum Stream {
    Plain(TokioIo<TcpStream>),
    #[cfg(feature = "rustls")]
    Tls(Box<TokioIo<tokio_rustls::client::TlsStream<TcpStream>>>),
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().proxy(self.proxied)
    }
}

impl Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => Pin::new(&mut **s).poll_read(cx, buf),
        }
    }
}

impl Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => Pin::new(&mut **s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => Pin::new(&mut **s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => Pin::new(&mut **s).poll_shutdown(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Stream::Plain(s) => s.is_write_vectored(),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => Pin::new(&mut **s).poll_write_vectored(cx, bufs),
        }
    }
}
