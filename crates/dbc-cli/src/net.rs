//! How `dbc` reaches the client node: extra CA certificates (`--cacert`), the HTTP proxy
//! (`--proxy`, `--no-proxy`, the environment like curl) and the plaintext-credential warning
//! (`DBC_ALLOW_HTTP`). Flags and their environment variables, profile keys, and how they turn
//! into client settings.

use crate::args::ArgSecret;
use crate::config::Profile;
use crate::error::CliError;
use clap::Args;
use dbc_api::dbc_transport::{redact_userinfo, Proxy};
use dbc_api::ClientBuilder;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Once;

const NETWORK: &str = "Network options";

/// Network options of every command.
#[derive(Debug, Clone, Default, Args)]
pub struct NetArgs {
    /// Also trust the CA certificates of this PEM file (a node behind TLS with a self-signed certificate or a private CA); the system's CAs stay trusted
    #[arg(long, global = true, env = "DBC_CACERT", value_name = "FILE", help_heading = NETWORK)]
    pub cacert: Option<PathBuf>,
    /// HTTP proxy for every request, loopback included: http://[USER:PASSWORD@]HOST[:PORT] [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY minus NO_PROXY, like curl; loopback goes direct]
    #[arg(long, global = true, env = "DBC_PROXY", value_name = "URL", help_heading = NETWORK)]
    pub proxy: Option<ArgSecret>,
    /// Use no proxy at all, whatever --proxy, the environment or the profile says
    #[arg(long, global = true, help_heading = NETWORK)]
    pub no_proxy: bool,
}

/// Where the proxy comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyChoice {
    /// The environment, like curl (the default).
    #[default]
    Env,
    /// No proxy.
    Off,
    /// This URL (may hold credentials: never shown).
    Url(String),
}

impl Serialize for ProxyChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ProxyChoice::Env => s.serialize_str("environment"),
            ProxyChoice::Off => s.serialize_str("none"),
            ProxyChoice::Url(u) => s.serialize_str(&redact_userinfo(u)),
        }
    }
}

/// The network settings in effect.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NetSettings {
    /// Extra CA certificates (PEM).
    pub cacert: Option<PathBuf>,
    /// The proxy.
    pub proxy: ProxyChoice,
    /// Credentials may go over plain http:// without a warning.
    pub allow_http: bool,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn proxy_choice(value: &str) -> ProxyChoice {
    let v = value.trim();
    if v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("off") {
        ProxyChoice::Off
    } else {
        ProxyChoice::Url(v.to_owned())
    }
}

/// Applies flags > environment > profile > defaults.
///
/// # Errors
/// A `DBC_ALLOW_HTTP` value that is not a boolean.
pub fn resolve(a: &NetArgs, p: &Profile) -> Result<NetSettings, CliError> {
    let cacert = a
        .cacert
        .clone()
        .or_else(|| p.cacert.clone())
        .map(|c| crate::config::expand(&c));
    let proxy = if a.no_proxy {
        ProxyChoice::Off
    } else if let Some(u) = &a.proxy {
        proxy_choice(&u.0)
    } else if let Some(u) = &p.proxy {
        proxy_choice(u)
    } else {
        ProxyChoice::Env
    };
    let allow_http = match env_nonempty("DBC_ALLOW_HTTP") {
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => true,
            "0" | "false" | "no" => false,
            _ => {
                return Err(CliError::Config(format!(
                    "DBC_ALLOW_HTTP must be 1 or 0 (true/false), not `{v}`"
                )))
            }
        },
        None => p.allow_http.unwrap_or(false),
    };
    Ok(NetSettings {
        cacert,
        proxy,
        allow_http,
    })
}

impl NetSettings {
    /// Puts these settings on a client builder; credentials about to go over plain HTTP to a
    /// remote host get one warning per process on stderr.
    pub fn apply(&self, mut b: ClientBuilder) -> ClientBuilder {
        if let Some(c) = &self.cacert {
            b = b.ca_cert_file(c);
        }
        b = b.proxy(match &self.proxy {
            ProxyChoice::Env => Proxy::from_env(),
            ProxyChoice::Off => Proxy::none(),
            ProxyChoice::Url(u) => Proxy::url(u.clone()),
        });
        b.allow_http(self.allow_http)
            .on_plaintext_credentials(|exposure| {
                static WARNED: Once = Once::new();
                WARNED.call_once(|| crate::output::note(&format!("warning: {exposure}")));
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_redaction() {
        let p = Profile {
            proxy: Some("http://u:pw@profile.example:3128".into()),
            cacert: Some("/etc/ca.pem".into()),
            ..Profile::default()
        };
        let s = resolve(&NetArgs::default(), &p).unwrap_or_default();
        assert_eq!(
            s.proxy,
            ProxyChoice::Url("http://u:pw@profile.example:3128".into())
        );
        let shown = serde_json::to_string(&s).unwrap_or_default();
        assert!(
            !shown.contains("pw") && shown.contains("***@profile.example"),
            "{shown}"
        );
        assert!(!format!(
            "{:?}",
            NetArgs {
                proxy: Some(ArgSecret("http://u:pw@x:1".into())),
                ..NetArgs::default()
            }
        )
        .contains("pw@"));
        let flag = NetArgs {
            proxy: Some(ArgSecret("none".into())),
            ..NetArgs::default()
        };
        assert_eq!(
            resolve(&flag, &p).unwrap_or_default().proxy,
            ProxyChoice::Off
        );
        let off = NetArgs {
            no_proxy: true,
            ..NetArgs::default()
        };
        assert_eq!(
            resolve(&off, &p).unwrap_or_default().proxy,
            ProxyChoice::Off
        );
        let none = Profile {
            proxy: Some("none".into()),
            ..Profile::default()
        };
        assert_eq!(
            resolve(&NetArgs::default(), &none)
                .unwrap_or_default()
                .proxy,
            ProxyChoice::Off
        );
        assert_eq!(
            resolve(&NetArgs::default(), &Profile::default())
                .unwrap_or_default()
                .proxy,
            ProxyChoice::Env
        );
    }
}
