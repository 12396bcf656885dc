//! The HTTP side: `GET /metrics` (Prometheus text 0.0.4), `GET /healthz`,
//! `GET /api/v1/latest[?task_id=ID|node_id=ID]` (JSON). At most 64 connections at once, a
//! 10-s header deadline, no request bodies read.

use crate::bridge::Bridge;
use crate::latest::Filter;
use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// Most HTTP connections served at once.
const MAX_HTTP_CONNECTIONS: usize = 64;

fn reply(status: StatusCode, ctype: &'static str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(ctype),
    );
    r
}

fn json_error(status: StatusCode, msg: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "error": msg }).to_string();
    reply(status, "application/json", body)
}

/// Routes one request.
pub(crate) fn route<B>(bridge: &Bridge, req: &Request<B>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let known = matches!(path, "/metrics" | "/healthz" | "/api/v1/latest");
    if !known {
        return json_error(
            StatusCode::NOT_FOUND,
            "not found: try /metrics, /healthz or /api/v1/latest",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET");
    }
    match path {
        "/metrics" => reply(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            bridge.render_metrics(),
        ),
        "/healthz" => reply(StatusCode::OK, "text/plain; charset=utf-8", "ok\n"),
        _ => latest(bridge, req.uri().query().unwrap_or("")),
    }
}

fn latest(bridge: &Bridge, query: &str) -> Response<Full<Bytes>> {
    let mut filter = Filter::All;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        filter = match k {
            "task_id" if !v.is_empty() => Filter::Task(v),
            "node_id" if !v.is_empty() => Filter::Node(v),
            _ => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    "query parameters: task_id=ID or node_id=ID (or none for every host)",
                )
            }
        };
    }
    match bridge.latest_json(filter) {
        Some(v) => reply(StatusCode::OK, "application/json", v.to_string()),
        None => json_error(
            StatusCode::NOT_FOUND,
            "no data for that host yet (is the node pushing to this bridge? data arrives every 30 s)",
        ),
    }
}

pub(crate) async fn serve(
    listener: TcpListener,
    bridge: Arc<Bridge>,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(MAX_HTTP_CONNECTIONS));
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            acc = listener.accept() => {
                let stream = match acc {
                    Ok((s, _)) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let Ok(permit) = slots.clone().try_acquire_owned() else {
                    drop(stream);
                    continue;
                };
                let b = bridge.clone();
                conns.spawn(async move {
                    let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let r = route(&b, &req);
                        async move { Ok::<_, Infallible>(r) }
                    });
                    let conn = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .max_buf_size(16 * 1024)
                        .serve_connection(TokioIo::new(stream), svc);
                    let _ = tokio::time::timeout(Duration::from_secs(300), conn).await;
                    drop(permit);
                });
                while conns.try_join_next().is_some() {}
            }
        }
    }
    conns.abort_all();
}
