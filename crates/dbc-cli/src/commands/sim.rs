//! `dbc sim serve`: the simulator in the foreground, same options and ready line as `dbc-sim`.

use super::Ctx;
use crate::error::{CliError, CliResult};
use clap::Subcommand;

/// `dbc sim …`
#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// Run the simulator in the foreground; prints the same ready line as the dbc-sim binary
    #[command(
        after_help = "Examples:\n  dbc sim serve --listen 127.0.0.1:5050\n  dbc sim serve --listen 127.0.0.1:0   # ephemeral port, see the ready line\n  dbc sim serve --fault tasks.create=reply-lost   # creates, then answers `create task timeout`\n  dbc sim serve --fault 'tasks.list@1=latency:2s' --fault '*=oversized:128KiB'\n  dbc sim serve --create-delay 2s..10s --create-failure 0.2 --time-scale 0.01\n  dbc sim serve --monitor-interval 5s --monitor-pacing 1s   # push VM metrics every 5 s (docs/simulator-monitor.md)"
    )]
    Serve(dbc_sim::cli::SimArgs),
}

/// Runs a `sim` subcommand.
///
/// # Errors
/// The simulator cannot start (bad options, address in use) or fails while running.
pub async fn run(_ctx: &Ctx, cmd: SimCmd) -> CliResult {
    match cmd {
        SimCmd::Serve(args) => dbc_sim::cli::run(args)
            .await
            .map_err(|e| CliError::Failed(format!("simulator failed: {e}"))),
    }
}
