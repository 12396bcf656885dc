//! `/lan…`: virtual LANs (VxLAN).

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use crate::numstr::num_str;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// A virtual LAN.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Network {
    /// 6–10 letters/digits.
    pub network_name: String,
    /// `br<name>`.
    #[serde(default)]
    pub bridge_name: String,
    /// `vx<name>`.
    #[serde(default)]
    pub vxlan_name: String,
    /// VxLAN id.
    #[serde(default, with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub vxlan_vni: u32,
    /// `a.b.c.d/n`.
    #[serde(default)]
    pub ip_cidr: String,
    /// First DHCP address.
    #[serde(default)]
    pub ip_start: String,
    /// Last DHCP address.
    #[serde(default)]
    pub ip_end: String,
    /// DHCP interface.
    #[serde(default)]
    pub dhcp_interface: String,
    /// Hosting machine.
    #[serde(default)]
    pub machine_id: String,
    /// Owner.
    #[serde(default)]
    pub rent_wallet: String,
    /// Member task ids.
    #[serde(default)]
    pub members: Vec<String>,
    /// Last use, `YYYY-MM-DD HH:MM:SS`.
    #[serde(rename = "lastUseTime", default)]
    pub last_use_time: String,
    /// Bit 0: device on this host; bit 1: DHCP server on this host.
    #[serde(default, with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub native_flags: u32,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Client-node (local) LAN list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct LocalNetworks {
    /// Networks (at most 51).
    #[serde(default)]
    pub networks: Vec<Network>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// LAN list reply: a bare array from a GPU node, `{"networks": [...]}` from the client node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NetworkList {
    /// From a GPU node.
    Node(Vec<Network>),
    /// From the client node (empty peer list).
    Local(LocalNetworks),
}

impl NetworkList {
    /// The networks, whichever form arrived.
    pub fn networks(&self) -> &[Network] {
        match self {
            NetworkList::Node(v) => v,
            NetworkList::Local(l) => &l.networks,
        }
    }
}

/// `additional` of `/lan/create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CreateNetwork {
    /// 6–10 ASCII letters/digits.
    pub network_name: String,
    /// IPv4 `a.b.c.d/n`, not inside 192.168.122.0/24.
    pub ip_cidr: String,
}

/// Checks a LAN name (6–10 ASCII letters/digits).
///
/// # Errors
/// A [`ValidationError`] for an empty name or one not of 6–10 letters or digits.
pub fn validate_network_name(name: &str) -> Result<(), ValidationError> {
    if name.is_empty() {
        return invalid("network_name", "network name can not be empty");
    }
    if !(6..=10).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return invalid(
            "network_name",
            "network name requires a combination of 6 to 10 letters or numbers",
        );
    }
    Ok(())
}

impl Validate for CreateNetwork {
    fn validate(&self) -> Result<(), ValidationError> {
        validate_network_name(&self.network_name)?;
        if self.ip_cidr.is_empty() {
            return invalid("ip_cidr", "ip cidr can not be empty");
        }
        let ok = match self.ip_cidr.split_once('/') {
            Some((ip, bits)) => {
                ip.parse::<Ipv4Addr>().is_ok()
                    && bits.parse::<u8>().map(|b| b <= 32).unwrap_or(false)
            }
            None => false,
        };
        if !ok || self.ip_cidr.contains("192.168.122.") {
            return invalid(
                "ip_cidr",
                "invalid ip cidr (IPv4 a.b.c.d/n, not 192.168.122.x)",
            );
        }
        Ok(())
    }
}
