#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]

mod builder;
#[cfg(feature = "cli")]
pub mod cli;
mod clock;
pub mod config;
mod crypto;
mod envelope;
mod error;
mod handle;
mod libevent;
mod lifecycle;
pub mod limits;
mod monitor;
mod multisig;
mod node;
mod server;
mod tls;
mod wire;

pub use builder::{SimBuilder, Simulator};
pub use clock::{BLOCK_SECS, VERIFY_WINDOW_BLOCKS};
pub use config::{
    BareMetalConfig, ChainConfig, ImageServerConfig, MachineState, NodeConfig, NodeFaultConfig,
    NodeKind, OverlayImage, RentOrderConfig, Renter, SimConfig, VerifyTime,
};
pub use dbc_types::NodeId;
pub use error::SimError;
pub use handle::{SimHandle, SimStats};
pub use lifecycle::{CreateTiming, LibvirtState};
pub use monitor::MonitorStats;
pub use server::faults::{Fault, FaultKind, FaultSpec, NodeSel, KIND_NAMES, MAX_OVERSIZED};
pub use tls::TlsIdentity;
