//! Report writing shared by `cargo xtask bench` and `cargo xtask soak`: the generated block of a
//! Markdown document, the machine line, number formatting and Markdown table rows.

use crate::workspace_root;
use serde_json::Value;

/// Replaces the block between `begin` and `end` in `doc` (a path under the workspace root) by
/// `generated`; when the markers are missing, the file becomes `fallback(old text, block)`.
pub(crate) fn write_block(
    doc: &str,
    begin: &str,
    end: &str,
    generated: &str,
    fallback: impl FnOnce(&str, &str) -> String,
) -> Result<(), String> {
    let path = workspace_root().join(doc);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let block = format!("{begin}\n{generated}{end}");
    let new = match (old.find(begin), old.find(end)) {
        (Some(a), Some(b)) if b > a => format!("{}{block}{}", &old[..a], &old[b + end.len()..]),
        _ => fallback(&old, &block),
    };
    std::fs::write(&path, new).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// One Markdown table row: `| a | b |` and a newline.
pub(crate) fn row<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut s = String::from("|");
    for c in cells {
        s.push(' ');
        s.push_str(c.as_ref());
        s.push_str(" |");
    }
    s.push('\n');
    s
}

/// A Markdown table's separator row for `columns` columns.
pub(crate) fn separator(columns: usize) -> String {
    format!("|{}\n", "---|".repeat(columns))
}

/// A number for a table cell: no decimals from 1000, one from 10, three below; `—` if absent.
pub(crate) fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x >= 1000.0 => format!("{x:.0}"),
        Some(x) if x >= 10.0 => format!("{x:.1}"),
        Some(x) => format!("{x:.3}"),
        None => "—".into(),
    }
}

/// The CPU model from `/proc/cpuinfo`.
pub(crate) fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into())
}

/// How many CPUs this process may use.
pub(crate) fn nproc() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Today's UTC date and time, from the system clock (no date crate needed).
pub(crate) fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_numbers_and_rows() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(num(&json!(57380.4)), "57380");
        assert_eq!(num(&json!(26.44)), "26.4");
        assert_eq!(num(&json!(0.9234)), "0.923");
        assert_eq!(num(&Value::Null), "—");
        assert_eq!(row(["a", "b"]), "| a | b |\n");
        assert_eq!(separator(3), "|---|---|---|\n");
    }
}
