//! `dbc rent-orders …`: rent orders known to a GPU node.

use super::Ctx;
use crate::error::CliResult;
use clap::Subcommand;

/// The registry endpoints `dbc rent-orders …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::RentOrdersList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::RentOrdersGet as dbc_types::Endpoint>::INFO.name,
];

/// `dbc rent-orders …`
#[derive(Debug, Subcommand)]
pub enum RentOrdersCmd {
    /// Rent orders cached on a node (optionally by order id)
    #[command(
        after_help = "Examples:\n  dbc rent-orders list $NODE\n  dbc rent-orders list $NODE --order 1234"
    )]
    List {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: crate::commands::fleet::FleetNodeArg,
        /// Rent order id
        #[arg(long, value_name = "ID")]
        order: Option<String>,
    },
}

/// `dbc rent-orders …`
///
/// # Errors
/// A bad or missing node id, a bad rent order id, or the API's error.
pub async fn run(ctx: &Ctx, cmd: RentOrdersCmd) -> CliResult {
    match cmd {
        RentOrdersCmd::List { node, order } => {
            let node = ctx.client_none()?.node(&ctx.node(node.node.as_deref())?);
            match order {
                Some(o) => {
                    let o: dbc_types::RentOrder = o.parse()?;
                    ctx.out.emit(&node.rent_order(o.as_str()).await?)
                }
                None => ctx.out.emit(&node.rent_orders().await?),
            }
        }
    }
}
