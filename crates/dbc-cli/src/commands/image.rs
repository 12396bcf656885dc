//! `dbc image …`: images on GPU nodes and image servers (list, download, upload, delete).

use super::Ctx;
use crate::args::NodeArg;
use crate::error::{CliError, CliResult};
use clap::{Args, Subcommand};
use dbc_types::models::*;

/// The registry endpoints `dbc image …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::ImagesList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageServersList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageDownloadStart as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageDownloadProgress as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageDownloadStop as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageUploadStart as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageUploadProgress as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageUploadStop as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::ImageDelete as dbc_types::Endpoint>::INFO.name,
];

/// `dbc image …`
#[derive(Debug, Subcommand)]
pub enum ImageCmd {
    /// Images on a node, or (without NODE) on an image server
    #[command(after_help = "Examples:\n  dbc image list $NODE\n  dbc image list --server img1")]
    List {
        /// GPU node id (omit to list an image server through the client node)
        #[arg(value_name = "NODE")]
        node: Option<String>,
        /// Image server id
        #[arg(long, value_name = "ID")]
        server: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        fleet: crate::commands::fleet::FleetArgs,
    },
    /// Image servers configured on the client node
    #[command(after_help = "Examples:\n  dbc image servers")]
    Servers,
    /// Download an image from an image server to a node
    #[command(
        after_help = "Examples:\n  dbc image download $NODE --server img1 --file ubuntu.qcow2 --dir /data"
    )]
    Download {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// Image server id
        #[arg(long, value_name = "ID")]
        server: String,
        /// Image file
        #[arg(long, value_name = "F")]
        file: String,
        /// Target directory on the node
        #[arg(long, value_name = "DIR", default_value = "/data")]
        dir: String,
    },
    /// Progress of a download
    #[command(after_help = "Examples:\n  dbc image download-progress $NODE --file ubuntu.qcow2")]
    DownloadProgress(ImageFileArgs),
    /// Stop a download
    #[command(after_help = "Examples:\n  dbc image download-stop $NODE --file ubuntu.qcow2")]
    DownloadStop(ImageFileArgs),
    /// Upload an image from a node (or the client node without NODE) to an image server
    #[command(after_help = "Examples:\n  dbc image upload $NODE --server img1 --file my.qcow2")]
    Upload {
        /// GPU node id (omit for the client node)
        #[arg(value_name = "NODE")]
        node: Option<String>,
        /// Image server id
        #[arg(long, value_name = "ID")]
        server: String,
        /// Image file
        #[arg(long, value_name = "F")]
        file: String,
    },
    /// Progress of an upload
    #[command(after_help = "Examples:\n  dbc image upload-progress $NODE --file my.qcow2")]
    UploadProgress(OptNodeFileArgs),
    /// Stop an upload
    #[command(after_help = "Examples:\n  dbc image upload-stop $NODE --file my.qcow2")]
    UploadStop(OptNodeFileArgs),
    /// Delete an image file on a node
    #[command(after_help = "Examples:\n  dbc image delete $NODE --file old.qcow2")]
    Delete(ImageFileArgs),
}

/// A node (default applies) and an image file.
#[derive(Debug, Args)]
pub struct ImageFileArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub node: NodeArg,
    /// Image file
    #[arg(long, value_name = "F")]
    pub file: String,
}

/// An optional node (no default: absent means the client node) and an image file.
#[derive(Debug, Args)]
pub struct OptNodeFileArgs {
    /// GPU node id (omit for the client node)
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    /// Image file
    #[arg(long, value_name = "F")]
    pub file: String,
}

/// `dbc image …`
///
/// # Errors
/// Neither NODE nor `--server` for `list`, a bad or missing node id, missing credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: ImageCmd) -> CliResult {
    match cmd {
        ImageCmd::List { node, server, .. } => match (ctx.opt_node(node.as_deref())?, server) {
            (Some(node), server) => ctx.out.emit(
                &ctx.client_any()?
                    .node(&node)
                    .images()
                    .list(server.as_deref())
                    .await?,
            ),
            (None, Some(server)) => ctx
                .out
                .emit(&ctx.client_none()?.images().list_server(&server).await?),
            (None, None) => Err(CliError::Usage(
                "image list needs NODE (images on a GPU node) or --server ID (images on an image server)".into(),
            )),
        },
        ImageCmd::Servers => ctx.out.emit(&ctx.client_none()?.images().servers().await?),
        ImageCmd::Download {
            node,
            server,
            file,
            dir,
        } => {
            let req = ImageDownload::new(server, file, dir);
            ctx.out.emit(&images(ctx, &node)?.download(req).await?)
        }
        ImageCmd::DownloadProgress(a) => ctx
            .out
            .emit(&images(ctx, &a.node)?.download_progress(&a.file).await?),
        ImageCmd::DownloadStop(a) => ctx
            .out
            .emit(&images(ctx, &a.node)?.download_stop(&a.file).await?),
        ImageCmd::Upload { node, server, file } => {
            let req = ImageUpload::new(file, server);
            let client = ctx.client_any()?;
            match ctx.opt_node(node.as_deref())? {
                Some(n) => ctx.out.emit(&client.node(&n).images().upload(req).await?),
                None => ctx.out.emit(&client.images().upload_local(req).await?),
            }
        }
        ImageCmd::UploadProgress(a) => {
            let client = ctx.client_any()?;
            match ctx.opt_node(a.node.as_deref())? {
                Some(n) => ctx
                    .out
                    .emit(&client.node(&n).images().upload_progress(&a.file).await?),
                None => ctx
                    .out
                    .emit(&client.images().upload_progress_local(&a.file).await?),
            }
        }
        ImageCmd::UploadStop(a) => {
            let client = ctx.client_any()?;
            match ctx.opt_node(a.node.as_deref())? {
                Some(n) => ctx
                    .out
                    .emit(&client.node(&n).images().upload_stop(&a.file).await?),
                None => ctx
                    .out
                    .emit(&client.images().upload_stop_local(&a.file).await?),
            }
        }
        ImageCmd::Delete(a) => ctx.out.emit(&images(ctx, &a.node)?.delete(&a.file).await?),
    }
}

/// The images of the node `n` names (default node applies), with the caller's credentials.
///
/// # Errors
/// A bad or missing node id, or credentials that cannot be loaded.
fn images(ctx: &Ctx, n: &NodeArg) -> CliResult<dbc_api::NodeImages> {
    let node = ctx.node(n.node.as_deref())?;
    Ok(ctx.client_any()?.node(&node).images())
}
