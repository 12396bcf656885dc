//! Command-line front end (`dbc-sim`, reused by `dbc sim serve`).

use crate::{SimConfig, SimError, Simulator};
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
    /// Time from `creating` to `running` (e.g. `3s`, `200ms`).
    #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
    pub create_delay: Duration,
    /// Seed for ids, passwords and other random values.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// How long the client node waits for a GPU node before `"<op> timeout"`.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub node_timeout: Duration,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// Start the simulator, print the JSON ready line on stdout, serve until Ctrl-C.
pub async fn run(args: SimArgs) -> Result<(), SimError> {
    let config = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| SimError::Config(format!("cannot read {}: {e}", p.display())))?;
            SimConfig::from_toml_str(&text)?
        }
        None => SimConfig::default(),
    };
    let mut builder = Simulator::builder();
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        builder = builder.tls(crate::TlsIdentity::Files {
            cert: cert.clone(),
            key: key.clone(),
        });
    }
    let sim = builder
        .listen(args.listen)
        .seed(args.seed)
        .create_delay(args.create_delay)
        .node_timeout(args.node_timeout)
        .config(config)
        .start()
        .await?;
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
