//! `/mining_nodes`: known nodes, machine info, session id, free memory.

use super::common::Extra;
use super::images::ImageEntry;
use crate::error::{invalid, Validate, ValidationError};
use crate::ids::{NodeId, SessionId};
use crate::numstr::{num_str, opt_num_str};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A GPU node announced to the client node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeSummary {
    /// Node id.
    pub node_id: NodeId,
    /// Configured name or `"null"`.
    #[serde(default)]
    pub name: String,
    /// Announced version or `"N/A"`.
    #[serde(default)]
    pub version: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reply of the node list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeList {
    /// Compute nodes, ordered by id.
    #[serde(default)]
    pub mining_nodes: Vec<NodeSummary>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of machine info: optional image server whose images to include.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeInfoRequest {
    /// An image server id configured on the client node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_server: Option<String>,
}

impl Validate for NodeInfoRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(s) = &self.image_server {
            if s.is_empty() {
                return invalid("image_server", "image_server not exist (empty id)");
            }
        }
        Ok(())
    }
}

/// CPU section of machine info.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CpuInfo {
    /// Model name.
    #[serde(rename = "type", default)]
    pub model: String,
    /// e.g. `3000MHz`.
    #[serde(default)]
    pub hz: String,
    /// Usable logical cores.
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub cores: u32,
    /// e.g. `3.25%`.
    #[serde(default)]
    pub used_usage: String,
    /// Physical CPU sockets.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub physical_cpus: Option<u32>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// GPU section of machine info.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct GpuInfo {
    /// GPUs in the machine.
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub gpu_count: u32,
    /// GPUs attached to VMs that are not shut off.
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub gpu_used: u32,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Memory section of machine info.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MemInfo {
    /// e.g. `471.43G`.
    #[serde(default)]
    pub size: String,
    /// e.g. `402.8G`.
    #[serde(default)]
    pub free: String,
    /// e.g. `14.56%`.
    #[serde(default)]
    pub used_usage: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// System disk section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskSystemInfo {
    /// `SSD` or `HDD`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Always `350G`.
    #[serde(default)]
    pub size: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A data disk of the machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskDataInfo {
    /// Mount path, e.g. `/data`.
    #[serde(default)]
    pub path: String,
    /// `SSD` or `HDD`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Total size.
    #[serde(default)]
    pub size: String,
    /// Free space.
    #[serde(default)]
    pub free: String,
    /// Usage percentage.
    #[serde(default)]
    pub used_usage: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// DeepLink device of a bare-metal server (password masked).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DeeplinkBrief {
    /// Device id.
    #[serde(default)]
    pub device_id: String,
    /// Asterisks.
    #[serde(default)]
    pub device_password: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Machine info (spec §7.6.2): compute nodes fill cpu/gpu/mem/disks/images; bare-metal
/// servers (`node_type` 2) only version, ip, os and optionally deeplink.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeInfo {
    /// Node software version.
    #[serde(default)]
    pub version: String,
    /// `1` compute node, `2` bare-metal server.
    #[serde(default)]
    pub node_type: String,
    /// Masked public IP (`*.51.*.142`) for compute nodes.
    #[serde(default)]
    pub ip: String,
    /// Distribution and kernel.
    #[serde(default)]
    pub os: String,
    /// CPU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuInfo>,
    /// GPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<GpuInfo>,
    /// Memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem: Option<MemInfo>,
    /// System disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_system: Option<DiskSystemInfo>,
    /// Data disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_data: Option<Vec<DiskDataInfo>>,
    /// Images usable for new VMs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageEntry>>,
    /// DeepLink device (bare-metal servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deeplink: Option<DeeplinkBrief>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reply of `/mining_nodes/session_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SessionIdReply {
    /// The renter's session id on that node.
    pub session_id: SessionId,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}
