//! `dbc monitor serve | watch | add`: VM metrics without Zabbix. `serve` runs the
//! [`dbc_monitor`] bridge (Zabbix protocol in, Prometheus out), `watch` is a live terminal view
//! of a bridge, `add` adds a bridge to your monitor servers on a node, keeping the existing one.
//! `dbc monitor list | set` are plain API calls.

mod watch;

use super::Ctx;
use crate::args::{parse_duration, NodeArg};
use crate::error::{CliError, CliResult};
use clap::{Args, Subcommand};
use dbc_monitor::{Limits, Monitor, MonitorConfig};
use std::net::SocketAddr;
use std::time::Duration;

/// The registry endpoints `dbc monitor …` covers (the coverage test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::MonitorList as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::MonitorSet as dbc_types::Endpoint>::INFO.name,
];

/// `dbc monitor …`
#[derive(Debug, Subcommand)]
pub enum MonitorCmd {
    /// Your monitor servers on a node
    #[command(after_help = "Examples:\n  dbc monitor list $NODE")]
    List(crate::commands::fleet::FleetNodeArg),
    /// Replace your monitor servers (none = clear; at most 2)
    #[command(
        after_help = "Examples:\n  dbc monitor set $NODE --server 10.0.0.9:9000\n  dbc monitor set $NODE      # clears"
    )]
    Set {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// host:port (repeatable, at most 2)
        #[arg(long, value_name = "HOST:PORT")]
        server: Vec<String>,
    },
    #[command(flatten)]
    #[allow(missing_docs)]
    Bridge(BridgeCmd),
}

/// The bridge subcommands of `dbc monitor`.
#[derive(Debug, Subcommand)]
pub enum BridgeCmd {
    /// Receive what GPU nodes push (Zabbix protocol) and serve it as Prometheus metrics
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Live terminal view of the VMs a bridge receives (from its /api/v1/latest)
    #[command(after_help = WATCH_EXAMPLES)]
    Watch(WatchArgs),
    /// Add a monitor server to your list on a node, keeping the existing one (at most 2)
    #[command(
        after_help = "Examples:\n  dbc monitor add $NODE 203.0.113.7:10051\n\nThe node pushes your VMs' metrics to every server in the list (at most two) every 30 s."
    )]
    Add(AddArgs),
}

const SERVE_EXAMPLES: &str = "\
Examples:
  dbc monitor serve                                   # Zabbix on 0.0.0.0:10051, metrics on 127.0.0.1:9109
  dbc monitor serve --listen 127.0.0.1:0 --metrics 127.0.0.1:0

Prints one JSON line with the bound addresses, e.g.
  {\"zabbix\":\"0.0.0.0:10051\",\"metrics\":\"http://127.0.0.1:9109/metrics\"}
then serves until Ctrl-C. Point nodes at it with `dbc monitor add $NODE PUBLIC_IP:10051`.";

const WATCH_EXAMPLES: &str = "\
Examples:
  dbc monitor watch                                   # the bridge at http://127.0.0.1:9109
  dbc monitor watch --url http://10.0.0.5:9109 --task $TASK
  dbc monitor watch --once                            # one snapshot, then exit

`--url` (or DBC_MONITOR_URL) is the bridge's HTTP address, as printed by `dbc monitor serve`.";

/// `dbc monitor serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Zabbix protocol listener (what nodes push to); port 0 picks a free port
    #[arg(long, default_value = "0.0.0.0:10051", value_name = "HOST:PORT")]
    pub listen: SocketAddr,
    /// HTTP listener for /metrics, /healthz and /api/v1/latest; port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:9109", value_name = "HOST:PORT")]
    pub metrics: SocketAddr,
    /// Largest frame in bytes, after inflating a compressed one
    #[arg(long, default_value_t = dbc_monitor::DEFAULT_MAX_FRAME, value_name = "BYTES")]
    pub max_frame: u64,
    /// Deadline for reading one frame from a connection (slow senders are cut off)
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    pub read_timeout: Duration,
    /// Zabbix connections served at once (more are closed at once)
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub max_connections: usize,
    /// Stored samples over all hosts (new keys beyond it are refused)
    #[arg(long, default_value_t = 500_000, value_name = "N")]
    pub max_series: usize,
    /// Hosts and keys not pushed for this long disappear from /metrics
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub ttl: Duration,
}

/// `dbc monitor watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Only this VM (task id)
    #[arg(long, value_name = "ID")]
    pub task: Option<String>,
    /// Refresh period
    #[arg(long, default_value = "2s", value_parser = parse_duration, value_name = "DURATION")]
    pub interval: Duration,
    /// Print one snapshot and exit
    #[arg(long)]
    pub once: bool,
}

/// `dbc monitor add`.
#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// GPU node id
    pub node: String,
    /// The server to add, `HOST:PORT` (e.g. the address `dbc monitor serve` listens on)
    #[arg(value_name = "HOST:PORT")]
    pub server: String,
}

/// `dbc monitor …`
///
/// # Errors
/// A bad or missing node id, a bad server address, missing credentials, the API's error, or the bridge's.
pub async fn run(ctx: &Ctx, cmd: MonitorCmd) -> CliResult {
    match cmd {
        MonitorCmd::List(n) => {
            let node = ctx.node(n.node.as_deref())?;
            ctx.out
                .emit(&ctx.client_any()?.node(&node).monitor().list().await?)
        }
        MonitorCmd::Set { node, server } => {
            let node = ctx.node(node.node.as_deref())?;
            ctx.out
                .emit(&ctx.client_any()?.node(&node).monitor().set(server).await?)
        }
        MonitorCmd::Bridge(b) => bridge(ctx, b).await,
    }
}

/// Runs a bridge subcommand.
///
/// # Errors
/// The bridge cannot listen, the bridge to watch is unreachable, or the API's error for `add`.
async fn bridge(ctx: &Ctx, cmd: BridgeCmd) -> CliResult {
    match cmd {
        BridgeCmd::Serve(a) => serve(a).await,
        BridgeCmd::Watch(a) => watch::watch(ctx, a).await,
        BridgeCmd::Add(a) => add(ctx, a).await,
    }
}

/// # Errors
/// An address cannot be bound, or the bridge fails while running.
async fn serve(a: ServeArgs) -> CliResult {
    if a.max_frame == 0 || a.max_connections == 0 || a.max_series == 0 {
        return Err(CliError::Usage(
            "--max-frame, --max-connections and --max-series must be at least 1".into(),
        ));
    }
    let mon = Monitor::start(MonitorConfig {
        zabbix_listen: a.listen,
        metrics_listen: a.metrics,
        limits: Limits {
            max_frame_bytes: a.max_frame,
            read_timeout: a.read_timeout,
            max_connections: a.max_connections,
            max_series: a.max_series,
            host_ttl: a.ttl,
        },
    })
    .await
    .map_err(|e| CliError::Usage(e.to_string()))?;
    crate::output::println_stdout(&mon.ready_line())?;
    tracing::info!(zabbix = %mon.zabbix_addr(), metrics = %mon.metrics_url(), "monitor bridge ready");
    let stopped = tokio::signal::ctrl_c().await;
    mon.shutdown().await;
    stopped.map_err(|e| CliError::Failed(format!("cannot wait for Ctrl-C: {e}")))
}

/// Checks `HOST:PORT` the way the node will use it (split on `:`, port 1–65535).
///
/// # Errors
/// `s` is not `HOST:PORT` with a port from 1 to 65535.
fn check_server(s: &str) -> CliResult<()> {
    let bad = || {
        CliError::Usage(format!(
            "`{s}` is not HOST:PORT (e.g. 203.0.113.7:10051); the node splits it on `:`, so IPv6 addresses cannot be used"
        ))
    };
    let (host, port) = s.split_once(':').ok_or_else(bad)?;
    if host.is_empty() || port.contains(':') || s.contains(['"', '\\', ' ']) {
        return Err(bad());
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok(()),
        _ => Err(bad()),
    }
}

/// # Errors
/// A bad server address or node id, a full list (two servers), missing credentials, or the API's error.
async fn add(ctx: &Ctx, a: AddArgs) -> CliResult {
    check_server(&a.server)?;
    let node = ctx.node(Some(&a.node))?;
    let monitor = ctx.client_any()?.node(&node).monitor();
    let current = monitor.list().await?.servers;
    let servers = merged(&current, &a.server, &a.node)?;
    if servers == current {
        ctx.out
            .line(&format!("{} is already in the list", a.server))?;
    } else {
        monitor.set(servers.clone()).await?;
    }
    ctx.out.emit(&serde_json::json!({ "servers": servers }))
}

/// The new list: `current` plus `server`, at most two.
///
/// # Errors
/// The list already holds two other servers.
fn merged(current: &[String], server: &str, node: &str) -> CliResult<Vec<String>> {
    if current.iter().any(|s| s == server) {
        return Ok(current.to_vec());
    }
    if current.len() >= 2 {
        return Err(CliError::Usage(format!(
            "the node already has two monitor servers ({}) and keeps at most two; replace one with `dbc monitor set {node} --server {} --server {server}`",
            current.join(", "),
            current.first().map(String::as_str).unwrap_or("KEEP"),
        )));
    }
    let mut out = current.to_vec();
    out.push(server.to_owned());
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_the_existing_server_and_refuses_a_third() {
        let one = vec!["10.0.0.1:10051".to_owned()];
        assert_eq!(
            merged(&one, "10.0.0.2:10051", "N").unwrap(),
            vec!["10.0.0.1:10051", "10.0.0.2:10051"]
        );
        assert_eq!(merged(&one, "10.0.0.1:10051", "N").unwrap(), one);
        let two = vec!["a:1".to_owned(), "b:2".to_owned()];
        let e = merged(&two, "c:3", "N").unwrap_err().to_string();
        assert!(
            e.contains("already has two") && e.contains("dbc monitor set N"),
            "{e}"
        );
        assert_eq!(merged(&two, "b:2", "N").unwrap(), two);
    }

    #[test]
    fn server_syntax() {
        for ok in ["127.0.0.1:10051", "mon.example.com:1"] {
            check_server(ok).unwrap();
        }
        for bad in [
            "127.0.0.1",
            ":1",
            "h:0",
            "h:65536",
            "::1:10051",
            "h:1 ",
            "h:x",
        ] {
            assert!(check_server(bad).is_err(), "{bad}");
        }
    }
}
