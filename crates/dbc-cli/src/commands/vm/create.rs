//! `dbc vm create`: its grammar, the request it builds, `--wait`, and the reconciliation of a
//! create whose outcome is unknown.

use super::super::{with, Ctx};
use crate::args::parse_duration;
use crate::error::CliResult;
use crate::output::note;
use crate::wait::{wait_status, WaitSpec};
use clap::{Args, ValueEnum};
use dbc_types::models::{BiosMode, CreateVm, InterfaceModel, OsFamily};
use dbc_types::Validate;
use std::time::Duration;

/// Operating system of a new VM.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OsArg {
    /// Linux (ssh port)
    Linux,
    /// Windows (rdp port)
    Windows,
}

/// Firmware of a new VM.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BiosArg {
    /// Legacy BIOS
    Legacy,
    /// UEFI
    Uefi,
    /// Network boot (no disks)
    Pxe,
}

/// NIC model.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NicArg {
    /// e1000
    E1000,
    /// rtl8139
    Rtl8139,
}

/// `dbc vm create`
#[derive(Debug, Args)]
pub struct VmCreateArgs {
    /// GPU node id [default: env DBC_NODE, then the profile's `node`]
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    /// Image file on the node (ends in .qcow2)
    #[arg(long, value_name = "IMG")]
    pub image: String,
    /// vCPUs
    #[arg(long, value_name = "N")]
    pub cpus: u32,
    /// Memory in GiB
    #[arg(long, value_name = "GIB")]
    pub mem: u32,
    /// Data disk in GiB (not for --bios pxe)
    #[arg(long, value_name = "GIB")]
    pub disk: Option<u32>,
    /// GPUs to attach
    #[arg(long, value_name = "N")]
    pub gpus: Option<u32>,
    /// Host port forwarded to the guest's SSH (Linux)
    #[arg(long, value_name = "P")]
    pub ssh_port: Option<u16>,
    /// VNC port on the host (5900-65535)
    #[arg(long, value_name = "P")]
    pub vnc_port: u16,
    /// Host port forwarded to the guest's RDP (Windows)
    #[arg(long, value_name = "P")]
    pub rdp_port: Option<u16>,
    /// Operating system family
    #[arg(long, value_enum)]
    pub os: Option<OsArg>,
    /// Firmware
    #[arg(long, value_enum)]
    pub bios: Option<BiosArg>,
    /// Free text (no quotes or backslashes)
    #[arg(long, value_name = "D")]
    pub desc: Option<String>,
    /// Extra forward: tcp,123 | udp,111:222 | tcp,333-444 (repeatable)
    #[arg(long, value_name = "SPEC")]
    pub custom_port: Vec<String>,
    /// Multicast group ip:port in 224.0.0.0/4 (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub multicast: Vec<String>,
    /// Join this virtual LAN
    #[arg(long, value_name = "NAME")]
    pub network: Option<String>,
    /// Map this public IP to the VM
    #[arg(long, value_name = "IP")]
    pub public_ip: Option<String>,
    /// nwfilter rule <in|out>,<proto|all>,<port|all>,<cidr>,<accept|drop> (repeatable)
    #[arg(long, value_name = "RULE")]
    pub filter: Vec<String>,
    /// Use an existing /data file as data disk
    #[arg(long, value_name = "F")]
    pub data_file: Option<String>,
    /// NIC model (default virtio)
    #[arg(long, value_enum)]
    pub nic: Option<NicArg>,
    /// Custom task id (20-22 letters/digits)
    #[arg(long, value_name = "ID")]
    pub task_id: Option<String>,
    /// Chain rent order (per-GPU rentals)
    #[arg(long, value_name = "N")]
    pub rent_order: Option<String>,
    /// Wait until the VM is running (spinner on stderr)
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = parse_duration)]
    pub wait_timeout: Duration,
    /// Time between status polls while waiting
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_duration)]
    pub poll_interval: Duration,
}

fn create_spec(a: &VmCreateArgs) -> CreateVm {
    let s = CreateVm::new(a.image.clone(), a.cpus, a.mem)
        .vnc_port(a.vnc_port)
        .custom_port(a.custom_port.clone())
        .multicast(a.multicast.clone())
        .network_filters(a.filter.clone());
    let s = with(s, a.task_id.clone(), CreateVm::task_id);
    let s = with(s, a.desc.clone(), CreateVm::desc);
    let s = with(s, a.public_ip.clone(), CreateVm::public_ip);
    let s = with(s, a.data_file.clone(), CreateVm::data_file_name);
    let s = with(s, a.network.clone(), CreateVm::network_name);
    let s = with(s, a.ssh_port, CreateVm::ssh_port);
    let s = with(s, a.rdp_port, CreateVm::rdp_port);
    let s = with(s, a.gpus, CreateVm::gpu_count);
    let s = with(s, a.disk, CreateVm::disk_size);
    let s = with(
        s,
        a.os.map(|o| match o {
            OsArg::Linux => OsFamily::Linux,
            OsArg::Windows => OsFamily::Windows,
        }),
        CreateVm::operation_system,
    );
    let s = with(
        s,
        a.bios.map(|b| match b {
            BiosArg::Legacy => BiosMode::Legacy,
            BiosArg::Uefi => BiosMode::Uefi,
            BiosArg::Pxe => BiosMode::Pxe,
        }),
        CreateVm::bios_mode,
    );
    with(
        s,
        a.nic.map(|n| match n {
            NicArg::E1000 => InterfaceModel::E1000,
            NicArg::Rtl8139 => InterfaceModel::Rtl8139,
        }),
        CreateVm::interface_model_type,
    )
}

/// Runs `dbc vm create`.
///
/// # Errors
/// An invalid spec or rent order, missing credentials, the API's error (a create whose outcome stays unknown after reconciling included), or a failed or timed-out `--wait`.
pub async fn create(ctx: &Ctx, a: &VmCreateArgs) -> CliResult {
    let node = ctx.node(a.node.as_deref())?;
    let spec = create_spec(a);
    spec.validate()?;
    let rent_order = a.rent_order.as_deref().map(str::parse).transpose()?;
    let client = ctx.client_for_order(ctx.creds.any()?, rent_order)?;
    let created = match client.node(&node).tasks().create(spec.clone()).await {
        Ok(t) => t,
        Err(e) => reconcile(&client, &node, &spec, e).await?,
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
///
/// # Errors
/// `err` itself unless the VM is found: it was not an unknown outcome, or no matching VM is listed, or the check failed.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use crate::commands::vm::VmCmd;
    use clap::Parser;

    fn args(extra: &[&str]) -> VmCreateArgs {
        let mut argv = vec!["dbc", "vm", "create", "N", "--image", "u.qcow2"];
        argv.extend(["--cpus", "2", "--mem", "4", "--vnc-port", "5901"]);
        argv.extend(extra);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Vm(VmCmd::Create(a))) => *a,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_create_option_reaches_the_request() {
        let a = args(&[
            "--disk",
            "10",
            "--gpus",
            "1",
            "--ssh-port",
            "22",
            "--rdp-port",
            "3389",
            "--os",
            "windows",
            "--bios",
            "uefi",
            "--desc",
            "d",
            "--custom-port",
            "tcp,1",
            "--multicast",
            "224.0.0.1:1",
            "--network",
            "lan01",
            "--public-ip",
            "203.0.113.7",
            "--filter",
            "f",
            "--data-file",
            "df",
            "--nic",
            "rtl8139",
            "--task-id",
            "T",
        ]);
        let want = CreateVm::new("u.qcow2", 2, 4)
            .vnc_port(5901)
            .disk_size(10)
            .gpu_count(1)
            .ssh_port(22)
            .rdp_port(3389)
            .operation_system(OsFamily::Windows)
            .bios_mode(BiosMode::Uefi)
            .desc("d")
            .custom_port(vec!["tcp,1".into()])
            .multicast(vec!["224.0.0.1:1".into()])
            .network_name("lan01")
            .public_ip("203.0.113.7")
            .network_filters(vec!["f".into()])
            .data_file_name("df")
            .interface_model_type(InterfaceModel::Rtl8139)
            .task_id("T");
        assert_eq!(create_spec(&a), want);
        // nothing optional given: nothing optional set
        assert_eq!(
            create_spec(&args(&[])),
            CreateVm::new("u.qcow2", 2, 4).vnc_port(5901)
        );
    }
}
