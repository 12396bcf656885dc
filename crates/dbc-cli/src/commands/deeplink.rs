//! `dbc deeplink …`: DeepLink device info of a bare-metal server.

use super::{with, Ctx};
use crate::args::NodeArg;
use crate::creds::read_secret_file;
use crate::error::CliResult;
use clap::Subcommand;
use dbc_types::models::*;
use dbc_types::SecretString;
use std::path::PathBuf;

/// The registry endpoints `dbc deeplink …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::DeeplinkGet as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::DeeplinkSet as dbc_types::Endpoint>::INFO.name,
];

/// `dbc deeplink …`
#[derive(Debug, Subcommand)]
pub enum DeeplinkCmd {
    /// DeepLink device info
    #[command(after_help = "Examples:\n  dbc deeplink get $NODE")]
    Get(crate::commands::fleet::FleetNodeArg),
    /// Set DeepLink device info
    #[command(
        after_help = "Examples:\n  dbc deeplink set $NODE --device-id 123456789 --device-password-file dl.txt"
    )]
    Set {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// New device id
        #[arg(long, value_name = "ID")]
        device_id: Option<String>,
        /// File holding the new device password
        #[arg(long, value_name = "PATH")]
        device_password_file: Option<PathBuf>,
    },
}

/// `dbc deeplink …`
///
/// # Errors
/// A bad or missing node id, an unreadable password file, missing credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: DeeplinkCmd) -> CliResult {
    match cmd {
        DeeplinkCmd::Get(n) => {
            let node = ctx.node(n.node.as_deref())?;
            ctx.out
                .emit(&ctx.client_any()?.node(&node).deeplink().get().await?)
        }
        DeeplinkCmd::Set {
            node,
            device_id,
            device_password_file,
        } => {
            let node = ctx.node(node.node.as_deref())?;
            let device_password = match device_password_file {
                Some(p) => Some(SecretString::new(
                    read_secret_file(&p, "DeepLink password")?.as_str(),
                )),
                None => None,
            };
            let req = with(SetDeeplink::new(), device_id, SetDeeplink::device_id);
            let req = with(req, device_password, SetDeeplink::device_password);
            ctx.out
                .emit(&ctx.client_any()?.node(&node).deeplink().set(req).await?)
        }
    }
}
