//! `dbc lan …`: virtual LANs (VxLAN).

use super::Ctx;
use crate::args::NodeArg;
use crate::error::CliResult;
use clap::Subcommand;
use dbc_types::models::*;

/// The registry endpoints `dbc lan …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::LanList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::LanGet as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::LanCreate as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::LanDelete as dbc_types::Endpoint>::INFO.name,
];

/// `dbc lan …`
#[derive(Debug, Subcommand)]
pub enum LanCmd {
    /// Virtual LANs of a node, or of the client node without NODE
    #[command(after_help = "Examples:\n  dbc lan list $NODE\n  dbc lan list")]
    List {
        /// GPU node id (omit for the client node)
        #[arg(value_name = "NODE")]
        node: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        fleet: crate::commands::fleet::FleetArgs,
    },
    /// One virtual LAN
    #[command(after_help = "Examples:\n  dbc lan info mylan01 --node $NODE")]
    Info {
        /// Network name
        #[arg(value_name = "NAME")]
        name: String,
        /// GPU node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
    },
    /// Create a virtual LAN on a node
    #[command(after_help = "Examples:\n  dbc lan create $NODE --name mylan01 --cidr 10.10.0.0/24")]
    Create {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// 6-10 letters/digits
        #[arg(long, value_name = "NAME")]
        name: String,
        /// IPv4 a.b.c.d/n
        #[arg(long, value_name = "CIDR")]
        cidr: String,
    },
    /// Delete a virtual LAN
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc lan delete $NODE mylan01"
    )]
    Delete {
        /// GPU node id [default: env DBC_NODE, then the profile's `node`]
        #[arg(value_name = "NODE")]
        node: Option<String>,
        /// Network name
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// `dbc lan …`
///
/// # Errors
/// A bad or missing node id, an invalid network name, missing credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: LanCmd) -> CliResult {
    match cmd {
        LanCmd::List { node, .. } => {
            let client = ctx.client_none()?;
            match ctx.opt_node(node.as_deref())? {
                Some(n) => ctx.out.emit(&client.node(&n).lan().list().await?),
                None => ctx.out.emit(&client.lan().list().await?),
            }
        }
        LanCmd::Info { name, node } => {
            let client = ctx.client_none()?;
            match ctx.opt_node(node.as_deref())? {
                Some(n) => ctx.out.emit(&client.node(&n).lan().get(&name).await?),
                None => ctx.out.emit(&client.lan().get(&name).await?),
            }
        }
        LanCmd::Create { node, name, cidr } => {
            let node = ctx.node(node.node.as_deref())?;
            let req = CreateNetwork::new(name, cidr);
            ctx.out
                .emit(&ctx.client_any()?.node(&node).lan().create(req).await?)
        }
        LanCmd::Delete { node, name } => {
            let node = ctx.node(node.as_deref())?;
            validate_network_name(&name)?;
            ctx.out
                .emit(&ctx.client_any()?.node(&node).lan().delete(&name).await?)
        }
    }
}
