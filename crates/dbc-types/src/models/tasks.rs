//! Tasks (virtual machines): list, details, create, lifecycle actions, logs, modify, passwd.

use super::common::Extra;
use crate::endpoint::PathParams;
use crate::error::{invalid, Validate, ValidationError};
use crate::ids::TaskId;
use crate::numstr::{num_str, opt_num_str};
use crate::secret::SecretString;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// VM status strings (spec §8.2). Unknown strings are kept in [`TaskStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskStatus {
    /// `creating`
    Creating,
    /// `running`
    Running,
    /// `closed`
    Closed,
    /// `pmsuspend`
    PmSuspend,
    /// `starting`
    Starting,
    /// `being shutdown`
    BeingShutdown,
    /// `being poweroff`
    BeingPoweroff,
    /// `restarting`
    Restarting,
    /// `resetting`
    Resetting,
    /// `deleting`
    Deleting,
    /// `create error`
    CreateError,
    /// `start error`
    StartError,
    /// `shutdown error`
    ShutdownError,
    /// `poweroff error`
    PoweroffError,
    /// `restart error`
    RestartError,
    /// `reset error`
    ResetError,
    /// `none`
    None,
    /// Any other string a node may send.
    Other(String),
}

impl TaskStatus {
    const TABLE: &'static [(&'static str, TaskStatus)] = &[
        ("creating", TaskStatus::Creating),
        ("running", TaskStatus::Running),
        ("closed", TaskStatus::Closed),
        ("pmsuspend", TaskStatus::PmSuspend),
        ("starting", TaskStatus::Starting),
        ("being shutdown", TaskStatus::BeingShutdown),
        ("being poweroff", TaskStatus::BeingPoweroff),
        ("restarting", TaskStatus::Restarting),
        ("resetting", TaskStatus::Resetting),
        ("deleting", TaskStatus::Deleting),
        ("create error", TaskStatus::CreateError),
        ("start error", TaskStatus::StartError),
        ("shutdown error", TaskStatus::ShutdownError),
        ("poweroff error", TaskStatus::PoweroffError),
        ("restart error", TaskStatus::RestartError),
        ("reset error", TaskStatus::ResetError),
        ("none", TaskStatus::None),
    ];

    /// The wire string.
    pub fn as_str(&self) -> &str {
        if let TaskStatus::Other(s) = self {
            return s;
        }
        Self::TABLE
            .iter()
            .find(|(_, v)| v == self)
            .map(|(k, _)| *k)
            .unwrap_or("none")
    }

    /// Parses a wire string (never fails).
    pub fn parse(s: &str) -> Self {
        Self::TABLE
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| TaskStatus::Other(s.to_owned()))
    }

    /// `running`.
    pub fn is_running(&self) -> bool {
        *self == TaskStatus::Running
    }

    /// Any `… error` status.
    pub fn is_error(&self) -> bool {
        self.as_str().ends_with(" error") || self.as_str() == "error"
    }

    /// A transitional status that a background worker will change.
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            TaskStatus::Creating
                | TaskStatus::Starting
                | TaskStatus::BeingShutdown
                | TaskStatus::BeingPoweroff
                | TaskStatus::Restarting
                | TaskStatus::Resetting
                | TaskStatus::Deleting
        )
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(TaskStatus::parse(&Cow::<str>::deserialize(d)?))
    }
}

impl JsonSchema for TaskStatus {
    fn schema_name() -> Cow<'static, str> {
        "TaskStatus".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "creating, running, closed, pmsuspend, starting, being shutdown, being poweroff, restarting, resetting, deleting, create error, start error, shutdown error, poweroff error, restart error, reset error, none; other strings possible"
        })
    }
}

/// One entry of the VM list (and the create reply).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TaskSummary {
    /// The task id.
    pub task_id: TaskId,
    /// `YYYY-MM-DD HH:MM:SS`, node local time.
    #[serde(default)]
    pub create_time: String,
    /// Free text given at creation.
    #[serde(default)]
    pub desc: String,
    /// Current status.
    pub status: TaskStatus,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The VM list: a bare JSON array.
pub type TaskList = Vec<TaskSummary>;

/// A disk of a VM (details).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TaskDisk {
    /// `vda`, `vdb`, …
    pub name: String,
    /// e.g. `350G`.
    pub size: String,
    /// Image file on the node.
    pub source_file: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A network interface of a VM (details).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TaskInterface {
    /// libvirt network or bridge name.
    pub name: String,
    /// NIC model.
    #[serde(rename = "type")]
    pub model: String,
    /// MAC address.
    pub mac_address: String,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// VM details (spec §7.2.2). `cpu_cores`/`gpu_count` arrive as JSON numbers (strings accepted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TaskDetails {
    /// The task id.
    pub task_id: TaskId,
    /// Operating system as stored (`linux`, `windows`, …).
    #[serde(default)]
    pub os: String,
    /// Public IP to log in on.
    #[serde(default)]
    pub ssh_ip: String,
    /// SSH port on `ssh_ip` (Linux), as the node stored it: nodes accept any digit string at
    /// creation (spec §8.5), so values above 65535 occur and are shown as given.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub ssh_port: Option<u64>,
    /// RDP port on `ssh_ip` (Windows), as the node stored it (may exceed 65535, like `ssh_port`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub rdp_port: Option<u64>,
    /// Login user.
    #[serde(default)]
    pub user_name: String,
    /// Login password (secret: redacted in `Debug`).
    #[serde(default)]
    pub login_password: SecretString,
    /// vCPUs (a JSON number on the wire).
    #[serde(deserialize_with = "num_str::deserialize")]
    pub cpu_cores: u32,
    /// GPUs (a JSON number on the wire).
    #[serde(deserialize_with = "num_str::deserialize")]
    pub gpu_count: u32,
    /// Memory, e.g. `64G`.
    #[serde(default)]
    pub mem_size: String,
    /// System disk size, always `350G`.
    #[serde(default)]
    pub disk_system: String,
    /// VNC port on the host.
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub vnc_port: u16,
    /// VNC password (secret).
    #[serde(default)]
    pub vnc_password: SecretString,
    /// Virtual LAN, if joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    #[serde(default)]
    pub create_time: String,
    /// Free text.
    #[serde(default)]
    pub desc: String,
    /// Current status.
    pub status: TaskStatus,
    /// Rent order, when created with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rent_order: Option<String>,
    /// LAN addresses reported by the guest agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_address: Option<Vec<String>>,
    /// Disks (absent for pxe tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disks: Option<Vec<TaskDisk>>,
    /// nwfilter rules, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_filters: Option<Vec<String>>,
    /// Network interfaces.
    #[serde(default)]
    pub interface: Vec<TaskInterface>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TaskDetails {
    /// A ready-to-copy login line: `ssh -p PORT USER@IP` or `rdp IP:PORT (user USER)`.
    pub fn login_line(&self) -> String {
        match (self.ssh_port, self.rdp_port) {
            (Some(p), _) => format!("ssh -p {p} {}@{}", self.user_name, self.ssh_ip),
            (None, Some(p)) => format!("rdp {}:{p} (user {})", self.ssh_ip, self.user_name),
            _ => format!("{} (no login port reported)", self.ssh_ip),
        }
    }
}

/// Operating-system family of a new VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OsFamily {
    /// `linux` (the node also accepts any text containing `ubuntu`).
    #[default]
    Linux,
    /// `windows` (the node also accepts any text containing `win`).
    Windows,
}

/// Firmware of a new VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BiosMode {
    /// `legacy` (default).
    #[default]
    Legacy,
    /// `uefi`.
    Uefi,
    /// `pxe` (network boot; no disks).
    Pxe,
}

/// NIC model. Only these two may be sent: an explicit `virtio` (the default when omitted)
/// is rejected by the node (`invalid interface model type`, a defect kept in the simulator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InterfaceModel {
    /// `e1000`
    E1000,
    /// `rtl8139`
    Rtl8139,
}

/// `additional` of *create VM* (spec §7.2.3). Numbers are written as JSON strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CreateVm {
    /// Optional custom task id: 20–22 ASCII letters/digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Image file in the node's `/data` (must end in `.qcow2`).
    pub image_name: String,
    /// Operating-system family (default linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_system: Option<OsFamily>,
    /// Firmware (default legacy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bios_mode: Option<BiosMode>,
    /// Host port forwarded to the guest's SSH (Linux; required unless `public_ip`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub ssh_port: Option<u16>,
    /// Host port forwarded to the guest's RDP (Windows; required unless `public_ip`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub rdp_port: Option<u16>,
    /// VNC console port on the host, in [5900, 65535].
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub vnc_port: u16,
    /// GPUs to attach (default 0; 0 only for whole-machine rentals).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub gpu_count: Option<u32>,
    /// vCPUs (> 0).
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub cpu_cores: u32,
    /// Memory in GiB (> 0).
    #[serde(with = "num_str")]
    #[schemars(with = "crate::numstr::NumStr")]
    pub mem_size: u32,
    /// Data disk `vdb` in GiB (> 0; not for pxe).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub disk_size: Option<u32>,
    /// Free text (avoid `"` and `\`: the node does not escape it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// A public IP to map to the VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// Use an existing `/data/<name>` file as data disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_file_name: Option<String>,
    /// Join this virtual LAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    /// Extra forwards: `tcp,123`, `udp,111:222`, `tcp,333-444`, `udp,555-666:777-888`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_port: Vec<String>,
    /// Multicast groups `<ipv4>:<port>` in 224.0.0.0/4.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub multicast: Vec<String>,
    /// nwfilter rules `<in|out>,<proto|all>,<port|all>,<cidr>,<accept|drop>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_filters: Vec<String>,
    /// NIC model (omit for virtio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_model_type: Option<InterfaceModel>,
    /// Unknown members (kept for forward compatibility).
    #[serde(flatten)]
    pub extra: Extra,
}

fn check_port_digits(
    field: &'static str,
    v: Option<u16>,
    required: bool,
) -> Result<(), ValidationError> {
    if required && v.is_none() {
        return invalid(field, format!("{field} is empty"));
    }
    Ok(())
}

/// Validates `<ipv4>:<port>` in 224.0.0.0/4.
///
/// # Errors
/// A [`ValidationError`] for anything but a 224.0.0.0/4 address with a port.
pub fn validate_multicast(m: &str) -> Result<(), ValidationError> {
    let (ip, port) = match m.split_once(':') {
        Some(p) => p,
        None => return invalid("multicast", "multicast format: ip:port"),
    };
    let ip: Ipv4Addr = match ip.parse() {
        Ok(ip) => ip,
        Err(_) => {
            return invalid(
                "multicast",
                "multicast format: ip:port (the address is not IPv4 text)",
            )
        }
    };
    if !ip.is_multicast() {
        return invalid("multicast", "address is not a multicast address");
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok(()),
        _ => invalid("multicast", "invalid multicast port"),
    }
}

impl Validate for CreateVm {
    /// The node's rules of spec §7.2.3, in the node's order and wording.
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(id) = &self.task_id {
            if !(20..=22).contains(&id.len()) {
                return invalid("task_id", "wrong task id length");
            }
            if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return invalid(
                    "task_id",
                    "task id requires a combination of letters or numbers",
                );
            }
        }
        if let Some(d) = &self.desc {
            if d.contains(['"', '\\']) || d.chars().any(char::is_control) {
                return invalid(
                    "desc",
                    "desc must not contain quotes, backslashes or control characters (the node does not escape it and its replies would become invalid JSON)",
                );
            }
        }
        if self.image_name.is_empty() {
            return invalid("image_name", "image_name is empty");
        }
        if !self.image_name.ends_with(".qcow2") {
            return invalid(
                "image_name",
                "'image_name' extension name is invalid (must end in .qcow2)",
            );
        }
        if self.image_name.contains(['"', '\\', '/']) {
            return invalid(
                "image_name",
                "image_name is a file name in /data without quotes, backslashes or '/'",
            );
        }
        if let Some(ip) = &self.public_ip {
            if ip.parse::<IpAddr>().is_err() {
                return invalid("public_ip", "invalid public ip");
            }
        }
        let os = self.operation_system.unwrap_or_default();
        let has_public_ip = self.public_ip.is_some();
        match os {
            OsFamily::Linux => check_port_digits("ssh_port", self.ssh_port, !has_public_ip)?,
            OsFamily::Windows => check_port_digits("rdp_port", self.rdp_port, !has_public_ip)?,
        }
        if self.vnc_port < 5900 {
            return invalid("vnc_port", "vnc_port is invalid (usage: [5900, 65535])");
        }
        if self.cpu_cores == 0 {
            return invalid("cpu_cores", "cpu_cores is invalid (must be > 0)");
        }
        if self.mem_size == 0 {
            return invalid("mem_size", "mem_size is invalid (GiB, must be > 0)");
        }
        let pxe = self.bios_mode == Some(BiosMode::Pxe);
        if !pxe && self.disk_size.unwrap_or(0) == 0 {
            return invalid("disk_size", "disk_size is invalid (usage: disk_size > 0)");
        }
        for m in &self.multicast {
            validate_multicast(m)?;
        }
        for (field, list) in [
            ("custom_port", &self.custom_port),
            ("network_filters", &self.network_filters),
        ] {
            if list.iter().any(|s| s.contains(['"', '\\'])) {
                return invalid(field, "entries must not contain quotes or backslashes");
            }
        }
        Ok(())
    }
}

/// Restart parameters: the task and the `force_reboot` query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestartParams {
    /// The VM.
    pub task_id: TaskId,
    /// `Some(true)` sends `force_reboot=true` (destroy + start); `Some(false)` sends `false`.
    pub force: Option<bool>,
}

impl PathParams for RestartParams {
    fn path_values(&self) -> Vec<&str> {
        vec![self.task_id.as_str()]
    }
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        match self.force {
            Some(f) => vec![("force_reboot", f.to_string())],
            None => Vec::new(),
        }
    }
}

/// Which end of the log to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogDirection {
    /// First lines.
    Head,
    /// Last lines (default).
    #[default]
    Tail,
}

/// Log query: direction and number of lines (1–100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogQuery {
    /// Head or tail.
    pub direction: LogDirection,
    /// Lines, 1–100.
    pub lines: u32,
}

impl Default for LogQuery {
    fn default() -> Self {
        LogQuery {
            direction: LogDirection::Tail,
            lines: 100,
        }
    }
}

/// Logs parameters: the task and an optional query (`None` = the node's default, tail 100).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogsParams {
    /// The VM.
    pub task_id: TaskId,
    /// `flag` and `line_num`.
    pub query: Option<LogQuery>,
}

impl PathParams for LogsParams {
    fn path_values(&self) -> Vec<&str> {
        vec![self.task_id.as_str()]
    }
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        match self.query {
            Some(q) => vec![
                (
                    "flag",
                    match q.direction {
                        LogDirection::Head => "head".to_owned(),
                        LogDirection::Tail => "tail".to_owned(),
                    },
                ),
                ("line_num", q.lines.to_string()),
            ],
            None => Vec::new(),
        }
    }
    fn validate_params(&self) -> Result<(), ValidationError> {
        match &self.query {
            Some(q) => q.validate(),
            None => Ok(()),
        }
    }
}

impl LogQuery {
    /// The node reads `line_num <= 0` as an error and `> 100` as 99: only 1–100 are meaningful.
    ///
    /// # Errors
    /// A [`ValidationError`] for `line_num` outside 1–100.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.lines == 0 {
            return invalid("line_num", "invalid line num (must be 1-100)");
        }
        if self.lines > 100 {
            return invalid(
                "line_num",
                "line_num above 100 is read as 99 by the node; ask for at most 100",
            );
        }
        Ok(())
    }
}

/// Logs reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TaskLogs {
    /// The VM.
    pub task_id: TaskId,
    /// One string per line.
    #[serde(default)]
    pub log_content: Vec<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `additional` of *modify VM* (spec §7.2.11). Changes apply one by one and are not undone on a
/// later failure. **Leaving `new_public_ip` out removes an existing public IP**: set it to the
/// current IP to keep it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ModifyVm {
    /// New public IP (`Some("")` or `None` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_public_ip: Option<String>,
    /// New SSH port (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub new_ssh_port: Option<u16>,
    /// New RDP port (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub new_rdp_port: Option<u16>,
    /// Replacement custom forwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_custom_port: Option<Vec<String>>,
    /// Replacement nwfilter rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_network_filters: Option<Vec<String>>,
    /// New VNC port, 5900–65535 (next boot).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub new_vnc_port: Option<u16>,
    /// New GPU count (whole-machine rentals only).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub new_gpu_count: Option<u32>,
    /// New vCPU count (whole-machine rentals only).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub new_cpu_cores: Option<u32>,
    /// New memory in GiB (whole-machine rentals only).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_num_str")]
    #[schemars(with = "Option<crate::numstr::NumStr>")]
    pub new_mem_size: Option<u32>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Validate for ModifyVm {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(ip) = &self.new_public_ip {
            if !ip.is_empty() && ip.parse::<IpAddr>().is_err() {
                return invalid("new_public_ip", "invalid public ip");
            }
        }
        if let Some(0) = self.new_ssh_port {
            return invalid("new_ssh_port", "new_ssh_port 0 is invalid! (usage: > 0)");
        }
        if let Some(0) = self.new_rdp_port {
            return invalid("new_rdp_port", "new_rdp_port 0 is invalid! (usage: > 0)");
        }
        if let (Some(a), Some(b)) = (self.new_ssh_port, self.new_rdp_port) {
            if a == b {
                return invalid(
                    "new_rdp_port",
                    "new_ssh_port and new_rdp_port are the same!",
                );
            }
        }
        if let Some(v) = self.new_vnc_port {
            if v < 5900 {
                return invalid(
                    "new_vnc_port",
                    format!("new_vnc_port {v} is invalid! (usage: 5900 =< port <= 65535)"),
                );
            }
        }
        if let Some(0) = self.new_cpu_cores {
            return invalid("new_cpu_cores", "new_cpu_cores must be > 0");
        }
        if let Some(0) = self.new_mem_size {
            return invalid("new_mem_size", "new_mem_size must be > 0");
        }
        Ok(())
    }
}

/// `additional` of *set login password*.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SetPassword {
    /// Login user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// New password (secret).
    #[serde(default, skip_serializing_if = "SecretString::is_empty")]
    pub password: SecretString,
}

impl Validate for SetPassword {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.password.is_empty() {
            return invalid("password", "password can not be empty");
        }
        if self.username.is_empty() {
            return invalid("username", "user name can not be empty");
        }
        if self.password.expose_secret().contains(['"', '\\'])
            || self.username.contains(['"', '\\'])
        {
            return invalid(
                "password",
                "quotes and backslashes are not escaped by the node; choose another password",
            );
        }
        Ok(())
    }
}
