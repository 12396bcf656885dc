//! Config file and profile resolution. Precedence: flags > environment > profile > defaults.

use crate::args::{parse_duration, GlobalArgs};
use crate::error::CliError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// URL used when neither `--url`, `DBC_CLIENT_URL` nor a profile gives one (the node's built-in
/// default listener).
pub const DEFAULT_URL: &str = "http://127.0.0.1:5050";

/// `<config dir>/dbc/config.toml`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when neither `--profile` nor `DBC_PROFILE` is given (else `default`).
    #[serde(default)]
    pub default_profile: Option<String>,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile. Every member is optional.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Client node URL.
    pub url: Option<String>,
    /// Default GPU node id.
    pub node: Option<String>,
    /// The fleet of `--all-nodes` (GPU node ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<String>>,
    /// Key source: a file holding the SURI.
    pub suri_file: Option<PathBuf>,
    /// Key source: a polkadot-js keystore JSON.
    pub keystore: Option<PathBuf>,
    /// Keystore password file.
    pub password_file: Option<PathBuf>,
    /// `human` or `json`.
    pub output: Option<OutputFormat>,
    /// Request timeout, e.g. `45s`.
    pub timeout: Option<String>,
    /// PEM bundle of extra CA certificates for `https://` URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cacert: Option<PathBuf>,
    /// HTTP proxy URL, or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Send credentials over plain http:// without a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_http: Option<bool>,
}

/// Output format of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Tables and key/value blocks.
    Human,
    /// JSON only on stdout.
    Json,
}

/// Settings after applying the precedence rules.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Config file consulted (it may not exist).
    pub config_path: Option<PathBuf>,
    /// Whether the config file exists.
    pub config_found: bool,
    /// Selected profile name, if any.
    pub profile: Option<String>,
    /// Client node URL.
    pub url: String,
    /// Where the URL came from: `flag/env`, `profile` or `default`.
    pub url_source: &'static str,
    /// Default GPU node (env `DBC_NODE`, then profile).
    pub node: Option<String>,
    /// JSON output.
    pub json: bool,
    /// Request timeout.
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
    /// CA file, proxy, plaintext warning.
    #[serde(flatten)]
    pub net: crate::net::NetSettings,
    /// The selected profile's content (key sources are read by `creds`).
    #[serde(skip)]
    pub profile_data: Profile,
}

mod opt_duration {
    use serde::Serializer;
    use std::time::Duration;
    /// # Errors
    /// The serializer's own error.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(&humantime::format_duration(*d)),
            None => s.serialize_none(),
        }
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The config file path: `DBC_CONFIG`, else `<config dir>/dbc/config.toml`.
pub fn config_path() -> (Option<PathBuf>, bool) {
    if let Some(p) = env_nonempty("DBC_CONFIG") {
        return (Some(PathBuf::from(p)), true);
    }
    let p = directories::BaseDirs::new().map(|b| b.config_dir().join("dbc").join("config.toml"));
    (p, false)
}

/// Expands a leading `~/`.
pub fn expand(p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Some(b) = directories::BaseDirs::new() {
            return b.home_dir().join(rest);
        }
    }
    p.to_path_buf()
}

/// Reads and parses a config file; a missing file is an empty config unless `explicit`.
///
/// # Errors
/// The file cannot be read (or, when `explicit`, does not exist) or is not a valid config.
pub fn load_file(path: &Path, explicit: bool) -> Result<Option<ConfigFile>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(None),
        Err(e) => {
            return Err(CliError::Config(format!(
                "cannot read config file {}: {e} (DBC_CONFIG points to it)",
                path.display()
            )))
        }
    };
    toml::from_str(&text).map(Some).map_err(|e| {
        CliError::Config(format!(
            "config file {} is invalid: {}",
            path.display(),
            describe_toml_error(&text, &e)
        ))
    })
}

/// `line L, column C: message` for a TOML error, never quoting the file's text (a line may
/// hold a secret pasted into the wrong place). Quoted values inside the message (serde's
/// `invalid type: string "…"`, `unknown variant `…``) are masked too.
pub fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = mask_quoted(e.message().trim());
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count() + 1)
                .unwrap_or(1);
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// Replaces the contents of `"…"` and of the first backtick-quoted word after `variant` in a
/// serde message with `…`.
fn mask_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    for c in message.chars() {
        if c == '"' {
            if in_quote {
                out.push('…');
            }
            in_quote = !in_quote;
            out.push(c);
        } else if !in_quote {
            out.push(c);
        }
    }
    if let Some(at) = out.find("unknown variant `") {
        let start = at + "unknown variant `".len();
        if let Some(len) = out.get(start..).and_then(|r| r.find('`')) {
            out.replace_range(start..start + len, "…");
        }
    }
    out
}

/// Applies the precedence rules.
///
/// # Errors
/// A bad config file, an unknown profile, or an invalid value in flags, environment or profile.
pub fn resolve(g: &GlobalArgs) -> Result<Settings, CliError> {
    let (path, explicit) = config_path();
    let file = match &path {
        Some(p) => load_file(p, explicit)?,
        None => None,
    };
    let config_found = file.is_some();
    let file = file.unwrap_or_default();
    let (profile, profile_data) = select_profile(&file, g.profile.as_deref(), path.as_deref())?;

    let (url, url_source) = match (&g.url, &profile_data.url) {
        (Some(u), _) => (u.clone(), "flag/env"),
        (None, Some(u)) => (u.clone(), "profile"),
        (None, None) => (DEFAULT_URL.to_owned(), "default"),
    };
    let node = env_nonempty("DBC_NODE").or_else(|| profile_data.node.clone());
    let json = if g.json {
        true
    } else if let Some(o) = env_nonempty("DBC_OUTPUT") {
        match o.as_str() {
            "json" => true,
            "human" => false,
            other => {
                return Err(CliError::Config(format!(
                    "DBC_OUTPUT must be `json` or `human`, not `{other}`"
                )))
            }
        }
    } else {
        profile_data.output == Some(OutputFormat::Json)
    };
    let timeout = match (
        g.timeout,
        env_nonempty("DBC_TIMEOUT"),
        &profile_data.timeout,
    ) {
        (Some(t), _, _) => Some(t),
        (None, Some(t), _) => {
            Some(parse_duration(&t).map_err(|e| CliError::Config(format!("DBC_TIMEOUT: {e}")))?)
        }
        (None, None, Some(t)) => {
            Some(parse_duration(t).map_err(|e| CliError::Config(format!("profile timeout: {e}")))?)
        }
        _ => None,
    };
    let net = crate::net::resolve(&g.net, &profile_data)?;
    Ok(Settings {
        net,
        config_path: path,
        config_found,
        profile,
        url,
        url_source,
        node,
        json,
        timeout,
        profile_data,
    })
}

/// # Errors
/// The named profile does not exist in the file.
fn select_profile(
    file: &ConfigFile,
    requested: Option<&str>,
    path: Option<&Path>,
) -> Result<(Option<String>, Profile), CliError> {
    let shown = || {
        path.map(|p| p.display().to_string())
            .unwrap_or_else(|| "(no config dir)".into())
    };
    let known = || file.profiles.keys().cloned().collect::<Vec<_>>().join(", ");
    if let Some(name) = requested {
        return match file.profiles.get(name) {
            Some(p) => Ok((Some(name.to_owned()), p.clone())),
            None => {
                Err(CliError::Config(format!(
                "profile `{name}` not found in {} (profiles: {}); add a [profiles.{name}] table",
                shown(),
                if file.profiles.is_empty() { "none".to_owned() } else { known() }
            )))
            }
        };
    }
    if let Some(name) = &file.default_profile {
        return match file.profiles.get(name) {
            Some(p) => Ok((Some(name.clone()), p.clone())),
            None => Err(CliError::Config(format!(
                "default_profile `{name}` in {} names no [profiles.{name}] table",
                shown()
            ))),
        };
    }
    match file.profiles.get("default") {
        Some(p) => Ok((Some("default".to_owned()), p.clone())),
        None => Ok((None, Profile::default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_selection_and_errors() {
        let file: ConfigFile = toml::from_str(
            r#"
            default_profile = "prod"
            [profiles.prod]
            url = "http://10.0.0.1:5002"
            node = "aa"
            output = "json"
            [profiles.dev]
            url = "http://127.0.0.1:5050"
            "#,
        )
        .map_err(|e| e.to_string())
        .unwrap_or_default();
        assert_eq!(file.profiles.len(), 2);
        let (n, p) = select_profile(&file, None, None).unwrap_or_default();
        assert_eq!(n.as_deref(), Some("prod"));
        assert_eq!(p.output, Some(OutputFormat::Json));
        let (n, _) = select_profile(&file, Some("dev"), None).unwrap_or_default();
        assert_eq!(n.as_deref(), Some("dev"));
        assert!(select_profile(&file, Some("nope"), None).is_err());
    }

    #[test]
    fn parse_errors_give_position_never_text() {
        let text = "[profiles.a]\nurl = \"http://x\"\nsuri_file = bottom drive obey lake\n";
        let e = toml::from_str::<ConfigFile>(text).err();
        let msg = e.map(|e| describe_toml_error(text, &e)).unwrap_or_default();
        assert!(msg.starts_with("line 3, column 13: "), "{msg}");
        assert!(
            !msg.contains("bottom") && !msg.contains("suri_file ="),
            "{msg}"
        );
        let text = "[profiles.a]\noutput = \"hunter2\"\n";
        let e = toml::from_str::<ConfigFile>(text).err();
        let msg = e.map(|e| describe_toml_error(text, &e)).unwrap_or_default();
        assert!(msg.starts_with("line 2, column 10: "), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        let text = "[profiles.a]\nurl = 5\n";
        let e = toml::from_str::<ConfigFile>(text).err();
        let msg = e.map(|e| describe_toml_error(text, &e)).unwrap_or_default();
        assert!(
            msg.contains("line 2") && msg.contains("invalid type"),
            "{msg}"
        );
        assert_eq!(
            mask_quoted(r#"invalid type: string "s3cret", expected x"#),
            r#"invalid type: string "…", expected x"#
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<ConfigFile>("[profiles.a]\nurll = 'x'").is_err());
    }
}
