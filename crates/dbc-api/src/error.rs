//! Errors of the typed client: every failure says what happened and what to do.

use dbc_types::erased::RawRequestError;
use dbc_types::models::CreateVm;
use dbc_types::{NodeId, TaskId, ValidationError};
use std::fmt;
use std::time::{Duration, SystemTime};

pub use dbc_sign::SignError;
pub use dbc_transport::TransportError;

/// A resource a node can run out of ([`ErrorKind::ResourceExhausted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Resource {
    /// CPU cores.
    Cpu,
    /// Memory.
    Memory,
    /// Disk space.
    Disk,
    /// GPUs.
    Gpu,
}

impl Resource {
    /// The node's short name: `cpu`, `mem`, `disk` or `gpu`.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "mem",
            Resource::Disk => "disk",
            Resource::Gpu => "gpu",
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a node's error message means, recognised from its text (spec §3, §5.6, §7, §8).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `check authority failed: nonce check failed` where the signature we sent does not verify.
    SignatureInvalid {
        /// The signature verifies over `<Bytes>…</Bytes>` (a browser-extension signature).
        bytes_wrapped: bool,
    },
    /// `nonce check failed` although the signature verifies locally: the nonce was used before.
    NonceReused,
    /// `machine is not be rented`.
    MachineNotRented,
    /// `wallet not rented`: the signer is not the renter.
    WalletNotRenter,
    /// `session_id is invalid`.
    SessionInvalid,
    /// `machine has already expired`.
    RentExpired,
    /// `not in verify time` (committee verifiers).
    NotInVerifyTime,
    /// `check authority failed` for another reason (e.g. verifier on a renter-only endpoint).
    AuthorityFailed,
    /// A port is used by another running VM.
    PortConflict {
        /// The port, when the message names it.
        port: Option<u16>,
    },
    /// Not enough CPU, memory, disk or GPUs.
    ResourceExhausted {
        /// Which resource.
        resource: Resource,
    },
    /// `task not exist` / `task_id not exist`.
    TaskNotFound,
    /// `task is <state>`: the VM is in the wrong state for this operation.
    TaskWrongState {
        /// The libvirt state the node reported.
        state: String,
    },
    /// `create node request failed`: the node id is unknown to the client node or offline.
    NodeUnknown,
    /// `<op> timeout` (HTTP 500): the GPU node did not answer in 30 s; the outcome is unknown.
    OperationTimeout,
    /// `… please try again in a minute`.
    RetryLater,
    /// A parameter was rejected (errcode -25 or a validation message from the node).
    InvalidParams,
    /// Anything else.
    Other,
}

impl ErrorKind {
    /// Classifies a node message.
    pub fn classify(http_status: u16, errcode: i64, message: &str) -> ErrorKind {
        let m = message;
        if m.contains("nonce check failed") {
            return ErrorKind::SignatureInvalid {
                bytes_wrapped: false,
            };
        }
        if m.contains("machine is not be rented") {
            return ErrorKind::MachineNotRented;
        }
        if m.contains("wallet not rented") {
            return ErrorKind::WalletNotRenter;
        }
        if m.contains("session_id is invalid") {
            return ErrorKind::SessionInvalid;
        }
        if m.contains("machine has already expired") {
            return ErrorKind::RentExpired;
        }
        if m.contains("not in verify time") {
            return ErrorKind::NotInVerifyTime;
        }
        if m.starts_with("check authority failed") {
            return ErrorKind::AuthorityFailed;
        }
        if m.contains("create node request failed") {
            return ErrorKind::NodeUnknown;
        }
        if m.starts_with("port conflict")
            || m.contains("has been used")
            || (m.starts_with("check ") && m.ends_with("_port failed"))
        {
            let port = m
                .rsplit(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
                .and_then(|s| s.parse().ok());
            return ErrorKind::PortConflict { port };
        }
        for (needle, resource) in [
            ("allocate cpu failed", Resource::Cpu),
            ("cpu count exceeds", Resource::Cpu),
            ("check cpu failed", Resource::Cpu),
            ("allocate mem failed", Resource::Memory),
            ("allocate memory failed", Resource::Memory),
            ("check memory failed", Resource::Memory),
            ("allocate disk failed", Resource::Disk),
            ("have no enough space", Resource::Disk),
            ("allocate gpu failed", Resource::Gpu),
            ("gpu_count exceeds number of leases", Resource::Gpu),
            ("check gpu failed", Resource::Gpu),
        ] {
            if m.contains(needle) {
                return ErrorKind::ResourceExhausted { resource };
            }
        }
        if m == "task not exist" || m == "task_id not exist" {
            return ErrorKind::TaskNotFound;
        }
        if let Some(state) = m.strip_prefix("task is ") {
            return ErrorKind::TaskWrongState {
                state: state.to_owned(),
            };
        }
        if http_status == 500 && m.ends_with(" timeout") {
            return ErrorKind::OperationTimeout;
        }
        if m.contains("please try again in a minute") {
            return ErrorKind::RetryLater;
        }
        if errcode == -25 || (errcode == 1 && (m.contains("invalid") || m.contains("is empty"))) {
            return ErrorKind::InvalidParams;
        }
        ErrorKind::Other
    }

    /// A one-line hint: what to do about it.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            ErrorKind::SignatureInvalid { bytes_wrapped: true } => {
                "the signature was made over `<Bytes>…</Bytes>` (a browser wallet extension does that); DBC nodes verify the raw nonce bytes: sign with dbc-sign or `dbc sign`"
            }
            ErrorKind::SignatureInvalid { bytes_wrapped: false } => {
                "the signature does not verify for this wallet and nonce: check the key matches the wallet address, and sign the raw nonce bytes (context `substrate`)"
            }
            ErrorKind::NonceReused => "the node has seen this nonce before: every request needs a fresh nonce (dbc-rs generates one per call and per retry)",
            ErrorKind::MachineNotRented => "the machine is online but not rented on chain: rent it first (or pick a rented node)",
            ErrorKind::WalletNotRenter => "this wallet (or multisig account) is not the renter of the machine / rent order: use the renter's key, or pass the right rent_order",
            ErrorKind::SessionInvalid => "the session_id is unknown on this node or session_id_sign does not verify: fetch a new one with `session_id` using the renter's wallet signature",
            ErrorKind::RentExpired => "the rent order has ended: renew the rental on chain",
            ErrorKind::NotInVerifyTime => "committee verifiers may act only inside their verification windows",
            ErrorKind::AuthorityFailed => "the node refused this identity for this endpoint (e.g. verifiers cannot use renter-only endpoints)",
            ErrorKind::PortConflict { .. } => "another running VM on this node uses that port: choose a different ssh/rdp/vnc port",
            ErrorKind::ResourceExhausted { .. } => "the node (or your rent order) does not have that much free: ask for fewer resources or stop other VMs",
            ErrorKind::TaskNotFound => "no such task on this node for this identity: list tasks to see the ids",
            ErrorKind::TaskWrongState { .. } => "the VM is in the wrong state for this operation: check its status and wait for transitions to finish",
            ErrorKind::NodeUnknown => "the client node does not know this node id or it is offline: check the id (`dbc node list`) and that the node is online",
            ErrorKind::OperationTimeout => "the GPU node did not answer within 30 s; the operation may still happen: re-read state (list/details) before retrying",
            ErrorKind::RetryLater => "the node is cleaning up foreign VMs: try again in a minute",
            ErrorKind::InvalidParams => "a parameter was rejected: see the message for which one",
            ErrorKind::Other => return None,
        })
    }
}

/// Every failure of a client call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The node (or the client node) answered with an error.
    Api {
        /// Registry name of the endpoint.
        endpoint: &'static str,
        /// HTTP status (200 for GPU-node errors, 400/404/500 for client-node errors).
        http_status: u16,
        /// The reply's errcode.
        errcode: i64,
        /// The reply's message, verbatim.
        message: String,
        /// What it means.
        kind: ErrorKind,
    },
    /// The request did not complete at the HTTP level.
    Transport {
        /// Registry name of the endpoint.
        endpoint: &'static str,
        /// The transport's error.
        source: TransportError,
    },
    /// The reply was not what the endpoint promises.
    Decode {
        /// Registry name of the endpoint.
        endpoint: &'static str,
        /// HTTP status.
        http_status: u16,
        /// serde's explanation.
        reason: String,
        /// The start of the body.
        body_excerpt: String,
    },
    /// The request would be rejected; nothing was sent.
    Validation(ValidationError),
    /// Signing failed; nothing was sent.
    Sign(SignError),
    /// A create whose outcome is unknown (timeout). Do **not** create again blindly: call
    /// `tasks().reconcile_create(&spec, started_at)` to find the VM if it was created.
    CreateOutcomeUnknown {
        /// The node.
        node: NodeId,
        /// What was asked for.
        spec: Box<CreateVm>,
        /// When the request was sent.
        started_at: SystemTime,
        /// What made the outcome unknown.
        cause: Box<Error>,
    },
    /// `wait_for` gave up.
    WaitTimeout {
        /// The task.
        task_id: TaskId,
        /// Last status seen.
        last_status: String,
        /// How long it waited.
        waited: Duration,
    },
    /// The task reached an `… error` status while waiting.
    TaskFailed {
        /// The task.
        task_id: TaskId,
        /// The status.
        status: String,
    },
    /// No client node URL was given to the builder.
    NoUrl,
    /// The HTTP transport could not be set up (bad URL, CA file or proxy).
    TransportSetup {
        /// What is wrong.
        source: TransportError,
    },
    /// An `https://` URL in a build without the `rustls` feature.
    TlsNotCompiled {
        /// The URL (user info removed).
        url: String,
    },
    /// A fan-out was asked to run an endpoint that changes state; nothing was sent.
    MutatingFanOut {
        /// Registry name of the endpoint.
        endpoint: &'static str,
    },
    /// The call's task was cancelled (or panicked) before it produced a result.
    Cancelled {
        /// The node of the call, when it had one.
        node: Option<NodeId>,
    },
    /// A node of a fan-out did not finish within the fan-out's deadline (retries included).
    Deadline {
        /// The node.
        node: NodeId,
        /// The deadline.
        after: Duration,
    },
    /// [`crate::Client::call_raw`] was given a name that is not in the registry.
    UnknownEndpoint {
        /// The name given.
        name: String,
    },
    /// [`crate::Client::call_raw`]'s parameters or `additional` do not fit the endpoint;
    /// nothing was sent.
    RawRequest {
        /// Registry name of the endpoint.
        endpoint: &'static str,
        /// What does not fit.
        source: RawRequestError,
    },
    /// A reply the client does not know how to read (neither an error reply nor a
    /// decodable body).
    UnknownReply {
        /// Registry name of the endpoint.
        endpoint: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The operation needs the client's own wallet signer, and the client was built with
    /// other credentials (or none).
    NoSigner {
        /// What needed it.
        operation: &'static str,
    },
}

impl Error {
    /// A type-erased request error: a value the typed path rejects stays an
    /// [`Error::Validation`], the rest is an [`Error::RawRequest`].
    pub(crate) fn raw_request(endpoint: &'static str, e: RawRequestError) -> Error {
        match e {
            RawRequestError::Invalid(v) => Error::Validation(v),
            source => Error::RawRequest { endpoint, source },
        }
    }

    /// The recognised kind of an [`Error::Api`] (or of the cause of an unknown create).
    pub fn kind(&self) -> Option<&ErrorKind> {
        match self {
            Error::Api { kind, .. } => Some(kind),
            Error::CreateOutcomeUnknown { cause, .. } => cause.kind(),
            _ => None,
        }
    }

    /// The one-line hint, if any.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Api { kind, .. } => kind.hint(),
            // Their text already says what to do.
            Error::Transport {
                source: TransportError::Tls { .. } | TransportError::Proxy { .. },
                ..
            } => None,
            Error::Transport { source, .. } if source.is_outcome_unknown() => {
                Some("the request may have been executed: re-read state before retrying")
            }
            Error::Transport { source, .. } if source.is_connect_failure() => {
                Some("is the client node running and the URL right (https://HOST[:PORT] or http://HOST:PORT)?")
            }
            Error::CreateOutcomeUnknown { .. } => {
                Some("the VM may have been created: reconcile by listing tasks (tasks().reconcile_create) before creating again")
            }
            Error::WaitTimeout { .. } => Some("creation can take up to ~50 minutes on a real node: wait longer or check the node"),
            Error::TaskFailed { .. } => Some("see `logs` for the reason; the task can be deleted or started again"),
            Error::Deadline { .. } => Some("the node (or the client node's link to it) hangs: check that it is online; the other nodes were not held up"),
            Error::UnknownEndpoint { .. } => Some("`dbc call --list` lists every endpoint name"),
            Error::RawRequest { .. } => Some("`dbc call --list` shows each endpoint's path; its parameters are the `{…}` placeholders and query names"),
            Error::NoUrl => Some("set one like https://node.example or http://127.0.0.1:5052"),
            Error::TlsNotCompiled { .. } => Some("enable dbc-api's `rustls` feature (on by default; it is off because of `default-features = false`)"),
            Error::MutatingFanOut { .. } => Some("fan-out runs read-only endpoints only: call it per node"),
            Error::NoSigner { .. } => Some("build the client with a wallet signer (Credentials::signer), or pass the renter's signer explicitly (open_session_with)"),
            _ => None,
        }
    }

    /// True for HTTP-level failures (unreachable, timeout, reset).
    pub fn is_transport(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Deadline { .. } => true,
            Error::CreateOutcomeUnknown { cause, .. } => cause.is_transport(),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    /// This level's message only: the cause is [`std::error::Error::source`], the advice is
    /// [`Error::hint`] (smithy-rs RFC-0022).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                endpoint,
                http_status,
                errcode,
                message,
                ..
            } => write!(f, "{endpoint}: errcode {errcode} (HTTP {http_status}): {message}"),
            Error::Transport { endpoint, .. } => write!(f, "{endpoint}: HTTP request failed"),
            Error::Decode {
                endpoint,
                http_status,
                reason,
                body_excerpt,
            } => write!(f, "{endpoint}: undecodable reply (HTTP {http_status}): {reason}; body starts: {body_excerpt:?}"),
            Error::Validation(_) => f.write_str("not sent: the request is invalid"),
            Error::Sign(_) => f.write_str("not sent: signing failed"),
            Error::CreateOutcomeUnknown { node, .. } => {
                write!(f, "create on node {node}: outcome unknown")
            }
            Error::WaitTimeout {
                task_id,
                last_status,
                waited,
            } => write!(f, "task {task_id} still `{last_status}` after {}s", waited.as_secs()),
            Error::TaskFailed { task_id, status } => write!(f, "task {task_id} ended in status `{status}`"),
            Error::NoUrl => f.write_str("no client node URL"),
            Error::TransportSetup { .. } => f.write_str("cannot set up the HTTP transport"),
            Error::TlsNotCompiled { url } => write!(
                f,
                "`{url}` needs HTTPS, which this build of dbc-api leaves out"
            ),
            Error::MutatingFanOut { endpoint } => {
                write!(f, "{endpoint} changes state: not run as a fan-out")
            }
            Error::Cancelled { node: Some(node) } => {
                write!(f, "node {node}: the call was cancelled")
            }
            Error::Cancelled { node: None } => f.write_str("the call was cancelled"),
            Error::Deadline { node, after } => {
                write!(f, "node {node}: no complete answer within {after:?}")
            }
            Error::UnknownEndpoint { name } => write!(f, "no endpoint named `{name}`"),
            Error::RawRequest { endpoint, .. } => write!(f, "{endpoint}: not sent"),
            Error::UnknownReply { endpoint, reason } => {
                write!(f, "{endpoint}: unreadable reply: {reason}")
            }
            Error::NoSigner { operation } => write!(
                f,
                "{operation} needs the client's wallet signer, and the client has none"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Validation(e) => Some(e),
            Error::Sign(e) => Some(e),
            Error::RawRequest { source, .. } => Some(source),
            Error::TransportSetup { source } => Some(source),
            Error::CreateOutcomeUnknown { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<SignError> for Error {
    fn from(e: SignError) -> Self {
        Error::Sign(e)
    }
}
