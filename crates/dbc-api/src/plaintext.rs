//! The plaintext-credential warning: a request carrying a credential is about to go over
//! `http://` to a host that is not loopback.

use dbc_types::Credential;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a request would expose over plain HTTP; passed to the hook of
/// [`ClientBuilder::on_plaintext_credentials`](crate::ClientBuilder::on_plaintext_credentials).
#[derive(Debug, Clone, Copy)]
pub struct PlaintextExposure<'a> {
    /// The client node URL (`http://…`, user info never included).
    pub url: &'a str,
    /// The credential kind: `wallet`, `multisig` or `session`.
    pub credential: &'static str,
}

impl PlaintextExposure<'_> {
    /// What an eavesdropper could do with the credential.
    pub fn risk(&self) -> &'static str {
        match self.credential {
            "session" => {
                "session_id_sign acts as the renter on that node until the rent ends, and also \
                 works once as a wallet credential"
            }
            "multisig" => {
                "each member's nonce signature can be replayed once, on any node, before the \
                 node sees it"
            }
            _ => "the wallet signature can be replayed once, on any node, before the node sees it",
        }
    }
}

impl fmt::Display for PlaintextExposure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sending a {} credential over plain http to {}: anyone on the network path can read \
             it ({}); use an https:// URL (nginx with TLS in front of the client node; \
             --cacert FILE for a private CA), or set DBC_ALLOW_HTTP=1 to accept the risk",
            self.credential,
            self.url,
            self.risk()
        )
    }
}

/// The hook called at most once per client.
pub(crate) type Hook = Arc<dyn Fn(&PlaintextExposure<'_>) + Send + Sync>;

/// Per-client state of the warning.
pub(crate) struct Warning {
    /// `None`: nothing to warn about (https, loopback, or allowed).
    hook: Option<Hook>,
    warned: AtomicBool,
}

impl Warning {
    /// The warning state for a client of `url`.
    pub(crate) fn new(url: &str, allow_http: bool, hook: Option<Hook>) -> Self {
        let exposed = !allow_http && !allowed_by_env() && plaintext_remote(url);
        let hook = exposed.then(|| {
            hook.unwrap_or_else(|| {
                Arc::new(|e: &PlaintextExposure<'_>| {
                    tracing::warn!(url = e.url, credential = e.credential, "{e}");
                })
            })
        });
        Warning {
            hook,
            warned: AtomicBool::new(false),
        }
    }

    /// Called before a request carrying `cred` is sent.
    pub(crate) fn before_send(&self, url: &str, cred: &Credential) {
        let Some(hook) = &self.hook else { return };
        if matches!(cred, Credential::None) || self.warned.swap(true, Ordering::Relaxed) {
            return;
        }
        hook(&PlaintextExposure {
            url,
            credential: cred.kind(),
        });
    }
}

/// `DBC_ALLOW_HTTP=1` (or `true`/`yes`) silences the warning.
pub(crate) fn allowed_by_env() -> bool {
    std::env::var("DBC_ALLOW_HTTP")
        .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

/// `http://` to a host that is not loopback.
pub(crate) fn plaintext_remote(url: &str) -> bool {
    let Some(rest) = url.trim().strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    !dbc_transport::is_loopback_host(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_remote_plain_http_is_exposed() {
        for u in [
            "http://10.0.0.5:5002",
            "http://node.example",
            "HTTP://x:1".to_lowercase().as_str(),
        ] {
            assert!(plaintext_remote(u), "{u}");
        }
        for u in [
            "https://10.0.0.5:5002",
            "http://127.0.0.1:5050",
            "http://localhost:1",
            "http://[::1]:5050",
        ] {
            assert!(!plaintext_remote(u), "{u}");
        }
    }

    #[test]
    fn the_hook_fires_once_and_only_for_credentials() {
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = count.clone();
        let w = Warning::new(
            "http://10.0.0.5:5002",
            false,
            Some(Arc::new(move |e: &PlaintextExposure<'_>| {
                assert_eq!(e.credential, "session");
                assert!(e.to_string().contains("https://"));
                c.fetch_add(1, Ordering::SeqCst);
            })),
        );
        w.before_send("http://10.0.0.5:5002", &Credential::None);
        assert_eq!(count.load(Ordering::SeqCst), 0);
        let session = Credential::session(
            "s1".parse().unwrap_or_else(|_| unreachable!()),
            dbc_types::SessionIdSign::new(&"ab".repeat(64)).unwrap_or_else(|_| unreachable!()),
        );
        for _ in 0..3 {
            w.before_send("http://10.0.0.5:5002", &session);
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
        let allowed = Warning::new("http://10.0.0.5:5002", true, None);
        assert!(allowed.hook.is_none());
    }
}
