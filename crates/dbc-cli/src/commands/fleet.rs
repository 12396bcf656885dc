//! Fleet mode: a read-only command over many GPU nodes at once (`--nodes`, `--nodes-file`,
//! `--all-nodes`), through `dbc-api`'s fan-out (bounded concurrency, a per-node deadline).
//!
//! Human output is one table with a NODE column; `--json` prints one object per node and line,
//! `{"node", "ok": true, "result"}` or `{"node", "ok": false, "error": {"kind", "message",
//! "hint"}}`. Exit code 0 when every node succeeded, 1 otherwise, with a one-line summary on
//! stderr either way.

use super::deeplink::DeeplinkCmd;
use super::image::ImageCmd;
use super::lan::LanCmd;
use super::monitor::MonitorCmd;
use super::node::NodeCmd;
use super::rent_orders::RentOrdersCmd;
use super::vm::VmCmd;
use super::Ctx;
use crate::args::Command;
use crate::error::{CliError, CliResult};
use crate::output::{self, note, Ordered};
use clap::Args;
use dbc_api::{Client, FanOut};
use dbc_types::models::{Empty, ImageListRequest, NodeInfoRequest};
use dbc_types::registry::{
    DeeplinkGet, ImagesList, LanList, MonitorList, NodeInfoGet, RentOrdersGet, RentOrdersList,
    TasksList,
};
use dbc_types::{Endpoint, NodeId};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

const FLEET: &str = "Fleet (many nodes; read-only commands)";

/// Default `--concurrency`.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Largest accepted `--concurrency`.
pub const MAX_CONCURRENCY: usize = 1024;
/// Largest `--nodes-file` read (bytes): far more than any fleet's ids.
const MAX_NODES_FILE: u64 = 16 << 20;
/// The per-node deadline when no `--timeout` is given (`dbc-api`'s request timeout).
const DEFAULT_DEADLINE: Duration = Duration::from_secs(45);

/// `--nodes`, `--nodes-file`, `--all-nodes`, `--concurrency`.
#[derive(Debug, Clone, Default, Args)]
pub struct FleetArgs {
    /// Run on these GPU nodes instead of one NODE (comma separated ids)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID,ID,…",
        conflicts_with_all = ["node", "nodes_file", "all_nodes"],
        help_heading = FLEET
    )]
    pub nodes: Vec<String>,
    /// Run on the node ids in FILE (one a line, `#` comments; `-` reads stdin)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["node", "all_nodes"],
        help_heading = FLEET
    )]
    pub nodes_file: Option<PathBuf>,
    /// Run on the profile's `nodes = […]`, or on every node the client node knows
    #[arg(long, conflicts_with = "node", help_heading = FLEET)]
    pub all_nodes: bool,
    /// Nodes asked at the same time
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_CONCURRENCY,
        value_parser = parse_concurrency,
        help_heading = FLEET
    )]
    pub concurrency: usize,
}

impl FleetArgs {
    /// Whether fleet mode was asked for.
    pub fn is_set(&self) -> bool {
        !self.nodes.is_empty() || self.nodes_file.is_some() || self.all_nodes
    }
}

/// # Errors
/// Not a whole number from 1 to [`MAX_CONCURRENCY`].
fn parse_concurrency(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{s}` is not a concurrency: give a whole number from 1 to {MAX_CONCURRENCY}"
        )),
    }
}

/// One GPU node (optional positional, default from `DBC_NODE` or the profile), or many with the
/// fleet options.
#[derive(Debug, Clone, Args)]
pub struct FleetNodeArg {
    /// GPU node id (64 hex) [default: env DBC_NODE, then the profile's `node`]
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub fleet: FleetArgs,
}

/// A read-only call that fleet mode can run on every node.
#[derive(Debug, Clone)]
pub enum Job {
    /// `vm list`
    VmList,
    /// `node info [--image-server S]`
    NodeInfo(Option<String>),
    /// `image list [--server S]`
    ImageList(Option<String>),
    /// `lan list`
    LanList,
    /// `rent-orders list [--order O]`
    RentOrders(Option<String>),
    /// `deeplink get`
    DeeplinkGet,
    /// `monitor list`
    MonitorList,
}

/// The fleet job of a parsed command, when fleet options were given.
pub fn job(cmd: &Command) -> Option<(FleetArgs, Job)> {
    let (fleet, job) = match cmd {
        Command::Vm(VmCmd::List(n)) => (&n.fleet, Job::VmList),
        Command::Node(NodeCmd::Info { node, image_server }) => {
            (&node.fleet, Job::NodeInfo(image_server.clone()))
        }
        Command::Image(ImageCmd::List { fleet, server, .. }) => {
            (fleet, Job::ImageList(server.clone()))
        }
        Command::Lan(LanCmd::List { fleet, .. }) => (fleet, Job::LanList),
        Command::RentOrders(RentOrdersCmd::List { node, order }) => {
            (&node.fleet, Job::RentOrders(order.clone()))
        }
        Command::Deeplink(DeeplinkCmd::Get(n)) => (&n.fleet, Job::DeeplinkGet),
        Command::Monitor(MonitorCmd::List(n)) => (&n.fleet, Job::MonitorList),
        _ => return None,
    };
    fleet.is_set().then(|| (fleet.clone(), job))
}

/// Parses node ids (deduplicated, order kept); `origin(i)` names entry `i` in errors.
///
/// # Errors
/// An entry that is not a node id (the message names its origin).
fn parse_ids<'a>(entries: impl IntoIterator<Item = (String, &'a str)>) -> CliResult<Vec<NodeId>> {
    let mut out: Vec<NodeId> = Vec::new();
    for (origin, text) in entries {
        let id: NodeId = text.parse().map_err(|e| {
            CliError::Usage(format!(
                "{origin}: `{text}` is not a GPU node id ({e}); node ids are 64 hex digits"
            ))
        })?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The ids of a nodes file: one a line, blank lines and `#` comments (whole line or trailing)
/// ignored; duplicates dropped.
///
/// # Errors
/// A line that is not a node id (usage error naming `name:line`).
pub fn parse_nodes_file(text: &str, name: &str) -> CliResult<Vec<NodeId>> {
    let entries: Vec<(String, &str)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let t = line.split('#').next().unwrap_or("").trim();
            (!t.is_empty()).then(|| (format!("{name}:{}", i + 1), t))
        })
        .collect();
    parse_ids(entries)
}

/// # Errors
/// The file cannot be read, is too large, or holds an entry that is not a node id.
fn read_nodes_file(path: &std::path::Path) -> CliResult<Vec<NodeId>> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let mut text = String::new();
    let res = if shown == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_NODES_FILE + 1)
            .read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_NODES_FILE + 1).read_to_string(&mut text))
    };
    res.map_err(|e| {
        CliError::Usage(format!(
            "cannot read the nodes file {shown}: {e} (give a text file with one node id a line)"
        ))
    })?;
    if text.len() as u64 > MAX_NODES_FILE {
        return Err(CliError::Usage(format!(
            "the nodes file {shown} is larger than {} MiB: give one node id a line",
            MAX_NODES_FILE >> 20
        )));
    }
    parse_nodes_file(&text, &shown)
}

/// The nodes fleet mode runs on.
///
/// # Errors
/// Bad ids in `--nodes` or the nodes file, or the client node's node list cannot be fetched.
async fn resolve_nodes(ctx: &Ctx, f: &FleetArgs) -> CliResult<Vec<NodeId>> {
    let ids = if !f.nodes.is_empty() {
        parse_ids(
            f.nodes
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("--nodes entry {}", i + 1), t.trim())),
        )?
    } else if let Some(p) = &f.nodes_file {
        read_nodes_file(p)?
    } else if let Some(list) = ctx.settings.profile_data.nodes.as_ref() {
        let profile = ctx.settings.profile.as_deref().unwrap_or("default");
        parse_ids(
            list.iter()
                .enumerate()
                .map(|(i, t)| (format!("profile `{profile}` nodes[{i}]"), t.trim())),
        )?
    } else {
        let list = ctx.client_none()?.nodes().list().await?;
        list.mining_nodes.into_iter().map(|n| n.node_id).collect()
    };
    if ids.is_empty() {
        return Err(CliError::Usage(
            "no GPU nodes to run on: give ids with --nodes ID,ID or --nodes-file FILE (the list is empty)"
                .into(),
        ));
    }
    Ok(ids)
}

/// One node's outcome: the reply as JSON text (field order kept), or the error.
type Outcome = (NodeId, Result<String, dbc_api::Error>);

async fn fan<E: Endpoint>(fan: &FanOut, params: E::Params, additional: E::Request) -> Vec<Outcome> {
    fan.call::<E>(&params, additional)
        .await
        .into_iter()
        .map(|(id, r)| {
            let r = r.and_then(|v| {
                serde_json::to_string(&v).map_err(|e| dbc_api::Error::UnknownReply {
                    endpoint: E::INFO.name,
                    reason: format!("cannot encode the reply as JSON: {e}"),
                })
            });
            (id, r)
        })
        .collect()
}

/// Runs `job` on every node of `fleet` and prints the table or the JSON lines, then the summary.
///
/// # Errors
/// No nodes or a bad id/file (usage, nothing sent); the node list for `--all-nodes` failed;
/// some node failed ([`CliError::Failed`] with an empty message: the summary says it).
pub async fn run(ctx: &Ctx, fleet: FleetArgs, job: Job) -> CliResult {
    let ids = resolve_nodes(ctx, &fleet).await?;
    let deadline = ctx.settings.timeout.unwrap_or(DEFAULT_DEADLINE);
    let client: Client = match job {
        Job::VmList | Job::ImageList(_) | Job::DeeplinkGet | Job::MonitorList => {
            ctx.client_any()?
        }
        Job::NodeInfo(_) | Job::LanList | Job::RentOrders(_) => ctx.client_none()?,
    };
    let total = ids.len();
    let f = client.for_nodes(ids, fleet.concurrency).deadline(deadline);
    let started = std::time::Instant::now();
    let results = match job {
        Job::VmList => fan::<TasksList>(&f, Default::default(), Empty {}).await,
        Job::NodeInfo(image_server) => {
            fan::<NodeInfoGet>(&f, Default::default(), {
                let mut v = NodeInfoRequest::default();
                v.image_server = image_server;
                v
            })
            .await
        }
        Job::ImageList(image_server) => {
            fan::<ImagesList>(&f, Default::default(), {
                let mut v = ImageListRequest::default();
                v.image_server = image_server;
                v
            })
            .await
        }
        Job::LanList => fan::<LanList>(&f, Default::default(), Empty {}).await,
        Job::RentOrders(None) => fan::<RentOrdersList>(&f, Default::default(), Empty {}).await,
        Job::RentOrders(Some(o)) => {
            let o: dbc_types::RentOrder = o.parse()?;
            let seg = dbc_types::endpoint::Segment(o.as_str().to_owned());
            fan::<RentOrdersGet>(&f, seg, Empty {}).await
        }
        Job::DeeplinkGet => fan::<DeeplinkGet>(&f, Default::default(), Empty {}).await,
        Job::MonitorList => fan::<MonitorList>(&f, Default::default(), Empty {}).await,
    };
    let elapsed = started.elapsed();
    if ctx.out.json {
        emit_json(&results)?;
    } else {
        let text = render_human(&results)?;
        output::println_stdout(&text)?;
    }
    let line = summary(&results, total, elapsed);
    note(&line);
    if results.iter().all(|(_, r)| r.is_ok()) {
        Ok(())
    } else {
        // The summary above is the message.
        Err(CliError::Failed(String::new()))
    }
}

/// The error object of a failed node.
#[derive(Debug, Serialize)]
pub struct ErrorObj {
    /// Machine-readable kind (`node_unknown`, `timeout`, `transport`, `machine_not_rented`, …).
    pub kind: String,
    /// What happened (without the hint).
    pub message: String,
    /// What to do, when known.
    pub hint: Option<String>,
}

/// A stable snake_case name for an error.
pub fn error_kind(e: &dbc_api::Error) -> String {
    use dbc_api::{Error as E, ErrorKind as K};
    let s = match e {
        E::Api { kind, .. } => match kind {
            K::SignatureInvalid { .. } => "signature_invalid",
            K::NonceReused => "nonce_reused",
            K::MachineNotRented => "machine_not_rented",
            K::WalletNotRenter => "wallet_not_renter",
            K::SessionInvalid => "session_invalid",
            K::RentExpired => "rent_expired",
            K::NotInVerifyTime => "not_in_verify_time",
            K::AuthorityFailed => "authority_failed",
            K::PortConflict { .. } => "port_conflict",
            K::ResourceExhausted { .. } => "resource_exhausted",
            K::TaskNotFound => "task_not_found",
            K::TaskWrongState { .. } => "task_wrong_state",
            K::NodeUnknown => "node_unknown",
            K::OperationTimeout => "node_timeout",
            K::RetryLater => "retry_later",
            K::InvalidParams => "invalid_params",
            _ => "api",
        },
        E::Deadline { .. } => "timeout",
        E::Transport { source, .. } if source.is_outcome_unknown() => "timeout",
        E::Transport { .. } => "transport",
        E::Decode { .. } => "decode",
        E::Validation(_) => "validation",
        E::Sign(_) => "sign",
        E::NoUrl | E::TransportSetup { .. } | E::TlsNotCompiled { .. } => "config",
        _ => "other",
    };
    s.to_owned()
}

/// The error object of `e`.
pub fn error_obj(e: &dbc_api::Error) -> ErrorObj {
    let hint = e.hint().map(str::to_owned);
    let message = crate::error::chain(e);
    ErrorObj {
        kind: error_kind(e),
        message,
        hint,
    }
}

#[derive(Serialize)]
struct NodeOk<'a> {
    node: &'a NodeId,
    ok: bool,
    result: &'a serde_json::value::RawValue,
}

#[derive(Serialize)]
struct NodeErr<'a> {
    node: &'a NodeId,
    ok: bool,
    error: ErrorObj,
}

/// # Errors
/// A result cannot be encoded, the `--jq` filter fails, or stdout cannot be written.
fn emit_json(results: &[Outcome]) -> CliResult {
    let mut lines = Vec::with_capacity(results.len());
    for (node, r) in results {
        let line = match r {
            Ok(text) => {
                let raw = serde_json::value::RawValue::from_string(text.clone())
                    .map_err(|e| CliError::Failed(format!("cannot encode the result: {e}")))?;
                serde_json::to_string(&NodeOk {
                    node,
                    ok: true,
                    result: &raw,
                })
            }
            Err(e) => serde_json::to_string(&NodeErr {
                node,
                ok: false,
                error: error_obj(e),
            }),
        }
        .map_err(|e| CliError::Failed(format!("cannot encode the result as JSON: {e}")))?;
        lines.push(line);
    }
    output::emit_json_lines(&lines)
}

/// The rows a reply contributes: one per list item, or one for an object.
fn rows_of(v: Ordered) -> Vec<Vec<(String, Ordered)>> {
    match v {
        Ordered::Array(items) => items.into_iter().map(row_of).collect(),
        Ordered::Object(m) => {
            // `{"list": [...]}` (plus empty members) is the list itself.
            let lists: Vec<usize> = m
                .iter()
                .enumerate()
                .filter(|(_, (_, v))| !v.is_empty())
                .map(|(i, _)| i)
                .collect();
            if let [only] = lists.as_slice() {
                if let Some((_, Ordered::Array(_))) = m.get(*only) {
                    if let Some((_, Ordered::Array(items))) = m.into_iter().nth(*only) {
                        return items.into_iter().map(row_of).collect();
                    }
                    return Vec::new();
                }
            }
            vec![row_of(Ordered::Object(m))]
        }
        other => vec![vec![("value".to_owned(), other)]],
    }
}

fn row_of(v: Ordered) -> Vec<(String, Ordered)> {
    match v {
        Ordered::Object(m) => {
            let mut out = Vec::new();
            flatten(String::new(), m, &mut out);
            out
        }
        other => vec![("value".to_owned(), other)],
    }
}

fn flatten(prefix: String, m: Vec<(String, Ordered)>, out: &mut Vec<(String, Ordered)>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Ordered::Object(inner) if !inner.is_empty() => flatten(key, inner, out),
            other => out.push((key, other)),
        }
    }
}

/// The fleet table: NODE, the replies' columns, and ERROR when a node failed.
///
/// # Errors
/// A reply that is not JSON (cannot happen for replies the client decoded).
pub fn render_human(results: &[Outcome]) -> CliResult<String> {
    let mut rows: Vec<Vec<(String, Ordered)>> = Vec::new();
    for (node, r) in results {
        let node_cell = ("node".to_owned(), Ordered::Scalar(node.to_string()));
        match r {
            Ok(text) => {
                let v: Ordered = serde_json::from_str(text)
                    .map_err(|e| CliError::Failed(format!("cannot render the result: {e}")))?;
                let mut node_rows = rows_of(v);
                if node_rows.is_empty() {
                    node_rows.push(Vec::new());
                }
                for mut row in node_rows {
                    row.insert(0, node_cell.clone());
                    rows.push(row);
                }
            }
            Err(e) => {
                let o = error_obj(e);
                let prefix = format!("node {node}: ");
                let message = o.message.strip_prefix(&prefix).unwrap_or(&o.message);
                let text = match &o.hint {
                    Some(h) => format!("{}: {message} ({h})", o.kind),
                    None => format!("{}: {message}", o.kind),
                };
                rows.push(vec![node_cell, ("error".to_owned(), Ordered::Scalar(text))]);
            }
        }
    }
    Ok(output::table_of_rows(&rows))
}

fn summary(results: &[Outcome], total: usize, elapsed: Duration) -> String {
    let failed: Vec<&dbc_api::Error> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    let ok = total.saturating_sub(failed.len());
    let secs = elapsed.as_secs_f64();
    if failed.is_empty() {
        return format!("fleet: {ok}/{total} nodes ok in {secs:.1}s");
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for e in &failed {
        *kinds.entry(error_kind(e)).or_default() += 1;
    }
    let detail: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(
        "fleet: {ok}/{total} nodes ok, {} failed ({}) in {secs:.1}s",
        failed.len(),
        detail.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn nodes_file_comments_blanks_duplicates() {
        let text = format!("# fleet\n{A}\n\n  {B}   # second\n{A}\n");
        let ids = parse_nodes_file(&text, "f").unwrap_or_default();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0].to_string(), A);
        assert_eq!(ids[1].to_string(), B);
    }

    #[test]
    fn bad_id_names_its_line() {
        let text = format!("{A}\nnot-a-node\n");
        match parse_nodes_file(&text, "nodes.txt") {
            Err(CliError::Usage(m)) => assert!(m.contains("nodes.txt:2"), "{m}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn concurrency_bounds() {
        assert_eq!(parse_concurrency("16"), Ok(16));
        assert!(parse_concurrency("0").is_err());
        assert!(parse_concurrency("100000").is_err());
        assert!(parse_concurrency("x").is_err());
    }

    #[test]
    fn table_has_node_column_and_errors() {
        let a: NodeId = A.parse().unwrap_or_else(|_| unreachable!());
        let b: NodeId = B.parse().unwrap_or_else(|_| unreachable!());
        let results: Vec<Outcome> = vec![
            (
                a,
                Ok(
                    r#"[{"task_id":"t1","status":"running"},{"task_id":"t2","status":null}]"#
                        .into(),
                ),
            ),
            (
                b,
                Err(dbc_api::Error::Deadline {
                    node: B.parse().unwrap_or_else(|_| unreachable!()),
                    after: Duration::from_secs(2),
                }),
            ),
        ];
        let t = render_human(&results).unwrap_or_default();
        let mut lines = t.lines();
        let head = lines.next().unwrap_or_default();
        assert!(head.starts_with("NODE"), "{t}");
        assert!(head.contains("TASK_ID") && head.contains("ERROR"), "{t}");
        assert_eq!(t.lines().count(), 4, "{t}");
        assert!(!t.contains("null"), "{t}");
        assert!(t.contains("timeout:"), "{t}");
    }
}
