//! The `additional` (request) and `message` (success reply) models of every endpoint.

pub mod bare_metal;
pub mod builders;
pub mod common;
pub mod deeplink;
pub mod disks;
pub mod images;
pub mod lan;
pub mod mining_nodes;
pub mod monitor;
pub mod peers;
pub mod rent_orders;
pub mod snapshots;
pub mod tasks;
pub mod version;

pub use bare_metal::*;
pub use common::*;
pub use deeplink::*;
pub use disks::*;
pub use images::*;
pub use lan::*;
pub use mining_nodes::*;
pub use monitor::*;
pub use peers::*;
pub use rent_orders::*;
pub use snapshots::*;
pub use tasks::*;
pub use version::*;
