#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]

mod bridge;
pub mod expo;
pub mod frame;
mod http;
mod ingest;
pub mod jsonfix;
pub mod keys;
pub mod latest;
pub mod reply;
mod request;
pub mod sample;
mod server;
pub mod store;
pub mod zabbix;

pub use bridge::Bridge;
pub use frame::{FrameError, DEFAULT_MAX_FRAME};
pub use ingest::{BadValue, ItemResult, RequestKind};
pub use latest::Filter;
pub use server::{Monitor, MonitorConfig};

use std::net::SocketAddr;
use std::time::Duration;

/// Bounds of the bridge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest frame payload, after inflating a compressed one (default 16 MiB).
    pub max_frame_bytes: u64,
    /// Deadline for reading a whole frame from a connection, and for writing the reply
    /// (default 10 s, as the node's own deadlines).
    pub read_timeout: Duration,
    /// Zabbix connections served at once; more are closed at once (default 1024).
    pub max_connections: usize,
    /// Stored samples over all hosts (default 500,000: about 10,000 VMs with GPUs).
    pub max_series: usize,
    /// Hosts (and keys) not pushed for this long are dropped (default 10 minutes).
    pub host_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: DEFAULT_MAX_FRAME,
            read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_series: 500_000,
            host_ttl: Duration::from_secs(600),
        }
    }
}

/// Errors starting the bridge.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// An address could not be bound.
    #[error("cannot listen on {addr} ({what}): {source}; pick a free port (0 picks one) or a local address")]
    Bind {
        /// Which listener.
        what: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
}
