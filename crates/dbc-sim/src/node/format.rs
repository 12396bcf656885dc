//! Text helpers shared by the node endpoints: times, sizes, `additional` fields, the node's
//! unescaped JSON lists.

use crate::envelope::atoi;
use serde_json::Value;
use std::time::SystemTime;

/// Format a time as `YYYY-MM-DD HH:MM:SS` (UTC stands in for the node's local zone).
pub(crate) fn fmt_time(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil_from_days (H. Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        y,
        m,
        d,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

pub(super) fn gib_str(g: f64) -> String {
    let r = (g * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}G", r as i64)
    } else {
        let s = format!("{r:.2}");
        format!("{}G", s.trim_end_matches('0'))
    }
}

/// The size the node shows for an image, guessed from its name.
pub(crate) fn image_size(name: &str) -> &'static str {
    if name.contains("win") {
        "46.5G"
    } else if name.contains("cuda") {
        "32G"
    } else {
        "20G"
    }
}

pub(super) fn add_str(add: &Value, k: &str) -> Option<String> {
    add.get(k).and_then(Value::as_str).map(str::to_string)
}

pub(super) fn add_str_list(add: &Value, k: &str) -> Vec<String> {
    match add.get(k) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn json_str_list(items: &[String]) -> String {
    // DEFECT (spec §2): values are concatenated without escaping.
    let mut s = String::from("[");
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        s.push_str(it);
        s.push('"');
    }
    s.push(']');
    s
}

pub(super) fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

pub(super) fn stars(s: &str) -> String {
    "*".repeat(s.chars().count())
}

pub(super) fn port16(s: &str) -> u16 {
    (atoi(s) & 0xFFFF) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn time_format_and_sizes() {
        assert_eq!(
            fmt_time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_732_550_607)),
            "2024-11-25 16:03:27"
        );
        assert_eq!(gib_str(7.5), "7.5G");
        assert_eq!(gib_str(64.0), "64G");
    }
}
