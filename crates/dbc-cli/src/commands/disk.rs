//! `dbc disk …`: the disks of a VM.

use super::{with, Ctx};
use crate::args::TaskArg;
use crate::error::CliResult;
use clap::Subcommand;
use dbc_types::models::*;

/// The registry endpoints `dbc disk …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::DisksList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::DiskResize as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::DiskAdd as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::DiskDelete as dbc_types::Endpoint>::INFO.name,
];

/// `dbc disk …`
#[derive(Debug, Subcommand)]
pub enum DiskCmd {
    /// Disks of a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk list $NODE $TASK"
    )]
    List(TaskArg),
    /// Grow a disk by SIZE GiB
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk resize $NODE $TASK --disk vdb --size 20"
    )]
    Resize {
        #[command(flatten)]
        at: TaskArg,
        /// Disk name, e.g. vdb
        #[arg(long, value_name = "NAME")]
        disk: String,
        /// GiB to add
        #[arg(long, value_name = "GIB")]
        size: u32,
    },
    /// Add a data disk
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk add $NODE $TASK --size 50"
    )]
    Add {
        #[command(flatten)]
        at: TaskArg,
        /// Size in GiB
        #[arg(long, value_name = "GIB")]
        size: u32,
        /// Host directory for the file (default /data)
        #[arg(long, value_name = "DIR")]
        mount_dir: Option<String>,
    },
    /// Delete a data disk
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk delete $NODE $TASK --disk vdc"
    )]
    Delete {
        #[command(flatten)]
        at: TaskArg,
        /// Disk name (not vda)
        #[arg(long, value_name = "NAME")]
        disk: String,
    },
}

/// `dbc disk …`
///
/// # Errors
/// A bad node or task id, missing credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: DiskCmd) -> CliResult {
    match cmd {
        DiskCmd::List(at) => ctx.out.emit(&disks(ctx, &at)?.list().await?),
        DiskCmd::Resize { at, disk, size } => {
            ctx.out.emit(&disks(ctx, &at)?.resize(&disk, size).await?)
        }
        DiskCmd::Add {
            at,
            size,
            mount_dir,
        } => ctx.out.emit(
            &disks(ctx, &at)?
                .add(with(AddDisk::new(size), mount_dir, AddDisk::mount_dir))
                .await?,
        ),
        DiskCmd::Delete { at, disk } => ctx.out.emit(&disks(ctx, &at)?.delete(&disk).await?),
    }
}

/// The disks of the VM `at` names.
///
/// # Errors
/// A bad or missing node id, a bad task id, or credentials that cannot be loaded.
fn disks(ctx: &Ctx, at: &TaskArg) -> CliResult<dbc_api::Disks> {
    Ok(ctx.task(at)?.disks())
}
