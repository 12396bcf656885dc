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
    CreateVm {
        task_id: a.task_id.clone(),
        image_name: a.image.clone(),
        operation_system: a.os.map(|o| match o {
            OsArg::Linux => OsFamily::Linux,
            OsArg::Windows => OsFamily::Windows,
        }),
        bios_mode: a.bios.map(|b| match b {
            BiosArg::Legacy => BiosMode::Legacy,
            BiosArg::Uefi => BiosMode::Uefi,
            BiosArg::Pxe => BiosMode::Pxe,
        }),
        ssh_port: a.ssh_port,
        rdp_port: a.rdp_port,
        vnc_port: a.vnc_port,
        gpu_count: a.gpus,
        cpu_cores: a.cpus,
        mem_size: a.mem,
        disk_size: a.disk,
        desc: a.desc.clone(),
        public_ip: a.public_ip.clone(),
        data_file_name: a.data_file.clone(),
        network_name: a.network.clone(),
        custom_port: a.custom_port.clone(),
        multicast: a.multicast.clone(),
        network_filters: a.filter.clone(),
        interface_model_type: a.nic.map(|n| match n {
            NicArg::E1000 => InterfaceModel::E1000,
            NicArg::Rtl8139 => InterfaceModel::Rtl8139,
        }),
        ..Default::default()
    }
}

fn modify_spec(a: &VmModifyArgs) -> ModifyVm {
    ModifyVm {
        new_public_ip: a.public_ip.clone(),
        new_ssh_port: a.ssh_port,
        new_rdp_port: a.rdp_port,
        new_custom_port: (!a.custom_port.is_empty()).then(|| a.custom_port.clone()),
        new_network_filters: (!a.filter.is_empty()).then(|| a.filter.clone()),
        new_vnc_port: a.vnc_port,
        new_gpu_count: a.gpus,
        new_cpu_cores: a.cpus,
        new_mem_size: a.mem,
        ..Default::default()
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
            let params = RestartParams {
                task_id: task_id(&at.task)?,
                force: force.then_some(true),
            };
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
                let q = LogQuery {
                    direction: if head {
                        LogDirection::Head
                    } else {
                        LogDirection::Tail
                    },
                    lines: lines.unwrap_or(100),
                };
                q.validate()?;
                Some(q)
            } else {
                None
            };
            let params = LogsParams {
                task_id: task_id(&at.task)?,
                query,
            };
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
            let body = SetPassword {
                username: user,
                password: SecretString::new(password.as_str()),
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
            let opts = dbc_api::CallOptions {
                rent_order: Some(order.parse()?),
                ..Default::default()
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
