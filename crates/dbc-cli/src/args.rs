//! The top-level grammar (clap derive): [`Cli`], the [`Command`] list, the global options and the
//! argument types several command groups share. Each group's own grammar lives beside its
//! behaviour in `commands/<group>.rs`.

use crate::commands::bare_metal::BareMetalCmd;
use crate::commands::config_cmd::ConfigCmd;
use crate::commands::deeplink::DeeplinkCmd;
use crate::commands::disk::DiskCmd;
use crate::commands::image::ImageCmd;
use crate::commands::keys::{
    KeyCmd, MultisigCmd, SignArgs, VerifyArgs, SIGN_EXAMPLES, VERIFY_EXAMPLES,
};
use crate::commands::lan::LanCmd;
use crate::commands::monitor::MonitorCmd;
use crate::commands::node::NodeCmd;
use crate::commands::peers::PeersCmd;
use crate::commands::rent_orders::RentOrdersCmd;
use crate::commands::sim::SimCmd;
use crate::commands::snapshot::SnapshotCmd;
use crate::commands::vm::VmCmd;
use crate::demo::{DemoArgs, DEMO_EXAMPLES};
use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

const GLOBAL: &str = "Global options";
const CREDS: &str = "Credentials (never required on the command line)";

const MAIN_EXAMPLES: &str = "\
Examples:
  dbc demo                                   # whole seed flow against the built-in simulator
  dbc --url http://127.0.0.1:5002 version    # client node version
  dbc --url https://node.example --cacert ca.pem version   # over TLS, private CA
  dbc node info $NODE                        # machine info of a GPU node
  DBC_SURI_FILE=~/.dbc/renter.suri dbc node session-id $NODE
  dbc vm create $NODE --image ubuntu.qcow2 --cpus 4 --mem 8 --disk 10 --gpus 0 \\
      --ssh-port 5684 --vnc-port 5904 --wait
  dbc vm list $NODE --json | jq '.[].task_id'
  dbc key inspect --keystore wallet.json --password-file pw.txt
  dbc verify --address 5Grw... --message NONCE --signature HEX

Configuration: <config dir>/dbc/config.toml (override with DBC_CONFIG), profiles chosen with
--profile/DBC_PROFILE. Precedence: flags > environment > profile > defaults.
Exit codes: 0 ok, 1 API or verification failure, 2 usage/config error, 3 transport error
(unreachable, timeout, TLS or proxy failure), 130 interrupted.";

/// `dbc`: every DeepBrainChain client API call, safe signing, and a one-command demo.
#[derive(Debug, Parser)]
#[command(
    name = "dbc",
    version,
    about = "DeepBrainChain client node API from the terminal: VMs, keys, signatures, simulator",
    after_help = MAIN_EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    /// Options valid for every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every command (before or after the subcommand).
/// Secrets are [`ArgSecret`]s, so `Debug` never shows them.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Client node URL [default: http://127.0.0.1:5050]
    #[arg(long, global = true, env = "DBC_CLIENT_URL", value_name = "URL", help_heading = GLOBAL)]
    pub url: Option<String>,
    /// Profile of the config file to use
    #[arg(long, global = true, env = "DBC_PROFILE", value_name = "NAME", help_heading = GLOBAL)]
    pub profile: Option<String>,
    /// Print JSON only on stdout: the reply's `message`, or the command's own result object
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,
    /// Log to stderr (-v info, -vv debug, -vvv trace); secrets are never logged
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,
    /// Request timeout, e.g. 45s, 2m [env: DBC_TIMEOUT]. For `vm wait`: how long to wait (default 60m)
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, help_heading = GLOBAL)]
    pub timeout: Option<Duration>,
    /// `--jq`, `--no-headers`, `--wide`.
    #[command(flatten)]
    pub view: crate::output::ViewArgs,

    /// File holding the secret URI (phrase, //Dev or 0xseed) [env: DBC_SURI_FILE; or the SURI in DBC_SURI]
    #[arg(long, global = true, value_name = "PATH", help_heading = CREDS)]
    pub suri_file: Option<PathBuf>,
    /// Secret URI on the command line: accepted, but it leaks into shell history (prefer --suri-file / DBC_SURI)
    #[arg(long, global = true, value_name = "SURI", help_heading = CREDS)]
    pub suri: Option<ArgSecret>,
    /// polkadot-js keystore JSON export [env: DBC_KEYSTORE]
    #[arg(long, global = true, value_name = "FILE", help_heading = CREDS)]
    pub keystore: Option<PathBuf>,
    /// File holding the keystore password [or env DBC_PASSWORD; else prompt on a terminal]. For `vm passwd`: the new VM password
    #[arg(long, global = true, value_name = "PATH", help_heading = CREDS)]
    pub password_file: Option<PathBuf>,
    /// Session id handed out by the renter. For `sign`: the session id to sign
    #[arg(long, global = true, env = "DBC_SESSION_ID", value_name = "ID", help_heading = CREDS)]
    pub session_id: Option<String>,
    /// The renter's signature of the session id [prefer env DBC_SESSION_ID_SIGN]
    #[arg(long, global = true, value_name = "HEX", help_heading = CREDS)]
    pub session_id_sign: Option<ArgSecret>,
    /// Multisig renter: every member wallet, comma separated, in registration order
    #[arg(long, global = true, value_delimiter = ',', value_name = "A,B,C", help_heading = CREDS)]
    pub multisig_wallets: Vec<String>,
    /// Multisig threshold (also the threshold of `multisig address`)
    #[arg(long, global = true, value_name = "N", help_heading = CREDS)]
    pub threshold: Option<u16>,
    /// File holding the SURI of one signing multisig member (repeat per member)
    #[arg(long, global = true, value_name = "PATH", help_heading = CREDS)]
    pub multisig_signer_file: Vec<PathBuf>,
    /// TLS CA file, proxy (see crate::net).
    #[command(flatten)]
    pub net: crate::net::NetArgs,
}

/// A secret given on the command line (accepted with a warning). `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ArgSecret(pub String);

impl std::str::FromStr for ArgSecret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ArgSecret(s.to_owned()))
    }
}

impl std::fmt::Debug for ArgSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("** redacted **")
    }
}

/// Parses `45s`, `2m`, `1h30m` (humantime) or a bare number of seconds.
///
/// # Errors
/// A value that is neither whole seconds nor a humantime duration (the message shows the forms).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration like 45s, 2m, 1h: {e}"))
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Version of the client node
    #[command(
        after_help = "Examples:\n  dbc version\n  dbc --url http://10.0.0.5:5002 version --json"
    )]
    Version,
    /// Generate or inspect sr25519 keys (like `subkey`)
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc key generate --words 24\n  dbc key inspect --suri-file renter.suri"
    )]
    Key(KeyCmd),
    /// Sign a fresh nonce (like `sign_tool`), a message, or a session id
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Verify an sr25519 signature (exit 0 valid, 1 invalid, 2 malformed input)
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Multisig account tools
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc multisig address --threshold 2 $ADDR1 $ADDR2 $ADDR3"
    )]
    Multisig(MultisigCmd),
    /// GPU nodes: list, machine info, session id, free memory
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc node list\n  dbc node info $NODE\n  dbc node session-id $NODE --suri-file renter.suri"
    )]
    Node(NodeCmd),
    /// Virtual machines (tasks) on a GPU node
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc vm create $NODE --image ubuntu.qcow2 --cpus 4 --mem 8 --disk 10 --gpus 0 --ssh-port 5684 --vnc-port 5904 --wait\n  dbc vm list $NODE\n  dbc vm info $NODE $TASK\n  dbc vm delete $NODE $TASK"
    )]
    Vm(VmCmd),
    /// Images on GPU nodes and image servers
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc image list $NODE\n  dbc image servers"
    )]
    Image(ImageCmd),
    /// VM snapshots
    #[command(subcommand, after_help = "Examples:\n  dbc snapshot list $NODE $TASK")]
    Snapshot(SnapshotCmd),
    /// VM disks
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc disk list $NODE $TASK\n  dbc disk add $NODE $TASK --size 50"
    )]
    Disk(DiskCmd),
    /// Virtual LANs (VxLAN)
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc lan list $NODE\n  dbc lan create $NODE --name mylan01 --cidr 10.10.0.0/24"
    )]
    Lan(LanCmd),
    /// Monitor servers of your VMs on a node; `serve` turns their pushes into Prometheus metrics
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc monitor list $NODE\n  dbc monitor serve --listen 0.0.0.0:10051 --metrics 127.0.0.1:9109\n  dbc monitor add $NODE 203.0.113.7:10051\n  dbc monitor watch"
    )]
    Monitor(MonitorCmd),
    /// Peers of the client node
    #[command(subcommand, after_help = "Examples:\n  dbc peers active")]
    Peers(PeersCmd),
    /// Rent orders known to a GPU node
    #[command(subcommand, after_help = "Examples:\n  dbc rent-orders list $NODE")]
    RentOrders(RentOrdersCmd),
    /// Bare-metal servers (IPMI)
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc bare-metal list\n  dbc bare-metal power $NODE status"
    )]
    BareMetal(BareMetalCmd),
    /// DeepLink device info of a bare-metal server
    #[command(subcommand, after_help = "Examples:\n  dbc deeplink get $NODE")]
    Deeplink(DeeplinkCmd),
    /// `/api/v1/stat` (disabled in node 0.4.1.8: always fails)
    #[command(after_help = "Examples:\n  dbc stat")]
    Stat,
    /// `/api/v1/config` (disabled in node 0.4.1.8: always fails)
    #[command(after_help = "Examples:\n  dbc client-config")]
    ClientConfig,
    /// CLI settings: show what is in effect, write profiles (never secrets)
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc config show\n  dbc config init --url http://10.0.0.5:5002 --key-file ~/.dbc/renter.suri\n  dbc config profiles"
    )]
    Config(ConfigCmd),
    /// Run the local DBC simulator
    #[command(
        subcommand,
        after_help = "Examples:\n  dbc sim serve --listen 127.0.0.1:5050"
    )]
    Sim(SimCmd),
    /// Run the whole seed flow against the built-in simulator (< 20 s)
    #[command(after_help = DEMO_EXAMPLES)]
    Demo(DemoArgs),
    /// Call any registry endpoint by name (`--list` prints them)
    #[command(after_help = crate::commands::call::EXAMPLES)]
    Call(crate::commands::call::CallArgs),
    /// Shell completion script: bash, zsh, fish, powershell, elvish
    #[command(after_help = crate::commands::completion::EXAMPLES)]
    Completion(crate::commands::completion::CompletionArgs),
}

/// A GPU node given as an optional positional (default: DBC_NODE or the profile's `node`).
#[derive(Debug, Clone, Args)]
pub struct NodeArg {
    /// GPU node id (64 hex) [default: env DBC_NODE, then the profile's `node`]
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
}

/// A node and a task.
#[derive(Debug, Clone, Args)]
pub struct TaskArg {
    /// GPU node id (64 hex) [default: env DBC_NODE, then the profile's `node`]
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    /// Task (VM) id
    #[arg(value_name = "TASK")]
    pub task: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn debug_redacts_secrets() {
        let cli = Cli::try_parse_from([
            "dbc",
            "--suri",
            "//Secret",
            "--session-id-sign",
            "abcdef0123",
            "key",
            "inspect",
            "--json",
        ])
        .map_err(|e| e.to_string());
        let text = format!("{cli:?}");
        assert!(cli.is_ok(), "{text}");
        assert!(
            !text.contains("//Secret") && !text.contains("abcdef0123"),
            "{text}"
        );
        assert!(text.contains("redacted"));
    }

    #[test]
    fn grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    fn leaves(cmd: &clap::Command, path: String, out: &mut Vec<(String, bool)>) {
        let has = cmd
            .get_after_help()
            .map(|h| h.to_string().contains("Examples:"))
            .unwrap_or(false);
        out.push((path.clone(), has));
        for sc in cmd.get_subcommands() {
            leaves(sc, format!("{path} {}", sc.get_name()), out);
        }
    }

    #[test]
    fn every_command_has_examples() {
        let mut all = Vec::new();
        leaves(&Cli::command(), "dbc".into(), &mut all);
        let missing: Vec<&String> = all.iter().filter(|(_, has)| !has).map(|(p, _)| p).collect();
        assert!(missing.is_empty(), "commands without examples: {missing:?}");
        assert!(all.len() > 60, "{}", all.len());
    }

    #[test]
    fn optional_node_positional() {
        let c = Cli::try_parse_from(["dbc", "vm", "info", "TASK1"]).map_err(|e| e.to_string());
        match c.map(|c| c.command) {
            Ok(Command::Vm(VmCmd::Info(t))) => {
                assert_eq!(t.node, None);
                assert_eq!(t.task, "TASK1");
            }
            other => panic!("unexpected {other:?}"),
        }
        let c = Cli::try_parse_from(["dbc", "vm", "info", "N", "T", "--json"])
            .map_err(|e| e.to_string());
        match c {
            Ok(Cli {
                command: Command::Vm(VmCmd::Info(t)),
                global,
            }) => {
                assert_eq!(t.node.as_deref(), Some("N"));
                assert!(global.json);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
