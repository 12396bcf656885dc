//! The GPU-node side: one node's world (state) and the dispatch of an operation to its area.
//!
//! Areas, one file each: `auth` (replay store, signatures, sessions, `check_authority`),
//! `tasks` (list, info, lifecycle), `create`, `modify` (logs, modify, passwd), `images`
//! (+ transfers), `storage` (snapshots, disks), `network` (LANs), `info` (node info, rent
//! orders, monitor servers), `bare_metal`, `chain` (rent orders against the chain clock),
//! `overlay`, `vmstate`, and `format` (the node's text helpers).

use crate::config::{NodeConfig, NodeKind, Renter};
use crate::envelope::{atoi, Env};
use dbc_types::endpoint::Auth;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod auth;
mod bare_metal;
mod chain;
mod create;
mod format;
mod images;
mod info;
mod modify;
mod network;
mod overlay;
mod reply;
mod storage;
mod tasks;
mod vmstate;

pub(crate) use auth::{Caller, Order, PreAuth, Role};
use auth::{ReplayStore, SessionRec};
pub(crate) use bare_metal::BmServer;
pub(crate) use format::fmt_time;
pub(crate) use format::image_size;
use format::{add_str, add_str_list, gib_str, is_ipv4, json_str_list, port16, stars};
use images::Transfer;
pub(crate) use reply::NodeReply;
use reply::NodeResult;

/// `MAX_LOG_CONTENT_SIZE` (§7.2.10).
const MAX_LOG_CONTENT: usize = 8192;
/// System disk size (GiB).
const SYSTEM_DISK_GIB: u64 = 350;

/// libvirt domain state (§8.3).
pub(crate) use crate::lifecycle::LibvirtState as Lv;

#[derive(Debug, Clone)]
struct Pending {
    at: Instant,
    status: &'static str,
    lv: Lv,
    remove: bool,
}

#[derive(Debug, Clone)]
struct Disk {
    name: String,
    file: String,
    size_gib: u64,
}

#[derive(Debug, Clone)]
struct Snapshot {
    name: String,
    desc: String,
    file: String,
    create_time: String,
    started: Instant,
}

/// A task (VM). `Debug` redacts the login and VNC passwords.
#[derive(Clone)]
pub(crate) struct Task {
    pub id: String,
    owner: String,
    os: String,
    windows: bool,
    pxe: bool,
    image: String,
    desc: String,
    ssh_port: Option<String>,
    rdp_port: Option<String>,
    vnc_port: u16,
    pub cpu_cores: u32,
    pub mem_gib: u64,
    pub gpus: Vec<u32>,
    public_ip: String,
    custom_port: Vec<String>,
    network_filters: Vec<String>,
    network_name: String,
    multicast: Vec<String>,
    interface_model: String,
    rent_order: String,
    create_time: String,
    user_name: String,
    password: String,
    vnc_password: String,
    disks: Vec<Disk>,
    status: &'static str,
    pub lv: Lv,
    pending: Option<Pending>,
    mac: String,
    events: Vec<String>,
    snapshots: Vec<Snapshot>,
    /// Boot generation for the metrics push (grows on start, restart, reset).
    pub boots: u32,
    /// Setting the login password will fail when the creation finishes (user and password `N/A`).
    login_fails: bool,
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.id)
            .field("owner", &self.owner)
            .field("status", &self.status)
            .field("lv", &self.lv)
            .field("password", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Lan {
    name: String,
    cidr: String,
    vni: u32,
    owner: String,
    tap: String,
    last_use: String,
}

/// Timing parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delays {
    pub create: Duration,
    pub timing: crate::lifecycle::CreateTiming,
}

impl Delays {
    fn op(&self) -> Duration {
        self.create / 2
    }
}

/// Node operation requested by the client node.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    TasksList,
    TaskInfo(String),
    Create,
    Start(String),
    Shutdown(String),
    Poweroff(String),
    Restart(String, bool),
    Reset(String),
    Delete(String),
    Logs(String, bool, usize),
    Modify(String),
    Passwd(String),
    ImagesList(Option<Vec<String>>),
    ImageDownload(Vec<String>),
    ImageDownloadProgress,
    ImageDownloadStop,
    ImageUpload,
    ImageUploadProgress,
    ImageUploadStop,
    ImageDelete,
    SnapshotList(String, Option<String>),
    SnapshotCreate(String),
    SnapshotDelete(String, String),
    DiskList(String),
    DiskResize(String),
    DiskAdd(String),
    DiskDelete(String),
    NodeInfo(Option<Vec<String>>),
    SessionId,
    FreeMemory,
    MonitorList,
    MonitorSet,
    LanList,
    LanGet(String),
    LanCreate,
    LanDelete(String),
    RentOrders,
    BareMetalList(Option<String>),
    BareMetalAdd,
    BareMetalDelete,
    BareMetalModify(String),
    BareMetalPower,
    BareMetalBootdev,
    DeeplinkGet,
    DeeplinkSet,
}

impl Op {
    fn vm_family(&self) -> bool {
        !matches!(
            self,
            Op::NodeInfo(_) | Op::RentOrders | Op::SessionId | Op::FreeMemory
        ) && !self.bare_metal_only()
    }
    fn bare_metal_only(&self) -> bool {
        matches!(
            self,
            Op::BareMetalList(_)
                | Op::BareMetalAdd
                | Op::BareMetalDelete
                | Op::BareMetalModify(_)
                | Op::BareMetalPower
                | Op::BareMetalBootdev
                | Op::DeeplinkGet
                | Op::DeeplinkSet
        )
    }
}

/// One GPU node's world. Guarded by one mutex.
#[derive(Debug)]
pub(crate) struct NodeWorld {
    pub id: String,
    pub cfg: NodeConfig,
    orders: Vec<Order>,
    replay: ReplayStore,
    sessions: HashMap<String, SessionRec>,
    session_by_identity: HashMap<String, String>,
    pub tasks: Vec<Task>,
    rng: StdRng,
    images: Vec<String>,
    downloads: HashMap<String, Transfer>,
    uploads: HashMap<String, Transfer>,
    lans: Vec<Lan>,
    monitors: HashMap<String, Vec<String>>,
    delays: Delays,
    clock: Arc<crate::clock::ChainClock>,
    /// This node's own bare-metal record (bare-metal servers).
    pub(crate) bm_self: Option<BmServer>,
    /// Registered servers (bare-metal managers).
    pub(crate) bm_registry: Vec<BmServer>,
}

impl NodeWorld {
    pub(crate) fn new(
        id: String,
        cfg: NodeConfig,
        seed: u64,
        delays: Delays,
        clock: Arc<crate::clock::ChainClock>,
    ) -> NodeWorld {
        let mut orders: Vec<Order> = cfg
            .rent_orders
            .iter()
            .map(|o| Order {
                id: o.id.clone(),
                renter: o.renter.clone(),
                rent_end: o.rent_end,
                status: o.status.clone(),
                gpu_index: o.gpu_index.clone(),
            })
            .collect();
        if orders.is_empty() {
            if let Some(r) = &cfg.renter {
                let renter = match r {
                    Renter::Wallet { wallet } => Some(wallet.clone()),
                    Renter::Multisig { members, threshold } => {
                        crate::crypto::multisig_address(members, *threshold)
                    }
                };
                if let Some(renter) = renter {
                    orders.push(Order {
                        id: renter.clone(),
                        renter,
                        rent_end: 3_894_217,
                        status: "renting".into(),
                        gpu_index: (0..cfg.gpus).collect(),
                    });
                }
            }
        }
        let images = cfg.images.clone();
        NodeWorld {
            id,
            cfg,
            orders,
            replay: ReplayStore::default(),
            sessions: HashMap::new(),
            session_by_identity: HashMap::new(),
            tasks: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
            images,
            downloads: HashMap::new(),
            uploads: HashMap::new(),
            lans: Vec::new(),
            monitors: HashMap::new(),
            delays,
            clock,
            bm_self: None,
            bm_registry: Vec::new(),
        }
    }

    /// Settle lazy transitions and what the chain clock implies (§8.7).
    pub(crate) fn settle(&mut self, now: Instant) {
        self.expire(now);
        let mut removed = false;
        for t in &mut self.tasks {
            if t.settle(now) {
                t.id.clear();
                removed = true;
            }
        }
        if removed {
            self.tasks.retain(|t| !t.id.is_empty());
        }
    }

    pub(crate) fn replay_len(&self) -> usize {
        self.replay.len()
    }
    /// Execute an op under the endpoint's authorization class (from the registry); returns the
    /// compact body the GPU node would send.
    pub(crate) fn dispatch(
        &mut self,
        op: &Op,
        auth: Auth,
        env: &Env,
        pre: &PreAuth,
        now: Instant,
    ) -> NodeReply {
        self.settle(now);
        let kind = self.cfg.kind;
        if kind != NodeKind::Compute && op.vm_family() {
            return NodeReply::fail(-3, "bare metal nodes are not supported");
        }
        if kind == NodeKind::Compute && op.bare_metal_only() {
            return NodeReply::fail(-3, "Not supported");
        }
        if kind == NodeKind::BareMetalManager {
            if let Some(r) = self.dispatch_manager(op, env, pre) {
                return r;
            }
        }
        if kind == NodeKind::BareMetalServer
            && matches!(
                op,
                Op::BareMetalAdd | Op::BareMetalDelete | Op::BareMetalModify(_)
            )
        {
            return NodeReply::fail(-3, "Not supported");
        }
        if kind == NodeKind::BareMetalManager && matches!(op, Op::NodeInfo(_) | Op::RentOrders) {
            return NodeReply::fail(-3, "bare metal node has no machine info for now");
        }
        // Node behaviour (spec §0 row 46): a bare-metal server answers its own info under `R`;
        // the registry's `opt` is what the client node and the manager apply.
        let auth = match op {
            Op::BareMetalList(_) => Auth::Renter,
            _ => auth,
        };
        let caller = match auth {
            Auth::None | Auth::Local => None,
            Auth::Optional => self.check_authority(env, pre, true).ok(),
            // R, R¬v and W (the manager's BM operations were answered above).
            _ => {
                let wallet_only = auth == Auth::WalletOnly;
                match self.check_authority(env, pre, !wallet_only) {
                    Ok(c) => {
                        if auth == Auth::RenterNotVerifier && c.role == Role::Verifier {
                            return NodeReply::fail(-3, "check authority failed: ");
                        }
                        if wallet_only && c.role != Role::WalletRenter {
                            return NodeReply::fail(-3, "check authority failed");
                        }
                        Some(c)
                    }
                    Err(reason) => {
                        return NodeReply::fail(-3, &format!("check authority failed: {reason}"))
                    }
                }
            }
        };
        let add = &env.additional;
        let r: NodeResult = match op {
            Op::TasksList => self.tasks_list(caller.as_ref()),
            Op::TaskInfo(id) => self.task_info(caller.as_ref(), id),
            Op::Create => self.create(caller.as_ref(), env, now),
            Op::Start(id) => self.start(id, now),
            Op::Shutdown(id) => self.shutdown(id, now, false),
            Op::Poweroff(id) => self.shutdown(id, now, true),
            Op::Restart(id, forced) => self.restart(id, *forced, now),
            Op::Reset(id) => self.reset(id, now),
            Op::Delete(id) => self.delete(id, now),
            Op::Logs(id, head, n) => self.logs(id, *head, *n),
            Op::Modify(id) => self.modify(id, add),
            Op::Passwd(id) => self.passwd(id, add),
            Op::ImagesList(server) => Ok(NodeReply::ok_json(&self.images_list(
                server.as_deref(),
                caller.as_ref(),
                true,
            ))),
            Op::ImageDownload(server) => self.image_download(add, server, now),
            Op::ImageDownloadProgress => self.transfer_progress(add, true, now),
            Op::ImageDownloadStop => self.transfer_stop(add, true),
            Op::ImageUpload => self.image_upload(add, now),
            Op::ImageUploadProgress => self.transfer_progress(add, false, now),
            Op::ImageUploadStop => self.transfer_stop(add, false),
            Op::ImageDelete => self.image_delete(add),
            Op::SnapshotList(id, name) => self.snapshot_list(id, name.as_deref(), now),
            Op::SnapshotCreate(id) => self.snapshot_create(id, add, now),
            Op::SnapshotDelete(id, name) => self.snapshot_delete(id, name),
            Op::DiskList(id) => self.disk_list(id),
            Op::DiskResize(id) => self.disk_resize(id, add),
            Op::DiskAdd(id) => self.disk_add(id, add),
            Op::DiskDelete(id) => self.disk_delete(id, add),
            Op::NodeInfo(server) => Ok(self.node_info(server.as_deref())),
            Op::SessionId => match caller
                .as_ref()
                .and_then(|c| self.session_by_identity.get(&c.identity))
            {
                Some(sid) => Ok(NodeReply::ok_json(&format!("{{\"session_id\":\"{sid}\"}}"))),
                None => Err(NodeReply::fail(-3, "no session id")),
            },
            Op::FreeMemory => Ok(NodeReply::ok("ok")),
            Op::MonitorList => {
                let id = caller.map(|c| c.identity).unwrap_or_default();
                let list = self.monitors.get(&id).cloned().unwrap_or_default();
                Ok(NodeReply::ok_json(&format!(
                    "{{\"servers\":{}}}",
                    json_str_list(&list)
                )))
            }
            Op::MonitorSet => self.monitor_set(caller.map(|c| c.identity).unwrap_or_default(), add),
            Op::LanList => Ok(NodeReply::ok_json(&self.lan_list_json())),
            Op::LanGet(name) => match self.lans.iter().find(|l| &l.name == name) {
                Some(l) => Ok(NodeReply::ok_json(&self.lan_json(l))),
                None => Err(NodeReply::fail(-3, "network name not exist")),
            },
            Op::LanCreate => self.lan_create(caller.map(|c| c.identity).unwrap_or_default(), add),
            Op::LanDelete(name) => {
                self.lan_delete(caller.map(|c| c.identity).unwrap_or_default(), name)
            }
            Op::RentOrders => Ok(self.rent_orders_json()),
            Op::BareMetalList(_) => self.bm_server_info(true),
            Op::BareMetalPower => self.bm_power(add),
            // DEFECT (spec §7.11, §10): bootdev always answers "bare metal client not existed".
            Op::BareMetalBootdev => Err(NodeReply::fail(-3, "bare metal client not existed")),
            Op::DeeplinkGet => match &self.bm_self {
                Some(b) if b.dl_id.is_some() => Ok(NodeReply::ok_json(&format!(
                    "{{\"device_id\":\"{}\",\"device_password\":\"{}\"}}",
                    b.dl_id.as_deref().unwrap_or(""),
                    b.dl_pw.as_deref().unwrap_or("")
                ))),
                _ => Err(NodeReply::fail(1, "node id not existed")),
            },
            Op::DeeplinkSet => {
                let id = add_str(add, "device_id");
                let pw = add_str(add, "device_password");
                if id.is_none() && pw.is_none() {
                    return NodeReply::fail(-3, "invalid device");
                }
                if let Some(b) = self.bm_self.as_mut() {
                    if id.is_some() {
                        b.dl_id = id;
                    }
                    if pw.is_some() {
                        b.dl_pw = pw;
                    }
                }
                Ok(NodeReply::ok("ok"))
            }
            // Manager-only operations never reach this point (handled in `dispatch_manager`).
            Op::BareMetalAdd | Op::BareMetalDelete | Op::BareMetalModify(_) => {
                Err(NodeReply::fail(-3, "Not supported"))
            }
        };
        match r {
            Ok(s) | Err(s) => s,
        }
    }
}
