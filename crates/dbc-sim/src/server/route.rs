//! Routing (§1.3): the `/api/v1` prefixes, path segments and query strings.

use super::bare_metal::{bare_metal, deeplink};
use super::images::images;
use super::network::lan;
use super::nodes::{mining_nodes, monitor, peers, rent_orders};
use super::storage::{disk, snapshot};
use super::tasks::tasks;
use super::Shared;
use crate::wire::Reply;
use std::collections::HashMap;

fn segments(rem: &str) -> Vec<&str> {
    let path = rem.split('?').next().unwrap_or("");
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    let mut v: Vec<&str> = path.split('/').collect();
    if v.last() == Some(&"") {
        v.pop();
    }
    v
}

pub(super) fn query(rem: &str) -> HashMap<&str, &str> {
    let mut m = HashMap::new();
    if let Some((_, q)) = rem.split_once('?') {
        for item in q.split('&') {
            let parts: Vec<&str> = item.split('=').collect();
            if let [k, v] = parts.as_slice() {
                m.insert(*k, *v);
            }
        }
    }
    m
}

const POST_ONLY: &str = "only support POST request";

/// Route one request (§1.3) and produce its reply.
pub(super) async fn route(sh: &Shared, method: &http::Method, uri: &str, body: &[u8]) -> Reply {
    if !uri.starts_with("/api/v1") {
        return Reply::invalid_request(format!("request uri is invalid, uri:{uri}"));
    }
    if uri == "/api/v1/" {
        return sh.with_faults("version", None, || Reply::Version).await;
    }
    const PREFIXES: [&str; 13] = [
        "/api/v1/tasks",
        "/api/v1/images",
        "/api/v1/snapshot",
        "/api/v1/disk",
        "/api/v1/mining_nodes",
        "/api/v1/peers",
        "/api/v1/stat",
        "/api/v1/config",
        "/api/v1/monitor",
        "/api/v1/lan",
        "/api/v1/bare_metal",
        "/api/v1/deeplink",
        "/api/v1/rent_orders",
    ];
    let Some(prefix) = PREFIXES.iter().find(|p| uri.starts_with(*p)) else {
        return Reply::http(404, -32601, format!("not support uri:{uri}"));
    };
    let rem = &uri[prefix.len()..];
    if *prefix == "/api/v1/stat" || *prefix == "/api/v1/config" {
        // The handlers are empty: the destructor safety net replies (§7.8).
        return Reply::unhandled();
    }
    if method != http::Method::POST {
        return Reply::invalid_request(POST_ONLY);
    }
    let segs = segments(rem);
    match *prefix {
        "/api/v1/tasks" => tasks(sh, &segs, rem, body).await,
        "/api/v1/images" => images(sh, &segs, body).await,
        "/api/v1/snapshot" => snapshot(sh, &segs, body).await,
        "/api/v1/disk" => disk(sh, &segs, body).await,
        "/api/v1/mining_nodes" => mining_nodes(sh, &segs, body).await,
        "/api/v1/peers" => peers(sh, &segs).await,
        "/api/v1/monitor" => monitor(sh, &segs, body).await,
        "/api/v1/lan" => lan(sh, &segs, body).await,
        "/api/v1/bare_metal" => bare_metal(sh, &segs, body).await,
        "/api/v1/deeplink" => deeplink(sh, &segs, body).await,
        _ => rent_orders(sh, &segs, body).await,
    }
}
