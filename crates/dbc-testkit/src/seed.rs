//! The seed document's VM: `ubuntu.qcow2`, 4 cores, 8 GiB, 10 GiB disk, no GPU, ssh 5684, vnc 5904.

use dbc_types::models::CreateVm;
use serde_json::{json, Value};

/// The seed document's create request (call 3).
pub fn create_vm() -> CreateVm {
    create_vm_on_ports(5684, 5904)
}

/// The seed create with other ports (several VMs on one node need distinct ports).
pub fn create_vm_on_ports(ssh: u16, vnc: u16) -> CreateVm {
    CreateVm::new("ubuntu.qcow2", 4, 8)
        .ssh_port(ssh)
        .vnc_port(vnc)
        .gpu_count(0)
        .disk_size(10)
}

/// The create `additional` as raw JSON (numbers as strings, as the node reads them), with one GPU.
pub fn create_json(ssh: u16, vnc: u16) -> Value {
    json!({"image_name": "ubuntu.qcow2", "ssh_port": ssh.to_string(), "vnc_port": vnc.to_string(), "gpu_count": "1", "cpu_cores": "4", "mem_size": "8", "disk_size": "10", "desc": "t"})
}
