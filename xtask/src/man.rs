//! `cargo xtask man [--check]`: the `dbc` man pages in `docs/man/` (clap_mangen, rendered by
//! the `man` example of dbc-cli from the same grammar the binary parses). `--check` renders into
//! `target/man-check/` and fails when `docs/man/` differs (a page changed, appeared or went).

use crate::workspace_root;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn render_into(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["run", "-q", "-p", "dbc-cli", "--example", "man", "--"])
        .arg(dir)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("rendering the man pages failed ({status})"));
    }
    Ok(())
}

/// The `*.1` pages of a directory, by file name.
fn pages(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".1") {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            out.insert(name, bytes);
        }
    }
    Ok(out)
}

/// Compares two page sets; the differences, one line each.
pub fn drift(
    committed: &BTreeMap<String, Vec<u8>>,
    fresh: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (name, bytes) in fresh {
        match committed.get(name) {
            None => out.push(format!("missing: docs/man/{name}")),
            Some(old) if old != bytes => out.push(format!("stale: docs/man/{name}")),
            Some(_) => {}
        }
    }
    for name in committed.keys() {
        if !fresh.contains_key(name) {
            out.push(format!("no longer generated: docs/man/{name}"));
        }
    }
    out
}

/// Runs `man [--check]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [a] if a == "--check" => true,
        other => {
            return Err(format!(
                "man: unknown arguments {other:?} (use: man [--check])"
            ))
        }
    };
    let root = workspace_root();
    let committed_dir = root.join("docs").join("man");
    if !check {
        render_into(&committed_dir)?;
        let n = pages(&committed_dir)?.len();
        eprintln!("xtask man: wrote {n} pages to docs/man/");
        return Ok(());
    }
    let fresh_dir = root.join("target").join("man-check");
    render_into(&fresh_dir)?;
    let diffs = drift(&pages(&committed_dir)?, &pages(&fresh_dir)?);
    if diffs.is_empty() {
        eprintln!("xtask man --check: docs/man/ is up to date");
        Ok(())
    } else {
        Err(format!(
            "docs/man/ is stale ({} differences; run `cargo xtask man`):\n  {}",
            diffs.len(),
            diffs.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_finds_changed_new_and_removed_pages() {
        let mut a = BTreeMap::new();
        a.insert("dbc.1".to_owned(), b"x".to_vec());
        a.insert("dbc-old.1".to_owned(), b"o".to_vec());
        let mut b = BTreeMap::new();
        b.insert("dbc.1".to_owned(), b"y".to_vec());
        b.insert("dbc-new.1".to_owned(), b"n".to_vec());
        let d = drift(&a, &b);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(drift(&a, &a).is_empty());
    }
}
