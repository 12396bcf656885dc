//! `dbc-monitor`: VM metrics without Zabbix. A DBC GPU node pushes each VM's metrics (and its
//! own) every 30 s over the Zabbix sender protocol to the monitor servers a renter set with
//! `POST /api/v1/monitor/set`. This crate is such a server: it speaks the node's framing and
//! standard Zabbix 4+/5+ framing (compressed and large packets too), answers as a Zabbix
//! server does, keeps the latest sample per (host, key) and serves them as Prometheus metrics.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), dbc_monitor::MonitorError> {
//! use dbc_monitor::{frame, Monitor, MonitorConfig};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! let mut cfg = MonitorConfig::default();
//! cfg.zabbix_listen = "127.0.0.1:0".parse().unwrap();
//! cfg.metrics_listen = "127.0.0.1:0".parse().unwrap();
//! let mon = Monitor::start(cfg).await?;
//!
//! // What a node sends for a VM (one request per connection).
//! let body = br#"{"request":"agent data","data":[{"host":"7T13qNLVRXZvjSESL2A24F","key":"dom.cpuUsage","value":5.14,"clock":1736400030,"ns":0}],"clock":1736400030,"ns":0}"#;
//! let mut s = tokio::net::TcpStream::connect(mon.zabbix_addr()).await.unwrap();
//! s.write_all(&frame::encode(body)).await.unwrap();
//! let mut reply = Vec::new();
//! s.read_to_end(&mut reply).await.unwrap();
//! assert!(frame::decode(&reply, 4096).unwrap().body.starts_with(br#"{"response":"success""#));
//!
//! let text = mon.bridge().render_metrics();
//! assert!(text.contains(r#"dbc_vm_cpu_usage_percent{task_id="7T13qNLVRXZvjSESL2A24F"} 5.14"#));
//! mon.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
