//! Metrics push, as a real GPU node does it (MONITOR.md §2–§3): every `interval` (30 s) each
//! compute node samples its VMs and itself and queues one Zabbix `agent data` message per VM
//! (host = task id) for the VM owner's monitor servers (`POST /api/v1/monitor/set`) and one per
//! node (host = node id, `host.*` keys) for the node's configured `monitor_server`,
//! `miner_monitor_server` and the whole-machine renter's servers. One sender per destination
//! drains its queue: one request per TCP connection, `pacing` (10 s) between connections,
//! `active checks` before data and again after 300 s, at most 101 queued messages (oldest
//! dropped), no retries.
//!
//! Pushing never touches the API path beyond a short snapshot under each node's lock; every
//! network step has a deadline; queues, destinations and per-VM state are bounded.

mod frame;
mod host;
mod json;
mod metrics;
mod push;
mod service;

use crate::config::NodeConfig;
use crate::server::Shared;
use crate::{SimBuilder, SimError, SimHandle};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// The real node's queue bound: a push finding more than 100 queued messages drops the oldest,
/// so a queue holds at most 101.
pub(crate) const QUEUE_MAX: usize = 101;
/// At most this many destinations (`host:port`) have a sender at once; messages for further
/// destinations are dropped and counted.
pub(crate) const MAX_DESTINATIONS: usize = 256;

/// Timing and behaviour of the push (builder options; defaults are the real node's).
#[derive(Debug, Clone)]
pub(crate) struct MonitorSettings {
    /// Sampling period (node: 30 s; the first tick comes one period after start).
    pub interval: Duration,
    /// Pause between two connections of one sender (node: 10 s).
    pub pacing: Duration,
    /// How long a successful `active checks` is trusted (node: 300 s).
    pub active_checks_ttl: Duration,
    /// Deadline of each connect attempt, of write + reply header, and of the reply body (node: 10 s).
    pub io_timeout: Duration,
    /// Reproduce the node's numeric defects (int overflow of `dom.cpuUsage`, negative speeds
    /// after a restart, NaN memory usage).
    pub quirks: bool,
    /// Push at all.
    pub enabled: bool,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        MonitorSettings {
            interval: Duration::from_secs(30),
            pacing: Duration::from_secs(10),
            active_checks_ttl: Duration::from_secs(300),
            io_timeout: Duration::from_secs(10),
            quirks: false,
            enabled: true,
        }
    }
}

/// Counters of the metrics push (see [`SimHandle::monitor_stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MonitorStats {
    /// Sampling ticks done.
    pub ticks: u64,
    /// Messages queued (one per VM or node and destination).
    pub queued_total: u64,
    /// Messages currently waiting in all queues.
    pub queued_now: usize,
    /// Destinations with a live sender.
    pub destinations: usize,
    /// Oldest messages dropped because a queue was full.
    pub dropped_overflow: u64,
    /// Head messages dropped because no address of the destination accepted a connection.
    pub dropped_unreachable: u64,
    /// Messages dropped because the destination limit was reached.
    pub dropped_no_sender: u64,
    /// `active checks` requests written.
    pub active_checks_sent: u64,
    /// `active checks` answered with success.
    pub active_checks_ok: u64,
    /// `agent data` messages taken from a queue and sent (never retried).
    pub data_sent: u64,
    /// `agent data` answered with success.
    pub data_ok: u64,
    /// Exchanges that failed after connecting (write error, timeout, rejected or failed reply).
    pub failed_exchanges: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub ticks: AtomicU64,
    pub queued_total: AtomicU64,
    pub dropped_overflow: AtomicU64,
    pub dropped_unreachable: AtomicU64,
    pub dropped_no_sender: AtomicU64,
    pub active_checks_sent: AtomicU64,
    pub active_checks_ok: AtomicU64,
    pub data_sent: AtomicU64,
    pub data_ok: AtomicU64,
    pub failed_exchanges: AtomicU64,
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// What the pusher reads from one node under its lock (see `NodeWorld::monitor_view`).
#[derive(Debug, Clone)]
pub(crate) struct NodeView {
    /// The node id (64 hex).
    pub node_id: String,
    /// The node's configuration.
    pub cfg: NodeConfig,
    /// Monitor servers per renter identity.
    pub monitors: HashMap<String, Vec<String>>,
    /// The renter of an active whole-machine (legacy) order, if any.
    pub whole_machine_renter: Option<String>,
    /// The node's VMs.
    pub vms: Vec<VmView>,
}

/// One VM as the pusher sees it.
#[derive(Debug, Clone)]
pub(crate) struct VmView {
    /// Task id.
    pub id: String,
    /// Creator identity (wallet, multisig account or session owner).
    pub owner: String,
    /// DBC status string (`creating`, `running`, `closed`, …).
    pub status: &'static str,
    /// libvirt state word (`running`, `shut_off`, `being shutdown`).
    pub state: &'static str,
    /// vCPUs.
    pub cpu_cores: u32,
    /// Memory (GiB).
    pub mem_gib: u64,
    /// Host GPU indexes.
    pub gpus: Vec<u32>,
    /// Disks: (name, size GiB).
    pub disks: Vec<(String, u64)>,
    /// Boot generation: grows on every start, restart and reset.
    pub boots: u32,
}

/// Shared state of the push: settings, counters and the senders by destination.
#[derive(Debug)]
pub(crate) struct Hub {
    pub settings: MonitorSettings,
    pub counters: Counters,
    pub dests: Mutex<HashMap<String, Arc<push::Dest>>>,
    pub stop: watch::Receiver<bool>,
}

impl Hub {
    fn dests(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<push::Dest>>> {
        self.dests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn stats(&self) -> MonitorStats {
        let c = &self.counters;
        let ld = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let dests = self.dests();
        MonitorStats {
            ticks: ld(&c.ticks),
            queued_total: ld(&c.queued_total),
            queued_now: dests.values().map(|d| d.len()).sum(),
            destinations: dests.len(),
            dropped_overflow: ld(&c.dropped_overflow),
            dropped_unreachable: ld(&c.dropped_unreachable),
            dropped_no_sender: ld(&c.dropped_no_sender),
            active_checks_sent: ld(&c.active_checks_sent),
            active_checks_ok: ld(&c.active_checks_ok),
            data_sent: ld(&c.data_sent),
            data_ok: ld(&c.data_ok),
            failed_exchanges: ld(&c.failed_exchanges),
        }
    }
}

/// Parse a monitor period flag (`30s`, `500ms`); zero is refused.
#[cfg(any(feature = "cli", test))]
pub(crate) fn parse_period(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if d.is_zero() => Err("must be greater than zero (e.g. 30s, 500ms)".into()),
        Ok(d) => Ok(d),
        Err(e) => Err(format!("{e} (e.g. 30s, 500ms)")),
    }
}

/// Check a `HOST:PORT` monitor server setting as the node does (exactly two parts on `:`).
fn check_server(node: usize, what: &str, v: &Option<String>) -> Result<(), SimError> {
    match v {
        Some(s) if s.split(':').count() != 2 || s.starts_with(':') || s.ends_with(':') => {
            Err(SimError::Config(format!(
                "node {node}: {what} {s:?} must be HOST:PORT (e.g. \"127.0.0.1:10051\")"
            )))
        }
        _ => Ok(()),
    }
}

/// Validate the world's monitor settings and start the push service (hook in `SimBuilder::start`).
pub(crate) fn start(
    b: &SimBuilder,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) -> Result<Arc<Hub>, SimError> {
    for (i, n) in b.config.nodes.iter().enumerate() {
        check_server(i, "monitor_server", &n.monitor_server)?;
        check_server(i, "miner_monitor_server", &n.miner_monitor_server)?;
    }
    let s = &b.monitor;
    for (name, d) in [
        ("interval", s.interval),
        ("pacing", s.pacing),
        ("io timeout", s.io_timeout),
    ] {
        if d.is_zero() {
            return Err(SimError::Config(format!(
                "monitor {name} must be greater than zero (e.g. 30s, 500ms; builder or --monitor-* flag)"
            )));
        }
    }
    let hub = Arc::new(Hub {
        settings: b.monitor.clone(),
        counters: Counters::default(),
        dests: Mutex::new(HashMap::new()),
        stop,
    });
    if b.monitor.enabled {
        tokio::spawn(service::run(shared, hub.clone(), b.seed));
    }
    Ok(hub)
}

impl SimBuilder {
    /// How often each GPU node samples its VMs and itself and queues metrics messages
    /// (default 30 s, like a real node; the first sample comes one interval after start).
    pub fn monitor_interval(mut self, d: Duration) -> Self {
        self.monitor.interval = d;
        self
    }
    /// Pause between two connections to one monitor server (default 10 s, like a real node).
    pub fn monitor_pacing(mut self, d: Duration) -> Self {
        self.monitor.pacing = d;
        self
    }
    /// How long a successful `active checks` answer is trusted before it is asked again
    /// (default 300 s, like a real node).
    pub fn monitor_active_checks_ttl(mut self, d: Duration) -> Self {
        self.monitor.active_checks_ttl = d;
        self
    }
    /// Deadline of each connect attempt, of the write plus reply header, and of the reply body
    /// (default 10 s, like a real node).
    pub fn monitor_io_timeout(mut self, d: Duration) -> Self {
        self.monitor.io_timeout = d;
        self
    }
    /// Reproduce the node's numeric defects in pushed values: `dom.cpuUsage` overflowing to a
    /// negative number when a sample saw more than ~21.5 s of CPU time, negative disk speeds
    /// right after a restart, and the invalid `"value":,` JSON for a NaN memory usage
    /// (default off: values are what the node would send without those bugs).
    pub fn monitor_quirks(mut self, on: bool) -> Self {
        self.monitor.quirks = on;
        self
    }
    /// Turn the metrics push off entirely (default on; nothing is sent until a monitor server is
    /// set on a node or configured in the world file).
    pub fn monitor_push(mut self, on: bool) -> Self {
        self.monitor.enabled = on;
        self
    }
}

impl SimHandle {
    /// Counters of the metrics push (messages queued, sent, dropped; destinations).
    pub fn monitor_stats(&self) -> MonitorStats {
        self.inner.monitor.stats()
    }
}
