//! `dbc sim serve`: the simulator in the foreground, same options and ready line as `dbc-sim`.

use super::Ctx;
use crate::args::SimCmd;
use crate::error::{CliError, CliResult};

/// Runs a `sim` subcommand.
pub async fn run(_ctx: &Ctx, cmd: SimCmd) -> CliResult {
    match cmd {
        SimCmd::Serve(args) => dbc_sim::cli::run(args)
            .await
            .map_err(|e| CliError::Failed(format!("simulator failed: {e}"))),
    }
}
