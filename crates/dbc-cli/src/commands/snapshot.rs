//! `dbc snapshot …`: VM snapshots.

use super::{with, Ctx};
use crate::args::TaskArg;
use crate::error::CliResult;
use clap::Subcommand;
use dbc_types::models::*;

/// The registry endpoints `dbc snapshot …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::SnapshotsList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::SnapshotInfo as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::SnapshotCreate as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::SnapshotDelete as dbc_types::Endpoint>::INFO.name,
];

/// `dbc snapshot …`
#[derive(Debug, Subcommand)]
pub enum SnapshotCmd {
    /// Snapshots of a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot list $NODE $TASK"
    )]
    List(TaskArg),
    /// One snapshot
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot info $NODE $TASK --name snap1"
    )]
    Info {
        #[command(flatten)]
        at: TaskArg,
        /// Snapshot name
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// Snapshot a shut-off VM and upload it to an image server
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot create $NODE $TASK --name snap1 --server img1 --desc 'before upgrade'"
    )]
    Create {
        #[command(flatten)]
        at: TaskArg,
        /// Snapshot name
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Image server to upload to
        #[arg(long, value_name = "ID")]
        server: String,
        /// Description
        #[arg(long, value_name = "D")]
        desc: Option<String>,
    },
    /// Delete a snapshot
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot delete $NODE $TASK --name snap1"
    )]
    Delete {
        #[command(flatten)]
        at: TaskArg,
        /// Snapshot name
        #[arg(long, value_name = "NAME")]
        name: String,
    },
}

/// `dbc snapshot …`
///
/// # Errors
/// A bad node or task id, missing credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: SnapshotCmd) -> CliResult {
    match cmd {
        SnapshotCmd::List(at) => ctx.out.emit(&snapshots(ctx, &at)?.list().await?),
        SnapshotCmd::Info { at, name } => ctx.out.emit(&snapshots(ctx, &at)?.get(&name).await?),
        SnapshotCmd::Create {
            at,
            name,
            server,
            desc,
        } => {
            let req = with(
                CreateSnapshot::new(name, server),
                desc,
                CreateSnapshot::desc,
            );
            ctx.out.emit(&snapshots(ctx, &at)?.create(req).await?)
        }
        SnapshotCmd::Delete { at, name } => {
            ctx.out.emit(&snapshots(ctx, &at)?.delete(&name).await?)
        }
    }
}

/// The snapshots of the VM `at` names.
///
/// # Errors
/// A bad or missing node id, a bad task id, or credentials that cannot be loaded.
fn snapshots(ctx: &Ctx, at: &TaskArg) -> CliResult<dbc_api::Snapshots> {
    Ok(ctx.task(at)?.snapshots())
}
