//! One request body in, one reply body out: `active checks`, `agent data`, `sender data`.
//!
//! Tolerant as MONITOR.md §7 asks: numbers or numeric strings, exponents, garbage values,
//! unknown keys, missing clocks (the receive time is used), several values per key (newest
//! clock wins), the node's `"value":,` (repaired to `null`). A bad item fails alone; the other
//! items of the frame are stored. Replies never echo input.

use crate::bridge::Bridge;
use crate::jsonfix::repair_empty_values;
use crate::keys::{classify, Kind, Role, FAMILIES};
use crate::reply;
use crate::store::{scope_of, valid_host, Incoming, Value};
use serde_json::Value as Json;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The request types counted in `dbc_monitor_requests_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// `active checks`.
    ActiveChecks,
    /// `agent data`.
    AgentData,
    /// `sender data`.
    SenderData,
    /// Any other `request`, or none.
    Other,
    /// The body is not JSON (even after repair).
    InvalidJson,
}

/// Why an item was not stored (the `result` label of `dbc_monitor_items_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemResult {
    /// Stored.
    Stored,
    /// Not an object, or no string `host`/`key`, or an unusable host.
    Malformed,
    /// A key this bridge does not know (or a key of the other scope).
    UnknownKey,
    /// The value is missing, not a number, or negative.
    BadValue,
    /// The store is full.
    SeriesLimit,
}

impl ItemResult {
    /// Label value.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemResult::Stored => "stored",
            ItemResult::Malformed => "malformed",
            ItemResult::UnknownKey => "unknown_key",
            ItemResult::BadValue => "bad_value",
            ItemResult::SeriesLimit => "series_limit",
        }
    }
}

/// Why a value was refused (the `reason` label of `dbc_monitor_bad_values_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadValue {
    /// `null`, or nothing at all (the node's NaN: `"value":,`).
    Missing,
    /// Not a number (or a non-finite one) where a number is expected; or an object/array.
    NotANumber,
    /// Negative where the key cannot be (the node's `dom.cpuUsage` overflow).
    Negative,
}

impl BadValue {
    /// Label value.
    pub fn as_str(self) -> &'static str {
        match self {
            BadValue::Missing => "missing",
            BadValue::NotANumber => "not_a_number",
            BadValue::Negative => "negative",
        }
    }
}

/// Longest string value kept (longer ones are cut at a character boundary).
const MAX_TEXT: usize = 256;

fn text(s: &str) -> Value {
    let mut end = s.len().min(MAX_TEXT);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Value::Text(s.get(..end).unwrap_or_default().into())
}

fn convert(v: Option<&Json>, want_text: bool) -> Result<Value, BadValue> {
    match v {
        None | Some(Json::Null) => Err(BadValue::Missing),
        Some(Json::String(s)) if want_text => Ok(text(s)),
        Some(Json::Number(n)) if want_text => Ok(text(&n.to_string())),
        Some(Json::Bool(b)) if want_text => Ok(text(if *b { "true" } else { "false" })),
        Some(j) if !want_text => {
            let x = match j {
                Json::Number(n) => n.as_f64().ok_or(BadValue::NotANumber)?,
                Json::String(s) => s.trim().parse::<f64>().map_err(|_| BadValue::NotANumber)?,
                _ => return Err(BadValue::NotANumber),
            };
            if !x.is_finite() {
                Err(BadValue::NotANumber)
            } else if x < 0.0 {
                Err(BadValue::Negative)
            } else {
                Ok(Value::Num(x))
            }
        }
        Some(_) => Err(BadValue::NotANumber),
    }
}

fn int_of(v: Option<&Json>) -> Option<i64> {
    match v? {
        Json::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 9.0e18)
                .map(|f| f as i64)
        }),
        Json::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// Handles one request body and returns the reply body (node-safe, see [`crate::reply`]).
pub(crate) fn handle(bridge: &Bridge, body: &[u8]) -> String {
    let started = Instant::now();
    let fixed = repair_empty_values(body);
    let root: Json = match serde_json::from_slice(&fixed) {
        Ok(j) => j,
        Err(_) => {
            bridge.count_request(RequestKind::InvalidJson);
            return reply::failed("invalid JSON");
        }
    };
    let kind = match root.get("request").and_then(Json::as_str) {
        Some("active checks") => RequestKind::ActiveChecks,
        Some("agent data") => RequestKind::AgentData,
        Some("sender data") => RequestKind::SenderData,
        _ => RequestKind::Other,
    };
    bridge.count_request(kind);
    match kind {
        RequestKind::ActiveChecks => reply::active_checks(),
        RequestKind::AgentData | RequestKind::SenderData => {
            let items = root.get("data").and_then(Json::as_array);
            let (ok, failed) = store_items(bridge, items.map(Vec::as_slice).unwrap_or_default());
            reply::processed(ok, failed, started.elapsed())
        }
        RequestKind::Other | RequestKind::InvalidJson => reply::failed("unsupported request"),
    }
}

fn store_items(bridge: &Bridge, items: &[Json]) -> (u64, u64) {
    let now = Instant::now();
    let now_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default();
    let mut counts = crate::bridge::ItemCounts::default();
    let mut bad: Vec<(&'static str, BadValue)> = Vec::new();
    let mut ok = 0u64;
    let mut failed = 0u64;
    {
        let mut store = bridge.lock_store();
        for it in items {
            let r = one_item(&mut store, it, now, now_unix, &mut bad);
            counts.add(r);
            if r == ItemResult::Stored {
                ok += 1;
            } else {
                failed += 1;
            }
        }
    }
    bridge.count_items(&counts, &bad);
    (ok, failed)
}

fn one_item(
    store: &mut crate::store::Store,
    it: &Json,
    now: Instant,
    now_unix: f64,
    bad: &mut Vec<(&'static str, BadValue)>,
) -> ItemResult {
    let (Some(host), Some(key)) = (
        it.get("host").and_then(Json::as_str),
        it.get("key").and_then(Json::as_str),
    ) else {
        return ItemResult::Malformed;
    };
    if !valid_host(host) {
        return ItemResult::Malformed;
    }
    let Some(class) = classify(key, scope_of(host)) else {
        return ItemResult::UnknownKey;
    };
    let (want_text, what) = match class.role {
        Role::Metric(i) => match FAMILIES.get(usize::from(i)) {
            Some(f) => (matches!(f.kind, Kind::Info(_)), f.name),
            None => return ItemResult::UnknownKey,
        },
        Role::Label(..) => (true, "device_label"),
    };
    let value = match convert(it.get("value"), want_text) {
        Ok(v) => v,
        Err(b) => {
            bad.push((what, b));
            return ItemResult::BadValue;
        }
    };
    let clock = int_of(it.get("clock")).unwrap_or(now_unix as i64);
    let ns = int_of(it.get("ns")).unwrap_or(0);
    match store.put(
        Incoming {
            host,
            key,
            class,
            value,
            clock,
            ns,
        },
        now,
        now_unix,
    ) {
        Ok(()) => ItemResult::Stored,
        Err(_) => ItemResult::SeriesLimit,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(
            convert(Some(&serde_json::json!("5.14")), false),
            Ok(Value::Num(5.14))
        );
        assert_eq!(
            convert(Some(&serde_json::json!(1e3)), false),
            Ok(Value::Num(1000.0))
        );
        assert_eq!(
            convert(Some(&serde_json::json!(-3.5)), false),
            Err(BadValue::Negative)
        );
        assert_eq!(
            convert(Some(&serde_json::json!("NaN")), false),
            Err(BadValue::NotANumber)
        );
        assert_eq!(convert(Some(&Json::Null), false), Err(BadValue::Missing));
        assert_eq!(
            convert(Some(&serde_json::json!(8)), true),
            Ok(Value::Text("8".into()))
        );
        assert_eq!(
            convert(Some(&serde_json::json!({"a": 1})), true),
            Err(BadValue::NotANumber)
        );
        assert_eq!(int_of(Some(&serde_json::json!("17"))), Some(17));
        assert_eq!(int_of(Some(&serde_json::json!(1.5e9))), Some(1_500_000_000));
        assert_eq!(int_of(Some(&serde_json::json!(1e300))), None);
    }
}
