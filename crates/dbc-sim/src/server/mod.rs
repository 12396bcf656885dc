//! The client node: HTTP server, routing (§1.3), forwarding pipeline (§6.1), local replies and faults.

use crate::config::{ImageServerConfig, NodeKind};
use crate::envelope::{self, Env, PreCheck, Prefix, A_CREATE, A_DEFAULT};
use crate::node::{Delays, NodeWorld, Op, PreAuth};
use crate::wire::{render, Reply, SimBody};
use crate::Fault;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Max body size (`0x02000000`, §1.1).
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;
/// Connection timeout of the reference server (`evhttp_set_timeout(…, 30)`), used for body reads.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// `MAX_SESSION_COUNT` (§1.5).
const MAX_IN_FLIGHT: usize = 1024;

/// One node slot.
#[derive(Debug)]
pub(crate) struct NodeSlot {
    pub id: String,
    pub kind: NodeKind,
    pub announced: bool,
    pub name: String,
    pub version: String,
    pub public_ip: String,
    pub world: Mutex<NodeWorld>,
}

impl NodeSlot {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, NodeWorld> {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// State shared by all connections.
#[derive(Debug)]
pub(crate) struct Shared {
    pub nodes: Vec<NodeSlot>,
    pub index: HashMap<String, usize>,
    pub image_servers: Vec<ImageServerConfig>,
    pub client_files: Vec<String>,
    pub faults: RwLock<Vec<Fault>>,
    pub requests: AtomicU64,
    pub in_flight: AtomicUsize,
    pub delays: Delays,
    pub node_timeout: Duration,
    pub local_uploads: Mutex<HashMap<String, Instant>>,
    pub conn_limit: crate::limits::ConnLimit,
    pub clock: Arc<crate::clock::ChainClock>,
}

fn segments(rem: &str) -> Vec<&str> {
    let path = rem.split('?').next().unwrap_or("");
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    let mut v: Vec<&str> = path.split('/').collect();
    if v.last() == Some(&"") {
        v.pop();
    }
    v
}

fn query(rem: &str) -> HashMap<&str, &str> {
    let mut m = HashMap::new();
    if let Some((_, q)) = rem.split_once('?') {
        for item in q.split('&') {
            let parts: Vec<&str> = item.split('=').collect();
            if let [k, v] = parts.as_slice() {
                m.insert(*k, *v);
            }
        }
    }
    m
}

/// Static description of a forwarded endpoint.
#[derive(Debug, Clone, Copy)]
struct Fwd {
    name: &'static str,
    prefix: Prefix,
    offset: bool,
    need_peer: bool,
    pre: PreCheck,
    /// images/*, disk/*, free_memory use "http response parse error".
    http_parse_msg: bool,
}

impl Fwd {
    const fn new(name: &'static str, prefix: Prefix, pre: PreCheck) -> Fwd {
        Fwd {
            name,
            prefix,
            offset: !matches!(prefix, Prefix::Request),
            need_peer: true,
            pre,
            http_parse_msg: matches!(prefix, Prefix::Request),
        }
    }
    const fn no_peer_check(mut self) -> Fwd {
        self.need_peer = false;
        self
    }
    const fn http_parse(mut self) -> Fwd {
        self.http_parse_msg = true;
        self
    }
}

impl Shared {
    /// Steps 7–11 of §6.1.
    async fn forward(&self, fwd: Fwd, env: Env, op: Op) -> Reply {
        let peer = env.peer.clone().unwrap_or_default();
        let Some(&idx) = self.index.get(&peer) else {
            return Reply::http(400, -32701, "create node request failed");
        };
        let Some(slot) = self.nodes.get(idx) else {
            return Reply::http(400, -32701, "create node request failed");
        };
        if !slot.announced {
            return Reply::http(400, -32701, "create node request failed");
        }
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Reply::http(400, -32701, "create request session failed");
        }
        let _guard = InFlight(&self.in_flight);
        let pre = if op.needs_auth() {
            PreAuth::compute(&env)
        } else {
            PreAuth::default()
        };
        let parse_msg = if fwd.http_parse_msg {
            "http response parse error"
        } else {
            "response parse error"
        };
        self.with_faults(fwd.name, Some(&peer), || {
            let body = slot.lock().dispatch(&op, &env, &pre, Instant::now());
            if serde_json::from_str::<serde::de::IgnoredAny>(&body).is_err() {
                return Reply::http(500, -1, parse_msg);
            }
            Reply::Compact(body)
        })
        .await
    }

    /// Steps 3–6 of §6.1 then forward. `step5` performs endpoint checks and builds the op.
    async fn pipeline(
        &self,
        fwd: Fwd,
        body: &[u8],
        step5: impl FnOnce(&mut Env) -> Result<Op, Reply>,
    ) -> Reply {
        let mut env = match parse_env(fwd.prefix, fwd.offset, body) {
            Ok(e) => e,
            Err(r) => return r,
        };
        if fwd.need_peer && env.peer.as_deref().is_none_or(str::is_empty) {
            return Reply::params("peer_nodeid is empty");
        }
        let op = match step5(&mut env) {
            Ok(op) => op,
            Err(r) => return r,
        };
        if let Err(m) = envelope::precheck(fwd.pre, &env) {
            return Reply::params(m);
        }
        self.forward(fwd, env, op).await
    }

    fn image_server(&self, id: &str) -> Option<&ImageServerConfig> {
        self.image_servers.iter().find(|s| s.id == id)
    }
}

struct InFlight<'a>(&'a AtomicUsize);
impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn parse_env(prefix: Prefix, offset: bool, body: &[u8]) -> Result<Env, Reply> {
    let m = envelope::parse_body(body, offset).map_err(|m| {
        if m == "http request body is empty" {
            Reply::params(m)
        } else {
            Reply::params(prefix.apply(&m))
        }
    })?;
    envelope::parse_envelope(m).map_err(|m| Reply::params(prefix.apply(&m)))
}

fn additional_str(env: &Env, key: &str) -> Option<String> {
    env.additional
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
}

const POST_ONLY: &str = "only support POST request";

/// Route one request (§1.3) and produce its reply.
pub(crate) async fn route(sh: &Shared, method: &http::Method, uri: &str, body: &[u8]) -> Reply {
    if !uri.starts_with("/api/v1") {
        return Reply::invalid_request(format!("request uri is invalid, uri:{uri}"));
    }
    if uri == "/api/v1/" {
        return sh.with_faults("version", None, || Reply::Version).await;
    }
    const PREFIXES: [&str; 13] = [
        "/api/v1/tasks",
        "/api/v1/images",
        "/api/v1/snapshot",
        "/api/v1/disk",
        "/api/v1/mining_nodes",
        "/api/v1/peers",
        "/api/v1/stat",
        "/api/v1/config",
        "/api/v1/monitor",
        "/api/v1/lan",
        "/api/v1/bare_metal",
        "/api/v1/deeplink",
        "/api/v1/rent_orders",
    ];
    let Some(prefix) = PREFIXES.iter().find(|p| uri.starts_with(*p)) else {
        return Reply::http(404, -32601, format!("not support uri:{uri}"));
    };
    let rem = &uri[prefix.len()..];
    if *prefix == "/api/v1/stat" || *prefix == "/api/v1/config" {
        // The handlers are empty: the destructor safety net replies (§7.8).
        return Reply::unhandled();
    }
    if method != http::Method::POST {
        return Reply::invalid_request(POST_ONLY);
    }
    let segs = segments(rem);
    match *prefix {
        "/api/v1/tasks" => tasks(sh, &segs, rem, body).await,
        "/api/v1/images" => images(sh, &segs, body).await,
        "/api/v1/snapshot" => snapshot(sh, &segs, body).await,
        "/api/v1/disk" => disk(sh, &segs, body).await,
        "/api/v1/mining_nodes" => mining_nodes(sh, &segs, body).await,
        "/api/v1/peers" => peers(sh, &segs).await,
        "/api/v1/monitor" => monitor(sh, &segs, body).await,
        "/api/v1/lan" => lan(sh, &segs, body).await,
        "/api/v1/bare_metal" => bare_metal(sh, &segs, body).await,
        "/api/v1/deeplink" => deeplink(sh, &segs, body).await,
        _ => rent_orders(sh, &segs, body).await,
    }
}

async fn tasks(sh: &Shared, segs: &[&str], rem: &str, body: &[u8]) -> Reply {
    let a = PreCheck::A(A_DEFAULT);
    match segs {
        [] => {
            sh.pipeline(Fwd::new("tasks.list", Prefix::Bare, a), body, |_| {
                Ok(Op::TasksList)
            })
            .await
        }
        ["start"] => {
            let fwd = Fwd::new("tasks.create", Prefix::Bare, PreCheck::A(A_CREATE));
            sh.pipeline(fwd, body, |env| {
                // Rewrite "ubuntu"→"linux", "win"→"windows" when the node version > "0.3.9.7" (§7.2.3).
                let version = env
                    .peer
                    .as_deref()
                    .and_then(|p| sh.index.get(p))
                    .and_then(|&i| sh.nodes.get(i))
                    .map(|n| n.version.as_str())
                    .filter(|v| !v.is_empty());
                if let Some(v) = version {
                    if let Ok(text) = serde_json::to_string(&env.additional) {
                        // DEFECT (spec §7.2.3, §12): any string value equal to "ubuntu"/"win" is rewritten.
                        let rewritten = if v > "0.3.9.7" {
                            text.replace("\"ubuntu\"", "\"linux\"")
                                .replace("\"win\"", "\"windows\"")
                        } else {
                            text.replace("\"linux\"", "\"ubuntu\"")
                                .replace("\"windows\"", "\"win\"")
                        };
                        if rewritten != text {
                            if let Ok(v) = serde_json::from_str(&rewritten) {
                                env.additional = v;
                            }
                        }
                    }
                }
                Ok(Op::Create)
            })
            .await
        }
        [id] => {
            let id = id.to_string();
            sh.pipeline(Fwd::new("tasks.info", Prefix::Bare, a), body, move |_| {
                Ok(Op::TaskInfo(id))
            })
            .await
        }
        [verb, id] => {
            let name = match *verb {
                "start" => "tasks.start",
                "restart" => "tasks.restart",
                "shutdown" => "tasks.shutdown",
                "poweroff" => "tasks.poweroff",
                "stop" => "tasks.stop",
                "reset" => "tasks.reset",
                "delete" => "tasks.delete",
                "logs" => "tasks.logs",
                "modify" => "tasks.modify",
                "passwd" => "tasks.passwd",
                _ => return Reply::unhandled(),
            };
            if id.is_empty() {
                return Reply::params("task_id is empty");
            }
            let id = id.to_string();
            let q = query(rem);
            let op = match *verb {
                "start" => Op::Start(id),
                "restart" => {
                    let forced = match q.get("force_reboot") {
                        None | Some(&"") => false,
                        Some(&"true") => true,
                        Some(v) => envelope::atoi(v) != 0,
                    };
                    Op::Restart(id, forced)
                }
                "shutdown" => Op::Shutdown(id),
                "poweroff" | "stop" => Op::Poweroff(id),
                "reset" => Op::Reset(id),
                "delete" => Op::Delete(id),
                "logs" => {
                    let (head, n) = match q.get("flag").copied() {
                        None | Some("") => (false, 100),
                        Some(f @ ("head" | "tail")) => {
                            let n = match q.get("line_num").copied() {
                                None | Some("") => 100,
                                Some(v) => envelope::atoi(v),
                            };
                            // DEFECT (spec §7.2.10, §10): line_num > 100 becomes 99.
                            let n = if n > 100 { 99 } else { n };
                            if n <= 0 {
                                return Reply::params("invalid line num");
                            }
                            (f == "head", n as usize)
                        }
                        // DEFECT (spec §7.2.10, §12): the message ends with a stray double quote.
                        Some(_) => return Reply::params("head_or_tail is invalid\""),
                    };
                    Op::Logs(id, head, n)
                }
                "modify" => Op::Modify(id),
                _ => Op::Passwd(id),
            };
            sh.pipeline(Fwd::new(name, Prefix::Bare, a), body, move |_| Ok(op))
                .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

async fn images(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let p = Prefix::Request;
    let a = PreCheck::A(A_CREATE);
    match segs {
        [] => {
            let fwd = Fwd::new("images.list", p, PreCheck::None).no_peer_check();
            let env = match parse_env(p, false, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            let server = additional_str(&env, "image_server");
            if env.peer.is_none() {
                let Some(srv) = server.as_deref().and_then(|s| sh.image_server(s)) else {
                    return Reply::params("image_server not exist");
                };
                let items: Vec<String> = srv
                    .images
                    .iter()
                    .filter(|n| n.ends_with(".qcow2"))
                    .map(|n| {
                        format!(
                            "{{\"image_name\":\"{n}\",\"image_size\":\"{}\"}}",
                            local_image_size(n)
                        )
                    })
                    .collect();
                return sh
                    .with_faults(fwd.name, None, || {
                        Reply::Compact(Reply::node_ok_raw(&format!("[{}]", items.join(","))))
                    })
                    .await;
            }
            let list = match server {
                Some(s) => match sh.image_server(&s) {
                    Some(srv) => Some(srv.images.clone()),
                    None => return Reply::params("image_server not exist"),
                },
                None => None,
            };
            sh.forward(fwd, env, Op::ImagesList(list)).await
        }
        ["servers"] => {
            let r = match envelope::parse_body(body, false) {
                Ok(_) => {
                    let ids: Vec<String> = sh
                        .image_servers
                        .iter()
                        .map(|s| format!("\"{}\"", s.id))
                        .collect();
                    Reply::Compact(Reply::node_ok_raw(&format!(
                        "{{\"image_server\":[{}]}}",
                        ids.join(",")
                    )))
                }
                Err(m) if m == "http request body is empty" => Reply::params(m),
                Err(m) => Reply::params(p.apply(&m)),
            };
            sh.with_faults("images.servers", None, || r).await
        }
        ["download"] => {
            sh.pipeline(Fwd::new("images.download", p, a), body, |env| {
                let Some(srv) =
                    additional_str(env, "image_server").and_then(|s| sh.image_server(&s).cloned())
                else {
                    return Err(Reply::params("image_server not exist"));
                };
                Ok(Op::ImageDownload(srv.images))
            })
            .await
        }
        ["downloadprogress"] => {
            sh.pipeline(Fwd::new("images.download_progress", p, a), body, |_| {
                Ok(Op::ImageDownloadProgress)
            })
            .await
        }
        ["download_stop"] => {
            sh.pipeline(Fwd::new("images.download_stop", p, a), body, |_| {
                Ok(Op::ImageDownloadStop)
            })
            .await
        }
        ["upload"] | ["uploadprogress"] | ["upload_stop"] => {
            let (name, op) = match segs {
                ["upload"] => ("images.upload", Op::ImageUpload),
                ["uploadprogress"] => ("images.upload_progress", Op::ImageUploadProgress),
                _ => ("images.upload_stop", Op::ImageUploadStop),
            };
            let env = match parse_env(p, false, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if name == "images.upload"
                && additional_str(&env, "image_server")
                    .and_then(|s| sh.image_server(&s))
                    .is_none()
            {
                return Reply::params("image_server not exist");
            }
            if env.peer.as_deref().is_none_or(str::is_empty) {
                return local_upload(sh, name, &env).await;
            }
            if let Err(m) = envelope::precheck(a, &env) {
                return Reply::params(m);
            }
            sh.forward(Fwd::new(name, p, a), env, op).await
        }
        ["delete"] => {
            sh.pipeline(Fwd::new("images.delete", p, a), body, |_| {
                Ok(Op::ImageDelete)
            })
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

fn local_image_size(n: &str) -> &'static str {
    if n.contains("win") {
        "46.5G"
    } else if n.contains("cuda") {
        "32G"
    } else {
        "20G"
    }
}

async fn local_upload(sh: &Shared, name: &'static str, env: &Env) -> Reply {
    let f = additional_str(env, "image_filename").unwrap_or_default();
    let resolved = if f.starts_with('/') {
        f.clone()
    } else {
        format!("/data/{f}")
    };
    let rel = resolved.trim_start_matches("/data/").to_string();
    if f.is_empty() || !sh.client_files.contains(&rel) || f.starts_with('/') {
        return Reply::params(format!("image_filename: /data/{resolved} not exist"));
    }
    let now = Instant::now();
    let dur = sh.delays.create * 2;
    let r = {
        let mut up = sh
            .local_uploads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match name {
            "images.upload" => {
                up.insert(rel, now);
                Reply::node_msg(0, "ok")
            }
            "images.upload_progress" => match up.get(&rel) {
                Some(t) if now.duration_since(*t) < dur => {
                    let p =
                        (now.duration_since(*t).as_millis() * 100 / dur.as_millis().max(1)).min(99);
                    Reply::node_ok_raw(&format!(
                        "{{\"status\":\"uploading\",\"progress\":\"{p}%\"}}"
                    ))
                }
                _ => Reply::node_ok_raw("{\"status\":\"done\",\"progress\":\"100%\"}"),
            },
            _ => {
                up.remove(&rel);
                Reply::node_msg(0, "ok")
            }
        }
    };
    sh.with_faults(name, None, || Reply::Compact(r)).await
}

async fn snapshot(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let a = PreCheck::A(A_DEFAULT);
    let b = Prefix::Bare;
    if segs.is_empty() || segs.len() > 3 || !matches!(segs[0], "create" | "delete" | "list") {
        return Reply::invalid_request("invalid uri");
    }
    match segs[0] {
        "list" => {
            if segs.len() < 2 {
                return Reply::params(
                    "invalid uri, please use /snapshot/list/<task_id>[/snapshot_name]",
                );
            }
            let id = segs[1].to_string();
            let name = segs.get(2).map(|s| s.to_string());
            let ep = if name.is_some() {
                "snapshots.info"
            } else {
                "snapshots.list"
            };
            sh.pipeline(Fwd::new(ep, b, a), body, move |_| {
                Ok(Op::SnapshotList(id, name))
            })
            .await
        }
        "create" => {
            if segs.len() != 2 {
                // DEFECT (spec §7.4, §10): the hint shows the wrong order; /snapshot/create/<task_id> is accepted.
                return Reply::params("invalid uri, please use: /snapshot/<task_id>/create");
            }
            let id = segs[1].to_string();
            sh.pipeline(Fwd::new("snapshots.create", b, a), body, move |env| {
                if id.is_empty() {
                    return Err(Reply::params("task_id is empty"));
                }
                if additional_str(env, "image_server")
                    .and_then(|s| sh.image_server(&s))
                    .is_none()
                {
                    return Err(Reply::params("image_server not exist"));
                }
                Ok(Op::SnapshotCreate(id))
            })
            .await
        }
        _ => {
            if segs.len() != 3 {
                return Reply::params(
                    "invalid uri, please use /snapshot/<task_id>/delete/<snapshot_name>",
                );
            }
            if segs[1].is_empty() {
                return Reply::params("task_id is empty");
            }
            if segs[2].is_empty() {
                return Reply::params("snapshot_name is empty");
            }
            let (id, name) = (segs[1].to_string(), segs[2].to_string());
            sh.pipeline(Fwd::new("snapshots.delete", b, a), body, move |_| {
                Ok(Op::SnapshotDelete(id, name))
            })
            .await
        }
    }
}

async fn disk(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let [verb, id] = segs else {
        return Reply::invalid_request("invalid requests uri");
    };
    let (name, op): (&'static str, fn(String) -> Op) = match *verb {
        "list" => ("disks.list", Op::DiskList),
        "resize" => ("disks.resize", Op::DiskResize),
        "add" => ("disks.add", Op::DiskAdd),
        "delete" => ("disks.delete", Op::DiskDelete),
        _ => return Reply::invalid_request("invalid requests uri"),
    };
    if id.is_empty() {
        return Reply::params("task_id is empty");
    }
    let id = id.to_string();
    sh.pipeline(
        Fwd::new(name, Prefix::Request, PreCheck::A(A_CREATE)),
        body,
        move |_| Ok(op(id)),
    )
    .await
}

async fn mining_nodes(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        [] => {
            let mut env = match parse_env(Prefix::Req, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if env.peer.is_none() {
                let mut ids: Vec<&NodeSlot> = sh
                    .nodes
                    .iter()
                    .filter(|n| n.announced && n.kind == NodeKind::Compute)
                    .collect();
                ids.sort_by(|a, b| a.id.cmp(&b.id));
                let items: Vec<String> = ids
                    .iter()
                    .map(|n| {
                        format!(
                            "{{\"node_id\":\"{}\",\"name\":\"{}\",\"version\":\"{}\"}}",
                            n.id,
                            n.name,
                            // §7.6.1: "N/A" when the node announced no version.
                            if n.version.is_empty() {
                                "N/A"
                            } else {
                                &n.version
                            }
                        )
                    })
                    .collect();
                let msg = format!("{{\"mining_nodes\":[{}]}}", items.join(","));
                return sh
                    .with_faults("nodes.list", None, || {
                        Reply::Compact(Reply::node_ok_raw(&msg))
                    })
                    .await;
            }
            let list = match additional_str(&env, "image_server") {
                Some(s) => match sh.image_server(&s) {
                    Some(srv) => Some(srv.images.clone()),
                    None => return Reply::params("image_server not exist"),
                },
                None => None,
            };
            env.session_id.clear();
            sh.forward(
                Fwd::new("nodes.info", Prefix::Req, PreCheck::None),
                env,
                Op::NodeInfo(list),
            )
            .await
        }
        ["session_id"] => {
            sh.pipeline(
                Fwd::new("nodes.session_id", Prefix::Bare, PreCheck::B),
                body,
                |env| {
                    // session fields are not forwarded (§7.6.3).
                    env.session_id.clear();
                    env.session_id_sign.clear();
                    Ok(Op::SessionId)
                },
            )
            .await
        }
        ["session_id", ..] => Reply::params("invalid uri, please use /mining_nodes/session_id"),
        ["free_memory"] => {
            sh.pipeline(
                Fwd::new("nodes.free_memory", Prefix::Bare, PreCheck::A(A_DEFAULT)).http_parse(),
                body,
                |_| Ok(Op::FreeMemory),
            )
            .await
        }
        ["free_memory", ..] => Reply::params("invalid uri, please use /mining_nodes/free_memory"),
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

async fn peers(sh: &Shared, segs: &[&str]) -> Reply {
    let [opt] = segs else {
        return Reply::invalid_request("invalid requests uri");
    };
    let (name, lan) = match *opt {
        "active" => ("peers.active", false),
        "global" => ("peers.global", false),
        "lan" => ("peers.lan", true),
        _ => return Reply::params("invalid option. the option is active or global"),
    };
    let items: Vec<String> = sh
        .nodes
        .iter()
        .filter(|n| n.announced)
        .take(50)
        .enumerate()
        .map(|(i, n)| {
            if lan {
                format!("{{\"node_id\":\"{}\",\"addr\":\"192.168.1.{}:5001\",\"node_type\":\"computer\",\"net_type\":\"mainnet\"}}", n.id, 20 + i)
            } else {
                format!("{{\"node_id\":\"{}\",\"addr\":\"{}:5001\"}}", n.id, n.public_ip)
            }
        })
        .collect();
    let msg = format!("{{\"peer_nodes\":[{}]}}", items.join(","));
    sh.with_faults(name, None, || Reply::Compact(Reply::node_ok_raw(&msg)))
        .await
}

async fn monitor(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let a = PreCheck::A(A_DEFAULT);
    match segs {
        ["set"] => {
            sh.pipeline(Fwd::new("monitor.set", Prefix::Bare, a), body, |_| {
                Ok(Op::MonitorSet)
            })
            .await
        }
        [] | [_] => {
            sh.pipeline(Fwd::new("monitor.list", Prefix::Bare, a), body, |_| {
                Ok(Op::MonitorList)
            })
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

async fn lan(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        ["create"] => {
            sh.pipeline(
                Fwd::new("lan.create", Prefix::Bare, PreCheck::A(A_DEFAULT)),
                body,
                |_| Ok(Op::LanCreate),
            )
            .await
        }
        ["delete", name] => {
            let name = name.to_string();
            sh.pipeline(
                Fwd::new("lan.delete", Prefix::Bare, PreCheck::None),
                body,
                move |_| Ok(Op::LanDelete(name)),
            )
            .await
        }
        [_, _] => Reply::unhandled(),
        [] | [_] => {
            let get = segs.first().map(|s| s.to_string());
            let name = if get.is_some() { "lan.get" } else { "lan.list" };
            let env = match parse_env(Prefix::Req, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if env.peer.is_none() {
                // The client node's own table is empty in this simulator.
                let r = match get {
                    None => Reply::Compact(Reply::node_ok_raw("{\"networks\":[]}")),
                    Some(_) => Reply::http(400, -32701, "network name not exist"),
                };
                return sh.with_faults(name, None, || r).await;
            }
            let op = match get {
                None => Op::LanList,
                Some(n) => Op::LanGet(n),
            };
            sh.forward(Fwd::new(name, Prefix::Req, PreCheck::None), env, op)
                .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

async fn bare_metal(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let a = PreCheck::A(A_DEFAULT);
    match segs {
        ["add"] | ["delete"] | ["modify", _] => {
            let (name, op) = match segs {
                ["add"] => ("bare_metal.add", Op::BareMetalAdd),
                ["delete"] => ("bare_metal.delete", Op::BareMetalDelete),
                [_, id] => ("bare_metal.modify", Op::BareMetalModify(id.to_string())),
                _ => return Reply::invalid_request("invalid requests uri"),
            };
            let env = match parse_env(Prefix::Bare, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if let Err(m) = envelope::precheck(PreCheck::C, &env) {
                return Reply::params(m);
            }
            if env.peer.as_deref().is_none_or(str::is_empty) {
                // The receiving node is a client node, not a bare-metal manager.
                return Reply::invalid_request("only bare metal node support");
            }
            sh.forward(Fwd::new(name, Prefix::Bare, PreCheck::C), env, op)
                .await
        }
        ["power"] => {
            sh.pipeline(
                Fwd::new("bare_metal.power", Prefix::Bare, a),
                body,
                |env| match env.additional.get("command") {
                    None => Err(Reply::params("parse json additional command failed")),
                    Some(Value::String(c))
                        if matches!(c.as_str(), "on" | "off" | "reset" | "status") =>
                    {
                        Ok(Op::BareMetalPower)
                    }
                    Some(Value::String(_)) => Err(Reply::params("invalid command")),
                    Some(_) => Err(Reply::params("additional command must be a string")),
                },
            )
            .await
        }
        ["bootdev"] => {
            sh.pipeline(
                Fwd::new("bare_metal.bootdev", Prefix::Bare, a),
                body,
                |env| match additional_str(env, "device") {
                    Some(d) if matches!(d.as_str(), "none" | "pxe" | "cdrom" | "disk" | "bios") => {
                        Ok(Op::BareMetalBootdev)
                    }
                    _ => Err(Reply::params("invalid device")),
                },
            )
            .await
        }
        [] | [_] => {
            let name = if segs.is_empty() {
                "bare_metal.list"
            } else {
                "bare_metal.get"
            };
            let env = match parse_env(Prefix::Req, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if env.peer.as_deref().is_none_or(str::is_empty) {
                let items: Vec<String> = sh
                    .nodes
                    .iter()
                    .filter(|n| n.announced && n.kind == NodeKind::BareMetalServer)
                    .filter(|n| segs.first().is_none_or(|x| *x == n.id))
                    .map(|n| {
                        format!(
                            "{{\"node_id\":\"{}\",\"name\":\"{}\",\"version\":\"{}\"}}",
                            n.id,
                            n.name,
                            // §7.6.1: "N/A" when the node announced no version.
                            if n.version.is_empty() {
                                "N/A"
                            } else {
                                &n.version
                            }
                        )
                    })
                    .collect();
                let msg = format!("{{\"bare_metal_nodes\":[{}]}}", items.join(","));
                return sh
                    .with_faults(name, None, || Reply::Compact(Reply::node_ok_raw(&msg)))
                    .await;
            }
            sh.forward(
                Fwd::new(name, Prefix::Req, PreCheck::None),
                env,
                Op::BareMetalList(segs.first().map(|s| s.to_string())),
            )
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

async fn deeplink(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let a = PreCheck::A(A_DEFAULT);
    match segs {
        [] => {
            sh.pipeline(Fwd::new("deeplink.get", Prefix::Req, a), body, |_| {
                Ok(Op::DeeplinkGet)
            })
            .await
        }
        ["set"] => {
            sh.pipeline(Fwd::new("deeplink.set", Prefix::Req, a), body, |env| {
                let id = env.additional.get("device_id");
                let pw = env.additional.get("device_password");
                if id.is_some_and(|v| !v.is_string()) {
                    return Err(Reply::params("additional device id must be a string"));
                }
                if pw.is_some_and(|v| !v.is_string()) {
                    return Err(Reply::params("additional device password must be a string"));
                }
                if id.is_none() && pw.is_none() {
                    return Err(Reply::params("invalid device info"));
                }
                Ok(Op::DeeplinkSet)
            })
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

async fn rent_orders(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    if segs.len() > 1 {
        return Reply::invalid_request("invalid requests uri");
    }
    let name = if segs.is_empty() {
        "rent_orders.list"
    } else {
        "rent_orders.get"
    };
    sh.pipeline(Fwd::new(name, Prefix::Req, PreCheck::None), body, |_| {
        Ok(Op::RentOrders)
    })
    .await
}

/// Serve one HTTP request.
pub(crate) async fn serve(
    sh: Arc<Shared>,
    req: http::Request<Incoming>,
) -> Result<http::Response<SimBody>, crate::libevent::Dropped> {
    sh.requests.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = req.into_parts();
    let uri = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| parts.uri.to_string());
    // Over-limit and slow bodies get what libevent does, not a DBC reply (libevent.rs).
    let collected = tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY).collect())
        .await
        .map_err(|_| crate::libevent::Dropped("request body not received within 30 s"))?;
    let body = match collected {
        Ok(c) => c.to_bytes(),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            let mut resp = render(crate::libevent::entity_too_large());
            resp.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
            return Ok(resp);
        }
        Err(_) => return Err(crate::libevent::Dropped("request body could not be read")),
    };
    let reply = route(&sh, &parts.method, &uri, &body).await;
    tracing::debug!(method = %parts.method, uri = %uri, "request");
    Ok(render(reply))
}
