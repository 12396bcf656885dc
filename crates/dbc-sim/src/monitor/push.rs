//! One sender per destination `host:port` (MONITOR.md §2): a FIFO of (host, JSON) drained one
//! request per TCP connection, with a pause between connections.
//!
//! Each round: if the queue is empty, wait; else resolve and connect (each address with a
//! deadline; all failing drops the head). Then look at the head: if `active checks` for its host
//! succeeded less than the TTL ago, pop it and send it as `agent data`; otherwise ask
//! `active checks` and leave it queued. Read the reply as the node does, close, pause.

use super::{bump, frame, Hub, QUEUE_MAX};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One queued message: the Zabbix host it is about and its agent-data JSON (built at enqueue).
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    pub host: Arc<str>,
    pub json: Arc<str>,
}

/// A destination and its queue.
#[derive(Debug)]
pub(crate) struct Dest {
    /// `host:port` as set (not validated beyond the split on `:`).
    pub addr: String,
    queue: Mutex<VecDeque<Msg>>,
    /// No longer referenced by any node: the sender ends once the queue is empty.
    pub retired: AtomicBool,
}

impl Dest {
    pub(crate) fn new(addr: String) -> Dest {
        Dest {
            addr,
            queue: Mutex::new(VecDeque::new()),
            retired: AtomicBool::new(false),
        }
    }

    fn q(&self) -> std::sync::MutexGuard<'_, VecDeque<Msg>> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queue a message; when more than 100 are waiting the oldest is dropped first.
    /// Returns whether a message was dropped.
    pub(crate) fn push(&self, m: Msg) -> bool {
        let mut q = self.q();
        let dropped = q.len() >= QUEUE_MAX;
        if dropped {
            q.pop_front();
        }
        q.push_back(m);
        dropped
    }

    pub(crate) fn len(&self) -> usize {
        self.q().len()
    }

    fn front(&self) -> Option<Msg> {
        self.q().front().cloned()
    }

    fn pop(&self) -> Option<Msg> {
        self.q().pop_front()
    }
}

/// What one connection carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ActiveChecks,
    AgentData,
}

/// The sender loop of one destination; ends on stop, or when retired and drained.
pub(crate) async fn run(hub: Arc<Hub>, dest: Arc<Dest>) {
    let mut stop = hub.stop.clone();
    let mut wants: HashMap<Arc<str>, Instant> = HashMap::new();
    let mut first = true;
    loop {
        if *stop.borrow() {
            return;
        }
        if !first {
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(hub.settings.pacing) => {}
            }
        }
        first = false;
        if dest.len() == 0 {
            let mut dests = hub.dests();
            if dest.retired.load(Ordering::Relaxed) && dest.len() == 0 {
                if dests.get(&dest.addr).is_some_and(|d| Arc::ptr_eq(d, &dest)) {
                    dests.remove(&dest.addr);
                }
                return;
            }
            continue;
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = round(&hub, &dest, &mut wants) => {}
        }
        // Forget stale answers so the map stays bounded by the hosts still being pushed.
        if wants.len() > 4 * QUEUE_MAX {
            let ttl = hub.settings.active_checks_ttl;
            wants.retain(|_, t| t.elapsed() < ttl);
        }
    }
}

/// One connection: connect, one request, one reply, close.
async fn round(hub: &Hub, dest: &Dest, wants: &mut HashMap<Arc<str>, Instant>) {
    let c = &hub.counters;
    let Some(mut stream) = connect(&dest.addr, hub).await else {
        if dest.pop().is_some() {
            bump(&c.dropped_unreachable);
        }
        tracing::debug!(server = %dest.addr, "monitor server unreachable; dropped the head message");
        return;
    };
    let Some(head) = dest.front() else {
        return;
    };
    let fresh = wants
        .get(&head.host)
        .is_some_and(|t| t.elapsed() < hub.settings.active_checks_ttl);
    let (kind, body): (Kind, Arc<str>) = if fresh {
        let msg = dest.pop().unwrap_or_else(|| head.clone());
        bump(&c.data_sent);
        (Kind::AgentData, msg.json)
    } else {
        bump(&c.active_checks_sent);
        (Kind::ActiveChecks, active_checks_json(&head.host).into())
    };
    let outcome = exchange(&mut stream, body.as_bytes(), hub).await;
    let _ = tokio::time::timeout(hub.settings.io_timeout, stream.shutdown()).await;
    match (kind, outcome) {
        (Kind::ActiveChecks, Some(ok)) => {
            if ok {
                bump(&c.active_checks_ok);
                wants.insert(head.host.clone(), Instant::now());
            } else {
                bump(&c.failed_exchanges);
                wants.remove(&head.host);
            }
        }
        (Kind::AgentData, Some(true)) => bump(&c.data_ok),
        (_, _) => {
            tracing::debug!(server = %dest.addr, host = %head.host, ?kind, "metrics push: exchange failed");
            bump(&c.failed_exchanges);
        }
    }
}

/// `{"request":"active checks","host":H}`.
pub(crate) fn active_checks_json(host: &str) -> String {
    let mut s = String::with_capacity(48 + host.len());
    s.push_str("{\"request\":\"active checks\",\"host\":");
    super::json::push_str(&mut s, host);
    s.push('}');
    s
}

/// Resolve and connect, each address with the I/O deadline (plain TCP, no TLS).
async fn connect(addr: &str, hub: &Hub) -> Option<TcpStream> {
    let t = hub.settings.io_timeout;
    let addrs: Vec<std::net::SocketAddr> =
        match tokio::time::timeout(t, tokio::net::lookup_host(addr)).await {
            Ok(Ok(it)) => it.take(16).collect(),
            _ => return None,
        };
    for a in addrs {
        if let Ok(Ok(s)) = tokio::time::timeout(t, TcpStream::connect(a)).await {
            let _ = s.set_nodelay(true);
            return Some(s);
        }
    }
    None
}

/// Write one request and read the reply as the node does: `Some(success)` when a whole reply
/// was read, `None` on a write error, a timeout or a rejected header.
async fn exchange(stream: &mut TcpStream, body: &[u8], hub: &Hub) -> Option<bool> {
    let t = hub.settings.io_timeout;
    let req = frame::request(body);
    // The node arms one deadline for the write and the reply header, another for the body.
    let header = tokio::time::timeout(t, async {
        stream.write_all(&req).await?;
        let mut h = [0u8; frame::HEADER_LEN];
        stream.read_exact(&mut h).await?;
        Ok::<_, std::io::Error>(h)
    })
    .await
    .ok()?
    .ok()?;
    let len = frame::reply_body_len(&header)?;
    let mut body = vec![0u8; len];
    tokio::time::timeout(t, stream.read_exact(&mut body))
        .await
        .ok()?
        .ok()?;
    Some(frame::reply_is_success(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(i: usize) -> Msg {
        Msg {
            host: "h".into(),
            json: i.to_string().into(),
        }
    }

    #[test]
    fn queue_keeps_at_most_101_and_drops_the_oldest() {
        let d = Dest::new("127.0.0.1:1".into());
        let mut dropped = 0;
        for i in 0..150 {
            if d.push(msg(i)) {
                dropped += 1;
            }
        }
        assert_eq!(d.len(), QUEUE_MAX);
        assert_eq!(dropped, 150 - QUEUE_MAX);
        assert_eq!(d.front().map(|m| m.json.to_string()), Some("49".into()));
    }

    #[test]
    fn active_checks_request_matches_the_node() {
        let j = active_checks_json("7T13qNLVRXZvjSESL2A24F");
        assert_eq!(
            j,
            r#"{"request":"active checks","host":"7T13qNLVRXZvjSESL2A24F"}"#
        );
        assert_eq!(j.len(), 59);
    }
}
