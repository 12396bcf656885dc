//! The bridge without IO: request bodies in, replies, Prometheus text and JSON out. The TCP and
//! HTTP servers ([`crate::Monitor`]) and the benches drive it.

use crate::frame::FrameError;
use crate::ingest::{BadValue, ItemResult, RequestKind};
use crate::store::{Store, StoreLimits};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Per-frame item counts, added to the bridge's counters in one go.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ItemCounts([u64; 5]);

pub(crate) const ITEM_RESULTS: [ItemResult; 5] = [
    ItemResult::Stored,
    ItemResult::Malformed,
    ItemResult::UnknownKey,
    ItemResult::BadValue,
    ItemResult::SeriesLimit,
];

impl ItemCounts {
    pub(crate) fn add(&mut self, r: ItemResult) {
        if let Some(i) = ITEM_RESULTS.iter().position(|x| *x == r) {
            if let Some(c) = self.0.get_mut(i) {
                *c += 1;
            }
        }
    }
}

/// Frame refusal reasons, in `dbc_monitor_frames_total{result=…}` order.
pub(crate) const FRAME_RESULTS: [&str; 8] = [
    "ok",
    "bad_magic",
    "bad_flags",
    "empty",
    "too_large",
    "truncated",
    "bad_compression",
    "timeout",
];

pub(crate) const REQUESTS: [(RequestKind, &str); 5] = [
    (RequestKind::ActiveChecks, "active_checks"),
    (RequestKind::AgentData, "agent_data"),
    (RequestKind::SenderData, "sender_data"),
    (RequestKind::Other, "other"),
    (RequestKind::InvalidJson, "invalid_json"),
];

/// Counters of the bridge itself.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) frames: [AtomicU64; 8],
    pub(crate) requests: [AtomicU64; 5],
    pub(crate) items: [AtomicU64; 5],
    pub(crate) connections_accepted: AtomicU64,
    pub(crate) connections_refused: AtomicU64,
    pub(crate) bad_values: Mutex<HashMap<(&'static str, BadValue), u64>>,
}

/// Receives request bodies, keeps the latest samples, renders them.
#[derive(Debug)]
pub struct Bridge {
    store: Mutex<Store>,
    pub(crate) stats: Stats,
    pub(crate) started: Instant,
}

impl Bridge {
    /// A bridge with an empty store.
    pub fn new(limits: StoreLimits) -> Self {
        Bridge {
            store: Mutex::new(Store::new(limits)),
            stats: Stats::default(),
            started: Instant::now(),
        }
    }

    /// The store, locked. A panic while it was held elsewhere does not poison it for us.
    pub fn lock_store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Handles one request body (already unframed) and returns the reply body.
    pub fn handle_body(&self, body: &[u8]) -> String {
        self.count_frame(0);
        crate::ingest::handle(self, body)
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render_metrics(&self) -> String {
        crate::expo::render(self)
    }

    /// The latest samples as JSON: every host, or only `task_id` / `node_id` (None when that
    /// host is unknown).
    pub fn latest_json(&self, filter: crate::latest::Filter<'_>) -> Option<serde_json::Value> {
        crate::latest::latest(&self.lock_store(), filter)
    }

    /// Drops silent hosts and keys (see [`Store::evict_expired`]).
    pub fn evict_expired(&self) -> usize {
        self.lock_store().evict_expired(Instant::now())
    }

    /// Counts a refused frame.
    pub fn frame_rejected(&self, e: &FrameError) {
        self.count_frame(match e {
            FrameError::BadMagic => 1,
            FrameError::BadFlags(_) => 2,
            FrameError::Empty => 3,
            FrameError::TooLarge { .. } => 4,
            FrameError::Truncated { .. } => 5,
            _ => 6,
        });
    }

    /// Counts a connection closed at the read deadline.
    pub fn frame_timed_out(&self) {
        self.count_frame(7);
    }

    fn count_frame(&self, i: usize) {
        if let Some(c) = self.stats.frames.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn count_request(&self, k: RequestKind) {
        if let Some(i) = REQUESTS.iter().position(|(r, _)| *r == k) {
            if let Some(c) = self.stats.requests.get(i) {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn count_items(&self, counts: &ItemCounts, bad: &[(&'static str, BadValue)]) {
        for (c, n) in self.stats.items.iter().zip(counts.0) {
            if n > 0 {
                c.fetch_add(n, Ordering::Relaxed);
            }
        }
        if !bad.is_empty() {
            let mut m = self
                .stats
                .bad_values
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            for b in bad {
                *m.entry(*b).or_default() += 1;
            }
        }
    }

    /// Counts an accepted (`true`) or refused (over the connection limit) connection.
    pub fn count_connection(&self, accepted: bool) {
        let c = if accepted {
            &self.stats.connections_accepted
        } else {
            &self.stats.connections_refused
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Items stored so far (all hosts, including updates).
    pub fn items_stored(&self) -> u64 {
        self.stats
            .items
            .first()
            .map(|c| c.load(Ordering::Relaxed))
            .unwrap_or_default()
    }
}
