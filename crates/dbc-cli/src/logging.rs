//! Logs on stderr: `-v`/`-vv`/`-vvv` or a `DBC_LOG` filter; `DBC_LOG_FORMAT=json` gives one JSON
//! object per line (tracing-subscriber's JSON layer) for platforms that ship logs. Secrets never
//! reach a log event: they are redacted types everywhere.

use crate::error::CliError;
use std::io::IsTerminal;

/// The log line format chosen with `DBC_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human text (default).
    Text,
    /// One JSON object per line.
    Json,
}

/// Reads `DBC_LOG_FORMAT` (`text` or `json`; unset or empty = text).
///
/// # Errors
/// Any other value (configuration error).
pub fn format_from_env() -> Result<LogFormat, CliError> {
    match std::env::var("DBC_LOG_FORMAT") {
        Err(_) => Ok(LogFormat::Text),
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(CliError::Config(format!(
                "DBC_LOG_FORMAT must be `text` or `json`, not `{other}`"
            ))),
        },
    }
}

/// Installs the stderr log subscriber for `verbose` (0 warn, 1 info, 2 debug, 3+ trace), unless
/// `DBC_LOG` gives a filter.
///
/// # Errors
/// An invalid `DBC_LOG_FORMAT`.
pub fn init(verbose: u8) -> Result<(), CliError> {
    let format = format_from_env()?;
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = std::env::var("DBC_LOG")
        .ok()
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(verbose >= 2)
            .try_init(),
    };
    Ok(())
}
