//! Generic output: any `Serialize` value becomes JSON (`--json`) or a human table / key-value
//! block. Commands never format replies themselves.

mod jq;
mod table;
mod view;

use crate::error::{CliError, CliResult};
use serde::Serialize;
use std::io::Write;

pub use jq::JqProgram;
pub use view::{configure, current as current_view, ViewArgs};

/// Where command results go.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON only on stdout.
    pub json: bool,
}

impl Output {
    /// Prints a command's result: pretty JSON, or the human rendering.
    ///
    /// # Errors
    /// The value cannot be encoded, the `--jq` filter fails, or stdout cannot be written.
    pub fn emit<T: Serialize + ?Sized>(&self, value: &T) -> CliResult {
        if self.json {
            let text = serde_json::to_string_pretty(value)
                .map_err(|e| CliError::Failed(format!("cannot encode the result as JSON: {e}")))?;
            emit_json_text(&text)
        } else {
            println_stdout(render_value(value)?.trim_end_matches('\n'))
        }
    }

    /// Like [`Output::emit`], with extra `key: value` lines shown first in human mode only.
    ///
    /// # Errors
    /// The value cannot be encoded, the `--jq` filter fails, or stdout cannot be written.
    pub fn emit_with<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human_extra: &[(&str, String)],
    ) -> CliResult {
        if self.json || human_extra.is_empty() {
            return self.emit(value);
        }
        let v = Ordered::from_serialize(value)
            .map_err(|e| CliError::Failed(format!("cannot render the result: {e}")))?;
        let mut rows: Vec<(String, String)> = human_extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        match &v {
            Ordered::Object(m) => flatten_into("", m, &mut rows),
            other => rows.push(("value".into(), scalar(other))),
        }
        println_stdout(kv(&rows).trim_end_matches('\n'))
    }

    /// One compact JSON object on its own line (the demo's per-step records).
    ///
    /// # Errors
    /// The value cannot be encoded, the `--jq` filter fails, or stdout cannot be written.
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) -> CliResult {
        let text = serde_json::to_string(value)
            .map_err(|e| CliError::Failed(format!("cannot encode the result as JSON: {e}")))?;
        emit_json_text(&text)
    }

    /// A human-only line on stdout (suppressed with `--json`).
    ///
    /// # Errors
    /// Stdout cannot be written.
    pub fn line(&self, text: &str) -> CliResult {
        if self.json {
            return Ok(());
        }
        println_stdout(text)
    }
}

/// Prints one JSON document on stdout, through the `--jq` filter when one was given (each
/// output on its own line; strings without quotes, like `gh --jq`).
///
/// # Errors
/// The filter fails at run time, or stdout cannot be written.
pub fn emit_json_text(text: &str) -> CliResult {
    match current_view().jq {
        Some(expr) => {
            for line in JqProgram::compile(&expr)?.run(text)? {
                println_stdout(&line)?;
            }
            Ok(())
        }
        None => println_stdout(text),
    }
}

/// Prints JSON documents one a line (fleet results), through the `--jq` filter when one was
/// given (compiled once for all of them).
///
/// # Errors
/// The filter fails at run time, or stdout cannot be written.
pub fn emit_json_lines(lines: &[String]) -> CliResult {
    let out = match current_view().jq {
        Some(expr) => {
            let inputs: Vec<&str> = lines.iter().map(String::as_str).collect();
            JqProgram::compile(&expr)?.run_many(&inputs)?
        }
        None => lines.to_vec(),
    };
    let mut text = out.join("\n");
    if text.is_empty() {
        return Ok(());
    }
    text.truncate(text.trim_end_matches('\n').len());
    println_stdout(&text)
}

/// Prints to stdout; a closed pipe (e.g. `| head`) is not an error worth a message.
///
/// # Errors
/// Stdout cannot be written (a closed pipe is not an error).
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

/// A JSON value that keeps object members in their serialisation order (so human output
/// follows the struct's field order, not the alphabet).
#[derive(Debug, Clone, PartialEq)]
pub enum Ordered {
    /// `null`
    Null,
    /// Scalars, already as text (`true`, `42`, `text`).
    Scalar(String),
    /// An array.
    Array(Vec<Ordered>),
    /// An object, members in order.
    Object(Vec<(String, Ordered)>),
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Ordered, D2::Error> {
                serde::Deserialize::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Ordered::Array(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Ordered>()? {
                    v.push((k, x));
                }
                Ok(Ordered::Object(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    /// Converts any serialisable value, keeping member order.
    ///
    /// # Errors
    /// The value cannot be serialized to JSON.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Ordered, serde_json::Error> {
        let text = serde_json::to_string(value)?;
        serde_json::from_str(&text)
    }
    fn is_object(&self) -> bool {
        matches!(self, Ordered::Object(_))
    }
    /// `null`, `[]` or `{}`.
    pub fn is_empty(&self) -> bool {
        match self {
            Ordered::Null => true,
            Ordered::Array(a) => a.is_empty(),
            Ordered::Object(o) => o.is_empty(),
            Ordered::Scalar(_) => false,
        }
    }
}

/// Human rendering of any serialisable value.
///
/// # Errors
/// The value cannot be serialized to JSON.
pub fn render_value<T: Serialize + ?Sized>(value: &T) -> CliResult<String> {
    let v = Ordered::from_serialize(value)
        .map_err(|e| CliError::Failed(format!("cannot render the result: {e}")))?;
    Ok(render(&v))
}

/// Human rendering: tables for lists, aligned key/value blocks for objects.
pub fn render(v: &Ordered) -> String {
    match v {
        Ordered::Array(items) => render_array(items),
        Ordered::Object(m) => {
            // `{"list_name": [...]}` (plus empty members) reads best as the table itself.
            let non_empty: Vec<&(String, Ordered)> =
                m.iter().filter(|(_, v)| !v.is_empty()).collect();
            if let [(_, Ordered::Array(items))] = non_empty.as_slice() {
                return render_array(items);
            }
            if non_empty.is_empty() && m.len() == 1 {
                return "(none)".into();
            }
            let mut rows = Vec::new();
            flatten_into("", m, &mut rows);
            kv(&rows)
        }
        other => scalar(other),
    }
}

fn render_array(items: &[Ordered]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    if items.iter().all(Ordered::is_object) {
        table(items)
    } else {
        items.iter().map(scalar).collect::<Vec<_>>().join("\n")
    }
}

/// A scalar as text; lists of scalars comma separated; nested values as compact text. Absent
/// values (`null`, and the node's `"null"` for an unset name) print as `-`.
fn scalar(v: &Ordered) -> String {
    match v {
        Ordered::Scalar(s) if s == "null" => "-".into(),
        Ordered::Scalar(s) => s.clone(),
        Ordered::Null => "-".into(),
        Ordered::Array(a) if a.is_empty() => "-".into(),
        Ordered::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Ordered::Object(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", scalar(v)))
                .collect();
            format!("{{{}}}", inner.join(" "))
        }
    }
}

fn flatten_into(prefix: &str, m: &[(String, Ordered)], rows: &mut Vec<(String, String)>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Ordered::Object(inner) if !inner.is_empty() => flatten_into(&key, inner, rows),
            Ordered::Array(a) if a.iter().any(Ordered::is_object) => {
                for (i, item) in a.iter().enumerate() {
                    match item {
                        Ordered::Object(inner) => flatten_into(&format!("{key}[{i}]"), inner, rows),
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

/// Column order: identifiers first, then status, then the rest in field order.
fn column_rank(name: &str) -> u8 {
    match name {
        "task_id" | "node_id" | "network_name" | "snapshot_name" | "image_name" | "image_name:"
        | "id" => 0,
        "name" => 1,
        "status" => 2,
        _ => 3,
    }
}

/// A table cell: like [`scalar`], but a list of objects shows as its length.
fn cell(v: &Ordered) -> String {
    match v {
        Ordered::Array(a) if a.iter().any(Ordered::is_object) => format!("{} items", a.len()),
        other => scalar(other),
    }
}

fn header(col: &str) -> String {
    col.trim_end_matches(':').to_uppercase()
}

/// A table of rows given as (column, value) pairs; columns in first-seen order, ranked
/// (identifiers, name, status, the rest); a missing cell prints as `-`.
pub fn table_of_rows(rows: &[Vec<(String, Ordered)>]) -> String {
    let mut cols: Vec<&str> = Vec::new();
    for row in rows {
        for (k, _) in row {
            if !cols.contains(&k.as_str()) {
                cols.push(k.as_str());
            }
        }
    }
    cols.sort_by_key(|c| {
        if *c == "node" {
            0
        } else if *c == "error" {
            5
        } else {
            column_rank(c) + 1
        }
    });
    let headers: Vec<String> = cols.iter().map(|c| header(c)).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            cols.iter()
                .map(|c| {
                    row.iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| cell(v))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    table::render(&headers, &cells, &current_view())
}

fn table(items: &[Ordered]) -> String {
    let rows: Vec<Vec<(String, Ordered)>> = items
        .iter()
        .map(|it| match it {
            Ordered::Object(m) => m.clone(),
            other => vec![("value".to_owned(), other.clone())],
        })
        .collect();
    table_of_rows(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(v: &serde_json::Value) -> String {
        render_value(v).unwrap_or_default()
    }

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
