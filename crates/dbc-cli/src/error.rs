//! The CLI's error type and its exit codes.

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the API answered with an error, or a signature did not verify.
pub const EXIT_FAILED: i32 = 1;
/// Exit code: usage, configuration or validation error (nothing was sent).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: transport error (unreachable, timeout).
pub const EXIT_TRANSPORT: i32 = 3;
/// Exit code: interrupted by Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Everything a command can fail with. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Bad arguments or missing inputs.
    #[error("{0}")]
    Usage(String),
    /// Bad config file, profile or environment.
    #[error("{0}")]
    Config(String),
    /// An error from the API client (exit code from [`api_exit_code`]).
    #[error(transparent)]
    Api(#[from] dbc_api::Error),
    /// A check failed (signature invalid, VM ended in an error status…).
    #[error("{0}")]
    Failed(String),
    /// Ctrl-C.
    #[error("{0}")]
    Interrupted(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::Config(_) => EXIT_USAGE,
            CliError::Api(e) => api_exit_code(e),
            CliError::Failed(_) => EXIT_FAILED,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
        }
    }
}

/// The exit code of an API error: 2 for usage, configuration, validation and signing (nothing
/// was sent), 3 for transport failures, 1 for the rest (the node refused, a reply was wrong).
pub fn api_exit_code(e: &dbc_api::Error) -> i32 {
    use dbc_api::Error as E;
    match e {
        E::Validation(_)
        | E::Sign(_)
        | E::NoUrl
        | E::TransportSetup { .. }
        | E::TlsNotCompiled { .. }
        | E::MutatingFanOut { .. }
        | E::UnknownEndpoint { .. }
        | E::RawRequest { .. }
        | E::NoSigner { .. } => EXIT_USAGE,
        e if e.is_transport() => EXIT_TRANSPORT,
        _ => EXIT_FAILED,
    }
}

/// The hint of an error, if any: the API's, or how to give credentials when a call needed
/// them.
pub fn hint(e: &CliError) -> Option<&'static str> {
    match e {
        CliError::Api(dbc_api::Error::Validation(v)) if v.field == "credential" => Some(
            "give a key with --suri-file PATH (or DBC_SURI / --keystore FILE), or a session with DBC_SESSION_ID + DBC_SESSION_ID_SIGN",
        ),
        CliError::Api(a) => a.hint(),
        _ => None,
    }
}

/// The error and its causes on one line: each level's message once, joined by `: ` (every
/// level's `Display` shows only its own message, smithy-rs RFC-0022).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// The one line printed for an error: the chain, then the hint once.
pub fn report_line(e: &CliError) -> String {
    let mut line = chain(e);
    if let Some(h) = hint(e) {
        line.push_str(" — hint: ");
        line.push_str(h);
    }
    line
}

impl From<dbc_types::ValidationError> for CliError {
    fn from(e: dbc_types::ValidationError) -> Self {
        CliError::Usage(e.to_string())
    }
}

/// `Result` with [`CliError`].
pub type CliResult<T = ()> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_exit_codes() {
        let v = dbc_api::Error::Validation(dbc_types::ValidationError::new("x", "y"));
        assert_eq!(api_exit_code(&v), EXIT_USAGE);
        assert_eq!(api_exit_code(&dbc_api::Error::NoUrl), EXIT_USAGE);
        let t = dbc_api::Error::Transport {
            endpoint: "version",
            source: dbc_api::error::TransportError::Other {
                method: "POST".into(),
                path: "/".into(),
                detail: "x".into(),
            },
        };
        assert_eq!(api_exit_code(&t), EXIT_TRANSPORT);
        let a = dbc_api::Error::Api {
            endpoint: "version",
            http_status: 200,
            errcode: 1,
            message: "no".into(),
            kind: dbc_api::ErrorKind::Other,
        };
        assert_eq!(api_exit_code(&a), EXIT_FAILED);
    }

    /// Each level's message appears once, the hint once, in that order.
    #[test]
    fn the_report_line_shows_the_chain_and_the_hint_once() {
        let e = CliError::Api(dbc_api::Error::Validation(dbc_types::ValidationError::new(
            "credential",
            "needs a key",
        )));
        let line = report_line(&e);
        assert_eq!(
            line,
            "not sent: the request is invalid: invalid `credential`: needs a key — hint: give a key with --suri-file PATH (or DBC_SURI / --keystore FILE), or a session with DBC_SESSION_ID + DBC_SESSION_ID_SIGN"
        );
    }
}
