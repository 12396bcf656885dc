//! `dbc-sim`: a local DeepBrainChain client node + GPU node simulator.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "dbc-sim",
    version,
    about = "Local DBC client node + GPU node simulator",
    after_help = "Examples:\n  dbc-sim --listen 127.0.0.1:0\n  dbc-sim --fault tasks.create=reply-lost   # creates, then answers `create task timeout`\n  dbc-sim --fault 'tasks.list@1=latency:2s' --fault '*=oversized:128KiB'\n  dbc-sim --create-delay 2s..10s --create-failure 0.2 --time-scale 0.01\n  dbc-sim --config world.toml --monitor-interval 5s --monitor-pacing 1s   # push VM metrics (Zabbix) every 5 s to the servers set with /api/v1/monitor/set"
)]
struct Cli {
    #[command(flatten)]
    args: dbc_sim::cli::SimArgs,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    match dbc_sim::cli::run(cli.args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dbc-sim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
