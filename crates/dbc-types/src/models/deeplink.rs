//! `/deeplink`, `/deeplink/set`.

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use crate::secret::SecretString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// DeepLink device info of a bare-metal server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DeeplinkInfo {
    /// Device id.
    #[serde(default)]
    pub device_id: String,
    /// Device password (secret; asterisks when masked).
    #[serde(default)]
    pub device_password: SecretString,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of `/deeplink/set`: at least one member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SetDeeplink {
    /// New device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// New device password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_password: Option<SecretString>,
}

impl Validate for SetDeeplink {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.device_id.is_none() && self.device_password.is_none() {
            return invalid(
                "additional",
                "invalid device info (give device_id and/or device_password)",
            );
        }
        Ok(())
    }
}
