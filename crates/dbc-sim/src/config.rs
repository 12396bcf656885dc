//! The simulated world, as configured (TOML).
//!
//! ```
//! let cfg = dbc_sim::SimConfig::from_toml_str(r#"
//! faults = ["tasks.create@0=reply-lost"]   # ROUTE[@NODE]=KIND[:ARG]
//!
//! [chain]
//! start_block = 3800000
//! time_scale = 0.01              # a block every 60 ms
//!
//! [[nodes]]                      # node 0: rented by a 2-of-3 multisig account
//! state = "rented"
//! renter = { members = ["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
//!                       "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
//!                       "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"], threshold = 2 }
//! gpus = 4
//! faults = [{ route = "tasks.list", kind = "latency:50ms" }]
//!
//! [[nodes]]                      # node 1: per-GPU rent orders
//! state = "rented"
//! rent_orders = [{ id = "1024", renter = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", gpu_index = [0, 1] }]
//!
//! [[image_servers]]
//! id = "imgsrv1"
//! images = ["ubuntu.qcow2"]
//! "#)?;
//! assert_eq!(cfg.nodes.len(), 2);
//! # Ok::<(), dbc_sim::SimError>(())
//! ```

use crate::SimError;
use serde::{Deserialize, Serialize};

/// Machine state of a GPU node as the chain reports it (§5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MachineState {
    /// In committee verification.
    Verify,
    /// Online, not rented.
    #[default]
    Online,
    /// Rented.
    Rented,
    /// The chain query fails (`query machine_status failed`).
    Unknown,
    /// The chain answers a status the node's mapping has no branch for
    /// (`unknown machine status`).
    Unmapped,
}

impl MachineState {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            MachineState::Verify => "verify",
            MachineState::Online => "online",
            MachineState::Rented => "rented",
            MachineState::Unknown => "unknown",
            MachineState::Unmapped => "unmapped",
        }
    }
}

/// Kind of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A GPU (compute) node.
    #[default]
    Compute,
    /// A bare-metal manager.
    BareMetalManager,
    /// A bare-metal server (registered with a manager).
    BareMetalServer,
}

/// The renter of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Renter {
    /// A single wallet.
    Wallet {
        /// SS58 address.
        wallet: String,
    },
    /// A multisig account derived from `members` and `threshold`.
    Multisig {
        /// Signatory addresses, in the order clients send them.
        members: Vec<String>,
        /// Threshold.
        threshold: u16,
    },
}

/// A rent order known to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentOrderConfig {
    /// Decimal order id, or the renter address for a legacy whole-machine order.
    pub id: String,
    /// Renter address.
    pub renter: String,
    /// GPU indexes covered.
    #[serde(default)]
    pub gpu_index: Vec<u32>,
    /// Chain status (`renting`, `waitingVerifying`, `rentExpired`, …).
    #[serde(default = "default_status")]
    pub status: String,
    /// Rent end block.
    #[serde(default = "default_rent_end")]
    pub rent_end: u64,
}

fn default_status() -> String {
    "renting".into()
}
fn default_rent_end() -> u64 {
    3_894_217
}

/// One simulated node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeConfig {
    /// 64 hex digits; derived from the seed when absent.
    pub id: Option<String>,
    /// Node kind.
    pub kind: NodeKind,
    /// Machine state.
    pub state: MachineState,
    /// Whether the node is announced to the client node (unannounced ids fail with `create node request failed`).
    pub announced: bool,
    /// Configured name (`"null"` when absent).
    pub name: Option<String>,
    /// Announced version.
    pub version: String,
    /// Renter (creates a legacy whole-machine order keyed by the renter address, unless `rent_orders` is given).
    pub renter: Option<Renter>,
    /// Explicit rent orders.
    pub rent_orders: Vec<RentOrderConfig>,
    /// Committee members always inside a verification window (state `verify`).
    pub committee: Vec<String>,
    /// Committee members with their `verifyTime` blocks: each window is `(v, v + 2400]`;
    /// outside every window the node answers `not in verify time`.
    pub verify_time: Vec<VerifyTime>,
    /// GPU count.
    pub gpus: u32,
    /// Usable logical cores.
    pub cpu_cores: u32,
    /// Usable memory (GiB).
    pub mem_gib: u64,
    /// `/data` size (GiB).
    pub data_disk_gib: u64,
    /// Base images present in `/data` (no backing file).
    pub images: Vec<String>,
    /// Overlay images in `/data` (qcow2 files with a backing file, e.g. snapshots).
    pub overlays: Vec<OverlayImage>,
    /// Host public IP.
    pub public_ip: String,
    /// libvirt major version (≥ 8 → VNC password = first 8 chars).
    pub libvirt_major: u32,
    /// Bare-metal server details (for `kind = "bare_metal_server"`).
    pub bare_metal: Option<BareMetalConfig>,
    /// Faults injected on this node from the start.
    pub faults: Vec<NodeFaultConfig>,
    /// Stricter than the real node: reject a multisig bundle in which one member signs twice
    /// (the node accepts it, `DEFECT (spec §5.4)`). Also set for every node by `--strict`.
    pub strict: bool,
    /// `HOST:PORT` receiving this node's host metrics (core.conf `dbc_monitor_server`; the real
    /// default `monitor.dbcwallet.io:10051` is not used: absent = not sent). See docs/simulator-monitor.md.
    pub monitor_server: Option<String>,
    /// A second `HOST:PORT` receiving the host metrics (core.conf `miner_monitor_server`).
    pub miner_monitor_server: Option<String>,
}

/// A fault in the TOML world description (see [`crate::FaultKind`]), e.g.
/// `{ route = "tasks.create", kind = "reply-lost" }` or `{ kind = "latency:2s" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeFaultConfig {
    /// Registry endpoint name (e.g. `"tasks.create"`); absent = all routes.
    #[serde(default)]
    pub route: Option<String>,
    /// `KIND[:ARG]` in kebab-case: `latency:2s`, `never-answer`, `reply-lost`,
    /// `drop-mid-reply`, `http-502-html`, `invalid-json`, `oversized:128KiB`, `hang`,
    /// `retry-later` (the snake_case spellings are accepted too).
    pub kind: String,
    /// Milliseconds for `latency` without an argument.
    #[serde(default)]
    pub millis: Option<u64>,
    /// Body size for `oversized` without an argument.
    #[serde(default)]
    pub bytes: Option<usize>,
}

impl NodeFaultConfig {
    /// The fault kind described.
    ///
    /// # Errors
    /// [`SimError::Config`] for an unknown kind, a bad argument or an unknown route.
    pub fn fault_kind(&self) -> Result<crate::FaultKind, SimError> {
        use crate::FaultKind as K;
        if let Some(r) = &self.route {
            crate::server::faults::check_route(r)?;
        }
        Ok(match (self.kind.as_str(), self.millis, self.bytes) {
            ("latency", Some(ms), _) => K::Latency(std::time::Duration::from_millis(ms)),
            ("oversized", _, Some(n)) => {
                if n > crate::server::faults::MAX_OVERSIZED {
                    return Err(SimError::Config(format!(
                        "oversized fault of {n} bytes is over the 64 MiB limit"
                    )));
                }
                K::Oversized(n)
            }
            (kind, _, _) => kind.parse()?,
        })
    }
}

/// An overlay image in a node's `/data` (spec §7.3): listed only when the image server given
/// to the list also has it; creating a VM from it needs its whole backing chain in `/data`
/// (else `image backfile not exist: /data/<file>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlayImage {
    /// File name under `/data`.
    pub name: String,
    /// Backing file name under `/data` (a base image or another overlay); it may be missing.
    pub backing: String,
}

/// A committee member's verification windows (spec §5.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyTime {
    /// The verifier's address.
    pub wallet: String,
    /// `verifyTime` block numbers `v`; each window is `(v, v + 2400]`.
    pub blocks: Vec<u64>,
}

/// The chain as the simulator models it (spec §5, §8.7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChainConfig {
    /// Block height when the simulator starts.
    pub start_block: u64,
    /// Real time per block = 6 s × `time_scale` (`0.01` → a block every 60 ms).
    pub time_scale: f64,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            start_block: DEFAULT_START_BLOCK,
            time_scale: 1.0,
        }
    }
}

/// Block height at start in the default world (rent orders end at block 3 894 217 by default).
pub const DEFAULT_START_BLOCK: u64 = 3_800_000;

/// A bare-metal server as registered with its manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct BareMetalConfig {
    /// Manager node id (64 hex); default: the first manager of the world.
    pub manager: Option<String>,
    /// UUID (letters, digits, `-`).
    pub uuid: String,
    /// IP address of the server.
    pub ip: String,
    /// Operating system text.
    pub os: String,
    /// Description.
    pub description: String,
    /// IPMI host.
    pub ipmi_hostname: String,
    /// IPMI user.
    pub ipmi_username: String,
    /// IPMI password.
    pub ipmi_password: String,
    /// IPMI port.
    pub ipmi_port: Option<u16>,
    /// DeepLink device id.
    pub deeplink_device_id: Option<String>,
    /// DeepLink device password.
    pub deeplink_device_password: Option<String>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            id: None,
            kind: NodeKind::Compute,
            state: MachineState::Online,
            announced: true,
            name: None,
            version: "0.4.1.8".into(),
            renter: None,
            rent_orders: Vec::new(),
            committee: Vec::new(),
            verify_time: Vec::new(),
            gpus: 8,
            cpu_cores: 64,
            mem_gib: 256,
            data_disk_gib: 4096,
            images: vec!["ubuntu.qcow2".into(), "windows.qcow2".into()],
            overlays: Vec::new(),
            public_ip: "198.51.100.142".into(),
            libvirt_major: 8,
            bare_metal: None,
            faults: Vec::new(),
            strict: false,
            monitor_server: None,
            miner_monitor_server: None,
        }
    }
}

/// An image server configured on the client node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageServerConfig {
    /// Server id.
    pub id: String,
    /// Server IP.
    #[serde(default)]
    pub ip: String,
    /// rsync port.
    #[serde(default = "default_rsync_port")]
    pub port: u16,
    /// rsync module.
    #[serde(default = "default_module")]
    pub module: String,
    /// Images offered by the server.
    #[serde(default)]
    pub images: Vec<String>,
}

fn default_rsync_port() -> u16 {
    873
}
fn default_module() -> String {
    "images".into()
}

/// The whole simulated world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// GPU nodes (and bare-metal nodes).
    pub nodes: Vec<NodeConfig>,
    /// Image servers configured on the client node.
    pub image_servers: Vec<ImageServerConfig>,
    /// Files present under `/data` on the client node (for local uploads).
    pub client_files: Vec<String>,
    /// The chain clock.
    pub chain: ChainConfig,
    /// Faults as `ROUTE[@NODE]=KIND[:ARG]` (see [`crate::FaultSpec`]).
    pub faults: Vec<String>,
}

/// Alice's dev address (renter of node 0 in the default world).
pub const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            nodes: vec![
                NodeConfig {
                    state: MachineState::Rented,
                    renter: Some(Renter::Wallet {
                        wallet: ALICE.into(),
                    }),
                    name: Some("sim-gpu-0".into()),
                    ..NodeConfig::default()
                },
                NodeConfig {
                    state: MachineState::Online,
                    ..NodeConfig::default()
                },
            ],
            image_servers: vec![ImageServerConfig {
                id: "imgsrv1".into(),
                ip: "203.0.113.7".into(),
                port: 873,
                module: "images".into(),
                images: vec![
                    "ubuntu.qcow2".into(),
                    "windows.qcow2".into(),
                    "ubuntu-cuda.qcow2".into(),
                ],
            }],
            client_files: vec!["upload.qcow2".into()],
            chain: ChainConfig::default(),
            faults: Vec::new(),
        }
    }
}

impl SimConfig {
    /// Parse a TOML world description.
    ///
    /// # Errors
    /// [`SimError::Config`] when the text is not valid TOML for a world, a fault is not
    /// `ROUTE[@NODE]=KIND[:ARG]`, `chain.time_scale` is not a positive number, or a node id is
    /// not 64 hex digits.
    pub fn from_toml_str(s: &str) -> Result<SimConfig, SimError> {
        let cfg: SimConfig = toml::from_str(s).map_err(|e| SimError::Config(e.to_string()))?;
        for f in &cfg.faults {
            f.parse::<crate::FaultSpec>()?;
        }
        if !(cfg.chain.time_scale.is_finite() && cfg.chain.time_scale > 0.0) {
            return Err(SimError::Config(format!(
                "chain.time_scale must be a positive number (got {})",
                cfg.chain.time_scale
            )));
        }
        for n in &cfg.nodes {
            for f in &n.faults {
                f.fault_kind()?;
            }
            if let Some(id) = &n.id {
                if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(SimError::Config(format!(
                        "node id {id:?} must be 64 hex digits"
                    )));
                }
            }
        }
        Ok(cfg)
    }
}
