//! Command-line grammar (clap derive). Only parsing lives here; behaviour is in `commands/`.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
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
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration like 45s, 2m, 1h: {e}"))
}

/// `--words`: 12 or 24.
fn parse_words(s: &str) -> Result<usize, String> {
    match s {
        "12" => Ok(12),
        "24" => Ok(24),
        _ => Err("the phrase has 12 or 24 words".into()),
    }
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
    /// Shell completion script: bash, zsh, fish, powershell, elvish
    #[command(after_help = crate::commands::completion::EXAMPLES)]
    Completion(crate::commands::completion::CompletionArgs),
}

const SIGN_EXAMPLES: &str = "\
Examples:
  dbc sign --suri-file renter.suri                  # wallet, nonce, sign (like sign_tool)
  dbc sign --suri-file renter.suri --session-id 3QRj...   # also session_id_sign
  DBC_SURI='//Alice' dbc sign --message hello --json";

const VERIFY_EXAMPLES: &str = "\
Examples:
  dbc verify --address 5Dy8ULx1De6u3WE9ixpy1VKK2CVssvsjQT15qcmQsG662Zj4 \\
      --message 5q7KRn4d8EmXFFsim8vHBp23N2CpERbD2mWR3WCo1o3teZnGxYEh4N6 --signature 2460725b...
Exit code: 0 valid, 1 invalid (with a hint when the signature covers <Bytes>…</Bytes>), 2 malformed input.";

const DEMO_EXAMPLES: &str = "\
Examples:
  dbc demo            # readable steps on stdout, spinner on stderr when it is a terminal
  dbc demo --json     # one JSON object per step, one per line
The demo starts the simulator in-process on 127.0.0.1 (ephemeral port) and uses the dev renter
key //Alice: machine info -> session id -> create VM -> wait running -> details -> list -> delete -> list.";

/// `dbc key …`
#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Generate a new key: phrase, seed, address, public key
    #[command(
        after_help = "Examples:\n  dbc key generate --out renter.suri   # phrase into a new 0600 file; prints the address\n  dbc key generate --words 24 --out ~/.dbc/renter.suri\n  dbc key generate   # prints phrase and seed: copy them somewhere safe, not into a shell redirect"
    )]
    Generate {
        /// Number of words of the phrase
        #[arg(long, default_value_t = 12, value_parser = parse_words)]
        words: usize,
        /// Write the phrase to this new file (mode 0600, never overwritten) instead of stdout;
        /// then use that file as your SURI file (DBC_SURI_FILE)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print the address and public key of a SURI, an address, or the configured key
    #[command(
        after_help = "Examples:\n  dbc key inspect --suri-file renter.suri\n  dbc key inspect --keystore wallet.json --password-file pw.txt\n  dbc key inspect 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY   # an address: no secret involved\n  dbc key inspect '//Alice'   # works, but the SURI lands in shell history"
    )]
    Inspect {
        /// A SURI or an SS58 address (a SURI here leaks into shell history: prefer --suri-file)
        #[arg(value_name = "SURI", id = "suri_or_address")]
        target: Option<ArgSecret>,
    },
}

/// `dbc sign`
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Sign this message (its UTF-8 bytes) instead of a fresh nonce. Warning: the result is a
    /// one-time login on every DBC node for whoever holds it
    #[arg(long, value_name = "M")]
    pub message: Option<String>,
}

/// `dbc verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// SS58 address of the signer
    #[arg(long, value_name = "A")]
    pub address: String,
    /// The signed message (UTF-8)
    #[arg(long, value_name = "M")]
    pub message: String,
    /// The signature: 128 hex digits, 0x accepted
    #[arg(long, value_name = "S")]
    pub signature: String,
}

/// `dbc multisig …`
#[derive(Debug, Subcommand)]
pub enum MultisigCmd {
    /// The multisig account id the chain sees for these members and --threshold
    #[command(
        after_help = "Examples:\n  dbc multisig address --threshold 2 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY \\\n      5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty 5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"
    )]
    Address {
        /// Member addresses (any order)
        #[arg(value_name = "ADDRESS", required = true)]
        addresses: Vec<String>,
    },
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

/// `dbc node …`
#[derive(Debug, Subcommand)]
pub enum NodeCmd {
    /// GPU nodes known to the client node
    #[command(
        after_help = "Examples:\n  dbc node list\n  dbc node list --json | jq -r '.mining_nodes[].node_id'"
    )]
    List,
    /// Machine info of a GPU node (seed call 1)
    #[command(
        after_help = "Examples:\n  dbc node info $NODE\n  dbc node info $NODE --image-server img1 --json"
    )]
    Info {
        #[command(flatten)]
        node: crate::commands::fleet::FleetNodeArg,
        /// Include the images of this image server
        #[arg(long, value_name = "ID")]
        image_server: Option<String>,
    },
    /// Your session id on a node (seed call 2); with a renter key also session_id_sign to hand out
    #[command(
        after_help = "session_id_sign acts as you on that node until the rent ends, and it also works ONCE as a\nwallet signature (nonce = the session id) on every DBC node: hand it only to people you trust.\n\nExamples:\n  DBC_SURI_FILE=renter.suri dbc node session-id $NODE\n  dbc node session-id $NODE --multisig-wallets A,B,C --threshold 2 \\\n      --multisig-signer-file a.suri --multisig-signer-file b.suri"
    )]
    SessionId(NodeArg),
    /// Drop the page cache on a GPU node
    #[command(after_help = "Examples:\n  dbc node free-memory $NODE")]
    FreeMemory(NodeArg),
}

/// Operating system of a new VM.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OsArg {
    /// Linux (ssh port)
    Linux,
    /// Windows (rdp port)
    Windows,
}

/// Firmware of a new VM.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BiosArg {
    /// Legacy BIOS
    Legacy,
    /// UEFI
    Uefi,
    /// Network boot (no disks)
    Pxe,
}

/// NIC model.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NicArg {
    /// e1000
    E1000,
    /// rtl8139
    Rtl8139,
}

/// `dbc vm create`
#[derive(Debug, Args)]
pub struct VmCreateArgs {
    /// GPU node id [default: env DBC_NODE, then the profile's `node`]
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    /// Image file on the node (ends in .qcow2)
    #[arg(long, value_name = "IMG")]
    pub image: String,
    /// vCPUs
    #[arg(long, value_name = "N")]
    pub cpus: u32,
    /// Memory in GiB
    #[arg(long, value_name = "GIB")]
    pub mem: u32,
    /// Data disk in GiB (not for --bios pxe)
    #[arg(long, value_name = "GIB")]
    pub disk: Option<u32>,
    /// GPUs to attach
    #[arg(long, value_name = "N")]
    pub gpus: Option<u32>,
    /// Host port forwarded to the guest's SSH (Linux)
    #[arg(long, value_name = "P")]
    pub ssh_port: Option<u16>,
    /// VNC port on the host (5900-65535)
    #[arg(long, value_name = "P")]
    pub vnc_port: u16,
    /// Host port forwarded to the guest's RDP (Windows)
    #[arg(long, value_name = "P")]
    pub rdp_port: Option<u16>,
    /// Operating system family
    #[arg(long, value_enum)]
    pub os: Option<OsArg>,
    /// Firmware
    #[arg(long, value_enum)]
    pub bios: Option<BiosArg>,
    /// Free text (no quotes or backslashes)
    #[arg(long, value_name = "D")]
    pub desc: Option<String>,
    /// Extra forward: tcp,123 | udp,111:222 | tcp,333-444 (repeatable)
    #[arg(long, value_name = "SPEC")]
    pub custom_port: Vec<String>,
    /// Multicast group ip:port in 224.0.0.0/4 (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub multicast: Vec<String>,
    /// Join this virtual LAN
    #[arg(long, value_name = "NAME")]
    pub network: Option<String>,
    /// Map this public IP to the VM
    #[arg(long, value_name = "IP")]
    pub public_ip: Option<String>,
    /// nwfilter rule <in|out>,<proto|all>,<port|all>,<cidr>,<accept|drop> (repeatable)
    #[arg(long, value_name = "RULE")]
    pub filter: Vec<String>,
    /// Use an existing /data file as data disk
    #[arg(long, value_name = "F")]
    pub data_file: Option<String>,
    /// NIC model (default virtio)
    #[arg(long, value_enum)]
    pub nic: Option<NicArg>,
    /// Custom task id (20-22 letters/digits)
    #[arg(long, value_name = "ID")]
    pub task_id: Option<String>,
    /// Chain rent order (per-GPU rentals)
    #[arg(long, value_name = "N")]
    pub rent_order: Option<String>,
    /// Wait until the VM is running (spinner on stderr)
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = parse_duration)]
    pub wait_timeout: Duration,
    /// Time between status polls while waiting
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_duration)]
    pub poll_interval: Duration,
}

/// `dbc vm modify`
#[derive(Debug, Args)]
pub struct VmModifyArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub at: TaskArg,
    /// New public IP. CAUTION: leaving it out removes an existing public IP; repeat the current one to keep it
    #[arg(long, value_name = "IP")]
    pub public_ip: Option<String>,
    /// New SSH port
    #[arg(long, value_name = "P")]
    pub ssh_port: Option<u16>,
    /// New RDP port
    #[arg(long, value_name = "P")]
    pub rdp_port: Option<u16>,
    /// New VNC port (next boot)
    #[arg(long, value_name = "P")]
    pub vnc_port: Option<u16>,
    /// Replacement custom forwards (repeatable)
    #[arg(long, value_name = "SPEC")]
    pub custom_port: Vec<String>,
    /// Replacement nwfilter rules (repeatable)
    #[arg(long, value_name = "RULE")]
    pub filter: Vec<String>,
    /// New GPU count
    #[arg(long, value_name = "N")]
    pub gpus: Option<u32>,
    /// New vCPU count
    #[arg(long, value_name = "N")]
    pub cpus: Option<u32>,
    /// New memory in GiB
    #[arg(long, value_name = "GIB")]
    pub mem: Option<u32>,
}

/// `dbc vm …`
#[derive(Debug, Subcommand)]
pub enum VmCmd {
    /// Create a VM (seed call 3)
    #[command(
        after_help = "Examples:\n  dbc vm create $NODE --image ubuntu.qcow2 --cpus 4 --mem 8 --disk 10 --gpus 0 \\\n      --ssh-port 5684 --vnc-port 5904 --wait\n  dbc vm create $NODE --image win10.qcow2 --os windows --rdp-port 5685 --vnc-port 5905 \\\n      --cpus 8 --mem 16 --disk 100 --gpus 1 --json"
    )]
    Create(Box<VmCreateArgs>),
    /// Your VMs on a node (seed call 5)
    #[command(
        after_help = "Examples:\n  dbc vm list $NODE\n  dbc vm list $NODE --json | jq -r '.[] | .task_id + \" \" + .status'"
    )]
    List(crate::commands::fleet::FleetNodeArg),
    /// Details of a VM, with the login line (seed call 4)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm info $NODE $TASK\n  dbc vm info $TASK            # node from DBC_NODE or the profile"
    )]
    Info(TaskArg),
    /// Start a stopped VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm start $NODE $TASK"
    )]
    Start(TaskArg),
    /// Shut a VM down
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm shutdown $NODE $TASK"
    )]
    Shutdown(TaskArg),
    /// Power a VM off
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm poweroff $NODE $TASK"
    )]
    Poweroff(TaskArg),
    /// Stop a VM (alias of poweroff on the node)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm stop $NODE $TASK"
    )]
    Stop(TaskArg),
    /// Restart a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm restart $NODE $TASK\n  dbc vm restart $NODE $TASK --force   # destroy + start"
    )]
    Restart {
        #[command(flatten)]
        at: TaskArg,
        /// Hard restart (destroy + start)
        #[arg(long)]
        force: bool,
    },
    /// Hard-reset a running VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm reset $NODE $TASK"
    )]
    Reset(TaskArg),
    /// Delete a VM (seed call 6)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm delete $NODE $TASK"
    )]
    Delete(TaskArg),
    /// The node's log about a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm logs $NODE $TASK\n  dbc vm logs $NODE $TASK --head --lines 20"
    )]
    Logs {
        #[command(flatten)]
        at: TaskArg,
        /// First lines
        #[arg(long, conflicts_with = "tail")]
        head: bool,
        /// Last lines (default)
        #[arg(long)]
        tail: bool,
        /// Number of lines (1-100)
        #[arg(long, value_name = "N")]
        lines: Option<u32>,
    },
    /// Modify ports, public IP, filters, GPUs/CPUs/memory
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm modify $NODE $TASK --ssh-port 6000\n  dbc vm modify $NODE $TASK --cpus 8 --mem 16 --public-ip 203.0.113.7"
    )]
    Modify(Box<VmModifyArgs>),
    /// Set the login password of a running VM (read from --password-file or a prompt)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm passwd $NODE $TASK --user dbc --password-file new-pw.txt\n(here --password-file is the new VM password; a keystore password then comes from DBC_PASSWORD)"
    )]
    Passwd {
        #[command(flatten)]
        at: TaskArg,
        /// Login user
        #[arg(long, value_name = "U")]
        user: String,
    },
    /// Wait until a VM reaches a status (spinner on stderr; --timeout, default 60m)
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc vm wait $NODE $TASK\n  dbc vm wait $NODE $TASK --status closed --timeout 5m"
    )]
    Wait {
        #[command(flatten)]
        at: TaskArg,
        /// Status to wait for
        #[arg(long, default_value = "running", value_name = "STATUS")]
        status: String,
        /// Time between status polls
        #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_duration)]
        poll_interval: Duration,
    },
}

/// `dbc image …`
#[derive(Debug, Subcommand)]
pub enum ImageCmd {
    /// Images on a node, or (without NODE) on an image server
    #[command(after_help = "Examples:\n  dbc image list $NODE\n  dbc image list --server img1")]
    List {
        /// GPU node id (omit to list an image server through the client node)
        #[arg(value_name = "NODE")]
        node: Option<String>,
        /// Image server id
        #[arg(long, value_name = "ID")]
        server: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        fleet: crate::commands::fleet::FleetArgs,
    },
    /// Image servers configured on the client node
    #[command(after_help = "Examples:\n  dbc image servers")]
    Servers,
    /// Download an image from an image server to a node
    #[command(
        after_help = "Examples:\n  dbc image download $NODE --server img1 --file ubuntu.qcow2 --dir /data"
    )]
    Download {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// Image server id
        #[arg(long, value_name = "ID")]
        server: String,
        /// Image file
        #[arg(long, value_name = "F")]
        file: String,
        /// Target directory on the node
        #[arg(long, value_name = "DIR", default_value = "/data")]
        dir: String,
    },
    /// Progress of a download
    #[command(after_help = "Examples:\n  dbc image download-progress $NODE --file ubuntu.qcow2")]
    DownloadProgress(ImageFileArgs),
    /// Stop a download
    #[command(after_help = "Examples:\n  dbc image download-stop $NODE --file ubuntu.qcow2")]
    DownloadStop(ImageFileArgs),
    /// Upload an image from a node (or the client node without NODE) to an image server
    #[command(after_help = "Examples:\n  dbc image upload $NODE --server img1 --file my.qcow2")]
    Upload {
        /// GPU node id (omit for the client node)
        #[arg(value_name = "NODE")]
        node: Option<String>,
        /// Image server id
        #[arg(long, value_name = "ID")]
        server: String,
        /// Image file
        #[arg(long, value_name = "F")]
        file: String,
    },
    /// Progress of an upload
    #[command(after_help = "Examples:\n  dbc image upload-progress $NODE --file my.qcow2")]
    UploadProgress(OptNodeFileArgs),
    /// Stop an upload
    #[command(after_help = "Examples:\n  dbc image upload-stop $NODE --file my.qcow2")]
    UploadStop(OptNodeFileArgs),
    /// Delete an image file on a node
    #[command(after_help = "Examples:\n  dbc image delete $NODE --file old.qcow2")]
    Delete(ImageFileArgs),
}

/// A node (default applies) and an image file.
#[derive(Debug, Args)]
pub struct ImageFileArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub node: NodeArg,
    /// Image file
    #[arg(long, value_name = "F")]
    pub file: String,
}

/// An optional node (no default: absent means the client node) and an image file.
#[derive(Debug, Args)]
pub struct OptNodeFileArgs {
    /// GPU node id (omit for the client node)
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    /// Image file
    #[arg(long, value_name = "F")]
    pub file: String,
}

/// `dbc snapshot …`
#[derive(Debug, Subcommand)]
pub enum SnapshotCmd {
    /// Snapshots of a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot list $NODE $TASK"
    )]
    List(TaskArg),
    /// One snapshot
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot info $NODE $TASK --name snap1"
    )]
    Info {
        #[command(flatten)]
        at: TaskArg,
        /// Snapshot name
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// Snapshot a shut-off VM and upload it to an image server
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot create $NODE $TASK --name snap1 --server img1 --desc 'before upgrade'"
    )]
    Create {
        #[command(flatten)]
        at: TaskArg,
        /// Snapshot name
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Image server to upload to
        #[arg(long, value_name = "ID")]
        server: String,
        /// Description
        #[arg(long, value_name = "D")]
        desc: Option<String>,
    },
    /// Delete a snapshot
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc snapshot delete $NODE $TASK --name snap1"
    )]
    Delete {
        #[command(flatten)]
        at: TaskArg,
        /// Snapshot name
        #[arg(long, value_name = "NAME")]
        name: String,
    },
}

/// `dbc disk …`
#[derive(Debug, Subcommand)]
pub enum DiskCmd {
    /// Disks of a VM
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk list $NODE $TASK"
    )]
    List(TaskArg),
    /// Grow a disk by SIZE GiB
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk resize $NODE $TASK --disk vdb --size 20"
    )]
    Resize {
        #[command(flatten)]
        at: TaskArg,
        /// Disk name, e.g. vdb
        #[arg(long, value_name = "NAME")]
        disk: String,
        /// GiB to add
        #[arg(long, value_name = "GIB")]
        size: u32,
    },
    /// Add a data disk
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk add $NODE $TASK --size 50"
    )]
    Add {
        #[command(flatten)]
        at: TaskArg,
        /// Size in GiB
        #[arg(long, value_name = "GIB")]
        size: u32,
        /// Host directory for the file (default /data)
        #[arg(long, value_name = "DIR")]
        mount_dir: Option<String>,
    },
    /// Delete a data disk
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc disk delete $NODE $TASK --disk vdc"
    )]
    Delete {
        #[command(flatten)]
        at: TaskArg,
        /// Disk name (not vda)
        #[arg(long, value_name = "NAME")]
        disk: String,
    },
}

/// `dbc lan …`
#[derive(Debug, Subcommand)]
pub enum LanCmd {
    /// Virtual LANs of a node, or of the client node without NODE
    #[command(after_help = "Examples:\n  dbc lan list $NODE\n  dbc lan list")]
    List {
        /// GPU node id (omit for the client node)
        #[arg(value_name = "NODE")]
        node: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        fleet: crate::commands::fleet::FleetArgs,
    },
    /// One virtual LAN
    #[command(after_help = "Examples:\n  dbc lan info mylan01 --node $NODE")]
    Info {
        /// Network name
        #[arg(value_name = "NAME")]
        name: String,
        /// GPU node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
    },
    /// Create a virtual LAN on a node
    #[command(after_help = "Examples:\n  dbc lan create $NODE --name mylan01 --cidr 10.10.0.0/24")]
    Create {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// 6-10 letters/digits
        #[arg(long, value_name = "NAME")]
        name: String,
        /// IPv4 a.b.c.d/n
        #[arg(long, value_name = "CIDR")]
        cidr: String,
    },
    /// Delete a virtual LAN
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc lan delete $NODE mylan01"
    )]
    Delete {
        /// GPU node id [default: env DBC_NODE, then the profile's `node`]
        #[arg(value_name = "NODE")]
        node: Option<String>,
        /// Network name
        #[arg(value_name = "NAME")]
        name: String,
    },
}

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
    Bridge(crate::commands::monitor::BridgeCmd),
}

/// `dbc peers …`
#[derive(Debug, Subcommand)]
pub enum PeersCmd {
    /// Connected peers
    #[command(after_help = "Examples:\n  dbc peers active")]
    Active,
    /// Candidate peers
    #[command(after_help = "Examples:\n  dbc peers global")]
    Global,
    /// LAN-discovered DBC nodes
    #[command(after_help = "Examples:\n  dbc peers lan")]
    Lan,
}

/// `dbc rent-orders …`
#[derive(Debug, Subcommand)]
pub enum RentOrdersCmd {
    /// Rent orders cached on a node (optionally by order id)
    #[command(
        after_help = "Examples:\n  dbc rent-orders list $NODE\n  dbc rent-orders list $NODE --order 1234"
    )]
    List {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: crate::commands::fleet::FleetNodeArg,
        /// Rent order id
        #[arg(long, value_name = "ID")]
        order: Option<String>,
    },
}

/// IPMI power command.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PowerArg {
    /// Power on
    On,
    /// Power off
    Off,
    /// Reset
    Reset,
    /// Query
    Status,
}

/// IPMI boot device.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BootArg {
    /// No override
    None,
    /// Network
    Pxe,
    /// CD-ROM
    Cdrom,
    /// Disk
    Disk,
    /// BIOS setup
    Bios,
}

/// `dbc bare-metal …`
#[derive(Debug, Subcommand)]
pub enum BareMetalCmd {
    /// Bare-metal servers (client list, manager list with --node, filter with --id)
    #[command(
        after_help = "Examples:\n  dbc bare-metal list\n  dbc bare-metal list --node $MANAGER --id $SERVER_UUID"
    )]
    List {
        /// Manager or server node id (omit for the client node's list)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// Filter by node id or uuid
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
    /// Register a bare-metal server with a manager (manager key)
    #[command(
        after_help = "Examples:\n  dbc bare-metal add --node $MANAGER --uuid srv-1 --ip 10.0.0.20 --ipmi-host 10.0.1.20 \\\n      --ipmi-user admin --ipmi-password-file ipmi.txt --suri-file manager.suri"
    )]
    Add {
        /// Manager node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// uuid (letters, digits, -)
        #[arg(long)]
        uuid: String,
        /// Server IP
        #[arg(long)]
        ip: String,
        /// OS
        #[arg(long)]
        os: Option<String>,
        /// Description
        #[arg(long)]
        desc: Option<String>,
        /// IPMI host
        #[arg(long, value_name = "HOST")]
        ipmi_host: String,
        /// IPMI user
        #[arg(long, value_name = "USER")]
        ipmi_user: String,
        /// File holding the IPMI password
        #[arg(long, value_name = "PATH")]
        ipmi_password_file: PathBuf,
        /// IPMI port
        #[arg(long, value_name = "P")]
        ipmi_port: Option<u16>,
    },
    /// Remove bare-metal servers (manager key)
    #[command(after_help = "Examples:\n  dbc bare-metal delete --node $MANAGER $ID1 $ID2")]
    Delete {
        /// Manager node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// Node ids to remove
        #[arg(value_name = "ID", required = true)]
        ids: Vec<String>,
    },
    /// Modify a bare-metal server (manager key)
    #[command(
        after_help = "Examples:\n  dbc bare-metal modify --node $MANAGER $ID --ip 10.0.0.21"
    )]
    Modify {
        /// Manager node id (omit for the client node)
        #[arg(long, value_name = "NODE")]
        node: Option<String>,
        /// The server's node id
        #[arg(value_name = "ID")]
        id: String,
        /// New uuid
        #[arg(long)]
        uuid: Option<String>,
        /// New IP
        #[arg(long)]
        ip: Option<String>,
        /// New OS
        #[arg(long)]
        os: Option<String>,
        /// New description
        #[arg(long)]
        desc: Option<String>,
        /// New IPMI host
        #[arg(long, value_name = "HOST")]
        ipmi_host: Option<String>,
        /// New IPMI user
        #[arg(long, value_name = "USER")]
        ipmi_user: Option<String>,
        /// File holding the new IPMI password
        #[arg(long, value_name = "PATH")]
        ipmi_password_file: Option<PathBuf>,
        /// New IPMI port
        #[arg(long, value_name = "P")]
        ipmi_port: Option<u16>,
    },
    /// IPMI power control
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc bare-metal power $NODE status\n  dbc bare-metal power $NODE on"
    )]
    Power {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// Command
        #[arg(value_enum, value_name = "COMMAND")]
        command: PowerArg,
    },
    /// IPMI boot device
    #[command(
        allow_missing_positional = true,
        after_help = "Examples:\n  dbc bare-metal bootdev $NODE pxe"
    )]
    Bootdev {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// Device
        #[arg(value_enum, value_name = "DEVICE")]
        device: BootArg,
    },
}

/// `dbc deeplink …`
#[derive(Debug, Subcommand)]
pub enum DeeplinkCmd {
    /// DeepLink device info
    #[command(after_help = "Examples:\n  dbc deeplink get $NODE")]
    Get(crate::commands::fleet::FleetNodeArg),
    /// Set DeepLink device info
    #[command(
        after_help = "Examples:\n  dbc deeplink set $NODE --device-id 123456789 --device-password-file dl.txt"
    )]
    Set {
        #[command(flatten)]
        #[allow(missing_docs)]
        node: NodeArg,
        /// New device id
        #[arg(long, value_name = "ID")]
        device_id: Option<String>,
        /// File holding the new device password
        #[arg(long, value_name = "PATH")]
        device_password_file: Option<PathBuf>,
    },
}

/// `dbc config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print the config file path, the profile and the resolved settings
    #[command(
        after_help = "Examples:\n  dbc config show\n  DBC_CONFIG=./dbc.toml dbc --profile prod config show --json"
    )]
    Show,
    /// Write a profile: url, node or nodes, key file or keystore path, CA file (never a secret)
    #[command(
        after_help = "Examples:\n  dbc --profile prod --url http://10.0.0.5:5002 config init --node $NODE --key-file ~/.dbc/renter.suri\n  dbc --profile fleet config init --nodes $N1,$N2,$N3 --keystore-file wallet.json --keystore-password-file pw.txt\n  dbc config init --force      # replace the `default` profile"
    )]
    Init(crate::commands::config_cmd::InitArgs),
    /// Set one key of a profile (--profile, else the default profile); an empty value removes it
    #[command(
        after_help = "Examples:\n  dbc config set url http://10.0.0.5:5002\n  dbc config set nodes $N1,$N2 --profile fleet\n  dbc config set timeout 90s\n  dbc config set node ''        # remove the default node"
    )]
    Set(crate::commands::config_cmd::SetArgs),
    /// List the profiles of the config file
    #[command(after_help = "Examples:\n  dbc config profiles\n  dbc config profiles --json")]
    Profiles,
}

/// `dbc sim …`
#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// Run the simulator in the foreground; prints the same ready line as the dbc-sim binary
    #[command(
        after_help = "Examples:\n  dbc sim serve --listen 127.0.0.1:5050\n  dbc sim serve --listen 127.0.0.1:0   # ephemeral port, see the ready line\n  dbc sim serve --fault tasks.create=reply-lost   # creates, then answers `create task timeout`\n  dbc sim serve --fault 'tasks.list@1=latency:2s' --fault '*=oversized:128KiB'\n  dbc sim serve --create-delay 2s..10s --create-failure 0.2 --time-scale 0.01\n  dbc sim serve --monitor-interval 5s --monitor-pacing 1s   # push VM metrics every 5 s (docs/simulator-monitor.md)"
    )]
    Serve(dbc_sim::cli::SimArgs),
}

/// `dbc demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Simulated VM creation time
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub create_delay: Duration,
    /// Simulator seed
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
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
