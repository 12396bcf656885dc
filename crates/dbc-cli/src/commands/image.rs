//! `dbc image …`: images on GPU nodes and image servers (list, download, upload, delete).

use super::{show, Ctx};
use crate::args::NodeArg;
use crate::error::CliResult;
use clap::{Args, Subcommand};
use dbc_types::endpoint::NoParams;
use dbc_types::models::*;
use dbc_types::registry::*;
use dbc_types::Endpoint;

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

/// The image endpoints that take only a file name (progress, stop, delete).
async fn image_file<E: Endpoint<Request = ImageFile, Params = NoParams>>(
    ctx: &Ctx,
    node: Option<&dbc_types::NodeId>,
    file: String,
) -> CliResult {
    let req = ImageFile {
        image_filename: file,
    };
    show::<E>(ctx, &ctx.client_any()?, node, NoParams, req).await
}

/// `dbc image …`
pub async fn run(ctx: &Ctx, cmd: ImageCmd) -> CliResult {
    match cmd {
        ImageCmd::List { node, server, .. } => {
            let node = ctx.opt_node(node.as_deref())?;
            let client = if node.is_some() {
                ctx.client_any()?
            } else {
                ctx.client_none()?
            };
            show::<ImagesList>(
                ctx,
                &client,
                node.as_ref(),
                Default::default(),
                ImageListRequest {
                    image_server: server,
                },
            )
            .await
        }
        ImageCmd::Servers => {
            show::<ImageServersList>(ctx, &ctx.client_none()?, None, Default::default(), Empty {})
                .await
        }
        ImageCmd::Download {
            node,
            server,
            file,
            dir,
        } => {
            let node = ctx.node(node.node.as_deref())?;
            let body = ImageDownload {
                image_server: server,
                image_filename: file,
                local_dir: dir,
            };
            show::<ImageDownloadStart>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Default::default(),
                body,
            )
            .await
        }
        ImageCmd::DownloadProgress(a) => {
            let node = ctx.node(a.node.node.as_deref())?;
            image_file::<ImageDownloadProgress>(ctx, Some(&node), a.file).await
        }
        ImageCmd::DownloadStop(a) => {
            let node = ctx.node(a.node.node.as_deref())?;
            image_file::<ImageDownloadStop>(ctx, Some(&node), a.file).await
        }
        ImageCmd::Upload { node, server, file } => {
            let node = ctx.opt_node(node.as_deref())?;
            let body = ImageUpload {
                image_filename: file,
                image_server: server,
            };
            show::<ImageUploadStart>(
                ctx,
                &ctx.client_any()?,
                node.as_ref(),
                Default::default(),
                body,
            )
            .await
        }
        ImageCmd::UploadProgress(a) => {
            let node = ctx.opt_node(a.node.as_deref())?;
            image_file::<ImageUploadProgress>(ctx, node.as_ref(), a.file).await
        }
        ImageCmd::UploadStop(a) => {
            let node = ctx.opt_node(a.node.as_deref())?;
            image_file::<ImageUploadStop>(ctx, node.as_ref(), a.file).await
        }
        ImageCmd::Delete(a) => {
            let node = ctx.node(a.node.node.as_deref())?;
            image_file::<ImageDelete>(ctx, Some(&node), a.file).await
        }
    }
}
