//! `dbc vm …`: the grammar and behaviour of the VM commands (create is in `create.rs`).

mod create;

pub use create::VmCreateArgs;

use super::{task_id, with, Ctx};
use crate::args::{parse_duration, TaskArg};
use crate::creds::{prompt_secret, read_secret_file};
use crate::error::CliResult;
use crate::output::note;
use crate::wait::{wait_status, WaitSpec};
use clap::{Args, Subcommand};
use dbc_types::models::{LogDirection, LogQuery, ModifyVm};
use dbc_types::{SecretString, Validate};
use std::time::Duration;

/// The registry endpoints `dbc vm …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::TaskCreate as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TasksList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskInfo as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskStart as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskShutdown as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskPoweroff as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskStop as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskRestart as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskReset as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskDelete as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskLogs as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskModify as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::TaskPasswd as dbc_types::Endpoint>::INFO.name,
];

/// Default `vm wait` timeout.
pub const WAIT_DEFAULT: Duration = Duration::from_secs(60 * 60);

/// `dbc vm modify`
#[derive(Debug, Args)]
pub struct VmModifyArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub at: TaskArg,
    /// New public IP. CAUTION: leaving it out removes an existing public IP; repeat the current one to keep it
    #[arg(long, value_name = "IP")]
    pub public_ip: Option<String>,
    /// New SSH port
    #[arg(long, value_name = "P")]
    pub ssh_port: Option<u16>,
    /// New RDP port
    #[arg(long, value_name = "P")]
    pub rdp_port: Option<u16>,
    /// New VNC port (next boot)
    #[arg(long, value_name = "P")]
    pub vnc_port: Option<u16>,
    /// Replacement custom forwards (repeatable)
    #[arg(long, value_name = "SPEC")]
    pub custom_port: Vec<String>,
    /// Replacement nwfilter rules (repeatable)
    #[arg(long, value_name = "RULE")]
    pub filter: Vec<String>,
    /// New GPU count
    #[arg(long, value_name = "N")]
    pub gpus: Option<u32>,
    /// New vCPU count
    #[arg(long, value_name = "N")]
    pub cpus: Option<u32>,
    /// New memory in GiB
    #[arg(long, value_name = "GIB")]
    pub mem: Option<u32>,
}

/// `dbc vm …`
#[derive(Debug, Subcommand)]
pub enum VmCmd {
    /// Create a VM (seed call 3)
    #[command(
        after_help = "Examples:\n  dbc vm create $NODE --image ubuntu.qcow2 --cpus 4 --mem 8 --disk 10 --gpus 0 \\\n      --ssh-port 5684 --vnc-port 5904 --wait\n  dbc vm create $NODE --image win10.qcow2 --os windows --rdp-port 5685 --vnc-port 5905 \\\n      --cpus 8 --mem 16 --disk 100 --gpus 1 --json"
    )]
    Create(Box<VmCreateArgs>),
    /// Your VMs on a node (seed call 5)
    #[command(
        after_help = "Examples:\n  dbc vm list $NODE\n  dbc vm list $NODE --json | jq -r '.[] | .task_id + \" \" + .status'"
    )]
    List(crate::commands::fleet::FleetNodeArg),
    /// Details of a VM, with the login line (seed call 4)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm info $NODE $TASK\n  dbc vm info $TASK            # node from DBC_NODE or the profile"
    )]
    Info(TaskArg),
    /// Start a stopped VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm start $NODE $TASK"
    )]
    Start(TaskArg),
    /// Shut a VM down
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm shutdown $NODE $TASK"
    )]
    Shutdown(TaskArg),
    /// Power a VM off
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm poweroff $NODE $TASK"
    )]
    Poweroff(TaskArg),
    /// Stop a VM (alias of poweroff on the node)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm stop $NODE $TASK"
    )]
    Stop(TaskArg),
    /// Restart a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm restart $NODE $TASK\n  dbc vm restart $NODE $TASK --force   # destroy + start"
    )]
    Restart {
        #[command(flatten)]
        at: TaskArg,
        /// Hard restart (destroy + start)
        #[arg(long)]
        force: bool,
    },
    /// Hard-reset a running VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm reset $NODE $TASK"
    )]
    Reset(TaskArg),
    /// Delete a VM (seed call 6)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm delete $NODE $TASK"
    )]
    Delete(TaskArg),
    /// The node's log about a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm logs $NODE $TASK\n  dbc vm logs $NODE $TASK --head --lines 20"
    )]
    Logs {
        #[command(flatten)]
        at: TaskArg,
        /// First lines
        #[arg(long, conflicts_with = "tail")]
        head: bool,
        /// Last lines (default)
        #[arg(long)]
        tail: bool,
        /// Number of lines (1-100)
        #[arg(long, value_name = "N")]
        lines: Option<u32>,
    },
    /// Modify ports, public IP, filters, GPUs/CPUs/memory
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm modify $NODE $TASK --ssh-port 6000\n  dbc vm modify $NODE $TASK --cpus 8 --mem 16 --public-ip 203.0.113.7"
    )]
    Modify(Box<VmModifyArgs>),
    /// Set the login password of a running VM (read from --password-file or a prompt)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm passwd $NODE $TASK --user dbc --password-file new-pw.txt\n(here --password-file is the new VM password; a keystore password then comes from DBC_PASSWORD)"
    )]
    Passwd {
        #[command(flatten)]
        at: TaskArg,
        /// Login user
        #[arg(long, value_name = "U")]
        user: String,
    },
    /// Wait until a VM reaches a status (spinner on stderr; --timeout, default 60m)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm wait $NODE $TASK\n  dbc vm wait $NODE $TASK --status closed --timeout 5m"
    )]
    Wait {
        #[command(flatten)]
        at: TaskArg,
        /// Status to wait for
        #[arg(long, default_value = "running", value_name = "STATUS")]
        status: String,
        /// Time between status polls
        #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_duration)]
        poll_interval: Duration,
    },
}

fn modify_spec(a: &VmModifyArgs) -> ModifyVm {
    let s = ModifyVm::new();
    let s = with(s, a.public_ip.clone(), ModifyVm::new_public_ip);
    let s = with(s, a.ssh_port, ModifyVm::new_ssh_port);
    let s = with(s, a.rdp_port, ModifyVm::new_rdp_port);
    let s = with(
        s,
        (!a.custom_port.is_empty()).then(|| a.custom_port.clone()),
        ModifyVm::new_custom_port,
    );
    let s = with(
        s,
        (!a.filter.is_empty()).then(|| a.filter.clone()),
        ModifyVm::new_network_filters,
    );
    let s = with(s, a.vnc_port, ModifyVm::new_vnc_port);
    let s = with(s, a.gpus, ModifyVm::new_gpu_count);
    let s = with(s, a.cpus, ModifyVm::new_cpu_cores);
    with(s, a.mem, ModifyVm::new_mem_size)
}

/// Runs a `vm` subcommand.
///
/// # Errors
/// A bad node or task id, invalid arguments, missing credentials or password, the API's error, or a failed or timed-out wait.
pub async fn run(ctx: &Ctx, cmd: VmCmd) -> CliResult {
    match cmd {
        VmCmd::Create(a) => create::create(ctx, &a).await,
        VmCmd::List(n) => {
            let node = ctx.node(n.node.as_deref())?;
            ctx.out
                .emit(&ctx.client_any()?.node(&node).tasks().list().await?)
        }
        VmCmd::Info(at) => {
            let d = ctx.task(&at)?.info().await?;
            ctx.out.emit_with(&d, &[("login", d.login_line())])
        }
        VmCmd::Start(at) => ctx.out.emit(&ctx.task(&at)?.start().await?),
        VmCmd::Shutdown(at) => ctx.out.emit(&ctx.task(&at)?.shutdown().await?),
        VmCmd::Poweroff(at) => ctx.out.emit(&ctx.task(&at)?.poweroff().await?),
        VmCmd::Stop(at) => ctx.out.emit(&ctx.task(&at)?.stop().await?),
        VmCmd::Reset(at) => ctx.out.emit(&ctx.task(&at)?.reset().await?),
        VmCmd::Delete(at) => ctx.out.emit(&ctx.task(&at)?.delete().await?),
        VmCmd::Restart { at, force } => ctx.out.emit(&ctx.task(&at)?.restart(force).await?),
        VmCmd::Logs {
            at,
            head,
            tail: _,
            lines,
        } => {
            let query = if head || lines.is_some() {
                let q = LogQuery::new(
                    if head {
                        LogDirection::Head
                    } else {
                        LogDirection::Tail
                    },
                    lines.unwrap_or(100),
                );
                q.validate()?;
                Some(q)
            } else {
                None
            };
            ctx.out.emit(&ctx.task(&at)?.logs(query).await?)
        }
        VmCmd::Modify(a) => {
            let spec = modify_spec(&a);
            spec.validate()?;
            if spec.new_public_ip.is_none() {
                note("note: without --public-ip the node removes an existing public IP (repeat the current one to keep it)");
            }
            ctx.out.emit(&ctx.task(&a.at)?.modify(spec).await?)
        }
        VmCmd::Passwd { at, user } => {
            let password = match &ctx.global.password_file {
                Some(p) => read_secret_file(p, "new VM password")?,
                None => prompt_secret("New VM password: ").map_err(|e| {
                    crate::prompt::prompt_error(&e, "give the new password with --password-file PATH (stdin is not a terminal, so there is no prompt)".into())
                })?,
            };
            let password = SecretString::new(password.as_str());
            ctx.out
                .emit(&ctx.task(&at)?.set_password(&user, password).await?)
        }
        VmCmd::Wait {
            at,
            status,
            poll_interval,
        } => {
            let node = ctx.node(at.node.as_deref())?;
            let task = task_id(&at.task)?;
            let client = ctx.client_any()?;
            let d = wait_status(
                &client,
                WaitSpec {
                    node: &node,
                    task: &task,
                    status: &status,
                    timeout: ctx.global.timeout.unwrap_or(WAIT_DEFAULT),
                    poll: poll_interval,
                    json: ctx.out.json,
                },
            )
            .await?;
            ctx.out.emit_with(&d, &[("login", d.login_line())])
        }
    }
}
