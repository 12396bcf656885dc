//! `/peers/<active|global|lan>`.

use super::common::Extra;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A peer of the client node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Peer {
    /// Node id.
    pub node_id: String,
    /// `ip:port`.
    #[serde(default)]
    pub addr: String,
    /// `computer`, `client` or `seed` (LAN only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_type: Option<String>,
    /// Network type (LAN only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_type: Option<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reply of the peer endpoints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PeerList {
    /// Peers (at most 50/51).
    #[serde(default)]
    pub peer_nodes: Vec<Peer>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}
