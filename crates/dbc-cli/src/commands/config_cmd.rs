//! `dbc config init | set | profiles`: write and list profiles of the config file. The file
//! holds settings and paths only: never a secret (keys and passwords stay in their own files).

use crate::args::GlobalArgs;
use crate::config::{config_path, expand, load_file, ConfigFile};
use crate::error::{CliError, CliResult};
use crate::output::{note, Output};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::{Path, PathBuf};

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

/// Profile keys `config set` accepts, with what they hold.
pub const KEYS: &[(&str, &str)] = &[
    ("url", "client node URL, http(s)://HOST:PORT"),
    ("node", "default GPU node id (64 hex)"),
    (
        "nodes",
        "the fleet of --all-nodes: node ids, comma separated",
    ),
    ("suri_file", "path of a file holding the SURI"),
    ("keystore", "path of a polkadot-js keystore JSON"),
    (
        "password_file",
        "path of a file holding the keystore password",
    ),
    ("cacert", "path of a PEM bundle of extra CA certificates"),
    ("output", "human or json"),
    ("timeout", "request timeout, e.g. 45s"),
];

/// Keys that would hold a secret: refused, with the file-based key to use instead.
const SECRET_KEYS: &[(&str, &str)] = &[
    ("suri", "suri_file"),
    ("password", "password_file"),
    ("seed", "suri_file"),
    ("mnemonic", "suri_file"),
    ("phrase", "suri_file"),
    ("session_id_sign", "(none: give it in DBC_SESSION_ID_SIGN)"),
];

/// `dbc config init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Default GPU node id
    #[arg(long, value_name = "ID", conflicts_with = "nodes")]
    pub node: Option<String>,
    /// Fleet of --all-nodes (comma separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,ID,…")]
    pub nodes: Vec<String>,
    /// File holding the renter SURI (written as `suri_file`; the file itself is not read)
    #[arg(long, value_name = "PATH", conflicts_with = "keystore_file")]
    pub key_file: Option<PathBuf>,
    /// polkadot-js keystore JSON (written as `keystore`)
    #[arg(long, value_name = "FILE")]
    pub keystore_file: Option<PathBuf>,
    /// File holding the keystore password (written as `password_file`)
    #[arg(long, value_name = "PATH", requires = "keystore_file")]
    pub keystore_password_file: Option<PathBuf>,
    /// PEM bundle of extra CA certificates (written as `cacert`)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Replace the profile if it exists
    #[arg(long)]
    pub force: bool,
}

/// `dbc config set`
#[derive(Debug, Args)]
pub struct SetArgs {
    /// Profile key: url, node, nodes, suri_file, keystore, password_file, cacert, output, timeout
    #[arg(value_name = "KEY")]
    pub key: String,
    /// New value (an empty value removes the key)
    #[arg(value_name = "VALUE")]
    pub value: String,
}

/// The config file to write: `DBC_CONFIG`, else `<config dir>/dbc/config.toml`.
///
/// # Errors
/// No config directory can be found (no HOME and no `DBC_CONFIG`).
fn target_path() -> CliResult<PathBuf> {
    config_path().0.ok_or_else(|| {
        CliError::Config(
            "no config directory on this system: set DBC_CONFIG to the file to use".into(),
        )
    })
}

/// The raw TOML table of the file (empty when the file does not exist).
///
/// # Errors
/// The file exists but cannot be read or is not TOML.
fn read_table(path: &Path) -> CliResult<toml::Table> {
    // Validates against the schema first, so an invalid file is reported, not rewritten.
    if load_file(path, false)?.is_none() {
        return Ok(toml::Table::new());
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Config(format!("cannot read config file {}: {e}", path.display()))
    })?;
    toml::from_str(&text)
        .map_err(|e| CliError::Config(format!("config file {} is invalid: {e}", path.display())))
}

/// Checks `table` against the schema, then writes it (creating the directory).
///
/// # Errors
/// The directory cannot be created or the file cannot be written.
fn write_table(path: &Path, table: &toml::Table) -> CliResult {
    let text = toml::to_string(table)
        .map_err(|e| CliError::Failed(format!("cannot encode the config: {e}")))?;
    toml::from_str::<ConfigFile>(&text)
        .map_err(|e| CliError::Usage(format!("the change would make the config invalid: {e}")))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::Config(format!(
                "cannot create the directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text.as_bytes())
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| CliError::Config(format!("cannot write {}: {e}", path.display())))
}

/// The profile to act on: `--profile`/`DBC_PROFILE`, else the file's `default_profile`, else
/// `default`.
fn profile_name(g: &GlobalArgs, table: &toml::Table) -> String {
    g.profile
        .clone()
        .or_else(|| {
            table
                .get("default_profile")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "default".to_owned())
}

/// # Errors
/// The file's `profiles` key is not a table.
fn profiles_mut<'a>(table: &'a mut toml::Table, path: &Path) -> CliResult<&'a mut toml::Table> {
    let entry = table
        .entry("profiles")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    entry.as_table_mut().ok_or_else(|| {
        CliError::Config(format!(
            "config file {}: `profiles` must be a table",
            path.display()
        ))
    })
}

fn path_value(p: &Path) -> toml::Value {
    toml::Value::String(p.display().to_string())
}

/// # Errors
/// `id` is not a GPU node id (64 hex digits).
fn check_node(id: &str) -> CliResult<String> {
    let id = id.trim();
    id.parse::<dbc_types::NodeId>().map_err(|e| {
        CliError::Usage(format!(
            "`{id}` is not a GPU node id ({e}); node ids are 64 hex digits"
        ))
    })?;
    Ok(id.to_owned())
}

fn warn_missing(p: &Path, what: &str) {
    if !expand(p).exists() {
        note(&format!(
            "note: the {what} {} does not exist yet",
            p.display()
        ));
    }
}

/// `dbc config init`
///
/// # Errors
/// The profile exists without `--force`, a value is invalid or a secret, or the file cannot be read or written.
fn init(g: &GlobalArgs, a: &InitArgs) -> CliResult<String> {
    let path = target_path()?;
    let mut table = read_table(&path)?;
    let name = g.profile.clone().unwrap_or_else(|| "default".to_owned());
    let had_default = table.contains_key("default_profile");
    let profiles = profiles_mut(&mut table, &path)?;
    if profiles.contains_key(&name) && !a.force {
        return Err(CliError::Usage(format!(
            "profile `{name}` already exists in {}: pass --force to replace it, or change one key with `dbc config set KEY VALUE --profile {name}`",
            path.display()
        )));
    }
    let mut p = toml::Table::new();
    let url = g
        .url
        .clone()
        .unwrap_or_else(|| crate::config::DEFAULT_URL.to_owned());
    p.insert("url".into(), toml::Value::String(url));
    if let Some(n) = &a.node {
        p.insert("node".into(), toml::Value::String(check_node(n)?));
    }
    if !a.nodes.is_empty() {
        let ids = a
            .nodes
            .iter()
            .map(|n| check_node(n).map(toml::Value::String))
            .collect::<CliResult<Vec<_>>>()?;
        p.insert("nodes".into(), toml::Value::Array(ids));
    }
    if let Some(k) = &a.key_file {
        warn_missing(k, "key file");
        p.insert("suri_file".into(), path_value(k));
    }
    if let Some(k) = &a.keystore_file {
        warn_missing(k, "keystore");
        p.insert("keystore".into(), path_value(k));
    }
    if let Some(k) = &a.keystore_password_file {
        warn_missing(k, "password file");
        p.insert("password_file".into(), path_value(k));
    }
    if let Some(c) = &a.ca_file {
        warn_missing(c, "CA file");
        p.insert("cacert".into(), path_value(c));
    }
    profiles.insert(name.clone(), toml::Value::Table(p));
    if !had_default && name != "default" {
        table.insert("default_profile".into(), toml::Value::String(name.clone()));
    }
    write_table(&path, &table)?;
    Ok(format!("wrote profile `{name}` to {}", path.display()))
}

/// `dbc config set`
///
/// # Errors
/// An unknown key, a secret key, an invalid value, or a config file that cannot be read or written.
fn set(g: &GlobalArgs, a: &SetArgs) -> CliResult<String> {
    let key = a.key.trim();
    if let Some((_, instead)) = SECRET_KEYS.iter().find(|(k, _)| *k == key) {
        return Err(CliError::Usage(format!(
            "`{key}` would put a secret in the config file: secrets stay in their own files; use {instead}"
        )));
    }
    if !KEYS.iter().any(|(k, _)| *k == key) {
        let known: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
        return Err(CliError::Usage(format!(
            "unknown profile key `{key}`: use one of {}",
            known.join(", ")
        )));
    }
    let path = target_path()?;
    let mut table = read_table(&path)?;
    let name = profile_name(g, &table);
    let profiles = profiles_mut(&mut table, &path)?;
    let profile = profiles
        .entry(name.clone())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .ok_or_else(|| CliError::Config(format!("profile `{name}` is not a table")))?;
    let v = a.value.trim();
    let msg = if v.is_empty() {
        profile.remove(key);
        format!(
            "removed `{key}` from profile `{name}` in {}",
            path.display()
        )
    } else {
        let value = match key {
            "node" => toml::Value::String(check_node(v)?),
            "nodes" => toml::Value::Array(
                v.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|n| check_node(n).map(toml::Value::String))
                    .collect::<CliResult<Vec<_>>>()?,
            ),
            "output" if v != "human" && v != "json" => {
                return Err(CliError::Usage(format!(
                    "output is `human` or `json`, not `{v}`"
                )))
            }
            "timeout" => {
                crate::args::parse_duration(v).map_err(CliError::Usage)?;
                toml::Value::String(v.to_owned())
            }
            _ => toml::Value::String(v.to_owned()),
        };
        profile.insert(key.to_owned(), value);
        format!("set `{key}` in profile `{name}` in {}", path.display())
    };
    write_table(&path, &table)?;
    Ok(msg)
}

/// One row of `config profiles`.
#[derive(Debug, Serialize)]
pub struct ProfileRow {
    /// Profile name.
    pub name: String,
    /// Whether it is the default profile.
    pub default: bool,
    /// Client node URL.
    pub url: Option<String>,
    /// Default node, or the number of fleet nodes.
    pub nodes: Option<String>,
    /// Key source (a path, never a secret).
    pub key: Option<String>,
}

/// # Errors
/// The config file cannot be read, or stdout cannot be written.
fn profiles(json: bool) -> CliResult {
    let path = target_path()?;
    let file = load_file(&path, false)?.unwrap_or_default();
    let default = file.default_profile.clone().or_else(|| {
        file.profiles
            .contains_key("default")
            .then(|| "default".to_owned())
    });
    let rows: Vec<ProfileRow> = file
        .profiles
        .iter()
        .map(|(name, p)| ProfileRow {
            name: name.clone(),
            default: default.as_deref() == Some(name.as_str()),
            url: p.url.clone(),
            nodes: match (&p.node, &p.nodes) {
                (_, Some(list)) => Some(format!("{} nodes", list.len())),
                (Some(n), None) => Some(n.clone()),
                (None, None) => None,
            },
            key: p
                .suri_file
                .as_ref()
                .or(p.keystore.as_ref())
                .map(|k| k.display().to_string()),
        })
        .collect();
    if rows.is_empty() && !json {
        note(&format!(
            "no profiles in {}: create one with `dbc config init --url URL`",
            path.display()
        ));
        return Ok(());
    }
    Output { json }.emit(&rows)
}

/// Runs `config init | set | profiles` (`show` is handled with the resolved settings).
///
/// # Errors
/// Invalid input or an unreadable/unwritable config file.
pub fn run(g: &GlobalArgs, cmd: &ConfigCmd) -> CliResult {
    let msg = match cmd {
        ConfigCmd::Init(a) => init(g, a)?,
        ConfigCmd::Set(a) => set(g, a)?,
        ConfigCmd::Profiles => return profiles(g.json || g.view.jq.is_some()),
        ConfigCmd::Show => {
            return Err(CliError::Usage(
                "`config show` needs the resolved settings".into(),
            ))
        }
    };
    note(&msg);
    Ok(())
}
