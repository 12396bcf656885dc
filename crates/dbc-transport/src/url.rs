//! Base URL validation.

use http::uri::{Authority, Scheme};

use crate::TransportError;

/// A validated base URL: scheme + `host:port`, no path.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    pub authority: Authority,
    /// Normalised `scheme://host:port` (no trailing slash).
    pub text: String,
    pub tls: bool,
}

const ACCEPTED: &str = "expected the form http://HOST:PORT (for example http://127.0.0.1:5052)";

fn invalid(url: &str, what: &str) -> TransportError {
    TransportError::InvalidUrl {
        url: url.to_owned(),
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
    // `Authority` accepts any digits; validate the port ourselves.
    let port_text = if auth_str.ends_with(']') {
        None
    } else {
        auth_str.rsplit_once(':').map(|(_, p)| p)
    };
    let Some(port_text) = port_text else {
        return Err(invalid(raw, "the port is missing"));
    };
    match port_text.parse::<u16>() {
        Ok(0) => return Err(invalid(raw, "port 0 is not a valid port")),
        Ok(_) => {}
        Err(_) => {
            return Err(invalid(
                raw,
                &format!("`{port_text}` is not a valid port (1-65535)"),
            ))
        }
    }
    if tls && !cfg!(feature = "rustls") {
        return Err(TransportError::InvalidUrl {
            url: raw.to_owned(),
            reason: "https:// needs TLS support, which is not compiled in: enable the `rustls` \
                     feature of dbc-transport (e.g. `--features rustls`), or use http://HOST:PORT"
                .to_owned(),
        });
    }
    let scheme = if tls { Scheme::HTTPS } else { Scheme::HTTP };
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
            "http://127.0.0.1",
            "http://127.0.0.1:",
            "http://[::1]",
            "http://:5052",
            "http://user:pw@127.0.0.1:5052",
            "http://127.0.0.1:5052?x=1",
            "http://",
        ] {
            let r = reason(u);
            assert!(r.contains("http://HOST:PORT"), "{u}: {r}");
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
    }
}
