//! `dbc peers …`: peers of the client node.

use super::Ctx;
use crate::error::CliResult;
use clap::Subcommand;

/// The registry endpoints `dbc peers …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::PeersActive as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::PeersGlobal as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::PeersLan as dbc_types::Endpoint>::INFO.name,
];

/// `dbc peers …`
#[derive(Debug, Subcommand)]
pub enum PeersCmd {
    /// Connected peers
    #[command(after_help = "Examples:\n  dbc peers active")]
    Active,
    /// Candidate peers
    #[command(after_help = "Examples:\n  dbc peers global")]
    Global,
    /// LAN-discovered DBC nodes
    #[command(after_help = "Examples:\n  dbc peers lan")]
    Lan,
}

/// `dbc peers …`
///
/// # Errors
/// The client node is unreachable or answers an error.
pub async fn run(ctx: &Ctx, cmd: PeersCmd) -> CliResult {
    let peers = ctx.client_none()?.peers();
    match cmd {
        PeersCmd::Active => ctx.out.emit(&peers.active().await?),
        PeersCmd::Global => ctx.out.emit(&peers.global().await?),
        PeersCmd::Lan => ctx.out.emit(&peers.lan().await?),
    }
}
