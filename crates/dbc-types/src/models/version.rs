//! `/api/v1/` (client version).

use super::common::Extra;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The client node's own version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ClientVersion {
    /// e.g. `0.4.1.8`.
    pub client_version: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}
