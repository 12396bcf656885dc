//! `dbc peers …`: peers of the client node.

use super::{show, Ctx};
use crate::error::CliResult;
use clap::Subcommand;
use dbc_types::models::*;
use dbc_types::registry::*;

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
pub async fn run(ctx: &Ctx, cmd: PeersCmd) -> CliResult {
    let c = ctx.client_none()?;
    match cmd {
        PeersCmd::Active => show::<PeersActive>(ctx, &c, None, Default::default(), Empty {}).await,
        PeersCmd::Global => show::<PeersGlobal>(ctx, &c, None, Default::default(), Empty {}).await,
        PeersCmd::Lan => show::<PeersLan>(ctx, &c, None, Default::default(), Empty {}).await,
    }
}
