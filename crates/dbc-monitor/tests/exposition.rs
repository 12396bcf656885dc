//! The `/metrics` text parses with a Prometheus text-format parser (`prometheus-parse`), line by
//! line with a strict checker of our own, and the names follow Prometheus naming rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use dbc_monitor::keys::{Kind, FAMILIES};
use dbc_monitor::sample::{node_agent_data, vm_agent_data, VmShape};
use dbc_monitor::Limits;
use std::collections::{HashMap, HashSet};

fn is_metric_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_lowercase() || c == b'_')
        && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

fn is_label_name(s: &str) -> bool {
    is_metric_name(s) && !s.starts_with("__")
}

/// A parsed sample line: name, labels, value.
type Line = (String, Vec<(String, String)>, f64);

/// Strict parse of one sample line: name, labels (with escapes), value.
fn parse_line(line: &str) -> Result<Line, String> {
    let name_end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..name_end];
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(r) = rest.strip_prefix('{') {
        rest = r;
        loop {
            let eq = rest.find('=').ok_or("label without =")?;
            let lname = &rest[..eq];
            rest = rest[eq + 1..]
                .strip_prefix('"')
                .ok_or("label value not quoted")?;
            let mut value = String::new();
            let mut chars = rest.char_indices();
            let end = loop {
                match chars.next().ok_or("unterminated label value")? {
                    (_, '\\') => match chars.next().ok_or("dangling escape")?.1 {
                        'n' => value.push('\n'),
                        c @ ('\\' | '"') => value.push(c),
                        c => return Err(format!("bad escape \\{c}")),
                    },
                    (i, '"') => break i,
                    (_, '\n') => return Err("raw newline".into()),
                    (_, c) => value.push(c),
                }
            };
            labels.push((lname.to_owned(), value));
            rest = &rest[end + 1..];
            if let Some(r) = rest.strip_prefix(',') {
                rest = r;
            } else {
                rest = rest.strip_prefix('}').ok_or("labels not closed")?;
                break;
            }
        }
    }
    let value = rest.strip_prefix(' ').ok_or("no space before the value")?;
    if value.contains(' ') {
        return Err("timestamps are not expected".into());
    }
    let v: f64 = value.parse().map_err(|_| format!("bad value {value}"))?;
    Ok((name.to_owned(), labels, v))
}

async fn full_exposition() -> String {
    let mon = start(Limits::default()).await;
    let shape = VmShape {
        disks: 2,
        nics: 2,
        gpus: 2,
    };
    for (i, task) in ["7T13qNLVRXZvjSESL2A24F", r#"weird\"task\\id"#]
        .iter()
        .enumerate()
    {
        send(
            &mon,
            &vm_agent_data(task, shape, 1_736_400_030, i as u64)
                .replace("\"vnet1\"", "\"vnet\\\"1\\n\""),
        )
        .await;
    }
    send(&mon, &node_agent_data(&"ab".repeat(32), 2, 1_736_400_030)).await;
    // a bad value, so dbc_monitor_bad_values_total is present too
    send(
        &mon,
        &SPEC_AGENT_DATA.replace(r#""value":41.13"#, r#""value":"#),
    )
    .await;
    let (status, text) = get(&mon, "/metrics").await;
    assert_eq!(status, 200);
    mon.shutdown().await;
    text
}

#[tokio::test]
async fn exposition_parses_and_follows_naming_rules() {
    let text = full_exposition().await;

    // 1. the prometheus-parse crate reads every sample line
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap();
    let sample_lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(
        scrape.samples.len(),
        sample_lines.len(),
        "some lines were not understood"
    );
    for s in &scrape.samples {
        assert!(
            scrape.docs.contains_key(&s.metric),
            "{} has no HELP",
            s.metric
        );
        if s.metric.ends_with("_total") {
            assert!(
                matches!(s.value, prometheus_parse::Value::Counter(_)),
                "{}",
                s.metric
            );
        } else {
            assert!(
                matches!(s.value, prometheus_parse::Value::Gauge(_)),
                "{}",
                s.metric
            );
        }
    }

    // 2. strict line grammar, naming rules, families contiguous, no duplicate series
    let mut types: HashMap<String, String> = HashMap::new();
    let mut current = String::new();
    let mut closed: HashSet<String> = HashSet::new();
    let mut series: HashSet<String> = HashSet::new();
    for line in text.lines() {
        if let Some(t) = line.strip_prefix("# TYPE ") {
            let (name, ty) = t.split_once(' ').unwrap();
            assert!(
                types.insert(name.to_owned(), ty.to_owned()).is_none(),
                "TYPE twice: {name}"
            );
            if !current.is_empty() {
                closed.insert(std::mem::take(&mut current));
            }
            current = name.to_owned();
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (name, labels, value) = parse_line(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(name, current, "sample outside its family: {line}");
        assert!(!closed.contains(&name));
        assert!(is_metric_name(&name), "{name}");
        assert!(value.is_finite() && value >= 0.0, "{line}");
        let mut seen = HashSet::new();
        for (l, _) in &labels {
            assert!(is_label_name(l), "label {l} in {line}");
            assert!(seen.insert(l.clone()), "label {l} twice in {line}");
        }
        let mut key: Vec<_> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        key.sort();
        assert!(
            series.insert(format!("{name}{key:?}")),
            "duplicate series {line}"
        );
    }
    for (name, ty) in &types {
        match ty.as_str() {
            "counter" => assert!(name.ends_with("_total"), "{name}"),
            "gauge" => {
                for bad in ["_total", "_count", "_sum", "_bucket"] {
                    assert!(!name.ends_with(bad), "gauge {name} ends with {bad}");
                }
            }
            other => panic!("unexpected type {other} of {name}"),
        }
        for not_base in [
            "_kilobytes",
            "_kib",
            "_milliseconds",
            "_nanoseconds",
            "_milliwatts",
            "_percentage",
        ] {
            assert!(!name.contains(not_base), "{name} is not in a base unit");
        }
    }
    // 3. every documented family is exposed, with its unit in the name and its type
    for f in FAMILIES {
        let ty = types
            .get(f.name)
            .unwrap_or_else(|| panic!("{} not exposed", f.name));
        let want = if f.kind == Kind::Counter {
            "counter"
        } else {
            "gauge"
        };
        assert_eq!(ty, want, "{}", f.name);
        let unit = match f.unit {
            "bytes/s" => "bytes_per_second",
            u => u,
        };
        if !unit.is_empty() {
            let stem = f.name.strip_suffix("_total").unwrap_or(f.name);
            assert!(stem.ends_with(unit), "{} lacks its unit {unit}", f.name);
        }
    }
    // 4. escaped label values come back intact
    assert!(text.contains(r#"task_id="weird\"task\\id""#));
    assert!(text.contains(r#"name="vnet\"1\n""#));
    let (_, labels, _) =
        parse_line(text.lines().find(|l| l.contains(r#"vnet\"1"#)).unwrap()).unwrap();
    assert!(labels.contains(&("name".to_owned(), "vnet\"1\n".to_owned())));
}

#[test]
fn the_strict_checker_rejects_bad_lines() {
    for bad in [
        "a{b=\"c} 1",
        "a{b=c} 1",
        "a{b=\"c\"} x",
        "a 1 2",
        "a{b=\"\\x\"} 1",
    ] {
        assert!(parse_line(bad).is_err(), "{bad}");
    }
    assert!(!is_metric_name("dbc-vm"));
    assert!(!is_label_name("__x"));
}
