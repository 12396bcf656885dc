//! The type-erased path: build and decode any registry endpoint from JSON and name/value
//! pairs, through the endpoint's own typed request, parameters and response (so every rule
//! of the typed path still applies). Used by `dbc call` and `Client::call_raw`.

use crate::endpoint::{
    build_request, EndpointInfo, NoParams, PathParams, Segment, SnapshotParams, WireRequest,
};
use crate::envelope::Envelope;
use crate::error::ValidationError;
use crate::ids::TaskId;
use crate::models::{LogDirection, LogQuery, LogsParams, RestartParams};
use crate::reply::{decode_reply, excerpt, ReplyError};
use crate::Endpoint;
use std::fmt;

/// Path-placeholder and query parameters as name/value pairs, e.g. `[("task_id", "abc")]`.
pub type RawParams<'a> = [(&'a str, &'a str)];

/// Why a type-erased request could not be built; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RawRequestError {
    /// A path placeholder has no value.
    MissingParam {
        /// The placeholder, e.g. `task_id`.
        name: &'static str,
    },
    /// A name that is neither a path placeholder nor a query parameter of the endpoint.
    UnknownParam {
        /// The name given.
        name: String,
        /// The names the endpoint takes.
        expected: Vec<&'static str>,
    },
    /// The same name given twice.
    DuplicateParam {
        /// The name.
        name: String,
    },
    /// `additional` does not have the shape of the endpoint's request type.
    Additional {
        /// The request type's name.
        request_type: &'static str,
        /// serde's explanation.
        reason: String,
    },
    /// A value breaks a rule of the request (the same check as the typed path).
    Invalid(ValidationError),
}

impl fmt::Display for RawRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawRequestError::MissingParam { name } => write!(f, "missing parameter `{name}`"),
            RawRequestError::UnknownParam { name, expected } => {
                if expected.is_empty() {
                    write!(f, "unknown parameter `{name}` (this endpoint takes none)")
                } else {
                    write!(
                        f,
                        "unknown parameter `{name}` (this endpoint takes: {})",
                        expected.join(", ")
                    )
                }
            }
            RawRequestError::DuplicateParam { name } => {
                write!(f, "parameter `{name}` given more than once")
            }
            RawRequestError::Additional {
                request_type,
                reason,
            } => write!(f, "`additional` is not a valid {request_type}: {reason}"),
            RawRequestError::Invalid(_) => f.write_str("invalid request"),
        }
    }
}

impl std::error::Error for RawRequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RawRequestError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ValidationError> for RawRequestError {
    fn from(e: ValidationError) -> Self {
        RawRequestError::Invalid(e)
    }
}

/// The placeholder names of a path template, in order (`/a/{x}/{y}` → `x`, `y`).
pub fn placeholders(template: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest.get(open..).and_then(|s| s.find('}')) else {
            break;
        };
        if let Some(name) = rest.get(open + 1..open + len) {
            out.push(name);
        }
        rest = rest.get(open + len + 1..).unwrap_or("");
    }
    out
}

/// Every name an endpoint takes: its path placeholders, then its query parameters.
pub fn param_names(info: &EndpointInfo) -> Vec<&'static str> {
    let mut names = placeholders(info.path);
    names.extend_from_slice(info.query);
    names
}

/// Name/value pairs checked against an endpoint's declared names.
#[derive(Debug, Clone, Copy)]
pub struct Pairs<'p, 'a> {
    info: &'static EndpointInfo,
    pairs: &'p RawParams<'a>,
}

impl<'p, 'a> Pairs<'p, 'a> {
    /// Checks that every name is declared by the endpoint and given once.
    ///
    /// # Errors
    /// [`RawRequestError::UnknownParam`] or [`RawRequestError::DuplicateParam`].
    pub fn new(
        info: &'static EndpointInfo,
        pairs: &'p RawParams<'a>,
    ) -> Result<Self, RawRequestError> {
        let expected = param_names(info);
        for (i, (name, _)) in pairs.iter().enumerate() {
            if !expected.contains(name) {
                return Err(RawRequestError::UnknownParam {
                    name: (*name).to_owned(),
                    expected,
                });
            }
            if pairs.iter().take(i).any(|(n, _)| n == name) {
                return Err(RawRequestError::DuplicateParam {
                    name: (*name).to_owned(),
                });
            }
        }
        Ok(Pairs { info, pairs })
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// The value of the `index`-th path placeholder.
    ///
    /// # Errors
    /// [`RawRequestError::MissingParam`] when it is not given.
    pub fn placeholder(&self, index: usize) -> Result<&'a str, RawRequestError> {
        let names = placeholders(self.info.path);
        let name = names.get(index).copied().unwrap_or("path");
        self.get(name).ok_or(RawRequestError::MissingParam { name })
    }
}

/// Path parameters that can be built from name/value pairs (the type-erased path).
pub trait FromPairs: PathParams + Sized {
    /// Builds the parameters from checked pairs.
    ///
    /// # Errors
    /// [`RawRequestError::MissingParam`] for a missing placeholder,
    /// [`RawRequestError::Invalid`] for a value the typed parameter rejects.
    fn from_pairs(pairs: &Pairs<'_, '_>) -> Result<Self, RawRequestError>;
}

impl FromPairs for NoParams {
    fn from_pairs(_: &Pairs<'_, '_>) -> Result<Self, RawRequestError> {
        Ok(NoParams)
    }
}

impl FromPairs for TaskId {
    fn from_pairs(p: &Pairs<'_, '_>) -> Result<Self, RawRequestError> {
        Ok(TaskId::try_from(p.placeholder(0)?)?)
    }
}

impl FromPairs for Segment {
    fn from_pairs(p: &Pairs<'_, '_>) -> Result<Self, RawRequestError> {
        Ok(Segment(p.placeholder(0)?.to_owned()))
    }
}

impl FromPairs for SnapshotParams {
    fn from_pairs(p: &Pairs<'_, '_>) -> Result<Self, RawRequestError> {
        Ok(SnapshotParams {
            task_id: TaskId::try_from(p.placeholder(0)?)?,
            snapshot_name: p.placeholder(1)?.to_owned(),
        })
    }
}

impl FromPairs for RestartParams {
    fn from_pairs(p: &Pairs<'_, '_>) -> Result<Self, RawRequestError> {
        let force = match p.get("force_reboot") {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                return Err(
                    ValidationError::new("force_reboot", "must be `true` or `false`").into(),
                )
            }
        };
        Ok(RestartParams {
            task_id: TaskId::try_from(p.placeholder(0)?)?,
            force,
        })
    }
}

impl FromPairs for LogsParams {
    fn from_pairs(p: &Pairs<'_, '_>) -> Result<Self, RawRequestError> {
        let direction = match p.get("flag") {
            None => None,
            Some("head") => Some(LogDirection::Head),
            Some("tail") => Some(LogDirection::Tail),
            Some(_) => return Err(ValidationError::new("flag", "must be `head` or `tail`").into()),
        };
        let lines = match p.get("line_num") {
            None => None,
            Some(v) => Some(v.parse::<u32>().map_err(|_| {
                ValidationError::new("line_num", "must be a whole number from 1 to 100")
            })?),
        };
        let query = match (direction, lines) {
            (None, None) => None,
            (d, l) => Some(LogQuery {
                direction: d.unwrap_or_default(),
                lines: l.unwrap_or(100),
            }),
        };
        Ok(LogsParams {
            task_id: TaskId::try_from(p.placeholder(0)?)?,
            query,
        })
    }
}

/// Builds the wire request of `E` from pairs and JSON `additional`, through `E`'s typed
/// parameters and request (every typed validation applies). `envelope` gives the target,
/// credential and rent order.
///
/// # Errors
/// A [`RawRequestError`] naming the parameter or member that cannot be sent.
pub fn build_json<E: Endpoint>(
    path_params: &RawParams<'_>,
    additional: serde_json::Value,
    envelope: &Envelope<()>,
) -> Result<WireRequest, RawRequestError>
where
    E::Params: FromPairs,
{
    let params = E::Params::from_pairs(&Pairs::new(&E::INFO, path_params)?)?;
    // `null` (nothing given) means the request type's defaults.
    let additional: E::Request = if additional.is_null() {
        E::Request::default()
    } else {
        serde_json::from_value(additional).map_err(|e| RawRequestError::Additional {
            request_type: E::INFO.request_type,
            reason: e.to_string(),
        })?
    };
    let env = Envelope {
        peer: envelope.peer.clone(),
        additional,
        credential: envelope.credential.clone(),
        rent_order: envelope.rent_order.clone(),
    };
    Ok(build_request::<E>(&params, &env)?)
}

/// Decodes a reply of `E` through its typed response and returns it as JSON.
///
/// # Errors
/// [`ReplyError::Api`] for an error reply, [`ReplyError::Decode`] for a body that is not
/// `E`'s response.
pub fn decode_json<E: Endpoint>(
    http_status: u16,
    body: &[u8],
) -> Result<serde_json::Value, ReplyError> {
    let v = decode_reply::<E::Response>(http_status, body)?;
    serde_json::to_value(&v).map_err(|e| ReplyError::Decode {
        http_status,
        reason: e.to_string(),
        body_excerpt: excerpt(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::find;

    fn env() -> Envelope<()> {
        let (Ok(node), Ok(id), Ok(sign)) = (
            crate::NodeId::try_from("a".repeat(64)),
            "3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh".parse(),
            crate::SessionIdSign::new(&"ab".repeat(64)),
        ) else {
            unreachable!("valid sample ids")
        };
        Envelope {
            peer: Some(node),
            additional: (),
            credential: crate::Credential::session(id, sign),
            rent_order: None,
        }
    }

    /// Every endpoint builds from its placeholder and query names (its `PathParams` type and its
    /// path template agree), and every declaration's `example` (or, without one, the request
    /// type's defaults) is a valid request of its endpoint: an endpoint whose request has required members fails here until
    /// its declaration carries an example (dbc-api's fault matrix and the docs send it).
    #[test]
    fn every_example_is_a_valid_request_of_its_endpoint() {
        for d in crate::REGISTRY {
            let params: Vec<(&str, &str)> = param_names(d.info)
                .into_iter()
                .map(|n| {
                    let v = match n {
                        "line_num" => "10",
                        "flag" => "tail",
                        "force_reboot" => "false",
                        _ => "sample1",
                    };
                    (n, v)
                })
                .collect();
            let additional = match d.info.example {
                Some(e) => serde_json::from_str(e)
                    .unwrap_or_else(|err| panic!("{}: example is not JSON: {err}", d.info.name)),
                None => serde_json::Value::Null,
            };
            // A wallet credential passes every pre-check and auth rule, so only the
            // parameters and the example are judged here.
            match d.build_json(&params, additional, &wallet_env()) {
                Ok(w) => assert!(
                    !w.path_and_query.contains('{'),
                    "{}: unfilled placeholder in {}",
                    d.info.name,
                    w.path_and_query
                ),
                Err(e) => panic!(
                    "{}: {e} ({:?}) — give its registry declaration an `example`",
                    d.info.name,
                    std::error::Error::source(&e).map(ToString::to_string)
                ),
            }
        }
    }

    fn wallet_env() -> Envelope<()> {
        let (Ok(wallet), Ok(nonce), Ok(sign)) = (
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".parse(),
            "3SqyZc9hAxFSSuwiYZGcgoVWQcH5P7bfwtjzyAhfjaeyyFssqt8SPNe".parse(),
            "ab".repeat(64).parse(),
        ) else {
            unreachable!("valid sample wallet credential")
        };
        Envelope {
            credential: crate::Credential::Wallet(crate::WalletSign {
                wallet,
                nonce,
                sign,
            }),
            ..env()
        }
    }

    #[test]
    fn placeholders_are_found_in_order() {
        assert_eq!(
            placeholders("/api/v1/snapshot/list/{task_id}/{snapshot_name}"),
            vec!["task_id", "snapshot_name"]
        );
        assert!(placeholders("/api/v1/tasks").is_empty());
    }

    #[test]
    fn pairs_fill_path_and_query() {
        let Some(d) = find("tasks.logs") else {
            unreachable!("tasks.logs is declared")
        };
        let w = d
            .build_json(
                &[("task_id", "t1"), ("flag", "head"), ("line_num", "5")],
                serde_json::Value::Null,
                &env(),
            )
            .map_err(|e| e.to_string());
        assert_eq!(
            w.map(|w| w.path_and_query).as_deref(),
            Ok("/api/v1/tasks/logs/t1?flag=head&line_num=5")
        );
    }

    #[test]
    fn missing_unknown_and_duplicate_names_are_typed_errors() {
        let Some(d) = find("snapshots.info") else {
            unreachable!("snapshots.info is declared")
        };
        let e = d.build_json(&[("task_id", "t1")], serde_json::Value::Null, &env());
        assert_eq!(
            e.err(),
            Some(RawRequestError::MissingParam {
                name: "snapshot_name"
            })
        );
        let e = d.build_json(&[("task", "t1")], serde_json::Value::Null, &env());
        assert!(
            matches!(e, Err(RawRequestError::UnknownParam { ref name, ref expected })
                if name == "task" && expected == &vec!["task_id", "snapshot_name"]),
            "{e:?}"
        );
        let e = d.build_json(
            &[("task_id", "t1"), ("task_id", "t2")],
            serde_json::Value::Null,
            &env(),
        );
        assert!(
            matches!(e, Err(RawRequestError::DuplicateParam { .. })),
            "{e:?}"
        );
    }

    #[test]
    fn additional_goes_through_the_typed_request() {
        let Some(d) = find("disks.resize") else {
            unreachable!("disks.resize is declared")
        };
        let e = d.build_json(&[("task_id", "t1")], serde_json::json!({"disk": 3}), &env());
        assert!(
            matches!(
                e,
                Err(RawRequestError::Additional {
                    request_type: "ResizeDisk",
                    ..
                })
            ),
            "{e:?}"
        );
    }

    #[test]
    fn decode_json_goes_through_the_typed_response() {
        let Some(d) = find("version") else {
            unreachable!("version is declared")
        };
        let ok = d.decode_json(
            200,
            br#"{"errcode":0,"message":{"client_version":"0.4.0.1"}}"#,
        );
        assert_eq!(ok, Ok(serde_json::json!({"client_version": "0.4.0.1"})));
        let bad = d.decode_json(200, br#"{"errcode":0,"message":{"nope":1}}"#);
        assert!(matches!(bad, Err(ReplyError::Decode { .. })), "{bad:?}");
    }
}
