//! `/rent_orders[/<id>]`.

use super::common::Extra;
use crate::numstr::num_str;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A rent order cached on a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RentOrderInfo {
    /// Order id (decimal) or, for legacy whole-machine orders, the renter address.
    pub id: String,
    /// Renter address.
    #[serde(default)]
    pub renter: String,
    /// End block number.
    #[serde(default, with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub rent_end: u64,
    /// Chain status (`renting`, `waitingVerifying`, `rentExpired`, …).
    #[serde(default)]
    pub rent_status: String,
    /// GPUs in the order.
    #[serde(default, with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub gpu_nums: u32,
    /// GPU indexes (JSON numbers).
    #[serde(default)]
    pub gpu_index: Vec<u32>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reply of `/rent_orders`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RentOrders {
    /// Orders (at most 51).
    #[serde(default)]
    pub rent_orders: Vec<RentOrderInfo>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}
