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
    /// An error from the API client (exit code chosen by `dbc-api`).
    #[error("{0}")]
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
            CliError::Api(e) => e.exit_code(),
            CliError::Failed(_) => EXIT_FAILED,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
        }
    }
}

impl From<dbc_types::ValidationError> for CliError {
    fn from(e: dbc_types::ValidationError) -> Self {
        CliError::Usage(e.to_string())
    }
}

/// `Result` with [`CliError`].
pub type CliResult<T = ()> = Result<T, CliError>;
