//! [`SimHandle`]: a running simulator, its introspection and runtime faults; [`SimStats`].

use crate::builder::crypto_multisig;
use crate::config::Renter;
use crate::server::Shared;
use crate::{monitor, tls, Fault, LibvirtState, NodeId};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Runtime counters (for soak and leak checks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimStats {
    /// HTTP requests received.
    pub requests: u64,
    /// Tasks (VMs) present on all nodes.
    pub tasks_alive: usize,
    /// Host ports reserved by running VMs (VNC + SSH/RDP).
    pub ports_in_use: usize,
    /// GPUs attached to VMs that are not shut off.
    pub gpus_in_use: usize,
    /// Memory of running VMs (GiB).
    pub mem_in_use_gib: u64,
    /// vCPUs of running VMs.
    pub cpus_in_use: u64,
    /// Nonces remembered by all replay stores.
    pub nonces_remembered: usize,
    /// Requests currently being forwarded.
    pub in_flight: usize,
    /// TCP connections accepted.
    pub connections: u64,
    /// TLS handshakes completed (HTTPS only).
    pub tls_handshakes: u64,
}

pub(crate) struct HandleInner {
    pub(crate) shared: Arc<Shared>,
    pub(crate) addr: SocketAddr,
    pub(crate) stop: watch::Sender<bool>,
    pub(crate) task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    pub(crate) renter: String,
    pub(crate) monitor: Arc<monitor::Hub>,
    pub(crate) tls: bool,
    pub(crate) conn_stats: Arc<tls::ConnStats>,
}

/// A running simulator (cheap to clone). `Debug` shows only the address and node ids
/// (never passwords, sessions or signatures).
#[derive(Clone)]
pub struct SimHandle {
    pub(crate) inner: Arc<HandleInner>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("url", &self.url())
            .field(
                "nodes",
                &self
                    .inner
                    .shared
                    .nodes
                    .iter()
                    .map(|n| n.id.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` when serving TLS.
    pub fn url(&self) -> String {
        let scheme = if self.inner.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.inner.addr)
    }
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }
    /// All node ids, in configuration order.
    pub fn node_ids(&self) -> Vec<NodeId> {
        self.inner
            .shared
            .nodes
            .iter()
            .filter_map(|n| n.id.parse().ok())
            .collect()
    }
    /// Node 0 (rented by the renter in the default world).
    pub fn rented_node(&self) -> NodeId {
        self.nth_node(0)
    }
    /// Node 1 (online, not rented, in the default world).
    pub fn unrented_node(&self) -> NodeId {
        self.nth_node(1)
    }
    fn nth_node(&self, i: usize) -> NodeId {
        let ids = self.node_ids();
        match ids.get(i).or(ids.first()) {
            Some(id) => id.clone(),
            // A world without nodes: a syntactically valid id that no node has.
            None => zero_node_id(),
        }
    }
    /// The renter's SURI in the default world (`//Alice`).
    pub fn renter_suri(&self) -> &str {
        "//Alice"
    }
    /// The renter address of node 0 (the multisig account for a multisig renter).
    pub fn renter_address(&self) -> String {
        self.inner.renter.clone()
    }
    /// Replace all faults at runtime.
    pub fn set_faults(&self, faults: Vec<Fault>) {
        *self
            .inner
            .shared
            .faults
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = faults;
    }
    /// Remove all faults.
    pub fn clear_faults(&self) {
        self.set_faults(Vec::new());
    }
    /// Add one fault at runtime (keeps the others).
    pub fn add_fault(&self, fault: Fault) {
        self.inner
            .shared
            .faults
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(fault);
    }
    /// The current block height of the simulated chain.
    pub fn block(&self) -> u64 {
        self.inner.shared.clock.block()
    }
    /// Real time per block (6 s × `time_scale`).
    pub fn block_time(&self) -> Duration {
        self.inner.shared.clock.block_time()
    }
    /// Moves the chain forward by `d` of chain time (6 s per block), without sleeping: rent
    /// orders end, verification windows open and close accordingly.
    pub fn advance_clock(&self, d: Duration) {
        self.inner.shared.clock.advance(d);
    }
    /// Moves the chain forward by `blocks` blocks.
    pub fn advance_blocks(&self, blocks: u64) {
        self.inner.shared.clock.advance_blocks(blocks);
    }
    /// Puts a VM's libvirt domain into `state` (the guest crashed, was paused, …), as a
    /// fault from outside the API would. Returns `false` when the node or task is unknown.
    pub fn set_vm_state(&self, node: &NodeId, task_id: &str, state: LibvirtState) -> bool {
        let sh = &self.inner.shared;
        let Some(slot) = sh.index.get(node.as_str()).and_then(|&i| sh.nodes.get(i)) else {
            return false;
        };
        let mut w = slot.lock();
        w.settle(std::time::Instant::now());
        w.force_libvirt_state(task_id, state)
    }
    /// Counters.
    pub fn stats(&self) -> SimStats {
        let sh = &self.inner.shared;
        let mut s = SimStats {
            requests: sh.requests.load(Ordering::Relaxed),
            in_flight: sh.in_flight.load(Ordering::Relaxed),
            connections: self.inner.conn_stats.accepted.load(Ordering::Relaxed),
            tls_handshakes: self.inner.conn_stats.handshakes.load(Ordering::Relaxed),
            ..SimStats::default()
        };
        let now = std::time::Instant::now();
        for n in &sh.nodes {
            let mut w = n.lock();
            w.settle(now);
            let (t, p, g, m, c) = w.usage();
            s.tasks_alive += t;
            s.ports_in_use += p;
            s.gpus_in_use += g;
            s.mem_in_use_gib += m;
            s.cpus_in_use += c;
            s.nonces_remembered += w.replay_len();
        }
        s
    }
    /// The JSON ready line printed by the binary.
    pub fn ready_line(&self) -> String {
        let sh = &self.inner.shared;
        let nodes: Vec<serde_json::Value> = sh
            .nodes
            .iter()
            .map(|n| {
                let w = n.lock();
                let renter = match &w.cfg.renter {
                    Some(Renter::Wallet { wallet }) => serde_json::Value::String(wallet.clone()),
                    Some(Renter::Multisig { members, threshold }) => serde_json::Value::String(crypto_multisig(members, *threshold)),
                    None => serde_json::Value::Null,
                };
                serde_json::json!({"node_id": n.id, "state": w.cfg.state.as_str(), "renter": renter})
            })
            .collect();
        let block_time = self.block_time();
        serde_json::json!({
            "url": self.url(),
            "nodes": nodes,
            "renter_suri": self.renter_suri(),
            "block": self.block(),
            "block_time": humantime::format_duration(block_time).to_string(),
            "block_time_ms": block_time.as_secs_f64() * 1000.0,
        })
        .to_string()
    }
    /// The session id a node issued to `identity`, if any.
    pub fn session_id_of(&self, node: &NodeId, identity: &str) -> Option<String> {
        let sh = &self.inner.shared;
        let i = *sh.index.get(node.as_str())?;
        let w = sh.nodes.get(i)?.lock();
        w.session_of(identity).map(str::to_string)
    }
    /// Stop accepting, finish in-flight requests briefly, and close connections.
    pub async fn shutdown(self) {
        let _ = self.inner.stop.send(true);
        let task = self
            .inner
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(t) = task {
            let _ = t.await;
        }
    }
}

#[allow(clippy::expect_used)]
fn zero_node_id() -> NodeId {
    // 64 zero digits always satisfy NodeId's rule (64 hex digits).
    "0".repeat(64)
        .parse()
        .expect("64 hex digits are a valid node id")
}
