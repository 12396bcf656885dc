//! Generic output: any `Serialize` value becomes JSON (`--json`) or a human table / key-value
//! block. Commands never format replies themselves.

use crate::error::{CliError, CliResult};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

/// Where command results go.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON only on stdout.
    pub json: bool,
}

impl Output {
    /// Prints a command's result: pretty JSON, or the human rendering.
    pub fn emit<T: Serialize + ?Sized>(&self, value: &T) -> CliResult {
        if self.json {
            let text = serde_json::to_string_pretty(value)
                .map_err(|e| CliError::Failed(format!("cannot encode the result as JSON: {e}")))?;
            println_stdout(&text)
        } else {
            let v = serde_json::to_value(value)
                .map_err(|e| CliError::Failed(format!("cannot render the result: {e}")))?;
            println_stdout(render(&v).trim_end_matches('\n'))
        }
    }

    /// Like [`Output::emit`], with extra `key: value` lines shown first in human mode only.
    pub fn emit_with<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human_extra: &[(&str, String)],
    ) -> CliResult {
        if self.json || human_extra.is_empty() {
            return self.emit(value);
        }
        let v = serde_json::to_value(value)
            .map_err(|e| CliError::Failed(format!("cannot render the result: {e}")))?;
        let mut rows: Vec<(String, String)> = human_extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        match &v {
            Value::Object(m) => flatten_into("", m, &mut rows),
            other => rows.push(("value".into(), scalar(other))),
        }
        println_stdout(kv(&rows).trim_end_matches('\n'))
    }

    /// One compact JSON object on its own line (the demo's per-step records).
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) -> CliResult {
        let text = serde_json::to_string(value)
            .map_err(|e| CliError::Failed(format!("cannot encode the result as JSON: {e}")))?;
        println_stdout(&text)
    }

    /// A human-only line on stdout (suppressed with `--json`).
    pub fn line(&self, text: &str) -> CliResult {
        if self.json {
            return Ok(());
        }
        println_stdout(text)
    }
}

/// Prints to stdout; a closed pipe (e.g. `| head`) is not an error worth a message.
pub fn println_stdout(text: &str) -> CliResult {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Failed(format!("cannot write to stdout: {e}"))),
    }
}

/// Prints a note on stderr (never on stdout, so `--json` stays clean).
pub fn note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// Human rendering of any JSON value.
pub fn render(v: &Value) -> String {
    match v {
        Value::Array(items) => render_array(items),
        Value::Object(m) => {
            // `{"list_name": [...]}` (plus empty members) reads best as the table itself.
            let non_empty: Vec<(&String, &Value)> =
                m.iter().filter(|(_, v)| !is_empty(v)).collect();
            if let [(_, Value::Array(items))] = non_empty.as_slice() {
                return render_array(items);
            }
            if m.values().all(is_empty) && m.len() == 1 {
                return "(none)".into();
            }
            let mut rows = Vec::new();
            flatten_into("", m, &mut rows);
            kv(&rows)
        }
        other => scalar(other),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn render_array(items: &[Value]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    if items.iter().all(Value::is_object) {
        table(items)
    } else {
        items.iter().map(scalar).collect::<Vec<_>>().join("\n")
    }
}

/// A scalar as text; nested values as compact JSON.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            if a.is_empty() {
                "-".into()
            } else {
                a.iter().map(scalar).collect::<Vec<_>>().join(", ")
            }
        }
        other => other.to_string(),
    }
}

fn flatten_into(prefix: &str, m: &Map<String, Value>, rows: &mut Vec<(String, String)>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) if !inner.is_empty() => flatten_into(&key, inner, rows),
            Value::Array(a) if a.iter().any(Value::is_object) => {
                for (i, item) in a.iter().enumerate() {
                    match item {
                        Value::Object(inner) => flatten_into(&format!("{key}[{i}]"), inner, rows),
                        other => rows.push((format!("{key}[{i}]"), scalar(other))),
                    }
                }
            }
            other => rows.push((key, scalar(other))),
        }
    }
}

/// An aligned `key: value` block.
pub fn kv(rows: &[(String, String)]) -> String {
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for (k, v) in rows {
        let pad = width.saturating_sub(k.chars().count());
        s.push_str(k);
        s.push(':');
        s.push_str(&" ".repeat(pad + 1));
        s.push_str(v);
        s.push('\n');
    }
    s
}

/// Column order: identifiers first, then the rest in the order met.
fn column_rank(name: &str) -> u8 {
    match name {
        "task_id" | "node_id" | "network_name" | "snapshot_name" | "image_name" | "image_name:"
        | "name" | "id" => 0,
        "status" => 1,
        _ => 2,
    }
}

fn table(items: &[Value]) -> String {
    let mut cols: Vec<String> = Vec::new();
    for it in items {
        if let Value::Object(m) = it {
            for k in m.keys() {
                if !cols.contains(k) {
                    cols.push(k.clone());
                }
            }
        }
    }
    cols.sort_by_key(|c| column_rank(c));
    let cells: Vec<Vec<String>> = items
        .iter()
        .map(|it| {
            cols.iter()
                .map(|c| {
                    let cell = it.get(c).map(scalar).unwrap_or_else(|| "-".into());
                    let cell = cell.replace('\n', " ");
                    if cell.chars().count() > 80 {
                        let mut t: String = cell.chars().take(77).collect();
                        t.push_str("...");
                        t
                    } else {
                        cell
                    }
                })
                .collect()
        })
        .collect();
    let headers: Vec<String> = cols
        .iter()
        .map(|c| c.trim_end_matches(':').to_uppercase())
        .collect();
    let widths: Vec<usize> = (0..cols.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r.get(i).map(|c| c.chars().count()).unwrap_or(0))
                .chain(std::iter::once(
                    headers.get(i).map(|h| h.chars().count()).unwrap_or(0),
                ))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String]| -> String {
        let mut s = String::new();
        for (i, c) in row.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i + 1 == row.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(w.saturating_sub(c.chars().count()) + 2));
            }
        }
        s.trim_end().to_owned()
    };
    let mut out = line(&headers);
    out.push('\n');
    for r in &cells {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_for_lists_and_kv_for_objects() {
        let list = json!([{"status":"running","task_id":"abc","desc":""},{"status":"creating","task_id":"defgh","desc":"x"}]);
        let t = render(&list);
        let first = t.lines().next().unwrap_or_default();
        assert!(first.starts_with("TASK_ID"), "{t}");
        assert_eq!(t.lines().count(), 3);
        let wrapped = json!({"mining_nodes": [{"node_id":"n1","name":"a"}], "extra": {}});
        assert!(render(&wrapped).starts_with("NODE_ID"));
        let obj = json!({"version":"1","cpu":{"cores":4},"images":[{"image_name":"u.qcow2"}]});
        let r = render(&obj);
        assert!(r.contains("cpu.cores:"), "{r}");
        assert!(r.contains("images[0].image_name:"), "{r}");
        assert_eq!(render(&json!([])), "(none)");
        assert_eq!(render(&json!("ok")), "ok");
    }
}
