//! The endpoint abstraction: one declaration per endpoint, one generic request builder.

use crate::envelope::{Credential, Envelope};
use crate::error::{invalid, Validate, ValidationError};
use crate::ids::{path_safe, TaskId};
use crate::reply::{decode_reply, ReplyError};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// HTTP method an endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpMethod {
    /// `POST` only (every endpoint but the version, stat and config).
    Post,
    /// Any method (the client sends `POST`).
    Any,
}

impl HttpMethod {
    /// The method a client sends.
    pub fn wire(self) -> &'static str {
        "POST"
    }
    /// The label used in generated docs and listings: `POST` or `any (POST)`.
    pub fn label(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Any => "any (POST)",
        }
    }
}

/// Authorization the GPU node (or client node) applies, spec §0 / §5.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials needed.
    None,
    /// `R`: session, wallet or multisig; committee verifiers accepted.
    Renter,
    /// `R¬v`: like `R` but verifiers are rejected.
    RenterNotVerifier,
    /// `W`: wallet or multisig signature of the renter; sessions are not accepted.
    WalletOnly,
    /// `opt`: credentials evaluated but a failure is ignored (only filters content).
    Optional,
    /// `BM`: the bare-metal manager's node key signs the nonce.
    BareMetalManager,
    /// Answered by the client node itself.
    Local,
}

impl Auth {
    /// The short legend used in the spec's §0 table.
    pub fn legend(self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::Renter => "R",
            Auth::RenterNotVerifier => "R¬v",
            Auth::WalletOnly => "W",
            Auth::Optional => "opt",
            Auth::BareMetalManager => "BM",
            Auth::Local => "local",
        }
    }
}

/// The client node's syntactic credential pre-check (spec §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreCheck {
    /// No pre-check.
    None,
    /// Variant A: session, or wallet, or multisig; the message differs per endpoint.
    A(&'static str),
    /// Variant B: wallet or multisig signature only.
    B,
    /// Variant C: wallet signature only.
    C,
}

impl PreCheck {
    /// The label used in generated docs and listings: `–`, ``A (`message`)``, `B` or `C`.
    pub fn label(self) -> String {
        match self {
            PreCheck::None => "–".to_owned(),
            PreCheck::A(msg) => format!("A (`{msg}`)"),
            PreCheck::B => "B".to_owned(),
            PreCheck::C => "C".to_owned(),
        }
    }
}

/// Message of pre-check A on most endpoints.
pub const PRECHECK_A_DEFAULT: &str = "wallet_sign and multisig_wallets all invalid";
/// Message of pre-check A on create, image and disk endpoints.
pub const PRECHECK_A_CREATE: &str = "session_id and wallet all invalid";

/// Whether `peer_nodes_list[0]` is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A GPU node id is required (`peer_nodeid is empty` otherwise).
    Required,
    /// Optional: without a node the client node answers locally.
    Optional,
    /// Not used (the body is not read or the reply is local).
    Unused,
}

impl Target {
    /// The label used in generated docs and listings: `required`, `optional` or `unused`.
    pub fn label(self) -> &'static str {
        match self {
            Target::Required => "required",
            Target::Optional => "optional",
            Target::Unused => "unused",
        }
    }
}

/// The static description of an endpoint: everything codegen, docs and tests need.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct EndpointInfo {
    /// Stable dotted name, e.g. `tasks.create`.
    pub name: &'static str,
    /// One-line description.
    pub summary: &'static str,
    /// Rows of the spec's §0 table this entry implements.
    pub spec_rows: &'static [u8],
    /// Accepted method.
    pub method: HttpMethod,
    /// Path template with `{param}` placeholders, e.g. `/api/v1/tasks/start/{task_id}`.
    pub path: &'static str,
    /// Query parameters the endpoint reads.
    pub query: &'static [&'static str],
    /// Node-side authorization.
    pub auth: Auth,
    /// Client-node pre-check.
    pub precheck: PreCheck,
    /// Whether a target node is needed.
    pub target: Target,
    /// Whether the call changes state (never retried automatically).
    pub mutates: bool,
    /// The client node's `"<op> timeout"` message (HTTP 500) for this endpoint, if any.
    pub timeout_message: Option<&'static str>,
    /// Rust name of the `additional` type.
    pub request_type: &'static str,
    /// Rust name of the success `message` type.
    pub response_type: &'static str,
    /// A sample `additional` (JSON text) the endpoint accepts, for endpoints whose request has
    /// required members; `None` when the request type's defaults are a valid request. Shown in
    /// the generated docs (`docs/api/`) and sent by dbc-api's fault matrix.
    pub example: Option<&'static str>,
}

/// Path (and query) parameters of an endpoint.
pub trait PathParams: Debug + Clone + Send + Sync + 'static {
    /// Values for the template's `{…}` placeholders, in order.
    fn path_values(&self) -> Vec<&str>;
    /// Query parameters (name, value), already validated.
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Checks the parameters' own rules (e.g. `line_num` in 1–100); called by [`build_request`].
    ///
    /// # Errors
    /// A [`ValidationError`] naming the parameter that breaks a rule.
    fn validate_params(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

/// No path parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoParams;

impl PathParams for NoParams {
    fn path_values(&self) -> Vec<&str> {
        Vec::new()
    }
}

impl PathParams for TaskId {
    fn path_values(&self) -> Vec<&str> {
        vec![self.as_str()]
    }
}

/// One free-form path segment (a network name, a bare-metal id or uuid, a rent order id…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment(pub String);

impl PathParams for Segment {
    fn path_values(&self) -> Vec<&str> {
        vec![&self.0]
    }
}

/// A task id and a snapshot name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotParams {
    /// The VM.
    pub task_id: TaskId,
    /// The snapshot.
    pub snapshot_name: String,
}

impl PathParams for SnapshotParams {
    fn path_values(&self) -> Vec<&str> {
        vec![self.task_id.as_str(), &self.snapshot_name]
    }
}

/// A declared endpoint. Implemented only by the unit structs of [`crate::registry`].
pub trait Endpoint: Copy + Default + Send + Sync + 'static {
    /// Path and query parameters.
    type Params: PathParams;
    /// The `additional` member.
    type Request: Serialize
        + DeserializeOwned
        + Validate
        + Debug
        + Clone
        + Default
        + PartialEq
        + Send
        + Sync
        + JsonSchema
        + 'static;
    /// The success `message`.
    type Response: Serialize
        + DeserializeOwned
        + Debug
        + Clone
        + PartialEq
        + Send
        + Sync
        + JsonSchema
        + 'static;
    /// The static description.
    const INFO: EndpointInfo;
}

/// A request ready for any HTTP client: method, path with query, JSON body.
#[derive(Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// `POST` for every endpoint.
    pub method: &'static str,
    /// Path and query, e.g. `/api/v1/tasks/logs/abc?flag=tail&line_num=50`.
    pub path_and_query: String,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body carries signatures and session credentials: never print it.
        f.debug_struct("WireRequest")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Renders `template` with `values` and `query`, checking every value is path-safe, is not
/// `.`/`..` and is no fixed word of a sibling route (see [`crate::routes`]).
///
/// # Errors
///
/// A [`ValidationError`] naming the parameter whose value cannot be sent.
pub fn render_path(
    template: &'static str,
    values: &[&str],
    query: &[(&'static str, String)],
) -> Result<String, ValidationError> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut vals = values.iter();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = match rest[open..].find('}') {
            Some(c) => open + c,
            None => return invalid("path", "malformed path template"),
        };
        let name = &rest[open + 1..close];
        let v = match vals.next() {
            Some(v) => *v,
            None => return invalid("path", "missing path parameter"),
        };
        if v.is_empty() {
            return invalid(name.to_owned(), format!("{name} is empty"));
        }
        if !path_safe(v) {
            return invalid(
                name.to_owned(),
                "must be printable ASCII without '/', '?', '#', '&', '%', quotes or spaces (the node does not decode URLs)",
            );
        }
        let index = out.split('/').filter(|s| !s.is_empty()).count();
        crate::routes::check_path_value(template, name, index, v)?;
        out.push_str(v);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    if vals.next().is_some() {
        return invalid("path", "too many path parameters");
    }
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        if !path_safe(v) || v.contains('=') {
            return invalid(*k, "query values must be path-safe and contain no '='");
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    Ok(out)
}

/// Checks the envelope the way the client node would (spec §4, §5.1) plus the endpoint's
/// own parameter rules.
///
/// # Errors
/// A [`ValidationError`]: a missing target node, a credential the endpoint does not
/// accept, or an `additional` member that breaks a rule.
pub fn validate_envelope<E: Endpoint>(env: &Envelope<E::Request>) -> Result<(), ValidationError> {
    let info = E::INFO;
    if info.target == Target::Required && env.peer.is_none() {
        return invalid("peer_nodes_list", "peer_nodeid is empty: name the GPU node");
    }
    env.credential.validate()?;
    let has_sig = env.credential.is_signature();
    // Endpoints with a local mode do not pre-check credentials when no node is named.
    let local_mode = info.target == Target::Optional && env.peer.is_none();
    let precheck = if local_mode {
        PreCheck::None
    } else {
        info.precheck
    };
    match precheck {
        PreCheck::None => {}
        PreCheck::A(msg) => {
            if matches!(env.credential, Credential::None) {
                return invalid(
                    "credential",
                    format!("{msg}: this endpoint needs a session, wallet or multisig credential"),
                );
            }
        }
        PreCheck::B => {
            if !has_sig {
                return invalid(
                    "credential",
                    "wallet_sign and multisig_wallets all invalid: this endpoint needs a wallet or multisig signature (a session is not accepted)",
                );
            }
        }
        PreCheck::C => {
            if !matches!(env.credential, Credential::Wallet(_)) {
                return invalid(
                    "credential",
                    "invalid wallet sign: this endpoint needs the manager's wallet signature",
                );
            }
        }
    }
    if info.auth == Auth::WalletOnly && !has_sig {
        return invalid(
            "credential",
            "a wallet or multisig signature is required here",
        );
    }
    if !local_mode
        && matches!(info.auth, Auth::Renter | Auth::RenterNotVerifier)
        && matches!(env.credential, Credential::None)
    {
        return invalid(
            "credential",
            "the GPU node answers `check authority failed` without credentials: send a session, wallet or multisig credential",
        );
    }
    env.additional.validate()
}

/// Builds the wire request for endpoint `E`: validates, renders the path and serialises the body.
///
/// # Errors
/// A [`ValidationError`] from [`validate_envelope`], the parameters or the path, or
/// when the body cannot be serialised.
pub fn build_request<E: Endpoint>(
    params: &E::Params,
    env: &Envelope<E::Request>,
) -> Result<WireRequest, ValidationError> {
    validate_envelope::<E>(env)?;
    params.validate_params()?;
    let values = params.path_values();
    let query = params.query_pairs();
    let path_and_query = render_path(E::INFO.path, &values, &query)?;
    let body = env
        .to_json_vec()
        .map_err(|e| ValidationError::new("additional", e.to_string()))?;
    Ok(WireRequest {
        method: E::INFO.method.wire(),
        path_and_query,
        body,
    })
}

/// Decodes a reply for endpoint `E`.
///
/// # Errors
/// [`ReplyError::Api`] for an error reply, [`ReplyError::Decode`] for a body that is not
/// `E`'s response.
pub fn decode<E: Endpoint>(http_status: u16, body: &[u8]) -> Result<E::Response, ReplyError> {
    decode_reply::<E::Response>(http_status, body)
}

/// A registry row: the endpoint's info plus type-erased helpers for codegen and tests.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Descriptor {
    /// Static description.
    pub info: &'static EndpointInfo,
    /// JSON schema of `additional`.
    pub request_schema: fn(&mut SchemaGenerator) -> Schema,
    /// JSON schema of the success `message`.
    pub response_schema: fn(&mut SchemaGenerator) -> Schema,
    /// Decodes a reply body into the response type, discarding the value (for tests and fuzzing).
    pub decode_check: fn(u16, &[u8]) -> Result<(), ReplyError>,
    /// Decodes a request body as this endpoint's envelope and re-encodes it (golden tests).
    pub request_roundtrip: fn(&[u8]) -> Result<serde_json::Value, String>,
    /// Decodes a success `message` and re-encodes it (golden tests).
    pub response_roundtrip: fn(&serde_json::Value) -> Result<serde_json::Value, String>,
    /// [`crate::erased::build_json`] for this endpoint (use [`Descriptor::build_json`]).
    #[doc(hidden)]
    pub erased_build: ErasedBuild,
    /// [`crate::erased::decode_json`] for this endpoint (use [`Descriptor::decode_json`]).
    #[doc(hidden)]
    pub erased_decode: fn(u16, &[u8]) -> Result<serde_json::Value, ReplyError>,
}

/// The signature of [`crate::erased::build_json`] as a function pointer.
pub type ErasedBuild = for<'a, 'b> fn(
    &'a [(&'b str, &'b str)],
    serde_json::Value,
    &Envelope<()>,
) -> Result<WireRequest, crate::erased::RawRequestError>;

impl Descriptor {
    /// Builds this endpoint's wire request from name/value path parameters (path
    /// placeholders and query names) and a JSON `additional`, through the endpoint's typed
    /// parameters and request, so every typed validation applies. `additional` `null` means
    /// the request type's defaults; `envelope` gives target, credential and rent order.
    ///
    /// # Errors
    /// [`crate::erased::RawRequestError`]: a missing, unknown or repeated parameter name,
    /// an `additional` of the wrong shape, or a value the typed path rejects.
    pub fn build_json(
        &self,
        path_params: &[(&str, &str)],
        additional: serde_json::Value,
        envelope: &Envelope<()>,
    ) -> Result<WireRequest, crate::erased::RawRequestError> {
        (self.erased_build)(path_params, additional, envelope)
    }

    /// Decodes a reply through this endpoint's typed response and returns it as JSON.
    ///
    /// # Errors
    /// [`ReplyError::Api`] for an error reply, [`ReplyError::Decode`] for a body that is not
    /// this endpoint's response.
    pub fn decode_json(
        &self,
        http_status: u16,
        body: &[u8],
    ) -> Result<serde_json::Value, ReplyError> {
        (self.erased_decode)(http_status, body)
    }
}

impl std::fmt::Debug for Descriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Descriptor")
            .field("info", self.info)
            .finish()
    }
}

#[doc(hidden)]
pub fn roundtrip_request<A: Serialize + DeserializeOwned>(
    body: &[u8],
) -> Result<serde_json::Value, String> {
    let env: Envelope<A> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    serde_json::to_value(&env).map_err(|e| e.to_string())
}

#[doc(hidden)]
pub fn roundtrip_value<T: Serialize + DeserializeOwned>(
    v: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    let t: T = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&t).map_err(|e| e.to_string())
}
