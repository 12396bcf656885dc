//! `/images…`: list, servers, download/upload with progress, stop, delete.

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An image with its size (`image_name`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImageEntry {
    /// File name, e.g. `ubuntu.qcow2`.
    pub image_name: String,
    /// Size with unit, e.g. `20G`.
    #[serde(default)]
    pub image_size: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An image as listed by a GPU node. **Defect reproduced:** the node writes the key
/// `image_name:` (with a colon).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeImageEntry {
    /// File name.
    #[serde(rename = "image_name:")]
    pub image_name: String,
    /// Size with unit.
    #[serde(default)]
    pub image_size: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of the image list: an image server id (required without a node).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImageListRequest {
    /// Image server id configured on the client node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_server: Option<String>,
}
impl Validate for ImageListRequest {}

/// Reply of `/images/servers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImageServers {
    /// Configured server ids.
    #[serde(default)]
    pub image_server: Vec<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of a download to a GPU node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImageDownload {
    /// Image server id.
    pub image_server: String,
    /// File to fetch.
    pub image_filename: String,
    /// Target directory on the node, e.g. `/data`.
    pub local_dir: String,
}

impl Validate for ImageDownload {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.image_server.is_empty() {
            return invalid("image_server", "image_server not exist (empty id)");
        }
        if self.image_filename.is_empty() {
            return invalid("image_filename", "additional no image_filename");
        }
        if self.local_dir.is_empty() {
            return invalid("local_dir", "additional no local_dir");
        }
        no_quotes("image_filename", &self.image_filename)
    }
}

fn no_quotes(field: &'static str, v: &str) -> Result<(), ValidationError> {
    if v.contains(['"', '\\']) {
        return invalid(
            field,
            "must not contain quotes or backslashes (not escaped by the node)",
        );
    }
    Ok(())
}

/// `additional` naming one image file (progress, stop, delete).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImageFile {
    /// The file name.
    pub image_filename: String,
}

impl Validate for ImageFile {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.image_filename.is_empty() {
            return invalid("image_filename", "image_filename is empty");
        }
        no_quotes("image_filename", &self.image_filename)
    }
}

/// `additional` of an upload (from a GPU node, or from the client node without a peer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImageUpload {
    /// File to upload (relative names are under `/data/`).
    pub image_filename: String,
    /// Image server id.
    pub image_server: String,
}

impl Validate for ImageUpload {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.image_server.is_empty() {
            return invalid("image_server", "image_server not exist (empty id)");
        }
        if self.image_filename.is_empty() {
            return invalid("image_filename", "image_filename is empty");
        }
        no_quotes("image_filename", &self.image_filename)
    }
}

/// Transfer progress (download or upload).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TransferProgress {
    /// `downloading`, `uploading` or `done`.
    pub status: String,
    /// e.g. `42%`, `100%`.
    pub progress: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TransferProgress {
    /// True when the transfer is finished.
    pub fn is_done(&self) -> bool {
        self.status == "done"
    }
    /// The percentage as a number, when it parses.
    pub fn percent(&self) -> Option<u8> {
        self.progress.trim_end_matches('%').parse().ok()
    }
}

/// One entry of an image list: GPU nodes use the defective `image_name:` key, the client
/// node's image-server listing the correct `image_name`. Both are accepted and re-encoded as
/// they arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ListedImage {
    /// From a GPU node (`image_name:`).
    Node(NodeImageEntry),
    /// From an image server via the client node (`image_name`).
    Server(ImageEntry),
}

impl ListedImage {
    /// The file name, whichever key carried it.
    pub fn name(&self) -> &str {
        match self {
            ListedImage::Node(n) => &n.image_name,
            ListedImage::Server(s) => &s.image_name,
        }
    }
    /// The size text.
    pub fn size(&self) -> &str {
        match self {
            ListedImage::Node(n) => &n.image_size,
            ListedImage::Server(s) => &s.image_size,
        }
    }
}
