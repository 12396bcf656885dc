//! The remaining registry endpoints: images, snapshots, disks, LANs, monitor servers, peers,
//! rent orders, bare metal, DeepLink. Each arm maps its arguments to one endpoint call.

use super::{show, task_id, Ctx};
use crate::args::{
    BareMetalCmd, BootArg, DeeplinkCmd, DiskCmd, ImageCmd, LanCmd, MonitorCmd, PeersCmd, PowerArg,
    RentOrdersCmd, SnapshotCmd,
};
use crate::creds::read_secret_file;
use crate::error::CliResult;
use dbc_types::endpoint::{NoParams, Segment, SnapshotParams};
use dbc_types::models::*;
use dbc_types::registry::*;
use dbc_types::{Endpoint, SecretString};

/// The image endpoints that take only a file name (progress, stop, delete).
async fn image_file<E: Endpoint<Request = ImageFile, Params = NoParams>>(
    ctx: &Ctx,
    node: Option<&dbc_types::NodeId>,
    file: String,
) -> CliResult {
    let req = {
        let mut v = ImageFile::default();
        v.image_filename = file;
        v
    };
    show::<E>(ctx, &ctx.client_any()?, node, NoParams, req).await
}

/// `dbc image …`
pub async fn image(ctx: &Ctx, cmd: ImageCmd) -> CliResult {
    match cmd {
        ImageCmd::List { node, server, .. } => {
            let node = ctx.opt_node(node.as_deref())?;
            let client = if node.is_some() {
                ctx.client_any()?
            } else {
                ctx.client_none()?
            };
            show::<ImagesList>(ctx, &client, node.as_ref(), Default::default(), {
                let mut v = ImageListRequest::default();
                v.image_server = server;
                v
            })
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
            let body = {
                let mut v = ImageDownload::default();
                v.image_server = server;
                v.image_filename = file;
                v.local_dir = dir;
                v
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
            let body = {
                let mut v = ImageUpload::default();
                v.image_filename = file;
                v.image_server = server;
                v
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

/// `dbc snapshot …`
pub async fn snapshot(ctx: &Ctx, cmd: SnapshotCmd) -> CliResult {
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
            let p = SnapshotParams::new(task_id(&at.task)?, name);
            show::<SnapshotInfo>(ctx, &ctx.client_any()?, Some(&node), p, Empty {}).await
        }
        SnapshotCmd::Create {
            at,
            name,
            server,
            desc,
        } => {
            let node = ctx.node(at.node.as_deref())?;
            let body = {
                let mut v = CreateSnapshot::default();
                v.snapshot_name = name;
                v.desc = desc;
                v.image_server = server;
                v
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
            let p = SnapshotParams::new(task_id(&at.task)?, name);
            show::<SnapshotDelete>(ctx, &ctx.client_any()?, Some(&node), p, Empty {}).await
        }
    }
}

/// `dbc disk …`
pub async fn disk(ctx: &Ctx, cmd: DiskCmd) -> CliResult {
    match cmd {
        DiskCmd::List(at) => {
            let node = ctx.node(at.node.as_deref())?;
            show::<DisksList>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                task_id(&at.task)?,
                Empty {},
            )
            .await
        }
        DiskCmd::Resize { at, disk, size } => {
            let node = ctx.node(at.node.as_deref())?;
            show::<DiskResize>(ctx, &ctx.client_any()?, Some(&node), task_id(&at.task)?, {
                let mut v = ResizeDisk::default();
                v.disk = disk;
                v.size = size;
                v
            })
            .await
        }
        DiskCmd::Add {
            at,
            size,
            mount_dir,
        } => {
            let node = ctx.node(at.node.as_deref())?;
            show::<DiskAdd>(ctx, &ctx.client_any()?, Some(&node), task_id(&at.task)?, {
                let mut v = AddDisk::default();
                v.size = size;
                v.mount_dir = mount_dir;
                v
            })
            .await
        }
        DiskCmd::Delete { at, disk } => {
            let node = ctx.node(at.node.as_deref())?;
            show::<DiskDelete>(ctx, &ctx.client_any()?, Some(&node), task_id(&at.task)?, {
                let mut v = DeleteDisk::default();
                v.disk = disk;
                v
            })
            .await
        }
    }
}

/// `dbc lan …`
pub async fn lan(ctx: &Ctx, cmd: LanCmd) -> CliResult {
    match cmd {
        LanCmd::List { node, .. } => {
            let node = ctx.opt_node(node.as_deref())?;
            show::<LanList>(
                ctx,
                &ctx.client_none()?,
                node.as_ref(),
                Default::default(),
                Empty {},
            )
            .await
        }
        LanCmd::Info { name, node } => {
            let node = ctx.opt_node(node.as_deref())?;
            show::<LanGet>(
                ctx,
                &ctx.client_none()?,
                node.as_ref(),
                Segment(name),
                Empty {},
            )
            .await
        }
        LanCmd::Create { node, name, cidr } => {
            let node = ctx.node(node.node.as_deref())?;
            let body = {
                let mut v = CreateNetwork::default();
                v.network_name = name;
                v.ip_cidr = cidr;
                v
            };
            show::<LanCreate>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Default::default(),
                body,
            )
            .await
        }
        LanCmd::Delete { node, name } => {
            let node = ctx.node(node.as_deref())?;
            validate_network_name(&name)?;
            show::<LanDelete>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Segment(name),
                Empty {},
            )
            .await
        }
    }
}

/// `dbc monitor …`
pub async fn monitor(ctx: &Ctx, cmd: MonitorCmd) -> CliResult {
    match cmd {
        MonitorCmd::List(n) => {
            let node = ctx.node(n.node.as_deref())?;
            show::<MonitorList>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Default::default(),
                Empty {},
            )
            .await
        }
        MonitorCmd::Set { node, server } => {
            let node = ctx.node(node.node.as_deref())?;
            show::<MonitorSet>(ctx, &ctx.client_any()?, Some(&node), Default::default(), {
                let mut v = SetMonitor::default();
                v.servers = server;
                v
            })
            .await
        }
        MonitorCmd::Bridge(b) => super::monitor::run(ctx, b).await,
    }
}

/// `dbc peers …`
pub async fn peers(ctx: &Ctx, cmd: PeersCmd) -> CliResult {
    let c = ctx.client_none()?;
    match cmd {
        PeersCmd::Active => show::<PeersActive>(ctx, &c, None, Default::default(), Empty {}).await,
        PeersCmd::Global => show::<PeersGlobal>(ctx, &c, None, Default::default(), Empty {}).await,
        PeersCmd::Lan => show::<PeersLan>(ctx, &c, None, Default::default(), Empty {}).await,
    }
}

/// `dbc rent-orders …`
pub async fn rent_orders(ctx: &Ctx, cmd: RentOrdersCmd) -> CliResult {
    match cmd {
        RentOrdersCmd::List { node, order } => {
            let node = ctx.node(node.node.as_deref())?;
            let c = ctx.client_none()?;
            match order {
                Some(o) => {
                    let o: dbc_types::RentOrder = o.parse()?;
                    show::<RentOrdersGet>(
                        ctx,
                        &c,
                        Some(&node),
                        Segment(o.as_str().to_owned()),
                        Empty {},
                    )
                    .await
                }
                None => {
                    show::<RentOrdersList>(ctx, &c, Some(&node), Default::default(), Empty {}).await
                }
            }
        }
    }
}

/// `dbc bare-metal …`
pub async fn bare_metal(ctx: &Ctx, cmd: BareMetalCmd) -> CliResult {
    match cmd {
        BareMetalCmd::List { node, id } => {
            let node = ctx.opt_node(node.as_deref())?;
            let c = if ctx.creds.has_key() {
                ctx.client_any()?
            } else {
                ctx.client_none()?
            };
            match id {
                Some(id) => {
                    show::<BareMetalGet>(ctx, &c, node.as_ref(), Segment(id), Empty {}).await
                }
                None => {
                    show::<BareMetalListAll>(ctx, &c, node.as_ref(), Default::default(), Empty {})
                        .await
                }
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
            let body = {
                let mut v = AddBareMetal::default();
                v.bare_metal_nodes = vec![{
                    let mut v = NewBareMetal::default();
                    v.uuid = uuid;
                    v.ip = ip;
                    v.os = os;
                    v.desc = desc;
                    v.ipmi_hostname = ipmi_host;
                    v.ipmi_username = ipmi_user;
                    v.ipmi_password = SecretString::new(pw.as_str());
                    v.ipmi_port = ipmi_port;
                    v
                }];
                v
            };
            show::<BareMetalAdd>(
                ctx,
                &ctx.client(ctx.creds.signature()?)?,
                node.as_ref(),
                Default::default(),
                body,
            )
            .await
        }
        BareMetalCmd::Delete { node, ids } => {
            let node = ctx.opt_node(node.as_deref())?;
            let body = {
                let mut v = DeleteBareMetal::default();
                v.bare_metal_node_ids = ids;
                v
            };
            show::<BareMetalDelete>(
                ctx,
                &ctx.client(ctx.creds.signature()?)?,
                node.as_ref(),
                Default::default(),
                body,
            )
            .await
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
            let body = {
                let mut v = ModifyBareMetal::default();
                v.uuid = uuid;
                v.ip = ip;
                v.os = os;
                v.desc = desc;
                v.ipmi_hostname = ipmi_host;
                v.ipmi_username = ipmi_user;
                v.ipmi_password = ipmi_password;
                v.ipmi_port = ipmi_port;
                v
            };
            show::<BareMetalModify>(
                ctx,
                &ctx.client(ctx.creds.signature()?)?,
                node.as_ref(),
                Segment(id),
                body,
            )
            .await
        }
        BareMetalCmd::Power { node, command } => {
            let node = ctx.node(node.node.as_deref())?;
            let command = match command {
                PowerArg::On => PowerCommand::On,
                PowerArg::Off => PowerCommand::Off,
                PowerArg::Reset => PowerCommand::Reset,
                PowerArg::Status => PowerCommand::Status,
            };
            show::<BareMetalPowerSet>(ctx, &ctx.client_any()?, Some(&node), Default::default(), {
                let mut v = BareMetalPower::default();
                v.command = command;
                v
            })
            .await
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
            show::<BareMetalBootDevSet>(ctx, &ctx.client_any()?, Some(&node), Default::default(), {
                let mut v = BareMetalBootDev::default();
                v.device = device;
                v
            })
            .await
        }
    }
}

/// `dbc deeplink …`
pub async fn deeplink(ctx: &Ctx, cmd: DeeplinkCmd) -> CliResult {
    match cmd {
        DeeplinkCmd::Get(n) => {
            let node = ctx.node(n.node.as_deref())?;
            show::<DeeplinkGet>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Default::default(),
                Empty {},
            )
            .await
        }
        DeeplinkCmd::Set {
            node,
            device_id,
            device_password_file,
        } => {
            let node = ctx.node(node.node.as_deref())?;
            let device_password = match device_password_file {
                Some(p) => Some(SecretString::new(
                    read_secret_file(&p, "DeepLink password")?.as_str(),
                )),
                None => None,
            };
            let body = {
                let mut v = SetDeeplink::default();
                v.device_id = device_id;
                v.device_password = device_password;
                v
            };
            show::<DeeplinkSet>(
                ctx,
                &ctx.client_any()?,
                Some(&node),
                Default::default(),
                body,
            )
            .await
        }
    }
}
