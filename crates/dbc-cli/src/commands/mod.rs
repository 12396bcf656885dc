//! Command implementations. API commands are thin: clap args → one `dbc-api` call → [`Output`].

pub mod bare_metal;
pub mod call;
pub mod completion;
pub mod config_cmd;
pub mod deeplink;
pub mod disk;
pub mod fleet;
pub mod image;
pub mod keys;
pub mod lan;
pub mod monitor;
pub mod node;
pub mod peers;
pub mod rent_orders;
pub mod sim;
pub mod snapshot;
pub mod vm;

use crate::args::{Cli, Command, GlobalArgs};
use crate::config::Settings;
use crate::creds::CredInputs;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use dbc_api::{Client, Credentials};
use dbc_types::{NodeId, TaskId};
use vm::VmCmd;

/// The registry endpoints of `dbc version`, `dbc stat` and `dbc client-config` (the coverage
/// test in `call.rs` reads these).
pub const ENDPOINTS: &[&str] = &[
    <dbc_types::registry::Version as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::Stat as dbc_types::Endpoint>::INFO.name,
    <dbc_types::registry::Config as dbc_types::Endpoint>::INFO.name,
];

/// Everything a command needs: resolved settings, output and credential inputs.
pub struct Ctx {
    /// Global options as parsed.
    pub global: GlobalArgs,
    /// Resolved settings.
    pub settings: Settings,
    /// Output mode.
    pub out: Output,
    /// Credential inputs (loaded lazily, only by commands that need them).
    pub creds: CredInputs,
    /// Per-request timeout (`None`: the `dbc-api` default).
    pub request_timeout: Option<std::time::Duration>,
}

impl Ctx {
    /// Builds the context for `cli`.
    pub fn new(cli: &Cli, settings: Settings) -> Self {
        let passwd = matches!(cli.command, Command::Vm(VmCmd::Passwd { .. }));
        // For `vm wait`, `--timeout` is how long to wait, not how long one request may take.
        let waiting = matches!(cli.command, Command::Vm(VmCmd::Wait { .. }));
        let request_timeout = if waiting && cli.global.timeout.is_some() {
            None
        } else {
            settings.timeout
        };
        Ctx {
            request_timeout,
            global: cli.global.clone(),
            out: Output {
                json: settings.json,
            },
            creds: CredInputs::new(&cli.global, &settings, !passwd),
            settings,
        }
    }

    /// The target node: the positional, else `DBC_NODE`, else the profile's `node`.
    ///
    /// # Errors
    /// No node given anywhere, or one that is not a node id.
    pub fn node(&self, given: Option<&str>) -> CliResult<NodeId> {
        match given.or(self.settings.node.as_deref()) {
            Some(n) => Ok(n.parse::<NodeId>()?),
            None => Err(CliError::Usage(
                "no GPU node given: pass NODE, set DBC_NODE, or put `node = \"…\"` in your profile"
                    .into(),
            )),
        }
    }

    /// An optional node without default (absent = the client node answers locally).
    ///
    /// # Errors
    /// `given` is not a node id.
    pub fn opt_node(&self, given: Option<&str>) -> CliResult<Option<NodeId>> {
        given
            .map(|n| n.parse::<NodeId>().map_err(CliError::from))
            .transpose()
    }

    /// A client with the given credentials.
    ///
    /// # Errors
    /// The URL, CA file or proxy of the settings is invalid.
    pub fn client(&self, creds: Credentials) -> CliResult<Client> {
        self.client_for_order(creds, None)
    }

    /// A client with the given credentials whose calls carry `rent_order` (per-GPU rentals).
    ///
    /// # Errors
    /// The URL, CA file or proxy of the settings is invalid.
    pub fn client_for_order(
        &self,
        creds: Credentials,
        rent_order: Option<dbc_types::RentOrder>,
    ) -> CliResult<Client> {
        let mut b = Client::builder()
            .url(self.settings.url.as_str())
            .credentials(creds);
        if let Some(r) = rent_order {
            b = b.rent_order(r);
        }
        b = self.settings.net.apply(b);
        if let Some(t) = self.request_timeout {
            b = b.request_timeout(t);
        }
        Ok(b.build()?)
    }

    /// A client with session > multisig > wallet credentials (or none).
    ///
    /// # Errors
    /// The configured credentials cannot be loaded, or the settings are invalid.
    pub fn client_any(&self) -> CliResult<Client> {
        self.client(self.creds.any()?)
    }

    /// A client without credentials.
    ///
    /// # Errors
    /// The URL, CA file or proxy of the settings is invalid.
    pub fn client_none(&self) -> CliResult<Client> {
        self.client(Credentials::None)
    }

    /// The VM `at` names (default node applies), with session > multisig > wallet credentials.
    ///
    /// # Errors
    /// A bad or missing node id, a bad task id, or credentials that cannot be loaded.
    pub fn task(&self, at: &crate::args::TaskArg) -> CliResult<dbc_api::Task> {
        let node = self.node(at.node.as_deref())?;
        Ok(self.client_any()?.node(&node).task(&task_id(&at.task)?))
    }
}

/// Every registry endpoint that has a dedicated command, from each command file's `ENDPOINTS`.
pub fn covered() -> impl Iterator<Item = &'static str> {
    [
        ENDPOINTS,
        bare_metal::ENDPOINTS,
        deeplink::ENDPOINTS,
        disk::ENDPOINTS,
        image::ENDPOINTS,
        lan::ENDPOINTS,
        monitor::ENDPOINTS,
        node::ENDPOINTS,
        peers::ENDPOINTS,
        rent_orders::ENDPOINTS,
        snapshot::ENDPOINTS,
        vm::ENDPOINTS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// `set(spec, v)` when an optional argument was given, else `spec` unchanged.
pub fn with<S, T>(spec: S, v: Option<T>, set: impl FnOnce(S, T) -> S) -> S {
    match v {
        Some(v) => set(spec, v),
        None => spec,
    }
}

/// Parses a task id.
///
/// # Errors
/// `s` is not a task id.
pub fn task_id(s: &str) -> CliResult<TaskId> {
    Ok(s.parse::<TaskId>()?)
}

/// Runs the parsed command.
///
/// # Errors
/// The command's error (usage, API, transport, failed check or interruption).
pub async fn dispatch(cli: Cli, ctx: Ctx) -> CliResult {
    if let Some((fleet_args, job)) = fleet::job(&cli.command) {
        return fleet::run(&ctx, fleet_args, job).await;
    }
    match cli.command {
        Command::Version => ctx.out.emit(&ctx.client_none()?.version().await?),
        Command::Key(k) => keys::key(&ctx, k),
        Command::Sign(a) => keys::sign(&ctx, a),
        Command::Verify(a) => keys::verify(&ctx, a),
        Command::Multisig(m) => keys::multisig(&ctx, m),
        Command::Node(n) => node::run(&ctx, n).await,
        Command::Vm(v) => vm::run(&ctx, v).await,
        Command::Image(c) => image::run(&ctx, c).await,
        Command::Snapshot(c) => snapshot::run(&ctx, c).await,
        Command::Disk(c) => disk::run(&ctx, c).await,
        Command::Lan(c) => lan::run(&ctx, c).await,
        Command::Monitor(c) => monitor::run(&ctx, c).await,
        Command::Peers(c) => peers::run(&ctx, c).await,
        Command::RentOrders(c) => rent_orders::run(&ctx, c).await,
        Command::BareMetal(c) => bare_metal::run(&ctx, c).await,
        Command::Deeplink(c) => deeplink::run(&ctx, c).await,
        Command::Stat => ctx.out.emit(&ctx.client_none()?.stat().await?),
        Command::ClientConfig => ctx.out.emit(&ctx.client_none()?.client_config().await?),
        Command::Config(config_cmd::ConfigCmd::Show) => ctx.out.emit(&ctx.settings),
        Command::Config(c) => config_cmd::run(&ctx.global, &c),
        Command::Completion(a) => completion::run(&a),
        Command::Sim(s) => sim::run(&ctx, s).await,
        Command::Demo(a) => crate::demo::run(&ctx, a).await,
        Command::Call(a) => call::run(&ctx, a).await,
    }
}
