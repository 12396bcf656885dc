//! The view options every command accepts (`--jq`, `--no-headers`, `--wide`) and the process-wide
//! view they configure.

use super::jq::JqProgram;
use crate::error::CliResult;
use clap::Args;
use std::sync::OnceLock;

const GLOBAL: &str = "Global options";

/// `--jq`, `--no-headers`, `--wide`.
#[derive(Debug, Clone, Default, Args)]
pub struct ViewArgs {
    /// Filter the JSON output with a jq expression (implies --json; strings print without quotes), e.g. '.[].task_id'
    #[arg(long, global = true, value_name = "EXPR", help_heading = GLOBAL)]
    pub jq: Option<String>,
    /// Print tables without their header line
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_headers: bool,
    /// Print tables with every column, cells in full, not fitted to the terminal width
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub wide: bool,
}

/// How results are shown, for this process.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Omit table headers.
    pub no_headers: bool,
    /// All columns, full cells, no width fitting.
    pub wide: bool,
    /// The `--jq` expression (already checked to compile).
    pub jq: Option<String>,
    /// Width to fit tables to (`COLUMNS`, else the terminal's; `None`: not a terminal).
    pub width: Option<usize>,
}

static VIEW: OnceLock<View> = OnceLock::new();

/// The terminal width: `COLUMNS` when set, else stdout's terminal size, else `None` (a pipe or
/// a file: tables are not fitted).
pub fn terminal_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

/// Sets the process-wide view from the parsed options.
///
/// # Errors
/// A `--jq` expression that does not compile (usage error: nothing is sent).
pub fn configure(args: &ViewArgs) -> CliResult {
    if let Some(expr) = &args.jq {
        JqProgram::compile(expr)?;
    }
    let _ = VIEW.set(View {
        no_headers: args.no_headers,
        wide: args.wide,
        jq: args.jq.clone(),
        width: terminal_width(),
    });
    Ok(())
}

/// The process-wide view (defaults when [`configure`] was not called, e.g. in unit tests).
pub fn current() -> View {
    VIEW.get().cloned().unwrap_or_default()
}
