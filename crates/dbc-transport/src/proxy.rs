//! HTTP proxies, like curl: which proxy a base URL uses (hyper-util's matcher reads
//! `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`), and the `CONNECT` handshake that
//! opens a tunnel for `https://` targets.

use std::fmt;

use http::{HeaderValue, Uri};
use hyper_util::client::proxy::matcher::Matcher;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::failure::ProxyFailure;
use crate::url::{redact_userinfo, BaseUrl};
use crate::TransportError;

/// Which HTTP proxy, if any, carries the requests of a transport.
///
/// `Debug` never shows a proxy's credentials.
#[derive(Clone, Default)]
pub struct Proxy(Mode);

#[derive(Clone, Default)]
enum Mode {
    #[default]
    Env,
    Off,
    Url(String),
}

impl Proxy {
    /// The proxy from the environment, as curl reads it (the default): `HTTPS_PROXY` /
    /// `https_proxy` for `https://` servers, `HTTP_PROXY` / `http_proxy` for `http://` ones,
    /// else `ALL_PROXY` / `all_proxy`; hosts matching `NO_PROXY` / `no_proxy` go direct.
    /// Loopback servers (`localhost`, `127.0.0.0/8`, `::1`) always go direct, as with Go and
    /// Python requests.
    pub fn from_env() -> Self {
        Proxy(Mode::Env)
    }

    /// No proxy at all, whatever the environment says.
    pub fn none() -> Self {
        Proxy(Mode::Off)
    }

    /// This proxy, `http://[USER:PASSWORD@]HOST[:PORT]` (port 1080 when absent, like curl),
    /// for every server, loopback included. Basic credentials in the URL are sent to the
    /// proxy (`Proxy-Authorization`) and never shown.
    pub fn url(url: impl Into<String>) -> Self {
        Proxy(Mode::Url(url.into()))
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Mode::Env => f.write_str("Proxy::from_env()"),
            Mode::Off => f.write_str("Proxy::none()"),
            Mode::Url(u) => write!(f, "Proxy::url({:?})", redact_userinfo(u)),
        }
    }
}

/// A proxy chosen for one base URL.
#[derive(Clone)]
pub(crate) struct ProxyRoute {
    /// `http://HOST:PORT` of the proxy, to dial.
    pub dial: Uri,
    /// The same, as shown in errors and logs.
    pub shown: String,
    /// `Basic …` credentials (a sensitive header value), if the URL had user info.
    pub auth: Option<HeaderValue>,
}

impl fmt::Debug for ProxyRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyRoute")
            .field("proxy", &self.shown)
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

fn proxy_config_error(reason: String) -> TransportError {
    TransportError::Config {
        setting: "proxy",
        reason,
    }
}

/// Which proxy carries requests to `base`, if any.
pub(crate) fn resolve(proxy: &Proxy, base: &BaseUrl) -> Result<Option<ProxyRoute>, TransportError> {
    let dst: Uri = base
        .text
        .parse()
        .map_err(|e| proxy_config_error(format!("cannot match a proxy for {}: {e}", base.text)))?;
    let (matcher, origin) = match &proxy.0 {
        Mode::Off => return Ok(None),
        // Loopback targets bypass a proxy that comes from the environment.
        Mode::Env if base.is_loopback() => return Ok(None),
        Mode::Env => (
            Matcher::from_env(),
            "the proxy from the environment (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY)",
        ),
        Mode::Url(url) => {
            check_explicit(url)?;
            (
                Matcher::builder().all(url.as_str()).build(),
                "the proxy URL",
            )
        }
    };
    let Some(intercept) = matcher.intercept(&dst) else {
        return Ok(None);
    };
    let uri = intercept.uri();
    if uri.scheme_str() != Some("http") {
        return Err(proxy_config_error(format!(
            "{origin} is a {}:// proxy; only http:// proxies are supported (they carry https \
             through CONNECT): give http://HOST:PORT, or turn proxies off",
            uri.scheme_str().unwrap_or("?")
        )));
    }
    let Some(host) = uri.host() else {
        return Err(proxy_config_error(format!("{origin} has no host")));
    };
    let port = uri.port_u16().unwrap_or(1080);
    let shown = format!("http://{host}:{port}");
    let dial: Uri = shown
        .parse()
        .map_err(|e| proxy_config_error(format!("{origin} is not a valid URL ({e})")))?;
    Ok(Some(ProxyRoute {
        dial,
        shown,
        auth: intercept.basic_auth().cloned(),
    }))
}

/// Validates an explicit proxy URL (the matcher silently ignores what it cannot parse).
fn check_explicit(url: &str) -> Result<(), TransportError> {
    let shown = redact_userinfo(url);
    let bad = |why: &str| {
        proxy_config_error(format!(
            "`{shown}` {why}; expected http://[USER:PASSWORD@]HOST[:PORT], or `none` for no proxy"
        ))
    };
    let uri: Uri = url.trim().parse().map_err(|_| bad("is not a URL"))?;
    match uri.scheme_str() {
        Some("http") | None => {}
        Some(other) => {
            return Err(bad(&format!(
                "uses `{other}://`; only http:// proxies are supported (they carry https through CONNECT)"
            )))
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
        return Err(bad("has a path or query"));
    }
    Ok(())
}

/// Largest `CONNECT` reply head accepted.
const MAX_REPLY: usize = 8 * 1024;

/// Asks the proxy on `stream` for a tunnel to `host:port` (`host` as in a URL: IPv6 in
/// brackets). `Err` carries the reason and a detail.
pub(crate) async fn tunnel(
    stream: &mut TcpStream,
    host: &str,
    port: u16,
    auth: Option<&HeaderValue>,
) -> Result<(), (ProxyFailure, String)> {
    let mut head =
        format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n").into_bytes();
    if let Some(auth) = auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let io_err = |e: std::io::Error| (ProxyFailure::BadReply, format!("tunnel request: {e}"));
    stream.write_all(&head).await.map_err(io_err)?;
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    let end = loop {
        let n = stream.read(&mut chunk).await.map_err(io_err)?;
        if n == 0 {
            return Err((
                ProxyFailure::BadReply,
                "the proxy closed the connection before answering CONNECT".into(),
            ));
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_REPLY {
            return Err((
                ProxyFailure::BadReply,
                format!("reply head longer than {MAX_REPLY} bytes"),
            ));
        }
    };
    let status = parse_status(buf.get(..end).unwrap_or_default()).ok_or_else(|| {
        (
            ProxyFailure::BadReply,
            "the reply to CONNECT is not an HTTP status line".to_owned(),
        )
    })?;
    match status {
        200..=299 if end == buf.len() => Ok(()),
        200..=299 => Err((
            ProxyFailure::BadReply,
            "the proxy sent data before the tunnel was used".into(),
        )),
        407 => Err((
            ProxyFailure::AuthRequired,
            if auth.is_some() {
                "the proxy rejected the credentials of the proxy URL".into()
            } else {
                "no credentials were given".into()
            },
        )),
        s => Err((
            ProxyFailure::Rejected { status: s },
            format!("CONNECT {host}:{port} answered {s}"),
        )),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The status of `HTTP/1.x NNN …`.
fn parse_status(head: &[u8]) -> Option<u16> {
    let line_end = find(head, b"\r\n")?;
    let line = std::str::from_utf8(head.get(..line_end)?).ok()?;
    let mut parts = line.split(' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok().filter(|c| (100..600).contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::parse_base_url;

    fn route(p: &Proxy, url: &str) -> Option<ProxyRoute> {
        resolve(p, &parse_base_url(url).unwrap()).unwrap()
    }

    #[test]
    fn explicit_proxy_applies_to_every_target_and_hides_credentials() {
        let p = Proxy::url("http://bob:s3cret@proxy.example:3128");
        for url in ["http://127.0.0.1:5052", "http://node.example:5002"] {
            let r = route(&p, url).unwrap();
            assert_eq!(r.shown, "http://proxy.example:3128");
            assert_eq!(r.dial, "http://proxy.example:3128/");
            let auth = r.auth.as_ref().unwrap();
            assert!(auth.is_sensitive());
            // base64("bob:s3cret")
            assert_eq!(auth, "Basic Ym9iOnMzY3JldA==");
            assert!(!format!("{r:?}").contains("Ym9i"));
        }
        assert!(!format!("{p:?}").contains("s3cret"), "{p:?}");
        // no port: 1080, like curl
        let r = route(&Proxy::url("proxy.example"), "http://node.example:1").unwrap();
        assert_eq!(r.shown, "http://proxy.example:1080");
        assert!(route(&Proxy::none(), "http://node.example:1").is_none());
    }

    #[test]
    fn bad_explicit_proxies_are_config_errors_without_secrets() {
        let base = parse_base_url("http://node.example:1").unwrap();
        for u in [
            "socks5://u:hunter2@proxy:1080",
            "https://u:hunter2@proxy:443",
            "http://u:hunter2@proxy:3128/path",
            "http://u:hunter2@",
            "not a url",
        ] {
            let e = resolve(&Proxy::url(u), &base).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(
                matches!(
                    e,
                    TransportError::Config {
                        setting: "proxy",
                        ..
                    }
                ),
                "{text}"
            );
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[test]
    fn status_lines() {
        assert_eq!(
            parse_status(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            Some(200)
        );
        assert_eq!(parse_status(b"HTTP/1.0 407 Proxy Auth\r\n\r\n"), Some(407));
        assert_eq!(parse_status(b"HTTP/1.1 2000 OK\r\n\r\n"), None);
        assert_eq!(parse_status(b"SSH-2.0-OpenSSH\r\n\r\n"), None);
        assert_eq!(parse_status(b"HTTP/1.1 200"), None);
    }
}
