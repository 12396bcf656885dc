//! [`Simulator`] and [`SimBuilder`]: configure a world and start serving it.

use crate::clock::ChainClock;
use crate::config::{self, NodeConfig, NodeKind, Renter, SimConfig};
use crate::handle::{HandleInner, SimHandle};
use crate::lifecycle::CreateTiming;
use crate::node::{self, Delays, NodeWorld};
use crate::server::{self, NodeSlot, Shared};
use crate::{limits, monitor, tls, Fault, FaultSpec, NodeId, SimError, TlsIdentity};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;

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
    pub(crate) seed: u64,
    listen: SocketAddr,
    create_delay: Duration,
    node_timeout: Duration,
    pub(crate) config: SimConfig,
    faults: Vec<Fault>,
    strict: bool,
    max_connections: usize,
    pub(crate) monitor: monitor::MonitorSettings,
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
        let clock = Arc::new(ChainClock::new(self.config.chain.start_block, time_scale));
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
        let task = tokio::spawn(server::accept::accept_loop(
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

pub(crate) fn crypto_multisig(members: &[String], t: u16) -> String {
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
