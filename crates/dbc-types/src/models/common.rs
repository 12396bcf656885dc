//! Shared pieces: the empty `additional`, unknown-member maps, `"ok"` replies.

use crate::error::Validate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Members a newer node may add; kept so that nothing is lost when re-encoding.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// An empty `additional` object (`{}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Empty {}

impl Validate for Empty {}

/// The plain-text success message most actions return (`"ok"`, or for modify
/// `"some changes will take effect on the next boot"`).
pub type OkMessage = String;

/// A reply that never succeeds (the `/stat` and `/config` handlers are empty in this version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Unsupported {}
