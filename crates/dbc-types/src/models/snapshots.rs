//! `/snapshot…`: list, details, create, delete.

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A snapshot record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Snapshot {
    /// Name given at creation.
    pub snapshot_name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// File on the node.
    #[serde(default)]
    pub snapshot_file: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    #[serde(default)]
    pub create_time: String,
    /// `none`, `creating` or `uploading` (absent when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of *create snapshot*.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CreateSnapshot {
    /// Snapshot name.
    pub snapshot_name: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// Image server to upload to.
    pub image_server: String,
}

impl Validate for CreateSnapshot {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.image_server.is_empty() {
            return invalid("image_server", "image_server not exist (empty id)");
        }
        if self.snapshot_name.is_empty() {
            return invalid("snapshot_name", "'snapshot_name' is empty");
        }
        if self.snapshot_name.contains(['"', '\\', '/'])
            || self.desc.as_deref().unwrap_or("").contains(['"', '\\'])
        {
            return invalid(
                "snapshot_name",
                "must not contain quotes, backslashes or '/'",
            );
        }
        Ok(())
    }
}
