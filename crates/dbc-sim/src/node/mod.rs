//! The GPU-node side: authorization (§5.6–5.8), tasks (§7.2, §8), and the other node endpoints.

use crate::config::{MachineState, NodeConfig, NodeKind, Renter};
use crate::envelope::{atoi, Env};
use crate::wire::Reply;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

mod chain;
mod create;
mod overlay;
mod vmstate;

/// Capacity of the per-node replay store (§5.3).
pub(crate) const REPLAY_CAPACITY: usize = 1_000_000;
/// `MAX_LOG_CONTENT_SIZE` (§7.2.10).
const MAX_LOG_CONTENT: usize = 8192;
/// System disk size (GiB).
const SYSTEM_DISK_GIB: u64 = 350;

/// Bounded replay store: remembers the last `REPLAY_CAPACITY` accepted nonces (the real node
/// keeps a Bloom filter + LRU of 1,000,000 entries). Nonces are kept as 128-bit digests, so a full
/// store costs about 40 MiB instead of ~250 MiB of strings; a digest collision (odds ~2^-128 per
/// pair) would only reject a fresh nonce, which the real node's Bloom filter also does.
#[derive(Debug)]
pub(crate) struct ReplayStore {
    set: HashSet<u128>,
    order: VecDeque<u128>,
    cap: usize,
}

impl Default for ReplayStore {
    fn default() -> Self {
        ReplayStore {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap: REPLAY_CAPACITY,
        }
    }
}

fn nonce_digest(n: &str) -> u128 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(n.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_le_bytes(b)
}

impl ReplayStore {
    fn contains(&self, n: &str) -> bool {
        self.set.contains(&nonce_digest(n))
    }
    fn insert(&mut self, n: &str) {
        let k = nonce_digest(n);
        if self.set.insert(k) {
            self.order.push_back(k);
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }
    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}

/// Signature results computed outside the node lock.
#[derive(Debug, Default, Clone)]
pub(crate) struct PreAuth {
    pub wallet_sig_ok: bool,
    pub ms_sig_ok: Vec<bool>,
    pub ms_account: Option<String>,
}

impl PreAuth {
    /// Verify the signatures of an envelope (pure, lock-free).
    pub(crate) fn compute(env: &Env) -> PreAuth {
        let wallet_sig_ok = !env.wallet.is_empty()
            && !env.nonce.is_empty()
            && !env.sign.is_empty()
            && crate::crypto::verify(&env.wallet, env.nonce.as_bytes(), &env.sign);
        let (ms_sig_ok, ms_account) = match &env.multisig {
            Some(ms) => {
                // bounded: at most len(wallets) verifications, stopping at the first failure
                let oks = crate::multisig::verify_signs(ms);
                let t = ms.threshold();
                let acct = if t > 0 && !ms.wallets.is_empty() {
                    crate::crypto::multisig_address(&ms.wallets, t as u16)
                } else {
                    None
                };
                (oks, acct)
            }
            None => (Vec::new(), None),
        };
        PreAuth {
            wallet_sig_ok,
            ms_sig_ok,
            ms_account,
        }
    }
}

/// A rent order.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: String,
    pub renter: String,
    pub rent_end: u64,
    pub status: String,
    pub gpu_index: Vec<u32>,
}

impl Order {
    /// `renting` / `waitingVerifying` and not past its end block (§5.6).
    fn active(&self, block: u64) -> bool {
        (self.status == "renting" || self.status == "waitingVerifying") && block <= self.rent_end
    }
}

struct SessionRec {
    identity: String,
    signers: Vec<String>,
    verified: HashSet<String>,
}

/// Caller role after `check_authority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Verifier,
    WalletRenter,
    SessionRenter,
}

/// An authorized caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub role: Role,
    pub identity: String,
}

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

impl std::fmt::Debug for SessionRec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRec")
            .field("identity", &self.identity)
            .field("signers", &self.signers.len())
            .finish_non_exhaustive()
    }
}

impl Task {
    fn settle(&mut self, now: Instant) -> bool {
        if let Some(p) = &self.pending {
            if p.at <= now {
                let p = p.clone();
                self.pending = None;
                self.status = p.status;
                self.lv = p.lv;
                if self.login_fails && p.status == "running" {
                    // §8.6: the guest agent could not set the password; the VM still runs.
                    self.login_fails = false;
                    "N/A".clone_into(&mut self.user_name);
                    "N/A".clone_into(&mut self.password);
                }
                self.events.push(format!(
                    "{} INFO  task {} is {}",
                    fmt_time(SystemTime::now()),
                    self.id,
                    p.status
                ));
                return p.remove;
            }
        }
        false
    }
    fn counts_running(&self) -> bool {
        self.lv.holds_resources()
    }
    fn ssh_or_rdp(&self) -> Option<u16> {
        self.ssh_port
            .as_deref()
            .or(self.rdp_port.as_deref())
            .map(port16)
    }
}

fn port16(s: &str) -> u16 {
    (atoi(s) & 0xFFFF) as u16
}

#[derive(Debug, Clone)]
struct Transfer {
    started: Instant,
    dur: Duration,
}

impl Transfer {
    fn progress(&self, now: Instant) -> Option<u32> {
        let el = now.saturating_duration_since(self.started);
        if el >= self.dur {
            None
        } else {
            Some(((el.as_millis() * 100) / self.dur.as_millis().max(1)).min(99) as u32)
        }
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

/// Auth class of an op (§5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthClass {
    R,
    RNotV,
    W,
    Opt,
    NoCheck,
}

impl Op {
    fn auth(&self) -> AuthClass {
        use Op::*;
        match self {
            SnapshotList(..) | SnapshotCreate(_) | SnapshotDelete(..) | DiskList(_)
            | DiskResize(_) | DiskAdd(_) | DiskDelete(_) | MonitorList | MonitorSet | LanCreate
            | LanDelete(_) | BareMetalBootdev | DeeplinkSet => AuthClass::RNotV,
            SessionId => AuthClass::W,
            ImagesList(_) => AuthClass::Opt,
            NodeInfo(_) | RentOrders | LanList | LanGet(_) => AuthClass::NoCheck,
            _ => AuthClass::R,
        }
    }
    /// Whether the op needs signature verification at all.
    pub(crate) fn needs_auth(&self) -> bool {
        self.auth() != AuthClass::NoCheck
    }
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

/// Format a time as `YYYY-MM-DD HH:MM:SS` (UTC stands in for the node's local zone).
pub(crate) fn fmt_time(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil_from_days (H. Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        y,
        m,
        d,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

fn gib_str(g: f64) -> String {
    let r = (g * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}G", r as i64)
    } else {
        let s = format!("{r:.2}");
        format!("{}G", s.trim_end_matches('0'))
    }
}

fn image_size(name: &str) -> &'static str {
    if name.contains("win") {
        "46.5G"
    } else if name.contains("cuda") {
        "32G"
    } else {
        "20G"
    }
}

fn add_str(add: &Value, k: &str) -> Option<String> {
    add.get(k).and_then(Value::as_str).map(str::to_string)
}

fn add_str_list(add: &Value, k: &str) -> Vec<String> {
    match add.get(k) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn json_str_list(items: &[String]) -> String {
    // DEFECT (spec §2): values are concatenated without escaping.
    let mut s = String::from("[");
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        s.push_str(it);
        s.push('"');
    }
    s.push(']');
    s
}

fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

const PW_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/+[]@#^";

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

/// A bare-metal server record.
#[derive(Debug, Clone)]
pub(crate) struct BmServer {
    pub node_id: String,
    pub uuid: String,
    pub ip: String,
    pub os: String,
    pub desc: String,
    pub ipmi_hostname: String,
    pub ipmi_username: String,
    pub ipmi_password: String,
    pub ipmi_port: Option<u16>,
    pub dl_id: Option<String>,
    pub dl_pw: Option<String>,
    pub power_on: bool,
}

impl BmServer {
    pub(crate) fn from_config(
        node_id: &str,
        public_ip: &str,
        b: &crate::config::BareMetalConfig,
    ) -> BmServer {
        BmServer {
            node_id: node_id.to_string(),
            uuid: b.uuid.clone(),
            ip: if b.ip.is_empty() {
                public_ip.to_string()
            } else {
                b.ip.clone()
            },
            os: b.os.clone(),
            desc: b.description.clone(),
            ipmi_hostname: b.ipmi_hostname.clone(),
            ipmi_username: b.ipmi_username.clone(),
            ipmi_password: b.ipmi_password.clone(),
            ipmi_port: b.ipmi_port,
            dl_id: b.deeplink_device_id.clone(),
            dl_pw: b.deeplink_device_password.clone(),
            power_on: true,
        }
    }
    fn power_status(&self) -> &'static str {
        if self.power_on {
            "Chassis Power is on <line> "
        } else {
            "Chassis Power is off <line> "
        }
    }
}

fn stars(s: &str) -> String {
    "*".repeat(s.chars().count())
}

type NodeResult = Result<String, String>;

fn err(code: i64, msg: &str) -> String {
    Reply::node_msg(code, msg)
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

    fn order_for(&self, identity: &str, rent_order: &str) -> Option<&Order> {
        let key = if rent_order.is_empty() {
            identity
        } else {
            rent_order
        };
        self.orders
            .iter()
            .find(|o| o.id == key && o.renter == identity)
    }

    fn nonce_check_single(&mut self, env: &Env, pre: &PreAuth) -> bool {
        if env.wallet.is_empty()
            || env.nonce.is_empty()
            || env.sign.is_empty()
            || !pre.wallet_sig_ok
        {
            return false;
        }
        if self.replay.contains(&env.nonce) {
            return false; // "nonce is already exist"
        }
        self.replay.insert(&env.nonce);
        true
    }

    fn nonce_check_multisig(&mut self, env: &Env, pre: &PreAuth) -> Option<String> {
        let ms = env.multisig.as_ref()?;
        let t = ms.threshold();
        if ms.wallets.is_empty() || ms.signs.is_empty() || t <= 0 {
            return None;
        }
        if t as u64 > ms.wallets.len() as u64 || t as u64 > ms.signs.len() as u64 {
            return None;
        }
        for (i, (w, n, s)) in ms.signs.iter().enumerate() {
            if !ms.wallets.contains(w)
                || n.is_empty()
                || s.is_empty()
                || !pre.ms_sig_ok.get(i).copied().unwrap_or(false)
            {
                return None;
            }
        }
        // DEFECT (spec §5.4): no distinct-signer check; `strict` adds it (see multisig.rs)
        if self.cfg.strict && crate::multisig::has_repeated_signer(ms) {
            return None;
        }
        let mut seen = HashSet::new();
        for (_, n, _) in &ms.signs {
            if self.replay.contains(n) || !seen.insert(n.as_str()) {
                return None;
            }
        }
        for (_, n, _) in &ms.signs {
            self.replay.insert(n);
        }
        pre.ms_account.clone()
    }

    fn session_caller(&mut self, env: &Env) -> Option<String> {
        if env.session_id.is_empty() || env.session_id_sign.is_empty() {
            return None;
        }
        let rec = self.sessions.get_mut(&env.session_id)?;
        if rec.verified.contains(&env.session_id_sign) {
            return Some(rec.identity.clone());
        }
        let ok = rec
            .signers
            .iter()
            .any(|s| crate::crypto::verify(s, env.session_id.as_bytes(), &env.session_id_sign));
        if ok {
            if rec.verified.len() >= 64 {
                rec.verified.clear();
            }
            rec.verified.insert(env.session_id_sign.clone());
            Some(rec.identity.clone())
        } else {
            None
        }
    }

    fn ensure_session(&mut self, identity: &str, env: &Env, multisig: bool) {
        if self.session_by_identity.contains_key(identity) {
            return;
        }
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let sid = crate::crypto::session_id(b);
        let signers = match (&env.multisig, multisig) {
            (Some(ms), true) => ms.wallets.clone(),
            _ => vec![identity.to_string()],
        };
        self.sessions.insert(
            sid.clone(),
            SessionRec {
                identity: identity.to_string(),
                signers,
                verified: HashSet::new(),
            },
        );
        self.session_by_identity.insert(identity.to_string(), sid);
    }

    /// `check_authority` (§5.6). `Err(reason)`.
    fn check_authority(
        &mut self,
        env: &Env,
        pre: &PreAuth,
        use_session: bool,
    ) -> Result<Caller, &'static str> {
        match self.cfg.state {
            MachineState::Unknown => Err("query machine_status failed"),
            MachineState::Unmapped => Err("unknown machine status"),
            MachineState::Online => {
                self.tasks.retain(|t| !t.id.starts_with("vm_check_"));
                Err("machine is not be rented")
            }
            MachineState::Verify => {
                let ms = self.nonce_check_multisig(env, pre);
                let w = self.nonce_check_single(env, pre);
                let who = ms.or(if w { Some(env.wallet.clone()) } else { None });
                let Some(who) = who else {
                    return Err("nonce check failed");
                };
                if !self.in_verify_time(&who) {
                    return Err("not in verify time");
                }
                Ok(Caller {
                    role: Role::Verifier,
                    identity: who,
                })
            }
            MachineState::Rented => {
                self.tasks.retain(|t| !t.id.starts_with("vm_check_"));
                let block = self.clock.block();
                if use_session {
                    if let Some(id) = self.session_caller(env) {
                        return match self.order_for(&id, &env.rent_order) {
                            Some(o) if o.active(block) => Ok(Caller {
                                role: Role::SessionRenter,
                                identity: id,
                            }),
                            _ => Err("machine has already expired"),
                        };
                    }
                }
                let ms = self.nonce_check_multisig(env, pre);
                let w = self.nonce_check_single(env, pre);
                let (who, is_ms) = match (ms, w) {
                    (Some(a), _) => (a, true),
                    (None, true) => (env.wallet.clone(), false),
                    (None, false) => {
                        return Err(
                            if use_session
                                && !env.session_id.is_empty()
                                && !env.session_id_sign.is_empty()
                            {
                                "session_id is invalid"
                            } else {
                                "nonce check failed"
                            },
                        )
                    }
                };
                match self.order_for(&who, &env.rent_order) {
                    Some(o) if o.active(block) => {}
                    _ => return Err("wallet not rented"),
                }
                self.ensure_session(&who, env, is_ms);
                Ok(Caller {
                    role: Role::WalletRenter,
                    identity: who,
                })
            }
        }
    }

    /// Execute an op; returns the compact body the GPU node would send.
    pub(crate) fn dispatch(&mut self, op: &Op, env: &Env, pre: &PreAuth, now: Instant) -> String {
        self.settle(now);
        let kind = self.cfg.kind;
        if kind != NodeKind::Compute && op.vm_family() {
            return err(-3, "bare metal nodes are not supported");
        }
        if kind == NodeKind::Compute && op.bare_metal_only() {
            return err(-3, "Not supported");
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
            return err(-3, "Not supported");
        }
        if kind == NodeKind::BareMetalManager && matches!(op, Op::NodeInfo(_) | Op::RentOrders) {
            return err(-3, "bare metal node has no machine info for now");
        }
        let class = op.auth();
        let caller = match class {
            AuthClass::NoCheck => None,
            AuthClass::Opt => self.check_authority(env, pre, true).ok(),
            AuthClass::R | AuthClass::RNotV | AuthClass::W => {
                match self.check_authority(env, pre, class != AuthClass::W) {
                    Ok(c) => {
                        if class == AuthClass::RNotV && c.role == Role::Verifier {
                            return err(-3, "check authority failed: ");
                        }
                        if class == AuthClass::W && c.role != Role::WalletRenter {
                            return err(-3, "check authority failed");
                        }
                        Some(c)
                    }
                    Err(reason) => return err(-3, &format!("check authority failed: {reason}")),
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
            Op::ImagesList(server) => {
                Ok(self.images_list(server.as_deref(), caller.as_ref(), true))
            }
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
                Some(sid) => Ok(Reply::node_ok_raw(&format!("{{\"session_id\":\"{sid}\"}}"))),
                None => Err(err(-3, "no session id")),
            },
            Op::FreeMemory => Ok(err(0, "ok")),
            Op::MonitorList => {
                let id = caller.map(|c| c.identity).unwrap_or_default();
                let list = self.monitors.get(&id).cloned().unwrap_or_default();
                Ok(Reply::node_ok_raw(&format!(
                    "{{\"servers\":{}}}",
                    json_str_list(&list)
                )))
            }
            Op::MonitorSet => self.monitor_set(caller.map(|c| c.identity).unwrap_or_default(), add),
            Op::LanList => Ok(Reply::node_ok_raw(&self.lan_list_json())),
            Op::LanGet(name) => match self.lans.iter().find(|l| &l.name == name) {
                Some(l) => Ok(Reply::node_ok_raw(&self.lan_json(l))),
                None => Err(err(-3, "network name not exist")),
            },
            Op::LanCreate => self.lan_create(caller.map(|c| c.identity).unwrap_or_default(), add),
            Op::LanDelete(name) => {
                self.lan_delete(caller.map(|c| c.identity).unwrap_or_default(), name)
            }
            Op::RentOrders => Ok(self.rent_orders_json()),
            Op::BareMetalList(_) => Ok(self.bm_server_info(true)),
            Op::BareMetalPower => self.bm_power(add),
            // DEFECT (spec §7.11, §10): bootdev always answers "bare metal client not existed".
            Op::BareMetalBootdev => Err(err(-3, "bare metal client not existed")),
            Op::DeeplinkGet => match &self.bm_self {
                Some(b) if b.dl_id.is_some() => Ok(Reply::node_ok_raw(&format!(
                    "{{\"device_id\":\"{}\",\"device_password\":\"{}\"}}",
                    b.dl_id.as_deref().unwrap_or(""),
                    b.dl_pw.as_deref().unwrap_or("")
                ))),
                _ => Err(err(1, "node id not existed")),
            },
            Op::DeeplinkSet => {
                let id = add_str(add, "device_id");
                let pw = add_str(add, "device_password");
                if id.is_none() && pw.is_none() {
                    return err(-3, "invalid device");
                }
                if let Some(b) = self.bm_self.as_mut() {
                    if id.is_some() {
                        b.dl_id = id;
                    }
                    if pw.is_some() {
                        b.dl_pw = pw;
                    }
                }
                Ok(err(0, "ok"))
            }
            // Manager-only operations never reach this point (handled in `dispatch_manager`).
            Op::BareMetalAdd | Op::BareMetalDelete | Op::BareMetalModify(_) => {
                Err(err(-3, "Not supported"))
            }
        };
        match r {
            Ok(s) | Err(s) => s,
        }
    }

    // ---------------------------------------------------------------- tasks

    fn task_idx(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id == id)
    }

    fn tasks_list(&self, c: Option<&Caller>) -> NodeResult {
        let who = c.map(|c| c.identity.as_str()).unwrap_or("");
        let mut s = String::with_capacity(64 + self.tasks.len() * 96);
        s.push('[');
        let mut first = true;
        for t in self.tasks.iter().filter(|t| t.owner == who) {
            if !first {
                s.push(',');
            }
            first = false;
            let _ = write!(
                s,
                "{{\"task_id\":\"{}\",\"create_time\":\"{}\",\"desc\":\"{}\",\"status\":\"{}\"}}",
                t.id, t.create_time, t.desc, t.status
            );
        }
        s.push(']');
        Ok(Reply::node_ok_raw(&s))
    }

    fn task_info(&self, c: Option<&Caller>, id: &str) -> NodeResult {
        let who = c.map(|c| c.identity.as_str()).unwrap_or("");
        let Some(t) = self.tasks.iter().find(|t| t.id == id && t.owner == who) else {
            return Err(err(-3, "task_id not exist"));
        };
        let mut s = String::with_capacity(1024);
        let ssh_ip = if t.public_ip.is_empty() {
            &self.cfg.public_ip
        } else {
            &t.public_ip
        };
        let _ = write!(
            s,
            "{{\"task_id\":\"{}\",\"os\":\"{}\",\"ssh_ip\":\"{}\",",
            t.id, t.os, ssh_ip
        );
        if t.windows {
            let _ = write!(
                s,
                "\"rdp_port\":\"{}\",",
                t.rdp_port.as_deref().unwrap_or("")
            );
        } else {
            let _ = write!(
                s,
                "\"ssh_port\":\"{}\",",
                t.ssh_port.as_deref().unwrap_or("")
            );
        }
        let _ = write!(
            s,
            "\"user_name\":\"{}\",\"login_password\":\"{}\",\"cpu_cores\":{},\"gpu_count\":{},\"mem_size\":\"{}G\",\"disk_system\":\"350G\",\"vnc_port\":\"{}\",\"vnc_password\":\"{}\",",
            t.user_name, t.password, t.cpu_cores, t.gpus.len(), t.mem_gib, t.vnc_port, t.vnc_password
        );
        if !t.network_name.is_empty() {
            let _ = write!(s, "\"network_name\":\"{}\",", t.network_name);
        }
        let _ = write!(
            s,
            "\"create_time\":\"{}\",\"desc\":\"{}\",\"status\":\"{}\"",
            t.create_time, t.desc, t.status
        );
        if !t.rent_order.is_empty() {
            let _ = write!(s, ",\"rent_order\":\"{}\"", t.rent_order);
        }
        if (!t.multicast.is_empty() || !t.network_name.is_empty()) && t.status == "running" {
            let _ = write!(
                s,
                ",\"local_address\":[\"10.20.0.{}\"]",
                2 + (t.vnc_port % 250)
            );
        }
        if !t.pxe {
            s.push_str(",\"disks\":[");
            for (i, d) in t.disks.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(
                    s,
                    "{{\"name\":\"{}\",\"size\":\"{}G\",\"source_file\":\"{}\"}}",
                    d.name, d.size_gib, d.file
                );
            }
            s.push(']');
        }
        if !t.network_filters.is_empty() {
            let _ = write!(
                s,
                ",\"network_filters\":{}",
                json_str_list(&t.network_filters)
            );
        }
        let _ = write!(
            s,
            ",\"interface\":[{{\"name\":\"default\",\"type\":\"{}\",\"mac_address\":\"{}\"}}",
            t.interface_model, t.mac
        );
        if !t.network_name.is_empty() {
            let _ = write!(
                s,
                ",{{\"name\":\"br{}\",\"type\":\"{}\",\"mac_address\":\"{}\"}}",
                t.network_name, t.interface_model, t.mac
            );
        }
        s.push_str("]}");
        Ok(Reply::node_ok_raw(&s))
    }

    fn gen_task_id(&mut self) -> String {
        loop {
            let digits: u64 = self.rng.gen_range(100_000_000_000..1_000_000_000_000);
            let s = bs58::encode(digits.to_string().as_bytes())
                .with_check()
                .into_string();
            if (20..=22).contains(&s.len()) && !self.tasks.iter().any(|t| t.id == s) {
                return s;
            }
        }
    }

    fn gen_password(&mut self) -> String {
        let mut p = String::with_capacity(16);
        let letters = &PW_CHARS[..52];
        p.push(letters[self.rng.gen_range(0..letters.len())] as char);
        for _ in 1..16 {
            p.push(PW_CHARS[self.rng.gen_range(0..PW_CHARS.len())] as char);
        }
        p
    }

    fn gen_mac(&mut self) -> String {
        let b: [u8; 3] = self.rng.gen();
        format!("52:54:00:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
    }

    /// Port conflict check (§8.5) against other running VMs.
    fn port_conflict(&self, p: u16, skip: Option<&str>) -> Option<String> {
        for t in self
            .tasks
            .iter()
            .filter(|t| t.counts_running() && Some(t.id.as_str()) != skip)
        {
            if t.vnc_port == p {
                return Some(format!("port conflict, exist vnc_port = {p}"));
            }
            if t.public_ip.is_empty() {
                if t.ssh_port.as_deref().map(port16) == Some(p) {
                    return Some(format!("port conflict, exist ssh_port = {p}"));
                }
                if t.rdp_port.as_deref().map(port16) == Some(p) {
                    return Some(format!("port conflict, exist rdp_port = {p}"));
                }
            }
        }
        None
    }

    fn running_cpu_mem(&self, skip: Option<&str>) -> (u64, u64) {
        self.tasks
            .iter()
            .filter(|t| t.counts_running() && Some(t.id.as_str()) != skip)
            .fold((0, 0), |(c, m), t| {
                (c + u64::from(t.cpu_cores), m + t.mem_gib)
            })
    }

    fn gpus_busy(&self, skip: Option<&str>) -> HashSet<u32> {
        self.tasks
            .iter()
            .filter(|t| t.lv != Lv::ShutOff && Some(t.id.as_str()) != skip)
            .flat_map(|t| t.gpus.iter().copied())
            .collect()
    }

    fn disk_used(&self) -> u64 {
        self.tasks
            .iter()
            .flat_map(|t| t.disks.iter())
            .filter(|d| d.name != "vda")
            .map(|d| d.size_gib)
            .sum()
    }

    /// Resource stats: (tasks, ports, gpus, mem, cpus).
    pub(crate) fn usage(&self) -> (usize, usize, usize, u64, u64) {
        let (c, m) = self.running_cpu_mem(None);
        let ports = self
            .tasks
            .iter()
            .filter(|t| t.counts_running())
            .map(|t| 1 + usize::from(t.ssh_or_rdp().is_some()))
            .sum();
        (self.tasks.len(), ports, self.gpus_busy(None).len(), m, c)
    }

    /// Resource re-check for start/restart (§8.4).
    fn recheck(&self, i: usize) -> Result<(), String> {
        let t = &self.tasks[i];
        if t.cpu_cores > self.cfg.cpu_cores {
            return Err("check cpu failed".into());
        }
        let (c, m) = self.running_cpu_mem(Some(&t.id));
        if c + u64::from(t.cpu_cores) > u64::from(self.cfg.cpu_cores) {
            return Err("cpu count exceeds the maximum".into());
        }
        let busy = self.gpus_busy(Some(&t.id));
        if t.gpus.iter().any(|g| busy.contains(g)) {
            return Err("check gpu failed".into());
        }
        if t.mem_gib > self.cfg.mem_gib.saturating_sub(m) {
            return Err("check memory failed".into());
        }
        if t.public_ip.is_empty() {
            if let Some(p) = t.ssh_or_rdp() {
                if self.port_conflict(p, Some(&t.id)).is_some() {
                    return Err(if t.windows {
                        "check rdp_port failed"
                    } else {
                        "check ssh_port failed"
                    }
                    .into());
                }
            }
        }
        if self.port_conflict(t.vnc_port, Some(&t.id)).is_some() {
            return Err("check vnc_port failed".into());
        }
        Ok(())
    }

    fn transition(
        &mut self,
        i: usize,
        status: &'static str,
        lv_now: Lv,
        (final_status, lv_final): (&'static str, Lv),
        at: Instant,
    ) {
        if let Some(t) = self.tasks.get_mut(i) {
            t.boots = t.boots.wrapping_add(u32::from(lv_final == Lv::Running));
            t.status = status;
            t.lv = lv_now;
            t.pending = Some(Pending {
                at,
                status: final_status,
                lv: lv_final,
                remove: false,
            });
            t.events.push(format!(
                "{}.000 INFO  task {} {}",
                fmt_time(SystemTime::now()),
                t.id,
                status
            ));
        }
    }

    fn existing(&self, id: &str) -> Result<usize, String> {
        self.task_idx(id).ok_or_else(|| err(1, "task not exist"))
    }

    fn start(&mut self, id: &str, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        self.recheck(i).map_err(|m| err(1, &m))?;
        let lv = self.tasks[i].lv;
        if !lv.admits_start() {
            return Err(err(1, &format!("task is {}", lv.word())));
        }
        let d = self.delays.op();
        self.transition(
            i,
            "starting",
            Lv::Running,
            ("running", Lv::Running),
            now + d,
        );
        Ok(err(0, "ok"))
    }

    fn shutdown(&mut self, id: &str, now: Instant, poweroff: bool) -> NodeResult {
        let i = self.existing(id)?;
        let lv = self.tasks[i].lv;
        if (poweroff && !lv.admits_poweroff()) || (!poweroff && !lv.admits_shutdown()) {
            return Err(err(1, &format!("task is {}", lv.word())));
        }
        let d = self.delays.op();
        if poweroff {
            self.transition(i, "being poweroff", lv, ("closed", Lv::ShutOff), now + d);
        } else {
            self.transition(
                i,
                "being shutdown",
                Lv::BeingShutdown,
                ("closed", Lv::ShutOff),
                now + d,
            );
        }
        Ok(err(0, "ok"))
    }

    fn restart(&mut self, id: &str, forced: bool, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        self.recheck(i).map_err(|m| err(1, &m))?;
        let lv = self.tasks[i].lv;
        if !lv.admits_restart() {
            return Err(err(1, &format!("task is {}", lv.word())));
        }
        let mut d = self.delays.op();
        if forced {
            d += self.delays.op();
        }
        self.transition(
            i,
            "restarting",
            Lv::Running,
            ("running", Lv::Running),
            now + d,
        );
        Ok(err(0, "ok"))
    }

    fn reset(&mut self, id: &str, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        let lv = self.tasks[i].lv;
        if !lv.is_running() {
            return Err(err(1, &format!("task is {}", lv.word())));
        }
        let d = self.delays.op();
        self.transition(
            i,
            "resetting",
            Lv::Running,
            ("running", Lv::Running),
            now + d,
        );
        Ok(err(0, "ok"))
    }

    fn delete(&mut self, id: &str, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        let d = self.delays.op();
        if let Some(t) = self.tasks.get_mut(i) {
            t.status = "deleting";
            let lv = t.lv;
            t.pending = Some(Pending {
                at: now + d,
                status: "deleting",
                lv,
                remove: true,
            });
        }
        Ok(err(0, "ok"))
    }

    fn log_lines(t: &Task) -> Vec<String> {
        let base = t.create_time.clone();
        let mut lines = Vec::with_capacity(140);
        for k in 0..120u32 {
            lines.push(format!(
                "{base}.{:03} INFO  task {} creating domain: step {}/120 {}",
                k % 1000,
                t.id,
                k + 1,
                match k % 4 {
                    0 => "define xml",
                    1 => "attach disk",
                    2 => "configure network",
                    _ => "wait for guest agent",
                }
            ));
        }
        lines.push(format!(
            "{base}.418 INFO  create iptable successful, host_ip:192.168.1.20 ssh_port:{} rdp_port:{} custom_port.size:{} task_local_ip:192.168.122.41 public_ip:{}",
            t.ssh_port.as_deref().unwrap_or("0"),
            t.rdp_port.as_deref().unwrap_or("0"),
            t.custom_port.len(),
            t.public_ip
        ));
        lines.extend(t.events.iter().cloned());
        lines
    }

    fn logs(&self, id: &str, head: bool, n: usize) -> NodeResult {
        let i = self.existing(id)?;
        let t = &self.tasks[i];
        let all = Self::log_lines(t);
        let sel: Vec<&String> = if head {
            all.iter().take(n).collect()
        } else {
            all.iter().skip(all.len().saturating_sub(n)).collect()
        };
        let mut s = format!("{{\"task_id\":\"{}\",\"log_content\":[", t.id);
        let mut size = 0usize;
        let mut first = true;
        for l in sel {
            let add = l.len() + 2 + usize::from(!first);
            if size + add >= MAX_LOG_CONTENT {
                break;
            }
            size += add;
            if !first {
                s.push(',');
            }
            first = false;
            s.push('"');
            s.push_str(l);
            s.push('"');
        }
        s.push_str("]}");
        Ok(Reply::node_ok_raw(&s))
    }

    fn whole_machine(&self, t: &Task) -> Result<bool, String> {
        if t.rent_order.is_empty() {
            return Ok(true);
        }
        match self.orders.iter().find(|o| o.id == t.rent_order) {
            Some(o) if o.gpu_index.is_empty() => Err("gpu rent order is empty".into()),
            Some(o) => Ok(o.gpu_index.len() as u32 >= self.cfg.gpus),
            None => Ok(true),
        }
    }

    fn modify(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.existing(id)?;
        let mut redefined = false;
        // Applied one by one; a later failure does not undo earlier ones (§7.2.11).
        // DEFECT (spec §7.2.11): a missing new_public_ip is treated as "" and removes the public IP.
        let new_ip = add_str(add, "new_public_ip").unwrap_or_default();
        if new_ip != self.tasks[i].public_ip {
            if !new_ip.is_empty() {
                if new_ip.parse::<std::net::IpAddr>().is_err() {
                    return Err(err(1, "invalid public ip"));
                }
                if new_ip == self.cfg.public_ip || self.tasks.iter().any(|t| t.public_ip == new_ip)
                {
                    return Err(err(1, "public ip being used"));
                }
            }
            self.tasks[i].public_ip = new_ip;
        }
        let mut set_ssh = None;
        let mut set_rdp = None;
        for (key, is_ssh) in [("new_ssh_port", true), ("new_rdp_port", false)] {
            if let Some(v) = add_str(add, key) {
                let p = port16(&v);
                if p == 0 {
                    return Err(err(1, &format!("{key} {v} is invalid! (usage: > 0)")));
                }
                if self.tasks[i].public_ip.is_empty() && self.port_conflict(p, Some(id)).is_some() {
                    return Err(err(1, &format!("{key} {v} has been used!")));
                }
                if is_ssh {
                    set_ssh = Some(p);
                    if !self.tasks[i].windows {
                        self.tasks[i].ssh_port = Some(v);
                    }
                } else {
                    set_rdp = Some(p);
                    if self.tasks[i].windows {
                        self.tasks[i].rdp_port = Some(v);
                    }
                }
            }
        }
        if set_ssh.is_some() && set_ssh == set_rdp {
            return Err(err(1, "new_ssh_port and new_rdp_port are the same!"));
        }
        if add.get("new_custom_port").is_some() {
            match add.get("new_custom_port") {
                Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
                    self.tasks[i].custom_port = add_str_list(add, "new_custom_port")
                }
                // Crash hazard in the reference (§4); rejected cleanly.
                _ => return Err(err(1, "new_custom_port is invalid")),
            }
        }
        if add.get("new_network_filters").is_some() {
            self.tasks[i].network_filters = add_str_list(add, "new_network_filters");
        }
        if let Some(v) = add_str(add, "new_vnc_port") {
            let p = atoi(&v);
            if !(5900..=65535).contains(&p) {
                return Err(err(
                    1,
                    &format!("new_vnc_port {v} is invalid! (usage: 5900 =< port <= 65535)"),
                ));
            }
            if self.port_conflict(p as u16, Some(id)).is_some() {
                return Err(err(1, &format!("new_vnc_port {v} has been used!")));
            }
            self.tasks[i].vnc_port = p as u16;
            redefined = true;
        }
        let resource_keys = ["new_gpu_count", "new_cpu_cores", "new_mem_size"];
        if resource_keys.iter().any(|k| add_str(add, k).is_some()) {
            let whole = self.whole_machine(&self.tasks[i]).map_err(|m| err(1, &m))?;
            if let Some(v) = add_str(add, "new_gpu_count") {
                if !whole {
                    return Err(err(1, "can not modify gpu count"));
                }
                let n = atoi(&v);
                if n < 0 {
                    return Err(err(1, "new gpu count is invalid"));
                }
                let owner = self.tasks[i].owner.clone();
                let ro = self.tasks[i].rent_order.clone();
                let rented = self
                    .order_for(&owner, &ro)
                    .map(|o| o.gpu_index.clone())
                    .unwrap_or_else(|| (0..self.cfg.gpus).collect());
                let busy = self.gpus_busy(Some(id));
                let free: Vec<u32> = rented.into_iter().filter(|g| !busy.contains(g)).collect();
                if free.len() < n as usize {
                    return Err(err(1, "allocate gpu failed"));
                }
                self.tasks[i].gpus = free.into_iter().take(n as usize).collect();
                redefined = true;
            }
            if let Some(v) = add_str(add, "new_cpu_cores") {
                if !whole {
                    return Err(err(1, "can not modify cpu cores"));
                }
                let n = atoi(&v);
                let (c, _) = self.running_cpu_mem(Some(id));
                if n <= 0 || n as u64 + c > u64::from(self.cfg.cpu_cores) {
                    return Err(err(1, "allocate cpu failed"));
                }
                self.tasks[i].cpu_cores = n as u32;
                redefined = true;
            }
            if let Some(v) = add_str(add, "new_mem_size") {
                if !whole {
                    return Err(err(1, "can not modify mem size"));
                }
                let n = atoi(&v);
                let (_, m) = self.running_cpu_mem(Some(id));
                if n <= 0 || n as u64 + m > self.cfg.mem_gib {
                    return Err(err(1, "allocate memory failed"));
                }
                self.tasks[i].mem_gib = n as u64;
                redefined = true;
            }
        }
        Ok(err(
            0,
            if redefined {
                "some changes will take effect on the next boot"
            } else {
                "ok"
            },
        ))
    }

    fn passwd(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.existing(id)?;
        let pw = add_str(add, "password").unwrap_or_default();
        if pw.is_empty() {
            return Err(err(1, "password can not be empty"));
        }
        let user = add_str(add, "username").unwrap_or_default();
        if user.is_empty() {
            return Err(err(1, "user name can not be empty"));
        }
        let t = &mut self.tasks[i];
        // Admission on the libvirt state only (§8.3), not on the DBC status string.
        if !t.lv.is_running() {
            return Err(err(1, "Only the running task can change the password"));
        }
        t.password = pw;
        if t.user_name.is_empty() || t.user_name == "N/A" {
            t.user_name = user;
        }
        Ok(err(0, "ok"))
    }

    // ---------------------------------------------------------------- images

    fn images_list(
        &self,
        server: Option<&[String]>,
        caller: Option<&Caller>,
        colon_key: bool,
    ) -> String {
        let excluded: HashSet<&str> = match caller {
            Some(c) => self
                .tasks
                .iter()
                .filter(|t| t.owner == c.identity && t.lv == Lv::ShutOff)
                .map(|t| t.image.as_str())
                .collect(),
            None => HashSet::new(),
        };
        let in_use: HashSet<&str> = self
            .tasks
            .iter()
            .filter(|t| t.lv == Lv::Running)
            .map(|t| t.image.as_str())
            .collect();
        // DEFECT (spec §7.3, §12): the GPU-node image list uses the key "image_name:".
        let key = if colon_key {
            "image_name:"
        } else {
            "image_name"
        };
        let mut s = String::from("[");
        let mut first = true;
        // Base images, then overlays the given image server also has (§7.3).
        for im in self
            .images
            .iter()
            .chain(self.overlays_on(server))
            .filter(|n| {
                !n.contains("data")
                    && !excluded.contains(n.as_str())
                    && (!colon_key || !in_use.contains(n.as_str()))
            })
        {
            if !first {
                s.push(',');
            }
            first = false;
            let _ = write!(
                s,
                "{{\"{key}\":\"{im}\",\"image_size\":\"{}\"}}",
                image_size(im)
            );
        }
        s.push(']');
        if colon_key {
            Reply::node_ok_raw(&s)
        } else {
            s
        }
    }

    fn image_download(
        &mut self,
        add: &Value,
        server_images: &[String],
        now: Instant,
    ) -> NodeResult {
        let Some(f) = add_str(add, "image_filename") else {
            return Err(err(1, "additional no image_filename"));
        };
        if add_str(add, "local_dir").is_none() {
            return Err(err(1, "additional no local_dir"));
        }
        if !server_images.contains(&f) {
            return Err(err(1, &format!("image:{f} not exist")));
        }
        if self
            .downloads
            .get(&f)
            .is_some_and(|t| t.progress(now).is_some())
        {
            return Err(err(1, &format!("image:{f} in downloading")));
        }
        self.downloads.insert(
            f,
            Transfer {
                started: now,
                dur: self.delays.create * 2,
            },
        );
        Ok(err(0, "ok"))
    }

    fn settle_transfers(&mut self, now: Instant) {
        let done: Vec<String> = self
            .downloads
            .iter()
            .filter(|(_, t)| t.progress(now).is_none())
            .map(|(k, _)| k.clone())
            .collect();
        for f in done {
            self.downloads.remove(&f);
            if !self.images.contains(&f) {
                self.images.push(f);
            }
        }
        self.uploads.retain(|_, t| t.progress(now).is_some());
    }

    fn transfer_progress(&mut self, add: &Value, download: bool, now: Instant) -> NodeResult {
        self.settle_transfers(now);
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(err(1, "image_filename is empty"));
        };
        let map = if download {
            &self.downloads
        } else {
            &self.uploads
        };
        let word = if download { "downloading" } else { "uploading" };
        Ok(match map.get(&f).and_then(|t| t.progress(now)) {
            Some(p) => {
                Reply::node_ok_raw(&format!("{{\"status\":\"{word}\",\"progress\":\"{p}%\"}}"))
            }
            None => Reply::node_ok_raw("{\"status\":\"done\",\"progress\":\"100%\"}"),
        })
    }

    fn transfer_stop(&mut self, add: &Value, download: bool) -> NodeResult {
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(err(1, "image_filename is empty"));
        };
        if download {
            self.downloads.remove(&f);
        } else {
            self.uploads.remove(&f);
        }
        Ok(err(0, "ok"))
    }

    fn image_upload(&mut self, add: &Value, now: Instant) -> NodeResult {
        self.settle_transfers(now);
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(err(1, "image_filename is empty"));
        };
        let name = f.trim_start_matches("/data/").to_string();
        if !self.images.contains(&name) {
            return Err(err(1, &format!("image:{f} not exist")));
        }
        if self.uploads.contains_key(&name) {
            return Err(err(1, &format!("image:{f} in uploading")));
        }
        self.uploads.insert(
            name,
            Transfer {
                started: now,
                dur: self.delays.create * 2,
            },
        );
        Ok(err(0, "ok"))
    }

    fn image_delete(&mut self, add: &Value) -> NodeResult {
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(err(1, "image_filename is empty"));
        };
        if !self.images.contains(&f) {
            return Err(err(1, &format!("image file:{f} is not exist")));
        }
        if self.downloads.contains_key(&f) || self.uploads.contains_key(&f) {
            return Err(err(
                1,
                "image file is in downloading or uploading, please try again later",
            ));
        }
        self.images.retain(|x| x != &f);
        Ok(err(0, "ok"))
    }

    // ---------------------------------------------------------------- snapshots

    fn snapshot_status(&self, s: &Snapshot, now: Instant) -> &'static str {
        let el = now.saturating_duration_since(s.started);
        if el < self.delays.op() {
            "creating"
        } else if el < self.delays.create {
            "uploading"
        } else {
            "none"
        }
    }

    fn snapshot_json(&self, s: &Snapshot, now: Instant) -> String {
        format!(
            "{{\"snapshot_name\":\"{}\",\"description\":\"{}\",\"snapshot_file\":\"{}\",\"create_time\":\"{}\",\"status\":\"{}\"}}",
            s.name,
            s.desc,
            s.file,
            s.create_time,
            self.snapshot_status(s, now)
        )
    }

    fn snapshot_list(&self, id: &str, name: Option<&str>, now: Instant) -> NodeResult {
        let snaps: &[Snapshot] = self
            .tasks
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.snapshots.as_slice())
            .unwrap_or(&[]);
        match name {
            None => {
                let items: Vec<String> = snaps.iter().map(|s| self.snapshot_json(s, now)).collect();
                Ok(Reply::node_ok_raw(&format!("[{}]", items.join(","))))
            }
            Some(n) => match snaps.iter().find(|s| s.name == n) {
                Some(s) => Ok(Reply::node_ok_raw(&self.snapshot_json(s, now))),
                None => Err(err(1, "snapshot_name not exist")),
            },
        }
    }

    fn snapshot_create(&mut self, id: &str, add: &Value, now: Instant) -> NodeResult {
        let name = add_str(add, "snapshot_name").unwrap_or_default();
        if name.is_empty() {
            return Err(err(-3, "'snapshot_name' is empty"));
        }
        let Some(i) = self.task_idx(id) else {
            return Err(err(1, "task have no disk"));
        };
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(err(1, "please close task first and try again"));
        }
        if self.tasks[i].pxe {
            return Err(err(1, "task have no disk:'vda'"));
        }
        let n: u32 = self.rng.gen_range(1000..99999);
        let stamp = fmt_time(SystemTime::now());
        let compact: String = stamp.chars().filter(char::is_ascii_digit).collect();
        let t = &mut self.tasks[i];
        t.snapshots.push(Snapshot {
            name,
            desc: add_str(add, "desc").unwrap_or_default(),
            file: format!("/tmp/dbc_snapshots/snap_{n}_{compact}_vda.qcow2"),
            create_time: stamp,
            started: now,
        });
        Ok(err(0, "ok"))
    }

    fn snapshot_delete(&mut self, id: &str, name: &str) -> NodeResult {
        let Some(t) = self.tasks.iter_mut().find(|t| t.id == id) else {
            return Err(err(1, &format!("{name} not exist")));
        };
        let before = t.snapshots.len();
        t.snapshots.retain(|s| s.name != name);
        if t.snapshots.len() == before {
            return Err(err(1, &format!("{name} not exist")));
        }
        Ok(err(0, "ok"))
    }

    // ---------------------------------------------------------------- disks

    // DEFECT (spec §7.4, §7.5, §12): the reference answers -3 "parse xml failed" on disk and
    // snapshot endpoints when `additional` is not an object; through a client node `additional`
    // is always a re-serialised object (the envelope check rejects anything else), so that
    // reply cannot be produced here.
    fn disk_task(&self, id: &str) -> Result<usize, String> {
        let i = self.task_idx(id).ok_or_else(|| err(-3, "task not exist"))?;
        if self.tasks[i].pxe {
            return Err(err(-3, "pxe not support disk"));
        }
        Ok(i)
    }

    fn disk_list(&self, id: &str) -> NodeResult {
        let i = self.disk_task(id)?;
        let items: Vec<String> = self.tasks[i]
            .disks
            .iter()
            .map(|d| {
                format!(
                    "{{\"name\":\"{}\",\"file\":\"{}\",\"size\":\"{}G\"}}",
                    d.name, d.file, d.size_gib
                )
            })
            .collect();
        Ok(Reply::node_ok_raw(&format!("[{}]", items.join(","))))
    }

    fn disk_size_param(add: &Value) -> Result<i64, String> {
        add.get("size")
            .and_then(Value::as_i64)
            .ok_or_else(|| err(-3, "'size' is invalid"))
    }

    fn disk_resize(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.disk_task(id)?;
        let disk = add_str(add, "disk").unwrap_or_default();
        if disk.is_empty() {
            return Err(err(-3, "'disk' is empty"));
        }
        let size = Self::disk_size_param(add)?;
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(err(1, "please close task first and try again"));
        }
        if size <= 0 {
            return Err(err(1, "size is invalid (usage: size > 0)"));
        }
        let t = &mut self.tasks[i];
        match t.disks.iter_mut().find(|d| d.name == disk) {
            Some(d) => d.size_gib += size as u64,
            None => return Err(err(1, &format!("task have no disk:{disk}"))),
        }
        Ok(err(0, "ok"))
    }

    fn disk_add(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.disk_task(id)?;
        let size = Self::disk_size_param(add)?;
        let dir = add_str(add, "mount_dir")
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "/data".into());
        if dir != "/data" {
            return Err(err(-3, &format!("{dir} is not exist")));
        }
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(err(1, "please close task first and try again"));
        }
        if size <= 0 {
            return Err(err(1, "size is invalid (usage: size > 0)"));
        }
        if self.disk_used() + size as u64 + SYSTEM_DISK_GIB > self.cfg.data_disk_gib {
            return Err(err(
                1,
                &format!("mount directory:{dir} have no enough space"),
            ));
        }
        let n: u32 = self.rng.gen_range(1000..99999);
        let t = &mut self.tasks[i];
        let letter = (b'a' + t.disks.len() as u8).min(b'z') as char;
        t.disks.push(Disk {
            name: format!("vd{letter}"),
            file: format!("{dir}/data_{n}.qcow2"),
            size_gib: size as u64,
        });
        Ok(err(0, "ok"))
    }

    fn disk_delete(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.disk_task(id)?;
        let disk = add_str(add, "disk").unwrap_or_default();
        if disk.is_empty() {
            return Err(err(-3, "'disk' is empty"));
        }
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(err(1, "please close task first and try again"));
        }
        if disk == "vda" {
            return Err(err(1, "can not allowed to delete disk:'vda'"));
        }
        let t = &mut self.tasks[i];
        if t.disks.is_empty() {
            return Err(err(1, "task no disk"));
        }
        let before = t.disks.len();
        t.disks.retain(|d| d.name != disk);
        if t.disks.len() == before {
            return Err(err(1, &format!("task have no disk:{disk}")));
        }
        Ok(err(0, "ok"))
    }

    // ---------------------------------------------------------------- node info, orders

    fn node_info(&self, server: Option<&[String]>) -> String {
        let c = &self.cfg;
        if c.kind == NodeKind::BareMetalServer {
            // §7.6.2: os as registered, DeepLink id with the password masked when set.
            let os = self
                .bm_self
                .as_ref()
                .map_or("Ubuntu 22.04.4 LTS", |b| b.os.as_str());
            let deeplink = match self
                .bm_self
                .as_ref()
                .and_then(|b| b.dl_id.as_deref().map(|id| (id, b)))
            {
                Some((id, b)) => format!(
                    ",\"deeplink\":{{\"device_id\":\"{id}\",\"device_password\":\"{}\"}}",
                    stars(b.dl_pw.as_deref().unwrap_or(""))
                ),
                None => String::new(),
            };
            return Reply::node_ok_raw(&format!(
                "{{\"version\":\"{}\",\"node_type\":\"2\",\"ip\":\"{}\",\"os\":\"{os}\"{deeplink}}}",
                c.version, c.public_ip
            ));
        }
        let octets: Vec<&str> = c.public_ip.split('.').collect();
        let masked = if octets.len() == 4 {
            format!("*.{}.*.{}", octets[1], octets[3])
        } else {
            "*".to_string()
        };
        let (run_cpu, run_mem) = self.running_cpu_mem(None);
        let cpu_usage = if c.cpu_cores > 0 {
            run_cpu as f64 * 100.0 / f64::from(c.cpu_cores)
        } else {
            0.0
        };
        let mem_usage = if c.mem_gib > 0 {
            run_mem as f64 * 100.0 / c.mem_gib as f64
        } else {
            0.0
        };
        let data_total = c.data_disk_gib.saturating_sub(SYSTEM_DISK_GIB);
        let data_free = data_total.saturating_sub(self.disk_used());
        let disk_usage = if data_total > 0 {
            (data_total - data_free) as f64 * 100.0 / data_total as f64
        } else {
            0.0
        };
        let pct = |x: f64| {
            let r = (x * 100.0).round() / 100.0;
            let s = format!("{r:.2}");
            let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
            format!("{s}%")
        };
        let images = self.images_list(server, None, false);
        Reply::node_ok_raw(&format!(
            "{{\"version\":\"{}\",\"node_type\":\"1\",\"ip\":\"{}\",\"os\":\"Ubuntu 20.04.6 LTS (Focal Fossa) 5.4.0-150-generic\",\
\"cpu\":{{\"type\":\"Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz\",\"hz\":\"3000MHz\",\"cores\":\"{}\",\"used_usage\":\"{}\",\"physical_cpus\":\"2\"}},\
\"gpu\":{{\"gpu_count\":\"{}\",\"gpu_used\":\"{}\"}},\
\"mem\":{{\"size\":\"{}\",\"free\":\"{}\",\"used_usage\":\"{}\"}},\
\"disk_system\":{{\"type\":\"SSD\",\"size\":\"350G\"}},\
\"disk_data\":[{{\"path\":\"/data\",\"type\":\"SSD\",\"size\":\"{}\",\"free\":\"{}\",\"used_usage\":\"{}\"}}],\
\"images\":{}}}",
            c.version,
            masked,
            c.cpu_cores,
            pct(cpu_usage),
            c.gpus,
            self.gpus_busy(None).len(),
            gib_str(c.mem_gib as f64),
            gib_str(c.mem_gib.saturating_sub(run_mem) as f64),
            pct(mem_usage),
            gib_str(data_total as f64),
            gib_str(data_free as f64),
            pct(disk_usage),
            images
        ))
    }

    fn rent_orders_json(&self) -> String {
        let block = self.clock.block();
        let mut numeric: Vec<&Order> = self
            .orders
            .iter()
            .filter(|o| o.id.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        numeric.sort_by(|a, b| {
            b.id.parse::<u128>()
                .unwrap_or(0)
                .cmp(&a.id.parse::<u128>().unwrap_or(0))
        });
        let legacy = self
            .orders
            .iter()
            .filter(|o| !o.id.bytes().all(|b| b.is_ascii_digit()));
        let items: Vec<String> = numeric
            .into_iter()
            .chain(legacy)
            .take(51)
            .map(|o| {
                let idx: Vec<String> = o.gpu_index.iter().map(u32::to_string).collect();
                format!(
                    "{{\"id\":\"{}\",\"renter\":\"{}\",\"rent_end\":\"{}\",\"rent_status\":\"{}\",\"gpu_nums\":\"{}\",\"gpu_index\":[{}]}}",
                    o.id,
                    o.renter,
                    o.rent_end,
                    o.chain_status(block),
                    o.gpu_index.len(),
                    idx.join(",")
                )
            })
            .collect();
        Reply::node_ok_raw(&format!("{{\"rent_orders\":[{}]}}", items.join(",")))
    }

    // ---------------------------------------------------------------- monitor, LAN

    fn monitor_set(&mut self, who: String, add: &Value) -> NodeResult {
        match add.get("servers") {
            None => Ok(err(0, "ok")),
            Some(Value::Array(a)) => {
                let list: Vec<String> = a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if list.len() > 2 {
                    return Err(err(1, "can not enter more than two servers"));
                }
                if list.iter().any(|s| s.split(':').count() != 2) {
                    return Err(err(1, "server not match format ip:port"));
                }
                self.monitors.insert(who, list);
                Ok(err(0, "ok"))
            }
            Some(_) => Err(err(1, "servers must be an array")),
        }
    }

    /// What the metrics pusher reads (`crate::monitor`).
    pub(crate) fn monitor_view(&self) -> crate::monitor::NodeView {
        crate::monitor::NodeView {
            node_id: self.id.clone(),
            cfg: self.cfg.clone(),
            monitors: self.monitors.clone(),
            whole_machine_renter: self
                .orders
                .iter()
                .find(|o| o.id == o.renter && o.active(self.clock.block()))
                .map(|o| o.renter.clone()),
            vms: self
                .tasks
                .iter()
                .map(|t| crate::monitor::VmView {
                    id: t.id.clone(),
                    owner: t.owner.clone(),
                    status: t.status,
                    state: t.lv.word(),
                    cpu_cores: t.cpu_cores,
                    mem_gib: t.mem_gib,
                    gpus: t.gpus.clone(),
                    disks: t
                        .disks
                        .iter()
                        .map(|d| (d.name.clone(), d.size_gib))
                        .collect(),
                    boots: t.boots,
                })
                .collect(),
        }
    }

    fn lan_json(&self, l: &Lan) -> String {
        let members: Vec<String> = self
            .tasks
            .iter()
            .filter(|t| t.network_name == l.name)
            .map(|t| t.id.clone())
            .collect();
        let base = l.cidr.split('/').next().unwrap_or("");
        let prefix: Vec<&str> = base.split('.').collect();
        let (start, end) = if prefix.len() == 4 {
            (
                format!("{}.{}.{}.2", prefix[0], prefix[1], prefix[2]),
                format!("{}.{}.{}.254", prefix[0], prefix[1], prefix[2]),
            )
        } else {
            (String::new(), String::new())
        };
        format!(
            "{{\"network_name\":\"{}\",\"bridge_name\":\"br{}\",\"vxlan_name\":\"vx{}\",\"vxlan_vni\":\"{}\",\"ip_cidr\":\"{}\",\"ip_start\":\"{}\",\"ip_end\":\"{}\",\"dhcp_interface\":\"{}\",\"machine_id\":\"{}\",\"rent_wallet\":\"{}\",\"members\":{},\"lastUseTime\":\"{}\",\"native_flags\":\"3\"}}",
            l.name,
            l.name,
            l.name,
            l.vni,
            l.cidr,
            start,
            end,
            l.tap,
            self.id,
            l.owner,
            json_str_list(&members),
            l.last_use
        )
    }

    fn lan_list_json(&self) -> String {
        let items: Vec<String> = self
            .lans
            .iter()
            .take(31)
            .map(|l| self.lan_json(l))
            .collect();
        format!("[{}]", items.join(","))
    }

    fn lan_create(&mut self, who: String, add: &Value) -> NodeResult {
        if !add.is_object() {
            return Err(err(-3, "invalid additional param"));
        }
        let name = add_str(add, "network_name").unwrap_or_default();
        if name.is_empty() {
            return Err(err(-3, "network name can not be empty"));
        }
        if !(6..=10).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err(
                -3,
                "network name requires a combination of 6 to 10 letters or numbers",
            ));
        }
        if self.lans.iter().any(|l| l.name == name) {
            return Err(err(-3, "network name already existed"));
        }
        let cidr = add_str(add, "ip_cidr").unwrap_or_default();
        if cidr.is_empty() {
            return Err(err(-3, "ip cidr can not be empty"));
        }
        let valid = match cidr.split_once('/') {
            Some((ip, n)) => {
                is_ipv4(ip)
                    && n.parse::<u8>().is_ok_and(|n| n <= 32)
                    && !cidr.contains("192.168.122.")
            }
            None => false,
        };
        if !valid {
            return Err(err(-3, "invalid ip cidr"));
        }
        if self.lans.iter().any(|l| l.cidr == cidr) {
            return Err(err(-3, "ip cidr already exist"));
        }
        let vni = self.rng.gen_range(1000..16_000_000);
        let tap: String = (0..13)
            .map(|_| (b'a' + self.rng.gen_range(0..26u8)) as char)
            .collect();
        self.lans.push(Lan {
            name,
            cidr,
            vni,
            owner: who,
            tap: format!("tap{}", &tap[..10]),
            last_use: fmt_time(SystemTime::now()),
        });
        Ok(err(0, "ok"))
    }

    fn lan_delete(&mut self, who: String, name: &str) -> NodeResult {
        let Some(i) = self.lans.iter().position(|l| l.name == name) else {
            return Err(err(-3, "network name not exist"));
        };
        if self.lans[i].owner != who {
            return Err(err(
                -3,
                "wallet error, you are not the owner of the network",
            ));
        }
        if self.tasks.iter().any(|t| t.network_name == name) {
            return Err(err(
                -3,
                "network is in used, please delete task in the network first",
            ));
        }
        self.lans.remove(i);
        Ok(err(0, "ok"))
    }

    // ---------------------------------------------------------------- bare metal

    /// Bare-metal server info (§7.11, forwarded to a server id).
    fn bm_server_info(&self, with_power: bool) -> String {
        let Some(b) = &self.bm_self else {
            return err(-3, "get bare metal node info failed");
        };
        let mut s = format!(
            "{{\"version\":\"{}\",\"ip\":\"{}\",\"os\":\"{}\",\"description\":\"{}\"",
            self.cfg.version, b.ip, b.os, b.desc
        );
        if with_power {
            let _ = write!(s, ",\"power_status\":\"{}\"", b.power_status());
        }
        if let Some(id) = &b.dl_id {
            let _ = write!(
                s,
                ",\"deeplink_device_id\":\"{}\",\"deeplink_device_password\":\"{}\"",
                id,
                b.dl_pw.as_deref().unwrap_or("")
            );
        }
        s.push('}');
        Reply::node_ok_raw(&s)
    }

    fn bm_power(&mut self, add: &Value) -> NodeResult {
        let cmd = add_str(add, "command").unwrap_or_default();
        let Some(b) = self.bm_self.as_mut() else {
            return Err(err(-3, "get bare metal node info failed"));
        };
        let out = match cmd.as_str() {
            "on" => {
                b.power_on = true;
                b.dl_pw = None;
                "Chassis Power Control: Up/On <line> "
            }
            "off" => {
                b.power_on = false;
                b.dl_pw = None;
                "Chassis Power Control: Down/Off <line> "
            }
            "reset" => "Chassis Power Control: Reset <line> ",
            "status" => b.power_status(),
            _ => return Err(err(-3, "invalid command")),
        };
        Ok(err(0, out))
    }

    /// Manager-side key check: `wallet` must be this node's id with a valid, fresh signature.
    fn manager_key_ok(&mut self, env: &Env, pre: &PreAuth) -> bool {
        env.wallet.eq_ignore_ascii_case(&self.id) && self.nonce_check_single(env, pre)
    }

    /// Operations answered by a bare-metal manager; `None` = not a manager operation.
    fn dispatch_manager(&mut self, op: &Op, env: &Env, pre: &PreAuth) -> Option<String> {
        let add = &env.additional;
        Some(match op {
            Op::BareMetalList(filter) => {
                let unmasked = self.manager_key_ok(env, pre);
                let list: Vec<&BmServer> = self
                    .bm_registry
                    .iter()
                    .filter(|b| {
                        filter
                            .as_deref()
                            .is_none_or(|f| f == b.node_id || f == b.uuid)
                    })
                    .take(51)
                    .collect();
                let one = list.len() == 1;
                let items: Vec<String> = list
                    .iter()
                    .map(|b| {
                        let m = |v: &str| if unmasked { v.to_string() } else { stars(v) };
                        let key = "0".repeat(64);
                        let mut s = format!(
                            "{{\"node_id\":\"{}\",\"node_private_key\":\"{}\",\"uuid\":\"{}\",\"ip\":\"{}\",\"os\":\"{}\",\"description\":\"{}\",\"ipmi_hostname\":\"{}\",\"ipmi_username\":\"{}\",\"ipmi_password\":\"{}\"",
                            b.node_id,
                            m(&key),
                            b.uuid,
                            b.ip,
                            b.os,
                            b.desc,
                            b.ipmi_hostname,
                            m(&b.ipmi_username),
                            m(&b.ipmi_password)
                        );
                        if let Some(p) = b.ipmi_port {
                            let _ = write!(s, ",\"ipmi_port\":{p}");
                        }
                        if one {
                            let _ = write!(s, ",\"power_status\":\"{}\"", b.power_status());
                        }
                        if let Some(id) = &b.dl_id {
                            let _ = write!(
                                s,
                                ",\"deeplink_device_id\":\"{}\",\"deeplink_device_password\":\"{}\"",
                                id,
                                m(b.dl_pw.as_deref().unwrap_or(""))
                            );
                        }
                        s.push('}');
                        s
                    })
                    .collect();
                Reply::node_ok_raw(&format!("{{\"bare_metal_nodes\":[{}]}}", items.join(",")))
            }
            Op::BareMetalAdd => {
                if !self.manager_key_ok(env, pre) {
                    return Some(err(-3, "verify sign failed"));
                }
                let Some(Value::Array(items)) = add.get("bare_metal_nodes") else {
                    return Some(err(-3, "additional bare_metal_nodes not existed"));
                };
                let mut new = Vec::new();
                for it in items {
                    let g = |k: &str| it.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    let uuid = g("uuid");
                    if uuid.is_empty()
                        || !uuid.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                        || g("ip").is_empty()
                        || g("ipmi_hostname").is_empty()
                        || g("ipmi_username").is_empty()
                        || g("ipmi_password").is_empty()
                    {
                        return Some(err(-3, &format!("bare metal node info {uuid} invalid")));
                    }
                    let port = match it.get("ipmi_port") {
                        None => None,
                        Some(v) => match v.as_u64() {
                            Some(p) if (1..=65535).contains(&p) => Some(p as u16),
                            _ => return Some(err(-3, &format!("invalid ipmi port in {uuid}"))),
                        },
                    };
                    if self
                        .bm_registry
                        .iter()
                        .chain(new.iter())
                        .any(|b: &BmServer| b.uuid == uuid)
                    {
                        return Some(err(
                            -3,
                            &format!("bare metal node uuid {uuid} already existed"),
                        ));
                    }
                    let node_id =
                        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(uuid.as_bytes()));
                    new.push(BmServer {
                        node_id,
                        uuid,
                        ip: g("ip"),
                        os: g("os"),
                        desc: g("desc"),
                        ipmi_hostname: g("ipmi_hostname"),
                        ipmi_username: g("ipmi_username"),
                        ipmi_password: g("ipmi_password"),
                        ipmi_port: port,
                        dl_id: None,
                        dl_pw: None,
                        power_on: false,
                    });
                }
                let ids: Vec<String> = new
                    .iter()
                    .take(101)
                    .map(|b| format!("{{\"node_id\":\"{}\",\"uuid\":\"{}\"}}", b.node_id, b.uuid))
                    .collect();
                self.bm_registry.extend(new);
                Reply::node_ok_raw(&format!("{{\"bare_metal_nodes\":[{}]}}", ids.join(",")))
            }
            Op::BareMetalDelete => {
                if !self.manager_key_ok(env, pre) {
                    return Some(err(-3, "verify sign failed"));
                }
                let ids = add_str_list(add, "bare_metal_node_ids");
                if ids.is_empty() {
                    // DEFECT (spec §7.11): the reference's text misspells "bare_meta_node_ids".
                    return Some(err(-1, "additional bare_meta_node_ids is an empty array"));
                }
                for id in &ids {
                    if !self.bm_registry.iter().any(|b| &b.node_id == id) {
                        return Some(err(-1, "node id not existed"));
                    }
                }
                self.bm_registry.retain(|b| !ids.contains(&b.node_id));
                err(0, "ok")
            }
            Op::BareMetalModify(id) => {
                if !self.manager_key_ok(env, pre) {
                    return Some(err(-3, "verify sign failed"));
                }
                let Some(b) = self.bm_registry.iter_mut().find(|b| &b.node_id == id) else {
                    return Some(err(-1, "node id not existed"));
                };
                if let Some(u) = add_str(add, "uuid") {
                    if u.is_empty() || !u.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
                        return Some(err(-1, "invalid uuid"));
                    }
                    b.uuid = u;
                }
                for (k, slot) in [
                    ("ip", &mut b.ip),
                    ("os", &mut b.os),
                    ("desc", &mut b.desc),
                    ("ipmi_hostname", &mut b.ipmi_hostname),
                    ("ipmi_username", &mut b.ipmi_username),
                    ("ipmi_password", &mut b.ipmi_password),
                ] {
                    if let Some(v) = add_str(add, k) {
                        *slot = v;
                    }
                }
                if let Some(p) = add.get("ipmi_port").and_then(Value::as_u64) {
                    b.ipmi_port = u16::try_from(p).ok();
                }
                err(0, "ok")
            }
            Op::BareMetalPower | Op::BareMetalBootdev | Op::DeeplinkGet | Op::DeeplinkSet => {
                err(-3, "Not supported")
            }
            _ => return None,
        })
    }

    /// Session id of an identity, if any (test/introspection helper).
    pub(crate) fn session_of(&self, identity: &str) -> Option<&str> {
        self.session_by_identity.get(identity).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_store_is_bounded_and_forgets_oldest_first() {
        let mut r = ReplayStore {
            cap: 3,
            ..ReplayStore::default()
        };
        for n in ["a", "b", "c", "d"] {
            r.insert(n);
        }
        assert_eq!(r.len(), 3);
        assert!(!r.contains("a"));
        assert!(r.contains("d"));
        r.insert("d");
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn time_format_and_sizes() {
        assert_eq!(
            fmt_time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_732_550_607)),
            "2024-11-25 16:03:27"
        );
        assert_eq!(gib_str(7.5), "7.5G");
        assert_eq!(gib_str(64.0), "64G");
    }
}
