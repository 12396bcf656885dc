//! Why a TLS handshake or a proxy failed: the reasons carried by
//! [`TransportError::Tls`](crate::TransportError::Tls) and
//! [`TransportError::Proxy`](crate::TransportError::Proxy).

use std::fmt;

use crate::ConnectKind;

/// Why a TLS handshake failed. Nothing was sent to the server in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The server's certificate does not chain to a trusted CA (a self-signed certificate, or
    /// a private CA that was not added).
    UnknownIssuer,
    /// The certificate is not valid for the host name (or IP address) of the URL.
    WrongHost,
    /// The certificate has expired.
    Expired,
    /// The certificate is not valid yet (or the local clock is wrong).
    NotYetValid,
    /// Another certificate problem (revoked, bad signature, wrong key usage, malformed).
    BadCertificate,
    /// The server did not complete the handshake within the connect timeout.
    HandshakeTimeout,
    /// The handshake failed at the protocol level: the server is not speaking TLS (an
    /// `http://` port), sent an alert, or shares no protocol version or cipher suite with us.
    Protocol,
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsFailure::UnknownIssuer => {
                "the server's certificate is not signed by a trusted CA (self-signed or a \
                 private CA): add that CA's certificate as a PEM file (--cacert FILE)"
            }
            TlsFailure::WrongHost => {
                "the server's certificate is not valid for this host name: use the name the \
                 certificate was issued for, or reissue the certificate with this name"
            }
            TlsFailure::Expired => "the server's certificate has expired: renew it on the server",
            TlsFailure::NotYetValid => {
                "the server's certificate is not valid yet: check the clocks of both machines"
            }
            TlsFailure::BadCertificate => "the server's certificate was rejected",
            TlsFailure::HandshakeTimeout => {
                "the server did not complete the TLS handshake in time: is this really an \
                 https port, and is the server overloaded?"
            }
            TlsFailure::Protocol => {
                "the TLS handshake failed: is this an https port (not an http:// one)?"
            }
        })
    }
}

/// Why a proxy did not carry the request. Nothing reached the server in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProxyFailure {
    /// The TCP connection to the proxy failed (refused, DNS, unreachable).
    Connect(ConnectKind),
    /// The proxy did not accept the TCP connection, or did not answer the tunnel request,
    /// within the connect timeout.
    Timeout,
    /// The proxy wants (other) credentials: HTTP 407.
    AuthRequired,
    /// The proxy refused to open a tunnel with this HTTP status.
    Rejected {
        /// The status of the proxy's reply to `CONNECT`.
        status: u16,
    },
    /// The proxy's reply to `CONNECT` was not HTTP, too long, or cut short.
    BadReply,
}

impl fmt::Display for ProxyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyFailure::Connect(kind) => write!(
                f,
                "cannot connect to the proxy: {kind}; check the proxy address (--proxy, \
                 HTTPS_PROXY/HTTP_PROXY/ALL_PROXY) or turn proxies off (--no-proxy)"
            ),
            ProxyFailure::Timeout => f.write_str(
                "the proxy did not answer within the connect timeout; check the proxy address",
            ),
            ProxyFailure::AuthRequired => f.write_str(
                "the proxy requires authentication (HTTP 407): put user:password in the proxy \
                 URL (http://USER:PASSWORD@HOST:PORT)",
            ),
            ProxyFailure::Rejected { status } => write!(
                f,
                "the proxy refused to open a tunnel (HTTP {status}); does it allow CONNECT to \
                 this host and port?"
            ),
            ProxyFailure::BadReply => {
                f.write_str("the proxy's reply was not a valid HTTP response; is it an HTTP proxy?")
            }
        }
    }
}
