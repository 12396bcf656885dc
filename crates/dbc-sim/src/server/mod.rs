//! The client node: HTTP server state and entry point. Areas, one file each: `route` (§1.3),
//! `pipeline` (the forwarding pipeline, §6.1), `faults`, and the routes per prefix (`tasks`,
//! `images`, `storage`, `nodes`, `network`, `bare_metal`), which include the replies the client
//! node gives itself.

use crate::config::{ImageServerConfig, NodeKind};
use crate::node::{Delays, NodeWorld};
use crate::wire::{render, SimBody};
use crate::Fault;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

pub(crate) mod accept;
mod bare_metal;
pub(crate) mod faults;
mod images;
mod network;
mod nodes;
mod pipeline;
mod route;
mod storage;
mod tasks;

/// Max body size (`0x02000000`, §1.1).
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;
/// Connection timeout of the reference server (`evhttp_set_timeout(…, 30)`), used for body reads.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// `MAX_SESSION_COUNT` (§1.5).
const MAX_IN_FLIGHT: usize = 1024;

/// One node slot.
#[derive(Debug)]
pub(crate) struct NodeSlot {
    pub id: String,
    pub kind: NodeKind,
    pub announced: bool,
    pub name: String,
    pub version: String,
    pub public_ip: String,
    pub world: Mutex<NodeWorld>,
}

impl NodeSlot {
    /// `{"node_id","name","version"}` as the client node lists a node (§7.6.1: version `N/A`
    /// when the node announced none).
    pub(crate) fn list_entry(&self) -> String {
        let version = if self.version.is_empty() {
            "N/A"
        } else {
            &self.version
        };
        format!(
            "{{\"node_id\":\"{}\",\"name\":\"{}\",\"version\":\"{version}\"}}",
            self.id, self.name
        )
    }
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, NodeWorld> {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// State shared by all connections.
#[derive(Debug)]
pub(crate) struct Shared {
    pub nodes: Vec<NodeSlot>,
    pub index: HashMap<String, usize>,
    pub image_servers: Vec<ImageServerConfig>,
    pub client_files: Vec<String>,
    pub faults: RwLock<Vec<Fault>>,
    pub requests: AtomicU64,
    pub in_flight: AtomicUsize,
    pub delays: Delays,
    pub node_timeout: Duration,
    pub local_uploads: Mutex<HashMap<String, Instant>>,
    pub conn_limit: crate::limits::ConnLimit,
    pub clock: Arc<crate::clock::ChainClock>,
}

/// Serve one HTTP request.
pub(crate) async fn serve(
    sh: Arc<Shared>,
    req: http::Request<Incoming>,
) -> Result<http::Response<SimBody>, crate::libevent::Dropped> {
    sh.requests.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = req.into_parts();
    let uri = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| parts.uri.to_string());
    // Over-limit and slow bodies get what libevent does, not a DBC reply (libevent.rs).
    let collected = tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY).collect())
        .await
        .map_err(|_| crate::libevent::Dropped("request body not received within 30 s"))?;
    let body = match collected {
        Ok(c) => c.to_bytes(),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            let mut resp = render(crate::libevent::entity_too_large());
            resp.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
            return Ok(resp);
        }
        Err(_) => return Err(crate::libevent::Dropped("request body could not be read")),
    };
    let reply = route::route(&sh, &parts.method, &uri, &body).await;
    tracing::debug!(method = %parts.method, uri = %uri, "request");
    Ok(render(reply))
}
