//! Starting and stopping the two listeners (Zabbix TCP and HTTP) and the TTL sweeper.

use crate::bridge::Bridge;
use crate::store::StoreLimits;
use crate::{Limits, MonitorError};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What to listen on and the limits.
#[derive(Debug, Clone, Copy)]
pub struct MonitorConfig {
    /// Zabbix protocol listener (the node's monitor server `host:port`); port 0 picks one.
    pub zabbix_listen: SocketAddr,
    /// HTTP listener for `/metrics`, `/healthz`, `/api/v1/latest`; port 0 picks one.
    pub metrics_listen: SocketAddr,
    /// Bounds.
    pub limits: Limits,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        MonitorConfig {
            zabbix_listen: SocketAddr::from(([0, 0, 0, 0], 10051)),
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9109)),
            limits: Limits::default(),
        }
    }
}

/// A running bridge. Stop it with [`Monitor::shutdown`] (dropping it stops it too, without
/// waiting).
#[derive(Debug)]
pub struct Monitor {
    bridge: Arc<Bridge>,
    zabbix_addr: SocketAddr,
    metrics_addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

async fn bind(what: &'static str, addr: SocketAddr) -> Result<TcpListener, MonitorError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| MonitorError::Bind { what, addr, source })
}

impl Monitor {
    /// Binds both listeners and starts serving (on the current tokio runtime).
    ///
    /// # Errors
    /// [`MonitorError::Bind`] when an address cannot be bound (in use, not local, no
    /// permission for a port below 1024).
    pub async fn start(cfg: MonitorConfig) -> Result<Monitor, MonitorError> {
        let zl = bind("Zabbix listener", cfg.zabbix_listen).await?;
        let hl = bind("metrics listener", cfg.metrics_listen).await?;
        let local = |l: &TcpListener, what, addr| {
            l.local_addr()
                .map_err(|source| MonitorError::Bind { what, addr, source })
        };
        let zabbix_addr = local(&zl, "Zabbix listener", cfg.zabbix_listen)?;
        let metrics_addr = local(&hl, "metrics listener", cfg.metrics_listen)?;
        let limits = cfg.limits;
        let bridge = Arc::new(Bridge::new(StoreLimits {
            max_series: limits.max_series,
            ttl: limits.host_ttl,
        }));
        let (stop, rx) = watch::channel(false);
        let sweep_every =
            (limits.host_ttl / 10).clamp(Duration::from_millis(50), Duration::from_secs(30));
        let tasks = vec![
            tokio::spawn(crate::zabbix::serve(zl, bridge.clone(), limits, rx.clone())),
            tokio::spawn(crate::http::serve(hl, bridge.clone(), rx.clone())),
            tokio::spawn(sweeper(bridge.clone(), sweep_every, rx)),
        ];
        Ok(Monitor {
            bridge,
            zabbix_addr,
            metrics_addr,
            stop,
            tasks,
        })
    }

    /// The bound Zabbix address.
    pub fn zabbix_addr(&self) -> SocketAddr {
        self.zabbix_addr
    }

    /// The bound HTTP address.
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }

    /// `http://HOST:PORT/metrics`.
    pub fn metrics_url(&self) -> String {
        format!("http://{}/metrics", self.metrics_addr)
    }

    /// The JSON ready line: `{"zabbix":"HOST:PORT","metrics":"http://HOST:PORT/metrics"}`.
    pub fn ready_line(&self) -> String {
        format!(
            "{{\"zabbix\":{},\"metrics\":{}}}",
            serde_json::Value::from(self.zabbix_addr.to_string()),
            serde_json::Value::from(self.metrics_url())
        )
    }

    /// The bridge (store, exposition) behind the servers.
    pub fn bridge(&self) -> &Arc<Bridge> {
        &self.bridge
    }

    /// Stops accepting, ends open connections and waits for the tasks.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for t in &self.tasks {
            t.abort();
        }
    }
}

async fn sweeper(bridge: Arc<Bridge>, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tick.tick() => {
                let gone = bridge.evict_expired();
                if gone > 0 {
                    tracing::info!(hosts = gone, "dropped hosts silent for the TTL");
                }
            }
        }
    }
}
