//! The `dbc` command line: every DeepBrainChain client node API call from the terminal, safe
//! signing (no secrets on argv), VM waiting with a spinner, and a one-command demo against the
//! built-in simulator.
//!
//! The binary is a thin wrapper around [`run`], which takes the arguments and returns the exit
//! code (0 ok, 1 API or verification failure, 2 usage/config error, 3 transport error,
//! 130 interrupted):
//!
//! ```
//! // The multisig account id of //Alice, //Bob and //Charlie with threshold 2.
//! let code = dbc_cli::run([
//!     "dbc", "multisig", "address", "--threshold", "2",
//!     "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
//!     "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
//!     "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
//! ]);
//! assert_eq!(code, 0);
//! assert_eq!(dbc_cli::run(["dbc", "verify", "--address", "nope", "--message", "m", "--signature", "00"]), 2);
//! ```
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod args;
mod commands;
mod config;
mod creds;
mod demo;
mod error;
mod net;
mod output;
mod wait;

use clap::Parser;
use std::ffi::OsString;
use std::io::IsTerminal;

pub use error::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE};

fn init_tracing(verbose: u8) {
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
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(verbose >= 2)
        .try_init();
}

/// Parses `argv` (including the program name), runs the command and returns the exit code.
/// Errors are printed to stderr as one line; results go to stdout.
pub fn run<I, T>(argv: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match args::Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    init_tracing(cli.global.verbose);
    let settings = match config::resolve(&cli.global) {
        Ok(s) => s,
        Err(e) => return report(&e),
    };
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
    let mut msg = e.to_string();
    if let error::CliError::Api(dbc_api::Error::Validation(v)) = e {
        if v.field == "credential" {
            msg.push_str(" — give a key with --suri-file PATH (or DBC_SURI / --keystore FILE), or a session with DBC_SESSION_ID + DBC_SESSION_ID_SIGN");
        }
    }
    if !msg.is_empty() {
        output::note(&format!("error: {msg}"));
    }
    e.exit_code()
}
