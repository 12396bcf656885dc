//! Constructors and chainable setters for the request models users build: `new(required…)`
//! plus one setter per optional member, e.g.
//! `CreateVm::new("ubuntu.qcow2", 4, 8).ssh_port(5684).vnc_port(5904)`.

use super::bare_metal::{
    AddBareMetal, BareMetalBootDev, BareMetalPower, BootDevice, DeleteBareMetal, ModifyBareMetal,
    NewBareMetal, PowerCommand,
};
use super::deeplink::SetDeeplink;
use super::disks::{AddDisk, DeleteDisk, ResizeDisk};
use super::images::{ImageDownload, ImageFile, ImageListRequest, ImageUpload};
use super::lan::CreateNetwork;
use super::mining_nodes::NodeInfoRequest;
use super::monitor::SetMonitor;
use super::snapshots::CreateSnapshot;
use super::tasks::{
    BiosMode, CreateVm, InterfaceModel, LogDirection, LogQuery, LogsParams, ModifyVm, OsFamily,
    RestartParams, SetPassword,
};
use crate::endpoint::SnapshotParams;
use crate::ids::TaskId;
use crate::secret::SecretString;

/// Setters: `text` members are `Option<String>` (the setter takes `impl Into<String>`),
/// `opt` members are `Option<T>` (the setter takes `T`), `set` members are plain `T`.
macro_rules! setters {
    ($ty:ident { $(text $s:ident,)* $(opt $f:ident: $t:ty,)* $(set $g:ident: $u:ty,)* }) => {
        impl $ty {
            $(
                #[doc = concat!("Sets `", stringify!($s), "`.")]
                #[must_use]
                pub fn $s(mut self, v: impl Into<String>) -> Self {
                    self.$s = Some(v.into());
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", stringify!($f), "`.")]
                #[must_use]
                pub fn $f(mut self, v: $t) -> Self {
                    self.$f = Some(v);
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", stringify!($g), "`.")]
                #[must_use]
                pub fn $g(mut self, v: $u) -> Self {
                    self.$g = v;
                    self
                }
            )*
        }
    };
}

impl CreateVm {
    /// A VM of `cpu_cores` cores and `mem_size_gib` GiB memory from image `image_name`.
    /// Set at least [`CreateVm::vnc_port`] (required by the node) and, for Linux,
    /// [`CreateVm::ssh_port`].
    pub fn new(image_name: impl Into<String>, cpu_cores: u32, mem_size_gib: u32) -> Self {
        CreateVm {
            image_name: image_name.into(),
            cpu_cores,
            mem_size: mem_size_gib,
            ..Default::default()
        }
    }
}

setters!(CreateVm {
    text task_id,
    text desc,
    text public_ip,
    text data_file_name,
    text network_name,
    opt operation_system: OsFamily,
    opt bios_mode: BiosMode,
    opt ssh_port: u16,
    opt rdp_port: u16,
    opt gpu_count: u32,
    opt disk_size: u32,
    opt interface_model_type: InterfaceModel,
    set vnc_port: u16,
    set custom_port: Vec<String>,
    set multicast: Vec<String>,
    set network_filters: Vec<String>,
});

impl ModifyVm {
    /// A modification that changes nothing yet (note: an omitted `new_public_ip` clears
    /// an existing public IP on the node).
    pub fn new() -> Self {
        ModifyVm::default()
    }
}

setters!(ModifyVm {
    text new_public_ip,
    opt new_ssh_port: u16,
    opt new_rdp_port: u16,
    opt new_custom_port: Vec<String>,
    opt new_network_filters: Vec<String>,
    opt new_vnc_port: u16,
    opt new_gpu_count: u32,
    opt new_cpu_cores: u32,
    opt new_mem_size: u32,
});

impl ImageDownload {
    /// Download `image_filename` from `image_server` into the node's `local_dir`.
    pub fn new(
        image_server: impl Into<String>,
        image_filename: impl Into<String>,
        local_dir: impl Into<String>,
    ) -> Self {
        ImageDownload {
            image_server: image_server.into(),
            image_filename: image_filename.into(),
            local_dir: local_dir.into(),
        }
    }
}

impl ImageUpload {
    /// Upload `image_filename` to `image_server`.
    pub fn new(image_filename: impl Into<String>, image_server: impl Into<String>) -> Self {
        ImageUpload {
            image_filename: image_filename.into(),
            image_server: image_server.into(),
        }
    }
}

impl CreateNetwork {
    /// A virtual LAN `network_name` (6–10 letters or digits) on `ip_cidr` (`a.b.c.d/n`).
    pub fn new(network_name: impl Into<String>, ip_cidr: impl Into<String>) -> Self {
        CreateNetwork {
            network_name: network_name.into(),
            ip_cidr: ip_cidr.into(),
        }
    }
}

impl NewBareMetal {
    /// A bare-metal server with its IPMI access.
    pub fn new(
        uuid: impl Into<String>,
        ip: impl Into<String>,
        ipmi_hostname: impl Into<String>,
        ipmi_username: impl Into<String>,
        ipmi_password: SecretString,
    ) -> Self {
        NewBareMetal {
            uuid: uuid.into(),
            ip: ip.into(),
            os: None,
            desc: None,
            ipmi_hostname: ipmi_hostname.into(),
            ipmi_username: ipmi_username.into(),
            ipmi_password,
            ipmi_port: None,
        }
    }
}

setters!(NewBareMetal {
    text os,
    text desc,
    opt ipmi_port: u16,
});

impl AddBareMetal {
    /// Register these servers.
    pub fn new(bare_metal_nodes: Vec<NewBareMetal>) -> Self {
        AddBareMetal { bare_metal_nodes }
    }
}

impl ModifyBareMetal {
    /// A modification that changes nothing yet.
    pub fn new() -> Self {
        ModifyBareMetal::default()
    }
}

setters!(ModifyBareMetal {
    text uuid,
    text ip,
    text os,
    text desc,
    text ipmi_hostname,
    text ipmi_username,
    opt ipmi_password: SecretString,
    opt ipmi_port: u16,
});

impl SetDeeplink {
    /// Changes nothing yet: set the device id and/or password.
    pub fn new() -> Self {
        SetDeeplink::default()
    }
}

setters!(SetDeeplink {
    text device_id,
    opt device_password: SecretString,
});

impl AddDisk {
    /// A data disk of `size_gib` GiB.
    pub fn new(size_gib: u32) -> Self {
        AddDisk {
            size: size_gib,
            mount_dir: None,
        }
    }
}

setters!(AddDisk {
    text mount_dir,
});

impl CreateSnapshot {
    /// Snapshot `snapshot_name`, uploaded to `image_server`.
    pub fn new(snapshot_name: impl Into<String>, image_server: impl Into<String>) -> Self {
        CreateSnapshot {
            snapshot_name: snapshot_name.into(),
            desc: None,
            image_server: image_server.into(),
        }
    }
}

setters!(CreateSnapshot {
    text desc,
});

impl LogQuery {
    /// `lines` (1–100) from the `direction` end of the log.
    pub fn new(direction: LogDirection, lines: u32) -> Self {
        LogQuery { direction, lines }
    }
}

impl RestartParams {
    /// Restart `task_id`; `force: Some(true)` destroys and starts again.
    pub fn new(task_id: TaskId, force: Option<bool>) -> Self {
        RestartParams { task_id, force }
    }
}

impl LogsParams {
    /// Logs of `task_id` (`None`: the node's default, tail 100).
    pub fn new(task_id: TaskId, query: Option<LogQuery>) -> Self {
        LogsParams { task_id, query }
    }
}

impl SnapshotParams {
    /// Snapshot `snapshot_name` of `task_id`.
    pub fn new(task_id: TaskId, snapshot_name: impl Into<String>) -> Self {
        SnapshotParams {
            task_id,
            snapshot_name: snapshot_name.into(),
        }
    }
}

impl SetPassword {
    /// Set `username`'s login password.
    pub fn new(username: impl Into<String>, password: SecretString) -> Self {
        SetPassword {
            username: username.into(),
            password,
        }
    }
}

impl ResizeDisk {
    /// Grow `disk` by `size_gib` GiB.
    pub fn new(disk: impl Into<String>, size_gib: u32) -> Self {
        ResizeDisk {
            disk: disk.into(),
            size: size_gib,
        }
    }
}

impl DeleteDisk {
    /// Delete data disk `disk`.
    pub fn new(disk: impl Into<String>) -> Self {
        DeleteDisk { disk: disk.into() }
    }
}

impl ImageFile {
    /// The image file `image_filename`.
    pub fn new(image_filename: impl Into<String>) -> Self {
        ImageFile {
            image_filename: image_filename.into(),
        }
    }
}

impl SetMonitor {
    /// Replace the monitor servers with `servers` (`[]` clears).
    pub fn new(servers: Vec<String>) -> Self {
        SetMonitor { servers }
    }
}

impl DeleteBareMetal {
    /// Remove these bare-metal servers.
    pub fn new(bare_metal_node_ids: Vec<String>) -> Self {
        DeleteBareMetal {
            bare_metal_node_ids,
        }
    }
}

impl BareMetalPower {
    /// An IPMI power command.
    pub fn new(command: PowerCommand) -> Self {
        BareMetalPower { command }
    }
}

impl BareMetalBootDev {
    /// An IPMI boot device.
    pub fn new(device: BootDevice) -> Self {
        BareMetalBootDev { device }
    }
}

impl NodeInfoRequest {
    /// Machine info without image-server images.
    pub fn new() -> Self {
        NodeInfoRequest::default()
    }
}

setters!(NodeInfoRequest {
    text image_server,
});

impl ImageListRequest {
    /// The node's images (no image server).
    pub fn new() -> Self {
        ImageListRequest::default()
    }
}

setters!(ImageListRequest {
    text image_server,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_vm_builds_like_the_literal() {
        let built = CreateVm::new("ubuntu.qcow2", 4, 8)
            .ssh_port(5684)
            .vnc_port(5904)
            .gpu_count(1)
            .disk_size(10);
        let literal = CreateVm {
            image_name: "ubuntu.qcow2".into(),
            ssh_port: Some(5684),
            vnc_port: 5904,
            gpu_count: Some(1),
            cpu_cores: 4,
            mem_size: 8,
            disk_size: Some(10),
            ..Default::default()
        };
        assert_eq!(built, literal);
    }
}
