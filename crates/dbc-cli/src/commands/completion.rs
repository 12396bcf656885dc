//! `dbc completion SHELL`: a completion script for bash, zsh, fish, PowerShell or elvish
//! (clap_complete), generated from the same grammar the binary parses.

use crate::error::{CliError, CliResult};
use clap::Args;
use std::io::Write;

/// Install lines shown in `dbc completion --help`.
pub const EXAMPLES: &str = "\
Examples:
  dbc completion bash > ~/.local/share/bash-completion/completions/dbc
  dbc completion zsh > \"${fpath[1]}/_dbc\"
  dbc completion fish > ~/.config/fish/completions/dbc.fish
  dbc completion powershell >> $PROFILE
  dbc completion elvish > ~/.config/elvish/lib/dbc.elv   # then `use dbc` in rc.elv";

/// `dbc completion`
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// Shell to generate the script for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Writes the completion script for `a.shell` to stdout.
///
/// # Errors
/// stdout cannot be written (a closed pipe is not an error).
pub fn run(a: &CompletionArgs) -> CliResult {
    let mut cmd = crate::cli_command::command();
    let mut buf: Vec<u8> = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "dbc", &mut buf);
    let mut out = std::io::stdout().lock();
    match out.write_all(&buf).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Failed(format!("cannot write to stdout: {e}"))),
    }
}
