//! `/monitor`, `/monitor/set`.

use super::common::Extra;
use crate::error::{invalid, Validate, ValidationError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Monitor servers of the caller on a node (`host:port`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MonitorServers {
    /// `host:port` strings (at most 2).
    #[serde(default)]
    pub servers: Vec<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of `/monitor/set` (`[]` clears).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SetMonitor {
    /// `host:port` strings, at most 2.
    pub servers: Vec<String>,
}

impl Validate for SetMonitor {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.servers.len() > 2 {
            return invalid("servers", "can not enter more than two servers");
        }
        for s in &self.servers {
            if s.split(':').count() != 2 || s.contains(['"', '\\']) {
                return invalid("servers", "server not match format ip:port");
            }
        }
        Ok(())
    }
}
