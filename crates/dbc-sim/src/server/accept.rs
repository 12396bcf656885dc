//! The accept loop: the connection cap, TLS, HTTP/1.1 connections and graceful shutdown.

use super::Shared;
use crate::{limits, tls};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub(crate) async fn accept_loop(
    listener: tokio::net::TcpListener,
    sh: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    conn_stats: Arc<tls::ConnStats>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            acc = listener.accept() => {
                let (stream, _) = match acc {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let Some(slot) = sh.conn_limit.try_admit() else {
                    continue; // over the connection cap: closed at once (dropped)
                };
                let _ = stream.set_nodelay(true);
                let sh = sh.clone();
                let mut stop = stop.clone();
                let (acceptor, conn_stats) = (acceptor.clone(), conn_stats.clone());
                conns.spawn(async move {
                    let _slot = slot;
                    let Some(stream) = tls::accept(acceptor.as_ref(), stream, &conn_stats).await else {
                        return;
                    };
                    let svc = hyper::service::service_fn(move |req| super::serve(sh.clone(), req));
                    let conn = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(30))
                        .keep_alive(true)
                        .max_buf_size(limits::MAX_HEADER_BYTES)
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        r = conn.as_mut() => { if let Err(e) = r { tracing::debug!(error = %e, "connection ended"); } }
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(Duration::from_millis(500), conn).await;
                        }
                    }
                });
                while conns.try_join_next().is_some() {}
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.abort_all();
}
