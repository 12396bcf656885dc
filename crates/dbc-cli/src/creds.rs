//! Credential loading. Secrets come from files, the environment or a no-echo prompt; a SURI on
//! the command line is accepted with a warning. Secret text is held in `Zeroizing` buffers and
//! never appears in errors or logs.

use crate::args::GlobalArgs;
use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::output::note;
use crate::prompt::prompt_error;
pub use crate::prompt::prompt_secret;
use crate::secret_file::read_secret_text;
use dbc_api::Credentials;
use dbc_sign::Keypair;
use dbc_types::{SessionId, SessionIdSign};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Warning printed when a secret is passed on the command line.
pub const ARGV_WARNING: &str =
    "warning: a secret on the command line lands in your shell history and the process list; use --suri-file PATH or DBC_SURI instead";

fn env_secret(name: &str) -> Option<Zeroizing<String>> {
    std::env::var(name)
        .ok()
        .map(Zeroizing::new)
        .filter(|v| !v.trim().is_empty())
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Reads a secret file (see [`crate::secret_file`]: ssh-like permission checks, 64 KiB cap),
/// trimming surrounding whitespace (a trailing newline is usual).
///
/// # Errors
/// The file cannot be read, is readable or writable by others, is too large, or is empty.
pub fn read_secret_file(path: &Path, what: &str) -> CliResult<Zeroizing<String>> {
    let raw = read_secret_text(path, what)?;
    let trimmed = Zeroizing::new(raw.trim().to_owned());
    if trimmed.is_empty() {
        return Err(CliError::Usage(format!(
            "the {what} file {} is empty",
            path.display()
        )));
    }
    Ok(trimmed)
}

/// How the key was given. `Debug` never shows the SURI.
#[derive(Clone)]
enum KeySource {
    SuriArgv(Zeroizing<String>),
    SuriEnv(Zeroizing<String>),
    SuriFile(PathBuf),
    Keystore(PathBuf),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::SuriArgv(_) => f.write_str("SuriArgv(** redacted **)"),
            KeySource::SuriEnv(_) => f.write_str("SuriEnv(** redacted **)"),
            KeySource::SuriFile(p) => write!(f, "SuriFile({})", p.display()),
            KeySource::Keystore(p) => write!(f, "Keystore({})", p.display()),
        }
    }
}

/// Inputs to credential loading, resolved from flags, environment and profile.
/// `Debug` goes through the redacting `Debug` of [`GlobalArgs`].
#[derive(Debug, Clone)]
pub struct CredInputs {
    global: GlobalArgs,
    profile_suri_file: Option<PathBuf>,
    profile_keystore: Option<PathBuf>,
    profile_password_file: Option<PathBuf>,
    /// False for `vm passwd`, where `--password-file` is the new VM password.
    password_file_is_keystore: bool,
}

impl CredInputs {
    /// Collects the inputs.
    pub fn new(global: &GlobalArgs, settings: &Settings, password_file_is_keystore: bool) -> Self {
        CredInputs {
            global: global.clone(),
            profile_suri_file: settings.profile_data.suri_file.clone(),
            profile_keystore: settings.profile_data.keystore.clone(),
            profile_password_file: settings.profile_data.password_file.clone(),
            password_file_is_keystore,
        }
    }

    fn key_source(&self) -> Option<KeySource> {
        let g = &self.global;
        if let Some(s) = &g.suri {
            return Some(KeySource::SuriArgv(Zeroizing::new(s.0.clone())));
        }
        if let Some(p) = &g.suri_file {
            return Some(KeySource::SuriFile(p.clone()));
        }
        if let Some(p) = &g.keystore {
            return Some(KeySource::Keystore(p.clone()));
        }
        if let Some(s) = env_secret("DBC_SURI") {
            return Some(KeySource::SuriEnv(s));
        }
        if let Some(p) = env_path("DBC_SURI_FILE") {
            return Some(KeySource::SuriFile(p));
        }
        if let Some(p) = env_path("DBC_KEYSTORE") {
            return Some(KeySource::Keystore(p));
        }
        if let Some(p) = &self.profile_suri_file {
            return Some(KeySource::SuriFile(p.clone()));
        }
        self.profile_keystore.clone().map(KeySource::Keystore)
    }

    /// True when some key source is configured.
    pub fn has_key(&self) -> bool {
        self.key_source().is_some()
    }

    /// Loads the key, if one is configured.
    ///
    /// # Errors
    /// The SURI or keystore cannot be read or is invalid, or its password is wrong or missing.
    pub fn keypair(&self) -> CliResult<Option<Keypair>> {
        let Some(src) = self.key_source() else {
            return Ok(None);
        };
        let kp = match src {
            KeySource::SuriArgv(s) => {
                note(ARGV_WARNING);
                keypair_from_suri(&s, "--suri")?
            }
            KeySource::SuriEnv(s) => keypair_from_suri(&s, "DBC_SURI")?,
            KeySource::SuriFile(p) => {
                let s = read_secret_file(&p, "SURI")?;
                keypair_from_suri(&s, &format!("the SURI file {}", p.display()))?
            }
            KeySource::Keystore(p) => {
                let json = read_secret_text(&p, "keystore")?;
                let password = self.keystore_password(&p)?;
                let opened = Keypair::open_keystore(&json, &password).map_err(|e| {
                    CliError::Usage(format!(
                        "cannot open the keystore {}: {e} (check the password)",
                        p.display()
                    ))
                })?;
                if let Some(w) = opened.protection.warning() {
                    note(&format!("warning: {}: {w}", p.display()));
                }
                opened.keypair
            }
        };
        Ok(Some(kp))
    }

    /// Loads the key or explains how to give one.
    ///
    /// # Errors
    /// No key is configured, or [`CredInputs::keypair`]'s errors.
    pub fn require_keypair(&self) -> CliResult<Keypair> {
        self.keypair()?
            .ok_or_else(|| CliError::Usage(NO_KEY.to_owned()))
    }

    /// # Errors
    /// The password file cannot be read, or there is no terminal to prompt on.
    fn keystore_password(&self, keystore: &Path) -> CliResult<Zeroizing<String>> {
        if self.password_file_is_keystore {
            if let Some(p) = &self.global.password_file {
                return read_secret_file(p, "password");
            }
        }
        // an empty DBC_PASSWORD counts as unset (a password of spaces is still a password)
        if let Some(s) = std::env::var("DBC_PASSWORD")
            .ok()
            .map(Zeroizing::new)
            .filter(|s| !s.is_empty())
        {
            return Ok(s);
        }
        if let Some(p) = &self.profile_password_file {
            return read_secret_file(p, "password");
        }
        prompt_secret(&format!("Password for {}: ", keystore.display())).map_err(|e| {
            prompt_error(&e, format!(
                "the keystore {} needs a password: give --password-file PATH or DBC_PASSWORD (stdin is not a terminal, so there is no prompt)",
                keystore.display()
            ))
        })
    }

    /// The session credential, when `--session-id`/`DBC_SESSION_ID` is given.
    ///
    /// # Errors
    /// A session id without its signature, or either one malformed.
    fn session(&self) -> CliResult<Option<Credentials>> {
        let Some(id) = &self.global.session_id else {
            return Ok(None);
        };
        let id: SessionId = id.parse()?;
        let sign = match &self.global.session_id_sign {
            Some(s) => {
                note("warning: --session-id-sign on the command line lands in your shell history; prefer DBC_SESSION_ID_SIGN");
                Zeroizing::new(s.0.clone())
            }
            None => env_secret("DBC_SESSION_ID_SIGN").ok_or_else(|| {
                CliError::Usage("a session needs its signature too: set DBC_SESSION_ID_SIGN (or --session-id-sign)".into())
            })?,
        };
        let sign = SessionIdSign::new(&sign)?;
        Ok(Some(Credentials::session(id, sign)))
    }

    /// # Errors
    /// Incomplete or malformed multisig options, or a signer file that cannot be read.
    fn multisig(&self) -> CliResult<Option<Credentials>> {
        let g = &self.global;
        if g.multisig_wallets.is_empty() {
            return Ok(None);
        }
        let threshold = g
            .threshold
            .ok_or_else(|| CliError::Usage("--multisig-wallets needs --threshold N".into()))?;
        if g.multisig_signer_file.is_empty() {
            return Err(CliError::Usage(
                "--multisig-wallets needs at least one --multisig-signer-file PATH (one per signing member)".into(),
            ));
        }
        let mut signers: Vec<Arc<dyn dbc_sign::Signer>> = Vec::new();
        for p in &g.multisig_signer_file {
            let s = read_secret_file(p, "multisig signer SURI")?;
            signers.push(Arc::new(keypair_from_suri(
                &s,
                &format!("the signer file {}", p.display()),
            )?));
        }
        Ok(Some(Credentials::multisig(
            g.multisig_wallets.clone(),
            threshold,
            signers,
        )))
    }

    /// Credentials for API calls: session > multisig > wallet key > none.
    ///
    /// # Errors
    /// The session, multisig or key inputs are incomplete or invalid.
    pub fn any(&self) -> CliResult<Credentials> {
        if let Some(c) = self.session()? {
            return Ok(c);
        }
        self.signature()
    }

    /// A signature credential (multisig or wallet key) for endpoints that refuse sessions.
    ///
    /// # Errors
    /// The multisig or key inputs are incomplete or invalid.
    pub fn signature(&self) -> CliResult<Credentials> {
        if let Some(c) = self.multisig()? {
            return Ok(c);
        }
        Ok(match self.keypair()? {
            Some(kp) => Credentials::signer(kp),
            None => Credentials::None,
        })
    }
}

/// Message when a key is required but none is configured.
pub const NO_KEY: &str = "no key given: use --suri-file PATH, DBC_SURI, DBC_SURI_FILE, --keystore FILE, or a profile's suri_file/keystore";

/// Parses a SURI; the error names where it came from, never the SURI.
///
/// # Errors
/// `suri` is not a valid secret URI (the message names `origin`, never the SURI).
pub fn keypair_from_suri(suri: &str, origin: &str) -> CliResult<Keypair> {
    Keypair::from_suri(suri)
        .map_err(|e| CliError::Usage(format!("{origin} does not hold a valid secret URI: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_suri() {
        let k = KeySource::SuriArgv(Zeroizing::new("bottom drive obey lake".into()));
        let e = KeySource::SuriEnv(Zeroizing::new("//Alice".into()));
        let text = format!("{k:?} {e:?}");
        assert!(
            !text.contains("bottom") && !text.contains("//Alice"),
            "{text}"
        );
        let g = GlobalArgs {
            suri: Some(crate::args::ArgSecret("//Alice".into())),
            session_id_sign: Some(crate::args::ArgSecret("ab".repeat(64))),
            ..Default::default()
        };
        let c = CredInputs {
            global: g,
            profile_suri_file: None,
            profile_keystore: None,
            profile_password_file: None,
            password_file_is_keystore: true,
        };
        let text = format!("{c:?}");
        assert!(
            !text.contains("//Alice") && !text.contains(&"ab".repeat(64)),
            "{text}"
        );
    }

    #[test]
    fn keypair_errors_do_not_echo_the_suri() {
        match keypair_from_suri("not a phrase at all", "the test input") {
            Ok(_) => panic!("accepted an invalid SURI"),
            Err(e) => {
                let text = e.to_string();
                assert!(!text.contains("not a phrase"), "{text}");
                assert!(text.contains("the test input"));
            }
        }
    }
}
