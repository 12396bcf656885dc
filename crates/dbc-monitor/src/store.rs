//! The latest sample per (host, key), with the item clocks as the node sent them (MONITOR.md §5:
//! receivers keep item clocks), bounded by a maximum number of series and a TTL after which
//! silent hosts and keys are dropped.

use crate::keys::{Device, KeyClass, LabelField, Role, Scope};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// A stored value: a number as sent (before unit conversion) or a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A numeric key's value.
    Num(f64),
    /// A string key's value.
    Text(Box<str>),
}

/// The latest sample of one key.
#[derive(Debug, Clone)]
pub struct Sample {
    /// What the key is.
    pub class: KeyClass,
    /// The value.
    pub value: Value,
    /// Item clock (Unix seconds) as sent, or the receive time when absent.
    pub clock: i64,
    /// Item nanoseconds as sent (0 when absent).
    pub ns: i64,
    /// When this sample was received (for the TTL).
    pub received: Instant,
}

/// A device's labels, from its `*.name` / `*.busId` keys.
#[derive(Debug, Clone, Default)]
pub struct DeviceLabels {
    /// `disk.N.name`, `net.N.name`, `gpu.N.name`.
    pub name: Option<Box<str>>,
    /// `gpu.N.busId`.
    pub bus_id: Option<Box<str>>,
}

/// Everything known about one host (a VM's task id or a node id).
#[derive(Debug, Clone)]
pub struct Host {
    /// VM or node.
    pub scope: Scope,
    /// Last time an item of this host was stored.
    pub last_push: Instant,
    /// The same as Unix seconds.
    pub last_push_unix: f64,
    /// Latest sample per key.
    pub items: BTreeMap<Box<str>, Sample>,
    /// Device labels.
    pub labels: HashMap<(Device, u16), DeviceLabels>,
}

/// Limits of the store.
#[derive(Debug, Clone, Copy)]
pub struct StoreLimits {
    /// Maximum stored samples over all hosts; items of new keys beyond it are refused.
    pub max_series: usize,
    /// Hosts and keys not pushed for this long are dropped.
    pub ttl: Duration,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            max_series: 500_000,
            ttl: Duration::from_secs(600),
        }
    }
}

/// Why an item was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The store holds `max_series` samples.
    SeriesLimit,
}

/// An item ready to store.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// Host name (task id or node id).
    pub host: &'a str,
    /// Key as sent.
    pub key: &'a str,
    /// Its classification.
    pub class: KeyClass,
    /// The value.
    pub value: Value,
    /// Item clock.
    pub clock: i64,
    /// Item ns.
    pub ns: i64,
}

/// The store. Not synchronised: the bridge wraps it in a mutex.
#[derive(Debug, Default)]
pub struct Store {
    pub(crate) hosts: HashMap<Box<str>, Host>,
    series: usize,
    limits: StoreLimits,
    evicted_hosts: u64,
    refused_series: u64,
}

/// Whether `host` is a node id (64 hex digits); anything else is a VM's task id.
pub fn scope_of(host: &str) -> Scope {
    if host.len() == 64 && host.bytes().all(|b| b.is_ascii_hexdigit()) {
        Scope::Node
    } else {
        Scope::Vm
    }
}

/// Whether `host` is acceptable as a host name (1–128 bytes, no control characters).
pub fn valid_host(host: &str) -> bool {
    !host.is_empty() && host.len() <= 128 && !host.chars().any(char::is_control)
}

/// Keeps a device's labels in step with its `*.name` / `*.busId` sample.
fn set_label(labels: &mut HashMap<(Device, u16), DeviceLabels>, s: &Sample) {
    if let (Value::Text(t), Role::Label(dev, field), Some(i)) =
        (&s.value, s.class.role, s.class.index)
    {
        let l = labels.entry((dev, i)).or_default();
        match field {
            LabelField::Name => l.name = Some(t.clone()),
            LabelField::BusId => l.bus_id = Some(t.clone()),
        }
    }
}

impl Store {
    /// An empty store with `limits`.
    pub fn new(limits: StoreLimits) -> Self {
        Store {
            limits,
            ..Store::default()
        }
    }

    /// Stored samples over all hosts.
    pub fn series(&self) -> usize {
        self.series
    }

    /// Known hosts, sorted by id.
    pub fn hosts(&self) -> Vec<(&str, &Host)> {
        let mut v: Vec<(&str, &Host)> = self.hosts.iter().map(|(k, v)| (&**k, v)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// One host.
    pub fn host(&self, id: &str) -> Option<&Host> {
        self.hosts.get(id)
    }

    /// Hosts dropped by the TTL so far.
    pub fn evicted_hosts(&self) -> u64 {
        self.evicted_hosts
    }

    /// Items refused because the store was full.
    pub fn refused_series(&self) -> u64 {
        self.refused_series
    }

    /// Stores one item (`now_unix` judges clocks from the future).
    ///
    /// The newest item clock wins: an item older than the stored sample is ignored (it still
    /// counts as processed), unless the stored clock lies more than 5 minutes in the future
    /// (an uninitialised clock from the node's error paths must not freeze the key).
    ///
    /// # Errors
    /// [`Refusal::SeriesLimit`] when the item is a new key and the store is full (after
    /// dropping expired hosts and keys).
    pub fn put(&mut self, it: Incoming<'_>, now: Instant, now_unix: f64) -> Result<(), Refusal> {
        let future = now_unix as i64 + 300;
        // The common case: a known key of a known host.
        if let Some(host) = self.hosts.get_mut(it.host) {
            if let Some(s) = host.items.get_mut(it.key) {
                host.last_push = now;
                host.last_push_unix = now_unix;
                if it.clock >= s.clock || s.clock > future {
                    s.value = it.value;
                    s.clock = it.clock;
                    s.ns = it.ns;
                    s.received = now;
                    s.class = it.class;
                    set_label(&mut host.labels, s);
                }
                return Ok(());
            }
        }
        if self.series >= self.limits.max_series {
            self.evict_expired(now);
            if self.series >= self.limits.max_series {
                self.refused_series += 1;
                return Err(Refusal::SeriesLimit);
            }
        }
        let host = match self.hosts.get_mut(it.host) {
            Some(h) => h,
            None => self.hosts.entry(it.host.into()).or_insert_with(|| Host {
                scope: scope_of(it.host),
                last_push: now,
                last_push_unix: now_unix,
                items: BTreeMap::new(),
                labels: HashMap::new(),
            }),
        };
        host.last_push = now;
        host.last_push_unix = now_unix;
        self.series += 1;
        let s = host.items.entry(it.key.into()).or_insert(Sample {
            class: it.class,
            value: it.value,
            clock: it.clock,
            ns: it.ns,
            received: now,
        });
        set_label(&mut host.labels, s);
        Ok(())
    }

    /// Drops hosts silent for the TTL and keys not pushed for the TTL; returns how many hosts
    /// were dropped.
    pub fn evict_expired(&mut self, now: Instant) -> usize {
        let ttl = self.limits.ttl;
        let before = self.hosts.len();
        let mut removed_series = 0usize;
        self.hosts.retain(|_, h| {
            if now.saturating_duration_since(h.last_push) > ttl {
                removed_series += h.items.len();
                return false;
            }
            let n = h.items.len();
            h.items
                .retain(|_, s| now.saturating_duration_since(s.received) <= ttl);
            if h.items.len() != n {
                removed_series += n - h.items.len();
                let items = &h.items;
                h.labels.retain(|(dev, i), _| {
                    items.values().any(|s| {
                        s.class.index == Some(*i)
                            && matches!(s.class.role, Role::Label(d, _) if d == *dev)
                    })
                });
            }
            true
        });
        self.series = self.series.saturating_sub(removed_series);
        let gone = before - self.hosts.len();
        self.evicted_hosts += gone as u64;
        gone
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::keys::classify;

    fn item<'a>(host: &'a str, key: &'a str, v: f64, clock: i64) -> Incoming<'a> {
        Incoming {
            host,
            key,
            class: classify(key, scope_of(host)).unwrap(),
            value: Value::Num(v),
            clock,
            ns: 0,
        }
    }

    #[test]
    fn newest_clock_wins_and_future_clocks_do_not_freeze() {
        let mut s = Store::new(StoreLimits::default());
        let now = Instant::now();
        s.put(item("t1", "dom.cpuUsage", 5.0, 100), now, 1000.0)
            .unwrap();
        s.put(item("t1", "dom.cpuUsage", 7.0, 90), now, 1000.0)
            .unwrap();
        let v = &s.host("t1").unwrap().items["dom.cpuUsage"];
        assert_eq!((v.value.clone(), v.clock), (Value::Num(5.0), 100));
        s.put(item("t1", "dom.cpuUsage", 1.0, 999_999), now, 1000.0)
            .unwrap();
        s.put(item("t1", "dom.cpuUsage", 2.0, 1001), now, 1000.0)
            .unwrap();
        let v = &s.host("t1").unwrap().items["dom.cpuUsage"];
        assert_eq!(v.clock, 1001);
        assert_eq!(s.series(), 1);
    }

    #[test]
    fn keys_not_pushed_for_the_ttl_go_with_their_labels() {
        let mut s = Store::new(StoreLimits {
            max_series: 100,
            ttl: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        let name = Incoming {
            host: "t1",
            key: "net.0.name",
            class: classify("net.0.name", Scope::Vm).unwrap(),
            value: Value::Text("vnet0".into()),
            clock: 1,
            ns: 0,
        };
        s.put(name, t0, 0.0).unwrap();
        s.put(item("t1", "net.0.rx_bytes", 5.0, 1), t0, 0.0)
            .unwrap();
        s.put(item("t1", "dom.cpuUsage", 1.0, 1), t0, 0.0).unwrap();
        assert_eq!(s.host("t1").unwrap().labels.len(), 1);
        // the VM stopped: only dom.* keeps coming
        let later = t0 + Duration::from_secs(8);
        s.put(item("t1", "dom.cpuUsage", 2.0, 2), later, 0.0)
            .unwrap();
        s.evict_expired(t0 + Duration::from_secs(12));
        let h = s.host("t1").unwrap();
        assert_eq!(
            h.items.keys().map(|k| &**k).collect::<Vec<_>>(),
            ["dom.cpuUsage"]
        );
        assert!(h.labels.is_empty());
        assert_eq!(s.series(), 1);
        assert_eq!(s.evicted_hosts(), 0);
    }

    #[test]
    fn series_limit_and_ttl() {
        let mut s = Store::new(StoreLimits {
            max_series: 2,
            ttl: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        s.put(item("a", "dom.cpuUsage", 1.0, 1), t0, 0.0).unwrap();
        s.put(item("b", "dom.cpuUsage", 1.0, 1), t0, 0.0).unwrap();
        assert_eq!(
            s.put(item("c", "dom.cpuUsage", 1.0, 1), t0, 0.0),
            Err(Refusal::SeriesLimit)
        );
        // an update of a known key is always accepted
        s.put(item("a", "dom.cpuUsage", 2.0, 2), t0, 0.0).unwrap();
        let later = t0 + Duration::from_secs(11);
        s.put(item("c", "dom.cpuUsage", 1.0, 1), later, 0.0)
            .unwrap();
        assert_eq!(s.series(), 1);
        assert_eq!(s.evicted_hosts(), 2);
        assert!(s.host("a").is_none());
    }
}
