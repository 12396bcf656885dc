//! Command-line front end (`dbc-sim`, reused by `dbc sim serve`).

use crate::lifecycle::parse_create_time;
use crate::{CreateTiming, FaultSpec, SimConfig, SimError, Simulator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of the simulator binary.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Listen address.
    #[arg(long, default_value = "127.0.0.1:5052")]
    pub listen: SocketAddr,
    /// World description (TOML); the default world has two GPU nodes.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Time from `creating` to `running`: fixed (`3s`, `200ms`) or a uniform range (`2s..5s`).
    ///
    /// A real node takes 5–15 minutes (up to ~50); the default keeps demos fast.
    /// Examples: `--create-delay 200ms`, `--create-delay 5m..15m`.
    #[arg(long, default_value = "3s", value_parser = parse_create_time)]
    pub create_delay: (Duration, Option<Duration>),
    /// Share of creations (0–1) that end in `create error` instead of `running`.
    ///
    /// Example: `--create-failure 0.2` (one creation in five fails).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub create_failure: f64,
    /// Share of creations (0–1) whose login password cannot be set: the VM runs with
    /// `user_name` and `login_password` `N/A`.
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub login_failure: f64,
    /// Answer `-3 create task failed, please try again in a minute` to a create while another
    /// VM on the same node is still `creating`.
    #[arg(long)]
    pub retry_later_when_busy: bool,
    /// Seed for ids, passwords and other random values.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// How long the client node waits for a GPU node before `"<op> timeout"`.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub node_timeout: Duration,
    /// Reject multisig bundles in which one member signs twice (the real node accepts them:
    /// DEFECT spec §5.4); same as `strict = true` on every node of the world file.
    #[arg(long)]
    pub strict: bool,
    /// Cap on concurrent connections; more are closed at once.
    #[arg(long, default_value_t = crate::limits::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// How often each GPU node samples its VMs and itself and queues metrics for the monitor
    /// servers (Zabbix agent data; renters set servers with `POST /api/v1/monitor/set`, the
    /// world file sets a node's own `monitor_server`). Real node: 30s.
    #[arg(long, default_value = "30s", value_parser = crate::monitor::parse_period)]
    pub monitor_interval: Duration,
    /// Pause between two connections to one monitor server (one request per connection).
    /// Real node: 10s.
    #[arg(long, default_value = "10s", value_parser = crate::monitor::parse_period)]
    pub monitor_pacing: Duration,
    /// Real time per chain block = 6 s × SCALE (default: the world's, 1).
    ///
    /// Example: `--time-scale 0.01` (a block every 60 ms: a 1-hour rent ends in 36 s).
    #[arg(long, value_parser = parse_scale)]
    pub time_scale: Option<f64>,
    /// Inject a fault, `ROUTE[@NODE]=KIND[:ARG]` (repeatable).
    ///
    /// ROUTE is an endpoint name (tasks.create, tasks.list, nodes.info, …) or `*`; NODE is a
    /// node id or its index in the world (0, 1, …). KIND: latency:DURATION, never-answer (the
    /// GPU node never gets the request: nothing happens), reply-lost (the node acts, the reply
    /// is lost: `<op> timeout`), drop-mid-reply, http-502-html, invalid-json (HTTP 500
    /// `response parse error` on forwarded routes), oversized:SIZE, hang, retry-later.
    /// Examples: `--fault tasks.create=reply-lost`, `--fault 'tasks.list@1=latency:2s'`,
    /// `--fault '*=oversized:128KiB'`.
    #[arg(long = "fault", value_name = "ROUTE[@NODE]=KIND[:ARG]", value_parser = parse_fault)]
    pub faults: Vec<FaultSpec>,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

fn parse_fault(s: &str) -> Result<FaultSpec, String> {
    s.parse().map_err(|e: SimError| match e {
        SimError::Config(m) => m,
        other => other.to_string(),
    })
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a share between 0 and 1 (e.g. 0.2)")),
    }
}

fn parse_scale(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number (e.g. 0.01)")),
    }
}

/// Start the simulator, print the JSON ready line on stdout, serve until Ctrl-C.
///
/// # Errors
/// [`SimError`] when the world file cannot be read or is invalid, a fault names an unknown
/// node, or the address cannot be bound.
pub async fn run(args: SimArgs) -> Result<(), SimError> {
    let config = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| SimError::Config(format!("cannot read {}: {e}", p.display())))?;
            SimConfig::from_toml_str(&text)?
        }
        None => SimConfig::default(),
    };
    let (create_min, create_max) = args.create_delay;
    let mut builder = Simulator::builder();
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        builder = builder.tls(crate::TlsIdentity::Files {
            cert: cert.clone(),
            key: key.clone(),
        });
    }
    let mut builder = builder
        .listen(args.listen)
        .seed(args.seed)
        .create_delay(create_min)
        .create_timing(CreateTiming {
            max: create_max,
            failure_share: args.create_failure,
            retry_later_when_busy: args.retry_later_when_busy,
            login_failure_share: args.login_failure,
        })
        .node_timeout(args.node_timeout)
        .strict(args.strict)
        .max_connections(args.max_connections)
        .monitor_interval(args.monitor_interval)
        .monitor_pacing(args.monitor_pacing)
        .config(config);
    if let Some(scale) = args.time_scale {
        builder = builder.time_scale(scale);
    }
    for f in args.faults {
        builder = builder.fault_spec(f);
    }
    let sim = builder.start().await?;
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", sim.ready_line())?;
        out.flush()?;
    }
    tracing::info!(url = %sim.url(), "dbc-sim ready");
    tokio::signal::ctrl_c().await?;
    tracing::info!("shutting down");
    sim.shutdown().await;
    Ok(())
}
