#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod cli;
mod clock;
pub mod config;
mod crypto;
mod envelope;
mod libevent;
mod lifecycle;
pub mod limits;
mod monitor;
mod multisig;
mod node;
mod server;
mod tls;
mod wire;

pub use tls::TlsIdentity;

pub use clock::{BLOCK_SECS, VERIFY_WINDOW_BLOCKS};
pub use config::{
    BareMetalConfig, ChainConfig, ImageServerConfig, MachineState, NodeConfig, NodeFaultConfig,
    NodeKind, OverlayImage, RentOrderConfig, Renter, SimConfig, VerifyTime,
};
pub use dbc_types::NodeId;
pub use lifecycle::{CreateTiming, LibvirtState};
pub use monitor::MonitorStats;
pub use server::faults::{Fault, FaultKind, FaultSpec, NodeSel, KIND_NAMES, MAX_OVERSIZED};

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use node::{Delays, NodeWorld};
use server::{NodeSlot, Shared};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// Errors of the simulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Binding or serving failed.
    #[error("simulator I/O error: {0} (is the listen address free and valid?)")]
    Io(#[from] std::io::Error),
    /// The world configuration is invalid.
    #[error("invalid simulator config: {0} (fix the world file or the command-line option)")]
    Config(String),
}

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

/// Entry point.
#[derive(Debug, Clone, Copy, Default)]
pub struct Simulator;

impl Simulator {
    /// A builder with defaults (seed 0, `127.0.0.1:0`, 3 s create delay, 30 s node timeout).
    pub fn builder() -> SimBuilder {
        SimBuilder::default()
    }
}

/// Configures and starts a simulator.
#[derive(Debug, Clone)]
pub struct SimBuilder {
    seed: u64,
    listen: SocketAddr,
    create_delay: Duration,
    node_timeout: Duration,
    config: SimConfig,
    faults: Vec<Fault>,
    strict: bool,
    max_connections: usize,
    monitor: monitor::MonitorSettings,
    fault_specs: Vec<FaultSpec>,
    time_scale: Option<f64>,
    create_timing: CreateTiming,
    tls: Option<TlsIdentity>,
}

impl Default for SimBuilder {
    fn default() -> Self {
        SimBuilder {
            seed: 0,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            create_delay: Duration::from_secs(3),
            node_timeout: Duration::from_secs(30),
            config: SimConfig::default(),
            faults: Vec::new(),
            strict: false,
            max_connections: limits::DEFAULT_MAX_CONNECTIONS,
            monitor: monitor::MonitorSettings::default(),
            fault_specs: Vec::new(),
            time_scale: None,
            create_timing: CreateTiming::default(),
            tls: None,
        }
    }
}

impl SimBuilder {
    /// Seed for ids, passwords and everything random.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Listen address (default `127.0.0.1:0`).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
    /// Time from `creating` to `running` (other transitions take half of it).
    pub fn create_delay(mut self, d: Duration) -> Self {
        self.create_delay = d;
        self
    }
    /// How long the client node waits for a GPU node before `"<op> timeout"`.
    pub fn node_timeout(mut self, d: Duration) -> Self {
        self.node_timeout = d;
        self
    }
    /// The world.
    pub fn config(mut self, c: SimConfig) -> Self {
        self.config = c;
        self
    }
    /// Add a fault (repeatable).
    pub fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }

    /// Stricter than the real node on every node: reject multisig bundles in which one member
    /// signs twice (the node accepts them, `DEFECT (spec §5.4)`). Default `false` (faithful).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
    /// Cap on concurrent connections (default [`limits::DEFAULT_MAX_CONNECTIONS`]); a
    /// connection over the cap is closed at once.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// Add a fault written as `ROUTE[@NODE]=KIND[:ARG]` (repeatable); a node index is resolved
    /// against the world when the simulator starts.
    pub fn fault_spec(mut self, f: FaultSpec) -> Self {
        self.fault_specs.push(f);
        self
    }
    /// Real time per block = 6 s × `scale` (overrides the world's `chain.time_scale`).
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = Some(scale);
        self
    }
    /// How creations end: duration range, share of `create error`, retry-later when busy.
    /// The fixed [`SimBuilder::create_delay`] is the range's lower bound.
    pub fn create_timing(mut self, t: CreateTiming) -> Self {
        self.create_timing = t;
        self
    }

    /// Serve HTTPS with this certificate chain and key (the URL is then `https://…`).
    pub fn tls(mut self, identity: TlsIdentity) -> Self {
        self.tls = Some(identity);
        self
    }

    /// Bind and start serving.
    ///
    /// # Errors
    /// [`SimError::Config`] for an invalid world, fault or TLS identity, [`SimError::Io`] when the
    /// address cannot be bound.
    pub async fn start(self) -> Result<SimHandle, SimError> {
        let acceptor = self.tls.as_ref().map(TlsIdentity::acceptor).transpose()?;
        let timing = self.create_timing.validated(self.create_delay)?;
        let delays = Delays {
            create: self.create_delay,
            timing,
        };
        let time_scale = self.time_scale.unwrap_or(self.config.chain.time_scale);
        if !(time_scale.is_finite() && time_scale > 0.0) {
            return Err(SimError::Config(format!(
                "time_scale must be a positive number (got {time_scale})"
            )));
        }
        let clock = Arc::new(clock::ChainClock::new(
            self.config.chain.start_block,
            time_scale,
        ));
        let mut nodes = Vec::with_capacity(self.config.nodes.len());
        let mut index = HashMap::new();
        for (i, nc) in self.config.nodes.iter().enumerate() {
            let id = match &nc.id {
                Some(id) => id.to_ascii_lowercase(),
                None => derive_node_id(self.seed, i),
            };
            if index.insert(id.clone(), i).is_some() {
                return Err(SimError::Config(format!("duplicate node id {id}")));
            }
            let node_seed = self.seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            nodes.push(NodeSlot {
                id: id.clone(),
                kind: nc.kind,
                announced: nc.announced,
                name: nc.name.clone().unwrap_or_else(|| "null".into()),
                version: nc.version.clone(),
                public_ip: nc.public_ip.clone(),
                world: Mutex::new(NodeWorld::new(
                    id,
                    NodeConfig {
                        strict: nc.strict || self.strict,
                        ..nc.clone()
                    },
                    node_seed,
                    delays,
                    clock.clone(),
                )),
            });
        }
        // Per-node faults from the world description.
        let mut faults = self.faults.clone();
        for (slot, nc) in nodes.iter().zip(self.config.nodes.iter()) {
            for f in &nc.faults {
                faults.push(Fault {
                    node: slot.id.parse().ok(),
                    route: f.route.clone(),
                    kind: f.fault_kind()?,
                });
            }
        }
        // Faults written as ROUTE[@NODE]=KIND[:ARG] (world file, then builder / command line).
        let ids: Vec<NodeId> = nodes.iter().filter_map(|n| n.id.parse().ok()).collect();
        for text in &self.config.faults {
            faults.push(text.parse::<FaultSpec>()?.resolve(&ids)?);
        }
        for spec in &self.fault_specs {
            faults.push(spec.resolve(&ids)?);
        }
        // Bare-metal registries: servers are registered with their manager (default: the first one).
        let first_manager = nodes
            .iter()
            .find(|n| n.kind == NodeKind::BareMetalManager)
            .map(|n| n.id.clone());
        let mut registries: HashMap<String, Vec<node::BmServer>> = HashMap::new();
        for (slot, nc) in nodes.iter().zip(self.config.nodes.iter()) {
            if nc.kind != NodeKind::BareMetalServer {
                continue;
            }
            let bm = nc.bare_metal.clone().unwrap_or_default();
            let rec = node::BmServer::from_config(&slot.id, &nc.public_ip, &bm);
            slot.lock().bm_self = Some(rec.clone());
            if let Some(m) = bm
                .manager
                .clone()
                .map(|m| m.to_ascii_lowercase())
                .or_else(|| first_manager.clone())
            {
                registries.entry(m).or_default().push(rec);
            }
        }
        for slot in &nodes {
            if let Some(list) = registries.remove(&slot.id) {
                slot.lock().bm_registry = list;
            }
        }
        let shared = Arc::new(Shared {
            nodes,
            index,
            image_servers: self.config.image_servers.clone(),
            client_files: self.config.client_files.clone(),
            faults: RwLock::new(faults),
            requests: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            delays,
            node_timeout: self.node_timeout,
            local_uploads: Mutex::new(HashMap::new()),
            conn_limit: limits::ConnLimit::new(self.max_connections),
            clock,
        });
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let monitor = monitor::start(&self, shared.clone(), stop_rx.clone())?;
        let sh = shared.clone();
        let conn_stats = Arc::new(tls::ConnStats::default());
        let tls_on = acceptor.is_some();
        let task = tokio::spawn(accept_loop(
            listener,
            sh,
            stop_rx,
            acceptor,
            conn_stats.clone(),
        ));
        let renter = match self.config.nodes.first().and_then(|n| n.renter.clone()) {
            Some(Renter::Wallet { wallet }) => wallet,
            Some(Renter::Multisig { members, threshold }) => crypto_multisig(&members, threshold),
            None => config::ALICE.to_string(),
        };
        Ok(SimHandle {
            inner: Arc::new(HandleInner {
                shared,
                addr,
                stop: stop_tx,
                task: Mutex::new(Some(task)),
                renter,
                monitor,
                tls: tls_on,
                conn_stats,
            }),
        })
    }
}

fn crypto_multisig(members: &[String], t: u16) -> String {
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    dbc_sign::multisig_address(&refs, t).unwrap_or_default()
}

fn derive_node_id(seed: u64, i: usize) -> String {
    let mut h = Sha256::new();
    h.update(b"dbc-sim node id");
    h.update(seed.to_le_bytes());
    h.update((i as u64).to_le_bytes());
    hex::encode(h.finalize())
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    sh: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    conn_stats: Arc<tls::ConnStats>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            acc = listener.accept() => {
                let (stream, _) = match acc {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let Some(slot) = sh.conn_limit.try_admit() else {
                    continue; // over the connection cap: closed at once (dropped)
                };
                let _ = stream.set_nodelay(true);
                let sh = sh.clone();
                let mut stop = stop.clone();
                let (acceptor, conn_stats) = (acceptor.clone(), conn_stats.clone());
                conns.spawn(async move {
                    let _slot = slot;
                    let Some(stream) = tls::accept(acceptor.as_ref(), stream, &conn_stats).await else {
                        return;
                    };
                    let svc = hyper::service::service_fn(move |req| server::serve(sh.clone(), req));
                    let conn = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(30))
                        .keep_alive(true)
                        .max_buf_size(limits::MAX_HEADER_BYTES)
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        r = conn.as_mut() => { if let Err(e) = r { tracing::debug!(error = %e, "connection ended"); } }
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(Duration::from_millis(500), conn).await;
                        }
                    }
                });
                while conns.try_join_next().is_some() {}
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.abort_all();
}

struct HandleInner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    renter: String,
    monitor: Arc<monitor::Hub>,
    tls: bool,
    conn_stats: Arc<tls::ConnStats>,
}

/// A running simulator (cheap to clone). `Debug` shows only the address and node ids
/// (never passwords, sessions or signatures).
#[derive(Clone)]
pub struct SimHandle {
    inner: Arc<HandleInner>,
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
