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
use crate::request::{ItemIn, Req};
use crate::store::{scope_of, valid_host, Incoming, Value};
use serde_json::value::RawValue;
use std::borrow::Cow;
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

/// A value as sent: the raw JSON text of one member (absent and `null` are `None`).
fn convert(v: Option<&RawValue>, want_text: bool) -> Result<Value, BadValue> {
    let raw = match v.map(|r| r.get().trim()) {
        None | Some("null") => return Err(BadValue::Missing),
        Some(r) => r,
    };
    let first = raw.as_bytes().first().copied().unwrap_or(b'n');
    if first == b'"' {
        let s = json_str(raw).ok_or(BadValue::NotANumber)?;
        return if want_text { Ok(text(&s)) } else { number(&s) };
    }
    if first == b'{' || first == b'[' {
        return Err(BadValue::NotANumber);
    }
    if want_text {
        // a number or true/false, kept as written
        return Ok(text(raw));
    }
    if raw == "true" || raw == "false" {
        return Err(BadValue::NotANumber);
    }
    number(raw)
}

fn number(s: &str) -> Result<Value, BadValue> {
    let x = s.trim().parse::<f64>().map_err(|_| BadValue::NotANumber)?;
    if !x.is_finite() {
        Err(BadValue::NotANumber)
    } else if x < 0.0 {
        Err(BadValue::Negative)
    } else {
        Ok(Value::Num(x))
    }
}

/// An integer clock/ns: a JSON number (integer or float) or a numeric string.
fn int_of(v: Option<&RawValue>) -> Option<i64> {
    let raw = v?.get().trim();
    let s: Cow<'_, str> = if raw.starts_with('"') {
        json_str(raw)?
    } else {
        Cow::Borrowed(raw)
    };
    let s = s.trim();
    s.parse::<i64>().ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && f.abs() < 9.0e18)
            .map(|f| f as i64)
    })
}

fn string_of(v: Option<&RawValue>) -> Option<Cow<'_, str>> {
    json_str(v?.get())
}

/// A JSON string literal's content (borrowed when it has no escapes); `None` if not a string.
fn json_str(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
}

/// Handles one request body and returns the reply body (node-safe, see [`crate::reply`]).
pub(crate) fn handle(bridge: &Bridge, body: &[u8]) -> String {
    let started = Instant::now();
    // Valid JSON never needs the repair, so it is only tried when parsing fails.
    let fixed;
    let req: Req<'_> = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(_) => {
            fixed = repair_empty_values(body);
            match serde_json::from_slice(&fixed) {
                Ok(r) => r,
                Err(_) => {
                    bridge.count_request(RequestKind::InvalidJson);
                    return reply::failed("invalid JSON");
                }
            }
        }
    };
    let kind = match string_of(req.request).as_deref() {
        Some("active checks") => RequestKind::ActiveChecks,
        Some("agent data") => RequestKind::AgentData,
        Some("sender data") => RequestKind::SenderData,
        _ => RequestKind::Other,
    };
    bridge.count_request(kind);
    match kind {
        RequestKind::ActiveChecks => reply::active_checks(),
        RequestKind::AgentData | RequestKind::SenderData => {
            let (ok, failed) = store_items(bridge, req.items);
            reply::processed(ok, failed, started.elapsed())
        }
        RequestKind::Other | RequestKind::InvalidJson => reply::failed("unsupported request"),
    }
}

/// An item checked and converted, ready to store.
struct Ready<'a> {
    host: Cow<'a, str>,
    key: Cow<'a, str>,
    class: crate::keys::KeyClass,
    value: Value,
    clock: i64,
    ns: i64,
}

fn store_items(bridge: &Bridge, items: Vec<Option<ItemIn<'_>>>) -> (u64, u64) {
    let total = items.len() as u64;
    let now = Instant::now();
    let now_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default();
    let mut counts = crate::bridge::ItemCounts::default();
    let mut bad: Vec<(&'static str, BadValue)> = Vec::new();
    // Parse, classify and convert outside the store's lock.
    let mut ready = Vec::with_capacity(items.len());
    for it in items {
        let Some(it) = it else {
            counts.add(ItemResult::Malformed);
            continue;
        };
        match prepare(it, now_unix, &mut bad) {
            Ok(r) => ready.push(r),
            Err(r) => counts.add(r),
        }
    }
    let mut ok = 0u64;
    {
        let mut store = bridge.lock_store();
        for r in ready {
            let put = store.put(
                Incoming {
                    host: &r.host,
                    key: &r.key,
                    class: r.class,
                    value: r.value,
                    clock: r.clock,
                    ns: r.ns,
                },
                now,
                now_unix,
            );
            match put {
                Ok(()) => {
                    ok += 1;
                    counts.add(ItemResult::Stored);
                }
                Err(_) => counts.add(ItemResult::SeriesLimit),
            }
        }
    }
    bridge.count_items(&counts, &bad);
    (ok, total - ok)
}

fn prepare<'a>(
    item: ItemIn<'a>,
    now_unix: f64,
    bad: &mut Vec<(&'static str, BadValue)>,
) -> Result<Ready<'a>, ItemResult> {
    let (Some(host), Some(key)) = (string_of(item.host), string_of(item.key)) else {
        return Err(ItemResult::Malformed);
    };
    if !valid_host(&host) {
        return Err(ItemResult::Malformed);
    }
    let class = classify(&key, scope_of(&host)).ok_or(ItemResult::UnknownKey)?;
    let (want_text, what) = match class.role {
        Role::Metric(i) => match FAMILIES.get(usize::from(i)) {
            Some(f) => (matches!(f.kind, Kind::Info(_)), f.name),
            None => return Err(ItemResult::UnknownKey),
        },
        Role::Label(..) => (true, "device_label"),
    };
    let value = convert(item.value, want_text).map_err(|b| {
        bad.push((what, b));
        ItemResult::BadValue
    })?;
    Ok(Ready {
        host,
        key,
        class,
        value,
        clock: int_of(item.clock).unwrap_or(now_unix as i64),
        ns: int_of(item.ns).unwrap_or(0),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn values() {
        let c = |s: &str, t: bool| convert(Some(&raw(s)), t);
        assert_eq!(c("\"5.14\"", false), Ok(Value::Num(5.14)));
        assert_eq!(c("1e3", false), Ok(Value::Num(1000.0)));
        assert_eq!(c("-3.5", false), Err(BadValue::Negative));
        assert_eq!(c("\"NaN\"", false), Err(BadValue::NotANumber));
        assert_eq!(c("true", false), Err(BadValue::NotANumber));
        assert_eq!(c("null", false), Err(BadValue::Missing));
        assert_eq!(convert(None, false), Err(BadValue::Missing));
        assert_eq!(c("8", true), Ok(Value::Text("8".into())));
        assert_eq!(c("\"a\\\"b\"", true), Ok(Value::Text("a\"b".into())));
        assert_eq!(c("{\"a\": 1}", true), Err(BadValue::NotANumber));
        assert_eq!(int_of(Some(&raw("\"17\""))), Some(17));
        assert_eq!(int_of(Some(&raw("1.5e9"))), Some(1_500_000_000));
        assert_eq!(int_of(Some(&raw("1e300"))), None);
    }
}
