#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]

mod args;
mod cli_command;
mod commands;
mod config;
mod creds;
mod demo;
mod error;
mod logging;
mod net;
mod output;
mod prompt;
mod secret_file;
mod secret_out;
mod wait;

use clap::FromArgMatches;
use std::ffi::OsString;

pub use error::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE};

/// The full `dbc` command (for completions, man pages and documentation tools).
pub fn command() -> clap::Command {
    cli_command::command()
}

/// Parses `argv` (including the program name), runs the command and returns the exit code.
/// Errors are printed to stderr as one line (the error, its causes, then its hint once);
/// results go to stdout.
pub fn run<I, T>(argv: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut cmd = cli_command::command();
    let cli = match cmd
        .try_get_matches_from_mut(argv)
        .and_then(|m| args::Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => {
            let e = e.format(&mut cmd);
            let _ = e.print();
            return e.exit_code();
        }
    };
    if let Err(e) = logging::init(cli.global.verbose) {
        return report(&e);
    }
    if let Err(e) = output::configure(&cli.global.view) {
        return report(&e);
    }
    // Commands that work without (or on a broken) config file.
    let standalone = match &cli.command {
        args::Command::Completion(a) => Some(commands::completion::run(a)),
        args::Command::Config(c) if !matches!(c, commands::config_cmd::ConfigCmd::Show) => {
            Some(commands::config_cmd::run(&cli.global, c))
        }
        _ => None,
    };
    if let Some(r) = standalone {
        return match r {
            Ok(()) => EXIT_OK,
            Err(e) => report(&e),
        };
    }
    let mut settings = match config::resolve(&cli.global) {
        Ok(s) => s,
        Err(e) => return report(&e),
    };
    if cli.global.view.jq.is_some() {
        settings.json = true;
    }
    let ctx = commands::Ctx::new(&cli, settings);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::note(&format!("error: cannot start the async runtime: {e}"));
            return EXIT_FAILED;
        }
    };
    match rt.block_on(commands::dispatch(cli, ctx)) {
        Ok(()) => EXIT_OK,
        Err(e) => report(&e),
    }
}

fn report(e: &error::CliError) -> i32 {
    let line = error::report_line(e);
    if !line.is_empty() {
        output::note(&format!("error: {line}"));
    }
    e.exit_code()
}
