//! Fault injection: the fault kinds, their command-line / TOML grammar
//! (`ROUTE[@NODE]=KIND[:ARG]`, kinds in kebab-case) and how the client node applies them.
//!
//! Two families of "no answer" are told apart, as on a real network (spec §1.5, §9.3):
//! * the GPU node **never got the request** (`never-answer`): nothing happens on the node, the
//!   caller gets HTTP 500, -1, `"<op> timeout"` after `node_timeout`;
//! * the **reply is lost or late** (`reply-lost`, or `latency:D` with `D ≥ node_timeout`): the
//!   node performs the operation (a create does create the VM), the caller still gets
//!   `"<op> timeout"` after `node_timeout`.
//!
//! ```
//! use dbc_sim::{FaultKind, FaultSpec};
//! let f: FaultSpec = "tasks.create=reply-lost".parse()?;
//! assert_eq!(f.route.as_deref(), Some("tasks.create"));
//! assert_eq!(f.kind, FaultKind::ReplyLost);
//! let f: FaultSpec = "tasks.list@1=latency:2s".parse()?;
//! assert_eq!(f.kind, FaultKind::Latency(std::time::Duration::from_secs(2)));
//! assert_eq!(f.to_string(), "tasks.list@1=latency:2s");
//! let f: FaultSpec = "*=oversized:128KiB".parse()?;
//! assert_eq!(f.kind, FaultKind::Oversized(128 * 1024));
//! # Ok::<(), dbc_sim::SimError>(())
//! ```

use crate::server::Shared;
use crate::wire::Reply;
use crate::{NodeId, SimError};
use bytes::Bytes;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Largest body the `oversized` fault may send (the simulator stays bounded in memory).
pub const MAX_OVERSIZED: usize = 64 * 1024 * 1024;

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// `latency:D`: the reply is delayed by `D`. On a forwarded route with `D ≥ node_timeout`
    /// the reply is *late*: the GPU node acts, the caller gets `"<op> timeout"`.
    Latency(Duration),
    /// `never-answer` (alias `request-lost`): the GPU node never got the request — nothing
    /// happens on it; HTTP 500, -1, `"<op> timeout"` after `node_timeout`. Forwarded routes only.
    NeverAnswer,
    /// `reply-lost`: the GPU node performs the operation but its reply is lost; HTTP 500, -1,
    /// `"<op> timeout"` after `node_timeout`. Forwarded routes only.
    ReplyLost,
    /// `drop-mid-reply`: the operation happens, the headers and part of the body are sent,
    /// then the connection closes.
    DropMidReply,
    /// `http-502-html`: HTTP 502 with an HTML body (a reverse proxy in front of the node).
    Http502Html,
    /// `invalid-json`: the reply is not valid JSON. On a forwarded route the client node
    /// validates the GPU node's reply, so the caller gets what the real client node answers:
    /// HTTP 500, -1, `response parse error` (`http response parse error` for images, disks and
    /// free_memory) — the operation itself happened. On a route the client node answers
    /// itself (built without escaping, like a node name with a quote) it is an HTTP 200 body
    /// that does not parse.
    InvalidJson,
    /// `oversized:SIZE`: HTTP 200 with a body of exactly this many bytes (at most 64 MiB).
    Oversized(usize),
    /// `hang`: accept the request and never answer at all (nothing happens).
    Hang,
    /// `retry-later`: the GPU node still finds foreign VMs running and answers
    /// `-3 "<op> task failed, please try again in a minute"` (spec §6.4). Only
    /// `tasks.create`, `tasks.start` and `tasks.restart` can answer so; other routes ignore it.
    RetryLater,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Latency(d) => write!(f, "latency:{}", humantime::format_duration(*d)),
            FaultKind::NeverAnswer => f.write_str("never-answer"),
            FaultKind::ReplyLost => f.write_str("reply-lost"),
            FaultKind::DropMidReply => f.write_str("drop-mid-reply"),
            FaultKind::Http502Html => f.write_str("http-502-html"),
            FaultKind::InvalidJson => f.write_str("invalid-json"),
            FaultKind::Oversized(n) => write!(f, "oversized:{n}B"),
            FaultKind::Hang => f.write_str("hang"),
            FaultKind::RetryLater => f.write_str("retry-later"),
        }
    }
}

/// The fault kinds, as written (for error messages and `--help`).
pub const KIND_NAMES: &str = "latency:DURATION, never-answer, reply-lost, drop-mid-reply, http-502-html, invalid-json, oversized:SIZE, hang, retry-later";

fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("size {s:?} must start with a number (e.g. 128KiB)"))?;
    let mult: usize = match unit.trim() {
        "" | "B" | "b" => 1,
        "K" | "k" | "KiB" | "kib" => 1024,
        "KB" | "kB" | "kb" => 1000,
        "M" | "m" | "MiB" | "mib" => 1024 * 1024,
        "MB" | "mb" => 1_000_000,
        other => {
            return Err(format!(
                "unknown size unit {other:?} (use B, KiB, MiB, KB or MB)"
            ))
        }
    };
    let bytes = n
        .checked_mul(mult)
        .filter(|b| *b <= MAX_OVERSIZED)
        .ok_or_else(|| format!("size {s:?} is over the 64 MiB limit of the oversized fault"))?;
    Ok(bytes)
}

impl FromStr for FaultKind {
    type Err = SimError;

    /// Parses `KIND[:ARG]`; snake_case spellings of the kinds (`never_answer`) are accepted too.
    fn from_str(s: &str) -> Result<Self, SimError> {
        let bad = |m: String| SimError::Config(format!("fault kind {s:?}: {m}"));
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (s, None),
        };
        let name = name.trim().to_ascii_lowercase().replace('_', "-");
        let no_arg = |k: FaultKind| match arg {
            None => Ok(k),
            Some(_) => Err(bad(format!("{name} takes no argument"))),
        };
        match name.as_str() {
            "latency" => {
                let a =
                    arg.ok_or_else(|| bad("latency needs a duration, e.g. latency:2s".into()))?;
                humantime::parse_duration(a.trim())
                    .map(FaultKind::Latency)
                    .map_err(|e| bad(format!("bad duration {a:?} ({e}); e.g. latency:250ms")))
            }
            "never-answer" | "request-lost" => no_arg(FaultKind::NeverAnswer),
            "reply-lost" => no_arg(FaultKind::ReplyLost),
            "drop-mid-reply" => no_arg(FaultKind::DropMidReply),
            "http-502-html" | "http502-html" => no_arg(FaultKind::Http502Html),
            "invalid-json" => no_arg(FaultKind::InvalidJson),
            "oversized" => match arg {
                None => Ok(FaultKind::Oversized(1 << 20)),
                Some(a) => parse_size(a).map(FaultKind::Oversized).map_err(bad),
            },
            "hang" => no_arg(FaultKind::Hang),
            "retry-later" => no_arg(FaultKind::RetryLater),
            other => Err(bad(format!("unknown kind {other:?} (use {KIND_NAMES})"))),
        }
    }
}

/// A fault injected on a node and/or a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Target node (`None` = all, including local routes).
    pub node: Option<NodeId>,
    /// Registry endpoint name (e.g. `"tasks.create"`), `None` = all routes.
    pub route: Option<String>,
    /// What happens.
    pub kind: FaultKind,
}

impl Fault {
    /// `kind` on every call of the registry endpoint `route` (e.g. `"tasks.create"`), on any node.
    pub fn on_route(route: impl Into<String>, kind: FaultKind) -> Fault {
        Fault {
            node: None,
            route: Some(route.into()),
            kind,
        }
    }
}

/// The node a [`FaultSpec`] names: a node id, or a position in the world's node list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeSel {
    /// A 64-hex-digit node id.
    Id(NodeId),
    /// Position in the world (0 = first node).
    Index(usize),
}

/// A fault as written on the command line or in the world file: `ROUTE[@NODE]=KIND[:ARG]`.
/// `ROUTE` is a registry endpoint name (`tasks.create`, `tasks.list`, …) or `*` for every
/// route; `NODE` is a node id or the node's index in the world (`@0`, `@1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    /// Endpoint name, `None` = every route.
    pub route: Option<String>,
    /// Node, `None` = every node (and the client node's own routes).
    pub node: Option<NodeSel>,
    /// What happens.
    pub kind: FaultKind,
}

/// Checks that `route` names an endpoint of the registry.
pub(crate) fn check_route(route: &str) -> Result<(), SimError> {
    if dbc_types::REGISTRY.iter().any(|d| d.info.name == route) {
        return Ok(());
    }
    let close: Vec<&str> = dbc_types::REGISTRY
        .iter()
        .map(|d| d.info.name)
        .filter(|n| n.split('.').next() == route.split('.').next())
        .collect();
    let hint = if close.is_empty() {
        "use an endpoint name such as tasks.create, tasks.list, nodes.info, or * for all"
            .to_string()
    } else {
        format!("known in that group: {}", close.join(", "))
    };
    Err(SimError::Config(format!(
        "unknown route {route:?} in fault ({hint})"
    )))
}

impl FromStr for FaultSpec {
    type Err = SimError;

    fn from_str(s: &str) -> Result<Self, SimError> {
        let Some((target, kind)) = s.split_once('=') else {
            return Err(SimError::Config(format!(
                "fault {s:?} must look like ROUTE[@NODE]=KIND[:ARG], e.g. tasks.create=reply-lost"
            )));
        };
        let (route, node) = match target.split_once('@') {
            Some((r, n)) => (r.trim(), Some(n.trim())),
            None => (target.trim(), None),
        };
        let route = match route {
            "" | "*" => None,
            r => {
                check_route(r)?;
                Some(r.to_string())
            }
        };
        let node = match node {
            None => None,
            Some(n) if !n.is_empty() && n.len() < 6 && n.bytes().all(|b| b.is_ascii_digit()) => {
                Some(NodeSel::Index(n.parse().map_err(|_| {
                    SimError::Config(format!("node index {n:?} is not a number"))
                })?))
            }
            Some(n) => Some(NodeSel::Id(n.parse().map_err(|_| {
                SimError::Config(format!(
                    "node {n:?} in fault {s:?} must be a 64-hex-digit node id or an index like 0"
                ))
            })?)),
        };
        Ok(FaultSpec {
            route,
            node,
            kind: kind.parse()?,
        })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.route.as_deref().unwrap_or("*"))?;
        match &self.node {
            Some(NodeSel::Id(id)) => write!(f, "@{id}")?,
            Some(NodeSel::Index(i)) => write!(f, "@{i}")?,
            None => {}
        }
        write!(f, "={}", self.kind)
    }
}

impl FaultSpec {
    /// Resolves the node against the world's node ids (in world order).
    ///
    /// # Errors
    /// [`SimError::Config`] when the index is past the last node or the id is not in the world.
    pub fn resolve(&self, node_ids: &[NodeId]) -> Result<Fault, SimError> {
        let node = match &self.node {
            None => None,
            Some(NodeSel::Id(id)) if node_ids.contains(id) => Some(id.clone()),
            Some(NodeSel::Id(id)) => {
                return Err(SimError::Config(format!(
                    "fault {self}: the world has no node {id} (see the node ids in the ready line, or use an index like @0)"
                )))
            }
            Some(NodeSel::Index(i)) => Some(node_ids.get(*i).cloned().ok_or_else(|| {
                SimError::Config(format!(
                    "fault {self}: the world has {} node(s), there is no node {i}",
                    node_ids.len()
                ))
            })?),
        };
        Ok(Fault {
            node,
            route: self.route.clone(),
            kind: self.kind.clone(),
        })
    }
}

/// Timeout message of a registry route (§6.3).
pub(crate) fn timeout_message(name: &str) -> String {
    dbc_types::REGISTRY
        .iter()
        .find(|d| d.info.name == name)
        .and_then(|d| d.info.timeout_message)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{name} timeout"))
}

/// The reply-processing message of a forwarded route whose GPU-node reply is not JSON (§6.2).
pub(crate) fn parse_error_message(name: &str) -> &'static str {
    if name.starts_with("images.") || name.starts_with("disks.") || name == "nodes.free_memory" {
        "http response parse error"
    } else {
        "response parse error"
    }
}

/// The retry-later message of a route, if it can answer one (§6.4).
fn retry_later_message(name: &str) -> Option<&'static str> {
    match name {
        "tasks.create" => Some("create task failed, please try again in a minute"),
        "tasks.start" => Some("start task failed, please try again in a minute"),
        "tasks.restart" => Some("restart task failed, please try again in a minute"),
        _ => None,
    }
}

enum Terminal {
    NeverAnswer,
    ReplyLost,
    DropMidReply,
    Http502,
    InvalidJson,
    Oversized(usize),
    Hang,
    RetryLater(&'static str),
}

impl Shared {
    fn fault_for(&self, name: &str, node: Option<&str>) -> (Duration, Option<Terminal>) {
        let faults = self
            .faults
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if faults.is_empty() {
            return (Duration::ZERO, None);
        }
        let mut lat = Duration::ZERO;
        let mut term = None;
        let forwarded = node.is_some();
        for f in faults.iter() {
            let node_ok = match (&f.node, node) {
                (None, _) => true,
                (Some(n), Some(t)) => n.as_str() == t,
                (Some(_), None) => false,
            };
            let route_ok = f.route.as_deref().is_none_or(|r| r == name);
            if !node_ok || !route_ok {
                continue;
            }
            if let FaultKind::Latency(d) = &f.kind {
                lat = lat.saturating_add(*d);
                continue;
            }
            if term.is_some() {
                continue;
            }
            term = match &f.kind {
                FaultKind::NeverAnswer if forwarded => Some(Terminal::NeverAnswer),
                FaultKind::ReplyLost if forwarded => Some(Terminal::ReplyLost),
                FaultKind::RetryLater if forwarded => {
                    retry_later_message(name).map(Terminal::RetryLater)
                }
                FaultKind::DropMidReply => Some(Terminal::DropMidReply),
                FaultKind::Http502Html => Some(Terminal::Http502),
                FaultKind::InvalidJson => Some(Terminal::InvalidJson),
                FaultKind::Oversized(n) => Some(Terminal::Oversized((*n).min(MAX_OVERSIZED))),
                FaultKind::Hang => Some(Terminal::Hang),
                _ => None,
            };
        }
        (lat, term)
    }

    /// Apply faults around producing a reply. `node` is the target GPU node of a forwarded
    /// route (`None` for routes the client node answers itself). `produce` performs the
    /// operation on the node and builds its reply.
    pub(crate) async fn with_faults(
        &self,
        name: &str,
        node: Option<&str>,
        produce: impl FnOnce() -> Reply,
    ) -> Reply {
        let (lat, term) = self.fault_for(name, node);
        let forwarded = node.is_some();
        let timeout = || Reply::http(500, -1, timeout_message(name));
        match term {
            Some(Terminal::NeverAnswer) => {
                // The request never reached the GPU node: nothing happens there.
                tokio::time::sleep(self.node_timeout).await;
                return timeout();
            }
            Some(Terminal::ReplyLost) => {
                // The GPU node acts; its reply never comes back (§1.5).
                let _lost = produce();
                tokio::time::sleep(self.node_timeout).await;
                return timeout();
            }
            _ => {}
        }
        if forwarded && lat >= self.node_timeout {
            // A late reply: the node acts, the client node gives up first (§1.5).
            let _late = produce();
            tokio::time::sleep(self.node_timeout).await;
            return timeout();
        }
        if !lat.is_zero() {
            tokio::time::sleep(lat).await;
        }
        match term {
            None | Some(Terminal::NeverAnswer) | Some(Terminal::ReplyLost) => produce(),
            Some(Terminal::RetryLater(m)) => Reply::Compact(Reply::node_msg(-3, m)),
            Some(Terminal::Hang) => std::future::pending().await,
            Some(Terminal::Http502) => Reply::Raw {
                status: 502,
                content_type: "text/html",
                body: Bytes::from_static(
                    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                ),
                broken: false,
            },
            Some(Terminal::InvalidJson) if forwarded => {
                // The client node parses the GPU node's reply and rejects it (§2, §6.2).
                let _done = produce();
                Reply::http(500, -1, parse_error_message(name))
            }
            Some(Terminal::InvalidJson) => Reply::Raw {
                status: 200,
                content_type: "application/json",
                // A locally built reply with an unescaped quote (§2).
                body: Bytes::from_static(b"{\"errcode\":0, \"message\":{\"mining_nodes\":[{\"node_id\":\"6ed2fd43\",\"name\":\"say \"hi\"\",\"version\":\"0.4.1.8\"}]}}\r\n"),
                broken: false,
            },
            Some(Terminal::Oversized(n)) => {
                let head = b"{\"errcode\":0, \"message\":\"";
                let tail = b"\"}\r\n";
                let mut v = Vec::with_capacity(n);
                if n >= head.len() + tail.len() {
                    v.extend_from_slice(head);
                    v.resize(n - tail.len(), b'x');
                    v.extend_from_slice(tail);
                } else {
                    v.resize(n, b'x');
                }
                Reply::Raw {
                    status: 200,
                    content_type: "application/json",
                    body: Bytes::from(v),
                    broken: false,
                }
            }
            Some(Terminal::DropMidReply) => {
                let mut full = match produce() {
                    Reply::Compact(s) => s,
                    _ => "{\"errcode\":0, \"message\":\"ok\"}".to_string(),
                };
                full.push_str("\r\n");
                let half = (full.len() / 2).max(1);
                let b = Bytes::from(full).slice(..half);
                Reply::Raw {
                    status: 200,
                    content_type: "application/json",
                    body: b,
                    broken: true,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn kinds_round_trip_in_kebab_case() {
        for s in [
            "latency:2s",
            "hang",
            "never-answer",
            "reply-lost",
            "drop-mid-reply",
            "http-502-html",
            "invalid-json",
            "oversized:131072B",
            "retry-later",
        ] {
            let k: FaultKind = s.parse().unwrap();
            assert_eq!(k.to_string(), s);
        }
        assert_eq!(
            "never_answer".parse::<FaultKind>().unwrap(),
            FaultKind::NeverAnswer
        );
        assert_eq!(
            "http502_html".parse::<FaultKind>().unwrap(),
            FaultKind::Http502Html
        );
        assert_eq!(
            "oversized:128KiB".parse::<FaultKind>().unwrap(),
            FaultKind::Oversized(131_072)
        );
    }

    #[test]
    fn bad_faults_say_what_to_write() {
        let e = "tasks.create=explode".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("unknown kind"), "{e}");
        let e = "tasks.creat=hang".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("tasks.create"), "{e}");
        let e = "tasks.create".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("ROUTE[@NODE]=KIND"), "{e}");
        let e = "*=latency".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("latency:2s"), "{e}");
        let e = "*=oversized:2GiB".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("unit"), "{e}");
        let e = "*=oversized:1000MiB".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("64 MiB"), "{e}");
        let e = "*@zz=hang".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("64-hex-digit"), "{e}");
        let e = "hang=reply-lost:3".parse::<FaultSpec>().unwrap_err();
        assert!(e.to_string().contains("unknown route"), "{e}");
    }

    #[test]
    fn node_index_resolves_against_the_world() {
        let ids: Vec<NodeId> = vec!["a".repeat(64).parse().unwrap()];
        let f: FaultSpec = "tasks.list@0=hang".parse().unwrap();
        assert_eq!(f.resolve(&ids).unwrap().node, Some(ids[0].clone()));
        let f: FaultSpec = "tasks.list@3=hang".parse().unwrap();
        assert!(f
            .resolve(&ids)
            .unwrap_err()
            .to_string()
            .contains("no node 3"));
        let other = "b".repeat(64);
        let f: FaultSpec = format!("tasks.list@{other}=hang").parse().unwrap();
        assert!(f
            .resolve(&ids)
            .unwrap_err()
            .to_string()
            .contains("has no node"));
    }
}
