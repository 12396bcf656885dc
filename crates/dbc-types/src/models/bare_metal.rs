//! `/bare_metal…`: bare-metal servers managed through IPMI.

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use crate::secret::SecretString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A bare-metal node announced to a client node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct BareMetalBrief {
    /// Node id.
    pub node_id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Version.
    #[serde(default)]
    pub version: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A bare-metal server as listed by a manager (secrets masked unless the manager key signed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct BareMetalServer {
    /// Node id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// Node private key (masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_private_key: Option<SecretString>,
    /// UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Version (server info).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// IP (empty and omitted on the wire in client-node lists, which carry only id/name/version).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip: String,
    /// OS (empty and omitted on the wire in client-node lists).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// IPMI host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_hostname: Option<String>,
    /// IPMI user (masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_username: Option<String>,
    /// IPMI password (masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_password: Option<SecretString>,
    /// IPMI port (a JSON number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_port: Option<u16>,
    /// Power status text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_status: Option<String>,
    /// DeepLink device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deeplink_device_id: Option<String>,
    /// DeepLink password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deeplink_device_password: Option<SecretString>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Bare-metal list reply: a `bare_metal_nodes` list (client or manager) or one server's info.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BareMetalList {
    /// A list (`bare_metal_nodes`).
    List {
        /// Entries.
        bare_metal_nodes: Vec<BareMetalServer>,
    },
    /// A single server's info (forwarded to the server id).
    Server(Box<BareMetalServer>),
}

/// A server to register.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NewBareMetal {
    /// Letters, digits and `-`.
    pub uuid: String,
    /// IP.
    pub ip: String,
    /// OS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// IPMI host.
    pub ipmi_hostname: String,
    /// IPMI user.
    pub ipmi_username: String,
    /// IPMI password (secret).
    pub ipmi_password: SecretString,
    /// IPMI port (JSON integer 1–65535).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_port: Option<u16>,
}

/// `additional` of `/bare_metal/add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct AddBareMetal {
    /// Servers to add.
    pub bare_metal_nodes: Vec<NewBareMetal>,
}

impl Validate for AddBareMetal {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.bare_metal_nodes.is_empty() {
            return invalid("bare_metal_nodes", "additional bare_metal_nodes is empty");
        }
        for n in &self.bare_metal_nodes {
            if n.uuid.is_empty()
                || !n
                    .uuid
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return invalid(
                    "bare_metal_nodes.uuid",
                    format!(
                        "bare metal node info {} invalid (uuid: letters, digits, '-')",
                        n.uuid
                    ),
                );
            }
            if n.ip.is_empty()
                || n.ipmi_hostname.is_empty()
                || n.ipmi_username.is_empty()
                || n.ipmi_password.is_empty()
            {
                return invalid("bare_metal_nodes", format!("bare metal node info {} invalid (ip, ipmi_hostname, ipmi_username, ipmi_password are required)", n.uuid));
            }
            if n.ipmi_port == Some(0) {
                return invalid("bare_metal_nodes.ipmi_port", "invalid ipmi port");
            }
        }
        Ok(())
    }
}

/// Reply of `/bare_metal/add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct AddedBareMetal {
    /// New ids.
    #[serde(default)]
    pub bare_metal_nodes: Vec<AddedBareMetalEntry>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One added server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct AddedBareMetalEntry {
    /// New node id.
    pub node_id: String,
    /// Its uuid.
    pub uuid: String,
}

/// `additional` of `/bare_metal/delete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DeleteBareMetal {
    /// Node ids to remove.
    pub bare_metal_node_ids: Vec<String>,
}

impl Validate for DeleteBareMetal {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.bare_metal_node_ids.is_empty() {
            return invalid(
                "bare_metal_node_ids",
                "additional bare_meta_node_ids is an empty array",
            );
        }
        Ok(())
    }
}

/// `additional` of `/bare_metal/modify/<node_id>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ModifyBareMetal {
    /// New uuid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// New IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// New OS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// New IPMI host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_hostname: Option<String>,
    /// New IPMI user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_username: Option<String>,
    /// New IPMI password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_password: Option<SecretString>,
    /// New IPMI port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipmi_port: Option<u16>,
}

impl Validate for ModifyBareMetal {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(u) = &self.uuid {
            if u.is_empty() || !u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return invalid("uuid", "invalid uuid");
            }
        }
        if self.ipmi_port == Some(0) {
            return invalid("ipmi_port", "invalid ipmi port");
        }
        Ok(())
    }
}

/// IPMI power command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PowerCommand {
    /// Power on.
    On,
    /// Power off.
    Off,
    /// Reset.
    Reset,
    /// Query status.
    #[default]
    Status,
}

/// `additional` of `/bare_metal/power`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct BareMetalPower {
    /// The command.
    pub command: PowerCommand,
}
impl Validate for BareMetalPower {}

/// IPMI boot device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BootDevice {
    /// No override.
    #[default]
    None,
    /// Network boot.
    Pxe,
    /// CD-ROM.
    Cdrom,
    /// Disk.
    Disk,
    /// BIOS setup.
    Bios,
}

/// `additional` of `/bare_metal/bootdev`. The real manager always answers
/// `bare metal client not existed` (a defect the simulator reproduces).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct BareMetalBootDev {
    /// The device.
    pub device: BootDevice,
}
impl Validate for BareMetalBootDev {}
