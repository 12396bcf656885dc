//! The forwarding pipeline (§6.1): envelope parsing, the peer check, endpoint pre-checks, and
//! forwarding to the GPU node under the in-flight cap and the faults.

use super::faults::parse_error_message;
use super::{Shared, MAX_IN_FLIGHT};
use crate::config::ImageServerConfig;
use crate::envelope::{self, Env, Prefix};
use crate::node::{Op, PreAuth};
use crate::wire::Reply;
use dbc_types::endpoint::{Auth, PreCheck, Target};
use dbc_types::Endpoint;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// A forwarded endpoint: what the registry says about it (name, node-side auth class,
/// pre-check, whether a target node is required) plus the client node's routing quirks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fwd {
    /// Registry name (faults, `"<op> timeout"` texts).
    pub(super) name: &'static str,
    /// Node-side authorization (registry).
    pub(super) auth: Auth,
    /// The client node's credential pre-check (registry).
    pub(super) pre: PreCheck,
    /// `peer_nodeid is empty` when no target node is given (registry: `Target::Required`).
    pub(super) need_peer: bool,
    /// Routing quirk: the prefix of envelope parse errors on this route family.
    pub(super) prefix: Prefix,
    /// Routing quirk: whether the body is parsed with the family's offset handling.
    pub(super) offset: bool,
}

impl Fwd {
    /// Endpoint `E` on a route family whose envelope errors carry `prefix`.
    pub(super) fn of<E: Endpoint>(prefix: Prefix) -> Fwd {
        let info = &E::INFO;
        Fwd {
            name: info.name,
            auth: info.auth,
            pre: info.precheck,
            need_peer: info.target == Target::Required,
            prefix,
            offset: !matches!(prefix, Prefix::Request),
        }
    }
}

impl Shared {
    /// Steps 7–11 of §6.1.
    pub(super) async fn forward(&self, fwd: Fwd, env: Env, op: Op) -> Reply {
        let peer = env.peer.clone().unwrap_or_default();
        let Some(&idx) = self.index.get(&peer) else {
            return Reply::http(400, -32701, "create node request failed");
        };
        let Some(slot) = self.nodes.get(idx) else {
            return Reply::http(400, -32701, "create node request failed");
        };
        if !slot.announced {
            return Reply::http(400, -32701, "create node request failed");
        }
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Reply::http(400, -32701, "create request session failed");
        }
        let _guard = InFlight(&self.in_flight);
        let pre = if fwd.auth != Auth::None {
            PreAuth::compute(&env)
        } else {
            PreAuth::default()
        };
        let parse_msg = parse_error_message(fwd.name);
        self.with_faults(fwd.name, Some(&peer), || {
            let body = slot
                .lock()
                .dispatch(&op, fwd.auth, &env, &pre, Instant::now())
                .into_body();
            if serde_json::from_str::<serde::de::IgnoredAny>(&body).is_err() {
                return Reply::http(500, -1, parse_msg);
            }
            Reply::Compact(body)
        })
        .await
    }

    /// Steps 3–6 of §6.1 then forward. `step5` performs endpoint checks and builds the op.
    pub(super) async fn pipeline(
        &self,
        fwd: Fwd,
        body: &[u8],
        step5: impl FnOnce(&mut Env) -> Result<Op, Reply>,
    ) -> Reply {
        let mut env = match parse_env(fwd.prefix, fwd.offset, body) {
            Ok(e) => e,
            Err(r) => return r,
        };
        if fwd.need_peer && env.peer.as_deref().is_none_or(str::is_empty) {
            return Reply::params("peer_nodeid is empty");
        }
        let op = match step5(&mut env) {
            Ok(op) => op,
            Err(r) => return r,
        };
        if let Err(m) = envelope::precheck(fwd.pre, &env) {
            return Reply::params(m);
        }
        self.forward(fwd, env, op).await
    }

    pub(super) fn image_server(&self, id: &str) -> Option<&ImageServerConfig> {
        self.image_servers.iter().find(|s| s.id == id)
    }
}

struct InFlight<'a>(&'a AtomicUsize);
impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub(super) fn parse_env(prefix: Prefix, offset: bool, body: &[u8]) -> Result<Env, Reply> {
    let m = envelope::parse_body(body, offset).map_err(|m| {
        if m == "http request body is empty" {
            Reply::params(m)
        } else {
            Reply::params(prefix.apply(&m))
        }
    })?;
    envelope::parse_envelope(m).map_err(|m| Reply::params(prefix.apply(&m)))
}

pub(super) fn additional_str(env: &Env, key: &str) -> Option<String> {
    env.additional
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
}
