//! `dbc vm …`

use super::{show, task_id, Ctx};
use crate::args::{BiosArg, NicArg, OsArg, VmCmd, VmCreateArgs, VmModifyArgs};
use crate::creds::{prompt_secret, read_secret_file};
use crate::error::CliResult;
use crate::output::note;
use crate::wait::{wait_status, WaitSpec};
use dbc_types::models::{
    BiosMode, CreateVm, Empty, InterfaceModel, LogDirection, LogQuery, LogsParams, ModifyVm,
    OsFamily, RestartParams, SetPassword,
};
use dbc_types::registry::{
    TaskDelete, TaskInfo, TaskLogs, TaskModify, TaskPasswd, TaskPoweroff, TaskReset, TaskRestart,
    TaskShutdown, TaskStart, TaskStop, TasksList,
};
use dbc_types::{SecretString, Validate};
use std::time::Duration;

/// Default `vm wait` timeout.
pub const WAIT_DEFAULT: Duration = Duration::from_secs(60 * 60);

fn create_spec(a: &VmCreateArgs) -> CreateVm {
    {
        let mut v = CreateVm::default();
        v.task_id = a.task_id.clone();
        v.image_name = a.image.clone();
        v.operation_system = a.os.map(|o| match o {
            OsArg::Linux => OsFamily::Linux,
            OsArg::Windows => OsFamily::Windows,
        });
        v.bios_mode = a.bios.map(|b| match b {
            BiosArg::Legacy => BiosMode::Legacy,
            BiosArg::Uefi => BiosMode::Uefi,
            BiosArg::Pxe => BiosMode::Pxe,
        });
        v.ssh_port = a.ssh_port;
        v.rdp_port = a.rdp_port;
        v.vnc_port = a.vnc_port;
        v.gpu_count = a.gpus;
        v.cpu_cores = a.cpus;
        v.mem_size = a.mem;
        v.disk_size = a.disk;
        v.desc = a.desc.clone();
        v.public_ip = a.public_ip.clone();
        v.data_file_name = a.data_file.clone();
        v.network_name = a.network.clone();
        v.custom_port = a.custom_port.clone();
        v.multicast = a.multicast.clone();
        v.network_filters = a.filter.clone();
        v.interface_model_type = a.nic.map(|n| match n {
            NicArg::E1000 => InterfaceModel::E1000,
            NicArg::Rtl8139 => InterfaceModel::Rtl8139,
        });
        v
    }
}

fn modify_spec(a: &VmModifyArgs) -> ModifyVm {
    {
        let mut v = ModifyVm::default();
        v.new_public_ip = a.public_ip.clone();
        v.new_ssh_port = a.ssh_port;
        v.new_rdp_port = a.rdp_port;
        v.new_custom_port = (!a.custom_port.is_empty()).then(|| a.custom_port.clone());
        v.new_network_filters = (!a.filter.is_empty()).then(|| a.filter.clone());
        v.new_vnc_port = a.vnc_port;
        v.new_gpu_count = a.gpus;
        v.new_cpu_cores = a.cpus;
        v.new_mem_size = a.mem;
        v
    }
}

/// Runs a `vm` subcommand.
pub async fn run(ctx: &Ctx, cmd: VmCmd) -> CliResult {
    match cmd {
        VmCmd::Create(a) => create(ctx, &a).await,
        VmCmd::List(n) => {
            let node = ctx.node(n.node.as_deref())?;
            show::<TasksList>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Default::default(),
                Empty {},
            )
            .await
        }
        VmCmd::Info(at) => {
            let node = ctx.node(at.node.as_deref())?;
            let task = task_id(&at.task)?;
            let client = ctx.client_any()?;
            let d = client
                .call::<TaskInfo>(Some(&node), &task, Empty {})
                .await?;
            ctx.out.emit_with(&d, &[("login", d.login_line())])
        }
        VmCmd::Start(at) => action::<TaskStart>(ctx, at).await,
        VmCmd::Shutdown(at) => action::<TaskShutdown>(ctx, at).await,
        VmCmd::Poweroff(at) => action::<TaskPoweroff>(ctx, at).await,
        VmCmd::Stop(at) => action::<TaskStop>(ctx, at).await,
        VmCmd::Reset(at) => action::<TaskReset>(ctx, at).await,
        VmCmd::Delete(at) => action::<TaskDelete>(ctx, at).await,
        VmCmd::Restart { at, force } => {
            let node = ctx.node(at.node.as_deref())?;
            let params = RestartParams::new(task_id(&at.task)?, force.then_some(true));
            show::<TaskRestart>(ctx, &ctx.client_any()?, Some(&node), params, Empty {}).await
        }
        VmCmd::Logs {
            at,
            head,
            tail: _,
            lines,
        } => {
            let node = ctx.node(at.node.as_deref())?;
            let query = if head || lines.is_some() {
                let q = {
                    let mut v = LogQuery::default();
                    v.direction = if head {
                        LogDirection::Head
                    } else {
                        LogDirection::Tail
                    };
                    v.lines = lines.unwrap_or(100);
                    v
                };
                q.validate()?;
                Some(q)
            } else {
                None
            };
            let params = LogsParams::new(task_id(&at.task)?, query);
            show::<TaskLogs>(ctx, &ctx.client_any()?, Some(&node), params, Empty {}).await
        }
        VmCmd::Modify(a) => {
            let node = ctx.node(a.at.node.as_deref())?;
            let spec = modify_spec(&a);
            spec.validate()?;
            if spec.new_public_ip.is_none() {
                note("note: without --public-ip the node removes an existing public IP (repeat the current one to keep it)");
            }
            show::<TaskModify>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                task_id(&a.at.task)?,
                spec,
            )
            .await
        }
        VmCmd::Passwd { at, user } => {
            let node = ctx.node(at.node.as_deref())?;
            let password = match &ctx.global.password_file {
                Some(p) => read_secret_file(p, "new VM password")?,
                None => prompt_secret("New VM password: ").map_err(|e| {
                    crate::prompt::prompt_error(&e, "give the new password with --password-file PATH (stdin is not a terminal, so there is no prompt)".into())
                })?,
            };
            let body = {
                let mut v = SetPassword::default();
                v.username = user;
                v.password = SecretString::new(password.as_str());
                v
            };
            show::<TaskPasswd>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                task_id(&at.task)?,
                body,
            )
            .await
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

async fn action<E>(ctx: &Ctx, at: crate::args::TaskArg) -> CliResult
where
    E: dbc_types::Endpoint<Params = dbc_types::TaskId, Request = Empty>,
{
    let node = ctx.node(at.node.as_deref())?;
    show::<E>(
        ctx,
        &ctx.client_any()?,
        Some(&node),
        task_id(&at.task)?,
        Empty {},
    )
    .await
}

async fn create(ctx: &Ctx, a: &VmCreateArgs) -> CliResult {
    let node = ctx.node(a.node.as_deref())?;
    let spec = create_spec(a);
    spec.validate()?;
    let client = ctx.client_any()?;
    let created = match &a.rent_order {
        Some(order) => {
            let opts = {
                let mut v = dbc_api::CallOptions::default();
                v.rent_order = Some(order.parse()?);
                v
            };
            client
                .call_with::<dbc_types::registry::TaskCreate>(
                    &opts,
                    Some(&node),
                    &Default::default(),
                    spec,
                )
                .await?
        }
        None => match client.node(&node).tasks().create(spec.clone()).await {
            Ok(t) => t,
            Err(e) => reconcile(&client, &node, &spec, e).await?,
        },
    };
    if !a.wait {
        return ctx.out.emit(&created);
    }
    if !ctx.out.json {
        crate::output::println_stdout(&format!(
            "created {} ({}); waiting until running…",
            created.task_id, created.status
        ))?;
    }
    let d = wait_status(
        &client,
        WaitSpec {
            node: &node,
            task: &created.task_id,
            status: "running",
            timeout: a.wait_timeout,
            poll: a.poll_interval,
            json: ctx.out.json,
        },
    )
    .await?;
    ctx.out.emit_with(&d, &[("login", d.login_line())])
}

/// A create whose outcome is unknown (timeout): look for the VM before anyone creates again.
async fn reconcile(
    client: &dbc_api::Client,
    node: &dbc_types::NodeId,
    spec: &CreateVm,
    err: dbc_api::Error,
) -> CliResult<dbc_types::models::TaskSummary> {
    let dbc_api::Error::CreateOutcomeUnknown { started_at, .. } = &err else {
        return Err(err.into());
    };
    note("the create request did not get an answer; checking whether the VM was created anyway…");
    match client
        .node(node)
        .tasks()
        .reconcile_create(spec, *started_at)
        .await
    {
        Ok(Some(t)) => {
            note(&format!("found it: the VM {} was created", t.task_id));
            Ok(t)
        }
        Ok(None) => {
            note(&format!(
                "no matching VM is listed yet; the node may still create it: check `dbc vm list {node}` before creating again"
            ));
            Err(err.into())
        }
        Err(e) => {
            tracing::debug!(error = %e, "reconcile failed");
            note(&format!(
                "could not check: run `dbc vm list {node}` before creating again"
            ));
            Err(err.into())
        }
    }
}
