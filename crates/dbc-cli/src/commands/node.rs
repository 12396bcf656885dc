//! `dbc node …`

use super::Ctx;
use crate::args::NodeArg;
use crate::creds::{keypair_from_suri, read_secret_file};
use crate::error::CliResult;
use crate::output::note;
use crate::secret_out::{secret_hex, SecretRows};
use clap::Subcommand;

/// The registry endpoints `dbc node …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::NodesList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::NodeInfoGet as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::NodeSessionId as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::NodeFreeMemory as dbc_types::Endpoint>::INFO.name,
];

/// `dbc node …`
#[derive(Debug, Subcommand)]
pub enum NodeCmd {
    /// GPU nodes known to the client node
    #[command(
        after_help = "Examples:\n  dbc node list\n  dbc node list --json | jq -r '.mining_nodes[].node_id'"
    )]
    List,
    /// Machine info of a GPU node (seed call 1)
    #[command(
        after_help = "Examples:\n  dbc node info $NODE\n  dbc node info $NODE --image-server img1 --json"
    )]
    Info {
        #[command(flatten)]
        node: crate::commands::fleet::FleetNodeArg,
        /// Include the images of this image server
        #[arg(long, value_name = "ID")]
        image_server: Option<String>,
    },
    /// Your session id on a node (seed call 2); with a renter key also session_id_sign to hand out
    #[command(
        after_help = "session_id_sign acts as you on that node until the rent ends, and it also works ONCE as a\nwallet signature (nonce = the session id) on every DBC node: hand it only to people you trust.\n\nExamples:\n  DBC_SURI_FILE=renter.suri dbc node session-id $NODE\n  dbc node session-id $NODE --multisig-wallets A,B,C --threshold 2 \\\n      --multisig-signer-file a.suri --multisig-signer-file b.suri"
    )]
    SessionId(NodeArg),
    /// Drop the page cache on a GPU node
    #[command(after_help = "Examples:\n  dbc node free-memory $NODE")]
    FreeMemory(NodeArg),
}

/// Runs a `node` subcommand.
///
/// # Errors
/// A bad or missing node id, missing or invalid credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: NodeCmd) -> CliResult {
    match cmd {
        NodeCmd::List => ctx.out.emit(&ctx.client_none()?.nodes().list().await?),
        NodeCmd::Info { node, image_server } => {
            let node = ctx.client_none()?.node(&ctx.node(node.node.as_deref())?);
            match image_server {
                Some(s) => ctx.out.emit(&node.info_with_image_server(&s).await?),
                None => ctx.out.emit(&node.info().await?),
            }
        }
        NodeCmd::SessionId(n) => {
            let node = ctx.node(n.node.as_deref())?;
            let creds = ctx.creds.signature()?;
            // A multisig renter's session may be signed by any of its signers (spec §5.5).
            let renter = match ctx.global.multisig_signer_file.first() {
                Some(p) if !ctx.global.multisig_wallets.is_empty() => {
                    let s = read_secret_file(p, "multisig signer SURI")?;
                    Some(keypair_from_suri(
                        &s,
                        &format!("the signer file {}", p.display()),
                    )?)
                }
                _ => ctx.creds.keypair()?,
            };
            let client = ctx.client(creds)?;
            let reply = client.node(&node).session_id().await?;
            // a credential printed on purpose: hex-encoded into a zeroizing buffer
            let session_id_sign = renter.as_ref().map(|kp| {
                let sig =
                    zeroize::Zeroizing::new(kp.sign_bytes(reply.session_id.as_str().as_bytes()));
                secret_hex(&sig[..])
            });
            if session_id_sign.is_some() {
                note("Hand session_id and session_id_sign to the third party (e.g. in DBC_SESSION_ID / DBC_SESSION_ID_SIGN): together they let anyone act as the renter on this node until the rent ends, and session_id_sign also works once as a wallet signature (nonce = the session id) on every DBC node. See docs/security.md.");
            } else {
                note("To hand out a session, sign the session id with the renter key: dbc sign --session-id <session_id>");
            }
            let mut rows = vec![("session_id", reply.session_id.as_str())];
            if let Some(ss) = &session_id_sign {
                rows.push(("session_id_sign", ss.as_str()));
            }
            SecretRows(rows).emit(&ctx.out)
        }
        NodeCmd::FreeMemory(n) => {
            let node = ctx.node(n.node.as_deref())?;
            ctx.out
                .emit(&ctx.client_any()?.node(&node).free_memory().await?)
        }
    }
}
