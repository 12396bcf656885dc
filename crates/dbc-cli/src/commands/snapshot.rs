//! `dbc snapshot …`: VM snapshots.

use super::{show, task_id, Ctx};
use crate::args::TaskArg;
use crate::error::CliResult;
use clap::Subcommand;
use dbc_types::endpoint::SnapshotParams;
use dbc_types::models::*;
use dbc_types::registry::*;

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
pub async fn run(ctx: &Ctx, cmd: SnapshotCmd) -> CliResult {
    match cmd {
        SnapshotCmd::List(at) => {
            let node = ctx.node(at.node.as_deref())?;
            show::<SnapshotsList>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                task_id(&at.task)?,
                Empty {},
            )
            .await
        }
        SnapshotCmd::Info { at, name } => {
            let node = ctx.node(at.node.as_deref())?;
            let p = SnapshotParams {
                task_id: task_id(&at.task)?,
                snapshot_name: name,
            };
            show::<SnapshotInfo>(ctx, &ctx.client_any()?, Some(&node), p, Empty {}).await
        }
        SnapshotCmd::Create {
            at,
            name,
            server,
            desc,
        } => {
            let node = ctx.node(at.node.as_deref())?;
            let body = CreateSnapshot {
                snapshot_name: name,
                desc,
                image_server: server,
            };
            show::<SnapshotCreate>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                task_id(&at.task)?,
                body,
            )
            .await
        }
        SnapshotCmd::Delete { at, name } => {
            let node = ctx.node(at.node.as_deref())?;
            let p = SnapshotParams {
                task_id: task_id(&at.task)?,
                snapshot_name: name,
            };
            show::<SnapshotDelete>(ctx, &ctx.client_any()?, Some(&node), p, Empty {}).await
        }
    }
}
