//! `dbc call <endpoint> [NODE] [--param K=V …] [--additional JSON|@FILE]`: any registry endpoint
//! by name, through [`dbc_api::Client::call_raw`], with credentials chosen by the endpoint's auth
//! class; `dbc call --list` prints the registry.

use super::Ctx;
use crate::error::{CliError, CliResult};
use clap::Args;
use dbc_types::endpoint::{Auth, Descriptor, Target};
use dbc_types::NodeId;
use serde::Serialize;
use std::io::Read;
use std::path::PathBuf;

/// Largest `--additional @FILE` read (bytes): far more than any request body.
const MAX_ADDITIONAL_FILE: u64 = 4 << 20;

/// `dbc call`'s long help: examples, including those for the endpoints without a dedicated
/// command (the coverage test reads this text).
pub(crate) const EXAMPLES: &str = "\
Examples:
  dbc call --list                                  # every endpoint: name, method, path, auth
  dbc call version                                 # a local call: no credentials
  dbc call tasks.list $NODE --suri-file renter.suri
  dbc call tasks.info $NODE --param task_id=$TASK --jq .status
  dbc call tasks.logs $NODE --param task_id=$TASK --param flag=tail --param line_num=20
  dbc call snapshots.info $NODE --param task_id=$TASK --param snapshot_name=snap1
  dbc call disks.add $NODE --param task_id=$TASK --additional '{\"size\":\"50\"}'
  dbc call tasks.create $NODE --additional @create.json
  dbc call stat                                    # disabled in node 0.4.1.8: always fails
  dbc call config                                  # disabled in node 0.4.1.8: always fails

Credentials follow the endpoint's auth (see --list): none for `none`/`local`, otherwise a
session, a multisig renter or a wallet key, like the dedicated commands. NODE is the GPU node
(default: DBC_NODE or the profile's `node` when the endpoint needs one).
--param fills the path's {placeholders} and the endpoint's query parameters;
--additional is the request's `additional` object (JSON text, or @FILE to read it from a file).";

/// `dbc call`
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Registry name of the endpoint, e.g. tasks.list (see --list)
    #[arg(value_name = "ENDPOINT", required_unless_present = "list")]
    pub endpoint: Option<String>,
    /// GPU node id [default when the endpoint needs one: env DBC_NODE, then the profile's `node`]
    #[arg(value_name = "NODE")]
    pub node: Option<String>,
    /// A path or query parameter, NAME=VALUE (repeatable), e.g. task_id=7KhaCevciMbc5v1TZGUHei
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// The request's `additional` object: JSON text, or @FILE to read it from FILE
    #[arg(long, value_name = "JSON|@FILE")]
    pub additional: Option<String>,
    /// Print the endpoint registry (name, method, path, auth) instead of calling
    #[arg(long, conflicts_with_all = ["endpoint", "node", "params", "additional"])]
    pub list: bool,
}

/// Bad `dbc call` input: each says what to do instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CallInputError {
    /// The name is not in the registry.
    #[error("no endpoint is named `{0}`: run `dbc call --list` for the names")]
    UnknownEndpoint(String),
    /// A `--param` without `=` or with an empty name.
    #[error("--param `{0}` is not NAME=VALUE: write e.g. --param task_id=7KhaCevciMbc5v1TZGUHei")]
    ParamSyntax(String),
    /// A `--param` the endpoint does not take.
    #[error("`{endpoint}` takes no parameter `{name}`: it takes {takes}")]
    UnknownParam {
        /// The endpoint.
        endpoint: String,
        /// The parameter given.
        name: String,
        /// What it takes, for the message.
        takes: String,
    },
    /// A path placeholder without a `--param`.
    #[error("`{endpoint}` needs --param {name}=VALUE (its path is {path})")]
    MissingParam {
        /// The endpoint.
        endpoint: String,
        /// The missing placeholder.
        name: String,
        /// The path template.
        path: String,
    },
    /// The same `--param` twice.
    #[error("--param {0} is given twice: give it once")]
    DuplicateParam(String),
    /// `@FILE` cannot be read.
    #[error("cannot read the --additional file {path}: {reason}: give a readable JSON file, or the JSON text itself")]
    AdditionalFile {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// `--additional` is not JSON.
    #[error(
        "--additional is not JSON ({0}): give a JSON object such as '{{\"size\":\"50\"}}' or @FILE"
    )]
    AdditionalJson(String),
    /// `--additional` is JSON but not an object.
    #[error("--additional must be a JSON object {{…}}, not {0}: wrap the fields in braces")]
    AdditionalNotObject(&'static str),
    /// NODE given to an endpoint the client node answers itself.
    #[error("`{0}` is answered by the client node and takes no NODE: leave NODE out")]
    NodeNotUsed(String),
}

impl From<CallInputError> for CliError {
    fn from(e: CallInputError) -> Self {
        CliError::Usage(e.to_string())
    }
}

/// One row of `dbc call --list`.
#[derive(Debug, Serialize)]
struct Row {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    auth: &'static str,
    target: &'static str,
    dedicated: bool,
    summary: &'static str,
}

fn rows() -> Vec<Row> {
    dbc_types::REGISTRY
        .iter()
        .map(|d| Row {
            name: d.info.name,
            method: d.info.method.wire(),
            path: d.info.path,
            auth: d.info.auth.legend(),
            target: d.info.target.label(),
            dedicated: super::covered().any(|n| n == d.info.name),
            summary: d.info.summary,
        })
        .collect()
}

/// The registry row of `name`.
///
/// # Errors
/// [`CallInputError::UnknownEndpoint`] when no endpoint has that name.
pub fn descriptor(name: &str) -> Result<&'static Descriptor, CallInputError> {
    dbc_types::registry::find(name).ok_or_else(|| CallInputError::UnknownEndpoint(name.to_owned()))
}

/// The `{placeholders}` of a path template, in order.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Parses the `--param` list against the endpoint's placeholders and query parameters.
///
/// # Errors
/// Bad syntax, a parameter the endpoint does not take, one given twice, or a placeholder missing.
pub fn parse_params(
    d: &Descriptor,
    given: &[String],
) -> Result<Vec<(String, String)>, CallInputError> {
    let path_names = placeholders(d.info.path);
    let known = |n: &str| path_names.contains(&n) || d.info.query.contains(&n);
    let mut out: Vec<(String, String)> = Vec::with_capacity(given.len());
    for p in given {
        let (k, v) = match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => (k.trim(), v),
            _ => return Err(CallInputError::ParamSyntax(p.clone())),
        };
        if !known(k) {
            let all: Vec<&str> = path_names.iter().chain(d.info.query).copied().collect();
            let takes = if all.is_empty() {
                "no parameters".to_owned()
            } else {
                all.join(", ")
            };
            return Err(CallInputError::UnknownParam {
                endpoint: d.info.name.to_owned(),
                name: k.to_owned(),
                takes,
            });
        }
        if out.iter().any(|(have, _)| have == k) {
            return Err(CallInputError::DuplicateParam(k.to_owned()));
        }
        out.push((k.to_owned(), v.to_owned()));
    }
    if let Some(missing) = path_names
        .iter()
        .find(|n| !out.iter().any(|(k, _)| k == *n))
    {
        return Err(CallInputError::MissingParam {
            endpoint: d.info.name.to_owned(),
            name: (*missing).to_owned(),
            path: d.info.path.to_owned(),
        });
    }
    Ok(out)
}

/// Parses `--additional` (JSON text or `@FILE`); absent is `null` (the request's defaults).
///
/// # Errors
/// The file cannot be read, the text is not JSON, or the JSON is not an object.
pub fn parse_additional(given: Option<&str>) -> Result<serde_json::Value, CallInputError> {
    let Some(given) = given else {
        return Ok(serde_json::Value::Null);
    };
    let text = match given.strip_prefix('@') {
        Some(path) => read_bounded(path)?,
        None => given.to_owned(),
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| CallInputError::AdditionalJson(e.to_string()))?;
    let kind = match &v {
        serde_json::Value::Object(_) => return Ok(v),
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
    };
    Err(CallInputError::AdditionalNotObject(kind))
}

/// # Errors
/// [`CallInputError::AdditionalFile`] when the file cannot be opened or read, or is too large.
fn read_bounded(path: &str) -> Result<String, CallInputError> {
    let err = |reason: String| CallInputError::AdditionalFile {
        path: path.to_owned(),
        reason,
    };
    let f = std::fs::File::open(PathBuf::from(path)).map_err(|e| err(e.to_string()))?;
    let mut text = String::new();
    f.take(MAX_ADDITIONAL_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| err(e.to_string()))?;
    if text.len() as u64 > MAX_ADDITIONAL_FILE {
        return Err(err(format!(
            "larger than {} MiB",
            MAX_ADDITIONAL_FILE >> 20
        )));
    }
    Ok(text)
}

/// The target node for `d`: required ones take the default node, optional ones only what was
/// given, and those the client node answers itself refuse one.
///
/// # Errors
/// No node for an endpoint that needs one, a malformed node id, or a NODE the endpoint does not take.
fn target(ctx: &Ctx, d: &Descriptor, given: Option<&str>) -> CliResult<Option<NodeId>> {
    match d.info.target {
        Target::Required => ctx.node(given).map(Some),
        Target::Optional => ctx.opt_node(given),
        // `Unused`, and any later kind: the client node answers without a target
        _ if given.is_some() => Err(CallInputError::NodeNotUsed(d.info.name.to_owned()).into()),
        _ => Ok(None),
    }
}

/// Runs `dbc call`.
///
/// # Errors
/// Bad input (a usage error naming the fix), missing credentials, or the call's own error.
pub async fn run(ctx: &Ctx, a: CallArgs) -> CliResult {
    if a.list {
        return ctx.out.emit(&rows());
    }
    let name = a.endpoint.as_deref().unwrap_or_default();
    let d = descriptor(name)?;
    let params = parse_params(d, &a.params)?;
    let additional = parse_additional(a.additional.as_deref())?;
    let node = target(ctx, d, a.node.as_deref())?;
    let client = match d.info.auth {
        Auth::None | Auth::Local => ctx.client_none()?,
        _ => ctx.client_any()?,
    };
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    tracing::debug!(endpoint = d.info.name, path = d.info.path, "calling");
    let reply = client
        .call_raw(d.info.name, node.as_ref(), &pairs, additional)
        .await?;
    ctx.out.emit(&reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str) -> &'static Descriptor {
        descriptor(name).unwrap_or_else(|e| panic!("{e}"))
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn unknown_endpoint_points_at_the_list() {
        let e = descriptor("tasks.nope").map(|_| ()).unwrap_err();
        assert!(e.to_string().contains("dbc call --list"), "{e}");
    }

    #[test]
    fn params_fill_placeholders_and_query() {
        let p = parse_params(
            d("tasks.logs"),
            &strings(&["task_id=T1", "line_num=20", "flag=tail"]),
        );
        assert_eq!(
            p,
            Ok(vec![
                ("task_id".into(), "T1".into()),
                ("line_num".into(), "20".into()),
                ("flag".into(), "tail".into()),
            ])
        );
        assert_eq!(parse_params(d("tasks.list"), &[]), Ok(vec![]));
    }

    #[test]
    fn bad_params_say_what_to_do() {
        let info = d("tasks.info");
        assert!(matches!(
            parse_params(info, &strings(&["task_id"])),
            Err(CallInputError::ParamSyntax(_))
        ));
        assert!(matches!(
            parse_params(info, &strings(&["=x"])),
            Err(CallInputError::ParamSyntax(_))
        ));
        let e = parse_params(info, &strings(&["task_id=a", "size=3"])).unwrap_err();
        assert!(e.to_string().contains("it takes task_id"), "{e}");
        let e = parse_params(info, &[]).unwrap_err();
        assert!(e.to_string().contains("--param task_id=VALUE"), "{e}");
        assert_eq!(
            parse_params(info, &strings(&["task_id=a", "task_id=b"])),
            Err(CallInputError::DuplicateParam("task_id".into()))
        );
        let e = parse_params(d("tasks.list"), &strings(&["x=1"])).unwrap_err();
        assert!(e.to_string().contains("no parameters"), "{e}");
    }

    #[test]
    fn additional_must_be_a_json_object() {
        assert_eq!(parse_additional(None), Ok(serde_json::Value::Null));
        assert_eq!(
            parse_additional(Some(r#"{"size":"5"}"#)),
            Ok(serde_json::json!({"size": "5"}))
        );
        assert_eq!(
            parse_additional(Some("[1]")),
            Err(CallInputError::AdditionalNotObject("an array"))
        );
        assert!(matches!(
            parse_additional(Some("{size")),
            Err(CallInputError::AdditionalJson(_))
        ));
        let e = parse_additional(Some("@/nonexistent/dbc-call.json")).unwrap_err();
        assert!(
            matches!(e, CallInputError::AdditionalFile { .. })
                && e.to_string().contains("/nonexistent/dbc-call.json"),
            "{e}"
        );
    }

    /// The endpoint names `dbc call` examples show.
    fn example_names() -> Vec<&'static str> {
        EXAMPLES
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("dbc call "))
            .filter_map(|rest| rest.split_whitespace().next())
            .filter(|w| !w.starts_with('-'))
            .collect()
    }

    #[test]
    fn every_endpoint_has_a_command_or_a_call_example() {
        let examples = example_names();
        let missing: Vec<&str> = dbc_types::REGISTRY
            .iter()
            .map(|d| d.info.name)
            .filter(|n| !super::super::covered().any(|c| c == *n) && !examples.contains(n))
            .collect();
        assert!(
            missing.is_empty(),
            "endpoints with neither a dedicated command (listed in its file's ENDPOINTS) nor a \
             `dbc call <name> …` example in call::EXAMPLES: {missing:?}"
        );
        for n in examples {
            assert!(
                descriptor(n).is_ok(),
                "the example `dbc call {n}` names no endpoint"
            );
        }
    }

    #[test]
    fn no_endpoint_is_claimed_by_two_commands() {
        let mut all: Vec<&str> = super::super::covered().collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "an endpoint is in two ENDPOINTS lists");
    }

    #[test]
    fn the_list_has_every_endpoint() {
        let r = rows();
        assert_eq!(r.len(), dbc_types::REGISTRY.len());
        assert!(r
            .iter()
            .any(|r| r.name == "tasks.create" && r.auth == "R" && r.target == "required"));
    }
}
