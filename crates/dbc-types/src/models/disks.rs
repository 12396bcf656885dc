//! `/disk/<verb>/<task_id>`: list, resize, add, delete. Note `size` is a JSON **integer** here.

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A VM disk as listed by `/disk/list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskEntry {
    /// `vda`, `vdb`, …
    pub name: String,
    /// Image file.
    #[serde(default)]
    pub file: String,
    /// Size with unit.
    #[serde(default)]
    pub size: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of *resize disk*: grow `disk` by `size` GiB (an increment, not the total).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ResizeDisk {
    /// Disk name, e.g. `vdb`.
    pub disk: String,
    /// GiB to add (JSON integer).
    pub size: u32,
}

impl Validate for ResizeDisk {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.disk.is_empty() {
            return invalid("disk", "'disk' is empty");
        }
        if self.size == 0 {
            return invalid("size", "size is invalid (usage: size > 0)");
        }
        Ok(())
    }
}

/// `additional` of *add disk*.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct AddDisk {
    /// Size in GiB (JSON integer).
    pub size: u32,
    /// Host directory for the file (default `/data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_dir: Option<String>,
}

impl Validate for AddDisk {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.size == 0 {
            return invalid("size", "'size' is invalid (must be > 0)");
        }
        Ok(())
    }
}

/// `additional` of *delete disk*.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DeleteDisk {
    /// Disk name (not `vda`).
    pub disk: String,
}

impl Validate for DeleteDisk {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.disk.is_empty() {
            return invalid("disk", "'disk' is empty");
        }
        if self.disk == "vda" {
            return invalid("disk", "can not allowed to delete disk:'vda'");
        }
        Ok(())
    }
}
