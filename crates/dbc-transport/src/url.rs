//! Base URL validation.

use http::uri::{Authority, Scheme};

use crate::TransportError;

/// A validated base URL: scheme + `host:port`, no path.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// `host:port`, the port always explicit.
    pub authority: Authority,
    /// Normalised `scheme://host:port` (no trailing slash).
    pub text: String,
    pub tls: bool,
}

impl BaseUrl {
    /// The host without IPv6 brackets.
    pub(crate) fn bare_host(&self) -> &str {
        let h = self.authority.host();
        h.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(h)
    }

    /// True when the host is `localhost` (or a `.localhost` name) or a loopback address.
    pub(crate) fn is_loopback(&self) -> bool {
        is_loopback_host(self.bare_host())
    }
}

/// True when `host` (without brackets) is `localhost`, a `*.localhost` name or a loopback IP.
pub fn is_loopback_host(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "localhost" || lower.ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

const ACCEPTED: &str = "expected https://HOST[:PORT] or http://HOST[:PORT] \
                        (for example https://node.example or http://127.0.0.1:5052)";

/// `url` with any user info (`user:password@`) replaced by `***@`, so it can be shown in
/// errors and logs. Works on malformed input too (a missing scheme, a path, a query).
pub fn redact_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}

fn invalid(url: &str, what: &str) -> TransportError {
    TransportError::InvalidUrl {
        url: redact_userinfo(url),
        reason: format!("{what}; {ACCEPTED}"),
    }
}

/// Parse and validate a base URL.
pub(crate) fn parse_base_url(raw: &str) -> Result<BaseUrl, TransportError> {
    let url = raw.trim();
    if url.is_empty() {
        return Err(invalid(raw, "the URL is empty"));
    }
    let Some((scheme_str, rest)) = url.split_once("://") else {
        return Err(invalid(raw, "the scheme is missing"));
    };
    let scheme_lc = scheme_str.to_ascii_lowercase();
    let tls = match scheme_lc.as_str() {
        "http" => false,
        "https" => true,
        _ => {
            return Err(invalid(
                raw,
                &format!("unsupported scheme `{scheme_str}` (only http and https)"),
            ))
        }
    };
    if rest.contains('@') {
        return Err(invalid(
            raw,
            "user info (`user@`) is not allowed in the URL",
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(invalid(raw, "a query or fragment is not allowed"));
    }
    let (auth_str, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if !(path.is_empty() || path == "/") {
        return Err(invalid(
            raw,
            &format!("a path (`{path}`) is not allowed; give only scheme, host and port"),
        ));
    }
    if auth_str.is_empty() {
        return Err(invalid(raw, "the host is missing"));
    }
    let authority: Authority = auth_str
        .parse()
        .map_err(|e| invalid(raw, &format!("bad host or port ({e})")))?;
    if authority.host().is_empty() {
        return Err(invalid(raw, "the host is missing"));
    }
    // `Authority` accepts any digits; validate the port ourselves. No port: the scheme's
    // default (443 for https, 80 for http).
    let port_text = if auth_str.ends_with(']') {
        None
    } else {
        auth_str.rsplit_once(':').map(|(_, p)| p)
    };
    let port = match port_text {
        None => {
            if tls {
                443
            } else {
                80
            }
        }
        Some(p) => match p.parse::<u16>() {
            Ok(0) => return Err(invalid(raw, "port 0 is not a valid port")),
            Ok(n) => n,
            Err(_) => {
                return Err(invalid(
                    raw,
                    &format!("`{p}` is not a valid port (1-65535)"),
                ))
            }
        },
    };
    if tls && !cfg!(feature = "rustls") {
        return Err(TransportError::InvalidUrl {
            url: redact_userinfo(raw),
            reason: "https:// needs TLS support, which is not compiled in: enable the `rustls` \
                     feature of dbc-transport (e.g. `--features rustls`), or use http://HOST:PORT"
                .to_owned(),
        });
    }
    let scheme = if tls { Scheme::HTTPS } else { Scheme::HTTP };
    let authority: Authority = format!("{}:{port}", authority.host())
        .parse()
        .map_err(|e| invalid(raw, &format!("bad host or port ({e})")))?;
    Ok(BaseUrl {
        text: format!("{}://{}", scheme.as_str(), authority.as_str()),
        authority,
        tls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(url: &str) -> String {
        match parse_base_url(url) {
            Err(TransportError::InvalidUrl { reason, .. }) => reason,
            other => panic!("expected InvalidUrl for {url}, got {other:?}"),
        }
    }

    #[test]
    fn accepts_good_urls() {
        for (u, norm) in [
            ("http://127.0.0.1:5052", "http://127.0.0.1:5052"),
            ("http://127.0.0.1:5052/", "http://127.0.0.1:5052"),
            ("HTTP://localhost:80", "http://localhost:80"),
            ("http://[::1]:5052", "http://[::1]:5052"),
            (" http://node.example:65535 ", "http://node.example:65535"),
            ("http://127.0.0.1", "http://127.0.0.1:80"),
            ("http://[::1]", "http://[::1]:80"),
            ("http://node.example/", "http://node.example:80"),
        ] {
            let b = parse_base_url(u).unwrap_or_else(|e| panic!("{u}: {e}"));
            assert_eq!(b.text, norm);
            assert!(!b.tls);
        }
    }

    #[test]
    fn rejects_bad_urls_with_accepted_form() {
        for u in [
            "127.0.0.1:5052",
            "",
            "ftp://127.0.0.1:5052",
            "http://127.0.0.1:5052/api",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:abc",
            "http://127.0.0.1:0",
            "http://127.0.0.1:",
            "http://:5052",
            "http://user:pw@127.0.0.1:5052",
            "http://127.0.0.1:5052?x=1",
            "http://",
        ] {
            let r = reason(u);
            assert!(r.contains("http://HOST[:PORT]"), "{u}: {r}");
        }
    }

    #[test]
    fn user_info_is_redacted_in_errors() {
        for u in [
            "http://alice:hunter2@127.0.0.1:5052",
            "https://alice:hunter2@node.example/x",
            "alice:hunter2@127.0.0.1:5052",
            "ftp://alice:hunter2@h",
        ] {
            let e = parse_base_url(u).unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(!shown.contains("alice"), "{shown}");
            assert!(shown.contains("***@"), "{shown}");
        }
        assert_eq!(redact_userinfo("http://u:p@h:1/a@b"), "http://***@h:1/a@b");
        assert_eq!(redact_userinfo("http://h:1/a@b"), "http://h:1/a@b");
        assert_eq!(redact_userinfo("http://u:p@ss@h"), "http://***@h");
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "LOCALHOST",
            "a.localhost",
            "127.0.0.1",
            "127.9.9.9",
            "::1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in ["10.0.0.1", "node.example", "localhost.example", "::2"] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[cfg(not(feature = "rustls"))]
    #[test]
    fn https_without_feature_names_the_feature() {
        let r = reason("https://127.0.0.1:5052");
        assert!(r.contains("`rustls` feature"), "{r}");
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn https_with_feature_is_accepted() {
        let b = parse_base_url("https://node.example:443").unwrap();
        assert!(b.tls);
        let b = parse_base_url("https://node.example").unwrap();
        assert_eq!(b.text, "https://node.example:443");
        assert_eq!(b.authority.port_u16(), Some(443));
        let b = parse_base_url("https://[::1]").unwrap();
        assert_eq!(b.bare_host(), "::1");
    }
}
