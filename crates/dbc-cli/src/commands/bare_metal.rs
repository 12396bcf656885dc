//! `dbc bare-metal …`: bare-metal servers (IPMI) and their managers.

use super::{with, Ctx};
use crate::args::NodeArg;
use crate::creds::read_secret_file;
use crate::error::CliResult;
use clap::{Subcommand, ValueEnum};
use dbc_types::models::*;
use dbc_types::SecretString;
use std::path::PathBuf;

/// The registry endpoints `dbc bare-metal …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::BareMetalListAll as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::BareMetalGet as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::BareMetalAdd as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::BareMetalDelete as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::BareMetalModify as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::BareMetalPowerSet as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::BareMetalBootDevSet as dbc_types::Endpoint>::INFO.name,
];

/// IPMI power command.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PowerArg {
    /// Power on
    On,
    /// Power off
    Off,
    /// Reset
    Reset,
    /// Query
    Status,
}

/// IPMI boot device.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BootArg {
    /// No override
    None,
    /// Network
    Pxe,
    /// CD-ROM
    Cdrom,
    /// Disk
    Disk,
    /// BIOS setup
    Bios,
}

/// `dbc bare-metal …`
#[derive(Debug, Subcommand)]
pub enum BareMetalCmd {
    /// Bare-metal servers (client list, manager list with --node, filter with --id)
    #[command(
        after_help = "Examples:\n  dbc bare-metal list\n  dbc bare-metal list --node $MANAGER --id $SERVER_UUID"
    )]
    List {
        /// Manager or server node id (omit for the client node's list)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// Filter by node id or uuid
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
    /// Register a bare-metal server with a manager (manager key)
    #[command(
        after_help = "Examples:\n  dbc bare-metal add --node $MANAGER --uuid srv-1 --ip 10.0.0.20 --ipmi-host 10.0.1.20 \\\n      --ipmi-user admin --ipmi-password-file ipmi.txt --suri-file manager.suri"
    )]
    Add {
        /// Manager node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// uuid (letters, digits, -)
        #[arg(long)]
        uuid: String,
        /// Server IP
        #[arg(long)]
        ip: String,
        /// OS
        #[arg(long)]
        os: Option<String>,
        /// Description
        #[arg(long)]
        desc: Option<String>,
        /// IPMI host
        #[arg(long, value_name = "HOST")]
        ipmi_host: String,
        /// IPMI user
        #[arg(long, value_name = "USER")]
        ipmi_user: String,
        /// File holding the IPMI password
        #[arg(long, value_name = "PATH")]
        ipmi_password_file: PathBuf,
        /// IPMI port
        #[arg(long, value_name = "P")]
        ipmi_port: Option<u16>,
    },
    /// Remove bare-metal servers (manager key)
    #[command(after_help = "Examples:\n  dbc bare-metal delete --node $MANAGER $ID1 $ID2")]
    Delete {
        /// Manager node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// Node ids to remove
        #[arg(value_name = "ID", required = true)]
        ids: Vec<String>,
    },
    /// Modify a bare-metal server (manager key)
    #[command(
        after_help = "Examples:\n  dbc bare-metal modify --node $MANAGER $ID --ip 10.0.0.21"
    )]
    Modify {
        /// Manager node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// The server's node id
        #[arg(value_name = "ID")]
        id: String,
        /// New uuid
        #[arg(long)]
        uuid: Option<String>,
        /// New IP
        #[arg(long)]
        ip: Option<String>,
        /// New OS
        #[arg(long)]
        os: Option<String>,
        /// New description
        #[arg(long)]
        desc: Option<String>,
        /// New IPMI host
        #[arg(long, value_name = "HOST")]
        ipmi_host: Option<String>,
        /// New IPMI user
        #[arg(long, value_name = "USER")]
        ipmi_user: Option<String>,
        /// File holding the new IPMI password
        #[arg(long, value_name = "PATH")]
        ipmi_password_file: Option<PathBuf>,
        /// New IPMI port
        #[arg(long, value_name = "P")]
        ipmi_port: Option<u16>,
    },
    /// IPMI power control
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc bare-metal power $NODE status\n  dbc bare-metal power $NODE on"
    )]
    Power {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// Command
        #[arg(value_enum, value_name = "COMMAND")]
        command: PowerArg,
    },
    /// IPMI boot device
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc bare-metal bootdev $NODE pxe"
    )]
    Bootdev {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// Device
        #[arg(value_enum, value_name = "DEVICE")]
        device: BootArg,
    },
}

/// `dbc bare-metal …`
///
/// # Errors
/// A bad node id, an unreadable IPMI password file, missing credentials, or the API's error.
pub async fn run(ctx: &Ctx, cmd: BareMetalCmd) -> CliResult {
    match cmd {
        BareMetalCmd::List { node, id } => {
            let node = ctx.opt_node(node.as_deref())?;
            let c = if ctx.creds.has_key() {
                ctx.client_any()?
            } else {
                ctx.client_none()?
            };
            match (node, id) {
                (None, None) => ctx.out.emit(&c.bare_metal().list().await?),
                (node, Some(id)) => ctx.out.emit(&manager(&c, node).get(&id).await?),
                (Some(n), None) => ctx.out.emit(&c.node(&n).bare_metal().info().await?),
            }
        }
        BareMetalCmd::Add {
            node,
            uuid,
            ip,
            os,
            desc,
            ipmi_host,
            ipmi_user,
            ipmi_password_file,
            ipmi_port,
        } => {
            let node = ctx.opt_node(node.as_deref())?;
            let pw = read_secret_file(&ipmi_password_file, "IPMI password")?;
            let new = NewBareMetal::new(
                uuid,
                ip,
                ipmi_host,
                ipmi_user,
                SecretString::new(pw.as_str()),
            );
            let new = with(new, os, NewBareMetal::os);
            let new = with(new, desc, NewBareMetal::desc);
            let body = AddBareMetal::new(vec![with(new, ipmi_port, NewBareMetal::ipmi_port)]);
            let c = ctx.client(ctx.creds.signature()?)?;
            ctx.out.emit(&manager(&c, node).add(body).await?)
        }
        BareMetalCmd::Delete { node, ids } => {
            let node = ctx.opt_node(node.as_deref())?;
            let c = ctx.client(ctx.creds.signature()?)?;
            ctx.out.emit(&manager(&c, node).delete(ids).await?)
        }
        BareMetalCmd::Modify {
            node,
            id,
            uuid,
            ip,
            os,
            desc,
            ipmi_host,
            ipmi_user,
            ipmi_password_file,
            ipmi_port,
        } => {
            let node = ctx.opt_node(node.as_deref())?;
            let ipmi_password = match ipmi_password_file {
                Some(p) => Some(SecretString::new(
                    read_secret_file(&p, "IPMI password")?.as_str(),
                )),
                None => None,
            };
            let body = ModifyBareMetal::new();
            let body = with(body, uuid, ModifyBareMetal::uuid);
            let body = with(body, ip, ModifyBareMetal::ip);
            let body = with(body, os, ModifyBareMetal::os);
            let body = with(body, desc, ModifyBareMetal::desc);
            let body = with(body, ipmi_host, ModifyBareMetal::ipmi_hostname);
            let body = with(body, ipmi_user, ModifyBareMetal::ipmi_username);
            let body = with(body, ipmi_password, ModifyBareMetal::ipmi_password);
            let body = with(body, ipmi_port, ModifyBareMetal::ipmi_port);
            let c = ctx.client(ctx.creds.signature()?)?;
            ctx.out.emit(&manager(&c, node).modify(&id, body).await?)
        }
        BareMetalCmd::Power { node, command } => {
            let node = ctx.node(node.node.as_deref())?;
            let command = match command {
                PowerArg::On => PowerCommand::On,
                PowerArg::Off => PowerCommand::Off,
                PowerArg::Reset => PowerCommand::Reset,
                PowerArg::Status => PowerCommand::Status,
            };
            ctx.out.emit(
                &ctx.client_any()?
                    .node(&node)
                    .bare_metal()
                    .power(command)
                    .await?,
            )
        }
        BareMetalCmd::Bootdev { node, device } => {
            let node = ctx.node(node.node.as_deref())?;
            let device = match device {
                BootArg::None => BootDevice::None,
                BootArg::Pxe => BootDevice::Pxe,
                BootArg::Cdrom => BootDevice::Cdrom,
                BootArg::Disk => BootDevice::Disk,
                BootArg::Bios => BootDevice::Bios,
            };
            ctx.out.emit(
                &ctx.client_any()?
                    .node(&node)
                    .bare_metal()
                    .bootdev(device)
                    .await?,
            )
        }
    }
}

/// Where the manager calls go: the node that receives the request (no `--node`), or the
/// bare-metal manager named by `--node`.
fn manager(c: &dbc_api::Client, node: Option<dbc_types::NodeId>) -> dbc_api::ClientBareMetal {
    match node {
        None => c.bare_metal(),
        Some(n) => c.node(&n).bare_metal().manager(),
    }
}
